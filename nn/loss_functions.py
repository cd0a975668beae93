"""Loss functions of nn.functional, composed of primitive ops (stable forms, PyTorch's semantics)."""
from autograd import as_tensor, softmax_cross_entropy
from autograd import binary_cross_entropy_with_logits as _binary_cross_entropy_with_logits
from autograd.functions import check_reduction


def _reduce(loss, reduction, op):
    check_reduction(reduction, op)
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _same_shape(input, target, op):
    input, target = as_tensor(input), as_tensor(target)
    if input.shape != target.shape:
        raise ValueError(f"{op}: input has shape {input.shape} but target has shape {target.shape}; they must match")
    return input, target


def mse_loss(input, target, reduction="mean"):
    """(input - target)^2, averaged (or summed) over all elements."""
    input, target = _same_shape(input, target, "mse_loss")
    return _reduce((input - target) ** 2, reduction, "mse_loss")


def l1_loss(input, target, reduction="mean"):
    """|input - target|, averaged (or summed) over all elements."""
    input, target = _same_shape(input, target, "l1_loss")
    return _reduce((input - target).abs(), reduction, "l1_loss")


def cross_entropy(input, target, reduction="mean"):
    """-log softmax(input)[target] for logits (N, C) and integer class targets (N,) in [0, C).

    Computed as log sum exp(x - m) - (x[target] - m), m the row's maximum, stable for any magnitude of
    the logits, and reduced, by one op (`autograd.softmax_cross_entropy`) whose gradient is
    softmax(x) - onehot(target).
    """
    check_reduction(reduction, "cross_entropy")
    return softmax_cross_entropy(input, target, reduction)


def binary_cross_entropy_with_logits(input, target, reduction="mean"):
    """-[t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))] for logits x and targets t of one shape.

    Computed by one op (`autograd.binary_cross_entropy_with_logits`) as (1 - t) x + log(1 + e^-x),
    which never overflows, with the gradient sigmoid(x) - t, exact everywhere (also at x = 0).
    """
    input, target = _same_shape(input, target, "binary_cross_entropy_with_logits")
    return _reduce(_binary_cross_entropy_with_logits(input, target), reduction, "binary_cross_entropy_with_logits")
