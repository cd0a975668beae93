"""Anomaly detection: the first NaN or Inf in a forward or backward raises, naming the op."""
import os
import traceback

import numpy as np

from .grad_mode import _local
from .tensor import Tensor, shapes_text

_LIBRARY_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_LIBRARY_PACKAGES = tuple(os.path.join(_LIBRARY_ROOT, package) + os.sep for package in ("autograd", "nn", "optim"))


class AnomalyError(RuntimeError):
    """A NaN or Inf appeared in a forward output or a backward gradient."""


class detect_anomaly:
    """Within this block (per thread), the first op whose forward output or backward
    gradient holds a NaN or Inf raises `AnomalyError` naming the op, its module scope,
    its input shapes and the line of user code that created it."""

    def __init__(self, enabled=True):
        self.enabled = enabled

    def __enter__(self):
        state = _local.state
        self._previous = state.anomaly
        state.anomaly = self.enabled

    def __exit__(self, *exc):
        _local.state.anomaly = self._previous


def is_anomaly_enabled():
    """Whether anomaly detection is on in this thread."""
    return _local.state.anomaly


def user_frame():
    """'file:line in function' of the innermost caller outside the library."""
    for frame in reversed(traceback.extract_stack()):
        if not frame.filename.startswith(_LIBRARY_PACKAGES):
            return f"{frame.filename}:{frame.lineno} in {frame.name}: {(frame.line or '').strip()}"
    return "unknown location"


def describe(tensor):
    """The op that made `tensor`, its module scope, its input shapes and where it was created."""
    return (f"op {tensor.op} (scope: {_scope_text(tensor._scope)}; input shapes {shapes_text(tensor._parents)}; "
            f"created at {tensor._trace})")


def check_forward(name, inputs, out):
    """Raise if a forward output holds NaN or Inf."""
    if out.dtype.kind == "f" and not np.isfinite(out).all():
        raise AnomalyError(f"forward of op {name} produced {_bad_values(out)} "
                           f"(scope: {_scope_text(_local.state.scope)}; input shapes {shapes_text(inputs)}; "
                           f"at {user_frame()})")


def check_backward(tensor, parent_grads):
    """Raise if the backward of the op that made `tensor` produced NaN or Inf."""
    for position, grad in enumerate(parent_grads):
        values = grad.data if isinstance(grad, Tensor) else grad
        if values is not None and not np.isfinite(values).all():
            raise AnomalyError(f"backward of {describe(tensor)} produced {_bad_values(values)} "
                               f"in the gradient of input {position}")


def _scope_text(frames):
    return " > ".join(repr(frame) for frame in frames) or "no module"


def _bad_values(array):
    return f"{int(np.isnan(array).sum())} NaN and {int(np.isinf(array).sum())} Inf of {array.size} values"
