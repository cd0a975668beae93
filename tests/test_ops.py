"""Every primitive op: value against NumPy, gradient against central differences and PyTorch."""
import numpy as np
import pytest
import torch

import autograd
from autograd import ops
from autograd.op_cases import CASES
from autograd.primitive import Primitive
from conftest import NUMPY, TORCH

IDS = [case.label for case in CASES]


def run_ours(case, arrays, grad_out_seed=0):
    inputs = [autograd.tensor(a, requires_grad=True) for a in arrays]
    out = case.fn(autograd, *inputs)
    grad_out = np.random.default_rng(grad_out_seed).standard_normal(out.shape)
    out.backward(grad_out)
    return out, inputs, grad_out


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_value_matches_numpy(case, rng):
    arrays = case.inputs(rng)
    ours = case.fn(autograd, *[autograd.tensor(a) for a in arrays])
    expected = np.asarray(case.fn(NUMPY, *arrays))
    assert ours.shape == expected.shape
    assert ours.dtype == expected.dtype
    np.testing.assert_allclose(ours.data, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_gradient_matches_torch(case, rng):
    arrays = case.inputs(rng)
    out, inputs, grad_out = run_ours(case, arrays)
    reference_inputs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    reference = case.fn(TORCH, *reference_inputs)
    reference.backward(torch.tensor(grad_out))
    np.testing.assert_allclose(out.data, reference.detach().numpy(), rtol=1e-12, atol=1e-12)
    for ours, theirs in zip(inputs, reference_inputs):
        if theirs.grad is None:  # used only through a comparison, as where's condition
            assert ours.grad is None
            continue
        assert ours.grad.shape == ours.shape and ours.grad.dtype == ours.dtype
        assert autograd.rel_error(ours.grad, theirs.grad.numpy()) < 1e-12


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_gradient_matches_central_differences(case, rng):
    arrays = case.inputs(rng)
    out, inputs, grad_out = run_ours(case, arrays)
    numeric = autograd.numeric_grad(lambda *xs: case.fn(autograd, *xs), inputs, eps=1e-6, grad_output=grad_out)
    for x, expected in zip(inputs, numeric):
        analytic = np.zeros(x.shape) if x.grad is None else x.grad
        assert autograd.rel_error(analytic, expected) < 1e-7, (case.label, analytic, expected)


def test_every_primitive_has_a_case():
    primitives = {p.name for p in vars(ops).values() if isinstance(p, Primitive)}
    # untake is the VJP of getitem (a scatter) and softmax_cross_entropy_grad that of softmax_cross_entropy;
    # they are checked through second derivatives.
    assert primitives - {case.op for case in CASES} == {"untake", "softmax_cross_entropy_grad"}


@pytest.mark.parametrize("case", [c for c in CASES if len(c.shapes) == 2 and c.op in
                                  {"add", "sub", "mul", "div", "maximum", "minimum"}], ids=lambda c: c.label)
def test_float32_stays_float32(case, rng):
    arrays = [a.astype(np.float32) for a in case.inputs(rng)]
    inputs = [autograd.tensor(a, requires_grad=True) for a in arrays]
    out = case.fn(autograd, *inputs) * 2.5 + 1  # Python scalars must not upcast
    out.sum().backward()
    assert out.dtype == np.float32
    assert all(x.grad.dtype == np.float32 for x in inputs)


def test_astype_gradient_is_cast_back():
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    y = x.astype("float32") * autograd.tensor([3.0, 4.0], dtype="float32")
    assert y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == np.float64
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])


def test_std_is_sqrt_of_var(rng):
    data = rng.standard_normal((5, 3))
    x = autograd.tensor(data, requires_grad=True)
    x.std(axis=0, ddof=1).sum().backward()
    reference = torch.tensor(data, requires_grad=True)
    reference.std(dim=0, correction=1).sum().backward()
    assert autograd.rel_error(x.grad, reference.grad.numpy()) < 1e-12


def _value_and_gradient(framework_tensor, fn, data):
    x = framework_tensor(data)
    y = fn(x)
    y.sum().backward()
    return y, x.grad


