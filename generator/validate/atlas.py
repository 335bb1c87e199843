"""Phase 2: what only the whole atlas can tell: ids (well-formed, not reserved, unique), references
(parents, partners, sources, vocabulary) with hints naming only ids that exist, parent loops.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from generator.errors import Location, Report
from generator.i18n import N_, _, language
from generator.ids import MAX_ID_LENGTH, RESERVED_IDS, SLUG, slugify
from generator.model import PARENT_LEVELS
from generator.sheet_nodes import Scalar, plain_type
from generator.specs import Slug
from generator.validate.duplicates import check_duplicates
from generator.validate.hints import describe, did_you_mean, quote, ref_hint
from generator.validate.rules import (
    check_catalogue_years,
    check_codes,
    check_hub_communes,
    check_hubs_inside,
    check_parents_hold,
    check_rules,
)
from generator.validate.values import SheetData

# "unknown <word> 'x'" for each list of the vocabulary (messages, translated where they are made)
UNKNOWN_VOCABULARY = {"hub_types": N_("unknown hub type '{id}'"), "services": N_("unknown service '{id}'"),
                      "themes": N_("unknown theme '{id}'"), "networks": N_("unknown network '{id}'")}
REF_FALLBACK = {"territory": N_("write the id of a territory that has a sheet"),
                "hub": N_("write the id of a hub that has a sheet"),
                "source": N_("define it under sources: in this sheet or in territories/sources.yml")}


def _broken_sheets(report: Report, sheets: Iterable[SheetData]) -> tuple[set[str], set[str], bool]:
    """Ids of the territory and hub sheets that failed before phase 2 (their errors are reported),
    and whether the vocabulary failed: what they define is unknown, not missing, so references to
    it must not add a second, misleading error ("unknown hub ... did you mean" its own partner)."""
    listed = {s.display for s in sheets}
    territories: set[str] = set()
    hubs: set[str] = set()
    vocabulary = False
    for problem in report.errors:
        if problem.location.file in listed:
            continue
        path = PurePosixPath(problem.location.file)
        if path.name == "territory.yml":
            territories.add(path.parent.name)
        elif path.parent.name == "hubs" and path.suffix in (".yml", ".yaml"):
            hubs.add(path.stem)
        elif path.name == "vocabulary.yml":
            vocabulary = True
    return territories, hubs, vocabulary


def _report_bad_ref(report: Report, sheet: SheetData, kind: str, node: Scalar, path: str,
                    choices: Iterable[str], fallback: str) -> None:
    """A reference that is not an id: what was found, and a hint naming only an id that exists."""
    text = node.text
    plain = plain_type(text) if not node.quoted else "str"
    known = set(choices)
    expected = Slug().expected
    if plain == "null":
        message = _("expected {expected}, found {found}").format(expected=expected, found=_("nothing"))
        hint = _("remove the empty item") if path.endswith("]") else _("write an id, or remove the field")
    elif plain not in ("str", "int"):
        message = _("expected {expected}, found {found}").format(expected=expected, found=describe(node))
        hint = _('quote it: "{text}"').format(text=text) if text in known else ref_hint(text, known, fallback)
    else:
        message = _("expected {expected}, found {found}").format(expected=expected, found=quote(text))
        hint = ref_hint(text, known, fallback)
    report.error(node.loc, path, message, hint)


def check_id(report: Report, sheet: SheetData, what: str) -> bool:
    """The folder or file name is the id: a slug, not reserved, equal to an `id:` field if any."""
    loc = Location(sheet.display)
    ident = sheet.id
    territory = what == "territory"
    if len(ident) > MAX_ID_LENGTH:
        message = _("the territory id '{id}...' has {count} characters; at most {limit}") if territory else \
            _("the hub id '{id}...' has {count} characters; at most {limit}")
        report.error(loc, "id", message.format(id=ident[:40], count=len(ident), limit=MAX_ID_LENGTH),
                     _("rename the folder with a shorter id") if territory else _("rename the file with a shorter id"))
        return False
    if not SLUG.match(ident):
        message = _("the territory id {id} (from the folder name) is not a valid id") if territory else \
            _("the hub id {id} (from the file name) is not a valid id")
        report.error(loc, "id", message.format(id=quote(ident)),
                     _("rename it '{id}': lower-case letters, digits and dashes").format(id=slugify(ident))
                     if slugify(ident) else _("use lower-case letters, digits and dashes"))
        return False
    if ident in RESERVED_IDS:
        report.error(loc, "id", _("the id '{id}' is reserved for the site's own pages").format(id=ident),
                     _("choose another id, e.g. '{id}'").format(id=f"{ident}-{'territoire' if territory else 'hub'}"))
        return False
    written = sheet.data.get("id") if sheet.data else None
    if written is not None and written != ident:
        message = _("the id field '{written}' differs from the folder name '{id}'") if territory else \
            _("the id field '{written}' differs from the file name '{id}'")
        report.error(sheet.loc("id"), "id", message.format(written=written, id=ident),
                     _("write id: {id}, or remove the id field").format(id=ident))
    return True


def check_atlas(report: Report, territories: list[SheetData], hubs: list[SheetData],
                vocabulary: dict[str, dict], shared_sources: dict[str, dict], shared_locs: dict[str, Location],
                as_of: date, catalogue: SheetData | None = None,
                distances: Any = None) -> tuple[dict[str, SheetData], dict[str, SheetData]]:
    """Phase 2: ids, references, loops and the rules that tie fields together; warnings on facts.
    `distances`: the hubs' distances outside their territory found by earlier runs (check_hubs_inside)."""
    indicators: dict[str, dict] = catalogue.data if catalogue is not None else {}
    if catalogue is not None:
        _check_catalogue(report, catalogue, shared_sources)
        check_catalogue_years(report, catalogue, as_of)
        # an entry whose levels were refused in part: its measures' levels are not checked against what is left
        # (the entry's own error says what is wrong; `levels: [departements]` is not « measured for no level »)
        refused = {p.field.split(".", 1)[0] for p in report.errors
                   if p.location.file == catalogue.display and ".levels" in p.field}
        indicators = {iid: {k: v for k, v in entry.items() if k != "levels" or iid not in refused}
                      for iid, entry in indicators.items()}
    kept_rules = _KeptRules(as_of, indicators)
    by_id: dict[str, SheetData] = {}
    valid_t: dict[str, SheetData] = {}
    valid_h: dict[str, SheetData] = {}
    for sheet in [*territories, *hubs]:
        if not check_id(report, sheet, sheet.kind):
            continue
        first = by_id.get(sheet.id)
        if first is not None:
            report.error(Location(sheet.display), "id", _("the id '{id}' is already used by {sheet}").format(
                id=sheet.id, sheet=first.display), _("ids are unique across territories and hubs: rename one of them"))
            continue
        by_id[sheet.id] = sheet
        (valid_t if sheet.kind == "territory" else valid_h)[sheet.id] = sheet

    all_t = {s.id for s in territories}
    all_h = {s.id for s in hubs}
    broken_t, broken_h, broken_vocabulary = _broken_sheets(report, [*territories, *hubs])
    for sheet in [*territories, *hubs]:
        for kind, node, path in sheet.checked.bad_refs:
            choices = {"territory": all_t - {sheet.id}, "hub": all_h - {sheet.id},
                       "source": [*sheet.data.get("sources", {}), *shared_sources]}.get(kind)
            if choices is None:
                if broken_vocabulary:
                    continue
                choices = vocabulary.get(kind, {})
            fallback = _(REF_FALLBACK[kind]) if kind in REF_FALLBACK else \
                _("add it to {list} in territories/vocabulary.yml").format(list=kind)
            _report_bad_ref(report, sheet, kind, node, path, choices, fallback)
        local = sheet.data.get("sources", {})
        for sid in local:
            if sid in shared_sources:
                report.error(sheet.loc(f"sources.{sid}#key"), f"sources.{sid}",
                             _("the source id '{id}' is already defined in the shared sources.yml").format(id=sid),
                             _("cite the shared source as source: {id} and remove it here, or rename it").format(
                                 id=sid))
        for kind, ident, path in sheet.checked.refs:  # each problem's place looked up when it is reported
            if kind == "territory":
                if ident in all_t or ident in broken_t:  # a broken sheet's own errors say enough
                    continue
                message = _("unknown territory '{id}' ('{id}' is a hub)") if ident in all_h else \
                    _("unknown territory '{id}'")
                report.error(sheet.loc(path), path, message.format(id=ident),
                             did_you_mean(ident, all_t - {sheet.id}) or _(REF_FALLBACK["territory"]))
            elif kind == "hub":
                if ident == sheet.id:
                    report.error(sheet.loc(path), path, _("a hub cannot be its own partner"),
                                 _("remove it from partners"))
                elif ident not in all_h and ident not in broken_h:
                    message = _("unknown hub '{id}' ('{id}' is a territory)") if ident in all_t else \
                        _("unknown hub '{id}'")
                    report.error(sheet.loc(path), path, message.format(id=ident),
                                 did_you_mean(ident, all_h - {sheet.id}) or _(REF_FALLBACK["hub"]))
            elif kind == "source":
                if ident not in local and ident not in shared_sources:
                    report.error(sheet.loc(path), path, _("unknown source '{id}'").format(id=ident),
                                 did_you_mean(ident, [*local, *shared_sources]) or _(REF_FALLBACK["source"]))
            else:
                entries = vocabulary.get(kind, {})
                if ident not in entries and not broken_vocabulary:
                    report.error(sheet.loc(path), path, _(UNKNOWN_VOCABULARY[kind]).format(id=ident),
                                 did_you_mean(ident, entries)
                                 or _("add it to {list} in territories/vocabulary.yml").format(list=kind))
        kept_rules.check(report, sheet)

    in_loops = _check_parent_loops(report, valid_t)
    _check_parent_levels(report, valid_t, in_loops)
    doubtful = check_codes(report, valid_t)
    check_parents_hold(report, valid_t, doubtful)
    check_hubs_inside(report, valid_t, valid_h, distances, doubtful)
    check_hub_communes(report, valid_t, valid_h, doubtful)
    check_duplicates(report, valid_h.values())
    return valid_t, valid_h


