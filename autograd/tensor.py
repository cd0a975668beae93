"""The Tensor: a NumPy array, an optional gradient, and the op that made it."""
from operator import attrgetter

import numpy as np

from .grad_mode import _local


_NUMERIC_KINDS = "biuf"
_EMPTY = {}


def _check_numeric(array, requires_grad, where="Tensor"):
    if array.dtype.kind not in _NUMERIC_KINDS:
        raise TypeError(f"{where}: data must be numeric (bool, int or float), got dtype {array.dtype}")
    if requires_grad and array.dtype.kind != "f":
        raise TypeError(
            f"{where}: only floating-point tensors can require grad, got dtype {array.dtype}; "
            "pass dtype=float or use float data"
        )


class Tensor:
    """An n-dimensional array that can record the ops applied to it.

    `data` is a `numpy.ndarray` (0-d for scalars), float64 for Python floats;
    `grad` is None or an ndarray of the same shape and dtype, filled by `backward()`.
    Tensors hash by identity, although `==` compares elementwise.
    """

    __slots__ = ("data", "grad", "_requires_grad", "_name", "role", "_op", "_parents", "_params",
                 "_scope", "_freed", "_version", "_modified_by", "_saved_versions", "_trace", "_retains_grad",
                 "__weakref__")
    __array_ufunc__ = None  # NumPy operands on the left defer to Tensor's reflected operators
    __hash__ = object.__hash__

    def __init__(self, data, requires_grad=False, dtype=None, name=None):
        if isinstance(data, Tensor):
            data = data.data
        try:
            array = np.array(data, dtype=dtype)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"Tensor: cannot make numeric data from {type(data).__name__}: {exc}") from None
        _check_numeric(array, requires_grad)
        self._init(array, requires_grad)
        self.name = name

    def _init(self, array, requires_grad):
        self.data = array
        self.grad = None
        self._requires_grad = requires_grad
        self._name = None
        self.role = None  # "parameter"/"buffer" when a module owns it, "constant" for a shared number (drawing)
        self._op = None
        self._parents = ()
        self._params = _EMPTY
        self._scope = ()
        self._freed = False
        self._version = 0
        self._modified_by = None
        self._saved_versions = ()
        self._trace = None
        self._retains_grad = False

    @classmethod
    def _make(cls, array, requires_grad=False):
        """Wrap an ndarray without copying or checking (for ops and factories)."""
        tensor = cls.__new__(cls)
        tensor._init(array, requires_grad)
        return tensor

    # -- properties ---------------------------------------------------------
    @property
    def name(self):
        """An optional label (a str) that errors and graph drawings show; modules name their parameters."""
        return self._name

    @name.setter
    def name(self, value):
        if value is not None and not isinstance(value, str):
            raise TypeError(f"Tensor: name must be a str or None, got {type(value).__name__}")
        self._name = value

    @property
    def requires_grad(self):
        """Whether gradients flow to this tensor."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        if self._op is not None and not value:
            raise RuntimeError(f"requires_grad: cannot turn it off on a non-leaf tensor made by {self.op}; use detach()")
        if value and self.role == "constant":
            raise RuntimeError(f"requires_grad: this is the constant {self.data.item()!r} that every op using "
                               "that number shares; make a tensor of your own, e.g. tensor(value, requires_grad=True)")
        _check_numeric(self.data, value, "requires_grad")
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad=True):
        """Set `requires_grad` in place and return self."""
        self.requires_grad = requires_grad
        return self

    # the array's own attributes, read through attrgetter (C) because ops and checks read them all the time
    shape = property(attrgetter("data.shape"), doc="The shape tuple.")
    ndim = property(attrgetter("data.ndim"), doc="The number of axes.")
    size = property(attrgetter("data.size"), doc="The number of elements.")
    dtype = property(attrgetter("data.dtype"), doc="The NumPy dtype.")
    is_leaf = property(lambda self: self._op is None, doc="True unless an op made this tensor.")
    op = property(lambda self: None if self._op is None else self._op.name,
                  doc="Name of the op that made this tensor, None for leaves.")
    scope = property(attrgetter("_scope"), doc="Module scopes the op ran in, outermost first.")
    parents = property(attrgetter("_parents"), doc="The op's input tensors (empty for leaves).")

    @property
    def T(self):
        """The transpose (axes reversed)."""
        return ops.transpose(self)

    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self.data.size != 1:
            raise ValueError(f"item: only one-element tensors can be converted, got shape {self.shape}")
        return self.data.item()

    def numpy(self):
        """The underlying ndarray (shared, not copied)."""
        return self.data

    def __array__(self, dtype=None, copy=None):
        """NumPy sees the data (so `np.asarray(t)` and plotting work)."""
        return self.data if dtype is None else self.data.astype(dtype, copy=False)

    def tolist(self):
        """The data as nested Python lists."""
        return self.data.tolist()

    def retain_grad(self):
        """Keep this non-leaf tensor's gradient in `.grad` at the next backward (leaves always do)."""
        self._retains_grad = self._op is not None
        return self

    def detach(self):
        """A new leaf sharing this tensor's data, outside the graph.

        It does not share the version count (as PyTorch's `.data`, unlike its `detach()`): an in-place change
        through it is not seen by the backward of a graph that used this tensor.
        """
        return Tensor._make(self.data)

    @property
    def version(self):
        """How many in-place changes this tensor's data has seen (through the library)."""
        return self._version

    def mark_modified(self, by):
        """Record an in-place change of `.data` made by `by` (e.g. "Adam.step").

        Backward refuses to use a tensor changed after an op saved it.
        """
        self._version += 1
        self._modified_by = by

    def _check_in_place(self, where):
        """Refuse an in-place change of a tensor that an op made: the graph would still describe its old value, and
        the gradients through it would be wrong."""
        if self._op is not None:
            raise RuntimeError(f"{where}: this tensor (shape {self.shape}) was made by op {self.op} and is part of a "
                               "graph, so changing it in place would make the gradients through it wrong; compute a "
                               "new tensor instead (e.g. y = y * 0), or change the leaf it came from")

    def zero_(self):
        """Fill with zeros in place (a leaf only: see `copy_`)."""
        self._check_in_place("zero_")
        self.data[...] = 0
        self.mark_modified("zero_")
        return self

    def copy_(self, source):
        """Copy `source` (broadcast) into this tensor's data in place.

        Only a leaf may be changed in place; a tensor that an op made (and a view of a tensor that requires grad,
        such as `x[:2]` or `x.reshape(...)`) is refused, since its graph would no longer describe it.
        """
        self._check_in_place("copy_")
        np.copyto(self.data, source.data if isinstance(source, Tensor) else source, casting="same_kind")
        self.mark_modified("copy_")
        return self

    def backward(self, grad=None, retain_graph=False, create_graph=False):
        """Accumulate d(self)/d(leaf), times `grad`, into every leaf's `.grad`.

        `grad` defaults to 1 for a one-element tensor. The graph may be walked once;
        `retain_graph=True` allows walking it again (gradients then accumulate).
        """
        engine.backward(self, grad, retain_graph=retain_graph, create_graph=create_graph)

    def __repr__(self):
        body = np.array2string(self.data, separator=", ", prefix="tensor(")
        extras = []
        if self.data.dtype != np.float64:
            extras.append(f"dtype={self.data.dtype}")
        if self._op is not None:
            extras.append(f"op={self._op.name}")
        elif self._requires_grad:
            extras.append("requires_grad=True")
        if self.name:
            extras.append(f"name={self.name!r}")
        return "tensor(" + ", ".join([body] + extras) + ")"

    def __format__(self, spec):
        """A 0-d tensor formats as its number (`f"{loss:.4f}"`, `f"{loss}"`), as in PyTorch; any other has no format
        spec but the empty one (its repr)."""
        if self.data.ndim == 0:
            return format(self.data.item(), spec)
        if spec:
            raise TypeError(f"format: a tensor of shape {self.shape} takes no format spec ({spec!r}); only a 0-d one "
                            "does (format loss.item(), or index one value first)")
        return repr(self)

    def __len__(self):
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def __iter__(self):
        for index in range(len(self)):
            yield self[index]

    def __bool__(self):
        return bool(self.data)

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    # -- arithmetic: one op each, with reflected forms ----------------------
    def __add__(self, other): return ops.add(self, other)
    def __radd__(self, other): return ops.add(other, self)
    def __sub__(self, other): return ops.subtract(self, other)
    def __rsub__(self, other): return ops.subtract(other, self)
    def __mul__(self, other): return ops.multiply(self, other)
    def __rmul__(self, other): return ops.multiply(other, self)
    def __truediv__(self, other): return ops.divide(self, other)
    def __rtruediv__(self, other): return ops.divide(other, self)
    def __pow__(self, other): return ops.power(self, other)
    def __rpow__(self, other): return ops.power(other, self)
    def __matmul__(self, other): return ops.matmul(self, other)
    def __rmatmul__(self, other): return ops.matmul(other, self)
    def __neg__(self): return ops.negative(self)
    def __pos__(self): return self
    def __abs__(self): return ops.abs(self)
    def __getitem__(self, index): return ops.getitem(self, index=_plain_index(index))

    # -- in-place arithmetic: `p -= lr * p.grad` moves a parameter, as in PyTorch ------
    def __iadd__(self, other): return self._in_place(np.add, ops.add, other, "+=")
    def __isub__(self, other): return self._in_place(np.subtract, ops.subtract, other, "-=")
    def __imul__(self, other): return self._in_place(np.multiply, ops.multiply, other, "*=")
    def __itruediv__(self, other): return self._in_place(np.divide, ops.divide, other, "/=")
    def __ipow__(self, other): return self._in_place(np.power, ops.power, other, "**=")

    def _in_place(self, ufunc, op, other, symbol):
        """`self <symbol> other`, keeping self's shape and dtype (as PyTorch).

        A leaf's data changes in place; its version moves, so a graph that used the old values refuses its
        backward. A leaf that requires grad cannot change while grad is recorded (as in PyTorch): update it
        under `no_grad()`. Where the result needs a graph (on a tensor an op made, as `loss += penalty`, or with
        an operand that requires grad), it is a new tensor, the op's result: changing the tensor in place would
        leave its graph describing the old value (PyTorch changes it in place and rewrites the graph, so another
        reference to the old tensor sees the difference).
        """
        recording, made_by_op = _local.state.grad_enabled, self._op is not None
        if recording and self._requires_grad and not made_by_op:
            raise RuntimeError(f"{symbol}: a leaf tensor that requires grad (shape {self.shape}) cannot change in place "
                               "while the graph is recorded; update it inside `with no_grad():`, as an optimizer does")
        operand = other.data if isinstance(other, Tensor) else other
        if made_by_op or (recording and isinstance(other, Tensor) and other._requires_grad):
            result = op(self, other)
            if result.shape != self.shape or result.dtype != self.dtype:
                kind = ValueError if result.shape != self.shape else TypeError
                raise _in_place_error(symbol, self, other, operand,
                                      f"the result would have shape {result.shape} and dtype {result.dtype}", kind)
            return result
        try:
            ufunc(self.data, operand, out=self.data, casting="same_kind")
        except (TypeError, ValueError) as exc:  # NumPy's casting and broadcasting errors
            kind = TypeError if isinstance(exc, TypeError) else ValueError
            raise _in_place_error(symbol, self, other, operand, exc, kind) from None
        self.mark_modified(symbol)
        return self

    # -- comparisons and logic: tensors that carry no grad ------------------
    def __eq__(self, other): return _constant(np.equal, self, other)
    def __ne__(self, other): return _constant(np.not_equal, self, other)
    def __lt__(self, other): return _constant(np.less, self, other)
    def __le__(self, other): return _constant(np.less_equal, self, other)
    def __gt__(self, other): return _constant(np.greater, self, other)
    def __ge__(self, other): return _constant(np.greater_equal, self, other)
    def __and__(self, other): return _constant(np.logical_and, self, other)
    def __or__(self, other): return _constant(np.logical_or, self, other)
    def __invert__(self): return _constant(np.logical_not, self)

    # -- methods with NumPy's names ----------------------------------------
    def exp(self): return ops.exp(self)
    def log(self): return ops.log(self)
    def sqrt(self): return ops.sqrt(self)
    def tanh(self): return ops.tanh(self)
    def sigmoid(self): return ops.sigmoid(self)
    def relu(self): return ops.relu(self)
    def abs(self): return ops.abs(self)

    def clip(self, min=None, max=None):
        """Limit values to [min, max]; the gradient passes where min <= x <= max."""
        return ops.clip(self, lower=min, upper=max)

    def sum(self, axis=None, keepdims=False): return ops.sum(self, axis=_axis(axis), keepdims=keepdims)
    def mean(self, axis=None, keepdims=False): return ops.mean(self, axis=_axis(axis), keepdims=keepdims)
    def max(self, axis=None, keepdims=False): return ops.max(self, axis=_axis(axis), keepdims=keepdims)
    def min(self, axis=None, keepdims=False): return ops.min(self, axis=_axis(axis), keepdims=keepdims)

    def var(self, axis=None, keepdims=False, ddof=0):
        """Variance; ddof=0 is the biased (population) variance, as NumPy."""
        return ops.var(self, axis=_axis(axis), keepdims=keepdims, ddof=ddof)

    def std(self, axis=None, keepdims=False, ddof=0):
        """Standard deviation, sqrt(var); its gradient is 0 where it is 0 (as PyTorch's)."""
        return ops.std(self, axis=_axis(axis), keepdims=keepdims, ddof=ddof)

    def logsumexp(self, axis=None, keepdims=False):
        """log(sum(exp(x))), computed stably."""
        return ops.logsumexp(self, axis=_axis(axis), keepdims=keepdims)

    def reshape(self, *shape): return ops.reshape(self, shape=_shape(shape))
    def flatten(self): return ops.reshape(self, shape=(-1,))
    def transpose(self, *axes): return ops.transpose(self, axes=_shape(axes) if axes else None)
    def swapaxes(self, axis1, axis2): return ops.swapaxes(self, axis1=axis1, axis2=axis2)
    def expand_dims(self, axis): return ops.expand_dims(self, axis=_axis(axis))
    def squeeze(self, axis=None): return ops.squeeze(self, axis=_axis(axis))
    def broadcast_to(self, shape): return ops.broadcast_to(self, shape=_shape((shape,)))

    def astype(self, dtype):
        """A copy cast to `dtype`. Only a floating-point result stays on the graph: an integer or bool tensor
        carries no gradient (as in PyTorch), so such a cast gives a constant."""
        dtype = np.dtype(dtype)
        return ops.astype(self, dtype=dtype) if dtype.kind == "f" else Tensor._make(self.data.astype(dtype))


