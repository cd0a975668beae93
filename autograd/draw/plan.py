"""What gets drawn: the visible nodes and edges once module calls are collapsed, and the size guard."""
import warnings
from collections import defaultdict, namedtuple

# kind: "tensor" | "op" | "module"; subject: a tensor's index in the TensorGraph, or a `scope` for a module
Unit = namedtuple("Unit", "kind subject placement")


class GraphTooLargeError(ValueError):
    """The graph has more nodes than `max_nodes`, even with every module call collapsed."""


def collapse_policy(collapse_modules, heights):
    """A predicate on a `scope`: is this module call drawn as one box?

    True collapses the innermost calls (a Linear, a BatchNorm1d: calls with no module call inside),
    so containers such as Sequential stay clusters around the boxes; a list of type names
    collapses the calls of those types; False collapses nothing.
    """
    if collapse_modules is True:
        return lambda frame: heights[frame.call_id] == 0
    if not collapse_modules:
        return lambda frame: False
    kinds = frozenset([collapse_modules] if isinstance(collapse_modules, str) else collapse_modules)
    return lambda frame: frame.kind in kinds


def outermost_collapsed(placement, is_collapsed):
    """The position of the outermost collapsed call in `placement`, or None."""
    for depth, frame in enumerate(placement):
        if is_collapsed(frame):
            return depth
    return None


class Plan:
    """The visible units by DOT name (in drawing order), the edges, and the units each collapsed call hides."""

    def __init__(self):
        self.units = {}
        self.edges = []  # (tail, head, label or None)
        self.hidden = defaultdict(list)  # box name -> the units it hides
        self._box_edges = set()

    def place(self, key, unit, is_collapsed, keep=False):
        """Add a unit; return the DOT name that stands for it (its own, or its collapsed call's box)."""
        cut = outermost_collapsed(unit.placement, is_collapsed)
        if cut is None:
            self.units[key] = unit
            return key
        if keep:
            self.units[key] = unit._replace(placement=unit.placement[:cut])
            return key
        frame = unit.placement[cut]
        box = f"module{frame.call_id}"
        self.units.setdefault(box, Unit("module", frame, unit.placement[:cut]))
        self.hidden[box].append(unit)
        return box

    def connect(self, tail, head, label=None):
        """Add an edge; edges inside one box vanish, and a box has one edge per neighbour."""
        if tail == head:
            return
        if self.units[tail].kind == "module" or self.units[head].kind == "module":
            if (tail, head) in self._box_edges:
                return
            self._box_edges.add((tail, head))
        self.edges.append((tail, head, label))


def make_plan(graph, is_collapsed):
    """The plan of `graph` (a TensorGraph) with the calls that `is_collapsed` picks drawn as boxes.

    Each tensor is a node; each op is a node between its inputs and its output, with one edge
    per input position (so `a + a` has two edges from `a`). A constant (the 2 in `x ** 2`) is a
    value, not a thing: it is drawn beside each op that uses it, one node per use, as it is
    written in a formula. Roots are never hidden in a box.
    """
    plan = Plan()
    drawn_as = {}
    for index, tensor in enumerate(graph.tensors):
        if graph.roles[index] == "constant":
            continue
        placement = graph.placements[index]
        drawn_as[index] = plan.place(f"t{index}", Unit("tensor", index, placement), is_collapsed,
                                     graph.is_root[index])
        if tensor.is_leaf:
            continue
        op_key = plan.place(f"op{index}", Unit("op", index, placement), is_collapsed)
        for position, parent in enumerate(tensor.parents):
            parent_index = graph.index_of(parent)
            if graph.roles[parent_index] == "constant":
                parent_key = plan.place(f"c{index}_{position}", Unit("tensor", parent_index, placement), is_collapsed)
            else:
                parent_key = drawn_as[parent_index]
            shape = str(parent.shape) if plan.units[parent_key].kind == "module" else None
            plan.connect(parent_key, op_key, shape)
        plan.connect(op_key, drawn_as[index])
    return plan


def fit_plan(graph, collapse_modules, max_nodes):
    """The plan for `collapse_modules`, or, above `max_nodes`, the most detailed plan that fits.

    Collapses module calls from the innermost outwards until the node count fits, with a warning;
    raises GraphTooLargeError when even collapsing every call is not enough.
    """
    chosen = collapse_policy(collapse_modules, graph.heights)
    plan = make_plan(graph, chosen)
    if max_nodes is None or len(plan.units) <= max_nodes:
        return plan
    requested = len(plan.units)
    for height in range(graph.max_height + 1):
        plan = make_plan(graph, lambda frame, height=height: chosen(frame) or graph.heights[frame.call_id] <= height)
        if len(plan.units) <= max_nodes:
            warnings.warn(
                f"draw_graph: the graph has {requested} nodes, more than max_nodes={max_nodes}, so "
                f"{_collapsed_calls(height)} are drawn as boxes ({len(plan.units)} nodes). "
                "Pass collapse_modules=... to choose, or a larger max_nodes to draw more.", stacklevel=3)
            return plan
    raise GraphTooLargeError(_too_large_message(requested, len(plan.units), graph, max_nodes))


def _collapsed_calls(height):
    if height == 0:
        return "the innermost module calls"
    return f"module calls up to {height} level{'s' if height > 1 else ''} above the innermost"


def _too_large_message(requested, smallest, graph, max_nodes):
    collapsed = (f"{smallest} with every module call collapsed" if graph.heights
                 else "and it ran in no module scope that could be collapsed")
    return (f"draw_graph: the graph has {requested} nodes ({collapsed}), more than max_nodes={max_nodes}, "
            "which Graphviz would take very long to lay out. Draw a part of it (pass an intermediate "
            "tensor as the root), or pass a larger max_nodes (or max_nodes=None) to draw it anyway.")
