"""autograd.functional (vjp, jvp, jacobian, hessian, hvp) against torch.autograd.functional."""
import numpy as np
import pytest
import torch
import torch.autograd.functional as reference
from hypothesis import given, settings, strategies as st

import autograd
from autograd import functional


def ours(*arrays):
    return tuple(autograd.tensor(a) for a in arrays)


def theirs(*arrays):
    return tuple(torch.tensor(a, dtype=torch.float64) for a in arrays)


def assert_close(mine, expected, tolerance=1e-12):
    """Same nesting (tuples), shapes and values (relative error) as PyTorch's result."""
    if isinstance(expected, tuple):
        assert isinstance(mine, tuple) and len(mine) == len(expected)
        for m, e in zip(mine, expected):
            assert_close(m, e, tolerance)
        return
    assert isinstance(mine, autograd.Tensor)
    assert mine.shape == tuple(expected.shape)
    assert autograd.rel_error(mine.data, expected.detach().numpy()) < tolerance


# -- functions written once, run on both frameworks (methods and operators only) --

def mlp_loss(x, y, w1, b1, w2, b2):
    """Mean squared error of a one-hidden-layer tanh network."""
    return ((((x @ w1.T + b1).tanh() @ w2.T + b2) - y) ** 2).mean()


def vector_function(a, b):
    """R^3 x R^(2,3) -> R^(2,3): broadcasting, a product and nonlinearities."""
    return (a * b).tanh() + b.exp() * a.sum()


def two_outputs(a, b):
    return (a * a).sum() * b, (a @ b.T).sigmoid()


def random_mlp(rng, n, d, h):
    return (rng.standard_normal((n, d)), rng.standard_normal((n, 1)), rng.standard_normal((h, d)),
            rng.standard_normal(h), rng.standard_normal((1, h)), rng.standard_normal(1))


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2 ** 32 - 1), n=st.integers(1, 5), d=st.integers(1, 3), h=st.integers(1, 4),
       strategy=st.sampled_from(["reverse-mode", "forward-mode"]))
def test_hessian_of_random_mlps_matches_torch(seed, n, d, h, strategy):
    x, y, *params = random_mlp(np.random.default_rng(seed), n, d, h)
    loss = lambda *p: mlp_loss(autograd.tensor(x), autograd.tensor(y), *p)  # noqa: E731
    torch_loss = lambda *p: mlp_loss(torch.tensor(x), torch.tensor(y), *p)  # noqa: E731
    assert_close(functional.hessian(loss, ours(*params), outer_jacobian_strategy=strategy),
                 reference.hessian(torch_loss, theirs(*params)), 1e-10)


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2 ** 32 - 1), n=st.integers(1, 5), d=st.integers(1, 3), h=st.integers(1, 4))
def test_hvp_of_random_mlps_matches_torch(seed, n, d, h):
    rng = np.random.default_rng(seed)
    data, params = random_mlp(rng, n, d, h)[:2], random_mlp(rng, n, d, h)[2:]
    vectors = [rng.standard_normal(p.shape) for p in params]
    # the data are inputs too: mixed second derivatives in x and the weights
    value, products = functional.hvp(mlp_loss, ours(*data, *params), ours(*data, *vectors))
    expected_value, expected = reference.hvp(mlp_loss, theirs(*data, *params), theirs(*data, *vectors))
    assert_close(value, expected_value)
    assert_close(products, expected, 1e-10)


def test_hvp_equals_hessian_times_vector(rng):
    x0, v0 = rng.standard_normal(5), rng.standard_normal(5)
    f = lambda x: (x.tanh() * x.sum() + x ** 3).sum()  # noqa: E731
    _, product = functional.hvp(f, autograd.tensor(x0), autograd.tensor(v0))
    np.testing.assert_allclose(product.data, functional.hessian(f, autograd.tensor(x0)).data @ v0, rtol=1e-12)


