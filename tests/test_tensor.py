"""Tensor construction, dtypes, operators, errors and factories."""
import numpy as np
import pytest
import torch

import autograd
from autograd import Tensor, tensor
from autograd.primitive import Primitive


def test_python_floats_become_float64_and_scalars_are_0d():
    x = tensor(2.5)
    assert x.dtype == np.float64 and x.shape == () and isinstance(x.data, np.ndarray)
    assert tensor([1, 2]).dtype == np.int64


def test_float32_is_kept_with_python_scalars_and_reflected_operators():
    x = tensor([1.0, 2.0], dtype="float32")
    for y in (x + 1.5, 1.5 - x, 2.0 * x, 1 / x, x ** 2.0, 2.0 ** x, -x, abs(x)):
        assert y.dtype == np.float32


def test_python_numbers_become_shared_read_only_constants_of_the_tensors_dtype():
    x = tensor([1.0, -2.0], requires_grad=True)
    half = (x * 0.5).parents[1]
    assert (x.exp() * 0.5).parents[1] is half and (0.5 * x).parents[0] is half
    assert half.dtype == np.float64 and half.data.item() == 0.5 and not half.data.flags.writeable
    assert half.is_leaf and not half.requires_grad
    single = (x.astype("float32") * 0.5).parents[1]
    assert single is not half and single.dtype == np.float32
    assert (x * 2).parents[1].data.item() == 2.0 and (x * True).parents[1].data.item() == 1.0


def test_minus_zero_and_nan_are_constants_of_their_own():
    x = tensor([1.0, -2.0], requires_grad=True)
    plus, minus = (x * 0.0).parents[1], (x * -0.0).parents[1]
    assert plus is not minus
    assert not np.signbit(plus.data) and np.signbit(minus.data)
    assert np.signbit((x * -0.0).data).tolist() == [True, False]
    assert np.isnan((x + float("nan")).data).all()


def test_a_shared_constant_cannot_be_changed_in_place():
    x = tensor([1.0, 2.0], requires_grad=True)
    half = (x * 0.5).parents[1]
    with pytest.raises(ValueError, match="read-only"):
        half.zero_()
    with pytest.raises(ValueError, match="read-only"):
        half.copy_(np.array(3.0))
    assert half.data.item() == 0.5 and half.version == 0
    assert (x * 0.5).tolist() == [0.5, 1.0]


def test_the_constant_cache_stays_bounded():
    from autograd.primitive import _shared_constant

    x = tensor([1.0])
    for step in range(_shared_constant.cache_info().maxsize + 10):
        assert (x * (1.0 + step)).item() == 1.0 + step
    assert 0 < _shared_constant.cache_info().currsize <= _shared_constant.cache_info().maxsize


def test_a_shared_constant_refuses_to_require_grad():
    x = tensor([1.0, 2.0], requires_grad=True)
    three = (x * 3.0).parents[1]
    with pytest.raises(RuntimeError, match="constant 3.0 that every op using that number shares"):
        three.requires_grad_()
    assert not three.requires_grad and not (tensor([1.0]) * 3.0).requires_grad
    three.requires_grad = False  # turning it off is no change


def test_integer_tensor_cannot_require_grad():
    with pytest.raises(TypeError, match="only floating-point tensors can require grad.*int64"):
        tensor([1, 2], requires_grad=True)
    with pytest.raises(TypeError, match="int64"):
        tensor([1, 2]).requires_grad = True


def test_non_numeric_data_is_rejected():
    with pytest.raises(TypeError, match="numeric"):
        tensor(["a", "b"])
    with pytest.raises(TypeError, match="numeric"):
        tensor([1.0, 2.0]) + "x"


def test_constructor_copies_its_data():
    data = np.array([1.0, 2.0])
    x = tensor(data)
    data[0] = 100
    assert x.data[0] == 1.0


