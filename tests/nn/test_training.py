"""fit, evaluate, EarlyStopping and Ensemble."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
import optim
from nn.data import DataLoader, TensorDataset, mnist


def blobs(n=200, seed=0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    points = rng.standard_normal((n, 2)) * 0.5 + np.where(labels[:, None] == 1, 1.5, -1.5)
    return TensorDataset(ag.tensor(points), ag.tensor(labels))


def test_fit_learns_and_records_a_history():
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 2))
    history = nn.fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.3),
                     DataLoader(blobs(), 20, shuffle=True), epochs=5, val_loader=DataLoader(blobs(seed=1), 50),
                     progress=False)
    assert sorted(history.history) == ["accuracy", "loss", "lr", "val_accuracy", "val_loss"]
    assert history.epochs == 5 and all(len(v) == 5 for v in history.history.values())
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["val_accuracy"][-1] > 0.95
    assert history.stopped_epoch is None and history.best_epoch is None


def test_logged_loss_is_the_sample_weighted_mean_over_the_epoch():
    # lr = 0: the model does not change, so the epoch's loss is the full-data loss
    model = nn.Linear(2, 2)
    data = blobs(50)
    history = nn.fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.0), DataLoader(data, 16),
                     epochs=1, progress=False, metrics=("accuracy", ))
    x, y = data.tensors
    assert history.history["loss"][0] == pytest.approx(nn.CrossEntropyLoss()(model(x), y).item(), rel=1e-6)
    assert history.history["accuracy"][0] == pytest.approx(float((model(x).data.argmax(1) == y.data).mean()))


def test_evaluate_runs_in_eval_mode_without_recording_and_restores_the_mode():
    model = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.9))
    model.train()
    data = DataLoader(blobs(40), 40)
    first = nn.evaluate(model, nn.CrossEntropyLoss(), data)
    assert first == nn.evaluate(model, nn.CrossEntropyLoss(), data)  # no dropout noise in eval
    assert model.training and all(p.grad is None for p in model.parameters())


def test_custom_metric_functions():
    model = nn.Linear(2, 2)
    result = nn.evaluate(model, nn.CrossEntropyLoss(), DataLoader(blobs(10), 5), metrics={"zero": lambda o, t: 0.0})
    assert result["zero"] == 0.0
    with pytest.raises(ValueError, match="unknown metric 'f1'"):
        nn.evaluate(model, nn.CrossEntropyLoss(), DataLoader(blobs(10), 5), metrics=("f1",))


class Recorder(nn.Module):
    """A 'model' whose validation loss follows a script, to test early stopping exactly."""

    def __init__(self, losses):
        super().__init__()
        self.weight = nn.Parameter(ag.zeros(1))
        self.losses, self.epoch = losses, -1

    def forward(self, x):
        return self.weight * 0 + self.losses[min(self.epoch, len(self.losses) - 1)]


class EpochCounter(nn.Callback):
    def __init__(self, model):
        self.model = model

    def on_train_begin(self, model):
        model.epoch = 0

    def on_epoch_end(self, epoch, logs, model):
        model.epoch += 1
        model.weight.data[...] = epoch  # the weights remember which epoch they are from


@pytest.mark.parametrize("patience, min_delta, stopped, best", [(2, 0.0, 5, 2), (0, 0.0, 3, 2), (2, 0.15, 4, 1),
                                                                (10, 0.0, None, 2)])
def test_early_stopping_waits_patience_epochs_after_the_best(patience, min_delta, stopped, best):
    val_losses = [1.0, 0.8, 0.7, 0.75, 0.72, 0.9, 1.0, 1.1]
    model = Recorder(val_losses)
    stopper = nn.EarlyStopping(patience=patience, min_delta=min_delta, restore_best_weights=True)
    loss = lambda output, target: output.mean()  # noqa: E731  (the scripted value)
    data = DataLoader(TensorDataset(ag.zeros(2, 1), ag.zeros(2)), 2)
    counter = EpochCounter(model)
    history = nn.fit(model, loss, optim.SGD(model.parameters(), lr=0.0), data, epochs=8, val_loader=data,
                     callbacks=[counter, stopper], metrics=(), progress=False)
    assert history.stopped_epoch == stopped and history.best_epoch == best
    assert history.epochs == (8 if stopped is None else stopped + 1)
    assert model.weight.item() == best  # restored weights of the best epoch


def test_early_stopping_needs_the_monitored_value():
    model = nn.Linear(2, 2)
    with pytest.raises(ValueError, match="EarlyStopping monitors 'val_loss'.*pass val_loader"):
        nn.fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), DataLoader(blobs(10), 5),
               epochs=2, callbacks=[nn.EarlyStopping()], progress=False)


def test_fit_steps_schedulers_once_per_epoch():
    model = nn.Linear(2, 2)
    opt = optim.SGD(model.parameters(), lr=1.0)
    history = nn.fit(model, nn.CrossEntropyLoss(), opt, DataLoader(blobs(10), 5), epochs=4, progress=False,
                     scheduler=optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5))
    assert history.history["lr"] == [1.0, 0.5, 0.25, 0.125]
    opt = optim.SGD(model.parameters(), lr=1.0)
    plateau = optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0, factor=0.5, threshold=1000.0,
                                                   threshold_mode="abs")
    nn.fit(model, nn.CrossEntropyLoss(), opt, DataLoader(blobs(10), 5), epochs=3, progress=False, scheduler=plateau)
    # the first epoch sets the best; the next two never beat it by 1000, so the rate halves twice
    assert plateau.last_epoch == 3 and opt.param_groups[0]["lr"] == 0.25


def test_fit_clips_gradients_before_the_step():
    model = nn.Linear(2, 2)
    before = [p.data.copy() for p in model.parameters()]
    nn.fit(model, lambda out, t: 1000 * nn.CrossEntropyLoss()(out, t), optim.SGD(model.parameters(), lr=1.0),
           DataLoader(blobs(10), 10), epochs=1, clip_grad_value=0.01, progress=False)
    for old, p in zip(before, model.parameters()):
        assert np.abs(p.data - old).max() <= 0.01 + 1e-7


def test_fit_shows_a_progress_bar(capsys):
    model = nn.Linear(2, 2)
    nn.fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), DataLoader(blobs(10), 5), epochs=1)
    err = capsys.readouterr().err
    assert "epoch 1/1" in err and "2/2" in err and "loss=" in err


def test_ensemble_averages_its_members():
    ag.manual_seed(1)
    members = [nn.Linear(3, 4) for _ in range(3)]
    x = ag.randn(5, 3)
    np.testing.assert_allclose(nn.Ensemble(members)(x).data, np.mean([m(x).data for m in members], 0), rtol=1e-6)
    probs = nn.Ensemble(members, combine=F.softmax)(x).data
    np.testing.assert_allclose(probs, np.mean([F.softmax(m(x)).data for m in members], 0), rtol=1e-6)
    np.testing.assert_allclose(probs.sum(1), 1, rtol=1e-6)
    assert len(list(nn.Ensemble(members).parameters())) == 6


def test_the_shallow_mnist_net_reaches_85_percent_on_held_out_digits():
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 64), nn.Sigmoid(), nn.Linear(64, 10))
    history = nn.fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.5),
                     DataLoader(mnist(), 128, shuffle=True), epochs=10,
                     val_loader=DataLoader(mnist(train=False), 1000), progress=False)
    assert history.history["val_accuracy"][-1] >= 0.85


# --- non-finite losses and bad arguments -------------------------------------------------------
def with_nan(row, n=12, column=1):
    """`n` separable points whose row `row` holds a NaN at `column`."""
    data = blobs(n)
    data.tensors[0].data[row, column] = np.nan
    return data


def sgd_fit(data, **kwargs):
    ag.manual_seed(0)
    model = nn.Linear(2, 2)
    options = dict(epochs=2, progress=False, metrics=())
    history = nn.fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), DataLoader(data, 4),
                     **{**options, **kwargs})
    return model, history


def test_a_nan_input_stops_fit_with_an_error_naming_epoch_step_and_element():
    # row 9 is in the third batch of 4 (step 3), where it is element 1
    with pytest.raises(nn.NonFiniteLoss, match=r"fit: the loss is nan at epoch 1, step 3 \(counting from 1\): in its "
                                               r"inputs, element 1 of the batch holds nan \(at index \(1, 1\)\)"):
        sgd_fit(with_nan(9))


def test_stop_keeps_the_weights_of_the_last_finite_step():
    with pytest.warns(RuntimeWarning, match="epoch 1, step 3 .*; training stopped"):
        model, history = sgd_fit(with_nan(9), nonfinite="stop")
    x, y = blobs(12).tensors
    finite = TensorDataset(x[:8], y[:8])  # the two batches before the NaN
    expected, _ = sgd_fit(finite, epochs=1)
    for ours, theirs in zip(model.parameters(), expected.parameters()):
        np.testing.assert_array_equal(ours.data, theirs.data)
    assert history.epochs == 0 and history.stopped_epoch == 0


def test_ignore_trains_on_through_nan():
    _, history = sgd_fit(with_nan(9), nonfinite="ignore")
    assert history.epochs == 2 and np.isnan(history.history["loss"]).all()


def test_a_nan_in_the_validation_data_is_named():
    with pytest.raises(nn.NonFiniteLoss, match=r"validation loss is nan after epoch 1: in batch 1 of its inputs "
                                               r"\(counting from 0\), element 2 of the batch holds nan"):
        sgd_fit(blobs(12), val_loader=DataLoader(with_nan(6), 4))


def test_diverged_weights_are_named_when_the_inputs_are_finite():
    ag.manual_seed(0)
    model = nn.Linear(2, 2)
    model.weight.data[0, 0] = np.inf
    with pytest.raises(nn.NonFiniteLoss, match=r"its inputs are finite but the parameters \['weight'\] are not"):
        nn.fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), DataLoader(blobs(8), 4),
               progress=False)


def test_early_stopping_never_takes_nan_as_its_best():
    val_losses = [float("nan"), 0.9, float("nan"), 0.95, 1.0]
    model = Recorder(val_losses)
    stopper = nn.EarlyStopping(patience=1, restore_best_weights=True)
    data = DataLoader(TensorDataset(ag.zeros(2, 1), ag.zeros(2)), 2)
    history = nn.fit(model, lambda output, target: output.mean(), optim.SGD(model.parameters(), lr=0.0), data,
                     epochs=5, val_loader=data, callbacks=[EpochCounter(model), stopper], metrics=(), progress=False,
                     nonfinite="ignore")
    # epoch 1 (0.9) is the best; the NaNs of epochs 0 and 2 neither improve nor reset the count
    assert history.best_epoch == 1 and history.stopped_epoch == 3 and model.weight.item() == 1


def test_early_stopping_never_restores_non_finite_weights():
    model = nn.Linear(1, 1)
    stopper = nn.EarlyStopping(restore_best_weights=True)
    stopper.on_train_begin(model)
    model.weight.data[...] = np.nan
    stopper.on_epoch_end(0, {"val_loss": 0.5}, model)   # the best value, but with NaN weights: not kept
    model.weight.data[...] = 2.0
    stopper.on_train_end(model)
    assert model.weight.item() == 2.0


@pytest.mark.parametrize("call, error, message", [
    (lambda m, o: nn.fit(m, nn.CrossEntropyLoss(), o, blobs(8), progress=False), TypeError,
     r"fit's train_loader must give batches, got a TensorDataset \(a dataset of samples\): wrap it as "
     r"DataLoader\(dataset, batch_size=...\)"),
    (lambda m, o: nn.fit(m, nn.CrossEntropyLoss(), o, DataLoader(blobs(8), 4), val_loader=blobs(8), progress=False),
     TypeError, "fit's val_loader must give batches, got a TensorDataset"),
    (lambda m, o: nn.evaluate(m, nn.CrossEntropyLoss(), blobs(8)), TypeError,
     "evaluate's loader must give batches, got a TensorDataset"),
    (lambda m, o: nn.fit(m, nn.CrossEntropyLoss(), o, [], progress=False), ValueError,
     r"fit's train_loader gave no batches \(an empty loader\)"),
    (lambda m, o: nn.evaluate(m, nn.CrossEntropyLoss(), []), ValueError, "evaluate's loader gave no batches"),
    (lambda m, o: nn.fit(m, nn.CrossEntropyLoss(), o, DataLoader(blobs(8), 4), epochs=-3), ValueError,
     "fit: epochs must be an int >= 0, got -3"),
    (lambda m, o: nn.fit(m, nn.CrossEntropyLoss(), o, DataLoader(blobs(8), 4), epochs=2.5), ValueError,
     "fit: epochs must be an int >= 0, got 2.5"),
    (lambda m, o: nn.fit(m, nn.CrossEntropyLoss(), o, DataLoader(blobs(8), 4), nonfinite="skip"), ValueError,
     r"fit: nonfinite must be one of \('raise', 'stop', 'ignore'\), got 'skip'"),
])
def test_bad_fit_and_evaluate_arguments_are_named(call, error, message):
    model = nn.Linear(2, 2)
    with pytest.raises(error, match=message):
        call(model, optim.SGD(model.parameters(), lr=0.1))
