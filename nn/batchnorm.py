"""BatchNorm1d: batch normalisation as a module, with PyTorch's buffers and running-stat rules."""
import numpy as np

from autograd import as_tensor, ones, tensor, zeros

from .batchnorm_functional import batch_norm_of_checked_input, check_batch_norm_input
from .module import Module
from .parameter import Parameter


class BatchNorm1d(Module):
    """Batch normalisation over (N, C) or (N, C, L) input (Ioffe & Szegedy 2015).

    Training: y = weight * (x - mean) / sqrt(var + eps) + bias with the batch's mean and
    biased variance, composed of primitive ops so autodiff derives the backward
    (fused=True: one node with the hand-derived backward instead, equal up to rounding). The
    running averages are updated as PyTorch does: running = (1 - momentum) * running +
    momentum * batch, with the unbiased variance; momentum=None gives the cumulative
    average (momentum = 1 / num_batches_tracked). Eval: normalise with the running stats.
    track_running_stats=False: no buffers, batch statistics in both modes. bias=False
    (keyword, as PyTorch 2.13) keeps the scale but drops the shift.
    State-dict keys: weight, bias, running_mean, running_var, num_batches_tracked.
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 fused=False, dtype=np.float64, *, bias=True):
        super().__init__()
        if not isinstance(num_features, (int, np.integer)) or num_features < 1:
            raise ValueError(f"BatchNorm1d: num_features must be a positive int, got {num_features!r}")
        if eps <= 0:
            raise ValueError(f"BatchNorm1d: eps must be positive, got {eps}")
        if momentum is not None and not 0 <= momentum <= 1:
            raise ValueError(f"BatchNorm1d: momentum must be in [0, 1] or None, got {momentum}")
        self.num_features = int(num_features)
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        self.fused = fused
        if affine:
            self.weight = Parameter(np.ones(num_features, dtype=dtype))
        else:
            self.register_parameter("weight", None)
        if affine and bias:
            self.bias = Parameter(np.zeros(num_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", zeros(num_features, dtype=dtype))
            self.register_buffer("running_var", ones(num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", tensor(0, dtype=np.int64))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self):
        """Running mean 0, running variance 1, no batches tracked."""
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.copy_(1)
            self.num_batches_tracked.zero_()

    def forward(self, input):
        """Normalise `input`; in training mode with tracked stats, update the running averages."""
        input = as_tensor(input)
        check_batch_norm_input(input, type(self).__name__)
        if input.shape[1] != self.num_features:
            raise ValueError(f"{type(self).__name__}: input of shape {input.shape} has {input.shape[1]} channels, "
                             f"expected num_features={self.num_features}")
        update_stats = self.training and self.track_running_stats
        momentum = 0.0 if self.momentum is None else self.momentum
        if update_stats and self.momentum is None:
            momentum = 1.0 / (self.num_batches_tracked.item() + 1)  # the cumulative average
        out = batch_norm_of_checked_input(input, self.running_mean, self.running_var, self.weight, self.bias,
                                          self.training or not self.track_running_stats, momentum, self.eps, self.fused)
        if update_stats:
            self.num_batches_tracked.data[()] += 1  # on the 0-d array's scalar: a tenth of an in-place ufunc's time
            self.num_batches_tracked.mark_modified(type(self).__name__)
        return out

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}" + (", fused=True" if self.fused else ""))
