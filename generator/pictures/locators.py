"""The wide locators, written as SVG text: where it is in France, and a close view with the hubs.

The close view without its hubs is computed once per outline and bounds and reused (`close_view`):
a département's hubs share one. `locator_drawing` returns where things went, for tests to measure.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from generator import formats, geo
from generator.model import STATUSES
from generator.pictures.locator_kit import (
    CONTOUR,
    LINE_HEIGHT,
    MARKED,
    WIDE_H,
    WIDE_W,
    ZOOM_AREA,
    Box,
    Circle,
    _clip_many,
    _locator_bounds,
    _marker,
    _meeting,
    _overview_regions,
    _overview_xy,
    _path_data,
    _place_boxes,
    _star,
    _text_lines,
    _variant,
    count_places,
    marked_copies,
    view_memo,
)
from generator.pictures.map_style import (
    COLOURS,
    CREDIT_FONTSIZE,
    CROWDED,
    HIGHLIGHT,
    HIGHLIGHT_FILL,
    HOLLOW_WIDTH,
    INTERCOMMUNAL,
    INTERCOMMUNAL_GID,
    LEGEND_SIZE,
    LOCAL_SYMBOL,
    NAME_GAP,
    NAME_SIZE,
    NAME_WRAP,
    OUTLINE,
    SHAPES,
    SYMBOL_COLOUR,
    SYMBOL_EDGE,
    TO_CHECK,
    WIDE_VIEW,
    _covered,
    _diameter,
    _padded,
    _view_of,
)
from generator.pictures.mpl import COARSE
from generator.pictures.spec import ATTRIBUTION, MUTED, OKABE_ITO, shorten, wrap_label
from generator.pictures.svg import haloed_text, svg_document, text_width, xml_text


@dataclass
class LocatorDrawing:
    """A wide locator as written, with where things went (pt, y downwards) for tests to measure."""

    svg: bytes
    frame: Box                                   # the close view
    to_xy: Callable[[float, float], tuple[float, float]]  # (lat, lon) -> pt in the close view
    layers: dict[str, list[tuple[str, list[np.ndarray]]]]  # gid -> drawn (code, runs of pt points), in order
    highlight: list[np.ndarray]                  # the highlighted outline's rings, pt
    points: list[dict[str, Any]]                 # each drawn hub: status, approx, x, y, fill, stroke, width
    names: list[tuple[str, Box]]                 # hub names (lines joined by "\n") and their boxes
    counts: list[tuple[str, Box]]                # counts written on a région's circles
    credit: Box
    order: list[str] = field(default_factory=list)  # the groups' ids in drawing order


@dataclass(frozen=True)
class CloseView:
    """The close view of a wide locator without its hubs: what every locator of the same outline and
    bounds shares (a département's hubs: one view for all of them, computed once per worker)."""

    frame: Box
    projection: tuple[float, float, float, float, float, float]  # west, north, k, scale, ox, oy
    under: tuple[str, ...]       # the SVG from the clip path to the highlighted outline, under the hubs
    order: tuple[str, ...]       # the groups' ids in `under`
    layers: dict[str, list[tuple[str, list[np.ndarray]]]]
    highlight: list[np.ndarray]
    shape: geo.Outline | None
    in_metro: bool
    lines: np.ndarray            # the boundaries a hub's name should not cross (k×4 segments, pt)

    def to_px(self, lonlat: Any) -> Any:
        west, north, k, scale, ox, oy = self.projection
        lonlat = np.asarray(lonlat, dtype=float)
        return np.column_stack(((lonlat[:, 0] - west) * k * scale + ox, (north - lonlat[:, 1]) * scale + oy))

    def to_xy(self, lat: float, lon: float) -> tuple[float, float]:
        x, y = self.to_px([[lon, lat]])[0]
        return float(x), float(y)


@view_memo
def close_view(outline_ref: list[str] | None, intercommunal: bool, bounds: tuple[float, float, float, float]
               ) -> CloseView:
    """The close view for this outline and bounds, computed once per process and reused."""
    outline = geo.layer(outline_ref[0])[outline_ref[1]] if outline_ref else None
    in_metro = _view_of((bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2) == "metro"
    detail = "-simple" if bounds[2] - bounds[0] > WIDE_VIEW else ""
    west, south, east, north = bounds
    lat0 = (south + north) / 2
    k = math.cos(math.radians(lat0))
    ax0, ay0, ax1, ay1 = ZOOM_AREA
    scale = min((ax1 - ax0) / ((east - west) * k), (ay1 - ay0) / (north - south))
    map_w, map_h = (east - west) * k * scale, (north - south) * scale
    ox, oy = ax0 + (ax1 - ax0 - map_w) / 2, ay0 + (ay1 - ay0 - map_h) / 2
    frame = (ox, oy, ox + map_w, oy + map_h)

    def to_px(lonlat: Any) -> Any:
        lonlat = np.asarray(lonlat, dtype=float)
        return np.column_stack(((lonlat[:, 0] - west) * k * scale + ox, (north - lonlat[:, 1]) * scale + oy))

    margin = _padded(bounds, 0.05)
    clip = (float(to_px([[margin[0], margin[3]]])[0][0]), float(to_px([[margin[0], margin[3]]])[0][1]),
            float(to_px([[margin[2], margin[1]]])[0][0]), float(to_px([[margin[2], margin[1]]])[0][1]))
    hidden = (outline_ref[0], outline_ref[1]) if outline is not None and outline_ref else None
    body = [f'<clipPath id="vue"><rect x="{ox:.1f}" y="{oy:.1f}" width="{map_w:.1f}" height="{map_h:.1f}"/>'
            '</clipPath>', '<g clip-path="url(#vue)">']
    order: list[str] = []
    layers: dict[str, list[tuple[str, list[np.ndarray]]]] = {}

    def group(gid: str, content: str) -> None:
        order.append(gid)
        body.append(f'<g id="{gid}">{content}</g>')

    shape = _variant(outline_ref, detail) if outline is not None and outline_ref else None
    highlight = [to_px(r) for p in shape.polygons for r in p] if shape is not None else []
    if shape is not None:  # its outline written once, filled under the lines and drawn over them (<use>)
        body.insert(1, f'<defs><path id="{CONTOUR}" d="{_path_data(highlight, 2, closed=True)}"/></defs>')
    fill = f'<use href="#{CONTOUR}" fill="{HIGHLIGHT_FILL}" fill-rule="evenodd"/>'
    children = outline is not None and outline_ref is not None and (intercommunal or outline_ref[0] == "regions")
    if shape is not None and children:
        group(f"{COARSE}-highlight-fill", fill)
    specs: list[tuple[str, list[str], str, float, int]] = []
    if not detail and intercommunal:
        specs.append((INTERCOMMUNAL_GID, list(geo.LEVEL_LAYERS["epci"]), INTERCOMMUNAL, 0.3, 1))
    specs += [("departements", ["departements" + detail], OUTLINE, 0.35, 2),
              ("regions", ["regions" + detail], MUTED, 0.9, 2)]
    for gid, names, colour, width, grid in specs:
        if gid == "departements" and shape is not None and not children:
            group(f"{COARSE}-highlight-fill", fill)
        drawn = []
        for name in names:
            met = [o for o in _meeting(name, bounds) if not _covered(o, name.removesuffix(detail), hidden)]
            plain = [(o.code, r) for o in met for p in o.polygons for r in p]
            projected = np.split(to_px(np.concatenate([r for _, r in plain])),
                                 np.cumsum([len(r) for _, r in plain])[:-1]) if plain else []
            rings = [(code, xy) for (code, _), xy in zip(plain, projected, strict=True)]
            clipped = _clip_many([ring for _, ring in rings], clip)
            runs_of: dict[str, list[np.ndarray]] = {}
            for (code, _), runs in zip(rings, clipped, strict=True):
                runs_of.setdefault(code, []).extend(runs)
            drawn += [(o.code, runs_of[o.code]) for o in met if runs_of.get(o.code)]
        layers[gid] = drawn
        if drawn:
            group(gid, f'<path fill="none" stroke="{colour}" stroke-width="{width}" stroke-linejoin="round" '
                       f'd="{_path_data((r for _, rs in drawn for r in rs), grid)}"/>')
    if shape is not None:
        group("highlight", f'<use href="#{CONTOUR}" fill="none" stroke="{HIGHLIGHT}" stroke-width="1.6" '
                           'stroke-linejoin="round"/>')
    runs = [r for gid in ("departements", "regions") for _, rs in layers.get(gid, []) for r in rs] + highlight
    segments = [np.hstack([r[:-1], r[1:]]) for r in runs if len(r) > 1]
    return CloseView(frame=frame, projection=(west, north, k, scale, ox, oy), under=tuple(body), order=tuple(order),
                     layers=layers, highlight=highlight, shape=shape, in_metro=in_metro,
                     lines=np.vstack(segments) if segments else np.zeros((0, 4)))


_VIEWS = close_view.views  # type: ignore[attr-defined]  # the views kept (a test empties them)


def locator_drawing(data: dict[str, Any]) -> LocatorDrawing:
    """Two panels, written as SVG text (no matplotlib): where it is in France (skipped overseas), and a
    close view with the hubs, their names beside them (drawing.place_labels' rules) and the IGN credit
    under the close view; no other word: its legend is written beside it (generator.pictures.legend).
    The close view without its hubs is shared by the locators of the same outline and bounds
    (`close_view`)."""
    points, centre = data["points"], data["centre"]
    outline = geo.layer(data["outline"][0])[data["outline"][1]] if data["outline"] else None
    bounds = _locator_bounds(data, outline)
    view = close_view(data["outline"], bool(data.get("intercommunal", False)), bounds)
    frame, to_xy, layers, highlight, shape = view.frame, view.to_xy, view.layers, view.highlight, view.shape
    ox, oy = frame[0], frame[1]
    map_w, map_h = frame[2] - frame[0], frame[3] - frame[1]
    body = ([MARKED] if any(p.get("id") for p in points) else []) + list(view.under)
    order = list(view.order)

    def group(gid: str, content: str) -> None:
        order.append(gid)
        body.append(f'<g id="{gid}">{content}</g>')

    # hubs: statuses seen lately drawn last, on top of the many to check
    radius = math.sqrt(30 if len(points) <= CROWDED else 22) / 2
    drawn_points: list[dict[str, Any]] = []
    for status in (TO_CHECK, *STATUSES):
        for approx in (False, True):
            chosen = [p for p in points if p["status"] == status and bool(p.get("approx")) == approx]
            if not chosen:
                continue
            marks = []
            for p in chosen:
                x, y = to_xy(p["lat"], p["lon"])
                marks.append(_marker(SHAPES[status], x, y, radius, COLOURS[status], approx,
                                     HOLLOW_WIDTH if approx else 0.6, p.get("id")))
                fill, stroke = ("#ffffff", COLOURS[status]) if approx else (COLOURS[status], "#ffffff")
                drawn_points.append({"label": p["label"], "status": status, "approx": approx, "x": x, "y": y,
                                     "fill": fill, "stroke": stroke, "width": HOLLOW_WIDTH if approx else 0.6})
            group(f"points-{status}-{'commune' if approx else 'address'}", "".join(marks))
    names: list[tuple[str, Box]] = []
    if data["labels"] and drawn_points:
        names = _wide_names(body, order, drawn_points, frame, view.lines)
    symbols = data.get("symbols", [])
    counts: list[tuple[str, Box]] = []
    if symbols:
        counts = _wide_symbols(body, order, symbols, data["largest"], to_xy, frame, data.get("lang", "fr"))
    if centre:
        x, y = to_xy(centre[0], centre[1])
        group("centre", _star(x, y, 4.6))
    if any(p.get("id") for p in points):  # drawn last: a marked point lies on its neighbours and the names
        group("marked", marked_copies(p["id"] for p in points if p.get("id")))
    body.append("</g>")
    body.append(f'<rect x="{ox:.1f}" y="{oy:.1f}" width="{map_w:.1f}" height="{map_h:.1f}" fill="none" '
                f'stroke="{MUTED}" stroke-width="0.8"/>')
    if view.in_metro:
        _wide_overview(body, order, data, bounds, shape)
    credit_w = text_width(ATTRIBUTION, CREDIT_FONTSIZE)
    credit_y = WIDE_H - 2.5
    credit = (0.99 * WIDE_W - credit_w, credit_y - CREDIT_FONTSIZE, 0.99 * WIDE_W, credit_y + 0.25 * CREDIT_FONTSIZE)
    order.append("credit")
    body.append(f'<g id="credit"><text x="{0.99 * WIDE_W:.1f}" y="{credit_y:.1f}" text-anchor="end" fill="{MUTED}" '
                f'style="font-size: {CREDIT_FONTSIZE:g}px">{xml_text(ATTRIBUTION)}</text></g>')
    svg = svg_document(WIDE_W, WIDE_H, body).replace(
        f'width="{WIDE_W:.0f}px" height="{WIDE_H:.0f}px" viewBox="0 0 {WIDE_W:.0f} {WIDE_H:.0f}"'.encode(),
        f'width="{WIDE_W:g}pt" height="{WIDE_H:g}pt" viewBox="0 0 {WIDE_W:g} {WIDE_H:g}"'.encode())
    return LocatorDrawing(svg=svg, frame=frame, to_xy=to_xy, layers=layers, highlight=highlight,
                          points=drawn_points, names=names, counts=counts, credit=credit, order=order)


def _wide_names(body: list[str], order: list[str], points: list[dict[str, Any]], frame: Box, lines: np.ndarray
                ) -> list[tuple[str, Box]]:
    """Names beside the points, whole on up to four lines, first tried alternately right (above) and left
    (below) from north to south, then moved to the first free spot (see drawing.place_labels); a light
    white box keeps them legible over a line they must cross, a thin line says whose a moved name is."""
    ordered = sorted(points, key=lambda p: (p["y"], p["x"]))
    texts = [wrap_label(shorten(p["label"], 4 * NAME_WRAP), NAME_WRAP, 4).split("\n") for p in ordered]
    sizes = [(max(text_width(line, NAME_SIZE) for line in lines) + 0.16 * NAME_SIZE,
              len(lines) * NAME_SIZE * LINE_HEIGHT + 0.16 * NAME_SIZE) for lines in texts]
    preferred = [math.atan2(-4, 5) if rank % 2 == 0 else math.atan2(4, -5) for rank in range(len(ordered))]
    dots = [(p["x"] - 3, p["y"] - 3, p["x"] + 3, p["y"] + 3) for p in ordered]
    placed = _place_boxes(sizes, [(p["x"], p["y"]) for p in ordered], preferred, frame, NAME_GAP, dots, lines)
    out = []
    parts = []
    for p, lines_of, (box, reach) in zip(ordered, texts, placed, strict=True):
        x0, y0, x1, y1 = box
        if reach > 2.2:  # moved away from a crowd: a thin line says whose it is
            ex, ey = min(max(p["x"], x0), x1), min(max(p["y"], y0), y1)
            parts.append(f'<path d="M{p["x"]:.1f} {p["y"]:.1f}L{ex:.1f} {ey:.1f}" stroke="{MUTED}" '
                         'stroke-width="0.5"/>')
        parts.append(f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" height="{y1 - y0:.1f}" '
                     'fill="#ffffff" fill-opacity="0.75"/>')
        parts += _text_lines(x0 + 0.08 * NAME_SIZE, y0 + 0.08 * NAME_SIZE, lines_of, NAME_SIZE)
        out.append(("\n".join(lines_of), box))
    order.append("names")
    body.append('<g id="names">' + "".join(parts) + "</g>")
    return out


def _wide_symbols(body: list[str], order: list[str], symbols: list[dict[str, Any]], largest: int,
                  to_xy: Callable[[float, float], tuple[float, float]], frame: Box, lang: str
                  ) -> list[tuple[str, Box]]:
    """A région's counts per département: proportional circles, largest first, each count written inside
    (or just above), else beside its circle (`count_places`); one with no room is left to the table."""
    parts = []
    circles = []
    for c in symbols:
        x, y = to_xy(c["lat"], c["lon"])
        r = _diameter(c["count"], largest, LOCAL_SYMBOL) / 2
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{SYMBOL_COLOUR}" fill-opacity="0.55" '
                     f'stroke="{SYMBOL_EDGE}" stroke-width="0.5"/>')
        text = formats.number(c["count"], lang=lang)
        circles.append(Circle(x, y, r, text, text_width(text, LEGEND_SIZE, bold=True)))
    order.append("symbols")
    body.append('<g id="symbols">' + "".join(parts) + "</g>")
    placed = count_places(circles, LEGEND_SIZE, frame)
    order.append("counts")
    body.append('<g id="counts">' + "".join(haloed_text(x, cy + LEGEND_SIZE * 0.36, text, LEGEND_SIZE, 2)
                                            for text, x, cy, _ in placed) + "</g>")
    return [(text, box) for text, _, _, box in placed]


def _wide_overview(body: list[str], order: list[str], data: dict[str, Any], bounds: tuple[float, ...],
                   shape: geo.Outline | None) -> None:
    """The small France: its régions, the territory filled, the close view's frame."""
    to_px = _overview_xy
    parts = [_overview_regions()]
    if shape is not None:
        small = _variant(data["outline"], "-overview")
        parts.append(f'<path fill="{HIGHLIGHT}" stroke="{HIGHLIGHT}" stroke-width="0.6" '
                     f'd="{_path_data([to_px(r) for p in small.polygons for r in p], 1, closed=True)}"/>')
    (bx0, by0), (bx1, by1) = to_px([[bounds[0], bounds[3]], [bounds[2], bounds[1]]])
    parts.append(f'<rect x="{bx0:.1f}" y="{by0:.1f}" width="{bx1 - bx0:.1f}" height="{by1 - by0:.1f}" fill="none" '
                 f'stroke="{OKABE_ITO[4]}" stroke-width="1"/>')
    order.append(f"{COARSE}-overview")
    body.append(f'<g id="{COARSE}-overview">' + "".join(parts) + "</g>")


def draw_locator(data: dict[str, Any]) -> bytes:
    """A wide locator, written as SVG text: its words real text, a few ms instead of 20-45 through matplotlib."""
    return locator_drawing(data).svg
