"""Saving and loading state dicts as numpy `.npz` archives: plain arrays, read back with
`allow_pickle=False`, so loading a file can never run code."""
import zipfile
import zlib

import numpy as np

import autograd as ag


def save(state, path):
    """Write a module's state dict (or any dict of tensors/arrays, or the module itself) to `path`
    (the exact file name given).

    >>> import nn, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "linear.npz")
    >>> nn.save(nn.Linear(2, 3), path); sorted(nn.load(path))
    ['bias', 'weight']
    """
    if hasattr(state, "state_dict"):
        state = state.state_dict()
    arrays = {}
    for key, value in state.items():
        array = value.data if isinstance(value, ag.Tensor) else np.asarray(value)
        if array.dtype == object:
            raise ValueError(f"save: {key!r} is not a numeric array (dtype object)")
        arrays[key] = array
    with open(path, "wb") as file:
        np.savez(file, **arrays)


def load(path):
    """Read a state dict written by `save`: a dict of name -> Tensor, for `load_state_dict`.
    A file that is not such an archive (a `.npy` array, a truncated or foreign file) raises
    ValueError naming it."""
    try:
        data = np.load(path, allow_pickle=False)
        if not isinstance(data, np.lib.npyio.NpzFile):
            raise ValueError(f"it holds a single {type(data).__name__}, not an archive")
        with data as archive:
            return {key: ag.from_numpy(archive[key]) for key in archive.files}
    except (ValueError, EOFError, zipfile.BadZipFile, zlib.error) as error:
        raise ValueError(f"nn.load: {path} could not be read ({error}); expected an .npz archive of arrays "
                         "written by nn.save") from error
