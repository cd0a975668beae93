"""Layers and nn.functional against PyTorch (values and gradients, float64) and gradcheck."""
import math

import numpy as np
import pytest
import torch

import nn
from autograd import Tensor, gradcheck, manual_seed
from nn import functional as F
from nn import init
from test_nn_reference import assert_close, assert_matches_torch

TF = torch.nn.functional

# name: (ours, PyTorch's, input shape)
ELEMENTWISE = {
    "relu": (F.relu, TF.relu, (4, 5)),
    "sigmoid": (F.sigmoid, torch.sigmoid, (4, 5)),
    "tanh": (F.tanh, torch.tanh, (4, 5)),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.1), lambda x: TF.leaky_relu(x, 0.1), (4, 5)),
    "softmax": (lambda x: F.softmax(x, dim=1), lambda x: TF.softmax(x, dim=1), (3, 4, 2)),
    "log_softmax": (lambda x: F.log_softmax(x, dim=-1), lambda x: TF.log_softmax(x, dim=-1), (3, 4)),
    "layer_norm": (lambda x: F.layer_norm(x, (3, 4)), lambda x: TF.layer_norm(x, (3, 4)), (2, 3, 4)),
}


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_functional_matches_pytorch_and_gradcheck(name, rng):
    ours, theirs, shape = ELEMENTWISE[name]
    x = rng.normal(0, 3, shape)
    assert_matches_torch(ours, theirs, [x], rng)
    assert gradcheck(ours, [Tensor(rng.normal(size=shape), requires_grad=True)])


def test_relu_and_leaky_relu_at_zero_match_pytorch(rng):
    x = np.array([-1.0, 0.0, 2.0])
    assert_matches_torch(F.relu, TF.relu, [x], rng)
    assert_matches_torch(lambda t: F.leaky_relu(t, 0.3), lambda t: TF.leaky_relu(t, 0.3), [x], rng)


def test_log_softmax_is_stable_for_huge_logits(rng):
    """The maximum is subtracted first: x - logsumexp(x) would give 0 (and a softmax summing to 2) for the
    third row, whose maximum swallows log 2, and lose digits in the fourth."""
    x = np.array([[1000.0, 0.0, -1000.0], [-800.0, -800.0, -801.0], [1e30, 1e30, -1e30], [1e16, 1e16 + 2, 1e16 - 4]])
    assert_matches_torch(F.log_softmax, lambda t: TF.log_softmax(t, dim=-1), [x], rng)
    assert_matches_torch(F.softmax, lambda t: TF.softmax(t, dim=-1), [x], rng)
    assert_matches_torch(lambda t: F.softmax(t, dim=0), lambda t: TF.softmax(t, dim=0), [x.T.copy()], rng)


def test_log_softmax_of_float32_logits_near_1e4_matches_pytorch():
    x = np.array([[1e4, 1e4 + 0.5, 1e4 - 0.75], [-3e38, -3e38, 0.0]], dtype=np.float32)
    ours, theirs = F.log_softmax(x).data, TF.log_softmax(torch.tensor(x), dim=-1).numpy()
    assert ours.dtype == np.float32
    assert_close(ours, theirs, rtol=1e-6, atol=0)


def test_linear_matches_pytorch(rng):
    x, weight, bias = rng.normal(size=(5, 3)), rng.normal(size=(4, 3)), rng.normal(size=4)
    assert_matches_torch(F.linear, TF.linear, [x, weight, bias], rng)
    assert gradcheck(F.linear, [Tensor(a, requires_grad=True) for a in (x, weight, bias)])
    with pytest.raises(ValueError, match=r"linear: input of shape \(5, 4\).*weight has shape \(4, 3\)"):
        F.linear(Tensor(np.ones((5, 4))), Tensor(weight))
    with pytest.raises(ValueError, match=r"linear: bias must have shape \(4,\), got \(3,\)"):
        F.linear(Tensor(x), Tensor(weight), Tensor(np.ones(3)))
    by_keyword = F.linear(input=Tensor(x), weight=Tensor(weight), bias=Tensor(bias))  # PyTorch's argument names
    np.testing.assert_array_equal(by_keyword.data, F.linear(Tensor(x), Tensor(weight), Tensor(bias)).data)


def test_linear_layer_matches_pytorch_with_the_same_weights(rng):
    ours, theirs = nn.Linear(3, 4), torch.nn.Linear(3, 4, dtype=torch.float64)
    ours.load_state_dict(theirs.state_dict())
    assert_matches_torch(ours, theirs, [rng.normal(size=(6, 3))], rng)


