"""Custom Functions and gradcheck."""
import numpy as np
import pytest

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
