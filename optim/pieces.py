"""Large arrays stepped in cache-sized pieces, for the elementwise rules.

An elementwise rule (`Optimizer.elementwise`) makes about a dozen passes over a parameter's
arrays per step: Adam reads and writes the parameter, its gradient, two moments and a scratch
array. Five arrays of a large parameter overflow the core's L2 cache, so every pass streams all
of them from memory again. The rule computes every coordinate on its own, so its step on a
slice of the arrays is the same arithmetic as its step on the whole; stepped slice by slice
(rows of the leading axis, about `PIECE_BYTES` per array), the dozen passes over a slice run in
the cache. The result is bitwise the same.
"""
import numpy as np

# Bytes of one array's slice. Measured with Adam in the training steps of the benchmarks (2 MiB of L2
# per core): the medium MLP's step, float64 1.40 -> 1.23 ms, float32 0.60 -> 0.58 ms; the large MLP's
# (two 1024x1024 weights), float64 11.9 -> 9.2 ms, float32 5.5 -> 3.8 ms. Slices of 2**14 to 2**16
# float64 elements all win; 2**17 bytes matches the packs' cut (`packing.SMALL_PARAM_BYTES`) and keeps
# the five slices of an Adam step (640 KiB) inside a 1 MiB L2 as well.
PIECE_BYTES = 2**17


def assign(target, value):
    """`target[...] = value`: an array of `target`'s dtype is copied as it is (not at all when it is `target`
    itself, or a view of the same memory: NumPy skips assigning an array to itself); anything else is cast as
    `np.copyto` does ("same_kind")."""
    if isinstance(value, np.ndarray) and value.dtype == target.dtype:
        target[...] = value
    else:
        np.copyto(target, value, casting="same_kind")


def rows_per_piece(array):
    """How many rows (entries of the leading axis) of `array` (not empty) make about `PIECE_BYTES`, at least one."""
    return max(1, PIECE_BYTES // (array.nbytes // len(array)))


def update(optimizer, param, grad, state, group):
    """`optimizer._update(param, grad, state, group)` for an elementwise rule, piece by piece when `param` is large.

    `state`'s arrays are shaped like `param`. Each piece of rows gets its slice of `param`, `grad` and
    every state array, and the state's scalars as they were before the step (so every piece computes
    the same new scalars). The new values are written over `param` and into `state`'s arrays, and
    `(param, new state)` is returned, with the keys in the order the rule returns them; an entry that
    becomes an array (SGD's momentum buffer, None before the first step) gets a new whole array.
    """
    if param.nbytes <= PIECE_BYTES:
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
    return param, {key: arrays[key] if isinstance(value, np.ndarray) else value for key, value in piece_state.items()}
