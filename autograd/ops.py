"""The derivative table: every primitive op, its forward, and its VJP per input.

Each VJP maps the output gradient `g` (and the output `ans` and the inputs) to the
gradient of one input. VJPs are written with the primitives themselves, so the same
body runs on arrays in an ordinary backward and on Tensors under create_graph=True.
"""
import functools
import math

import numpy as np
from numpy import asarray, dot, ndarray  # read per op: a global is cached, np.<name> is not (NumPy has a module __getattr__)

from .primitive import Primitive, VariadicPrimitive
from .tensor import Tensor


# -- helpers shared by the VJPs ----------------------------------------------

def unbroadcast(grad, shape):
    """Sum `grad` over the axes that broadcasting added or stretched, back to `shape`."""
    if grad.shape == shape:
        return grad
    leading = grad.ndim - len(shape)
    stretched = tuple(leading + i for i, n in enumerate(shape) if n == 1 and grad.shape[leading + i] != 1)
    summed = sum(grad, axis=tuple(range(leading)) + stretched)
    return reshape(summed, shape=shape) if stretched else summed


def product(a, b):
    """a @ b. Two arrays of one or two axes go through np.dot, which makes np.matmul's BLAS call without
    its ufunc machinery (0.2-0.8 us less a call at teaching sizes); Tensors (a VJP under create_graph),
    stacks of matrices and 0-d operands (which @ refuses) go through @."""
    if type(a) is ndarray and type(b) is ndarray and 0 < a.ndim <= 2 and 0 < b.ndim <= 2:
        return dot(a, b)
    return a @ b


def cached_read_only(make):
    """Decorator: the arrays that `make` returns, made once per arguments (up to 64 kept) and read-only, since
    every caller then shares them."""
    def read_only(*args):
        array = make(*args)
        array.flags.writeable = False
        return array
    return functools.lru_cache(maxsize=64)(functools.wraps(make)(read_only))


def column_sums(matrix):
    """sum_i matrix[i] of an (N, K) array or Tensor, as the product ones(N) @ matrix.

    BLAS takes about a third of the time of NumPy's reduction over the first axis at teaching
    sizes (the sums are equal up to rounding); on a Tensor it is a recorded matmul.
    """
    return product(_filled(matrix.shape[0], 1, matrix.dtype), matrix)


def column_means(matrix):
    """1/N sum_i matrix[i] of an (N, K) array or Tensor, as the product (1/N, ..., 1/N) @ matrix."""
    return product(_filled(matrix.shape[0], 1 / matrix.shape[0], matrix.dtype), matrix)


def row_sums(matrix):
    """sum_j matrix[:, j] of an (N, K) array, as the product matrix @ ones(K).

    Equal to NumPy's reduction over the last axis up to rounding; NumPy runs its loop once per
    row, which BLAS beats at every shape measured (128x10 float32: 2.7 -> 0.8 us; 100000x32: 1.8 ->
    0.2 ms).
    """
    return product(matrix, _filled(matrix.shape[1], 1, matrix.dtype))


@cached_read_only
def _filled(length, value, dtype):
    """A read-only vector of `length` copies of `value`, made once per length, value and dtype."""
    return np.full(length, value, dtype)


def _kept_shape(shape, axis):
    """The shape of a reduction over `axis` with keepdims=True."""
    if axis is None:
        return (1,) * len(shape)
    axes = {_axis_index(a, len(shape)) for a in (axis if isinstance(axis, tuple) else (axis,))}
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def _axis_index(axis, ndim):
    """`axis` (possibly negative) as a position among `ndim` axes; a 0-d array's axis 0 or -1 is its one value
    (NumPy's reductions accept them, as PyTorch's)."""
    return axis % ndim if ndim else 0


def _kept(g, shape, axis):
    """The gradient of a reduction over `axis` with the reduced axes kept as 1 (it broadcasts against the input)."""
    return reshape(g, shape=_kept_shape(shape, axis))


def _unreduce(grad, shape, axis):
    """Broadcast the gradient of a reduction over `axis` back to the input's `shape`."""
    return broadcast_to(_kept(grad, shape, axis), shape=shape)


def _sign(x):
    """sign(x) as a constant (its derivative is zero almost everywhere)."""
    return Tensor._make(np.sign(x.data)) if isinstance(x, Tensor) else np.sign(x)


