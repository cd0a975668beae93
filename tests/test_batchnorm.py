"""BatchNorm1d from primitive ops against PyTorch, and the hand-derived backward against autodiff."""
import numpy as np
import pytest
import torch
from hypothesis import example, given, settings
from hypothesis import strategies as st

import nn
from autograd import GradcheckError, Tensor, grad, gradcheck, numeric_grad, rel_error, toposort
from autograd.ops import _filled
from nn import functional as F
from nn.batchnorm_steps import channel_means, channel_sums, count_scalar, normalize_batch
from test_nn_reference import assert_close

SHAPES = [(8, 3), (6, 4, 5)]


def _pair(channels, rng, **options):
    """A BatchNorm1d here and in PyTorch (float64) with the same random affine parameters."""
    ours = nn.BatchNorm1d(channels, **options)
    theirs = torch.nn.BatchNorm1d(channels, dtype=torch.float64, **options)
    if ours.affine:
        weight, bias = rng.normal(1, 0.3, channels), rng.normal(0, 0.3, channels)
        ours.load_state_dict({**ours.state_dict(), "weight": weight, "bias": bias})
        with torch.no_grad():
            theirs.weight.copy_(torch.from_numpy(weight))
            theirs.bias.copy_(torch.from_numpy(bias))
    return ours, theirs


def _step(ours, theirs, x, grad_out):
    """One forward and backward in both; returns ((out, grads), (out, grads)) with grads of x, weight, bias."""
    x_ours, x_theirs = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out_ours, out_theirs = ours(x_ours), theirs(x_theirs)
    out_ours.backward(grad_out)
    out_theirs.backward(torch.from_numpy(grad_out))
    grads_ours = [x_ours.grad] + [p.grad for p in ours.parameters()]
    grads_theirs = [x_theirs.grad.numpy()] + [p.grad.numpy() for p in theirs.parameters()]
    ours.zero_grad()
    theirs.zero_grad()
    return (out_ours.data, grads_ours), (out_theirs.detach().numpy(), grads_theirs)


def _assert_same_state(ours, theirs):
    expected = {key: value.numpy() for key, value in theirs.state_dict().items()}
    actual = ours.state_dict()
    assert list(actual) == list(expected)
    for key in expected:
        assert_close(actual[key], expected[key], what=key)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("momentum", [0.1, None])
@pytest.mark.parametrize("fused", [False, True])
def test_training_steps_and_eval_match_pytorch(shape, momentum, fused, rng):
    ours, theirs = _pair(shape[1], rng, momentum=momentum)
    ours.fused = fused
    for step in range(4):
        x = rng.normal(2.0 * step, 1.0 + step, shape)
        (out, grads), (expected, expected_grads) = _step(ours, theirs, x, rng.normal(size=shape))
        assert_close(out, expected, what=f"output at step {step}")
        for name, g, expected_g in zip(("x", "weight", "bias"), grads, expected_grads):
            assert_close(g, expected_g, what=f"grad {name} at step {step}")
        _assert_same_state(ours, theirs)
    assert int(ours.num_batches_tracked.item()) == 4
    ours.eval()
    theirs.eval()
    x = rng.normal(size=shape)
    (out, grads), (expected, expected_grads) = _step(ours, theirs, x, rng.normal(size=shape))
    assert_close(out, expected, what="eval output")
    for g, expected_g in zip(grads, expected_grads):
        assert_close(g, expected_g, what="eval gradient")
    _assert_same_state(ours, theirs)  # eval leaves the running stats alone


@pytest.mark.parametrize("options", [{"affine": False}, {"track_running_stats": False},
                                     {"affine": False, "track_running_stats": False}])
