"""EarlyStopping on scripted metric sequences; expected epochs worked out by hand from Keras's rules."""
import numpy as np
import pytest

from optim import EarlyStopping


def run(stopper, values, model=None):
    """Feed values until a stop; returns the list of step results."""
    results = []
    for value in values:
        results.append(stopper.step(value, model))
        if results[-1]:
            break
    return results


def test_patience_counts_epochs_without_improvement():
    stopper = EarlyStopping(patience=2)
    assert run(stopper, [5, 4, 4.5, 4.2, 4.1, 3.9]) == [False, False, False, True]
    assert (stopper.stopped_epoch, stopper.best, stopper.best_epoch) == (3, 4, 1)


def test_patience_zero_stops_at_the_first_bad_epoch_but_never_at_epoch_zero():
    stopper = EarlyStopping(patience=0)
    assert run(stopper, [1.0, 1.0]) == [False, True]
    assert stopper.stopped_epoch == 1


def test_min_delta_requires_a_large_enough_improvement():
    assert run(EarlyStopping(min_delta=0.5, patience=1), [10, 9.6, 9.0]) == [False, True]
    assert run(EarlyStopping(min_delta=0.5, patience=1), [10, 9.4, 9.0, 8.8]) == [False, False, True]
    assert run(EarlyStopping(min_delta=-0.5, patience=1), [10, 9.4, 9.0, 8.8]) == [False, False, True]


def test_max_mode():
    stopper = EarlyStopping(mode="max", patience=1, min_delta=0.01)
    assert run(stopper, [0.5, 0.7, 0.705, 0.8]) == [False, False, True]
    assert (stopper.best, stopper.best_epoch) == (0.7, 1)


def test_baseline_keeps_the_counter_running_until_beaten():
    with_baseline = EarlyStopping(mode="max", patience=2, baseline=0.8)
    assert run(with_baseline, [0.5, 0.6, 0.55, 0.9, 0.85, 0.8]) == [False, False, True]
    without = EarlyStopping(mode="max", patience=2)
    assert run(without, [0.5, 0.6, 0.55, 0.9, 0.85, 0.8]) == [False] * 5 + [True]
    assert without.stopped_epoch == 5


def test_start_from_epoch_ignores_the_warm_up():
    stopper = EarlyStopping(patience=0, start_from_epoch=2)
    assert run(stopper, [1, 2, 3, 2.5, 2.6]) == [False, False, False, False, True]
    assert (stopper.best, stopper.best_epoch, stopper.stopped_epoch) == (2.5, 3, 4)


class Model:
    """Anything with state_dict/load_state_dict (EarlyStopping never imports nn)."""

    def __init__(self):
        self.weight = np.zeros(2)

    def state_dict(self):
        return {"weight": self.weight}

    def load_state_dict(self, state):
        self.weight = state["weight"].copy()


def test_restore_best_weights():
    model = Model()
    stopper = EarlyStopping(patience=1, restore_best_weights=True)
    results = []
    for epoch, value in enumerate([3, 1, 2, 2.5]):
        model.weight[:] = epoch  # in place: the saved copy must not follow
        results.append(stopper.step(value, model))
        if results[-1]:
            break
    assert results == [False, False, True]
    np.testing.assert_array_equal(model.weight, [1.0, 1.0])
    assert stopper.best_epoch == 1


def test_restore_without_early_stop_is_explicit():
    model = Model()
    stopper = EarlyStopping(patience=5, restore_best_weights=True)
    for epoch, value in enumerate([3, 1, 2]):
        model.weight[:] = epoch
        assert not stopper.step(value, model)
    np.testing.assert_array_equal(model.weight, [2.0, 2.0])
    stopper.restore(model)
    np.testing.assert_array_equal(model.weight, [1.0, 1.0])


def test_state_dict_round_trip():
    values = [5, 4, 4.5, 3.0, 3.2, 3.1, 3.05, 3.3]
    whole = EarlyStopping(patience=3, min_delta=0.01)
    expected = run(whole, values)
    first = EarlyStopping(patience=3, min_delta=0.01)
    head = [first.step(v) for v in values[:4]]
    second = EarlyStopping()
    second.load_state_dict(first.state_dict())
    assert head + run(second, values[4:]) == expected
    assert (second.best, second.best_epoch, second.stopped_epoch) == (whole.best, whole.best_epoch, whole.stopped_epoch)


@pytest.mark.parametrize("kwargs, argument, error", [
    (dict(mode="auto"), "mode", ValueError),
    (dict(patience=-1), "patience", ValueError),
    (dict(patience=1.5), "patience", TypeError),
    (dict(min_delta="small"), "min_delta", TypeError),
    (dict(baseline="high"), "baseline", TypeError),
    (dict(restore_best_weights=1), "restore_best_weights", TypeError),
    (dict(start_from_epoch=-2), "start_from_epoch", ValueError),
])
def test_bad_arguments_are_named(kwargs, argument, error):
    with pytest.raises(error, match=argument):
        EarlyStopping(**kwargs)


def test_restore_needs_the_model():
    with pytest.raises(ValueError, match="model"):
        EarlyStopping(restore_best_weights=True).step(1.0)


def test_patience_and_start_from_epoch_must_be_non_negative_ints():
    with pytest.raises(ValueError, match=r"patience must be >= 0, got -1"):
        EarlyStopping(patience=-1)
    with pytest.raises(TypeError, match=r"start_from_epoch must be an int, got 1.5 \(float\)"):
        EarlyStopping(start_from_epoch=1.5)
    with pytest.raises(TypeError, match="patience must be an int, got True"):
        EarlyStopping(patience=True)
