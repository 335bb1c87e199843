"""From census rows to places, and from places to hub sheets: merging a place's rows, matching the
hubs already in the atlas, choosing ids and the territory folder of each.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML

from generator.errors import AtlasError
from generator.i18n import _, decimal
from generator.ids import RESERVED_IDS, slugify
from generator.imports.census_rows import (
    ADDRESS_SCORE,
    CITATION_ID,
    TYPES,
    Cog,
    CommuneLocator,
    Place,
    Row,
    Skip,
    normalise_website,
    postcode_of,
    reason,
    resolve_commune,
)
from generator.imports.cog import with_suffix
from generator.imports.territory_sheets import not_yaml

MARKER = re.compile(r"^#\s*mission-coworking-2019:\s*([0-9][0-9 ,]*)\s*$", re.M)


OUTSIDE_KM = 1.0          # the validator's tolerance for a hub outside its territory




_STOP = frozenset({"le", "la", "les", "l", "de", "du", "des", "d", "et", "the", "and", "a", "au", "aux", "en"})


GENERIC_WORDS = frozenset({"fablab", "fab", "lab", "labs", "coworking", "cowork", "espace", "tiers", "lieu",
                      "lieux", "centre", "atelier", "maison", "pole", "space", "hub", "club", "bureau",
                      "bureaux", "numerique", "village", "ville", "association", "incubateur", "pepiniere",
                      "technopole", "plateforme", "living", "media", "medialab"})


@dataclass
class HubSheet:
    id: str
    territory: str
    path: Path
    name: str
    commune: str | None
    census_ids: set[str]
    text: str


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
            out.append(HubSheet(path.stem, folder.name, path, str(data.get("name") or ""),
                                str(commune) if commune is not None else None, ids, text))
    return out


def name_tokens(name: str) -> set[str]:
    slug = re.sub(r"(^|-)fab-lab(-|$)", r"\1fablab\2", slugify(name)).replace("co-working", "coworking")
    return {t for t in slug.split("-") if t and t not in _STOP}


def similar_names(a: str, b: str) -> bool:
    """Two names of one place: same words, or the words of one among the other's with a distinctive
    word shared, or nearly the same letters."""
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb:
        return False
    if ta == tb:
        return True
    small, large = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    if small <= large and small - GENERIC_WORDS:
        return True
    sa, sb = "".join(sorted(ta)), "".join(sorted(tb))
    return difflib.SequenceMatcher(None, "-".join(sorted(ta - GENERIC_WORDS)) or sa,
                                   "-".join(sorted(tb - GENERIC_WORDS)) or sb).ratio() >= 0.9


@dataclass
class Plan:
    created: list[tuple[Place, Path, str]] = field(default_factory=list)
    merged: list[tuple[Place, HubSheet, str, list[str]]] = field(default_factory=list)
    unchanged: list[tuple[Place, HubSheet]] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    sources: list[tuple[Path, str]] = field(default_factory=list)  # (territories/sources.yml, id) to add




def _in_france_and_outline(place_point: tuple[float, float], territory_level: str, territory_code: str,
                           departement: str) -> float:
    """Distance in km from the point to its territory's outline (0 inside; the département's outline when
    the territory has none of its own)."""
    from generator import geo

    outline = geo.outline_of(territory_level, territory_code) or geo.outline_of("departement", departement)
    if outline is None:
        return 0.0
    return geo.distance_outside_km(outline, *place_point)


def _departement_at(lat: float, lon: float) -> str | None:
    from generator import geo

    return geo.departement_at(lat, lon)


def _in_france(lat: float, lon: float) -> bool:
    return _departement_at(lat, lon) is not None


def _note(rows: list[Row]) -> str:
    typo = rows[0].typo
    label = f"« {typo[0].lower()}{typo[1:]} »".replace("tiers lieux", "tiers-lieu") if typo else "sans type"
    note = f"Lieu recensé en 2019 par la Mission Coworking, {'comme ' if typo else ''}{label}"
    if len(rows) > 1:
        others = [r for r in rows[1:] if r.address and r.address != rows[0].address]
        note += f" ; le recensement le cite {len(rows)} fois (fiches n° {', '.join(r.id for r in rows)})"
        if others:
            note += ", aussi au " + " et au ".join(r.address for r in others)
    return note


def plan_places(rows: list[Row], cog: Cog, territory_of: dict[tuple[str, str], str],
                centres: dict[str, tuple[float, float]],
                locator: CommuneLocator | None) -> tuple[list[Place], list[Skip], list[str]]:
    """Group the rows into places with their fields; rows that cannot be imported whole are skipped."""
    skips: list[Skip] = []
    notes: list[str] = []
    groups: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        if not row.name or not slugify(row.name):
            skips.append(Skip(row, reason(_("no name"))))
            continue
        if row.lat is not None and row.lon is not None and not _in_france(row.lat, row.lon):
            skips.append(Skip(row, reason(_("coordinates [{lat}, {lon}] outside France"), lat=row.lat, lon=row.lon)))
            continue
        commune, why = resolve_commune(row, cog, locator)
        if commune is None:
            skips.append(Skip(row, why))
            continue
        dep = cog.departements.get(commune)
        if row.code.strip("0") and row.departement and dep != row.departement and row.lat is not None \
                and _departement_at(row.lat, row.lon) == row.departement:
            skips.append(Skip(row, reason(_("commune code {code} ({name}, département {departement}) disagrees "
                                            "with its département {given} and its point"),
                                          code=row.code, name=cog.names[commune], departement=dep,
                                          given=row.departement)))
            continue
        # Places of the same name in two arrondissements of Paris, Lyon or Marseille are two places.
        where = row.code if row.code in cog.arrondissements else commune
        groups.setdefault((where, slugify(row.name)), []).append(row)
    places: list[Place] = []
    for (where, _slug), group in groups.items():
        first = group[0]
        commune = cog.current[where]
        siren = cog.epci_of.get(commune)
        dep = cog.departements.get(commune, "")
        territory = territory_of.get(("epci", siren)) if siren else None
        level, code = ("epci", siren) if territory else ("departement", dep)
        if territory is None:
            territory = territory_of.get(("departement", dep))
        if territory is None:
            why = reason(_("no territory sheet for EPCI {code} ({name}); import it first (atlas import --level "
                           "epci)"), code=siren, name=cog.epci_names.get(siren, "?")) if siren else \
                reason(_("no territory sheet for département {code}; import it first (atlas import --level "
                         "departement)"), code=dep)
            for row in group:
                skips.append(Skip(row, why))
            continue
        website = next((w for w in (normalise_website(r.web) for r in group) if w), None)
        reports = [f"{r.line}: " + _("website {website!r} left out (not an http(s) link)").format(website=r.web)
                   for r in group if r.web and normalise_website(r.web) is None]
        postcode = postcode_of(first.postcode)
        town = first.commune_given or cog.names.get(commune, "")
        if first.address:
            address = ", ".join(p for p in (first.address, " ".join(x for x in (postcode, town) if x)) if p)
        else:
            address = None
        point: tuple[float, float] | None = None
        precision: str | None = None
        if first.lat is not None and first.lon is not None and first.score is not None and first.score >= ADDRESS_SCORE:
            outside = _in_france_and_outline((first.lat, first.lon), level, code, dep)
            if outside > OUTSIDE_KM:
                reports.append(f"{first.line}: " + _(
                    "address point [{lat}, {lon}] is {distance} km outside {territory}; placed at the main town of "
                    "{commune}").format(lat=first.lat, lon=first.lon, distance=decimal(outside), territory=territory,
                                        commune=cog.names.get(commune)))
            else:
                point, precision = (first.lat, first.lon), "address"
        if point is None and commune in centres:
            point, precision = centres[commune], "commune"
        places.append(Place(
            rows=group, commune=commune, where=cog.arrondissements.get(where) or cog.names[commune],
            territory=territory, territory_level=level, territory_code=code,
            name=first.name, types=[TYPES.get(first.typo.lower(), "tiers-lieu")], address=address,
            website=website, coordinates=point, precision=precision, note=_note(group), reports=reports,
            centre=centres.get(commune),
        ))
        if len(group) > 1:
            notes.append(_("lines {lines}: {name!r} ({commune}) listed more than once: one hub").format(
                lines=", ".join(str(r.line) for r in group), name=first.name, commune=cog.names.get(commune)))
    return places, skips, notes


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
    """The existing sheet of each place, if any: the one recording its census IDs; else a sheet not made
    by this import with a similar name in the same territory folder or the same commune (a place may
    have moved within its EPCI since 2019), the same commune first when several places qualify."""
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
    for hub in hubs:
        if hub.census_ids:
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
