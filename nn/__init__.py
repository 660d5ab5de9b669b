"""nn: modules, layers, activations, losses, initialisers and training utilities on autograd.

>>> import autograd as ag, nn
>>> model = nn.Sequential(nn.Linear(784, 64), nn.Sigmoid(), nn.Linear(64, 10))
>>> loss = nn.CrossEntropyLoss()(model(ag.zeros(8, 784)), ag.zeros(8, dtype=ag.int64))
>>> loss.backward()
>>> model[0].weight.grad.shape
(64, 784)
"""
# Another package named autograd (HIPS autograd) can stand where this library's autograd should.
import autograd as _autograd

if not getattr(_autograd, "__tapegrad__", False):
    raise ImportError(f"{__name__} needs tapegrad's autograd, but the autograd found at "
                      f"{getattr(_autograd, '__file__', None) or _autograd.__path__[0]} is another package of that "
                      "name (HIPS autograd, installed over tapegrad's or uninstalled from the same directory). Use a "
                      "separate virtual environment, or `pip uninstall autograd` and then reinstall tapegrad.")
del _autograd

from . import diagnostics, functional, init, landscapes, utils
from .activation import ELU, LeakyReLU, LogSoftmax, NoisyReLU, PReLU, ReLU, Sigmoid, Softmax, Softplus, Step, Tanh
from .activation import CELU, GELU, SELU, Hardsigmoid, Hardtanh, SiLU, Softsign
from .conv import (AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, Conv1d, Conv2d, ConvTranspose2d, MaxPool1d, MaxPool2d,
                   Upsample)
from .containers import Ensemble, ModuleList, Sequential
from .layers import (BatchNorm1d, BatchNorm2d, Dropout, Dropout2d, Flatten, GaussianNoise, Identity, Linear, Maxout,
                     Residual)
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss, MSELoss, NLLLoss,
                   SmoothL1Loss, elastic_net_penalty, l1_penalty, l2_penalty)
from .module import Module
from .parameter import Parameter
from .serialization import load, save
from .finite import NonFiniteLoss
from .training import Callback, EarlyStopping, History, evaluate, fit
