"""Files of the build's caches read back as plain values only (the kept pictures' specs, the page cache).

A cache file is the project's own, but a damaged, truncated or planted one must never run code nor stop the
build: `PlainValues` refuses any class, `loaded` and `read_shard` give None or {} for what cannot be read,
and their callers check the shape of what they take. A shard is read once per process while its file keeps
its size and time (`atlas serve` reads it once per change)."""

from __future__ import annotations

import io
import os
import pickle
from pathlib import Path
from typing import Any

# what reading a cache file raises: a damaged pickle can raise nearly anything while it is read (a list where
# a set's items are added: AttributeError; a frame longer than the file: OverflowError; IndexError,
# MemoryError), so that reading one is a failure to read, whatever it raises
UNREADABLE = (Exception,)


class PlainValues(pickle.Unpickler):
    """Plain values only (dicts, lists, sets, tuples, strings, numbers, bytes): no class is made, so a file put
    in the cache cannot run code."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"{module}.{name}: a cache file holds plain values only")


def read_plain(path: Path) -> Any:
    """A whole cache file as plain values, None when it cannot be read or holds anything else."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()  # from memory: a length field of a damaged file cannot ask for more than it has
        return PlainValues(io.BytesIO(data)).load()
    except UNREADABLE:
        return None


def loaded(blob: Any) -> Any:
    """A part of an index pickled apart (plain values only), None when it is not that."""
    if not isinstance(blob, bytes):
        return None
    try:
        return PlainValues(io.BytesIO(blob)).load()
    except UNREADABLE:
        return None


def pickled(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


# shard file -> its size and time as read, and what it holds
_SHARD_CACHE: dict[str, tuple[tuple[int, int], dict[str, Any]]] = {}


def forget_shard(path: Path) -> None:
    """A shard file was written again: what this process read of it is not used again."""
    _SHARD_CACHE.pop(str(path), None)


def read_shard(path: Path) -> dict[str, Any]:
    """What a shard file holds ({} when it cannot be read or is not a mapping of plain values). Shared with
    every reader of the process: not to be changed (copy it first)."""
    where = str(path)
    try:
        status = os.stat(path)
    except OSError:
        return {}
    stamp = (status.st_size, status.st_mtime_ns)
    found = _SHARD_CACHE.get(where)
    if found is not None and found[0] == stamp:
        return found[1]
    data = read_plain(path)
    data = data if isinstance(data, dict) else {}
    _SHARD_CACHE[where] = (stamp, data)
    return data
