"""Early stopping with the semantics of Keras's `EarlyStopping` callback."""
import copy
import math

from . import _checks


class EarlyStopping:
    """Stop training when a monitored value has stopped improving (Keras's semantics).

    Call `step(value, model=None)` once per epoch; it returns True when training should
    stop. Epochs count from 0, one per `step` call.

    - An epoch improves when `value + min_delta < best` ("min") or `value - min_delta >
      best` ("max"): it must beat the best by more than min_delta. `best` starts at +inf
      ("min") or -inf ("max").
    - Every epoch (from `start_from_epoch` on) adds one to a wait counter; an improvement
      resets it to 0, but only if the value also beats `baseline` (when one is given).
    - Stop when the counter reaches `patience` (at an epoch > 0, and not on an improving
      epoch); `stopped_epoch` records that epoch.
    - With `restore_best_weights`, the model's `state_dict()` is copied at the first
      monitored epoch and at each improvement, and loaded back with `load_state_dict`
      when `step` returns True (Keras does this at the end of training; call
      `restore(model)` yourself if training ends without an early stop).
    """

    def __init__(self, mode="min", min_delta=0, patience=0, baseline=None, restore_best_weights=False,
                 start_from_epoch=0):
        _checks.one_of("min", "max")("mode", mode)
        _checks.real("min_delta", min_delta)
        _checks.non_negative_int("patience", patience)
        if baseline is not None:
            _checks.real("baseline", baseline)
        _checks.flag("restore_best_weights", restore_best_weights)
        _checks.non_negative_int("start_from_epoch", start_from_epoch)
        self.mode = mode
        self.min_delta = abs(min_delta)
        self.patience = patience
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.epoch = 0
        self.wait = 0
        self.best = math.inf if mode == "min" else -math.inf
        self.best_epoch = 0
        self.stopped_epoch = 0
        self.best_weights = None

    def is_improvement(self, value, reference):
        """Whether `value` beats `reference` by more than min_delta in the monitored direction."""
        if self.mode == "min":
            return value + self.min_delta < reference
        return value - self.min_delta > reference

    def step(self, value, model=None):
        """Record this epoch's `value`; True means stop now (best weights restored if asked)."""
        if self.restore_best_weights and model is None:
            raise ValueError("model: restore_best_weights=True needs the model passed to step(value, model)")
        value = float(value)
        epoch = self.epoch
        self.epoch += 1
        if epoch < self.start_from_epoch:
            return False
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = copy.deepcopy(model.state_dict())
            self.best_epoch = epoch
        self.wait += 1
        if self.is_improvement(value, self.best):
            self.best = value
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = copy.deepcopy(model.state_dict())
            if self.baseline is None or self.is_improvement(value, self.baseline):
                self.wait = 0
            return False
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            if self.restore_best_weights:
                self.restore(model)
            return True
        return False

    def restore(self, model):
        """Load the best weights seen so far into `model` (Keras's end-of-training restore)."""
        if self.best_weights is None:
            raise ValueError("model: no weights were recorded (restore_best_weights=False, or no monitored epoch)")
        model.load_state_dict(copy.deepcopy(self.best_weights))

    def state_dict(self):
        """The settings, counters and best weights (a copy)."""
        return copy.deepcopy(self.__dict__)

    def load_state_dict(self, state_dict):
        """Restore what `state_dict()` saved."""
        self.__dict__.update(copy.deepcopy(state_dict))