@pytest.mark.parametrize("fused", [False, True])
def test_options_match_pytorch(options, fused, rng):
    ours, theirs = _pair(3, rng, **options)
    ours.fused = fused
    for mode in ("train", "eval"):
        getattr(ours, mode)()
        getattr(theirs, mode)()
        x = rng.normal(size=(5, 3, 2))
        (out, grads), (expected, expected_grads) = _step(ours, theirs, x, rng.normal(size=x.shape))
        assert_close(out, expected, what=f"{mode} output")
        for g, expected_g in zip(grads, expected_grads):
            assert_close(g, expected_g, what=f"{mode} gradient")
        _assert_same_state(ours, theirs)


def test_reset_running_stats_matches_pytorch(rng):
    ours, theirs = _pair(3, rng)
    x = rng.normal(2, 3, size=(6, 3))
    _step(ours, theirs, x, rng.normal(size=x.shape))
    assert ours.num_batches_tracked.item() == 1 and not np.allclose(ours.running_mean.data, 0)
    ours.reset_running_stats()
    theirs.reset_running_stats()
    _assert_same_state(ours, theirs)


def test_state_dict_keys_and_shapes_equal_pytorch():
    ours, theirs = nn.BatchNorm1d(7), torch.nn.BatchNorm1d(7)
    assert {k: v.shape for k, v in ours.state_dict().items()} == \
        {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
    assert ours.state_dict()["num_batches_tracked"].dtype == np.int64


def test_pytorch_state_dict_loads_and_gives_the_same_eval_output(rng):
    theirs = torch.nn.BatchNorm1d(4, dtype=torch.float64)
    theirs.train()
    for _ in range(3):
        theirs(torch.tensor(rng.normal(1, 2, (10, 4))))
    theirs.eval()
    ours = nn.BatchNorm1d(4).eval()
    ours.load_state_dict(theirs.state_dict())
    x = rng.normal(size=(6, 4))
    assert_close(ours(Tensor(x)).data, theirs(torch.tensor(x)).detach().numpy())


@pytest.mark.parametrize("shape", [(1, 3), (1, 3, 1)])
def test_one_value_per_channel_in_training_raises_as_pytorch(shape):
    bn = nn.BatchNorm1d(3)
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        bn(Tensor(np.ones(shape)))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        torch.nn.BatchNorm1d(3)(torch.ones(shape))
    assert int(bn.num_batches_tracked.item()) == 0  # nothing half-changed
    assert_close(bn.running_var.data, np.ones(3))
    bn.eval()
    assert bn(Tensor(np.ones(shape))).shape == shape  # eval mode takes a single sample


def test_bad_input_names_the_op_and_the_shapes():
    bn = nn.BatchNorm1d(3)
    with pytest.raises(ValueError, match=r"BatchNorm1d: .*\(4, 5\).*num_features=3"):
        bn(Tensor(np.ones((4, 5))))
    with pytest.raises(ValueError, match=r"expected 2D \(N, C\) or 3D \(N, C, L\) input \(got 4D"):
        bn(Tensor(np.ones((2, 3, 4, 5))))
    with pytest.raises(ValueError, match=r"weight must have shape \(3,\)"):
        F.batch_norm(Tensor(np.ones((4, 3))), None, None, Tensor(np.ones(2)), training=True)


def test_the_composite_graph_shows_the_primitive_ops(rng):
    x = Tensor(rng.normal(size=(4, 3)), requires_grad=True)
    out = nn.BatchNorm1d(3)(x)
    ops = [tensor.op for tensor in reversed(toposort([out])) if tensor.op is not None]
    # Algorithm 1 and nothing else: (N, C) input needs no reshape of weight and bias
    assert ops == ["mean", "sub", "pow", "mean", "add", "sqrt", "div", "mul", "add"]
    x3 = Tensor(rng.normal(size=(4, 3, 2)), requires_grad=True)
    ops3 = [tensor.op for tensor in toposort([nn.BatchNorm1d(3)(x3)]) if tensor.op is not None]
    assert sorted(ops3) == sorted(ops + ["reshape", "reshape"])
    fused = nn.BatchNorm1d(3, fused=True)(x)
    assert fused.op == "FusedBatchNorm" and fused.parents[0] is x


def test_float32_training_is_float32_and_close_to_float64(rng):
    x = rng.normal(size=(8, 3, 2))
    bn64, bn32 = nn.BatchNorm1d(3), nn.BatchNorm1d(3).float()
    out64, out32 = bn64(Tensor(x)), bn32(Tensor(x.astype(np.float32)))
    assert out32.dtype == np.float32 and bn32.running_var.dtype == np.float32
    assert_close(out32.data, out64.data, rtol=1e-5, atol=1e-5)


# -- the hand-derived backward -------------------------------------------------------------

def _autodiff(grad_out, x, weight, eps=1e-5):
    inputs = [Tensor(a, requires_grad=True) for a in (x, weight, np.zeros_like(weight))]
    F.batch_norm(inputs[0], None, None, inputs[1], inputs[2], training=True, eps=eps).backward(grad_out)
    return [t.grad for t in inputs]


def _fused(grad_out, x, weight, eps=1e-5):
    inputs = [Tensor(a, requires_grad=True) for a in (x, weight, np.zeros_like(weight))]
    F.batch_norm(inputs[0], None, None, inputs[1], inputs[2], training=True, eps=eps, fused=True).backward(grad_out)
    return [t.grad for t in inputs]


HAND_DERIVED = {
    "compact": F.batch_norm_backward,
    "staged": lambda *args: F.batch_norm_backward_staged(*args)[:3],
    "fused": _fused,
}


@pytest.mark.parametrize("method", sorted(HAND_DERIVED))
@pytest.mark.parametrize("shape", [(2, 1), (8, 3), (5, 4, 6), (32, 16)])
def test_hand_derived_backward_equals_autodiff(method, shape, rng):
    x = rng.normal(3.0, 2.0, shape)
    weight, grad_out = rng.normal(1, 0.5, shape[1]), rng.normal(size=shape)
    expected = _autodiff(grad_out, x, weight)
    for name, actual, reference in zip(("grad_x", "grad_weight", "grad_bias"),
                                       HAND_DERIVED[method](grad_out, x, weight), expected):
        assert rel_error(actual, reference) < 1e-10, (method, name, rel_error(actual, reference))


@pytest.mark.parametrize("method", sorted(HAND_DERIVED))
def test_hand_derived_backward_equals_central_differences(method, rng):
    x, weight, bias = rng.normal(size=(6, 3, 2)), rng.normal(1, 0.5, 3), rng.normal(size=3)
    grad_out = rng.normal(size=x.shape)
    numeric = numeric_grad(lambda *t: F.batch_norm(t[0], None, None, t[1], t[2], training=True),
                           [Tensor(x.copy()), Tensor(weight.copy()), Tensor(bias)], grad_output=grad_out)
    for actual, reference in zip(HAND_DERIVED[method](grad_out, x, weight), numeric):
        assert rel_error(actual, reference) < 1e-7


@pytest.mark.parametrize("fused", [False, True])
def test_gradcheck_batch_norm(fused, rng):
    inputs = [Tensor(rng.normal(size=(5, 2, 3)), requires_grad=True),
              Tensor(rng.normal(size=2), requires_grad=True), Tensor(rng.normal(size=2), requires_grad=True)]
    assert gradcheck(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True, fused=fused), inputs)


