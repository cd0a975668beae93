"""Shared test helpers: a NumPy and a PyTorch namespace with autograd's names."""
import types

import numpy as np
import pytest
import torch


def _reduced(losses, reduction):
    """Per-example losses reduced as PyTorch's `reduction` says."""
    return {"none": losses, "mean": np.mean(losses), "sum": np.sum(losses)}[reduction]


def _numpy_namespace():
    names = dict(vars(np))
    names.update(
        sigmoid=lambda x: 1 / (1 + np.exp(-x)),
        relu=lambda x: np.maximum(x, 0),
        linear=lambda x, w, b=None: x @ w.T if b is None else x @ w.T + b,
        softmax_cross_entropy=lambda x, target, reduction="none": _reduced(
            np.log(np.sum(np.exp(x - x.max(axis=1, keepdims=True)), axis=1)) + x.max(axis=1)
            - x[np.arange(len(target)), target], reduction),
        logsumexp=lambda x, axis=None, keepdims=False: np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims)),
        binary_cross_entropy_with_logits=lambda x, t: (1 - t) * x + np.log1p(np.exp(-x)),
    )
    return types.SimpleNamespace(**names)


def _torch_namespace():
    names = {name: getattr(torch, name) for name in dir(torch) if not name.startswith("_")}
    names.update(
        max=lambda x, axis=None, keepdims=False: torch.amax(x, dim=() if axis is None else axis, keepdim=keepdims),
        min=lambda x, axis=None, keepdims=False: torch.amin(x, dim=() if axis is None else axis, keepdim=keepdims),
        sum=lambda x, axis=None, keepdims=False: torch.sum(x, dim=axis, keepdim=keepdims),
        mean=lambda x, axis=None, keepdims=False: torch.mean(x, dim=axis, keepdim=keepdims),
        var=lambda x, axis=None, keepdims=False, ddof=0: torch.var(x, dim=axis, keepdim=keepdims, correction=ddof),
        std=lambda x, axis=None, keepdims=False, ddof=0: torch.std(x, dim=axis, keepdim=keepdims, correction=ddof),
        logsumexp=lambda x, axis=None, keepdims=False: torch.logsumexp(
            x, dim=tuple(range(x.ndim)) if axis is None else axis, keepdim=keepdims),
        transpose=lambda x, axes=None: x.permute(*(reversed(range(x.ndim)) if axes is None else axes)),
        expand_dims=torch.unsqueeze,
        squeeze=lambda x, axis=None: torch.squeeze(x) if axis is None else torch.squeeze(x, axis),
        concatenate=lambda xs, axis=0: torch.cat(xs, dim=axis),
        stack=lambda xs, axis=0: torch.stack(xs, dim=axis),
        astype=lambda x, dtype: x.to(getattr(torch, dtype)),
        reshape=lambda x, shape: torch.reshape(x, shape),
        linear=torch.nn.functional.linear,
        binary_cross_entropy_with_logits=lambda x, t: torch.nn.functional.binary_cross_entropy_with_logits(
            x, t, reduction="none"),
        softmax_cross_entropy=lambda x, target, reduction="none": torch.nn.functional.cross_entropy(
            x, torch.tensor(target), reduction=reduction),
    )
    return types.SimpleNamespace(**names)


NUMPY = _numpy_namespace()
TORCH = _torch_namespace()


@pytest.fixture
def rng():
    """A fresh, seeded NumPy generator for each test."""
    return np.random.default_rng(1234)


@pytest.fixture
def torch_float64():
    """Make float64 PyTorch's default dtype for the test, then restore it."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)
