"""optim: optimisers and learning-rate schedules on top of autograd."""
