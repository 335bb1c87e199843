"""Charts of the atlas: five-pillar profiles, hubs by type, status and year, rankings, networks.

Each chart is a `Spec` computed from the atlas (its data, French title, alt text and table),
then drawn by a `draw_*` function that sees only that spec's data, so drawing can run in another
process and the spec alone decides whether a cached picture is still good.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any, Callable

import networkx as nx
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox

from generator import formats
from generator.drawing import (
    GRID, INK, MARKERS, MUTED, OKABE_ITO, STATUS_COLOURS, Spec, away_from, enumerate_fr, french_axis,
    new_figure, plural, shorten, sort_key, svg_bytes, place_labels, wrap_label,
)
from generator.model import LEVEL_PLURALS, PILLAR_LABELS, PILLARS, STATUS_LABELS, STATUSES, Atlas, Territory

NOT_ASSESSED = "non évalué"
NETWORK_SEED = 20240611
MAX_ALT_ITEMS = 40
ATLAS_WIDE = "Ensemble de l'atlas"


def rating_text(rating: int | None) -> str:
    return NOT_ASSESSED if rating is None else f"{rating}/5"


def ratings_of(territory: Territory) -> list[int | None]:
    return [territory.pillars[k].rating if k in territory.pillars else None for k in PILLARS]


def is_rated(territory: Territory) -> bool:
    return any(r is not None for r in ratings_of(territory))


def _profile(territory: Territory) -> str:
    return ", ".join(f"{PILLAR_LABELS[k]} {rating_text(r)}" for k, r in zip(PILLARS, ratings_of(territory)))


def _capped(items: list[str], what: str, sep: str = ", ") -> str:
    if len(items) <= MAX_ALT_ITEMS:
        return sep.join(items)
    rest = len(items) - MAX_ALT_ITEMS
    return sep.join(items[:MAX_ALT_ITEMS]) + f" ; et {plural(rest, what)} de plus (voir le tableau)"


# --- specs ---------------------------------------------------------------------------------------


def pillars_spec(atlas: Atlas, territory_id: str) -> Spec:
    """Five pillars of a territory, with its parent's profile when the parent is rated."""
    territory = atlas.territories[territory_id]
    parent = atlas.parent(territory_id)
    compare = parent if parent is not None and is_rated(parent) else None
    series = [{"name": territory.name, "ratings": ratings_of(territory)}]
    alt = f"{territory.name}, cinq piliers notés de 0 à 5 : {_profile(territory)}."
    headers: tuple[str, ...] = ("Pilier", territory.name)
    if compare is not None:
        series.append({"name": compare.name, "ratings": ratings_of(compare)})
        alt += f" Pour comparaison, {compare.name} ({_level_word(compare)}) : {_profile(compare)}."
        headers += (compare.name,)
    rows = tuple(
        (PILLAR_LABELS[k], *(rating_text(s["ratings"][i]) for s in series)) for i, k in enumerate(PILLARS)
    )
    return Spec(
        key=f"territory/{territory_id}/pillars", kind="pillars",
        title=f"Profil des cinq piliers : {territory.name}", alt=alt,
        table_headers=headers, table_rows=rows,
        data={"labels": [PILLAR_LABELS[k] for k in PILLARS], "series": series},
    )


def _type_counts(atlas: Atlas, hub_ids: tuple[str, ...]) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter(t for h in hub_ids for t in atlas.hubs[h].types)
    order = list(atlas.vocabulary.hub_types)
    labelled = [(atlas.vocabulary.label("hub_types", t), n, order.index(t) if t in order else len(order))
                for t, n in counts.items()]
    labelled.sort(key=lambda item: (-item[1], item[2], sort_key(item[0])))
    return [(label, n) for label, n, _ in labelled]


