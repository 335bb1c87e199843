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
import os
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any, NamedTuple

from generator.file_states import loaded_hash
from generator.model import Atlas, per_atlas

ALL = "*"  # the read of a whole mapping (a loop over its values or items)
KEYS = "#"  # the read of a mapping's keys alone (its length, a loop over its keys: each value read is noted)
QUERY = "?"  # the reads of a query's answer are named "?<query>" (see `ask`)
RECORDED = ("territories", "hubs", "children", "hubs_by_territory", "hubs_inside", "partners_of", "named_by")
DIGEST = 8  # bytes of a record field's digest (`field_digests`)
SHEETS = ("territories", "hubs")  # mappings of records read from one sheet each


class _Reads(Mapping):
    """A read-only mapping that notes each key read (ALL for a loop over its values, KEYS for its length or a
    loop over its keys alone) into its recorder's current set."""

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
        self._recorder.reads.add((self._name, KEYS))
        return iter(self._inner)

    def __len__(self) -> int:
        self._recorder.reads.add((self._name, KEYS))
        return len(self._inner)

    def keys(self) -> Any:
        self._recorder.reads.add((self._name, KEYS))
        return self._inner.keys()

    def values(self) -> Any:
        self._recorder.reads.add((self._name, ALL))
        return self._inner.values()

    def items(self) -> Any:
        self._recorder.reads.add((self._name, ALL))
        return self._inner.items()


class NotedTuple(tuple):
    """A tuple whose every read (a loop, its length, an item, membership, its truth) calls `_noted()`: the
    partnerships while a recorder (here, or the pictures' `FieldRecorder`) records, read only as a whole."""

    _noted: Callable[[], None]

    def __iter__(self) -> Iterator[Any]:
        self._noted()
        return super().__iter__()

    def __len__(self) -> int:
        self._noted()
        return super().__len__()

    def __getitem__(self, index: Any) -> Any:
        self._noted()
        return super().__getitem__(index)

    def __contains__(self, item: object) -> bool:
        self._noted()
        return super().__contains__(item)

    def __bool__(self) -> bool:
        self._noted()
        return super().__len__() > 0


def noted_partnerships(atlas: Atlas, saved: dict[str, Any], note: Callable[[], None]) -> None:
    """Put in place of the atlas's partnerships a `NotedTuple` calling `note` at each read (the tuple it
    replaces kept in `saved`, for `put_back`): both recorders, the shared pages' and the pictures', do it."""
    saved["partnerships"] = atlas.partnerships
    pairs = NotedTuple(atlas.partnerships)
    pairs._noted = note
    object.__setattr__(atlas, "partnerships", pairs)


def put_back(atlas: Atlas, saved: dict[str, Any]) -> None:
    """The atlas's attributes a recorder replaced, as they were (and `saved` emptied)."""
    for name, value in saved.items():
        object.__setattr__(atlas, name, value)
    saved.clear()


class Recorder:
    """While entered, the atlas's mappings note what is read into `reads` (set it per spec). The atlas
    object stays the same one (the measured scores and other memos keyed by it still apply)."""

    def __init__(self, atlas: Atlas) -> None:
        self.atlas = atlas
        self.reads: set[tuple[str, str]] = set()
        self._saved: dict[str, Any] = {}
        self._outer: Recorder | None = None

    def __enter__(self) -> Recorder:
        self._outer = _RECORDING.get(id(self.atlas))
        _RECORDING[id(self.atlas)] = self
        for name in RECORDED:
            self._saved[name] = getattr(self.atlas, name)
            object.__setattr__(self.atlas, name, _Reads(name, self._saved[name], self))
        # noted in the recorder's set of the moment (`answer` swaps it)
        noted_partnerships(self.atlas, self._saved, lambda: self.reads.add(("partnerships", ALL)))
        return self

    def __exit__(self, *exc: object) -> None:
        put_back(self.atlas, self._saved)
        if self._outer is None:
            _RECORDING.pop(id(self.atlas), None)
        else:
            _RECORDING[id(self.atlas)] = self._outer


_ORDER: dict[type, tuple[str, ...]] = {}


