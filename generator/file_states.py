"""A file's state (size, times, inode) and the hash of its bytes, known once per process.

The sheets' memo (generator.sheet_memo) and what an output read (generator.atlas_reads) both need the
SHA-256 of the sheets' bytes; whoever reads a sheet first notes it here, and the others take it while
the file's state is the same. A state noted from a file written in the last seconds is not kept: a
second write in the same tick of the file system's clock would leave its times as they were (what git
calls a racy entry).
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

State = tuple[int, int, int, int]  # size, modification and change times (ns), inode

RACY_NS = 2_000_000_000  # a file changed this recently may change again within one tick of its times


# path -> its state when hashed, and the hash of its bytes, for the life of the process (atlas serve makes
# several ReadStates per save, and each read and hashed the 2,900 sheets again)
_HASHED: dict[str, tuple[State, str]] = {}


def state_of(path: str | Path) -> State | None:
    """The file's state, or None when it cannot be read."""
    try:
        return state_from(os.stat(path))
    except OSError:
        return None


def state_from(status: os.stat_result) -> State:
    """The state of a file from its `os.stat` result (a caller that has one already)."""
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)


def settled(state: State, now_ns: int | None = None) -> bool:
    """Whether a state can stand for the bytes read now: the file was last changed RACY_NS ago or more."""
    now = time.time_ns() if now_ns is None else now_ns
    return now - max(state[1], state[2]) > RACY_NS


def note_hash(path: str | Path, state: State, digest: str) -> None:
    """Note the hash of the bytes read from `path` in `state` (kept only when the state is settled)."""
    if settled(state):
        _HASHED[str(path)] = (state, digest)


def known_hash(path: str | Path, state: State) -> str | None:
    """The hash noted for `path` in this very state, or None."""
    kept = _HASHED.get(str(path))
    return kept[1] if kept is not None and kept[0] == state else None


def bytes_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


# absolute path -> the state of a sheet when the loader read it and the hash of the bytes it parsed (settled or
# not): what an output made from that load was made from (`loaded_hash`)
_LOADED: dict[str, tuple[State | None, str]] = {}
CHANGED_SINCE_READ = "changed-since-read:"  # prefix of a hash that no file's bytes have


def forget_loaded() -> None:
    """Forget what the last load parsed (a load begins)."""
    _LOADED.clear()


def note_loaded(path: str, state: State | None, digest: str) -> None:
    """Note the bytes the loader parsed for the sheet at `path` (absolute), and the file's state then."""
    _LOADED[path] = (state, digest)


def loaded_digest(path: str) -> str | None:
    """The hash of the bytes the loader parsed for the sheet at `path` (absolute), when it noted them with the
    file's state; else None. What a record made by that load was made from, without looking at the file."""
    loaded = _LOADED.get(path)
    return loaded[1] if loaded is not None and loaded[0] is not None else None


def loaded_hash(path: str | Path, normal: bool = False) -> str:
    """The hash of the bytes the loader parsed for this sheet: what the outputs made from that load are kept
    under. A sheet saved again during the build is not looked at again here: the next build hashes its new
    bytes, which differ from these, and makes again what shows it (the file's new hash, taken here, would have
    vouched for pages made from the old bytes; a second stat of the 5,400 sheets of the France tree was 2 % of
    a watch build). Loaded without a state: a value no file's bytes hash to. A sheet the loader did not note:
    `file_hash`. `normal`: `path` is absolute and normalised already (a string)."""
    where = path if normal and isinstance(path, str) else os.path.abspath(path)
    loaded = _LOADED.get(where)
    if loaded is None:
        return file_hash(Path(where))
    state, digest = loaded
    return digest if state is not None else CHANGED_SINCE_READ + digest


def file_hash(path: Path) -> str:
    """The SHA-256 of a file's bytes ("unreadable" when it cannot be read), hashed again only when its
    size, times or inode changed since this process hashed it (or it was written in the last seconds)."""
    state = state_of(path)
    if state is None:
        return "unreadable"
    found = known_hash(path, state)
    if found is not None:
        return found
    try:
        with open(path, "rb") as handle:
            found = bytes_hash(handle.read())
    except OSError:
        return "unreadable"
    note_hash(path, state, found)
    return found
