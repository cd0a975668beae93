"""Multi-tensor ("packed") steps: one `_update` call for many small parameters.

An elementwise rule (`Optimizer.elementwise`) computes every coordinate on its own, so its
step on several parameters is the same arithmetic as its step on their concatenation. For
small parameters a step costs the Python and NumPy calls per parameter, not the arithmetic,
so the optimizer steps the small parameters of a group that share a dtype together, as a
`Pack`:

- the pack owns one flat buffer per array entry of the state (`exp_avg`, `exp_avg_sq`, ...),
  and each member's `optimizer.state[param][key]` is a view into it, so the per-parameter
  state, `state_dict()` and `load_state_dict()` see ordinary arrays of the parameter's shape;
- scalar entries (`step`, NAdam's `mu_product`, ASGD's `eta` and `mu`) must be equal across
  the members, and after each step the same new value goes into every member's state;
- a step gathers params and grads into flat scratch arrays (one `np.concatenate` each), calls
  `_update` on them with the flat state (once, or once per cache-sized piece if the pack is large:
  `optim.pieces`), keeps the new state in the buffers, copies the new values into the flat
  parameter (nothing to copy for the Adam family, which writes over it and returns it; most other
  rules return a new array), and writes each parameter back from its piece of the flat parameter
  (views made once) through `Optimizer._write_alike`.

A pack is used only while it is intact: every member has a grad in this step (which
`Optimizer.step` has checked to have the parameter's shape and dtype), still holds the data array
it had when packed (`model.float()` gives it a new one), and its state is still the dict the pack
filled, holding the pack's views and scalars (`load_state_dict()` replaces the dicts, a
per-parameter step or a user may replace entries). Otherwise it is
dropped and its params are packed anew with the others whose state agrees; a param that agrees
with none (its step count fell behind while its grad was None, say) goes through the
per-parameter loop, whose arithmetic is the same. Packing anew gives the members' state new
arrays (views of the new pack's buffers): a reference kept to `optimizer.state[p]["exp_avg"]`
across such a step stops following it, where PyTorch's would (re-read the state instead).
"""
import itertools
import operator

import numpy as np

from . import pieces

# Parameters of at most this many bytes are packed; larger ones are stepped in place one by one.
# Packing saves the ~10 us of per-parameter calls of a step (Adam) but adds three passes over the
# parameter's memory (gather param and grad, scatter the result), so the cut is in bytes. Measured
# with Adam, one parameter packed with eight small ones against the same stepped on its own: packing
# wins up to 2**13 float64 / 2**14 float32 elements, breaks even at 128 KiB (2**14 float64 / 2**15
# float32 elements), and loses 7-13% at 512 KiB.
SMALL_PARAM_BYTES = 2**17

# A pack of one parameter would only add the gathering and scattering.
MIN_PACK_SIZE = 2


def is_small(param):
    """Whether `param` may be packed: a small C-contiguous array (which a pack reads through a flat view) of at
    least one dimension. (`Optimizer.step` has checked that its grad has its shape and dtype.)

    0-d parameters are left out: on the per-parameter path the state of some rules becomes NumPy
    scalars (ufuncs return scalars for 0-d operands), which a pack would turn into 0-d arrays.
    """
    data = param.data
    return 0 < data.ndim and data.nbytes <= SMALL_PARAM_BYTES and data.flags.c_contiguous


def _kind(param, state):
    """What the members of one pack share: dtype, state keys in order, each scalar entry; None if an
    array entry is not shaped like `param`.

    The order of the keys counts, so a rule's `_init_state` lists them in the order its `_update`
    leaves them (RMSprop's `grad_avg` before `momentum_buffer`).
    """
    data = param.data
    entries = []
    for key, value in state.items():
        if isinstance(value, np.ndarray):
            if value.shape != data.shape or value.dtype != data.dtype:
                return None
            entries.append((key, np.ndarray))
        else:
            entries.append((key, type(value), value))
    return data.dtype, tuple(entries)