def _count(x, ans):
    """How many input elements each output element of a reduction summarises."""
    return x.size // ans.size if ans.size else 0


def _per_degree_of_freedom(x, ans, ddof):
    """1 / (n - ddof) for a variance of n elements per output; inf when n <= ddof, where the forward (np.var,
    np.std) divides by max(n - ddof, 0) and gives inf or nan."""
    degrees = _count(x, ans) - ddof
    return 1 / degrees if degrees > 0 else math.inf


def _extremum_vjp(g, ans, x, axis=None, keepdims=False):
    # d max(x) / dx = 1 at the maxima, shared equally among ties (as PyTorch's amax)
    hits = astype(x == _unreduce(ans, x.shape, axis), dtype=x.dtype)
    return _kept(g, x.shape, axis) * hits / sum(hits, axis=axis, keepdims=True)


def _std_vjp(g, ans, x, axis=None, keepdims=False, ddof=0):
    # where the std is 0, both x - mean(x) and the divisor are masked (to 0 and 1), so that no 0 / 0 or inf
    # arises, not even in the graph of a create_graph backward
    std_kept = _kept(ans, x.shape, axis)
    zero = std_kept == 0
    centered = where(zero, 0, x - mean(x, axis=axis, keepdims=True))
    return _kept(g, x.shape, axis) * centered * _per_degree_of_freedom(x, ans, ddof) / where(zero, 1, std_kept)


def _stored_transposed(x):
    """Whether the matrix x is a transposed view (as `weight.T` in a linear layer)."""
    flags = (x.data if isinstance(x, Tensor) else x).flags
    return flags.f_contiguous and not flags.c_contiguous


def _matmul_vjp(argnum, g, ans, a, b):
    # d(a @ b) = da @ b + a @ db, with 1-D operands promoted to matrices and back
    if a.ndim == 2 and b.ndim == 2:  # plain matrices: no promotion or unbroadcasting
        # each gradient in its operand's layout, so that a weight's gradient never needs a transposing copy
        if argnum == 0:
            return (b @ g.T).T if _stored_transposed(a) else g @ b.T
        return (g.T @ a).T if _stored_transposed(b) else a.T @ g
    a2 = a if a.ndim > 1 else reshape(a, shape=(1, a.shape[0]))
    b2 = b if b.ndim > 1 else reshape(b, shape=(b.shape[0], 1))
    g2 = reshape(g, shape=np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2]) + (a2.shape[-2], b2.shape[-1]))
    if argnum == 0:
        return reshape(unbroadcast(g2 @ swapaxes(b2, axis1=-1, axis2=-2), a2.shape), shape=a.shape)
    return reshape(unbroadcast(swapaxes(a2, axis1=-1, axis2=-2) @ g2, b2.shape), shape=b.shape)


def _as_rows(array, width):
    """`array` (..., width) with every leading (batch) axis flattened into rows: (rows, width)."""
    return array if array.ndim == 2 else reshape(array, shape=(-1, width))


def _linear_weight_vjp(g, ans, x, w, b=None):
    # d(x W^T) / dW = g^T x, summed over every leading (batch) axis
    return product(_as_rows(g, w.shape[0]).T, _as_rows(x, w.shape[1]))


def _linear_bias_vjp(g, ans, x, w, b):
    # d(x W^T + b) / db = g summed over every leading (batch) axis
    return column_sums(_as_rows(g, w.shape[0]))


def _linear(x, w, b=None):
    out = product(x, w.T)
    # the bias is added in place; a dtype mismatch is cast here and then refused by the op's dtype check
    return out if b is None else np.add(out, b, out=out, casting="unsafe")


def _mean(x, axis=None, keepdims=False):
    if x.dtype not in (np.float32, np.float64):  # integers and float16: NumPy's wider accumulator
        return np.mean(x, axis=axis, keepdims=keepdims)
    total = np.add.reduce(x, axis, keepdims=keepdims)
    return total / _count(x, total)


# The row maxima of a 2-D array of at most this many columns and elements are taken over a transposed copy.
_SHORT_ROW = 32
_SMALL_ARRAY = 2**14


def _sum_kept(x, axis):
    """`np.add.reduce(x, axis, keepdims=True)` up to rounding; along the rows of a 2-D array by `row_sums`."""
    if x.ndim == 2 and axis in (1, -1):
        return row_sums(x)[:, None]
    return np.add.reduce(x, axis, keepdims=True)


