"""Territory and hub pages kept between builds, each with a hash of everything it shows (issue 11:
after one sheet is edited, only the pages that show it are rendered). See `PageCache`."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from generator.atlas_reads import (
    QUERY,
    QUERY_FIELDS,
    Changes,
    ReadState,
    inputs_digest,
    keep_per_sheet,
    shared_digest,
)
from generator.measured import shown_digest
from generator.opendata import SHEETS_DIR
from generator.outputs import KeptFile, Output
from generator.page_code import PAGE_CACHE_FORMAT, code_version
from generator.page_kept import KeptOutputs, SheetValues, _stable_repr  # noqa: F401  (_stable_repr: tests)
from generator.page_store import KEY_CHARS, KindStore, picture_state, read_index
from generator.site_templates import keep_compiled_in

COPIES = f"{SHEETS_DIR}/"  # where the sheets' byte copies go
HUB_PAGES = "hubs/"  # where the hubs' pages are, in each edition (page_parts.hub_path)


class PageCache(KeptOutputs):
    """Territory and hub pages as last rendered, each kept with a hash of everything it shows.

    Rendering the 2,900 sheet pages of the national atlas is most of a regeneration; after one sheet
    is edited, only the pages that show it have other inputs. A page's key hashes: the code (the
    generator, the theme, the rendering libraries), what every page may show (the options, the
    date, the vocabulary, the shared sources, the indicators, the measured scores, the display
    names, the releases, the site's address), the bytes of every sheet the page declares as its
    sources (`Pages.territory_sources`, `hub_sources`), and the pictures and hub cards it placed
    the last time (recorded while rendering, checked against today's). Any doubt is a miss: the
    page is rendered. The rendered bytes are not stored twice: a hit reads the page back from the
    docs folder, whose file must still have the size and modification time it had when written.
    The index is in `.cache/pages/<docs folder hash>/`: a small index and shards (generator.page_store).

    One cache serves every edition of a run: `begin()` once, then `attach()` and `complete()` for
    each `Pages` (the English edition's with `prefix="en/"`, where its files go), `save()` after
    `write_tree`.
    """

    def __init__(self, docs_dir: Path, cache_dir: Path = Path(".cache/pages")) -> None:
        self.docs_dir = docs_dir.resolve()
        self._docs = str(self.docs_dir)
        self.cache_dir = cache_dir
        name = hashlib.sha256(str(self.docs_dir).encode()).hexdigest()[:32]
        self.folder = cache_dir / name
        self.index_path = self.folder / "index.pickle"
        self._legacy_index = cache_dir / f"{name}.json"  # the one JSON file of the format before (17 MB)
        self.previous: dict[str, Any] | None = None  # the last build's snapshot (`_snapshot`), if whole
        self._commons_before: frozenset[str] | None = None
        self.entries = self._read_index()
        self.code = ""
        self._code_files_now: dict[str, list[Any]] = {}  # the code's files' states and hashes (`code_version`)
        # (value name, sheet path) -> a kept value as last read back and what it was read from (SheetValues.loaded)
        self.loaded_values: dict[tuple[str, str], tuple[Any, Any]] = {}
        self.begin(Path("."))

    def begin(self, territories_dir: Path) -> None:
        """A new run over the sheets of `territories_dir` (its parent is what sheet paths are relative to)."""
        self._base_dir = territories_dir.absolute().parent
        # the code's hash, per folders of templates, once a run: a process that lives on (`atlas build --watch`,
        # `atlas serve`) sees a template saved (the files' states: `code_version` reads only those that changed)
        self._codes: dict[tuple[str, ...], str] = {}
        self.hits: dict[str, Output] = {}  # docs path -> the page as read back (at its edition's own path)
        self.misses: dict[str, tuple[str, ...]] = {}  # docs path -> its sources (the key is made once rendered)
        self.reads: dict[str, tuple[set[str], set[str]]] = {}  # docs path -> pictures and hubs it placed
        self.rendered: set[str] = set()
        self._owner: dict[str, tuple[Any, str]] = {}  # docs path -> (its Pages, the common key of that Pages)
        self._state: ReadState | None = None  # the sheets' hashes of this run, shared with the shared pages
        self._picture_digests: dict[tuple[int, str], str] = {}
        self._lines: dict[tuple[str, str, int], str] = {}  # the lines of the pages' keys (`_line`)
        self._reprs: dict[int, tuple[Any, str]] = {}
        self.kinds_kept: set[str] = set()  # the kinds of shared pages read back (with their edition's prefix)
        self.extra: dict[str, Any] = {}  # other entries of the index made this run (page_records.KeptRecords)
        self.derived: dict[str, tuple[Any, set[tuple[str, str]]]] = {}  # values both editions use, with their reads
        self.kinds_made: dict[str, tuple[Any, str, set[tuple[str, str]], set[str], list[str], list[str]]] = {}
        self.changes: Changes | None = None  # what changed since the last build (`attach`), None: unknown
        self.commons: set[str] = set()  # the `common` parts of this run's keys (kept in the snapshot)
        self.pictures_source: Mapping[str, Any] | None = None  # the pictures the editions' pictures come from
        self._changed: frozenset[str] | None = None  # the pictures' keys changed since the last build
        self._changed_known = False
        self._picture_states: dict[str, str | None] | None = None  # picture key -> `picture_state`, this run's
        self._touched: set[str] | None = None  # the kept groups to check by their key (`untouched`)
        self._touched_known = False
        self._written = None  # the docs files' states, looked at once this run (`as_written`)
        self._sorted: dict[int, tuple[Any, tuple[str, ...]]] = {}  # id(sources) -> (sources, sorted)
        self.values: SheetValues | None = None  # the values kept per sheet this run (`attach`)

    def _read_index(self) -> dict[str, list[Any]]:
        """The sheet pages' entries; the other parts of the index beside them (the kept kinds: `kind_entries`)."""
        data = read_index(self.folder, PAGE_CACHE_FORMAT) or {}
        self.kind_entries = KindStore(self.folder, data or None)  # the kept kinds, read from their shards
        pictures, copies, code_files = data.get("pictures"), data.get("copies"), data.get("code")
        # picture file -> [size, mtime_ns, its cache key] as written
        self.picture_files: dict[str, Any] = pictures if isinstance(pictures, dict) else {}
        # the sheets' copies in the docs folder: [size, mtime_ns]
        self.copy_files: dict[str, Any] = copies if isinstance(copies, dict) else {}
        # the code's files as the last build hashed them
        self.code_files: dict[str, Any] = code_files if isinstance(code_files, dict) else {}
        since = data.get("since")
        self.previous = since if isinstance(since, dict) and isinstance(since.get("commons"), list) else None
        return data.get("pages", {})

    def known_files(self, pictures: Mapping[str, Any]) -> dict[str, tuple[int, int]]:
        """For `write_tree`: the pictures whose bytes are their file's while it has that size and time: those
        whose cache key is the one written there (a picture's key hashes its spec and the code that drew
        it). Those files are not read again; the kept pages and outputs say their states themselves
        (`outputs.KeptFile`)."""
        known: dict[str, tuple[int, int]] = {}
        for pic in pictures.values():
            written = self.picture_files.get(pic.filename)
            digest = getattr(pic, "digest", "")
            if digest and isinstance(written, list) and len(written) == 3 and written[2] == digest[:KEY_CHARS]:
                known[pic.filename] = (written[0], written[1])
        return known

    def attach(self, pages: Any, site_url: str | None, wanted: Callable[[str, set[str]], bool] | None,
               prefix: str = "") -> Callable[[str, set[str]], bool]:
        """Record what each page of `pages` places (pictures, hub cards) and return the `wanted` of
        `all_pages`: False for a page taken from the cache (or refused by `wanted`). `prefix`: where
        this edition's pages go in the docs folder."""
        templates = tuple(str(t) for t in getattr(pages.env.loader, "searchpath", ()))
        if templates not in self._codes:
            self._codes[templates] = code_version(templates, self._code_files_now or self.code_files,
                                                  self._code_files_now)
        self.code = code = self._codes[templates]
        common: list[str] = []  # computed at the first page: after the shared pages, which fill some of it
        territories: dict[str, Any] = {}  # each territory's page and the territory (pages.Pages.territory_pages)
        scored = pages.scores  # (a territory's page is made with the part it shows: `cached` runs meanwhile)
        self._wrap(pages, prefix, "picture", 0)
        self._wrap(pages, prefix, "hub_card", 1)
        if self._state is None or self._state.atlas is not pages.atlas:
            self._state = ReadState(pages.atlas, self._base_dir)
            # here, outside any recording of reads: telling the changes reads the whole atlas
            self.changes = self._state.changes_since(self.previous) if self.previous is not None else None
            self.values = SheetValues(self, shared_digest(pages.atlas, pages.scores) + code)
            keep_per_sheet(pages.atlas, self.values)
        pages.kind_cache = self._kind_cache(pages, site_url, prefix, code)
        pages.sheet_reads = (self._collect_reads(prefix), self._merge_reads)
        # the templates compiled once, not by each build (0.3 s of a build after one edit); Jinja checks each
        # template's source against its compiled copy
        keep_compiled_in(self.cache_dir / "compiled")

        def cached(path: str, sources: set[str]) -> bool:
            if wanted is not None and not wanted(path, sources):
                return False
            if not common:
                common.append(self._common_key(pages, site_url, prefix, code))
                common.append(self._common_key(pages, site_url, prefix, code, scores=False))
                common.append(self._common_key(pages, site_url, prefix, code, scores=False, rankings=True))
                self.commons.update(common[:2])
                territories.update(getattr(pages, "territory_pages", {}))
            full = prefix + path
            # a hub's page shows no score (pages.Pages.hub_page): a hub added or closed, which moves the scores,
            # leaves the other hubs' pages as they were; a territory's page, the scores it shows only
            if path.startswith(HUB_PAGES):
                mine = common[1]
            elif path in territories:
                mine = hashlib.sha256(f"{common[2]}\0{shown_digest(pages.atlas, scored, territories[path])}"
                                      .encode()).hexdigest()
                self.commons.add(mine)
            else:
                mine = common[0]
            self._owner[full] = (pages, mine)
            file = f"{self._docs}/{full}"
            found = self._hit(full, sources, file)
            listed = self._sorted.get(id(sources))  # both editions ask with the same sources: sorted once
            if listed is None or listed[0] is not sources:
                listed = self._sorted[id(sources)] = (sources, tuple(sorted(sources)))
            if found is not None:
                self.hits[full] = KeptFile(path, file, found, listed[1])
                return False
            self.misses[full] = listed[1]
            return True

        return cached

    def unchanged(self, common: str, reads: Iterable[Iterable[str]] = (), placed: Iterable[str] = (),
                  sources: Iterable[str] = (), cards: Iterable[str] = ()) -> bool:
        """Whether an output kept at the last build, keyed then with `common`, the atlas's `reads`, the pictures
        it `placed`, the sheets of its `sources` and the hub `cards` it showed, has the same key now: told
        from what changed since that build (`changes`), without hashing those again. False when unsure (no
        whole build before, the indexes changed, another `common`): the key is then made and compared."""
        changes = self.changes
        if changes is None or self.previous is None or common not in self._previous_commons():
            return False
        if changes.touch(reads) or not changes.paths.isdisjoint(sources) or not changes.cards.isdisjoint(cards):
            return False
        changed = self._changed_pictures()
        if changed is None:  # no pictures' snapshot: any picture may have changed
            for _key in placed:
                return False
            return True
        return changed.isdisjoint(placed)  # 10,000 pictures placed by the kept pages: one set operation a page

    def untouched(self, name: str, common: str) -> bool:
        """Whether the kept group of outputs `name`, whose making now would have `common`, has the key it had
        at the last build, told by the postings of what changed since (`page_store.KindStore.touched`): none
        of its reads nor pictures changed, and it read no query's answer. False when unsure."""
        if not self._touched_known:
            self._touched_known = True
            changes = self.changes
            if changes is not None and self.previous is not None:
                store = self.kind_entries
                pictures, answers = self._changed_pictures(), self._changed_answers()
                self._touched = None if pictures is None else store.touched(changes.reads, pictures) \
                    if answers is None else store.touched(changes.reads | answers, pictures, answers_told=True)
        touched = self._touched
        return touched is not None and name not in touched and common in self._previous_commons()

    def _changed_answers(self) -> set[tuple[str, str]] | None:
        """The answers read by kept groups whose state is not the last build's (130 groups read one: a rename
        changes none). None when unknown (no states kept, a question that fails). An answer whose query reads
        none of the fields the edit changed (`atlas_reads.QUERY_FIELDS`) keeps the last build's state, not
        worked out again (a rename left 9 of 11 queries' answers as they were, 7 % of a watch build)."""
        previous = self.previous or {}
        before = previous.get("answers")
        state = self._state
        if not isinstance(before, dict) or state is None:
            return None
        fields = None
        if self.changes is not None and previous.get("answers_common") == state.answers_common(self.code):
            fields = state.changed_fields(self.changes, previous)
        try:
            changed = set()
            for name, key in self.kind_entries.answers_read():
                was = before.get(f"{name}\0{key}")
                reads = QUERY_FIELDS.get(name[len(QUERY):])
                if fields is not None and reads is not None and isinstance(was, str) \
                        and not any(reads[mapping] & found for mapping, found in fields.items()):
                    state.carry(name, key, was)
                elif was != state.state(name, key):
                    changed.add((name, key))
            return changed
        except Exception:  # a planted posting asking a query something it cannot answer: every such group keyed
            return None

    def kept_copy(self, sheet: str, copy: str) -> Output | None:
        """The byte copy of `sheet` at `copy` in the docs folder as the last whole build wrote it, when the
        sheet's bytes are those it had then (`changes`) and the file is as written; else None (read it)."""
        changes, state = self.changes, self.copy_files.get(copy)
        before = (self.previous or {}).get("sheets")
        if (changes is None or not isinstance(state, list) or len(state) != 2 or not isinstance(before, dict)
                or sheet not in before or sheet in changes.paths):
            return None
        file = f"{self._docs}/{copy}"
        return KeptFile(copy, file, (state[0], state[1]), (sheet,)) if self.as_written(copy, file, *state) else None

    def _previous_commons(self) -> frozenset[str]:
        found = self._commons_before
        if found is None:
            commons = (self.previous or {}).get("commons", ())  # a planted snapshot's may be anything
            found = self._commons_before = frozenset(c for c in commons if isinstance(c, str))
        return found

    def _changed_pictures(self) -> frozenset[str] | None:
        """The keys under which a page may have placed a picture that is another than at the last build (None:
        unknown, no pictures' snapshot). A page places `key` and shows its phone variant `narrow/<key>`; the
        English edition places its twins `en/<key>` instead: a key is changed when any of these has another
        file or cache key, appeared or went (one without a cache key counts as changed). Found once a run by
        comparing every picture's state with the snapshot's (13,800 states), not page by page."""
        if self._changed_known:
            return self._changed
        self._changed_known = True
        before = (self.previous or {}).get("pictures")
        if not isinstance(before, dict) or self.pictures_source is None:
            return None
        now = self._picture_states_now()
        names = {name for name, state in now.items() if state == "?" or before.get(name) != state}
        names.update(name for name in before if isinstance(name, str) and name not in now)
        keys = set(names)
        for name in names:  # the keys whose variants these are
            for prefix in ("en/", "narrow/", "en/narrow/"):
                if name.startswith(prefix):
                    keys.add(name[len(prefix):])
        self._changed = frozenset(keys)
        return self._changed

    def _picture_states_now(self) -> dict[str, str | None]:
        """`picture_state` of every picture of this run, made once (for the changed pictures and the snapshot)."""
        found = self._picture_states
        if found is None:
            found = self._picture_states = {k: picture_state(p, k) for k, p in (self.pictures_source or {}).items()}
        return found

    def _snapshot(self, pictures: Mapping[str, Any] | None) -> dict[str, Any] | None:
        """What the next build tells its changes from (`unchanged`): the sheets and indexes, the commons
        and the pictures of this run, when every kept entry was checked or made by it."""
        if self._state is None:
            return None
        common, previous = self._state.answers_common(self.code), self.previous
        snapshot = self._state.snapshot(previous, previous is not None and previous.get("answers_common") == common)
        snapshot["commons"] = sorted(self.commons)
        snapshot["answers_common"] = common
        if pictures is not None and pictures is self.pictures_source:
            snapshot["pictures"] = {key: state for key, state in self._picture_states_now().items()
                                    if state not in (None, "?")}
        return snapshot

    def _wrap(self, pages: Any, prefix: str, name: str, slot: int) -> None:
        original = pages.env.globals.get(name)
        if not callable(original):
            return
        reads = self.reads

        def recording(key: str, page_path: str, *args: Any, **kwargs: Any) -> Any:
            reads.setdefault(prefix + page_path, (set(), set()))[slot].add(str(key))
            return original(key, page_path, *args, **kwargs)

        pages.env.globals[name] = recording

    def _common_key(self, p: Any, site_url: str | None, prefix: str, code: str, scores: bool = True,
                    rankings: bool = False) -> str:
        """What every page of one edition may show, hashed once per run; without `scores`, what a hub's page may
        show (neither the measured profile nor the rankings the pillar pages tell); without `scores` but with
        `rankings`, what a territory's page may show besides the scores it shows (measured.shown_digest)."""
        atlas = p.atlas
        shared = self._shared_repr  # the editions share the atlas and its scores: their text is made once
        parts = (code, prefix, repr(getattr(p, "lang", None)), _stable_repr(p.options), repr(site_url),
                 shared_digest(atlas, p.scores) if scores else "hub " + inputs_digest(atlas),
                 shared(getattr(p, "names", None)),
                 repr(sorted(getattr(p, "_long_rankings", ()))) if scores or rankings else "",
                 repr(p.env.globals.get("releases")), repr(getattr(p, "file_prefix", None)),
                 repr(getattr(p, "untranslated", None)), repr(sorted(k for k in p.env.globals)))
        digest = hashlib.sha256()
        for part in parts:
            digest.update(part.encode("utf-8") + b"\0")
        return digest.hexdigest()

    def _shared_repr(self, value: Any) -> str:
        found = self._reprs.get(id(value))
        if found is None or found[0] is not value:
            found = self._reprs[id(value)] = (value, repr(value))
        return found[1]

    def _sheet(self, path: str) -> str:
        if self._state is None:
            raise RuntimeError("attach() the pages first")
        return self._state.sheet(path)

    def _picture(self, pages: Any, key: str) -> str:
        found = self._picture_digests.get((id(pages.pictures), key))
        if found is None:
            parts = []
            for name in (key, f"narrow/{key}"):  # a picture is placed with its narrow variant
                pic = pages.pictures.get(name)
                if pic is None:
                    parts.append("-")
                    continue
                digest = getattr(pic, "digest", None)
                if digest:  # the picture's cache key: a hash of its words, its data and the code that drew it
                    parts.append(f"{pic.filename} {digest}")
                    continue
                svg = hashlib.sha1(pic.svg).hexdigest()
                parts.append(repr((pic.filename, svg, pic.title, pic.alt, pic.table_headers, pic.table_rows,
                                   getattr(pic, "legend", ()))))
            found = hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()
            self._picture_digests[(id(pages.pictures), key)] = found
        return found

    def _hub(self, pages: Any, hub_id: str) -> str:
        hub = pages.atlas.hubs.get(hub_id)
        if hub is None:
            return "-"
        place = pages.atlas.territories.get(hub.territory_id)
        return self._sheet(hub.path) + (self._sheet(place.path) if place is not None else "-")

    def _line(self, kind: str, name: str, pages: Any) -> str:
        """One line of a page's key: a source sheet ("s"), a picture ("p") or a hub card ("h") and its state
        today; made once a build (a sheet is a source of many pages, a hub on many cards)."""
        found = self._lines.get((kind, name, id(pages)))
        if found is None:
            state = self._sheet(name) if kind == "s" else self._picture(pages, name) if kind == "p" else \
                self._hub(pages, name)
            found = self._lines[(kind, name, id(pages))] = f"{kind} {name} {state}"
        return found

    def _key(self, full: str, sources: Iterable[str], pictures: Iterable[str], hubs: Iterable[str]) -> str:
        pages, common = self._owner[full]
        lines, line = self._lines, self._line  # the lines looked up here, not called: 55,000 after one edit
        text = [f"{common}\0{full}"]
        for kind, names, shown in (("s", sources, None), ("p", pictures, pages), ("h", hubs, pages)):
            of = id(shown)  # a sheet's line is every edition's
            for name in sorted(names):
                found = lines.get((kind, name, of))
                text.append(found if found is not None else line(kind, name, shown))
        return hashlib.sha256("\n".join(text).encode()).hexdigest()

    def _hit(self, full: str, sources: set[str], file: str) -> tuple[int, int] | None:
        """The state (size, mtime_ns) of the page at `full` (its `file`) as last written, when its key is
        today's and its file is as written; else None."""
        entry = self.entries.get(full)
        if not (isinstance(entry, list) and len(entry) == 5 and type(entry[1]) is int and type(entry[2]) is int
                and isinstance(entry[3], list) and isinstance(entry[4], list)):
            return None
        key, size, mtime_ns, pictures, hubs = entry
        try:
            if (not self.unchanged(self._owner[full][1], sources=sources, cards=hubs, placed=pictures)
                    and self._key(full, sources, pictures, hubs) != key):
                return None
        except TypeError:  # a damaged or planted entry (names that are not texts): the page is rendered
            return None
        return (size, mtime_ns) if self.as_written(full, file, size, mtime_ns) else None

    def complete(self, outs: list[Output], prefix: str = "") -> list[Output]:
        """The outputs of one edition's pages with its pages taken from the cache (at the edition's paths)."""
        self.rendered |= {prefix + out.path for out in outs if prefix + out.path in self.misses}
        return outs + [out for full, out in sorted(self.hits.items()) if full == prefix + out.path]

    def save(self, outputs: Iterable[Output], partial: bool = False, pictures: Mapping[str, Any] | None = None,
             states: Mapping[str, Sequence[int]] | None = None) -> None:
        """After `write_tree`: remember the key, size and time of each sheet page now in the docs folder,
        and (with `states`, what `write_tree` left) the size, time and cache key of each picture file."""
        if not self.code:
            return
        # a partial save keeps entries no check of this run saw: the next build hashes every key again
        snapshot = None if partial else self._snapshot(pictures)
        if states is not None:  # the sheets' copies as written (`kept_copy`)
            self.copy_files = {path: list(state[:2]) for path, state in states.items() if path.startswith(COPIES)}
        if states is not None and pictures is not None:
            self.picture_files = {pic.filename: [*states[pic.filename][:2], pic.digest[:KEY_CHARS]]
                                  for pic in pictures.values() if getattr(pic, "digest", "") and pic.filename in states}
        entries = dict(self.entries) if partial else {}
        outputs = list(outputs)
        state = self._state_in(states)
        made, kept = self._save_kinds({out.path: out for out in outputs}, state)
        if snapshot is not None and self._state is not None:  # told by the groups' keys and `_changed_answers`
            snapshot["answers"] = self._state.answer_states()
        for out in outputs:
            if out.path in self.hits:
                entries[out.path] = self.entries[out.path]
            elif out.path in self.rendered:
                pictures, hubs = self.reads.get(out.path, (set(), set()))
                found = state(out.path)
                if found is None or found[0] != len(out.data):
                    continue
                entries[out.path] = [self._key(out.path, self.misses[out.path], pictures, hubs), found[0], found[1],
                                     sorted(pictures), sorted(hubs)]
        self.entries = entries
        self.previous, self._commons_before = snapshot, None
        index = {"format": PAGE_CACHE_FORMAT, "docs": str(self.docs_dir), "pages": entries,
                 "pictures": self.picture_files, "since": self.previous,
                 "code": self._code_files_now or self.code_files, "copies": self.copy_files}
        self.kind_entries.save(index, made, kept, partial)  # the shards that changed, then the index
        self._legacy_index.unlink(missing_ok=True)
