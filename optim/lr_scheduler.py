"""Learning-rate schedules with PyTorch's semantics, plus the textbook decays.

A scheduler changes `group["lr"]` of an optimizer's groups each time `step()` is called
(once per epoch, or per batch for CyclicLR and OneCycleLR). As in PyTorch, most
schedules are *chainable*: they compute the next lr from the current one, so several can
act on one optimizer; `step(epoch)` (deprecated in PyTorch) jumps to the closed form.
"""
import copy
import math
import types
from bisect import bisect_right
from collections import Counter

from . import _checks
from .optimizer import Optimizer


def _lrs(optimizer):
    return [group["lr"] for group in optimizer.param_groups]


def _per_group(name, optimizer, value):
    """`value` for each parameter group: a list of the right length, or one value repeated."""
    if isinstance(value, (list, tuple)):
        if len(value) != len(optimizer.param_groups):
            raise ValueError(f"{name} has {len(value)} values but the optimizer has "
                             f"{len(optimizer.param_groups)} parameter groups")
        return list(value)
    return [value] * len(optimizer.param_groups)


def _check_optimizer(optimizer):
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an optim.Optimizer, got {type(optimizer).__name__}")


def _check_lambdas(optimizer, lr_lambda):
    lambdas = _per_group("lr_lambda", optimizer, lr_lambda)
    for function in lambdas:
        if not callable(function):
            raise TypeError(f"lr_lambda must be a function of the epoch, got {type(function).__name__}")
    return lambdas


class LRScheduler:
    """Base class: sets `initial_lr` in each group, then `step()` advances `last_epoch`.

    Subclasses define `get_lr()` (the chainable form, from the groups' current lr) and,
    where one exists, `_closed_form_lr()` (the lr at `last_epoch` from `base_lrs`).
    """

    _unsaved = ("optimizer",)

    def __init__(self, optimizer, last_epoch=-1):
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for index, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise ValueError(f"last_epoch={last_epoch} resumes a schedule, but param_groups[{index}] "
                                     "has no 'initial_lr' (load the optimizer's state_dict first)")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self):
        """The step made by the constructor: sets the lr for epoch 0."""
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self):
        """The lr of each group for `last_epoch`, from the current lr (chainable form)."""
        raise NotImplementedError

    def _closed_form_lr(self):
        """The lr of each group at `last_epoch` from `base_lrs` (used by `step(epoch)`)."""
        return self.get_lr()

    def get_last_lr(self):
        """The lr of each group set by the last `step()`."""
        return self._last_lr

    def step(self, epoch=None):
        """Advance one epoch (or jump to `epoch`, using the closed form) and set the groups' lr."""
        self._step_count += 1
        self._update_lr(epoch)

    def _update_lr(self, epoch=None):
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            self.last_epoch = epoch
            values = self._closed_form_lr()
        self._set_lrs(values)

    def _lrs_times(self, factor):
        """The groups' current lr, each multiplied by `factor` (the chainable form of most schedules)."""
        return [group["lr"] * factor for group in self.optimizer.param_groups]

    def _set_lrs(self, values):
        """Write one lr per group into the optimizer and remember them for `get_last_lr`."""
        for group, lr in zip(self.optimizer.param_groups, values):
            group["lr"] = lr
        self._last_lr = _lrs(self.optimizer)

    def state_dict(self):
        """The scheduler's attributes (a copy), without the optimizer, as in PyTorch."""
        return {key: copy.deepcopy(value) for key, value in self.__dict__.items() if key not in self._unsaved}

    def load_state_dict(self, state_dict):
        """Restore attributes saved by `state_dict()`."""
        self.__dict__.update(copy.deepcopy(state_dict))


