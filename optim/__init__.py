"""optim: update rules over lists of parameters, learning-rate schedules and early stopping.

    >>> from autograd import tensor
    >>> from optim import SGD
    >>> w = tensor([1.0, -2.0], requires_grad=True)
    >>> opt = SGD([w], lr=0.1, momentum=0.9)
    >>> (w * w).sum().backward(); opt.step(); opt.zero_grad()
    >>> w.data
    array([ 0.8, -1.6])

Names, defaults and numbers follow `torch.optim`; `optim` never imports `nn`.
"""
from . import lr_scheduler
from .adam import Adam, Adamax, AdamW, NAdam, RAdam
from .adaptive import Adadelta, Adagrad, RMSprop
from .asgd import ASGD
from .coordinate_descent import CoordinateDescent
from .early_stopping import EarlyStopping
from .lbfgs import LBFGS
from .optimizer import Optimizer
from .sgd import SGD
from .sign import Lion, Rprop

__all__ = [
    "Optimizer", "SGD", "Adagrad", "Adadelta", "RMSprop", "Adam", "AdamW", "Adamax", "NAdam", "RAdam",
    "Rprop", "ASGD", "LBFGS", "Lion", "CoordinateDescent", "EarlyStopping", "lr_scheduler",
]
