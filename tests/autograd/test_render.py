"""Rendering `draw_graph`'s drawings with no system Graphviz (graphviz-pure, from the `render`
extra), with `dot` where it is on the PATH, and the errors when nothing can render."""
import pathlib
import re
import struct
import sys
import xml.etree.ElementTree as ElementTree

import pytest

import autograd as ag
from autograd import render

SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def no_system_dot(monkeypatch, tmp_path):
    """A PATH with no `dot` (nor anything else) on it."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))


@pytest.fixture
def no_renderer(no_system_dot, monkeypatch):
    monkeypatch.setattr(render, "_graphviz_pure", lambda: None)


def small_graph():
    """w * 3 summed: nodes leaf0 (w), const0 (3.0), op0 (Mul), op1 (Sum), output."""
    w = ag.ones(3, requires_grad=True)
    return ag.draw_graph((w * 3).sum(), params={"w": w})


EXPECTED_NODES = {"leaf0": ["w", "(3,) float32", "mean 1, std 0"], "const0": ["3.0"], "op0": ["Mul", "(3,) float32"],
                  "op1": ["Sum", "() float32"], "output": ["output", "() float32"]}
EXPECTED_EDGES = {"leaf0->op0", "const0->op0", "op0->op1", "op1->output"}


def drawn(svg):
    """({node name: its text lines}, {edge titles}) of Graphviz SVG, parsed as XML."""
    root = ElementTree.fromstring(svg)
    groups = {kind: root.iterfind(f".//{SVG}g[@class='{kind}']") for kind in ("node", "edge")}
    nodes = {group.find(f"{SVG}title").text: [text.text for text in group.iter(f"{SVG}text")]
             for group in groups["node"]}
    edges = {group.find(f"{SVG}title").text for group in groups["edge"]}
    return nodes, edges


def points(svg):
    """The SVG's (width, height) in points."""
    root = ElementTree.fromstring(svg)
    return tuple(float(root.get(side).removesuffix("pt")) for side in ("width", "height"))


def png_size(data):
    assert data[:8] == PNG_SIGNATURE
    return struct.unpack(">II", data[16:24])


def test_without_system_dot_graphviz_pure_renders(no_system_dot):
    assert pathlib.Path(render.renderer()).name.startswith("graphviz-pure")
    nodes, edges = drawn(small_graph().pipe(encoding="utf-8"))
    assert nodes == EXPECTED_NODES and edges == EXPECTED_EDGES


def test_jupyter_shows_svg_and_png(no_system_dot):
    graph = small_graph()
    bundle = graph._repr_mimebundle_()
    assert list(bundle) == ["image/svg+xml"] and drawn(bundle["image/svg+xml"]) == (EXPECTED_NODES, EXPECTED_EDGES)
    png = graph._repr_mimebundle_(include=["image/png"])["image/png"]
    width, height = points(bundle["image/svg+xml"])
    # Graphviz draws PNG at 96 dots per inch, SVG in points (72 an inch): the same picture, scaled.
    assert png_size(png) == (round(width * 96 / 72), round(height * 96 / 72))


@pytest.mark.parametrize("format", ["svg", "png"])
def test_render_to_a_file_saves_the_source_beside_it(no_system_dot, tmp_path, format):
    graph = small_graph()
    path = graph.render(outfile=tmp_path / "out" / f"graph.{format}")
    assert path == str(tmp_path / "out" / f"graph.{format}")
    assert (tmp_path / "out" / "graph.gv").read_text() == graph.source
    data = pathlib.Path(path).read_bytes()
    if format == "svg":
        assert drawn(data) == (EXPECTED_NODES, EXPECTED_EDGES)
    else:
        assert png_size(data) == png_size(graph.pipe("png"))


def test_render_by_source_name_and_cleanup(no_system_dot, tmp_path):
    graph = small_graph()
    path = graph.render(tmp_path / "drawing", format="png", cleanup=True)
    assert path == str(tmp_path / "drawing.png")
    assert png_size(pathlib.Path(path).read_bytes()) == png_size(graph.pipe("png"))
    assert not (tmp_path / "drawing").exists()
    assert graph.render(tmp_path / "again") == str(tmp_path / "again.svg")  # svg by default


def test_the_compilers_plan_drawing_renders(no_system_dot):
    step = ag.compile(lambda x: (x * 2).exp().sum())
    step(ag.ones(3))
    step(ag.ones(3))
    plan = step.draw()
    declared = set(re.findall(r"^\s*(\w+) \[label=", plan.source, re.M))
    nodes, _ = drawn(plan.pipe(encoding="utf-8"))
    assert set(nodes) == declared and {"input0", "output0"} <= declared


def test_dot_is_used_where_it_is_on_the_path(monkeypatch, tmp_path):
    """A `dot` on the PATH (here a stand-in that logs its arguments, then runs graphviz-pure) wins."""
    log = tmp_path / "calls"
    dot = tmp_path / "bin" / "dot"
    dot.parent.mkdir()
    dot.write_text(f"#!{sys.executable}\nimport subprocess, sys\n"
                   f"open({str(log)!r}, 'a').write(' '.join(sys.argv[1:]) + '\\n')\n"
                   f"sys.exit(subprocess.run([{render._graphviz_pure()!r}, *sys.argv[1:]]).returncode)\n")
    dot.chmod(0o755)
    monkeypatch.setenv("PATH", str(dot.parent))
    assert render.renderer() == str(dot)
    nodes, _ = drawn(small_graph().pipe(encoding="utf-8"))
    assert nodes == EXPECTED_NODES and log.read_text() == "-Kdot -Tsvg\n"


def test_with_no_renderer_the_source_is_still_there_and_errors_say_what_to_install(no_renderer, tmp_path):
    assert render.renderer() is None
    with pytest.warns(render.RendererMissing, match=r"pip install graphviz-pure"):
        graph = small_graph()
    assert graph._repr_mimebundle_() == {"text/plain": graph.source}
    for draw in (lambda: graph.pipe("png"), lambda: graph.render(outfile=tmp_path / "graph.svg")):
        with pytest.raises(render.RenderError, match=r"no Graphviz renderer is installed; .*graphviz-pure.*apt-get"):
            draw()
    assert not (tmp_path / "graph.gv").exists()


def test_the_renderers_refusals_name_the_program_and_format(no_system_dot):
    with pytest.raises(render.RenderError, match=r"graphviz-pure could not render the graph to 'bmpx': .*bmpx"):
        small_graph().pipe("bmpx")
    with pytest.raises(render.RenderError, match=r"to 'svg': .*syntax error"):
        render.pipe("digraph { a -> ")
