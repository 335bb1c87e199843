"""The atlas as open data: `atlas.json`, `territories.csv`, `hubs.csv`, `hubs.geojson`.

Files are deterministic (sorted by id, fixed separators, `\\n` line ends). Text cells that a
spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) get a
leading apostrophe in the CSV files only, as the data dictionary says.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from generator.atlas_reads import per_sheet
from generator.atlas_records import RecordTexts, atlas_json, source_id
from generator.errors import AtlasError
from generator.fields import HUB, TERRITORY
from generator.measured import scores_of
from generator.model import PILLAR_LABELS, PILLARS, Atlas, Fact, Territory
from generator.outputs import Output
from generator.scores import Scores
from generator.specs import Coords, Field, Integer, Number, Record
from generator.specs import Date as DateSpec
from generator.specs import Fact as FactSpec

DATA_DIR = "donnees"
SHEETS_DIR = f"{DATA_DIR}/fiches"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    text = str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def _csv(header: list[str], rows: list[list[Any]], cells: bool = False) -> bytes:
    """The table as CSV; `cells`: the rows are cells already (`_cell` applied)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row if cells else [_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8")


@dataclass(frozen=True)
class Column:
    """A column of territories.csv or hubs.csv: its name, its meaning (the data dictionary) and its value."""

    name: str
    description: str
    value: Callable[[Atlas, Scores | None, Any], Any]
    type: str = "string"  # Table Schema type of the release's datapackage.json


def _table_type(spec: Any) -> str:
    """The Table Schema type of a field's column, from its kind of value."""
    if isinstance(spec, FactSpec):
        return _table_type(spec.value)
    if isinstance(spec, Integer):  # years too
        return "integer"
    if isinstance(spec, (Number, Coords)):
        return "number"
    return "date" if isinstance(spec, DateSpec) else "string"


def _plain(value: Any) -> Any:
    """A model value as a cell: a fact's value, a list joined with ';', a date in ISO form."""
    if isinstance(value, Fact):
        return value.value
    if isinstance(value, tuple) and all(isinstance(v, str) for v in value):
        return ";".join(value)
    return value.isoformat() if isinstance(value, date) else value


def _field_columns(name: str, f: Field) -> list[Column]:
    """The columns of one field of the table (generator.fields): its value, a fact's year and source when
    `column_fact` says so, latitude and longitude for coordinates."""
    attr = f.attr or name
    spec = f.spec
    if isinstance(spec, Coords) or isinstance(spec, FactSpec) and isinstance(spec.value, Coords):
        return [Column(axis, f"{axis} {f.column}",
                       lambda _a, _s, o, i=i: getattr(o, attr)[i] if getattr(o, attr) else None, "number")
                for i, axis in enumerate(("latitude", "longitude"))]
    columns = [Column(name, f.column or "", lambda _a, _s, o: _plain(getattr(o, attr)), _table_type(spec))]
    if f.column_fact:
        fact_attr = f"{attr}_fact" if isinstance(spec, FactSpec) and spec.identity else attr
        year, source = f.column_fact
        columns += [Column(f"{name}_year", year, lambda _a, _s, o: getattr(getattr(o, fact_attr), "year", None),
                           "integer"),
                    Column(f"{name}_source", source, lambda _a, _s, o: source_id(getattr(o, fact_attr).source)
                           if getattr(o, fact_attr) else None)]
    return columns


def columns(record: Record, first: list[Column], after: Mapping[str, list[Column]],
            values: Mapping[str, Callable[[Atlas, Scores | None, Any], Any]]) -> list[Column]:
    """`first`, then the columns of every field of `record` that has a `column`, each followed by the
    columns `after` it names (the ones that are not fields: scores, the hub's territory...); `values`
    replaces how a field's column is computed (a hub's partners: both directions)."""
    out = list(first)
    for name, f in record.fields.items():
        if f.column is not None:
            cols = _field_columns(name, f)
            if name in values:
                cols[0] = Column(cols[0].name, cols[0].description, values[name])
            out += cols
        out += after.get(name, [])
    return out


def _profile_score(key: str) -> Callable[[Atlas, Scores | None, Any], Any]:
    def value(atlas: Atlas, scores: Scores | None, t: Territory) -> Any:
        profile = (scores or scores_of(atlas)).profile(t.id)
        return profile.pillars.get(key) if profile else None
    return value


TERRITORY_TABLE: list[Column] = columns(
    TERRITORY, [Column("id", "identifiant de la fiche (slug)", lambda _a, _s, t: t.id)],
    {"coordinates": [
        *(Column(f"score_{k}", f"score mesuré du pilier {PILLAR_LABELS[k]} ({k}), de 1 à 5 (une décimale) ; "
                 "vide si non mesuré (moins de deux indicateurs)", _profile_score(k), "number") for k in PILLARS),
        *(Column(f"rating_{k}", f"appréciation éditoriale du pilier {PILLAR_LABELS[k]} ({k}), de 0 à 5, "
                 "donnée par les contributeurs ; vide si aucune",
                 lambda _a, _s, t, k=k: t.pillars[k].rating if k in t.pillars else None, "number") for k in PILLARS),
        Column("hubs", "nombre de lieux d'innovation du territoire et des territoires inclus",
               lambda a, _s, t: len(a.hubs_within(t.id)), "integer"),
    ]}, {})
HUB_TABLE: list[Column] = columns(
    HUB, [Column("id", "identifiant de la fiche (slug)", lambda _a, _s, h: h.id)],
    {"name": [Column("territory", "identifiant du territoire où il se trouve", lambda _a, _s, h: h.territory_id)],
     "status": [Column("status_to_check", "true quand le statut (en activité ou en projet) n'a pas été constaté "
                       "depuis plus de cinq ans, ou l'a été par une source sans date : à vérifier, à ne pas lire "
                       "comme actuel",
                       lambda a, _s, h: a.status_is_old(h), "boolean")]},
    {"partners": lambda a, _s, h: ";".join(a.partners_of.get(h.id, ()))})
# (name, meaning) of each column, for the data dictionary and the release's Table Schema
TERRITORY_COLUMNS: list[tuple[str, str]] = [(c.name, c.description) for c in TERRITORY_TABLE]
HUB_COLUMNS: list[tuple[str, str]] = [(c.name, c.description) for c in HUB_TABLE]
# the columns that hold numbers, dates or booleans (every other column is text)
COLUMN_TYPES: Mapping[str, str] = {c.name: c.type for c in [*TERRITORY_TABLE, *HUB_TABLE] if c.type != "string"}


MEASURE_COLUMNS: list[tuple[str, str]] = [
    ("territory", "identifiant du territoire"),
    ("level", "niveau du territoire (les territoires sont classés entre ceux d'un même niveau)"),
    ("indicator", "identifiant de l'indicateur (catalogue : atlas.json, clé indicators)"),
    ("pillar", "pilier que l'indicateur mesure"),
    ("value", "valeur de l'indicateur pour le territoire"),
    ("unit", "unité de la valeur"),
    ("year", "année que décrit la valeur"),
    ("source", "identifiant de la source ; vide pour un indicateur calculé par l'atlas"),
    ("derived", "nom du calcul pour un indicateur que l'atlas calcule à partir de ses fiches ; sinon vide"),
    ("rank", "rang du territoire parmi ceux de son niveau qui ont une valeur "
             "(1 = le meilleur ; ex aequo au meilleur rang)"),
    ("count", "nombre de territoires du niveau qui ont une valeur"),
    ("p", "part des territoires du niveau que le territoire égale ou dépasse, de 0 à 1"),
    ("score", "score de l'indicateur : max(1, ⌈5 × p⌉), de 1 à 5"),
    ("median", "médiane nationale de l'indicateur pour le niveau"),
]


def measures_csv(atlas: Atlas, scores: Scores | None = None) -> bytes:
    """One row per territory and scored indicator (long format, sorted by territory then catalogue)."""
    scores = scores or scores_of(atlas)
    rows = []
    for tid, profile in scores.profiles.items():
        for iid, s in profile.indicators.items():
            ind = atlas.indicators[iid]
            fact = s.fact
            rows.append([tid, profile.level, iid, ind.pillar, fact.value if fact else s.value, ind.unit,
                         fact.year if fact else None, source_id(fact.source) if fact else None, ind.derived,
                         s.rank, s.count, round(s.p, 6), s.score, s.median])
    return _csv([c for c, _ in MEASURE_COLUMNS], rows)


def territories_csv(atlas: Atlas, scores: Scores | None = None) -> bytes:
    scores = scores or scores_of(atlas)
    rows = [[c.value(atlas, scores, t) for c in TERRITORY_TABLE] for t in atlas.territories.values()]
    return _csv([c.name for c in TERRITORY_TABLE], rows)


def hubs_csv(atlas: Atlas) -> bytes:
    """One row per hub. Its cells but the partners (both directions: other sheets name them too) come from its
    sheet alone: kept by its bytes between builds (atlas_reads.per_sheet), one row worked out after one edit."""
    at = [c.name for c in HUB_TABLE].index("partners")  # the one column read from other sheets too
    own = [c for i, c in enumerate(HUB_TABLE) if i != at]
    rows = []
    for h in atlas.hubs.values():
        row = per_sheet(atlas, "hubs.csv row", h, lambda h=h: [_cell(c.value(atlas, None, h)) for c in own],
                        list, _cells, shape_only=True)
        rows.append([*row[:at], _cell(HUB_TABLE[at].value(atlas, None, h)), *row[at:]])
    return _csv([c.name for c in HUB_TABLE], rows, cells=True)


def hubs_geojson(atlas: Atlas) -> bytes:
    """Hubs with coordinates as GeoJSON points ([longitude, latitude], RFC 7946): the text of
    `json.dumps(document, ensure_ascii=False, indent=1)`, each feature encoded on its own (from its hub's sheet
    alone: kept by its bytes between builds, atlas_reads.per_sheet) and indented to its place in the list."""
    features = [per_sheet(atlas, "hubs.geojson feature", h, lambda h=h: _feature_text(atlas, h), str, _feature_kept,
                          shape_only=True)
                for h in atlas.hubs.values() if h.coordinates]
    listed = "[\n  " + ",\n  ".join(features) + "\n ]" if features else "[]"
    return ('{\n "type": "FeatureCollection",\n "features": ' + listed + "\n}\n").encode("utf-8")


def _cells(kept: Any) -> list[str]:
    """A hub's csv cells as the page cache kept them (ValueError unless a list of texts)."""
    if not isinstance(kept, list) or not all(isinstance(cell, str) for cell in kept):
        raise ValueError("not a row of cells")
    return list(kept)


def _feature_kept(kept: Any) -> str:
    """A hub's GeoJSON feature text as the page cache kept it (ValueError unless a JSON Feature)."""
    if not isinstance(kept, str) or not isinstance(found := json.loads(kept), dict) or found.get("type") != "Feature":
        raise ValueError("not a GeoJSON feature")
    return kept


def _feature_text(atlas: Atlas, h: Any) -> str:
    """A hub's GeoJSON feature as `json.dumps(..., indent=1)` writes it two levels down (in the list). Its status
    comes with the year a source saw it and whether that is too old to read as current (as in hubs.csv): a
    place listed by the 2019 census is not said to be open today."""
    lat, lon = h.coordinates
    status = h.status_fact
    feature = {
        "type": "Feature",
        "id": h.id,
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "name": h.name, "territory": h.territory_id, "types": list(h.types), "status": h.status,
            "status_year": status.year if status is not None else None,
            "status_source": source_id(status.source) if status is not None else None,
            "status_to_check": atlas.status_is_old(h),
            "founded": h.founded, "website": h.website, "updated": h.updated.isoformat(),
        },
    }
    return json.dumps(feature, ensure_ascii=False, indent=1, allow_nan=False).replace("\n", "\n  ")