def test_linear_default_init_is_pytorchs_uniform_bound():
    manual_seed(0)
    layer = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    for param in (layer.weight, layer.bias):
        assert np.abs(param.data).max() <= bound and np.abs(param.data).max() > 0.95 * bound
    # U(-b, b) has standard deviation b / sqrt(3)
    assert abs(layer.weight.data.std() - bound / math.sqrt(3)) < 0.01 * bound
    assert layer.weight.shape == (300, 400) and layer.weight.dtype == np.float64


def test_linear_init_follows_the_seed_and_the_explicit_rng():
    manual_seed(3)
    first = nn.Linear(4, 2).weight.data
    manual_seed(3)
    np.testing.assert_array_equal(nn.Linear(4, 2).weight.data, first)
    a = nn.Linear(4, 2, rng=np.random.default_rng(5)).weight.data
    np.testing.assert_array_equal(nn.Linear(4, 2, rng=np.random.default_rng(5)).weight.data, a)


def test_activation_modules_match_pytorch(rng):
    x = rng.normal(size=(3, 4))
    for ours, theirs in [(nn.ReLU(), torch.nn.ReLU()), (nn.Tanh(), torch.nn.Tanh()), (nn.Sigmoid(), torch.nn.Sigmoid()),
                         (nn.LeakyReLU(0.2), torch.nn.LeakyReLU(0.2)), (nn.Softmax(dim=0), torch.nn.Softmax(dim=0))]:
        assert_matches_torch(ours, theirs, [x], rng)


def test_layer_norm_module_matches_pytorch(rng):
    ours, theirs = nn.LayerNorm(4), torch.nn.LayerNorm(4, dtype=torch.float64)
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(rng.normal(size=4)))
        theirs.bias.copy_(torch.tensor(rng.normal(size=4)))
    ours.load_state_dict(theirs.state_dict())
    assert_matches_torch(ours, theirs, [rng.normal(2, 3, (5, 4))], rng)
    # and the parameter gradients
    x = rng.normal(size=(5, 4))
    ours(Tensor(x)).sum().backward()
    theirs(torch.tensor(x)).sum().backward()
    assert_close(ours.weight.grad, theirs.weight.grad.numpy())
    assert_close(ours.bias.grad, theirs.bias.grad.numpy())


def test_dropout_is_inverted_and_the_identity_in_eval(rng):
    x = Tensor(np.ones((200, 50)), requires_grad=True)
    layer = nn.Dropout(0.25, rng=np.random.default_rng(0))
    out = layer(x)
    kept = out.data != 0
    assert_close(out.data[kept], np.full(kept.sum(), 1 / 0.75))
    assert abs(kept.mean() - 0.75) < 0.01
    out.sum().backward()
    assert_close(x.grad, kept / 0.75)  # the gradient flows through the kept units only, scaled
    layer.eval()
    assert layer(x) is x
    with pytest.raises(ValueError, match="p must be a probability"):
        nn.Dropout(1.5)


def test_dropout_gradcheck_with_a_fixed_mask(rng):
    x = Tensor(rng.normal(size=(4, 5)), requires_grad=True)
    assert gradcheck(lambda t: F.dropout(t, 0.3, rng=np.random.default_rng(0)), [x])


def test_dropout_uses_the_seeded_default_generator():
    x = Tensor(np.ones(100))
    manual_seed(7)
    first = F.dropout(x, 0.5).data
    manual_seed(7)
    np.testing.assert_array_equal(F.dropout(x, 0.5).data, first)
    manual_seed(8)
    assert not np.array_equal(F.dropout(x, 0.5).data, first)


