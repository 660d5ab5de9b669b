"""nn: modules, layers, losses and initialisers on top of autograd."""
