"""optim: optimisers and learning-rate schedules, with PyTorch's update rules.

>>> import autograd as ag, optim
>>> w = ag.tensor([3.0], requires_grad=True)
>>> opt = optim.SGD([w], lr=0.25)
>>> for _ in range(3):
...     opt.zero_grad(); (w * w).sum().backward(); opt.step()
>>> w.tolist()   # each step halves w
[0.375]
"""
# Another package named autograd (HIPS autograd) can stand where this library's autograd should.
import autograd as _autograd

if not getattr(_autograd, "__tapegrad__", False):
    raise ImportError(f"{__name__} needs tapegrad's autograd, but the autograd found at "
                      f"{getattr(_autograd, '__file__', None) or _autograd.__path__[0]} is another package of that "
                      "name (HIPS autograd, installed over tapegrad's or uninstalled from the same directory). Use a "
                      "separate virtual environment, or `pip uninstall autograd` and then reinstall tapegrad.")
del _autograd

from . import lr_scheduler
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "lr_scheduler"]
