"""The data every engine starts from, so that all engines compute the same thing."""
import numpy as np

LR = 1e-3
BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8
BN_EPS = 1e-5
SVM_ALPHA = 1e-4


def mlp_problem(batch, sizes, dtype, seed=0):
    """Inputs, integer labels and (weight, bias) per layer in PyTorch's layout."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, sizes[0])).astype(dtype)
    labels = rng.integers(0, sizes[-1], batch)
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        bound = 1 / np.sqrt(n_in)
        layers.append((rng.uniform(-bound, bound, (n_out, n_in)).astype(dtype),
                       rng.uniform(-bound, bound, n_out).astype(dtype)))
    return x, labels, layers


def mlp_flops(batch, sizes):
    """Matmul FLOPs of one training step: forward, weight grads, and input grads past layer one."""
    products = [batch * n_in * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    return 2 * (3 * sum(products) - products[0])


def mlp_gemm_operands(batch, sizes, dtype, seed=0):
    """The operand pairs of one MLP training step's GEMMs, in the layouts `autograd.linear` multiplies:
    per layer the forward x @ W.T, the weight gradient g.T @ x and, past layer one, the input gradient g @ W
    (W in PyTorch's (out, in) layout, all arrays C-ordered). Their FLOPs are `mlp_flops`."""
    rng = np.random.default_rng(seed)
    pairs = []
    for depth, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        x, weight, grad_out = (rng.standard_normal(shape).astype(dtype)
                               for shape in ((batch, n_in), (n_out, n_in), (batch, n_out)))
        pairs += [(x, weight.T), (grad_out.T, x)] + ([(grad_out, weight)] if depth else [])
    return pairs


def bn_problem(n, c, dtype, seed=0):
    """Input, scale, shift and an output gradient for batch norm over axis 0."""
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n, c)).astype(dtype), rng.uniform(0.5, 1.5, c).astype(dtype),
            rng.standard_normal(c).astype(dtype), rng.standard_normal((n, c)).astype(dtype))


def moons(points, seed=0):
    """Two interleaved half circles with labels -1 and 1, as in micrograd's demo."""
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0, np.pi, points)
    upper = rng.integers(0, 2, points).astype(bool)
    x = np.where(upper, np.cos(angle), 1 - np.cos(angle))
    y = np.where(upper, np.sin(angle), 0.5 - np.sin(angle))
    noise = rng.normal(0, 0.1, (points, 2))
    return (np.stack([x, y], axis=1) + noise).tolist(), np.where(upper, -1.0, 1.0).tolist()


def scalar_layers(sizes, seed=0):
    """Weights of micrograd's MLP as nested lists: per layer, per neuron, (weights, bias)."""
    rng = np.random.default_rng(seed)
    return [[(rng.uniform(-1, 1, n_in).tolist(), 0.0) for _ in range(n_out)]
            for n_in, n_out in zip(sizes[:-1], sizes[1:])]
