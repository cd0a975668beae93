"""micrograd's demo loss, written once for any scalar type with `+`, `*` and `relu()`."""
from .problems import SVM_ALPHA


def neuron(inputs, weights, bias, nonlinear):
    """sum(w * x) + b, through a ReLU unless it is the output neuron."""
    act = sum((w * x for w, x in zip(weights, inputs)), bias)
    return act.relu() if nonlinear else act


def mlp(layers, inputs):
    """The scalar network's output for one point."""
    for depth, layer in enumerate(layers):
        nonlinear = depth != len(layers) - 1
        inputs = [neuron(inputs, weights, bias, nonlinear) for weights, bias in layer]
    return inputs[0]


def svm_loss(layers, points, labels, parameters):
    """Max-margin loss over all points plus L2 regularisation (micrograd's demo)."""
    scores = [mlp(layers, point) for point in points]
    losses = [(1 + -label * score).relu() for label, score in zip(labels, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    return data_loss + SVM_ALPHA * sum(p * p for p in parameters)
