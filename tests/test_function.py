"""Custom Functions and gradcheck."""
import numpy as np
import pytest

import torch

import autograd
from autograd import Function, GradcheckError, gradcheck, tensor


class Cube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved
        return 3 * x ** 2 * grad_out


class WrongCube(Cube):
    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved
        return 2 * x ** 2 * grad_out


class ScaledProduct(Function):
    """x * y * scale, with a non-tensor argument."""

    @staticmethod
    def forward(ctx, x, y, scale):
        ctx.save_for_backward(x, y)
        ctx.scale = scale
        return x * y * scale

    @staticmethod
    def backward(ctx, grad_out):
        x, y = ctx.saved
        return grad_out * y * ctx.scale, grad_out * x * ctx.scale, None


def test_correct_function_passes_gradcheck(rng):
    x = tensor(rng.standard_normal((3, 2)), requires_grad=True)
    assert gradcheck(lambda t: Cube.apply(t), [x])
    y = Cube.apply(x)
    assert y.op == "Cube"


def test_wrong_backward_is_caught_with_input_and_element(rng):
    x = tensor(rng.standard_normal((3, 2)), requires_grad=True)
    with pytest.raises(GradcheckError, match=r"input 0 \(shape \(3, 2\)\), element \(\d, \d\).*analytic.*numeric"):
        gradcheck(lambda t: WrongCube.apply(t), [x])
    assert gradcheck(lambda t: WrongCube.apply(t), [x], raise_exception=False) is False


def test_function_with_several_inputs_and_a_constant(rng):
    x = tensor(rng.standard_normal(4), requires_grad=True)
    y = tensor(rng.standard_normal(4), requires_grad=True)
    assert gradcheck(lambda a, b: ScaledProduct.apply(a, b, 2.5), [x, y])
    constant = tensor(rng.standard_normal(4))
    out = ScaledProduct.apply(x, constant, 2.0)
    out.sum().backward()
    np.testing.assert_allclose(x.grad, 2.0 * constant.data)


def test_function_takes_an_ndarray_as_a_constant_input(rng):
    x = tensor(rng.standard_normal(4), requires_grad=True)
    constant = rng.standard_normal(4)
    out = ScaledProduct.apply(x, constant, 3.0)
    assert [parent.requires_grad for parent in out.parents] == [True, False]
    np.testing.assert_array_equal(out.parents[1].data, constant)
    out.sum().backward()
    np.testing.assert_allclose(x.grad, 3.0 * constant, rtol=1e-15)
    with pytest.raises(TypeError, match="numeric"):
        ScaledProduct.apply(x, np.array(["a", "b", "c", "d"]), 1.0)


def test_function_is_once_differentiable():
    x = tensor(2.0, requires_grad=True)
    (first,) = autograd.grad(Cube.apply(x), x, create_graph=True)
    assert first.item() == pytest.approx(12.0)
    assert first.requires_grad
    with pytest.raises(RuntimeError, match="Cube.*differentiable once"):
        autograd.grad(first, x)


def test_backward_of_wrong_shape_is_reported():
    class BadShape(Function):
        @staticmethod
        def forward(ctx, x):
            return x.sum()

        @staticmethod
        def backward(ctx, grad_out):
            return np.ones(5)

    x = tensor(np.ones(3), requires_grad=True)
    with pytest.raises(ValueError, match=r"BadShape.backward returned a gradient of shape \(5,\).*\(3,\)"):
        BadShape.apply(x).backward()


def test_numeric_grad_and_rel_error():
    x = tensor([1.0, 2.0], requires_grad=True)
    (numeric,) = autograd.numeric_grad(lambda t: (t ** 2).sum(), [x])
    assert autograd.rel_error(numeric, [2.0, 4.0]) < 1e-9
    assert autograd.rel_error([0.0], [0.0]) == 0.0
    assert autograd.rel_error([1.0], [2.0]) == 0.5


def test_gradcheck_needs_an_input_that_requires_grad():
    with pytest.raises(ValueError, match="requires grad"):
        gradcheck(lambda t: t * 2, [tensor(1.0)])


def test_numeric_grad_refuses_an_input_it_cannot_perturb_in_place():
    transposed = autograd.Tensor._make(np.ones((3, 2)).T)  # a non-contiguous view
    transposed.requires_grad = True
    with pytest.raises(ValueError, match="numeric_grad: input data must be contiguous"):
        autograd.numeric_grad(lambda t: t.sum(), [transposed])


