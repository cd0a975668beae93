"""Random expression graphs built from the op table, checked against central differences."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd

FULL = (3, 4)
LEAF_SHAPES = [FULL, (1, 4), (3, 1), ()]


def _full(x):
    return x if x.shape == FULL else x.broadcast_to(FULL)


UNARY = [
    lambda x: x.tanh(),
    lambda x: x.sigmoid(),
    lambda x: x.tanh().exp(),
    lambda x: (1 + x * x).log(),
    lambda x: (x * x + 1).sqrt(),
    lambda x: -x,
    lambda x: x ** 2,
    lambda x: x.mean(axis=0, keepdims=True) if x.ndim == 2 else x,
    lambda x: x.sum(axis=-1, keepdims=True) if x.ndim == 2 else x,
    lambda x: _full(x).var(axis=0, keepdims=True),
    lambda x: _full(x).logsumexp(axis=1, keepdims=True),
    lambda x: _full(x).max(axis=1, keepdims=True),
    lambda x: autograd.concatenate([_full(x)[:, :1], _full(x)[:, 1:] * 2], axis=1),
    lambda x: _full(x).T.reshape(4, 3).T.reshape(FULL),
]
BINARY = [
    lambda a, b: a + b,
    lambda a, b: a - b,
    lambda a, b: a * b,
    lambda a, b: a / (1 + b * b),
    lambda a, b: autograd.maximum(a, b),
    lambda a, b: autograd.where(_full(b).data > 0, a, b),
    lambda a, b: _full(a) @ _full(b).T @ _full(a) / 10,
    lambda a, b: autograd.stack([_full(a), _full(b)]).mean(axis=0),
]


@st.composite
def graphs(draw):
    """A recipe: leaf shapes and a list of (op, operand positions) steps."""
    shapes = [FULL] + draw(st.lists(st.sampled_from(LEAF_SHAPES), min_size=1, max_size=2))
    steps = []
    for step in range(draw(st.integers(3, 10))):
        available = len(shapes) + step
        if draw(st.booleans()):
            steps.append(("unary", draw(st.integers(0, len(UNARY) - 1)), (draw(st.integers(0, available - 1)),)))
        else:
            operands = (draw(st.integers(0, available - 1)), draw(st.integers(0, available - 1)))
            steps.append(("binary", draw(st.integers(0, len(BINARY) - 1)), operands))
    seed = draw(st.integers(0, 2 ** 32 - 1))
    return shapes, steps, seed


def evaluate(steps, leaves):
    """Run the recipe; every node stays available to later steps (shared sub-expressions)."""
    nodes = list(leaves)
    for kind, index, operands in steps:
        table = UNARY if kind == "unary" else BINARY
        nodes.append(table[index](*(nodes[i] for i in operands)))
    # every node feeds the output, so unused branches are checked too
    return sum((node * (k + 1)).sum() for k, node in enumerate(nodes[len(leaves):]))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(graphs())
def test_random_graph_gradients_match_central_differences(recipe):
    shapes, steps, seed = recipe
    rng = np.random.default_rng(seed)
    leaves = [autograd.tensor(rng.standard_normal(shape), requires_grad=True) for shape in shapes]
    evaluate(steps, leaves).backward()
    numeric = autograd.numeric_grad(lambda *xs: evaluate(steps, xs), leaves, eps=1e-6)
    for leaf, expected in zip(leaves, numeric):
        analytic = np.zeros(leaf.shape) if leaf.grad is None else leaf.grad
        assert autograd.rel_error(analytic, expected) < 1e-6, (steps, analytic, expected)
