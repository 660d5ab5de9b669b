"""The compiler: capture a function once, replay it without the tape (`autograd.compile`).

capture.py  follows one eager run and writes down its steps (ops, backward, in-place changes...)
plan.py     trims the steps and works out when each array is last needed
codegen.py  turns a plan into one Python function over local variables
replay.py   runs that function under its guards and rebuilds the function's result
compiled.py the compiled callable: signatures, guards, retracing, eager fallback, check=True
"""
from .capture import capture_as_call, capturing
from .compiled import CompileCheckError, CompiledFunction, CompileWarning, compile

__all__ = ["compile", "capture_as_call", "capturing", "CompiledFunction", "CompileWarning", "CompileCheckError"]
