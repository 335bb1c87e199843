"""Each sheet as last read and checked, kept between runs: in a long-lived process (`atlas serve`), and
on disk between builds (issue 11, target 2: after one edit, one sheet is parsed and checked, not 2,900).

What is kept for a sheet is what `check_file` gives for its bytes (its own problems and its typed data),
under its path, how messages name it, its role and the messages' language, with the SHA-256 of the
bytes and the file's state (generator.file_states). A file in the same settled state is not read; a
file read again with the same bytes is not checked again. So a run with the memo gives the report and
the model of a fresh load; the checks across sheets always run on the whole atlas.

On disk (one file per sheets folder in `.cache/sheets/`) the results are pickled, one by one, and read
back by an unpickler that makes only the few classes a result holds: the cache is the build's own, and
even a file put there by someone else cannot run code through it. Any change to the generator's code or
catalogs, to Python or to PyYAML makes the file count as empty.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import sys
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from generator.errors import Location, Problem, Report
from generator.fields import SHEET_SPECS
from generator.file_states import State, bytes_hash, note_hash, note_loaded, settled, state_from, state_of
from generator.i18n import _, language
from generator.sheet_nodes import Map
from generator.sheet_parser import parse_sheet, read_bytes
from generator.sheets import SheetFile
from generator.validate import Checked, check_sheet

Checked1 = tuple[tuple[Problem, ...], Checked | None]  # one sheet's own problems, and its data (None: unusable)
Key = tuple[str, str, str, str | None, str | None, str]  # path, display, kind, territory id, stem, language

MEMO_FORMAT = 3  # bump when what an entry holds changes (3: locations packed, read when asked)
GENERATOR = Path(__file__).resolve().parent


def check_file(sheet: SheetFile, raw: bytes | None = None) -> Checked1:
    """Phase 1 for one sheet, on its own: read (unless `raw` is given), parse, type against the format.

    Each sheet is checked against a report of its own, so its result depends on its bytes only (what
    `SheetMemo` keeps); the problems then go into the run's report in the order of the sheets."""
    own = Report()
    if raw is None:
        raw = read_bytes(sheet, own)
    node = None if raw is None else parse_sheet(raw, sheet.display, own)
    if node is None and own.problems:  # unreadable: reported already, nothing to type
        return tuple(own.problems), None
    if node is None and sheet.kind in _MAPS_OF_ENTRIES:  # an optional shared file left empty: no entries
        return (), Checked({})
    if sheet.kind in _MAPS_OF_ENTRIES and isinstance(node, Map) and len(node.items) == 1:
        key, inner = node.items[0]
        if key.text == sheet.kind and isinstance(inner, Map) and _MAPS_OF_ENTRIES[sheet.kind] not in inner.keys():
            # `sources:` above the sources (the format says: no wrapper key): one error, and the entries read as
            # meant, so that the sheets citing them are not reported too
            own.error(key.loc, key.text, _("{file} has no wrapper key: its entries are written at the top of the "
                                           "file").format(file=sheet.path.name),
                      _("remove the line '{key}:' and move the lines below it one level left").format(key=key.text))
            node = inner
    checked = check_sheet(SHEET_SPECS[sheet.kind], node, own, sheet.display)
    return tuple(own.problems), checked


# the shared files that map ids to entries, with a field that each entry has (a wrapper key lacks it)
_MAPS_OF_ENTRIES = {"sources": "title", "indicators": "label", "moved": ""}


class Entry(NamedTuple):
    state: State | None  # the file's state when read, None when it was not settled then (read it again)
    digest: str  # SHA-256 of its bytes ("" when they could not be read)
    result: Checked1


class Distances:
    """The hubs' distances outside their territory's outline (validate.rules.check_hubs_inside), by (level,
    code, latitude, longitude): those an earlier run found, and those this run used (what is kept next)."""

    def __init__(self, kept: dict[tuple, float] | None = None) -> None:
        self.kept = kept or {}
        self.used: dict[tuple, float] = {}

    def get(self, key: tuple) -> float | None:
        found = self.kept.get(key)
        if found is not None:
            self.used[key] = found
        return found

    def __setitem__(self, key: tuple, distance: float) -> None:
        self.used[key] = distance


