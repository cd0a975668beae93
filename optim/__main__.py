"""`python -m optim`: every update rule on four small problems, as a table (and a figure).

Rosenbrock, an ill-conditioned quadratic, the saddle x^2 - y^2 and a sparse-feature
linear regression. For each rule: the final loss, the steps needed to reach the
tolerance (loss within 1e-4 of the optimum; for the saddle, loss below -1, i.e. escaped)
and whether it diverged. With matplotlib installed the 2-D trajectories go to
out/optimizers.png.
"""
import os
import sys

import numpy as np

from autograd import Tensor

import optim
from optim.problems import problems

STEPS = 300
TOLERANCE = 1e-4
ESCAPED = -1.0

SETTINGS = {
    "SGD": dict(lr=2e-3, momentum=0.9),
    "Adagrad": dict(lr=0.5),
    "Adadelta": dict(lr=1.0),
    "RMSprop": dict(lr=1e-2),
    "Adam": dict(lr=5e-2),
    "AdamW": dict(lr=5e-2),
    "Adamax": dict(lr=5e-2),
    "NAdam": dict(lr=5e-2),
    "RAdam": dict(lr=1e-2),  # its un-adapted first steps overshoot on Rosenbrock at 5e-2
    "Rprop": dict(lr=1e-2),
    "ASGD": dict(lr=2e-3),
    "Lion": dict(lr=1e-2, weight_decay=0.0),
    "LBFGS": dict(lr=1, max_iter=1, max_eval=10, line_search_fn="strong_wolfe"),
    "CoordinateDescent": dict(lr=2e-3),
}


def run(name, problem):
    """Optimize `problem` with rule `name`; returns (losses, 2-D trajectory or None)."""
    params = [Tensor(start.copy(), requires_grad=True) for start in problem.start]
    optimizer = getattr(optim, name)(params, **SETTINGS[name])

    def closure():
        optimizer.zero_grad()
        loss = problem.loss(params)
        loss.backward()
        return loss

    losses, path = [], [params[0].data.copy()]
    with np.errstate(all="ignore"):
        for _ in range(STEPS):
            losses.append(float(optimizer.step(closure)))
            path.append(params[0].data.copy())
            if not np.isfinite(losses[-1]) or np.max(np.abs(params[0].data)) > 1e6:
                break
        losses.append(float(problem.loss(params).data))
    return np.array(losses), (np.array(path) if params[0].size == 2 else None)


def steps_to_tolerance(losses, problem):
    """The first step at which the loss is within tolerance (or escaped the saddle); None if never."""
    reached = losses - problem.minimum <= TOLERANCE if problem.minimum is not None else losses <= ESCAPED
    hits = np.flatnonzero(reached)
    return int(hits[0]) if hits.size else None


def diverged(losses, problem):
    """Whether the run ended in non-finite values, or exploding ones on a bounded problem."""
    if problem.minimum is None:
        return not np.isfinite(losses[-1])
    return not np.isfinite(losses[-1]) or abs(losses[-1]) > 1e6


def _cell(text, width=26):
    """One column of the table: a separator, then `text` cut or padded to `width`."""
    return f" | {text[:width]:<{width}}"


def table(results, problems_):
    """The printed table: one row per rule, three columns per problem."""
    lines = []
    header = f"{'rule':<18}" + "".join(_cell(p.name) for p in problems_)
    lines.append(header)
    lines.append(f"{'':<18}" + _cell(f"{'final loss':>10}  {'steps':>5}  div") * len(problems_))
    lines.append("-" * len(header))
    for name in SETTINGS:
        cells = []
        for problem in problems_:
            losses, _ = results[name, problem.name]
            steps = steps_to_tolerance(losses, problem)
            cells.append(_cell(f"{losses[-1]:>10.3e}  {steps if steps is not None else '-':>5}  "
                               f"{'yes' if diverged(losses, problem) else 'no':>3}"))
        lines.append(f"{name:<18}" + "".join(cells))
    return "\n".join(lines)


def plot(results, problems_, path):
    """Draw the 2-D trajectories over contour plots of the three 2-D problems."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    flat = [p for p in problems_ if p.bounds is not None]
    figure, axes = plt.subplots(1, len(flat), figsize=(6 * len(flat), 5.5))
    for axis, problem in zip(axes, flat):
        (x0, x1), (y0, y1) = problem.bounds
        xs, ys = np.meshgrid(np.linspace(x0, x1, 200), np.linspace(y0, y1, 200))
        grid = np.array([[float(problem.loss([Tensor(np.array([x, y]))]).data) for x, y in zip(row_x, row_y)]
                         for row_x, row_y in zip(xs, ys)])
        shifted = grid - grid.min() + 1e-3
        axis.contour(xs, ys, np.log(shifted), levels=30, cmap="Greys", linewidths=0.6)
        for name in SETTINGS:
            trajectory = results[name, problem.name][1]
            inside = trajectory[(np.abs(trajectory) < 10).all(axis=1)]
            axis.plot(inside[:, 0], inside[:, 1], lw=1, label=name)
        axis.set_xlim(x0, x1)
        axis.set_ylim(y0, y1)
        axis.set_title(problem.name)
    axes[0].legend(fontsize=7, loc="lower left")
    figure.tight_layout()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    figure.savefig(path, dpi=110)


def main():
    """Run every rule on every problem, print the table and draw the figure if possible."""
    problems_ = problems()
    results = {(name, problem.name): run(name, problem) for name in SETTINGS for problem in problems_}
    print(f"Every rule, {STEPS} steps (LBFGS: one iteration with line search per step); "
          f"steps = first step within {TOLERANCE:g} of the optimum (saddle: loss below {ESCAPED:g}).\n")
    print(table(results, problems_))
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print("\nmatplotlib is not installed: no figure.")
        return 0
    path = os.path.join("out", "optimizers.png")
    plot(results, problems_, path)
    print(f"\nTrajectories written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
