"""What a piece of output read from the atlas, recorded while it is made, and that read's state today.

A picture's spec or a page made from many sheets reads some territories and hubs (by id, or all of
them in a loop) and some entries of the indexes (children, hubs by territory, partners). `Recorder`
notes those reads on the atlas itself (its mappings swapped for recording ones while it is entered,
so the memos keyed by the atlas still apply); `ReadState` hashes a list of reads as the sheets and
indexes are today. Equal hashes: what was made from them is what would be made again (issue 11,
target 2: after one edit, only what read the edited sheet is made again).
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from generator.file_states import file_hash
from generator.model import Atlas

ALL = "*"  # the read of a whole mapping (a loop over it, its length)
RECORDED = ("territories", "hubs", "children", "hubs_by_territory", "partners_of", "named_by")
SHEETS = ("territories", "hubs")  # mappings of records read from one sheet each


class _Reads(Mapping):
    """A read-only mapping that notes each key read (and ALL for a loop) into its recorder's current set."""

    __slots__ = ("_inner", "_name", "_recorder")

    def __init__(self, name: str, inner: Mapping[str, Any], recorder: Recorder) -> None:
        self._name, self._inner, self._recorder = name, inner, recorder

    def __getitem__(self, key: str) -> Any:
        self._recorder.reads.add((self._name, key))
        return self._inner[key]

    def get(self, key: str, default: Any = None) -> Any:
        self._recorder.reads.add((self._name, key))
        return self._inner.get(key, default)

    def __contains__(self, key: object) -> bool:
        self._recorder.reads.add((self._name, key))  # type: ignore[arg-type]
        return key in self._inner

    def __iter__(self) -> Iterator[str]:
        self._recorder.reads.add((self._name, ALL))
        return iter(self._inner)

    def __len__(self) -> int:
        self._recorder.reads.add((self._name, ALL))
        return len(self._inner)

    def keys(self) -> Any:
        self._recorder.reads.add((self._name, ALL))
        return self._inner.keys()

    def values(self) -> Any:
        self._recorder.reads.add((self._name, ALL))
        return self._inner.values()

    def items(self) -> Any:
        self._recorder.reads.add((self._name, ALL))
        return self._inner.items()


class _ReadsAll(tuple):
    """The partnerships: any read of the tuple is a read of all of it."""

    _recorder: Recorder

    def _note(self) -> None:
        self._recorder.reads.add(("partnerships", ALL))

    def __iter__(self) -> Iterator[Any]:
        self._note()
        return super().__iter__()

    def __len__(self) -> int:
        self._note()
        return super().__len__()

    def __getitem__(self, index: Any) -> Any:
        self._note()
        return super().__getitem__(index)

    def __contains__(self, item: object) -> bool:
        self._note()
        return super().__contains__(item)


class Recorder:
    """While entered, the atlas's mappings note what is read into `reads` (set it per spec). The atlas
    object stays the same one (the measured scores and other memos keyed by it still apply)."""

    def __init__(self, atlas: Atlas) -> None:
        self.atlas = atlas
        self.reads: set[tuple[str, str]] = set()
        self._saved: dict[str, Any] = {}

    def __enter__(self) -> Recorder:
        for name in RECORDED:
            self._saved[name] = getattr(self.atlas, name)
            object.__setattr__(self.atlas, name, _Reads(name, self._saved[name], self))
        self._saved["partnerships"] = self.atlas.partnerships
        pairs = _ReadsAll(self.atlas.partnerships)
        pairs._recorder = self
        object.__setattr__(self.atlas, "partnerships", pairs)
        return self

    def __exit__(self, *exc: object) -> None:
        for name, value in self._saved.items():
            object.__setattr__(self.atlas, name, value)
        self._saved.clear()


class ReadState:
    """The state today of what was read: a record's sheet (its path and a hash of its bytes), an index
    entry (its value), a whole mapping (all of those). Sheet paths are relative to `base` (the parent
    of the sheets folder); one `ReadState` per build (it keeps the hashes it made)."""

    def __init__(self, atlas: Atlas, base: Path) -> None:
        self.atlas = atlas
        self.base = base
        self._sheets: dict[str, str] = {}
        self._states: dict[tuple[str, str], str] = {}
        self._lines: dict[tuple[str, str], str] = {}  # a read's line of a digest (`digest`)

    def sheet(self, path: str) -> str:
        """The hash of one sheet's bytes ("unreadable" when it cannot be read)."""
        found = self._sheets.get(path)
        if found is None:
            found = self._sheets[path] = file_hash(self.base / path)
        return found

    def state(self, name: str, key: str) -> str:
        """Today's state of one read (the atlas's own mappings: call it outside a `Recorder`)."""
        found = self._states.get((name, key))
        if found is None:
            found = self._states[(name, key)] = self._state(name, key)
        return found

    def _state(self, name: str, key: str) -> str:
        mapping = getattr(self.atlas, name)
        if key == ALL:
            if name in SHEETS:
                text = "\n".join(f"{k} {self.state(name, k)}" for k in mapping)
            else:
                text = repr(list(mapping.items()) if name != "partnerships" else mapping)
            return hashlib.sha256(text.encode("utf-8")).hexdigest()
        value = mapping.get(key)
        if value is None:
            return "-"
        if name in SHEETS:
            return f"{value.path} {self.sheet(value.path)}"
        return repr(value)

    def digest(self, common: str, reads: Iterable[Iterable[str]]) -> str:
        """The hash of `common` (what else the output depends on) and of the reads' states today."""
        lines = self._lines  # each read's line made once a build: 10,000 digests of 160,000 reads after one edit
        text = [common]
        for name, key in reads:
            line = lines.get((name, key))
            if line is None:
                line = lines[(name, key)] = f"{name}\0{key}\0{self.state(name, key)}"
            text.append(line)
        return hashlib.sha256("\n".join(text).encode()).hexdigest()


# id(atlas) -> the atlas (weakly), the scores its digest was made with, and that digest
_SHARED: dict[int, tuple[weakref.ref, Any, str]] = {}


def shared_digest(atlas: Atlas, scores: Any) -> str:
    """SHA-256 of what any output may show besides the records it reads: the build date, the vocabulary,
    the shared sources, the indicators' catalogue and the measured `scores` (generator.measured), made
    once per atlas. Their text is 7 MB on the national atlas, and the pictures' specs, the page keys,
    the kept kinds and the data files each hashed it again (about seven times a build, 0.1 s)."""
    key = id(atlas)
    found = _SHARED.get(key)
    if found is not None and found[0]() is atlas and found[1] is scores:
        return found[2]
    digest = hashlib.sha256()
    for part in (atlas.as_of, atlas.vocabulary, atlas.sources, atlas.indicators, scores):
        digest.update(repr(part).encode("utf-8") + b"\0")
    _SHARED[key] = (weakref.ref(atlas, lambda _ref: _SHARED.pop(key, None)), scores, digest.hexdigest())
    return _SHARED[key][2]


def listed(reads: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Reads as a sorted JSON-able list (what an index keeps)."""
    return sorted([name, str(key)] for name, key in reads)
