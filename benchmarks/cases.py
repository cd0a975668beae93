"""The workloads of the suite, at full and at quick sizes, with their targets."""
from dataclasses import dataclass, field

from .problems import mlp_flops

LAB, NUMPY, TORCH, MICROGRAD = "backprop-lab", "naive NumPy", "PyTorch", "micrograd"
ENGINE_MODULES = {"lab": LAB, "numpy_ref": NUMPY, "torch_ref": TORCH, "micrograd_ref": MICROGRAD}

MLP_SIZES = {
    "tiny": (32, (64, 64, 64, 10)),
    "medium": (128, (784, 256, 256, 10)),
    "large": (512, (1024, 1024, 1024, 10)),
}
GEMM_SIZE = "medium"  # the MLP step whose GEMMs are also timed alone
QUICK_MLP_SIZES = {
    "tiny": (32, (64, 64, 64, 10)),
    "medium": (32, (96, 48, 48, 10)),
    "large": (32, (128, 64, 64, 10)),
}


@dataclass(frozen=True)
class Entry:
    """One engine's version of a workload: `engine` module, its `builder`, and the builder's args."""

    label: str
    engine: str
    builder: str
    args: dict
    per: int = 1  # the value is divided by this (the number of ops in a chain)


@dataclass(frozen=True)
class Target:
    """The subject (first entry) may take at most `ratio` times the `reference` entry's value."""

    reference: str
    ratio: float


@dataclass(frozen=True)
class Case:
    """A workload: the entries compared, what is measured, and the target."""

    key: str
    title: str
    entries: tuple
    target: Target | None  # None: a measurement that explains others, with no target of its own
    metric: str = "time"  # "time", "chain" (time per op, forward and backward) or "memory"
    flops: int = 0  # matmul FLOPs, for the physical limit
    dtype: str = "float64"
    notes: dict = field(default_factory=dict)


def _mlp_cases(sizes):
    cases = []
    for size, (batch, widths) in sizes.items():
        for dtype in ("float32", "float64"):
            args = {"batch": batch, "sizes": widths, "dtype": dtype}
            reference, ratio = (NUMPY, 1.0) if size == "large" else (TORCH, 0.5 if size == "tiny" else 1.0)
            notes = {"gemms": f"gemm-{size}-{dtype}"} if size == GEMM_SIZE else {}
            cases.append(Case(
                f"mlp-{size}-{dtype}", f"MLP step {size} {dtype}",
                (Entry(LAB, "lab", "mlp_step", args), Entry(NUMPY, "numpy_ref", "mlp_step", args),
                 Entry(TORCH, "torch_ref", "mlp_step", args)),
                Target(reference, ratio), flops=mlp_flops(batch, widths), dtype=dtype, notes=notes))
    return cases


def _gemm_cases(sizes):
    """The GEMMs of the `GEMM_SIZE` step alone, in NumPy's BLAS and in PyTorch's: the part of that step that
    no Python can change (no target; `report.misses` uses them to explain the step's ratio)."""
    batch, widths = sizes[GEMM_SIZE]
    cases = []
    for dtype in ("float32", "float64"):
        args = {"batch": batch, "sizes": widths, "dtype": dtype}
        cases.append(Case(
            f"gemm-{GEMM_SIZE}-{dtype}", f"The GEMMs of the MLP step {GEMM_SIZE} {dtype} alone",
            (Entry(f"{LAB} (NumPy's BLAS)", "lab", "mlp_gemms", args), Entry(TORCH, "torch_ref", "mlp_gemms", args)),
            None, flops=mlp_flops(batch, widths), dtype=dtype))
    return cases


def _bn_case(n, c):
    args = {"n": n, "c": c, "dtype": "float64"}
    composite = f"{LAB} composite"
    return Case(
        "bn", f"BatchNorm fwd+bwd {n}x{c} float64",
        (Entry(f"{LAB} fused", "lab", "bn_fused", args), Entry(composite, "lab", "bn_composite", args),
         Entry(NUMPY, "numpy_ref", "bn", args), Entry(TORCH, "torch_ref", "bn", args)),
        Target(composite, 0.5))


def _chain_case(lengths):
    entries = tuple(Entry(f"{n:,} ops", "lab", "chain", {"length": n}, per=n) for n in reversed(lengths))
    return Case("chain", "Op chain, time per op", entries, Target(entries[-1].label, 1.5), metric="chain")


def _scalar_case(points):
    args = {"points": points, "sizes": (2, 16, 16, 1)}
    return Case("scalar", f"Scalar MLP 2-16-16-1, {points} points",
                (Entry(LAB, "lab", "scalar_mlp", args), Entry(MICROGRAD, "micrograd_ref", "scalar_mlp", args)),
                Target(MICROGRAD, 1.0))


def _memory_case(sizes, steps):
    batch, widths = sizes["medium"]
    args = {"batch": batch, "sizes": widths, "dtype": "float32"}
    return Case("memory", f"Peak memory, MLP step medium float32; growth over {steps:,} steps",
                (Entry(LAB, "lab", "mlp_step", args), Entry(NUMPY, "numpy_ref", "mlp_step", args)),
                Target(NUMPY, 1.5), metric="memory", notes={"steps": steps})


def full_cases():
    """Every workload at the sizes of the issue."""
    return (_mlp_cases(MLP_SIZES) + _gemm_cases(MLP_SIZES)
            + [_bn_case(256, 512), _chain_case((1_000, 10_000, 100_000)), _scalar_case(100),
               _memory_case(MLP_SIZES, 1_000)])


def quick_cases():
    """Every workload at small sizes, for the tests."""
    return (_mlp_cases(QUICK_MLP_SIZES) + _gemm_cases(QUICK_MLP_SIZES)
            + [_bn_case(32, 16), _chain_case((100, 300, 1_000)), _scalar_case(10),
               _memory_case(QUICK_MLP_SIZES, 20)])


MAX_GROWTH_BYTES = 64 * 1024  # "no growth": less than this over the whole run