def field_order(kind: type) -> tuple[str, ...]:
    """The declared fields of a record's class, in the model's order (what a record's digests follow)."""
    found = _ORDER.get(kind)
    if found is None:
        found = _ORDER[kind] = tuple(f.name for f in fields(kind))
    return found


def field_digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=DIGEST).digest()


def field_digests(record: Any) -> bytes:
    """Each declared field's value hashed (its repr: a frozen value of the model), one after the other."""
    return b"".join(field_digest(repr(getattr(record, name))) for name in field_order(type(record)))


def fields_apart(kind: type, was: bytes, now: bytes) -> list[str]:
    """The fields of a record of class `kind` whose digests differ between two `field_digests` of it (every
    field when their lengths differ: another model)."""
    names = field_order(kind)
    if len(was) != len(now):
        return list(names)
    return [name for i, name in enumerate(names)
            if was[i * DIGEST:(i + 1) * DIGEST] != now[i * DIGEST:(i + 1) * DIGEST]]


class ReadState:
    """The state today of what was read: a record's sheet (its path and a hash of its bytes), an index
    entry (its value), a whole mapping (all of those). Sheet paths are relative to `base` (the parent
    of the sheets folder); one `ReadState` per build (it keeps the hashes it made)."""

    def __init__(self, atlas: Atlas, base: Path) -> None:
        self.atlas = atlas
        self.base = base
        self._where = os.path.abspath(base)  # sheets' paths joined to it as strings (5,400 Paths a build)
        self._sheets: dict[str, str] = {}
        self._states: dict[tuple[str, str], str] = {}
        self._lines: dict[tuple[str, str], str] = {}  # a read's line of a digest (`digest`)
        self._fields: dict[str, tuple[Any, bytes]] = {}  # sheet path -> its record and `field_digests`
        self._common: tuple[str, str] | None = None  # `answers_common`'s code and digest
        self._structure = ""

    def structure(self) -> str:
        """`structure_digest` of the atlas, made once."""
        if not self._structure:
            self._structure = structure_digest(self.atlas)
        return self._structure

    def sheet(self, path: str) -> str:
        """The hash of the bytes of one sheet that the outputs were made from: those the loader parsed
        (file_states.loaded_hash: a sheet saved again during the build hashes to no file's bytes, so what is
        kept under it is made again next time); "unreadable" when it cannot be read."""
        found = self._sheets.get(path)
        if found is None:
            found = self._sheets[path] = loaded_hash(os.path.join(self._where, path), normal=True)
        return found

    def state(self, name: str, key: str) -> str:
        """Today's state of one read (the atlas's own mappings: call it outside a `Recorder`)."""
        found = self._states.get((name, key))
        if found is None:
            found = self._states[(name, key)] = self._state(name, key)
        return found

    def _state(self, name: str, key: str) -> str:
        if name.startswith(QUERY):  # the answer itself: equal answers, equal state, whatever records they read
            try:
                found = answer(self.atlas, name[len(QUERY):], key)
            except KeyError:  # a query this code no longer has
                return "-"
            return hashlib.sha256(repr(found).encode("utf-8")).hexdigest()
        mapping = getattr(self.atlas, name)
        if key == KEYS:
            return hashlib.sha256(repr(list(mapping)).encode("utf-8")).hexdigest()
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

    def answers_common(self, code: str) -> str:
        """What the queries' answers and the records' fields depend on besides the sheets: the `code` (the
        generator's and the templates': `page_code.code_version`) and `inputs_digest` (the build date, which
        makes a status old, the vocabulary, the shared files a record is made with). Not the measured scores,
        which an edit of a status changes."""
        if self._common is None or self._common[0] != code:
            self._common = (code, hashlib.sha256(f"{code}\0{inputs_digest(self.atlas)}".encode()).hexdigest())
        return self._common[1]

    def carry(self, name: str, key: str, state: str) -> None:
        """Take `state` as today's state of the read (name, key), without working it out: an answer whose
        query reads no field that changed since the build that found that state (page_cache._changed_answers)."""
        self._states[(name, key)] = state

    def changed_fields(self, changes: Changes, previous: Any) -> dict[str, set[str]] | None:
        """The fields, by mapping, that differ between the records of the sheets `changes` names and the same
        records at the last build (`previous`, its `snapshot`); None when that build's fields of one of them
        are not known."""
        held = previous.get("fields") if isinstance(previous, dict) else None
        if not isinstance(held, dict):
            return None
        out: dict[str, set[str]] = {name: set() for name in SHEETS}
        for name, key in changes.reads:
            if name not in SHEETS or key in (ALL, KEYS):
                continue
            record = getattr(self.atlas, name)[key]
            was, now = held.get(record.path), self.fields(record)
            if not isinstance(was, bytes):
                return None
            out[name].update(fields_apart(type(record), was, now))
        return out

    def fields(self, record: Any) -> bytes:
        """`field_digests` of a record, made once a build."""
        found = self._fields.get(record.path)
        if found is None or found[0] is not record:
            found = self._fields[record.path] = (record, field_digests(record))
        return found[1]

    def answer_states(self) -> dict[str, str]:
        """The states of the queries' answers this run told ("?query\0argument" -> state): kept in the snapshot,
        so that the next build tells which answers changed and checks only the groups that read those."""
        return {f"{name}\0{key}": state for (name, key), state in self._states.items() if name.startswith(QUERY)}

    def snapshot(self, previous: Any = None, same_common: bool = False) -> dict[str, Any]:
        """This run's state of the indexes and sheets, kept with the page cache's index: the next build tells
        what changed since from it (`changes_since`), without hashing each kept output's reads again; and each
        record's `field_digests`, by which it tells which fields an edit changed (`changed_fields`). A record
        whose sheet has the bytes it had at `previous` (the last snapshot, made with the same `answers_common`)
        has the digests held there (hashing 5,400 records' fields: 0.2 s)."""
        atlas = self.atlas
        records = [*atlas.territories.values(), *atlas.hubs.values()]
        sheets = {r.path: self.sheet(r.path)[:32] for r in records}
        before = previous if same_common and isinstance(previous, dict) else {}
        old_sheets, old_fields = before.get("sheets"), before.get("fields")
        if not (isinstance(old_sheets, dict) and isinstance(old_fields, dict)):
            old_sheets = old_fields = {}
        fields_now: dict[str, bytes] = {}
        for r in records:
            was = old_fields.get(r.path)
            known = self._fields.get(r.path)
            fields_now[r.path] = known[1] if known is not None and known[0] is r else \
                was if isinstance(was, bytes) and old_sheets.get(r.path) == sheets[r.path] else self.fields(r)
        return {"structure": self.structure(), "sheets": sheets, "fields": fields_now}

    def changes_since(self, previous: Any) -> Changes | None:
        """What differs from `previous` (a `snapshot` of the last build), or None when that cannot be told:
        no snapshot, or the indexes changed (a sheet added, removed, moved, a parent or partner changed)."""
        if not (isinstance(previous, dict) and isinstance(previous.get("sheets"), dict)
                and previous.get("structure") == self.structure()):
            return None
        before = previous["sheets"]
        atlas = self.atlas
        every = (*(t.path for t in atlas.territories.values()), *(h.path for h in atlas.hubs.values()))
        paths = {path for path in every if before.get(path) != self.sheet(path)[:32]}
        reads: set[tuple[str, str]] = set()
        for name in SHEETS:
            mapping = getattr(atlas, name)
            changed = {(name, key) for key, record in mapping.items() if record.path in paths}
            if changed:
                reads |= changed | {(name, ALL)}
        cards = {h.id for h in atlas.hubs.values()
                 if h.path in paths or atlas.territories[h.territory_id].path in paths}
        return Changes(frozenset(paths), frozenset(reads), frozenset(cards))

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


