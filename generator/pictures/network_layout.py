"""Where a network's nodes go: a seeded force-directed layout in numpy, no graph library.

The same graph always gets the same positions (the pictures' bytes depend on them). Below
LARGE_NETWORK nodes it is networkx's `spring_layout` (Fruchterman-Reingold, 100 iterations, the same
seed and the same forces: the same positions to the 4 decimals kept in all but a few large graphs)
written on complex numbers instead of a 3-D array: 2-3 times faster on the networks' sizes, and
networkx (0.45 s to import) is no longer needed to draw them. From LARGE_NETWORK nodes the pairwise arrays are
computed a block of rows at a time (networkx switches there to a solver that needs scipy, which is
not a dependency: a national network crashed the build with ModuleNotFoundError).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

NETWORK_SEED = 20240611
LARGE_NETWORK = 500  # from this size the layout works by blocks of rows (memory), with fewer iterations
ITERATIONS = 100  # networkx's spring_layout's count, which the pictures were drawn with
THRESHOLD = 1e-4  # networkx's: stop once the mean step per node is below it
PACK_FROM = 4  # from this many separate groups of hubs, each is laid out in a cell of a grid (see `_packed`)


def network_layout(nodes: list[str], edges: list[list[str]]) -> dict[str, tuple[float, float]]:
    """Seeded spring layout, in [-1, 1] around the centre: the same graph always gets the same picture.

    `nodes` in their order (the seed's random start is drawn in that order), then an edge's ends not
    among them; an edge to itself or repeated counts once, as in networkx's graphs. The last layouts are
    kept in memory: a hub renamed draws its networks again (their names) on the same graph, whose layout
    was most of a network's drawing (`atlas build --watch`)."""
    return dict(_kept_layout(tuple(nodes), tuple(tuple(edge[:2]) for edge in edges)))


@lru_cache(maxsize=64)
def _kept_layout(nodes: tuple[str, ...], edges: tuple[tuple[str, ...], ...]) -> dict[str, tuple[float, float]]:
    order = list(dict.fromkeys([*nodes, *(end for edge in edges for end in edge[:2])]))
    index = {node: i for i, node in enumerate(order)}
    pairs = sorted({(min(index[a], index[b]), max(index[a], index[b])) for a, b, *_ in edges if a != b})
    n = len(order)
    if n == 0:
        return {}
    if n == 1:
        return {order[0]: (0.0, 0.0)}
    k = 1.6 / n ** 0.5
    groups = _components(n, pairs) if n < LARGE_NETWORK else []
    if n >= LARGE_NETWORK:
        x, y = _force_layout(n, pairs, k)
    elif len(groups) >= PACK_FROM:
        x, y = _packed(n, groups, pairs)
    else:
        x, y = _spring_layout(n, pairs, k)
    return {node: (round(float(x[i]), 4), round(float(y[i]), 4)) for node, i in index.items()}


def _components(n: int, pairs: list[tuple[int, int]]) -> list[list[int]]:
    """The groups of nodes linked to each other, the largest first (then in the nodes' order)."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in pairs:
        parent[root(a)] = root(b)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    return sorted(groups.values(), key=lambda members: (-len(members), members[0]))


def _packed(n: int, groups: list[list[int]], pairs: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Many separate groups (the national network: pairs of places across France): each laid out alone by
    `_spring_layout`, in its own cell of a grid (4 by 5 for 20 groups), so that no two groups
    fall on each other, which one layout of them all let happen (two pairs overlapping, their names mixed)."""
    x, y = np.zeros(n), np.zeros(n)
    columns = max(1, math.ceil(math.sqrt(len(groups) / 1.25)))  # wide cells: the names go beside the hubs
    for g, members in enumerate(groups):
        if len(members) == 1:
            gx, gy = np.zeros(1), np.zeros(1)
        else:
            local = {node: i for i, node in enumerate(members)}
            inner = [(local[a], local[b]) for a, b in pairs if a in local]
            gx, gy = _spring_layout(len(members), inner, 1.6 / len(members) ** 0.5)
        column, row = g % columns, g // columns
        x[members] = column + 0.5 + 0.22 * gx  # a group takes under half its cell: its names fit the rest
        y[members] = row + 0.5 + 0.22 * gy
    return _scaled(x, y)


def _spring_layout(n: int, pairs: list[tuple[int, int]], k: float) -> tuple[np.ndarray, np.ndarray]:
    """Fruchterman-Reingold as networkx computes it for fewer than 500 nodes: repulsion k²/d, attraction
    d²/k along the edges, each node moving at most t, t cooling linearly from a tenth of the start's
    extent; then centred and scaled so that the farthest coordinate is 1. A position is one complex
    number (x + iy): half the array operations of a 2-D array, whose overhead is most of a small graph's
    time; the distances come out of `abs` (a hypot), so a coordinate may differ from networkx's in its
    last bits, and after 100 iterations by up to 0.002 in a few graphs of hundreds of nodes."""
    adjacency = np.zeros((n, n))
    for i, j in pairs:
        adjacency[i, j] = adjacency[j, i] = 1.0 / k
    start = np.random.RandomState(NETWORK_SEED).rand(n, 2)
    z = start[:, 0] + 1j * start[:, 1]
    t = max(np.ptp(start[:, 0]), np.ptp(start[:, 1])) * 0.1
    cooling = t / (ITERATIONS + 1)
    kk = k * k
    for _ in range(ITERATIONS):
        delta = z[:, None] - z[None, :]
        distance = np.abs(delta)
        np.maximum(distance, 0.01, out=distance)
        move = (delta * (kk / (distance * distance) - adjacency * distance)).sum(axis=1)
        length = np.abs(move)
        np.maximum(length, 0.01, out=length)
        move *= t / length
        z += move
        t -= cooling
        if np.sqrt((move.real * move.real + move.imag * move.imag).sum()) / n < THRESHOLD:
            break
    return _scaled(z.real.copy(), z.imag.copy())


def _force_layout(n: int, pairs: list[tuple[int, int]], k: float,
                  iterations: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """The same force model for large graphs, the pairwise forces a block of rows at a time so that
    memory stays bounded (about 16 MB an array), and edges as index arrays instead of a matrix."""
    pos = np.random.RandomState(NETWORK_SEED).rand(n, 2)
    src = np.array([a for a, _ in pairs], dtype=np.intp)
    dst = np.array([b for _, b in pairs], dtype=np.intp)
    step = 0.1 * float(max(np.ptp(pos, axis=0).max(), 1e-9))
    cooling = step / (iterations + 1)
    block = max(1, 2_000_000 // n)
    for _ in range(iterations):
        disp = np.zeros((n, 2))
        x, y = pos[:, 0], pos[:, 1]
        for first in range(0, n, block):
            dx = x[first:first + block, None] - x[None, :]
            dy = y[first:first + block, None] - y[None, :]
            push = k * k / np.maximum(dx * dx + dy * dy, 1e-6)
            disp[first:first + block, 0] = (dx * push).sum(axis=1)
            disp[first:first + block, 1] = (dy * push).sum(axis=1)
        if len(src):
            delta = pos[src] - pos[dst]
            pull = delta * (np.sqrt((delta ** 2).sum(axis=1)) / k)[:, None]
            np.add.at(disp, src, -pull)
            np.add.at(disp, dst, pull)
        length = np.maximum(np.sqrt((disp ** 2).sum(axis=1)), 0.01)
        pos += disp * (np.minimum(length, step) / length)[:, None]
        step -= cooling
    return _scaled(pos[:, 0].copy(), pos[:, 1].copy())


def _scaled(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centred on the mean, the largest coordinate (either axis) at 1: networkx's `rescale_layout`."""
    x, y = x - x.mean(), y - y.mean()
    largest = max(float(np.abs(x).max()), float(np.abs(y).max()))
    if largest > 0:
        x, y = x / largest, y / largest
    return x, y
