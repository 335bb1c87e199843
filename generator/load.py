"""Load a territories folder into the one model of the atlas, or a report of what is wrong.

The sequence is linear: find the files, parse each, type each against the format, check the atlas
as a whole, then build the immutable model. All problems of all sheets are collected in one run.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from generator import file_states
from generator.errors import AtlasError, InvalidAtlas, Location, Report
from generator.fields import HUB, INDICATOR, PILLAR, SHEET_SPECS, SOURCE, TERRITORY, VOCABULARY_ENTRY
from generator.i18n import _
from generator.model import (
    PILLARS,
    VOCABULARY_LISTS,
    Atlas,
    Fact,
    Hub,
    Indicator,
    Pillar,
    Source,
    Territory,
    Vocabulary,
    VocabularyEntry,
    _frozen,
    build_atlas,
)
from generator.sheet_memo import SheetMemo, check_file
from generator.sheet_parser import read_sheet
from generator.sheets import Tree, find_sheets
from generator.specs import Fact as FactSpec
from generator.specs import ListOf, Record
from generator.validate import Checked, SheetData, check_atlas, check_sheet
from generator.validate.moved import check_moved
from generator.validate.rules import check_shared_source_dates

__all__ = ["SheetMemo", "build_date", "load_atlas", "load_valid_atlas", "vocabulary_ids"]  # SheetMemo: atlas serve

Progress = Callable[[int, int], None]


def build_date() -> date:
    """The date facts are judged against: SOURCE_DATE_EPOCH when set (reproducible builds), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return date.today()


# a tree without territories/sources.yml or indicators.yml: one empty mapping, the same object each run, so that
# `atlas serve` keeps the model's records across saves (it keeps them while these are the same objects)
_NOTHING: Mapping[str, Any] = MappingProxyType({})


def load_atlas(territories_dir: Path, as_of: date | None = None, progress: Progress | None = None,
               memo: SheetMemo | None = None,
               changed: Iterable[Path] = (), tree: Tree | None = None) -> tuple[Atlas | None, Report]:
    """Every sheet under `territories_dir` -> (Atlas, report) or (None, report) when any error was found.

    With `memo` (a long-lived process), the sheets it holds with the same file state and bytes are not
    read or checked again; `changed`: files known to have been saved since the last run (read again);
    `tree`: the folder as `find_sheets` found it just before, when the caller walked it already."""
    root = Path(territories_dir)
    if not root.exists():
        raise AtlasError(_("the territories folder '{folder}' does not exist (give another with --territories DIR)")
                         .format(folder=root), exit_code=2)
    if not root.is_dir() or root.is_symlink():
        raise AtlasError(_("'{folder}' is not a folder (give the territories folder with --territories DIR)")
                         .format(folder=root), exit_code=2)
    as_of = as_of or build_date()
    tree = tree if tree is not None else find_sheets(root)
    report = tree.report
    base = os.path.join(os.path.dirname(os.path.abspath(root)), "")  # strings: 2,900 Path objects were 0.05 s
    territories: list[SheetData] = []
    hubs: list[SheetData] = []
    vocabulary: dict = {}
    shared_sources: Mapping[str, Any] = _NOTHING
    shared_locs: dict[str, Location] = {}
    catalogue: SheetData | None = None
    moved: SheetData | None = None
    shared: SheetData | None = None  # sources.yml, for its dates (judged against `as_of`, never memoised)
    total = len(tree.files)
    # what an earlier load parsed is not this load's (file_states.loaded_digest): a load without the memo notes
    # nothing, and its records' sheets are hashed as files are
    file_states.forget_loaded()
    if memo is not None:
        memo.begin()
        saved = frozenset(Path(f).absolute() for f in changed)
    for done, sheet in enumerate(tree.files, 1):
        problems, checked = memo.check(sheet, saved, tree.states) if memo is not None else check_file(sheet)
        report.problems.extend(problems)
        if progress and (done % 200 == 0 or done == total):
            progress(done, total)
        if checked is None or checked.data is None:
            continue
        where = sheet.absolute()
        rel = where[len(base):].replace(os.sep, "/") if where.startswith(base) else sheet.display
        if sheet.kind == "vocabulary":
            vocabulary = checked.data
        elif sheet.kind == "indicators":
            catalogue = SheetData("indicators", "indicators", sheet.display, rel, checked)
        elif sheet.kind == "moved":
            moved = SheetData("moved", "moved", sheet.display, rel, checked)
        elif sheet.kind == "sources":
            shared_sources = checked.data
            shared = SheetData("sources", "sources", sheet.display, rel, checked)
            shared_locs = {k[:-4]: v for k, v in checked.locations.items() if k.endswith("#key")}
        else:
            target = territories if sheet.kind == "territory" else hubs
            target.append(SheetData(sheet.kind, sheet.stem or "", sheet.display, rel, checked, sheet.territory_id))
    if memo is not None:
        memo.end()
    valid_t, valid_h = check_atlas(report, territories, hubs, vocabulary, shared_sources, shared_locs, as_of,
                                   catalogue, memo.distances if memo is not None else None)
    moved_hubs = check_moved(report, moved, territories, hubs)
    if shared is not None:
        check_shared_source_dates(report, shared, as_of)
    if memo is not None:
        memo.checked_atlas()
    if report.errors:
        return None, report
    # a hub's territory folder may hold an invalid territory sheet; that is an error already reported
    indicators = catalogue.data if catalogue is not None else _NOTHING
    return _model(valid_t, valid_h, vocabulary, shared_sources, shared_locs, as_of, indicators, memo,
                  moved_hubs), report