def test_numpy_arrays_on_the_left_give_tensors():
    x = tensor([1.0, 2.0], requires_grad=True)
    for y in (np.ones(2) + x, np.ones(2) - x, np.ones(2) * x, np.ones(2) / x, np.eye(2) @ x):
        assert isinstance(y, Tensor) and y.requires_grad


def test_matmul_mismatch_names_op_and_shapes():
    with pytest.raises(ValueError, match=r"matmul: .*\(3, 4\), \(5, 2\)") as info:
        autograd.zeros(3, 4) @ autograd.zeros(5, 2)
    assert "matmul: matmul" not in str(info.value)


def test_broadcast_mismatch_names_op_and_shapes():
    a = tensor(np.zeros((3,)), requires_grad=True)
    with pytest.raises(ValueError, match=r"add: .*\(3,\), \(4,\)"):
        a + np.zeros(4)
    assert a.grad is None


def test_an_error_numpy_makes_from_its_operands_still_names_op_and_shapes():
    """NumPy's ufunc errors (here a float result refused by an integer `out`) cannot be made from a message alone:
    the op's error is then of their built-in base, TypeError."""
    exp_in_place = Primitive("exp_in_place", lambda x: np.exp(x, out=x), lambda g, ans, x: g * ans)
    with pytest.raises(TypeError, match=r"exp_in_place: Cannot cast ufunc 'exp' output .* \(input shapes \(2,\)\)"):
        exp_in_place(tensor([1, 2]))


def test_hash_is_identity_and_equality_is_elementwise():
    a, b = tensor([1.0, 2.0]), tensor([1.0, 3.0])
    table = {a: "a", b: "b"}
    assert table[a] == "a" and table[b] == "b"
    equal = a == b
    assert isinstance(equal, Tensor) and equal.dtype == bool
    np.testing.assert_array_equal(equal.data, [True, False])


def test_comparisons_carry_no_grad():
    x = tensor([1.0, -1.0], requires_grad=True)
    for mask in (x > 0, x >= 0, x < 0, x <= 0, x != 0, (x > 0) & (x < 2), ~(x > 0)):
        assert not mask.requires_grad and mask.is_leaf


def test_properties_and_conversions():
    x = tensor([[1.0, 2.0, 3.0]], requires_grad=True, name="x")
    assert (x.shape, x.ndim, x.size, x.name, x.is_leaf, x.op) == ((1, 3), 2, 3, "x", True, None)
    assert x.T.shape == (3, 1) and x.T.op == "transpose"
    assert tensor(4.0).item() == 4.0 and float(tensor(2.0)) == 2.0
    assert x.tolist() == [[1.0, 2.0, 3.0]]
    d = x.detach()
    assert not d.requires_grad and d.data is x.data
    with pytest.raises(ValueError, match=r"one-element.*\(1, 3\)"):
        x.item()
    assert "requires_grad=True" in repr(x) and "op=mul" in repr(x * 2)


def test_indexing_with_tensors_and_iteration():
    x = tensor(np.arange(6.0).reshape(3, 2), requires_grad=True)
    rows = list(x)
    assert len(rows) == 3 and rows[1].tolist() == [2.0, 3.0]
    picked = x[tensor([2, 0])]
    assert picked.tolist() == [[4.0, 5.0], [0.0, 1.0]]
    assert x[x > 2].tolist() == [3.0, 4.0, 5.0]


def test_in_place_helpers():
    x = tensor([1.0, 2.0])
    x.copy_(np.array([5.0, 6.0]))
    assert x.tolist() == [5.0, 6.0]
    x.zero_()
    assert x.tolist() == [0.0, 0.0]


def test_factories():
    assert autograd.zeros(2, 3).shape == (2, 3) and autograd.zeros((2, 3)).shape == (2, 3)
    assert autograd.ones(2, dtype=np.float32).dtype == np.float32
    assert autograd.full((2,), 7.0).tolist() == [7.0, 7.0]
    assert autograd.eye(2).tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert autograd.arange(3).tolist() == [0, 1, 2]
    assert autograd.zeros_like(autograd.ones(2, 2)).shape == (2, 2)
    assert autograd.ones_like(tensor([1.0, 2.0])).tolist() == [1.0, 1.0]
    assert autograd.randn(3, 4, requires_grad=True).requires_grad
    assert autograd.rand(2, dtype=np.float32).dtype == np.float32


