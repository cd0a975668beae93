"""draw_graph: the DOT source of known graphs (nodes, edges, labels, clusters, roles, collapse, guard)."""
import re
import subprocess
import sys
import time
import warnings

import numpy as np
import pytest

import autograd as ag
from autograd.draw import GraphTooLargeError
from autograd.draw.example import example_loss
from autograd.draw.style import HEAT_COLOURS, MODULE_SWATCH, OP_SWATCH, ROLE_SWATCHES
from test_function import Cube

NODE_LINE = re.compile(r"^\s*(\w+) \[(.*)\]$")
EDGE_LINE = re.compile(r"^\s*(\w+) -> (\w+)(?: \[(.*)\])?$")
SUBGRAPH_LINE = re.compile(r"^\s*subgraph (\w+) \{$")
DEFAULT_STATEMENTS = {"graph", "node", "edge"}


class Dot:
    """The parts of a DOT text the tests look at: nodes with their clusters, edges, cluster labels."""

    def __init__(self, source):
        self.nodes, self.edges, self.clusters = {}, [], {}
        stack = []
        for line in source.splitlines():
            if match := SUBGRAPH_LINE.match(line):
                self.clusters[match[1]] = {"parent": stack[-1] if stack else None, "label": None}
                stack.append(match[1])
            elif line.strip() == "}":
                stack = stack[:-1]
            elif match := EDGE_LINE.match(line):
                self.edges.append((match[1], match[2], match[3] or ""))
            elif (match := NODE_LINE.match(line)) and match[1] not in DEFAULT_STATEMENTS:
                self.nodes[match[1]] = {"attrs": match[2], "clusters": tuple(stack)}
            elif match and match[1] == "graph" and stack:
                self.clusters[stack[-1]]["label"] = re.search(r'label="([^"]*)"', match[2])[1]

    def graph_nodes(self):
        """Node names without the legend."""
        return [name for name in self.nodes if name != "legend"]

    def text(self, name):
        """The node's label with HTML tags turned into spaces."""
        label = re.search(r"label=<(.*)>", self.nodes[name]["attrs"])[1]
        return " ".join(re.sub(r"<[^>]*>", " ", label).split())

    def named(self, text):
        """The one node whose label starts with the words `text`."""
        found = [name for name in self.graph_nodes() if (self.text(name) + " ").startswith(text + " ")]
        assert len(found) == 1, (text, found)
        return found[0]

    def ops(self):
        """Op names of the op nodes, in DOT order."""
        return [self.text(name).split()[0] for name in self.graph_nodes() if name.startswith("op")]

    def fill(self, name):
        """A node's fill colour (the default one when it lists none)."""
        match = re.search(r'fillcolor="([^"]*)"', self.nodes[name]["attrs"])
        return match[1] if match else ROLE_SWATCHES["intermediate"].fill

    def cluster_path(self, name):
        """Labels of the clusters around a node, outermost first."""
        return [self.clusters[cluster]["label"] for cluster in self.nodes[name]["clusters"]]


def dot_of(*roots, **options):
    return Dot(ag.draw_graph(*roots, **options).source)


def batch_norm(x, weight, bias, eps=1e-5):
    centred = x - x.mean(axis=0, keepdims=True)
    return centred / ((centred ** 2).mean(axis=0, keepdims=True) + eps).sqrt() * weight + bias


def parameter(name, data):
    tensor = ag.tensor(data, requires_grad=True, name=name)
    tensor.role = "parameter"
    return tensor


def scoped_bn_net(rng):
    """net: Sequential > (net.fc: Linear, net.bn1: BatchNorm1d), the ops written out."""
    x = ag.tensor(rng.normal(size=(6, 3)), name="x")
    weight = parameter("net.fc.weight", rng.normal(size=(3, 4)))
    gamma, beta = parameter("net.bn1.weight", np.ones(4)), parameter("net.bn1.bias", np.zeros(4))
    with ag.scope("net", "Sequential"):
        with ag.scope("net.fc", "Linear"):
            hidden = x @ weight
        with ag.scope("net.bn1", "BatchNorm1d"):
            out = batch_norm(hidden, gamma, beta)
    return out.sum()