def _in_place_error(symbol, tensor, other, operand, reason, kind):
    """The error of an in-place update `tensor <symbol> other` that cannot keep the tensor's shape and dtype."""
    return kind(f"{symbol}: cannot update a tensor of shape {tensor.shape} and dtype {tensor.dtype} in place with "
                f"{type(other).__name__} of shape {np.shape(operand)}: {reason}")


def zero_grads(tensors, set_to_none=True):
    """Forget the gradients of `tensors` (what `Module.zero_grad` and `Optimizer.zero_grad` do): set each `.grad`
    to None, or with set_to_none=False fill it with zeros in place, as PyTorch's (a kept reference sees the zeros;
    a NumPy scalar, which cannot change, becomes a zero array of its dtype)."""
    for tensor in tensors:
        grad = tensor.grad
        if grad is None:
            continue
        if set_to_none:
            tensor.grad = None
        elif isinstance(grad, np.ndarray):
            grad[...] = 0
        else:
            tensor.grad = np.zeros_like(grad)


def _shape(args):
    """Accept `f(2, 3)` and `f((2, 3))` alike."""
    if len(args) == 1 and not isinstance(args[0], (int, np.integer)):
        return tuple(int(n) for n in args[0])
    return tuple(int(n) for n in args)


def _axis(axis):
    if axis is None or isinstance(axis, (int, np.integer)):
        return axis
    return tuple(int(a) for a in axis)


def _plain_index(index):
    """An index with Tensors, lists and arrays replaced by ndarrays of their own, which the op keeps for its backward
    (a later change of the caller's array does not move the gradient)."""
    if isinstance(index, tuple):
        return tuple(_plain_index(part) for part in index)
    if isinstance(index, Tensor):
        index = index.data
    if isinstance(index, (list, np.ndarray)):
        return np.array(index)
    return index


def shapes_text(values):
    """'(3, 4), (4,)': the shapes of tensors or arrays, for error messages."""
    return ", ".join(str(value.shape) for value in values)


def _constant(function, *args):
    return Tensor._make(function(*(a.data if isinstance(a, Tensor) else a for a in args)))


from . import engine, ops  # noqa: E402  (both build Tensors; Tensor's methods call them)