def _max_kept(x, axis):
    """`np.maximum.reduce(x, axis, keepdims=True)`. Along the short rows of a small 2-D array it reduces a
    transposed copy over its first axis instead, whole rows at a time, which costs less than NumPy's loop
    once per row (128x10 float32: 7.4 -> 1.6 us); in larger arrays the copy costs more than it saves."""
    if x.ndim == 2 and axis in (1, -1) and x.shape[1] <= _SHORT_ROW and x.size <= _SMALL_ARRAY:
        return np.maximum.reduce(x.T.copy(), 0)[:, None]
    return np.maximum.reduce(x, axis, keepdims=True)


def _max_shift(x, axis):
    """The maximum along `axis` (kept), to subtract before exp so that it never overflows; 0 over an empty axis."""
    if x.size == 0:
        return np.zeros(_kept_shape(x.shape, axis), x.dtype)
    shift = _max_kept(x, axis)
    if shift.dtype.kind == "f" and np.count_nonzero(np.isfinite(shift)) == shift.size:
        return shift  # the common case, found at half the cost of np.where's copy
    return np.where(np.isfinite(shift), shift, 0)  # all -inf (or an inf) along the axis: no shift


def _logsumexp(x, axis=None, keepdims=False):
    shift = _max_shift(x, axis)
    out = np.log(_sum_kept(np.exp(x - shift), axis)) + shift
    if keepdims:
        return out
    return out.reshape(()) if axis is None else out.squeeze(axis)


def _rows(target):
    """The row indices that pair with `target`'s class indices: (0, t_0), (1, t_1), ..."""
    return _arange(len(target)), target


@cached_read_only
def _arange(length):
    """np.arange(length), read-only and made once per length (a cache hit costs a fifth of np.arange)."""
    return np.arange(length)


def _softmax_cross_entropy(x, target, reduction="none"):
    # logsumexp(x_i) - x_it = log sum_j exp(x_ij - m_i) - (x_it - m_i), m_i the row's maximum, in one buffer
    shifted = np.subtract(x, _max_shift(x, 1))
    picked = shifted[_rows(target)]
    exps = np.exp(shifted, out=shifted if shifted.dtype.kind == "f" else None)  # integer logits: new floats
    losses = np.log(row_sums(exps)) - picked
    if reduction == "none":
        return losses
    return _mean(losses) if reduction == "mean" else np.add.reduce(losses)


def _binary_cross_entropy_with_logits(x, t):
    # (1 - t) x + log(1 + e^-x), the log by np.logaddexp(0, -x), which takes log1p of the smaller term: exact
    # where the loss is tiny (t = 1, x large), and never overflowing
    return (1 - t) * x + np.logaddexp(0, -x)


def _onehot(target, logits):
    """A constant with 1 at (i, target_i) and 0 elsewhere, shaped and typed like `logits`."""
    onehot = np.zeros(logits.shape, dtype=logits.dtype)
    onehot[_rows(target)] = 1
    return onehot


def _softmax_cross_entropy_grad(g, x, target):
    """g_i (softmax(x_i) - onehot(t_i)) for each row i, in one buffer (g: one number per row, or one for all)."""
    grad = np.subtract(x, _max_shift(x, 1))
    np.exp(grad, out=grad)
    grad /= _sum_kept(grad, 1)
    grad[_rows(target)] -= 1
    grad *= g.reshape(-1, 1) if g.ndim else g  # one number for all rows: no reshape, no broadcasting
    return grad


def log_softmax(x, axis):
    """x - logsumexp(x) along `axis` for an array or Tensor, written with the primitives (so it can be
    differentiated again) as (x - m) - logsumexp(x - m): m, the maximum along `axis` (0 where it is not
    finite), is a constant, since the result does not move when x moves by m. Subtracting it first keeps
    a huge m from swallowing the result (x - logsumexp(x) gives 0 for [1e30, 1e30], not -log 2)."""
    shifted = x - _max_shift(x.data if isinstance(x, Tensor) else x, axis)
    return shifted - logsumexp(shifted, axis=axis, keepdims=True)


def _softmax(x):
    """softmax along axis 1, written with the primitives so that it can be differentiated again."""
    return exp(log_softmax(x, 1))


