"""What the SVG locators are built from: views, path data on a grid, clipping, marks, label boxes,
and the small France of the overview panel (written once per process)."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

import numpy as np

from generator import geo
from generator.pictures.labels import (
    clip_parameters,
)
from generator.pictures.map_style import HOLLOW_WIDTH, METRO, _intersects, _padded
from generator.pictures.spec import INK, MUTED
from generator.pictures.svg import svg_text

VIEWS_KEPT = 64  # close views kept per process: batches come sorted by outline, so the last few suffice


def view_memo(make: Callable[[Any, bool, Any], Any]) -> Callable[[Any, bool, Any], Any]:
    """`make(outline_ref, intercommunal, bounds)` computed once per outline and bounds and reused by the
    locators that share them (a département's hubs), the last VIEWS_KEPT kept per process; the kept
    views are the wrapper's `views`."""
    views: dict[tuple[Any, ...], Any] = {}

    @functools.wraps(make)
    def memo(outline_ref: list[str] | None, intercommunal: bool, bounds: tuple[float, float, float, float]) -> Any:
        key = (tuple(outline_ref) if outline_ref else None, intercommunal, tuple(bounds))
        found = views.get(key)
        if found is None:
            if len(views) >= VIEWS_KEPT:
                views.clear()
            found = views[key] = make(outline_ref, intercommunal, bounds)
        return found

    memo.views = views  # type: ignore[attr-defined]
    return memo


def _variant(outline: list[str], detail: str) -> geo.Outline:
    """The outline from the coarsest layer that suits the view, falling back to a finer one."""
    layer_name, code = outline
    for suffix in dict.fromkeys((detail, "-simple", "")):
        name = layer_name + suffix
        if name in geo.LAYERS and code in geo.layer(name):
            return geo.layer(name)[code]
    return geo.layer(layer_name)[code]


def _locator_bounds(data: dict[str, Any], outline: geo.Outline | None) -> tuple[float, float, float, float]:
    """The close view: the outline with a margin, or the points; a hub just outside the outline still shows."""
    points, centre = data["points"], data["centre"]
    if outline is not None:
        bounds = _padded(outline.bounds, 0.12, 0.05)
    else:
        lats = [p["lat"] for p in points] + ([centre[0]] if centre else [])
        lons = [p["lon"] for p in points] + ([centre[1]] if centre else [])
        bounds = _padded((min(lons), min(lats), max(lons), max(lats)), 0.2, 0.3)
    for p in points:
        bounds = (min(bounds[0], p["lon"] - 0.05), min(bounds[1], p["lat"] - 0.05),
                  max(bounds[2], p["lon"] + 0.05), max(bounds[3], p["lat"] + 0.05))
    return bounds


def _ring_data(rings: Iterable[Any], to_xy: Callable[[Any], Any], grid: int = 2, closed: bool = True) -> str:
    """SVG path data of rings of (lon, lat) points, on a 1/`grid` px grid (half pixels: a phone's
    screen shows no finer), repeated points dropped.

    All the rings are projected, rounded and differenced as one array (per ring, those few numpy calls
    cost more than the ring's own points); only the writing of each ring's steps is done ring by ring."""
    arrays = [np.asarray(ring, dtype=float) for ring in rings]
    arrays = [a for a in arrays if len(a)]
    if not arrays:
        return ""
    lengths = np.array([len(a) for a in arrays])
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    xy = np.round(to_xy(np.concatenate(arrays)) * grid).astype(np.int64) * (10 // grid)
    keep = np.ones(len(xy), dtype=bool)
    keep[1:] = np.any(xy[1:] != xy[:-1], axis=1)
    keep[starts] = True  # each ring's first point, even where the previous ring ended
    ring_of = np.repeat(np.arange(len(arrays)), lengths)[keep]
    xy = xy[keep]
    kept = np.bincount(ring_of, minlength=len(arrays))
    first = np.concatenate(([0], np.cumsum(kept)[:-1]))
    steps = np.diff(xy, axis=0)
    steps[first[1:] - 1] = 0  # no step from one ring to the next (dropped below)
    if len(steps) and -_TENTHS_REACH <= steps.min() and steps.max() < _TENTHS_REACH:
        texts = list(map(_TENTHS_TABLE.__getitem__, (steps + _TENTHS_REACH).ravel().tolist()))
    else:
        texts = list(map(_tenths, steps.ravel().tolist()))
    corner = xy[first].tolist()
    least = 3 if closed else 2
    parts = []
    end = "z" if closed else ""
    for ring, (start, count) in enumerate(zip(first.tolist(), kept.tolist(), strict=True)):
        if count < least:
            continue
        moves = " ".join(texts[2 * start:2 * (start + count - 1)])
        x, y = corner[ring]
        parts.append("M" + _tenths(x) + " " + _tenths(y) + "l" + moves + end)
    # a minus sign separates two numbers by itself (SVG path grammar): a tenth of the bytes of a map's lines
    return "".join(parts).replace(" -", "-")


def _in_view(rings: Iterable[Any], view: tuple[float, float, float, float]) -> list[Any]:
    """The runs of each ring that come into the view (plus the point on each side), so that no line is
    written for what the clip hides: boundary lines only, never filled."""
    west, south, east, north = view
    out = []
    for ring in rings:
        ring = np.asarray(ring, dtype=float)
        inside = (ring[:, 0] >= west) & (ring[:, 0] <= east) & (ring[:, 1] >= south) & (ring[:, 1] <= north)
        if inside.all():
            out.append(ring)
            continue
        near = inside.copy()
        near[1:] |= inside[:-1]
        near[:-1] |= inside[1:]
        edges = np.flatnonzero(np.diff(np.concatenate(([0], near.astype(np.int8), [0]))))
        out += [ring[a:b] for a, b in zip(edges[::2], edges[1::2], strict=True) if b - a >= 2]
    return out


def _tenths(value: int) -> str:
    """`value` tenths as SVG writes them shortest: `12.5`, `.5`, `-.5`, `3`."""
    sign = "-" if value < 0 else ""
    whole, part = divmod(abs(int(value)), 10)
    return (f"{sign}{whole or ''}.{part}" if part else f"{sign}{whole}")


_TENTHS_REACH = 20000  # steps of up to 2,000 px or pt, written by table look-up (thousands per picture)
_TENTHS_TABLE = [_tenths(v) for v in range(-_TENTHS_REACH, _TENTHS_REACH)]


def _marker(shape: str, x: float, y: float, r: float, colour: str, hollow: bool, edge: float | None = None,
            mark: str | None = None) -> str:
    """One hub as an SVG shape; hollow (white inside, a thicker edge) at a commune's centre. `mark`, the
    hub's id, names the shape (MARKED), so that a page showing this map for that hub marks its point.

    A filled shape has a dark edge and a hollow one a dark rim around its coloured ring: the orange of a status to
    check has 1.7:1 against a territory's light blue, under the 3:1 that WCAG 1.4.11 asks of a graphic's parts
    (the edge was white, which the light blue does not set apart either)."""
    if hollow and shape != "cross":
        ring = edge if edge is not None else HOLLOW_WIDTH * 1.3
        both = (_shape(shape, x, y, r, "#ffffff", INK, ring + 1.2, None)  # the dark rim, under the ring
                + _shape(shape, x, y, r, "none", colour, ring, None))
        return f'<g id="{SHAPE_PREFIX}{mark}">{both}</g>' if mark else both
    if shape == "cross":
        return _shape(shape, x, y, r, "none", colour, 3.2 if not hollow else 2.2, mark)
    return _shape(shape, x, y, r, colour, INK, edge if edge is not None else 0.8, mark)


def _shape(shape: str, x: float, y: float, r: float, fill: str, stroke: str, width: float, mark: str | None) -> str:
    named = f' id="{SHAPE_PREFIX}{mark}"' if mark else ""
    if shape == "circle":
        return (f'<circle{named} cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}" stroke="{stroke}" '
                f'stroke-width="{width}"/>')
    if shape == "square":
        return (f'<rect{named} x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" '
                f'fill="{fill}" stroke="{stroke}" stroke-width="{width}"/>')
    if shape == "triangle":
        return (f'<path{named} d="M{x:.1f} {y - r * 1.15:.1f}L{x + r * 1.1:.1f} {y + r * 0.75:.1f}L{x - r * 1.1:.1f} '
                f'{y + r * 0.75:.1f}z" fill="{fill}" stroke="{stroke}" stroke-width="{width}"/>')
    d = r * 0.8  # a cross (closed), drawn as two thick strokes so that its shape tells it without colour
    return (f'<path{named} d="M{x - d:.1f} {y - d:.1f}L{x + d:.1f} {y + d:.1f}M{x - d:.1f} {y + d:.1f}L{x + d:.1f} '
            f'{y - d:.1f}" stroke="{stroke}" stroke-width="{width}" stroke-linecap="round"/>')


CONTOUR = "contour"  # id of the highlighted outline's path, written once and used twice (fill, edge)
MARK_PREFIX = "lieu-"  # a page links `locator.svg#lieu-<id>` to mark a hub's point (`marked_copies`)
SHAPE_PREFIX = "forme-"  # a hub's point as drawn among the others has the id SHAPE_PREFIX + its id
# The point a page's address names (`#lieu-<id>`, CSS :target) drawn twice as large with a dark halo: a
# hub's page shows its territory's locator with its own point marked. The mark is a copy of the point drawn
# after every other point and name (`marked_copies`), hidden unless named: SVG has no z-index, and the point
# itself lay under the neighbours drawn after it in a crowded city. A renderer that reads no style (a PDF)
# draws each copy over its point, the map unchanged.
MARKED = ("<style>.m{display:none}.m:target{display:inline;transform:scale(2);transform-box:fill-box;"
          "transform-origin:center;filter:drop-shadow(0 0 1px #000) drop-shadow(0 0 1px #000)}</style>")


def marked_copies(marks: Iterable[str]) -> str:
    """A copy of each named point (`_marker`'s `mark`) to draw last, shown only when the address names it."""
    return "".join(f'<use class="m" id="{MARK_PREFIX}{mark}" href="#{SHAPE_PREFIX}{mark}"/>' for mark in marks)


NARROW_MAP_HEIGHT = 300.0  # px: the tallest close view of a narrow locator
WIDE_W, WIDE_H = 460.8, 259.2  # pt: the 6.4 × 3.6 in picture the matplotlib locator was
ZOOM_AREA = (0.36 * WIDE_W, 0.02 * WIDE_H, 0.99 * WIDE_W, 0.92 * WIDE_H)  # x0, y0, x1, y1 (y down)
OVERVIEW_AREA = (0.01 * WIDE_W, 0.02 * WIDE_H, 0.34 * WIDE_W, 0.64 * WIDE_H)
LINE_HEIGHT = 1.2  # of a line of text, in font sizes
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in pt, y downwards


def _clip_many(rings: list[np.ndarray], box: Box) -> list[list[np.ndarray]]:
    """The parts of each polyline inside `box`, each segment cut at the box's edge, with one Liang-Barsky
    pass over the segments of all those that cross the box's edge (one pass per ring cost a third of a
    locator)."""
    out: list[list[np.ndarray]] = [[] for _ in rings]
    partial: list[int] = []
    usable = [i for i, ring in enumerate(rings) if len(ring) >= 2]
    if not usable:
        return out
    starts = np.cumsum([0] + [len(rings[i]) for i in usable[:-1]])
    points = np.concatenate([rings[i] for i in usable])
    low, high = np.minimum.reduceat(points, starts), np.maximum.reduceat(points, starts)  # each ring's extent
    inside = (low[:, 0] >= box[0]) & (low[:, 1] >= box[1]) & (high[:, 0] <= box[2]) & (high[:, 1] <= box[3])
    outside = (high[:, 0] < box[0]) | (high[:, 1] < box[1]) | (low[:, 0] > box[2]) | (low[:, 1] > box[3])
    for i, whole, away in zip(usable, inside.tolist(), outside.tolist(), strict=True):
        if whole:
            out[i] = [rings[i]]  # wholly inside
        elif not away:
            partial.append(i)
    if not partial:
        return out
    a_all = np.concatenate([rings[i][:-1] for i in partial])
    b_all = np.concatenate([rings[i][1:] for i in partial])
    d_all = b_all - a_all
    meets = np.flatnonzero((np.maximum(a_all[:, 0], b_all[:, 0]) >= box[0])
                           & (np.minimum(a_all[:, 0], b_all[:, 0]) <= box[2])
                           & (np.maximum(a_all[:, 1], b_all[:, 1]) >= box[1])
                           & (np.minimum(a_all[:, 1], b_all[:, 1]) <= box[3]))
    lo_all, hi_all = np.ones(len(a_all)), np.zeros(len(a_all))  # a segment whose extent misses the box: none of it
    lo_all[meets], hi_all[meets] = clip_parameters(a_all[meets], d_all[meets], box)  # Liang-Barsky on the others
    start = 0
    for i in partial:
        end = start + len(rings[i]) - 1
        a, d, lo, hi = a_all[start:end], d_all[start:end], lo_all[start:end], hi_all[start:end]
        start = end
        keep = lo <= hi
        if not keep.any():
            continue
        idx = np.flatnonzero(keep)
        starts, ends = a[idx] + lo[idx, None] * d[idx], a[idx] + hi[idx, None] * d[idx]
        breaks = np.ones(len(idx), dtype=bool)
        breaks[1:] = (np.diff(idx) != 1) | (hi[idx[:-1]] < 1) | (lo[idx[1:]] > 0)
        cuts = np.flatnonzero(breaks)
        bounds = [*cuts.tolist(), len(idx)]
        out[i] = [np.vstack([starts[s:s + 1], ends[s:e]]) for s, e in zip(bounds[:-1], bounds[1:], strict=True)]
    return out


@functools.cache
def _layer_bounds(name: str) -> tuple[list[geo.Outline], np.ndarray]:
    """A layer's outlines and their bounds as one array (n×4), read once per process."""
    outlines = list(geo.layer(name).values())
    return outlines, np.array([o.bounds for o in outlines], dtype=float).reshape(-1, 4)


def _meeting(name: str, bounds: tuple[float, float, float, float]) -> list[geo.Outline]:
    """The outlines of a layer whose bounds meet `bounds` (in the layer's order)."""
    outlines, boxes = _layer_bounds(name)
    hit = ((boxes[:, 0] <= bounds[2]) & (bounds[0] <= boxes[:, 2]) & (boxes[:, 1] <= bounds[3])
           & (bounds[1] <= boxes[:, 3]))
    return [outlines[i] for i in np.flatnonzero(hit)]


def _path_data(runs: Iterable[np.ndarray], grid: int, closed: bool = False) -> str:
    return _ring_data(runs, lambda xy: xy, grid, closed)


def _place_boxes(sizes: list[tuple[float, float]], centres: list[tuple[float, float]], preferred: list[float],
                 area: Box, gap: float, dots: list[Box], lines: np.ndarray, pad: float = 1.5
                 ) -> list[tuple[Box, float]]:
    """drawing.place_labels on plain boxes: each label beside its point, covering no other label nor point,
    inside `area`, crossing as few `lines` as can be. Returns each box and its reach (in `gap`s)."""
    from generator.pictures.labels import (
        CROSSING_COST,
        LABEL_DIRECTIONS,
        LABEL_REACH,
        Crossings,
        _box_at,
        overlap_area,
        overlap_areas,
    )

    placed: list[Box] = []
    out: list[tuple[Box, float]] = []
    dot_array = np.array(dots) if dots else np.zeros((0, 4))
    dot_list = dot_array.tolist()
    turns = sorted(range(LABEL_DIRECTIONS), key=lambda k: (min(k, LABEL_DIRECTIONS - k), k))
    for (w, h), (cx, cy), angle0 in zip(sizes, centres, preferred, strict=True):
        best: tuple[float, float, Box] | None = None
        reach_max = gap * LABEL_REACH[-1] + w + h + 2 * pad  # no candidate box goes further: lines beyond are left out
        near = lines[(np.maximum(lines[:, 0], lines[:, 2]) >= cx - reach_max)
                     & (np.minimum(lines[:, 0], lines[:, 2]) <= cx + reach_max)
                     & (np.maximum(lines[:, 1], lines[:, 3]) >= cy - reach_max)
                     & (np.minimum(lines[:, 1], lines[:, 3]) <= cy + reach_max)]
        crossings = Crossings(near)
        placed_array = np.array(placed) if placed else np.zeros((0, 4))
        placed_list = placed_array.tolist()
        units = []
        for k in turns:
            angle = angle0 + 2 * math.pi * k / LABEL_DIRECTIONS
            units.append((round(math.cos(angle), 6), round(math.sin(angle), 6)))
        for reach in LABEL_REACH:
            candidates = [_box_at(cx, cy, ux, uy, gap * reach, w, h) for ux, uy in units]
            padded = [(x0 - pad, y0 - pad, x1 + pad, y1 + pad) for x0, y0, x1, y1 in candidates]
            # the first direction alone (most labels stop there), then the others' measures all at once
            covers: tuple[list[float], list[float]] | None = None
            crossed: list[int] | None = None
            for i, ((x0, y0, x1, y1), box) in enumerate(zip(candidates, padded, strict=True)):
                outside = (max(area[0] - x0, 0) + max(x1 - area[2], 0) + max(area[1] - y0, 0)
                           + max(y1 - area[3], 0))
                if i == 0:
                    covered = (overlap_area(box, placed_array, placed_list) if placed else 0.0) \
                        + overlap_area(box, dot_array, dot_list) + outside * 1000
                else:
                    if covers is None:
                        boxes = np.array(padded)
                        covers = (overlap_areas(boxes, placed_array) if placed else [0.0] * len(padded),
                                  overlap_areas(boxes, dot_array))
                    covered = covers[0][i] + covers[1][i] + outside * 1000
                if best is None or covered < best[0]:
                    if i == 0:
                        covered += CROSSING_COST * crossings.count(box)
                    else:
                        if crossed is None:
                            crossed = crossings.count_many(np.array(padded))
                        covered += CROSSING_COST * crossed[i]
                if best is None or covered < best[0]:
                    best = (covered, reach, (x0, y0, x1, y1))
                if covered == 0:
                    break
            if best is not None and best[0] == 0:
                break
        assert best is not None
        placed.append(tuple(v + s for v, s in zip(best[2], (-pad, -pad, pad, pad), strict=True)))
        out.append((best[2], best[1]))
    return out


class Circle(NamedTuple):
    """A count's circle on a map, in the picture's units (y downwards), and the count's text and width."""

    x: float
    y: float
    r: float
    text: str
    width: float


COUNT_GAP = 1.5  # between a circle and a count written beside it


def _box_covers_circle(box: Box, c: Circle) -> bool:
    nearest_x, nearest_y = min(max(c.x, box[0]), box[2]), min(max(c.y, box[1]), box[3])
    return (nearest_x - c.x) ** 2 + (nearest_y - c.y) ** 2 < c.r ** 2


def count_places(circles: list[Circle], size: float, frame: Box, over_small: bool = False
                 ) -> list[tuple[str, float, float, Box]]:
    """Where each circle's count is written (largest circle first): at its centre (just above a circle too small
    to hold it, unless `over_small`), else beside it (left, right, below, above, then at its corners), at the
    first place whose box stays in `frame`, covers no count already placed and, beside the circle, no other
    circle (else the first that only keeps clear of the counts); a count with no such place is left to the
    table. On Île-de-France's map, Paris's 212 covered its three neighbours' counts at their centres: they are
    written beside their circles."""
    placed: list[tuple[str, float, float, Box]] = []
    half = size * 0.6
    for c in circles:
        side, down = c.r + COUNT_GAP + c.width / 2, c.r + COUNT_GAP + half
        slant = (c.r + COUNT_GAP) * 0.7071  # the circle's diagonal points, the count's corner on them
        first = c.y if over_small or 2 * c.r >= size * 1.3 else c.y - c.r - 0.5 - half
        spots = [(c.x, first), (c.x - side, c.y), (c.x + side, c.y), (c.x, c.y + down), (c.x, c.y - down),
                 (c.x + slant + c.width / 2, c.y - slant - half), (c.x + slant + c.width / 2, c.y + slant + half),
                 (c.x - slant - c.width / 2, c.y - slant - half), (c.x - slant - c.width / 2, c.y + slant + half)]
        free: list[tuple[float, float, Box]] = []
        for i, (cx, cy) in enumerate(spots):
            box = (cx - c.width / 2 - 1, cy - half - 1, cx + c.width / 2 + 1, cy + half + 1)
            inside = frame[0] <= box[0] and box[2] <= frame[2] and frame[1] <= box[1] and box[3] <= frame[3]
            if inside and not any(_intersects(box, other) for *_, other in placed):
                free.append((cx, cy, box))
                if i == 0 or not any(_box_covers_circle(box, o) for o in circles if o is not c):
                    placed.append((c.text, cx, cy, box))
                    break
        else:
            if free:  # beside the circle, over another one: better than not written
                placed.append((c.text, *free[0]))
    return placed


def _text_lines(x: float, top: float, lines: list[str], size: float, anchor: str = "start", **extra: Any) -> list[str]:
    return [svg_text(x, top + size * (0.95 + i * LINE_HEIGHT), line, size, anchor, **extra)
            for i, line in enumerate(lines)]


def _star(x: float, y: float, r: float) -> str:
    corners = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.45
        angle = -math.pi / 2 + i * math.pi / 5
        corners.append(f"{x + radius * math.cos(angle):.1f} {y + radius * math.sin(angle):.1f}")
    return f'<path d="M{"L".join(corners)}z" fill="{INK}" stroke="#ffffff" stroke-width="0.5"/>'


@functools.cache
def _overview_projection() -> tuple[float, float, float, float]:
    """(k, scale, ox, oy) of the small France, the same on every locator."""
    west, south, east, north = METRO
    k = math.cos(math.radians((south + north) / 2))
    x0, y0, x1, y1 = OVERVIEW_AREA
    scale = min((x1 - x0) / ((east - west) * k), (y1 - y0) / (north - south))
    return k, scale, x0 + (x1 - x0 - (east - west) * k * scale) / 2, y0 + (y1 - y0 - (north - south) * scale) / 2


def _overview_xy(lonlat: Any) -> Any:
    """(lon, lat) points to pt on the small France."""
    k, scale, ox, oy = _overview_projection()
    lonlat = np.asarray(lonlat, dtype=float)
    return np.column_stack(((lonlat[:, 0] - METRO[0]) * k * scale + ox, (METRO[3] - lonlat[:, 1]) * scale + oy))


@functools.cache
def _overview_regions() -> str:
    """The small France's régions: the same path on every locator, written once per process."""
    rings = [_overview_xy(r) for o in geo.layer("regions-overview").values() if _intersects(o.bounds, METRO)
             for p in o.polygons for r in p]
    return (f'<path fill="none" stroke="{MUTED}" stroke-width="0.9" stroke-linejoin="round" '
            f'd="{_path_data(rings, 1, closed=True)}"/>')
