"""The tensors behind the roots: an iterative walk, each tensor's role, and the module call it sits in."""

from ..engine import postorder

# Leaves that belong to the module call that uses them (drawn inside its cluster); inputs stay outside.
# (A constant is drawn beside each op that uses it: see `plan.make_plan`.)
HOUSED_ROLES = frozenset({"parameter", "buffer"})


def role_of(tensor, is_output):
    """One of input, parameter, buffer, constant (a shared Python number), intermediate, output."""
    if is_output:
        return "output"
    if tensor.role is not None:
        return tensor.role
    return "intermediate" if not tensor.is_leaf else "input"


def common_prefix(scopes):
    """The module calls shared by every scope in `scopes` (frames compared by identity)."""
    prefix = scopes[0]
    for scope in scopes[1:]:
        length = 0
        while length < min(len(prefix), len(scope)) and prefix[length] is scope[length]:
            length += 1
        prefix = prefix[:length]
    return prefix


class TensorGraph:
    """The tensors reachable from the roots, with their roles and placements among module calls.

    A placement is a tuple of `scope`s, outermost first: an op's tensor sits in the scope
    its op ran in; a parameter or buffer sits in the innermost call shared by the ops that use
    it; an input sits outside every module; a constant has no placement of its own (`plan.make_plan`
    draws it beside each op that uses it, in that op's scope).
    """

    def __init__(self, roots):
        self.tensors = postorder(roots, all_parents=True)
        self._index = {id(tensor): index for index, tensor in enumerate(self.tensors)}
        root_ids = {id(root) for root in roots}
        self.is_root = [id(tensor) in root_ids for tensor in self.tensors]
        self.roles = [role_of(tensor, is_root) for tensor, is_root in zip(self.tensors, self.is_root)]
        self.placements = self._placements()
        self.heights = self._frame_heights()

    def index_of(self, tensor):
        """The position of `tensor` in `self.tensors`."""
        return self._index[id(tensor)]

    def _placements(self):
        consumer_scopes = {}
        for tensor in self.tensors:
            for parent in tensor.parents:
                consumer_scopes.setdefault(id(parent), []).append(tensor.scope)
        placements = []
        for tensor, role in zip(self.tensors, self.roles):
            if not tensor.is_leaf:
                placements.append(tensor.scope)
            elif role in HOUSED_ROLES and id(tensor) in consumer_scopes:
                placements.append(common_prefix(consumer_scopes[id(tensor)]))
            else:
                placements.append(())
        return placements

    def _frame_heights(self):
        """For each module call (by call_id): 0 if no other call ran inside it, else 1 + its children's most."""
        heights = {}
        for placement in self.placements:
            for depth, frame in enumerate(placement):
                heights[frame.call_id] = max(heights.get(frame.call_id, 0), len(placement) - 1 - depth)
        return heights

    @property
    def max_height(self):
        """The height of the tallest module call, -1 when there is none."""
        return max(self.heights.values(), default=-1)
