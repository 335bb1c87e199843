"""From census rows to places, and from places to hub sheets: merging a place's rows, matching the
hubs already in the atlas, choosing ids and the territory folder of each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML

from generator.errors import AtlasError
from generator.i18n import _, ngettext
from generator.ids import RESERVED_IDS, slugify
from generator.imports.census_places import PlaceMaker, name_tokens, similar_names, speaking_first
from generator.imports.census_rows import CITATION_ID, Cog, Place, Skip
from generator.imports.cog import with_suffix
from generator.imports.territory_sheets import not_yaml
from generator.validate.duplicates import Listing

MARKER = re.compile(r"^#\s*mission-coworking-2019:\s*([0-9][0-9 ,]*)\s*$", re.M)


@dataclass
class HubSheet:
    id: str
    territory: str
    path: Path
    name: str
    commune: str | None
    census_ids: set[str]
    text: str
    address: str | None = None
    website: str | None = None

    def listing(self) -> Listing:
        return Listing.of(self.name, self.commune, self.address, self.website)


def scan_hubs(territories: Path) -> list[HubSheet]:
    """Every hub sheet with what matching needs: name, commune, and the census IDs it records."""
    out: list[HubSheet] = []
    if not territories.is_dir():
        return out
    yaml = YAML(typ="safe")
    for folder in sorted(territories.iterdir()):
        hubs = folder / "hubs"
        if folder.name.startswith((".", "_")) or not hubs.is_dir():
            continue
        for path in sorted(hubs.iterdir()):
            if path.name.startswith((".", "_")) or path.suffix not in (".yml", ".yaml") or not path.is_file():
                continue
            text = path.read_text(encoding="utf-8-sig")
            try:
                data = yaml.load(text)
            except Exception as error:  # noqa: BLE001 - any parse failure is the user's to fix
                raise AtlasError(not_yaml(path, error)) from None
            if not isinstance(data, dict):
                continue
            ids: set[str] = set()
            for match in MARKER.finditer(text):
                ids.update(re.findall(r"[0-9]+", match.group(1)))
            citation = (data.get("sources") or {}).get(CITATION_ID) if isinstance(data.get("sources"), dict) else None
            if isinstance(citation, dict):
                ids.update(re.findall(r"n° ([0-9]+)", str(citation.get("title") or "")))
            commune = data.get("commune")
            address = data.get("address")
            address = address.get("value") if isinstance(address, dict) else address
            website = data.get("website")
            out.append(HubSheet(path.stem, folder.name, path, str(data.get("name") or ""),
                                str(commune) if commune is not None else None, ids, text,
                                str(address) if address else None, website if isinstance(website, str) else None))
    return out


@dataclass
class Plan:
    created: list[tuple[Place, Path, str]] = field(default_factory=list)
    merged: list[tuple[Place, HubSheet, str, list[str]]] = field(default_factory=list)
    unchanged: list[tuple[Place, HubSheet]] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    sources: list[tuple[Path, str]] = field(default_factory=list)  # (territories/sources.yml, id) to add


def assign_place_ids(places: list[Place], matched: dict[int, HubSheet], used: set[str], cog: Cog) -> None:
    """Ids of new places: the name's slug, made unique with the commune (see the module docstring)."""
    own = {sheet.id for sheet in matched.values()}
    taken = (used - own) | set(RESERVED_IDS)
    counts: dict[str, int] = {}
    for place in places:
        base = slugify(place.name)
        counts[base] = counts.get(base, 0) + 1
    chosen: set[str] = set()
    for index, place in enumerate(places):
        if index in matched:
            place.id = matched[index].id
            continue
    for index, place in enumerate(places):
        if index in matched:
            continue
        base = slugify(place.name)
        candidates = [base] if counts[base] == 1 else []
        commune_slug = slugify(place.where)
        candidates += [with_suffix(base, commune_slug), with_suffix(base, f"{commune_slug}-{place.commune.lower()}"),
                       with_suffix(base, f"{commune_slug}-{place.rows[0].id}")]
        for candidate in candidates:
            if candidate not in taken and candidate not in chosen and candidate not in own:
                place.id = candidate
                break
        else:  # pragma: no cover - the census ID makes the last candidate unique
            raise AtlasError(_("no free id for {name!r}").format(name=place.name))
        chosen.add(place.id)


