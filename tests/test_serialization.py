"""nn.save / nn.load: round trips, atomic writes, and clear errors for files that are not our checkpoints."""
import os
import pickle

import numpy as np
import pytest
import torch

import nn
from autograd import Tensor


def _model():
    net = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
    net(Tensor(np.random.default_rng(0).normal(size=(8, 3))))  # move the running stats
    return net


def test_model_round_trip(tmp_path, rng):
    net, other = _model().eval(), _model()
    path = tmp_path / "model.npz"
    nn.save(net.state_dict(), path)
    other.load_state_dict(nn.load(path))
    other.eval()
    for key, value in net.state_dict().items():
        loaded = other.state_dict()[key]
        assert loaded.dtype == value.dtype
        np.testing.assert_array_equal(loaded, value, err_msg=key)
    x = Tensor(rng.normal(size=(5, 3)))
    np.testing.assert_array_equal(other(x).data, net(x).data)


def test_nested_structure_round_trip(tmp_path):
    obj = {"state": {0: {"step": 3, "exp_avg": np.arange(4.0)}, 1: {}},
           "param_groups": [{"lr": 0.1, "betas": (0.9, 0.999), "params": [0, 1], "nesterov": False, "name": None}],
           "best": float("inf"), "tag": "epoch-3", "ints": np.arange(3, dtype=np.int32),
           "scalar": np.float32(2.5), "tensor": Tensor([1.0, 2.0]), "empty": [], "f32": np.ones((2, 2), np.float32)}
    nn.save(obj, tmp_path / "ckpt.npz")
    loaded = nn.load(tmp_path / "ckpt.npz")
    assert set(loaded) == set(obj)
    assert list(loaded["state"]) == [0, 1] and loaded["state"][0]["step"] == 3
    np.testing.assert_array_equal(loaded["state"][0]["exp_avg"], np.arange(4.0))
    assert loaded["param_groups"][0] == {"lr": 0.1, "betas": (0.9, 0.999), "params": [0, 1], "nesterov": False,
                                         "name": None}
    assert loaded["best"] == float("inf") and loaded["tag"] == "epoch-3" and loaded["empty"] == []
    assert loaded["ints"].dtype == np.int32 and loaded["f32"].dtype == np.float32
    assert loaded["scalar"] == 2.5
    np.testing.assert_array_equal(loaded["tensor"], [1.0, 2.0])


def test_unsupported_values_are_refused_before_writing(tmp_path):
    with pytest.raises(TypeError, match=r"obj\[.f.\] is a builtin_function_or_method"):
        nn.save({"f": len}, tmp_path / "x.npz")
    with pytest.raises(TypeError, match="object"):
        nn.save([np.array([None, 1])], tmp_path / "x.npz")
    assert os.listdir(tmp_path) == []


def test_write_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    nn.save({"a": np.ones(3)}, path)

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("power cut")

    monkeypatch.setattr(np, "savez", crash)
    with pytest.raises(KeyboardInterrupt):
        nn.save({"a": np.zeros(3)}, path)
    monkeypatch.undo()
    np.testing.assert_array_equal(nn.load(path)["a"], np.ones(3))  # the old checkpoint is intact
    assert os.listdir(tmp_path) == ["model.npz"]  # and no temporary file is left behind


def _assert_refused_and_model_unchanged(path, message):
    net = _model()
    before = net.state_dict()
    with pytest.raises(nn.CheckpointError, match=message):
        net.load_state_dict(nn.load(path))
    for key, value in net.state_dict().items():
        np.testing.assert_array_equal(value, before[key])


def test_truncated_file(tmp_path):
    path = tmp_path / "model.npz"
    nn.save(_model().state_dict(), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    _assert_refused_and_model_unchanged(path, "truncated or corrupt")


def test_pickle_file(tmp_path):
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(_model().state_dict()))
    _assert_refused_and_model_unchanged(path, "is a pickle file; nn.load never unpickles")


def test_npz_carrying_pickled_objects(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, __structure__=np.array('{"format": "backprop-lab checkpoint 1", "root": {"array": "a0"}}'),
             a0=np.array([{"x": 1}], dtype=object))
    _assert_refused_and_model_unchanged(path, "carries pickled")


def test_foreign_npz_and_foreign_file(tmp_path):
    npz, text = tmp_path / "other.npz", tmp_path / "notes.txt"
    np.savez(npz, weights=np.ones(3))
    text.write_text("hello")
    _assert_refused_and_model_unchanged(npz, "not an nn.save checkpoint")
    _assert_refused_and_model_unchanged(text, "not an nn.save checkpoint")


def test_checkpoint_with_the_wrong_shapes_leaves_the_model_unchanged(tmp_path):
    path = tmp_path / "other.npz"
    nn.save(nn.Sequential(nn.Linear(3, 5), nn.BatchNorm1d(5), nn.ReLU(), nn.Linear(5, 2)).state_dict(), path)
    net = _model()
    before = net.state_dict()
    with pytest.raises(RuntimeError, match=r"'0.weight' has shape \(5, 3\)"):
        net.load_state_dict(nn.load(path))
    for key, value in net.state_dict().items():
        np.testing.assert_array_equal(value, before[key])


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_a_new_file_has_the_mode_of_torch_save_under_the_umask(umask, tmp_path):
    previous = os.umask(umask)
    try:
        nn.save({"a": np.ones(3)}, tmp_path / "ours.npz")
        torch.save({"a": torch.ones(3)}, tmp_path / "theirs.pt")
    finally:
        os.umask(previous)
    mode = os.stat(tmp_path / "ours.npz").st_mode & 0o777
    assert mode == os.stat(tmp_path / "theirs.pt").st_mode & 0o777 == 0o666 & ~umask
    np.testing.assert_array_equal(nn.load(tmp_path / "ours.npz")["a"], np.ones(3))
    assert sorted(os.listdir(tmp_path)) == ["ours.npz", "theirs.pt"]


def test_a_replaced_file_keeps_its_mode_as_open_would(tmp_path):
    for name in ("ours.npz", "theirs.pt"):
        (tmp_path / name).write_bytes(b"old")
        os.chmod(tmp_path / name, 0o640)
    previous = os.umask(0o022)
    try:
        nn.save({"a": np.ones(3)}, tmp_path / "ours.npz")
        torch.save({"a": torch.ones(3)}, tmp_path / "theirs.pt")
    finally:
        os.umask(previous)
    assert os.stat(tmp_path / "ours.npz").st_mode & 0o777 == os.stat(tmp_path / "theirs.pt").st_mode & 0o777 == 0o640
    np.testing.assert_array_equal(nn.load(tmp_path / "ours.npz")["a"], np.ones(3))