@pytest.mark.filterwarnings("ignore:.*weight_norm. is deprecated:FutureWarning")
@pytest.mark.parametrize("dim, g_shape", [(0, (4, 1)), (1, (1, 3)), (-2, (4, 1)), (None, ()), (-1, ())])
def test_weight_norm_matches_pytorch(rng, dim, g_shape):
    ours, theirs = nn.Linear(3, 4), torch.nn.Linear(3, 4, dtype=torch.float64)
    ours.load_state_dict(theirs.state_dict())
    ours = nn.weight_norm(ours, dim=dim)
    theirs = torch.nn.utils.weight_norm(theirs, dim=dim)
    assert theirs.weight_g.shape == g_shape
    assert {k: v.shape for k, v in ours.state_dict().items()} == \
        {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
    for key, value in ours.state_dict().items():
        assert_close(value, theirs.state_dict()[key].detach().numpy(), what=key)
    with torch.no_grad():  # g no longer equals ||v||, so the axes of the norm show in the weight
        theirs.weight_g.mul_(torch.linspace(0.5, 2.0, theirs.weight_g.numel()).reshape(g_shape))
    ours.load_state_dict(theirs.state_dict())
    x = rng.normal(size=(5, 3))
    out, expected = ours(Tensor(x)), theirs(torch.tensor(x))
    assert_close(ours.weight.data, theirs.weight.detach().numpy(), what="weight")
    assert_close(out.data, expected.detach().numpy())
    out.sum().backward()
    expected.sum().backward()
    for name in ("weight_g", "weight_v", "bias"):
        assert_close(getattr(ours, name).grad, getattr(theirs, name).grad.numpy(), what=name)


def test_weight_norm_gradcheck_and_bad_arguments(rng):
    layer = nn.weight_norm(nn.Linear(3, 2), dim=None)
    x = Tensor(rng.normal(size=(4, 3)))
    assert gradcheck(lambda g, v: layer(x), [layer.weight_g, layer.weight_v])
    with pytest.raises(ValueError, match="dim 2 is out of range for 'weight' of shape \\(2, 3\\)"):
        nn.weight_norm(nn.Linear(3, 2), dim=2)
    with pytest.raises(TypeError, match="dim must be an int or None, got float"):
        nn.weight_norm(nn.Linear(3, 2), dim=-1.0)
    with pytest.raises(ValueError, match="has no parameter 'kernel'"):
        nn.weight_norm(nn.Linear(3, 2), name="kernel")


@pytest.mark.parametrize("fill, expected_std", [
    (lambda t, rng: init.xavier_uniform_(t, rng=rng), math.sqrt(2 / (300 + 200))),
    (lambda t, rng: init.xavier_normal_(t, rng=rng), math.sqrt(2 / (300 + 200))),
    (lambda t, rng: init.kaiming_uniform_(t, nonlinearity="relu", rng=rng), math.sqrt(2 / 300)),
    (lambda t, rng: init.kaiming_normal_(t, mode="fan_out", nonlinearity="relu", rng=rng), math.sqrt(2 / 200)),
    (lambda t, rng: init.normal_(t, 0.0, 0.3, rng=rng), 0.3),
    (lambda t, rng: init.uniform_(t, -1.0, 1.0, rng=rng), 1 / math.sqrt(3)),
])
def test_init_has_the_textbook_standard_deviation(fill, expected_std):
    weight = nn.Parameter(np.zeros((200, 300), dtype=np.float32))
    assert fill(weight, np.random.default_rng(0)) is weight
    assert weight.dtype == np.float32
    assert abs(weight.data.std() - expected_std) < 0.02 * expected_std


def test_constant_fills_keep_the_tensor_and_its_dtype():
    weight = nn.Parameter(np.full((2, 3), 7.0, dtype=np.float32))
    for fill, expected in [(init.zeros_, 0.0), (init.ones_, 1.0), (lambda t: init.constant_(t, 0.25), 0.25)]:
        assert fill(weight) is weight
        assert weight.dtype == np.float32
        np.testing.assert_array_equal(weight.data, np.full((2, 3), expected, dtype=np.float32))


@pytest.mark.parametrize("name, param", [
    ("relu", None), ("tanh", None), ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", 0), ("linear", None),
    ("selu", None), ("sigmoid", None), ("conv1d", None), ("conv3d", None), ("conv_transpose1d", None),
    ("conv_transpose2d", None), ("conv_transpose3d", None),
])
def test_init_gains_match_pytorch(name, param):
    assert init.calculate_gain(name, param) == pytest.approx(torch.nn.init.calculate_gain(name, param), rel=1e-15)


@pytest.mark.parametrize("name, param, error, message", [
    ("leaky_relu", True, ValueError, r"leaky_relu's param \(its negative slope\) must be an int or a float, got bool"),
    ("leaky_relu", "0.2", ValueError, r"must be an int or a float, got str '0.2'"),
    ("softsign", None, ValueError, r"unsupported nonlinearity 'softsign'"),
])
def test_init_gains_refuse_what_pytorch_refuses(name, param, error, message):
    with pytest.raises(error):
        torch.nn.init.calculate_gain(name, param)
    with pytest.raises(error, match=message):
        init.calculate_gain(name, param)
