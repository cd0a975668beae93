"""A strong-Wolfe line search (Nocedal & Wright, alg. 3.5 and 3.6), as L-BFGS uses it.

The search works on a 1-D slice of the objective, `phi(t) = f(x + t d)`, through
`evaluate(t) -> (f, flat gradient)`. It follows PyTorch's `_strong_wolfe` (itself from
minFunc) step for step, so that `LBFGS(line_search_fn="strong_wolfe")` matches PyTorch.
"""
import numpy as np


def cubic_minimizer(x1, f1, g1, x2, f2, g2, bounds=None):
    """The minimizer of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to `bounds`.

    `bounds` defaults to the interval between x1 and x2; with no real minimizer, its midpoint.
    """
    low, high = bounds if bounds is not None else (min(x1, x2), max(x1, x2))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1**2 - g1 * g2
    if d2_square < 0:
        return (low + high) / 2.0
    d2 = np.sqrt(d2_square)
    if x1 <= x2:
        position = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        position = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(position, low), high)


class _Point:
    """One trial step t with its value, gradient and directional derivative."""

    __slots__ = ("t", "f", "g", "gtd")

    def __init__(self, t, f, g, gtd):
        self.t, self.f, self.g, self.gtd = t, f, g, gtd


def strong_wolfe(evaluate, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """Find t with sufficient decrease (c1) and small slope (c2); returns `(f, g, t, evaluations)`.

    `f`, `g`, `gtd` are the value, gradient and slope along `d` at t = 0.
    """
    d_norm = np.max(np.abs(d))
    start = _Point(0, f, g.copy(), gtd)
    previous = start
    current = _at(evaluate, t, d)
    evaluations = 1
    bracket = None
    done = False
    iteration = 0
    # Bracketing phase: grow t until an interval must contain an acceptable point.
    while iteration < max_ls:
        if current.f > f + c1 * current.t * gtd or (iteration > 1 and current.f >= previous.f):
            bracket = [previous, current]
            break
        if abs(current.gtd) <= -c2 * gtd:
            bracket = [current]
            done = True
            break
        if current.gtd >= 0:
            bracket = [previous, current]
            break
        low, high = current.t + 0.01 * (current.t - previous.t), current.t * 10
        t = cubic_minimizer(previous.t, previous.f, previous.gtd, current.t, current.f, current.gtd,
                            bounds=(low, high))
        previous = current
        current = _at(evaluate, t, d)
        evaluations += 1
        iteration += 1
    if iteration == max_ls:
        bracket = [start, current]

    # Zoom phase: shrink the bracket by cubic interpolation, guarding against slow progress.
    insufficient_progress = False
    low_pos, high_pos = (0, 1) if bracket[0].f <= bracket[-1].f else (1, 0)
    while not done and iteration < max_ls:
        if abs(bracket[1].t - bracket[0].t) * d_norm < tolerance_change:
            break
        t = cubic_minimizer(bracket[0].t, bracket[0].f, bracket[0].gtd, bracket[1].t, bracket[1].f, bracket[1].gtd)
        t_max, t_min = max(bracket[0].t, bracket[1].t), min(bracket[0].t, bracket[1].t)
        margin = 0.1 * (t_max - t_min)
        if min(t_max - t, t - t_min) < margin:
            if insufficient_progress or t >= t_max or t <= t_min:
                t = t_max - margin if abs(t - t_max) < abs(t - t_min) else t_min + margin
                insufficient_progress = False
            else:
                insufficient_progress = True
        else:
            insufficient_progress = False
        current = _at(evaluate, t, d)
        evaluations += 1
        iteration += 1
        if current.f > f + c1 * t * gtd or current.f >= bracket[low_pos].f:
            bracket[high_pos] = current
            low_pos, high_pos = (0, 1) if bracket[0].f <= bracket[1].f else (1, 0)
        else:
            if abs(current.gtd) <= -c2 * gtd:
                done = True
            elif current.gtd * (bracket[high_pos].t - bracket[low_pos].t) >= 0:
                bracket[high_pos] = bracket[low_pos]
            bracket[low_pos] = current
    best = bracket[low_pos]
    return best.f, best.g, best.t, evaluations


def _at(evaluate, t, d):
    f, g = evaluate(t)
    return _Point(t, f, g, float(np.dot(g, d)))