def data_makers(atlas: Atlas, scores: Scores | None = None,
                records: Callable[[str], RecordTexts] | None = None) -> list[tuple[str, Callable[[], Output]]]:
    """Each data file under `donnees/` of the docs folder, as its path and what makes it (so that the page
    cache can keep each file whose inputs did not change: measures.csv does not read the hubs).
    `records(path)`: where atlas.json's records may come from ready encoded."""
    scores = scores or scores_of(atlas)
    every = tuple(sorted({t.path for t in atlas.territories.values()} | {h.path for h in atlas.hubs.values()}))
    files: list[tuple[str, Callable[[], bytes]]] = [
        ("atlas.json", lambda: atlas_json(atlas, scores, records(f"{DATA_DIR}/atlas.json") if records else None)),
        ("territories.csv", lambda: territories_csv(atlas, scores)),
        ("measures.csv", lambda: measures_csv(atlas, scores)),
        ("hubs.csv", lambda: hubs_csv(atlas)),
        ("hubs.geojson", lambda: hubs_geojson(atlas)),
    ]
    return [(f"{DATA_DIR}/{name}", lambda name=name, make=make: Output(f"{DATA_DIR}/{name}", make(), every))
            for name, make in files]


def data_outputs(atlas: Atlas, scores: Scores | None = None) -> list[Output]:
    """The data files, under `donnees/` in the docs folder."""
    return [make() for _path, make in data_makers(atlas, scores)]


