"""Checking second derivatives: gradcheck applied to the first derivative."""
import numpy as np

from .engine import grad
from .factories import zeros_like
from .functions import concatenate, reshape
from .grad_mode import enable_grad, no_grad
from .gradcheck import GradcheckError, gradcheck
from .tensor import Tensor


def gradgradcheck(fn, inputs, grad_outputs=None, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """Compare the second derivatives of `fn` with central differences of its first derivatives.

    The first derivative is the vector-Jacobian product J(x)^T g that
    `grad(fn(*inputs), inputs, g, create_graph=True)` builds on the graph; `gradcheck`
    then checks its derivatives with respect to every input that requires grad and to
    `g` itself. `g` is `grad_outputs` (a Tensor or array of fn's output shape; a Tensor
    that does not require grad is held fixed) or, by default, standard normal numbers
    from a fixed seed. Use float64. Returns True, or False when `raise_exception=False`;
    a failure names the input (positions past fn's inputs mean `grad_outputs`).
    """
    inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    differentiable = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not differentiable:
        raise ValueError("gradgradcheck: no input requires grad; pass tensors with requires_grad=True")
    with no_grad():
        output = fn(*inputs)
    weights = _grad_outputs(grad_outputs, output)

    def first_derivative(*args):
        """J(x)^T g for every differentiable input, flattened and joined into one vector."""
        xs, g = args[:-1], args[-1]
        with enable_grad():
            wrt = [xs[i] for i in differentiable]
            grads = grad(fn(*xs), wrt, grad_outputs=g, create_graph=True, allow_unused=True)
            return concatenate([reshape(zeros_like(x) if d is None else d, (-1,)) for x, d in zip(wrt, grads)])

    try:
        return gradcheck(first_derivative, inputs + [weights], eps=eps, atol=atol, rtol=rtol,
                         raise_exception=raise_exception)
    except GradcheckError as error:
        raise GradcheckError(f"gradgradcheck: a second derivative is wrong; input {len(inputs)} is grad_outputs. "
                             f"{error}") from None


def _grad_outputs(grad_outputs, output):
    """The output weights g as a Tensor of the output's shape (requiring grad unless given as such)."""
    if grad_outputs is None:
        grad_outputs = np.random.default_rng(0).standard_normal(output.shape).astype(output.dtype)
    if not isinstance(grad_outputs, Tensor):
        grad_outputs = Tensor(grad_outputs, requires_grad=True, dtype=output.dtype)
    if grad_outputs.shape != output.shape:
        raise ValueError(f"gradgradcheck: grad_outputs has shape {grad_outputs.shape}, "
                         f"but fn's output has shape {output.shape}")
    return grad_outputs
