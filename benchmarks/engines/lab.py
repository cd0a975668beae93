"""This project: the same workloads on autograd Tensors."""
import time

import numpy as np

import autograd as ag
from autograd import Function, Tensor
from optim import Adam

from ..problems import ADAM_EPS, BETAS, BN_EPS, LR, bn_problem, mlp_problem, moons, scalar_layers
from ..scalar import svm_loss


def batch_norm(x, gamma, beta):
    """Batch norm over axis 0 composed of primitive ops (autodiff gives its backward)."""
    xhat = (x - x.mean(axis=0)) / ag.sqrt(x.var(axis=0) + BN_EPS)
    return gamma * xhat + beta


class FusedBatchNorm(Function):
    """Batch norm over axis 0 with the hand-derived backward."""

    @staticmethod
    def forward(ctx, x, gamma, beta):
        inv_std = 1 / np.sqrt(x.var(axis=0) + BN_EPS)
        xhat = (x - x.mean(axis=0)) * inv_std
        ctx.save_for_backward(xhat, inv_std, gamma)
        return gamma * xhat + beta

    @staticmethod
    def backward(ctx, grad_out):
        xhat, inv_std, gamma = ctx.saved
        grad_xhat = grad_out * gamma
        n = grad_out.shape[0]
        grad_x = inv_std / n * (n * grad_xhat - grad_xhat.sum(axis=0) - xhat * (grad_xhat * xhat).sum(axis=0))
        return grad_x, (grad_out * xhat).sum(axis=0), grad_out.sum(axis=0)


def cross_entropy(logits, labels):
    """Mean negative log-likelihood of integer labels under softmax(logits)."""
    picked = logits[np.arange(len(labels)), labels]
    return (logits.logsumexp(axis=1) - picked).mean()


def mlp_step(batch, sizes, dtype):
    """Linear, BatchNorm, ReLU per hidden layer, a Linear head, cross-entropy, Adam."""
    x, labels, layers = mlp_problem(batch, sizes, dtype)
    layers = [(Tensor(w, requires_grad=True), Tensor(b, requires_grad=True)) for w, b in layers]
    norms = [(ag.ones(len(b.data), dtype=dtype, requires_grad=True),
              ag.zeros(len(b.data), dtype=dtype, requires_grad=True)) for _, b in layers[:-1]]
    adam = Adam([p for layer in layers + norms for p in layer], lr=LR, betas=BETAS, eps=ADAM_EPS)
    x = Tensor(x)

    def step():
        adam.zero_grad()
        h = x
        for (w, b), (gamma, beta) in zip(layers, norms):
            h = batch_norm(h @ w.T + b, gamma, beta).relu()
        w, b = layers[-1]
        cross_entropy(h @ w.T + b, labels).backward()
        adam.step()

    return step


def _bn_inputs(n, c, dtype):
    x, gamma, beta, grad_out = bn_problem(n, c, dtype)
    return [Tensor(a, requires_grad=True) for a in (x, gamma, beta)], grad_out


def bn_composite(n, c, dtype):
    """Batch norm from primitive ops, forward and backward."""
    inputs, grad_out = _bn_inputs(n, c, dtype)
    return lambda: batch_norm(*inputs).backward(grad_out)


def bn_fused(n, c, dtype):
    """Batch norm with the hand-derived backward, forward and backward."""
    inputs, grad_out = _bn_inputs(n, c, dtype)
    return lambda: FusedBatchNorm.apply(*inputs).backward(grad_out)


def chain(length, width=16):
    """`length` elementwise ops on a small tensor, then backward; returns the two times."""
    x = ag.ones(width, requires_grad=True)

    def step():
        start = time.perf_counter()
        y = x
        for i in range(length):
            y = y * 0.999 if i % 2 else y + 0.001
        middle = time.perf_counter()
        y.backward(np.ones(width))
        return {"forward": middle - start, "backward": time.perf_counter() - middle}

    return step


def scalar_mlp(points, sizes):
    """micrograd's demo network with each scalar a 0-d Tensor."""
    layers = [[([Tensor(w, requires_grad=True) for w in weights], Tensor(bias, requires_grad=True))
               for weights, bias in layer] for layer in scalar_layers(sizes)]
    parameters = [p for layer in layers for weights, bias in layer for p in weights + [bias]]
    xs, ys = moons(points)
    inputs = [[Tensor(v) for v in point] for point in xs]

    def step():
        for p in parameters:
            p.grad = None
        svm_loss(layers, inputs, ys, parameters).backward()

    return step
