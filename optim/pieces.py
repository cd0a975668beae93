"""Large arrays stepped in cache-sized pieces, for the elementwise rules.

An elementwise rule (`Optimizer.elementwise`) makes about a dozen passes over a parameter's
arrays per step: Adam reads and writes the parameter, its gradient, two moments and a scratch
array. Five arrays of a large parameter overflow the core's L2 cache, so every pass streams all
of them from memory again. The rule computes every coordinate on its own, so its step on a
slice of the arrays is the same arithmetic as its step on the whole; stepped slice by slice
(rows of the leading axis, about `PIECE_BYTES` per array), the dozen passes over a slice run in
the cache. The result is bitwise the same. Only a gradient and state arrays shaped and typed like
the parameter pair up row by row; otherwise (a broadcasting gradient, a 0-d array among the state's
scalars) the step is one whole `_update`, as for a small array. As with a rule that updates one
array in place, an error part-way (a floating-point error under `np.errstate(...="raise")`) leaves
the pieces before it stepped.
"""
import numpy as np

# Bytes of one array's slice. Measured with Adam in the training steps of the benchmarks (2 MiB of L2
# per core): the medium MLP's step, float64 1.40 -> 1.23 ms, float32 0.60 -> 0.58 ms; the large MLP's
# (two 1024x1024 weights), float64 11.9 -> 9.2 ms, float32 5.5 -> 3.8 ms. Slices of 2**14 to 2**16
# float64 elements all win; 2**17 bytes matches the packs' cut (`packing.SMALL_PARAM_BYTES`) and keeps
# the five slices of an Adam step (640 KiB) inside a 1 MiB L2 as well.
PIECE_BYTES = 2**17


def assign(target, value):
    """`target[...] = value`: an array of `target`'s dtype is copied as it is, and not at all when it is `target`
    or a view of the same elements in the same layout (NumPy skips such a self-assignment); anything else is
    cast as `np.copyto` does ("same_kind")."""
    if isinstance(value, np.ndarray) and value.dtype == target.dtype:
        target[...] = value
    else:
        np.copyto(target, value, casting="same_kind")


def rows_per_piece(array):
    """How many rows (entries of the leading axis) of `array` (not empty) make about `PIECE_BYTES`, at least one."""
    return max(1, PIECE_BYTES // (array.nbytes // len(array)))


def _rows_pair_up(param, grad, state):
    """Whether `grad` and every array in `state` have `param`'s shape and dtype."""
    arrays = [grad, *(value for value in state.values() if isinstance(value, np.ndarray))]
    return all(array.shape == param.shape and array.dtype == param.dtype for array in arrays)


def update(optimizer, param, grad, state, group):
    """`optimizer._update(param, grad, state, group)` for an elementwise rule, piece by piece when `param` is large.

    Each piece of rows gets its slice of `param`, `grad` and every state array, and the state's scalars
    as they were before the step (so every piece computes the same new scalars). The new values are
    written over `param` and into `state` (in place, its arrays and its scalars), and `(param, state)`
    is returned; an entry that becomes an array (SGD's momentum buffer, None before the first step) gets
    a new whole array.
    """
    if param.nbytes <= PIECE_BYTES or not _rows_pair_up(param, grad, state):
        return optimizer._update(param, grad, state, group)
    piece_rows = rows_per_piece(param)
    arrays = {key: value for key, value in state.items() if isinstance(value, np.ndarray)}
    for start in range(0, len(param), piece_rows):
        rows = slice(start, start + piece_rows)
        piece_state = {key: value[rows] if isinstance(value, np.ndarray) else value for key, value in state.items()}
        piece = param[rows]
        value, piece_state = optimizer._update(piece, grad[rows], piece_state, group)
        assign(piece, value)
        for key, value in piece_state.items():
            if isinstance(value, np.ndarray):
                if key not in arrays:
                    arrays[key] = np.empty_like(param)
                assign(arrays[key][rows], value)
    for key, value in piece_state.items():
        state[key] = arrays[key] if isinstance(value, np.ndarray) else value
    return param, state