class SheetMemo:
    """The sheets as last read and checked (see the module docstring). `SheetMemo()` lives in memory;
    `SheetMemo.on_disk(folder, territories)` starts from the last build's and `save()` keeps this run's.

    A sheet is read again when its file's state changed, was not settled when read, or the caller names
    it as changed (the watcher saw it saved); it is parsed and checked again only when its bytes changed.
    Sheets that are gone are forgotten at the end of each run.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path  # the file on disk, when kept there
        self.entries: dict[Key, Entry] = {}
        self._pickled: dict[Key, tuple[Checked1, bytes]] = {}  # results as read from disk, with their bytes
        self.reads = 0  # sheets read from disk in the last run
        self.checks = 0  # sheets parsed and checked in the last run
        self.dirty = False  # something to save
        self.distances = Distances()  # the hubs' distances outside their territory, by point
        # the model's records made from those results: a territory or hub whose sheet gave the same
        # result (the same object) and whose shared sources and catalogue are as they were is kept
        self.shared: tuple[Any, ...] | None = None  # (sources data, catalogue data, their locations, made)
        self.records: dict[tuple[str, str], tuple[Checked, str, Any]] = {}
        self.made = 0  # territory and hub records made (not kept) in the last run
        self._changed_of: tuple[frozenset[Path], frozenset[str]] | None = None  # `_named`'s last answer

    @classmethod
    def on_disk(cls, folder: Path, territories: Path) -> SheetMemo:
        """The memo of the sheets folder `territories` as the last build left it in `folder` (empty when
        there is none, or it was written by other code)."""
        name = hashlib.sha256(str(territories.absolute()).encode()).hexdigest()[:32]
        memo = cls(folder / f"{name}.pickle")
        try:
            with open(memo.path, "rb") as handle:  # type: ignore[arg-type]
                kept = _Restricted(io.BytesIO(handle.read())).load()
            if not (isinstance(kept, dict) and kept.get("version") == code_version()):
                return memo
            memo.distances = Distances(dict(kept["distances"]))
            for key, (state, digest, blob) in kept["entries"].items():
                result = _unpacked(_Restricted(io.BytesIO(blob)).load())
                memo.entries[key] = Entry(state, digest, result)
                memo._pickled[key] = (result, blob)
        except Exception:  # a damaged file raises nearly anything while read (OverflowError, IndexError…)
            memo.entries.clear()
            memo._pickled.clear()
            memo.distances = Distances()
        return memo

    def begin(self) -> None:
        self.reads = self.checks = self.made = 0
        self._seen: set[Key] = set()
        self.distances = Distances({**self.distances.kept, **self.distances.used})

    def check(self, sheet: SheetFile, changed: frozenset[Path],
              states: Mapping[str, os.stat_result] | None = None) -> Checked1:
        """The result of `check_file` for this sheet as its file is now (`states`: the files' os.stat by
        absolute path, when the caller took them already)."""
        where = sheet.absolute()
        key: Key = (str(sheet.path), sheet.display, sheet.kind, sheet.territory_id, sheet.stem, language())
        self._seen.add(key)
        entry = self.entries.get(key)
        known = states.get(where) if states else None
        state = state_from(known) if known is not None else state_of(where)
        if entry is not None and state is not None and entry.state == state \
                and not (changed and where in self._named(changed)):
            note_hash(where, state, entry.digest)  # what an output read (atlas_reads) hashes it by
            note_loaded(where, state, entry.digest)
            return entry.result
        self.reads += 1
        scratch = Report()
        raw = read_bytes(sheet, scratch)
        digest = "" if raw is None else bytes_hash(raw)
        if raw is None:
            result: Checked1 = (tuple(scratch.problems), None)
        elif entry is not None and entry.digest == digest:
            result = entry.result
        else:
            self.checks += 1
            result = check_file(sheet, raw)
        if state is not None and raw is not None:
            note_hash(where, state, digest)
        note_loaded(where, state if raw is not None else None, digest)
        kept = state if state is not None and raw is not None and settled(state) else None
        if entry is None or entry.state != kept or entry.digest != digest or entry.result is not result:
            self.entries[key] = Entry(kept, digest, result)
            self.dirty = True
        return result

    def _named(self, changed: frozenset[Path]) -> frozenset[str]:
        """The absolute paths of `changed` as `SheetFile.absolute` gives them, made once per set (hashing a new
        Path for each of 5,400 sheets took a tenth of the load)."""
        if self._changed_of is None or self._changed_of[0] is not changed:
            self._changed_of = (changed, frozenset(os.path.abspath(path) for path in changed))
        return self._changed_of[1]

    def end(self) -> None:
        if len(self._seen) != len(self.entries):
            self.entries = {key: value for key, value in self.entries.items() if key in self._seen}
            self.dirty = True

    def checked_atlas(self) -> None:
        """After the checks across sheets: the distances they used are what is kept."""
        if self.distances.used != self.distances.kept:
            self.dirty = True
        self.distances = Distances(self.distances.used)

    def save(self) -> None:
        """Keep the entries on disk for the next build (when this memo has a file and anything changed)."""
        if self.path is None or not self.dirty:
            return
        from generator.outputs import write_atomic

        entries = {}
        try:
            for key, entry in self.entries.items():
                old = self._pickled.get(key)
                blob = old[1] if old is not None and old[0] is entry.result else \
                    pickle.dumps(_packed(entry.result), protocol=pickle.HIGHEST_PROTOCOL)
                entries[key] = (entry.state, entry.digest, blob)
            data = pickle.dumps({"version": code_version(), "entries": entries,
                                 "distances": self.distances.kept}, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):  # a result that cannot be kept: none is
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, data)
        self.dirty = False


class KeptLocations(Mapping[str, Location]):
    """Where each field of a kept sheet was written, made into Location values only when first asked for.

    A successful build asks for few of them (a problem's place, a sheet's own sources), and the 126,000
    Location values of the national atlas were half the time of reading the memo (0.06 s of each build)."""

    def __init__(self, packed: tuple[tuple[str, ...], tuple[str, ...], tuple[int, ...], tuple[int, ...],
                                     tuple[int, ...]]) -> None:
        self.packed = packed  # (paths, files, each path's file index, lines, columns)
        self._made: dict[str, Location] | None = None

    def _locations(self) -> dict[str, Location]:
        if self._made is None:
            paths, files, which, lines, columns = self.packed
            self._made = {path: Location(files[f], line, column)
                          for path, f, line, column in zip(paths, which, lines, columns, strict=True)}
        return self._made

    def __getitem__(self, path: str) -> Location:
        return self._locations()[path]

    def get(self, path: str, default: Any = None) -> Any:
        """One location without making the others: the loader asks each sheet for its sources' keys only,
        and making all of a sheet's locations for that was 0.09 s of a build after one edit (France tree)."""
        if self._made is not None:
            return self._made.get(path, default)
        paths, files, which, lines, columns = self.packed
        try:
            i = paths.index(path)
        except ValueError:
            return default
        return Location(files[which[i]], lines[i], columns[i])

    def __iter__(self) -> Iterator[str]:
        return iter(self._locations())

    def __len__(self) -> int:
        return len(self.packed[0])


