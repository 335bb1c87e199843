"""The layers of the matplotlib France maps: boundaries, hubs by status, names, symbols, legends."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from matplotlib import patheffects
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Bbox

from generator import formats, geo
from generator.model import STATUSES
from generator.pictures.labels import label_boxes, path_segments, place_labels
from generator.pictures.map_style import (
    BOUNDARY_GIDS,
    CATEGORIES,
    COLOURS,
    FRANCE_TEXT,
    HOLLOW_WIDTH,
    INTERCOMMUNAL,
    INTERCOMMUNAL_GID,
    LEGEND_SIZE,
    LEGEND_WRAP,
    MARKERS,
    NAME_GAP,
    NAME_SIZE,
    NAME_WRAP,
    OUTLINE,
    SYMBOL_COLOUR,
    SYMBOL_EDGE,
    TO_CHECK,
    _covered,
    _diameter,
    _intersects,
    _padded,
)
from generator.pictures.spec import INK, MUTED, shorten, wrap_label


def _outline_paths(outlines: Iterable[geo.Outline], lat0: float, clip: Bbox | None = None) -> list[MplPath]:
    paths = []
    for outline in outlines:
        path = outline.path(lat0)
        if clip is not None and ((path.vertices.min(axis=0) < clip.min).any()
                                 or (path.vertices.max(axis=0) > clip.max).any()):
            path = path.clip_to_bbox(clip, inside=True)
        if len(path.vertices):
            paths.append(path)
    return paths


def _outline_collection(outlines: Iterable[geo.Outline], lat0: float, clip: Bbox | None = None,
                        **style: Any) -> PathCollection:
    return PathCollection(_outline_paths(outlines, lat0, clip), **style)


def _set_view(ax: Any, bounds: tuple[float, float, float, float], lat0: float) -> None:
    west, south, east, north = bounds
    x0, y0 = geo.project(west, south, lat0)
    x1, y1 = geo.project(east, north, lat0)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])


def _clip_box(bounds: tuple[float, float, float, float], lat0: float) -> Bbox:
    """The view grown by a margin, so that clipped outlines never show their cut edge."""
    west, south, east, north = _padded(bounds, 0.05)
    (x0, y0), (x1, y1) = geo.project(west, south, lat0), geo.project(east, north, lat0)
    return Bbox.from_extents(x0, y0, x1, y1)


def draw_base(ax: Any, bounds: tuple[float, float, float, float], detail: str,
              fills: dict[str, str] | None = None, departements: bool = True, regions: bool = True,
              clip: bool = False, hidden: tuple[str, str] | None = None, intercommunal: bool = False) -> float:
    """Départements (thin) and régions (thicker) that meet the view; returns the projection latitude.

    `detail` picks the layers: "" (full), "-simple" (all of France), "-overview" (régions only, tiny).
    `hidden` (layer, code) is an outline drawn again on top (a highlight's edge): not drawn twice.
    `intercommunal` adds the intercommunalités that meet the view, under the départements: a close view
    shows a département's intercommunalités and an intercommunalité's neighbours, and a piece of a
    département's limit (a thin strip along a river) reads as one limit among others.
    """
    lat0 = (bounds[1] + bounds[3]) / 2
    suffix = detail
    box = _clip_box(bounds, lat0) if clip else None
    if intercommunal:
        epcis = [o for name in geo.LEVEL_LAYERS["epci"] for o in geo.layer(name).values()
                 if _intersects(o.bounds, bounds) and not _covered(o, name, hidden)]
        ax.add_collection(_outline_collection(epcis, lat0, box, facecolors="none", edgecolors=INTERCOMMUNAL,
                                              linewidths=0.3, zorder=0.8, gid=INTERCOMMUNAL_GID))
    if departements:
        deps = [o for o in geo.layer("departements" + suffix).values()
                if _intersects(o.bounds, bounds) and not _covered(o, "departements", hidden)]
        faces = [(fills or {}).get(o.code, "none") for o in deps]
        ax.add_collection(_outline_collection(deps, lat0, box, facecolors=faces,
                                              edgecolors=OUTLINE if regions else MUTED,
                                              linewidths=0.35 if regions else 0.7, zorder=1,
                                              gid="departements"))
    if regions:
        regs = [o for o in geo.layer("regions" + suffix).values()
                if _intersects(o.bounds, bounds) and not _covered(o, "regions", hidden)]
        ax.add_collection(_outline_collection(regs, lat0, box, facecolors="none", edgecolors=MUTED,
                                              linewidths=0.9, zorder=2, gid="regions"))
    _set_view(ax, bounds, lat0)
    return lat0


def draw_points(ax: Any, points: list[dict[str, Any]], lat0: float, size: float = 22,
                labels: bool = False) -> None:
    """Hubs as points, shaped and coloured by status (shape keeps them apart without colour); a point at a
    commune's centre is hollow (white inside, a thicker edge of its colour), one at its address filled."""
    all_xy: list[tuple[float, float]] = []
    names: list[str] = []
    for status in (TO_CHECK, *STATUSES):  # statuses seen lately drawn last, on top of the many to check
        for approx in (False, True):
            chosen = [p for p in points if p["status"] == status and bool(p.get("approx")) == approx]
            if not chosen:
                continue
            xy = [geo.project(p["lon"], p["lat"], lat0) for p in chosen]
            colour = COLOURS[status]
            dots = ax.scatter([x for x, _ in xy], [y for _, y in xy], s=size, marker=MARKERS[status],
                              facecolors="white" if approx else colour, edgecolors=colour if approx else "white",
                              linewidths=HOLLOW_WIDTH if approx else 0.6, zorder=5)
            dots.set_gid(f"points-{status}-{'commune' if approx else 'address'}")
            all_xy += xy
            names += [p["label"] for p in chosen]
    if labels:
        _labels(ax, all_xy, names)


def _labels(ax: Any, xy: list[tuple[float, float]], names: list[str]) -> list[Any]:
    """Names beside the points, whole on up to four lines, first tried alternately right and left from north
    to south, then moved to the first free spot inside the close view (drawing.place_labels) where none
    covers another or a point, crossing as few drawn boundaries as can be; a light white box keeps them
    legible over a line they must cross. Returns the labels (north to south), for tests to measure."""
    order = sorted(range(len(xy)), key=lambda i: (-xy[i][1], xy[i][0]))
    labels = []
    for rank, i in enumerate(order):
        right = rank % 2 == 0
        labels.append(ax.annotate(wrap_label(shorten(names[i], 4 * NAME_WRAP), NAME_WRAP, 4), xy[i],
                                  xytext=(5 if right else -5, 4 if right else -4),
                                  textcoords="offset points", ha="left" if right else "right",
                                  va="bottom" if right else "top", fontsize=NAME_SIZE, color=INK, zorder=6,
                                  gid="name", linespacing=1.05,
                                  # a light white box (a halo would turn the text into glyph paths, 10 KB)
                                  bbox={"boxstyle": "square,pad=0.08", "facecolor": "white", "edgecolor": "none",
                                        "alpha": 0.75}))
    fig = ax.figure
    ax.apply_aspect()  # the close view's final box (equal aspect), before measuring where things are
    screen = [ax.transData.transform(xy[i]) for i in order]
    dots = [Bbox.from_extents(x - 3, y - 3, x + 3, y + 3) for x, y in screen]
    frame = ax.get_window_extent()
    boundaries = [p for c in ax.collections if isinstance(c, PathCollection) and c.get_gid() in BOUNDARY_GIDS
                  for p in c.get_paths()]
    lines = path_segments(boundaries, ax.transData, frame)
    boxes = place_labels(fig, labels, dots, frame, gap=NAME_GAP, lines=lines)
    to_data = ax.transData.inverted()
    for label, box, (px, py) in zip(labels, boxes, screen, strict=True):
        if math.hypot(*label.xyann) > 2.2 * NAME_GAP:  # moved away from a crowd: a thin line says whose it is
            end = (min(max(px, box.x0), box.x1), min(max(py, box.y0), box.y1))
            (x1, y1), (x2, y2) = to_data.transform([(px, py), end])
            ax.plot([x1, x2], [y1, y2], color=MUTED, linewidth=0.5, zorder=5.5, gid="leader")
    return labels


def legend_handles(points: list[dict[str, Any]], words: dict[str, Any]) -> list[Any]:
    """One entry per status drawn (filled shapes), and the hollow circle of commune-precision points (their
    words from the spec: `words`)."""
    present = [s for s in CATEGORIES if any(p["status"] == s for p in points)]
    handles: list[Any] = [Line2D([], [], linestyle="none", marker=MARKERS[s], markerfacecolor=COLOURS[s],
                                 markeredgecolor="white", markersize=7, label=wrap_label(words["categories"][s],
                                                                                        LEGEND_WRAP, 2))
                          for s in present]
    if any(p.get("approx") for p in points):
        handles.append(Line2D([], [], linestyle="none", marker="o", markerfacecolor="white", markeredgecolor=MUTED,
                              markeredgewidth=HOLLOW_WIDTH, markersize=6.5,
                              label=wrap_label(words["approximate"], LEGEND_WRAP, 2), gid="legend-approx"))
    return handles


def draw_symbols(ax: Any, symbols: list[dict[str, Any]], lat0: float, largest: int, biggest: float,
                 fontsize: float = FRANCE_TEXT, lang: str = "fr") -> list[Any]:
    """Proportional circles, largest first so that smaller ones stay on top and visible, each with its count
    inside (or just above when the circle is smaller than the figure). Returns the count labels."""
    if not symbols:
        return []
    xy = [geo.project(c["lon"], c["lat"], lat0) for c in symbols]
    sizes = [_diameter(c["count"], largest, biggest) ** 2 for c in symbols]
    circles = ax.scatter([x for x, _ in xy], [y for _, y in xy], s=sizes, marker="o", facecolors=SYMBOL_COLOUR,
                         edgecolors="white", linewidths=0.7, alpha=0.55, zorder=5)
    circles.set_gid("symbols")
    ax.scatter([x for x, _ in xy], [y for _, y in xy], s=sizes, marker="o", facecolors="none",
               edgecolors=SYMBOL_EDGE, linewidths=0.5, zorder=5)
    labels = []
    for c, point in zip(symbols, xy, strict=True):
        radius = _diameter(c["count"], largest, biggest) / 2
        inside = 2 * radius >= fontsize * 1.3
        label = ax.annotate(formats.number(c["count"], lang=lang), point, xytext=(0, 0 if inside else radius + 0.5),
                            textcoords="offset points", ha="center", va="center" if inside else "bottom",
                            fontsize=fontsize, fontweight="bold", color=INK, zorder=7,
                            path_effects=[patheffects.withStroke(linewidth=2.0, foreground="white")])
        label.set_gid(f"count-{c['code']}")
        labels.append(label)
    return labels


def keep_apart(fig: Any, labels: list[Any], axes: list[Any]) -> list[Any]:
    """Remove, smallest counts last in line, each label that would cover a kept one or leave its axes;
    what a reader cannot see written stays in the table. Returns the kept labels."""
    boxes = label_boxes(fig, labels, pad=1.0)
    frames = [ax.get_window_extent() for ax in axes]
    kept: list[Any] = []
    kept_boxes: list[Bbox] = []
    for label, box in zip(labels, boxes, strict=True):
        frame = next((f for ax, f in zip(axes, frames, strict=True) if ax is label.axes), None)
        fits = frame is not None and frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 \
            and box.y1 <= frame.y1
        if fits and not any(box.overlaps(other) for other in kept_boxes):
            kept.append(label)
            kept_boxes.append(box)
        else:
            label.remove()
    return kept


def symbol_legend(where: Any, values: list[int], largest: int, biggest: float, horizontal: bool,
                  words: dict[str, Any], lang: str, **placement: Any) -> Any:
    """Reference circles (round counts) sized as on the map (their words from the spec: `words`)."""
    handles = [Line2D([], [], linestyle="none", marker="o", markersize=_diameter(v, largest, biggest),
                      markerfacecolor=SYMBOL_COLOUR, markeredgecolor=SYMBOL_EDGE, alpha=0.55,
                      label=formats.number(v, lang=lang) if horizontal else counted)
               for v, counted in zip(values, words["counts"], strict=True)]
    top = _diameter(values[0], largest, biggest) if values else 0
    fontsize = LEGEND_SIZE if horizontal else FRANCE_TEXT
    return where.legend(handles=handles, ncols=len(handles) if horizontal else 1, frameon=False,
                        fontsize=fontsize,
                        title=words["per_departement"] if horizontal else words["per_departement_lines"],
                        title_fontsize=fontsize,
                        handleheight=max(1.0, top / fontsize), handlelength=max(1.5, top / fontsize),
                        labelspacing=0.4, columnspacing=0.8, borderaxespad=0.2, **placement)
