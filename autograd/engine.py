"""The backward engine: an iterative topological walk that accumulates gradients."""
import sys

import numpy as np
from numpy import ndarray  # read per op: a global is cached, np.<name> is not (NumPy has a module __getattr__)

from . import anomaly
from .grad_mode import _local, enable_grad, no_grad
from .tensor import Tensor


def postorder(roots, all_parents=False):
    """Every tensor behind `roots`, each once and after all its parents.

    The walk follows parents that require grad (what backward needs), or every parent
    with `all_parents=True` (what graph drawing shows). It is a depth-first search, first
    parent first, kept on one stack (no recursion, so a chain of any length works) that
    holds only tensors and markers: an iterator per step down would be an object for the
    garbage collector to scan in every full collection while a long chain is walked.
    """
    order, seen = [], set()  # tensors hash by identity
    for root in roots:
        stack = [root]
        while stack:
            tensor = stack.pop()
            if tensor is None:  # the marker above a tensor whose parents are all placed: it follows them
                order.append(stack.pop())
            elif tensor not in seen:  # a tensor pushed twice is expanded once, by its later (upper) copy
                seen.add(tensor)
                if not tensor._parents:  # a leaf has nothing to place before it
                    order.append(tensor)
                    continue
                stack.append(tensor)
                stack.append(None)
                for parent in reversed(tensor._parents):  # the first parent ends on top: it is walked first
                    if parent not in seen and (all_parents or parent._requires_grad):
                        stack.append(parent)
    return order


def toposort(roots):
    """Every tensor that leads to `roots` and requires grad, each before its parents (backward's order)."""
    order = postorder(roots)
    order.reverse()
    return order


def _initial_grad(output, grad, create_graph, where):
    if grad is None:
        if output.data.size != 1:
            raise RuntimeError(
                f"{where}: grad can be created implicitly only for a one-element output, "
                f"got shape {output.shape}; pass grad= with that shape (e.g. ones_like(output)) or reduce first")
        grad = np.ones_like(output.data)
    grad_data = grad.data if isinstance(grad, Tensor) else np.asarray(grad)
    if grad_data.shape != output.shape:
        raise ValueError(f"{where}: grad has shape {grad_data.shape} but the output has shape {output.shape}")
    if grad_data.dtype != output.dtype:
        raise TypeError(f"{where}: grad has dtype {grad_data.dtype} but the output has dtype {output.dtype}; "
                        f"cast it with .astype({str(output.dtype)!r})")
    if create_graph:
        return grad if isinstance(grad, Tensor) else Tensor._make(grad_data)
    return grad_data


def run_backward(outputs, grads, retain_graph, create_graph, inputs=None, where="backward"):
    """Propagate `grads` from `outputs` through the graph.

    With `inputs=None`, add into every reached leaf's `.grad`; otherwise return the
    gradients of `inputs` (None where unreached) and leave `.grad` alone.
    """
    for position, output in enumerate(outputs):
        if not isinstance(output, Tensor):
            raise TypeError(f"{where}: outputs[{position}] must be a Tensor, got {type(output).__name__}")
        if not output._requires_grad:
            raise RuntimeError(
                f"{where}: the output does not require grad (no input has requires_grad=True, "
                "or it was computed under no_grad)")
    pending = {}  # tensor -> the sum of the gradients reaching it so far
    _add_to_pending(pending, outputs, [_initial_grad(output, grad, create_graph, where)
                                       for output, grad in zip(outputs, grads)])
    order = postorder(outputs)  # walked in reverse: every tensor before its parents
    nodes = _walkable_nodes(order, where)
    wanted = None  # tensor -> its positions in `inputs` (a tensor may be given twice)
    if inputs is not None:
        wanted = {}
        for position, tensor in enumerate(inputs):
            wanted.setdefault(tensor, []).append(position)
    results = [None] * (0 if inputs is None else len(inputs))
    retained = []  # (non-leaf whose grad is kept: one that retains it, or one of `inputs`, the grad)
    anomaly_mode = _local.state.anomaly
    with enable_grad() if create_graph else no_grad():
        for tensor in reversed(order):
            op = tensor._op
            if op is None:
                continue  # a leaf's gradient stays in `pending` until the walk is over
            grad = pending.pop(tensor, None)
            if grad is None:
                continue
            kept = tensor._retains_grad if wanted is None else tensor in wanted
            if kept:
                retained.append((tensor, grad))
            parents = tensor._parents
            needs_grad, parent_values = [], []  # one loop: a comprehension is a call (CPython <= 3.11)
            for parent in parents:
                needs_grad.append(parent._requires_grad)
                parent_values.append(parent if create_graph else parent.data)
            value = tensor if create_graph else tensor.data  # VJPs on Tensors record a graph, on arrays they compute
            parent_grads = op.vjp(grad, value, parent_values, tensor._params, needs_grad, create_graph)
            if anomaly_mode:
                anomaly.check_backward(tensor, parent_grads)
            _add_to_pending(pending, parents, parent_grads)
            del parent_grads  # the engine holds each gradient in `pending` only (see _add_to_grad)
    # Only now does any .grad change, so that an error in the walk leaves every one as it was; `pending` now
    # holds the leaves' gradients. The walk's last gradient may be a leaf's too (add passes its own on): this
    # frame lets go of it before adoption counts the references.
    grad = None
    if wanted is None:
        _store_grads(pending, retained, create_graph)
    else:
        for tensor, grad in [*retained, *pending.items()]:
            for position in wanted.get(tensor, ()):
                results[position] = grad
    if not retain_graph:
        for tensor in nodes:
            tensor._freed = True
    return results