@pytest.mark.filterwarnings("ignore:Degrees of freedom <= 0", "ignore:.*degrees of freedom is <= 0")
@pytest.mark.parametrize("label, data, ours, theirs", [
    ("std of a constant row, normalised", [[2.0, 2.0, 2.0], [1.0, 2.0, 4.0]],
     lambda x: ((x - x.mean(axis=1, keepdims=True)) / (x.std(axis=1, keepdims=True) + 1e-5)) * np.arange(3.0),
     lambda t: ((t - t.mean(dim=1, keepdim=True)) / (t.std(dim=1, keepdim=True, correction=0) + 1e-5))
     * torch.arange(3.0, dtype=torch.float64)),
    ("std whose variance underflows", [1e-170, -1e-170], lambda x: x.std(), lambda t: t.std(correction=0)),
    ("var of one value, ddof=1", [5.0], lambda x: x.var(ddof=1), lambda t: t.var(correction=1)),
    ("std of one value, ddof=1", [5.0], lambda x: x.std(ddof=1), lambda t: t.std(correction=1)),
    ("var of nothing", np.zeros(0), lambda x: x.var(), lambda t: t.var(correction=0)),
    ("logsumexp over an empty axis", np.zeros((0, 3)), lambda x: x.logsumexp(axis=0),
     lambda t: torch.logsumexp(t, dim=0)),
])
def test_degenerate_reductions_match_torch(label, data, ours, theirs):
    """Where std is 0 its gradient is 0 (not 0 * inf); n <= ddof gives nan, not a ZeroDivisionError; an empty
    axis has no maximum to shift by."""
    data = np.asarray(data)
    with np.errstate(all="ignore"):  # the nans of n <= ddof and the log 0 of an empty sum warn, as in NumPy
        value, grad = _value_and_gradient(lambda d: autograd.tensor(d, requires_grad=True), ours, data)
    reference, reference_grad = _value_and_gradient(lambda d: torch.tensor(d, requires_grad=True), theirs, data)
    np.testing.assert_allclose(value.data, reference.detach().numpy(), rtol=1e-13)
    np.testing.assert_allclose(grad, reference_grad.numpy(), rtol=1e-13, atol=0)


def test_second_derivative_through_std_of_a_constant_row_matches_torch_under_anomaly_mode():
    """The std's gradient masks its zeros without making an inf, so anomaly mode has nothing to flag; the gradient
    is PyTorch's, and the second derivative too where the row is not constant."""
    data, weights = np.array([[2.0, 2.0, 2.0], [1.0, 2.0, 4.0]]), np.arange(3.0)
    x = autograd.tensor(data, requires_grad=True)
    with autograd.detect_anomaly():
        y = ((x - x.mean(axis=1, keepdims=True)) / (x.std(axis=1, keepdims=True) + 1e-5) * weights).sum()
        (grad_x,) = autograd.grad(y, [x], create_graph=True)
        (ours,) = autograd.grad((grad_x * weights).sum(), [x])
    t = torch.tensor(data, requires_grad=True)
    y_ref = ((t - t.mean(dim=1, keepdim=True)) / (t.std(dim=1, keepdim=True, correction=0) + 1e-5)
             * torch.tensor(weights)).sum()
    (grad_ref,) = torch.autograd.grad(y_ref, t, create_graph=True)
    (theirs,) = torch.autograd.grad((grad_ref * torch.tensor(weights)).sum(), t)
    np.testing.assert_allclose(grad_x.data, grad_ref.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours.data[1], theirs.numpy()[1], rtol=1e-10)
    np.testing.assert_array_equal(ours.data[0], 0.0)  # PyTorch's is nan there: 0 * inf in its double backward