def _softmax_cross_entropy_grad_vjp_x(v, g, x):
    # v_i . d[g_i p_i] / dx_i = t_i - p_i sum(t_i) with t_i = v_i g_i p_i, grouped as the chain rule through
    # exp and logsumexp would (saturated logits then round as in PyTorch)
    p = _softmax(x)
    t = v * reshape(g, shape=(-1, 1)) * p
    return t - sum(t, axis=1, keepdims=True) * p


def _std(x, axis=None, keepdims=False, ddof=0):
    """np.std; floats narrower than float64 are accumulated in float64 (as PyTorch does on the CPU), so that a
    float32 std of values beyond 1e19, whose squares overflow, or below 1e-19, whose squares underflow, is finite."""
    if x.dtype.kind == "f" and x.dtype.itemsize < 8:
        return np.std(x, axis=axis, keepdims=keepdims, ddof=ddof, dtype=np.float64).astype(x.dtype)
    return np.std(x, axis=axis, keepdims=keepdims, ddof=ddof)


def _broadcast_to(x, shape):
    """x broadcast to `shape` as a new array (for small arrays NumPy's read-only view costs more to make)."""
    out = np.empty(shape, x.dtype)
    np.copyto(out, x)
    return out


def _sigmoid(x):
    return np.exp(-np.logaddexp(0, -x))


def _untake(g, index, shape):
    out = np.zeros(shape, dtype=g.dtype)
    if _has_array_index(index):
        np.add.at(out, index, g)  # repeated integer indices add up
    else:
        out[index] = g
    return out


def _has_array_index(index):
    parts = index if isinstance(index, tuple) else (index,)
    return any(isinstance(p, np.ndarray) and p.dtype.kind != "b" for p in parts)


def _concatenate_vjp(argnum, g, ans, *inputs, axis=0):
    """The slice of `g` that input `argnum` filled; with axis=None (inputs flattened) reshaped to the input's shape."""
    if axis is not None:
        axis = _axis_index(axis, ans.ndim)
    lengths = [x.size if axis is None else x.shape[axis] for x in inputs[:argnum + 1]]
    start = int(np.sum(lengths[:-1], dtype=int))
    filled = slice(start, start + lengths[-1])
    if axis is None:
        return reshape(getitem(g, index=filled), shape=inputs[argnum].shape)
    return getitem(g, index=(slice(None),) * axis + (filled,))


def _inverse_permutation(axes, ndim):
    """The axes that undo `x.transpose(axes)` for an x of `ndim` axes (`axes` may count from the end); None, which
    reverses the axes, is its own inverse."""
    if axes is None:
        return None
    return tuple(int(position) for position in np.argsort([_axis_index(axis, ndim) for axis in axes]))


def _where(condition, a, b):
    condition = asarray(condition)
    if condition.dtype != bool:  # as PyTorch: a float condition would also look differentiable
        raise TypeError(f"where: the condition must be boolean (e.g. x > 0), got dtype {condition.dtype}")
    return np.where(condition, a, b)


# -- the table ---------------------------------------------------------------
# name = Primitive("name", forward, vjp for input 0, vjp for input 1, ...)

# d(a + b) = da + db
add = Primitive("add", np.add,
                lambda g, ans, a, b: unbroadcast(g, a.shape),
                lambda g, ans, a, b: unbroadcast(g, b.shape))
# d(a - b) = da - db
subtract = Primitive("sub", np.subtract,
                     lambda g, ans, a, b: unbroadcast(g, a.shape),
                     lambda g, ans, a, b: unbroadcast(-g, b.shape))
# d(a * b) = b da + a db
multiply = Primitive("mul", np.multiply,
                     lambda g, ans, a, b: unbroadcast(g * b, a.shape),
                     lambda g, ans, a, b: unbroadcast(g * a, b.shape))
# d(a / b) = da / b - (a / b^2) db
divide = Primitive("div", np.divide,
                   lambda g, ans, a, b: unbroadcast(g / b, a.shape),
                   lambda g, ans, a, b: unbroadcast(-g * ans / b, b.shape))
