"""What a picture's spec read from the atlas, field by field, and what changed in the atlas since a build.

`atlas_reads.Recorder` notes the territories and hubs a spec reads as whole sheets: renaming a hub then
made every picture that counts hubs specified again (58 after one rename on the national atlas), though
a count never reads a name. `FieldRecorder` hands a spec each record wrapped (`_Record`), which notes
each field read: (`hubs`, id, `name`); a method or a field the model does not declare reads the whole
record (`*`). It also notes a record asked for (`hubs`, id, ``): there or not), a loop over a mapping
(`hubs`, ``, ``: its ids in order), an entry of an index (`children`, id, ``) and a loop over an index or
the partnerships (`children`, ``, ``).

`AtlasState` is the atlas as the kept specs were made from it (`snapshot`), compared with today's
(`changed`): the reads whose value differs. A record is looked at field by field only when its sheet's
bytes differ (their hash as the sheets' memo noted it at load, `file_states`); a sheet changed since the
load, or not noted, is looked at field by field (the record is what the specs read). What every spec
may read besides (the code, the vocabulary, the sources, the scores) is the kept index's `common`.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Mapping
from typing import Any

from generator.atlas_reads import field_digest as _digest
from generator.atlas_reads import field_digests, field_order, fields_apart, noted_partnerships, put_back
from generator.file_states import known_hash, loaded_digest, state_of
from generator.model import Atlas

Read = tuple[str, str, str]  # (mapping, id or "", field or ""): see the module docstring
RECORDS = ("territories", "hubs")  # mappings of records, one sheet each
# derived mappings: an entry is one read
INDEXES = ("children", "hubs_by_territory", "hubs_inside", "partners_of", "named_by")
WHOLE = "*"  # a read of the whole record (a method, a property, an undeclared field)


class _Record:
    """A territory or hub as a spec sees it while recorded: each attribute read is noted."""

    __slots__ = ("_inner", "_mapping", "_id", "_book")

    def __init__(self, inner: Any, mapping: str, rid: str, book: FieldRecorder) -> None:
        object.__setattr__(self, "_inner", inner)
        object.__setattr__(self, "_mapping", mapping)
        object.__setattr__(self, "_id", rid)
        object.__setattr__(self, "_book", book)

    def __getattr__(self, name: str) -> Any:
        inner = self._inner
        field = name if name in _field_names(type(inner)) else WHOLE
        self._book.reads.add((self._mapping, self._id, field))
        return getattr(inner, name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("records are read-only")

    def __eq__(self, other: object) -> bool:
        self._book.reads.add((self._mapping, self._id, WHOLE))
        return self._inner == (other._inner if isinstance(other, _Record) else other)

    def __hash__(self) -> int:
        return hash(self._inner)

    def __repr__(self) -> str:
        self._book.reads.add((self._mapping, self._id, WHOLE))
        return repr(self._inner)


class _Entries(Mapping):
    """An index (children, hubs by territory, partners, named by) while recorded: each entry read is noted."""

    __slots__ = ("_inner", "_name", "_book")

    def __init__(self, name: str, inner: Mapping[str, Any], book: FieldRecorder) -> None:
        self._name, self._inner, self._book = name, inner, book

    def __getitem__(self, key: str) -> Any:
        self._book.reads.add((self._name, key, ""))
        return self._inner[key]

    def get(self, key: str, default: Any = None) -> Any:
        self._book.reads.add((self._name, key, ""))
        return self._inner.get(key, default)

    def __contains__(self, key: object) -> bool:
        self._book.reads.add((self._name, str(key), ""))
        return key in self._inner

    def __iter__(self) -> Iterator[str]:
        self._book.reads.add((self._name, "", ""))
        return iter(self._inner)

    def __len__(self) -> int:
        self._book.reads.add((self._name, "", ""))
        return len(self._inner)

    def keys(self) -> Any:
        self._book.reads.add((self._name, "", ""))
        return self._inner.keys()

    def values(self) -> Any:
        self._book.reads.add((self._name, "", ""))
        return self._inner.values()

    def items(self) -> Any:
        self._book.reads.add((self._name, "", ""))
        return self._inner.items()


class _Records(_Entries):
    """The territories or hubs while recorded: records handed out wrapped, ids asked for and loops noted."""

    __slots__ = ()

    def _wrap(self, key: str, value: Any) -> Any:
        return None if value is None else _Record(value, self._name, key, self._book)

    def __getitem__(self, key: str) -> Any:
        return self._wrap(key, super().__getitem__(key))

    def get(self, key: str, default: Any = None) -> Any:
        found = super().get(key)
        return default if found is None else self._wrap(key, found)

    def values(self) -> Any:
        self._book.reads.add((self._name, "", ""))
        return [self._wrap(key, value) for key, value in self._inner.items()]

    def items(self) -> Any:
        self._book.reads.add((self._name, "", ""))
        return [(key, self._wrap(key, value)) for key, value in self._inner.items()]


class FieldRecorder:
    """While entered, the atlas's mappings note what is read into `reads` (set it per spec). The atlas
    object stays the same one (the measured scores and other memos keyed by it still apply)."""

    def __init__(self, atlas: Atlas) -> None:
        self.atlas = atlas
        self.reads: set[Read] = set()
        self._saved: dict[str, Any] = {}

    def __enter__(self) -> FieldRecorder:
        for name in RECORDS:
            self._saved[name] = getattr(self.atlas, name)
            object.__setattr__(self.atlas, name, _Records(name, self._saved[name], self))
        for name in INDEXES:
            self._saved[name] = getattr(self.atlas, name)
            object.__setattr__(self.atlas, name, _Entries(name, self._saved[name], self))
        # noted in the recorder's set of the moment (run swaps it per spec)
        noted_partnerships(self.atlas, self._saved, lambda: self.reads.add(("partnerships", "", "")))
        return self

    def __exit__(self, *exc: object) -> None:
        put_back(self.atlas, self._saved)


_NAMES: dict[type, frozenset[str]] = {}


def _field_names(kind: type) -> frozenset[str]:
    found = _NAMES.get(kind)
    if found is None:
        found = _NAMES[kind] = frozenset(field_order(kind))
    return found


def _entries(mapping: Mapping[str, Any], last: Mapping[str, Any] | None = None,
             digests: Mapping[str, bytes] | None = None) -> dict[str, bytes]:
    """Each entry's digest; an entry equal to the one of `last` (the mapping `digests` were made from) has its
    digest there."""
    if last is None or digests is None:
        return {key: _digest(repr(value)) for key, value in mapping.items()}
    out: dict[str, bytes] = {}
    for key, value in mapping.items():
        was = last.get(key)
        found = digests.get(key) if type(was) is type(value) and was == value else None
        out[key] = found if found is not None else _digest(repr(value))
    return out


UNKNOWN = bytes(32)  # a sheet whose hash the sheets' memo did not note (its fields are compared)


class AtlasState:
    """The atlas the kept specs were made from, as plain values: per record, its sheet's hash (32 bytes,
    UNKNOWN when not noted) then its field digests; each mapping's ids in order, each index entry's digest,
    the partnerships'."""

    def __init__(self, atlas: Atlas, base: str, last: AtlasState | None = None) -> None:
        self.atlas, self.base = atlas, base
        # the last snapshot this process made and the atlas's mappings it was made from (`SpecBook.following`,
        # atlas build --watch): a record that is the same object (the sheets' memo keeps those of the sheets
        # that did not change), an index entry equal to what it was, have their digests there: each record's
        # sheet and each index entry of the France tree are not hashed again at each save
        self._last = last._made if last is not None else None
        self._made: tuple[dict[str, Any], dict[str, Any]] | None = None

    def _sheet(self, path: str) -> bytes:
        """The hash of the bytes its record was made from, with the sheet's path: those the loader parsed
        (file_states.loaded_digest), else the sheets' memo's for the file as it is now (UNKNOWN: not noted, or
        changed since: the record's fields are then compared, the record being what specs read)."""
        found = loaded_digest(os.path.abspath(path))
        if found is None:
            state = state_of(path)
            found = None if state is None else known_hash(path, state)
        # with its path: a record's fields come from its sheet's bytes and from where the sheet lies (a hub moved
        # to another folder, bytes unchanged, is in another territory)
        return hashlib.sha256(f"{path}\0{found}".encode()).digest() if found else UNKNOWN

    def snapshot(self, before: dict[str, Any] | None) -> dict[str, Any]:
        """Today's state; a record whose sheet hash is the one `before` holds has the field digests held there
        (a record is made from its sheet and what `common` covers: hashing every field was 0.18 s)."""
        atlas = self.atlas
        out: dict[str, Any] = {"order": {}, "records": {}, "entries": {}}
        made: dict[str, Any] = {name: getattr(atlas, name) for name in (*RECORDS, *INDEXES, "partnerships")}
        last = self._last[1] if self._last is not None and before is not None and self._last[0] is before else {}
        join, base, sheet = os.path.join, self.base, self._sheet
        for mapping in RECORDS:
            records: Mapping[str, Any] = made[mapping]
            old = before["records"][mapping] if before else {}
            same = last.get(mapping, {})
            mine: dict[str, bytes] = {}
            for rid, record in records.items():
                was = old.get(rid)
                if was is not None and same.get(rid) is record:
                    mine[rid] = was
                    continue
                digest = sheet(join(base, record.path))
                mine[rid] = was if (was is not None and digest != UNKNOWN and was[:32] == digest) else \
                    digest + field_digests(record)
            out["order"][mapping] = _digest("\n".join(records))
            out["records"][mapping] = mine
        for name in INDEXES:
            out["entries"][name] = _entries(made[name], last.get(name), before["entries"][name] if last else None)
        out["partnerships"] = (before["partnerships"] if last and last["partnerships"] == made["partnerships"]
                               else _digest(repr(made["partnerships"])))
        self._made = (out, made)
        return out

    def changed(self, before: dict[str, Any]) -> tuple[set[Read], dict[str, Any]]:
        """The reads whose value differs from `before` (a `snapshot`), and today's snapshot."""
        now = self.snapshot(before)
        changed: set[Read] = set()
        for mapping in RECORDS:
            if now["order"][mapping] != before["order"][mapping]:
                changed.add((mapping, "", ""))
            old, new = before["records"][mapping], now["records"][mapping]
            for rid in old.keys() ^ new.keys():  # a record added or gone: every read of it (`affected`)
                changed.add((mapping, rid, ""))
            for rid, digests in new.items():
                was = old.get(rid)
                if was is None or was is digests or was[32:] == digests[32:]:
                    continue
                changed.add((mapping, rid, WHOLE))
                # after the sheet's 32-byte hash; another model (its code changed the common hash too): every field
                kind = type(getattr(self.atlas, mapping)[rid])
                changed.update((mapping, rid, name) for name in fields_apart(kind, was[32:], digests[32:]))
        for name in INDEXES:
            old_entries, new_entries = before["entries"][name], now["entries"][name]
            if old_entries != new_entries:
                changed.add((name, "", ""))
                changed.update((name, key, "") for key in old_entries.keys() | new_entries.keys()
                               if old_entries.get(key) != new_entries.get(key))
        if now["partnerships"] != before["partnerships"]:
            changed.add(("partnerships", "", ""))
        return changed, now


def well_formed(snapshot: object) -> bool:
    """Whether a snapshot read back from the cache has the shape `AtlasState.snapshot` gives."""
    if not isinstance(snapshot, dict):
        return False
    try:
        return (all(isinstance(snapshot["records"][mapping], dict) for mapping in RECORDS)
                and all(isinstance(snapshot["order"][mapping], bytes) for mapping in RECORDS)
                and all(isinstance(snapshot["entries"][name], dict) for name in INDEXES)
                and isinstance(snapshot["partnerships"], bytes)
                and all(isinstance(value, bytes) and len(value) >= 32 for mapping in RECORDS
                        for value in snapshot["records"][mapping].values()))
    except (KeyError, TypeError):
        return False