def load_valid_atlas(territories_dir: Path, as_of: date | None = None, memo: SheetMemo | None = None,
                     tree: Tree | None = None, changed: Iterable[Path] = ()) -> Atlas:
    """The model, or InvalidAtlas (a user error listing the problems) when any sheet is invalid. `memo`:
    the sheets as an earlier run read and checked them (generator.sheet_memo); `tree`, `changed`: see
    `load_atlas`."""
    atlas, report = load_atlas(territories_dir, as_of, memo=memo, tree=tree, changed=changed)
    if atlas is None:
        raise InvalidAtlas(report)
    return atlas


def _source(sid: str, data: dict, shared: bool, loc: Location) -> Source:
    return Source(id=sid, shared=shared, location=loc, **_declared(SOURCE, data, {}, loc.file, Source))


def _fact(data: dict, sources: dict[str, Source], display: str) -> Fact:
    sid = data.get("source")
    return Fact(
        value=data["value"], year=data.get("year"), source=sources.get(sid) if sid else None,
        note=data.get("note"), label=data.get("label"), unit=data.get("unit"),
        location=data.get("_loc") or Location(display),
    )


def _identity(raw: dict | None, resolve: dict[str, Source], display: str) -> tuple[object, Fact | None]:
    """A hub identity field: its plain value, and the fact when it was written as one (with year, source)."""
    if raw is None:
        return None, None
    value = raw["value"]
    if raw.get("_bare"):
        return value, None
    return value, _fact(raw, resolve, display)


# fields the model builds apart, with what they need (the file's id, resolved sources, the catalogue)
_APART = {Territory: {"id", "sources", "en", "pillars", "measures"}, Hub: {"id", "sources", "en"}, Pillar: {"en"},
          Indicator: {"source"}, Source: set(), VocabularyEntry: set()}


# how _declared fills one field: its value as written, a fact, an identity fact, a tuple of facts, a tuple
_RAW, _FACT, _IDENTITY, _FACTS, _ITEMS = range(5)
_PLANS: dict[tuple[int, type], tuple[Record, tuple[tuple[str, str, int, bool, bool], ...], bool]] = {}


