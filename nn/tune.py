"""Hyperparameter search on Optuna (the `tune` extra): a `fit` callback that reports to a trial and
stops the trials Optuna's pruner cuts, and `search`, which runs a study and returns it.

The study lives in memory by default. Several processes on one machine share it through a
journal file (`storage="search.log"`) or an SQLite file (`storage="search.db"`); several machines
through an RDB URL (`"postgresql://user:password@host/db"`, `"mysql://..."`) or a journal file on
a file system they all mount. Each process then runs its own `search(...)` with the same
`study_name` and storage, and every trial is recorded once. Results are Optuna's own:
`study.best_params`, `study.trials_dataframe()`, `optuna.visualization.matplotlib`.
"""
import os

try:
    import optuna
except ImportError as error:
    raise ImportError("nn.tune needs Optuna: pip install 'tapegrad[tune]'") from error

from .training import Callback

_SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")


class PruningCallback(Callback):
    """Report `logs[monitor]` to `trial` after each epoch (the epoch is the step) and stop `fit`
    when Optuna's pruner says the trial is not worth finishing; `fit` then raises
    `optuna.TrialPruned`, which marks the trial pruned. Put it last among `fit`'s callbacks (the
    others' `on_train_end` run before it raises).

    >>> study = optuna.create_study()
    >>> callback = PruningCallback(study.ask(), monitor="val_loss")
    """

    def __init__(self, trial, monitor="val_loss"):
        self.trial, self.monitor = trial, monitor
        self.pruned_at = None  # (epoch, value) when the pruner stopped the run

    def on_train_begin(self, model):
        self.pruned_at = None

    def on_epoch_end(self, epoch, logs, model):
        if self.monitor not in logs:
            raise ValueError(f"PruningCallback monitors {self.monitor!r}, but the epoch logged only {sorted(logs)} "
                             "(pass val_loader to fit to get val_ metrics)")
        value = logs[self.monitor]
        self.trial.report(value, epoch)
        if self.trial.should_prune():
            self.pruned_at = epoch, value
            return True
        return False

    def on_train_end(self, model):
        if self.pruned_at is not None:
            epoch, value = self.pruned_at
            raise optuna.TrialPruned(f"pruned after epoch {epoch} ({self.monitor} {value:.4g})")


def open_storage(storage):
    """Optuna's storage for `storage`: None (in memory), a URL such as "sqlite:///search.db" or
    "postgresql://...", a file path ending in .db/.sqlite/.sqlite3 (SQLite), any other file path
    (a journal file), or an Optuna storage object (returned as it is).

    >>> open_storage(None) is None, open_storage("search.db")
    (True, 'sqlite:///search.db')
    """
    if storage is None or isinstance(storage, optuna.storages.BaseStorage):
        return storage
    if not isinstance(storage, (str, os.PathLike)):
        raise ValueError(f"search: storage must be None, a URL, a file path or an Optuna storage, got {storage!r}")
    storage = os.fspath(storage)
    if "://" in storage:
        return storage
    if storage.endswith(_SQLITE_SUFFIXES):
        return f"sqlite:///{storage}"
    return optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(storage))


def search(objective, n_trials, storage=None, n_jobs=1, study_name=None, direction="minimize", sampler=None,
           pruner=None, timeout=None):
    """Run `n_trials` trials of `objective(trial) -> value` in the study `study_name` (created, or
    joined if `storage` already holds it) and return the `optuna.Study`. `n_jobs` runs trials in
    threads of this process; for more processes or machines start this same call in each, with a
    shared `storage` (see `open_storage`). `sampler` and `pruner` default to Optuna's (TPE and the
    median pruner); `direction` is "minimize" or "maximize".

    >>> study = search(lambda trial: (trial.suggest_float("x", -3, 3) - 1) ** 2, n_trials=20,
    ...                sampler=optuna.samplers.RandomSampler(seed=0))
    >>> len(study.trials), abs(study.best_params["x"] - 1) < 0.5
    (20, True)
    """
    if not isinstance(n_trials, int) or n_trials < 0:
        raise ValueError(f"search: n_trials must be an int >= 0, got {n_trials!r}")
    if storage is not None and study_name is None:
        raise ValueError(f"search: a study kept in {storage!r} needs a study_name, so other processes can join it")
    study = optuna.create_study(storage=open_storage(storage), sampler=sampler, pruner=pruner, study_name=study_name,
                                direction=direction, load_if_exists=True)
    study.optimize(objective, n_trials=n_trials, n_jobs=n_jobs, timeout=timeout)
    return study
