"""Higher-order gradients: second and third derivatives of every primitive op against PyTorch,
gradgradcheck on every op, backward(create_graph=True), and once-differentiable Functions."""
import numpy as np
import pytest
import torch

import autograd
from autograd.op_cases import CASES
from autograd.primitive import Primitive
from conftest import NUMPY, TORCH

IDS = [case.label for case in CASES]


class Framework:
    """What the derivative helper needs from autograd or PyTorch: a grad, a constructor, a namespace."""

    def __init__(self, grad, make, lib, to_numpy):
        self.grad, self.make, self.lib, self.to_numpy = grad, make, lib, to_numpy


OURS = Framework(autograd.grad, lambda a, requires_grad: autograd.tensor(a, requires_grad=requires_grad),
                 autograd, lambda t: t.data)
THEIRS = Framework(torch.autograd.grad,
                   lambda a, requires_grad: torch.tensor(a, dtype=torch.float64, requires_grad=requires_grad),
                   TORCH, lambda t: t.detach().numpy(force=True))


def directional_derivatives(framework, fn, arrays, weights, directions):
    """Derivatives of orders 1, 2, 3, ... of s(x, w) = sum(w * fn(x)).

    Order 1 is d s / d x (= J^T w). Order k + 1 differentiates <order k, direction k>
    with respect to every x and to w, so mixed derivatives in w (the VJP's own
    derivative) are covered too. None stands for an identically zero derivative.
    """
    xs = [framework.make(a, True) for a in arrays]
    w = framework.make(weights, True)
    levels = [framework.grad([fn(framework.lib, *xs)], xs, grad_outputs=[w], create_graph=True, allow_unused=True)]
    for direction in directions:
        terms = [(d * framework.make(v, False)).sum()
                 for d, v in zip(levels[-1], direction) if d is not None and d.requires_grad]
        if not terms:
            levels.append([None] * (len(xs) + 1))
            continue
        levels.append(framework.grad([sum(terms[1:], terms[0])], xs + [w], create_graph=True, allow_unused=True))
    return [[None if d is None else framework.to_numpy(d) for d in level] for level in levels]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_second_and_third_derivatives_match_torch(case, rng):
    arrays = case.inputs(rng)
    weights = rng.standard_normal(np.shape(case.fn(NUMPY, *arrays)))
    shapes = [a.shape for a in arrays] + [weights.shape]
    directions = [[rng.standard_normal(s) for s in shapes] for _ in range(2)]
    ours = directional_derivatives(OURS, case.fn, arrays, weights, directions)
    theirs = directional_derivatives(THEIRS, case.fn, arrays, weights, directions)
    for order, (our_level, their_level) in enumerate(zip(ours, theirs), start=1):
        for position, (mine, reference) in enumerate(zip(our_level, their_level)):
            mine = np.zeros(shapes[position]) if mine is None else mine
            reference = np.zeros(shapes[position]) if reference is None else reference
            assert mine.shape == reference.shape, (order, position)
            assert autograd.rel_error(mine, reference) < 1e-10, (order, position, mine, reference)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_gradgradcheck_every_op(case, rng):
    inputs = [autograd.tensor(a, requires_grad=True) for a in case.inputs(rng)]
    assert autograd.gradgradcheck(lambda *xs: case.fn(autograd, *xs), inputs)


def test_every_primitive_is_checked_at_second_order():
    primitives = {p.name for p in vars(autograd.ops).values() if isinstance(p, Primitive)}
    # untake (getitem's scatter) appears as a VJP inside every getitem case's second derivative, and
    # softmax_cross_entropy_grad inside every softmax_cross_entropy case's.
    assert primitives - {case.op for case in CASES} == {"untake", "softmax_cross_entropy_grad"}


def test_float32_second_derivatives_stay_float32(rng):
    x = autograd.tensor(rng.uniform(0.5, 2.0, (3, 4)).astype(np.float32), requires_grad=True)
    y = (x.sqrt() * x.log() + x ** 3 / (x + 1.5)).tanh().var(axis=0).sum() * 2.5
    (g,) = autograd.grad(y, x, create_graph=True)
    (h,) = autograd.grad((g * g).sum(), x)
    assert g.dtype == np.float32 and h.dtype == np.float32


def test_astype_round_trip_second_derivative_matches_torch(rng):
    data = rng.standard_normal(5)
    x = autograd.tensor(data, requires_grad=True)
    (g,) = autograd.grad((x.astype("float32").exp().astype("float64") * x).sum(), x, create_graph=True)
    (h,) = autograd.grad((g * g).sum(), x)
    reference = torch.tensor(data, requires_grad=True)
    (rg,) = torch.autograd.grad((reference.float().exp().double() * reference).sum(), reference, create_graph=True)
    (rh,) = torch.autograd.grad((rg * rg).sum(), reference)
    assert g.dtype == np.float64 and h.dtype == np.float64
    assert autograd.rel_error(h, rh.numpy()) < 1e-6  # float32 rounding inside


