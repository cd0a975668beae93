"""functional.batch_norm: the composite (autodiff) batch norm, its fused twin and the running statistics."""
from autograd import Tensor, as_tensor, ops

from .batchnorm_fused import FusedBatchNorm
from .batchnorm_steps import normalize_batch, per_channel, scale_and_shift, values_per_channel


def check_batch_norm_input(input, op):
    """Raise ValueError unless `input` is (N, C) or (N, C, L) floating point."""
    if input.ndim not in (2, 3):
        raise ValueError(f"{op}: expected 2D (N, C) or 3D (N, C, L) input (got {input.ndim}D input of shape "
                         f"{input.shape})")
    if input.dtype.kind != "f":
        raise TypeError(f"{op}: input must be floating point, got dtype {input.dtype}")


def _check_arguments(input, running_mean, running_var, weight, bias, training):
    """Raise unless the other arguments suit `input`, which has passed `check_batch_norm_input` (training also
    needs more than one value per channel: `batch_norm_of_checked_input` checks that with m at hand)."""
    expected = input.shape[1:2]
    for label, tensor in (("running_mean", running_mean), ("running_var", running_var),
                          ("weight", weight), ("bias", bias)):
        if tensor is None:
            continue
        shape = as_tensor(tensor).data.shape
        if shape != expected:
            raise ValueError(f"batch_norm: {label} must have shape {expected} for input of shape {input.shape}, "
                             f"got {shape}")
    for label, tensor in (("running_mean", running_mean), ("running_var", running_var)):
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"batch_norm: {label} must be a Tensor (it is updated in place), got {type(tensor).__name__}")
    if (running_mean is None) != (running_var is None):
        raise ValueError("batch_norm: pass both running_mean and running_var, or neither")
    if not training and running_mean is None:
        raise ValueError("batch_norm: running_mean and running_var are needed when training=False")


def update_running_stats(running_mean, running_var, mean, var, m, momentum):
    """running = (1 - momentum) * running + momentum * batch, in place, with the unbiased variance.

    `mean` and `var` are the batch's mean and biased variance, (C,) vectors; PyTorch stores
    var * m / (m - 1) in running_var (here the factor m / (m - 1) joins momentum, so the batch's
    variance is scaled once).
    """
    for running, batch, weight in ((running_mean, mean, momentum), (running_var, var, momentum * m / (m - 1))):
        running.data *= 1 - momentum
        running.data += weight * batch
        running.mark_modified("batch_norm")


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1,
               eps=1e-5, fused=False):
    """Batch normalisation of (N, C) or (N, C, L) input, per channel.

    training=True: normalise with the batch mean and biased batch variance through the
    primitive ops of `normalize_batch` (mean, sub, pow, mean, add eps, sqrt, div), then
    scale by `weight` and shift by `bias`, so autodiff derives the backward; if running
    stats are given they are updated in place (momentum as in PyTorch). With fused=True
    the same numbers (up to rounding) come from one `FusedBatchNorm` node with the hand-derived
    backward.
    training=False: normalise with running_mean and running_var.
    """
    input = as_tensor(input)
    check_batch_norm_input(input, "batch_norm")
    return batch_norm_of_checked_input(input, running_mean, running_var, weight, bias, training, momentum, eps, fused)


def batch_norm_of_checked_input(input, running_mean, running_var, weight, bias, training, momentum, eps, fused):
    """`batch_norm` of an input Tensor that has passed `check_batch_norm_input` (BatchNorm1d checks it itself)."""
    _check_arguments(input, running_mean, running_var, weight, bias, training)
    if not training:
        xhat = (input - per_channel(running_mean, input)) / ops.sqrt(per_channel(running_var, input) + eps)
        return scale_and_shift(xhat, weight, bias)
    m = values_per_channel(input)
    if m <= 1:
        raise ValueError(f"batch_norm: Expected more than 1 value per channel when training, got input size "
                         f"{input.shape}")
    if fused:
        stats = {}
        out = FusedBatchNorm.apply(input, weight, bias, eps, stats)
        mean, var = stats["mean"], stats["var"]
    else:
        steps = normalize_batch(input, eps)
        out = scale_and_shift(steps.xhat, weight, bias)
        mean, var = steps.mean.data.reshape(-1), steps.var.data.reshape(-1)
    if running_mean is not None:
        update_running_stats(running_mean, running_var, mean, var, m, momentum)
    return out