# -- nodes, edges and labels -------------------------------------------------------

def test_a_plus_a_draws_two_edges_from_a():
    a = ag.tensor([1.0, 2.0], requires_grad=True, name="a")
    dot = dot_of(a + a)
    assert sorted(dot.graph_nodes()) == ["op1", "t0", "t1"]
    assert [(tail, head) for tail, head, _ in dot.edges] == [("t0", "op1"), ("t0", "op1"), ("op1", "t1")]


def test_expression_nodes_edges_and_labels():
    a = ag.tensor(2.0, requires_grad=True, name="a")
    b = ag.tensor(-3.0, requires_grad=True, name="b")
    c = a * b + a
    c.name = "c"
    dot = dot_of(c)
    assert len(dot.graph_nodes()) == 4 + 2  # a, b, a*b, c; mul, add
    assert len(dot.edges) == 2 + 1 + 2 + 1
    assert sorted(dot.ops()) == ["add", "mul"]
    assert dot.text(dot.named("a")) == "a scalar float64"
    assert dot.text(dot.named("c")) == "c scalar float64"


def test_show_data_and_show_grad_give_values_and_summaries():
    x = ag.tensor([1.0, 2.0, 6.0], requires_grad=True, name="x")
    y = (x * 3.0).sum()
    y.name = "y"
    y.backward()
    dot = dot_of(y, show_data=True, show_grad=True)
    assert dot.text(dot.named("x")) == "x (3,) float64 data min 1 · mean 3 · max 6 grad min 3 · mean 3 · max 3"
    assert dot.text(dot.named("y")) == "y scalar float64 data 27"
    assert "grad" not in dot.text(dot.named("(3,) float64"))  # an intermediate keeps no .grad
    plain = dot_of(y)
    assert dot.text(dot.named("x")) != plain.text(plain.named("x")) == "x (3,) float64"


def test_a_leaf_that_requires_grad_but_has_none_says_so():
    w = ag.tensor([1.0, 2.0], requires_grad=True, name="w")
    dot = dot_of(w.sum(), show_grad=True)
    assert dot.text(dot.named("w")) == "w (2,) float64 grad None"


def test_op_labels_show_the_interesting_parameters(rng):
    x = ag.tensor(rng.normal(size=(4, 3)), requires_grad=True)
    out = x.mean(axis=0, keepdims=True).reshape(3, 1).sum() + x[:, 0].var(ddof=1) + x[x > 0].max()
    dot = dot_of(out)
    texts = {dot.text(name) for name in dot.graph_nodes() if name.startswith("op")}
    assert {"mean axis=0, keepdims=True", "reshape shape=(3, 1)", "getitem index=[:, 0]", "var ddof=1",
            "getitem index=[mask(4, 3)]", "max", "sum"} <= texts


def test_custom_function_is_drawn_by_its_class_name_without_its_context():
    dot = dot_of(Cube.apply(ag.tensor([1.0], requires_grad=True)))
    assert dot.ops() == ["Cube"]
    assert dot.text("op1") == "Cube"


def test_every_root_is_an_output_and_shared_tensors_are_drawn_once():
    x = ag.tensor([1.0, -1.0], requires_grad=True, name="x")
    hidden = x.tanh()
    first, second = hidden.sum(), (hidden * hidden).sum()
    dot = dot_of(first, second)
    assert dot.ops().count("tanh") == 1
    outputs = [name for name in dot.graph_nodes() if dot.fill(name) == ROLE_SWATCHES["output"].fill]
    assert len(outputs) == 2


# -- roles and the legend -------------------------------------------------------

def test_roles_are_coloured_and_listed_in_the_legend():
    x = ag.tensor([1.0, 2.0], name="x")
    weight = parameter("weight", [0.5, 0.5])
    running = ag.tensor([0.1, 0.1], name="running_mean")
    running.role = "buffer"
    out = (x * weight - running) ** 2
    dot = dot_of(out.sum())
    expected = {"x": "input", "weight": "parameter", "running_mean": "buffer", "2": "constant"}
    for text, role in expected.items():
        assert dot.fill(dot.named(text)) == ROLE_SWATCHES[role].fill, text
    assert dot.fill(dot.named("scalar float64")) == ROLE_SWATCHES["output"].fill
    assert {dot.fill(name) for name in dot.graph_nodes() if name.startswith("op")} == {OP_SWATCH.fill}
    legend = dot.nodes["legend"]["attrs"]
    order = [legend.index(text) for text in
             ("input", "parameter", "buffer / constant", "intermediate", "output", ">op<")]
    assert order == sorted(order)
    assert "module call" not in legend


