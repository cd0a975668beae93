"""Weight normalisation (Salimans & Kingma 2016): w = g * v / ||v||."""
from autograd import ops

from .module import Module
from .parameter import Parameter


def _norm_except_dim(v, dim):
    """||v|| over every axis but `dim`, keeping dims; 0-d over all axes when dim is None. On arrays and Tensors."""
    axes = tuple(a for a in range(v.ndim) if a != dim)
    return ops.sqrt(ops.sum(v ** 2, axis=axes, keepdims=dim is not None))


def weight_norm(module, name="weight", dim=0):
    """Replace parameter `name` of `module` by `name_g` (magnitude) and `name_v` (direction).

    Before every forward, `module.<name>` is recomputed as g * v / ||v|| from primitive ops,
    so gradients reach g and v by autodiff. The norm is over every axis but `dim` (g has
    v's shape with 1 everywhere but `dim`; for Linear and dim=0, g is (out_features, 1), as
    PyTorch); dim=None, and dim=-1 as PyTorch reads it, normalise over the whole tensor (g is 0-d).
    State-dict keys: `<name>_g`, `<name>_v`, as torch.nn.utils.weight_norm. Returns `module`.
    """
    if not isinstance(module, Module):
        raise TypeError(f"weight_norm: module must be an nn.Module, got {type(module).__name__}")
    weight = module._parameters.get(name)
    if weight is None:
        raise ValueError(f"weight_norm: {type(module).__name__} has no parameter {name!r}")
    if dim is not None:
        if not isinstance(dim, int) or isinstance(dim, bool):
            raise TypeError(f"weight_norm: dim must be an int or None, got {type(dim).__name__}")
        if not -weight.ndim <= dim < weight.ndim:
            raise ValueError(f"weight_norm: dim {dim} is out of range for {name!r} of shape {weight.shape}")
        dim = None if dim == -1 else dim % weight.ndim
    delattr(module, name)
    module.register_parameter(f"{name}_g", Parameter(_norm_except_dim(weight.data, dim)))
    module.register_parameter(f"{name}_v", Parameter(weight.data.copy()))

    def compute_weight(target, inputs):
        v = target._parameters[f"{name}_v"]
        g = target._parameters[f"{name}_g"]
        object.__setattr__(target, name, v * (g / _norm_except_dim(v, dim)))

    compute_weight(module, ())
    module.register_forward_pre_hook(compute_weight)
    return module
