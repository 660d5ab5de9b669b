"""`Module.summary()`: a Keras-style table of a model's layers, output shapes and parameter counts."""
from dataclasses import dataclass

import autograd as ag


@dataclass(frozen=True)
class Row:
    name: str            # dotted name inside the model ("0", "block.1", ...)
    kind: str            # the module's class name
    output_shape: tuple  # with None for the batch dim; None when no input shape was given
    params: int          # parameters of this module itself (and its insides, when shown whole)


@dataclass(frozen=True)
class Summary:
    """What `Module.summary()` returns: its `str` is the table (which `summary()` has printed
    already, so its repr is one line: a notebook shows the table once); the counts are attributes."""

    model: str
    rows: tuple
    total_params: int
    trainable_params: int

    @property
    def non_trainable_params(self):
        return self.total_params - self.trainable_params

    def __str__(self):
        header = ("Layer (type)", "Output Shape", "Param #")
        lines = [(f"{row.name} ({row.kind})", "?" if row.output_shape is None else str(row.output_shape),
                  f"{row.params:,}") for row in self.rows]
        widths = [max(len(line[i]) for line in lines + [header]) + 4 for i in range(3)]
        rule = "_" * sum(widths)

        def fmt(line):
            return "".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip()

        return "\n".join([f'Model: "{self.model}"', rule, fmt(header), "=" * sum(widths)]
                         + [fmt(line) for line in lines]
                         + ["=" * sum(widths), f"Total params: {self.total_params:,}",
                            f"Trainable params: {self.trainable_params:,}",
                            f"Non-trainable params: {self.non_trainable_params:,}", rule])

    def __repr__(self):
        return (f"<Summary of {self.model}: {len(self.rows)} layers, {self.total_params:,} parameters "
                f"({self.trainable_params:,} trainable)>")


def _shape_of(output):
    if isinstance(output, ag.Tensor):
        return (None,) + output.shape[1:]
    if isinstance(output, (tuple, list)):
        return tuple(_shape_of(item) for item in output)
    return None


def _layers(model):
    """(dotted name, module) of each layer: a module without children, one that holds parameters
    of its own, or one that asks to be shown whole (`summary_as_one_row`, as Maxout), in which
    case its insides are not listed."""
    layers, stack = [], [("", model)]
    while stack:
        name, module = stack.pop()
        children = list(module.named_children())
        whole = module.summary_as_one_row or not children
        if whole or any(p is not None for p in module._parameters.values()):
            layers.append((name, module))
        if not whole:
            stack.extend(reversed([(f"{name}.{child}" if name else child, m) for child, m in children]))
    return layers


def summarise(model, input_shape=None, dtype=None):
    """Build the `Summary` of `model`: one row per layer (a module without children, or one
    holding parameters of its own). With `input_shape` (one sample's shape, no batch dim) a batch
    of two zero samples is run through the model in eval mode under `no_grad` to record each
    layer's output shape; rows then follow the order the layers ran in."""
    named = _layers(model)
    shapes = {}
    if input_shape is not None:
        order = []

        def record(module, args, output):
            if id(module) not in shapes:
                order.append(id(module))
            shapes[id(module)] = _shape_of(output)

        handles = [module.register_forward_hook(record) for _, module in named]
        modes = [(module, module.training) for module in model.modules()]
        try:
            model.eval()
            with ag.no_grad():
                model(ag.zeros(2, *tuple(input_shape), dtype=dtype))
        finally:
            for handle in handles:
                handle.remove()
            for module, mode in modes:
                object.__setattr__(module, "training", mode)
        rank = {key: position for position, key in enumerate(order)}
        named.sort(key=lambda item: rank.get(id(item[1]), len(rank)))
    rows = tuple(Row(name or type(module).__name__, type(module).__name__, shapes.get(id(module)),
                     sum(p.numel() for p in module.parameters(recurse=module.summary_as_one_row)))
                 for name, module in named)
    parameters = list(model.parameters())
    return Summary(type(model).__name__, rows, sum(p.numel() for p in parameters),
                   sum(p.numel() for p in parameters if p.requires_grad))