def _plan(record: Record, cls: type) -> tuple[tuple[tuple[str, str, int, bool, bool], ...], bool]:
    """Per field of `record`: (name, model attribute, how to fill it, whether the attribute and its `_fact`
    are the class's own), and whether the class has `extra`; worked out once per record and class (the
    field loop asked dataclasses for the class's fields 3,200 times a build)."""
    found = _PLANS.get((id(record), cls))
    if found is not None and found[0] is record:
        return found[1], found[2]
    attrs = {f.name for f in dataclasses.fields(cls)}
    steps = []
    for name, f in record.fields.items():
        if name in _APART[cls]:
            continue
        attr, spec = f.attr or name, f.spec
        if isinstance(spec, FactSpec):
            how = _IDENTITY if spec.identity else _FACT
        elif isinstance(spec, ListOf):
            how = _FACTS if isinstance(spec.item, FactSpec) else _ITEMS
        else:
            how = _RAW
        steps.append((name, attr, how, attr in attrs, f"{attr}_fact" in attrs))
    _PLANS[id(record), cls] = (record, tuple(steps), "extra" in attrs)
    return tuple(steps), "extra" in attrs


def _declared(record: Record, d: dict, resolve: dict[str, Source], display: str, cls: type) -> dict[str, Any]:
    """The model's arguments for the fields of `record` (generator.fields), derived from each field's kind:
    a fact becomes a Fact, a hub identity field its value and `<name>_fact`, a list a tuple. Fields that the
    model class has no attribute for go to its `extra` mapping (read like attributes, None when absent)."""
    own: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    steps, has_extra = _plan(record, cls)
    for name, attr, how, own_attr, own_fact in steps:
        raw = d.get(name)
        if how == _IDENTITY:
            value, fact = _identity(raw, resolve, display)
            (own if own_attr else extra)[attr] = value
            (own if own_fact else extra)[f"{attr}_fact"] = fact
            continue
        if how == _FACT:
            value = _fact(raw, resolve, display) if raw is not None else None
        elif how == _FACTS:
            value = tuple(_fact(x, resolve, display) for x in raw or ())
        elif how == _ITEMS:
            value = tuple(raw or ())
        else:
            value = raw
        (own if own_attr else extra)[attr] = value
    return {**own, "extra": _frozen(extra)} if has_extra else own


def _measure(data: dict, indicator: Indicator | None, resolve: dict[str, Source], display: str) -> Fact:
    """A measure; a bare value takes the catalogue's source and year."""
    fact = _fact(data, resolve, display)
    if indicator is None:
        return fact
    return Fact(value=fact.value, year=fact.year if fact.year is not None else indicator.year,
                source=fact.source or indicator.source, note=fact.note, label=indicator.label,
                unit=indicator.unit, location=fact.location)


