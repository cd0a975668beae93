"""Stochastic gradient descent with momentum, dampening and Nesterov's momentum."""
import numpy as np

from . import _checks
from .optimizer import Optimizer, regularized


def sgd(param, grad, state, *, lr, momentum, dampening, nesterov):
    """One SGD step: updates `momentum_buffer` in `state` (in place) and returns `(new param, state)`."""
    if momentum == 0:
        return param - lr * grad, state
    buffer = state["momentum_buffer"]
    if buffer is None:
        buffer = state["momentum_buffer"] = np.array(grad)  # a copy, and an array even for a 0-d grad
    else:
        buffer *= momentum
        buffer += (1 - dampening) * grad
    direction = grad + momentum * buffer if nesterov else buffer
    return param - lr * direction, state


class SGD(Optimizer):
    r"""Stochastic gradient descent, optionally with momentum (PyTorch's form).

    With g_t the gradient (negated if `maximize`, plus `weight_decay * p` if set)::

        b_1     = g_1                                  (the first step copies the gradient)
        b_t     = momentum * b_{t-1} + (1 - dampening) * g_t
        d_t     = g_t + momentum * b_t    if nesterov else    b_t
        p_t     = p_{t-1} - lr * d_t

    Where PyTorch departs from the textbook (Goodfellow et al., alg. 8.2 and 8.3; Sutskever
    et al. 2013): the textbook's velocity is `v_t = alpha v_{t-1} - eps g_t` starting from
    `v_0 = 0` with the learning rate inside the buffer; PyTorch keeps the learning rate
    outside and starts the buffer at the first gradient (not at zero, and undamped), so a
    change of lr acts at once. Nesterov's look-ahead `g(p + alpha v)` is replaced by the
    equivalent-in-spirit form `g_t + momentum * b_t` evaluated at the current point, which
    needs no second gradient.
    """

    hyperparameter_checks = {
        "lr": _checks.non_negative,
        "momentum": _checks.non_negative,
        "dampening": _checks.real,
        "weight_decay": _checks.non_negative,
        "nesterov": _checks.flag,
        "maximize": _checks.flag,
    }

    elementwise = True

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False):
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize)
        super().__init__(params, defaults)

    def _check_group(self, group, where):
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(
                f"{where}nesterov=True requires momentum > 0 and dampening = 0, "
                f"got momentum={group['momentum']!r}, dampening={group['dampening']!r}"
            )

    def _init_state(self, param, group):
        return {"momentum_buffer": None}

    def _update(self, param, grad, state, group):
        param, grad = regularized(param, grad, group)
        return sgd(param, grad, state, lr=group["lr"], momentum=group["momentum"],
                   dampening=group["dampening"], nesterov=group["nesterov"])
