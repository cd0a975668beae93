"""`draw_graph`: the forward computation graph as a graphviz.Digraph."""
from ..tensor import Tensor
from .plan import fit_plan
from .style import Painter
from .walk import TensorGraph

DEFAULT_MAX_NODES = 1500
SMALL_GRAPH_NODES = 24  # up to this many nodes the graph is laid out left to right


def draw_graph(*roots, show_data=False, show_grad=False, collapse_modules=False, grad_heat=False,
               max_nodes=DEFAULT_MAX_NODES, rankdir=None, legend=True):
    """Draw the graph that computed `roots`: tensors, ops, roles by colour, and module calls as clusters.

    - show_data / show_grad: each tensor's value (or min/mean/max) and its `.grad`.
    - collapse_modules: True draws each innermost module call (a Linear, a BatchNorm1d) as one box;
      a list of type names collapses the calls of those types; False draws every op.
    - grad_heat: fill tensors by mean |grad| on a log scale (pale: vanishing, dark red: largest).
    - max_nodes: above it, module calls are collapsed (with a warning) until the graph fits, else
      GraphTooLargeError is raised; None draws any size.
    - rankdir: Graphviz's direction, "LR" for small graphs and "TB" for large ones unless given.

    Returns a `graphviz.Digraph`: it shows inline in Jupyter, `.render(path, format="svg")` writes a
    file, and `.source` is the DOT text (available without Graphviz installed).
    """
    if not roots:
        raise TypeError("draw_graph: pass at least one tensor to draw the graph behind")
    for position, root in enumerate(roots):
        if not isinstance(root, Tensor):
            raise TypeError(f"draw_graph: roots[{position}] must be a Tensor, got {type(root).__name__}")
    graph = TensorGraph(roots)
    plan = fit_plan(graph, collapse_modules, max_nodes)
    painter = Painter(graph, show_data, show_grad, grad_heat)
    rankdir = rankdir or ("LR" if len(plan.units) <= SMALL_GRAPH_NODES else "TB")
    from .dot import build_digraph  # graphviz is imported only now

    return build_digraph(plan, painter, rankdir, legend)
