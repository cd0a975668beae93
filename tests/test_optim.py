"""The Optimizer base (groups, state, closures, state dicts, validation), convergence, CoordinateDescent."""
import copy

import numpy as np
import pytest
import torch

import optim
from autograd import Tensor, tensor

RULES = ["SGD", "Adagrad", "Adadelta", "RMSprop", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "Rprop", "ASGD",
         "Lion", "CoordinateDescent"]


def rosenbrock_grad(v):
    x, y = v
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


# Per rule: settings, step budget and how close to (1, 1) it must end on Rosenbrock from (-1.5, 2).
ROSENBROCK = {
    "SGD": (dict(lr=1e-3, momentum=0.9), 2000, 1e-2),
    "Adagrad": (dict(lr=2.0), 12000, 1e-2),
    "Adadelta": (dict(lr=0.2), 20000, 0.25),  # oscillates across the valley: the textbook weak case
    "RMSprop": (dict(lr=1e-3, momentum=0.9), 2000, 1e-2),
    "Adam": (dict(lr=0.02), 3000, 1e-2),
    "AdamW": (dict(lr=0.02, weight_decay=0.0), 3000, 1e-2),
    "Adamax": (dict(lr=0.05), 4000, 1e-2),
    "NAdam": (dict(lr=0.02), 4000, 1e-2),
    "RAdam": (dict(lr=0.01), 8000, 1e-2),
    "Rprop": (dict(lr=1e-3), 4000, 1e-2),
    "ASGD": (dict(lr=2e-3, t0=100), 4000, 1e-2),
    "Lion": (dict(lr=3e-3, weight_decay=0.0), 2000, 1e-2),
    "CoordinateDescent": (dict(lr=2e-3), 12000, 1e-2),
}


@pytest.mark.parametrize("name", RULES)
def test_converges_on_rosenbrock(name):
    settings, budget, tolerance = ROSENBROCK[name]
    p = Tensor(np.array([-1.5, 2.0]), requires_grad=True)
    optimizer = getattr(optim, name)([p], **settings)
    for _ in range(budget):
        p.grad = rosenbrock_grad(p.data)
        optimizer.step()
        if np.max(np.abs(p.data - 1)) < tolerance:
            break
    assert np.max(np.abs(p.data - 1)) < tolerance, p.data


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs_converges_on_rosenbrock(line_search_fn):
    p = Tensor(np.array([-1.5, 2.0]), requires_grad=True)
    lr = 1 if line_search_fn else 0.1
    optimizer = optim.LBFGS([p], lr=lr, max_iter=200, line_search_fn=line_search_fn)

    def closure():
        optimizer.zero_grad()
        x, y = p[0], p[1]
        loss = (1 - x) ** 2 + 100 * (y - x * x) ** 2
        loss.backward()
        return loss

    for _ in range(10):
        optimizer.step(closure)
    np.testing.assert_allclose(p.data, [1.0, 1.0], atol=1e-4)


PARABOLA = {
    "SGD": dict(lr=0.1), "Adagrad": dict(lr=0.5), "Adadelta": dict(lr=1.0, eps=1e-3), "RMSprop": dict(lr=0.01),
    "Adam": dict(lr=0.05), "AdamW": dict(lr=0.05, weight_decay=0.0), "Adamax": dict(lr=0.05),
    "NAdam": dict(lr=0.05), "RAdam": dict(lr=0.05), "Rprop": dict(lr=0.01), "ASGD": dict(lr=0.1),
    "Lion": dict(lr=0.01, weight_decay=0.0), "CoordinateDescent": dict(lr=0.1),
}


@pytest.mark.parametrize("name", RULES)
def test_converges_on_a_parabola_through_autograd(name):
    """(w - c)^2 summed, gradients from backward(): every rule gets within 0.02 of c."""
    target = np.array([1.0, -2.0, 0.5])
    w = tensor(np.zeros(3), requires_grad=True)
    optimizer = getattr(optim, name)([w], **PARABOLA[name])
    for _ in range(600):
        optimizer.zero_grad()
        ((w - target) ** 2).sum().backward()
        optimizer.step()
    np.testing.assert_allclose(w.data, target, atol=0.02)