class _KeptRules:
    """`check_rules` of each sheet, its problems kept by the sheet's checked result (the same object while the
    sheet's bytes are the same: generator.sheet_memo), for the same day, language and catalogue: a process that
    checks the atlas again after a save (`atlas build --watch`, `atlas serve`) runs the rules again on the sheets
    that changed only (0.15 s for 2,900 sheets on the national atlas). Only the last check's are kept."""

    _last: dict[int, tuple[Any, str, str, tuple[Any, ...]]] = {}  # id(checked) -> (checked, context, display, problems)

    def __init__(self, as_of: date, indicators: dict[str, dict]) -> None:
        self.context = repr((as_of, language(), indicators))  # the catalogue: 31 KB of text, once per check
        self.as_of, self.indicators = as_of, indicators
        self.seen: dict[int, tuple[Any, str, str, tuple[Any, ...]]] = {}
        _KeptRules._last, self.before = self.seen, _KeptRules._last

    def check(self, report: Report, sheet: SheetData) -> None:
        checked = sheet.checked
        found = self.before.get(id(checked))
        if found is None or found[0] is not checked or found[1] != self.context or found[2] != sheet.display:
            scratch = Report()
            check_rules(scratch, sheet, self.as_of, self.indicators)
            found = (checked, self.context, sheet.display, tuple(scratch.problems))
        self.seen[id(checked)] = found
        report.problems.extend(found[3])


