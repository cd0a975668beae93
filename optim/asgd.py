"""Averaged stochastic gradient descent (Polyak-Ruppert averaging)."""
import numpy as np

from . import _checks
from .optimizer import Optimizer, regularized


def asgd(param, grad, state, *, lr, lambd, alpha, t0):
    """One ASGD step: returns `(new param, new state)` with `step`, `eta`, `mu` and the average `ax`."""
    step = state["step"] + 1
    eta, mu = state["eta"], state["mu"]
    param = param * (1 - lambd * eta) - eta * grad
    ax = state["ax"] + (param - state["ax"]) * mu if mu != 1 else param.copy()
    new_state = {
        "step": step,
        "eta": lr / ((1 + lambd * lr * step) ** alpha),
        "mu": 1 / max(1, step - t0),
        "ax": ax,
    }
    return param, new_state


class ASGD(Optimizer):
    r"""Averaged SGD (Polyak & Juditsky 1992), in PyTorch's form (Bottou's schedule).

    With g_t the gradient (negated if `maximize`, plus `weight_decay * p` if set)::

        p_t    = p_{t-1} (1 - lambd * eta_t) - eta_t * g_t
        ax_t   = ax_{t-1} + mu_t (p_t - ax_{t-1})        (ax_t = p_t while mu_t = 1)
        eta_{t+1} = lr / (1 + lambd * lr * t)^alpha,     mu_{t+1} = 1 / max(1, t - t0)

    The optimized parameters follow the plain (decayed) SGD iterates; the average the theory
    is about is `state[p]["ax"]`, which starts averaging after t0 steps (default 1e6, so
    in short runs ax just tracks p). `lambd` is an extra shrinkage of p, not weight decay.
    """

    hyperparameter_checks = {
        "lr": _checks.non_negative,
        "lambd": _checks.non_negative,
        "alpha": _checks.non_negative,
        "t0": _checks.non_negative,
        "weight_decay": _checks.non_negative,
        "maximize": _checks.flag,
    }

    elementwise = True

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, *, maximize=False):
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _init_state(self, param, group):
        return {"step": 0, "eta": float(group["lr"]), "mu": 1.0, "ax": np.zeros_like(param)}

    def _update(self, param, grad, state, group):
        param, grad = regularized(param, grad, group)
        return asgd(param, grad, state, lr=group["lr"], lambd=group["lambd"], alpha=group["alpha"], t0=group["t0"])