class _LambdaScheduler(LRScheduler):
    """A schedule driven by `lr_lambda` (one function for all groups or one per group).

    Plain functions are not saved in the state dict; callable objects' attributes are.
    """

    _unsaved = ("optimizer", "lr_lambdas")

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        _check_optimizer(optimizer)
        self.lr_lambdas = _check_lambdas(optimizer, lr_lambda)
        super().__init__(optimizer, last_epoch)

    def state_dict(self):
        """As `LRScheduler.state_dict`, with `lr_lambdas` saved as PyTorch does (None for functions)."""
        state = super().state_dict()
        state["lr_lambdas"] = [None if isinstance(function, types.FunctionType) else dict(function.__dict__)
                               for function in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict):
        """Restore attributes, and the attributes of callable-object lambdas."""
        state = dict(state_dict)
        saved_lambdas = state.pop("lr_lambdas")
        super().load_state_dict(state)
        for function, attributes in zip(self.lr_lambdas, saved_lambdas):
            if attributes is not None:
                function.__dict__.update(attributes)


class LambdaLR(_LambdaScheduler):
    """lr_t = initial_lr * lr_lambda(t), one lambda for all groups or one per group."""

    def get_lr(self):
        """initial_lr * lr_lambda(last_epoch) per group."""
        return [base_lr * function(self.last_epoch) for function, base_lr in zip(self.lr_lambdas, self.base_lrs)]


class MultiplicativeLR(_LambdaScheduler):
    """lr_t = lr_{t-1} * lr_lambda(t) for t >= 1 (the lambda gives a factor, not a total)."""

    def get_lr(self):
        """The current lr times lr_lambda(last_epoch); unchanged at construction."""
        if self._is_initial:
            return _lrs(self.optimizer)
        return [group["lr"] * function(self.last_epoch)
                for function, group in zip(self.lr_lambdas, self.optimizer.param_groups)]