@pytest.mark.parametrize("strategy", ["reverse-mode", "forward-mode"])
def test_jacobian_of_vector_functions_matches_torch(rng, strategy):
    a, b = rng.standard_normal(3), rng.standard_normal((2, 3))
    assert_close(functional.jacobian(vector_function, ours(a, b), strategy=strategy),
                 reference.jacobian(vector_function, theirs(a, b)))
    assert_close(functional.jacobian(lambda x: vector_function(x, autograd.tensor(b)), ours(a)[0], strategy=strategy),
                 reference.jacobian(lambda x: vector_function(x, torch.tensor(b)), theirs(a)[0]))
    assert_close(functional.jacobian(two_outputs, ours(a, b), strategy=strategy),
                 reference.jacobian(two_outputs, theirs(a, b)))
    assert_close(functional.jacobian(lambda x: two_outputs(x, autograd.tensor(b)), ours(a)[0], strategy=strategy),
                 reference.jacobian(lambda x: two_outputs(x, torch.tensor(b)), theirs(a)[0]))


def test_jacobian_of_a_linear_map_is_its_matrix(rng):
    matrix, x = rng.standard_normal((4, 3)), rng.standard_normal(3)
    jacobian = functional.jacobian(lambda v: autograd.tensor(matrix) @ v, autograd.tensor(x))
    np.testing.assert_array_equal(jacobian.data, matrix)
    assert not jacobian.requires_grad


def test_vjp_and_jvp_match_torch(rng):
    a, b = rng.standard_normal(3), rng.standard_normal((2, 3))
    u, v = rng.standard_normal((2, 3)), (rng.standard_normal(3), rng.standard_normal((2, 3)))
    assert_close(functional.vjp(vector_function, ours(a, b), autograd.tensor(u)),
                 reference.vjp(vector_function, theirs(a, b), torch.tensor(u)))
    assert_close(functional.jvp(vector_function, ours(a, b), ours(*v)),
                 reference.jvp(vector_function, theirs(a, b), theirs(*v)))
    w = (rng.standard_normal((2, 3)), rng.standard_normal(2))
    assert_close(functional.vjp(two_outputs, ours(a, b), ours(*w)),
                 reference.vjp(two_outputs, theirs(a, b), theirs(*w)))
    assert_close(functional.jvp(two_outputs, ours(a, b), ours(*v)),
                 reference.jvp(two_outputs, theirs(a, b), theirs(*v)))


def test_v_may_be_omitted_only_for_single_elements(rng):
    x = autograd.tensor(rng.standard_normal(()))
    value, gradient = functional.vjp(lambda t: (t * 3).tanh(), x)
    torch_value, torch_gradient = reference.vjp(lambda t: (t * 3).tanh(), torch.tensor(x.data))
    assert_close((value, gradient), (torch_value, torch_gradient))
    assert_close(functional.jvp(lambda t: t.exp() * t, x), reference.jvp(lambda t: t.exp() * t, torch.tensor(x.data)))
    with pytest.raises(ValueError, match="single element"):
        functional.vjp(lambda t: t * 2, autograd.tensor([1.0, 2.0]))
    with pytest.raises(ValueError, match="shape"):
        functional.jvp(lambda t: t * 2, autograd.tensor([1.0, 2.0]), autograd.tensor([1.0, 2.0, 3.0]))


def test_results_are_constants_unless_create_graph(rng):
    x = autograd.tensor(rng.standard_normal(3), requires_grad=True)
    f = lambda t: (t ** 3).sum()  # noqa: E731
    value, product = functional.hvp(f, x, autograd.ones(3))
    assert not value.requires_grad and not product.requires_grad
    assert not functional.hessian(f, x).requires_grad
    assert x.grad is None


