"""nn: modules, layers, losses and regularisers on autograd, with PyTorch's names and state-dict keys.

The showpiece is batch normalisation: `functional.batch_norm` composes it from primitive
ops (so autodiff derives the backward), `functional.batch_norm_backward` and
`functional.batch_norm_backward_staged` derive it by hand, and `BatchNorm1d(fused=True)`
runs it as one node with the hand-derived backward. `python -m nn` compares them all.
"""
from . import data, functional, init
from .activation import LeakyReLU, ReLU, Sigmoid, Softmax, Tanh
from .batchnorm import BatchNorm1d
from .container import Sequential
from .dropout import Dropout
from .layernorm import LayerNorm
from .linear import Linear
from .losses import BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss
from .module import Module
from .parameter import Parameter
from .regularizers import elastic_net, l1, l2
from .serialization import CheckpointError, load, save
from .weight_norm import weight_norm

__all__ = [
    "Module", "Parameter", "Sequential", "Linear", "ReLU", "Tanh", "Sigmoid", "LeakyReLU", "Softmax",
    "Dropout", "BatchNorm1d", "LayerNorm", "weight_norm",
    "MSELoss", "CrossEntropyLoss", "BCEWithLogitsLoss", "L1Loss", "l1", "l2", "elastic_net",
    "save", "load", "CheckpointError", "functional", "init", "data",
]
