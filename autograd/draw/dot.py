"""The Graphviz side (imported only when a graph is drawn): the Digraph, its clusters and legend."""
import html
import shutil

import graphviz

from .style import NODE_DEFAULTS

INSTALL_HINT = (
    "Graphviz's {engine!r} program is not on PATH, so the graph cannot be rendered (its DOT text is in "
    "`.source`, and `.save(path)` writes it). Install Graphviz: `sudo apt-get install graphviz` "
    "(Debian/Ubuntu), `brew install graphviz` (macOS) or `conda install -c conda-forge graphviz`, "
    "then check that `{engine}` runs in a new shell."
)
GRAPH_ATTRS = {"fontname": "Helvetica", "fontsize": "11", "nodesep": "0.2", "ranksep": "0.3", "newrank": "true"}
NODE_ATTRS = {"fontname": "Helvetica", "fontsize": "11", "margin": "0.08,0.04", "height": "0.3", **NODE_DEFAULTS}
EDGE_ATTRS = {"color": "#607d8b", "arrowsize": "0.6", "fontname": "Helvetica", "fontsize": "9",
              "fontcolor": "#455a64"}


class DotNotFoundError(graphviz.ExecutableNotFound):
    """Graphviz's `dot` is missing: the message says how to install it."""

    def __init__(self, engine):
        RuntimeError.__init__(self, INSTALL_HINT.format(engine=engine))


class ComputationGraph(graphviz.Digraph):
    """A `graphviz.Digraph` that checks for the Graphviz program before rendering."""

    def pipe(self, *args, **kwargs):
        """As `graphviz.Digraph.pipe`, raising DotNotFoundError early when Graphviz is missing."""
        self._require_engine(kwargs.get("engine"))
        return super().pipe(*args, **kwargs)

    def render(self, *args, **kwargs):
        """As `graphviz.Digraph.render`, raising DotNotFoundError early when Graphviz is missing."""
        self._require_engine(kwargs.get("engine"))
        return super().render(*args, **kwargs)

    def _require_engine(self, engine):
        engine = engine or self.engine
        if shutil.which(engine) is None:
            raise DotNotFoundError(engine)


def build_digraph(plan, painter, rankdir, legend):
    """A ComputationGraph of the plan: nodes in nested clusters per module call, then the edges."""
    digraph = ComputationGraph(name="computation_graph", graph_attr={**GRAPH_ATTRS, "rankdir": rankdir},
                               node_attr=NODE_ATTRS, edge_attr=EDGE_ATTRS)
    clusters = _clusters(plan, painter)
    for key, unit in plan.units.items():
        home = clusters[unit.placement[-1].call_id][0] if unit.placement else digraph
        home.node(key, **painter.node_attrs(unit, plan, key))
    _nest(digraph, clusters)
    if legend:
        _add_legend(digraph, painter.legend(plan))
    for tail, head, label in plan.edges:  # after the clusters: a node belongs where DOT first meets it
        digraph.edge(tail, head, label=label)
    return digraph


def _clusters(plan, painter):
    """call_id -> (cluster Digraph, parent call_id or None, depth) for every call a visible unit sits in."""
    clusters = {}
    for unit in plan.units.values():
        for depth, frame in enumerate(unit.placement):
            if frame.call_id not in clusters:
                cluster = graphviz.Digraph(name=f"cluster_{frame.call_id}",
                                           graph_attr=painter.cluster_attrs(frame, depth))
                parent = unit.placement[depth - 1].call_id if depth else None
                clusters[frame.call_id] = (cluster, parent, depth)
    return clusters


def _nest(digraph, clusters):
    """Put each cluster into its parent, the deepest first (iterative, no recursion)."""
    for cluster, parent, _ in sorted(clusters.values(), key=lambda entry: -entry[2]):
        (digraph if parent is None else clusters[parent][0]).subgraph(cluster)


def _add_legend(digraph, swatches):
    """One table-shaped node: a coloured row per swatch, in order."""
    rows = "".join(
        f'<tr><td bgcolor="{swatch.fill}" color="{swatch.stroke}"><font color="{swatch.fontcolor}">'
        f'{html.escape(swatch.text)}</font></td></tr>' for swatch in swatches)
    table = f'<<table border="0" cellborder="1" cellspacing="3" cellpadding="3"><tr><td border="0"><b>legend</b></td></tr>{rows}</table>>'
    digraph.node("legend", label=table, shape="plaintext", style="", fontsize="9")
