"""This project: the same workloads on autograd Tensors."""
import time

import numpy as np

import autograd as ag
import nn
from autograd import Tensor, ops
from nn import functional as F
from optim import Adam

from ..problems import ADAM_EPS, BETAS, BN_EPS, LR, bn_problem, mlp_gemm_operands, mlp_problem, moons, scalar_layers
from ..scalar import svm_loss


def mlp_step(batch, sizes, dtype):
    """nn.Sequential of Linear, BatchNorm1d(fused=True), ReLU; cross-entropy; optim.Adam."""
    x, labels, layers = mlp_problem(batch, sizes, dtype)
    modules = []
    for depth, (w, b) in enumerate(layers):
        linear = nn.Linear(w.shape[1], w.shape[0], dtype=w.dtype)
        linear.weight.copy_(w)
        linear.bias.copy_(b)
        modules.append(linear)
        if depth < len(layers) - 1:
            modules += [nn.BatchNorm1d(w.shape[0], eps=BN_EPS, fused=True, dtype=w.dtype), nn.ReLU()]
    model = nn.Sequential(*modules)
    adam = Adam(model.parameters(), lr=LR, betas=BETAS, eps=ADAM_EPS)
    x = Tensor(x)

    def step():
        adam.zero_grad()
        F.cross_entropy(model(x), labels).backward()
        adam.step()

    return step


def mlp_gemms(batch, sizes, dtype):
    """The GEMMs of one MLP step alone, as `autograd.linear` makes them: `ops.product` (np.dot, NumPy's BLAS)."""
    pairs = mlp_gemm_operands(batch, sizes, dtype)

    def step():
        for left, right in pairs:
            ops.product(left, right)

    return step


def _bn(n, c, dtype, fused):
    x, gamma, beta, grad_out = (Tensor(a, requires_grad=True) for a in bn_problem(n, c, dtype))
    grad_out = grad_out.data
    return lambda: F.batch_norm(x, None, None, gamma, beta, training=True, eps=BN_EPS,
                                fused=fused).backward(grad_out)


def bn_composite(n, c, dtype):
    """nn.functional.batch_norm from primitive ops, forward and backward."""
    return _bn(n, c, dtype, fused=False)


def bn_fused(n, c, dtype):
    """nn.functional.batch_norm with the hand-derived backward (fused=True), forward and backward."""
    return _bn(n, c, dtype, fused=True)


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
