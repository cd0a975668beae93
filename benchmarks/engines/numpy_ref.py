"""Hand-written naive NumPy: the forward, the backward derived by hand, and Adam."""
import numpy as np

from ..problems import ADAM_EPS, BETAS, BN_EPS, LR, bn_problem, mlp_problem


def bn_forward(z, gamma, beta):
    """Batch norm over axis 0; returns the output and what the backward needs."""
    mean = z.mean(axis=0)
    inv_std = 1 / np.sqrt(z.var(axis=0) + BN_EPS)
    xhat = (z - mean) * inv_std
    return gamma * xhat + beta, (xhat, inv_std)


def bn_backward(grad_out, gamma, cache):
    """Gradients of input, scale and shift from the textbook formula."""
    xhat, inv_std = cache
    grad_xhat = grad_out * gamma
    n = grad_out.shape[0]
    grad_z = inv_std / n * (n * grad_xhat - grad_xhat.sum(axis=0) - xhat * (grad_xhat * xhat).sum(axis=0))
    return grad_z, (grad_out * xhat).sum(axis=0), grad_out.sum(axis=0)


class Adam:
    """Adam on a list of arrays, written the obvious way (temporaries everywhere)."""

    def __init__(self, params):
        self.params = params
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = 0

    def step(self, grads):
        self.t += 1
        beta1, beta2 = BETAS
        for i, (p, g) in enumerate(zip(self.params, grads)):
            self.m[i] = beta1 * self.m[i] + (1 - beta1) * g
            self.v[i] = beta2 * self.v[i] + (1 - beta2) * g * g
            m_hat = self.m[i] / (1 - beta1 ** self.t)
            v_hat = self.v[i] / (1 - beta2 ** self.t)
            p -= LR * m_hat / (np.sqrt(v_hat) + ADAM_EPS)


def mlp_step(batch, sizes, dtype):
    """Linear, BatchNorm, ReLU per hidden layer, a Linear head, cross-entropy, Adam."""
    x, labels, layers = mlp_problem(batch, sizes, dtype)
    hidden = [(w, b, np.ones(len(b), dtype), np.zeros(len(b), dtype)) for w, b in layers[:-1]]
    head = layers[-1]
    params = [p for layer in hidden for p in layer] + list(head)
    adam = Adam(params)
    rows = np.arange(batch)

    def step():
        caches, h = [], x
        for w, b, gamma, beta in hidden:
            a, bn_cache = bn_forward(h @ w.T + b, gamma, beta)
            caches.append((h, a, bn_cache))
            h = np.maximum(a, 0)
        logits = h @ head[0].T + head[1]
        shifted = logits - logits.max(axis=1, keepdims=True)
        probs = np.exp(shifted)
        probs /= probs.sum(axis=1, keepdims=True)
        grad = probs
        grad[rows, labels] -= 1
        grad /= batch
        grads = [grad.T @ h, grad.sum(axis=0)]
        grad_h = grad @ head[0]
        for depth in reversed(range(len(hidden))):
            w, _, gamma, _ = hidden[depth]
            h_in, a, bn_cache = caches[depth]
            grad_z, grad_gamma, grad_beta = bn_backward(grad_h * (a > 0), gamma, bn_cache)
            grads[:0] = [grad_z.T @ h_in, grad_z.sum(axis=0), grad_gamma, grad_beta]
            if depth:
                grad_h = grad_z @ w
        adam.step(grads)

    return step


def bn(n, c, dtype):
    """Batch norm forward and hand-derived backward."""
    x, gamma, beta, grad_out = bn_problem(n, c, dtype)

    def step():
        _, cache = bn_forward(x, gamma, beta)
        bn_backward(grad_out, gamma, cache)

    return step


def gemm(n, dtype):
    """One n x n matrix product, to measure the machine's GEMM rate."""
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, n, n)).astype(dtype)
    out = np.empty((n, n), dtype)

    def step():
        np.matmul(a, b, out=out)

    return step
