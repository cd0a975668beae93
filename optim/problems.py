"""Small test problems for optimizers, each a loss on autograd tensors with its minimum.

Used by `python -m optim` and by the tests. Each problem has `loss(params)` (params: a
list of tensors, so autograd computes the gradient), `start` (initial arrays), `minimum`
(the loss at the optimum, None when unbounded below) and, for 2-D problems, plot bounds.
"""
import numpy as np


class Problem:
    """A named loss with a starting point and its optimal value."""

    def __init__(self, name, loss, start, minimum, bounds=None):
        self.name = name
        self.loss = loss
        self.start = [np.array(array, dtype=float) for array in start]
        self.minimum = minimum
        self.bounds = bounds


def _rosenbrock(params):
    x, y = params[0][0], params[0][1]
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


_CONDITIONING = np.array([1.0, 50.0])


def _ill_conditioned(params):
    rotation = np.array([[np.cos(0.5), -np.sin(0.5)], [np.sin(0.5), np.cos(0.5)]])
    z = params[0] @ rotation.T
    return 0.5 * (z * z * _CONDITIONING).sum()


def _saddle(params):
    x, y = params[0][0], params[0][1]
    return x * x - y * y


def _sparse_regression_data(seed=3):
    rng = np.random.default_rng(seed)
    rows, features = 64, 20
    X = rng.normal(size=(rows, features)) * (rng.random(size=(rows, features)) < 0.1)
    X[:, :3] += rng.normal(size=(rows, 3))  # three dense features, seventeen rare ones
    w = rng.normal(size=features)
    return X, X @ w


_X, _Y = _sparse_regression_data()


def _sparse_regression(params):
    residual = _X @ params[0] - _Y
    return (residual * residual).mean()


def problems():
    """The demo's four problems: Rosenbrock, an ill-conditioned quadratic, a saddle, sparse regression."""
    return [
        Problem("rosenbrock", _rosenbrock, [[-1.5, 2.0]], 0.0, bounds=((-2, 2), (-1, 3))),
        Problem("ill-conditioned quadratic", _ill_conditioned, [[2.0, 1.5]], 0.0, bounds=((-2.5, 2.5), (-2, 2))),
        Problem("saddle x^2 - y^2", _saddle, [[1.0, 1e-3]], None, bounds=((-1.5, 1.5), (-1.5, 1.5))),
        Problem("sparse-feature regression", _sparse_regression, [np.zeros(_X.shape[1])], 0.0),
    ]