def test_ties_at_second_order_match_torch():
    data = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
    results = []
    for framework in (OURS, THEIRS):
        x = framework.make(data, True)
        lib = framework.lib
        y = (lib.max(x * x, axis=1) * lib.maximum(x, 2.0 * x.sum() / x.sum()).sum()).sum()
        (g,) = framework.grad([y], [x], create_graph=True)
        (h,) = framework.grad([(g * g).sum()], [x])
        results.append((framework.to_numpy(g), framework.to_numpy(h)))
    (g, h), (rg, rh) = results
    np.testing.assert_allclose(g, rg, rtol=1e-12)
    np.testing.assert_allclose(h, rh, rtol=1e-12)


@pytest.mark.parametrize("order", [1, 2, 4, 6])
def test_nth_derivative_of_exp_matches_closed_form(order):
    # d^n/dx^n exp(a x) = a^n exp(a x)
    a, x0 = 1.7, 0.3
    x = autograd.tensor(x0, requires_grad=True)
    derivative = (x * a).exp()
    for _ in range(order):
        (derivative,) = autograd.grad(derivative, x, create_graph=True)
    assert derivative.item() == pytest.approx(a ** order * np.exp(a * x0), rel=1e-13)


def test_fourth_and_fifth_derivatives_of_a_composite_match_torch(rng):
    data = rng.standard_normal(4)
    values = []
    for framework in (OURS, THEIRS):
        x = framework.make(data, True)
        derivative = (x.tanh() * x.sigmoid() + (x * x + 1).log()).sum()
        for _ in range(5):
            (derivative,) = framework.grad([derivative], [x], create_graph=True)
            values.append(framework.to_numpy(derivative))
            derivative = derivative.sum()
    for ours, theirs in zip(values[:5], values[5:]):
        assert autograd.rel_error(ours, theirs) < 1e-10


def test_second_order_graph_of_a_long_chain_is_walked_without_recursion():
    x = autograd.tensor(0.5, requires_grad=True)
    y = x
    for _ in range(3000):
        y = (y * 0.999).tanh()
    (g,) = autograd.grad(y, x, create_graph=True)
    (h,) = autograd.grad(g, x)
    reference = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    ry = reference
    for _ in range(3000):
        ry = torch.tanh(ry * 0.999)
    (rg,) = torch.autograd.grad(ry, reference, create_graph=True)
    (rh,) = torch.autograd.grad(rg, reference)
    assert autograd.rel_error(h, rh.numpy()) < 1e-9


# -- gradgradcheck itself ----------------------------------------------------

def _frozen(value):
    """`value` as a constant tensor: whatever it was computed from, no gradient flows back through it."""
    return autograd.tensor(autograd.as_tensor(value).data)


def test_gradgradcheck_catches_a_vjp_that_breaks_the_graph(rng):
    # x^3 whose VJP is right in value but treats the slope 3 x^2 as a constant
    cube = Primitive("cube", lambda x: x ** 3, lambda g, ans, x: g * _frozen(3 * x * x))
    x = autograd.tensor(rng.standard_normal(3), requires_grad=True)
    assert autograd.gradcheck(cube, [x])
    with pytest.raises(autograd.GradcheckError, match=r"gradgradcheck.*input 0 \(shape \(3,\)\)"):
        autograd.gradgradcheck(cube, [x])
    assert autograd.gradgradcheck(cube, [x], raise_exception=False) is False


def test_gradgradcheck_checks_the_derivative_in_the_grad_outputs(rng):
    # a VJP that cuts its output gradient g off the graph: d(VJP)/dg fails, reported as input 1
    double = Primitive("double", lambda x: 2 * x, lambda g, ans, x: 2 * _frozen(g))
    x = autograd.tensor(rng.standard_normal(3), requires_grad=True)
    assert autograd.gradcheck(double, [x])
    with pytest.raises(autograd.GradcheckError, match="input 1"):
        autograd.gradgradcheck(double, [x])


def test_gradgradcheck_arguments(rng):
    x = autograd.tensor(rng.standard_normal((2, 3)), requires_grad=True)
    constant = autograd.tensor(rng.standard_normal(3))
    assert autograd.gradgradcheck(lambda a, c: (a * c).tanh(), [x, constant])
    fixed = autograd.tensor(rng.standard_normal((2, 3)))
    assert autograd.gradgradcheck(lambda a: a.exp(), x, grad_outputs=fixed)
    with pytest.raises(ValueError, match="shape"):
        autograd.gradgradcheck(lambda a: a.exp(), x, grad_outputs=np.ones(3))
    with pytest.raises(ValueError, match="requires grad"):
        autograd.gradgradcheck(lambda a: a.exp(), [constant])