def test_maximize_climbs():
    w = tensor([0.0], requires_grad=True)
    optimizer = optim.Adam([w], lr=0.1, maximize=True)
    for _ in range(300):
        optimizer.zero_grad()
        (-(w - 3.0) ** 2).sum().backward()
        optimizer.step()
    np.testing.assert_allclose(w.data, [3.0], atol=0.05)


# -- the base class ---------------------------------------------------------------------


def test_groups_take_defaults_and_overrides():
    a, b = tensor([1.0], requires_grad=True), tensor([2.0], requires_grad=True)
    optimizer = optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5, "momentum": 0.9}], lr=0.1)
    assert [g["lr"] for g in optimizer.param_groups] == [0.1, 0.5]
    assert [g["momentum"] for g in optimizer.param_groups] == [0, 0.9]
    assert len(optimizer.param_groups[1]["params"]) == 1 and optimizer.param_groups[1]["params"][0] is b
    c = tensor([3.0], requires_grad=True)
    optimizer.add_param_group({"params": [c], "nesterov": True, "momentum": 0.5})
    assert optimizer.param_groups[2]["nesterov"] and optimizer.param_groups[2]["lr"] == 0.1


def test_step_skips_missing_grads_and_creates_state_lazily():
    a, b = tensor([1.0, 2.0], requires_grad=True), tensor([3.0], requires_grad=True)
    optimizer = optim.Adam([a, b], lr=0.1)
    assert optimizer.state == {}
    a.grad = np.array([1.0, -1.0])
    optimizer.step()
    assert list(optimizer.state) == [a] and optimizer.state[a]["step"] == 1
    np.testing.assert_array_equal(b.data, [3.0])
    np.testing.assert_allclose(a.data, [0.9, 2.1])


def test_updates_in_place_keep_views_and_dtype_and_bump_the_version():
    data = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    w = Tensor(data, requires_grad=True)
    view = w.data[1:]
    optimizer = optim.SGD([w], lr=0.5, momentum=0.9)
    version = w.version
    w.grad = np.ones(3, dtype=np.float32)
    optimizer.step()
    assert w.data.dtype == np.float32 and optimizer.state[w]["momentum_buffer"].dtype == np.float32
    np.testing.assert_array_equal(view, [1.5, 2.5])
    assert w.version == version + 1