def hubs_by_type_spec(atlas: Atlas, key: str, hub_ids: tuple[str, ...], where: str) -> Spec:
    """How many hubs of each type (a hub with two types counts in both)."""
    counts = _type_counts(atlas, hub_ids)
    several = any(len(atlas.hubs[h].types) > 1 for h in hub_ids)
    note = " ; un lieu peut avoir plusieurs types" if several else ""
    alt = (f"{where}, lieux d'innovation par type ({plural(len(hub_ids), 'lieu', 'lieux')}{note}) : "
           + _capped([f"{label} {formats.number(n)}" for label, n in counts], "type") + ".")
    return Spec(
        key=key, kind="bars", title=f"Lieux d'innovation par type : {where}", alt=alt,
        table_headers=("Type de lieu", "Nombre de lieux"),
        table_rows=tuple((label, formats.number(n)) for label, n in counts),
        data={"labels": [label for label, _ in counts], "values": [n for _, n in counts],
              "colours": [OKABE_ITO[0]] * len(counts), "xlabel": "Nombre de lieux"},
    )


def hubs_by_status_spec(atlas: Atlas, key: str, hub_ids: tuple[str, ...], where: str) -> Spec:
    """How many hubs are active, in project or closed (every status shown, zeros included)."""
    counts = Counter(atlas.hubs[h].status for h in hub_ids)
    parts = [f"{STATUS_LABELS[s].lower()} {formats.number(counts[s])}" for s in STATUSES]
    alt = f"{where}, lieux d'innovation par statut ({plural(len(hub_ids), 'lieu', 'lieux')}) : {enumerate_fr(parts)}."
    return Spec(
        key=key, kind="bars", title=f"Lieux d'innovation par statut : {where}", alt=alt,
        table_headers=("Statut", "Nombre de lieux"),
        table_rows=tuple((STATUS_LABELS[s], formats.number(counts[s])) for s in STATUSES),
        data={"labels": [STATUS_LABELS[s] for s in STATUSES], "values": [counts[s] for s in STATUSES],
              "colours": [STATUS_COLOURS[s] for s in STATUSES], "xlabel": "Nombre de lieux"},
    )


def founded_spec(atlas: Atlas) -> Spec:
    """Hubs founded per year, every year between the first and the last shown (zeros included)."""
    years = Counter(h.founded for h in atlas.hubs.values() if h.founded is not None)
    unknown = [h.name for h in atlas.hubs.values() if h.founded is None]
    span = list(range(min(years), max(years) + 1))
    alt = (f"Lieux d'innovation créés par année, de {span[0]} à {span[-1]} : "
           + _capped([f"{y} : {formats.number(years[y])}" for y in span if years[y]], "année") + ".")
    if unknown:
        alt += f" {plural(len(unknown), 'lieu', 'lieux')} sans année de création connue."
    return Spec(
        key="home/founded", kind="years", title="Lieux d'innovation créés par année", alt=alt,
        table_headers=("Année", "Lieux créés"),
        table_rows=tuple((str(y), formats.number(years[y])) for y in span),
        data={"years": span, "values": [years[y] for y in span]},
    )


def ranking_spec(atlas: Atlas, pillar: str, level: str) -> Spec:
    """Territories of one level ranked by their rating on one pillar; the unrated are named apart."""
    territories = atlas.by_level(level)
    rated = sorted(((t.pillars[pillar].rating, t.name, t.id) for t in territories
                    if pillar in t.pillars and t.pillars[pillar].rating is not None),
                   key=lambda item: (-item[0], sort_key(item[1]), item[2]))
    unrated = sorted((t.name for t in territories if t.id not in {r[2] for r in rated}), key=sort_key)
    ranks: list[int] = []
    for i, (rating, _, _) in enumerate(rated):
        ranks.append(ranks[-1] if i and rating == rated[i - 1][0] else i + 1)
    label = PILLAR_LABELS[pillar]
    what = LEVEL_PLURALS[level].lower().replace("(epci)", "(EPCI)")
    alt = (f"Classement des {what} selon le pilier {label} (note de 0 à 5) : "
           + _capped([f"{name} {rating_text(r)}" for r, name, _ in rated], "territoire") + ".")
    if unrated:
        alt += f" Non évalués : {_capped(unrated, 'territoire')}."
    return Spec(
        key=f"pillar/{pillar}/{level}", kind="ranking",
        title=f"Classement des {what} : {label}", alt=alt,
        table_headers=("Rang", "Territoire", "Note"),
        table_rows=tuple((str(rank), name, rating_text(r)) for rank, (r, name, _) in zip(ranks, rated)),
        data={"labels": [name for _, name, _ in rated], "values": [r for r, _, _ in rated]},
    )


