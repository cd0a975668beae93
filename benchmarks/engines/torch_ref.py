"""PyTorch CPU eager, with the same layers, loss and optimizer."""
import torch
import torch.nn.functional as F

from ..problems import ADAM_EPS, BETAS, BN_EPS, LR, bn_problem, mlp_gemm_operands, mlp_problem


def mlp_step(batch, sizes, dtype):
    """nn.Sequential of Linear, BatchNorm1d, ReLU; cross-entropy; torch.optim.Adam."""
    x, labels, layers = mlp_problem(batch, sizes, dtype)
    modules = []
    for depth, (w, b) in enumerate(layers):
        linear = torch.nn.Linear(w.shape[1], w.shape[0], dtype=torch.from_numpy(w).dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(w))
            linear.bias.copy_(torch.from_numpy(b))
        modules.append(linear)
        if depth < len(layers) - 1:
            modules += [torch.nn.BatchNorm1d(w.shape[0], eps=BN_EPS, dtype=linear.weight.dtype), torch.nn.ReLU()]
    model = torch.nn.Sequential(*modules)
    adam = torch.optim.Adam(model.parameters(), lr=LR, betas=BETAS, eps=ADAM_EPS)
    x, labels = torch.from_numpy(x), torch.from_numpy(labels)

    def step():
        adam.zero_grad()
        F.cross_entropy(model(x), labels).backward()
        adam.step()

    return step


def mlp_gemms(batch, sizes, dtype):
    """The same GEMMs as `lab.mlp_gemms` (the same operands and layouts) in torch.matmul (its BLAS)."""
    pairs = [(torch.from_numpy(left), torch.from_numpy(right))
             for left, right in mlp_gemm_operands(batch, sizes, dtype)]

    def step():
        for left, right in pairs:
            torch.matmul(left, right)

    return step


def bn(n, c, dtype):
    """F.batch_norm in training mode, forward and backward."""
    x, gamma, beta, grad_out = (torch.from_numpy(a) for a in bn_problem(n, c, dtype))
    x.requires_grad_()
    gamma.requires_grad_()
    beta.requires_grad_()

    def step():
        x.grad = gamma.grad = beta.grad = None
        F.batch_norm(x, None, None, gamma, beta, training=True, eps=BN_EPS).backward(grad_out)

    return step