@pytest.mark.parametrize("name", ["Adam", "AdamW", "Adamax", "NAdam", "RAdam"])
@pytest.mark.parametrize("size", [3, optim.packing.SMALL_PARAM_BYTES // 8 + 1], ids=["packed", "alone"])
def test_adam_family_writes_over_the_parameter_array(name, size, monkeypatch):
    """The rule returns the very array it was given as `param` (the parameter's, or a pack's flat scratch),
    holding the new value; the parameter keeps its array and views and its version moves once."""
    rng = np.random.default_rng(1)
    w, other = (Tensor(rng.normal(size=size), requires_grad=True) for _ in range(2))
    data, view, before = w.data, w.data[1:], w.data.copy()
    optimizer = getattr(optim, name)([w, other], lr=0.1, weight_decay=0.1)
    returned_given = []
    update = optimizer._update

    def recording_update(param, grad, state, group):
        value, state = update(param, grad, state, group)
        returned_given.append(value is param)
        return value, state

    monkeypatch.setattr(optimizer, "_update", recording_update)
    version = w.version
    w.grad, other.grad = rng.normal(size=size), rng.normal(size=size)
    optimizer.step()
    assert returned_given and all(returned_given)
    assert w.data is data and w.version == version + 1
    assert np.all(w.data != before)
    np.testing.assert_array_equal(view, w.data[1:])


def test_closure_is_called_with_grad_enabled_and_its_loss_returned():
    w = tensor([2.0], requires_grad=True)
    optimizer = optim.SGD([w], lr=0.25)

    def closure():
        optimizer.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    loss = optimizer.step(closure)
    assert float(loss) == 4.0
    np.testing.assert_allclose(w.data, [1.0])
    assert optimizer.step() is None


def test_zero_grad_fills_the_grad_in_place_as_torch():
    w, scalar = tensor([2.0, 1.0], requires_grad=True), tensor(3.0, requires_grad=True)
    theirs = torch.tensor([2.0, 1.0], dtype=torch.float64, requires_grad=True)
    optimizer, their_optimizer = optim.SGD([w, scalar], lr=0.1), torch.optim.SGD([theirs], lr=0.1)
    w.grad, scalar.grad = np.array([1.0, -1.0]), np.float64(2.0)
    theirs.grad = torch.tensor([1.0, -1.0], dtype=torch.float64)
    kept, their_kept = w.grad, theirs.grad
    optimizer.zero_grad(set_to_none=False)
    their_optimizer.zero_grad(set_to_none=False)
    assert w.grad is kept and their_optimizer.param_groups[0]["params"][0].grad is their_kept
    np.testing.assert_array_equal(kept, their_kept.numpy())
    np.testing.assert_array_equal(kept, [0.0, 0.0])
    assert scalar.grad.shape == () and scalar.grad.dtype == np.float64
    np.testing.assert_array_equal(scalar.grad, 0.0)
    optimizer.zero_grad()
    their_optimizer.zero_grad()
    assert w.grad is None and scalar.grad is None and theirs.grad is None


def _train(optimizer, params, steps, start):
    for t in range(start, start + steps):
        for i, p in enumerate(params):
            p.grad = None if (t + i) % 4 == 0 else np.cos(t + p.data * (i + 1)) + 0.1 * p.data
        optimizer.step()


ROUND_TRIP = [
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)), ("Adagrad", dict(lr=0.1)), ("Adadelta", dict()),
    ("RMSprop", dict(centered=True, momentum=0.5)), ("Adam", dict(amsgrad=True)), ("AdamW", dict()),
    ("Adamax", dict()), ("NAdam", dict()), ("RAdam", dict()), ("Rprop", dict()), ("ASGD", dict(t0=3)),
    ("Lion", dict()), ("CoordinateDescent", dict(lr=0.1, block_size=2)),
]


@pytest.mark.parametrize("name, options", ROUND_TRIP)
def test_state_dict_round_trip_continues_bit_identically(name, options):
    def make():
        params = [Tensor(np.linspace(-1, 1, 6).reshape(2, 3), requires_grad=True), Tensor(np.array(0.3), requires_grad=True)]
        return params, getattr(optim, name)([{"params": params[:1]}, {"params": params[1:], "lr": 0.05}], **options)

    params, optimizer = make()
    _train(optimizer, params, 7, 0)
    saved, saved_params = optimizer.state_dict(), [p.data.copy() for p in params]
    _train(optimizer, params, 9, 7)

    fresh_params, fresh = make()
    for p, value in zip(fresh_params, saved_params):
        p.data[...] = value
    fresh.load_state_dict(saved)
    _train(fresh, fresh_params, 9, 7)
    for p, q in zip(params, fresh_params):
        np.testing.assert_array_equal(p.data, q.data)


def test_lbfgs_state_dict_round_trip():
    def make():
        w = Tensor(np.array([-1.0, 1.5, 0.5]), requires_grad=True)
        return w, optim.LBFGS([w], max_iter=3, history_size=4, line_search_fn="strong_wolfe")

    def run(w, optimizer, steps):
        def closure():
            optimizer.zero_grad()
            loss = ((w - np.array([1.0, 2.0, 3.0])) ** 4).sum() + (w * w).sum()
            loss.backward()
            return loss
        for _ in range(steps):
            optimizer.step(closure)

    w, optimizer = make()
    run(w, optimizer, 2)
    saved, value = optimizer.state_dict(), w.data.copy()
    run(w, optimizer, 3)
    other, fresh = make()
    other.data[...] = value
    fresh.load_state_dict(saved)
    run(other, fresh, 3)
    np.testing.assert_array_equal(w.data, other.data)


