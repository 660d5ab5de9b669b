"""Training loops: `fit` with a progress bar and per-epoch history, `evaluate`, `EarlyStopping`.

Duck-typed on purpose: the optimiser is anything with `zero_grad()` and `step()`, the scheduler
anything with `step()` (given the monitored loss when its `step` takes `metrics`, as
ReduceLROnPlateau), so `nn` never imports `optim`.
"""
import inspect
import functools
import math
import numbers
import warnings
from dataclasses import dataclass, field

import numpy as np

import autograd as ag

from .data import Dataset
from .finite import POLICIES, NonFiniteLoss, explain, first_nonfinite
from .utils import clip_grad_norm_, clip_grad_value_


def accuracy(output, target):
    """The fraction of rows whose largest output is at the target class index (or, for a
    single output column, whose sign matches a 0/1 target)."""
    scores, labels = output.data, target.data
    if scores.ndim == 2 and scores.shape[1] > 1:
        predicted = scores.argmax(1)
    else:
        predicted = (scores.reshape(labels.shape) > 0).astype(labels.dtype)
    return float((predicted == labels).mean())


METRICS = {"accuracy": accuracy}


def _metric_functions(metrics):
    if isinstance(metrics, dict):
        return dict(metrics)
    functions = {}
    for metric in metrics:
        if callable(metric):
            functions[metric.__name__] = metric
        elif metric in METRICS:
            functions[metric] = METRICS[metric]
        else:
            raise ValueError(f"unknown metric {metric!r}; use a function (output, target) -> float or one of "
                             f"{sorted(METRICS)}")
    return functions


def _inputs_and_target(batch):
    if not isinstance(batch, (tuple, list)) or len(batch) != 2:
        raise ValueError("fit and evaluate need batches of (inputs, targets)")
    return batch


def _check_loader(loader, name):
    """Refuse a dataset where a loader of batches belongs: it would be iterated sample by sample."""
    if isinstance(loader, Dataset) or (hasattr(loader, "__getitem__") and not hasattr(loader, "__iter__")):
        raise TypeError(f"{name} must give batches, got a {type(loader).__name__} (a dataset of samples): "
                        f"wrap it as DataLoader(dataset, batch_size=...)")


def _means(model, totals, count, name):
    """Each total divided by the sample count; over every process's samples when `model` sums
    across processes (as `nn.distributed.DistributedDataParallel` does)."""
    sum_over_processes = getattr(model, "sum_over_processes", None)
    if sum_over_processes is not None:
        totals, count = sum_over_processes(totals, count)
    if count == 0:
        raise ValueError(f"{name} gave no batches (an empty loader)")
    return {key: total / count for key, total in totals.items()}


def evaluate(model, loss_fn, loader, metrics=("accuracy",)):
    """The mean loss and metrics of `model` over `loader`, in eval mode and without recording
    (the model's train/eval mode is restored afterwards).

    >>> import autograd as ag, nn
    >>> from nn.data import DataLoader, TensorDataset
    >>> data = DataLoader(TensorDataset(ag.zeros(4, 3), ag.tensor([0, 1, 0, 1])), batch_size=2)
    >>> sorted(evaluate(nn.Linear(3, 2), nn.CrossEntropyLoss(), data))
    ['accuracy', 'loss']
    """
    _check_loader(loader, "evaluate's loader")
    functions = _metric_functions(metrics)
    totals, count = dict.fromkeys(["loss", *functions], 0.0), 0
    was_training = model.training
    model.eval()
    try:
        with ag.no_grad():
            for batch in loader:
                inputs, target = _inputs_and_target(batch)
                output = model(inputs)
                size = len(target)
                totals["loss"] += loss_fn(output, target).item() * size
                for name, function in functions.items():
                    totals[name] += function(output, target) * size
                count += size
    finally:
        model.train(was_training)
    return _means(model, totals, count, "evaluate's loader")


@dataclass
class History:
    """What `fit` returns: per-epoch lists under `history` ("loss", "accuracy", "val_loss",
    "val_accuracy", "lr", ...), the epoch a callback stopped training at, and the best epoch
    an EarlyStopping callback saw (whose weights it restored, if asked to)."""

    history: dict = field(default_factory=dict)
    stopped_epoch: int = None   # the last epoch run when a callback stopped training, else None
    best_epoch: int = None      # EarlyStopping's best epoch, else None

    @property
    def epochs(self):
        return len(self.history.get("loss", ()))

    def append(self, logs):
        for name, value in logs.items():
            self.history.setdefault(name, []).append(value)


class Callback:
    """Hooks into `fit`; `on_epoch_end` returns True to stop training."""

    def on_train_begin(self, model):
        pass

    def on_step_begin(self, model):
        """After backward (before any clipping) and before the optimiser's step."""

    def on_step_end(self, model):
        """After the optimiser's step."""

    def on_epoch_end(self, epoch, logs, model):
        return False

    def on_train_end(self, model):
        pass


