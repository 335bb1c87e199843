"""Placing labels beside points without covering each other, the points or the boundaries.

Plain arithmetic in a fixed order (the same labels always land in the same place): used by the
networks and the France maps (through matplotlib's measures) and by the SVG locators (own boxes).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # matplotlib is imported by the drawers that measure with it, not by the SVG locators
    from matplotlib.figure import Figure  # (importing it was 0.25 s of a regeneration that redraws a locator)
    from matplotlib.text import Annotation
    from matplotlib.transforms import Bbox


def away_from(x: float, y: float, cx: float, cy: float, gap: float) -> dict[str, Any]:
    """Offset (in points) and alignment that put a label beside (x, y) on the side away from (cx, cy)."""
    angle = math.atan2(y - cy, x - cx) if (x, y) != (cx, cy) else 0.0
    dx, dy = math.cos(angle), math.sin(angle)
    return {
        "xytext": (round(gap * dx, 2), round(gap * dy, 2)),
        "ha": "left" if dx > 0.38 else "right" if dx < -0.38 else "center",
        "va": "bottom" if dy > 0.38 else "top" if dy < -0.38 else "center",
    }


def label_boxes(fig: Figure, labels: list[Annotation], pad: float = 0.0) -> list[Bbox]:
    """Where each label is drawn, in display pixels, measured by the Agg renderer."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = (fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)).get_renderer()
    return [label.get_window_extent(renderer).padded(pad) for label in labels]


LABEL_DIRECTIONS = 16
LABEL_REACH = (1.0, 1.6, 2.4, 3.4, 4.8, 6.5, 9.0, 12.0, 16.0)


def _box_at(px: float, py: float, ux: float, uy: float, reach: float, w: float, h: float) -> tuple[float, ...]:
    """The box (x0, y0, x1, y1) of a w×h label aligned as `away_from` aligns it, `reach` pixels along (ux, uy)."""
    ax, ay = px + reach * ux, py + reach * uy
    x0 = ax if ux > 0.38 else ax - w if ux < -0.38 else ax - w / 2
    y0 = ay if uy > 0.38 else ay - h if uy < -0.38 else ay - h / 2
    return x0, y0, x0 + w, y0 + h


def _overlap(box: tuple[float, ...], others: np.ndarray) -> float:
    """Total area of `box` covered by the boxes in `others` (k×4)."""
    if not len(others):
        return 0.0
    ox = np.minimum(box[2], others[:, 2]) - np.maximum(box[0], others[:, 0])
    oy = np.minimum(box[3], others[:, 3]) - np.maximum(box[1], others[:, 1])
    return float(np.sum(np.clip(ox, 0, None) * np.clip(oy, 0, None)))


def segments_crossing(box: tuple[float, ...], segments: np.ndarray) -> int:
    """How many of the segments (k×4: x0, y0, x1, y1) cross or enter the box (x0, y0, x1, y1).

    A segment meets the (closed) box when their extents overlap and the box's corners are not all on
    one side of the segment's line: no division, about ten times faster than clipping each segment
    (Liang-Barsky, `clip_parameters`), which gives the same answer; label placement asks this thousands
    of times per picture."""
    return Crossings(segments).count(box)