def test_state_dict_is_a_snapshot_by_position():
    a, b = tensor([1.0], requires_grad=True), tensor([2.0], requires_grad=True)
    optimizer = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1, momentum=0.9)
    a.grad = b.grad = np.array([1.0])
    optimizer.step()
    state = optimizer.state_dict()
    assert [g["params"] for g in state["param_groups"]] == [[0], [1]]
    assert set(state["state"]) == {0, 1}
    optimizer.step()
    np.testing.assert_array_equal(state["state"][0]["momentum_buffer"], [1.0])


def test_load_state_dict_that_does_not_fit_changes_nothing():
    a, b = tensor([1.0, 2.0], requires_grad=True), tensor([2.0], requires_grad=True)
    optimizer = optim.Adam([a, b], lr=0.1)
    a.grad, b.grad = np.array([1.0, 1.0]), np.array([1.0])
    optimizer.step()
    before = optimizer.state_dict()

    other = optim.Adam([tensor([1.0, 2.0, 3.0], requires_grad=True), tensor([0.0], requires_grad=True)], lr=0.2)
    other_before = other.state_dict()
    with pytest.raises(ValueError, match=r"state\[0\]\['exp_avg'\] has shape \(2,\)"):
        other.load_state_dict(before)
    assert other.state == {} and other.param_groups[0]["lr"] == 0.2
    assert other.state_dict() == other_before

    with pytest.raises(ValueError, match="parameter groups"):
        optim.Adam([{"params": [a]}, {"params": [b]}]).load_state_dict(before)
    with pytest.raises(ValueError, match="has 2 parameters"):
        optim.Adam([a]).load_state_dict(before)
    broken = optimizer.state_dict()
    del broken["state"][1]["exp_avg_sq"]
    with pytest.raises(ValueError, match="lacks 'exp_avg_sq'"):
        optimizer.load_state_dict(broken)
    np.testing.assert_array_equal(optimizer.state[b]["exp_avg_sq"], before["state"][1]["exp_avg_sq"])