def test_intermediates_take_the_default_fill():
    x = ag.tensor([1.0, 2.0], requires_grad=True, name="x")
    dot = dot_of(x.exp().sum())
    assert dot.fill(dot.named("(2,) float64")) == ROLE_SWATCHES["intermediate"].fill
    assert "fillcolor" not in dot.nodes[dot.named("(2,) float64")]["attrs"]


def test_legend_can_be_left_out():
    x = ag.tensor([1.0], requires_grad=True)
    assert "legend" not in dot_of(x * 2, legend=False).nodes


# -- module calls as clusters ------------------------------------------------------

def test_module_calls_are_nested_clusters_and_bn_shows_its_primitive_ops(rng):
    dot = dot_of(scoped_bn_net(rng))
    labels = {cluster["label"]: cluster for cluster in dot.clusters.values()}
    assert set(labels) == {"net: Sequential", "net.fc: Linear", "net.bn1: BatchNorm1d"}
    parent_label = {label: dot.clusters[c["parent"]]["label"] if c["parent"] else None for label, c in labels.items()}
    assert parent_label == {"net: Sequential": None, "net.fc: Linear": "net: Sequential",
                            "net.bn1: BatchNorm1d": "net: Sequential"}
    bn_ops = [dot.text(name).split()[0] for name in dot.graph_nodes()
              if name.startswith("op") and dot.cluster_path(name)[-1:] == ["net.bn1: BatchNorm1d"]]
    assert bn_ops == ["mean", "sub", "pow", "mean", "add", "sqrt", "div", "mul", "add"]
    assert dot.cluster_path(dot.named("net.bn1.weight")) == ["net: Sequential", "net.bn1: BatchNorm1d"]
    assert dot.cluster_path(dot.named("1e-05")) == ["net: Sequential", "net.bn1: BatchNorm1d"]
    assert dot.cluster_path(dot.named("x")) == []
    assert dot.cluster_path(dot.named("sum")) == []


def test_each_call_of_a_module_is_its_own_cluster_and_a_shared_weight_sits_outside(rng):
    weight = parameter("layer.weight", rng.normal(size=(2, 2)))
    x = ag.tensor(rng.normal(size=(1, 2)), name="x")
    for _ in range(2):
        with ag.scope("layer", "Linear"):
            x = x @ weight
    dot = dot_of(x)
    assert [cluster["label"] for cluster in dot.clusters.values()] == ["layer: Linear", "layer: Linear"]
    assert dot.cluster_path(dot.named("layer.weight")) == []
    assert [dot.cluster_path(name) for name in dot.graph_nodes() if name.startswith("op")] == [["layer: Linear"]] * 2


def test_a_constant_is_drawn_beside_each_op_that_uses_it(rng):
    x = ag.tensor(rng.normal(size=2), requires_grad=True, name="x")
    squares = []
    for path in ("first", "second"):
        with ag.scope(path, "Square"):
            squares.append(x ** 2)
    assert squares[0].parents[1] is squares[1].parents[1]  # one constant Tensor serves both ops
    dot = dot_of(squares[0] + squares[1])
    twos = [name for name in dot.graph_nodes() if dot.text(name) == "2"]
    assert sorted(dot.cluster_path(name) for name in twos) == [["first: Square"], ["second: Square"]]
    heads = [head for tail, head, _ in dot.edges if tail in twos]
    assert len(set(heads)) == 2 and all(dot.text(head).split()[0] == "pow" for head in heads)
    assert dot.fill(twos[0]) == ROLE_SWATCHES["constant"].fill