def sheet_copy_path(sheet_path: str) -> str:
    """Where the site publishes a sheet: `donnees/fiches/` + its path inside the territories folder.

    Sheet paths in the model start with the territories folder's own name (`territories/doubs/...`).
    """
    inside = sheet_path.split("/", 1)[1] if "/" in sheet_path else sheet_path
    return f"{SHEETS_DIR}/{inside}"


def sheet_outputs(atlas: Atlas, territories_dir: Path,
                  kept: Callable[[str, str], Output | None] | None = None) -> list[Output]:
    """Byte copies of the validated sheets, so every page can link to the YAML it comes from.

    Without a known repository address this is how a reader sees (and can copy) the exact sheet
    behind a page. The files keep their `.yml` names: the site serves them as files, never as pages.
    The shared files (vocabulary, sources, the indicators' catalogue, the moved hubs) are published too, when the
    folder has them: every YAML file the atlas is made of.
    `kept(sheet, copy)`: the copy as the last build wrote it, when the sheet's bytes are the same (the
    page cache's `kept_copy`): the sheet is then not read again.
    """
    root = territories_dir.resolve()
    paths = sorted({t.path for t in atlas.territories.values()} | {h.path for h in atlas.hubs.values()})
    for name in ("vocabulary", "sources", "indicators", "moved"):
        for suffix in (".yml", ".yaml"):
            if (root / (name + suffix)).is_file():
                paths.append(f"{territories_dir.absolute().name}/{name}{suffix}")
    outs = []
    plain = _PlainFolders(root)
    for sheet in paths:
        found = kept(sheet, sheet_copy_path(sheet)) if kept is not None else None
        if found is not None:
            outs.append(found)
            continue
        inside = sheet.split("/", 1)[1] if "/" in sheet else sheet
        source = os.path.join(str(root), inside)
        try:
            status = os.lstat(source)
        except OSError:
            status = None
        # a regular file (not a link) in folders that are not links: inside the sheets folder
        if status is None or not stat.S_ISREG(status.st_mode) or not plain(inside.rpartition("/")[0]):
            raise AtlasError(f"the sheet {sheet} is no longer a plain file in {territories_dir}; "
                             "run the build again once the sheets are saved")
        with open(source, "rb") as handle:
            outs.append(Output(sheet_copy_path(sheet), handle.read(), (sheet,)))
    return outs


class _PlainFolders:
    """Whether a folder of the sheets folder (relative) and every folder above it are plain folders, not
    symbolic links: each folder looked at once (one lstat), where a resolve() of each of the 2,900 sheets
    made one per part of its path (0.07 of the 0.12 CPU s of copying the sheets)."""

    def __init__(self, root: Path) -> None:
        self.root = str(root)
        self.known: dict[str, bool] = {"": True}

    def __call__(self, rel: str) -> bool:
        found = self.known.get(rel)
        if found is None:
            parent = rel.rpartition("/")[0]
            try:
                found = self(parent) and stat.S_ISDIR(os.lstat(os.path.join(self.root, rel)).st_mode)
            except OSError:
                found = False
            self.known[rel] = found
        return found
