"""Rendering with the real Graphviz `dot`, and the clear error when it is missing from PATH."""
import os
import shutil
import xml.etree.ElementTree as ElementTree

import graphviz
import pytest

import autograd as ag
from autograd.draw import write_example_graph
from autograd.draw.dot import DotNotFoundError
from autograd.draw.example import example_loss

SVG_TEXT = "{http://www.w3.org/2000/svg}text"


@pytest.fixture
def no_dot(tmp_path, monkeypatch):
    """PATH holds only an empty directory, so Graphviz's programs cannot be found."""
    empty = tmp_path / "empty_path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert shutil.which("dot") is None


def svg_texts(svg):
    """Every text element of an SVG document (which must parse as XML)."""
    root = ElementTree.fromstring(svg)
    return [element.text for element in root.iter(SVG_TEXT) if element.text]


def test_dot_is_installed_for_these_tests():
    assert shutil.which("dot") is not None, "install Graphviz (make test does it) to render graphs"


def test_render_svg_of_a_batchnorm_mlp_with_the_real_dot(tmp_path):
    loss = example_loss()
    loss.backward()
    graph = ag.draw_graph(loss, show_data=True, show_grad=True, grad_heat=True)
    path = graph.render(tmp_path / "mlp", format="svg", cleanup=True)
    assert path.endswith("mlp.svg") and not os.path.exists(tmp_path / "mlp")
    texts = svg_texts(open(path, encoding="utf-8").read())
    for expected in ["matmul", "mean", "sub", "pow", "sqrt", "div", "mul", "relu", "net.1: BatchNorm1d",
                     "net.0.weight", "loss", "legend", "parameter"]:
        assert expected in texts, expected


def test_pipe_collapsed_graph_to_svg():
    svg = ag.draw_graph(example_loss(), collapse_modules=True).pipe(format="svg", encoding="utf-8")
    texts = svg_texts(svg)
    assert {"net.1: BatchNorm1d", "net.0: Linear", "(16, 8)", "net: Sequential"} <= set(texts)
    assert "sqrt" not in texts


def test_jupyter_display_renders_svg():
    x = ag.tensor([1.0, 2.0], requires_grad=True, name="x")
    bundle = ag.draw_graph((x * x).sum())._repr_mimebundle_()
    assert "mul" in svg_texts(bundle["image/svg+xml"])


def test_without_dot_drawing_works_and_rendering_says_how_to_install(no_dot, tmp_path):
    x = ag.tensor([1.0, 2.0], requires_grad=True, name="x")
    graph = ag.draw_graph((x * x).sum())
    assert "mul" in graph.source
    for render in (lambda: graph.render(tmp_path / "g", format="svg"), lambda: graph.pipe(format="svg"),
                   graph._repr_mimebundle_):
        with pytest.raises(DotNotFoundError, match=r"apt-get install graphviz.*brew install graphviz.*conda"):
            render()
    with pytest.raises(graphviz.ExecutableNotFound):  # what code written for graphviz catches
        graph.pipe(format="png")
    assert not os.path.exists(tmp_path / "g")  # checked before anything is written


def test_write_example_graph_writes_an_svg(tmp_path):
    path = write_example_graph(tmp_path / "out")
    assert path.endswith(".svg")
    assert "net.1: BatchNorm1d" in svg_texts(open(path, encoding="utf-8").read())


def test_write_example_graph_without_dot_writes_the_dot_source(no_dot, tmp_path):
    path = write_example_graph(tmp_path / "out")
    assert path.endswith(".gv")
    source = open(path, encoding="utf-8").read()
    assert source.startswith("digraph") and "net.1: BatchNorm1d" in source