class Changes(NamedTuple):
    """What changed since the last build's `ReadState.snapshot`, the indexes being the same: the sheets
    (paths), the reads whose state differs (a sheet's record, and the whole mapping it is in), the hubs
    whose card (their sheet and their territory's) differs. An output none of whose reads is among them
    has the key it had: it is kept without hashing its reads again (issue 11: 10,000 digests after one edit)."""

    paths: frozenset[str]
    reads: frozenset[tuple[str, str]]
    cards: frozenset[str]

    def touch(self, reads: Iterable[Iterable[str]]) -> bool:
        """Whether any of `reads` (pairs, as kept in an index) is among the changed ones."""
        changed = self.reads
        if not changed:
            return False
        for name, key in reads:
            if (name, key) in changed or name[0] == QUERY:  # a query's answer: asked again (its state)
                return True
        return False


def structure_digest(atlas: Atlas) -> str:
    """`_structure_digest` of the atlas, made once per atlas (the page cache and the pages' sources both ask)."""
    return per_atlas(_STRUCTURES, atlas, lambda: _structure_digest(atlas))


_STRUCTURES: dict[int, tuple[weakref.ref, str]] = {}  # id(atlas) -> the atlas (weakly) and its structure's digest


def _structure_digest(atlas: Atlas) -> str:
    """SHA-256 of the atlas's indexes: each record's id and sheet, the parents, the hubs' territories, the
    children, the hubs by territory, the partnerships (what a page's sources and the recorded index reads
    are made of). Equal: those reads are as they were, and a sheet's state is its bytes' hash alone."""
    digest = hashlib.sha256()
    digest.update(repr([(t.id, t.path, t.parent_id) for t in atlas.territories.values()]).encode())
    digest.update(repr([(h.id, h.path, h.territory_id) for h in atlas.hubs.values()]).encode())
    for name in ("children", "hubs_by_territory", "hubs_inside", "partners_of", "named_by"):
        digest.update(f"\0{name}\0{list(getattr(atlas, name).items())!r}".encode())
    digest.update(f"\0{atlas.partnerships!r}".encode())
    return digest.hexdigest()


