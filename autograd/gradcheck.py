"""Checking analytic gradients against central differences."""
import numpy as np

from .engine import grad
from .grad_mode import no_grad
from .tensor import Tensor


class GradcheckError(AssertionError):
    """An analytic gradient disagrees with its central-difference estimate."""


def rel_error(a, b):
    """max|a - b| / max(max|a|, max|b|): a scale-free error, 0 when both are zero."""
    a = np.asarray(a.data if isinstance(a, Tensor) else a, dtype=np.float64)
    b = np.asarray(b.data if isinstance(b, Tensor) else b, dtype=np.float64)
    scale = np.max(np.maximum(np.abs(a), np.abs(b)), initial=0.0)
    difference = np.max(np.abs(a - b), initial=0.0)
    return 0.0 if scale == 0 else float(difference / scale)


def _output_array(fn, inputs):
    with no_grad():
        out = fn(*inputs)
    return np.array(out.data if isinstance(out, Tensor) else out, dtype=np.float64)


def numeric_grad(fn, inputs, eps=1e-6, grad_output=None):
    """Central-difference gradients of sum(fn(*inputs) * grad_output), one array per input.

    `grad_output` defaults to ones, so for a scalar output this is the plain gradient.
    Each input's data is perturbed in place and restored.
    """
    out = _output_array(fn, inputs)
    weights = np.ones_like(out) if grad_output is None else np.asarray(grad_output, dtype=np.float64)
    return [(_numeric_jacobian(fn, inputs, x, eps) @ weights.ravel()).reshape(x.shape) for x in inputs]


def _numeric_jacobian(fn, inputs, x, eps):
    """d fn(...).ravel() / d x.ravel() by central differences, shape (x.size, out.size)."""
    flat = x.data.reshape(-1)
    if not np.shares_memory(flat, x.data):
        raise ValueError("numeric_grad: input data must be contiguous to be perturbed in place")
    rows = []
    for k in range(flat.size):
        original = flat[k]
        try:
            flat[k] = original + eps
            plus = _output_array(fn, inputs)
            flat[k] = original - eps
            minus = _output_array(fn, inputs)
        finally:  # an error in fn leaves the input as it was
            flat[k] = original
        rows.append(((plus - minus) / (2 * eps)).ravel())
    return np.array(rows).reshape(flat.size, -1)


def _analytic_jacobians(fn, inputs, checked):
    """d fn(...).ravel() / d x.ravel() for each x in `checked`, from one backward per output element."""
    out = fn(*inputs)
    jacobians = [np.zeros((x.size, out.size)) for x in checked]
    if not out.requires_grad:  # the output is constant in every input: its Jacobian is zero
        return jacobians
    for j in range(out.size):
        seed = np.zeros(out.shape, dtype=out.dtype)
        seed.reshape(-1)[j] = 1
        grads = grad(out, checked, grad_outputs=seed, retain_graph=True, allow_unused=True)
        for jacobian, g in zip(jacobians, grads):
            if g is not None:
                jacobian[:, j] = g.data.ravel()
    return jacobians


def jacobians(fn, inputs, eps=1e-6):
    """For each input that requires grad: (its position, the input, analytic Jacobian, numeric Jacobian).

    Both Jacobians have shape (input size, output size); the numeric one comes from
    central differences with step `eps`.
    """
    inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    checked = [(i, x) for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input requires grad; pass tensors with requires_grad=True")
    analytic = _analytic_jacobians(fn, inputs, [x for _, x in checked])
    return [(position, x, jacobian, _numeric_jacobian(fn, inputs, x, eps))
            for (position, x), jacobian in zip(checked, analytic)]


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """Compare every analytic partial derivative of `fn` with central differences.

    `fn` maps the tensors `inputs` to a tensor of any shape; every input that requires
    grad is checked element by element (use float64). An element passes when
    |analytic - numeric| <= atol + rtol * |numeric|, so a NaN or an infinity on either
    side fails (PyTorch's also fails a NaN, but passes equal infinities); the error names
    the input, the element, both values and the difference. Returns True, or False when
    `raise_exception=False`.
    """
    for position, x, jacobian, numeric in jacobians(fn, inputs, eps):
        with np.errstate(invalid="ignore"):  # inf - inf
            difference = np.abs(jacobian - numeric)
        bad = ~(difference <= atol + rtol * np.abs(numeric))  # not `>`, which is False for a NaN
        if bad.any():
            k, j = np.unravel_index(np.argmax(np.where(bad, difference, -1)), bad.shape)
            element = np.unravel_index(k, x.shape) if x.ndim else ()
            message = (f"gradcheck: input {position} (shape {x.shape}), element {tuple(int(e) for e in element)}, "
                       f"output element {j}: analytic {jacobian[k, j]:.10g}, "
                       f"numeric {numeric[k, j]:.10g}, difference {difference[k, j]:.3g} "
                       f"(atol {atol}, rtol {rtol}; {int(bad.sum())} of {bad.size} entries fail)"
                       + _precision_hint(x))
            if raise_exception:
                raise GradcheckError(message)
            return False
    return True


def _precision_hint(x):
    """A clause for a failure on an input narrower than float64, where central differences are too coarse to judge."""
    if np.finfo(x.dtype).bits >= 64:
        return ""
    return (f"; the input is {x.dtype}, whose central differences are too coarse for these tolerances: check in "
            "float64 (.astype('float64'))")