@pytest.mark.parametrize("data", [[1e30, 1.0], [1e-25, -1e-25], [1.0, 2.0, 4.0]])
def test_float32_std_is_accumulated_in_float64_as_torch(data):
    """The squares of 1e30 overflow float32 and those of 1e-25 underflow it; PyTorch's CPU std is finite and exact."""
    value, grad = _value_and_gradient(lambda d: autograd.tensor(d, requires_grad=True), lambda x: x.std(),
                                      np.array(data, np.float32))
    reference, reference_grad = _value_and_gradient(lambda d: torch.tensor(d, requires_grad=True),
                                                    lambda t: t.std(correction=0), np.array(data, np.float32))
    assert value.dtype == np.float32 and grad.dtype == np.float32
    np.testing.assert_allclose(value.data, reference.detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(grad, reference_grad.numpy(), rtol=1e-6)


def test_ties_share_the_gradient_as_torch():
    data = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
    x = autograd.tensor(data, requires_grad=True)
    (autograd.max(x, axis=1).sum() + autograd.maximum(x, 2.0).sum()).backward()
    reference = torch.tensor(data, requires_grad=True)
    (torch.amax(reference, dim=1).sum() + torch.maximum(reference, torch.tensor(2.0)).sum()).backward()
    np.testing.assert_array_equal(x.grad, reference.grad.numpy())


def test_relu_and_abs_derivative_at_zero_is_zero():
    x = autograd.tensor([0.0, 0.0], requires_grad=True)
    (x.relu() + abs(x)).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])


def test_mean_of_float16_accumulates_in_float32_as_numpy():
    x = np.random.default_rng(0).uniform(0, 1, size=(3, 5000)).astype(np.float16)
    ours = autograd.tensor(x).mean(axis=1)
    assert ours.dtype == np.float16
    np.testing.assert_array_equal(ours.data, np.mean(x, axis=1))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_product_is_matmul_on_arrays_and_records_on_tensors(dtype, rng):
    a, b = rng.standard_normal((5, 4)).astype(dtype), rng.standard_normal((4, 3)).astype(dtype)
    vector = rng.standard_normal(4).astype(dtype)
    for left, right in [(a, b), (b.T, a.T), (a, vector), (vector, b), (vector, vector), (a.T.copy().T, b)]:
        np.testing.assert_array_equal(ops.product(left, right), np.matmul(left, right))
    stack = rng.standard_normal((2, 3, 5)).astype(dtype)
    np.testing.assert_array_equal(ops.product(stack, a), np.matmul(stack, a))
    with pytest.raises(ValueError, match="matmul"):  # a 0-d operand is refused, as by @ (np.dot would scale)
        ops.product(np.asarray(2, dtype), b)
    left = autograd.tensor(a, requires_grad=True)
    out = ops.product(left, b)
    assert out.op == "matmul"
    out.backward(np.ones((5, 3), dtype))
    np.testing.assert_array_equal(left.grad, np.ones((5, 3), dtype) @ b.T)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_column_sums_sum_over_the_first_axis_and_record_on_tensors(dtype, rng):
    matrix = rng.standard_normal((7, 3)).astype(dtype)
    sums = ops.column_sums(matrix)
    assert type(sums) is np.ndarray and sums.dtype == dtype and sums.flags.writeable
    np.testing.assert_allclose(sums, matrix.sum(axis=0), rtol=1e-12 if dtype == np.float64 else 1e-5)
    tensor = autograd.tensor(matrix, requires_grad=True)
    grad_out = rng.standard_normal(3).astype(dtype)
    ops.column_sums(tensor).backward(grad_out)  # d sum_i m_ij / d m_kj = 1: every row gets grad_out
    np.testing.assert_array_equal(tensor.grad, np.broadcast_to(grad_out, (7, 3)))


def test_clip_by_bounds_that_broadcast_x_sums_the_gradient_back_to_x(rng):
    x, lower, grad_out = rng.standard_normal(3), np.array([[0.0], [0.6]]), rng.standard_normal((2, 3))
    ours = autograd.tensor(x, requires_grad=True)
    out = ours.clip(lower, 1.5)
    out.backward(grad_out)
    theirs = torch.tensor(x, requires_grad=True)
    expected = torch.clamp(theirs, min=torch.tensor(lower), max=torch.tensor(1.5))
    expected.backward(torch.tensor(grad_out))
    np.testing.assert_array_equal(out.data, expected.detach().numpy())
    assert ours.grad.shape == (3,)
    assert autograd.rel_error(ours.grad, theirs.grad.numpy()) < 1e-12
    (numeric,) = autograd.numeric_grad(lambda t: t.clip(lower, 1.5), [ours], grad_output=grad_out)
    assert autograd.rel_error(ours.grad, numeric) < 1e-9