class Crossings:
    """`segments_crossing` against one set of segments for many boxes: the segments' extents and
    directions computed once (a label tries up to 144 places against the same boundaries)."""

    def __init__(self, segments: np.ndarray) -> None:
        x0, y0, x1, y1 = segments[:, 0], segments[:, 1], segments[:, 2], segments[:, 3]
        self.low_x, self.high_x = np.minimum(x0, x1), np.maximum(x0, x1)
        self.low_y, self.high_y = np.minimum(y0, y1), np.maximum(y0, y1)
        self.x0, self.y0, self.dx, self.dy = x0, y0, x1 - x0, y1 - y0

    def count(self, box: tuple[float, ...]) -> int:
        """How many of the segments cross or enter the box (x0, y0, x1, y1), as `segments_crossing`."""
        if not len(self.x0):
            return 0
        bx0, by0, bx1, by1 = box[0], box[1], box[2], box[3]
        near = np.flatnonzero((self.low_x <= bx1) & (self.high_x >= bx0) & (self.low_y <= by1)
                              & (self.high_y >= by0))
        if not len(near):
            return 0
        x0, y0, dx, dy = self.x0[near], self.y0[near], self.dx[near], self.dy[near]
        above = below = None
        for cx, cy in ((bx0, by0), (bx1, by0), (bx0, by1), (bx1, by1)):
            side = dx * (cy - y0) - dy * (cx - x0)
            above = side > 0 if above is None else above & (side > 0)
            below = side < 0 if below is None else below & (side < 0)
        return int(np.count_nonzero(~(above | below)))

    def count_many(self, boxes: np.ndarray) -> list[int]:
        """`count` of each of the boxes (n×4), at once (the same arithmetic on each pair)."""
        if not len(self.x0):
            return [0] * len(boxes)
        bx0, by0, bx1, by1 = (boxes[:, i, None] for i in range(4))
        near = (self.low_x <= bx1) & (self.high_x >= bx0) & (self.low_y <= by1) & (self.high_y >= by0)
        above = below = None
        for cx, cy in ((bx0, by0), (bx1, by0), (bx0, by1), (bx1, by1)):
            side = self.dx * (cy - self.y0) - self.dy * (cx - self.x0)
            above = side > 0 if above is None else above & (side > 0)
            below = side < 0 if below is None else below & (side < 0)
        return np.count_nonzero(near & ~(above | below), axis=1).tolist()


def overlap_areas(boxes: np.ndarray, others: np.ndarray) -> list[float]:
    """`_overlap` of each of the boxes (n×4) with `others` (k×4), at once: row sums of the same products,
    which numpy adds in the same order as one box's `_overlap` (checked), so the same floats."""
    if not len(others):
        return [0.0] * len(boxes)
    ox = np.minimum(boxes[:, None, 2], others[None, :, 2]) - np.maximum(boxes[:, None, 0], others[None, :, 0])
    oy = np.minimum(boxes[:, None, 3], others[None, :, 3]) - np.maximum(boxes[:, None, 1], others[None, :, 1])
    return np.sum(np.clip(ox, 0, None) * np.clip(oy, 0, None), axis=1).tolist()


SMALL = 8  # below this many boxes, numpy adds a sum in the same order as a plain loop (checked): no numpy call


def overlap_area(box: tuple[float, ...], others: np.ndarray, plain: list[tuple[float, ...]] | None = None) -> float:
    """`_overlap`, computed without numpy's per-call cost when `others` holds few boxes (the same result:
    the same products, summed in the same order). `plain` is `others` as a list of tuples, if at hand."""
    if len(others) >= SMALL:
        return _overlap(box, others)
    total = 0.0
    for o in (plain if plain is not None else others.tolist()):
        ox = min(box[2], o[2]) - max(box[0], o[0])
        oy = min(box[3], o[3]) - max(box[1], o[1])
        total += max(ox, 0.0) * max(oy, 0.0)
    return total


