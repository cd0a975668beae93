"""nn.save / nn.load: checkpoints as one .npz holding the arrays and the structure as JSON. Never pickle.

The file is a NumPy .npz (a zip) with one entry "__structure__" (a JSON string) and one
entry per array. In the JSON, lists, strings, numbers, bools and None stand for
themselves; a dict is {"dict": [[key, value], ...]} (keys str or int), a tuple
{"tuple": [...]}, an array {"array": "<entry name>"}. Loading uses allow_pickle=False.
"""
import json
import os
import secrets
import stat
import zipfile

import numpy as np

from autograd import Tensor

FORMAT = "backprop-lab checkpoint 1"
_STRUCTURE = "__structure__"
_ZIP_MAGIC = b"PK\x03\x04"
_PICKLE_PROTOCOL_MARK = b"\x80"


class CheckpointError(ValueError):
    """A file that nn.load cannot read: not a checkpoint, truncated, corrupt, or carrying pickled objects."""


def _encode(value, arrays, where):
    """The JSON form of `value`; arrays are moved into `arrays` (a dict of entry name -> ndarray)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.generic) and value.dtype.kind in "biuf":
        return value.item()
    if isinstance(value, (Tensor, np.ndarray)):
        array = value.data if isinstance(value, Tensor) else value
        if array.dtype.kind not in "biufU":
            raise TypeError(f"save: {where} is an array of dtype {array.dtype}; only numeric and string arrays "
                            "can be saved without pickle")
        key = f"a{len(arrays)}"
        arrays[key] = array
        return {"array": key}
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                raise TypeError(f"save: {where} has a key {key!r} of type {type(key).__name__}; keys must be str or int")
        return {"dict": [[key, _encode(item, arrays, f"{where}[{key!r}]")] for key, item in value.items()]}
    if isinstance(value, (list, tuple)):
        items = [_encode(item, arrays, f"{where}[{i}]") for i, item in enumerate(value)]
        return items if isinstance(value, list) else {"tuple": items}
    raise TypeError(f"save: {where} is a {type(value).__name__}; only dicts, lists, tuples, arrays, Tensors, "
                    "numbers, strings, bools and None can be saved")


def _decode(node, arrays):
    if isinstance(node, list):
        return [_decode(item, arrays) for item in node]
    if not isinstance(node, dict):
        return node
    if set(node) == {"array"}:
        return arrays[node["array"]]
    if set(node) == {"tuple"}:
        return tuple(_decode(item, arrays) for item in node["tuple"])
    if set(node) == {"dict"}:
        return {key: _decode(item, arrays) for key, item in node["dict"]}
    raise CheckpointError(f"unknown node {sorted(node)} in the structure")


def save(obj, path):
    """Write `obj` (nested dicts, lists and tuples of arrays, Tensors, numbers, strings, bools, None) to `path`.

    Tensors are saved as arrays. The file is written to a temporary file in the same
    directory and renamed into place, so `path` is either the old file or the complete new one.
    Its mode is the one `open(path, "wb")` gives: that of the file it replaces, or for a new
    file 0o666 less the umask (as torch.save's).
    """
    path = os.fspath(path)
    arrays = {}
    structure = json.dumps({"format": FORMAT, "root": _encode(obj, arrays, "obj")})
    temporary = f"{path}.{secrets.token_hex(8)}.tmp"  # beside `path`: os.replace must not cross file systems
    file = open(temporary, "xb")  # a new file, created with 0o666 less the umask as open() creates files
    try:
        with file:
            np.savez(file, **{_STRUCTURE: np.array(structure)}, **arrays)
            file.flush()
            os.fsync(file.fileno())
        if os.path.exists(path):
            os.chmod(temporary, stat.S_IMODE(os.stat(path).st_mode))
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def _check_header(path):
    with open(path, "rb") as file:
        head = file.read(4)
    if head.startswith(_PICKLE_PROTOCOL_MARK):
        raise CheckpointError(f"load: {path!r} is a pickle file; nn.load never unpickles (unpickling can run "
                              "arbitrary code). Re-save the data with nn.save.")
    if head != _ZIP_MAGIC:
        raise CheckpointError(f"load: {path!r} is not an nn.save checkpoint (not an .npz/zip file; "
                              f"it starts with {head!r})")


def load(path):
    """Read what `save` wrote. Raises CheckpointError for a foreign, truncated, corrupt or pickle-bearing file."""
    path = os.fspath(path)
    _check_header(path)
    try:
        with np.load(path, allow_pickle=False) as archive:
            if _STRUCTURE not in archive.files:
                raise CheckpointError(f"load: {path!r} is an .npz file but not an nn.save checkpoint "
                                      f"(no {_STRUCTURE!r} entry; entries {archive.files[:5]})")
            structure = json.loads(str(archive[_STRUCTURE]))
            if not isinstance(structure, dict) or structure.get("format") != FORMAT:
                raise CheckpointError(f"load: {path!r} has an unknown format marker")
            arrays = {name: archive[name] for name in archive.files if name != _STRUCTURE}
    except CheckpointError:
        raise
    except ValueError as exc:
        if "pickle" in str(exc):
            raise CheckpointError(f"load: {path!r} carries pickled (object) arrays; nn.load never unpickles "
                                  "(unpickling can run arbitrary code)") from None
        raise CheckpointError(f"load: {path!r} is corrupt: {exc}") from None
    except (zipfile.BadZipFile, EOFError, OSError, KeyError) as exc:
        raise CheckpointError(f"load: {path!r} is truncated or corrupt ({type(exc).__name__}: {exc})") from None
    try:
        return _decode(structure["root"], arrays)
    except (KeyError, TypeError, ValueError) as exc:
        raise CheckpointError(f"load: {path!r} has an inconsistent structure ({exc})") from None
