"""Drawing the forward computation graph with Graphviz: tensors, ops, roles and module calls.

    >>> from autograd import draw_graph
    >>> draw_graph(loss, show_data=True, show_grad=True)   # a graphviz.Digraph; shows inline in Jupyter

`graphviz` is imported only when a graph is drawn.
"""
from .example import write_example_graph
from .graph import draw_graph
from .plan import GraphTooLargeError

__all__ = ["draw_graph", "write_example_graph", "GraphTooLargeError"]