def test_gradcheck_catches_a_wrong_hand_derived_backward(rng, monkeypatch):
    from nn import batchnorm_fused

    def vanilla_only(ctx, grad_out):  # drops the feedback through mu and sigma
        centered, std, gamma = ctx.saved
        return grad_out * gamma / std, (grad_out * centered / std).sum(axis=0), grad_out.sum(axis=0), None, None

    monkeypatch.setattr(batchnorm_fused.FusedBatchNorm, "backward", staticmethod(vanilla_only))
    x = Tensor(rng.normal(size=(5, 2)), requires_grad=True)
    with pytest.raises(GradcheckError, match="input 0"):
        gradcheck(lambda x: F.batch_norm(x, None, None, training=True, fused=True), [x])


@pytest.mark.parametrize("shape", [(7, 3), (4, 2, 5)])
def test_each_stage_is_the_autodiff_gradient_of_that_intermediate(shape, rng):
    x, weight, grad_out = rng.normal(1, 2, shape), rng.normal(1, 0.5, shape[1]), rng.normal(size=shape)
    x_tensor = Tensor(x, requires_grad=True)
    steps = normalize_batch(x_tensor, 1e-5)
    out = steps.xhat * Tensor(weight).reshape(steps.mean.shape)
    names = ["xhat", "std", "var_eps", "var", "squared", "centered", "mean"]
    autodiff = grad(out, [getattr(steps, n) for n in names] + [x_tensor], grad_outputs=grad_out)
    stages = F.batch_norm_backward_staged(grad_out, x, weight)[3]
    for name, expected in zip(names + ["x"], autodiff):
        assert stages[f"grad_{name}"].shape == expected.shape, name
        assert rel_error(stages[f"grad_{name}"], expected) < 1e-10, name


