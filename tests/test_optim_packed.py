"""Packed steps (`optim.packing`): the same numbers, state and versions as the per-parameter path.

Every comparison runs the same training twice, once as the optimizer does it (small parameters
packed) and once with packing turned off (`SMALL_PARAM_BYTES = 0`: no parameter is small), and
asks for bitwise equality.
"""
import numpy as np
import pytest

import optim
from autograd import Tensor
from optim import packing, pieces

# Every rule that sets `elementwise`, with options that reach its branches.
RULES = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.2, maximize=True)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1)),
    ("Adadelta", dict(weight_decay=0.01)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, centered=True, momentum=0.5, weight_decay=0.01)),
    ("Adam", dict(lr=0.05, amsgrad=True)),
    ("Adam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("AdamW", dict(lr=0.05)),
    ("Adamax", dict(lr=0.05, weight_decay=0.01)),
    ("NAdam", dict(lr=0.05, momentum_decay=0.01)),
    ("RAdam", dict(lr=0.05)),
    ("ASGD", dict(lr=0.05, t0=3, lambd=1e-2)),
    ("Rprop", dict(lr=0.02)),
    ("Lion", dict(lr=0.01, weight_decay=0.1)),
]
IDS = [f"{name}-{index}" for index, (name, _) in enumerate(RULES)]
STEPS = 14
LARGE = packing.SMALL_PARAM_BYTES // 8 + 1  # elements of a float64 parameter too large to pack


def make_params():
    """Two groups' worth of parameters: small float64 and float32 ones mixed, a large one, a 0-d one."""
    rng = np.random.default_rng(0)
    shapes_and_dtypes = [((3, 4), np.float64), ((4,), np.float32), ((5,), np.float64), ((2, 3), np.float64),
                         ((6,), np.float32), ((LARGE,), np.float64), ((), np.float64), ((2, 2), np.float64),
                         ((3,), np.float64)]
    return [Tensor(rng.normal(size=shape).astype(dtype), requires_grad=True) for shape, dtype in shapes_and_dtypes]


def make_optimizer(name, options, params):
    """Rule `name` over two groups: the first seven params, and the last two with their own lr."""
    return getattr(optim, name)([{"params": params[:7]}, {"params": params[7:], "lr": 0.03}], **options)


def grad_missing(t, index):
    """Param 1 lags every third step; 2 and 3 miss steps together; at step 9 both float32 params miss theirs."""
    return ((index == 1 and t % 3 == 0) or (index in (2, 3) and t % 5 == 4)
            or (t == 9 and index in (1, 4)))


def set_grads(params, t):
    """The grads of step `t`, a function of the params' values; None where `grad_missing`."""
    for index, param in enumerate(params):
        if grad_missing(t, index):
            param.grad = None
        else:
            grad = np.cos(t + param.data * (index + 1)) + 0.1 * param.data
            param.grad = np.asarray(grad, dtype=param.data.dtype)


def train(optimizer, params, steps, start=0):
    """`steps` steps from step `start`; returns the parameter values after each."""
    values = []
    for t in range(start, start + steps):
        set_grads(params, t)
        optimizer.step()
        values.append([param.data.copy() for param in params])
    return values


def assert_same_values(ours, theirs):
    """Two runs' parameter values (as `train` returns them) are bitwise equal, dtypes included."""
    for step, (mine, reference) in enumerate(zip(ours, theirs, strict=True)):
        for index, (a, b) in enumerate(zip(mine, reference, strict=True)):
            assert a.dtype == b.dtype, (step, index)
            np.testing.assert_array_equal(a, b, err_msg=f"step {step}, param {index}")


def assert_same_state_dicts(ours, theirs):
    """Equal as PyTorch-style state dicts: same keys in the same order, same types, arrays bitwise equal."""
    assert ours["param_groups"] == theirs["param_groups"]
    assert list(ours["state"]) == list(theirs["state"])
    for index, state in ours["state"].items():
        other = theirs["state"][index]
        assert list(state) == list(other), index
        for key, value in state.items():
            assert type(value) is type(other[key]), (index, key)
            if isinstance(value, np.ndarray):
                assert (value.shape, value.dtype) == (other[key].shape, other[key].dtype), (index, key)
                np.testing.assert_array_equal(value, other[key], err_msg=f"state[{index}][{key!r}]")
            else:
                assert value == other[key], (index, key)


def run(name, options, steps=STEPS):
    """Train rule `name` on fresh params; returns the values after each step and the final state dict."""
    params = make_params()
    optimizer = make_optimizer(name, options, params)
    return train(optimizer, params, steps), optimizer.state_dict()


def assert_packing_changes_nothing(training, monkeypatch):
    """`training()` (returning values after each step and a state dict) gives the same packed and unpacked."""
    packed_values, packed_state = training()
    monkeypatch.setattr(packing, "SMALL_PARAM_BYTES", 0)
    values, state = training()
    assert_same_values(packed_values, values)
    assert_same_state_dicts(packed_state, state)


