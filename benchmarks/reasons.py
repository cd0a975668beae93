"""Why a target is missed, by case key (shown in RESULTS.md only when it is missed)."""

_TINY = ("At this size every array op costs microseconds of Python (Tensor and graph bookkeeping, nn.Module "
         "calls and argument checks, one backward closure per op) while PyTorch's C++ dispatcher does the same "
         "in well under a microsecond; optim.Adam runs about ten NumPy calls per parameter with a fresh array "
         "each, where PyTorch updates in place.")
_BIG = ("The gap is elementwise memory traffic: optim.Adam allocates new moment and update arrays on every "
        "step (each fresh allocation over 128 KiB page-faults on first touch), the fused BatchNorm still "
        "recomputes the batch mean and variance for the running statistics, and NumPy's elementwise kernels "
        "run on one thread where PyTorch's use all cores.")

REASONS = {
    "mlp-tiny-float32": _TINY, "mlp-tiny-float64": _TINY,
    "mlp-medium-float32": _BIG, "mlp-medium-float64": _BIG,
    "mlp-large-float32": _BIG, "mlp-large-float64": _BIG,
    "bn": ("nn's fused path does more passes over the data than needed: its forward runs the composite's "
           "steps on arrays (including a power op for the square), then recomputes the batch mean and variance "
           "for the running statistics, and its backward allocates every temporary afresh; the composite's "
           "graph is walked with the same NumPy kernels, so the fused op saves little but Python overhead."),
    "chain": "Per-op cost rises once the graph outgrows the CPU caches (each node is a few Python objects).",
    "scalar": ("Each 0-d Tensor op goes through NumPy (a ufunc call and a 0-d array, about 1 µs) where "
               "micrograd does Python float arithmetic; the engine's bookkeeping per op is otherwise comparable."),
}
