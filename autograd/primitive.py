"""A primitive op: a forward on arrays and one vector-Jacobian product per input.

A primitive called with plain arrays just computes (this is how VJPs run in an ordinary
backward); called with at least one Tensor it returns a Tensor that remembers the op,
its inputs and its parameters (this is how VJPs build a graph under create_graph=True).
"""
import functools
import math

import numpy as np
from numpy import ndarray  # read per op: a global is cached, np.<name> is not (NumPy has a module __getattr__)

from . import anomaly
from .grad_mode import _local
from .tensor import _EMPTY, Tensor, shapes_text

_make_tensor = Tensor._make  # read once: CPython 3.11 does not cache a classmethod read from its class


class Primitive:
    """An op with `forward(*arrays, **params)` and `vjps[i](grad_out, ans, *inputs, **params)`."""

    __slots__ = ("name", "forward", "vjps")

    def __init__(self, name, forward, *vjps):
        self.name = name
        self.forward = forward
        self.vjps = vjps

    def __repr__(self):
        return f"<primitive {self.name}>"

    def __call__(self, *args, **params):
        for arg in args:
            if isinstance(arg, Tensor):
                return self.apply(args, params)
        return self.forward(*args, **params)

    def apply(self, args, params):
        """Run the forward on Tensors and record the op when grad is needed."""
        inputs = as_tensors(args)
        arrays = []  # a loop, as in Primitive.vjp
        for tensor in inputs:
            arrays.append(tensor.data)
        try:
            out = self.forward(*arrays, **params)
        except (ValueError, IndexError, TypeError) as exc:
            reason = str(exc).removeprefix(f"{self.name}: ")  # NumPy may name the op already
            raise _renamed(exc, f"{self.name}: {reason} (input shapes {shapes_text(arrays)})") from None
        out = out if type(out) is ndarray else np.asarray(out)
        if len(arrays) > 1:
            check_dtypes(self.name, arrays, out)
        return make_result(self, inputs, params, out)

    def vjp(self, grad_out, ans, inputs, params, needs_grad, create_graph):
        """Gradients for each input (None where `needs_grad` is False)."""
        vjps = self.vjps
        grads = []  # a loop: a comprehension is a call per node (CPython <= 3.11)
        for i, needed in enumerate(needs_grad):
            grads.append(vjps[i](grad_out, ans, *inputs, **params) if needed else None)
        return grads


class VariadicPrimitive(Primitive):
    """A primitive over any number of inputs, whose one VJP takes the input's position."""

    __slots__ = ()

    def vjp(self, grad_out, ans, inputs, params, needs_grad, create_graph):
        vjp = self.vjps[0]
        grads = []  # a loop, as in Primitive.vjp
        for i, needed in enumerate(needs_grad):
            grads.append(vjp(i, grad_out, ans, *inputs, **params) if needed else None)
        return grads


def make_result(op, inputs, params, out):
    """The output Tensor of `op`; it records the op, its inputs and their versions when grad is needed."""
    state = _local.state  # one read of the thread-local object, then plain reads of its fields
    if state.anomaly:
        anomaly.check_forward(op.name, inputs, out)
    result = _make_tensor(out)
    if state.grad_enabled:
        for tensor in inputs:
            if tensor._requires_grad:
                result._requires_grad = True
                result._op = op
                result._parents = inputs
                result._params = params or _EMPTY  # one shared empty dict
                result._scope = state.scope
                versions = []  # a loop, as in Primitive.vjp
                for t in inputs:
                    versions.append(t._version)
                # inputs never modified in place (the usual case) share one tuple of zeros: an object fewer per op
                # for the garbage collector to count and scan
                result._saved_versions = tuple(versions) if any(versions) else _zero_versions(len(versions))
                if state.anomaly:
                    result._trace = anomaly.user_frame()
                break
    return result


@functools.lru_cache(maxsize=None)
def _zero_versions(count):
    """The tuple of `count` zeros, the saved versions of every op whose inputs were never modified in place."""
    return (0,) * count


def _renamed(exc, message):
    """An error of `exc`'s type with `message`; of its built-in base (TypeError, ValueError or IndexError) when
    that type is made from other arguments than a message (NumPy's ufunc errors are made from their operands)."""
    try:
        return type(exc)(message)
    except TypeError:
        return next(base for base in type(exc).__mro__ if base in (TypeError, ValueError, IndexError))(message)


def check_dtypes(name, arrays, out):
    """Refuse ops whose floating inputs would be silently cast to another float type."""
    out_dtype = out.dtype
    for array in arrays:
        dtype = array.dtype
        if dtype is not out_dtype and dtype.kind == "f" and dtype != out_dtype:
            dtypes = ", ".join(str(a.dtype) for a in arrays)
            raise TypeError(f"{name}: inputs of dtypes {dtypes} (shapes {shapes_text(arrays)}) would be computed in {out.dtype}, "
                            "silently changing the precision of the float input; cast one with .astype(...) first")


def as_tensors(args):
    """Tensors for op inputs; Python numbers become shared constants of the tensors' dtype (NEP 50)."""
    for arg in args:
        if not isinstance(arg, Tensor):
            break
    else:  # the common case: nothing to convert
        return tuple(args)
    arrays = [a.data for a in args if isinstance(a, Tensor)]
    return tuple([a if isinstance(a, Tensor) else _operand_tensor(a, arrays) for a in args])


def _operand_tensor(value, arrays):
    """A non-Tensor operand as a leaf Tensor; a number takes the tensors' float dtype if they share one.

    A NumPy scalar counts as the Python number it holds, as PyTorch's scalars do (np.float64 is a Python
    float, np.float32 is not: both are numbers to a user).
    """
    if isinstance(value, (np.number, np.bool_)):
        value = value.item()
    if not isinstance(value, (int, float, bool)):
        return Tensor._make(numeric_array(value))
    dtype = arrays[0].dtype
    for array in arrays:
        if array.dtype is not dtype or dtype.kind != "f":
            dtype = np.result_type(value, *arrays)
            break
    return _shared_constant(value, dtype, math.copysign(1.0, value) if isinstance(value, float) else 0.0)


# A loop over ever new numbers (a decaying rate, say) evicts the least recently used constants.
@functools.lru_cache(maxsize=4096)
def _shared_constant(value, dtype, sign):
    """The read-only 0-d Tensor of `value` in `dtype` that every op using that number shares (role "constant").

    A graph of n ops then holds about n objects fewer for Python's garbage collector to scan in
    each full collection (what makes a long graph cost more per op). `sign` keeps -0.0 apart from
    0.0, which compare equal. The array cannot be written and the Tensor cannot require grad;
    assigning its `.data` or `.name` would change every later op, so leave them be.
    """
    array = np.asarray(value, dtype=dtype)
    array.flags.writeable = False
    constant = Tensor._make(array)
    constant.role = "constant"
    return constant


def numeric_array(value):
    """`value` as an ndarray; TypeError unless its dtype is bool, integer or float."""
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"expected numeric data, got {type(value).__name__} with dtype {array.dtype}")
    return array
