"""Exact resume: a checkpoint taken mid-training continues bit-identically; memory stays flat."""
import gc
import tracemalloc

import numpy as np
import pytest

import autograd
import nn
import optim
from nn import functional as F

EPOCHS, RESUME_AT = 6, 3


def make_run(optimizer_name):
    """A model with BatchNorm and Dropout, its optimizer, scheduler and early stopping."""
    autograd.manual_seed(0)
    model = nn.Sequential(nn.Linear(5, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 3))
    optimizers = {
        "SGD": lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4),
        "Adam": lambda p: optim.Adam(p, lr=1e-2, amsgrad=True),
        "RMSprop": lambda p: optim.RMSprop(p, lr=1e-2, centered=True, momentum=0.5),
        "NAdam": lambda p: optim.NAdam(p, lr=1e-2),
        "Adagrad": lambda p: optim.Adagrad(p, lr=0.1, lr_decay=1e-3),
    }
    optimizer = optimizers[optimizer_name](model.parameters())
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    stopping = optim.EarlyStopping(patience=10, restore_best_weights=True)
    return model, optimizer, scheduler, stopping


def data():
    rng = np.random.default_rng(42)
    X = rng.standard_normal((64, 5))
    y = (X[:, 0] > 0).astype(np.int64) + (X[:, 1] > 0.5)
    return X, y


def train_epochs(run, epochs):
    model, optimizer, scheduler, stopping = run
    X, y = data()
    for _ in range(epochs):
        model.train()
        for X_batch, y_batch in nn.data.minibatches(X, y, batch_size=16):
            loss = F.cross_entropy(model(autograd.tensor(X_batch)), y_batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        scheduler.step()
        model.eval()
        with autograd.no_grad():
            validation = F.cross_entropy(model(autograd.tensor(X)), y).item()
        stopping.step(validation, model)
    return [p.data.copy() for p in model.parameters()]


def checkpoint(run):
    model, optimizer, scheduler, stopping = run
    return {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(),
            "early_stopping": stopping.state_dict(), "rng": autograd.get_rng_state()}


@pytest.mark.parametrize("optimizer_name", ["SGD", "Adam", "RMSprop", "NAdam", "Adagrad"])
def test_resume_from_a_checkpoint_is_bit_identical(optimizer_name, tmp_path):
    uninterrupted = train_epochs(make_run(optimizer_name), EPOCHS)

    first = make_run(optimizer_name)
    train_epochs(first, RESUME_AT)
    nn.save(checkpoint(first), tmp_path / "checkpoint.npz")
    autograd.manual_seed(12345)  # whatever happens in between must not matter

    resumed = make_run(optimizer_name)
    state = nn.load(tmp_path / "checkpoint.npz")
    model, optimizer, scheduler, stopping = resumed
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    scheduler.load_state_dict(state["scheduler"])
    stopping.load_state_dict(state["early_stopping"])
    autograd.set_rng_state(state["rng"])
    continued = train_epochs(resumed, EPOCHS - RESUME_AT)

    for expected, actual in zip(uninterrupted, continued):
        np.testing.assert_array_equal(actual, expected)
    assert any(not np.array_equal(a, b) for a, b in zip(continued, [p.data for p in make_run(optimizer_name)[0].parameters()]))


def live_tensors():
    gc.collect()
    return sum(issubclass(type(o), autograd.Tensor) for o in gc.get_objects())


def test_memory_stays_flat_over_ten_thousand_steps():
    autograd.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 1))
    optimizer = optim.Adam(model.parameters(), lr=1e-3)
    x = autograd.randn(16, 4)
    target = autograd.randn(16, 1)

    def step():
        loss = F.mse_loss(model(x), target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    for _ in range(200):  # warm up caches and optimizer state
        step()
    tensors_after_warm_up = live_tensors()
    for _ in range(9_500):
        step()
    assert live_tensors() == tensors_after_warm_up  # every graph was freed
    tracemalloc.start()  # tracing is slow: the last 300 steps are traced byte by byte
    try:
        for _ in range(100):
            step()
        gc.collect()
        traced_before, _ = tracemalloc.get_traced_memory()
        for _ in range(200):
            step()
        gc.collect()
        traced_after, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert traced_after - traced_before < 8 * 1024, (traced_before, traced_after)
    assert peak < 1024 * 1024
