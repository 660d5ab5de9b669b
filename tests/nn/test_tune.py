"""nn.tune: the pruning callback stops fit, storages are what their names say, and two processes
sharing a journal-file study record every trial once."""
import os
import pathlib
import subprocess
import sys

import numpy as np
import optuna
import pytest

import autograd as ag
import nn
import optim
from nn import tune
from nn.data import DataLoader, TensorDataset

ROOT = pathlib.Path(__file__).resolve().parents[2]
optuna.logging.set_verbosity(optuna.logging.WARNING)


class EpochCounter(nn.Callback):
    def on_train_begin(self, model):
        self.epochs = 0

    def on_epoch_end(self, epoch, logs, model):
        self.epochs += 1
        return False


def test_a_pruned_trial_stops_fit_early():
    ag.manual_seed(0)
    x = ag.randn(64, 2)
    data = DataLoader(TensorDataset(x, (x[:, 0] > 0).long()), batch_size=16)
    counters = []

    def objective(trial):
        lr = [0.5, 0.0][trial.number]           # the second trial learns nothing: its loss stays high
        ag.manual_seed(1)
        model, counter = nn.Linear(2, 2), EpochCounter()
        counters.append(counter)
        history = nn.fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=lr), data, epochs=6,
                         callbacks=[counter, tune.PruningCallback(trial, monitor="loss")], progress=False)
        return history.history["loss"][-1]

    study = tune.search(objective, 2, pruner=optuna.pruners.MedianPruner(n_startup_trials=1, n_warmup_steps=1))
    first, second = study.trials
    assert first.state == optuna.trial.TrialState.COMPLETE and counters[0].epochs == 6
    assert second.state == optuna.trial.TrialState.PRUNED and counters[1].epochs == 2
    assert sorted(second.intermediate_values) == [0, 1]
    assert second.intermediate_values[1] > first.intermediate_values[1]


def test_the_callback_names_a_missing_metric():
    callback = tune.PruningCallback(optuna.create_study().ask(), monitor="val_loss")
    with pytest.raises(ValueError, match="monitors 'val_loss'.*only \\['loss'\\]"):
        callback.on_epoch_end(0, {"loss": 1.0}, None)


@pytest.mark.parametrize("given, kind", [
    (None, type(None)), ("sqlite:///a/search.db", str), ("postgresql://u:p@host/db", str),
    ("runs/search.db", str), ("runs/search.log", optuna.storages.JournalStorage),
])
def test_storage_from_its_description(given, kind, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "runs").mkdir()
    storage = tune.open_storage(given)
    assert isinstance(storage, kind)
    if given == "runs/search.db":
        assert storage == "sqlite:///runs/search.db"


@pytest.mark.parametrize("arguments, message", [
    (dict(n_trials=-1), "n_trials must be an int >= 0"),
    (dict(n_trials=1, storage="search.log"), "needs a study_name"),
    (dict(n_trials=1, storage=3, study_name="s"), "storage must be"),
])
def test_search_rejects_bad_arguments(arguments, message):
    with pytest.raises(ValueError, match=message):
        tune.search(lambda trial: 0.0, **arguments)


WORKER = """
import os, sys, time
import optuna
from nn import tune

def objective(trial):
    x = trial.suggest_float("x", -5, 5)
    trial.set_user_attr("pid", os.getpid())
    time.sleep(0.05)                      # long enough for the two processes' trials to interleave
    return (x - 2) ** 2

optuna.logging.set_verbosity(optuna.logging.WARNING)
tune.search(objective, 6, storage=sys.argv[1], study_name="shared")
"""


def test_two_processes_sharing_a_journal_file_record_every_trial_once(tmp_path):
    journal = tmp_path / "search.log"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, str(journal)], env=env, stderr=subprocess.PIPE,
                                text=True) for _ in range(2)]
    try:
        for worker in workers:
            _, stderr = worker.communicate(timeout=120)
            assert worker.returncode == 0, stderr
    finally:
        for worker in workers:
            worker.kill()                           # only matters if one hung or failed
    study = optuna.load_study(study_name="shared", storage=tune.open_storage(journal))
    trials = study.trials
    assert sorted(t.number for t in trials) == list(range(12))
    assert all(t.state == optuna.trial.TrialState.COMPLETE for t in trials)
    assert sorted(np.unique([t.user_attrs["pid"] for t in trials], return_counts=True)[1]) == [6, 6]
    for trial in trials:
        assert trial.value == pytest.approx((trial.params["x"] - 2) ** 2, rel=1e-12)
