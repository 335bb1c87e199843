"""Outputs made from many sheets kept between builds (issue 11, target 2): the shared pages, the
data files, the API documents, each with what it read from the atlas.

`KeptOutputs` (a part of `page_cache.PageCache`) keeps a group of outputs (one kind of shared page
in one edition, one data file) with the atlas's entries its making read (generator.atlas_reads), the
pictures it placed and what else it shows (`common`): while those hash as they did and its files are
as the build wrote them, the group is read back from the docs folder instead of made.

`SheetValues` keeps the values worked out from one sheet each; atlas.json's records are kept by
`page_records.KeptRecords`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import stat
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from generator.atlas_reads import ReadState, Recorder, listed, shared_digest
from generator.outputs import KeptFile, Output, lstat_all, manifest_paths, read_if_unchanged, unchanged_state
from generator.page_store import pairs, strings

SHEET_BUCKETS = 16  # entries of each kind of value kept per sheet
# what a worker that rendered sheet pages sends its parent: each page's pictures and hub cards placed, and the
# SPARSE values it made (`SheetValues.sparse_made`)
WorkerReads = tuple[dict[str, tuple[list[str], list[str]]], dict[tuple[str, int], dict[str, list[Any]]]]
SPARSE = "~"  # a name of values asked for some sheets only (hub cards): their bucket keeps those not asked this run


def _stable_repr(value: Any) -> str:
    """repr() with sets in sorted order (a set's order changes from one process to the next)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return f"{type(value).__name__}(" + ", ".join(
            f"{f.name}={_stable_repr(getattr(value, f.name))}" for f in dataclasses.fields(value)) + ")"
    if isinstance(value, set | frozenset):
        return "{" + ", ".join(sorted(repr(item) for item in value)) + "}"
    return repr(value)


class SheetValues:
    """The keeper of `atlas_reads.per_sheet` for one run: values worked out from one sheet each, kept in the
    page cache's index by name with the hash of their sheet's bytes and what else they may read (`common`:
    the code, the build date, the shared sources, the measured scores). A value whose sheet has other bytes
    now is worked out again; the others are read back."""

    def __init__(self, cache: Any, common: str) -> None:
        self.cache, self.common = cache, common
        self._extra = cache.extra  # this run's (`PageCache.begin` makes another)
        # (name, bucket) -> values as kept, and as made or kept this run: kept in SHEET_BUCKETS entries per name,
        # so that one sheet edited writes one bucket of each again, not 2,900 values
        self.previous: dict[tuple[str, int], dict[str, list[Any]]] = {}
        self.made: dict[tuple[str, int], dict[str, list[Any]]] = {}
        self._sheets: dict[str, tuple[int, str]] = {}  # sheet path -> its bucket and its bytes' hash (short)
        self._given: dict[tuple[str, int], dict[str, list[Any]]] = {}  # SPARSE values a worker sent its parent
        # (name, path) -> the kept entry a value was read back from, and the value: a value whose `load` checks only
        # the shape of what it reads (`shape_only`) is not read back again while its entry is that same object, in
        # the builds of one process (the watch's: 27,000 values read back and checked after one hub edit, 0.1 s)
        self.loaded: dict[tuple[str, str], tuple[Any, Any]] = getattr(cache, "loaded_values", {})

    def __call__(self, name: str, path: str, make: Callable[[], Any], dump: Callable[[Any], Any],
                 load: Callable[[Any], Any], shape_only: bool = False) -> Any:
        if self.cache._state is None or self.cache.extra is not self._extra:  # another run of the cache began
            return make()
        sheet = self._sheets.get(path)  # 2,900 sheets asked by four kinds of value: worked out once each
        if sheet is None:
            sheet = self._sheets[path] = (zlib.crc32(path.encode("utf-8")) % SHEET_BUCKETS,
                                          self.cache.state.sheet(path)[:32])
        bucket, digest = sheet
        made = self.made.get((name, bucket))
        if made is None:
            made = self._bucket(name, bucket)
        old = self.previous[(name, bucket)].get(path)
        if isinstance(old, list) and len(old) == 2 and old[0] == digest:
            if shape_only:  # the value read back from this very entry by an earlier run of this process
                loaded = self.loaded.get((name, path))
                if loaded is not None and loaded[0] is old:
                    made[path] = old
                    return loaded[1]
            try:  # the loaders check the shape of what they read back: a damaged or planted value is made anew
                value = load(old[1])
            except (TypeError, ValueError, KeyError, IndexError, AttributeError):
                pass
            else:
                made[path] = old
                if shape_only:
                    self.loaded[(name, path)] = (old, value)
                return value
        value = make()
        made[path] = [digest, dump(value)]
        return value

    def _bucket(self, name: str, bucket: int) -> dict[str, list[Any]]:
        """The values of one bucket as this run keeps them: those it made or checked, and for a SPARSE name the
        others as kept (a hub's card is asked only by the pages made again: the others' stay for later)."""
        entry = f"sheets:{name}#{bucket:x}"
        kept = self.cache.kind_entries.get(entry)
        ok = isinstance(kept, dict) and kept.get("common") == self.common and isinstance(kept.get("values"), dict)
        previous = self.previous[(name, bucket)] = kept["values"] if ok else {}
        made = self.made[(name, bucket)] = dict(previous) if name.startswith(SPARSE) else {}
        self.cache.extra[entry] = {"common": self.common, "values": made}
        return made

    def sparse_made(self) -> dict[tuple[str, int], dict[str, list[Any]]]:
        """The SPARSE values this run made and did not give yet (in a worker that rendered sheet pages: what its
        parent keeps; the worker renders several chunks, each sends what is new)."""
        out: dict[tuple[str, int], dict[str, list[Any]]] = {}
        for key, made in self.made.items():
            if key[0].startswith(SPARSE):
                before, given = self.previous[key], self._given.setdefault(key, {})
                found = {path: value for path, value in made.items()
                         if before.get(path) is not value and given.get(path) is not value}
                if found:
                    out[key] = found
                    given.update(found)
        return out

    def merge(self, values: Mapping[tuple[str, int], Mapping[str, list[Any]]]) -> None:
        """Values a worker made (`sparse_made`), kept by this run as if made here."""
        if self.cache._state is None or self.cache.extra is not self._extra:
            return
        for (name, bucket), found in values.items():
            made = self.made.get((name, bucket))
            (made if made is not None else self._bucket(name, bucket)).update(found)


