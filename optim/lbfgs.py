"""Limited-memory BFGS over the flattened parameters, with an optional strong-Wolfe line search."""
import numpy as np

from autograd import no_grad

from . import _checks
from .line_search import strong_wolfe
from .optimizer import Optimizer


def two_loop_direction(flat_grad, old_dirs, old_steps, ro, h_diag):
    """The quasi-Newton direction `-H g` by the L-BFGS two-loop recursion (Nocedal & Wright alg. 7.4).

    `old_dirs` are the gradient differences y_i, `old_steps` the steps s_i, `ro` is 1 / (y_i . s_i)
    and `h_diag` the initial scaling gamma = s.y / y.y of the inverse Hessian estimate.
    """
    q = -flat_grad
    alphas = [0.0] * len(old_dirs)
    for i in range(len(old_dirs) - 1, -1, -1):
        alphas[i] = np.dot(old_steps[i], q) * ro[i]
        q = q - alphas[i] * old_dirs[i]
    r = q * h_diag
    for i in range(len(old_dirs)):
        beta = np.dot(old_dirs[i], r) * ro[i]
        r = r + (alphas[i] - beta) * old_steps[i]
    return r


class LBFGS(Optimizer):
    r"""L-BFGS (Liu & Nocedal 1989), as in PyTorch (after minFunc); `step(closure)` needs a closure.

    Each `step` runs up to `max_iter` iterations on the flattened parameters x::

        d_k     = -H_k g_k        (two-loop recursion over the last `history_size` pairs
                                   s = x_{k+1} - x_k, y = g_{k+1} - g_k, kept when y.s > 1e-10)
        x_{k+1} = x_k + t_k d_k   (t_k = lr, or from a strong-Wolfe line search;
                                   the very first t is min(1, 1/|g|_1) * lr)

    and stops early when max|g| <= tolerance_grad, max|t d| <= tolerance_change, the loss
    changes by less than tolerance_change, or `max_eval` function evaluations are spent.
    Without a line search the step is a fixed lr times the quasi-Newton direction, so
    lr=1 is the textbook unit step. One parameter group only; its state (history, last
    direction) lives in `state[first parameter]`. Parameters whose grad is None count as
    zero gradient. No `weight_decay` or `maximize`, as in PyTorch.

    Where PyTorch departs from the textbook (Nocedal & Wright alg. 7.5, which always runs a
    Wolfe line search and starts from H_0 = I): the line search is optional and off by
    default, the very first step is shrunk to min(1, 1/|g|_1) * lr, and one `step` runs
    up to `max_iter` iterations rather than one.
    """

    hyperparameter_checks = {
        "lr": _checks.non_negative,
        "max_iter": _checks.positive_int,
        "max_eval": _checks.positive_int,
        "tolerance_grad": _checks.non_negative,
        "tolerance_change": _checks.non_negative,
        "history_size": _checks.positive_int,
        "line_search_fn": _checks.one_of(None, "strong_wolfe"),
    }

    def __init__(self, params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9,
                 history_size=100, line_search_fn=None):
        if max_eval is None:
            _checks.positive_int("max_iter", max_iter)
            max_eval = max_iter * 5 // 4
        defaults = dict(lr=lr, max_iter=max_iter, max_eval=max_eval, tolerance_grad=tolerance_grad,
                        tolerance_change=tolerance_change, history_size=history_size, line_search_fn=line_search_fn)
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("params: LBFGS supports a single parameter group, got "
                             f"{len(self.param_groups)} (it has no per-group options)")

    def add_param_group(self, param_group):
        """Add the (single) parameter group; a second one raises ValueError."""
        if self.param_groups:
            raise ValueError("param_group: LBFGS supports a single parameter group")
        super().add_param_group(param_group)

    @property
    def _params(self):
        return self.param_groups[0]["params"]

    def _init_state(self, param, group):
        return {"func_evals": 0, "n_iter": 0}

    def _flat_grad(self):
        """The grads of all parameters in one flat array (zeros for a None grad), once `_check_grads` passes them."""
        self._check_grads()
        return np.concatenate([
            np.zeros(param.size, param.dtype) if param.grad is None else param.grad.reshape(-1)
            for param in self._params
        ])

    def _move(self, t, direction):
        """x <- x + t * direction, parameter by parameter."""
        offset = 0
        for param in self._params:
            piece = direction[offset:offset + param.size].reshape(param.shape)
            self._write(param, param.data + t * piece)
            offset += param.size

    def _evaluate_along(self, closure, t, direction):
        """(loss, flat gradient) at x + t * direction; the parameters are put back afterwards."""
        saved = [param.data.copy() for param in self._params]
        self._move(t, direction)
        loss = float(self._evaluate(closure))
        flat_grad = self._flat_grad()
        for param, value in zip(self._params, saved):
            self._write(param, value)
        return loss, flat_grad

    def step(self, closure=None):
        """Up to `max_iter` L-BFGS iterations; returns the loss of the first closure call."""
        if closure is None:
            raise TypeError("closure: LBFGS.step needs a closure that recomputes the loss and its gradients")
        with no_grad():
            return self._run(closure)

    def _run(self, closure):
        """The iterations of one `step`. The state changes only at the end, and an error part-way (from the
        closure, or a grad that does not fit its parameter) puts the parameters back as they were."""
        start = [param.data.copy() for param in self._params]
        try:
            return self._iterate(closure)
        except BaseException:
            for param, value in zip(self._params, start):
                if not np.array_equal(param.data, value, equal_nan=True):  # moved (and marked) before the error
                    self._write(param, value)
            raise

    def _iterate(self, closure):
        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        original_loss = self._evaluate(closure)
        loss = float(original_loss)
        flat_grad = self._flat_grad()  # checks the grads before the state changes
        state = self.state.get(self._params[0]) or self._init_state(None, group)  # stored at the end only
        evaluations = 1
        func_evals, n_iter = state["func_evals"] + 1, state["n_iter"]
        if np.max(np.abs(flat_grad)) <= tolerance_grad:
            self._store_state(state, func_evals=func_evals)
            return original_loss

        d, t = state.get("d"), state.get("t")
        old_dirs, old_steps, ro = (list(state.get(key) or ()) for key in ("old_dirs", "old_stps", "ro"))
        h_diag, prev_flat_grad, prev_loss = state.get("H_diag"), state.get("prev_flat_grad"), state.get("prev_loss")

        iteration = 0
        while iteration < max_iter:
            iteration += 1
            n_iter += 1
            if n_iter == 1:
                d = -flat_grad
                old_dirs, old_steps, ro, h_diag = [], [], [], 1
            else:
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = np.dot(y, s)
                if ys > 1e-10:
                    if len(old_dirs) == group["history_size"]:
                        del old_dirs[0], old_steps[0], ro[0]
                    old_dirs.append(y)
                    old_steps.append(s)
                    ro.append(1.0 / ys)
                    h_diag = ys / np.dot(y, y)
                d = two_loop_direction(flat_grad, old_dirs, old_steps, ro, h_diag)
            prev_flat_grad = flat_grad.copy()
            prev_loss = loss

            t = min(1.0, 1.0 / np.sum(np.abs(flat_grad))) * lr if n_iter == 1 else lr
            gtd = np.dot(flat_grad, d)
            if gtd > -tolerance_change:
                break

            if group["line_search_fn"] == "strong_wolfe":
                loss, flat_grad, t, spent = strong_wolfe(
                    lambda step: self._evaluate_along(closure, step, d), t, d, loss, flat_grad, gtd,
                    max_ls=max_eval - evaluations)
                self._move(t, d)
                optimal = np.max(np.abs(flat_grad)) <= tolerance_grad
            else:
                self._move(t, d)
                spent = 0
                optimal = False
                if iteration != max_iter:
                    loss = float(self._evaluate(closure))
                    flat_grad = self._flat_grad()
                    optimal = np.max(np.abs(flat_grad)) <= tolerance_grad
                    spent = 1
            evaluations += spent
            func_evals += spent

            if (iteration == max_iter or evaluations >= max_eval or optimal
                    or np.max(np.abs(d * t)) <= tolerance_change or abs(loss - prev_loss) < tolerance_change):
                break

        self._store_state(state, func_evals=func_evals, n_iter=n_iter, d=d, t=t, old_dirs=old_dirs,
                          old_stps=old_steps, ro=ro, H_diag=h_diag, prev_flat_grad=prev_flat_grad, prev_loss=prev_loss)
        return original_loss

    def _store_state(self, state, **changes):
        """Keep `state` (the stored dict itself, or a fresh one) as the optimizer's, with `changes`: a dict someone
        holds (`optimizer.state[p]`) sees the step, as PyTorch's."""
        self.state.setdefault(self._params[0], state).update(changes)