def test_a_users_zero_d_tensor_is_one_input_however_many_ops_use_it(rng):
    x = ag.tensor(rng.normal(size=2), requires_grad=True, name="x")
    temperature = ag.tensor(2.0)
    dot = dot_of((x / temperature).sum() + (x * temperature).sum())
    fills = [dot.fill(name) for name in dot.graph_nodes()]
    assert fills.count(ROLE_SWATCHES["input"].fill) == 2  # x and temperature, each drawn once
    assert ROLE_SWATCHES["constant"].fill not in fills


def test_nn_modules_are_drawn_as_clusters():
    import nn

    net = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    net.name = "net"
    dot = dot_of(net(ag.randn(5, 3, rng=np.random.default_rng(0))).sum())
    labels = {cluster["label"] for cluster in dot.clusters.values()}
    assert {"net: Sequential", "net.0: Linear", "net.1: BatchNorm1d"} <= labels
    assert dot.fill(dot.named("net.0.weight")) == ROLE_SWATCHES["parameter"].fill
    assert dot.cluster_path(dot.named("net.0.weight")) == ["net: Sequential", "net.0: Linear"]


# -- collapsed module calls ----------------------------------------------------------

def test_collapse_modules_true_boxes_the_innermost_calls(rng):
    dot = dot_of(scoped_bn_net(rng), collapse_modules=True)
    boxes = [name for name in dot.graph_nodes() if name.startswith("module")]
    assert [dot.text(name) for name in boxes] == ["net.fc: Linear 1 op · 12 parameters",
                                                   "net.bn1: BatchNorm1d 9 ops · 8 parameters"]
    assert all(dot.fill(name) == MODULE_SWATCH.fill for name in boxes)
    assert [cluster["label"] for cluster in dot.clusters.values()] == ["net: Sequential"]
    assert dot.ops() == ["sum"]
    assert len(dot.graph_nodes()) == 2 + 3  # the boxes; x, the sum op and its output
    edges = {(tail, head): label for tail, head, label in dot.edges}
    assert edges[(boxes[0], boxes[1])] == 'label="(6, 4)"'
    assert (dot.named("x"), boxes[0]) in edges
    assert "module call (collapsed)" in dot.nodes["legend"]["attrs"]


def test_collapse_by_type_name_keeps_other_calls_expanded(rng):
    dot = dot_of(scoped_bn_net(rng), collapse_modules=["BatchNorm1d"])
    assert [dot.text(name).split(":")[0] for name in dot.graph_nodes() if name.startswith("module")] == ["net.bn1"]
    assert sorted(dot.ops()) == ["matmul", "sum"]
    assert {c["label"] for c in dot.clusters.values()} == {"net: Sequential", "net.fc: Linear"}
    assert dot_of(scoped_bn_net(rng), collapse_modules="Sequential").ops() == ["sum"]


def test_a_root_inside_a_collapsed_call_stays_visible():
    x = ag.tensor([1.0, 2.0], requires_grad=True, name="x")
    with ag.scope("loss", "MSELoss"):
        loss = (x ** 2).mean()
    loss.name = "loss"
    dot = dot_of(loss, collapse_modules=True)
    box, root = dot.named("loss: MSELoss"), dot.named("loss scalar")
    assert dot.cluster_path(root) == []
    assert [(tail, head) for tail, head, _ in dot.edges] == [(dot.named("x"), box), (box, root)]


# -- gradient heat -------------------------------------------------------------------

def test_grad_heat_colours_by_gradient_magnitude():
    small = ag.tensor([1.0], requires_grad=True, name="small")
    large = ag.tensor([1.0], requires_grad=True, name="large")
    middle = ag.tensor([1.0], requires_grad=True, name="middle")
    (small * 1e-6 + large * 1e2 + middle * 1e-2).sum().backward()
    dot = dot_of(small, large, middle, grad_heat=True, show_grad=True)
    assert dot.fill(dot.named("small")) == HEAT_COLOURS[0]
    assert dot.fill(dot.named("large")) == HEAT_COLOURS[-1]
    assert HEAT_COLOURS.index(dot.fill(dot.named("middle"))) == 4  # 1e-2 is 4/8 of the way on the log scale
    assert "|grad| 1e-06" in dot.nodes["legend"]["attrs"] and "|grad| 100" in dot.nodes["legend"]["attrs"]
    unheated = dot_of(small)
    assert unheated.fill(unheated.named("small")) == ROLE_SWATCHES["output"].fill