def _type_style(atlas: Atlas, used: list[str]) -> dict[str, tuple[str, str]]:
    """Colour and marker per hub type, so types stay apart even past the eight colours."""
    order = [t for t in atlas.vocabulary.hub_types if t in used] + sorted(t for t in used
                                                                          if t not in atlas.vocabulary.hub_types)
    return {t: (OKABE_ITO[i % 7], MARKERS[i % len(MARKERS)]) for i, t in enumerate(order)}


def network_spec(atlas: Atlas, key: str, core: tuple[str, ...], title: str) -> Spec:
    """Hubs as nodes and partnerships as edges; hubs outside `core` are the partners from elsewhere."""
    core_set = set(core)
    edges = [(a, b) for a, b in atlas.partnerships if a in core_set or b in core_set]
    nodes = sorted({h for edge in edges for h in edge})
    styles = _type_style(atlas, sorted({atlas.hubs[h].types[0] for h in nodes}))
    territory_name = {h: atlas.territories[atlas.hubs[h].territory_id].name for h in nodes}
    outside = [h for h in nodes if h not in core_set]
    alt = (f"{title}. {plural(len(nodes), 'lieu', 'lieux')} reliés par "
           f"{plural(len(edges), 'partenariat')}")
    if outside:
        alt += f", dont {plural(len(outside), 'lieu partenaire', 'lieux partenaires')} d'autres territoires"
    alt += ". " + _capped([f"{atlas.hubs[a].name} – {atlas.hubs[b].name}" for a, b in edges], "partenariat", " ; ") + "."
    isolated = len(core_set) - len(core_set & set(nodes))
    if isolated:
        alt += f" {plural(isolated, 'autre lieu', 'autres lieux')} sans partenariat connu."
    return Spec(
        key=key, kind="network", title=title, alt=alt,
        table_headers=("Lieu", "Territoire", "Partenaire", "Territoire du partenaire"),
        table_rows=tuple((atlas.hubs[a].name, territory_name[a], atlas.hubs[b].name, territory_name[b])
                         for a, b in edges),
        data={
            "nodes": [{"id": h, "label": atlas.hubs[h].name, "colour": styles[atlas.hubs[h].types[0]][0],
                       "marker": styles[atlas.hubs[h].types[0]][1], "outside": h not in core_set}
                      for h in nodes],
            "edges": [list(e) for e in edges],
            "legend": [{"label": atlas.vocabulary.label("hub_types", t), "colour": c, "marker": m}
                       for t, (c, m) in styles.items()],
            "has_outside": bool(outside),
        },
    )


def _level_word(territory: Territory) -> str:
    return territory.level_label.lower().replace("(epci)", "(EPCI)")


# --- keys ----------------------------------------------------------------------------------------


def keys(atlas: Atlas) -> list[str]:
    """Every chart that has something to show for this atlas."""
    out: list[str] = []
    if atlas.hubs:
        out += ["home/hubs-by-type", "home/hubs-by-status"]
    if any(h.founded is not None for h in atlas.hubs.values()):
        out.append("home/founded")
    if atlas.partnerships:
        out.append("home/network")
    for tid in atlas.territories:
        out.append(f"territory/{tid}/pillars")
        hubs = atlas.hubs_within(tid)
        if hubs:
            out += [f"territory/{tid}/hubs-by-type", f"territory/{tid}/hubs-by-status"]
        if any(h in atlas.partners_of for h in hubs):
            out.append(f"territory/{tid}/network")
    for pillar in PILLARS:
        for level in sorted({t.level for t in atlas.territories.values()
                             if pillar in t.pillars and t.pillars[pillar].rating is not None}):
            out.append(f"pillar/{pillar}/{level}")
    return out


