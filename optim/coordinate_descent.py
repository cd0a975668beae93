"""(Block) coordinate descent: each step moves one block of coordinates and leaves the rest."""
import numbers

import numpy as np

from autograd import default_rng

from . import _checks
from .optimizer import Optimizer, regularized


def coordinate_step(param, grad, block, *, lr):
    """`param - lr * grad` on the coordinates where `block` is True; the others unchanged."""
    return np.where(block, param - lr * grad, param)


class CoordinateDescent(Optimizer):
    r"""Block coordinate descent with gradient steps (Wright 2015, "Coordinate descent algorithms").

    The parameters of a group, flattened and concatenated, are cut into blocks of
    `block_size` consecutive coordinates (the last may be shorter). Step k updates one block
    B_k only, with g the gradient (negated if `maximize`, plus `weight_decay * p` if set)::

        x_i <- x_i - lr * g_i     for i in B_k;     x_j unchanged for j not in B_k

    `order="cyclic"` visits the blocks 0, 1, 2, ... in turn; `order="random"` visits them in
    a fresh random permutation each sweep (sampling without replacement), drawn from `rng`
    (a `numpy.random.Generator`, an int seed, or None for autograd's default generator).
    With block_size=1 and a separable quadratic, exact line search would be lr = 1/a_ii;
    here lr is fixed. The gradient is the full gradient from `backward`; only the block's
    part is used. The sweep position and order are the state of the group's first parameter.
    PyTorch has no coordinate descent; names and the `maximize`/`weight_decay` options follow its optimizers.
    """

    hyperparameter_checks = {
        "lr": _checks.non_negative,
        "block_size": _checks.positive_int,
        "order": _checks.one_of("cyclic", "random"),
        "weight_decay": _checks.non_negative,
        "maximize": _checks.flag,
    }

    def __init__(self, params, lr, block_size=1, order="cyclic", rng=None, *, weight_decay=0, maximize=False):
        if rng is not None and not isinstance(rng, (np.random.Generator, numbers.Integral)):
            raise TypeError(f"{type(self).__name__}: rng must be a numpy.random.Generator, an int seed or None, "
                            f"got {type(rng).__name__}")
        defaults = dict(lr=lr, block_size=block_size, order=order, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)
        self._rng = np.random.default_rng(rng) if isinstance(rng, numbers.Integral) else rng

    def _generator(self):
        return default_rng() if self._rng is None else self._rng

    def _init_state(self, param, group):
        size = sum(p.size for p in group["params"])
        blocks = -(-size // group["block_size"])
        return {"step": 0, "order": np.arange(blocks)}

    def _step_group(self, group):
        params = group["params"]
        state = self.state.get(params[0])
        if state is None:
            state = self._init_state(params[0].data, group)
        position = state["step"] % len(state["order"])
        order = state["order"]
        if position == 0 and group["order"] == "random":
            order = self._generator().permutation(len(order))
        block = order[position]
        start, stop = block * group["block_size"], (block + 1) * group["block_size"]
        offset = 0
        for param in params:
            lo, hi = max(start - offset, 0), min(stop - offset, param.size)
            if lo < hi and param.grad is not None:
                mask = np.zeros(param.size, dtype=bool)
                mask[lo:hi] = True
                value, grad = regularized(param.data, param.grad, group)
                self._write(param, coordinate_step(value, grad, mask.reshape(param.shape), lr=group["lr"]))
            offset += param.size
        self.state[params[0]] = {"step": state["step"] + 1, "order": order}
