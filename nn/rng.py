"""The random generator a call uses: the one passed in, or autograd's default generator."""
from autograd import default_rng


def generator(rng=None):
    """`rng` (a `numpy.random.Generator`), or autograd's seeded default generator when it is None."""
    return default_rng() if rng is None else rng
