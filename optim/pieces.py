"""Large arrays stepped in cache-sized pieces, for the elementwise rules.

An elementwise rule (`Optimizer.elementwise`) makes about a dozen passes over a parameter's
arrays per step: Adam reads and writes the parameter, its gradient, two moments and a scratch
array. Five arrays of a large parameter overflow the core's L2 cache, so every pass streams all
of them from memory again. The rule computes every coordinate on its own, so its step on a
slice of the arrays is the same arithmetic as its step on the whole; stepped slice by slice
(rows of the leading axis, about `PIECE_BYTES` per array: an eighth of the L2 cache that the
system reports, 128 KiB where it reports none), the dozen passes over a slice run in the cache.
The result is bitwise the same, whatever the size of the slices. Only state arrays shaped and
typed like the parameter (as its gradient is: `Optimizer.step` checks it) pair up row by row;
otherwise (a 0-d array among the state's scalars) the step is one whole `_update`, as for a small
array. As with a rule that updates one array in place, an error part-way (a floating-point error
under `np.errstate(...="raise")`) leaves the pieces before it stepped.
"""
from pathlib import Path

import numpy as np

# Where Linux describes the first CPU's caches: one directory per cache, with files `level`, `type`, `size`.
CPU_CACHES = Path("/sys/devices/system/cpu/cpu0/cache")

# The L2 size assumed where the system does not report one.
DEFAULT_L2_BYTES = 2**20


def l2_cache_bytes(caches=CPU_CACHES):
    """The size in bytes of the level-2 cache (unified or data) that `caches` describes; None if it is not there,
    cannot be read or is not a positive size.

    `caches` is a directory in the layout of Linux's /sys/devices/system/cpu/cpu*/cache, whose sizes
    read like "2048K".
    """
    units = {"K": 2**10, "M": 2**20, "G": 2**30}
    try:
        for cache in sorted(caches.glob("index*")):
            level, kind, size = ((cache / name).read_text().strip() for name in ("level", "type", "size"))
            if level == "2" and kind in ("Unified", "Data"):
                size_bytes = int(size[:-1]) * units[size[-1]] if size[-1:] in units else int(size)
                return size_bytes if size_bytes > 0 else None
    except (OSError, ValueError):
        return None
    return None


def piece_bytes(l2_bytes):
    """Bytes of one array's slice for a core with `l2_bytes` of L2 cache: an eighth of it (at least 16 KiB),
    so that the five slices of an Adam step fill five eighths and leave room for the rest."""
    return max(2**14, l2_bytes // 8)


# Measured with Adam in the training steps of the benchmarks, on a core with 2 MiB of L2. Slices of 2**17
# bytes against whole updates: the medium MLP's step 1.40 -> 1.23 ms in float64, 0.60 -> 0.58 ms in float32;
# the large MLP's (two 1024x1024 weights) 11.9 -> 9.2 ms and 5.5 -> 3.8 ms. Slices of 2**18 bytes (an
# eighth) against 2**17: the medium step's update 1.20 -> 1.12 ms and 0.62 -> 0.59 ms, the large one's
# 9.6 -> 8.8 ms and 3.9 -> 3.6 ms (fewer pieces, so fewer NumPy calls). Slices of 2**19 bytes, five of which
# overflow that L2, lost on the medium step again.
PIECE_BYTES = piece_bytes(l2_cache_bytes() or DEFAULT_L2_BYTES)


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


def _rows_pair_up(param, state):
    """Whether every array in `state` has `param`'s shape and dtype (the grad has: `Optimizer.step` checks it)."""
    return all(value.shape == param.shape and value.dtype == param.dtype
               for value in state.values() if isinstance(value, np.ndarray))


def update(optimizer, param, grad, state, group):
    """`optimizer._update(param, grad, state, group)` for an elementwise rule, piece by piece when `param` is large.

    Each piece of rows gets its slice of `param`, `grad` and every state array, and the state's scalars
    as they were before the step (so every piece computes the same new scalars). The new values are
    written over `param` and into `state` (in place, its arrays and its scalars), and `(param, state)`
    is returned; an entry that becomes an array (SGD's momentum buffer, None before the first step) gets
    a new whole array.
    """
    if param.nbytes <= PIECE_BYTES or not _rows_pair_up(param, state):
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
