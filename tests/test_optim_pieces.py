"""Large parameters stepped in pieces (`optim.pieces`): the same numbers and state as one whole update.

Every comparison runs the same training twice, once as the optimizer does it (large arrays in
pieces) and once with pieces turned off (`PIECE_BYTES` larger than any parameter), and asks
for bitwise equality.
"""
import numpy as np
import pytest

import optim
from autograd import Tensor
from optim import pieces
from test_optim_packed import IDS, RULES, STEPS, assert_same_state_dicts, assert_same_values, set_grads, train

# The tests' piece size, whatever the machine's L2 cache makes `pieces.PIECE_BYTES`: the shapes below are cut for it.
PIECE_BYTES = 2**17
PIECE_ELEMENTS = PIECE_BYTES // 8  # float64 elements of one piece of a 1-D array


@pytest.fixture(autouse=True)
def fixed_piece_size(monkeypatch):
    monkeypatch.setattr(pieces, "PIECE_BYTES", PIECE_BYTES)


def make_params():
    """Large parameters of several layouts among small ones, in two groups (the first five, the others).

    `set_grads` gives params 1 to 4 no grad on some steps, so the large params 1 to 3 fall behind the
    others and each other. The sixteen small float64 params at the end make a pack of 192 KiB, which
    is stepped in pieces too.
    """
    rng = np.random.default_rng(1)
    arrays = [
        rng.normal(size=(3, 4)),
        rng.normal(size=(70, 300)),                             # float64 rows of 2,400 bytes: pieces of 54 rows
        np.asfortranarray(rng.normal(size=(90, 200))),          # column-major: its rows are strided views
        rng.normal(size=(300, 130)).astype(np.float32),
        rng.normal(size=(5,)),
        rng.normal(size=(PIECE_ELEMENTS * 2 + 3,)),           # 1-D: two whole pieces and three elements
        rng.normal(size=(2, 80_000)),                            # a row larger than a piece: one row per piece
        rng.normal(size=(2, 2)).astype(np.float32),
        *(rng.normal(size=(40, 40)) for _ in range(16)),
    ]
    return [Tensor(array, requires_grad=True) for array in arrays]


def run(name, options):
    params = make_params()
    optimizer = getattr(optim, name)([{"params": params[:5]}, {"params": params[5:], "lr": 0.03}], **options)
    return train(optimizer, params, STEPS), optimizer.state_dict()


@pytest.mark.parametrize("name, options", RULES, ids=IDS)
def test_steps_in_pieces_match_one_whole_update_bitwise(name, options, monkeypatch):
    values, state = run(name, options)
    monkeypatch.setattr(pieces, "PIECE_BYTES", 2**40)
    whole_values, whole_state = run(name, options)
    assert_same_values(values, whole_values)
    assert_same_state_dicts(state, whole_state)


def test_a_large_parameter_is_updated_in_pieces_of_rows(monkeypatch):
    param = Tensor(np.random.default_rng(2).normal(size=(70, 300)), requires_grad=True)
    optimizer = optim.Adam([param], lr=0.01)
    shapes = []
    original = optimizer._update

    def recording_update(param, grad, state, group):
        shapes.append((param.shape, grad.shape, state["exp_avg"].shape, state["exp_avg_sq"].shape))
        return original(param, grad, state, group)

    monkeypatch.setattr(optimizer, "_update", recording_update)
    set_grads([param], 0)
    optimizer.step()
    # 2**17 bytes over rows of 300 float64 (2,400 bytes) is 54 rows; 70 rows are 54 and 16
    assert shapes == [((54, 300),) * 4, ((16, 300),) * 4]
    assert optimizer.state[param]["step"] == 1


def test_momentum_buffer_made_at_the_first_step_is_one_whole_array():
    param = Tensor(np.random.default_rng(3).normal(size=(70, 300)), requires_grad=True)
    optimizer = optim.SGD([param], lr=0.1, momentum=0.9)
    set_grads([param], 0)
    grad = param.grad.copy()
    optimizer.step()
    buffer = optimizer.state[param]["momentum_buffer"]
    assert buffer.shape == (70, 300) and buffer.base is None
    np.testing.assert_array_equal(buffer, grad)  # PyTorch's first momentum buffer is the gradient itself


def step_twice(make_optimizer, param_arrays, grads, monkeypatch, states=None):
    """The params' values and states after one step each way: in pieces, and in one whole update.

    `grads` are the params' gradients; `states`, if given, the optimizer's state before the step.
    """
    results = []
    for piece_bytes in (pieces.PIECE_BYTES, 2**40):
        monkeypatch.setattr(pieces, "PIECE_BYTES", piece_bytes)
        params = [Tensor(array.copy(), requires_grad=True) for array in param_arrays]
        optimizer = make_optimizer(params)
        for param, grad, state in zip(params, grads, states or [None] * len(params)):
            param.grad = grad
            if state is not None:
                optimizer.state[param] = {key: np.copy(value) for key, value in state.items()}
        optimizer.step()
        results.append(([param.data for param in params], [optimizer.state[param] for param in params]))
    return results