class KeptOutputs:
    """The groups of outputs the page cache keeps by what they read (see the module's docstring)."""

    _state: ReadState | None
    kind_entries: Any  # page_store.KindStore: get(name), files(name), others
    kinds_kept: set[str]
    kinds_made: dict[str, Any]
    extra: dict[str, Any]
    derived: dict[str, tuple[Any, set[tuple[str, str]]]]
    docs_dir: Any
    code: str
    _shared_repr: Callable[[Any], str]
    _picture: Callable[[Any, str], str]
    commons: set[str]
    unchanged: Callable[..., bool]
    untouched: Callable[[str, str], bool]
    reads: dict[str, tuple[set[str], set[str]]]  # docs path -> pictures and hubs its page placed
    values: SheetValues | None
    _written: dict[str, tuple[int, int] | None] | None  # docs path -> its state, looked at once a run (`as_written`)
    # a whole build's first try: the kept files are taken as the index says the last build left them, and
    # `write_tree` looks at each before writing anything (outputs.KeptFilesChanged: the build tries again
    # without trusting them); 22,000 files were looked at twice a build on the France tree
    trust_written: bool = False

    def as_written(self, full: str, file: str, size: int, mtime_ns: int) -> bool:
        """Whether the docs file `full` (at `file`) is a plain file of the size and time the last build wrote
        it with; taken as so while `trust_written`. Else every file of the last manifest but the pictures is
        looked at once, at the first question of a run, folder by folder (`outputs.lstat_all`): the 22,000 kept
        pages, API documents and copies of the France tree were each looked up by its whole path, 0.2 s of a
        build after one edit. A file changed after that look is caught by `write_tree`, which looks again
        before trusting a kept file; a file the manifest does not list is looked at alone."""
        if self.trust_written:
            return True
        states = self._written
        if states is None:
            states = self._written = _written_states(self.docs_dir)
        found = states.get(full, _UNLISTED)
        if found is _UNLISTED:
            return unchanged_state(file, size, mtime_ns)
        return found is not None and found[0] == size and found[1] == mtime_ns

    def _kind_cache(self, pages: Any, site_url: str | None, prefix: str, code: str) -> Callable[..., list[Output]]:
        """What `Pages.shared_pages` calls: a kind's pages read back when the sheets and index entries its
        last making read (recorded by `atlas_reads.Recorder`), the pictures it placed and what every
        page of the edition may show are as they were; else made with its reads recorded."""
        shared = self._shared_repr
        atlas = pages.atlas
        common = hashlib.sha256("\0".join((
            code, prefix, repr(pages.lang), _stable_repr(pages.options), repr(site_url),
            shared_digest(atlas, pages.scores), shared(pages.names), shared(atlas.partnerships),
            repr(pages.env.globals.get("releases")),
            repr(pages.file_prefix), repr(pages.untranslated), repr(sorted(pages.env.globals)))).encode()).hexdigest()

        def made(kind: Any, member: str = "", make: Callable[[], Iterable[Output]] | None = None) -> list[Output]:
            name = f"{prefix}{kind.name}:{member}" if member else prefix + kind.name  # a group of a kind: its own
            return self.keep(name, common, make or (lambda: kind.build(pages)), pages, prefix)

        return made

    def keep(self, name: str, common: str, make: Callable[[], Iterable[Output]], pages: Any = None,
             prefix: str = "", own: tuple[str, str] = ("", "")) -> list[Output]:
        """The outputs `make()` makes (shared pages of one kind, a data file), read back from the docs
        folder when the atlas's entries that their last making read (recorded by `atlas_reads.Recorder`),
        the pictures they placed (through `pages`) and `common` (what else they show) are as they were.
        `prefix`: where these outputs go in the docs folder (the English edition's "en/"); `own`: the
        record (mapping, id) that `make` holds already, which its reads would not show."""
        if self._state is None:
            raise RuntimeError("begin() and attach() the pages first")
        if name in self.kinds_made or name in self.kinds_kept:
            raise RuntimeError(f"two groups of outputs kept under one name: {name}")
        self.commons.add(common)
        kept = self._kept_kind(pages, prefix, name, common)
        if kept is not None:
            return kept
        rankings = pages._long_rankings if pages is not None else set()
        before = set(rankings)
        placed: set[str] = set()
        pictures = pages.pictures if pages is not None else None
        recorder = Recorder(self._state.atlas)
        if pages is not None:
            pages.pictures = _Placed(pictures, placed)  # type: ignore[arg-type]
            pages.kept_part = self._part_keeper(name, common, pages, recorder)
            pages.kept_derived = self._derived_keeper(recorder)
        try:
            with recorder:
                outs = list(make())
        finally:
            if pages is not None:
                pages.pictures = pictures
                pages.kept_part = pages.kept_derived = None
        reads = recorder.reads | {own} if own[0] else recorder.reads  # `own`: the record `make` holds already
        self.kinds_made[name] = (pages, common, reads, placed, [prefix + o.path for o in outs],
                                 sorted(rankings - before))
        return outs

    def _collect_reads(self, prefix: str) -> Callable[[list[str]], WorkerReads]:
        """In a worker that rendered sheet pages: what each placed, and the hub cards it made (values kept per
        sheet, `page_kept.SPARSE`), to send to the parent (`_merge_reads`)."""
        def collect(paths: list[str]) -> WorkerReads:
            found = {prefix + path: self.reads.get(prefix + path, (set(), set())) for path in paths}
            values = self.values.sparse_made() if self.values is not None else {}
            return {full: (sorted(pictures), sorted(hubs)) for full, (pictures, hubs) in found.items()}, values

        return collect

    def _merge_reads(self, worker: WorkerReads) -> None:
        reads, values = worker
        if self.values is not None:
            self.values.merge(values)
        for full, (pictures, hubs) in reads.items():
            entry = self.reads.setdefault(full, (set(), set()))
            entry[0].update(pictures)
            entry[1].update(hubs)

    def _part_keeper(self, kind: str, common: str, pages: Any,
                     recorder: Recorder) -> Callable[[str, Callable[[], str]], str]:
        """What `PageBase.part` calls while the shared kind `kind` is made: a part (a ranking table) taken
        as last made when what it read (recorded apart from the rest of the page) and the pictures it
        placed are as they were, else made. Either way its reads and pictures are the page's too, so
        the kind is kept or made again exactly as without parts. A hub renamed makes the pillar pages
        again (they list the hubs of the pillar), not their 22 ranking tables of territories."""
        def part(name: str, make: Callable[[], str]) -> str:
            full = f"part:{kind}#{name}"
            entry = self.extra.get(full)  # the same part asked twice by one kind: made once
            placing = pages.pictures  # the _Placed of this making
            outer_reads, outer_placed = recorder.reads, placing._placed
            try:
                recorder.reads, placing._placed = set(), set()  # the check's own lookups are nobody's reads
                old = self.kind_entries.get(full) if entry is None else None
                if (isinstance(old, list) and len(old) == 4 and isinstance(old[3], str) and pairs(old[1])
                        and strings(old[2]) and (self.unchanged(common, old[1], old[2])
                             or self._kind_key(pages, common, full, old[1], old[2]) == old[0])):
                    entry = old
                elif entry is None:
                    recorder.reads, placing._placed = reads, placed = set(), set()
                    value = str(make())
                    recorder.reads, placing._placed = set(), set()
                    reads_list = listed(reads)
                    entry = [self._kind_key(pages, common, full, reads_list, placed), reads_list, sorted(placed),
                             value]
            finally:
                recorder.reads, placing._placed = outer_reads, outer_placed
            outer_reads.update((read_name, key) for read_name, key in entry[1])
            outer_placed.update(entry[2])
            self.extra[full] = entry
            return entry[3]

        return part

    def _derived_keeper(self, recorder: Recorder) -> Callable[[str, Callable[[], Any]], Any]:
        """What `PageBase.derived` calls while a shared kind is made: a value made from the atlas alone (every
        sheet's quality, the filters' counts) made once in this build for every kind of both editions,
        its reads added to those of each kind that uses it (so each kind is kept exactly as before)."""
        def derived(name: str, make: Callable[[], Any]) -> Any:
            found = self.derived.get(name)
            if found is None:
                outer = recorder.reads
                recorder.reads = reads = set()
                try:
                    found = self.derived[name] = (make(), reads)
                finally:
                    recorder.reads = outer
            recorder.reads.update(found[1])
            return found[0]

        return derived

    @property
    def state(self) -> ReadState:
        """The state of the atlas's sheets and indexes this run (after `attach`)."""
        if self._state is None:
            raise RuntimeError("attach() the pages first")
        return self._state

    def read_kept(self, name: str, path: str) -> bytes | None:
        """The file `path` of the kept outputs `name` as the last build wrote it, or None if it changed since."""
        found = self.kind_entries.files(name)
        for full, size, mtime_ns, _sources in found[0] if found is not None else ():
            if full == path:
                return read_if_unchanged(self.docs_dir / full, size, mtime_ns)
        return None

    def data_common(self, atlas: Any, scores: Any) -> str:
        """What any data file may read besides the atlas's recorded mappings (after `attach`): the moved hubs
        too (atlas.json, the API's index and its documents at former addresses), which no sheet holds."""
        moved = repr(list(atlas.moved_hubs.items()))
        return hashlib.sha256(f"{self.code}\0{shared_digest(atlas, scores)}\0{moved}".encode()).hexdigest()

    def _kind_key(self, pages: Any, common: str, name: str, reads: list[list[str]], placed: Iterable[str]) -> str:
        assert self._state is not None
        digest = hashlib.sha256(f"{common}\0{name}\0{self._state.digest('', reads)}\n".encode())
        for key in sorted(placed):
            digest.update(f"p {key} {self._picture(pages, key)}\n".encode())
        return digest.hexdigest()

    def _kept_kind(self, pages: Any, prefix: str, name: str, common: str) -> list[Output] | None:
        """The pages of kind `name` (with its edition's `prefix`) read back, or None when anything differs."""
        found = self.kind_entries.files(name)  # its files' states and rankings: in the index itself
        if found is None:
            return None
        files, rankings = found
        if not self.untouched(name, common):  # something it read or placed changed: its key made again
            entry = self.kind_entries.get(name)  # from its shard
            if not (isinstance(entry, list) and len(entry) == 5 and isinstance(entry[0], str) and pairs(entry[1])
                    and strings(entry[2])):
                return None
            key, reads, placed = entry[:3]
            if not self.unchanged(common, reads, placed) and self._kind_key(pages, common, name, reads, placed) != key:
                return None
        outs: list[Output] = []
        docs = str(self.docs_dir)
        for full, size, mtime_ns, sources in files:
            file = f"{docs}/{full}"  # what os.path.join gives for a relative path, 2,900 times a build
            if not (full.startswith(prefix) and self.as_written(full, file, size, mtime_ns)):
                return None
            outs.append(KeptFile(full[len(prefix):], file, (size, mtime_ns), tuple(sources)))
        if pages is not None:
            pages._long_rankings.update(rankings)  # what the pillar pages tell the sheet pages and the redirects
        self.kinds_kept.add(name)
        return outs

    def _state_in(self, states: Mapping[str, Sequence[int]] | None) -> Callable[[str], Sequence[int] | None]:
        """A docs file's (size, mtime_ns) as `write_tree` left it (its `states`: no second lstat), else as it
        is now (a partial write, which reports none); None when it is missing."""
        docs = str(self.docs_dir)

        def state(full: str) -> Sequence[int] | None:
            if states is not None:
                return states.get(full)
            try:
                status = os.lstat(os.path.join(docs, full))
            except OSError:
                return None
            return status.st_size, status.st_mtime_ns

        return state

    def _save_kinds(self, by_path: dict[str, Output],
                    state: Callable[[str], Sequence[int] | None]) -> tuple[dict[str, Any], set[str]]:
        """The entries this build made (new or made again) and the names of those it kept as they were."""
        kept = set(self.kinds_kept)
        for name in self.kind_entries.others:
            if name.startswith("records:") and f"data:{name[len('records:'):].partition('#')[0]}" in self.kinds_kept:
                kept.add(name)  # the file was kept whole: so are its records
            elif name.startswith("part:") and name[len("part:"):].partition("#")[0] in self.kinds_kept:
                kept.add(name)  # the kind was kept whole: so are its parts
            elif name.startswith("sheets:"):
                kept.add(name)  # values checked by their sheet's hash when used (SheetValues)
        made = dict(self.extra)
        for name, (pages, common, reads, placed, paths, rankings) in self.kinds_made.items():
            files = []
            for full in paths:
                out = by_path.get(full)
                found = state(full)
                if out is None or found is None or found[0] != len(out.data):
                    break
                files.append([full, found[0], found[1], list(out.sources)])
            else:
                reads_list = listed(reads)
                made[name] = [self._kind_key(pages, common, name, reads_list, placed), reads_list, sorted(placed),
                              files, rankings]
        return made, kept