def _path_order(sheet: SheetData) -> list[str]:
    return sheet.display.split("/")  # doubs/territory.yml before doubs-bis/territory.yml


def _not_inside(level: Any, parent_level: Any) -> bool:
    """Whether a territory of `level` cannot be inside one of `parent_level` (both known levels)."""
    return level in PARENT_LEVELS and parent_level in PARENT_LEVELS and parent_level not in PARENT_LEVELS[level]


def _check_parent_loops(report: Report, valid_t: dict[str, SheetData]) -> set[str]:
    """Each parent loop once, on its first sheet in path order, naming the chain from there; the ids in loops.
    The hint names a parent whose level cannot hold its child, where one can tell: that is the one to fix."""
    parents = {tid: s.data.get("parent") for tid, s in valid_t.items()}
    in_loops: set[str] = set()
    for start in sorted(parents, key=lambda tid: _path_order(valid_t[tid])):
        seen: list[str] = []
        current: str | None = start
        while current is not None and current in parents and current not in seen and current not in in_loops:
            seen.append(current)
            current = parents[current]
        if current is None or current not in seen:  # no loop, or one already reported
            continue
        loop = seen[seen.index(current):]
        in_loops.update(loop)
        first = min(loop, key=lambda tid: _path_order(valid_t[tid]))
        at = loop.index(first)
        ordered = [*loop[at:], *loop[:at]]
        hint = _("a territory cannot be inside itself: fix one of these parents")
        for tid in ordered:
            level, parent_level = valid_t[tid].data.get("level"), valid_t[parents[tid]].data.get("level")
            if _not_inside(level, parent_level):
                hint = _("a territory cannot be inside itself: fix the parent of '{id}' ({level}), which cannot "
                         "be inside '{parent}' ({parent_level})").format(
                    id=tid, level=level, parent=parents[tid], parent_level=parent_level)
                break
        report.error(valid_t[first].loc("parent"), "parent",
                     _("parent loop: {chain}").format(chain=" -> ".join([*ordered, first])), hint)
    return in_loops