def spec(atlas: Atlas, key: str) -> Spec:
    """The spec of one chart key (a key from `keys`)."""
    parts = key.split("/")
    all_hubs = tuple(atlas.hubs)
    if parts[0] == "home":
        name = parts[1]
        if name == "hubs-by-type":
            return hubs_by_type_spec(atlas, key, all_hubs, ATLAS_WIDE)
        if name == "hubs-by-status":
            return hubs_by_status_spec(atlas, key, all_hubs, ATLAS_WIDE)
        if name == "founded":
            return founded_spec(atlas)
        if name == "network":
            return network_spec(atlas, key, all_hubs, "Réseau national des lieux d'innovation")
    elif parts[0] == "territory":
        territory = atlas.territories[parts[1]]
        hubs = atlas.hubs_within(territory.id)
        where = territory.name
        if parts[2] == "pillars":
            return pillars_spec(atlas, territory.id)
        if parts[2] == "hubs-by-type":
            return hubs_by_type_spec(atlas, key, hubs, where)
        if parts[2] == "hubs-by-status":
            return hubs_by_status_spec(atlas, key, hubs, where)
        if parts[2] == "network":
            return network_spec(atlas, key, hubs, f"Réseau des lieux d'innovation : {where}")
    elif parts[0] == "pillar":
        return ranking_spec(atlas, parts[1], parts[2])
    raise KeyError(key)


# --- drawing -------------------------------------------------------------------------------------


def _clean_axes(ax: Any) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0, axis="y")
    ax.set_axisbelow(True)


def draw_pillars(data: dict[str, Any]) -> bytes:
    """Horizontal bars 0-5; "not assessed" is a dashed empty box with words, never a zero bar."""
    labels, series = data["labels"], data["series"]
    n = len(series)
    fig = new_figure(6.4, 0.9 + 0.62 * len(labels) * (1 + 0.45 * (n - 1)))
    ax = fig.add_axes((0.2, 0.17 if n > 1 else 0.13, 0.76, 0.8 if n > 1 else 0.84))
    height = 0.8 / n
    # blue and vermillion: both above 3:1 against the white card (WCAG 1.4.11), hatching tells them apart
    colours, hatches = (OKABE_ITO[0], OKABE_ITO[4]), (None, "///")
    for i, _label in enumerate(labels):
        for j, s in enumerate(series):
            y = i + (j - (n - 1) / 2) * height
            rating = s["ratings"][i]
            if rating is None:
                ax.add_patch(Rectangle((0, y - height * 0.45), 5, height * 0.9, fill=False,
                                       edgecolor=MUTED, linestyle=(0, (3, 2)), linewidth=0.8))
                ax.text(2.5, y, NOT_ASSESSED, ha="center", va="center", color=MUTED, fontstyle="italic", fontsize=8)
            else:
                ax.barh(y, rating, height=height * 0.9, color=colours[j], hatch=hatches[j],
                        edgecolor="white" if j else colours[j], linewidth=0)
                if rating == 0:  # a zero is a visible mark, unlike "not assessed"
                    ax.plot([0, 0], [y - height * 0.4, y + height * 0.4], color=colours[j], linewidth=3,
                            solid_capstyle="butt")
                ax.text(rating + 0.06, y, f"{rating}/5", ha="left", va="center", fontsize=8,
                        fontweight="bold" if j == 0 else "normal")
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 5.45)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_xticks(range(6))
    french_axis(ax.xaxis)
    ax.xaxis.grid(True, color=GRID, linewidth=0.6)
    ax.set_xlabel("Note (0 à 5)")
    _clean_axes(ax)
    if n > 1:
        handles = [Patch(facecolor=colours[j], hatch=hatches[j], edgecolor="white", label=shorten(s["name"], 45))
                   for j, s in enumerate(series)]
        fig.legend(handles=handles, loc="lower center", ncols=2, frameon=False, fontsize=8)
    return svg_bytes(fig)


def draw_bars(data: dict[str, Any]) -> bytes:
    """Horizontal bars with their value written at the end, so colour is never the only cue."""
    labels, values = data["labels"], data["values"]
    fig = new_figure(6.4, 0.8 + 0.34 * max(len(labels), 2))
    ax = fig.add_axes((0.3, 0.8 / (0.8 + 0.34 * max(len(labels), 2)) * 0.75, 0.64,
                       1 - 0.95 / (0.8 + 0.34 * max(len(labels), 2))))
    ax.barh(range(len(labels)), values, color=data["colours"], height=0.7)
    top = max(values + [1])
    for i, value in enumerate(values):
        ax.text(value + top * 0.015, i, formats.number(value), va="center", ha="left", fontsize=8)
    ax.set_yticks(range(len(labels)), [shorten(label) for label in labels])
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.12)
    french_axis(ax.xaxis)
    ax.xaxis.grid(True, color=GRID, linewidth=0.6)
    ax.set_xlabel(data["xlabel"])
    _clean_axes(ax)
    return svg_bytes(fig)


