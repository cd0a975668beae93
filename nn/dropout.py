"""Dropout: inverted dropout as a module."""
from . import functional as F
from .module import Module


class Dropout(Module):
    """In training, zero each element with probability p and scale the others by 1 / (1 - p); identity in eval.

    `rng` is a numpy Generator (default: autograd's default generator, read at each call).
    """

    def __init__(self, p=0.5, rng=None):
        super().__init__()
        if not 0 <= p <= 1:
            raise ValueError(f"Dropout: p must be a probability in [0, 1], got {p}")
        self.p = p
        self.rng = rng

    def forward(self, input):
        return F.dropout(input, self.p, self.training, self.rng)

    def extra_repr(self):
        return f"p={self.p}"
