"""Freed memory kept for reuse, so that NumPy's large temporaries do not page-fault.

glibc's malloc gives every block above its mmap threshold (128 KiB at first) its own fresh
pages from the kernel and returns them when the block is freed. A training step makes and
frees the same large arrays every time (activations, gradients, temporaries), so each
of them page-faults on first touch, every step: in float64 that is a quarter of a medium
MLP step. PyTorch's caching allocator keeps freed blocks; NumPy has none, so on glibc this
module raises malloc's thresholds when autograd is imported: blocks up to 32 MiB come from
the heap, and up to 256 MiB of freed heap is kept for the next step instead of being
returned at once. Elsewhere (macOS, musl) nothing changes.

Nothing changes either if the process was started with glibc's own settings for this
(`MALLOC_MMAP_THRESHOLD_`, `MALLOC_TRIM_THRESHOLD_`, or malloc thresholds in `GLIBC_TUNABLES`).
`keep_freed_memory(False)` sets glibc's initial thresholds again (without their automatic
adjustment, which ends once a threshold is set).
"""
import ctypes
import os
import platform

_M_TRIM_THRESHOLD = -1  # mallopt's parameter numbers, from glibc's malloc.h
_M_MMAP_THRESHOLD = -3
_KEPT = {_M_MMAP_THRESHOLD: 32 * 2**20, _M_TRIM_THRESHOLD: 256 * 2**20}
_GLIBC_INITIAL = {_M_MMAP_THRESHOLD: 128 * 2**10, _M_TRIM_THRESHOLD: 128 * 2**10}
_USER_SETTINGS = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")
_USER_TUNABLES = ("glibc.malloc.mmap_threshold", "glibc.malloc.trim_threshold")


def keep_freed_memory(enabled=True):
    """Make glibc's malloc keep freed blocks of up to 32 MiB for reuse (True) or return them (False).

    Returns whether the setting was applied: False when the C library is not glibc, the
    environment already sets glibc's malloc thresholds, or glibc refuses a value.
    """
    tunables = os.environ.get("GLIBC_TUNABLES", "")
    if (platform.libc_ver()[0] != "glibc" or any(name in os.environ for name in _USER_SETTINGS)
            or any(name in tunables for name in _USER_TUNABLES)):
        return False
    libc = ctypes.CDLL(None)
    settings = _KEPT if enabled else _GLIBC_INITIAL
    return all([libc.mallopt(parameter, value) == 1 for parameter, value in settings.items()])