class Pack:
    """Small parameters of one group and dtype stepped together, their states' arrays views into flat buffers.

    `states` are the members' state dicts (the optimizer's), which the pack fills with its views.
    """

    def __init__(self, params, states):
        self.params = params
        self.states = states
        ends = list(itertools.accumulate(param.data.size for param in params))
        self._slices = [slice(start, end) for start, end in zip([0] + ends, ends)]
        dtype = params[0].data.dtype
        self._flat_param = np.empty(ends[-1], dtype)
        self._flat_grad = np.empty(ends[-1], dtype)
        self._param_views = self._views(self._flat_param)
        self._buffers = {}  # key -> the flat buffer that the members' entries `key` view
        self._flat_state = {}
        for key, value in states[0].items():
            if isinstance(value, np.ndarray):
                value = self._install(key, np.concatenate([state[key] for state in states], axis=None))
            self._flat_state[key] = value
        self._datas = [param.data for param in params]
        self._flat_datas = [data.reshape(-1) for data in self._datas]  # views: the arrays are C-contiguous
        self._snapshot()

    def _views(self, flat):
        """The members' pieces of a flat array, each shaped like its parameter."""
        return [flat[piece].reshape(param.shape) for param, piece in zip(self.params, self._slices)]

    def _install(self, key, buffer):
        """Make `buffer` the flat storage of entry `key`: every member's state gets its view. Returns `buffer`."""
        self._buffers[key] = buffer
        for state, view in zip(self.states, self._views(buffer)):
            state[key] = view
        return buffer

    def _snapshot(self):
        """Remember the objects in every member's state, for `intact`: a copy of each dict (`_keep` writes the new
        scalars into both), and per member the tuple that `intact` reads, with live views of both dicts' values."""
        self._expected = [dict(state) for state in self.states]
        self._members = list(zip(self.params, self._datas, self.states,
                                 map(dict.values, self.states), map(dict.values, self._expected)))

    def intact(self, optimizer_state):
        """Whether every member (all have grads, which `Optimizer.step` has checked against their parameters) keeps
        the data array it had when packed (so its shape and dtype), and `optimizer_state` still maps it to the dict
        this pack filled, with the same entries."""
        return all(
            param.data is data and optimizer_state.get(param) is state and len(values) == len(expected)
            and all(map(operator.is_, values, expected))
            for param, data, state, values, expected in self._members
        )

    def step(self, optimizer, group):
        """One step of every member: gather, one `optimizer._update_arrays`, keep the state, write each parameter."""
        np.concatenate(self._flat_datas, out=self._flat_param)  # the members' arrays, as `intact` checked
        np.concatenate([param.grad for param in self.params], axis=None, out=self._flat_grad)
        value, new_state = optimizer._update_arrays(self._flat_param, self._flat_grad, self._flat_state, group)
        self._keep(new_state)
        if value is not self._flat_param:  # the Adam family writes over the flat parameter and returns it
            pieces.assign(self._flat_param, value)
        optimizer._write_alike(self.params, self._param_views)

    def _keep(self, new_state):
        """Take the flat state a step returned: arrays into the buffers, scalars into every member's state and
        its copy that `intact` compares with.

        An entry that was a scalar and is now an array (SGD's momentum buffer, None before the
        first step) gets a buffer of its own.
        """
        for key, value in new_state.items():
            if isinstance(value, np.ndarray):
                buffer = self._buffers.get(key)
                if buffer is None:
                    buffer = self._install(key, np.array(value))
                    self._snapshot()
                elif value is not buffer:
                    np.copyto(buffer, value)
                new_state[key] = buffer
            else:
                for state, expected in zip(self.states, self._expected):
                    state[key] = expected[key] = value
        self._flat_state = new_state


class Packs:
    """The packs of one optimizer, and which pack holds each parameter's state."""

    def __init__(self):
        self._pack_of = {}  # param -> the Pack whose buffers its state views

    def step(self, optimizer, group, params):
        """Step the small ones of `params` (all have grads) in packs; return the others, for the per-parameter loop."""
        by_pack = {}
        for param in params:
            by_pack.setdefault(self._pack_of.get(param), []).append(param)
        loose = by_pack.pop(None, [])
        for pack, present in by_pack.items():
            if len(present) == len(pack.params) and pack.intact(optimizer.state):
                pack.step(optimizer, group)
            else:
                loose += present
                for param in pack.params:
                    del self._pack_of[param]
        return self._pack_anew(optimizer, group, loose)

    def _pack_anew(self, optimizer, group, params):
        """Pack the small ones of `params` (none in a usable pack) by dtype and scalar state, and step the packs;
        return the params left over."""
        kinds, left = {}, []
        for param in params:
            if not is_small(param):
                left.append(param)
                continue
            state = optimizer.state.get(param)
            if state is None:
                state = optimizer.state[param] = optimizer._init_state(param.data, group)
            kinds.setdefault(_kind(param, state), []).append(param)
        left += kinds.pop(None, [])
        for members in kinds.values():
            if len(members) < MIN_PACK_SIZE:
                left += members
                continue
            pack = Pack(members, [optimizer.state[param] for param in members])
            self._pack_of.update(dict.fromkeys(members, pack))
            pack.step(optimizer, group)
        return left
