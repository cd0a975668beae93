"""Functions that make tensors."""
import numpy as np

from .rng import default_rng
from .tensor import Tensor, _check_numeric, _shape


def _leaf(array, requires_grad, name=None):
    _check_numeric(array, requires_grad)
    tensor = Tensor._make(array, requires_grad)
    tensor.name = name
    return tensor


def tensor(data, requires_grad=False, dtype=None, name=None):
    """A new tensor holding a copy of `data` (as `torch.tensor`)."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype, name=name)


def as_tensor(value):
    """`value` itself if it is a Tensor, else a new constant tensor of it."""
    return value if isinstance(value, Tensor) else Tensor(value)


def zeros(*shape, dtype=np.float64, requires_grad=False):
    """A tensor of zeros: `zeros(2, 3)` or `zeros((2, 3))`."""
    return _leaf(np.zeros(_shape(shape), dtype=dtype), requires_grad)


def ones(*shape, dtype=np.float64, requires_grad=False):
    """A tensor of ones."""
    return _leaf(np.ones(_shape(shape), dtype=dtype), requires_grad)


def full(shape, fill_value, dtype=None, requires_grad=False):
    """A tensor of `shape` filled with `fill_value`."""
    return _leaf(np.full(_shape((shape,)), fill_value, dtype=dtype), requires_grad)


def zeros_like(other, dtype=None, requires_grad=False):
    """Zeros with the shape (and dtype) of `other`."""
    return _leaf(np.zeros_like(as_tensor(other).data, dtype=dtype), requires_grad)


def ones_like(other, dtype=None, requires_grad=False):
    """Ones with the shape (and dtype) of `other`."""
    return _leaf(np.ones_like(as_tensor(other).data, dtype=dtype), requires_grad)


def eye(n, m=None, dtype=np.float64, requires_grad=False):
    """The n-by-m identity matrix."""
    return _leaf(np.eye(n, m, dtype=dtype), requires_grad)


def arange(start, stop=None, step=1, dtype=None, requires_grad=False):
    """Evenly spaced values in [start, stop), as `numpy.arange`."""
    values = np.arange(start, stop, step, dtype=dtype) if stop is not None else np.arange(start, dtype=dtype)
    return _leaf(values, requires_grad)


def randn(*shape, rng=None, dtype=np.float64, requires_grad=False):
    """Standard normal samples from `rng` (default: the seeded default generator)."""
    rng = default_rng() if rng is None else rng
    return _leaf(rng.standard_normal(_shape(shape)).astype(dtype, copy=False), requires_grad)


def rand(*shape, rng=None, dtype=np.float64, requires_grad=False):
    """Uniform samples in [0, 1) from `rng` (default: the seeded default generator)."""
    rng = default_rng() if rng is None else rng
    return _leaf(rng.random(_shape(shape)).astype(dtype, copy=False), requires_grad)
