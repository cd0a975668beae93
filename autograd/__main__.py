"""`python -m autograd`: gradcheck every primitive op and print one row per op."""
import sys
from collections import defaultdict

import numpy as np

import autograd
from autograd.draw import write_example_graph
from autograd.gradcheck import jacobians, rel_error
from autograd.op_cases import CASES

TOLERANCE = 1e-6


def check_case(case, rng):
    """The largest relative error between analytic and numeric Jacobians of one case."""
    inputs = [autograd.tensor(array, requires_grad=True) for array in case.inputs(rng)]

    def fn(*xs):
        return case.fn(autograd, *xs)

    return max(rel_error(analytic, numeric) for _, _, analytic, numeric in jacobians(fn, inputs, eps=1e-6))


def main():
    """Print the table; return 1 if any op fails its check."""
    rng = np.random.default_rng(0)
    errors = defaultdict(list)
    for case in CASES:
        errors[case.op].append(check_case(case, rng))
    width = max(len(op) for op in errors) + 2
    print(f"{'op':<{width}}{'cases':>6}{'max rel error':>16}  result")
    failed = 0
    for op, values in errors.items():
        worst = max(values)
        ok = worst < TOLERANCE
        failed += not ok
        print(f"{op:<{width}}{len(values):>6}{worst:>16.2e}  {'ok' if ok else 'FAIL'}")
    print(f"{len(errors)} ops, {len(CASES)} cases: analytic gradients against central differences "
          f"(float64, eps 1e-6, tolerance {TOLERANCE:g}); {failed} failed")
    print(f"example graph (a small MLP with BatchNorm) written to {write_example_graph()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