@pytest.mark.parametrize("name, options", RULES, ids=IDS)
def test_packed_steps_match_the_per_parameter_path_bitwise(name, options, monkeypatch):
    assert_packing_changes_nothing(lambda: run(name, options), monkeypatch)


@pytest.mark.parametrize("name, options", RULES, ids=IDS)
def test_state_dict_round_trip_mid_training_continues_bitwise(name, options):
    params = make_params()
    optimizer = make_optimizer(name, options, params)
    train(optimizer, params, 6)
    saved, saved_values = optimizer.state_dict(), [param.data.copy() for param in params]
    expected = train(optimizer, params, 6, start=6)

    # Into the same optimizer, whose packs now hold newer state than the loaded one.
    for param, value in zip(params, saved_values):
        param.data[...] = value
    optimizer.load_state_dict(saved)
    assert_same_values(train(optimizer, params, 6, start=6), expected)

    # Into a fresh optimizer.
    fresh_params = make_params()
    for param, value in zip(fresh_params, saved_values):
        param.data[...] = value
    fresh = make_optimizer(name, options, fresh_params)
    fresh.load_state_dict(saved)
    assert_same_values(train(fresh, fresh_params, 6, start=6), expected)


def test_small_parameters_of_a_group_and_dtype_share_one_update(monkeypatch):
    params = make_params()
    optimizer = optim.Adam(params, lr=0.01)
    sizes = []
    original = optimizer._update

    def counting_update(param, grad, state, group):
        sizes.append(param.size)
        return original(param, grad, state, group)

    monkeypatch.setattr(optimizer, "_update", counting_update)
    monkeypatch.setattr(pieces, "PIECE_BYTES", 2**17)  # less than the large param's 128 KiB and 8 bytes
    set_grads(params, 1)  # every param has a grad at step 1
    optimizer.step()
    float64 = sum(p.size for p in params if p.dtype == np.float64 and 0 < p.ndim and p.size < LARGE)
    float32 = sum(p.size for p in params if p.dtype == np.float32)
    large_pieces = [2**17 // 8, LARGE - 2**17 // 8]  # too large to pack, stepped in pieces
    assert sorted(sizes) == sorted([float64, float32, 1, *large_pieces])


def test_every_parameter_with_a_grad_gets_its_version_bumped():
    params = make_params()
    optimizer = make_optimizer("Adam", dict(lr=0.01), params)
    for t in range(STEPS):
        set_grads(params, t)
        before = [param.version for param in params]
        optimizer.step()
        expected = [version + (param.grad is not None) for version, param in zip(before, params)]
        assert [param.version for param in params] == expected, t


def test_state_is_per_parameter_arrays_shaped_like_the_parameter():
    params = make_params()
    optimizer = make_optimizer("RMSprop", dict(centered=True, momentum=0.5), params)
    train(optimizer, params, 3)
    for param in params:
        state = optimizer.state[param]
        assert list(state) == ["step", "square_avg", "grad_avg", "momentum_buffer"]
        for key in ("square_avg", "momentum_buffer", "grad_avg"):
            assert (state[key].shape, state[key].dtype) == (param.shape, param.dtype)


@pytest.mark.parametrize("name, options", [("Adam", dict(lr=0.05)), ("Adagrad", dict(lr=0.1)),
                                           ("SGD", dict(lr=0.1, momentum=0.9))])
def test_state_changed_between_steps_is_used(name, options, monkeypatch):
    """Entries replaced or changed in place through `optimizer.state` count, packed as unpacked."""

    def edited_run():
        params = make_params()
        optimizer = make_optimizer(name, options, params)
        values = train(optimizer, params, 3)
        first, second = optimizer.state[params[0]], optimizer.state[params[3]]
        key = next(key for key, value in first.items() if isinstance(value, np.ndarray))
        first[key] = np.full_like(first[key], 0.5)  # a new array
        second[key] *= 2  # in place
        if "step" in first:
            first["step"] = 1
        values += train(optimizer, params, 5, start=3)
        return values, optimizer.state_dict()

    assert_packing_changes_nothing(edited_run, monkeypatch)


def test_a_parameter_added_later_is_stepped_like_the_others(monkeypatch):
    def grown_run():
        params = make_params()
        optimizer = optim.Adam(params[:5], lr=0.05)
        values = train(optimizer, params[:5], 3)
        optimizer.add_param_group({"params": params[5:]})
        return values + train(optimizer, params, 4, start=3), optimizer.state_dict()

    assert_packing_changes_nothing(grown_run, monkeypatch)


@pytest.mark.parametrize("new_array", [lambda data: data.astype(np.float32),  # as Module.float() does
                                       lambda data: data.copy(), lambda data: np.array(data, order="F")],
                         ids=["cast to float32", "same dtype", "Fortran order"])
def test_parameters_given_new_arrays_mid_training_are_stepped_in_their_new_arrays(new_array, monkeypatch):
    def replaced_midway():
        params = make_params()
        optimizer = make_optimizer("Adam", dict(lr=0.05), params)
        values = train(optimizer, params, 3)
        old_arrays = [param.data for param in params]
        for param in params:
            param.data = new_array(param.data)
        values += train(optimizer, params, 3, start=3)
        for param, old in zip(params, old_arrays):  # the steps went to the new arrays only
            assert not np.array_equal(param.data, old)
        return values, optimizer.state_dict()

    assert_packing_changes_nothing(replaced_midway, monkeypatch)


BAD_GRADS = {  # param index -> (a bad grad made from the good one, the error and the start of its message)
    "broadcasting shape": (0, lambda grad: grad[0], ValueError, r"has a grad of shape \(4,\) and dtype float64; "
                           r"it must be an ndarray of the parameter's shape \(3, 4\) and dtype float64"),
    "another dtype": (3, lambda grad: grad.astype(np.float32), ValueError,
                      r"has a grad of shape \(2, 3\) and dtype float32; it must be an ndarray of the parameter's "
                      r"shape \(2, 3\) and dtype float64"),
    "int array": (8, lambda grad: grad.astype(np.int64), ValueError, r"has a grad of shape \(3,\) and dtype int64"),
    "list": (8, lambda grad: grad.tolist(), TypeError, r"has a grad of type list; it must be an ndarray"),
    "float for a 0-d param": (6, float, TypeError, r"has a grad of type float; it must be an ndarray"),
}
GROUP_OF = {0: 0, 3: 0, 6: 0, 8: 1}  # where `make_optimizer` puts those params, and at which index
INDEX_IN_GROUP = {0: 0, 3: 3, 6: 6, 8: 1}


@pytest.mark.parametrize("packed", [True, False], ids=["packed", "per-parameter"])
@pytest.mark.parametrize("name, options", [RULES[1], RULES[6], RULES[7]], ids=["SGD", "RMSprop", "Adam"])
@pytest.mark.parametrize("bad", BAD_GRADS)
def test_a_bad_grad_raises_before_anything_changes(bad, name, options, packed, monkeypatch):
    if not packed:
        monkeypatch.setattr(packing, "SMALL_PARAM_BYTES", 0)
    index, make_bad, error, message = BAD_GRADS[bad]
    params = make_params()
    params[index].name = "odd"
    optimizer = make_optimizer(name, options, params)
    train(optimizer, params, 5)
    set_grads(params, 5)
    before, state_before = [param.data.copy() for param in params], optimizer.state_dict()
    good = params[index].grad
    params[index].grad = make_bad(good)
    where = rf"{name}\.step: param_groups\[{GROUP_OF[index]}\]: params\[{INDEX_IN_GROUP[index]}\] \('odd'\) "
    with pytest.raises(error, match=where + message):
        optimizer.step()
    assert_same_values([[param.data for param in params]], [before])
    assert_same_state_dicts(optimizer.state_dict(), state_before)

    # The good grad steps on as if nothing had happened.
    params[index].grad = good
    optimizer.step()
    values = [[param.data.copy() for param in params]] + train(optimizer, params, 3, start=6)
    reference_params = make_params()
    reference = make_optimizer(name, options, reference_params)
    assert_same_values(values, train(reference, reference_params, 9)[5:])


def test_a_numpy_scalar_is_the_grad_of_a_0d_parameter():
    """Ufuncs give NumPy scalars for 0-d arrays: such a grad of the right dtype steps as its 0-d array does."""
    scalar, array = Tensor(np.array(0.5), requires_grad=True), Tensor(np.array(0.5), requires_grad=True)
    optimizers = [optim.Adam([scalar], lr=0.1), optim.Adam([array], lr=0.1)]
    for _ in range(3):
        scalar.grad, array.grad = np.cos(scalar.data), np.asarray(np.cos(array.data))
        assert type(scalar.grad) is np.float64 and type(array.grad) is np.ndarray
        for optimizer in optimizers:
            optimizer.step()
    np.testing.assert_array_equal(scalar.data, array.data)
    assert scalar.data.shape == ()


@pytest.mark.parametrize("name, options", RULES, ids=IDS)
def test_packs_are_kept_while_nothing_changes(name, options):
    params = make_params()
    optimizer = make_optimizer(name, options, params)
    packs = []
    for t in range(4):
        for param in params:
            param.grad = np.cos(t + param.data)
        optimizer.step()
        packs.append(set(map(id, optimizer._packs._pack_of.values())))
    assert len(packs[0]) == 3 and packs[1:] == packs[:-1]  # float64 and float32 in group 0, float64 in group 1