def _model(valid_t: dict[str, SheetData], valid_h: dict[str, SheetData], vocabulary: dict,
           shared_sources: Mapping[str, Any], shared_locs: dict[str, Location], as_of: date,
           catalogue: Mapping[str, dict], memo: SheetMemo | None = None,
           moved_hubs: Mapping[str, str] | None = None) -> Atlas:
    kept = memo.shared if memo is not None else None
    if kept is not None and kept[0] is shared_sources and kept[1] is catalogue and kept[2] == shared_locs:
        shared, indicators = kept[3]
    else:
        shared = {sid: _source(sid, d, True, shared_locs.get(f"{sid}", Location("")))
                  for sid, d in shared_sources.items()}
        indicators = {
            iid: Indicator(id=iid, source=shared.get(e["source"]) if "source" in e else None,
                           **_declared(INDICATOR, e, shared, "indicators.yml", Indicator))
            for iid, e in catalogue.items()
        }
        if memo is not None:  # the records point at these sources: none of the old ones is kept
            memo.shared, memo.records = (shared_sources, catalogue, dict(shared_locs), (shared, indicators)), {}
    records: dict[tuple[str, str], tuple[Checked, str, Any]] = {}

    def kept_record(kind: str, ident: str, sheet: SheetData) -> Any:
        found = memo.records.get((kind, ident)) if memo is not None else None
        if found is not None and found[0] is sheet.checked and found[1] == sheet.path:
            records[kind, ident] = found
            return found[2]
        return None

    def keep(kind: str, ident: str, sheet: SheetData, record: Any) -> None:
        records[kind, ident] = (sheet.checked, sheet.path, record)
        if memo is not None:
            memo.made += 1

    def local_sources(sheet: SheetData) -> dict[str, Source]:
        return {sid: _source(sid, d, False, sheet.loc(f"sources.{sid}#key"))
                for sid, d in (sheet.data.get("sources") or {}).items()}

    territories: dict[str, Territory] = {}
    for tid, sheet in valid_t.items():
        if (territory := kept_record("territory", tid, sheet)) is not None:
            territories[tid] = territory
            continue
        d = sheet.data
        local = local_sources(sheet)
        resolve = {**shared, **local}
        pillars = {key: Pillar(key=key, en=_frozen(p.get("en")),
                               **_declared(PILLAR, p, resolve, sheet.display, Pillar))
                   for key in PILLARS if (p := (d.get("pillars") or {}).get(key)) is not None}
        territories[tid] = Territory(
            id=tid, path=sheet.path, pillars=_frozen(pillars), sources=_frozen(local), en=_frozen(d.get("en")),
            measures=_frozen({iid: _measure(f, indicators.get(iid), resolve, sheet.display)
                              for iid, f in (d.get("measures") or {}).items()}),
            **_declared(TERRITORY, d, resolve, sheet.display, Territory),
        )
        keep("territory", tid, sheet, territories[tid])
    hubs: dict[str, Hub] = {}
    for hid, sheet in valid_h.items():
        if (hub := kept_record("hub", hid, sheet)) is not None and hub.territory_id == (sheet.territory_id or ""):
            hubs[hid] = hub
            continue
        d = sheet.data
        local = local_sources(sheet)
        resolve = {**shared, **local}
        hubs[hid] = Hub(
            id=hid, territory_id=sheet.territory_id or "", path=sheet.path, sources=_frozen(local),
            en=_frozen(d.get("en")),
            precision=d["coordinates"].get("precision", "address") if "coordinates" in d else None,
            **_declared(HUB, d, resolve, sheet.display, Hub),
        )
        keep("hub", hid, sheet, hubs[hid])
    if memo is not None:
        memo.records = records
    vocab = Vocabulary(**{
        name: _frozen({eid: VocabularyEntry(id=eid, **_declared(VOCABULARY_ENTRY, e, {}, "vocabulary.yml",
                                                                VocabularyEntry))
                       for eid, e in (vocabulary.get(name) or {}).items()})
        for name in VOCABULARY_LISTS
    })
    return build_atlas(territories, hubs, vocab, shared, as_of, indicators, moved_hubs)


def shared_source_ids(territories: Path) -> set[str]:
    """The ids of territories/sources.yml (for `atlas new`), read even when other sheets are invalid."""
    for sheet in find_sheets(territories).files:
        if sheet.kind == "sources":
            report = Report()
            checked = check_sheet(SHEET_SPECS["sources"], read_sheet(sheet, report), report, sheet.display)
            return set(checked.data or ())
    return set()


def vocabulary_ids(territories: Path) -> dict[str, list[str]]:
    """The vocabulary ids of the atlas (for schema enums), read even when other sheets are invalid."""
    tree = find_sheets(territories)
    for sheet in tree.files:
        if sheet.kind == "vocabulary":
            report = Report()
            checked = check_sheet(SHEET_SPECS["vocabulary"], read_sheet(sheet, report), report, sheet.display)
            if checked.data:
                return {name: list(entries) for name, entries in checked.data.items()}
    return {}