def draw_ranking(data: dict[str, Any]) -> bytes:
    """Ranked territories, best first, each bar labelled with its rating."""
    labels = data["labels"]
    return draw_bars({"labels": labels, "values": data["values"], "colours": [OKABE_ITO[0]] * len(labels),
                      "xlabel": "Note (0 à 5)"})


def draw_years(data: dict[str, Any]) -> bytes:
    """Vertical bars per year; years written without a thousands separator, counts the French way."""
    years, values = data["years"], data["values"]
    fig = new_figure(6.4, 3.0)
    ax = fig.add_axes((0.1, 0.17, 0.87, 0.78))
    ax.bar(years, values, color=OKABE_ITO[2], width=0.75)
    step = max(1, round(len(years) / 12))
    ax.set_xticks(years[::step], [str(y) for y in years[::step]])
    ax.set_xlim(years[0] - 0.6, years[-1] + 0.6)
    french_axis(ax.yaxis)
    ax.yaxis.grid(True, color=GRID, linewidth=0.6)
    ax.set_ylabel("Lieux créés")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_axisbelow(True)
    return svg_bytes(fig)


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


def network_figure(data: dict[str, Any]) -> tuple[Figure, list[Annotation]]:
    """The network drawn, with its labels placed apart; the labels are returned for tests to measure.

    Labels are wrapped, set beside their node on the side away from the centre of the picture, then
    nudged apart (measured with the Agg renderer) so that no label covers another or another's node.
    """
    nodes = data["nodes"]
    positions = network_layout([n["id"] for n in nodes], data["edges"])
    size = 6.4 if len(nodes) <= 25 else 8.0
    fig = new_figure(size, size * 0.8)
    ax = fig.add_axes((0.02, 0.14, 0.96, 0.84))
    for a, b in data["edges"]:
        (x1, y1), (x2, y2) = positions[a], positions[b]
        ax.plot([x1, x2], [y1, y2], color=MUTED, linewidth=0.9, zorder=1)
    xs = [positions[n["id"]][0] for n in nodes]
    ys = [positions[n["id"]][1] for n in nodes]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    # room beside the outer nodes for their labels, which sit on the outside
    ax.set_xlim(min(xs) - 0.38 * span_x, max(xs) + 0.38 * span_x)
    ax.set_ylim(min(ys) - 0.16 * span_y, max(ys) + 0.16 * span_y)
    ax.set_axis_off()
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
    for label, box, point in zip(labels, boxes, points):
        if math.hypot(*label.xyann) > 2.2 * LABEL_GAP:  # nudged far: a thin line says whose label it is
            px, py = point.x0 + radius, point.y0 + radius
            end = (min(max(px, box.x0), box.x1), min(max(py, box.y0), box.y1))
            (x1, y1), (x2, y2) = to_data.transform([(px, py), end])
            ax.plot([x1, x2], [y1, y2], color=MUTED, linewidth=0.5, linestyle=":", zorder=1)
    handles = [Line2D([], [], linestyle="none", marker=e["marker"], markerfacecolor=e["colour"],
                      markeredgecolor=INK, markersize=7, label=shorten(e["label"], 30))
               for e in data["legend"]]
    if data["has_outside"]:
        handles.append(Line2D([], [], linestyle="none", marker="o", markerfacecolor="white",
                              markeredgecolor=MUTED, markersize=7, label="lieu d'un autre territoire"))
    fig.legend(handles=handles, loc="lower center", ncols=min(4, len(handles)), frameon=False, fontsize=7)
    return fig, labels


def draw_network(data: dict[str, Any]) -> bytes:
    """Nodes coloured and shaped by their first type, labelled apart; partners from elsewhere drawn hollow."""
    return svg_bytes(network_figure(data)[0])


DRAWERS: dict[str, Callable[[dict[str, Any]], bytes]] = {
    "pillars": draw_pillars,
    "bars": draw_bars,
    "ranking": draw_ranking,
    "years": draw_years,
    "network": draw_network,
}
