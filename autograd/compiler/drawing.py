"""Drawing a plan: one node per replayed step (a fused kernel as one node naming the ops it
runs), arrows from the step that makes an array to the steps that read it."""
from collections import Counter

from ..render import graph_class
from .capture import Argument, Persistent, Slot

SHAPES = {"fused": "box3d", "call": "component", "leaf": "cds", "grad": "cds", "inplace": "cds"}


def draw_plan(plan):
    """A `graphviz.Digraph` of `plan` (see `CompiledFunction.plans`).

    >>> import autograd as ag
    >>> step = ag.compile(lambda x: (x * 2).exp().sum())
    >>> _ = step(ag.ones(3)); _ = step(ag.ones(3))
    >>> "Exp" in draw_plan(step.plans[0]).source
    True
    """
    graph = graph_class()(graph_attr={"rankdir": "TB"}, node_attr={"shape": "box", "fontsize": "10"})
    made_by = {}
    for number, slot in enumerate(plan.inputs):
        graph.node(f"input{number}", f"input {number}", shape="ellipse", style="filled", fillcolor="lightgrey")
        made_by[slot] = f"input{number}"
    tensors = {}
    for index, step in enumerate(plan.steps):
        name = f"step{index}"
        graph.node(name, _label(step), shape=SHAPES.get(step.kind, "box"),
                   style="filled" if step.kind == "fused" else "", fillcolor="lavender")
        for ref in step.inputs:
            if isinstance(ref, Slot) and ref.number in made_by:
                graph.edge(made_by[ref.number], name)
            elif isinstance(ref, (Persistent, Argument)):
                key = f"tensor{len(tensors)}" if isinstance(ref, Persistent) else f"input{ref.number}"
                key = tensors.setdefault(id(getattr(ref, "tensor", ref)), key)
                if key.startswith("tensor"):
                    graph.node(key, f"tensor {tuple(ref.tensor.shape)}", shape="ellipse", style="filled",
                               fillcolor="lightyellow")
                graph.edge(key, name)
        made_by.update((number, name) for number in step.outputs if number is not None)
    for number, ref in enumerate(plan.outputs):
        graph.node(f"output{number}", f"output {number}", shape="ellipse", style="filled", fillcolor="lightblue")
        if isinstance(ref, Slot) and ref.number in made_by:
            graph.edge(made_by[ref.number], f"output{number}")
    return graph


def _label(step):
    if step.kind == "fused":
        group = step.function
        names = Counter(_label(member) for member in group.steps)
        listed = ", ".join(f"{name} x{count}" if count > 1 else name for name, count in names.items())
        return f"fused kernel {group.shape}\\n{listed}"
    if step.kind == "op":
        return step.node.name
    if step.kind == "backward":
        return f"{step.node.name} backward"
    if step.kind == "call":
        return step.function.__qualname__
    return {"route": "sum to input shape", "add": "+", "leaf": "into .grad", "grad": ".grad =", "inplace": "in place",
            "draw": f"random {step.function}", "constant": "constant"}[step.kind]