def match_places(places: list[Place], hubs: list[HubSheet]) -> tuple[dict[int, HubSheet], list[str]]:
    """The existing sheet of each place, if any: the one recording its census IDs; else the one sheet of
    its commune with the same folded name and nothing telling them apart (generator.validate.duplicates),
    or with the same street address, the same website and a similar name; else a sheet not made
    by this import with a similar name in the same territory folder or the same commune (a place may
    have moved within its EPCI since 2019), the same commune first when several places qualify. Several
    places may be found in one sheet (see `combine_found`)."""
    by_census: dict[str, HubSheet] = {}
    for hub in hubs:
        for cid in hub.census_ids:
            by_census.setdefault(cid, hub)
    matched: dict[int, HubSheet] = {}
    for index, place in enumerate(places):
        hub = next((by_census[cid] for cid in place.ids if cid in by_census), None)
        if hub is not None:
            matched[index] = hub
    notes: list[str] = []
    in_commune: dict[str, list[tuple[HubSheet, Listing]]] = {}
    for hub in hubs:
        if hub.commune:
            in_commune.setdefault(hub.commune, []).append((hub, hub.listing()))
    for index, place in enumerate(places):
        if index in matched or place.commune not in in_commune:
            continue
        mine = Listing.of(place.name, place.commune, place.address, place.website)
        found = [hub for hub, listing in in_commune[place.commune] if mine.one_place(listing) == "name"
                 or (mine.same_address_and_website(listing) and similar_names(place.name, hub.name))]
        if len(found) == 1:
            matched[index] = found[0]
        elif found:
            notes.append(ngettext(
                "census place {name!r} (line {lines}) looks like {paths}: none merged; merge by hand (add its ID "
                "to the `# mission-coworking-2019:` line or the `{source}` source of the right sheet)",
                "census place {name!r} (lines {lines}) looks like {paths}: none merged; merge by hand (add its IDs "
                "to the `# mission-coworking-2019:` line or the `{source}` source of the right sheet)",
                len(place.rows)).format(name=place.name, lines=", ".join(str(r.line) for r in place.rows),
                                        paths=", ".join(str(h.path) for h in found), source=CITATION_ID))
    taken = {id(hub) for hub in matched.values()}
    for hub in hubs:
        if hub.census_ids or id(hub) in taken:
            continue
        candidates = [i for i, place in enumerate(places) if i not in matched
                      and (hub.territory == place.territory or hub.commune == place.commune)
                      and similar_names(hub.name, place.name)]
        if len(candidates) > 1:  # the most words in common, then the same commune
            def closeness(i: int, hub: HubSheet = hub) -> tuple[int, bool]:
                return len(name_tokens(hub.name) & name_tokens(places[i].name)), places[i].commune == hub.commune
            best = max(closeness(i) for i in candidates)
            candidates = [i for i in candidates if closeness(i) == best]
        if len(candidates) == 1:
            matched[candidates[0]] = hub
        elif candidates:
            notes.append(_("{path} looks like census places {names}: none merged; merge by hand (add its ID to a "
                           "`{source}` source) if one is the same place").format(
                path=hub.path, names=", ".join(repr(places[i].name) for i in candidates), source=CITATION_ID))
    return matched, notes


def combine_found(places: list[Place], matched: dict[int, HubSheet],
                  make: PlaceMaker) -> tuple[list[Place], dict[int, HubSheet], list[str]]:
    """Places found in one sheet are one place: a sheet that records the rows of two places (merged by
    hand), or a place found by its name in a sheet that records another. Their rows make one place
    (the row the sheet is named after speaking, else its first row placed at its address: `speaking_first`),
    where the first of them was; the others go."""
    by_sheet: dict[Path, list[int]] = {}
    for index in sorted(matched):
        by_sheet.setdefault(matched[index].path, []).append(index)
    combined: dict[int, Place] = {}
    gone: set[int] = set()
    notes: list[str] = []
    for path, indexes in by_sheet.items():
        if len(indexes) == 1:
            continue
        rows = speaking_first([row for i in indexes for row in places[i].rows], matched[indexes[0]].name)
        base = next(places[i] for i in indexes if any(row is rows[0] for row in places[i].rows))
        made = make(rows, base.commune, base.area)
        assert not isinstance(made, Skip)  # the commune of a place that has its territory
        combined[indexes[0]] = made
        gone.update(indexes[1:])
        notes.append(_("lines {lines}: {names} are one place, found in {path}").format(
            lines=", ".join(str(r.line) for r in sorted(rows, key=lambda r: r.line)),
            names=", ".join(repr(n) for n in dict.fromkeys(places[i].name for i in indexes)), path=path))
    if not combined:
        return places, matched, notes
    out: list[Place] = []
    found: dict[int, HubSheet] = {}
    for index, place in enumerate(places):
        if index in gone:
            continue
        if index in matched:
            found[len(out)] = matched[index]
        out.append(combined.get(index, place))
    return out, found, notes
