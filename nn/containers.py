"""Modules that hold other modules: Sequential, ModuleList, and the Ensemble committee."""
import autograd as ag

from .module import Module


def _check_module(module, container):
    if not isinstance(module, Module):
        raise TypeError(f"{container} holds Modules, got {type(module).__name__}")
    return module


class _ModuleSequence(Module):
    """What Sequential and ModuleList share: modules registered as "0", "1", ... in order."""

    def __init__(self, modules):
        super().__init__()
        for module in modules:
            self.append(module)

    def append(self, module):
        """Add `module` at the end; returns self."""
        self.add_module(str(len(self)), _check_module(module, type(self).__name__))
        return self

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __getitem__(self, index):
        modules = list(self._modules.values())
        if isinstance(index, slice):
            sliced = object.__new__(type(self))
            _ModuleSequence.__init__(sliced, modules[index])
            return sliced
        return modules[index]

    def __setitem__(self, index, module):
        """Replace the module at `index` (keeping its place and name).

        >>> import nn
        >>> net = nn.Sequential(nn.Linear(4, 3), nn.Linear(3, 2))
        >>> net[-1] = nn.Linear(3, 5)
        >>> net[1].out_features
        5
        """
        name = list(self._modules)[index]
        self._modules[name] = _check_module(module, type(self).__name__)
        object.__setattr__(self, name, module)


class Sequential(_ModuleSequence):
    """Modules applied one after another, registered as "0", "1", ...

    >>> import autograd as ag, nn
    >>> net = nn.Sequential(nn.Linear(784, 64), nn.Sigmoid(), nn.Linear(64, 10))
    >>> net(ag.zeros(5, 784)).shape, len(net)
    ((5, 10), 3)
    """

    def __init__(self, *modules):
        super().__init__(modules)

    def forward(self, x):
        for module in self._modules.values():
            x = module(x)
        return x


class ModuleList(_ModuleSequence):
    """A list of modules whose parameters the parent module sees (a plain list would hide them).

    >>> import nn
    >>> layers = nn.ModuleList([nn.Linear(4, 4) for _ in range(3)])
    >>> len(list(layers.parameters()))
    6
    """

    def __init__(self, modules=()):
        super().__init__(modules)

    def extend(self, modules):
        for module in modules:
            self.append(module)
        return self

    def forward(self, *args):
        raise NotImplementedError("a ModuleList has no forward(); iterate over it in the parent's forward")


class Ensemble(Module):
    """A committee: the mean of its members' outputs, each passed through `combine` first
    (e.g. `F.softmax` to average class probabilities; the default averages the raw outputs).

    >>> import autograd as ag, nn
    >>> members = [nn.Linear(4, 3) for _ in range(5)]
    >>> nn.Ensemble(members)(ag.zeros(2, 4)).shape
    (2, 3)
    """

    def __init__(self, models, combine=None):
        super().__init__()
        self.members = ModuleList(models)
        if not len(self.members):
            raise ValueError("Ensemble needs at least one model")
        self.combine = combine

    def forward(self, x):
        outputs = [member(x) for member in self.members]
        if self.combine is not None:
            outputs = [self.combine(output) for output in outputs]
        return ag.stack(outputs).mean(0)
