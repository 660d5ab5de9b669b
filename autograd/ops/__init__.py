"""The primitive ops: every gradient rule in the library lives in these files.

Every public `Function` subclass defined in one of the modules below is available here by name
(`ops.Add`, `ops.Sum`, ...): a new primitive needs no line in this file.
"""
from . import conv, elementwise, index, linalg, logic, loss, math, pool, reduce, scan, shape
from ..function import Function as _Function

for _module in (conv, elementwise, index, linalg, logic, loss, math, pool, reduce, scan, shape):
    globals().update({name: value for name, value in vars(_module).items()
                      if isinstance(value, type) and issubclass(value, _Function) and not name.startswith("_")
                      and value.__module__ == _module.__name__})
del _module