@pytest.mark.parametrize("grad_shape, grad_dtype", [((1, 300), np.float64), ((70, 300), np.float32)],
                         ids=["broadcasting", "float32"])
def test_a_grad_unlike_a_large_param_raises_before_any_piece_is_stepped(grad_shape, grad_dtype, monkeypatch):
    monkeypatch.setattr(pieces, "PIECE_BYTES", 2**14)  # the param is stepped in pieces of 6 rows
    rng = np.random.default_rng(4)
    param = Tensor(rng.normal(size=(70, 300)), requires_grad=True, name="w")
    optimizer = optim.SGD([param], lr=0.1, momentum=0.9)
    param.grad = rng.normal(size=(70, 300))
    optimizer.step()
    before, buffer = param.data.copy(), optimizer.state[param]["momentum_buffer"].copy()
    param.grad = rng.normal(size=grad_shape).astype(grad_dtype)
    with pytest.raises(ValueError, match=r"SGD\.step: param_groups\[0\]: params\[0\] \('w'\) has a grad of shape "
                                         rf"\({grad_shape[0]}, 300\) and dtype {np.dtype(grad_dtype)}"):
        optimizer.step()
    np.testing.assert_array_equal(param.data, before)
    np.testing.assert_array_equal(optimizer.state[param]["momentum_buffer"], buffer)


def test_a_0d_array_among_the_scalars_gets_one_whole_update(monkeypatch):
    rng = np.random.default_rng(5)
    param, grad = rng.normal(size=(70, 300)), rng.normal(size=(70, 300))
    loaded = {"step": np.array(3), "exp_avg": rng.normal(size=(70, 300)), "exp_avg_sq": rng.random((70, 300))}
    (values, states), (whole_values, whole_states) = step_twice(
        lambda params: optim.Adam(params, lr=0.01), [param], [grad], monkeypatch, states=[loaded])
    np.testing.assert_array_equal(values[0], whole_values[0])
    assert states[0]["step"] == whole_states[0]["step"] == 4


def test_the_state_dict_of_a_large_parameter_stays_the_same_object():
    param = Tensor(np.random.default_rng(6).normal(size=(70, 300)), requires_grad=True)
    optimizer = optim.Adam([param], lr=0.01)
    set_grads([param], 0)
    optimizer.step()
    state, exp_avg = optimizer.state[param], optimizer.state[param]["exp_avg"]
    set_grads([param], 1)
    optimizer.step()
    assert optimizer.state[param] is state and state["exp_avg"] is exp_avg and state["step"] == 2


def write_cache(caches, index, level, kind, size):
    """One cache's directory in the layout of Linux's /sys/devices/system/cpu/cpu0/cache."""
    directory = caches / f"index{index}"
    directory.mkdir(parents=True)
    for name, text in (("level", level), ("type", kind), ("size", size)):
        (directory / name).write_text(f"{text}\n")


def test_the_l2_size_is_read_from_the_cache_directories(tmp_path):
    for index, (level, kind, size) in enumerate([("1", "Data", "48K"), ("1", "Instruction", "32K"),
                                                  ("2", "Unified", "2048K"), ("3", "Unified", "300M")]):
        write_cache(tmp_path, index, level, kind, size)
    assert pieces.l2_cache_bytes(tmp_path) == 2 * 2**20
    assert pieces.piece_bytes(2 * 2**20) == 2**18


@pytest.mark.parametrize("size, expected", [("1M", 2**20), ("524288", 2**19), ("", None), ("big", None),
                                            ("0K", None), ("-4K", None)])
def test_an_l2_size_of_any_unit_is_read_and_an_unreadable_one_is_none(tmp_path, size, expected):
    write_cache(tmp_path, 0, "2", "Unified", size)
    assert pieces.l2_cache_bytes(tmp_path) == expected


def test_no_cache_directories_give_none_and_a_small_l2_a_piece_of_16_kib(tmp_path):
    assert pieces.l2_cache_bytes(tmp_path / "missing") is None
    (tmp_path / "index0").mkdir()  # a cache directory without its files
    assert pieces.l2_cache_bytes(tmp_path) is None
    assert pieces.piece_bytes(64 * 2**10) == 2**14
    assert pieces.piece_bytes(2**20) == 2**17
