"""Learning-rate schedules: the lr (and momentum) sequences of torch.optim.lr_scheduler, step by step."""
import math
import warnings

import numpy as np
import pytest
import torch

import nn
import optim
from autograd import Tensor
from optim import lr_scheduler

STEPS = 40


pytestmark = pytest.mark.usefixtures("torch_float64")


def optimizer_pair(kind="SGD", **options):
    """The same two-group optimizer here and in torch (groups with different lr)."""
    ours = [Tensor(np.ones(2), requires_grad=True), Tensor(np.ones(3), requires_grad=True)]
    theirs = [torch.ones(2, requires_grad=True), torch.ones(3, requires_grad=True)]
    return (getattr(optim, kind)([{"params": [ours[0]]}, {"params": [ours[1]], "lr": 0.05}], lr=0.1, **options),
            getattr(torch.optim, kind)([{"params": [theirs[0]]}, {"params": [theirs[1]], "lr": 0.05}], lr=0.1,
                                       **options))


def sequences(our_optimizer, their_optimizer, ours, theirs, steps=STEPS, metric=None, keys=("lr",)):
    """Step both schedulers (optimizer first, as PyTorch wants) and collect the groups' values."""
    our_values, their_values = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for step in range(steps):
            for optimizer, values in ((our_optimizer, our_values), (their_optimizer, their_values)):
                values.append([_value(group, key) for group in optimizer.param_groups for key in keys])
            their_optimizer.step()
            if metric is None:
                ours.step()
                theirs.step()
            else:
                ours.step(metric[step])
                theirs.step(metric[step])
            assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-12)
    return np.array(our_values), np.array(their_values)


def _value(group, key):
    return group["betas"][0] if key == "beta1" else group[key]


def assert_sequences_match(ours, theirs):
    assert ours.shape == theirs.shape
    error = np.max(np.abs(ours - theirs) / np.maximum(np.abs(theirs), 1e-300))
    assert error <= 1e-10, f"relative error {error:.3g}"
    assert len({tuple(row) for row in theirs}) > 1, "the schedule must change the lr"


class Halve:
    """A callable object (its attributes are saved in state_dict, as in PyTorch)."""

    def __init__(self):
        self.rate = 0.9

    def __call__(self, epoch):
        return self.rate**epoch


SCHEDULES = {
    "LambdaLR": dict(lr_lambda=lambda epoch: 1 / (1 + epoch) ** 0.5),
    "LambdaLR-per-group": dict(lr_lambda=[lambda epoch: 0.95**epoch, lambda epoch: 1 + math.sin(epoch)]),
    "MultiplicativeLR": dict(lr_lambda=lambda epoch: 0.9 if epoch % 2 else 1.05),
    "StepLR": dict(step_size=7, gamma=0.5),
    "MultiStepLR": dict(milestones=[3, 9, 9, 20], gamma=0.3),
    "ConstantLR": dict(factor=0.25, total_iters=6),
    "LinearLR": dict(start_factor=0.1, end_factor=0.9, total_iters=15),
    "ExponentialLR": dict(gamma=0.93),
    "PolynomialLR": dict(total_iters=25, power=2.0),
    "CosineAnnealingLR": dict(T_max=12, eta_min=0.001),
    "CosineAnnealingWarmRestarts": dict(T_0=5, T_mult=2, eta_min=0.002),
    "CosineAnnealingWarmRestarts-constant": dict(T_0=7),
}


@pytest.mark.parametrize("name", SCHEDULES)
def test_schedule_matches_torch(name):
    our_optimizer, their_optimizer = optimizer_pair()
    cls = name.split("-")[0]
    ours = getattr(lr_scheduler, cls)(our_optimizer, **SCHEDULES[name])
    theirs = getattr(torch.optim.lr_scheduler, cls)(their_optimizer, **SCHEDULES[name])
    assert_sequences_match(*sequences(our_optimizer, their_optimizer, ours, theirs))