def test_concatenate_with_axis_none_flattens_and_its_gradient_takes_each_inputs_shape(rng):
    a, b = rng.standard_normal((2, 3)), rng.standard_normal(4)
    ours = [autograd.tensor(v, requires_grad=True) for v in (a, b)]
    out = autograd.concatenate(ours, axis=None)
    grad_out = rng.standard_normal(out.shape)
    out.backward(grad_out)
    theirs = [torch.tensor(v, requires_grad=True) for v in (a, b)]
    torch.cat([t.flatten() for t in theirs]).backward(torch.tensor(grad_out))
    for mine, reference in zip(ours, theirs):
        np.testing.assert_array_equal(mine.grad, reference.grad.numpy())
    numeric = autograd.numeric_grad(lambda *xs: autograd.concatenate(xs, axis=None), ours, grad_output=grad_out)
    for mine, expected in zip(ours, numeric):
        assert autograd.rel_error(mine.grad, expected) < 1e-9


def test_exponent_gradient_at_a_zero_base_is_torchs():
    # 0 where the exponent is >= 0, and 0^b log 0 = -inf where it is negative
    base, exponent = np.array([0.0, 0.0, 0.0, 2.0]), np.array([-1.5, 0.0, 2.0, -1.0])
    ours = [autograd.tensor(v, requires_grad=True) for v in (base, exponent)]
    theirs = [torch.tensor(v, requires_grad=True) for v in (base, exponent)]
    with np.errstate(divide="ignore", invalid="ignore"):  # 0 ** -1.5, log(0) and inf * 0
        (ours[0] ** ours[1]).sum().backward()
    (theirs[0] ** theirs[1]).sum().backward()
    for mine, reference in zip(ours, theirs):
        np.testing.assert_array_equal(mine.grad, reference.grad.numpy())
    assert ours[1].grad[0] == -np.inf


def test_where_refuses_a_condition_that_is_not_boolean():
    x = autograd.tensor([1.0, -2.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"where: the condition must be boolean .*float64.*input shapes \(2,\)"):
        autograd.where(x, x, 0.0)
    assert autograd.where(x > 0, x, 0.0).data.tolist() == [1.0, 0.0]


def test_a_cast_to_an_integer_type_carries_no_gradient():
    x = autograd.tensor([1.7, -2.3], requires_grad=True)
    rounded = x.astype(np.int64)
    assert rounded.dtype == np.int64 and not rounded.requires_grad and rounded.is_leaf
    (rounded * x).sum().backward()
    reference = torch.tensor([1.7, -2.3], requires_grad=True)
    (reference.to(torch.int64) * reference).sum().backward()
    np.testing.assert_array_equal(x.grad, reference.grad.numpy())  # [1, -2]
    (numeric,) = autograd.numeric_grad(lambda t: (t.astype(np.int64) * t).sum(), [x])
    assert autograd.rel_error(x.grad, numeric) < 1e-9


def test_an_index_array_changed_after_the_forward_does_not_move_the_gradient():
    x = autograd.tensor([1.0, 2.0, 3.0], requires_grad=True)
    index = np.array([0, 0, 1])
    y = x[index]
    index[0] = 2
    y.backward(np.array([1.0, 10.0, 100.0]))
    np.testing.assert_array_equal(x.grad, [11.0, 100.0, 0.0])


@pytest.mark.parametrize("scalar", [np.float32(2.5), np.float64(2.5), np.int64(3), np.bool_(True)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_numpy_scalars_take_the_tensors_dtype_as_python_numbers_do(scalar, dtype):
    x = autograd.tensor([1.0, 2.0], dtype=dtype, requires_grad=True)
    out = x * scalar
    expected = torch.tensor([1.0, 2.0], dtype=getattr(torch, np.dtype(dtype).name)) * scalar
    assert out.dtype == dtype and str(expected.dtype) == f"torch.{np.dtype(dtype).name}"
    np.testing.assert_array_equal(out.data, expected.numpy())
    out.sum().backward()
    assert x.grad.dtype == dtype


def test_a_numpy_integer_scalar_keeps_an_integer_tensors_dtype_as_torch():
    counts = autograd.tensor(np.array([1, 2], dtype=np.int32))
    expected = torch.tensor([1, 2], dtype=torch.int32) * np.int64(3)
    assert (counts * np.int64(3)).dtype == np.int32 and expected.dtype == torch.int32
