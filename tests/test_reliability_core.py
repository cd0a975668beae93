"""Reliability of the core: anomaly detection, in-place checks, dtype mixing, memory."""
import gc
import threading
import weakref

import numpy as np
import pytest

import autograd
from autograd import AnomalyError, detect_anomaly, tensor


def test_anomaly_in_forward_names_op_scope_shapes_and_line():
    x = tensor([-1.0, 1.0], requires_grad=True)
    with detect_anomaly(), autograd.scope("net.head", "Linear"), np.errstate(invalid="ignore"):
        with pytest.raises(AnomalyError) as info:
            x.log()
    message = str(info.value)
    assert "forward of op log" in message and "net.head: Linear" in message
    assert "(2,)" in message and "test_reliability_core.py" in message and "x.log()" in message


def test_anomaly_in_backward_names_op_and_where_it_was_created():
    x = tensor([0.0, 4.0], requires_grad=True)
    with detect_anomaly(), np.errstate(divide="ignore"):
        y = x.sqrt()
        with pytest.raises(AnomalyError) as info:
            y.sum().backward()
    message = str(info.value)
    assert "backward of op sqrt" in message and "y = x.sqrt()" in message and "1 Inf" in message


def test_anomaly_mode_is_off_by_default_and_per_thread():
    assert not autograd.is_anomaly_enabled()
    seen = []
    with detect_anomaly():
        thread = threading.Thread(target=lambda: seen.append(autograd.is_anomaly_enabled()))
        thread.start()
        thread.join()
        assert autograd.is_anomaly_enabled()
    assert seen == [False]
    with np.errstate(divide="ignore"):
        assert np.isinf(tensor([0.0]).log().data).all()  # no error outside the block


def test_backward_after_in_place_update_is_refused():
    w = tensor([1.0, 2.0], requires_grad=True, name="w")
    loss = (w * w).sum()
    w.data -= 0.1
    w.mark_modified("SGD.step")
    with pytest.raises(RuntimeError, match=r"'w'.*op mul was modified in place by SGD.step"):
        loss.backward()
    assert w.grad is None


@pytest.mark.parametrize("modify", [lambda t: t.zero_(), lambda t: t.copy_(np.ones(2))])
def test_library_in_place_methods_bump_the_version(modify):
    w = tensor([1.0, 2.0], requires_grad=True)
    loss = (w.exp()).sum()
    before = w.version
    modify(w)
    assert w.version == before + 1
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()


def test_mixing_float32_and_float64_is_refused():
    a = tensor([1.0, 2.0], dtype="float32", requires_grad=True)
    with pytest.raises(TypeError, match=r"mul: inputs of dtypes float32, float64.*astype"):
        a * tensor([1.0, 2.0])
    with pytest.raises(TypeError, match=r"matmul: inputs of dtypes float64, float32"):
        np.ones((2, 2)) @ a
    assert (a * np.float32(2)).dtype == np.float32


def test_backward_grad_argument_must_have_the_output_dtype():
    y = tensor([1.0, 2.0], requires_grad=True) * 2
    with pytest.raises(TypeError, match="grad has dtype int64 but the output has dtype float64"):
        y.backward(np.array([1, 1]))
    y32 = tensor([1.0, 2.0], dtype="float32", requires_grad=True) * 2
    with pytest.raises(TypeError, match=r"grad has dtype float64 but the output has dtype float32.*astype\('float32'\)"):
        y32.backward(np.ones(2))


def test_graph_is_freed_once_nothing_refers_to_it():
    x = tensor(np.ones(1000), requires_grad=True)
    hidden = (x * 2).tanh()
    watcher = weakref.ref(hidden)
    loss = hidden.sum()
    del hidden
    loss.backward()
    del loss
    gc.collect()
    assert watcher() is None