@pytest.mark.parametrize("options", [
    dict(base_lr=0.01, max_lr=0.1, step_size_up=4),
    dict(base_lr=[0.01, 0.02], max_lr=[0.1, 0.3], step_size_up=3, step_size_down=5, mode="triangular2"),
    dict(base_lr=0.01, max_lr=0.1, step_size_up=4, mode="exp_range", gamma=0.97),
    dict(base_lr=0.01, max_lr=0.1, step_size_up=3, scale_fn=lambda x: 1 / x, scale_mode="cycle"),
])
def test_cyclic_lr_and_momentum_match_torch(options):
    our_optimizer, their_optimizer = optimizer_pair(momentum=0.9)
    ours = lr_scheduler.CyclicLR(our_optimizer, **options)
    theirs = torch.optim.lr_scheduler.CyclicLR(their_optimizer, **options)
    assert_sequences_match(*sequences(our_optimizer, their_optimizer, ours, theirs, keys=("lr", "momentum")))


def test_cyclic_lr_cycles_beta1_of_adam():
    our_optimizer, their_optimizer = optimizer_pair("Adam")
    options = dict(base_lr=0.001, max_lr=0.01, step_size_up=5, base_momentum=0.8, max_momentum=0.95)
    ours = lr_scheduler.CyclicLR(our_optimizer, **options)
    theirs = torch.optim.lr_scheduler.CyclicLR(their_optimizer, **options)
    assert_sequences_match(*sequences(our_optimizer, their_optimizer, ours, theirs, keys=("lr", "beta1")))


@pytest.mark.parametrize("kind, options", [
    ("SGD", dict(max_lr=0.5, total_steps=STEPS + 1)),
    ("SGD", dict(max_lr=[0.5, 0.2], epochs=3, steps_per_epoch=14, anneal_strategy="linear", pct_start=0.4)),
    ("Adam", dict(max_lr=0.01, total_steps=STEPS, three_phase=True, div_factor=10.0)),
])
def test_one_cycle_matches_torch(kind, options):
    extra = dict(momentum=0.9) if kind == "SGD" else {}
    our_optimizer, their_optimizer = optimizer_pair(kind, **extra)
    ours = lr_scheduler.OneCycleLR(our_optimizer, **options)
    theirs = torch.optim.lr_scheduler.OneCycleLR(their_optimizer, **options)
    momentum = "momentum" if kind == "SGD" else "beta1"
    assert_sequences_match(*sequences(our_optimizer, their_optimizer, ours, theirs, steps=STEPS - 1,
                                      keys=("lr", momentum)))


METRIC = [1.0, 0.9, 0.85, 0.85, 0.86, 0.849, 0.9, 0.95, 0.7, 0.7, 0.71, 0.72, 0.73, 0.69, 0.69, 0.7, 0.68,
          0.75, 0.8, 0.8, 0.8, 0.8, 0.8, 0.79, 0.81, 0.82, 0.6, 0.6, 0.6, 0.6]


@pytest.mark.parametrize("options", [
    dict(patience=2),
    dict(mode="max", patience=1, factor=0.5, cooldown=2),
    dict(patience=0, threshold=0.05, threshold_mode="abs", min_lr=[0.01, 0.02]),
    dict(mode="max", patience=1, threshold=0.01, threshold_mode="abs", factor=0.3, min_lr=0.004),
    dict(patience=1, factor=0.5, eps=0.02),
])
def test_reduce_on_plateau_matches_torch(options):
    our_optimizer, their_optimizer = optimizer_pair()
    ours = lr_scheduler.ReduceLROnPlateau(our_optimizer, **options)
    theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(their_optimizer, **options)
    assert_sequences_match(*sequences(our_optimizer, their_optimizer, ours, theirs, steps=len(METRIC), metric=METRIC))
    assert ours.best == theirs.best and ours.num_bad_epochs == theirs.num_bad_epochs


