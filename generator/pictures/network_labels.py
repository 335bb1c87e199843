"""Where a network's labels go: beside their node, apart from each other, inside the picture.

Close to the rule of labels.place_labels and of the locators' names (locator_kit._place_boxes): a
label tries LABEL_DIRECTIONS directions, nearest to the side it prefers first, at each reach of
LABEL_REACH in turn, and takes the least costly spot, the first tried among equals. Covering another
label or a node costs COVERING and the area covered (padding included), leaving the picture a
thousand times the length outside, each line crossed CROSSING_COST (or less), each gap of reach REACH_COST: in
a dense network a label stays near its node over a line or two rather than far away (the locators'
rule took the first spot crossing nothing, however far). Every spot of a label is measured at once
(144 boxes against the nearby labels, nodes and lines, in numpy), and a label does not count its own
node, which the gap already keeps clear: a network of 13 hubs is placed in about 1 ms instead of 10.
Plain arithmetic in a fixed order: the same network always gets the same labels.
"""

from __future__ import annotations

import math

import numpy as np

from generator.pictures.labels import CROSSING_COST, LABEL_DIRECTIONS, LABEL_REACH, Crossings

Box = tuple[float, float, float, float]  # x0, y0, x1, y1, y downwards
PAD = 1.5  # around a placed label: the next one keeps this far
COVERING = 1000.0  # what a spot that covers another label or a node costs, over the area it covers
REACH_COST = 40.0  # pt² a spot costs per gap farther than the nearest: a label crosses a line or two
# (under a white box) rather than leave its node for the far side of a dense network


# the directions tried, nearest to the preferred side first (as labels.place_labels), then the reaches:
# spot i is direction i % LABEL_DIRECTIONS at reach i // LABEL_DIRECTIONS
_TURNS = np.tile(np.array(sorted(range(LABEL_DIRECTIONS), key=lambda k: (min(k, LABEL_DIRECTIONS - k), k)))
                 * (2 * math.pi / LABEL_DIRECTIONS), len(LABEL_REACH))
_REACH = np.repeat(np.array(LABEL_REACH), LABEL_DIRECTIONS)
_PADDING = np.array([-PAD, -PAD, PAD, PAD])


def _offsets(preferred: float) -> tuple[np.ndarray, np.ndarray]:
    """The unit vectors of the spots tried, for a label that prefers the direction `preferred`."""
    angles = preferred + _TURNS
    return np.round(np.cos(angles), 6), np.round(np.sin(angles), 6)


def _covered(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """The area of each of `boxes` (n×4) covered by `others` (k×4), summed."""
    if not len(others):
        return np.zeros(len(boxes))
    ox = np.minimum(boxes[:, None, 2], others[None, :, 2]) - np.maximum(boxes[:, None, 0], others[None, :, 0])
    oy = np.minimum(boxes[:, None, 3], others[None, :, 3]) - np.maximum(boxes[:, None, 1], others[None, :, 1])
    return (np.maximum(ox, 0.0) * np.maximum(oy, 0.0)).sum(axis=1)


def _near(boxes: np.ndarray, x: float, y: float, reach: float) -> np.ndarray:
    """The boxes (or segments, k×4) within `reach` of (x, y) on both axes: the only ones a spot can meet."""
    if not len(boxes):
        return boxes
    keep = ((np.maximum(boxes[:, 0], boxes[:, 2]) >= x - reach) & (np.minimum(boxes[:, 0], boxes[:, 2]) <= x + reach)
            & (np.maximum(boxes[:, 1], boxes[:, 3]) >= y - reach) & (np.minimum(boxes[:, 1], boxes[:, 3]) <= y + reach))
    return boxes[keep]


def _costs(boxes: np.ndarray, reach: np.ndarray, labels: np.ndarray, nodes: np.ndarray,
           crossings: Crossings | None, area: Box, crossing: float) -> np.ndarray:
    """What each spot (its box, unpadded, and reach) costs: see the module's docstring."""
    padded = boxes + _PADDING
    cost = _covered(padded, labels) + _covered(padded, nodes) + REACH_COST * (reach - 1)
    cost += COVERING * ((_covered(boxes, labels - _PADDING) > 0) | (_covered(boxes, nodes) > 0))
    cost += 1000 * (np.maximum(area[0] - boxes[:, 0], 0) + np.maximum(boxes[:, 2] - area[2], 0)
                    + np.maximum(area[1] - boxes[:, 1], 0) + np.maximum(boxes[:, 3] - area[3], 0))
    if crossings is not None:
        cost += crossing * np.array(crossings.count_many(padded))
    return cost


def place(sizes: list[tuple[float, float]], centres: list[tuple[float, float]], preferred: list[float],
          order: list[int], area: Box, gap: float, dots: list[Box], segments: np.ndarray,
          clearance: list[float] | None = None, crossing: float = CROSSING_COST) -> list[tuple[Box, float]]:
    """Each label (w × h) beside its centre, placed in `order` (the most constrained first); `dots[i]` is
    label i's node, which the other labels avoid; `segments` (k×4) the lines a label should not cross,
    each costing `crossing`; `clearance[i]` is added to every reach of label i (a node larger than
    the others). Returns, in the labels' own order, each box (without its padding) and its reach
    (in gaps, clearance left out).

    The nearest reach's spots are costed first: when one of them costs nothing it is the answer (no
    spot costs less, and it comes first), as for most labels; otherwise all 144 are."""
    dot_array = np.array(dots, dtype=float).reshape(-1, 4)
    placed = np.zeros((0, 4))  # the labels placed so far, padded
    out: dict[int, tuple[Box, float]] = {}
    for i in order:
        (w, h), (cx, cy) = sizes[i], centres[i]
        ux, uy = _offsets(preferred[i])
        distance = gap * _REACH + (clearance[i] if clearance is not None else 0.0)
        ax, ay = cx + distance * ux, cy + distance * uy
        x0 = np.where(ux > 0.38, ax, np.where(ux < -0.38, ax - w, ax - w / 2))
        y0 = np.where(uy > 0.38, ay, np.where(uy < -0.38, ay - h, ay - h / 2))
        boxes = np.stack([x0, y0, x0 + w, y0 + h], axis=1)
        far = gap * LABEL_REACH[-1] + w + h + 2 * PAD  # no spot goes further: what lies beyond is left out
        labels = _near(placed, cx, cy, far)
        nodes = _near(np.delete(dot_array, i, axis=0), cx, cy, far)
        lines = _near(segments, cx, cy, far)
        crossings = Crossings(lines) if len(lines) else None
        first = _costs(boxes[:LABEL_DIRECTIONS], _REACH[:LABEL_DIRECTIONS], labels, nodes, crossings, area, crossing)
        best = int(np.argmin(first))  # the first of the least costly, in the order tried
        if first[best] > 0:
            best = int(np.argmin(_costs(boxes, _REACH, labels, nodes, crossings, area, crossing)))
        out[i] = (tuple(float(v) for v in boxes[best]), float(_REACH[best]))
        placed = np.vstack([placed, boxes[best] + _PADDING])
    return [out[i] for i in range(len(sizes))]
