"""The batch-normalising transform, step by step (Ioffe & Szegedy 2015, Algorithm 1).

`normalize_batch` is written with autograd's primitives, which take Tensors (and then
record the graph, so autodiff yields the backward) or plain ndarrays (and then just
compute: the hand-derived backward reuses the very same steps). The helpers below serve
the fused op and the hand-derived backward as well.
"""
from collections import namedtuple

import numpy as np

from autograd import ops

BatchNormSteps = namedtuple("BatchNormSteps", ["mean", "centered", "squared", "var", "var_eps", "std", "xhat"])
BatchNormSteps.__doc__ = """The intermediates of the batch-normalising transform, in forward order.

mean      mu_B = 1/m sum_i x_i                      (per channel, kept dims)
centered  x_i - mu_B
squared   (x_i - mu_B)^2
var       sigma_B^2 = 1/m sum_i (x_i - mu_B)^2     (the biased batch variance)
var_eps   sigma_B^2 + eps
std       sqrt(sigma_B^2 + eps)
xhat      (x_i - mu_B) / sqrt(sigma_B^2 + eps)
"""


def channel_axes(input):
    """The axes BatchNorm reduces over: (0,) for (N, C) input, (0, 2) for (N, C, L) input."""
    return (0,) if input.ndim == 2 else (0, 2)


def channel_shape(input):
    """The shape that broadcasts a per-channel vector against `input`: (1, C) or (1, C, 1)."""
    return (1, input.shape[1]) if input.ndim == 2 else (1, input.shape[1], 1)


def channel_sums(x):
    """sum_i x_i for each channel of the array `x`, shape (C,): `ops.column_sums` (BLAS) for (N, C) input."""
    if x.ndim == 2:
        return ops.column_sums(x)
    return np.add.reduce(x, channel_axes(x))


def channel_means(x):
    """1/m sum_i x_i for each channel of the array `x`, shape (C,): `ops.column_means` (BLAS) for (N, C) input."""
    if x.ndim == 2:
        return ops.column_means(x)
    return channel_sums(x) / values_per_channel(x)


def values_per_channel(input):
    """m: how many values each channel's statistics summarise (N, or N * L)."""
    return input.size // input.shape[1]


@ops.cached_read_only
def count_scalar(count, dtype):
    """The int `count` as a read-only 0-d array of the dtype NumPy divides an array of `dtype` by it in, cached.

    Dividing by it gives the bits of dividing by the int itself, which NumPy converts at every call (at
    about the cost of the division of a (C,) vector).
    """
    return np.asarray(count, np.result_type(count, dtype))


def normalize_batch(x, eps):
    """Algorithm 1 up to xhat: the mini-batch mean, variance and the normalised input.

    `x` is (N, C) or (N, C, L); statistics are per channel (axis 1).
    """
    axes = channel_axes(x)
    mean = ops.mean(x, axis=axes, keepdims=True)         # mu_B = 1/m sum x_i
    centered = x - mean                                  # x_i - mu_B
    squared = centered ** 2                              # (x_i - mu_B)^2
    var = ops.mean(squared, axis=axes, keepdims=True)    # sigma_B^2 = 1/m sum (x_i - mu_B)^2
    var_eps = var + eps                                  # sigma_B^2 + eps
    std = ops.sqrt(var_eps)                              # sqrt(sigma_B^2 + eps)
    xhat = centered / std                                # xhat_i = (x_i - mu_B) / sqrt(sigma_B^2 + eps)
    return BatchNormSteps(mean, centered, squared, var, var_eps, std, xhat)


def per_channel(vector, input):
    """A (C,) vector that broadcasts against `input`: as it is for (N, C), reshaped to (1, C, 1) for (N, C, L)."""
    return vector if input.ndim == 2 else vector.reshape(channel_shape(input))


def gamma_vector(weight, input):
    """The scale gamma as a (C,) vector: `weight` as it is (not copied), or ones when it is None."""
    return np.ones(input.shape[1], input.dtype) if weight is None else weight


def scale_and_shift(xhat, weight, bias):
    """y_i = gamma * xhat_i + beta, the last step of Algorithm 1 (None means gamma = 1, resp. beta = 0)."""
    out = xhat if weight is None else xhat * per_channel(weight, xhat)
    return out if bias is None else out + per_channel(bias, xhat)
