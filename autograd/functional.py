"""Derivatives of whole functions: vjp, jvp, jacobian, hessian, hvp.

The signatures follow `torch.autograd.functional`: `inputs` is a Tensor or a tuple of
Tensors, `func(*inputs)` returns a Tensor or a tuple of Tensors, and each result comes
back in the same structure. With `create_graph=False` the results are detached constants;
with `create_graph=True` they are on the graph (of the inputs, when these require grad)
and can be differentiated again. `strict=True` raises when a result is identically zero
because an output does not depend on an input; otherwise that result is zeros.

Everything is built from reverse mode (`autograd.grad`):

- vjp:     v^T J, one backward pass.
- jvp:     J v by the double-VJP trick: u -> J^T u is linear in a dummy u, so its
           VJP with v is (J^T)^T v = J v.
- jacobian: one vjp per output element ("reverse-mode"), or one jvp per input element
           ("forward-mode", cheaper when outputs outnumber inputs).
- hessian: the jacobian of the gradient.
- hvp:     H v without forming H: the gradient of <grad f, v> (reverse over reverse;
           H is symmetric for twice continuously differentiable f).
"""
import numpy as np

from .engine import grad
from .factories import ones_like, zeros, zeros_like
from .functions import reshape, stack
from .grad_mode import enable_grad
from .tensor import Tensor

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp"]


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """Return `(func(*inputs), v^T J)`, the vector-Jacobian product at `inputs`.

    `v` has the structure and shapes of func's output; it may be None only when the
    output has a single element (then v = 1 and the product is the gradient).
    """
    inputs_tuple, inputs = _prepared_inputs(inputs, create_graph, "vjp")
    with enable_grad():
        outputs_tuple, outputs = _as_tuple(func(*inputs), "the outputs of func", "vjp")
        v = _vectors(v, outputs, "vjp", "outputs")
        products = _grads(outputs, inputs, v, create_graph, strict, "vjp")
    return (_unpack(_detached(outputs, create_graph), outputs_tuple),
            _unpack(_detached(products, create_graph), inputs_tuple))


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """Return `(func(*inputs), J v)`, the Jacobian-vector product at `inputs`.

    `v` has the structure and shapes of `inputs`; it may be None only for a single
    one-element input. Computed with two backward passes (the double-VJP trick).
    """
    inputs_tuple, inputs = _prepared_inputs(inputs, create_graph, "jvp")
    with enable_grad():
        outputs_tuple, outputs = _as_tuple(func(*inputs), "the outputs of func", "jvp")
        v = _vectors(v, inputs, "jvp", "inputs")
        dummies = tuple(zeros_like(out, requires_grad=True) for out in outputs)
        transposed = _grads(outputs, inputs, dummies, True, strict, "jvp")  # J^T u, linear in u
        products = _grads(transposed, dummies, v, create_graph, strict, "jvp")
    return (_unpack(_detached(outputs, create_graph), outputs_tuple),
            _unpack(_detached(products, create_graph), outputs_tuple))


def jacobian(func, inputs, create_graph=False, strict=False, strategy="reverse-mode"):
    """The Jacobian of `func` at `inputs`: block (i, j) has shape outputs[i].shape + inputs[j].shape.

    For a Tensor input and a Tensor output this is one Tensor; a tuple of inputs gives
    a tuple over inputs, a tuple of outputs a tuple over outputs (of those).
    `strategy` is "reverse-mode" (a vjp per output element) or "forward-mode"
    (a jvp per input element).
    """
    inputs_tuple, inputs = _prepared_inputs(inputs, create_graph, "jacobian")
    with enable_grad():
        outputs_tuple, outputs = _as_tuple(func(*inputs), "the outputs of func", "jacobian")
        blocks = _jacobian_blocks(outputs, inputs, create_graph, strict, strategy, "jacobian")
    return _unpack_blocks(blocks, outputs_tuple, inputs_tuple, create_graph)