def _packed(result: Checked1) -> tuple:
    """A sheet's result as the memo file keeps it: the locations as plain columns (see KeptLocations)."""
    problems, checked = result
    if checked is None:
        return (problems, None)
    locations = checked.locations
    if isinstance(locations, KeptLocations) and locations._made is None:
        packed = locations.packed
    else:
        files: dict[str, int] = {}
        which = tuple(files.setdefault(loc.file, len(files)) for loc in locations.values())
        packed = (tuple(locations), tuple(files), which, tuple(loc.line for loc in locations.values()),
                  tuple(loc.column for loc in locations.values()))
    return (problems, (checked.data, checked.refs, checked.bad_refs, packed))


def _unpacked(kept: tuple) -> Checked1:
    problems, parts = kept
    if parts is None:
        return (problems, None)
    data, refs, bad_refs, packed = parts
    return (problems, Checked(data, KeptLocations(packed), refs, bad_refs))  # type: ignore[arg-type]


# the only classes a kept result is made of (and what the outer file holds besides plain values)
ALLOWED = {("generator.validate.values", "Checked"), ("generator.errors", "Location"),
           ("generator.errors", "Problem"), ("datetime", "date")}


class _Restricted(pickle.Unpickler):
    """Makes the classes of ALLOWED and nothing else (no function, no other class: no code can run)."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a sheet's result")
        return super().find_class(module, name)


@cache
def code_version() -> str:
    """What a sheet's result may depend on besides its bytes: the generator's code and message
    catalogs, Python, PyYAML (libyaml's messages); and the committed boundaries (the distances)."""
    digest = hashlib.sha256(f"{MEMO_FORMAT} {sys.version} {yaml.__version__} {yaml.__with_libyaml__}\n".encode())
    for dirpath, dirnames, filenames in os.walk(GENERATOR):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith((".py", ".po", ".mo")) or os.path.basename(dirpath) == "geodata":
                path = os.path.join(dirpath, name)
                with open(path, "rb") as handle:
                    digest.update(path.encode() + b"\0" + handle.read() + b"\0")
    return digest.hexdigest()