BAD_ARGUMENTS = [
    (lambda w: optim.SGD([], lr=0.1), "params", ValueError),
    (lambda w: optim.SGD(w, lr=0.1), "params", TypeError),
    (lambda w: optim.SGD([w, 3.0], lr=0.1), r"params\[1\]", TypeError),
    (lambda w: optim.SGD([w * 2], lr=0.1), "not a leaf", ValueError),
    (lambda w: optim.SGD([w, tensor([3, 4], name="counts")], lr=0.1), r"params\[1\] \('counts'\) has dtype int64",
     TypeError),
    (lambda w: optim.SGD([w, w], lr=0.1), "more than once", ValueError),
    (lambda w: optim.SGD([{"params": [w]}, {"params": [w]}], lr=0.1), "already in another", ValueError),
    (lambda w: optim.SGD([{"lr": 0.1}], lr=0.1), "params", ValueError),
    (lambda w: optim.SGD([w], lr=-0.1), "lr", ValueError),
    (lambda w: optim.SGD([w], lr="fast"), "lr", TypeError),
    (lambda w: optim.SGD([{"params": [w], "lr": -1}], lr=0.1), r"param_groups\[0\]: lr", ValueError),
    (lambda w: optim.SGD([w], lr=0.1, nesterov=True), "nesterov", ValueError),
    (lambda w: optim.SGD([w], lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "nesterov", ValueError),
    (lambda w: optim.SGD([w], lr=0.1, momentum=-0.9), "momentum", ValueError),
    (lambda w: optim.SGD([w], lr=0.1, weight_decay=-1), "weight_decay", ValueError),
    (lambda w: optim.Adam([w], eps=-1e-8), "eps", ValueError),
    (lambda w: optim.Adam([w], betas=(1.0, 0.999)), r"betas\[0\]", ValueError),
    (lambda w: optim.Adam([w], betas=(0.9, -0.1)), r"betas\[1\]", ValueError),
    (lambda w: optim.Adam([w], betas=0.9), "betas", TypeError),
    (lambda w: optim.Adam([w], amsgrad="yes"), "amsgrad", TypeError),
    (lambda w: optim.AdamW([w], weight_decay=-0.01), "weight_decay", ValueError),
    (lambda w: optim.Adamax([w], betas=(0.9, 1.0)), r"betas\[1\]", ValueError),
    (lambda w: optim.NAdam([w], momentum_decay=-1), "momentum_decay", ValueError),
    (lambda w: optim.RAdam([w], lr=-1), "lr", ValueError),
    (lambda w: optim.Adagrad([w], lr_decay=-1), "lr_decay", ValueError),
    (lambda w: optim.Adagrad([w], initial_accumulator_value=-1), "initial_accumulator_value", ValueError),
    (lambda w: optim.Adadelta([w], rho=1.5), "rho", ValueError),
    (lambda w: optim.RMSprop([w], alpha=-0.5), "alpha", ValueError),
    (lambda w: optim.RMSprop([w], eps=-1), "eps", ValueError),
    (lambda w: optim.Rprop([w], etas=(1.5, 1.2)), "etas", ValueError),
    (lambda w: optim.Rprop([w], step_sizes=(1.0, 0.1)), "step_sizes", ValueError),
    (lambda w: optim.ASGD([w], lambd=-1), "lambd", ValueError),
    (lambda w: optim.Lion([w], betas=(0.9, 1.2)), r"betas\[1\]", ValueError),
    (lambda w: optim.LBFGS([w], line_search_fn="armijo"), "line_search_fn", ValueError),
    (lambda w: optim.LBFGS([w], max_iter=0), "max_iter", ValueError),
    (lambda w: optim.LBFGS([w], history_size=2.5), "history_size", TypeError),
    (lambda w: optim.LBFGS([{"params": [w]}, {"params": [tensor([1.0], requires_grad=True)]}]), "single", ValueError),
    (lambda w: optim.CoordinateDescent([w], lr=0.1, block_size=0), "block_size", ValueError),
    (lambda w: optim.CoordinateDescent([w], lr=0.1, order="greedy"), "order", ValueError),
    (lambda w: optim.CoordinateDescent([w], lr=0.1, rng="seed"), "rng", TypeError),
    (lambda w: optim.SGD([w], lr=0.1).add_param_group([w]), "param_group", TypeError),
    (lambda w: optim.SGD([w], lr=0.1).load_state_dict({"state": {}}), "state_dict", ValueError),
]


@pytest.mark.parametrize("make, argument, error", BAD_ARGUMENTS)
def test_bad_input_raises_naming_the_argument(make, argument, error):
    w = tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(error, match=argument):
        make(w)


def test_errors_start_with_the_optimizer_name():
    w, v = tensor([1.0], requires_grad=True), tensor([2.0], requires_grad=True) * 2
    with pytest.raises(ValueError, match=r"^Adam: lr must be >= 0, got -1"):
        optim.Adam([w], lr=-1)
    with pytest.raises(ValueError, match=r"^SGD: param_groups\[1\]: params\[0\] is not a leaf tensor"):
        optim.SGD([{"params": [w]}, {"params": [v]}], lr=0.1)
    with pytest.raises(TypeError, match=r"^RMSprop: params must be an iterable"):
        optim.RMSprop(w)
    with pytest.raises(ValueError, match=r"^Adagrad: state_dict must be a dict"):
        optim.Adagrad([w]).load_state_dict({"state": {}})


def test_rejected_group_is_not_added():
    w, v = tensor([1.0], requires_grad=True), tensor([2.0], requires_grad=True)
    optimizer = optim.SGD([w], lr=0.1)
    with pytest.raises(ValueError, match="lr"):
        optimizer.add_param_group({"params": [v], "lr": -1.0})
    with pytest.raises(ValueError, match="already"):
        optimizer.add_param_group({"params": [v, w]})
    assert len(optimizer.param_groups) == 1


def test_lbfgs_needs_a_closure():
    with pytest.raises(TypeError, match="closure"):
        optim.LBFGS([tensor([1.0], requires_grad=True)]).step()


@pytest.mark.parametrize("make", [
    lambda params: optim.LBFGS(params, max_iter=3),
    lambda params: optim.CoordinateDescent(params, lr=0.1, block_size=5),
    lambda params: optim.ASGD(params, t0=1),
])
def test_rules_with_steps_of_their_own_check_the_grads_before_anything_changes(make):
    a, b = Tensor(np.ones(4), requires_grad=True, name="a"), Tensor(np.ones((2, 3)), requires_grad=True, name="b")
    optimizer = make([a, b])

    def closure():
        a.grad, b.grad = np.ones(4), np.ones(3)
        return 1.0

    closure()
    with pytest.raises(ValueError, match=rf"{type(optimizer).__name__}\.step: param_groups\[0\]: params\[1\] "
                                         r"\('b'\) has a grad of shape \(3,\)"):
        optimizer.step(closure)
    np.testing.assert_array_equal(a.data, np.ones(4))
    np.testing.assert_array_equal(b.data, np.ones((2, 3)))
    assert optimizer.state == {}


# -- CoordinateDescent ---------------------------------------------------------------


def test_coordinate_descent_moves_one_block_per_step_cycling_through_all():
    a = tensor(np.ones((2, 2)), requires_grad=True)
    b = tensor(np.ones(3), requires_grad=True)
    optimizer = optim.CoordinateDescent([a, b], lr=0.1, block_size=3)
    changed = []
    for _ in range(6):
        before = np.concatenate([a.data.ravel(), b.data])
        a.grad, b.grad = np.ones((2, 2)), np.ones(3)
        optimizer.step()
        after = np.concatenate([a.data.ravel(), b.data])
        changed.append(np.flatnonzero(after != before).tolist())
    # 7 coordinates in blocks of 3: [0, 1, 2], [3, 4, 5] (across both tensors), [6], then again
    assert changed == [[0, 1, 2], [3, 4, 5], [6], [0, 1, 2], [3, 4, 5], [6]]


def test_coordinate_descent_random_order_visits_every_block_once_per_sweep():
    w = tensor(np.zeros(10), requires_grad=True)
    optimizer = optim.CoordinateDescent([w], lr=1.0, order="random", rng=np.random.default_rng(5))
    sweeps = []
    for sweep in range(3):
        visited = []
        for _ in range(10):
            before = w.data.copy()
            w.grad = -np.ones(10)
            optimizer.step()
            (moved,) = np.flatnonzero(w.data != before)
            visited.append(int(moved))
        assert sorted(visited) == list(range(10))
        sweeps.append(visited)
    assert sweeps[0] != sweeps[1] and sweeps[0] != list(range(10))


def test_coordinate_descent_converges_on_a_separable_quadratic():
    curvature = np.array([1.0, 4.0, 0.5, 2.0, 3.0])
    target = np.array([1.0, -1.0, 2.0, 0.0, 0.5])
    w = tensor(np.zeros(5), requires_grad=True)
    optimizer = optim.CoordinateDescent([w], lr=0.2, block_size=2, order="random", rng=0)
    for _ in range(600):
        optimizer.zero_grad()
        (0.5 * curvature * (w - target) ** 2).sum().backward()
        optimizer.step()
    np.testing.assert_allclose(w.data, target, atol=1e-8)


def test_coordinate_descent_skips_parameters_without_grad():
    a, b = tensor([1.0], requires_grad=True), tensor([1.0], requires_grad=True)
    optimizer = optim.CoordinateDescent([a, b], lr=0.5)
    b.grad = np.array([1.0])
    optimizer.step()  # block 0 is a's coordinate, which has no grad
    optimizer.step()
    assert (a.data[0], b.data[0]) == (1.0, 0.5)


def test_write_assigns_the_parameters_dtype_and_casts_another_as_copyto():
    param = Tensor(np.zeros(3, dtype=np.float32), requires_grad=True)
    optimizer = optim.SGD([param], lr=0.1)
    data = param.data
    optimizer._write(param, np.array([1.0, 2.0, 3.0], dtype=np.float32))
    optimizer._write(param, np.array([1.0, 2.0, 1 / 3]))  # float64 into float32: cast ("same_kind")
    assert param.data is data and param.data.dtype == np.float32
    np.testing.assert_array_equal(param.data, np.array([1.0, 2.0, 1 / 3], dtype=np.float32))
    assert param.version == 2 and param._modified_by == "SGD.step"
    with pytest.raises(TypeError):
        optimizer._write(param, np.array([1j, 0, 0]))  # complex into float: refused, as np.copyto


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_an_lbfgs_step_that_fails_part_way_leaves_the_parameters_and_state_as_they_were(line_search_fn):
    def run(fail_in_second_step):
        w = Tensor(np.array([1.0, -2.0, 0.5]), requires_grad=True)
        optimizer = optim.LBFGS([w], max_iter=4, line_search_fn=line_search_fn)
        calls = []

        def closure(bad_call=None):
            calls.append(1)
            w.grad = 4 * w.data ** 3
            if len(calls) == bad_call:
                w.grad = w.grad[:1]  # a grad that does not fit, on a later call of the step
            return (w.data ** 4).sum()

        if fail_in_second_step:  # a first step that fails stores no state and leaves w as it was
            for bad_call, changes in ((1, 0), (2, 2)):  # the first closure call, before any move; a later one
                calls.clear()
                with pytest.raises(ValueError, match=r"has a grad of shape \(1,\)"):
                    optimizer.step(lambda: closure(bad_call=bad_call))
                assert optimizer.state == {} and w.version == changes  # moved and put back, or never moved
            np.testing.assert_array_equal(w.data, [1.0, -2.0, 0.5])
        calls.clear()
        optimizer.step(closure)  # a first step fills the history
        if fail_in_second_step:
            before, state = w.data.copy(), copy.deepcopy(optimizer.state[w])
            calls.clear()
            with pytest.raises(ValueError, match=r"LBFGS.step: .*params\[0\] has a grad of shape \(1,\)"):
                optimizer.step(lambda: closure(bad_call=3))
            np.testing.assert_array_equal(w.data, before)
            np.testing.assert_equal(optimizer.state[w], state)
        optimizer.step(closure)
        return w.data

    np.testing.assert_array_equal(run(fail_in_second_step=True), run(fail_in_second_step=False))


def test_the_lbfgs_state_a_user_holds_follows_the_steps_as_torchs():
    w, reference = Tensor(np.array([1.0, -2.0]), requires_grad=True), torch.tensor([1.0, -2.0], requires_grad=True)
    optimizer, their_optimizer = optim.LBFGS([w], max_iter=2), torch.optim.LBFGS([reference], max_iter=2)

    def closure():
        w.grad = 4 * w.data ** 3
        return (w.data ** 4).sum()

    def their_closure():
        their_optimizer.zero_grad()
        loss = (reference ** 4).sum()
        loss.backward()
        return loss

    optimizer.step(closure)
    their_optimizer.step(their_closure)
    held, their_held = optimizer.state[w], their_optimizer.state[reference]
    optimizer.step(closure)
    their_optimizer.step(their_closure)
    assert held is optimizer.state[w]
    assert (held["n_iter"], held["func_evals"]) == (their_held["n_iter"], their_held["func_evals"]) == (2, 4)
    w.data[...], reference.data[...] = 0.0, 0.0  # a zero gradient: the step returns after its first evaluation
    optimizer.step(closure)
    their_optimizer.step(their_closure)
    assert held is optimizer.state[w]
    assert (held["n_iter"], held["func_evals"]) == (their_held["n_iter"], their_held["func_evals"]) == (2, 5)


def test_a_layer_frozen_before_the_optimizer_is_made_stays_put_as_in_torch(rng):
    import nn

    x, y = rng.standard_normal((8, 3)), rng.standard_normal((8, 1))
    ours, theirs = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1)), torch.nn.Sequential(
        torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1)).double()
    ours.load_state_dict(theirs.state_dict())
    ours[0].requires_grad_(False)
    theirs[0].requires_grad_(False)
    optimizer, their_optimizer = optim.SGD(ours.parameters(), lr=0.1), torch.optim.SGD(theirs.parameters(), lr=0.1)
    for _ in range(3):
        optimizer.zero_grad()
        their_optimizer.zero_grad()
        (((ours(tensor(x)) - tensor(y)) ** 2).mean()).backward()
        ((theirs(torch.tensor(x)) - torch.tensor(y)) ** 2).mean().backward()
        optimizer.step()
        their_optimizer.step()
    for key, value in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[key], value.numpy(), rtol=1e-12, atol=1e-15)
