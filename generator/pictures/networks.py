"""The partnership networks written as SVG text: a seeded layout, nodes shaped as their legend, labels apart.

No plotting library: matplotlib took about 90 ms a network (its figure 37 %, measuring and placing
the labels through its renderer 37 %, writing the SVG 21 %, the layout 5 %); here the labels are
measured with the font's own metrics (pictures.svg) and placed on plain boxes (pictures.network_labels),
the layout is networkx's in numpy (pictures.network_layout): a few milliseconds a picture. Nodes are
pushed apart where the layout piled them, a crowded network is drawn larger, the picture is cut to
what it draws. The drawing writes only hub and territory names (and counts): its legend is HTML beside
it (pictures.legend), so the English edition shares the French file. Every name is XML-escaped text:
a sheet's name never becomes markup.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from generator import formats
from generator.pictures.labels import CROSSING_COST, Crossings
from generator.pictures.legend import _NODES
from generator.pictures.network_labels import place
from generator.pictures.network_layout import LARGE_NETWORK, NETWORK_SEED, network_layout
from generator.pictures.spec import INK, MUTED, OKABE_ITO, PAPER, shorten, wrap_label
from generator.pictures.svg import svg_document, svg_text, text_width

__all__ = ["LARGE_NETWORK", "NETWORK_SEED", "draw_network", "draw_network_groups", "grouped_network_drawing",
           "network_drawing", "network_layout"]

LABEL_SIZE = 7.0  # pt: the names' size (9.3 px at the picture's natural width, as the matplotlib one)
LINE_HEIGHT = 1.2  # of a label's line, in font sizes
LABEL_PAD = 0.08  # of the font size, around a label's lines inside its box
LABEL_GAP = 7.0  # pt between a node and its label
NODE_RADIUS = 4.75  # pt: a node's symbol (a circle's radius; other shapes reach about as far), 71 pt² as before
POLYGON_SCALE = {"s": 1.0}  # the other shapes reach their corners only: larger, to weigh about as a circle
EDGE_WIDTH = 0.9  # pt: a partnership's line
PAIR_WIDTH = 236.0  # pt (315 px): a network of two hubs, narrower than a phone's 320 px of text
NODE_EDGE = 1.2  # pt: a node's outline
DENSE_CROSSING = 15.0  # pt²: what crossing a line costs a label of a network counted between territories
APART = 3.0  # pt between two nodes' symbols at least (as far as a few rounds of pushing get)
APART_ROUNDS = 30
CROWDED = 40  # hubs: a network of more is drawn larger, as much room per name as this many had
MARGIN = 4.0  # pt around what the picture draws
MOVED = 2.2  # a label placed farther than this many gaps from its node gets a thin line to it
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in pt, y downwards


@dataclass
class NetworkDrawing:
    """A network laid out and labelled, in pt (y downwards), before it is written: what tests measure."""

    width: float
    height: float
    body: list[str] = field(default_factory=list)
    labels: list[tuple[str, Box]] = field(default_factory=list)  # each label's lines (joined by \n) and box
    nodes: list[Box] = field(default_factory=list)  # each node's box, in the order of the data's nodes

    def svg(self) -> bytes:
        return svg_document(self.width, self.height, self.body, unit="pt")


def _frame(positions: list[tuple[float, float]], width: float, height: float
           ) -> tuple[list[tuple[float, float]], Box]:
    """The nodes in pt inside the picture's area, with room beside the outer ones for their labels
    (they sit on the outside): the span of the nodes plus 38 % on each side across, 16 % up and down."""
    area = (0.02 * width, 0.02 * height, 0.98 * width, 0.98 * height)
    xs, ys = [p[0] for p in positions], [p[1] for p in positions]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    left, right = min(xs) - 0.38 * span_x, max(xs) + 0.38 * span_x
    bottom, top = min(ys) - 0.16 * span_y, max(ys) + 0.16 * span_y
    sx, sy = (area[2] - area[0]) / (right - left), (area[3] - area[1]) / (top - bottom)
    return [(area[0] + (x - left) * sx, area[1] + (top - y) * sy) for x, y in positions], area


def _apart(points: list[tuple[float, float]], radii: list[float]) -> list[tuple[float, float]]:
    """The nodes moved just apart where the layout put them on each other (a spring layout packs each
    cluster of a network in pieces far apart, its nodes touching): each pair closer than its radii
    and APART pushed away from each other by half the lack, a few rounds, in a fixed order."""
    xy = np.array(points, dtype=float).reshape(-1, 2)
    reach = np.array(radii)[:, None] + np.array(radii)[None, :] + APART
    for _ in range(APART_ROUNDS):
        delta = xy[:, None, :] - xy[None, :, :]
        distance = np.sqrt((delta * delta).sum(axis=2))
        np.fill_diagonal(distance, np.inf)
        lack = np.where(distance < reach, (reach - distance) / 2, 0.0)
        if not lack.any():
            break
        xy += (delta * (lack / np.maximum(distance, 1e-9))[:, :, None]).sum(axis=1)
    return [(float(x), float(y)) for x, y in xy]


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _node(marker: str, x: float, y: float, colour: str, hollow: bool, r: float = NODE_RADIUS) -> str:
    """A node as its legend draws it (legend._NODES, atlas.css `.atlas-sym`): its type's colour with a
    dark edge, or (a partner from elsewhere) white inside with the grey edge of the legend's ring, in its
    type's shape: an edge in the type's own colour fell under 3:1 on white for the light ones (WCAG
    1.4.11: sky blue 2.2:1, yellow 1.2:1)."""
    fill, stroke = (PAPER, MUTED) if hollow else (colour, INK)
    paint = f'fill="{fill}" stroke="{stroke}"'
    if marker not in _NODES:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{_number(r)}" {paint}/>'
    r *= POLYGON_SCALE.get(marker, 1.2)
    corners = "L".join(f"{x + r * cx:.1f} {y + r * cy:.1f}" for cx, cy in _NODES[marker])
    return f'<path d="M{corners}z" {paint}/>'


@functools.lru_cache(maxsize=16384)
def _wrapped(label: str) -> tuple[str, ...]:
    """A name on up to three short lines (spec.wrap_label): a hub is named in its territory's network and
    in its neighbours' and ancestors' (textwrap took a tenth of a network's time)."""
    return tuple(wrap_label(label).split("\n"))


def _label_size(lines: tuple[str, ...]) -> tuple[float, float]:
    pad = 2 * LABEL_PAD * LABEL_SIZE
    return (max(text_width(line, LABEL_SIZE) for line in lines) + pad,
            len(lines) * LABEL_SIZE * LINE_HEIGHT + pad)


def _place_labels(texts: list[tuple[str, ...]], points: list[tuple[float, float]], radii: list[float],
                  order: list[int], area: Box, segments: np.ndarray, crossing: float) -> list[tuple[Box, float]]:
    """Each label beside its node on the side away from the picture's centre, then moved to the
    nearest spot where it covers no other label nor node, inside the picture, crossing as few lines
    as it can (the busiest nodes placed first): see network_labels. Each box and its reach (in gaps)."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    return place([_label_size(lines) for lines in texts], points,
                 [math.atan2(y - cy, x - cx) if (x, y) != (cx, cy) else 0.0 for x, y in points],
                 order, area, LABEL_GAP, _dots(points, radii), segments, [r - NODE_RADIUS for r in radii], crossing)


def _dots(points: list[tuple[float, float]], radii: list[float]) -> list[Box]:
    return [(x - r - 1, y - r - 1, x + r + 1, y + r + 1) for (x, y), r in zip(points, radii, strict=True)]


def _cropped(points: list[tuple[float, float]], radii: list[float], placed: list[tuple[Box, float]],
             segments: np.ndarray) -> tuple[NetworkDrawing, list[tuple[float, float]], list[tuple[Box, float]],
                                             np.ndarray]:
    """The picture cut to what it draws (nodes and labels, and a margin): the room kept for labels on
    the outside is empty where none went, and a phone scrolls less. The points, boxes and lines moved
    by as much."""
    boxes = [box for box, _ in placed] + _dots(points, radii)
    left, top = min(b[0] for b in boxes) - MARGIN, min(b[1] for b in boxes) - MARGIN
    right, bottom = max(b[2] for b in boxes) + MARGIN, max(b[3] for b in boxes) + MARGIN
    moved = [((x0 - left, y0 - top, x1 - left, y1 - top), reach) for (x0, y0, x1, y1), reach in placed]
    return (NetworkDrawing(round(right - left, 1), round(bottom - top, 1)), [(x - left, y - top) for x, y in points],
            moved, segments - np.array([left, top, left, top]))


def _labels(drawing: NetworkDrawing, texts: list[tuple[str, ...]], points: list[tuple[float, float]],
            radii: list[float], placed: list[tuple[Box, float]], segments: np.ndarray) -> tuple[list[str], list[str]]:
    """The placed labels written: a label that crosses a line has a light white box under it, one moved
    far a thin line to its node. Returns what is drawn under the nodes (the thin lines, the white boxes:
    a crowded label's box never fades a node) and the labels' text; the boxes are kept in
    drawing.labels and drawing.nodes."""
    crossings = Crossings(segments)
    leaders, halos, texts_out = [], [], []
    pad = LABEL_PAD * LABEL_SIZE
    for lines, (x, y), ((x0, y0, x1, y1), reach) in zip(texts, points, placed, strict=True):
        if reach > MOVED:
            ex, ey = min(max(x, x0), x1), min(max(y, y0), y1)
            leaders.append(f"M{x:.1f} {y:.1f}L{ex:.1f} {ey:.1f}")
        if crossings.count((x0, y0, x1, y1)):
            halos.append(f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" height="{y1 - y0:.1f}" '
                         f'fill="{PAPER}" fill-opacity="0.8"/>')
        if x0 >= x:
            at, anchor = x0 + pad, "start"
        elif x1 <= x:
            at, anchor = x1 - pad, "end"
        else:
            at, anchor = (x0 + x1) / 2, "middle"
        texts_out += [svg_text(at, y0 + pad + LABEL_SIZE * (0.95 + n * LINE_HEIGHT), line, LABEL_SIZE, anchor)
                      for n, line in enumerate(lines)]
        drawing.labels.append(("\n".join(lines), (x0, y0, x1, y1)))
    drawing.nodes = _dots(points, radii)
    leader = [f'<path d="{"".join(leaders)}" stroke="{MUTED}" stroke-width="0.5" fill="none"/>'] if leaders else []
    return leader + halos, texts_out


def _laid_out(ids: list[str], edges: list[list[Any]], width: float, height: float, radii: list[float]
              ) -> tuple[list[tuple[float, float]], Box, np.ndarray]:
    """The nodes' points in a picture of width × height pt, apart, the area the labels may use, the edges'
    segments."""
    layout = network_layout(ids, [e[:2] for e in edges])
    points, area = _frame([layout[i] for i in ids], width, height)
    points = _apart(points, radii)
    at = dict(zip(ids, points, strict=True))
    return points, area, np.array([(*at[e[0]], *at[e[1]]) for e in edges]).reshape(-1, 4)


def network_drawing(data: dict[str, Any]) -> NetworkDrawing:
    """Hubs shaped and coloured by their first type, partners from elsewhere hollow, partnerships as
    lines, every hub's name (wrapped, shortened past 60 characters) placed apart."""
    nodes = data["nodes"]
    ids = [n["id"] for n in nodes]
    # pt: the 6.4 or 8 in picture the matplotlib one was; smaller for a few hubs, which it spread over
    # 600 px (two hubs at opposite corners), larger past CROWDED hubs, whose names overlapped on 768 px;
    # two hubs (a line and two names) fit a phone's 320 px, so that its page does not scroll it sideways
    n = len(nodes)
    width = (PAIR_WIDTH if n <= 2 else min(240.0 + 50.0 * n, 460.8) if n <= 25
             else round(576.0 * max(1.0, (n / CROWDED) ** 0.5), 1))
    radii = [NODE_RADIUS] * len(nodes)
    points, area, segments = _laid_out(ids, data["edges"], width, width * 0.8, radii)
    degree = Counter(h for edge in data["edges"] for h in edge)
    order = sorted(range(len(nodes)), key=lambda i: (-degree[ids[i]], i))  # the busiest first
    texts = [_wrapped(shorten(n["label"], 60)) for n in nodes]
    placed = _place_labels(texts, points, radii, order, area, segments, CROSSING_COST)
    drawing, points, placed, segments = _cropped(points, radii, placed, segments)
    lines = "".join(f"M{x0:.1f} {y0:.1f}L{x1:.1f} {y1:.1f}" for x0, y0, x1, y1 in segments.tolist())
    if lines:
        drawing.body.append(f'<path d="{lines}" stroke="{MUTED}" stroke-width="{EDGE_WIDTH}" fill="none"/>')
    under, labels = _labels(drawing, texts, points, radii, placed, segments)
    shapes = "".join(_node(n["marker"], x, y, n["colour"], n["outside"])
                     for n, (x, y) in zip(nodes, points, strict=True))
    drawing.body += [*under, f'<g stroke-width="{NODE_EDGE}">{shapes}</g>', *labels]
    return drawing


def draw_network(data: dict[str, Any]) -> bytes:
    """The network of a territory or of the atlas (see `network_drawing`), as SVG text in pt."""
    return network_drawing(data).svg()


def grouped_network_drawing(data: dict[str, Any]) -> NetworkDrawing:
    """Territories as discs (area by their number of linked hubs) joined by lines as thick as their
    partnerships are many; partners' régions hollow; labels `name (count)` placed apart."""
    nodes = data["nodes"]
    ids = [n["id"] for n in nodes]
    biggest = max(n["hubs"] for n in nodes)
    radii = [(40 + 400 * n["hubs"] / biggest) ** 0.5 / 2 for n in nodes]  # area as the matplotlib disc's, pt²
    points, area, segments = _laid_out(ids, data["edges"], 576.0, 460.8, radii)
    order = sorted(range(len(nodes)), key=lambda i: (-nodes[i]["hubs"], i))
    texts = [_wrapped(f"{shorten(n['label'], 40)} ({formats.number(n['hubs'], lang=data['lang'])})") for n in nodes]
    # its lines are many and thick: a label crosses a few, under its white box, rather than go far
    placed = _place_labels(texts, points, radii, order, area, segments, DENSE_CROSSING)
    drawing, points, placed, segments = _cropped(points, radii, placed, segments)
    most = max((e[2] for e in data["edges"]), default=1)
    for (x0, y0, x1, y1), (_, _, n) in zip(segments.tolist(), data["edges"], strict=True):
        drawing.body.append(f'<path d="M{x0:.1f} {y0:.1f}L{x1:.1f} {y1:.1f}" stroke="{MUTED}" '
                            f'stroke-width="{_number(0.5 + 4.5 * (n / most) ** 0.5)}" stroke-linecap="round"/>')
    under, labels = _labels(drawing, texts, points, radii, placed, segments)
    discs = "".join(_node("o", x, y, OKABE_ITO[0], n["outside"], r)
                    for n, (x, y), r in zip(nodes, points, radii, strict=True))
    drawing.body += [*under, f'<g stroke-width="{NODE_EDGE}">{discs}</g>', *labels]
    return drawing


def draw_network_groups(data: dict[str, Any]) -> bytes:
    """The network counted between territories (see network_specs.grouped_network_spec), as SVG text."""
    return grouped_network_drawing(data).svg()
