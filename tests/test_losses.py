"""Losses and regularisers against PyTorch (values and gradients, float64) and gradcheck."""
import numpy as np
import pytest
import torch

import autograd
import nn
from autograd import Tensor, gradcheck, logsumexp
from nn import functional as F
from test_nn_reference import assert_close, assert_matches_torch

TF = torch.nn.functional
REDUCTIONS = ["mean", "sum", "none"]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("ours, theirs", [(F.mse_loss, TF.mse_loss), (F.l1_loss, TF.l1_loss)],
                         ids=["mse", "l1"])
def test_regression_losses_match_pytorch(ours, theirs, reduction, rng):
    x, y = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    assert_matches_torch(lambda a, b: ours(a, b, reduction), lambda a, b: theirs(a, b, reduction=reduction),
                         [x, y], rng)
    assert gradcheck(lambda a, b: ours(a, b, reduction), [Tensor(x, requires_grad=True), Tensor(y, requires_grad=True)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_matches_pytorch(reduction, rng):
    logits, target = rng.normal(0, 3, (6, 4)), np.array([0, 3, 1, 1, 2, 0])
    assert_matches_torch(lambda x: F.cross_entropy(x, target, reduction),
                         lambda x: TF.cross_entropy(x, torch.from_numpy(target), reduction=reduction), [logits], rng)
    assert gradcheck(lambda x: F.cross_entropy(x, target, reduction), [Tensor(logits, requires_grad=True)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_of_an_empty_batch_matches_pytorch_and_its_backward_warns_of_nothing(reduction):
    logits = Tensor(np.zeros((0, 4)), requires_grad=True)
    with np.errstate(invalid="ignore"):  # the mean of no values is nan, as in NumPy and PyTorch
        loss = F.cross_entropy(logits, np.zeros(0, dtype=np.int64), reduction)
    torch_logits = torch.zeros((0, 4), dtype=torch.float64, requires_grad=True)
    expected = TF.cross_entropy(torch_logits, torch.zeros(0, dtype=torch.long), reduction=reduction)
    np.testing.assert_array_equal(loss.data, expected.detach().numpy())
    with np.errstate(all="raise"):
        loss.sum().backward()
    assert logits.grad.shape == (0, 4)


# Row maxima of small arrays with rows of up to 32 values go through a transposed copy; the others do not.
ROW_SHAPES = [(6, 4), (6, 40), (600, 30)]


@pytest.mark.parametrize("shape", ROW_SHAPES, ids=str)
def test_cross_entropy_over_rows_short_long_and_many_matches_pytorch(shape, rng):
    logits, target = rng.normal(0, 3, shape), rng.integers(0, shape[1], shape[0])
    logits[1] = -np.inf
    logits[1, target[1]] = 2.0  # one finite logit in a row of masked ones
    assert_matches_torch(lambda x: F.cross_entropy(x, target),
                         lambda x: TF.cross_entropy(x, torch.from_numpy(target)), [logits], rng)


@pytest.mark.parametrize("axis", [1, -1])
@pytest.mark.parametrize("shape", ROW_SHAPES, ids=str)
def test_logsumexp_over_rows_matches_pytorch(shape, axis, rng):
    x = rng.normal(0, 3, shape)
    x[0] = -np.inf  # a row with nothing to shift by: logsumexp -inf
    x[2, 1] = np.inf
    with np.errstate(divide="ignore"):  # log(0) of the -inf row, which NumPy would warn about
        value = logsumexp(Tensor(x), axis=axis).data
    expected = torch.logsumexp(torch.from_numpy(x), dim=axis).numpy()
    assert value[0] == -np.inf and value[2] == np.inf
    assert_close(value, expected, rtol=1e-12, atol=0)
    finite = np.isfinite(x).all(axis=1)
    assert_matches_torch(lambda t: logsumexp(t, axis=axis), lambda t: torch.logsumexp(t, dim=axis),
                         [x[finite]], rng)


def test_cross_entropy_is_stable_for_huge_logits(rng):
    logits, target = np.array([[1000.0, -1000.0, 0.0], [-5000.0, 5000.0, 4990.0]]), np.array([1, 2])
    assert_matches_torch(lambda x: F.cross_entropy(x, target),
                         lambda x: TF.cross_entropy(x, torch.from_numpy(target)), [logits], rng)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits_matches_pytorch_including_zero_and_huge_logits(reduction, rng):
    logits = np.concatenate([rng.normal(0, 3, 6), [0.0, 800.0, -800.0]])
    target = np.concatenate([rng.random(6), [1.0, 0.0, 1.0]])
    assert_matches_torch(lambda x, t: F.binary_cross_entropy_with_logits(x, t, reduction),
                         lambda x, t: TF.binary_cross_entropy_with_logits(x, t, reduction=reduction),
                         [logits, target], rng)
    assert gradcheck(lambda x, t: F.binary_cross_entropy_with_logits(x, t, reduction),
                     [Tensor(rng.normal(size=5), requires_grad=True), Tensor(rng.random(5), requires_grad=True)])


def test_bce_with_logits_is_exact_for_confident_predictions():
    """The loss log(1 + e^-40) for t = 1, x = 40 and the gradient sigmoid(-40) - 0 for t = 0, x = -40 are about
    4e-18: computed as log1p and as sigmoid(x) - t, not lost to 1 + 4e-18 and 1 - sigmoid(40)."""
    logits, target = np.array([-40.0, 40.0, -10.0, 10.0, 0.0, -np.inf]), np.array([0.0, 1.0, 0.0, 1.0, 0.3, 1.0])
    ours = Tensor(logits, requires_grad=True)
    with np.errstate(invalid="ignore"):  # 0 * -inf
        loss = F.binary_cross_entropy_with_logits(ours, target, reduction="none")
    loss[:5].sum().backward()
    theirs = torch.tensor(logits, requires_grad=True)
    reference = TF.binary_cross_entropy_with_logits(theirs, torch.tensor(target), reduction="none")
    reference[:5].sum().backward()
    assert_close(loss.data[:5], reference.detach().numpy()[:5], rtol=1e-13, atol=0)
    assert np.isnan(loss.data[5]) and np.isnan(reference[5].item())  # 0 * -inf, as PyTorch
    assert_close(ours.grad, theirs.grad.numpy(), rtol=1e-13, atol=0)


def test_bce_with_logits_op_takes_a_number_target_in_the_logits_dtype():
    logits = np.array([0.5, -1.0, 2.0], np.float32)
    ours = autograd.binary_cross_entropy_with_logits(Tensor(logits), 1.0)
    theirs = TF.binary_cross_entropy_with_logits(torch.tensor(logits), torch.ones(3), reduction="none")
    assert ours.dtype == np.float32
    assert_close(ours.data, theirs.numpy(), rtol=1e-6, atol=0)


@pytest.mark.parametrize("ours, theirs", [(nn.MSELoss, torch.nn.MSELoss), (nn.L1Loss, torch.nn.L1Loss),
                                          (nn.BCEWithLogitsLoss, torch.nn.BCEWithLogitsLoss)])
def test_loss_modules_match_pytorch(ours, theirs, rng):
    x, y = rng.normal(size=(5, 2)), rng.random((5, 2))
    assert_matches_torch(ours(reduction="sum"), theirs(reduction="sum"), [x, y], rng)


def test_cross_entropy_loss_module_matches_pytorch(rng):
    logits, target = rng.normal(size=(5, 3)), np.array([2, 0, 1, 1, 0])
    assert_matches_torch(lambda x: nn.CrossEntropyLoss()(x, target),
                         lambda x: torch.nn.CrossEntropyLoss()(x, torch.from_numpy(target)), [logits], rng)


def test_bad_loss_arguments_name_the_op_and_the_shapes():
    with pytest.raises(ValueError, match=r"mse_loss: input has shape \(3,\) but target has shape \(3, 1\)"):
        F.mse_loss(Tensor(np.ones(3)), Tensor(np.ones((3, 1))))
    with pytest.raises(ValueError, match=r"cross_entropy: target values must be in \[0, 3\)"):
        F.cross_entropy(Tensor(np.ones((2, 3))), np.array([0, 3]))
    for target in (np.array([-1, 2], np.int8), np.array([2, -1]), np.array([2, 65535], np.uint16)):
        with pytest.raises(ValueError, match=rf"cross_entropy: target values must be in \[0, 3\), got min "
                                             rf"{target.min()}, max {target.max()}"):
            F.cross_entropy(Tensor(np.ones((2, 3))), target)
    with pytest.raises(TypeError, match="cross_entropy: target must hold integer class indices"):
        F.cross_entropy(Tensor(np.ones((2, 3))), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"cross_entropy: logits must have shape \(N, C\), got \(3,\)"):
        F.cross_entropy(Tensor(np.ones(3)), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"cross_entropy: target must have shape \(2,\) for logits of shape "
                                         r"\(2, 3\), got \(3,\)"):
        F.cross_entropy(Tensor(np.ones((2, 3))), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="reduction must be one of"):
        nn.MSELoss(reduction="average")


@pytest.mark.parametrize("op, call", [
    ("softmax_cross_entropy", lambda x, t: autograd.softmax_cross_entropy(x, t, reduction="avg")),
    ("cross_entropy", lambda x, t: F.cross_entropy(x, t, "avg")),
    ("CrossEntropyLoss", lambda x, t: nn.CrossEntropyLoss(reduction="avg")(x, t)),
    ("mse_loss", lambda x, t: F.mse_loss(x, Tensor(np.ones((2, 3))), "avg")),
], ids=["softmax_cross_entropy", "cross_entropy", "CrossEntropyLoss", "mse_loss"])
def test_a_bad_reduction_is_refused_by_the_op_that_was_called(op, call):
    with pytest.raises(ValueError, match=rf"^{op}: reduction must be one of \('mean', 'sum', 'none'\), got 'avg'$"):
        call(Tensor(np.ones((2, 3)), requires_grad=True), np.array([0, 2]))


# -- regularisers ------------------------------------------------------------------------

def _params(rng):
    return [Tensor(rng.normal(size=(3, 2)), requires_grad=True), Tensor(rng.normal(size=2), requires_grad=True)]


def test_l1_l2_and_elastic_net_values(rng):
    params = _params(rng)
    absolute = sum(np.abs(p.data).sum() for p in params)
    squares = sum((p.data ** 2).sum() for p in params)
    assert_close(nn.l1(params, 0.3).item(), 0.3 * absolute)
    assert_close(nn.l2(params, 0.3).item(), 0.3 * squares)
    assert_close(nn.elastic_net(params, 0.3, 0.25).item(), 0.3 * (0.25 * absolute + 0.75 * squares))


@pytest.mark.parametrize("ours, theirs", [
    (lambda *ps: nn.l1(ps, 0.3), lambda *ps: 0.3 * sum(p.abs().sum() for p in ps)),
    (lambda *ps: nn.l2(ps, 0.3), lambda *ps: 0.3 * sum((p ** 2).sum() for p in ps)),
    (lambda *ps: nn.elastic_net(ps, 0.3, 0.25),
     lambda *ps: 0.3 * sum(0.25 * p.abs().sum() + 0.75 * (p ** 2).sum() for p in ps)),
], ids=["l1", "l2", "elastic_net"])
def test_regularisers_match_pytorch(ours, theirs, rng):
    assert_matches_torch(ours, theirs, [rng.normal(size=(3, 2)), rng.normal(size=2)], rng)


def test_l2_gradient_is_sgd_weight_decay_of_twice_lam(rng):
    lam = 0.05
    params = _params(rng)
    nn.l2(params, lam).backward()
    reference = [torch.tensor(p.data, requires_grad=True) for p in params]
    optimizer = torch.optim.SGD(reference, lr=1.0, weight_decay=2 * lam)
    for r in reference:
        r.grad = torch.zeros_like(r)
    optimizer.step()  # p <- p - lr * weight_decay * p
    for p, r in zip(params, reference):
        assert_close(p.grad, p.data - r.detach().numpy())


def test_regularisers_gradcheck_and_checks(rng):
    params = _params(rng)
    for penalty in (lambda *ps: nn.l1(ps, 0.1), lambda *ps: nn.l2(ps, 0.1), lambda *ps: nn.elastic_net(ps, 0.1, 0.5)):
        assert gradcheck(penalty, params)
    with pytest.raises(ValueError, match="l1_ratio must be in"):
        nn.elastic_net(params, 0.1, 1.5)
    with pytest.raises(TypeError, match=r"l2: params\[1\] must be a Tensor"):
        nn.l2([params[0], np.ones(2)], 0.1)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_cross_entropy_of_huge_logits_matches_pytorch(dtype):
    """The loss is log sum exp(x - m) - (x_t - m): the target's logit is shifted too, so that a huge shift
    does not swallow log 2 (adding m back and subtracting x_t would give 0 for the first row)."""
    logits = np.array([[1e30, 1e30, -1e30], [3e38, 3e38, 0.0], [1e4, 1e4 + 0.5, 1e4 - 0.75]], dtype=dtype)
    target = [0, 1, 2]
    ours = F.cross_entropy(logits, target, reduction="none")
    theirs = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor(target), reduction="none")
    assert_close(ours.data, theirs.numpy(), rtol=1e-12 if dtype == np.float64 else 1e-6, atol=0)


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_cross_entropy_of_integer_logits_is_that_of_their_float64_values(reduction):
    """NumPy's promotion (exp of integers gives float64); PyTorch refuses integer logits."""
    logits, target = np.array([[1, 2, 3], [0, 0, 5], [-4, 7, 7]]), [0, 2, 1]
    ours = F.cross_entropy(logits, target, reduction=reduction)
    assert ours.dtype == np.float64
    theirs = torch.nn.functional.cross_entropy(torch.tensor(logits, dtype=torch.float64), torch.tensor(target),
                                               reduction=reduction)
    assert_close(ours.data, theirs.numpy(), rtol=1e-15, atol=0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_cross_entropy_gradient_with_masked_logits_matches_pytorch(dtype):
    """A logit of -inf (a masked class) gets no gradient, the others softmax - onehot, in the logits' dtype."""
    logits = np.array([[0.5, -np.inf, 1.0], [2.0, 1.0, -np.inf], [-np.inf, 0.0, 3.0]], dtype=dtype)
    target = [0, 1, 2]
    ours = Tensor(logits, requires_grad=True)
    F.cross_entropy(ours, target).backward()
    theirs = torch.tensor(logits, requires_grad=True)
    torch.nn.functional.cross_entropy(theirs, torch.tensor(target)).backward()
    assert ours.grad.dtype == dtype
    assert_close(ours.grad, theirs.grad.numpy(), rtol=1e-12 if dtype == np.float64 else 1e-6, atol=0)