# d(a^b) = b a^(b-1) da + a^b log(a) db   (0 where b == 0, resp. where a == 0 <= b, as PyTorch)
power = Primitive("pow", np.power,
                  lambda g, ans, a, b: unbroadcast(where(b == 0, 0, g * b * a ** (b - 1)), a.shape),
                  lambda g, ans, a, b: unbroadcast(g * ans * log(where((a == 0) & (b >= 0), 1, a)), b.shape))
# d(-a) = -da
negative = Primitive("neg", np.negative, lambda g, ans, a: -g)
# d(a @ b) = da @ b + a @ db
matmul = VariadicPrimitive("matmul", np.matmul, _matmul_vjp)
# d(x W^T + b) = dx W^T + x dW^T + db   (a linear layer, with W of shape (out, in))
linear = Primitive("linear", _linear,
                   lambda g, ans, x, w, b=None: product(g, w),
                   _linear_weight_vjp,
                   _linear_bias_vjp)

# d|x| = sign(x) dx
abs = Primitive("abs", np.abs, lambda g, ans, x: g * _sign(x))
# d exp(x) = exp(x) dx
exp = Primitive("exp", np.exp, lambda g, ans, x: g * ans)
# d log(x) = dx / x
log = Primitive("log", np.log, lambda g, ans, x: g / x)
# d sqrt(x) = dx / (2 sqrt(x))
sqrt = Primitive("sqrt", np.sqrt, lambda g, ans, x: g / (2 * ans))
# d tanh(x) = (1 - tanh(x)^2) dx
tanh = Primitive("tanh", np.tanh, lambda g, ans, x: g * (1 - ans * ans))
# d sigmoid(x) = sigmoid(x) (1 - sigmoid(x)) dx
sigmoid = Primitive("sigmoid", _sigmoid, lambda g, ans, x: g * (ans * (1 - ans)))
# d relu(x) = [x > 0] dx
relu = Primitive("relu", lambda x: np.maximum(x, 0), lambda g, ans, x: g * (x > 0))
# d clip(x) = [lower <= x <= upper] dx
clip = Primitive("clip", lambda x, lower=None, upper=None: np.clip(x, lower, upper),
                 lambda g, ans, x, lower=None, upper=None:
                 unbroadcast(g * ((x >= (-np.inf if lower is None else lower))
                                  & (x <= (np.inf if upper is None else upper))), x.shape))
# d maximum(a, b) = [a > b] da + [b > a] db, ties shared equally (as PyTorch)
maximum = Primitive("maximum", np.maximum,
                    lambda g, ans, a, b: unbroadcast(where(a == b, g / 2, where(a > b, g, 0)), a.shape),
                    lambda g, ans, a, b: unbroadcast(where(a == b, g / 2, where(b > a, g, 0)), b.shape))
# d minimum(a, b) = [a < b] da + [b < a] db, ties shared equally (as PyTorch)
minimum = Primitive("minimum", np.minimum,
                    lambda g, ans, a, b: unbroadcast(where(a == b, g / 2, where(a < b, g, 0)), a.shape),
                    lambda g, ans, a, b: unbroadcast(where(a == b, g / 2, where(b < a, g, 0)), b.shape))
# d where(c, a, b) = [c] da + [not c] db
where = Primitive("where", _where,
                  None,
                  lambda g, ans, c, a, b: unbroadcast(where(c, g, 0), a.shape),
                  lambda g, ans, c, a, b: unbroadcast(where(c, 0, g), b.shape))

# d sum(x) = broadcast(g)
sum = Primitive("sum", lambda x, axis=None, keepdims=False: np.add.reduce(x, axis, keepdims=keepdims),
                lambda g, ans, x, axis=None, keepdims=False: _unreduce(g, x.shape, axis))
# d mean(x) = broadcast(g) / n
mean = Primitive("mean", _mean,
                 lambda g, ans, x, axis=None, keepdims=False: _unreduce(g, x.shape, axis) / _count(x, ans))
# d var(x) = broadcast(g) * 2 (x - mean(x)) / (n - ddof)
var = Primitive("var", np.var,
                lambda g, ans, x, axis=None, keepdims=False, ddof=0:
                _kept(g, x.shape, axis) * (x - mean(x, axis=axis, keepdims=True))
                * (2 * _per_degree_of_freedom(x, ans, ddof)))
