"""Rendering DOT source to SVG, PNG or JPEG, and the `graphviz.Digraph` that `draw_graph` returns.

The program that renders is Graphviz's `dot` where it is on the PATH, else `graphviz-pure` (a
self-contained port of Graphviz's `dot` that the `render` extra installs beside the environment's
python). Both take the same command-line flags; DOT goes in on stdin, the picture
comes out on stdout.
"""
import functools
import importlib.metadata
import os
import pathlib
import shutil
import subprocess

INSTALL_HELP = (
    "install one with `pip install graphviz-pure` (what the `render` extra installs), or install Graphviz's "
    "`dot` (`sudo apt-get install graphviz`, `brew install graphviz`, `conda install graphviz`)"
)


class RendererMissing(UserWarning):
    """Warned by `draw_graph` when neither `dot` nor `graphviz-pure` is installed."""


class RenderError(RuntimeError):
    """Raised when DOT cannot be rendered: no renderer installed, or the renderer refused."""


@functools.cache
def _graphviz_pure():
    """Where the graphviz-pure package put its program (found from the package's file list, so
    that a Jupyter kernel whose PATH lacks the environment's bin folder finds it too), or None."""
    try:
        files = importlib.metadata.distribution("graphviz-pure").files or []
    except importlib.metadata.PackageNotFoundError:
        return shutil.which("graphviz-pure")
    for file in files:
        if file.name in ("graphviz-pure", "graphviz-pure.exe"):
            return str(file.locate().resolve())
    return shutil.which("graphviz-pure")


def renderer():
    """The path of the program that renders DOT (`dot` first, then `graphviz-pure`), or None.

    >>> pathlib.Path(renderer()).stem in ("dot", "graphviz-pure")
    True
    """
    return shutil.which("dot") or _graphviz_pure()


def pipe(source, format="svg", engine="dot"):
    """DOT text `source` rendered to `format` ("svg", "png", "jpeg", ...) by layout `engine`, as bytes.

    >>> pipe("digraph { a -> b }")[:5]
    b'<?xml'
    """
    program = renderer()
    if program is None:
        raise RenderError(f"cannot render the graph to {format}: no Graphviz renderer is installed; {INSTALL_HELP}")
    done = subprocess.run([program, f"-K{engine}", f"-T{format}"], input=source.encode("utf-8"), capture_output=True)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise RenderError(f"{program} could not render the graph to {format!r}: {message}")
    return done.stdout


@functools.cache
def graph_class():
    """`Graph`, made on first use so that `import autograd` does not import graphviz."""
    import graphviz

    class Graph(graphviz.Digraph):
        """A `graphviz.Digraph` rendered by `autograd.render.pipe` (`dot`, else graphviz-pure):
        `.pipe(format)`, `.render(outfile=...)` and Jupyter's inline SVG. Without a renderer
        Jupyter shows the DOT source instead of a traceback.

        >>> graph = graph_class()()
        >>> graph.edge("a", "b")
        >>> graph.pipe(encoding="utf-8").count("<g id=\"node")
        2
        """

        def __init__(self, *args, format="svg", **kwargs):
            super().__init__(*args, format=format, **kwargs)

        def pipe(self, format=None, *, engine=None, encoding=None):
            """The graph rendered to `format` (default `self.format`): bytes, or str given `encoding`."""
            data = pipe(self.source, format or self.format, engine or self.engine)
            return data if encoding is None else data.decode(encoding)

        def render(self, filename=None, *, directory=None, format=None, outfile=None, engine=None, cleanup=False):
            """Render to `outfile` (its suffix names the format; the DOT source is saved beside it as
            `<stem>.gv`), or else save the source (`save(filename, directory)`) and render it to
            `<source>.<format>`. Deletes the source if `cleanup`; returns the rendered file's path."""
            if outfile is not None:
                outfile = pathlib.Path(outfile)
                format = format or outfile.suffix.lstrip(".")
                if filename is None:
                    filename, directory = outfile.with_suffix(".gv").name, outfile.parent
            format = format or self.format
            data = self.pipe(format, engine=engine)
            source_path = self.save(filename, directory=directory)
            target = outfile if outfile is not None else pathlib.Path(f"{source_path}.{format}")
            target.write_bytes(data)
            if cleanup:
                os.remove(source_path)
            return os.fspath(target)

        def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
            if renderer() is None:
                return {"text/plain": self.source}
            return super()._repr_mimebundle_(include, exclude, **kwargs)

    return Graph
