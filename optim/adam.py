"""Adam and its relatives: Adam (AMSGrad), AdamW, Adamax, NAdam, RAdam."""
import numpy as np

from . import _checks
from .optimizer import Optimizer, regularized


def first_moment(grad, exp_avg, beta1, work):
    """Update m_t = beta1 * m_{t-1} + (1 - beta1) * g_t in place in `exp_avg` (`work`: scratch like `grad`)."""
    exp_avg *= beta1
    exp_avg += np.multiply(grad, 1 - beta1, out=work)
    return exp_avg


def first_and_second_moments(grad, state, beta1, beta2, work):
    """Update `(m_t, v_t)`, the running means of the gradient and of its square, in place in `state`.

    `work` is a scratch array shaped like `grad`.
    """
    exp_avg, exp_avg_sq = first_moment(grad, state["exp_avg"], beta1, work), state["exp_avg_sq"]
    exp_avg_sq *= beta2
    square = np.multiply(grad, grad, out=work)
    square *= 1 - beta2
    exp_avg_sq += square
    return exp_avg, exp_avg_sq


def adam(param, grad, state, work, *, lr, beta1, beta2, eps, amsgrad):
    """One Adam step: updates `step`, `exp_avg`, `exp_avg_sq` (and `max_exp_avg_sq` for AMSGrad)
    in `state` and returns `(new param, state)`, the new param written over `param`."""
    state["step"] = step = state["step"] + 1
    exp_avg, second = first_and_second_moments(grad, state, beta1, beta2, work)
    if amsgrad:
        second = np.maximum(state["max_exp_avg_sq"], second, out=state["max_exp_avg_sq"])
    # m / (sqrt(v) / c + eps) = c m / (sqrt(v) + c eps) with c = sqrt(1 - beta2^t): one pass fewer
    bias_correction2_sqrt = (1 - beta2**step) ** 0.5
    denom = np.sqrt(second, out=work)
    denom += eps * bias_correction2_sqrt
    update = np.divide(exp_avg, denom, out=work)
    update *= lr * bias_correction2_sqrt / (1 - beta1**step)
    return np.subtract(param, update, out=param), state


def adamax(param, grad, state, work, *, lr, beta1, beta2, eps):
    """One Adamax step: updates `step`, `exp_avg`, `exp_inf` in `state` and returns `(new param, state)`,
    the new param written over `param`."""
    state["step"] = step = state["step"] + 1
    exp_avg, exp_inf = first_moment(grad, state["exp_avg"], beta1, work), state["exp_inf"]
    np.abs(grad, out=work)
    work += eps
    exp_inf *= beta2
    np.maximum(exp_inf, work, out=exp_inf)
    update = np.divide(exp_avg, exp_inf, out=work)
    update *= lr / (1 - beta1**step)
    return np.subtract(param, update, out=param), state


def nadam_momentum(beta1, momentum_decay, step):
    """Dozat's momentum schedule `mu_t = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))`."""
    return beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))


def nadam(param, grad, state, work, *, lr, beta1, beta2, eps, momentum_decay):
    """One NAdam step: updates `step`, `mu_product` and the moments in `state`; returns `(new param, state)`,
    the new param written over `param`."""
    state["step"] = step = state["step"] + 1
    mu = nadam_momentum(beta1, momentum_decay, step)
    mu_next = nadam_momentum(beta1, momentum_decay, step + 1)
    state["mu_product"] = mu_product = state["mu_product"] * mu
    exp_avg, exp_avg_sq = first_and_second_moments(grad, state, beta1, beta2, work)
    denom = np.divide(exp_avg_sq, 1 - beta2**step, out=np.empty_like(param))
    np.sqrt(denom, out=denom)
    denom += eps
    gradient_term = np.divide(grad, denom, out=work)
    gradient_term *= -lr * (1.0 - mu) / (1.0 - mu_product)
    new_param = np.add(param, gradient_term, out=param)
    momentum_term = np.divide(exp_avg, denom, out=denom)
    momentum_term *= -lr * mu_next / (1.0 - mu_product * mu_next)
    new_param += momentum_term
    return new_param, state


