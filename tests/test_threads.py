"""Two threads training separate models at once match the same runs one after another."""
import threading

import numpy as np

import autograd
import nn
import optim
from nn import functional as F


def train(seed, results):
    rng = np.random.default_rng(seed)
    model = nn.Sequential(nn.Linear(6, 12), nn.BatchNorm1d(12), nn.ReLU(), nn.Dropout(0.2, rng=rng), nn.Linear(12, 3))
    for parameter in model.parameters():
        parameter.data[...] = rng.standard_normal(parameter.shape) * 0.3
    optimizer = optim.Adam(model.parameters(), lr=1e-2)
    X = rng.standard_normal((48, 6))
    y = rng.integers(0, 3, size=48)
    for _ in range(60):
        for X_batch, y_batch in nn.data.minibatches(X, y, batch_size=16, rng=rng):
            loss = F.cross_entropy(model(autograd.tensor(X_batch)), y_batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        model.eval()
        with autograd.no_grad():  # grad mode switches in one thread while the other trains
            assert not F.cross_entropy(model(autograd.tensor(X)), y).requires_grad
        model.train()
        assert autograd.is_grad_enabled() and autograd.current_scope() == ()
    results[seed] = [p.data.copy() for p in model.parameters()] + [model[1].running_var.data.copy()]


def test_two_threads_match_sequential_runs():
    sequential, parallel = {}, {}
    for seed in (1, 2):
        train(seed, sequential)
    threads = [threading.Thread(target=train, args=(seed, parallel)) for seed in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(parallel) == {1, 2}
    for seed in (1, 2):
        for expected, actual in zip(sequential[seed], parallel[seed]):
            np.testing.assert_array_equal(actual, expected)