def test_create_graph_results_can_be_differentiated_again(rng):
    x0, v0 = rng.standard_normal(4), rng.standard_normal(4)
    f = lambda t: (t.tanh() * t.exp()).sum()  # noqa: E731
    x = autograd.tensor(x0, requires_grad=True)
    _, product = functional.hvp(f, x, autograd.tensor(v0), create_graph=True)
    (third,) = autograd.grad(product.sum(), x)
    tx = torch.tensor(x0, requires_grad=True)
    _, torch_product = reference.hvp(f, tx, torch.tensor(v0), create_graph=True)
    (torch_third,) = torch.autograd.grad(torch_product.sum(), tx)
    assert autograd.rel_error(third, torch_third.numpy()) < 1e-12
    jac = functional.jacobian(lambda t: t.sigmoid() * t, x, create_graph=True)
    (jac_grad,) = autograd.grad((jac * jac).sum(), x)
    torch_jac = reference.jacobian(lambda t: t.sigmoid() * t, tx, create_graph=True)
    (torch_jac_grad,) = torch.autograd.grad((torch_jac * torch_jac).sum(), tx)
    assert autograd.rel_error(jac_grad, torch_jac_grad.numpy()) < 1e-12


def test_strict_refuses_independent_inputs(rng):
    a, b = ours(rng.standard_normal(3), rng.standard_normal(3))
    uses_a_only = lambda x, y: (x * x).sum()  # noqa: E731
    zero = functional.jacobian(uses_a_only, (a, b))[1]
    np.testing.assert_array_equal(zero.data, np.zeros(3))
    with pytest.raises(RuntimeError, match="independent of input 1"):
        functional.jacobian(uses_a_only, (a, b), strict=True)
    with pytest.raises(RuntimeError, match="hessian: .*independent of input 0"):
        functional.hessian(lambda x: x.sum(), a, strict=True)
    np.testing.assert_array_equal(functional.hessian(lambda x: x.sum(), a).data, np.zeros((3, 3)))


def test_argument_errors(rng):
    x = autograd.tensor(rng.standard_normal(3))
    with pytest.raises(ValueError, match="single-element"):
        functional.hessian(lambda t: t * t, x)
    with pytest.raises(TypeError, match="inputs must be a Tensor"):
        functional.jacobian(lambda t: t, rng.standard_normal(3))
    with pytest.raises(TypeError, match="outputs of func"):
        functional.vjp(lambda t: t.data, x, x)
    with pytest.raises(ValueError, match="strategy"):
        functional.jacobian(lambda t: t, x, strategy="sideways")


def test_only_gradgradcheck_is_exported_at_top_level():
    assert "gradgradcheck" in autograd.__all__
    for name in functional.__all__:
        assert name not in autograd.__dict__


@pytest.mark.parametrize("create_graph", [False, True])
def test_inputs_given_twice_or_computed_from_each_other_are_differentiated_apart(rng, create_graph):
    x0 = rng.standard_normal(3)
    x, reference_x = autograd.tensor(x0, requires_grad=True), torch.tensor(x0, requires_grad=True)
    mine = functional.jacobian(lambda a, b: a * b, (x, x), create_graph=create_graph)
    expected = reference.jacobian(lambda a, b: a * b, (reference_x, reference_x), create_graph=create_graph)
    assert_close(mine, expected)
    w, reference_w = x * 1.0, reference_x * 1.0
    v = (autograd.ones(3), autograd.zeros(3))
    mine = functional.hvp(lambda a, b: (a * b).sum(), (x, w), v, create_graph=create_graph)
    expected = reference.hvp(lambda a, b: (a * b).sum(), (reference_x, reference_w),
                             (torch.ones(3, dtype=torch.float64), torch.zeros(3, dtype=torch.float64)),
                             create_graph=create_graph)
    assert_close(mine, expected)  # H v = (0, v_a) for sum(a * b)


def test_hvp_returns_the_output_in_its_own_shape(rng):
    x0 = rng.standard_normal(3)
    value, _ = functional.hvp(lambda a: (a ** 3).sum().reshape(1), autograd.tensor(x0), autograd.ones(3))
    expected, _ = reference.hvp(lambda a: (a ** 3).sum().reshape(1), torch.tensor(x0), torch.ones(3, dtype=torch.float64))
    assert value.shape == tuple(expected.shape) == (1,)