def test_grad_x_splits_into_vanilla_and_feedback_terms(rng):
    x, weight, grad_out = rng.normal(size=(10, 3)), rng.normal(size=3), rng.normal(size=(10, 3))
    grad_x, _, _, stages = F.batch_norm_backward_staged(grad_out, x, weight)
    m, sigma = 10, np.sqrt(x.var(axis=0) + 1e-5)
    xhat = (x - x.mean(axis=0)) / sigma
    # the three terms written out independently of the staged walk
    assert_close(stages["grad_x_vanilla"], weight * grad_out / sigma)
    assert_close(stages["grad_x_through_mean"], np.broadcast_to(-weight * grad_out.sum(0) / (m * sigma), x.shape))
    assert_close(stages["grad_x_through_std"], -weight * xhat * (grad_out * xhat).sum(0) / (m * sigma))
    assert_close(stages["grad_x_vanilla"] + stages["grad_x_through_mean"] + stages["grad_x_through_std"], grad_x)


def test_hand_derived_backward_without_weight_is_gamma_one(rng):
    x, grad_out = rng.normal(size=(6, 2)), rng.normal(size=(6, 2))
    for method in (F.batch_norm_backward, lambda *a: F.batch_norm_backward_staged(*a)[:3]):
        for actual, expected in zip(method(grad_out, x, None), method(grad_out, x, np.ones(2))):
            assert_close(actual, expected)


def test_hand_derived_backward_checks_its_arguments():
    with pytest.raises(ValueError, match=r"grad_out has shape \(3, 2\) but x has shape \(4, 2\)"):
        F.batch_norm_backward(np.ones((3, 2)), np.ones((4, 2)), np.ones(2))
    with pytest.raises(ValueError, match=r"weight must have shape \(2,\)"):
        F.batch_norm_backward_staged(np.ones((4, 2)), np.ones((4, 2)), np.ones(3))


