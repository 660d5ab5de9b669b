"""Drawing what the tape recorded: `draw_graph` returns a `graphviz.Digraph` (see render.py).

Nodes are named by their place in the record (op0, op1, ... oldest first; leaf0, ...; input0,
...), never by `id()`, so the same computation always gives the same DOT source. The walk over
the record is iterative, like the engine's.
"""
import math
import warnings

import numpy as np

from . import render
from . import scope as scopes
from .tensor import Tensor

RENDERER_HELP = ("No Graphviz renderer is installed, so the graph is built and its DOT source is available "
                 f"(`graph.source`), but it cannot be rendered to SVG or PNG: {render.INSTALL_HELP}.")
COLOURS = {"parameter": "lightyellow", "input": "lightgrey", "output": "lightblue", "module": "lavender",
           "vanishing": "lightskyblue", "exploding": "salmon"}


def _record(output):
    """The recorded ops behind `output`, oldest first (an iterative walk)."""
    nodes, seen, stack = [], set(), [output.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        nodes.append(node)
        stack.extend(edge for edge in node.edges if edge is not None and not isinstance(edge, Tensor))
    return sorted(nodes, key=lambda node: node.seq)


def _names(params):
    """(parameter name by tensor id, module name by module id) from a dict or a Module."""
    if params is None:
        return {}, {}
    modules = {}
    if hasattr(params, "named_parameters"):
        modules = {id(module): name for name, module in params.named_modules()}
        params = dict(params.named_parameters())
    return {id(tensor): name for name, tensor in params.items()}, modules


def _describe(shape, dtype):
    return f"{tuple(shape)} {dtype}"


def _summary(values):
    if values.size == 1:
        return f"= {values.reshape(-1)[0]:.4g}"
    return f"mean {values.mean():.3g}, std {values.std():.3g}" if values.dtype.kind in "fc" else ""


def _grad_norm(tensor):
    if tensor.grad is None:
        return None
    return float(np.sqrt(np.sum(np.square(tensor.grad.data, dtype=np.float64))))


class _Drawing:
    """Builds the Digraph: one instance per `draw_graph` call."""

    def __init__(self, output, params, show_grads, collapse_modules, view, max_nodes, vanishing, exploding):
        self.output, self.view = output, view
        self.show_grads = show_grads or view == "backward"
        self.vanishing, self.exploding = vanishing, exploding
        self.param_names, self.module_names = _names(params)
        self.root = id(params) if hasattr(params, "named_parameters") else None
        self.ops = _record(output)
        self.op_ids = {id(node): f"op{i}" for i, node in enumerate(self.ops)}
        self.collapse_depth = 1 if len(self.ops) > max_nodes and self._has_modules() else None
        self.clusters = collapse_modules or self.collapse_depth is not None
        layout = dict(rankdir="TB", size="10,14", nodesep="0.2", ranksep="0.3", fontsize="10")
        nodes = dict(shape="box", style="rounded,filled", fillcolor="white", fontsize="10", fontname="Helvetica",
                     height="0.3")
        self.graph = render.graph_class()("autograd", graph_attr=layout, node_attr=nodes, edge_attr=dict(arrowsize="0.6"))
        self.bodies = {(): []}      # cluster path -> DOT lines of the nodes inside it
        self.cluster_labels = {}
        self.module_numbers = {}
        self.paths_by_name = None
        self.edges = []

    # --- modules ------------------------------------------------------------------------------
    def _has_modules(self):
        return any(node.scope is not None for node in self.ops)

    def _path(self, frame):
        """The module path of an op's frame, without the model the drawing was asked for."""
        owners = [owner for owner in scopes.owners(frame) if id(owner) != self.root]
        path = tuple(owners)
        for owner in owners:
            self.cluster_labels.setdefault(id(owner), self._module_label(owner))
        return path

    def _module_label(self, owner):
        name = self.module_names.get(id(owner))
        kind = type(owner).__name__
        return f"{name} ({kind})" if name else kind

    def _place(self, path, line):
        key = tuple(id(owner) for owner in path) if self.clusters else ()
        for depth in range(1, len(key) + 1):
            self.bodies.setdefault(key[:depth], [])
        self.bodies[key].append(line)

    # --- nodes --------------------------------------------------------------------------------
    def _node(self, name, label, path=(), **attrs):
        self._place(path, (name, label, attrs))

    def _op_key(self, node):
        """The DOT name an op is drawn as: its own, or its module's when modules are collapsed."""
        if self.collapse_depth is None or node.scope is None:
            return self.op_ids[id(node)]
        path = self._path(node.scope)[: self.collapse_depth]
        if not path:
            return self.op_ids[id(node)]
        return "module" + "_".join(str(self._number(id(owner))) for owner in path)

    def _number(self, owner_id):
        """Modules numbered in order of first appearance (for stable cluster and node names)."""
        return self.module_numbers.setdefault(owner_id, len(self.module_numbers))

    def build(self):
        leaves, inputs, collapsed = {}, {}, {}
        for node in self.ops:
            key = self._op_key(node)
            shape, dtype, frame = node.meta
            if key == self.op_ids[id(node)]:
                name = node.name + ("Backward" if self.view == "backward" else "")
                path = self._path(frame) if self.clusters and frame is not None else ()
                self._node(key, f"{name}\n{_describe(shape, dtype)}", path)
            else:
                count, _ = collapsed.get(key, (0, None))
                collapsed[key] = (count + 1, (node, shape, dtype))
            for position, edge in enumerate(node.edges):
                if isinstance(edge, Tensor):
                    source = leaves.setdefault(id(edge), (f"leaf{len(leaves)}", edge))[0]
                elif edge is not None:
                    source = self._op_key(edge)
                elif node.inputs is not None:
                    source = self._constant(node.inputs[position], inputs)
                else:
                    continue
                if source != key:
                    self.edges.append((source, key))
        for key, (count, (node, shape, dtype)) in collapsed.items():
            label = self.cluster_labels[id(self._path(node.scope)[self.collapse_depth - 1])]
            self._node(key, f"{label}\n{count} ops -> {_describe(shape, dtype)}", fillcolor=COLOURS["module"])
        for name, tensor in leaves.values():
            self._leaf(name, tensor)
        self._node("output", f"output\n{_describe(self.output.shape, self.output.dtype)}",
                   fillcolor=COLOURS["output"])
        if self.output.grad_fn is not None:
            self.edges.append((self._op_key(self.output.grad_fn), "output"))
        return self._emit()

    def _constant(self, value, inputs):
        if isinstance(value, Tensor):
            if id(value) not in inputs:
                name = f"input{len(inputs)}"
                inputs[id(value)] = name
                label = f"input\n{_describe(value.shape, value.dtype)}"
                if self.view == "forward":
                    label += "\n" + _summary(value.data)
                self._node(name, label.rstrip(), fillcolor=COLOURS["input"], shape="box", style="filled")
            return inputs[id(value)]
        name = f"const{len(inputs)}"
        inputs[name] = name
        self._node(name, f"{value:.4g}" if isinstance(value, float) else str(value), shape="plaintext",
                   style="")
        return name

    def _leaf(self, name, tensor):
        param = self.param_names.get(id(tensor))
        label = f"{param or 'leaf'}\n{_describe(tensor.shape, tensor.dtype)}"
        if self.view == "forward" and not self.show_grads:
            label += "\n" + _summary(tensor.data)
        colour = COLOURS["parameter"]
        if self.show_grads:
            norm = _grad_norm(tensor)
            label += "\n|grad| " + ("none" if norm is None else f"{norm:.3g}")
            colour = self._grad_colour(norm)
        if self.collapse_depth is not None and param and "." in param:
            return  # drawn as part of its collapsed module
        path = self._owner_path(param) if self.clusters and param else ()
        self._node(name, label.rstrip(), path, fillcolor=colour, shape="box", style="filled")

    def _grad_colour(self, norm):
        """A leaf's colour by its gradient's norm: exploding, vanishing, or an ordinary parameter."""
        if norm is not None and (not math.isfinite(norm) or norm > self.exploding):
            return COLOURS["exploding"]
        if norm is not None and norm < self.vanishing:
            return COLOURS["vanishing"]
        return COLOURS["parameter"]

    def _owner_path(self, param):
        """The cluster path of the module that owns parameter `param`, if its ops are drawn."""
        if self.paths_by_name is None:  # module name -> the cluster path of its ops, built once
            self.paths_by_name = {}
            for node in self.ops:
                path = self._path(node.scope) if node.scope is not None else ()
                name = self.module_names.get(id(path[-1])) if path else None
                if name:
                    self.paths_by_name.setdefault(name, path)
        return self.paths_by_name.get(param.rpartition(".")[0], ())

    # --- output -------------------------------------------------------------------------------
    def _emit(self):
        graph = self.graph
        for name, label, attrs in self.bodies[()]:
            graph.node(name, label, **attrs)
        self._emit_clusters(graph, ())
        seen = set()
        for source, target in self.edges:
            if (source, target) in seen:
                continue
            seen.add((source, target))
            if self.view == "backward":
                graph.edge(target, source, style="dashed", color="firebrick")
            else:
                graph.edge(source, target)
        return graph

    def _emit_clusters(self, parent, prefix):
        children = [key for key in self.bodies if len(key) == len(prefix) + 1 and key[:len(prefix)] == prefix]
        for key in children:
            name = "cluster_" + "_".join(str(self._number(owner_id)) for owner_id in key)
            with parent.subgraph(name=name) as cluster:
                cluster.attr(label=self.cluster_labels[key[-1]], style="rounded,dashed", color="grey40",
                             fontsize="10")
                for node_name, label, attrs in self.bodies[key]:
                    cluster.node(node_name, label, **attrs)
                self._emit_clusters(cluster, key)


def draw_graph(output, params=None, show_grads=False, collapse_modules=False, view="forward", max_nodes=300,
               vanishing=1e-6, exploding=1e3):
    """A `graphviz.Digraph` of the ops the tape recorded to produce `output`.

    - One node per recorded op (its name, output shape and dtype), oldest at the top; leaves
      (tensors that require grad) apart, labelled with their parameter names when `params` is a
      dict name -> tensor or a Module (`model.named_parameters()` is used); inputs and constants
      (which need no gradient) in grey, while the record still holds them (before backward, or
      with `retain_graph=True`).
    - `show_grads=True` (after backward) adds each leaf's gradient norm and colours leaves whose
      norm is below `vanishing` (blue) or above `exploding` or not finite (red).
    - `collapse_modules=True` groups each module's ops (and parameters) in a labelled cluster.
      Above `max_nodes` ops, the ops of each top-level module are drawn as one node instead.
    - `view="forward"` draws data flow (with a value summary for leaves and inputs);
      `view="backward"` draws gradient flow: arrows reversed, ops named as their backward,
      leaves with their gradient norms.

    `.source` is the DOT text; `.pipe("svg")`, `.render(outfile="graph.svg")` and Jupyter's inline
    display render it with Graphviz's `dot` where installed, else with graphviz-pure (the `render`
    extra); with neither, a warning here says so (see `autograd/render.py`).

    >>> import autograd as ag
    >>> w = ag.ones(3, requires_grad=True)
    >>> graph = ag.draw_graph((w * 2).sum(), params={"w": w})
    >>> print(graph.source.count("->"), "op0" in graph.source)   # w -> Mul, 2 -> Mul, Mul -> Sum, Sum -> output
    4 True
    """
    if not isinstance(output, Tensor):
        raise ValueError(f"draw_graph needs a Tensor, got {type(output).__name__}")
    if view not in ("forward", "backward"):
        raise ValueError(f"draw_graph: view must be 'forward' or 'backward', got {view!r}")
    if render.renderer() is None:
        warnings.warn(RENDERER_HELP, render.RendererMissing, stacklevel=2)
    return _Drawing(output, params, show_grads, collapse_modules, view, max_nodes, vanishing, exploding).build()
