"""Loss modules: `loss_fn = MSELoss(); loss = loss_fn(prediction, target)`."""
from autograd.functions import check_reduction

from . import loss_functions
from .module import Module


class _Loss(Module):
    """A loss with a `reduction` ("mean", "sum" or "none") and a function of (input, target, reduction)."""

    function = None

    def __init__(self, reduction="mean"):
        super().__init__()
        check_reduction(reduction, type(self).__name__)
        self.reduction = reduction

    def forward(self, input, target):
        return self.function(input, target, self.reduction)


class MSELoss(_Loss):
    """Mean squared error: mean((input - target)^2)."""

    function = staticmethod(loss_functions.mse_loss)


class L1Loss(_Loss):
    """Mean absolute error: mean(|input - target|)."""

    function = staticmethod(loss_functions.l1_loss)


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy of logits (N, C) against integer class targets (N,)."""

    function = staticmethod(loss_functions.cross_entropy)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of logits against targets in [0, 1], computed stably."""

    function = staticmethod(loss_functions.binary_cross_entropy_with_logits)
