"""Why a target is missed, by case key (shown in RESULTS.md only when it is missed)."""

_TINY = ("At this size the step is interpreter work, not arithmetic: about 3.2 million instructions per step "
         "(callgrind, float64; 3.4 million before the softmax cross-entropy's gradient became one op, "
         "BatchNorm's batch sums a BLAS product and Adam's write-back lost a copy), against about 2.6 million "
         "for the hand-written NumPy step, which has no bookkeeping at all. The engine already makes one node "
         "per Linear layer, per fused BatchNorm and for the softmax cross-entropy, steps the small parameters "
         "of Adam in one pack, and adopts fresh gradients without copying; what is left is some 150-200 NumPy "
         "calls at 1-3 µs each on this machine plus the bookkeeping around them (Tensor creation, graph walk, "
         "module scopes, argument checks, BatchNorm's running statistics), where PyTorch's C++ dispatcher "
         "takes about a microsecond per op. Both engines' tiny steps move by 10-20 % from process to process "
         "on this shared 2-core machine (this engine's float64 step measured 0.84-1.3 ms in runs minutes "
         "apart), which moves the ratio by as much as the distance to the target.")
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
    "chain": ("Per-op cost rises once the graph outgrows the CPU caches (each node is a few Python objects), and "
              "Python's cyclic garbage collector scans every live node in each full collection while the graph "
              "grows (with gc disabled the 100,000-op cost per op fell by about a third in a quick run). The "
              "ratio also rises as small graphs get cheaper: the 1,000-op cost per op fell from about 20 to 15 µs "
              "while the 100,000-op one fell from 26.5 to 23 µs."),
    "scalar": ("Each 0-d Tensor op goes through NumPy (a ufunc call and a 0-d array, about 1 µs) where "
               "micrograd does Python float arithmetic; the engine's bookkeeping per op is otherwise comparable."),
}
