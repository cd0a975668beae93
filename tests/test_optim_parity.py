"""Trajectory parity with torch.optim in float64: every rule, every flag, several groups, grads that go missing.

Both sides see the same gradients: torch computes them (on torch's parameters for the
torch optimizer, on a copy of ours for ours), so any difference comes from the update rules.
"""
import math

import numpy as np
import pytest
import torch

import optim
from autograd import Tensor

STEPS = 30
RNG = np.random.default_rng(0)
INITIAL = [RNG.normal(size=(3, 4)), RNG.normal(size=4), np.array(0.7)]
X0 = RNG.normal(size=(5, 3))
Y0 = RNG.normal(size=(5, 4))


pytestmark = pytest.mark.usefixtures("torch_float64")


def loss_at(weight, bias, scale, t):
    """A small regression whose data drift with the step t, so the gradients keep changing."""
    x = torch.tensor(X0) * (1 + 0.3 * math.sin(t))
    y = torch.tensor(Y0) * math.cos(0.2 * t)
    fit = ((torch.tanh(x @ weight + bias) * scale - y) ** 2).mean()
    return fit + 0.01 * (1 + 0.5 * math.cos(t)) * (weight**2).sum() + 0.1 * torch.sin(3 * bias).sum()


def convex_loss_at(weight, bias, scale, t):
    """A strongly convex drifting problem for L-BFGS, whose fixed-step iterates on a
    non-convex loss amplify rounding differences (summation order of dot products)."""
    x = torch.tensor(X0) * (1 + 0.3 * math.sin(t))
    y = torch.tensor(Y0) * math.cos(0.2 * t)
    fit = ((x @ weight + bias - y) ** 2).mean()
    return fit + 0.1 * (weight**2).sum() + (scale - math.cos(t)) ** 2 + 0.1 * torch.log(torch.cosh(bias)).sum()


def grad_missing(t, index):
    """The scalar parameter gets no gradient every third step."""
    return index == 2 and t % 3 == 0


def torch_gradients(arrays, t, loss_fn=loss_at):
    leaves = [torch.tensor(array, requires_grad=True) for array in arrays]
    loss = loss_fn(*leaves, t)
    loss.backward()
    return loss.item(), [leaf.grad.numpy().copy() for leaf in leaves]


def relative_error(ours, theirs):
    return float(np.max(np.abs(ours - theirs)) / max(np.max(np.abs(theirs)), 1e-300))


def groups_of(params, overrides):
    return [{"params": [params[0]]}, {"params": params[1:], **overrides}]


def assert_same_trajectory(make_ours, make_theirs, overrides, steps=STEPS):
    ours = [Tensor(array.copy(), requires_grad=True) for array in INITIAL]
    theirs = [torch.tensor(array.copy(), requires_grad=True) for array in INITIAL]
    our_optimizer = make_ours(groups_of(ours, overrides))
    their_optimizer = make_theirs(groups_of(theirs, overrides))
    worst = 0.0
    for t in range(steps):
        their_optimizer.zero_grad()
        loss_at(*theirs, t).backward()
        our_optimizer.zero_grad()
        _, grads = torch_gradients([p.data for p in ours], t)
        for index, (mine, reference, grad) in enumerate(zip(ours, theirs, grads)):
            if grad_missing(t, index):
                reference.grad = None
            else:
                mine.grad = grad
        their_optimizer.step()
        our_optimizer.step()
        for mine, reference in zip(ours, theirs):
            worst = max(worst, relative_error(mine.data, reference.detach().numpy()))
    assert worst <= 1e-10, f"relative error {worst:.3g}"
    return worst