def test_default_generator_is_seeded_and_restorable():
    autograd.manual_seed(7)
    first = autograd.randn(3).data
    state = autograd.get_rng_state()
    second = autograd.randn(3).data
    autograd.set_rng_state(state)
    np.testing.assert_array_equal(autograd.randn(3).data, second)
    autograd.manual_seed(7)
    np.testing.assert_array_equal(autograd.randn(3).data, first)
    np.testing.assert_array_equal(autograd.randn(3, rng=np.random.default_rng(1)).data,
                                  np.random.default_rng(1).standard_normal(3))


def test_requires_grad_cannot_be_switched_off_on_a_non_leaf():
    y = tensor(1.0, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="non-leaf"):
        y.requires_grad = False


def test_numpy_conversion_gives_the_data():
    x = tensor([1.0, 2.0], requires_grad=True)
    np.testing.assert_array_equal(np.asarray(x), [1.0, 2.0])
    assert np.asarray(x, dtype=np.float32).dtype == np.float32


def test_len_of_a_0d_tensor_is_an_error():
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(tensor(1.0))


def test_a_manual_sgd_step_moves_the_parameters_in_place_as_torchs(rng):
    x, y, w0 = rng.standard_normal((8, 3)), rng.standard_normal(8), rng.standard_normal(3)
    w, reference = tensor(w0, requires_grad=True), torch.tensor(w0, requires_grad=True)
    kept = w
    for _ in range(3):
        loss, expected = (((tensor(x) @ w) - tensor(y)) ** 2).mean(), ((torch.tensor(x) @ reference - torch.tensor(y)) ** 2).mean()
        loss.backward()
        expected.backward()
        with autograd.no_grad():
            w -= 0.1 * w.grad
            w *= 0.5
            w += 0.01
            w /= 2.0
        with torch.no_grad():
            reference -= 0.1 * reference.grad
            reference *= 0.5
            reference += 0.01
            reference /= 2.0
        w.grad, reference.grad = None, None
        assert loss.item() == pytest.approx(expected.item(), rel=1e-12)
    assert w is kept and w.version == 12 and w.requires_grad and w.is_leaf
    np.testing.assert_allclose(w.data, reference.detach().numpy(), rtol=1e-12)


def test_a_leaf_that_requires_grad_cannot_change_in_place_while_grad_is_recorded():
    w = tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"-=: a leaf tensor that requires grad \(shape \(2,\)\) cannot change"):
        w -= 1.0
    reference = torch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        reference -= 1.0
    np.testing.assert_array_equal(w.data, [1.0, 2.0])
    assert w.version == 0


def test_augmented_assignment_that_needs_a_graph_makes_a_new_node_with_torchs_gradients(rng):
    x0 = rng.standard_normal(3)
    x, reference = tensor(x0, requires_grad=True), torch.tensor(x0, requires_grad=True)
    loss, total = (x * x).sum(), autograd.zeros(3)
    loss += x.sum()  # a tensor an op made
    total += x * 3  # a constant leaf and an operand that requires grad
    assert total.op == "add" and not autograd.zeros(3).requires_grad
    (loss + total.sum()).backward()
    expected, expected_total = (reference * reference).sum(), torch.zeros(3, dtype=torch.float64)
    expected += reference.sum()
    expected_total += reference * 3
    (expected + expected_total.sum()).backward()
    np.testing.assert_allclose(x.grad, reference.grad.numpy(), rtol=1e-12)