def _store_grads(leaf_grads, retained, create_graph):
    """Add each gradient into its tensor's `.grad`: the leaves' (`leaf_grads` maps each leaf to its gradient, and is
    emptied) and those of the non-leaves that retain theirs (`retained`: (tensor, gradient) pairs)."""
    for tensor, grad in retained:
        _add_to_grad(tensor, grad, adoptable=False)
    # A gradient may become a leaf's .grad without a copy when only the engine refers to it. Reference
    # counts say so only for plain arrays (not in create_graph, where Tensors wrap them) and only
    # without a trace or profile function (a debugger's or coverage's snapshot of locals adds references).
    adopting = not create_graph and sys.gettrace() is None and sys.getprofile() is None
    probe = object()  # a local that nothing else refers to: the reference count of an unshared gradient
    unshared = sys.getrefcount(probe)
    while leaf_grads:
        tensor, grad = leaf_grads.popitem()
        adoptable = adopting and sys.getrefcount(grad) == unshared  # counted before the call's arguments add theirs
        _add_to_grad(tensor, grad, adoptable)


def _walkable_nodes(tensors, where):
    """The tensors among `tensors` that ops made; first refuse a graph that a backward already walked, or whose
    saved inputs changed in place since (before any gradient moves, so a refused backward changes nothing)."""
    nodes = []
    for tensor in tensors:
        if tensor._op is None:
            continue
        if tensor._freed:
            raise RuntimeError(
                f"{where}: this graph was already walked by a backward (through op {tensor.op}); "
                "pass retain_graph=True to the first backward to walk it again")
        versions = []  # a loop: a comprehension is a call (CPython <= 3.11)
        for parent in tensor._parents:
            versions.append(parent._version)
        if tensor._saved_versions != tuple(versions):
            _refuse_modified(tensor, where)
        nodes.append(tensor)
    return nodes


def _refuse_modified(tensor, where):
    """Raise the error that names the input of `tensor`'s op that changed in place since the forward."""
    for position, (parent, version) in enumerate(zip(tensor._parents, tensor._saved_versions)):
        if parent._version != version:
            label = f"{parent.name!r} " if parent.name else ""
            raise RuntimeError(
                f"{where}: input {position} {label}(shape {parent.shape}) of op {tensor.op} was modified in place "
                f"by {parent._modified_by} after the op used it (version {version}, now {parent._version}); "
                "its gradient would be wrong. Recompute the forward after the update (e.g. call backward "
                "before optimizer.step())")


def _add_to_pending(pending, tensors, grads):
    """Add each gradient that is not None to the sum `pending` holds for its tensor (a first one is taken as it is)."""
    for tensor, grad in zip(tensors, grads):
        if grad is not None:
            total = pending.get(tensor)
            pending[tensor] = grad if total is None else total + grad


def _add_to_grad(tensor, grad, adoptable):
    """Add `grad` into `tensor.grad`; a first gradient becomes `.grad` itself or a copy of it.

    `adoptable` says that nothing but the engine refers to the `grad` array (a fresh result of
    a VJP, not the caller's array nor one shared with another tensor); if it also owns its
    memory in the tensor's layout, it becomes `.grad` as it is (as PyTorch's AccumulateGrad
    steals an unshared gradient). Otherwise `.grad` is a copy in the tensor's own layout.
    """
    grad = grad.data if isinstance(grad, Tensor) else grad
    if tensor.grad is not None:
        tensor.grad += grad
    elif adoptable and _same_layout(grad, tensor.data):
        tensor.grad = grad
    else:  # a transposed or broadcast grad would slow every update
        tensor.grad = np.empty_like(tensor.data)
        np.copyto(tensor.grad, grad, casting="unsafe")


def _same_layout(grad, data):
    """Whether `grad` owns writeable C-ordered memory of `data`'s shape and dtype (and `data` is C-ordered)."""
    if type(grad) is not ndarray or grad.base is not None or grad.shape != data.shape or grad.dtype != data.dtype:
        return False
    flags = grad.flags  # a new flags object at every read
    return flags.writeable and flags.c_contiguous and data.flags.c_contiguous


def backward(output, grad=None, retain_graph=False, create_graph=False):
    """Accumulate the gradient of `output` into the `.grad` of every leaf it depends on.

    create_graph=True records the backward and keeps the graph (as retain_graph=True), but
    `.grad` stays a NumPy array of values: to differentiate a gradient again, take it as a
    Tensor from `grad(..., create_graph=True)`. A backward *of* such a gradient fills
    `.grad` with second derivatives (e.g. a Hessian-vector product).
    """
    run_backward([output], [grad], retain_graph or create_graph, create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False):
    """Gradients of `outputs` with respect to `inputs`, returned as a tuple of Tensors.

    Leaves' `.grad` are not touched. With create_graph=True the results are on the
    graph and can be differentiated again.
    """
    outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    single = isinstance(inputs, Tensor)
    inputs = [inputs] if single else list(inputs)
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif isinstance(grad_outputs, (Tensor, np.ndarray)):
        grad_outputs = [grad_outputs]
    for position, tensor in enumerate(inputs):
        if not isinstance(tensor, Tensor) or not tensor._requires_grad:
            raise ValueError(f"grad: inputs[{position}] must be a Tensor that requires grad")
    retain_graph = create_graph if retain_graph is None else retain_graph
    results = run_backward(outputs, grad_outputs, retain_graph, create_graph, inputs=inputs, where="grad")
    for position, result in enumerate(results):
        if result is None and not allow_unused:
            raise RuntimeError(
                f"grad: inputs[{position}] (shape {inputs[position].shape}) was not used to compute the "
                "outputs; pass allow_unused=True to get None for it")
    return tuple(r if r is None or isinstance(r, Tensor) else Tensor._make(np.asarray(r)) for r in results)