# d std(x) = broadcast(g) (x - mean(x)) / ((n - ddof) std(x)), and 0 where std(x) = 0 (as PyTorch)
std = Primitive("std", _std, _std_vjp)
# d max(x) = broadcast(g) at the maxima, shared among ties
max = Primitive("max", np.max, _extremum_vjp)
# d min(x) = broadcast(g) at the minima, shared among ties
min = Primitive("min", np.min, _extremum_vjp)
# d logsumexp(x) = broadcast(g) * softmax(x)
logsumexp = Primitive("logsumexp", _logsumexp,
                      lambda g, ans, x, axis=None, keepdims=False:
                      _kept(g, x.shape, axis) * exp(x - _kept(ans, x.shape, axis)))

# d BCE(x, t) = (sigmoid(x) - t) dx - x dt,  for BCE = (1 - t) x + log(1 + e^-x): the gradient in x in one
# expression, exact where (1 - t) - sigmoid(-x) would cancel (t = 0, x very negative)
binary_cross_entropy_with_logits = Primitive(
    "binary_cross_entropy_with_logits", _binary_cross_entropy_with_logits,
    lambda g, ans, x, t: unbroadcast(g * (sigmoid(x) - t), x.shape),
    lambda g, ans, x, t: unbroadcast(-(g * x), t.shape))
# d CE_i = (softmax(x_i) - onehot(t_i)) . dx_i,  for CE_i = logsumexp(x_i) - x_i[t_i] (row i, class t_i);
# their sum passes g to every row, their mean g / N (an empty batch's gradient is empty: no division by 0)
softmax_cross_entropy = Primitive(
    "softmax_cross_entropy", _softmax_cross_entropy,
    lambda g, ans, x, target, reduction="none":
    softmax_cross_entropy_grad(g / (len(x) or 1) if reduction == "mean" else g, x, target=target))
# d[g_i (p_i - onehot_i)] = dg_i (p_i - onehot_i) + g_i (p_i dx_i - p_i (p_i . dx_i)),  p_i = softmax(x_i)
# (g is per row, or one number for every row)
softmax_cross_entropy_grad = Primitive(
    "softmax_cross_entropy_grad", _softmax_cross_entropy_grad,
    lambda v, ans, g, x, target: unbroadcast(sum(v * (_softmax(x) - _onehot(target, x)), axis=1), g.shape),
    lambda v, ans, g, x, target: _softmax_cross_entropy_grad_vjp_x(v, g, x))

# shape ops move gradient entries back to where they came from
reshape = Primitive("reshape", lambda x, shape: x.reshape(shape), lambda g, ans, x, shape: reshape(g, shape=x.shape))
expand_dims = Primitive("expand_dims", np.expand_dims, lambda g, ans, x, axis: reshape(g, shape=x.shape))
squeeze = Primitive("squeeze", np.squeeze, lambda g, ans, x, axis=None: reshape(g, shape=x.shape))
transpose = Primitive("transpose", lambda x, axes=None: x.transpose(axes),
                      lambda g, ans, x, axes=None: transpose(g, axes=_inverse_permutation(axes, x.ndim)))
swapaxes = Primitive("swapaxes", lambda x, axis1, axis2: x.swapaxes(axis1, axis2),
                     lambda g, ans, x, axis1, axis2: swapaxes(g, axis1=axis1, axis2=axis2))
broadcast_to = Primitive("broadcast_to", _broadcast_to, lambda g, ans, x, shape: unbroadcast(g, x.shape))
astype = Primitive("astype", lambda x, dtype: x.astype(dtype), lambda g, ans, x, dtype: astype(g, dtype=x.dtype))
# d x[index] scatters g back into zeros of x's shape; the scatter's VJP is the gather
getitem = Primitive("getitem", lambda x, index: x[index],
                    lambda g, ans, x, index: untake(g, index=index, shape=x.shape))
untake = Primitive("untake", _untake, lambda g, ans, x, index, shape: getitem(g, index=index))
# d concatenate(xs) = the slice of g that each x filled
concatenate = VariadicPrimitive(
    "concatenate", lambda *xs, axis=0: np.concatenate(xs, axis=axis),
    _concatenate_vjp)
# d stack(xs) = the entry of g at each x's position
stack = VariadicPrimitive(
    "stack", lambda *xs, axis=0: np.stack(xs, axis=axis),
    lambda i, g, ans, *xs, axis=0: getitem(g, index=(slice(None),) * _axis_index(axis, ans.ndim) + (i,)))