class EarlyStopping(Callback):
    """Stop when `monitor` (default "val_loss") has not improved by more than `min_delta` for
    `patience` epochs; with `restore_best_weights` the model ends with the weights of its best
    epoch. `mode` is "min", "max", or "auto" (max for names containing "acc"). A NaN or
    infinite value is never an improvement, and weights holding one are never kept to restore.

    >>> stopper = EarlyStopping(patience=3, restore_best_weights=True)
    """

    def __init__(self, monitor="val_loss", patience=5, min_delta=0.0, mode="auto", restore_best_weights=False):
        if mode == "auto":
            mode = "max" if "acc" in monitor else "min"
        if mode not in ("min", "max"):
            raise ValueError(f"EarlyStopping: mode must be 'min', 'max' or 'auto', got {mode!r}")
        if patience < 0 or min_delta < 0:
            raise ValueError(f"EarlyStopping needs patience >= 0 and min_delta >= 0, got {patience}, {min_delta}")
        self.monitor, self.patience, self.min_delta, self.mode = monitor, patience, min_delta, mode
        self.restore_best_weights = restore_best_weights

    def on_train_begin(self, model):
        self.best, self.best_epoch, self.stopped_epoch, self.wait, self.best_state = None, None, None, 0, None

    def _improved(self, value):
        if not math.isfinite(value):
            return False
        if self.best is None:
            return True
        return value < self.best - self.min_delta if self.mode == "min" else value > self.best + self.min_delta

    def on_epoch_end(self, epoch, logs, model):
        if self.monitor not in logs:
            raise ValueError(f"EarlyStopping monitors {self.monitor!r}, but the epoch logged only {sorted(logs)} "
                             "(pass val_loader to fit to get val_ metrics)")
        value = logs[self.monitor]
        if self._improved(value):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                state = {k: v.data.copy() for k, v in model.state_dict().items()}
                self.best_state = state if all(np.isfinite(v).all() for v in state.values()) else None
            return False
        self.wait += 1
        if self.wait > self.patience:
            self.stopped_epoch = epoch
            return True
        return False

    def on_train_end(self, model):
        if self.restore_best_weights and self.best_state is not None:
            model.load_state_dict(self.best_state)


def _scheduler_step(scheduler, logs):
    if "metrics" in inspect.signature(scheduler.step).parameters:
        scheduler.step(logs.get("val_loss", logs["loss"]))
    else:
        scheduler.step()


def _progress_bar(progress, total, description):
    """A tqdm bar, or one that shows nothing when `progress` is false."""
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=description, unit="batch", disable=not progress)


def _gradients(model, loss_fn, optimizer, inputs, target):
    """zero_grad, forward, loss and backward: the part of a step that `fit(compile=True)`
    compiles. Returns (output, loss)."""
    optimizer.zero_grad()
    output = model(inputs)
    loss = loss_fn(output, target)
    loss.backward()
    return output, loss


def _train_step(gradients, model, optimizer, inputs, target, callbacks, clipping, nonfinite):
    """One optimiser step on one batch; returns (output, loss value). A non-finite loss is
    returned before the optimiser's step unless `nonfinite` is "ignore", so it changes nothing."""
    output, loss = gradients(inputs, target)
    value = loss.item()
    if nonfinite != "ignore" and not math.isfinite(value):
        return output, value
    for callback in callbacks:
        callback.on_step_begin(model)
    clip_grad_norm, clip_grad_value = clipping
    if clip_grad_norm is not None:
        clip_grad_norm_(model.parameters(), clip_grad_norm)
    if clip_grad_value is not None:
        clip_grad_value_(model.parameters(), clip_grad_value)
    optimizer.step()
    for callback in callbacks:
        callback.on_step_end(model)
    return output, value


def _train_epoch(model, gradients, optimizer, loader, functions, callbacks, clipping, nonfinite, epoch, bar):
    """One pass over `loader` in train mode; returns the loss and metrics averaged over its
    samples, as the model was at each step. Raises NonFiniteLoss at a non-finite loss unless
    `nonfinite` is "ignore"."""
    model.train()
    totals, count = dict.fromkeys(["loss", *functions], 0.0), 0
    for step, batch in enumerate(loader):
        inputs, target = _inputs_and_target(batch)
        output, value = _train_step(gradients, model, optimizer, inputs, target, callbacks, clipping, nonfinite)
        if nonfinite != "ignore" and not math.isfinite(value):
            raise NonFiniteLoss("fit: " + explain(value, f"epoch {epoch + 1}, step {step + 1} (counting from 1)",
                                                  inputs, target, model))
        size = len(target)
        totals["loss"] += value * size
        for name, function in functions.items():
            totals[name] += function(output, target) * size
        count += size
        bar.update()
        bar.set_postfix(loss=f"{totals['loss'] / count:.4f}", refresh=False)
    return _means(model, totals, count, "fit's train_loader")


