"""The partnership networks drawn through matplotlib: a seeded layout, labels placed apart."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import matplotlib
import networkx as nx
from matplotlib.figure import Figure
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox

from generator import formats
from generator.pictures.labels import away_from, place_labels
from generator.pictures.mpl import TEXT_AS_TEXT, new_figure, svg_bytes
from generator.pictures.spec import INK, MUTED, OKABE_ITO, shorten, wrap_label

NETWORK_SEED = 20240611
LARGE_NETWORK = 500  # from this size networkx's spring layout needs scipy, which is not a dependency


def network_layout(nodes: list[str], edges: list[list[str]]) -> dict[str, tuple[float, float]]:
    """Seeded spring layout: the same graph always gets the same picture.

    From LARGE_NETWORK nodes networkx switches to a solver that imports scipy (a national network
    crashed the build with ModuleNotFoundError): larger graphs get the same force model here, in
    numpy, with the pairwise forces computed a block of rows at a time so memory stays bounded.
    """
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(tuple(e) for e in edges)
    k = 1.6 / max(len(nodes), 1) ** 0.5
    if len(graph) >= LARGE_NETWORK:
        positions = _force_layout(list(graph), list(graph.edges()), k)
    else:
        positions = nx.spring_layout(graph, seed=NETWORK_SEED, k=k, iterations=100)
    return {n: (round(float(x), 4), round(float(y), 4)) for n, (x, y) in positions.items()}


def _force_layout(nodes: list[str], edges: list[tuple[str, str]], k: float,
                  iterations: int = 50) -> dict[str, tuple[float, float]]:
    """Fruchterman-Reingold (repulsion k²/d, attraction d²/k, cooling step) in numpy, seeded,
    scaled to [-1, 1] around the centre like networkx's layouts."""
    import numpy as np

    n = len(nodes)
    index = {node: i for i, node in enumerate(nodes)}
    pos = np.random.RandomState(NETWORK_SEED).rand(n, 2)
    src = np.array([index[a] for a, _ in edges], dtype=np.intp)
    dst = np.array([index[b] for _, b in edges], dtype=np.intp)
    step = 0.1 * float(max(np.ptp(pos, axis=0).max(), 1e-9))
    cooling = step / (iterations + 1)
    block = max(1, 2_000_000 // n)  # rows of the pairwise arrays at a time: about 16 MB each
    for _ in range(iterations):
        disp = np.zeros((n, 2))
        x, y = pos[:, 0], pos[:, 1]
        for start in range(0, n, block):
            dx = x[start:start + block, None] - x[None, :]
            dy = y[start:start + block, None] - y[None, :]
            push = k * k / np.maximum(dx * dx + dy * dy, 1e-6)
            disp[start:start + block, 0] = (dx * push).sum(axis=1)
            disp[start:start + block, 1] = (dy * push).sum(axis=1)
        if len(src):
            delta = pos[src] - pos[dst]
            pull = delta * (np.sqrt((delta ** 2).sum(axis=1)) / k)[:, None]
            np.add.at(disp, src, -pull)
            np.add.at(disp, dst, pull)
        length = np.maximum(np.sqrt((disp ** 2).sum(axis=1)), 0.01)
        pos += disp * (np.minimum(length, step) / length)[:, None]
        step -= cooling
    pos -= pos.mean(axis=0)
    scale = float(np.abs(pos).max()) or 1.0
    pos /= scale
    return {node: (float(pos[i, 0]), float(pos[i, 1])) for node, i in index.items()}


NETWORK_MARKER = 90  # marker area in points²
LABEL_GAP = 7.0  # points between a node and its label


def _fit_nodes(ax: Any, positions: dict, nodes: list[dict]) -> tuple[list[float], list[float]]:
    """Axes around the nodes with room beside the outer ones for their labels, which sit on the outside."""
    xs = [positions[n["id"]][0] for n in nodes]
    ys = [positions[n["id"]][1] for n in nodes]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    ax.set_xlim(min(xs) - 0.38 * span_x, max(xs) + 0.38 * span_x)
    ax.set_ylim(min(ys) - 0.16 * span_y, max(ys) + 0.16 * span_y)
    ax.set_axis_off()
    return xs, ys


def network_figure(data: dict[str, Any]) -> tuple[Figure, list[Annotation]]:
    """The network drawn, with its labels placed apart; the labels are returned for tests to measure.

    Labels are wrapped, set beside their node on the side away from the centre of the picture, then
    nudged apart (measured with the Agg renderer) so that no label covers another or another's node.
    """
    nodes = data["nodes"]
    positions = network_layout([n["id"] for n in nodes], data["edges"])
    size = 6.4 if len(nodes) <= 25 else 8.0
    fig = new_figure(size, size * 0.8)
    ax = fig.add_axes((0.02, 0.02, 0.96, 0.96))  # its legend is written beside it (generator.pictures.legend)
    for a, b in data["edges"]:
        (x1, y1), (x2, y2) = positions[a], positions[b]
        ax.plot([x1, x2], [y1, y2], color=MUTED, linewidth=0.9, zorder=1)
    xs, ys = _fit_nodes(ax, positions, nodes)
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    labels: list[Annotation] = []
    for node in nodes:
        x, y = positions[node["id"]]
        ax.scatter([x], [y], s=NETWORK_MARKER, marker=node["marker"], zorder=2, linewidths=1.2,
                   facecolors="white" if node["outside"] else node["colour"],
                   edgecolors=node["colour"] if node["outside"] else INK)
        labels.append(ax.annotate(wrap_label(shorten(node["label"], 60)), (x, y), textcoords="offset points",
                                  fontsize=7, color=INK, zorder=3, linespacing=1.1,
                                  **away_from(x, y, cx, cy, LABEL_GAP)))
    radius = NETWORK_MARKER ** 0.5 / 2 * fig.dpi / 72 + 1  # marker half-width in pixels
    points = []
    for node in nodes:
        px, py = ax.transData.transform(positions[node["id"]])
        points.append(Bbox.from_extents(px - radius, py - radius, px + radius, py + radius))
    degree = Counter(h for edge in data["edges"] for h in edge)
    order = sorted(range(len(nodes)), key=lambda i: (-degree[nodes[i]["id"]], i))  # the busiest first
    boxes = place_labels(fig, labels, points, ax.bbox, LABEL_GAP, order)
    to_data = ax.transData.inverted()
    for label, box, point in zip(labels, boxes, points, strict=False):
        if math.hypot(*label.xyann) > 2.2 * LABEL_GAP:  # nudged far: a thin line says whose label it is
            px, py = point.x0 + radius, point.y0 + radius
            end = (min(max(px, box.x0), box.x1), min(max(py, box.y0), box.y1))
            (x1, y1), (x2, y2) = to_data.transform([(px, py), end])
            ax.plot([x1, x2], [y1, y2], color=MUTED, linewidth=0.5, linestyle=":", zorder=1)
    return fig, labels


def draw_network(data: dict[str, Any]) -> bytes:
    """Nodes coloured and shaped by their first type, labelled apart; partners from elsewhere drawn hollow.
    Its words are written as text (a network is only on the site: 10 KB instead of 40 for a dozen hubs)."""
    with matplotlib.rc_context(TEXT_AS_TEXT):
        return svg_bytes(network_figure(data)[0])


def grouped_network_figure(data: dict[str, Any]) -> tuple[Figure, list[Annotation]]:
    """Territories as discs (area by their number of linked hubs) joined by lines as thick as their
    partnerships are many; labels placed apart as in `network_figure`."""
    nodes = data["nodes"]
    positions = network_layout([n["id"] for n in nodes], [e[:2] for e in data["edges"]])
    fig = new_figure(8.0, 6.4)
    ax = fig.add_axes((0.02, 0.02, 0.96, 0.96))
    most = max((e[2] for e in data["edges"]), default=1)
    for a, b, n in data["edges"]:
        (x1, y1), (x2, y2) = positions[a], positions[b]
        ax.plot([x1, x2], [y1, y2], color=MUTED, linewidth=0.5 + 4.5 * (n / most) ** 0.5, zorder=1,
                solid_capstyle="round")
    xs, ys = _fit_nodes(ax, positions, nodes)
    biggest = max(n["hubs"] for n in nodes)
    areas = [40 + 400 * n["hubs"] / biggest for n in nodes]
    ax.scatter(xs, ys, s=areas, zorder=2, linewidths=1.2,
               facecolors=["white" if n["outside"] else OKABE_ITO[0] for n in nodes],
               edgecolors=[OKABE_ITO[0] if n["outside"] else INK for n in nodes])
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    labels = [ax.annotate(wrap_label(f"{shorten(n['label'], 40)} ({formats.number(n['hubs'], lang=data['lang'])})"),
                          (x, y),
                          textcoords="offset points", fontsize=7, color=INK, zorder=3, linespacing=1.1,
                          **away_from(x, y, cx, cy, LABEL_GAP))
              for n, x, y in zip(nodes, xs, ys, strict=False)]
    points = []
    for (x, y), area in zip(zip(xs, ys, strict=False), areas, strict=False):
        px, py = ax.transData.transform((x, y))
        radius = area ** 0.5 / 2 * fig.dpi / 72 + 1
        points.append(Bbox.from_extents(px - radius, py - radius, px + radius, py + radius))
    order = sorted(range(len(nodes)), key=lambda i: (-nodes[i]["hubs"], i))
    place_labels(fig, labels, points, ax.bbox, LABEL_GAP, order)
    return fig, labels


def draw_network_groups(data: dict[str, Any]) -> bytes:
    """The network counted between territories (see `grouped_network_spec`), its words as text."""
    with matplotlib.rc_context(TEXT_AS_TEXT):
        return svg_bytes(grouped_network_figure(data)[0])