def clip_parameters(starts: np.ndarray, deltas: np.ndarray,
                    box: tuple[float, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Liang-Barsky for k segments at once (start + t × delta, t in [0, 1]) against the box (x0, y0,
    x1, y1): the part inside is t in [lo, hi], none where lo > hi."""
    x0, y0 = starts[:, 0], starts[:, 1]
    dx, dy = deltas[:, 0], deltas[:, 1]
    lo = np.zeros(len(starts))
    hi = np.ones(len(starts))
    for p, q in ((-dx, x0 - box[0]), (dx, box[2] - x0), (-dy, y0 - box[1]), (dy, box[3] - y0)):
        parallel = p == 0
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(parallel, 0.0, q / np.where(parallel, 1.0, p))
        lo = np.where(~parallel & (p < 0), np.maximum(lo, t), lo)
        hi = np.where(~parallel & (p > 0), np.minimum(hi, t), hi)
        hi = np.where(parallel & (q < 0), -1.0, hi)
    return lo, hi


def path_segments(paths: Iterable[Any], transform: Any, near: Bbox | None = None) -> np.ndarray:
    """The straight segments of paths (outlines), in display pixels, those near `near` only: what a
    label should not cross."""
    out = []
    for path in paths:
        for polygon in path.transformed(transform).to_polygons(closed_only=False):
            if len(polygon) > 1:
                out.append(np.hstack([polygon[:-1], polygon[1:]]))
    if not out:
        return np.zeros((0, 4))
    segments = np.vstack(out)
    if near is not None:
        keep = ((np.maximum(segments[:, 0], segments[:, 2]) >= near.x0)
                & (np.minimum(segments[:, 0], segments[:, 2]) <= near.x1)
                & (np.maximum(segments[:, 1], segments[:, 3]) >= near.y0)
                & (np.minimum(segments[:, 1], segments[:, 3]) <= near.y1))
        segments = segments[keep]
    return segments


CROSSING_COST = 60.0  # px² a crossed boundary segment counts for: less than covering a label, more than none


def place_labels(fig: Figure, labels: list[Annotation], points: list[Bbox], area: Bbox, gap: float,
                 order: list[int] | None = None, pad: float = 2.0, lines: np.ndarray | None = None) -> list[Bbox]:
    """Put each label beside its point where it covers no other label and no point, inside `area`.

    `labels[i]` names the point whose box (display pixels) is `points[i]`; its offset direction on
    entry (see `away_from`) is the side it prefers. Labels are measured once with the Agg renderer,
    then placed one by one (in `order`, the most constrained first): the first free spot among
    directions closest to the preferred side, nearest reach first, wins; when none is free, the
    least covered one. Plain arithmetic in a fixed order: the same labels always land in the same
    place. Returns the final boxes (without padding); `gap` is the nearest reach, in points.
    `lines` (k×4 segments in display pixels, see `path_segments`) are boundaries a label should not cross.
    """
    if not labels:
        return []
    sizes = [(b.width, b.height) for b in label_boxes(fig, labels)]
    dots = np.array([b.extents for b in points])
    px_per_pt = fig.dpi / 72
    crossings = Crossings(lines) if lines is not None else None  # the boundaries' extents, once
    placed: list[tuple[float, ...]] = []
    for i in order if order is not None else range(len(labels)):
        label, (w, h) = labels[i], sizes[i]
        cx, cy = (points[i].x0 + points[i].x1) / 2, (points[i].y0 + points[i].y1) / 2
        ox, oy = label.xyann
        preferred = math.atan2(oy, ox) if (ox, oy) != (0, 0) else 0.0
        turns = sorted(range(LABEL_DIRECTIONS), key=lambda k: (min(k, LABEL_DIRECTIONS - k), k))
        best: tuple[float, float, float, float, tuple[float, ...]] | None = None
        for reach in LABEL_REACH:
            for k in turns:
                angle = preferred + 2 * math.pi * k / LABEL_DIRECTIONS
                ux, uy = round(math.cos(angle), 6), round(math.sin(angle), 6)
                x0, y0, x1, y1 = _box_at(cx, cy, ux, uy, gap * reach * px_per_pt, w, h)
                box = (x0 - pad, y0 - pad, x1 + pad, y1 + pad)
                outside = (max(area.x0 - box[0], 0) + max(box[2] - area.x1, 0)
                           + max(area.y0 - box[1], 0) + max(box[3] - area.y1, 0))
                covered = _overlap(box, np.array(placed)) + _overlap(box, dots) + outside * 1000
                if crossings is not None and (best is None or covered < best[0]):
                    covered += CROSSING_COST * crossings.count(box)
                if best is None or covered < best[0]:
                    best = (covered, ux, uy, reach, box)
                if covered == 0:
                    break
            if best is not None and best[0] == 0:
                break
        assert best is not None
        _, ux, uy, reach, box = best
        placed.append(box)
        label.xyann = (round(gap * reach * ux, 2), round(gap * reach * uy, 2))
        label.set_horizontalalignment("left" if ux > 0.38 else "right" if ux < -0.38 else "center")
        label.set_verticalalignment("bottom" if uy > 0.38 else "top" if uy < -0.38 else "center")
    return label_boxes(fig, labels)
