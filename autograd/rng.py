"""The default random generator used when no explicit `rng` is given."""
import numpy as np

_default = {"rng": np.random.default_rng()}


def default_rng():
    """The project's default `numpy.random.Generator`."""
    return _default["rng"]


def manual_seed(seed):
    """Seed the default generator (as `torch.manual_seed`)."""
    _default["rng"] = np.random.default_rng(seed)
    return _default["rng"]


def get_rng_state():
    """The default generator's state as a plain dict of strings and ints."""
    return _default["rng"].bit_generator.state


def set_rng_state(state):
    """Restore a state returned by `get_rng_state`."""
    bit_generator = np.random.PCG64()
    bit_generator.state = state
    _default["rng"] = np.random.Generator(bit_generator)
