"""The example graph that `python -m autograd` writes: a small MLP with BatchNorm, built from primitives."""
import os
import shutil

import numpy as np

from ..grad_mode import scope
from ..tensor import Tensor
from .graph import draw_graph


def _parameter(name, data):
    tensor = Tensor(data, requires_grad=True, name=name)
    tensor.role = "parameter"
    return tensor


def _linear(path, x, in_features, out_features, rng):
    """x @ weight.T + bias, with PyTorch's (out_features, in_features) weight."""
    weight = _parameter(f"{path}.weight", rng.normal(0, in_features ** -0.5, (out_features, in_features)))
    bias = _parameter(f"{path}.bias", np.zeros(out_features))
    with scope(path, "Linear"):
        return x @ weight.T + bias


def _batch_norm(path, x, eps=1e-5):
    """Training-mode batch norm over the batch axis, op by op."""
    weight = _parameter(f"{path}.weight", np.ones(x.shape[1]))
    bias = _parameter(f"{path}.bias", np.zeros(x.shape[1]))
    with scope(path, "BatchNorm1d"):
        centred = x - x.mean(axis=0, keepdims=True)
        variance = (centred ** 2).mean(axis=0, keepdims=True)
        return centred / (variance + eps).sqrt() * weight + bias


def example_loss(batch=16, rng=None):
    """MSE loss of Linear(3, 8) -> BatchNorm1d(8) -> ReLU -> Linear(8, 1) on random data, in module scopes."""
    rng = np.random.default_rng(0) if rng is None else rng
    x = Tensor(rng.normal(size=(batch, 3)), name="x")
    target = Tensor(rng.normal(size=(batch, 1)), name="target")
    with scope("net", "Sequential"):
        hidden = _linear("net.0", x, 3, 8, rng)
        hidden = _batch_norm("net.1", hidden)
        with scope("net.2", "ReLU"):
            hidden = hidden.relu()
        prediction = _linear("net.3", hidden, 8, 1, rng)
    with scope("loss", "MSELoss"):
        loss = ((prediction - target) ** 2).mean()
    loss.name = "loss"
    return loss


def write_example_graph(directory="out"):
    """Write the example MLP's graph (after one backward, grads shown) to `directory`; return the path.

    The SVG when Graphviz's `dot` is installed, else the DOT source (`.gv`).
    """
    loss = example_loss()
    loss.backward()
    graph = draw_graph(loss, show_data=True, show_grad=True)
    os.makedirs(directory, exist_ok=True)
    stem = os.path.join(directory, "mlp_batchnorm_graph")
    if shutil.which(graph.engine) is None:
        return graph.save(stem + ".gv")
    return graph.render(stem, format="svg", cleanup=True)
