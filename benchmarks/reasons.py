"""Why a target is missed, by case key (shown in RESULTS.md only when it is missed)."""

_TINY = ("At this size the step is Python overhead, not arithmetic: about 20 ops forward and as many VJPs "
         "backward at several µs each (Tensor creation, graph bookkeeping, module scopes and argument checks), "
         "and about a dozen NumPy calls per parameter in optim.Adam (in place now, but still one call per "
         "elementwise operation), where PyTorch's C++ dispatcher and fused kernels take about a microsecond per "
         "op. Halving PyTorch's time would need fewer Python calls per op (a compiled core or multi-tensor "
         "updates), not leaner NumPy.")
_BIG = ("The gap is elementwise memory traffic that NumPy can neither fuse nor spread over cores: optim.Adam "
        "makes about 14 single-threaded passes over every parameter per step (PyTorch's fused lerp_, addcmul_ "
        "and addcdiv_ make about 7, on all cores), and in float64 the weight gradients, fresh every step "
        "because zero_grad sets them to None as in PyTorch, page-fault on first touch (about 850 minor faults "
        "per medium step, counted with getrusage) where PyTorch's caching allocator reuses its blocks.")

REASONS = {
    "mlp-tiny-float32": _TINY, "mlp-tiny-float64": _TINY,
    "mlp-medium-float32": _BIG, "mlp-medium-float64": _BIG,
    "mlp-large-float32": _BIG, "mlp-large-float64": _BIG,
    "bn": ("The fused forward and the compact backward make about 14 passes over the (N, C) data, 7 of them "
           "broadcasting a per-channel vector (about twice as slow as a plain elementwise pass in NumPy), and "
           "allocate three full-size arrays (the output, xhat and dx)."),
    "chain": "Per-op cost rises once the graph outgrows the CPU caches (each node is a few Python objects).",
    "scalar": ("Each 0-d Tensor op goes through NumPy (a ufunc call and a 0-d array, about 1 µs) where "
               "micrograd does Python float arithmetic; the engine's bookkeeping per op is otherwise comparable."),
}
