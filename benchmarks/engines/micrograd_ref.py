"""micrograd (from PyPI): the scalar MLP of its demo."""
from micrograd.engine import Value

from ..problems import moons, scalar_layers
from ..scalar import svm_loss


def scalar_mlp(points, sizes):
    """Forward of the demo's loss over all points, then backward."""
    layers = [[([Value(w) for w in weights], Value(bias)) for weights, bias in layer]
              for layer in scalar_layers(sizes)]
    parameters = [p for layer in layers for weights, bias in layer for p in weights + [bias]]
    xs, ys = moons(points)
    inputs = [[Value(v) for v in point] for point in xs]

    def step():
        for p in parameters:
            p.grad = 0
        svm_loss(layers, inputs, ys, parameters).backward()

    return step