# queries by name: a value made from the atlas alone (and its argument), whose read is its answer (`ask`)
QUERIES: dict[str, Callable[[Atlas, str], Any]] = {}
# query -> the record fields its answer may read, by mapping ("territories", "hubs"): queries named there and
# not here may read anything. Beside them, an answer reads the indexes and the order of the records (the
# structure: `structure_digest`) and what the page cache's common covers (the build date, the vocabulary, the code)
QUERY_FIELDS: dict[str, dict[str, frozenset[str]]] = {}
_RECORDING: dict[int, Recorder] = {}  # id(atlas) -> the recorder running on it
_ANSWERS: dict[int, tuple[weakref.ref, dict[tuple[str, str], Any]]] = {}  # id(atlas) -> its answers


def query(name: str, territories: Iterable[str] | None = None, hubs: Iterable[str] | None = None
          ) -> Callable[[Callable[[Atlas, str], Any]], Callable[[Atlas, str], Any]]:
    """Register `make(atlas, argument)` as the query `name`: its answer must be made of plain values
    (its repr is its state) and depend on nothing but the atlas, the argument and the code. `territories` and
    `hubs`, when both given: the only fields of those records it reads, the queries it asks included (checked
    by tests/test_query_fields.py): an edit that changes none of them leaves its answer as it was, which the
    next build then takes without working it out again (`ReadState.carry`)."""
    def register(make: Callable[[Atlas, str], Any]) -> Callable[[Atlas, str], Any]:
        QUERIES[name] = make
        if territories is not None and hubs is not None:
            QUERY_FIELDS[name] = {"territories": frozenset(territories), "hubs": frozenset(hubs)}
        return make

    return register


def ask(atlas: Atlas, name: str, argument: str = "") -> Any:
    """The answer of the query `name` (made once per atlas). A running `Recorder` notes one read, the
    answer, not the records the query looked at: a page that lists the hubs of a pillar is made again when
    that list changes, not when any hub is renamed (issue 11). Not to be changed by its users: they share it."""
    found = answer(atlas, name, argument)
    recorder = _RECORDING.get(id(atlas))
    if recorder is not None:
        recorder.reads.add((QUERY + name, argument))
    return found


def answer(atlas: Atlas, name: str, argument: str) -> Any:
    """`ask` without noting the read (KeyError for a query that does not exist)."""
    key = id(atlas)
    known = _ANSWERS.get(key)
    if known is None or known[0]() is not atlas:
        known = _ANSWERS[key] = (weakref.ref(atlas, lambda _ref: _ANSWERS.pop(key, None)), {})
    if (name, argument) in known[1]:
        return known[1][(name, argument)]
    make = QUERIES[name]
    recorder = _RECORDING.get(key)
    if recorder is None:
        found = make(atlas, argument)
    else:  # what the query reads is not the reader's
        outer, recorder.reads = recorder.reads, set()
        try:
            found = make(atlas, argument)
        finally:
            recorder.reads = outer
    known[1][(name, argument)] = found
    return found


