"""Boundaries of France read from the committed files of generator/geodata/, and where things are.

Territories are matched to outlines by their official code (INSEE for régions and départements,
SIREN for EPCI); a commune, a pays or an EPCI without an outline of its own falls back to its
département. Points are tested against outlines with matplotlib paths, so no GIS library is
needed at run time.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from generator.model import Atlas, Hub, Territory

# imported where they are used: numpy where outlines are read (a build after one edit may read none),
# matplotlib where a point is tested against an outline (explore only reads the boundaries' file name)
if TYPE_CHECKING:
    import numpy as np
    from matplotlib.path import Path as MplPath

GEODATA = Path(__file__).resolve().parent / "geodata"
LAYERS = ("regions", "departements", "epci", "epci-cc", "regions-simple", "departements-simple",
          "regions-overview")
LEVEL_LAYERS = {"region": ("regions",), "departement": ("departements",), "epci": ("epci", "epci-cc")}
OVERSEAS: tuple[str, ...] = ("971", "972", "973", "974", "976")
METRO_LAT = 46.5  # reference latitude of the projection of metropolitan France


@dataclass(frozen=True)
class Outline:
    """One boundary: polygons of rings of (lon, lat) points, the first ring of each the exterior."""

    code: str
    name: str
    polygons: tuple[tuple[np.ndarray, ...], ...]
    bounds: tuple[float, float, float, float]  # west, south, east, north
    region: str | None = None

    def path(self, lat0: float) -> MplPath:
        """The outline as one compound path in projected coordinates (holes included)."""
        from matplotlib.path import Path as MplPath

        paths = [MplPath(project_array(ring, lat0), closed=True)
                 for polygon in self.polygons for ring in polygon]
        return MplPath.make_compound_path(*paths)

    def contains(self, lat: float, lon: float) -> bool:
        """Point in polygon (even-odd over the rings, so holes are outside)."""
        from matplotlib.path import Path as MplPath

        west, south, east, north = self.bounds
        if not (west <= lon <= east and south <= lat <= north):
            return False
        inside = False
        for polygon in self.polygons:
            for ring in polygon:
                if MplPath(ring).contains_point((lon, lat)):
                    inside = not inside
        return inside


@cache
def layer(name: str) -> Mapping[str, Outline]:
    """All outlines of one committed layer, by code (read once per process)."""
    import numpy as np

    raw = json.loads((GEODATA / f"{name}.geojson").read_text(encoding="utf-8"))
    out: dict[str, Outline] = {}
    for feature in raw["features"]:
        geometry = feature["geometry"]
        polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        props = feature["properties"]
        polygons = tuple(tuple(np.asarray(ring, dtype=float) for ring in poly) for poly in polys)
        points = np.concatenate([p[0] for p in polygons])
        out[props["code"]] = Outline(
            code=props["code"], name=props["nom"], region=props.get("region"), polygons=polygons,
            bounds=(float(points[:, 0].min()), float(points[:, 1].min()),
                    float(points[:, 0].max()), float(points[:, 1].max())),
        )
    return out


def outline_of(level: str | None, code: str | None) -> Outline | None:
    """The committed outline of a territory of `level` with that official code, if the atlas has one."""
    if not code:
        return None
    for name in LEVEL_LAYERS.get(level or "", ()):
        found = layer(name).get(code)
        if found is not None:
            return found
    return None


KM_PER_DEGREE_LAT = 111.2


def distance_outside_km(outline: Outline, lat: float, lon: float) -> float:
    """0 inside the outline, else the distance in km to its nearest edge (local equirectangular scale,
    precise to a few metres at the 1 km the validator allows)."""
    import numpy as np

    if outline.contains(lat, lon):
        return 0.0
    kx = KM_PER_DEGREE_LAT * math.cos(math.radians(lat))
    best = math.inf
    for polygon in outline.polygons:
        for ring in polygon:
            ax, ay = (ring[:-1, 0] - lon) * kx, (ring[:-1, 1] - lat) * KM_PER_DEGREE_LAT
            bx, by = (ring[1:, 0] - lon) * kx, (ring[1:, 1] - lat) * KM_PER_DEGREE_LAT
            dx, dy = bx - ax, by - ay
            length2 = dx * dx + dy * dy
            t = np.clip(-(ax * dx + ay * dy) / np.where(length2 == 0, 1, length2), 0, 1)
            d = np.hypot(ax + t * dx, ay + t * dy)
            if d.size:
                best = min(best, float(d.min()))
    return best


@cache
def geodata_version() -> str:
    """Hash of the committed boundary files: part of every picture's cache key."""
    digest = hashlib.sha256()
    for name in LAYERS:
        digest.update((GEODATA / f"{name}.geojson").read_bytes())
    return digest.hexdigest()


def project(lon: float, lat: float, lat0: float) -> tuple[float, float]:
    """Equirectangular projection around `lat0`: right shapes at the scale of a département."""
    return lon * math.cos(math.radians(lat0)), lat


def project_array(points: np.ndarray, lat0: float) -> np.ndarray:
    import numpy as np

    out = np.array(points, dtype=float)
    out[:, 0] *= math.cos(math.radians(lat0))
    return out