CASES = {
    "SGD": [
        (dict(lr=0.1), dict(lr=0.03)),
        (dict(lr=0.1, momentum=0.9), dict(lr=0.03, momentum=0.5)),
        (dict(lr=0.1, momentum=0.9, dampening=0.3), dict(dampening=0.0)),
        (dict(lr=0.1, momentum=0.9, nesterov=True), dict(lr=0.05)),
        (dict(lr=0.1, momentum=0.5, weight_decay=0.1, maximize=True), dict(weight_decay=0.3)),
        (dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01), dict(momentum=0.8)),
    ],
    "Adagrad": [
        (dict(lr=0.1), dict(lr=0.05)),
        (dict(lr=0.1, lr_decay=0.05), dict(lr_decay=0.2)),
        (dict(lr=0.1, initial_accumulator_value=0.5, eps=1e-6), dict(initial_accumulator_value=0.1)),
        (dict(lr=0.1, weight_decay=0.1), dict(weight_decay=0.0)),
        (dict(lr=0.1, maximize=True), dict(lr=0.2)),
    ],
    "Adadelta": [
        (dict(), dict(lr=0.5)),
        (dict(lr=0.5, rho=0.8, eps=1e-4), dict(rho=0.95)),
        (dict(weight_decay=0.1), dict(weight_decay=0.2)),
        (dict(maximize=True), dict(lr=2.0)),
    ],
    "RMSprop": [
        (dict(lr=0.01), dict(lr=0.02)),
        (dict(lr=0.01, centered=True), dict(alpha=0.9)),
        (dict(lr=0.01, momentum=0.9), dict(momentum=0.5)),
        (dict(lr=0.01, centered=True, momentum=0.9), dict(centered=False)),
        (dict(lr=0.01, alpha=0.9, weight_decay=0.1), dict(lr=0.005)),
        (dict(lr=0.01, maximize=True, eps=1e-3), dict(lr=0.02)),
    ],
    "Adam": [
        (dict(lr=0.05), dict(lr=0.02, betas=(0.85, 0.995))),
        (dict(lr=0.05, amsgrad=True), dict(lr=0.1)),
        (dict(lr=0.05, weight_decay=0.1), dict(weight_decay=0.3)),
        (dict(lr=0.05, betas=(0.8, 0.99), eps=1e-3), dict(eps=1e-6)),
        (dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True), dict(amsgrad=True)),
        (dict(lr=0.05, maximize=True, amsgrad=True), dict(lr=0.02)),
    ],
    "AdamW": [
        (dict(lr=0.05), dict(lr=0.02)),
        (dict(lr=0.05, weight_decay=0.1, amsgrad=True), dict(weight_decay=0.5)),
        (dict(lr=0.05, maximize=True), dict(betas=(0.5, 0.9))),
    ],
    "Adamax": [
        (dict(), dict(lr=0.01)),
        (dict(lr=0.05, betas=(0.8, 0.99), weight_decay=0.1), dict(eps=1e-3)),
        (dict(lr=0.05, maximize=True), dict(lr=0.02)),
    ],
    "NAdam": [
        (dict(lr=0.05), dict(lr=0.02)),
        (dict(lr=0.05, momentum_decay=0.01), dict(momentum_decay=0.1)),
        (dict(lr=0.05, weight_decay=0.1), dict(betas=(0.8, 0.99))),
        (dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True), dict(weight_decay=0.3)),
        (dict(lr=0.05, maximize=True), dict(eps=1e-4)),
    ],
    "RAdam": [
        (dict(lr=0.05), dict(lr=0.02)),
        (dict(lr=0.05, betas=(0.8, 0.9), weight_decay=0.1), dict(weight_decay=0.0)),
        (dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True), dict(lr=0.1)),
        (dict(lr=0.05, maximize=True), dict(betas=(0.9, 0.99))),
    ],
    "Rprop": [
        (dict(), dict(lr=0.05)),
        (dict(lr=0.02, etas=(0.3, 1.5), step_sizes=(1e-4, 0.1)), dict(etas=(0.6, 1.1))),
        (dict(maximize=True), dict(step_sizes=(1e-3, 0.02))),
    ],
    "ASGD": [
        (dict(), dict(lr=0.05)),
        (dict(lr=0.05, lambd=1e-2, alpha=0.5, t0=5), dict(t0=10)),
        (dict(lr=0.05, weight_decay=0.1, t0=3), dict(lambd=0.1)),
        (dict(lr=0.05, maximize=True, t0=0), dict(alpha=1.0)),
    ],
}


@pytest.mark.parametrize(
    "name, defaults, overrides",
    [(name, defaults, overrides) for name, cases in CASES.items() for defaults, overrides in cases],
    ids=[f"{name}-{i}" for name, cases in CASES.items() for i in range(len(cases))],
)
def test_trajectory_matches_torch(name, defaults, overrides):
    assert_same_trajectory(
        lambda groups: getattr(optim, name)(groups, **defaults),
        lambda groups: getattr(torch.optim, name)(groups, **defaults),
        overrides,
    )


def test_parity_harness_can_fail():
    """A different hyper-parameter on one side must be caught."""
    with pytest.raises(AssertionError, match="relative error"):
        assert_same_trajectory(
            lambda groups: optim.Adam(groups, lr=0.05),
            lambda groups: torch.optim.Adam(groups, lr=0.05, eps=1e-7),
            {},
        )


def test_asgd_average_matches_torch():
    ours = [Tensor(array.copy(), requires_grad=True) for array in INITIAL]
    theirs = [torch.tensor(array.copy(), requires_grad=True) for array in INITIAL]
    our_optimizer = optim.ASGD(ours, lr=0.05, t0=4, lambd=1e-3)
    their_optimizer = torch.optim.ASGD(theirs, lr=0.05, t0=4, lambd=1e-3)
    for t in range(STEPS):
        their_optimizer.zero_grad()
        loss_at(*theirs, t).backward()
        _, grads = torch_gradients([p.data for p in ours], t)
        for mine, grad in zip(ours, grads):
            mine.grad = grad
        their_optimizer.step()
        our_optimizer.step()
    for mine, reference in zip(ours, theirs):
        assert relative_error(our_optimizer.state[mine]["ax"], their_optimizer.state[reference]["ax"].numpy()) < 1e-10
        assert our_optimizer.state[mine]["eta"] == pytest.approx(their_optimizer.state[reference]["eta"].item(), rel=1e-12)