def test_reduce_on_plateau_by_hand():
    """patience=1: the lr drops on the second epoch in a row without improvement."""
    optimizer, _ = optimizer_pair()
    scheduler = lr_scheduler.ReduceLROnPlateau(optimizer, patience=1, factor=0.5)
    lrs = []
    for value in [3.0, 2.0, 2.0, 2.0, 1.0, 1.0, 1.0]:
        scheduler.step(value)
        lrs.append(optimizer.param_groups[0]["lr"])
    assert lrs == [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025]


def sequential_pair(ours_optimizer, theirs_optimizer):
    ours = lr_scheduler.SequentialLR(ours_optimizer, [
        lr_scheduler.LinearLR(ours_optimizer, start_factor=0.2, total_iters=5),
        lr_scheduler.CosineAnnealingLR(ours_optimizer, T_max=10, eta_min=0.01),
        lr_scheduler.ExponentialLR(ours_optimizer, gamma=0.9),
    ], milestones=[6, 18])
    theirs = torch.optim.lr_scheduler.SequentialLR(theirs_optimizer, [
        torch.optim.lr_scheduler.LinearLR(theirs_optimizer, start_factor=0.2, total_iters=5),
        torch.optim.lr_scheduler.CosineAnnealingLR(theirs_optimizer, T_max=10, eta_min=0.01),
        torch.optim.lr_scheduler.ExponentialLR(theirs_optimizer, gamma=0.9),
    ], milestones=[6, 18])
    return ours, theirs


def test_sequential_matches_torch():
    our_optimizer, their_optimizer = optimizer_pair()
    ours, theirs = sequential_pair(our_optimizer, their_optimizer)
    assert_sequences_match(*sequences(our_optimizer, their_optimizer, ours, theirs))


def test_step_with_epoch_uses_the_closed_form_as_torch():
    our_optimizer, their_optimizer = optimizer_pair()
    ours = lr_scheduler.CosineAnnealingLR(our_optimizer, T_max=10)
    theirs = torch.optim.lr_scheduler.CosineAnnealingLR(their_optimizer, T_max=10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for epoch in [3, 7, 2, 15]:
            ours.step(epoch)
            theirs.step(epoch)
            assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-12)


def test_textbook_decays():
    optimizer, _ = optimizer_pair()
    inverse_time = lr_scheduler.InverseTimeLR(optimizer, k=0.5)
    lrs = []
    for _ in range(5):
        lrs.append(optimizer.param_groups[1]["lr"])
        inverse_time.step()
    assert lrs == pytest.approx([0.05 / (1 + 0.5 * t) for t in range(5)], rel=1e-15)

    optimizer, their_optimizer = optimizer_pair()
    ours = lr_scheduler.InverseSqrtLR(optimizer, k=2.0)
    theirs = torch.optim.lr_scheduler.LambdaLR(their_optimizer, lambda t: 2.0 / math.sqrt(t + 1))
    assert_sequences_match(*sequences(optimizer, their_optimizer, ours, theirs))


def test_staircase_decay_is_step_lr():
    optimizer, _ = optimizer_pair()
    scheduler = lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.5)
    lrs = []
    for _ in range(7):
        lrs.append(optimizer.param_groups[0]["lr"])
        scheduler.step()
    assert lrs == pytest.approx([0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025], rel=1e-15)