class StepLR(LRScheduler):
    """Staircase decay: lr_t = initial_lr * gamma ** (t // step_size)."""

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        _checks.positive_int("step_size", step_size)
        _checks.real("gamma", gamma)
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """Multiply by gamma every step_size epochs."""
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return _lrs(self.optimizer)
        return self._lrs_times(self.gamma)

    def _closed_form_lr(self):
        return [base_lr * self.gamma ** (self.last_epoch // self.step_size) for base_lr in self.base_lrs]


class MultiStepLR(LRScheduler):
    """lr_t = initial_lr * gamma ** (number of milestones <= t)."""

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        milestones = list(milestones)
        for index, milestone in enumerate(milestones):
            _checks.non_negative_int(f"milestones[{index}]", milestone)
        _checks.real("gamma", gamma)
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """Multiply by gamma (once per repeat) at each milestone."""
        if self.last_epoch not in self.milestones:
            return _lrs(self.optimizer)
        return self._lrs_times(self.gamma ** self.milestones[self.last_epoch])

    def load_state_dict(self, state_dict):
        """Restore attributes; `milestones` becomes a Counter again (nn.load gives dicts back as plain dicts)."""
        super().load_state_dict(state_dict)
        self.milestones = Counter(self.milestones)

    def _closed_form_lr(self):
        milestones = sorted(self.milestones.elements())
        return [base_lr * self.gamma ** bisect_right(milestones, self.last_epoch) for base_lr in self.base_lrs]


class ConstantLR(LRScheduler):
    """lr_t = initial_lr * factor for t < total_iters, then initial_lr."""

    def __init__(self, optimizer, factor=1.0 / 3, total_iters=5, last_epoch=-1):
        _checks.unit_interval("factor", factor)
        _checks.non_negative_int("total_iters", total_iters)
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """Scale by factor at epoch 0 and back by 1/factor at total_iters."""
        if self.last_epoch == 0:
            return self._lrs_times(self.factor)
        if self.last_epoch != self.total_iters:
            return _lrs(self.optimizer)
        return self._lrs_times(1.0 / self.factor)

    def _closed_form_lr(self):
        return [base_lr * (self.factor + (self.last_epoch >= self.total_iters) * (1 - self.factor))
                for base_lr in self.base_lrs]


class LinearLR(LRScheduler):
    """Linear warm-up: the factor goes from start_factor to end_factor over total_iters epochs."""

    def __init__(self, optimizer, start_factor=1.0 / 3, end_factor=1.0, total_iters=5, last_epoch=-1):
        _checks.real("start_factor", start_factor)
        if not 0 < start_factor <= 1:
            raise ValueError(f"start_factor must be in (0, 1], got {start_factor!r}")
        _checks.unit_interval("end_factor", end_factor)
        _checks.positive_int("total_iters", total_iters)
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """The current lr times the ratio of consecutive factors."""
        if self.last_epoch == 0:
            return self._lrs_times(self.start_factor)
        if self._is_initial or self.last_epoch > self.total_iters:
            return _lrs(self.optimizer)
        change = self.end_factor - self.start_factor
        ratio = 1.0 + change / (self.total_iters * self.start_factor + (self.last_epoch - 1) * change)
        return self._lrs_times(ratio)

    def _closed_form_lr(self):
        change = self.end_factor - self.start_factor
        return [base_lr * (self.start_factor + change * min(self.total_iters, self.last_epoch) / self.total_iters)
                for base_lr in self.base_lrs]


class ExponentialLR(LRScheduler):
    """lr_t = initial_lr * gamma ** t."""

    def __init__(self, optimizer, gamma, last_epoch=-1):
        _checks.real("gamma", gamma)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """The current lr times gamma."""
        if self._is_initial:
            return _lrs(self.optimizer)
        return self._lrs_times(self.gamma)

    def _closed_form_lr(self):
        return [base_lr * self.gamma**self.last_epoch for base_lr in self.base_lrs]


class PolynomialLR(LRScheduler):
    """lr_t = initial_lr * (1 - min(t, total_iters) / total_iters) ** power."""

    def __init__(self, optimizer, total_iters=5, power=1.0, last_epoch=-1):
        _checks.positive_int("total_iters", total_iters)
        _checks.real("power", power)
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """The current lr times the ratio of consecutive decay factors."""
        if self._is_initial or self.last_epoch > self.total_iters:
            return _lrs(self.optimizer)
        ratio = ((1.0 - self.last_epoch / self.total_iters)
                 / (1.0 - (self.last_epoch - 1) / self.total_iters)) ** self.power
        return self._lrs_times(ratio)

    def _closed_form_lr(self):
        return [base_lr * (1.0 - min(self.total_iters, self.last_epoch) / self.total_iters) ** self.power
                for base_lr in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """SGDR's annealing without restarts: lr_t = eta_min + (lr_0 - eta_min)(1 + cos(pi t / T_max)) / 2.

    Chainable as in PyTorch: past T_max it rises again (a cosine of period 2 T_max).
    """

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
        _checks.positive_int("T_max", T_max)
        _checks.real("eta_min", eta_min)
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """The recursive form of the cosine, as PyTorch computes it."""
        if self._is_initial:
            return _lrs(self.optimizer)
        if self._step_count == 1 and self.last_epoch > 0:
            return [self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(self.last_epoch * math.pi / self.T_max)) / 2
                    for base_lr in self.base_lrs]
        if (self.last_epoch - 1 - self.T_max) % (2 * self.T_max) == 0:
            return [group["lr"] + (base_lr - self.eta_min) * (1 - math.cos(math.pi / self.T_max)) / 2
                    for base_lr, group in zip(self.base_lrs, self.optimizer.param_groups)]
        ratio = (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / (
            1 + math.cos(math.pi * (self.last_epoch - 1) / self.T_max))
        return [ratio * (group["lr"] - self.eta_min) + self.eta_min for group in self.optimizer.param_groups]

    def _closed_form_lr(self):
        return [self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
                for base_lr in self.base_lrs]


class CosineAnnealingWarmRestarts(LRScheduler):
    """SGDR (Loshchilov & Hutter 2017): cosine from initial_lr to eta_min over T_i epochs, then restart.

    The first period is T_0 and each next one is T_mult times longer. `step(epoch)` accepts
    fractional epochs (call it per batch with `epoch + batch / batches`).
    """

    def __init__(self, optimizer, T_0, T_mult=1, eta_min=0.0, last_epoch=-1):
        _checks.positive_int("T_0", T_0)
        _checks.positive_int("T_mult", T_mult)
        _checks.real("eta_min", eta_min)
        self.T_0 = T_0
        self.T_i = T_0
        self.T_mult = T_mult
        self.eta_min = eta_min
        self.T_cur = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """eta_min + (initial_lr - eta_min)(1 + cos(pi T_cur / T_i)) / 2."""
        return [self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
                for base_lr in self.base_lrs]

    def step(self, epoch=None):
        """Advance one epoch, or go to a (possibly fractional) `epoch`."""
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur = self.T_cur + 1
            if self.T_cur >= self.T_i:
                self.T_cur = self.T_cur % self.T_i
                self.T_i = self.T_i * self.T_mult
        else:
            if epoch < 0:
                raise ValueError(f"epoch must be >= 0, got {epoch!r}")
            if epoch >= self.T_0:
                if self.T_mult == 1:
                    self.T_cur = epoch % self.T_0
                else:
                    n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
                    self.T_cur = epoch - self.T_0 * (self.T_mult**n - 1) / (self.T_mult - 1)
                    self.T_i = self.T_0 * self.T_mult**n
            else:
                self.T_i = self.T_0
                self.T_cur = epoch
        self.last_epoch = math.floor(epoch)
        self._step_count += 1
        self._set_lrs(self.get_lr())


def _set_momentum(group, momentum, use_beta1):
    """Write a cycled momentum into a group: `betas[0]` for Adam-like rules, else `momentum`."""
    if use_beta1:
        group["betas"] = (momentum, *group["betas"][1:])
    else:
        group["momentum"] = momentum


def _momentum_key(optimizer):
    """Whether the optimizer's momentum is `betas[0]` (True) or `momentum` (False)."""
    if "betas" in optimizer.defaults:
        return True
    if "momentum" in optimizer.defaults:
        return False
    raise ValueError("cycle_momentum=True needs an optimizer with 'momentum' or 'betas'; "
                     "pass cycle_momentum=False")


class CyclicLR(LRScheduler):
    """Cyclical learning rates (Smith 2017): lr goes base_lr -> max_lr -> base_lr, per batch.

    `mode` "triangular" keeps the amplitude, "triangular2" halves it each cycle, "exp_range"
    scales it by gamma ** iteration; `scale_fn` replaces the mode. With `cycle_momentum`,
    the momentum (or beta1) moves in the opposite direction between base and max momentum.
    """

    _unsaved = ("optimizer", "_scale_fn_custom")

    def __init__(self, optimizer, base_lr, max_lr, step_size_up=2000, step_size_down=None, mode="triangular",
                 gamma=1.0, scale_fn=None, scale_mode="cycle", cycle_momentum=True, base_momentum=0.8,
                 max_momentum=0.9, last_epoch=-1):
        _check_optimizer(optimizer)
        base_lrs = _per_group("base_lr", optimizer, base_lr)
        self.max_lrs = _per_group("max_lr", optimizer, max_lr)
        _checks.positive("step_size_up", step_size_up)
        if step_size_down is not None:
            _checks.positive("step_size_down", step_size_down)
        if scale_fn is None:
            _checks.one_of("triangular", "triangular2", "exp_range")("mode", mode)
        elif not callable(scale_fn):
            raise TypeError(f"scale_fn must be callable, got {type(scale_fn).__name__}")
        _checks.one_of("cycle", "iterations")("scale_mode", scale_mode)
        if cycle_momentum:
            self.use_beta1 = _momentum_key(optimizer)
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups):
                group["lr"] = lr
        step_size_up = float(step_size_up)
        step_size_down = float(step_size_down) if step_size_down is not None else step_size_up
        self.total_size = step_size_up + step_size_down
        self.step_ratio = step_size_up / self.total_size
        self.mode = mode
        self.gamma = gamma
        self._scale_fn_custom = scale_fn
        self.scale_mode = scale_mode if scale_fn is not None else ("iterations" if mode == "exp_range" else "cycle")
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.base_momentums = _per_group("base_momentum", optimizer, base_momentum)
            self.max_momentums = _per_group("max_momentum", optimizer, max_momentum)
            if last_epoch == -1:
                for max_momentum_, base_momentum_, group in zip(self.max_momentums, self.base_momentums,
                                                                 optimizer.param_groups):
                    _set_momentum(group, max_momentum_, self.use_beta1)
                    group["max_momentum"] = max_momentum_
                    group["base_momentum"] = base_momentum_
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def scale_fn(self, x):
        """The amplitude scale at cycle (or iteration) x."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / (2.0 ** (x - 1))
        return self.gamma**x

    def get_lr(self):
        """The triangle wave at last_epoch, scaled; also sets the cycled momentum."""
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle
        scale_factor = x / self.step_ratio if x <= self.step_ratio else (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else self.last_epoch)
        lrs = [base_lr + (max_lr - base_lr) * scale_factor * scale
               for base_lr, max_lr in zip(self.base_lrs, self.max_lrs)]
        if self.cycle_momentum:
            for base, top, group in zip(self.base_momentums, self.max_momentums, self.optimizer.param_groups):
                _set_momentum(group, top - (top - base) * scale_factor * scale, self.use_beta1)
        return lrs


class OneCycleLR(LRScheduler):
    """The 1cycle policy (Smith & Topin 2018): warm up to max_lr, then anneal far below the start.

    lr starts at max_lr / div_factor, reaches max_lr after pct_start of total_steps, and
    ends at initial_lr / final_div_factor (three_phase: back to initial_lr first, then
    down). Momentum moves the opposite way. Call `step()` once per batch.
    """

    def __init__(self, optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None, pct_start=0.3,
                 anneal_strategy="cos", cycle_momentum=True, base_momentum=0.85, max_momentum=0.95, div_factor=25.0,
                 final_div_factor=1e4, three_phase=False, last_epoch=-1):
        _check_optimizer(optimizer)
        if total_steps is not None:
            _checks.positive_int("total_steps", total_steps)
            self.total_steps = total_steps
        elif epochs is not None and steps_per_epoch is not None:
            _checks.positive_int("epochs", epochs)
            _checks.positive_int("steps_per_epoch", steps_per_epoch)
            self.total_steps = epochs * steps_per_epoch
        else:
            raise ValueError("total_steps, or epochs and steps_per_epoch, must be given")
        _checks.unit_interval("pct_start", pct_start)
        _checks.one_of("cos", "linear")("anneal_strategy", anneal_strategy)
        _checks.positive("div_factor", div_factor)
        _checks.positive("final_div_factor", final_div_factor)
        if cycle_momentum:
            self.use_beta1 = _momentum_key(optimizer)
        up = float(pct_start * self.total_steps) - 1
        if three_phase:
            self._schedule_phases = [
                {"end_step": up, "start_lr": "initial_lr", "end_lr": "max_lr",
                 "start_momentum": "max_momentum", "end_momentum": "base_momentum"},
                {"end_step": float(2 * pct_start * self.total_steps) - 2, "start_lr": "max_lr",
                 "end_lr": "initial_lr", "start_momentum": "base_momentum", "end_momentum": "max_momentum"},
                {"end_step": self.total_steps - 1, "start_lr": "initial_lr", "end_lr": "min_lr",
                 "start_momentum": "max_momentum", "end_momentum": "max_momentum"},
            ]
        else:
            self._schedule_phases = [
                {"end_step": up, "start_lr": "initial_lr", "end_lr": "max_lr",
                 "start_momentum": "max_momentum", "end_momentum": "base_momentum"},
                {"end_step": self.total_steps - 1, "start_lr": "max_lr", "end_lr": "min_lr",
                 "start_momentum": "base_momentum", "end_momentum": "max_momentum"},
            ]
        self._anneal_func_type = anneal_strategy
        max_lrs = _per_group("max_lr", optimizer, max_lr)
        if last_epoch == -1:
            for max_lr_, group in zip(max_lrs, optimizer.param_groups):
                group["initial_lr"] = max_lr_ / div_factor
                group["max_lr"] = max_lr_
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum and last_epoch == -1:
            for top, base, group in zip(_per_group("max_momentum", optimizer, max_momentum),
                                        _per_group("base_momentum", optimizer, base_momentum),
                                        optimizer.param_groups):
                _set_momentum(group, top, self.use_beta1)
                group["max_momentum"] = top
                group["base_momentum"] = base
        super().__init__(optimizer, last_epoch)

    def _anneal(self, start, end, pct):
        if self._anneal_func_type == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self):
        """Anneal within the current phase; also sets the momentum."""
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(f"stepped {step} times, but total_steps is {self.total_steps}")
        lrs = []
        for group in self.optimizer.param_groups:
            start_step = 0.0
            for index, phase in enumerate(self._schedule_phases):
                end_step = phase["end_step"]
                if step <= end_step or index == len(self._schedule_phases) - 1:
                    pct = (step - start_step) / (end_step - start_step)
                    lrs.append(self._anneal(group[phase["start_lr"]], group[phase["end_lr"]], pct))
                    if self.cycle_momentum:
                        momentum = self._anneal(group[phase["start_momentum"]], group[phase["end_momentum"]], pct)
                        _set_momentum(group, momentum, self.use_beta1)
                    break
                start_step = phase["end_step"]
        return lrs


class ReduceLROnPlateau(LRScheduler):
    """Multiply lr by `factor` when a metric has not improved for more than `patience` epochs.

    `step(metric)` once per epoch. Improvement means below best * (1 - threshold) ("min",
    "rel"), below best - threshold ("min", "abs"), or the mirror images for "max". After a
    reduction, `cooldown` epochs pass before bad epochs count again; lr never goes below
    min_lr, and changes smaller than eps are skipped.
    """

    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0, eps=1e-8):
        _check_optimizer(optimizer)
        _checks.one_of("min", "max")("mode", mode)
        _checks.one_of("rel", "abs")("threshold_mode", threshold_mode)
        _checks.real("factor", factor)
        if not factor < 1.0:
            raise ValueError(f"factor must be < 1, got {factor!r}")
        _checks.non_negative_int("patience", patience)
        _checks.non_negative_int("cooldown", cooldown)
        _checks.non_negative("threshold", threshold)
        _checks.non_negative("eps", eps)
        self.optimizer = optimizer
        self.factor = factor
        if isinstance(min_lr, (list, tuple)):
            self.default_min_lr = None
            self.min_lrs = _per_group("min_lr", optimizer, min_lr)
        else:
            self.default_min_lr = min_lr
            self.min_lrs = [min_lr] * len(optimizer.param_groups)
        self.patience = patience
        self.cooldown = cooldown
        self.eps = eps
        self.last_epoch = 0
        self._last_lr = _lrs(optimizer)
        self.mode = mode
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        self.mode_worse = math.inf if mode == "min" else -math.inf
        self.best = self.mode_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    @property
    def in_cooldown(self):
        """Whether the cooldown after a reduction is still running."""
        return self.cooldown_counter > 0

    def is_better(self, value, best):
        """Whether `value` improves on `best` by the threshold."""
        if self.mode == "min" and self.threshold_mode == "rel":
            return value < best * (1.0 - self.threshold)
        if self.mode == "min":
            return value < best - self.threshold
        if self.threshold_mode == "rel":
            return value > best * (self.threshold + 1.0)
        return value > best + self.threshold

    def step(self, metrics, epoch=None):
        """Record this epoch's metric and reduce the lr if it has plateaued."""
        current = float(metrics)
        self.last_epoch = self.last_epoch + 1 if epoch is None else epoch
        if self.is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = _lrs(self.optimizer)

    def _reduce_lr(self):
        if len(self.min_lrs) != len(self.optimizer.param_groups):
            if self.default_min_lr is None:
                raise RuntimeError("the optimizer has gained parameter groups since ReduceLROnPlateau was made; "
                                   "set min_lrs to one value per group")
            self.min_lrs = [self.default_min_lr] * len(self.optimizer.param_groups)
        for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs):
            old_lr = float(group["lr"])
            new_lr = max(old_lr * self.factor, min_lr)
            if old_lr - new_lr > self.eps:
                group["lr"] = new_lr


class SequentialLR(LRScheduler):
    """Run `schedulers` one after another, switching at the epochs in `milestones`.

    At a milestone the next scheduler restarts from its epoch 0 (closed form where it has one).
    """

    _unsaved = ("optimizer", "_schedulers")

    def __init__(self, optimizer, schedulers, milestones, last_epoch=-1):
        _check_optimizer(optimizer)
        schedulers = list(schedulers)
        if not schedulers:
            raise ValueError("schedulers is empty: SequentialLR needs at least one scheduler")
        for index, scheduler in enumerate(schedulers):
            if isinstance(scheduler, ReduceLROnPlateau):
                raise ValueError(f"schedulers[{index}] is a ReduceLROnPlateau, which SequentialLR cannot drive "
                                 "(its step needs a metric)")
            if not isinstance(scheduler, LRScheduler):
                raise TypeError(f"schedulers[{index}] must be an LRScheduler, got {type(scheduler).__name__}")
            if scheduler.optimizer is not optimizer:
                raise ValueError(f"schedulers[{index}] belongs to a different optimizer")
        milestones = list(milestones)
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(f"milestones must have one entry fewer than schedulers: got {len(milestones)} "
                             f"milestones for {len(schedulers)} schedulers")
        self._schedulers = schedulers
        self._milestones = milestones
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        for scheduler in schedulers:
            scheduler.last_epoch -= 1
        index = bisect_right(milestones, 0)
        schedulers[index]._initial_step()
        self._last_lr = schedulers[index].get_last_lr()

    def step(self):
        """Advance one epoch with the scheduler in charge of it."""
        self.last_epoch += 1
        index = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[index]
        if index > 0 and self._milestones[index - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self):
        """The attributes, with each inner scheduler's state_dict."""
        state = super().state_dict()
        state["_schedulers"] = [scheduler.state_dict() for scheduler in self._schedulers]
        return state

    def load_state_dict(self, state_dict):
        """Restore the attributes and each inner scheduler."""
        state = dict(state_dict)
        inner = state.pop("_schedulers")
        super().load_state_dict(state)
        for scheduler, saved in zip(self._schedulers, inner):
            scheduler.load_state_dict(saved)


class InverseTimeLR(LRScheduler):
    """Textbook inverse-time decay: lr_t = initial_lr / (1 + k t) (Robbins-Monro rates, k >= 0)."""

    def __init__(self, optimizer, k, last_epoch=-1):
        _checks.non_negative("k", k)
        self.k = k
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """initial_lr / (1 + k * last_epoch)."""
        return [base_lr / (1 + self.k * self.last_epoch) for base_lr in self.base_lrs]


class InverseSqrtLR(LRScheduler):
    """Inverse-square-root decay: lr_t = initial_lr * k / sqrt(t + 1)."""

    def __init__(self, optimizer, k=1.0, last_epoch=-1):
        _checks.positive("k", k)
        self.k = k
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """initial_lr * k / sqrt(last_epoch + 1)."""
        return [base_lr * self.k / math.sqrt(self.last_epoch + 1) for base_lr in self.base_lrs]