def test_python_dash_m_nn_prints_the_table_and_succeeds():
    import subprocess
    import sys
    result = subprocess.run([sys.executable, "-m", "nn"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    for method in ("autodiff", "compact", "staged", "fused", "numeric", "float32", "feedback through mu"):
        assert method in result.stdout


def test_python_dash_m_nn_reports_a_mismatch(monkeypatch, capsys):
    from nn import __main__ as demo
    compact = F.batch_norm_backward
    monkeypatch.setattr(demo.F, "batch_norm_backward",
                        lambda *args: tuple(1.001 * grad for grad in compact(*args)))  # off by 0.1 %
    assert demo.main() == 1
    assert "MISMATCH: compact" in capsys.readouterr().err


@settings(max_examples=40, deadline=None)
@example(shape=(3, 5), seed=0, location=-64.0, scale=0.015625, eps=1e-5)  # far from zero: 1.2e-12 relative
@given(shape=st.sampled_from([(2, 1), (3, 5), (16, 2), (2, 3, 1), (3, 2, 4)]), seed=st.integers(0, 2 ** 32 - 1),
       location=st.floats(-100, 100), scale=st.floats(1e-2, 1e2), eps=st.sampled_from([1e-5, 1e-3, 0.1]))
def test_hand_derived_backward_equals_autodiff_for_any_batch(shape, seed, location, scale, eps):
    rng = np.random.default_rng(seed)
    x = rng.normal(location, scale, shape)
    weight, grad_out = rng.normal(1, 0.5, shape[1]), rng.normal(size=shape)
    expected = _autodiff(grad_out, x, weight, eps)
    # grad_x is a difference of terms of size |gamma dy / sigma|; when they cancel (m = 2, say)
    # both results are rounding noise of that size, so the error is measured against it
    axes = (0, 2) if x.ndim == 3 else 0
    sigma = np.sqrt(x.var(axis=axes) + eps)
    term_size = np.abs(grad_out).max() * np.abs(weight).max() / sigma.min()
    # each method rounds the mean mu to about u |mu| in its own way, which moves every centered value,
    # and so grad_x, by about u |mu| / sigma relative: far from zero (mu = -64, sigma = 0.016) that
    # exceeds 1e-12; the largest seen is 1.9 u (1 + |mu| / sigma)
    conditioning = 1 + (np.abs(x.mean(axis=axes)) / sigma).max()
    bound = (1e-12 + 16 * np.finfo(np.float64).eps * conditioning) * term_size
    for method in (F.batch_norm_backward, lambda *a: F.batch_norm_backward_staged(*a)[:3], _fused):
        grad_x, grad_weight, grad_bias = method(grad_out, x, weight, eps)
        assert np.abs(grad_x - expected[0]).max() <= bound
        assert rel_error(grad_weight, expected[1]) < 1e-10 and rel_error(grad_bias, expected[2]) < 1e-10


@pytest.mark.parametrize("shape", [(8, 3), (8, 3, 5)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_channel_sums_and_means_equal_numpys(shape, dtype, rng):
    x = rng.standard_normal(shape).astype(dtype)
    sums = channel_sums(x)
    assert sums.dtype == dtype and sums.flags.writeable
    assert_close(sums, x.sum(axis=(0,) if x.ndim == 2 else (0, 2)), rtol=1e-12 if dtype == np.float64 else 1e-5)
    means = channel_means(x)
    assert means.dtype == dtype
    assert_close(means, x.mean(axis=(0,) if x.ndim == 2 else (0, 2)), rtol=1e-12 if dtype == np.float64 else 1e-5)
    ones = _filled(shape[0], 1, np.dtype(dtype))
    assert ones is _filled(shape[0], 1, np.dtype(dtype)) and not ones.flags.writeable  # shared, so never written


@pytest.mark.parametrize("count", [2, 32, 100_003])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_count_scalar_is_cached_and_divides_as_the_int(count, dtype, rng):
    vector = rng.random(5).astype(dtype)
    scalar = count_scalar(count, np.dtype(dtype))
    assert count_scalar(count, np.dtype(dtype)) is scalar and not scalar.flags.writeable
    expected = vector / count
    assert (vector / scalar).dtype == expected.dtype and np.array_equal(vector / scalar, expected)


@pytest.mark.parametrize("shape", [(8, 3), (8, 3, 5)])
@pytest.mark.parametrize("fused", [False, True])
def test_batch_norm_parameter_gradients_own_their_memory(shape, fused, rng):
    """The weight and bias gradients become .grad as new arrays (no copy, no view of a larger array)."""
    bn = nn.BatchNorm1d(3, fused=fused)
    (bn(Tensor(rng.standard_normal(shape))) * Tensor(rng.standard_normal(shape))).sum().backward()
    for param in (bn.weight, bn.bias):
        assert param.grad.shape == (3,) and param.grad.base is None and param.grad.flags.c_contiguous