class _Placed(Mapping):
    """The pictures of a `Pages`, noting which ones its pages looked up (placed, or their phone variant)."""

    def __init__(self, pictures: Mapping[str, Any], placed: set[str]) -> None:
        self._pictures, self._placed = pictures, placed

    def __getitem__(self, key: str) -> Any:
        self._placed.add(key)
        return self._pictures[key]

    def get(self, key: str, default: Any = None) -> Any:
        self._placed.add(key)
        return self._pictures.get(key, default)

    def __contains__(self, key: object) -> bool:
        self._placed.add(str(key))
        return key in self._pictures

    def __iter__(self) -> Any:
        raise TypeError("a shared page that loops over every picture cannot be kept")

    def __len__(self) -> int:
        return len(self._pictures)


_UNLISTED = (-1, -1)  # `as_written`: a path the last manifest did not list


def _written_states(docs_dir: Path) -> dict[str, tuple[int, int] | None]:
    """The (size, mtime_ns) of each file the last build wrote in `docs_dir` (its manifest) but the pictures
    (`write_tree` knows those by their cache key): None for one missing or not a plain file."""
    listed = manifest_paths(docs_dir)
    if listed is None:
        return {}
    paths = [p for p in listed if not p.startswith(("assets/", "en/assets/"))]
    try:
        found = lstat_all(os.path.join(str(docs_dir), ""), paths)
    except (OSError, ValueError):  # a planted manifest (a path leaving the folder...): each file looked at alone
        return {}
    return {path: (status.st_size, status.st_mtime_ns) if status is not None and stat.S_ISREG(status.st_mode)
            else None for path, status in found.items()}
