"""Why a target is missed, by case key (shown in RESULTS.md only when it is missed)."""

_TINY = ("At this size the step is interpreter work, not arithmetic: about 3.5 million instructions per step "
         "(callgrind), about half of them in CPython, against about 2.6 million for the hand-written NumPy step. "
         "The engine already makes one node per Linear layer, per fused BatchNorm and for the softmax "
         "cross-entropy, steps the small parameters of Adam in one pack, and adopts fresh gradients without "
         "copying; what is left is about 150 NumPy calls at 1-3 µs each on this machine plus the bookkeeping "
         "around them (Tensor creation, graph walk, module scopes, argument checks), where PyTorch's C++ "
         "dispatcher takes about a microsecond per op. PyTorch's own tiny step swings between about 1.6 and "
         "2.2 ms from process to process on this shared 2-core machine, which moves the ratio by a third.")
_BIG = ("The step is GEMMs plus elementwise memory traffic that NumPy can neither fuse nor spread over cores: "
        "optim.Adam makes about 13 single-threaded passes over every large parameter per step (PyTorch's "
        "lerp_, addcmul_ and addcdiv_ make about 7, on both cores), and BatchNorm's fused forward and backward "
        "about 11 passes each where PyTorch makes 2-3. On this shared machine the medians of both engines "
        "move by 10-20 % between runs.")

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
