"""Rules that step by the sign of a gradient statistic: Rprop and Lion."""
import numpy as np

from . import _checks
from .optimizer import Optimizer, directed


def rprop(param, grad, state, *, eta_minus, eta_plus, step_size_min, step_size_max):
    """One Rprop step: returns `(new param, new state)` with `step`, `prev`, `step_size`."""
    agreement = np.sign(grad * state["prev"])
    factor = np.where(agreement > 0, eta_plus, np.where(agreement < 0, eta_minus, 1.0)).astype(param.dtype)
    step_size = np.clip(state["step_size"] * factor, step_size_min, step_size_max)
    grad = np.where(agreement < 0, 0.0, grad).astype(param.dtype, copy=False)
    new_state = {"step": state["step"] + 1, "prev": grad, "step_size": step_size}
    return param - np.sign(grad) * step_size, new_state


def lion(param, grad, state, *, lr, beta1, beta2, weight_decay):
    """One Lion step as optax writes it: returns `(new param, new state)` with `exp_avg`."""
    direction = np.sign((1.0 - beta1) * grad + beta1 * state["exp_avg"])
    exp_avg = (1 - beta2) * grad + beta2 * state["exp_avg"]
    return param + (-lr) * (direction + weight_decay * param), {"exp_avg": exp_avg}


def _check_etas(name, value):
    _checks.pair(name, value)
    _checks.real(f"{name}[0]", value[0])
    _checks.real(f"{name}[1]", value[1])
    if not 0.0 < value[0] < 1.0 < value[1]:
        raise ValueError(f"{name} must satisfy 0 < etas[0] < 1 < etas[1], got {tuple(value)!r}")


def _check_step_sizes(name, value):
    _checks.pair(name, value)
    _checks.non_negative(f"{name}[0]", value[0])
    _checks.non_negative(f"{name}[1]", value[1])
    if value[0] > value[1]:
        raise ValueError(f"{name} must be (min, max) with min <= max, got {tuple(value)!r}")


class Rprop(Optimizer):
    r"""Resilient backpropagation (Riedmiller & Braun 1993), PyTorch's variant (iRprop-).

    Each coordinate has its own step size s, initialised to lr; with g_t the gradient
    (negated if `maximize`)::

        if g_t g_{t-1} > 0:  s_t = min(s_{t-1} * eta_plus,  step_size_max)
        if g_t g_{t-1} < 0:  s_t = max(s_{t-1} * eta_minus, step_size_min);  g_t := 0
        otherwise:           s_t = s_{t-1}
        p_t = p_{t-1} - sign(g_t) * s_t

    After a sign change the gradient is forgotten (no step, and the next comparison sees
    zero), which is iRprop-; the 1993 paper also undoes the previous step (backtracking).
    The step sizes start at the group's lr when the state is created and then ignore lr.
    Full-batch only: minibatch noise flips signs and defeats it.
    """

    hyperparameter_checks = {"lr": _checks.non_negative, "etas": _check_etas, "step_sizes": _check_step_sizes,
                             "maximize": _checks.flag}

    elementwise = True

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, maximize=False):
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, maximize=maximize)
        super().__init__(params, defaults)

    def _init_state(self, param, group):
        return {"step": 0, "prev": np.zeros_like(param), "step_size": np.full_like(param, group["lr"])}

    def _update(self, param, grad, state, group):
        (eta_minus, eta_plus), (step_size_min, step_size_max) = group["etas"], group["step_sizes"]
        return rprop(param, directed(grad, group["maximize"]), state, eta_minus=eta_minus, eta_plus=eta_plus,
                     step_size_min=step_size_min, step_size_max=step_size_max)


class Lion(Optimizer):
    r"""Lion, "evolved sign momentum" (Chen et al. 2023), as `optax.lion` defines it.

    With g_t the gradient (negated if `maximize`)::

        c_t  = beta1 * m_{t-1} + (1 - beta1) * g_t
        p_t  = p_{t-1} - lr * (sign(c_t) + weight_decay * p_{t-1})
        m_t  = beta2 * m_{t-1} + (1 - beta2) * g_t

    PyTorch has no Lion. The step interpolates with beta1 but the stored momentum uses
    beta2; weight decay is decoupled (it acts on p, not through the sign), so
    `weight_decay` is the paper's lambda and the shrink per step is lr * lambda. Defaults:
    optax's betas (0.9, 0.99) and weight_decay 1e-3; lr 1e-4, the paper's advice of 3-10x
    smaller than AdamW's.
    """

    hyperparameter_checks = {"lr": _checks.non_negative, "betas": _checks.beta_pair,
                             "weight_decay": _checks.non_negative, "maximize": _checks.flag}

    elementwise = True

    def __init__(self, params, lr=1e-4, betas=(0.9, 0.99), weight_decay=1e-3, *, maximize=False):
        defaults = dict(lr=lr, betas=betas, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _init_state(self, param, group):
        return {"exp_avg": np.zeros_like(param)}

    def _update(self, param, grad, state, group):
        beta1, beta2 = group["betas"]
        return lion(param, directed(grad, group["maximize"]), state, lr=group["lr"], beta1=beta1, beta2=beta2,
                    weight_decay=group["weight_decay"])
