"""Hand-written numpy training steps: the floor for any numpy engine.

An MLP step with every gradient written out: forward, loss, backward and the optimiser's update,
into buffers allocated once (activations, gradients and optimiser state; parameters, gradients
and state each laid out in one flat array, so the update is a few whole-array numpy calls).
"""
import numpy as np


def _forward(activation, pre, out):
    if activation == "relu":
        np.maximum(pre, 0, out=out)
    elif activation == "tanh":
        np.tanh(pre, out=out)
    else:  # sigmoid
        np.negative(pre, out=out)
        np.exp(out, out=out)
        out += 1
        np.reciprocal(out, out=out)


def _backward(activation, pre, post, grad):
    """grad *= the activation's derivative, from its input `pre` and output `post`."""
    if activation == "relu":
        grad *= pre > 0
    elif activation == "tanh":
        grad *= 1 - post * post
    else:  # sigmoid
        grad *= post * (1 - post)


def _loss(loss, logits, y, rows, grad):
    """The mean loss; writes its gradient with respect to `logits` into `grad`."""
    batch = len(logits)
    if loss == "mse":
        np.subtract(logits, y, out=grad)
        value = np.mean(grad * grad)
        grad *= np.float32(2 / grad.size)
        return value
    np.subtract(logits, logits.max(axis=1, keepdims=True), out=grad)  # cross-entropy, y = class indices
    picked = grad[rows, y]
    np.exp(grad, out=grad)
    total = grad.sum(axis=1, keepdims=True)
    value = np.mean(np.log(total[:, 0]) - picked)
    grad /= total
    grad[rows, y] -= 1
    grad /= batch
    return value


def sgd(lr):
    """An update `update(params, grads, scratch)` over flat arrays: params -= lr * grads."""
    def update(params, grads, scratch):
        np.multiply(grads, np.float32(lr), out=scratch)
        params -= scratch

    return update


def adam(lr, betas=(0.9, 0.999), eps=1e-8):
    """An update `update(params, grads, scratch)` over flat arrays: PyTorch's Adam (as optim.Adam)."""
    beta1, beta2 = betas
    state = {}

    def update(params, grads, scratch):
        if not state:
            state.update(step=0, m=np.zeros_like(params), v=np.zeros_like(params))
        state["step"] += 1
        m, v = state["m"], state["v"]
        m *= np.float32(beta1)
        np.multiply(grads, np.float32(1 - beta1), out=scratch)
        m += scratch
        v *= np.float32(beta2)
        np.multiply(grads, grads, out=scratch)
        scratch *= np.float32(1 - beta2)
        v += scratch
        # lr / c1 * m / (sqrt(v) / sqrt(c2) + eps) = (lr sqrt(c2) / c1) * m / (sqrt(v) + eps sqrt(c2)): one pass fewer
        root_c2 = np.sqrt(1 - beta2 ** state["step"])
        np.sqrt(v, out=scratch)
        scratch += np.float32(eps * root_c2)
        np.divide(m, scratch, out=scratch)
        scratch *= np.float32(lr * root_c2 / (1 - beta1 ** state["step"]))
        params -= scratch

    return update


def mlp_step(weights, x, y, activation, loss, update):
    """A training step of the MLP with `weights` [(W (fan_in, fan_out), b (fan_out,)), ...]
    (copied), `activation` ("relu", "sigmoid" or "tanh") between layers, `loss` ("cross_entropy"
    with class indices `y`, or "mse") and `update` (`sgd(lr)` or `adam(lr)`); each call returns
    the loss before the update.

    >>> import numpy as np
    >>> w = [(np.ones((2, 1), np.float32), np.zeros(1, np.float32))]
    >>> step = mlp_step(w, np.ones((1, 2), np.float32), np.zeros((1, 1), np.float32), "relu", "mse", sgd(0.125))
    >>> float(step()), float(step())
    (4.0, 0.25)
    """
    batch = len(x)
    params = np.concatenate([a.ravel() for layer in weights for a in layer]).astype(np.float32)
    grads, scratch = np.zeros_like(params), np.empty_like(params)
    layers, grad_layers, offset = [], [], 0
    for w, b in weights:
        views = []
        for shape in (w.shape, b.shape):
            size = int(np.prod(shape))
            views.append((params[offset:offset + size].reshape(shape), grads[offset:offset + size].reshape(shape)))
            offset += size
        layers.append((views[0][0], views[1][0]))
        grad_layers.append((views[0][1], views[1][1]))
    pre = [np.empty((batch, w.shape[1]), np.float32) for w, _ in weights]   # before the activation
    post = [x] + [np.empty_like(a) for a in pre[:-1]]                        # each layer's input
    deltas = [np.empty_like(a) for a in pre]
    rows = np.arange(batch)

    def step():
        for (w, b), inputs, outputs, after in zip(layers, post, pre, post[1:] + [None]):
            np.matmul(inputs, w, out=outputs)
            outputs += b
            if after is not None:
                _forward(activation, outputs, after)
        value = _loss(loss, pre[-1], y, rows, deltas[-1])
        for i in reversed(range(len(layers))):
            grad_w, grad_b = grad_layers[i]
            if batch == 1:  # an outer product: broadcasting beats a BLAS call
                np.multiply(post[i].T, deltas[i], out=grad_w)
            else:
                np.matmul(post[i].T, deltas[i], out=grad_w)
            deltas[i].sum(axis=0, out=grad_b)
            if i:
                np.matmul(deltas[i], layers[i][0].T, out=deltas[i - 1])
                _backward(activation, pre[i - 1], post[i], deltas[i - 1])
        update(params, grads, scratch)
        return value

    return step
