"""The hand-derived backward pass of batch normalisation, twice: compact and stage by stage.

Both work on plain ndarrays (Tensors are read through `.data`), for (N, C) and (N, C, L)
inputs, and both must agree with the backward that autodiff derives from the composite
forward in `batchnorm_steps.normalize_batch`. Notation: m values per channel,
sigma = sqrt(var + eps), dy = grad_out, sums run over the batch (and length) axes.
"""
import numpy as np

from autograd import Tensor

from .batchnorm_steps import (channel_axes, channel_sums, count_scalar, gamma_vector, normalize_batch, per_channel,
                              values_per_channel)


def _array(value, label):
    array = np.asarray(value.data if isinstance(value, Tensor) else value)
    if array.dtype.kind != "f":
        raise TypeError(f"batch_norm_backward: {label} must be floating point, got dtype {array.dtype}")
    return array


def _inputs(grad_out, x, weight):
    """Check shapes and return (grad_out, x, gamma) as arrays, gamma a (C,) vector (ones when `weight` is None)."""
    grad_out, x = _array(grad_out, "grad_out"), _array(x, "x")
    if x.ndim not in (2, 3):
        raise ValueError(f"batch_norm_backward: x must be (N, C) or (N, C, L), got shape {x.shape}")
    if grad_out.shape != x.shape:
        raise ValueError(f"batch_norm_backward: grad_out has shape {grad_out.shape} but x has shape {x.shape}")
    if weight is not None:
        weight = _array(weight, "weight")
        if weight.shape != (x.shape[1],):
            raise ValueError(f"batch_norm_backward: weight must have shape ({x.shape[1]},) for x of shape {x.shape}, "
                             f"got {weight.shape}")
    return grad_out, x, gamma_vector(weight, x)


def compact_backward(grad_out, centered, std, scale):
    """The compact formula from the forward's centered input x - mu and the (C,) vectors sigma and
    scale = gamma / sigma: (grad_x, grad_weight, grad_bias).

        dx = gamma / (m sigma) * (m dy - sum(dy) - xhat * sum(dy xhat))
        dgamma = sum(dy xhat),  dbeta = sum(dy)

    with xhat = (x - mu) / sigma, which is not formed: its 1/sigma joins the per-channel factors
    (sum(dy xhat) = sum(dy (x - mu)) / sigma). dx is computed as
    gamma / sigma * (dy - sum(dy) / m - (x - mu) sum(dy xhat) / (m sigma)) in one full-size buffer,
    which first holds dy (x - mu) for its sum. The two sums are new (C,) arrays (not views), so they
    can become the parameters' `.grad` without a copy.
    """
    m = values_per_channel(grad_out)
    sum_dy = channel_sums(grad_out)
    grad_x = np.multiply(grad_out, centered)
    sum_dy_xhat = channel_sums(grad_x) / std
    np.multiply(centered, per_channel(sum_dy_xhat / count_scalar(m, sum_dy_xhat.dtype) / std, grad_out), out=grad_x)
    grad_x += per_channel(sum_dy / count_scalar(m, sum_dy.dtype), grad_out)
    np.subtract(grad_out, grad_x, out=grad_x)
    grad_x *= per_channel(scale, grad_out)
    return grad_x, sum_dy_xhat, sum_dy


def batch_norm_backward(grad_out, x, weight, eps=1e-5):
    """The gradients of training-mode batch norm from the compact hand-derived formula.

    Returns (grad_x, grad_weight, grad_bias) for y = weight * xhat + bias, where xhat
    normalises x with its own batch mean and biased variance. `weight` None means gamma = 1;
    grad_weight and grad_bias are returned all the same.

        dx = gamma / (m sigma) * (m dy - sum(dy) - xhat * sum(dy xhat))
    """
    grad_out, x, gamma = _inputs(grad_out, x, weight)
    steps = normalize_batch(x, eps)
    std = steps.std.reshape(-1)
    return compact_backward(grad_out, steps.centered, std, gamma / std)


def batch_norm_backward_staged(grad_out, x, weight, eps=1e-5):
    """The same gradients, walking the batch-norm graph backwards one node at a time.

    This is the derivation on paper: each forward step of `normalize_batch` (mean, centered,
    squared, var, var_eps, std, xhat, then y = gamma xhat + beta) is undone in reverse
    order with the chain rule, and a node used twice (x, centered) adds up the gradients
    of its uses. Returns (grad_x, grad_weight, grad_bias, stages); `stages` maps
    "grad_<intermediate>" to the gradient of that intermediate (same shape as in the
    forward), plus the split of grad_x into its three paths:

        grad_x_vanilla       gamma dy / sigma, as if mu and sigma were constants
        grad_x_through_std   the feedback through sigma: -gamma xhat sum(dy xhat) / (m sigma)
        grad_x_through_mean  the feedback through mu:    -gamma sum(dy) / (m sigma)
    """
    grad_out, x, gamma = _inputs(grad_out, x, weight)
    axes, m = channel_axes(x), values_per_channel(x)
    steps = normalize_batch(x, eps)

    # y = gamma * xhat + beta: beta gets the sum of dy, gamma the sum of dy * xhat
    grad_bias = grad_out.sum(axis=axes)
    grad_weight = (grad_out * steps.xhat).sum(axis=axes)
    grad_xhat = grad_out * per_channel(gamma, x)
    # xhat = centered / std: the direct path to centered, and d(a/b)/db = -a / b^2 summed for std
    grad_x_vanilla = grad_xhat / steps.std
    grad_std = (grad_xhat * -steps.centered / steps.std ** 2).sum(axis=axes, keepdims=True)
    # std = sqrt(var_eps): d sqrt(u) = du / (2 sqrt(u))
    grad_var_eps = grad_std / (2 * steps.std)
    # var_eps = var + eps: the constant eps passes the gradient through
    grad_var = grad_var_eps
    # var = mean(squared): every one of the m squares gets 1/m of it
    grad_squared = np.broadcast_to(grad_var / m, x.shape)
    # squared = centered^2: d u^2 = 2 u du, the second path to centered
    grad_x_through_std = 2 * steps.centered * grad_squared
    grad_centered = grad_x_vanilla + grad_x_through_std
    # centered = x - mean: x gets grad_centered directly, mean gets minus its sum
    grad_mean = -grad_centered.sum(axis=axes, keepdims=True)
    # mean = mean(x): every one of the m inputs gets 1/m of it, the second path to x
    grad_x_through_mean = np.broadcast_to(grad_mean / m, x.shape)
    grad_x = grad_centered + grad_x_through_mean

    stages = {
        "grad_out": grad_out, "grad_xhat": grad_xhat, "grad_std": grad_std, "grad_var_eps": grad_var_eps,
        "grad_var": grad_var, "grad_squared": grad_squared, "grad_centered": grad_centered,
        "grad_mean": grad_mean, "grad_x": grad_x, "grad_weight": grad_weight, "grad_bias": grad_bias,
        "grad_x_vanilla": grad_x_vanilla, "grad_x_through_std": grad_x_through_std,
        "grad_x_through_mean": grad_x_through_mean,
    }
    return grad_x, grad_weight, grad_bias, stages
