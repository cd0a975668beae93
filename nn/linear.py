"""Linear: the affine layer y = x W^T + b."""
import math

import numpy as np

from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter


class Linear(Module):
    """y = x W^T + b with W of shape (out_features, in_features), as PyTorch.

    Initialised as PyTorch: W by kaiming_uniform_(a=sqrt(5)), i.e. U(-1/sqrt(in), 1/sqrt(in)),
    and b from the same U(-1/sqrt(in), 1/sqrt(in)); `rng` is a numpy Generator
    (default: autograd's default generator).
    """

    def __init__(self, in_features, out_features, bias=True, dtype=np.float64, rng=None):
        super().__init__()
        for label, value in (("in_features", in_features), ("out_features", out_features)):
            if not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"Linear: {label} must be a positive int, got {value!r}")
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        self.weight = Parameter(np.empty((out_features, in_features), dtype=dtype))
        init.kaiming_uniform_(self.weight, a=math.sqrt(5), rng=rng)
        if bias:
            bound = 1 / math.sqrt(in_features)
            self.bias = init.uniform_(Parameter(np.empty(out_features, dtype=dtype)), -bound, bound, rng)
        else:
            self.register_parameter("bias", None)

    def forward(self, input):
        """x W^T + b."""
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
