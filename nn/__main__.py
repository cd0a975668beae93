"""python -m nn: five ways to get the batch-norm gradients, compared on one random batch.

autodiff  backward of the composite forward (mean, sub, pow, mean, add, sqrt, div, mul, add)
compact   functional.batch_norm_backward, the compact hand-derived formula
staged    functional.batch_norm_backward_staged, the node-by-node derivation
fused     BatchNorm1d(fused=True): one Function node whose backward is the compact formula
numeric   central differences (float64)

Every error is measured against autodiff in float64. Then grad_x is split into the
"vanilla" term (mu and sigma held constant) and the feedback through mu and sigma.
Exits with status 1 if any method disagrees beyond its tolerance.
"""
import sys

import numpy as np

from autograd import Tensor, numeric_grad, rel_error

from . import functional as F

# the tolerance on the relative error, per dtype; central differences are limited by their step
TOLERANCE = {np.float64: 1e-10, np.float32: 1e-4}
NUMERIC_TOLERANCE = 1e-6
GRADIENTS = ("grad_x", "grad_weight", "grad_bias")


def _batch(rng, shape=(16, 4, 3)):
    """x, weight, bias and an upstream gradient for a batch norm of `shape` (N, C, L), in float64."""
    channels = shape[1]
    return (rng.normal(1.5, 2.0, shape), rng.normal(1.0, 0.5, channels), rng.normal(0.0, 0.5, channels),
            rng.normal(0.0, 1.0, shape))


def _graph_gradients(x, weight, bias, grad_out, fused):
    """(grad_x, grad_weight, grad_bias) from the backward of functional.batch_norm in training mode."""
    inputs = [Tensor(array, requires_grad=True) for array in (x, weight, bias)]
    out = F.batch_norm(inputs[0], None, None, inputs[1], inputs[2], training=True, fused=fused)
    out.backward(grad_out)
    return tuple(t.grad for t in inputs)


def _numeric_gradients(x, weight, bias, grad_out):
    inputs = [Tensor(array.copy()) for array in (x, weight, bias)]
    return tuple(numeric_grad(lambda *ts: F.batch_norm(ts[0], None, None, ts[1], ts[2], training=True),
                              inputs, eps=1e-6, grad_output=grad_out))


def _methods(x, weight, bias, grad_out):
    """{method name: (grad_x, grad_weight, grad_bias)} for arrays of one dtype."""
    return {
        "autodiff": _graph_gradients(x, weight, bias, grad_out, fused=False),
        "compact": F.batch_norm_backward(grad_out, x, weight),
        "staged": F.batch_norm_backward_staged(grad_out, x, weight)[:3],
        "fused": _graph_gradients(x, weight, bias, grad_out, fused=True),
    }


def compare(rng):
    """Print the comparison table; return the list of (method, dtype, gradient, error) beyond tolerance."""
    x, weight, bias, grad_out = _batch(rng)
    reference = _graph_gradients(x, weight, bias, grad_out, fused=False)
    rows = []
    for dtype in (np.float64, np.float32):
        cast = [array.astype(dtype) for array in (x, weight, bias, grad_out)]
        for method, grads in _methods(*cast).items():
            rows.append((method, dtype, grads, TOLERANCE[dtype]))
    rows.append(("numeric", np.float64, _numeric_gradients(x, weight, bias, grad_out), NUMERIC_TOLERANCE))

    print(f"BatchNorm1d gradients for x of shape {x.shape} (N, C, L), errors against autodiff in float64\n")
    header = f"{'method':<10}{'dtype':<9}" + "".join(f"{name + ' abs':>16}{name + ' rel':>16}" for name in GRADIENTS)
    print(header + f"{'ok':>5}")
    print("-" * (len(header) + 5))
    failures = []
    for method, dtype, grads, tolerance in rows:
        cells, ok = [], True
        for name, grad, expected in zip(GRADIENTS, grads, reference):
            absolute = float(np.max(np.abs(grad.astype(np.float64) - expected)))
            relative = rel_error(grad, expected)
            cells.append(f"{absolute:>16.2e}{relative:>16.2e}")
            if not relative <= tolerance:
                ok = False
                failures.append((method, np.dtype(dtype).name, name, relative))
        print(f"{method:<10}{np.dtype(dtype).name:<9}" + "".join(cells) + f"{'yes' if ok else 'NO':>5}")
    print(f"\ntolerance on the relative error: {TOLERANCE[np.float64]:g} (float64), {TOLERANCE[np.float32]:g} "
          f"(float32), {NUMERIC_TOLERANCE:g} (central differences)")
    failures += _split(x, weight, grad_out, reference[0])
    return failures


def _split(x, weight, grad_out, grad_x):
    """Print the three paths of grad_x and check that they add up to it."""
    stages = F.batch_norm_backward_staged(grad_out, x, weight)[3]
    parts = {
        "vanilla (mu, sigma constant)": stages["grad_x_vanilla"],
        "feedback through mu": stages["grad_x_through_mean"],
        "feedback through sigma": stages["grad_x_through_std"],
    }
    print("\ngrad_x = vanilla + feedback through mu + feedback through sigma")
    for label, part in parts.items():
        print(f"  {label:<30} norm {np.linalg.norm(part):10.4f}   first entry {part.flat[0]: .6f}")
    print(f"  {'grad_x (autodiff)':<30} norm {np.linalg.norm(grad_x):10.4f}   first entry {grad_x.flat[0]: .6f}")
    error = rel_error(sum(parts.values()), grad_x)
    print(f"  relative error of the sum: {error:.2e}")
    print("  (dropping the feedback, i.e. treating mu and sigma as constants, would give a relative error of "
          f"{rel_error(parts['vanilla (mu, sigma constant)'], grad_x):.2f})")
    return [] if error <= TOLERANCE[np.float64] else [("split", "float64", "grad_x", error)]


def main():
    """Run the comparison on a seeded batch; exit 1 on a mismatch."""
    failures = compare(np.random.default_rng(0))
    if failures:
        for method, dtype, name, error in failures:
            print(f"MISMATCH: {method} ({dtype}) {name}: relative error {error:.2e}", file=sys.stderr)
        return 1
    print("\nall methods agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