def radam(param, grad, state, work, *, lr, beta1, beta2, eps):
    """One RAdam step: updates `step`, `exp_avg`, `exp_avg_sq` in `state` and returns `(new param, state)`,
    the new param written over `param`."""
    state["step"] = step = state["step"] + 1
    exp_avg, exp_avg_sq = first_and_second_moments(grad, state, beta1, beta2, work)
    bias_correction2 = 1 - beta2**step
    update = np.divide(exp_avg, 1 - beta1**step, out=work)  # the corrected first moment
    update *= lr
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * step * beta2**step / bias_correction2
    if rho_t > 5.0:
        rectification = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
        adaptive_lr = np.sqrt(exp_avg_sq, out=np.empty_like(param))
        adaptive_lr += eps
        np.divide(bias_correction2**0.5, adaptive_lr, out=adaptive_lr)
        update *= adaptive_lr
        update *= rectification
    return np.subtract(param, update, out=param), state


_CHECKS = {
    "lr": _checks.non_negative,
    "betas": _checks.beta_pair,
    "eps": _checks.non_negative,
    "weight_decay": _checks.non_negative,
    "maximize": _checks.flag,
}


def _moments(param):
    return {"step": 0, "exp_avg": np.zeros_like(param), "exp_avg_sq": np.zeros_like(param)}


def _adam_arguments(group):
    """The keyword arguments every rule of the Adam family takes from a group: lr, beta1, beta2, eps."""
    beta1, beta2 = group["betas"]
    return {"lr": group["lr"], "beta1": beta1, "beta2": beta2, "eps": group["eps"]}


class Adam(Optimizer):
    r"""Adam (Kingma & Ba 2015), with AMSGrad (Reddi et al. 2018) as an option.

    With g_t the gradient (negated if `maximize`; `weight_decay` adds `wd * p` to it, or
    with `decoupled_weight_decay=True` shrinks `p` by `(1 - lr * wd)` first, as AdamW)::

        m_t  = beta1 * m_{t-1} + (1 - beta1) * g_t
        v_t  = beta2 * v_{t-1} + (1 - beta2) * g_t^2
        v^_t = max(v^_{t-1}, v_t)  with AMSGrad, else v_t
        p_t  = p_{t-1} - lr / (1 - beta1^t) * m_t / (sqrt(v^_t) / sqrt(1 - beta2^t) + eps)

    This is the paper's algorithm 1 and Goodfellow et al. alg. 8.7: eps is added outside the
    square root, to the bias-corrected sqrt(v). The paper's "more efficient" ordering
    (section 2) instead folds both corrections into the step size and adds eps to the
    uncorrected sqrt(v_t), which makes eps effectively larger in the first steps. (The code
    multiplies numerator and denominator by sqrt(1 - beta2^t), adding eps * sqrt(1 - beta2^t) to
    sqrt(v^_t): algorithm 1 exactly, in one pass fewer.)
    """

    hyperparameter_checks = {**_CHECKS, "amsgrad": _checks.flag, "decoupled_weight_decay": _checks.flag}

    elementwise = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False,
                 *, maximize=False, decoupled_weight_decay=False):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def _init_state(self, param, group):
        state = _moments(param)
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = np.zeros_like(param)
        return state

    def _update(self, param, grad, state, group):
        param, grad = regularized(param, grad, group, decoupled=group["decoupled_weight_decay"])
        return adam(param, grad, state, self._work_like(param), **_adam_arguments(group), amsgrad=group["amsgrad"])


