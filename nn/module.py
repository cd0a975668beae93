"""Module: the base class of every layer, with PyTorch's registration and state-dict rules."""
import copy
from collections import namedtuple

import numpy as np

from autograd import Tensor, zero_grads
from autograd.grad_mode import pop_scope, push_scope, scope

from .parameter import Parameter

IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


def _join(prefix, name):
    return f"{prefix}.{name}" if prefix else name


class Module:
    """Base class of layers: subclass, assign Parameters, buffers and Modules in `__init__`, define `forward`.

    Assigning a `Parameter` or a `Module` to an attribute registers it, in order, as
    PyTorch does; every registered entry is also kept in the instance's `__dict__`, so
    reading `self.weight` is an ordinary attribute lookup. Every parameter and buffer gets
    `.name` = its dotted path from the root module (prefixed by the root's `name` if it has
    one), kept up to date when this module becomes the child of another. Calling the module
    runs `forward` inside `autograd.scope(path, ClassName)` so graph drawing can cluster its ops.
    """

    def __init__(self):
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_forward_pre_hooks", [])
        object.__setattr__(self, "_name", None)
        object.__setattr__(self, "_is_child", False)
        object.__setattr__(self, "_path", "")  # prefix of parameter names: "" for an unnamed root
        object.__setattr__(self, "_scope_path", type(self).__name__.lower())
        object.__setattr__(self, "training", True)

    # -- the call ----------------------------------------------------------------
    def forward(self, *inputs):
        """The computation; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *inputs, **kwargs):
        state = push_scope(scope(self._scope_path, type(self).__name__))
        try:
            for hook in self._forward_pre_hooks:
                hook(self, inputs)
            return self.forward(*inputs, **kwargs)
        finally:
            pop_scope(state)

    def register_forward_pre_hook(self, hook):
        """Run `hook(module, inputs)` before every forward (as PyTorch; weight_norm uses it)."""
        self._forward_pre_hooks.append(hook)
        return hook

    # -- naming --------------------------------------------------------------------
    @property
    def name(self):
        """Optional name of a root module; it prefixes parameter names and is the root's scope path."""
        return self._name

    @name.setter
    def name(self, value):
        object.__setattr__(self, "_name", value)
        if not self._is_child:
            self._rename(value or "", value or type(self).__name__.lower())

    def _rename(self, path, scope_path):
        """Set the dotted paths of this module, its parameters, buffers and descendants."""
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_scope_path", scope_path)
        for key, tensor in {**self._parameters, **self._buffers}.items():
            if tensor is not None:
                tensor.name = _join(path, key)
        for key, child in self._modules.items():
            if child is not None:
                child._rename(_join(path, key), f"{scope_path}.{key}")

    # -- registration ------------------------------------------------------------------
    def __setattr__(self, key, value):
        if isinstance(value, (Parameter, Module)):
            self.__dict__.pop(key, None)  # a plain attribute of that name gives way, as in PyTorch
            if isinstance(value, Parameter):
                self.register_parameter(key, value)
            else:
                self.add_module(key, value)
        elif key in self._parameters:
            if value is not None:
                raise TypeError(f"{type(self).__name__}: cannot assign {type(value).__name__} as parameter "
                                f"{key!r} (nn.Parameter or None expected)")
            self._store_entry(self._parameters, key, None)
        elif key in self._modules:
            if value is not None:
                raise TypeError(f"{type(self).__name__}: cannot assign {type(value).__name__} as child module "
                                f"{key!r} (nn.Module or None expected)")
            self._store_entry(self._modules, key, None)
        elif key in self._buffers:
            self.register_buffer(key, value)
        else:
            object.__setattr__(self, key, value)

    def _registries(self):
        """The three registries: parameters, buffers and child modules."""
        return self._parameters, self._buffers, self._modules

    def _store_entry(self, registry, key, value):
        """Put `value` under `key` in `registry` and in the instance's `__dict__` (class properties still win)."""
        registry[key] = value
        self.__dict__[key] = value

    def __copy__(self):
        """A shallow copy with registries of its own (the tensors and child modules in them are shared)."""
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        for registry in ("_parameters", "_buffers", "_modules", "_forward_pre_hooks"):
            clone.__dict__[registry] = copy.copy(self.__dict__[registry])
        return clone

    def __delattr__(self, key):
        for registry in self._registries():
            if key in registry:
                del registry[key]
                del self.__dict__[key]
                return
        object.__delattr__(self, key)

    def _claim_name(self, key, kind, registry):
        """Check `key` for a new entry of `registry` and drop it from the other registries."""
        if not isinstance(key, str) or not key or "." in key:
            raise KeyError(f"{type(self).__name__}: {kind} name must be a non-empty string without '.', got {key!r}")
        registered = any(key in entries for entries in self._registries())
        if (key in self.__dict__ and not registered) or any(key in vars(cls) for cls in type(self).__mro__):
            raise KeyError(f"{type(self).__name__}: attribute {key!r} already exists and is not a {kind}")
        for other in self._registries():
            if other is not registry:
                other.pop(key, None)

    def register_parameter(self, key, param):
        """Register `param` (a Parameter, or None) under `key`."""
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"register_parameter: {key!r} must be an nn.Parameter or None, got {type(param).__name__}")
        self._claim_name(key, "parameter", self._parameters)
        self._store_entry(self._parameters, key, param)
        if param is not None:
            param.name = _join(self._path, key)

    def register_buffer(self, key, tensor):
        """Register a state tensor that is saved in the state dict but not learned (e.g. `running_mean`).

        `tensor` is a Tensor (its `role` becomes "buffer") or None (then it is left out of the state dict).
        """
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"register_buffer: {key!r} must be a Tensor or None, got {type(tensor).__name__}")
        if tensor is not None and tensor.requires_grad:
            raise ValueError(f"register_buffer: buffer {key!r} must not require grad")
        self._claim_name(key, "buffer", self._buffers)
        self._store_entry(self._buffers, key, tensor)
        if tensor is not None:
            tensor.role = "buffer"
            tensor.name = _join(self._path, key)

    def add_module(self, key, module):
        """Register `module` (or None) as a child under `key`."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module: {key!r} must be an nn.Module or None, got {type(module).__name__}")
        if module is not None and any(descendant is self for descendant in module.modules()):
            raise ValueError(f"add_module: {key!r} would make {type(self).__name__} its own descendant "
                             "(child modules cannot form a cycle)")
        self._claim_name(key, "child module", self._modules)
        self._store_entry(self._modules, key, module)
        if module is not None:
            object.__setattr__(module, "_is_child", True)
            module._rename(_join(self._path, key), f"{self._scope_path}.{key}")

    # -- traversal ------------------------------------------------------------------------
    def named_modules(self, prefix="", remove_duplicate=True):
        """(dotted name, module) for this module and every descendant, depth first.

        A module registered in several places comes once, under its first name, or (with
        remove_duplicate=False, as state_dict() walks) under each of its names, as in PyTorch.
        """
        seen, stack = set(), [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if remove_duplicate:
                if id(module) in seen:
                    continue
                seen.add(id(module))
            yield name, module
            children = [(_join(name, key), child) for key, child in module._modules.items() if child is not None]
            stack.extend(reversed(children))

    def modules(self):
        """This module and every descendant."""
        for _, module in self.named_modules():
            yield module

    def named_children(self):
        """(name, module) for the direct children."""
        for key, child in self._modules.items():
            if child is not None:
                yield key, child

    def children(self):
        """The direct child modules (one generator over the registry: Sequential's forward walks it every call)."""
        return (child for child in self._modules.values() if child is not None)

    def _named_members(self, registry, recurse):
        seen = set()
        modules = self.named_modules() if recurse else [("", self)]
        for module_name, module in modules:
            for key, tensor in getattr(module, registry).items():
                if tensor is None or id(tensor) in seen:
                    continue
                seen.add(id(tensor))
                yield _join(module_name, key), tensor

    def named_parameters(self, recurse=True):
        """(dotted name, Parameter) for every parameter, shared ones once."""
        return self._named_members("_parameters", recurse)

    def parameters(self, recurse=True):
        """Every Parameter (the iterable an optimizer takes)."""
        for _, param in self.named_parameters(recurse):
            yield param

    def named_buffers(self, recurse=True):
        """(dotted name, buffer) for every buffer that is not None."""
        return self._named_members("_buffers", recurse)

    def buffers(self, recurse=True):
        """Every buffer tensor."""
        for _, buffer in self.named_buffers(recurse):
            yield buffer

    # -- modes and gradients ---------------------------------------------------------------
    def train(self, mode=True):
        """Set training mode (True) or evaluation mode (False) here and in every descendant."""
        if not isinstance(mode, bool):
            raise TypeError(f"train: mode must be a bool, got {type(mode).__name__}")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self):
        """Evaluation mode: Dropout is the identity, BatchNorm uses its running statistics."""
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        """Set `requires_grad` of every parameter (False freezes them, e.g. for fine-tuning); returns self."""
        if not isinstance(requires_grad, bool):
            raise TypeError(f"requires_grad_: requires_grad must be a bool, got {type(requires_grad).__name__}")
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def apply(self, fn):
        """Call `fn(module)` on every descendant, children before their parent, then on self (as PyTorch: a module
        registered under two parents is visited for each); returns self. E.g. `net.apply(init_weights)`."""
        if not callable(fn):
            raise TypeError(f"apply: fn must be callable, got {type(fn).__name__}")
        for child in dict.fromkeys(self.children()):
            child.apply(fn)
        fn(self)
        return self

    def zero_grad(self, set_to_none=True):
        """Reset every parameter's gradient: to None by default (as PyTorch 2), or to zeros in place
        (`autograd.zero_grads`)."""
        zero_grads(self.parameters(), set_to_none)

    # -- dtype ----------------------------------------------------------------------------
    def to(self, dtype):
        """Cast every floating-point parameter and buffer (and gradient) to `dtype` in place; returns self.

        The Parameter objects stay the same, so an optimizer that holds them keeps working.
        """
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"to: dtype must be a floating-point dtype, got {dtype}")
        for tensor in [*self.parameters(), *self.buffers()]:
            if tensor.dtype.kind == "f":
                tensor.data = tensor.data.astype(dtype)
                if tensor.grad is not None:
                    tensor.grad = tensor.grad.astype(dtype)
        return self

    def float(self):
        """Cast to float32."""
        return self.to(np.float32)

    def double(self):
        """Cast to float64."""
        return self.to(np.float64)

    # -- state dict ---------------------------------------------------------------------------
    def _state_tensors(self):
        """{state-dict key: tensor} for every parameter and buffer that is not None, in PyTorch's order.

        As in PyTorch, a module or tensor registered under several names has a key for each.
        """
        return {_join(module_name, key): tensor
                for module_name, module in self.named_modules(remove_duplicate=False)
                for key, tensor in {**module._parameters, **module._buffers}.items() if tensor is not None}

    def state_dict(self):
        """A snapshot {dotted name: ndarray copy} of every parameter and buffer, with PyTorch's keys.

        Unlike PyTorch the arrays are copies, so a saved state dict does not change as training goes on.
        """
        return {key: tensor.data.copy() for key, tensor in self._state_tensors().items()}

    def load_state_dict(self, state_dict, strict=True):
        """Copy arrays from `state_dict` into the parameters and buffers with the same names.

        Values may be ndarrays, Tensors or anything NumPy can read (e.g. PyTorch tensors).
        Keys are copied in the model's order, so of two keys naming one shared tensor the
        later one is the value it keeps, as in PyTorch.
        A wrong shape, a non-numeric value, and (with strict=True) a missing or unexpected
        key raise before anything is changed. Returns (missing_keys, unexpected_keys).
        """
        if not isinstance(state_dict, dict):
            raise TypeError(f"load_state_dict: expected a dict, got {type(state_dict).__name__}")
        own = self._state_tensors()
        missing = [key for key in own if key not in state_dict]
        unexpected = [key for key in state_dict if key not in own]
        problems = []
        if strict and missing:
            problems.append(f"missing keys {missing}")
        if strict and unexpected:
            problems.append(f"unexpected keys {unexpected}")
        arrays = {}
        for key in [key for key in own if key in state_dict]:
            value = state_dict[key]
            array = np.asarray(value.data if isinstance(value, Tensor) else value)
            if array.dtype.kind not in "biuf":
                problems.append(f"{key!r} is not numeric (dtype {array.dtype})")
            elif array.shape != own[key].shape:
                problems.append(f"{key!r} has shape {array.shape} in the state dict but {own[key].shape} in the model")
            else:
                arrays[key] = array
        if problems:
            raise RuntimeError(f"load_state_dict into {type(self).__name__}: " + "; ".join(problems)
                               + " (nothing was loaded)")
        for key, array in arrays.items():
            own[key].copy_(array.astype(own[key].dtype))
        return IncompatibleKeys(missing, unexpected)

    # -- repr ------------------------------------------------------------------------------
    def extra_repr(self):
        """The part inside the parentheses of this module's repr line; subclasses override it."""
        return ""

    def __repr__(self):
        children = [f"({key}): " + repr(child).replace("\n", "\n  ") for key, child in self.named_children()]
        extra = self.extra_repr()
        if not children:
            return f"{type(self).__name__}({extra})"
        lines = ([extra] if extra else []) + children
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"
