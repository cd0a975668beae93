"""The Optimizer base: parameter groups, lazy per-parameter state, steps and state dicts.

Shaped like `torch.optim.Optimizer`. A rule subclasses it and supplies two small methods:
`_init_state(param, group)` (optax's `init`: the state of one parameter before its first
step) and `_update(param, grad, state, group)` (optax's `update`: returns the parameter's
new value and new state; the state's arrays belong to the optimizer, and the Adam family
and SGD update them in place to spare allocations, the Adam family its `param` array too).
The base class does the rest, and finishes every parameter's step in `_write` (`_write_alike`
for a pack's members, whose new values already have their shape and dtype).

A rule whose `_update` is elementwise sets `elementwise = True`: the base class then steps the
small parameters of a group together, one `_update` on their concatenation (`optim.packing`),
and a large array in pieces that stay in the cache (`optim.pieces`).
"""
import copy

import numpy as np

from autograd import Tensor, enable_grad, no_grad, zero_grads

from . import _checks, packing, pieces


def lerp(start, end, weight):
    """`start + weight * (end - start)`, evaluated as `torch.lerp` does (from the nearer end)."""
    if weight < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1 - weight)


def directed(grad, maximize):
    """The gradient to descend along: `-grad` when maximizing, `grad` otherwise."""
    return -grad if maximize else grad


def regularized(param, grad, group, decoupled=False):
    """The `(param, grad)` a rule sees after `maximize` and `weight_decay`.

    L2 weight decay (PyTorch's default) adds `weight_decay * param` to the gradient;
    decoupled weight decay (AdamW, Loshchilov & Hutter) shrinks the parameter instead,
    `param * (1 - lr * weight_decay)`, before the rule's own step, in place (only the rules that
    write over `param` ask for it, see `Optimizer._update`).
    """
    grad = directed(grad, group["maximize"])
    weight_decay = group["weight_decay"]
    if weight_decay == 0:
        return param, grad
    if decoupled:
        param *= 1 - group["lr"] * weight_decay
        return param, grad
    return param, grad + weight_decay * param


# What a grad may be: an ndarray, or for a 0-d parameter also the NumPy scalar that ufuncs return for 0-d arrays.
_GRAD_TYPES = (np.ndarray, np.generic)


def _describe(index, param):
    name = f" ({param.name!r})" if isinstance(param, Tensor) and param.name else ""
    return f"params[{index}]{name}"


def _as_group_list(params, where):
    """The parameter groups given to an optimizer, as a list of dicts (not yet validated).

    `where` prefixes every error message (the optimizer's name).
    """
    if isinstance(params, (Tensor, dict)):
        raise TypeError(
            f"{where}params must be an iterable of Tensors or of dicts (parameter groups), "
            f"got a single {type(params).__name__}; wrap it in a list"
        )
    try:
        items = list(params)
    except TypeError:
        raise TypeError(f"{where}params must be an iterable of Tensors or of dicts, "
                        f"got {type(params).__name__}") from None
    if not items:
        raise ValueError(f"{where}params is an empty list: the optimizer has nothing to optimize")
    if all(isinstance(item, dict) for item in items):
        return items
    if any(isinstance(item, dict) for item in items):
        raise TypeError(f"{where}params must be all Tensors or all dicts (parameter groups), not a mixture")
    return [{"params": items}]


