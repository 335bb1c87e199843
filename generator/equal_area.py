"""Areas of lon/lat polygons on the GRS80 ellipsoid, without a projection library.

Polygons are projected on the Lambert cylindrical equal-area projection of the GRS80 authalic
sphere: longitude λ and authalic latitude β give x = R_q·λ, y = R_q·sin β. Both steps keep areas
exactly (the authalic sphere has the ellipsoid's area, latitude by latitude), so the planar area of
the projected polygon is its area on the ellipsoid, up to the way edges between vertices are drawn
(negligible for commune outlines, whose vertices are a few tens of metres apart). Used once by
scripts/derive_areas.py; the build reads the committed result.
"""

from __future__ import annotations

import math

import numpy as np
import shapely

# GRS80 (the ellipsoid of RGF93 and of the IGN data in WGS 84, which differs by 0.1 mm)
A = 6_378_137.0
F = 1 / 298.257222101
E2 = F * (2 - F)
E = math.sqrt(E2)


def _q(sin_phi: np.ndarray | float) -> np.ndarray | float:
    """Snyder's q(φ) (Map Projections: A Working Manual, eq. 3-12)."""
    s = np.asarray(sin_phi, dtype=float)
    return (1 - E2) * (s / (1 - E2 * s * s) - np.log((1 - E * s) / (1 + E * s)) / (2 * E))


Q_P = float(_q(1.0))
R_Q = A * math.sqrt(Q_P / 2)  # radius of the authalic sphere, metres
PROJECTION = "Lambert cylindrique équivalente de la sphère authalique GRS80 (aire exacte sur l'ellipsoïde)"


def project(lonlat: np.ndarray) -> np.ndarray:
    """(n, 2) array of longitude, latitude in degrees -> (n, 2) array of equal-area metres."""
    lon = np.radians(lonlat[:, 0])
    sin_beta = _q(np.sin(np.radians(lonlat[:, 1]))) / Q_P
    return np.column_stack((R_Q * lon, R_Q * sin_beta))


def to_equal_area(geometry: shapely.Geometry) -> shapely.Geometry:
    """The geometry (lon/lat degrees) in the equal-area plane (metres)."""
    return shapely.transform(geometry, project)


def area_km2(geometry: shapely.Geometry) -> float:
    """Area on the GRS80 ellipsoid of a lon/lat (multi)polygon, in square kilometres."""
    return float(to_equal_area(geometry).area) / 1e6
