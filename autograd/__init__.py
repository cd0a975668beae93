"""autograd: a small reverse-mode automatic differentiation engine on NumPy.

    >>> from autograd import tensor
    >>> x = tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    array([2., 4., 6.])
"""
from .anomaly import AnomalyError, detect_anomaly, is_anomaly_enabled
from .draw import draw_graph
from .engine import backward, grad, toposort
from .factories import arange, as_tensor, eye, full, ones, ones_like, rand, randn, tensor, zeros, zeros_like
from .function import Context, Function
from .functions import (abs, astype, binary_cross_entropy_with_logits, broadcast_to, clip, concatenate, exp,
                        expand_dims, flatten, linear, log, logsumexp, matmul, max, maximum, mean, min, minimum, relu,
                        reshape, sigmoid, softmax_cross_entropy, sqrt, squeeze, stack, std, sum, swapaxes, tanh,
                        transpose, var, where)
from .grad_mode import current_scope, enable_grad, is_grad_enabled, no_grad, scope
from .gradcheck import GradcheckError, gradcheck, numeric_grad, rel_error
from .gradgradcheck import gradgradcheck
from .memory import keep_freed_memory
from .ops import unbroadcast
from .primitive import Primitive
from .rng import default_rng, get_rng_state, manual_seed, set_rng_state
from .tensor import Tensor, zero_grads
from . import functional  # autograd.functional: vjp, jvp, jacobian, hessian, hvp

__all__ = [
    "Tensor", "tensor", "as_tensor", "zeros", "ones", "full", "zeros_like", "ones_like", "eye", "arange",
    "randn", "rand", "manual_seed", "get_rng_state", "set_rng_state", "default_rng",
    "abs", "astype", "binary_cross_entropy_with_logits", "broadcast_to", "clip", "concatenate", "exp", "expand_dims",
    "flatten", "linear", "log",
    "logsumexp", "matmul", "max", "maximum", "mean", "min", "minimum", "relu", "reshape", "sigmoid",
    "softmax_cross_entropy", "sqrt", "squeeze", "stack", "std", "sum", "swapaxes", "tanh", "transpose", "var", "where",
    "backward", "grad", "zero_grads", "toposort", "no_grad", "enable_grad", "is_grad_enabled", "scope", "current_scope",
    "Function", "Context", "Primitive", "unbroadcast",
    "gradcheck", "gradgradcheck", "numeric_grad", "rel_error", "GradcheckError", "draw_graph",
    "keep_freed_memory",
]

keep_freed_memory()  # NumPy's large temporaries reuse freed memory instead of page-faulting (see autograd.memory)
