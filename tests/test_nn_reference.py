"""Helpers shared by the nn tests: run a function here and in PyTorch on the same float64 arrays.

The tests at the bottom check that the helpers can fail.
"""
import numpy as np
import pytest
import torch

from autograd import Tensor


def run_ours(fn, arrays, grad_out):
    """fn's output and the gradient of sum(output * grad_out) with respect to every array, here."""
    inputs = [Tensor(array.copy(), requires_grad=True) for array in arrays]
    out = fn(*inputs)
    out.backward(np.asarray(grad_out, dtype=out.dtype))
    return out.data, [t.grad for t in inputs]


def run_torch(fn, arrays, grad_out):
    """The same in PyTorch."""
    inputs = [torch.tensor(array, requires_grad=True) for array in arrays]
    out = fn(*inputs)
    out.backward(torch.as_tensor(np.asarray(grad_out, dtype=np.float64)))
    return out.detach().numpy(), [t.grad.numpy() for t in inputs]


def assert_close(actual, expected, rtol=1e-10, atol=1e-12, what="value"):
    """np.testing's allclose with a message that says what was compared."""
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol, err_msg=what)


def assert_matches_torch(ours, theirs, arrays, rng, rtol=1e-10, atol=1e-12):
    """ours(*Tensors) and theirs(*torch tensors) give the same values and gradients for `arrays`."""
    with torch.no_grad():
        shape = theirs(*[torch.tensor(a) for a in arrays]).shape
    grad_out = rng.normal(size=tuple(shape))
    value, grads = run_ours(ours, arrays, grad_out)
    expected, expected_grads = run_torch(theirs, arrays, grad_out)
    assert_close(value, expected, rtol, atol, "output")
    for position, (grad, expected_grad) in enumerate(zip(grads, expected_grads)):
        assert_close(grad, expected_grad, rtol, atol, f"gradient of input {position}")


def test_a_wrong_value_is_caught(rng):
    x = rng.normal(size=(3, 4))
    with pytest.raises(AssertionError, match="output"):
        assert_matches_torch(lambda t: t * 2, lambda t: t * 2 + 1e-6, [x], rng)


def test_a_wrong_gradient_is_caught(rng):
    x = rng.normal(size=(3, 4))
    with pytest.raises(AssertionError, match="gradient of input 0"):
        # same values, but the gradient of the detached part is missing
        assert_matches_torch(lambda t: t * t.detach(), lambda t: t * t, [x], rng)