# -- backward(create_graph=True) and custom Functions ---------------------------

def test_backward_with_create_graph_fills_grad_arrays_and_keeps_the_graph(rng):
    data = rng.standard_normal(4)
    x = autograd.tensor(data, requires_grad=True)
    y = (x.tanh() * x).sum()
    y.backward(create_graph=True)
    assert isinstance(x.grad, np.ndarray)
    (expected,) = autograd.grad(y, x)  # the graph was kept
    np.testing.assert_allclose(x.grad, expected.data, rtol=1e-15)


def test_backward_of_a_gradient_fills_grad_with_a_hessian_vector_product(rng):
    data, v = rng.standard_normal(4), rng.standard_normal(4)
    x = autograd.tensor(data, requires_grad=True)
    (g,) = autograd.grad((x.tanh() * x.exp()).sum(), x, create_graph=True)
    (g * autograd.tensor(v)).sum().backward()
    reference = torch.tensor(data, requires_grad=True)
    (rg,) = torch.autograd.grad((reference.tanh() * reference.exp()).sum(), reference, create_graph=True)
    (rg * torch.tensor(v)).sum().backward()
    assert autograd.rel_error(x.grad, reference.grad.numpy()) < 1e-12


class _Square(autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved
        return 2 * x * grad_out


def test_custom_function_says_it_is_once_differentiable(rng):
    x = autograd.tensor(rng.standard_normal(3), requires_grad=True)
    (g,) = autograd.grad(_Square.apply(x).sum(), x)
    np.testing.assert_allclose(g.data, 2 * x.data)
    (g,) = autograd.grad(_Square.apply(x).sum(), x, create_graph=True)  # first order is fine
    np.testing.assert_allclose(g.data, 2 * x.data)
    with pytest.raises(RuntimeError, match=r"_Square.*differentiable once"):
        autograd.grad(g.sum(), x)
    with pytest.raises(RuntimeError, match="differentiable once"):
        autograd.gradgradcheck(_Square.apply, [x])


def test_cross_entropy_hessian_vector_product_of_huge_logits_matches_pytorch(rng):
    """The second derivative's softmax subtracts the maximum first, so a maximum of 1e30 does not swallow log 2."""
    x_data, v_data, target = np.array([[1e30, 1e30, -1e30], [2.0, -1.0, 0.5]]), rng.standard_normal((2, 3)), [0, 2]
    x = autograd.tensor(x_data, requires_grad=True)
    (grad_x,) = autograd.grad(autograd.softmax_cross_entropy(x, target, reduction="sum"), x, create_graph=True)
    (ours,) = autograd.grad((grad_x * v_data).sum(), x)
    reference = torch.tensor(x_data, requires_grad=True)
    loss = torch.nn.functional.cross_entropy(reference, torch.tensor(target), reduction="sum")
    (grad_reference,) = torch.autograd.grad(loss, reference, create_graph=True)
    (theirs,) = torch.autograd.grad((grad_reference * torch.tensor(v_data)).sum(), reference)
    assert autograd.rel_error(ours.data, theirs.numpy()) < 1e-14


@pytest.mark.parametrize("scale", [1.0, 1e3], ids=["logits", "logits up to 1e3"])
def test_softmax_cross_entropy_grad_is_an_op_with_exact_derivatives(scale, rng):
    """The VJP of softmax_cross_entropy, itself an op: its value against PyTorch's, its own derivatives by
    differences (gradcheck, gradgradcheck with respect to the incoming gradient and the logits)."""
    target = [2, 0, 1, 2]
    g_data, x_data = rng.standard_normal(4), rng.standard_normal((4, 3)) * scale
    x = torch.tensor(x_data, requires_grad=True)
    (expected,) = torch.autograd.grad(torch.nn.functional.cross_entropy(x, torch.tensor(target), reduction="none"),
                                      x, grad_outputs=torch.tensor(g_data))
    op = lambda g, x: autograd.ops.softmax_cross_entropy_grad(g, x, target=target)  # noqa: E731
    inputs = [autograd.tensor(g_data, requires_grad=True), autograd.tensor(x_data, requires_grad=True)]
    assert autograd.rel_error(op(*inputs).data, expected.numpy()) < 1e-14
    assert autograd.gradcheck(op, inputs)
    assert autograd.gradgradcheck(op, inputs)
