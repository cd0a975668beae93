"""Why a target is missed, by case key (shown in RESULTS.md when it is missed, on the medians or in a round)."""

_TINY = ("At this size the step is interpreter work, not arithmetic: about 2.9 million instructions per step "
         "(callgrind, float64, AMD EPYC host; 2.3 million in float32), against 2.58 million (2.24 million in "
         "float32) for the hand-written NumPy step. "
         "The same step at batch 4 and widths 4-4-4-2, with next to no arithmetic, takes 201 µs against 269 µs "
         "at the tiny size (float64, AMD EPYC host; PyTorch's: 370 against 561 µs): three quarters of the tiny "
         "step is a fixed cost per op and per call, already about half of PyTorch's. "
         "Sampled with perf, half of the step's time is in the Python interpreter, 29 % in NumPy and 10 % in "
         "OpenBLAS. Split by phase (float64, one process), this engine's forward takes about 106 µs, the loss "
         "27 µs (with the freeing of the last step's graph), the backward 115 µs and Adam's packed step 71 µs "
         "on an Intel host with AVX-512, against PyTorch's 120, 18, 163 and 246 µs; on an AMD EPYC host, 84, "
         "18, 88 and 52 µs against 90, 12, 135 and 200 µs. The engine wins in the backward and in Adam, ties or "
         "wins in the forward and loses in the loss, and is nowhere faster by the factor of two the target asks "
         "for. Float64 costs this engine 20-30 µs more than float32, where PyTorch's two steps take about the "
         "same time: Adam's square root (9 µs for the 9,226 values, 3 µs in float32), GEMMs at half the float32 "
         "rate, and the forward's x @ W.T, for which OpenBLAS's small-matrix kernel is not used when both arrays "
         "are C-ordered and the output has more than 1,200 values (the (32, 64) product: 5.3 µs, against 3.0 µs "
         "from a contiguous copy of W.T, whose making costs 1.4 µs; 3.6 against 1.7 and 1.2 µs in float32). "
         "The engine already makes one node per Linear layer, per fused BatchNorm and for the softmax "
         "cross-entropy with its mean, and adopts fresh gradients without copying; what is left is some 130 "
         "NumPy calls in the forward and backward (about 10,000 instructions of call overhead each at this "
         "size) and about 420 Python function calls (module calls and their scopes, Tensor creation, the graph "
         "walk, argument checks, the custom Function around the fused BatchNorm), where PyTorch's C++ "
         "dispatcher takes about a microsecond per op. Both engines' tiny steps move by 10-20 % from process to "
         "process on a shared 2-core machine (PyTorch's float64 step measured 440-703 µs in runs an hour apart "
         "on the AMD EPYC host), which moves the ratio by as much as the distance to the target.")
_BIG = ("The step is GEMMs plus elementwise memory traffic that NumPy can neither fuse nor spread over cores. The"
        " GEMMs: this engine's come from NumPy's BLAS (OpenBLAS), PyTorch's from MKL. On an Intel host with "
        "AVX-512, MKL is faster at the medium step's shapes (float32, 128x784 times 784x256: 132 µs against 196 "
        "µs; 128x256 times 256x256: 45 µs against 67 µs) and within 8 % at the large step's. On AMD hosts MKL "
        "is the slower one (the medium step's GEMMs in float32: 481 µs in OpenBLAS against 872 µs in MKL on "
        "an AMD EPYC with AVX-512), and this engine meets the medium target there: 0.77x (float32) and 0.59x "
        "(float64) on that host, 0.72x and 0.83x on one with AVX2. The elementwise traffic: optim.Adam makes 12 "
        "single-threaded passes over every parameter per step (PyTorch's lerp_, addcmul_ and addcdiv_ make about "
        "7, on both cores), over one slice of each array at a time, an eighth of the L2 cache in size, so that "
        "they run in the cache (optim.pieces: on the Intel host, 256 KiB slices of a 2 MiB L2, Adam in the medium "
        "float64 step takes 1.15 ms, PyTorch's 1.27 ms); BatchNorm's fused forward and backward make 6 and 7 "
        "passes where PyTorch makes 2-3, and a NumPy pass that broadcasts a per-channel vector costs up to twice "
        "a plain one. Split by phase (medium, Intel host), this engine's forward, backward and Adam step take "
        "about 550, 585 and 535 µs in float32 (PyTorch: 425, 489 and 522 µs) and 885, 1035 and 1145 µs in "
        "float64 (PyTorch: 708, 812 and 1266 µs). On a shared machine the medians of both engines move by "
        "10-20 % between runs.")

REASONS = {
    "mlp-tiny-float32": _TINY, "mlp-tiny-float64": _TINY,
    "mlp-medium-float32": _BIG, "mlp-medium-float64": _BIG,
    "mlp-large-float32": _BIG, "mlp-large-float64": _BIG,
    "bn": ("The fused forward and the compact backward make 13 passes over the (N, C) data, 6 of them "
           "broadcasting a per-channel vector (up to twice as slow as a plain elementwise pass in NumPy), and "
           "allocate three full-size arrays (the output, the centered input and dx)."),
    "chain": ("Python's cyclic garbage collector: while the forward builds the graph, each op leaves two "
              "objects the collector tracks (its result and the tuple of its inputs; a Python number operand is "
              "one shared constant, and inputs never modified in place share one tuple of saved versions), and a "
              "full collection, which scans every live one, runs whenever the objects added since the last reach "
              "a quarter of those it holds, so a graph that outgrows the rest of the heap is scanned several times "
              "over. Timed with gc callbacks (AMD host), the 100,000-op chain's forward ran 2 full collections, "
              "0.65 µs per op (4 of them, 1.3-1.8 µs per op, while each op also left a tuple of versions of its "
              "own), the 10,000-op one at most 1 and the 1,000-op one none; the backward's walk keeps no object "
              "per node and runs none (it cost 0.87 µs per op in the 100,000-op chain while the walk kept an "
              "iterator per node). The per-op cost also rises once the graph outgrows the CPU caches."),
    "scalar": ("Each 0-d Tensor op goes through NumPy (a ufunc call and a 0-d array, about 1 µs) where "
               "micrograd does Python float arithmetic; the engine's bookkeeping per op is otherwise comparable."),
}
