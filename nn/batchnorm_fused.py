"""Batch norm as a single graph node whose backward is the compact hand-derived formula."""
from autograd import Function

from .batchnorm_backward import compact_backward
from .batchnorm_steps import gamma_array, normalize_batch, scale_and_shift


class FusedBatchNorm(Function):
    """Training-mode batch norm in one node: `FusedBatchNorm.apply(x, weight, bias, eps)`.

    The forward runs the same steps as the composite version on arrays; the backward is
    `compact_backward` (dx = gamma / (m sigma) * (m dy - sum(dy) - xhat sum(dy xhat))).
    `weight` and `bias` may be None (affine=False).
    """

    @staticmethod
    def forward(ctx, x, weight, bias, eps):
        steps = normalize_batch(x, eps)
        ctx.save_for_backward(steps.xhat, steps.std, gamma_array(weight, x))
        return scale_and_shift(steps.xhat, weight, bias)

    @staticmethod
    def backward(ctx, grad_out):
        xhat, std, gamma = ctx.saved
        grad_x, grad_weight, grad_bias = compact_backward(grad_out, xhat, std, gamma)
        return grad_x, grad_weight, grad_bias, None
