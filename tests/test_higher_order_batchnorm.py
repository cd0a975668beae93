"""Second derivatives through the composite BatchNorm (nn.functional.batch_norm, training=True)."""
import numpy as np
import pytest
import torch

import autograd
from autograd import functional
from nn import functional as F


def batch_norm(x, weight, bias):
    return F.batch_norm(x, None, None, weight, bias, training=True)


def torch_batch_norm(x, weight, bias):
    return torch.nn.functional.batch_norm(x, None, None, weight, bias, training=True)


@pytest.mark.parametrize("shape", [(5, 3), (4, 2, 3)])
def test_gradgradcheck_composite_batch_norm(rng, shape):
    channels = shape[1]
    inputs = [autograd.tensor(rng.standard_normal(s), requires_grad=True) for s in (shape, (channels,), (channels,))]
    assert autograd.gradgradcheck(batch_norm, inputs)


@pytest.mark.parametrize("shape", [(6, 3), (4, 2, 5)])
def test_double_backward_through_batch_norm_matches_torch_hvp(rng, shape):
    channels = shape[1]
    arrays = [rng.standard_normal(s) for s in (shape, (channels,), (channels,))]
    target = rng.standard_normal(shape)
    vectors = [rng.standard_normal(a.shape) for a in arrays]

    def loss(x, weight, bias):  # a curved loss, so that weight and bias have second derivatives too
        return ((batch_norm(x, weight, bias) - autograd.tensor(target)).tanh() ** 2).sum()

    def torch_loss(x, weight, bias):
        return ((torch_batch_norm(x, weight, bias) - torch.tensor(target)).tanh() ** 2).sum()

    inputs = [autograd.tensor(a, requires_grad=True) for a in arrays]
    gradients = autograd.grad(loss(*inputs), inputs, create_graph=True)
    sum((g * autograd.tensor(v)).sum() for g, v in zip(gradients, vectors)).backward()
    torch_inputs = [torch.tensor(a, requires_grad=True) for a in arrays]
    torch_gradients = torch.autograd.grad(torch_loss(*torch_inputs), torch_inputs, create_graph=True)
    sum((g * torch.tensor(v)).sum() for g, v in zip(torch_gradients, vectors)).backward()
    for mine, theirs in zip(inputs, torch_inputs):
        assert autograd.rel_error(mine.grad, theirs.grad.numpy()) < 1e-10

    _, products = functional.hvp(loss, tuple(autograd.tensor(a) for a in arrays),
                                 tuple(autograd.tensor(v) for v in vectors))
    for product, theirs in zip(products, torch_inputs):
        assert autograd.rel_error(product, theirs.grad.numpy()) < 1e-10


def test_fused_batch_norm_is_once_differentiable(rng):
    x = autograd.tensor(rng.standard_normal((5, 3)), requires_grad=True)
    out = F.batch_norm(x, None, None, training=True, fused=True)
    (first,) = autograd.grad((out ** 3).sum(), x, create_graph=True)
    with pytest.raises(RuntimeError, match="differentiable once"):
        autograd.grad(first.sum(), x)