class AdamW(Adam):
    r"""AdamW (Loshchilov & Hutter 2019): Adam with decoupled weight decay.

    ::

        p'   = p_{t-1} * (1 - lr * weight_decay)
        p_t  = p' - (the Adam step of `Adam`, with the raw gradient)

    The paper scales the decay by a schedule multiplier eta_t and not by lr; PyTorch (and
    this) multiply by lr, so changing lr changes the decay too. Default weight_decay 1e-2.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False,
                 *, maximize=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)


class Adamax(Optimizer):
    r"""Adamax (Kingma & Ba 2015, section 7.1): Adam with the infinity norm.

    With g_t the gradient (negated if `maximize`, plus `weight_decay * p` if set)::

        m_t  = beta1 * m_{t-1} + (1 - beta1) * g_t
        u_t  = max(beta2 * u_{t-1}, |g_t| + eps)
        p_t  = p_{t-1} - lr / (1 - beta1^t) * m_t / u_t

    The paper has no eps; PyTorch adds it to |g_t| so that u_t is never zero.
    """

    hyperparameter_checks = _CHECKS

    elementwise = True

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, *, maximize=False):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _init_state(self, param, group):
        return {"step": 0, "exp_avg": np.zeros_like(param), "exp_inf": np.zeros_like(param)}

    def _update(self, param, grad, state, group):
        param, grad = regularized(param, grad, group)
        return adamax(param, grad, state, self._work_like(param), **_adam_arguments(group))


class NAdam(Optimizer):
    r"""NAdam (Dozat 2016): Adam with Nesterov momentum, in PyTorch's form.

    With g_t the gradient (negated if `maximize`; `weight_decay` as in `Adam`, decoupled
    with `decoupled_weight_decay=True`)::

        mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay))
        m_t  = beta1 * m_{t-1} + (1 - beta1) * g_t
        v_t  = beta2 * v_{t-1} + (1 - beta2) * g_t^2
        d_t  = sqrt(v_t / (1 - beta2^t)) + eps
        p_t  = p_{t-1} - lr (1 - mu_t) / (1 - prod_{i<=t} mu_i) * g_t / d_t
                       - lr mu_{t+1} / (1 - prod_{i<=t+1} mu_i) * m_t / d_t

    Dozat's report uses a constant beta1 in its simple form; PyTorch uses his warming
    momentum schedule mu_t (momentum_decay = 0.004 gives 0.96^(t/250)), while the moving
    average m_t itself still uses the plain beta1.
    """

    hyperparameter_checks = {**_CHECKS, "momentum_decay": _checks.non_negative,
                             "decoupled_weight_decay": _checks.flag}

    elementwise = True

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, maximize=False):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _init_state(self, param, group):
        return {**_moments(param), "mu_product": 1.0}

    def _update(self, param, grad, state, group):
        param, grad = regularized(param, grad, group, decoupled=group["decoupled_weight_decay"])
        return nadam(param, grad, state, self._work_like(param), **_adam_arguments(group),
                     momentum_decay=group["momentum_decay"])


class RAdam(Optimizer):
    r"""RAdam (Liu et al. 2020): Adam with the variance of the adaptive step rectified.

    With g_t the gradient (negated if `maximize`; `weight_decay` as in `Adam`)::

        m_t, v_t as in Adam;  m^_t = m_t / (1 - beta1^t)
        rho_inf = 2 / (1 - beta2) - 1,   rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
        if rho_t > 5:   r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
                        p_t = p_{t-1} - lr * m^_t * r_t * sqrt(1 - beta2^t) / (sqrt(v_t) + eps)
        else:           p_t = p_{t-1} - lr * m^_t                  (SGD with momentum)

    The paper switches at rho_t > 4; PyTorch uses 5, and adds eps outside the square root.
    """

    hyperparameter_checks = {**_CHECKS, "decoupled_weight_decay": _checks.flag}

    elementwise = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, maximize=False):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _init_state(self, param, group):
        return _moments(param)

    def _update(self, param, grad, state, group):
        param, grad = regularized(param, grad, group, decoupled=group["decoupled_weight_decay"])
        return radam(param, grad, state, self._work_like(param), **_adam_arguments(group))