@pytest.mark.parametrize("make", [
    lambda o: lr_scheduler.StepLR(o, step_size=4, gamma=0.5),
    lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2),
    lambda o: lr_scheduler.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3, mode="triangular2"),
    lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.3, total_steps=30),
    lambda o: lr_scheduler.LambdaLR(o, Halve()),
    lambda o: lr_scheduler.ReduceLROnPlateau(o, patience=1),
    lambda o: lr_scheduler.SequentialLR(o, [lr_scheduler.ConstantLR(o, factor=0.5, total_iters=2),
                                            lr_scheduler.ExponentialLR(o, gamma=0.8)], milestones=[4]),
])
def test_scheduler_state_dict_round_trip(make):
    """Save after 9 steps, rebuild, load, and continue: the same lrs as the uninterrupted run."""
    def run(optimizer, scheduler, steps, offset):
        lrs = []
        for step in range(steps):
            if isinstance(scheduler, lr_scheduler.ReduceLROnPlateau):
                scheduler.step(METRIC[offset + step])
            else:
                scheduler.step()
            lrs.append([group["lr"] for group in optimizer.param_groups])
        return lrs

    optimizer, _ = optimizer_pair(momentum=0.9)
    scheduler = make(optimizer)
    run(optimizer, scheduler, 9, 0)
    saved_optimizer, saved_scheduler = optimizer.state_dict(), scheduler.state_dict()
    expected = run(optimizer, scheduler, 12, 9)

    fresh_optimizer, _ = optimizer_pair(momentum=0.9)
    fresh_scheduler = make(fresh_optimizer)
    fresh_optimizer.load_state_dict(saved_optimizer)
    fresh_scheduler.load_state_dict(saved_scheduler)
    assert run(fresh_optimizer, fresh_scheduler, 12, 9) == expected


def test_lambda_state_dict_saves_callable_objects():
    optimizer, _ = optimizer_pair()
    halve = Halve()
    scheduler = lr_scheduler.LambdaLR(optimizer, [halve, lambda epoch: 1.0])
    halve.rate = 0.5
    state = scheduler.state_dict()
    assert state["lr_lambdas"] == [{"rate": 0.5}, None]
    other = Halve()
    lr_scheduler.LambdaLR(optimizer, [other, lambda epoch: 1.0]).load_state_dict(state)
    assert other.rate == 0.5


@pytest.mark.parametrize("make, argument, error", [
    (lambda o: lr_scheduler.StepLR("not an optimizer", step_size=2), "optimizer", TypeError),
    (lambda o: lr_scheduler.StepLR(o, step_size=0), "step_size", ValueError),
    (lambda o: lr_scheduler.MultiStepLR(o, milestones=[2, -1]), r"milestones\[1\]", ValueError),
    (lambda o: lr_scheduler.MultiStepLR(o, milestones=[2.5]), r"milestones\[0\]", TypeError),
    (lambda o: lr_scheduler.ConstantLR(o, factor=1.5), "factor", ValueError),
    (lambda o: lr_scheduler.LinearLR(o, start_factor=0), "start_factor", ValueError),
    (lambda o: lr_scheduler.LinearLR(o, end_factor=2), "end_factor", ValueError),
    (lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=0), "T_max", ValueError),
    (lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0), "T_mult", ValueError),
    (lambda o: lr_scheduler.LambdaLR(o, [lambda e: 1.0]), "lr_lambda", ValueError),
    (lambda o: lr_scheduler.LambdaLR(o, 3), "lr_lambda", TypeError),
    (lambda o: lr_scheduler.CyclicLR(o, 0.01, 0.1, mode="zigzag"), "mode", ValueError),
    (lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.1), "total_steps", ValueError),
    (lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=10, pct_start=1.5), "pct_start", ValueError),
    (lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=10, anneal_strategy="cubic"),
     "anneal_strategy", ValueError),
    (lambda o: lr_scheduler.ReduceLROnPlateau(o, mode="up"), "mode", ValueError),
    (lambda o: lr_scheduler.ReduceLROnPlateau(o, factor=1.0), "factor", ValueError),
    (lambda o: lr_scheduler.ReduceLROnPlateau(o, threshold_mode="pct"), "threshold_mode", ValueError),
    (lambda o: lr_scheduler.ReduceLROnPlateau(o, min_lr=[0.1]), "min_lr", ValueError),
    (lambda o: lr_scheduler.SequentialLR(o, [], milestones=[]), "schedulers", ValueError),
    (lambda o: lr_scheduler.SequentialLR(o, [lr_scheduler.ExponentialLR(o, 0.9)], milestones=[3]),
     "milestones", ValueError),
    (lambda o: lr_scheduler.SequentialLR(o, [lr_scheduler.ReduceLROnPlateau(o)], milestones=[]),
     r"schedulers\[0\]", ValueError),
    (lambda o: lr_scheduler.InverseTimeLR(o, k=-1), "k", ValueError),
    (lambda o: lr_scheduler.InverseSqrtLR(o, k=0), "k", ValueError),
    (lambda o: lr_scheduler.ExponentialLR(o, gamma="fast"), "gamma", TypeError),
])
def test_bad_scheduler_arguments_are_named(make, argument, error):
    optimizer, _ = optimizer_pair()
    with pytest.raises(error, match=argument):
        make(optimizer)


