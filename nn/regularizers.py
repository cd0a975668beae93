"""Penalties on parameters as graph ops: add them to the loss and backward does the rest.

Relation to an optimizer's weight_decay: l2(params, lam) = lam * sum w^2 adds
2 * lam * w to each gradient, which is what SGD's weight_decay=wd adds (wd * w) when
wd = 2 * lam. (For Adam the two differ: weight_decay there is added before the adaptive
scaling, and AdamW's decoupled decay is not a loss term at all.)
"""
from autograd import Tensor


def _parameters(params, lam, op):
    params = list(params)
    if not params:
        raise ValueError(f"{op}: params is empty")
    for position, param in enumerate(params):
        if not isinstance(param, Tensor):
            raise TypeError(f"{op}: params[{position}] must be a Tensor, got {type(param).__name__}")
    if lam < 0:
        raise ValueError(f"{op}: lam must be non-negative, got {lam}")
    return params


def _total(terms):
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def l1(params, lam):
    """lam * sum |w| over every parameter (lasso); its gradient is lam * sign(w)."""
    params = _parameters(params, lam, "l1")
    return lam * _total([param.abs().sum() for param in params])


def l2(params, lam):
    """lam * sum w^2 over every parameter (ridge); its gradient is 2 * lam * w, i.e. weight_decay = 2 * lam."""
    params = _parameters(params, lam, "l2")
    return lam * _total([(param ** 2).sum() for param in params])


def elastic_net(params, lam, l1_ratio=0.5):
    """lam * (l1_ratio * sum |w| + (1 - l1_ratio) * sum w^2): l1 and l2 mixed, with l1 and l2's scales.

    l1_ratio=1 is `l1(params, lam)`, 0 is `l2(params, lam)`. (scikit-learn halves the squared term; this does not.)
    """
    if not 0 <= l1_ratio <= 1:
        raise ValueError(f"elastic_net: l1_ratio must be in [0, 1], got {l1_ratio}")
    params = _parameters(params, lam, "elastic_net")
    return l1(params, lam * l1_ratio) + l2(params, lam * (1 - l1_ratio))
