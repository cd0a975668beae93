"""nn.functional: stateless layers and losses, each composed of autograd's primitive ops.

Names and argument conventions follow `torch.nn.functional` (`dim`, `reduction`); every
function takes and returns autograd Tensors, so its backward comes from autodiff.
"""
import numpy as np

from autograd import as_tensor, linear, ops, relu as _relu, sigmoid as _sigmoid, tanh as _tanh, where

from .batchnorm_backward import batch_norm_backward, batch_norm_backward_staged
from .batchnorm_functional import batch_norm
from .loss_functions import binary_cross_entropy_with_logits, cross_entropy, l1_loss, mse_loss
from .rng import generator

__all__ = [
    "linear", "relu", "sigmoid", "tanh", "leaky_relu", "softmax", "log_softmax", "dropout", "layer_norm",
    "batch_norm", "batch_norm_backward", "batch_norm_backward_staged",
    "mse_loss", "cross_entropy", "binary_cross_entropy_with_logits", "l1_loss",
]


def relu(input):
    """max(x, 0)."""
    return _relu(input)


def sigmoid(input):
    """1 / (1 + exp(-x))."""
    return _sigmoid(input)


def tanh(input):
    """The hyperbolic tangent."""
    return _tanh(input)


def leaky_relu(input, negative_slope=0.01):
    """x where x > 0, else negative_slope * x (the slope also at x = 0, as PyTorch)."""
    input = as_tensor(input)
    return where(input > 0, input, input * negative_slope)


def _check_dim(input, dim, op):
    if not -input.ndim <= dim < max(input.ndim, 1):
        raise ValueError(f"{op}: dim {dim} is out of range for an input of shape {input.shape}")


def log_softmax(input, dim=-1):
    """x - logsumexp(x) along `dim`, computed as (x - max) - logsumexp(x - max): stable for any magnitude of x."""
    input = as_tensor(input)
    _check_dim(input, dim, "log_softmax")
    return ops.log_softmax(input, dim)


def softmax(input, dim=-1):
    """exp(x) / sum(exp(x)) along `dim`, computed as exp(log_softmax(x)) so it never overflows."""
    return log_softmax(input, dim).exp()


def dropout(input, p=0.5, training=True, rng=None):
    """Inverted dropout: zero each element with probability p and scale the rest by 1 / (1 - p).

    The identity when `training` is False (or p == 0). `rng` defaults to autograd's default generator.
    """
    if not 0 <= p <= 1:
        raise ValueError(f"dropout: p must be a probability in [0, 1], got {p}")
    input = as_tensor(input)
    if not training or p == 0:
        return input
    if p == 1:
        return input * np.zeros((), dtype=input.dtype)
    keep = generator(rng).random(input.shape) >= p
    return input * (keep / (1 - p)).astype(input.dtype)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalise over the trailing `normalized_shape` axes of each sample, then scale and shift.

    xhat = (x - mean) / sqrt(var + eps) with the biased variance, y = weight * xhat + bias.
    """
    input = as_tensor(input)
    normalized_shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if not normalized_shape or input.shape[input.ndim - len(normalized_shape):] != normalized_shape:
        raise ValueError(f"layer_norm: input of shape {input.shape} must end in normalized_shape {normalized_shape}")
    for label, tensor in (("weight", weight), ("bias", bias)):
        if tensor is not None and as_tensor(tensor).shape != normalized_shape:
            raise ValueError(f"layer_norm: {label} must have shape {normalized_shape}, got {as_tensor(tensor).shape}")
    axes = tuple(range(input.ndim - len(normalized_shape), input.ndim))
    centered = input - input.mean(axis=axes, keepdims=True)
    var = (centered ** 2).mean(axis=axes, keepdims=True)
    out = centered / (var + eps).sqrt()
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out
