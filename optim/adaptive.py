"""Per-coordinate step sizes from accumulated squared gradients: Adagrad, Adadelta, RMSprop."""
import numpy as np

from . import _checks
from .optimizer import Optimizer, lerp, regularized


def adagrad(param, grad, state, *, lr, lr_decay, eps):
    """One Adagrad step: returns `(new param, new state)`; the state holds `step` and `sum`."""
    step = state["step"] + 1
    step_lr = lr / (1 + (step - 1) * lr_decay)
    total = state["sum"] + grad * grad
    return param - step_lr * (grad / (np.sqrt(total) + eps)), {"step": step, "sum": total}


def adadelta(param, grad, state, *, lr, rho, eps):
    """One Adadelta step: returns `(new param, new state)` with `square_avg` and `acc_delta`."""
    square_avg = rho * state["square_avg"] + (1 - rho) * (grad * grad)
    delta = np.sqrt(state["acc_delta"] + eps) / np.sqrt(square_avg + eps) * grad
    acc_delta = rho * state["acc_delta"] + (1 - rho) * (delta * delta)
    new_state = {"step": state["step"] + 1, "square_avg": square_avg, "acc_delta": acc_delta}
    return param - lr * delta, new_state


def rmsprop(param, grad, state, *, lr, alpha, eps, momentum, centered):
    """One RMSprop step: returns `(new param, new state)`.

    The state holds `square_avg`, and `grad_avg` when centered, `momentum_buffer` with momentum.
    """
    new_state = {"step": state["step"] + 1}
    square_avg = alpha * state["square_avg"] + (1 - alpha) * (grad * grad)
    new_state["square_avg"] = square_avg
    if centered:
        grad_avg = lerp(state["grad_avg"], grad, 1 - alpha)
        new_state["grad_avg"] = grad_avg
        avg = np.sqrt(square_avg - grad_avg * grad_avg) + eps
    else:
        avg = np.sqrt(square_avg) + eps
    if momentum > 0:
        buffer = momentum * state["momentum_buffer"] + grad / avg
        new_state["momentum_buffer"] = buffer
        return param - lr * buffer, new_state
    return param - lr * (grad / avg), new_state


_COMMON_CHECKS = {
    "lr": _checks.non_negative,
    "eps": _checks.non_negative,
    "weight_decay": _checks.non_negative,
    "maximize": _checks.flag,
}


class Adagrad(Optimizer):
    r"""Adagrad (Duchi, Hazan & Singer 2011).

    With g_t the gradient (negated if `maximize`, plus `weight_decay * p` if set)::

        lr_t = lr / (1 + (t - 1) * lr_decay)
        s_t  = s_{t-1} + g_t^2                 (s_0 = initial_accumulator_value)
        p_t  = p_{t-1} - lr_t * g_t / (sqrt(s_t) + eps)

    As in PyTorch, eps is added outside the square root (Goodfellow et al. alg. 8.4 puts
    delta there too), and `lr_decay` is PyTorch's addition to the paper. Also as in
    PyTorch, every accumulator starts at the constructor's `initial_accumulator_value`,
    even in a parameter group that sets its own.
    """

    hyperparameter_checks = {**_COMMON_CHECKS, "lr_decay": _checks.non_negative,
                             "initial_accumulator_value": _checks.non_negative}

    elementwise = True

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 *, maximize=False):
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, maximize=maximize)
        super().__init__(params, defaults)

    def _init_state(self, param, group):
        return {"step": 0, "sum": np.full_like(param, self.defaults["initial_accumulator_value"])}

    def _update(self, param, grad, state, group):
        param, grad = regularized(param, grad, group)
        return adagrad(param, grad, state, lr=group["lr"], lr_decay=group["lr_decay"], eps=group["eps"])


class Adadelta(Optimizer):
    r"""Adadelta (Zeiler 2012).

    With g_t the gradient (negated if `maximize`, plus `weight_decay * p` if set)::

        v_t  = rho * v_{t-1} + (1 - rho) * g_t^2
        d_t  = sqrt(u_{t-1} + eps) / sqrt(v_t + eps) * g_t
        u_t  = rho * u_{t-1} + (1 - rho) * d_t^2
        p_t  = p_{t-1} - lr * d_t

    The paper has no learning rate (its whole point is that the ratio of RMS values has the
    units of the parameter); PyTorch multiplies by `lr`, default 1.0, which recovers the
    paper. eps sits inside both square roots, as in the paper.
    """

    hyperparameter_checks = {**_COMMON_CHECKS, "rho": _checks.unit_interval}

    elementwise = True

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, *, maximize=False):
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _init_state(self, param, group):
        return {"step": 0, "square_avg": np.zeros_like(param), "acc_delta": np.zeros_like(param)}

    def _update(self, param, grad, state, group):
        param, grad = regularized(param, grad, group)
        return adadelta(param, grad, state, lr=group["lr"], rho=group["rho"], eps=group["eps"])


class RMSprop(Optimizer):
    r"""RMSprop (Hinton's lecture 6e), optionally centered (Graves 2013) and with momentum.

    With g_t the gradient (negated if `maximize`, plus `weight_decay * p` if set)::

        v_t  = alpha * v_{t-1} + (1 - alpha) * g_t^2
        m_t  = alpha * m_{t-1} + (1 - alpha) * g_t                  (centered only)
        a_t  = sqrt(v_t - m_t^2) + eps   if centered   else   sqrt(v_t) + eps
        b_t  = momentum * b_{t-1} + g_t / a_t                       (momentum > 0)
        p_t  = p_{t-1} - lr * b_t        (or  p_{t-1} - lr * g_t / a_t  without momentum)

    PyTorch adds eps outside the square root (Goodfellow et al. alg. 8.5 puts delta inside:
    `1 / sqrt(delta + r)`), and its momentum buffer accumulates the scaled gradient without
    the learning rate (alg. 8.6 keeps lr inside the velocity).
    """

    hyperparameter_checks = {**_COMMON_CHECKS, "alpha": _checks.non_negative, "momentum": _checks.non_negative,
                             "centered": _checks.flag}

    elementwise = True

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 *, maximize=False):
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                        centered=centered, maximize=maximize)
        super().__init__(params, defaults)

    def _init_state(self, param, group):
        state = {"step": 0, "square_avg": np.zeros_like(param)}  # in the order `rmsprop` returns them
        if group["centered"]:
            state["grad_avg"] = np.zeros_like(param)
        if group["momentum"] > 0:
            state["momentum_buffer"] = np.zeros_like(param)
        return state

    def _update(self, param, grad, state, group):
        param, grad = regularized(param, grad, group)
        return rmsprop(param, grad, state, lr=group["lr"], alpha=group["alpha"], eps=group["eps"],
                       momentum=group["momentum"], centered=group["centered"])