def _validate(model, loss_fn, loader, functions, nonfinite, epoch):
    """The "val_" metrics over `loader`; raises NonFiniteLoss at a non-finite validation loss
    (naming the first batch element with a non-finite input) unless `nonfinite` is "ignore"."""
    logs = {f"val_{name}": value for name, value in evaluate(model, loss_fn, loader, functions).items()}
    if nonfinite != "ignore" and not math.isfinite(logs["val_loss"]):
        raise NonFiniteLoss(f"fit: the validation loss is {logs['val_loss']} after epoch {epoch + 1}"
                            + _first_nonfinite_batch(loader))
    return logs


def _first_nonfinite_batch(loader):
    for number, batch in enumerate(loader):
        found = first_nonfinite(_inputs_and_target(batch)[0])
        if found is not None:
            return f": in batch {number} of its inputs (counting from 0), {found}"
    return ", with finite inputs"


def _check_fit_arguments(train_loader, val_loader, epochs, nonfinite):
    _check_loader(train_loader, "fit's train_loader")
    if val_loader is not None:
        _check_loader(val_loader, "fit's val_loader")
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 0:
        raise ValueError(f"fit: epochs must be an int >= 0, got {epochs!r}")
    if nonfinite not in POLICIES:
        raise ValueError(f"fit: nonfinite must be one of {POLICIES}, got {nonfinite!r}")


def fit(model, loss_fn, optimizer, train_loader, epochs=1, val_loader=None, metrics=("accuracy",), callbacks=(),
        scheduler=None, clip_grad_norm=None, clip_grad_value=None, progress=True, nonfinite="raise", compile=False):
    """Train `model` for `epochs` passes over `train_loader` and return a `History`.

    Each step: zero the gradients, loss_fn(model(inputs), targets).backward(), optionally clip
    the gradients (by norm, then by value), optimizer.step(). After each epoch: the training
    loss and metrics (averaged over the epoch's batches, as the model was while it learnt),
    validation ones with a "val_" prefix when `val_loader` is given, the learning rate, then the
    scheduler's step and the callbacks (any may stop training). `progress` shows a tqdm bar per
    epoch with the running loss, except where the model says its process is not the main one
    (a DistributedDataParallel on a rank other than 0).

    `compile=True` compiles the zero_grad, forward, loss and backward of each step with
    `ag.compile` (the same values, less time); the optimiser's step, clipping and callbacks run
    after it as they do eagerly.

    A NaN or infinite loss (training, or validation) is caught before the optimiser's step: by default
    (`nonfinite="raise"`) with a `NonFiniteLoss` naming the epoch, the step and the first batch
    element with a non-finite input; `"stop"` warns and ends training there, the weights as the
    last finite step left them and the unfinished epoch not logged; `"ignore"` trains on.

    >>> import autograd as ag, nn, optim
    >>> from nn.data import DataLoader, TensorDataset
    >>> ag.manual_seed(0)
    >>> x = ag.randn(64, 2); y = (x[:, 0] > 0).long()
    >>> model = nn.Linear(2, 2)
    >>> history = fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.5),
    ...               DataLoader(TensorDataset(x, y), batch_size=16), epochs=20, progress=False)
    >>> history.history["accuracy"][-1] > 0.9
    True
    """
    _check_fit_arguments(train_loader, val_loader, epochs, nonfinite)
    functions = _metric_functions(metrics)
    callbacks = list(callbacks)
    history = History()
    progress = progress and getattr(model, "is_main_process", True)
    for callback in callbacks:
        callback.on_train_begin(model)
    gradients = functools.partial(_gradients, model, loss_fn, optimizer)
    gradients = ag.compile(gradients) if compile else gradients
    for epoch in range(epochs):
        try:
            with _progress_bar(progress, len(train_loader), f"epoch {epoch + 1}/{epochs}") as bar:
                logs = _train_epoch(model, gradients, optimizer, train_loader, functions, callbacks,
                                    (clip_grad_norm, clip_grad_value), nonfinite, epoch, bar)
                if val_loader is not None:
                    logs.update(_validate(model, loss_fn, val_loader, functions, nonfinite, epoch))
                if hasattr(optimizer, "param_groups"):
                    logs["lr"] = optimizer.param_groups[0]["lr"]
                bar.set_postfix({name: f"{value:.4f}" for name, value in logs.items() if name != "lr"})
        except NonFiniteLoss as error:
            if nonfinite == "raise":
                raise
            warnings.warn(f"{error}; training stopped", RuntimeWarning, stacklevel=2)
            history.stopped_epoch = epoch
            break
        history.append(logs)
        if scheduler is not None:
            _scheduler_step(scheduler, logs)
        if any([callback.on_epoch_end(epoch, logs, model) for callback in callbacks]):
            history.stopped_epoch = epoch
            break
    _end_training(callbacks, model, history)
    return history


def _end_training(callbacks, model, history):
    for callback in callbacks:
        callback.on_train_end(model)
        if getattr(callback, "best_epoch", None) is not None:
            history.best_epoch = callback.best_epoch
