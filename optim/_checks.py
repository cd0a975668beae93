"""Hyper-parameter checks shared by the optimizers: each raises naming the argument.

A check is a function `(name, value)` that returns nothing or raises `TypeError` (wrong
kind of value) or `ValueError` (right kind, wrong range). Optimizers list theirs in a
table, `{"lr": non_negative, "betas": beta_pair, ...}`, that `Optimizer` runs on the
defaults and on every parameter group before anything is stored.
"""
import numbers


def real(name, value):
    """`value` must be a real number (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")


def non_negative(name, value):
    """`value` must be a real number >= 0."""
    real(name, value)
    if not value >= 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")


def positive(name, value):
    """`value` must be a real number > 0."""
    real(name, value)
    if not value > 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")


def unit_interval(name, value):
    """`value` must be a real number in [0, 1]."""
    real(name, value)
    if not 0 <= value <= 1:
        raise ValueError(f"{name} must be in [0, 1], got {value!r}")


def beta(name, value):
    """`value` must be a real number in [0, 1)."""
    real(name, value)
    if not 0 <= value < 1:
        raise ValueError(f"{name} must be in [0, 1), got {value!r}")


def pair(name, value):
    """`value` must be a pair (tuple or list of length 2)."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name} must be a pair of numbers, got {value!r}")


def beta_pair(name, value):
    """`value` must be a pair of betas, each in [0, 1)."""
    pair(name, value)
    beta(f"{name}[0]", value[0])
    beta(f"{name}[1]", value[1])


def flag(name, value):
    """`value` must be a bool."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {value!r}")


def _int_at_least(name, value, lowest):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {value!r} ({type(value).__name__})")
    if value < lowest:
        raise ValueError(f"{name} must be >= {lowest}, got {value!r}")


def positive_int(name, value):
    """`value` must be an int >= 1."""
    _int_at_least(name, value, 1)


def non_negative_int(name, value):
    """`value` must be an int >= 0."""
    _int_at_least(name, value, 0)


def one_of(*choices):
    """A check that `value` is one of `choices`."""

    def check(name, value):
        if value not in choices:
            raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")

    return check
