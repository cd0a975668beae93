"""Batch norm as a single graph node whose backward is the compact hand-derived formula."""
import numpy as np

from autograd import Function

from .batchnorm_backward import compact_backward
from .batchnorm_steps import channel_means, gamma_vector, per_channel


def fused_forward(x, gamma, bias, eps):
    """Algorithm 1 on arrays in a few passes: returns (y, centered, std, scale, mean, var), all but y and centered
    (C,) vectors, scale = gamma / std.

    The steps of `normalize_batch` then `scale_and_shift`, equal up to rounding: the means here are
    `channel_means` (BLAS products), and xhat is never formed, since y = gamma xhat + beta =
    (x - mu_B) (gamma / sigma) + beta scales the centered input once by a per-channel factor. Only y
    and the centered input are new full-size arrays: the squares are formed in y's buffer.
    """
    mean = channel_means(x)                            # mu_B = 1/m sum x_i
    centered = np.subtract(x, per_channel(mean, x))    # x_i - mu_B
    out = np.multiply(centered, centered)              # (x_i - mu_B)^2, in the output's buffer
    var = channel_means(out)                           # sigma_B^2 = 1/m sum (x_i - mu_B)^2
    std = np.sqrt(var + eps)                           # sigma = sqrt(sigma_B^2 + eps)
    scale = gamma / std                                # gamma / sigma
    np.multiply(centered, per_channel(scale, x), out=out)  # y_i = gamma xhat_i = (x_i - mu_B) gamma / sigma ...
    if bias is not None:
        out += per_channel(bias, x)                    # ... + beta
    return out, centered, std, scale, mean, var


class FusedBatchNorm(Function):
    """Training-mode batch norm in one node: `FusedBatchNorm.apply(x, weight, bias, eps, stats=None)`.

    The forward is `fused_forward`; the backward is `compact_backward`
    (dx = gamma / (m sigma) * (m dy - sum(dy) - xhat sum(dy xhat))). `weight` and `bias`
    may be None (affine=False). A dict passed as `stats` receives the batch's "mean" and
    biased "var" as (C,) vectors, so the running statistics need not compute them again.
    """

    @staticmethod
    def forward(ctx, x, weight, bias, eps, stats=None):
        out, centered, std, scale, mean, var = fused_forward(x, gamma_vector(weight, x), bias, eps)
        ctx.save_for_backward(centered, std, scale)
        if stats is not None:
            stats.update(mean=mean, var=var)
        return out

    @staticmethod
    def backward(ctx, grad_out):
        centered, std, scale = ctx.saved
        grad_x, grad_weight, grad_bias = compact_backward(grad_out, centered, std, scale)
        return grad_x, grad_weight, grad_bias, None, None  # nothing for eps and stats