def test_cycle_momentum_needs_momentum():
    optimizer = optim.Adagrad([Tensor(np.ones(2), requires_grad=True)])
    with pytest.raises(ValueError, match="cycle_momentum"):
        lr_scheduler.CyclicLR(optimizer, 0.01, 0.1)
    lr_scheduler.CyclicLR(optimizer, 0.01, 0.1, cycle_momentum=False)


def warmup_then_multistep(optimizer, schedulers):
    """A LinearLR warm-up for 5 epochs, then MultiStepLR with milestones (one repeated) inside it."""
    return schedulers.SequentialLR(optimizer, [
        schedulers.LinearLR(optimizer, start_factor=0.1, total_iters=5),
        schedulers.MultiStepLR(optimizer, milestones=[3, 6, 6, 9], gamma=0.5),
    ], milestones=[5])


@pytest.mark.parametrize("checkpoint_at", [2, 5, 8])
def test_multistep_inside_sequential_resumes_through_nn_save(checkpoint_at, tmp_path):
    """nn.load gives MultiStepLR's Counter back as a dict; the resumed run still follows torch's lrs."""
    our_optimizer, their_optimizer = optimizer_pair()
    theirs = warmup_then_multistep(their_optimizer, torch.optim.lr_scheduler)
    expected = []
    for _ in range(20):
        their_optimizer.step()
        theirs.step()
        expected.append(theirs.get_last_lr())

    ours = warmup_then_multistep(our_optimizer, lr_scheduler)
    lrs = []
    for _ in range(checkpoint_at):
        ours.step()
        lrs.append(ours.get_last_lr())
    nn.save({"optimizer": our_optimizer.state_dict(), "scheduler": ours.state_dict()}, tmp_path / "checkpoint.npz")
    resumed_optimizer, _ = optimizer_pair()
    resumed = warmup_then_multistep(resumed_optimizer, lr_scheduler)
    checkpoint = nn.load(tmp_path / "checkpoint.npz")
    resumed_optimizer.load_state_dict(checkpoint["optimizer"])
    resumed.load_state_dict(checkpoint["scheduler"])
    for _ in range(checkpoint_at, 20):
        resumed.step()
        lrs.append(resumed.get_last_lr())
    np.testing.assert_allclose(lrs, expected, rtol=1e-13, atol=0)
    assert len({tuple(lr) for lr in expected}) > 5


def test_multistep_step_with_epoch_after_nn_load(tmp_path):
    """The closed form (step(epoch)) of a MultiStepLR loaded through nn.save / nn.load, against torch's."""
    our_optimizer, their_optimizer = optimizer_pair()
    ours = lr_scheduler.MultiStepLR(our_optimizer, milestones=[2, 4, 4], gamma=0.5)
    theirs = torch.optim.lr_scheduler.MultiStepLR(their_optimizer, milestones=[2, 4, 4], gamma=0.5)
    ours.step()
    nn.save(ours.state_dict(), tmp_path / "scheduler.npz")
    resumed = lr_scheduler.MultiStepLR(our_optimizer, milestones=[2, 4, 4], gamma=0.5)
    resumed.load_state_dict(nn.load(tmp_path / "scheduler.npz"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs.step()
        for epoch in [5, 3, 1, 4]:
            resumed.step(epoch)
            theirs.step(epoch)
            assert resumed.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-13)