def test_an_in_place_update_of_a_leaf_an_op_used_is_refused_by_the_backward():
    x, w = tensor([1.0, 2.0], requires_grad=True), tensor([3.0, 4.0])
    loss = (x * w).sum()
    w += 1.0  # w needs no grad: it changes in place, and the op saved its old version
    with pytest.raises(RuntimeError, match=r"input 1 .*was modified in place by \+= after the op used it"):
        loss.backward()


def test_an_in_place_update_that_does_not_fit_names_the_shapes_and_dtypes():
    counts = tensor([1, 2, 3])
    with pytest.raises(TypeError, match=r"\+=: cannot update a tensor of shape \(3,\) and dtype int64 in place"):
        counts += 0.5
    with pytest.raises(ValueError, match=r"\*=: cannot update a tensor of shape \(3,\) .* ndarray of shape \(2, 3\)"):
        counts *= np.ones((2, 3), dtype=int)
    np.testing.assert_array_equal(counts.data, [1, 2, 3])
    assert counts.version == 0


def test_a_name_must_be_a_string():
    with pytest.raises(TypeError, match="Tensor: name must be a str or None, got int"):
        Tensor([1.0], name=5)
    named = Tensor([1.0], name="w")
    assert named.name == "w"
    with pytest.raises(TypeError, match="Tensor: name must be a str or None, got int"):
        named.name = 5
    assert named.name == "w"


def test_in_place_arithmetic_works_on_arrays_numpy_made_through_a_reshape_or_a_copy(rng):
    # their data has a NumPy base that no other tensor can reach: nothing to refuse (as PyTorch)
    values = rng.standard_normal((2, 3))
    ours = [autograd.tensor(values)[:, [0, 2]], autograd.logsumexp(autograd.tensor(values), axis=1),
            autograd.arange(6.0).reshape(2, 3)]
    theirs = [torch.tensor(values)[:, [0, 2]], torch.logsumexp(torch.tensor(values), dim=1),
              torch.arange(6.0, dtype=torch.float64).reshape(2, 3)]
    for mine, reference in zip(ours, theirs):
        assert mine.data.base is not None
        mine -= 1.0
        reference -= 1.0
        np.testing.assert_allclose(mine.data, reference.numpy(), rtol=1e-12)


def test_augmented_assignment_keeps_the_shape_and_dtype_as_torchs():
    x = tensor([1.0, 2.0, 3.0], requires_grad=True)
    for target, operand, error in ((autograd.zeros(1), x, ValueError), (autograd.zeros(1) * x[:1], x, ValueError),
                                   (tensor([1, 2, 3]), x, TypeError)):
        with pytest.raises(error, match=r"\+=: cannot update a tensor of shape .* the result would have shape"):
            target += operand
    reference = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for target in (torch.zeros(1), torch.tensor([1, 2, 3])):
        with pytest.raises(RuntimeError):
            target += reference


def test_power_in_place_as_torchs():
    w, reference = tensor([1.0, 2.0], requires_grad=True), torch.tensor([1.0, 2.0], requires_grad=True)
    with autograd.no_grad():
        w **= 2
    with torch.no_grad():
        reference **= 2
    assert w.requires_grad and w.is_leaf and w.version == 1
    np.testing.assert_array_equal(w.data, reference.detach().numpy())
    with pytest.raises(RuntimeError, match=r"\*\*=: a leaf tensor that requires grad"):
        w **= 2


def test_a_0d_tensor_formats_as_its_number_as_torchs():
    loss, reference = tensor(0.123456), torch.tensor(0.123456, dtype=torch.float64)
    assert f"{loss:.4f}" == f"{reference:.4f}" == "0.1235"
    assert f"{loss}" == f"{reference}" == "0.123456"
    assert f"{tensor([1.0, 2.0])}" == repr(tensor([1.0, 2.0]))
    with pytest.raises(TypeError, match=r"format: a tensor of shape \(2,\) takes no format spec \('.4f'\)"):
        f"{tensor([1.0, 2.0]):.4f}"
    with pytest.raises(TypeError):
        f"{torch.tensor([1.0, 2.0]):.4f}"