class Optimizer:
    """Base class of the update rules: `Optimizer(params, defaults)`.

    `params` is an iterable of tensors, or of dicts (parameter groups) each with a
    `"params"` entry and optional hyper-parameters that override `defaults`.
    `param_groups` is the list of groups; `state` maps each parameter (tensors hash by
    identity) to its per-parameter state, created at its first step. `step()` skips
    parameters whose grad is None, checks the others' grads before it changes anything, and
    runs under `no_grad`.
    """

    # Hyper-parameter name -> check (see `optim._checks`); each rule extends this table.
    hyperparameter_checks = {"lr": _checks.non_negative}

    # True for a rule whose `_update` works coordinate by coordinate, with a state made of arrays
    # shaped like the parameter and of scalars: its small parameters are then stepped in packs.
    # A subclass whose `_update` looks at a whole tensor (a norm, say) sets it back to False.
    elementwise = False

    def __init__(self, params, defaults):
        self._check_hyperparameters(defaults, where=self._where())
        groups = _as_group_list(params, self._where())
        self.defaults = dict(defaults)
        self.param_groups = []
        self.state = {}
        self._work = {}  # (shape, dtype) -> scratch array, see `_work_like`
        self._packs = packing.Packs()
        self._step_label = f"{type(self).__name__}.step"  # what `_write` records as the parameter's modifier
        for group in groups:
            self.add_param_group(group)

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for index, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {index}")
            lines.extend(f"    {key}: {value}" for key, value in sorted(group.items()) if key != "params")
        return "\n".join(lines + [")"])

    # -- validation -----------------------------------------------------------
    def _where(self, context=""):
        """The start of an error message: the optimizer's name, and `context` (e.g. "param_groups[1]: ")."""
        return f"{type(self).__name__}: {context}"

    def _check_hyperparameters(self, group, where):
        for name, check in self.hyperparameter_checks.items():
            if name in group:
                check(where + name, group[name])
        self._check_group(group, where)

    def _check_group(self, group, where):
        """Checks that involve several hyper-parameters together (overridden where needed)."""

    def add_param_group(self, param_group):
        """Add a group: a dict with `"params"` and optional hyper-parameters.

        Everything is checked before the group is added: each parameter is a floating-point leaf
        tensor, none appears twice or in another group, and the filled-in hyper-parameters are valid.
        A parameter that does not require grad (a frozen layer's) is kept, as in PyTorch:
        with no grad, steps skip it.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"{self._where()}param_group must be a dict, got {type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError(f"{self._where()}param_group must have a 'params' entry")
        where = self._where(f"param_groups[{len(self.param_groups)}]: ")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError(f"{where}params must be an ordered collection of Tensors, not a set")
        params = list(params)
        if not params:
            raise ValueError(f"{where}params is empty")
        for index, param in enumerate(params):
            if not isinstance(param, Tensor):
                raise TypeError(f"{where}params[{index}] must be a Tensor, got {type(param).__name__}")
            if not param.is_leaf:
                raise ValueError(f"{where}{_describe(index, param)} is not a leaf tensor (made by {param.op})")
            if param.dtype.kind != "f":
                raise TypeError(f"{where}{_describe(index, param)} has dtype {param.dtype}; only floating-point "
                                "tensors can be optimized")
        if len({id(param) for param in params}) != len(params):
            raise ValueError(f"{where}params contains the same tensor more than once")
        taken = {id(param) for group in self.param_groups for param in group["params"]}
        for index, param in enumerate(params):
            if id(param) in taken:
                raise ValueError(f"{where}{_describe(index, param)} is already in another parameter group")
        group = {**self.defaults, **{k: v for k, v in param_group.items() if k != "params"}}
        self._check_hyperparameters(group, where)
        group["params"] = params
        self.param_groups.append(group)

    # -- stepping ---------------------------------------------------------------
    def zero_grad(self, set_to_none=True):
        """Forget the gradients: set them to None (default) or, as PyTorch, fill them with zeros in place
        (`autograd.zero_grads`)."""
        for group in self.param_groups:
            zero_grads(group["params"], set_to_none)

    def _evaluate(self, closure):
        """Run `closure` (with grad enabled) and return its loss; None without a closure."""
        if closure is None:
            return None
        with enable_grad():
            return closure()

    def _check_grads(self):
        """Raise, before anything changes, if a grad that a step uses is not an array of its parameter's shape and
        dtype (as PyTorch refuses to assign such a grad): NumPy would broadcast it or cast it silently."""
        for group in self.param_groups:
            for param in group["params"]:
                grad, data = param.grad, param.data
                if grad is not None and (not isinstance(grad, _GRAD_TYPES) or grad.shape != data.shape
                                         or grad.dtype != data.dtype):
                    self._raise_bad_grad(group, param)

    def _raise_bad_grad(self, group, param):
        """Raise the error of `_check_grads` for `param` of `group`: where it is, what its grad is, what it must be."""
        group_index = next(number for number, other in enumerate(self.param_groups) if other is group)
        index = next(number for number, other in enumerate(group["params"]) if other is param)
        where = f"{self._step_label}: param_groups[{group_index}]: {_describe(index, param)}"
        wanted = f"an ndarray of the parameter's shape {param.data.shape} and dtype {param.data.dtype}"
        grad = param.grad
        if not isinstance(grad, _GRAD_TYPES):
            raise TypeError(f"{where} has a grad of type {type(grad).__name__}; it must be {wanted} "
                            "(nothing was changed)")
        raise ValueError(f"{where} has a grad of shape {grad.shape} and dtype {grad.dtype}; it must be {wanted} "
                         "(nothing was changed)")

    def step(self, closure=None):
        """One update of every parameter that has a grad; returns the closure's loss.

        Every grad is checked first (`_check_grads`): a bad one raises and nothing changes.
        """
        loss = self._evaluate(closure)
        self._check_grads()
        with no_grad():
            for group in self.param_groups:
                self._step_group(group)
        return loss

    def _step_group(self, group):
        """Step the parameters of `group` that have a grad: the small ones in packs if the rule is
        elementwise, the others one by one."""
        params = [param for param in group["params"] if param.grad is not None]
        if self.elementwise:
            params = self._packs.step(self, group, params)
        for param in params:
            state = self.state.get(param)
            if state is None:
                state = self._init_state(param.data, group)
            value, self.state[param] = self._update_arrays(param.data, param.grad, state, group)
            self._write(param, value)

    def _write(self, param, value):
        """Finish a parameter's step: its array takes `value` in place (`pieces.assign`: no copy when `value` is
        that array) and its version is bumped."""
        pieces.assign(param.data, value)
        param.mark_modified(self._step_label)

    def _write_alike(self, params, values):
        """`_write` of each of `params` with its array of `values`, which has the parameter's shape and dtype: a copy
        with no check and no cast (as a pack's views of its flat parameter)."""
        for param, value in zip(params, values):
            param.data[...] = value
            param.mark_modified(self._step_label)

    def _update_arrays(self, param, grad, state, group):
        """`_update` on a parameter's (or a pack's) arrays; an elementwise rule steps a large one in cache-sized
        pieces (`optim.pieces`)."""
        if self.elementwise:
            return pieces.update(self, param, grad, state, group)
        return self._update(param, grad, state, group)

    def _work_like(self, array):
        """A scratch array of `array`'s shape and dtype, kept between steps so that no step allocates it again.

        One per shape and dtype, shared by the parameters: a rule may use it within one `_update`.
        """
        key = (array.shape, array.dtype)
        if key not in self._work:
            self._work[key] = np.empty_like(array)
        return self._work[key]

    def _init_state(self, param, group):
        """The state of `param` (an ndarray) before its first step."""
        raise NotImplementedError

    def _update(self, param, grad, state, group):
        """`(new value of param, new state)` after one step; may update `state` in place, never `grad`.

        `param` is the parameter's array (or the flat scratch of a pack): a rule may write the new value
        over it and return it, which spares `_write` a copy (NumPy skips assigning an array to itself);
        a caller must not read `param` afterwards for its old value.
        """
        raise NotImplementedError

    # -- state dicts ----------------------------------------------------------------
    def state_dict(self):
        """A copy of the optimizer's state, with parameters replaced by their position.

        `{"state": {index: {...}}, "param_groups": [{...hyper-parameters, "params": [index, ...]}]}`
        as in PyTorch; indices count the parameters of all groups in order. Unlike
        PyTorch, the arrays are copies: later steps do not change a saved state dict.
        """
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {key: copy.deepcopy(value) for key, value in group.items() if key != "params"}
            packed["params"] = [index.setdefault(param, len(index)) for param in group["params"]]
            groups.append(packed)
        state = {index[param]: copy.deepcopy(value) for param, value in self.state.items()}
        return {"state": dict(sorted(state.items())), "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Load a `state_dict()` (from this or an equal optimizer), parameters matched by position.

        Group count, group sizes and the shapes of the saved arrays are checked before
        anything changes; floating-point arrays are copied and cast to their parameter's dtype.
        """
        if not isinstance(state_dict, dict) or set(state_dict) != {"state", "param_groups"}:
            raise ValueError(f"{self._where()}state_dict must be a dict with exactly the keys 'state' and "
                             "'param_groups'")
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"{self._where()}state_dict has {len(saved_groups)} parameter groups, this optimizer has {len(self.param_groups)}"
            )
        owners = {}
        new_groups = []
        for number, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"{self._where()}state_dict param_groups[{number}] has {len(saved['params'])} parameters, "
                    f"this optimizer's has {len(group['params'])}"
                )
            new_group = {key: copy.deepcopy(value) for key, value in saved.items() if key != "params"}
            self._check_hyperparameters(new_group, self._where(f"state_dict param_groups[{number}]: "))
            new_group["params"] = group["params"]
            new_groups.append(new_group)
            for index, param in zip(saved["params"], group["params"]):
                owners[index] = (param, new_group)
        new_state = {}
        for index, saved in state_dict["state"].items():
            if index not in owners:
                raise ValueError(f"{self._where()}state_dict state refers to parameter {index!r}, which no group lists")
            param, group = owners[index]
            new_state[param] = self._loaded_state(index, param, saved, group)
        self.param_groups = new_groups
        self.state = new_state

    def _loaded_state(self, index, param, saved, group):
        fresh = self._init_state(param.data, group)
        loaded = {}
        for key in fresh:
            if key not in saved:
                raise ValueError(f"{self._where()}state_dict state[{index}] lacks {key!r}")
        for key, value in saved.items():
            template = fresh.get(key)
            if isinstance(template, np.ndarray):
                value = np.asarray(value)
                if value.shape != template.shape:
                    raise ValueError(
                        f"{self._where()}state_dict state[{index}][{key!r}] has shape {value.shape}, expected {template.shape}"
                    )
                loaded[key] = value.astype(template.dtype, copy=True)
            else:
                loaded[key] = copy.deepcopy(value)
        return loaded