def hessian(func, inputs, create_graph=False, strict=False, outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a scalar `func` at `inputs`: block (i, j) has shape inputs[i].shape + inputs[j].shape.

    One Tensor for a Tensor input, a tuple of tuples for a tuple of inputs. It is the
    jacobian (with `outer_jacobian_strategy`) of the gradient.
    """
    inputs_tuple, inputs = _prepared_inputs(inputs, create_graph, "hessian")
    with enable_grad():
        output = _scalar_output(func(*inputs), "hessian")
        gradients = _grads((output,), inputs, (None,), True, strict, "hessian")
        blocks = _jacobian_blocks(gradients, inputs, create_graph, strict, outer_jacobian_strategy, "hessian")
    return _unpack_blocks(blocks, inputs_tuple, inputs_tuple, create_graph)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """Return `(func(*inputs), H v)` for a scalar `func`, without forming the Hessian H.

    `v` has the structure and shapes of `inputs`. Two backward passes: the gradient
    g(x) on the graph, then the gradient of <g(x), v>.
    """
    inputs_tuple, inputs = _prepared_inputs(inputs, create_graph, "hvp")
    with enable_grad():
        output = func(*inputs)
        v = _vectors(v, inputs, "hvp", "inputs")
        gradients = _grads((_scalar_output(output, "hvp"),), inputs, (None,), True, strict, "hvp")
        products = _grads(gradients, inputs, v, create_graph, strict, "hvp")
    return _detached((output,), create_graph)[0], _unpack(_detached(products, create_graph), inputs_tuple)


# -- helpers -----------------------------------------------------------------

def _as_tuple(value, what, caller):
    """(whether `value` was a tuple, `value` as a tuple of Tensors)."""
    is_tuple = isinstance(value, (tuple, list))
    values = tuple(value) if is_tuple else (value,)
    for position, item in enumerate(values):
        if not isinstance(item, Tensor):
            raise TypeError(f"{caller}: {what} must be a Tensor or a tuple of Tensors, "
                            f"got {type(item).__name__} at position {position}")
    return is_tuple, values


def _prepared_inputs(inputs, create_graph, caller):
    """The inputs as fresh leaves that require grad, except that with create_graph an input
    that already requires grad becomes a fresh node on its graph (a reshape to its own shape,
    as PyTorch's view_as), so the results stay on that graph, and an input given twice, or
    computed from another, is still differentiated on its own (partial, not total, derivatives)."""
    is_tuple, inputs = _as_tuple(inputs, "inputs", caller)
    return is_tuple, tuple(reshape(x, x.shape) if create_graph and x.requires_grad else x.detach().requires_grad_()
                           for x in inputs)


def _vectors(v, references, caller, name):
    """`v` as a tuple of Tensors shaped like `references`; None means ones for one-element references."""
    if v is None:
        if any(ref.size != 1 for ref in references):
            raise ValueError(f"{caller}: v may be None only when the {name} have a single element; "
                             f"got shapes {[ref.shape for ref in references]}")
        return tuple(ones_like(ref) for ref in references)
    _, v = _as_tuple(v, "v", caller)
    if len(v) != len(references):
        raise ValueError(f"{caller}: v has {len(v)} entries but there are {len(references)} {name}")
    for position, (vector, ref) in enumerate(zip(v, references)):
        if vector.shape != ref.shape:
            raise ValueError(f"{caller}: v[{position}] has shape {vector.shape}, "
                             f"but {name}[{position}] has shape {ref.shape}")
    return v


def _scalar_output(output, caller):
    """The single-element Tensor that `func` returned, as a 0-d Tensor."""
    if not isinstance(output, Tensor):
        raise TypeError(f"{caller}: func must return a single Tensor, got {type(output).__name__}")
    if output.size != 1:
        raise ValueError(f"{caller}: func must return a single-element Tensor, got shape {output.shape}")
    return reshape(output, ())


def _grads(outputs, inputs, grad_outputs, create_graph, strict, caller):
    """Sum over outputs of the VJPs with `grad_outputs`, for each input; zeros where an
    input does not reach any output (an error under `strict`)."""
    connected = [(out, g) for out, g in zip(outputs, grad_outputs) if out.requires_grad]
    results = [None] * len(inputs)
    if connected:
        results = grad([out for out, _ in connected], list(inputs),
                       grad_outputs=[g for _, g in connected], retain_graph=True,
                       create_graph=create_graph, allow_unused=True)
    for position, (result, x) in enumerate(zip(results, inputs)):
        if result is None and strict:
            raise RuntimeError(f"{caller}: the output is independent of input {position} (shape {x.shape}); "
                               "strict=True forbids this (strict=False returns zeros)")
    return tuple(zeros_like(x) if result is None else result for result, x in zip(results, inputs))


def _jacobian_blocks(outputs, inputs, create_graph, strict, strategy, caller):
    """blocks[i][j] = d outputs[i] / d inputs[j], shaped outputs[i].shape + inputs[j].shape."""
    if strategy == "reverse-mode":
        return [_reverse_mode_blocks(out, inputs, create_graph, strict, caller) for out in outputs]
    if strategy == "forward-mode":
        return [_forward_mode_blocks(out, inputs, create_graph, strict, caller) for out in outputs]
    raise ValueError(f"{caller}: strategy must be 'reverse-mode' or 'forward-mode', got {strategy!r}")


def _reverse_mode_blocks(output, inputs, create_graph, strict, caller):
    """One vjp per output element gives one row of every block."""
    rows = [_grads((output,), inputs, (_basis(output, k),), create_graph, strict, caller)
            for k in range(output.size)]
    return [_assemble([row[j] for row in rows], 0, output.shape + x.shape, x.dtype)
            for j, x in enumerate(inputs)]


def _forward_mode_blocks(output, inputs, create_graph, strict, caller):
    """One jvp per input element (the double-VJP trick) gives one column of a block."""
    dummy = zeros_like(output, requires_grad=True)
    transposed = _grads((output,), inputs, (dummy,), True, strict, caller)
    return [_assemble([_grads((t,), (dummy,), (_basis(x, k),), create_graph, strict, caller)[0]
                       for k in range(x.size)], -1, output.shape + x.shape, x.dtype)
            for t, x in zip(transposed, inputs)]


def _basis(reference, k):
    """The k-th unit array (in flat order) with `reference`'s shape and dtype."""
    unit = np.zeros(reference.shape, dtype=reference.dtype)
    unit.reshape(-1)[k] = 1
    return unit


def _assemble(pieces, axis, shape, dtype):
    """Stack rows (axis 0) or columns (axis -1) of flattened pieces into a block of `shape`."""
    if not pieces:
        return zeros(shape, dtype=dtype)
    return reshape(stack([reshape(piece, (-1,)) for piece in pieces], axis=axis), shape)


def _detached(tensors, create_graph):
    return tuple(tensors) if create_graph else tuple(t.detach() for t in tensors)


def _unpack(values, is_tuple):
    return tuple(values) if is_tuple else values[0]


def _unpack_blocks(blocks, outputs_tuple, inputs_tuple, create_graph):
    rows = [_unpack(_detached(row, create_graph), inputs_tuple) for row in blocks]
    return _unpack(rows, outputs_tuple)