# -- size: iterative walk and the max_nodes guard --------------------------------------

def tanh_chain(length, block=None):
    """x -> tanh -> ... -> tanh; with `block`, every `block` ops run in a module call of their own."""
    y = ag.tensor(0.5, requires_grad=True, name="x")
    for step in range(length):
        if block is None:
            y = y.tanh()
            continue
        if step % block == 0:
            frame = ag.scope(f"blocks.{step // block}", "Block")
        with frame:
            y = y.tanh()
    return y


def test_a_20000_node_chain_is_drawn_quickly_without_recursion():
    chain = tanh_chain(10_000)
    start = time.perf_counter()
    dot = dot_of(chain, max_nodes=None)
    assert time.perf_counter() - start < 8
    assert len(dot.graph_nodes()) == 20_001
    assert len(dot.edges) == 20_000


def test_the_guard_stops_an_oversized_graph_with_a_clear_message():
    chain = tanh_chain(10_000)
    start = time.perf_counter()
    with pytest.raises(GraphTooLargeError, match=r"20001 nodes .*max_nodes=1500.*max_nodes=None"):
        ag.draw_graph(chain)
    assert time.perf_counter() - start < 3


def test_the_guard_collapses_module_calls_to_fit():
    chain = tanh_chain(10_000, block=20)
    with pytest.warns(UserWarning, match="innermost module calls are drawn as boxes"):
        dot = dot_of(chain)
    boxes = [name for name in dot.graph_nodes() if name.startswith("module")]
    assert len(boxes) == 500
    assert len(dot.graph_nodes()) == 500 + 2  # x and the output
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # collapsing by request fits: no warning
        assert len(dot_of(chain, collapse_modules=True).graph_nodes()) == 502


def test_the_guard_collapses_outer_calls_when_inner_ones_are_not_enough():
    y = ag.tensor(0.5, requires_grad=True)
    for outer in range(3):
        with ag.scope(f"stage{outer}", "Stage"):
            for inner in range(4):
                with ag.scope(f"stage{outer}.{inner}", "Block"):
                    y = y.tanh().tanh()
    with pytest.warns(UserWarning, match="1 level above the innermost"):
        dot = dot_of(y, max_nodes=10)
    assert [dot.text(name).split()[0] for name in dot.graph_nodes() if name.startswith("module")] == [
        "stage0:", "stage1:", "stage2:"]
    with pytest.raises(GraphTooLargeError, match="5 with every module call collapsed"):
        ag.draw_graph(y, max_nodes=4)


# -- layout, errors, imports ----------------------------------------------------------------

def test_small_graphs_go_left_to_right_and_large_ones_top_to_bottom():
    x = ag.tensor([1.0], requires_grad=True)
    assert "rankdir=LR" in ag.draw_graph(x * 2).source
    assert "rankdir=TB" in ag.draw_graph(tanh_chain(100)).source
    assert "rankdir=BT" in ag.draw_graph(x * 2, rankdir="BT").source


def test_a_lone_leaf_is_an_output_node():
    dot = dot_of(ag.tensor([1.0, 2.0], name="w"))
    assert dot.graph_nodes() == ["t0"] and dot.edges == []


def test_roots_must_be_tensors():
    with pytest.raises(TypeError, match="at least one tensor"):
        ag.draw_graph()
    with pytest.raises(TypeError, match=r"roots\[1\] must be a Tensor, got ndarray"):
        ag.draw_graph(ag.tensor(1.0), np.ones(2))


def test_autograd_imports_graphviz_only_when_drawing():
    code = ("import sys, autograd; assert 'graphviz' not in sys.modules; "
            "autograd.draw_graph(autograd.tensor(1.0)); assert 'graphviz' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_example_is_an_mlp_with_batchnorm_in_module_scopes():
    dot = dot_of(example_loss())
    labels = [cluster["label"] for cluster in dot.clusters.values()]
    assert labels == ["net: Sequential", "net.0: Linear", "net.1: BatchNorm1d", "net.2: ReLU", "net.3: Linear",
                      "loss: MSELoss"]
    assert {"matmul", "mean", "sub", "pow", "sqrt", "div", "relu"} <= set(dot.ops())
