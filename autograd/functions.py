"""Module-level ops with NumPy's names; each takes tensors or array-likes."""
import functools

import numpy as np

from . import ops
from .factories import as_tensor
from .tensor import Tensor, _axis, _shape


def exp(x):
    """e ** x elementwise."""
    return ops.exp(as_tensor(x))


def log(x):
    """Natural logarithm elementwise."""
    return ops.log(as_tensor(x))


def sqrt(x):
    """Square root elementwise."""
    return ops.sqrt(as_tensor(x))


def tanh(x):
    """Hyperbolic tangent elementwise."""
    return ops.tanh(as_tensor(x))


def sigmoid(x):
    """1 / (1 + exp(-x)) elementwise, computed stably."""
    return ops.sigmoid(as_tensor(x))


def relu(x):
    """max(x, 0) elementwise; its derivative at 0 is taken as 0."""
    return ops.relu(as_tensor(x))


def abs(x):
    """|x| elementwise; its derivative at 0 is taken as 0."""
    return ops.abs(as_tensor(x))


def clip(x, min=None, max=None):
    """Limit x to [min, max]."""
    return as_tensor(x).clip(min, max)


def maximum(a, b):
    """Elementwise maximum, with broadcasting; ties share the gradient equally."""
    return ops.maximum(as_tensor(a), b)


def minimum(a, b):
    """Elementwise minimum, with broadcasting; ties share the gradient equally."""
    return ops.minimum(as_tensor(a), b)


def where(condition, a, b):
    """`a` where `condition` holds, else `b` (broadcast); no gradient flows to `condition`."""
    return ops.where(as_tensor(condition), a, b)


def sum(x, axis=None, keepdims=False):
    """Sum over `axis` (all axes by default)."""
    return as_tensor(x).sum(axis, keepdims)


def mean(x, axis=None, keepdims=False):
    """Mean over `axis`."""
    return as_tensor(x).mean(axis, keepdims)


def var(x, axis=None, keepdims=False, ddof=0):
    """Variance over `axis` with `ddof` degrees of freedom removed."""
    return as_tensor(x).var(axis, keepdims, ddof)


def std(x, axis=None, keepdims=False, ddof=0):
    """Standard deviation over `axis`."""
    return as_tensor(x).std(axis, keepdims, ddof)


def max(x, axis=None, keepdims=False):
    """Maximum over `axis`."""
    return as_tensor(x).max(axis, keepdims)


def min(x, axis=None, keepdims=False):
    """Minimum over `axis`."""
    return as_tensor(x).min(axis, keepdims)


def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) over `axis`, computed stably."""
    return as_tensor(x).logsumexp(axis, keepdims)


def reshape(x, shape):
    """The same values in a new shape."""
    return as_tensor(x).reshape(shape)


def transpose(x, axes=None):
    """Permute the axes (reverse them by default)."""
    return ops.transpose(as_tensor(x), axes=None if axes is None else _shape((axes,)))


def swapaxes(x, axis1, axis2):
    """Swap two axes."""
    return as_tensor(x).swapaxes(axis1, axis2)


def expand_dims(x, axis):
    """Insert a length-1 axis at `axis`."""
    return as_tensor(x).expand_dims(axis)


def squeeze(x, axis=None):
    """Remove length-1 axes."""
    return as_tensor(x).squeeze(axis)


def broadcast_to(x, shape):
    """x broadcast to `shape`, as a new array (not a view); the gradient sums back over the broadcast axes."""
    return as_tensor(x).broadcast_to(shape)


def flatten(x):
    """The values as a 1-D tensor."""
    return as_tensor(x).flatten()


def astype(x, dtype):
    """x cast to `dtype`; the gradient is cast back to x's dtype."""
    return as_tensor(x).astype(dtype)


def matmul(a, b):
    """Matrix product with NumPy's rules (1-D operands, batched stacks)."""
    return ops.matmul(as_tensor(a), b)


def linear(input, weight, bias=None):
    """input @ weight.T + bias in one op, with weight of shape (out_features, in_features) as PyTorch's."""
    input, weight = as_tensor(input), as_tensor(weight)
    input_shape, weight_shape = input.shape, weight.shape  # each read makes a new tuple
    if len(weight_shape) != 2 or not input_shape or input_shape[-1] != weight_shape[1]:
        raise ValueError(f"linear: input of shape {input_shape} needs last axis = weight.shape[1]; "
                         f"weight has shape {weight_shape} (out_features, in_features)")
    if bias is None:
        return ops.linear(input, weight)
    bias = as_tensor(bias)
    if bias.shape != (weight_shape[0],):
        raise ValueError(f"linear: bias must have shape ({weight_shape[0]},), got {bias.shape}")
    return ops.linear(input, weight, bias)


def _largest_unsigned(indices):
    """The largest value of the non-empty integer array `indices` read as unsigned integers of its size (so a
    negative index reads as a huge one): indexed by argmax, which costs a third of a max reduction."""
    unsigned = indices.view(_unsigned(indices.dtype))
    return unsigned[unsigned.argmax()]


@functools.lru_cache(maxsize=None)
def _unsigned(dtype):
    """The unsigned integer dtype of the integer `dtype`'s size and byte order, made once per dtype."""
    return np.dtype(dtype.str.replace("i", "u"))


# How a loss over a batch reduces its per-example values, as PyTorch's `reduction`.
REDUCTIONS = ("mean", "sum", "none")


def check_reduction(reduction, op):
    """Raise ValueError, naming `op`, unless `reduction` is one of `REDUCTIONS`."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"{op}: reduction must be one of {REDUCTIONS}, got {reduction!r}")


def softmax_cross_entropy(logits, target, reduction="none"):
    """-log softmax(logits)[i, target[i]] for each row i: (N, C) logits, (N,) integer classes.

    Returns the (N,) losses (reduction="none"), their mean or their sum. One op, reduction
    included, whose gradient is the classic softmax(logits) - onehot(target) (divided by N
    for the mean).
    """
    check_reduction(reduction, "softmax_cross_entropy")
    logits, target = as_tensor(logits), np.asarray(target.data if isinstance(target, Tensor) else target)
    if logits.ndim != 2:
        raise ValueError(f"softmax_cross_entropy: logits must have shape (N, C), got {logits.shape}")
    if target.dtype.kind not in "iu":
        raise TypeError(f"softmax_cross_entropy: target must hold integer class indices, got dtype {target.dtype}")
    if target.shape != (logits.shape[0],):
        raise ValueError(f"softmax_cross_entropy: target must have shape ({logits.shape[0]},) for logits of shape "
                         f"{logits.shape}, got {target.shape}")
    if target.size and _largest_unsigned(target) >= logits.shape[1]:
        raise ValueError(f"softmax_cross_entropy: target values must be in [0, {logits.shape[1]}), got "
                         f"min {target.min()}, max {target.max()}")
    return ops.softmax_cross_entropy(logits, target=target, reduction=reduction)


def binary_cross_entropy_with_logits(logits, target):
    """-[t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))] elementwise (broadcasting) for logits x and targets t.

    One op, computed as (1 - t) x + log(1 + e^-x) without overflow, whose gradient is sigmoid(x) - t
    (and -x for the targets).
    """
    return ops.binary_cross_entropy_with_logits(as_tensor(logits), target)


def concatenate(tensors, axis=0):
    """Join tensors along an existing axis."""
    return ops.concatenate(*[as_tensor(t) for t in tensors], axis=_axis(axis))


def stack(tensors, axis=0):
    """Join tensors along a new axis."""
    return ops.stack(*[as_tensor(t) for t in tensors], axis=_axis(axis))
