"""The locator drawn for phones, as SVG text: the close view only, its legend under the map."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from generator import formats, geo
from generator.model import STATUSES
from generator.pictures.legend import PT
from generator.pictures.locator_kit import (
    CONTOUR,
    MARKED,
    NARROW_MAP_HEIGHT,
    Circle,
    _in_view,
    _locator_bounds,
    _marker,
    _meeting,
    _ring_data,
    _variant,
    count_places,
    marked_copies,
    view_memo,
)
from generator.pictures.map_style import (
    COLOURS,
    CROWDED,
    HIGHLIGHT,
    HIGHLIGHT_FILL,
    INTERCOMMUNAL,
    LOCAL_SYMBOL,
    OUTLINE,
    SHAPES,
    SYMBOL_COLOUR,
    SYMBOL_EDGE,
    TO_CHECK,
    WIDE_VIEW,
    _covered,
    _diameter,
    _padded,
)
from generator.pictures.spec import ATTRIBUTION, MUTED
from generator.pictures.svg import NARROW_TEXT, NARROW_WIDTH, haloed_text, svg_document, svg_text, text_width

NarrowView = tuple[tuple[str, ...], tuple[float, float, float, float, float], float, float]


@view_memo
def _narrow_view(outline_ref: list[str] | None, intercommunal: bool, bounds: tuple[float, float, float, float]
                 ) -> NarrowView:
    """The narrow close view without its hubs, shared by the locators of one outline and bounds (a
    département's hubs): its SVG under the hubs, its projection (west, north, k, scale, ox), its size."""
    outline = geo.layer(outline_ref[0])[outline_ref[1]] if outline_ref else None
    detail = "-simple" if bounds[2] - bounds[0] > WIDE_VIEW else ""
    lat0 = (bounds[1] + bounds[3]) / 2
    k = math.cos(math.radians(lat0))
    west, south, east, north = bounds
    w = float(NARROW_WIDTH)
    scale = min((w - 2) / ((east - west) * k), NARROW_MAP_HEIGHT / (north - south))
    map_w, map_h = (east - west) * k * scale, (north - south) * scale
    ox = (w - map_w) / 2

    def to_xy(lonlat: Any) -> Any:
        return np.column_stack(((lonlat[:, 0] - west) * k * scale + ox, (north - lonlat[:, 1]) * scale + 1))

    hidden = (outline_ref[0], outline_ref[1]) if outline is not None and outline_ref else None
    body = [f'<clipPath id="vue"><rect x="{ox:.1f}" y="1" width="{map_w:.1f}" height="{map_h:.1f}"/></clipPath>',
            '<g clip-path="url(#vue)">']
    if outline is not None and outline_ref:
        shape = _variant(outline_ref, detail)  # its outline written once, filled and then drawn over the lines
        body.append(f'<defs><path id="{CONTOUR}" d="{_ring_data((r for p in shape.polygons for r in p), to_xy)}"/>'
                    f'</defs><use href="#{CONTOUR}" fill="{HIGHLIGHT_FILL}"/>')
    padded = _padded(bounds, 0.05)
    layers: list[tuple[list[str], str, float]] = []
    if not detail and intercommunal:
        layers.append(([n for n in geo.LEVEL_LAYERS["epci"]], INTERCOMMUNAL, 0.5))
    layers += [(["departements" + detail], OUTLINE, 0.7), (["regions" + detail], MUTED, 1.3)]
    view = (west - 0.02, south - 0.02, east + 0.02, north + 0.02)
    for names, colour, width in layers:
        rings = [r for name in names for o in _meeting(name, padded)
                 if not _covered(o, name.removesuffix(detail), hidden) for p in o.polygons for r in p]
        if rings:
            body.append(f'<path fill="none" stroke="{colour}" stroke-width="{width}" stroke-linejoin="round" '
                        f'd="{_ring_data(_in_view(rings, view), to_xy, 1, closed=False)}"/>')
    if outline is not None and outline_ref:
        body.append(f'<use href="#{CONTOUR}" fill="none" stroke="{HIGHLIGHT}" stroke-width="2.2" '
                    'stroke-linejoin="round"/>')
    return tuple(body), (west, north, k, scale, ox), map_w, map_h


def draw_locator_narrow(data: dict[str, Any]) -> bytes:
    """The close view of a locator for a phone, written as SVG text (about ten times faster than the
    wide one): NARROW_WIDTH px wide, the credit under the map in text of NARROW_TEXT px or more (its
    legend is written beside the picture, generator.pictures.legend). The
    names of the hubs are in the table under the picture (on a phone, a name beside each point would
    cover the map); the small France is left out. The close view without its hubs is shared by the
    locators of one outline and bounds (`_narrow_view`)."""
    points, centre = data["points"], data["centre"]
    outline = geo.layer(data["outline"][0])[data["outline"][1]] if data["outline"] else None
    bounds = _locator_bounds(data, outline)
    under, (west, north, k, scale, ox), map_w, map_h = _narrow_view(data["outline"], bool(data.get("intercommunal")),
                                                                     bounds)
    w = float(NARROW_WIDTH)

    def point_xy(lat: float, lon: float) -> tuple[float, float]:
        lonlat = np.array([[lon, lat]])
        x, y = np.column_stack(((lonlat[:, 0] - west) * k * scale + ox, (north - lonlat[:, 1]) * scale + 1))[0]
        return float(x), float(y)

    body = ([MARKED] if any(p.get("id") for p in points) else []) + list(under)
    for status in (TO_CHECK, *STATUSES):
        for p in points:
            if p["status"] == status:
                x, y = point_xy(p["lat"], p["lon"])
                body.append(_marker(SHAPES[status], x, y, 5.0 if len(points) <= CROWDED else 4.0, COLOURS[status],
                                    bool(p.get("approx")), mark=p.get("id")))
    symbols = data.get("symbols", [])
    largest = data.get("largest", 0)
    lang = data.get("lang", "fr")  # only counts of a thousand or more are written the language's way
    size = NARROW_TEXT + 0.5
    circles = []
    for c in symbols:
        x, y = point_xy(c["lat"], c["lon"])
        r = _diameter(c["count"], largest, LOCAL_SYMBOL) * PT / 2  # pt to px: as large as its legend's disc
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{SYMBOL_COLOUR}" fill-opacity="0.55" '
                    f'stroke="{SYMBOL_EDGE}" stroke-width="0.8"/>')
        text = formats.number(c["count"], lang=lang)
        circles.append(Circle(x, y, r, text, text_width(text, size, bold=True)))
    # the counts over their circles, each with a white halo, or beside them when another covers them
    for text, x, cy, _ in count_places(circles, size, (ox, 1, ox + map_w, 1 + map_h), over_small=True):
        body.append(haloed_text(x, cy + 4.5, text, size, 3))
    if centre:
        x, y = point_xy(centre[0], centre[1])
        body.append(svg_text(x, y + 6, "★", 18, "middle"))
    body.append(marked_copies(p["id"] for p in points if p.get("id")))  # last: over its neighbours
    body.append("</g>")
    body.append(f'<rect x="{ox:.1f}" y="1" width="{map_w:.1f}" height="{map_h:.1f}" fill="none" stroke="{MUTED}" '
                f'stroke-width="0.8"/>')
    y = map_h + 2
    size = NARROW_TEXT
    credit = [ATTRIBUTION] if text_width(ATTRIBUTION, size - 0.5) <= w - 8 else ATTRIBUTION.split(", ", 1)
    for line in credit:
        y += size + 2
        body.append(svg_text(w - 4, y, line, size - 0.5, "end", fill=MUTED))
    return svg_document(w, y + 5, body)
