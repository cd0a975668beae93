"""Why a target is missed, by case key (shown in RESULTS.md only when it is missed)."""

_TINY = ("At this size the step is interpreter work, not arithmetic: about 3.13 million instructions per step "
         "(callgrind, float64; 3.43 million before the softmax cross-entropy's gradient became one op, the sums "
         "and means over the batch BLAS products and Adam's write-back lost a copy), against about 2.6 million "
         "for the hand-written NumPy step. Sampled with perf, half of the step's time is in the Python "
         "interpreter, 29 % in NumPy and 10 % in OpenBLAS. Split by phase (float64, one process), the forward, "
         "loss and backward take about 520-640 µs against about 260 µs for the hand-written NumPy forward and "
         "backward, while Adam's packed step takes about 125 µs against about 220 µs for NumPy's loop over the "
         "parameters. The engine already makes one node per Linear layer, per fused BatchNorm and for the "
         "softmax cross-entropy, and adopts fresh gradients without copying; what is left is some 130 NumPy "
         "calls in the forward and backward (about 10,000 instructions of call overhead each at this size) and "
         "about 420 Python function calls (module calls and their scopes, Tensor creation, the graph walk, "
         "argument checks, the custom Function around the fused BatchNorm), where PyTorch's C++ dispatcher "
         "takes about a microsecond per op. Both engines' tiny steps move by 10-20 % from process to process "
         "on this shared 2-core machine (this engine's float64 step measured 0.68-1.07 ms in runs minutes "
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
    "chain": ("Python's cyclic garbage collector scans every live node in each full collection while the graph "
              "grows: timed with gc callbacks, full collections cost about 6.8 µs per op in the 100,000-op chain "
              "against 0.4 µs in the 1,000-op one (each op leaves three tracked objects: its result, the constant "
              "operand's Tensor and the tuple of inputs, at about 400 ns each per full collection). The per-op "
              "cost also rises once the graph outgrows the CPU caches."),
    "scalar": ("Each 0-d Tensor op goes through NumPy (a ufunc call and a 0-d array, about 1 µs) where "
               "micrograd does Python float arithmetic; the engine's bookkeeping per op is otherwise comparable."),
}
