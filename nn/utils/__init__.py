"""Gradient clipping, flattening parameters into one vector, and magnitude pruning (`nn.utils.prune`)."""
from . import prune
from .clip_grad import clip_grad_norm_, clip_grad_value_
from .convert import parameters_to_vector, vector_to_parameters

__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector", "vector_to_parameters", "prune"]