def _check_parent_levels(report: Report, valid_t: dict[str, SheetData], in_loops: set[str]) -> None:
    """A parent is of a level above its child's (model.PARENT_LEVELS): an EPCI inside another EPCI, or a
    département inside an EPCI, would place the territory wrongly on every page that shows where it is.
    Not checked in a parent loop (reported once, above) nor where a level is unknown (its own error)."""
    for tid, sheet in valid_t.items():
        parent = valid_t.get(sheet.data.get("parent") or "")
        if parent is None or tid in in_loops:
            continue
        level, parent_level = sheet.data.get("level"), parent.data.get("level")
        if not _not_inside(level, parent_level):
            continue
        expected = PARENT_LEVELS[level]
        if not expected:
            report.error(sheet.loc("parent"), "parent",
                         _("a territory of level {level} has no parent: '{parent}' is of level {parent_level}").format(
                             level=level, parent=parent.id, parent_level=parent_level),
                         _("remove parent: no level is above {level}").format(level=level))
            continue
        report.error(sheet.loc("parent"), "parent",
                     _("a territory of level {level} cannot be inside '{parent}', of level {parent_level}").format(
                         level=level, parent=parent.id, parent_level=parent_level),
                     _("its parent is of level {levels}: write the id of the territory that holds it").format(
                         levels=_(" or ").join([", ".join(expected[:-1]), expected[-1]] if len(expected) > 1
                                               else expected)))


def _check_catalogue(report: Report, catalogue: SheetData, shared_sources: dict[str, dict]) -> None:
    """The catalogue's entries: a source (shared, since the catalogue has no sources of its own) or `derived`."""
    for kind, node, path in catalogue.checked.bad_refs:
        _report_bad_ref(report, catalogue, kind, node, path, shared_sources if kind == "source" else (),
                        _("define it in territories/sources.yml"))
    for kind, ident, path in catalogue.checked.refs:
        if kind == "source" and ident not in shared_sources:
            report.error(catalogue.loc(path), path, _("unknown source '{id}'").format(id=ident),
                         did_you_mean(ident, shared_sources) or _("define it in territories/sources.yml"))
    for iid, entry in catalogue.data.items():
        if "source" in entry and "derived" in entry:
            report.error(catalogue.loc(f"{iid}.derived"), f"{iid}.derived",
                         _("an indicator has either a source or derived, not both"),
                         _("keep source for official data, derived for what the atlas computes itself"))
        elif "source" not in entry and "derived" not in entry and not any(
                f"{iid}.{name}" in catalogue.checked.locations for name in ("source", "derived")):
            # (one written but refused has its own error)
            report.error(catalogue.loc(iid), f"{iid}.source", _("an indicator needs a source (or derived)"),
                         _("add source: <id of territories/sources.yml>"))