@cache
def symbol_point(code: str) -> tuple[float, float]:
    """(lat, lon) where a département's proportional circle goes: the centroid of its largest polygon,
    or the point of a fine grid inside it that is nearest that centroid when a bent shape leaves it out."""
    outline = layer("departements")[code]
    ring = max((polygon[0] for polygon in outline.polygons), key=lambda r: abs(_ring_area(r)))
    x, y = ring[:, 0], ring[:, 1]
    cross = x[:-1] * y[1:] - x[1:] * y[:-1]
    area = cross.sum() / 2
    if area == 0:
        return float(y.mean()), float(x.mean())
    cx = float(((x[:-1] + x[1:]) * cross).sum() / (6 * area))
    cy = float(((y[:-1] + y[1:]) * cross).sum() / (6 * area))
    if outline.contains(cy, cx):
        return round(cy, 4), round(cx, 4)
    west, south, east, north = outline.bounds
    grid = [(south + (north - south) * (j + 0.5) / 40, west + (east - west) * (i + 0.5) / 40)
            for i in range(40) for j in range(40)]
    inside = [p for p in grid if outline.contains(*p)] or [(cy, cx)]
    lat, lon = min(inside, key=lambda p: ((p[0] - cy) ** 2 + (p[1] - cx) ** 2, p))
    return round(lat, 4), round(lon, 4)


def _ring_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return float((x[:-1] * y[1:] - x[1:] * y[:-1]).sum() / 2)


@cache
def regions_of_departements() -> Mapping[str, str]:
    """Département code -> its région's code, from the committed boundaries' properties (json only: no outline
    is built; read once per process, by the validator's check of parents)."""
    raw = json.loads((GEODATA / "departements-simple.geojson").read_text(encoding="utf-8"))
    return {f["properties"]["code"]: f["properties"]["region"] for f in raw["features"]}


def departement_of_commune(code: str) -> str:
    """INSEE commune code -> département code (`25056` -> `25`, `97411` -> `974`, `2A004` -> `2A`)."""
    return code[:3] if code.startswith("97") else code[:2]


COAST_TOLERANCE = 0.05  # degrees: a point on the coast may fall just outside a simplified outline


@cache
def departement_at(lat: float, lon: float) -> str | None:
    """The département whose outline holds the point, else the nearest one within COAST_TOLERANCE.

    Remembered per point: a hub's point is asked for by its locator, its territory's maps, the home
    maps and the counts (12,000 searches through 101 outlines for the 1,527 hubs, 1.3 s of every build)."""
    import numpy as np

    outlines = layer("departements")
    for code, outline in outlines.items():
        if outline.contains(lat, lon):
            return code
    best: tuple[float, str] | None = None
    for code, outline in outlines.items():
        west, south, east, north = outline.bounds
        if not (west - COAST_TOLERANCE <= lon <= east + COAST_TOLERANCE
                and south - COAST_TOLERANCE <= lat <= north + COAST_TOLERANCE):
            continue
        for polygon in outline.polygons:
            distance = float(np.min(np.hypot(polygon[0][:, 0] - lon, polygon[0][:, 1] - lat)))
            if distance <= COAST_TOLERANCE and (best is None or (distance, code) < best):
                best = (distance, code)
    return best[1] if best else None


def departement_of_territory(atlas: Atlas, territory: Territory, layers: Callable[[str], Mapping[str, object]] = layer,
                             at: Callable[[float, float], str | None] | None = None) -> str | None:
    """The département a territory is in (or is), from codes first, else from its coordinates. `layers` gives
    a layer's outlines by code (only their codes are read here), `at` a point's département: a caller may
    remember them (generator.pictures.map_specs: a build after one edit then reads no boundary file)."""
    deps = layers("departements")
    for t in (territory, *reversed(atlas.ancestors(territory.id))):
        if t.code:
            if t.level == "departement" and t.code in deps:
                return t.code
            if t.level == "commune" and departement_of_commune(t.code) in deps:
                return departement_of_commune(t.code)
    if territory.coordinates is not None:
        return (at or departement_at)(*territory.coordinates)
    return None


def departement_of_hub(atlas: Atlas, hub: Hub, at: Callable[[float, float], str | None] | None = None,
                       layers: Callable[[str], Mapping[str, object]] = layer) -> str | None:
    """The département a hub is in: its commune's (as the list of places, its filters and the territories'
    pages count it), else where its coordinates fall (`at`, default `departement_at`: a caller may remember
    the points), else where its territory is (`layers`: see `departement_of_territory`). A point near a
    boundary falls on the other side of the simplified outlines: three Paris places were counted in the
    Hauts-de-Seine and the Seine-Saint-Denis on the national map (211 against 214 on the Paris page)."""
    if hub.commune:
        found = departement_of_commune(hub.commune)
        if found in layers("departements"):
            return found
    if hub.coordinates is not None:
        found = (at or departement_at)(*hub.coordinates)
        if found:
            return found
    return departement_of_territory(atlas, atlas.territories[hub.territory_id], layers, at)


@dataclass(frozen=True)
class Located:
    """Which outline stands for a territory on a map, and whether it is its own or its département's."""

    layer: str
    code: str
    own: bool


def territory_outline(atlas: Atlas, territory: Territory, layers: Callable[[str], Mapping[str, object]] = layer,
                      at: Callable[[float, float], str | None] | None = None) -> Located | None:
    """Its own outline where its level has one (matched by code), else its département's (`layers` and `at`:
    see `departement_of_territory`)."""
    for layer_name in LEVEL_LAYERS.get(territory.level, ()):
        if territory.code and territory.code in layers(layer_name):
            return Located(layer_name, territory.code, True)
    if territory.level == "region":
        return None  # a région is never shown as one of its départements
    dep = departement_of_territory(atlas, territory, layers, at)
    if dep is None:
        return None
    return Located("departements", dep, territory.level == "departement")