# id(atlas) -> what keeps values worked out from one sheet each between builds (the page cache's `SheetValues`)
_PER_SHEET: dict[int, tuple[weakref.ref, Callable[..., Any]]] = {}


def keep_per_sheet(atlas: Atlas, keeper: Callable[..., Any] | None) -> None:
    """Set (or, with None, remove) what `per_sheet` asks for the values of `atlas`'s sheets."""
    key = id(atlas)
    if keeper is None:
        _PER_SHEET.pop(key, None)
    else:
        _PER_SHEET[key] = (weakref.ref(atlas, lambda _ref: _PER_SHEET.pop(key, None)), keeper)


def per_sheet(atlas: Atlas, name: str, record: Any, make: Callable[[], Any], dump: Callable[[Any], Any] = list,
              load: Callable[[Any], Any] = tuple, shape_only: bool = False) -> Any:
    """`make()`, a value worked out from `record`'s sheet alone (with what every output may show: the
    build date, the shared sources...), named `name`: with a keeper (`keep_per_sheet`), taken as the
    last build made it while the sheet's bytes are the same (`dump` and `load` turn it into plain
    data and back). After one hub edit, one sheet's quality is worked out again, not 2,900. `shape_only`:
    `load` checks only the shape of what it reads back (not against the atlas), and gives a value no caller
    changes: one process may give again the value it read back from the same kept entry."""
    found = _PER_SHEET.get(id(atlas))
    if found is None or found[0]() is not atlas:
        return make()
    return found[1](name, record.path, make, dump, load, shape_only)


# id(atlas) -> the atlas (weakly), the scores its digest was made with, and that digest
_SHARED: dict[int, tuple[weakref.ref, Any, str]] = {}
_INPUTS: dict[int, tuple[weakref.ref, str]] = {}  # id(atlas) -> the atlas (weakly) and its `inputs_digest`


def inputs_digest(atlas: Atlas) -> str:
    """SHA-256 of what the atlas holds besides its records and indexes: the build date, the vocabulary, the shared
    sources, the indicators' catalogue (made once per atlas: their text is 7 MB on the national atlas)."""
    def make() -> str:
        digest = hashlib.sha256()
        for part in (atlas.as_of, atlas.vocabulary, atlas.sources, atlas.indicators):
            digest.update(repr(part).encode("utf-8") + b"\0")
        return digest.hexdigest()

    return per_atlas(_INPUTS, atlas, make)


def shared_digest(atlas: Atlas, scores: Any) -> str:
    """SHA-256 of what any output may show besides the records it reads: the build date, the vocabulary,
    the shared sources, the indicators' catalogue and the measured `scores` (generator.measured), made
    once per atlas. Their text is 7 MB on the national atlas, and the pictures' specs, the page keys,
    the kept kinds and the data files each hashed it again (about seven times a build, 0.1 s)."""
    key = id(atlas)
    found = _SHARED.get(key)
    if found is not None and found[0]() is atlas and found[1] is scores:
        return found[2]
    digest = hashlib.sha256(inputs_digest(atlas).encode())
    digest.update(_scores_digest(scores).encode())
    _SHARED[key] = (weakref.ref(atlas, lambda _ref: _SHARED.pop(key, None)), scores, digest.hexdigest())
    return _SHARED[key][2]


_LAST_SCORES: list[tuple[Any, str]] = []  # the last scores hashed, held, with their digest


def _scores_digest(scores: Any) -> str:
    """SHA-256 of the scores' text (10 MB on the national atlas, 0.17 s), once per scores object: a new atlas
    loaded after a save gets the last scores when their inputs are the same (generator.measured.scores_of)."""
    if _LAST_SCORES and _LAST_SCORES[0][0] is scores:
        return _LAST_SCORES[0][1]
    found = hashlib.sha256(repr(scores).encode("utf-8")).hexdigest()
    _LAST_SCORES[:] = [(scores, found)]
    return found


def listed(reads: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Reads as a sorted JSON-able list (what an index keeps)."""
    return sorted([name, str(key)] for name, key in reads)
