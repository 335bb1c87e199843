"""`atlas import`: official identity of territories from the INSEE COG, written as sheets.

The data are the JSON files of the npm package `@etalab/decoupage-administratif` (6.0.0 is the
2026 edition of the Code officiel géographique, with the INSEE populations de référence 2023).
A new territory gets a new sheet; an existing sheet (found by level and code, whatever its id)
gets only its identity fields updated -- name, code, parent, population, area_km2, and coordinates
when a coordinates file is given -- through a round-trip YAML edit that keeps every other field, the
order of keys and the comments. Running the same import twice changes nothing.

Populations of régions, départements and EPCI are the sums of the 2023 populations municipales of
their member communes (`communes.json`); epci.json's own `populationMunicipale` is an older DGCL
figure and is not used. Areas come from generator/geodata/areas.csv (IGN commune outlines, derived
once by scripts/derive_areas.py). An EPCI's summary says its nature and, where it spans several
départements, which; it is written only where the sheet has none or has the one an import wrote,
never over a contributor's text.

A population whose census is more than five years before the build date (`generator.load.build_date`,
so SOURCE_DATE_EPOCH when set) is left out, with a notice: the package's latest census of Mayotte is
2017, and an aged figure would only be an "old fact" warning on every build. A sheet that still holds
that figure from an earlier import loses it; a population a contributor wrote from another source is
kept untouched.

Ids are computed from the whole data set, so that they do not depend on the order of imports:

- the slug of the official name (`Provence-Alpes-Côte d'Azur` -> `provence-alpes-cote-d-azur`);
- a département whose slug is also a région's gets `-departement` (`la-reunion-departement`);
- an EPCI whose slug is also a région's or a département's gets `-<SIREN>`;
- a commune whose slug is also a région's, a département's, an EPCI's or another commune's, or is
  reserved, gets `-<INSEE code>` (`paris-75056`, `saint-denis-97411`);
- any id that would still be reserved, or that an unrelated sheet already uses, gets `-<code>`.

Parents are the enclosing territory that has a sheet (after this run): département -> région;
EPCI -> the département of its seat (DGCL, data/dgcl-epci-2025/epci-siege.csv; for an EPCI missing
there, the département that holds the largest share of its population); commune -> its EPCI if
that has a sheet, else its département.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import AtlasError
from generator.i18n import _, ngettext, number
from generator.ids import RESERVED_IDS
from generator.imports.cog import (
    DEFAULT_AREAS,
    DEFAULT_DATA,
    DEFAULT_SEATS,
    SHARED_SOURCES,
    SOURCE_AREA,
    SOURCE_COORDINATES,
    Entity,
    load_entities,
    read_areas,
    read_coordinates,
    read_seats,
    with_suffix,
)
from generator.imports.messages import change_line, counted, dry_run_mark
from generator.imports.sheet_yaml import sheet_date, sources_text, write_sheet
from generator.imports.territory_sheets import (
    epci_summary,
    epci_summary_en,
    identity,
    new_sheet_text,
    own_summary,
    population_is_old,
    scan_existing,
    update_sheet_text,
)
from generator.load import build_date


@dataclass
class Change:
    path: Path
    created: bool
    changes: list[str] = field(default_factory=list)


def ensure_sources(territories: Path, needed: set[str], dry_run: bool) -> list[str]:
    """Add the shared sources the imported facts cite to territories/sources.yml when missing."""
    path = territories / "sources.yml"
    text, added = sources_text(path, needed, SHARED_SOURCES, sheet_date())
    if text is not None and not dry_run:
        write_sheet(path, text)
    return added


def _check_code(message: str, code: str | None, known: dict[str, Entity]) -> None:
    if code is not None and code not in known:
        raise AtlasError(message.format(code=code, examples=", ".join(sorted(known)[:3])))


def select(entities: dict[str, dict[str, Entity]], args: argparse.Namespace) -> list[Entity]:
    """The entities of the requested level that pass the filters, sorted by code."""
    level = args.level
    region = getattr(args, "region", None)
    dep = getattr(args, "departement", None)
    codes = set(getattr(args, "codes", None) or ())
    _check_code(_("no région with code {code!r} in the data (codes look like {examples})."), region,
                entities["region"])
    _check_code(_("no département with code {code!r} in the data (codes look like {examples})."), dep,
                entities["departement"])
    pool = entities[level]
    for code in sorted(codes):
        if code not in pool:
            raise AtlasError(_("no {level} with code {code!r} in the data; check --code (INSEE code, or SIREN "
                               "for an EPCI).").format(level=level, code=code))
    chosen: list[Entity] = []
    types = {t.strip().upper() for t in (args.epci_types or "").split(",") if t.strip()}
    deps_of_region = {d.code for d in entities["departement"].values() if d.region == region} if region else set()
    for e in pool.values():
        if codes and e.code not in codes:
            continue
        if level in ("region", "departement") and e.zone == "com" and not codes:
            continue  # collectivités d'outre-mer are neither régions nor départements
        if level == "region":
            if region and e.code != region:
                continue
            if dep and entities["departement"][dep].region != e.code:
                continue
        elif level == "departement":
            if region and e.region != region:
                continue
            if dep and e.code != dep:
                continue
        elif level == "epci":
            if types and not codes and e.epci_type not in types:
                continue
            if region and not (e.departements & deps_of_region):
                continue
            if dep and dep not in e.departements:
                continue
        else:
            if region and e.region != region:
                continue
            if dep and e.departement != dep:
                continue
        chosen.append(e)
    return sorted(chosen, key=lambda e: e.code)


def _names(entities: list[Entity], shown: int = 5) -> str:
    names = ", ".join(f"{e.name} {e.code}" for e in entities[:shown])
    rest = len(entities) - shown
    if rest <= 0:
        return names
    return ngettext("{names} and {count} more", "{names} and {count} more", rest).format(
        names=names, count=number(rest))


def run_import(args: argparse.Namespace) -> int:
    """Create or update the sheets of one level from the official data; print what changed."""
    territories: Path = args.territories
    data_dir: Path = args.data or DEFAULT_DATA
    dry_run: bool = bool(args.dry_run)
    # The committed areas and seats were derived for the default package data: another --data folder
    # (another COG, a test) gets them only when they are given explicitly (--areas, --seats).
    official = args.data is None
    areas_path = getattr(args, "areas", None) or (DEFAULT_AREAS if official else None)
    seats_path = getattr(args, "seats", None) or (DEFAULT_SEATS if official else None)
    areas = read_areas(areas_path) if areas_path else {}
    seats = read_seats(seats_path) if seats_path else {}
    entities = load_entities(data_dir, areas, seats)
    chosen = select(entities, args)
    coordinates_path = getattr(args, "coordinates", None)
    points = read_coordinates(coordinates_path) if coordinates_path else None

    existing, used_ids = scan_existing(territories)
    # Where each territory of the data has (or will have) its sheet.
    planned: dict[tuple[str, str], str] = {key: ex.id for key, ex in existing.items()}
    assigned: dict[str, Entity] = {}
    for e in chosen:
        key = (e.level, e.code)
        if key in planned:
            continue
        tid = e.base_id
        if tid in used_ids or tid in assigned or tid in RESERVED_IDS:
            tid = with_suffix(e.base_id, e.code.lower())
        if tid in used_ids or tid in assigned:
            raise AtlasError(_("cannot choose an id for {name} ({level} {code}): {id!r} is already used; "
                               "rename that sheet.").format(name=e.name, level=e.level, code=e.code, id=tid))
        planned[key] = tid
        assigned[tid] = e

    def sheet_of(level: str, code: str | None) -> str | None:
        return planned.get((level, code)) if code else None

    today = sheet_date()
    as_of = build_date()
    results: list[Change] = []
    needed_sources: set[str] = set()
    orphans: list[str] = []
    left_out: list[Entity] = []
    unseated: list[Entity] = []
    no_area: list[Entity] = []
    kept_summaries: list[str] = []
    for e in chosen:
        tid = planned[(e.level, e.code)]
        if e.level == "departement":
            parent = sheet_of("region", e.region)
        elif e.level == "epci":
            parent = sheet_of("departement", e.departement)
        elif e.level == "commune":
            parent = sheet_of("epci", e.epci) or sheet_of("departement", e.departement)
        else:
            parent = None
        if e.level != "region" and parent is None:
            orphans.append(tid)
        point = points.get(e.chef_lieu) if points is not None and e.chef_lieu else None
        old_census = population_is_old(e, as_of)
        if old_census:
            left_out.append(e)
        summary = epci_summary(e, entities["departement"]) if e.level == "epci" else None
        summary_en = epci_summary_en(e, entities["departement"]) if e.level == "epci" else None
        fields = identity(e, parent, point, leave_out_population=old_census, summary=summary, summary_en=summary_en)
        if e.level == "epci" and not e.seat_known:
            unseated.append(e)
        if e.population is not None and e.population_source and not old_census:
            needed_sources.add(e.population_source)
        if "area_km2" in fields:
            needed_sources.add(SOURCE_AREA)
        elif e.level in ("region", "departement", "epci"):
            no_area.append(e)
        if point is not None:
            needed_sources.add(SOURCE_COORDINATES)
        ex = existing.get((e.level, e.code))
        if ex is None:
            path = territories / tid / "territory.yml"
            if not dry_run:
                write_sheet(path, new_sheet_text(fields, today))
            results.append(Change(path, True))
        else:
            text = ex.path.read_text(encoding="utf-8-sig")
            removable = frozenset({e.population_source}) if old_census and e.population_source else frozenset()
            try:
                new_text, changes = update_sheet_text(text, fields, removable)
            except AtlasError as error:
                raise AtlasError(f"{ex.path}: {error}") from None
            if summary is not None and len(e.departements) > 1 and own_summary(text):
                kept_summaries.append(f"{ex.path}")
            if changes and not dry_run:
                write_sheet(ex.path, new_text)
            results.append(Change(ex.path, False, changes))

    added_sources = ensure_sources(territories, needed_sources, dry_run)
    for sid in added_sources:
        print(change_line(territories / "sources.yml", "add source", dry_run, id=sid))
    created = [r for r in results if r.created]
    updated = [r for r in results if not r.created and r.changes]
    for r in created:
        print(change_line(r.path, "create", dry_run))
    for r in updated:
        for change in r.changes:
            print(change_line(r.path, "set", dry_run, change=change))
    _notes(left_out, unseated if seats else [], seats_path, no_area if areas else [], areas_path, kept_summaries,
           orphans, args.level)
    unchanged = len(results) - len(created) - len(updated)
    parts = [ngettext("{count} territory", "{count} territories", len(chosen)).format(count=number(len(chosen))),
             counted("created", len(created), dry_run), counted("updated", len(updated), dry_run),
             counted("unchanged", unchanged, dry_run)]
    print(_("{level}: {counts}").format(level=args.level, counts=", ".join(parts)) + dry_run_mark(dry_run))
    return 0


def _notes(left_out: list[Entity], unseated: list[Entity], seats_path: Path | None, no_area: list[Entity],
           areas_path: Path | None, kept_summaries: list[str], orphans: list[str], level: str) -> None:
    """The `note:` lines (on stderr): what the import left out or could not decide, and why."""
    for e in left_out:
        print(_("note: population of {name} left out: its latest census ({year}) is more than five years "
                "old").format(name=e.name, year=e.population_year), file=sys.stderr)
    if unseated:
        print(ngettext("note: {count} EPCI not in {path} ({names}): its parent is the département with most of "
                       "its inhabitants, as its summary says",
                       "note: {count} EPCI not in {path} ({names}): their parent is the département with most "
                       "of their inhabitants, as their summary says", len(unseated)).format(
            count=number(len(unseated)), path=seats_path, names=_names(unseated)), file=sys.stderr)
    if no_area:
        print(ngettext("note: {count} territory without an area in {path} ({names}): area_km2 left out",
                       "note: {count} territories without an area in {path} ({names}): area_km2 left out",
                       len(no_area)).format(count=number(len(no_area)), path=areas_path, names=_names(no_area)),
              file=sys.stderr)
    for path in kept_summaries:
        print(_("note: {path}: its own summary is kept; this EPCI spans several départements: say so there "
                "and name its nature").format(path=path), file=sys.stderr)
    if orphans:
        above = {"departement": "region", "epci": "departement", "commune": "epci"}[level]
        print(ngettext("note: {count} sheet has no parent because the enclosing territory has no sheet; "
                       "import the level above first (atlas import --level {level}).",
                       "note: {count} sheets have no parent because the enclosing territory has no sheet; "
                       "import the level above first (atlas import --level {level}).", len(orphans)).format(
            count=number(len(orphans)), level=above), file=sys.stderr)