class SumOfTwo(Function):
    """x + y, whose backward returns `cls.returned(grad_out)`."""

    returned = staticmethod(lambda grad_out: (grad_out, grad_out))

    @staticmethod
    def forward(ctx, x, y):
        return x + y

    @classmethod
    def backward(cls, ctx, grad_out):
        return cls.returned(grad_out)


@pytest.mark.parametrize("returned, count", [(lambda g: (g,), 1), (lambda g: g, 1), (lambda g: (g, g, g), 3),
                                             (lambda g: [g, g], 1)])  # a list is one array-like gradient
def test_a_backward_with_a_gradient_too_few_or_too_many_is_refused_as_by_torch(monkeypatch, returned, count):
    monkeypatch.setattr(SumOfTwo, "returned", staticmethod(returned))
    x, y = tensor([1.0, 2.0], requires_grad=True), tensor([3.0, 4.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=rf"SumOfTwo.backward returned {count} gradients, expected 2"):
        SumOfTwo.apply(x, y).sum().backward()
    assert x.grad is None and y.grad is None


def test_a_backward_may_return_extra_nones(monkeypatch):
    monkeypatch.setattr(SumOfTwo, "returned", staticmethod(lambda g: (g, 2 * g, None, None)))
    x, y = tensor([1.0, 2.0], requires_grad=True), tensor([3.0, 4.0], requires_grad=True)
    SumOfTwo.apply(x, y).sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 1.0])
    np.testing.assert_array_equal(y.grad, [2.0, 2.0])


def test_a_backward_that_fails_part_way_changes_no_grad():
    class FailsInBackward(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad_out):
            return np.ones(5)  # the wrong shape

    a, b = tensor([1.0, 2.0], requires_grad=True), tensor([1.0, 2.0], requires_grad=True)
    loss = FailsInBackward.apply(b).sum() + (a * 3).sum()  # a's gradient is reached before the failing node
    with pytest.raises(ValueError, match="FailsInBackward.backward returned a gradient of shape"):
        loss.backward()
    assert a.grad is None and b.grad is None


@pytest.mark.parametrize("ours, theirs, point", [
    (lambda x: x.log(), lambda x: x.log(), [-1.0, 2.0]),  # analytic -1, numeric nan
    (lambda x: (x - 1.0).sqrt(), lambda x: (x - 1.0).sqrt(), [1.0, 2.0]),  # analytic inf, numeric nan
    (lambda x: x * np.nan, lambda x: x * np.nan, [1.0, 2.0]),  # both nan
])
def test_gradcheck_fails_where_a_derivative_is_nan_as_torchs_does(ours, theirs, point):
    with np.errstate(all="ignore"):  # PyTorch's first: it must fail too
        assert torch.autograd.gradcheck(theirs, [torch.tensor(point, dtype=torch.float64, requires_grad=True)],
                                        raise_exception=False) is False
        x = tensor(point, requires_grad=True)
        assert gradcheck(ours, [x], raise_exception=False) is False
        with pytest.raises(GradcheckError, match="input 0"):
            gradcheck(ours, [x])


def test_numeric_grad_restores_the_input_when_fn_raises():
    x = tensor([1.0, 2.0], requires_grad=True)
    calls = []

    def fails_on_the_second_call(t):
        calls.append(1)
        if len(calls) == 2:
            raise ArithmeticError("boom")
        return t.sum()

    with pytest.raises(ArithmeticError):
        autograd.numeric_grad(fails_on_the_second_call, [x])
    np.testing.assert_array_equal(x.data, [1.0, 2.0])


def test_a_list_is_one_gradient():
    class Doubles(Function):
        @staticmethod
        def forward(ctx, x):
            return 2 * x

        @staticmethod
        def backward(ctx, grad_out):
            return (2 * grad_out).tolist()

    x = tensor([1.0, 2.0], requires_grad=True)
    Doubles.apply(x).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 2.0])


def test_a_gradcheck_failure_on_float32_says_to_check_in_float64():
    x = tensor(np.array([1.0, 2.0, 3.0], dtype=np.float32), requires_grad=True)
    with pytest.raises(GradcheckError, match=r"the input is float32, whose central differences are too coarse"):
        gradcheck(lambda t: (t ** 2).sum(), [x])
    assert gradcheck(lambda t: (t ** 2).sum(), [x.detach().astype("float64").requires_grad_()])