@pytest.mark.parametrize("options", [
    dict(lr=1, max_iter=4, history_size=3),
    dict(lr=0.5, max_iter=5, history_size=10, tolerance_change=1e-12),
    dict(lr=1, max_iter=4, history_size=3, line_search_fn="strong_wolfe"),
    dict(lr=0.8, max_iter=6, max_eval=9, line_search_fn="strong_wolfe"),
])
def test_lbfgs_matches_torch(options):
    ours = [Tensor(array.copy(), requires_grad=True) for array in INITIAL]
    theirs = [torch.tensor(array.copy(), requires_grad=True) for array in INITIAL]
    our_optimizer = optim.LBFGS(ours, **options)
    their_optimizer = torch.optim.LBFGS(theirs, **options)
    worst = 0.0
    for t in range(8):
        def their_closure():
            their_optimizer.zero_grad()
            loss = convex_loss_at(*theirs, t)
            loss.backward()
            if t % 3 == 0:
                theirs[2].grad = None
            return loss

        def our_closure():
            our_optimizer.zero_grad()
            loss, grads = torch_gradients([p.data for p in ours], t, convex_loss_at)
            for index, (mine, grad) in enumerate(zip(ours, grads)):
                if not grad_missing(t, index):
                    mine.grad = grad
            return loss

        their_loss = their_optimizer.step(their_closure)
        our_loss = our_optimizer.step(our_closure)
        assert our_loss == pytest.approx(their_loss.item(), rel=1e-10)
        for mine, reference in zip(ours, theirs):
            worst = max(worst, relative_error(mine.data, reference.detach().numpy()))
    assert worst <= 1e-10
    our_state = our_optimizer.state[ours[0]]
    their_state = their_optimizer.state[theirs[0]]
    assert (our_state["func_evals"], our_state["n_iter"]) == (their_state["func_evals"], their_state["n_iter"])


def lion_reference(params, gradients, lr, beta1, beta2, weight_decay):
    """Lion transcribed from the paper's program 1 (Chen et al. 2023), on plain arrays."""
    momenta = [np.zeros_like(p) for p in params]
    trajectory = []
    for grads in gradients:
        new_params = []
        for index, (theta, grad) in enumerate(zip(params, grads)):
            if grad is None:
                new_params.append(theta)
                continue
            update = np.sign(beta1 * momenta[index] + (1 - beta1) * grad)
            momenta[index] = beta2 * momenta[index] + (1 - beta2) * grad
            update = (update + weight_decay * theta) * lr
            new_params.append(theta - update)
        params = new_params
        trajectory.append(params)
    return trajectory


@pytest.mark.parametrize("options", [dict(lr=1e-2), dict(lr=3e-2, betas=(0.8, 0.95), weight_decay=0.5)])
def test_lion_matches_paper_transcription(options):
    ours = [Tensor(array.copy(), requires_grad=True) for array in INITIAL]
    optimizer = optim.Lion(ours, **options)
    seen = []
    ours_trajectory = []
    for t in range(STEPS):
        optimizer.zero_grad()
        _, grads = torch_gradients([p.data for p in ours], t)
        grads = [None if grad_missing(t, i) else g for i, g in enumerate(grads)]
        for mine, grad in zip(ours, grads):
            mine.grad = grad
        seen.append(grads)
        optimizer.step()
        ours_trajectory.append([p.data.copy() for p in ours])
    beta1, beta2 = options.get("betas", (0.9, 0.99))
    expected = lion_reference([a.copy() for a in INITIAL], seen, options["lr"], beta1, beta2,
                              options.get("weight_decay", 1e-3))
    for mine, reference in zip(ours_trajectory, expected):
        for a, b in zip(mine, reference):
            assert relative_error(a, b) <= 1e-12


def test_lion_maximize_is_descent_on_the_negated_gradient():
    plus = Tensor(np.array([1.0, -2.0]), requires_grad=True)
    minus = Tensor(np.array([1.0, -2.0]), requires_grad=True)
    up = optim.Lion([plus], lr=0.1, maximize=True)
    down = optim.Lion([minus], lr=0.1)
    for _ in range(3):
        plus.grad = np.array([0.5, -0.25])
        minus.grad = -plus.grad
        up.step()
        down.step()
    np.testing.assert_array_equal(plus.data, minus.data)
