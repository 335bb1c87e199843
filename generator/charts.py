"""Charts of the atlas: five-pillar profiles, hubs by type, status and year, rankings, networks.

Each chart is a `Spec` computed from the atlas (its data, French title, alt text and table),
then drawn by a `draw_*` function that sees only that spec's data, so drawing can run in another
process and the spec alone decides whether a cached picture is still good.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

import networkx as nx
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox

from generator import formats
from generator.drawing import (
    GRID,
    INK,
    MARKERS,
    MUTED,
    NARROW_TEXT,
    NARROW_WIDTH,
    OKABE_ITO,
    STATUS_COLOURS,
    Spec,
    away_from,
    enumerate_fr,
    french_axis,
    new_figure,
    place_labels,
    plural,
    shorten,
    sort_key,
    svg_bytes,
    svg_document,
    svg_text,
    text_width,
    wrap_label,
    wrap_to,
)
from generator.measured import NOT_MEASURED, has_profile, levels_word, pillar_views, score_text, scores_of
from generator.model import PILLAR_LABELS, PILLARS, STATUS_LABELS, Atlas, Territory
from generator.scores import Scores
from generator.status_text import TO_CHECK, status_category

NETWORK_SEED = 20240611
NARROW = "narrow"  # key prefix of a picture's variant drawn for phones (see pages.picture)
NARROW_KINDS = {"pillars": "pillars-narrow", "bars": "bars-narrow", "ranking": "bars-narrow",
                "years": "years-narrow"}
MAX_ALT_ITEMS = 40
ATLAS_WIDE = "Ensemble de l'atlas"


def _capped(items: list[str], what: str, sep: str = ", ") -> str:
    if len(items) <= MAX_ALT_ITEMS:
        return sep.join(items)
    rest = len(items) - MAX_ALT_ITEMS
    return sep.join(items[:MAX_ALT_ITEMS]) + f" ; et {plural(rest, what)} de plus (voir le tableau)"


# --- specs ---------------------------------------------------------------------------------------


def _scores_text(values: list[float | None]) -> str:
    return ", ".join(f"{PILLAR_LABELS[k]} {score_text(v)}" for k, v in zip(PILLARS, values, strict=False))


def pillars_spec(atlas: Atlas, territory_id: str, scores: Scores | None = None) -> Spec:
    """The measured profile of a territory (scores 1 to 5, one decimal), beside its parent's and the
    national median of its level; a pillar with fewer than two indicators is "non mesuré", never 0."""
    scores = scores if scores is not None else scores_of(atlas)
    territory = atlas.territories[territory_id]
    views = pillar_views(atlas, scores, territory)
    parent = atlas.parent(territory_id)
    own = [v.score for v in views]
    series = [{"name": territory.name, "scores": own}]
    alt = f"{territory.name}, scores mesurés des cinq piliers (de 1 à 5) : {_scores_text(own)}."
    headers: tuple[str, ...] = ("Pilier", territory.name)
    theirs = [v.parent_score for v in views]
    if parent is not None and scores.profile(parent.id) is not None and any(x is not None for x in theirs):
        series.append({"name": f"{parent.name} ({_level_word(parent)})", "scores": theirs})
        alt += f" Pour comparaison, {parent.name} ({_level_word(parent)}) : {_scores_text(theirs)}."
        headers += (parent.name,)
    medians = [v.median for v in views]
    if any(x is not None for x in medians):
        label = f"Médiane des {levels_word(territory.level)}"
        series.append({"name": label, "scores": medians, "median": True})
        alt += f" {label} : {_scores_text(medians)}."
        headers += (label,)
    rows = tuple((PILLAR_LABELS[k], *(score_text(s["scores"][i]) for s in series)) for i, k in enumerate(PILLARS))
    return Spec(
        key=f"territory/{territory_id}/pillars", kind="pillars",
        title=f"Profil mesuré des cinq piliers : {territory.name}", alt=alt,
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


STATUS_CATEGORIES = ("active", TO_CHECK, "project", "closed")


def _status_label(category: str) -> str:
    return "À vérifier (statut ancien)" if category == TO_CHECK else STATUS_LABELS[category]


def hubs_by_status_spec(atlas: Atlas, key: str, hub_ids: tuple[str, ...], where: str) -> Spec:
    """How many hubs are active, to check (an open or planned status whose source is more than five
    years old, never counted as current), in project or closed; every category shown, zeros included."""
    counts = Counter(status_category(atlas, atlas.hubs[h]) for h in hub_ids)
    parts = [f"{_status_label(s).lower()} {formats.number(counts[s])}" for s in STATUS_CATEGORIES]
    alt = f"{where}, lieux d'innovation par statut ({plural(len(hub_ids), 'lieu', 'lieux')}) : {enumerate_fr(parts)}."
    colours = {**STATUS_COLOURS, TO_CHECK: MUTED}
    return Spec(
        key=key, kind="bars", title=f"Lieux d'innovation par statut : {where}", alt=alt,
        table_headers=("Statut", "Nombre de lieux"),
        table_rows=tuple((_status_label(s), formats.number(counts[s])) for s in STATUS_CATEGORIES),
        data={"labels": [_status_label(s) for s in STATUS_CATEGORIES], "values": [counts[s] for s in STATUS_CATEGORIES],
              "colours": [colours[s] for s in STATUS_CATEGORIES], "xlabel": "Nombre de lieux"},
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


RANKING_CHART_MAX = 30  # above this, a pillar's ranking is a table and a choropleth map, not bars


def ranking_spec(atlas: Atlas, pillar: str, level: str, scores: Scores | None = None) -> Spec:
    """Territories of one level ranked by their measured score on one pillar; the unmeasured named apart."""
    scores = scores if scores is not None else scores_of(atlas)
    territories = atlas.by_level(level)
    measured = []
    for t in territories:
        prof = scores.profile(t.id)
        value = prof.pillars.get(pillar) if prof else None
        if value is not None:
            measured.append((value, t.name, t.id))
    measured.sort(key=lambda item: (-item[0], sort_key(item[1]), item[2]))
    unmeasured = sorted((t.name for t in territories if t.id not in {r[2] for r in measured}), key=sort_key)
    ranks: list[int] = []
    for i, (value, _, _) in enumerate(measured):
        ranks.append(ranks[-1] if i and value == measured[i - 1][0] else i + 1)
    label = PILLAR_LABELS[pillar]
    what = levels_word(level)
    alt = (f"Classement des {what} selon le score mesuré du pilier {label} (de 1 à 5) : "
           + _capped([f"{name} {score_text(v)}" for v, name, _ in measured], "territoire") + ".")
    if unmeasured:
        alt += f" Non mesurés : {_capped(unmeasured, 'territoire')}."
    return Spec(
        key=f"pillar/{pillar}/{level}", kind="ranking",
        title=f"Classement des {what} : {label} (score mesuré)", alt=alt,
        table_headers=("Rang", "Territoire", "Score mesuré"),
        table_rows=tuple((str(rank), name, score_text(v)) for rank, (v, name, _) in zip(ranks, measured, strict=False)),
        data={"labels": [name for _, name, _ in measured], "values": [v for v, _, _ in measured]},
    )


def _type_style(atlas: Atlas, used: list[str]) -> dict[str, tuple[str, str]]:
    """Colour and marker per hub type, so types stay apart even past the eight colours."""
    order = [t for t in atlas.vocabulary.hub_types if t in used] + sorted(t for t in used
                                                                          if t not in atlas.vocabulary.hub_types)
    return {t: (OKABE_ITO[i % 7], MARKERS[i % len(MARKERS)]) for i, t in enumerate(order)}


GROUPED_ABOVE = 150  # more hubs than this in one network: drawn by territory (past it, names are unreadable)
MAX_GROUPS = 40  # the finest grouping of the core with at most this many territories is the one drawn
GROUP_LEVELS = ("epci", "departement", "region")  # finest first
GROUP_WORDS = {"epci": "intercommunalité", "departement": "département", "region": "région"}


def network_spec(atlas: Atlas, key: str, core: tuple[str, ...], title: str) -> Spec:
    """Hubs as nodes and partnerships as edges; hubs outside `core` are the partners from elsewhere.

    Past GROUPED_ABOVE hubs (a national or régional network), the hubs are grouped by territory
    (see `grouped_network_spec`): a drawing of thousands of named points says nothing and its
    layout and labels cost minutes.
    """
    core_set = set(core)
    edges = [(a, b) for a, b in atlas.partnerships if a in core_set or b in core_set]
    nodes = sorted({h for edge in edges for h in edge})
    if len(nodes) > GROUPED_ABOVE:
        grouped = grouped_network_spec(atlas, key, core_set, edges, nodes, title)
        if grouped is not None:
            return grouped
    styles = _type_style(atlas, sorted({atlas.hubs[h].types[0] for h in nodes}))
    territory_name = {h: atlas.territories[atlas.hubs[h].territory_id].name for h in nodes}
    outside = [h for h in nodes if h not in core_set]
    alt = (f"{title}. {plural(len(nodes), 'lieu', 'lieux')} reliés par "
           f"{plural(len(edges), 'partenariat')}")
    if outside:
        alt += f", dont {plural(len(outside), 'lieu partenaire', 'lieux partenaires')} d'autres territoires"
    pairs = [f"{atlas.hubs[a].name} – {atlas.hubs[b].name}" for a, b in edges]
    alt += ". " + _capped(pairs, "partenariat", " ; ") + "."
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


def _group_of(atlas: Atlas, hub_id: str, level: str) -> str:
    """The territory at `level` that holds the hub (its own territory when none is at that level)."""
    tid = atlas.hubs[hub_id].territory_id
    chain = [*atlas.ancestors(tid), atlas.territories[tid]]
    return next((t.id for t in reversed(chain) if t.level == level), tid)


def grouped_network_spec(atlas: Atlas, key: str, core: set[str], edges: list[tuple[str, str]], nodes: list[str],
                         title: str) -> Spec | None:
    """The partnerships counted between territories: the core's hubs grouped at the finest level that
    gives at most MAX_GROUPS territories, partners from elsewhere by their région. None when no level
    groups the core that much (the network is then drawn hub by hub)."""
    core_nodes = [h for h in nodes if h in core]
    level = next((lv for lv in GROUP_LEVELS
                  if len({_group_of(atlas, h, lv) for h in core_nodes}) <= MAX_GROUPS), None)
    if level is None:
        return None
    group = {h: ("in:" if h in core else "out:") + _group_of(atlas, h, level if h in core else "region")
             for h in nodes}
    hubs_in: Counter[str] = Counter(group.values())
    internal: Counter[str] = Counter()
    between: Counter[tuple[str, str]] = Counter()
    for a, b in edges:
        ga, gb = group[a], group[b]
        if ga == gb:
            internal[ga] += 1
        else:
            between[(min(ga, gb), max(ga, gb))] += 1

    def name(gid: str) -> str:
        return atlas.territories[gid.split(":", 1)[1]].name

    ids = sorted(hubs_in, key=lambda g: (g.startswith("out:"), sort_key(name(g))))
    pairs = sorted(between.items(), key=lambda item: (-item[1], sort_key(name(item[0][0])), sort_key(name(item[0][1]))))
    counted = [(n, index, name(g), name(g)) for index, g in enumerate(ids) if (n := internal[g])]
    counted += [(n, len(ids) + index, name(a), name(b)) for index, ((a, b), n) in enumerate(pairs)]
    rows = [(a, b, formats.number(n)) for n, _, a, b in sorted(counted, key=lambda item: (-item[0], item[1]))]
    word = GROUP_WORDS[level]
    grouped_title = f"{title}, par {word}"
    outside = [g for g in ids if g.startswith("out:")]
    alt = (f"{grouped_title}. {plural(len(nodes), 'lieu', 'lieux')} reliés par {plural(len(edges), 'partenariat')}, "
           f"comptés entre {plural(len(ids) - len(outside), word)}")
    if outside:
        alt += f" et {plural(len(outside), 'région')} des partenaires d'ailleurs"
    alt += ". Les liens les plus nombreux : " + _capped(
        [f"{name(a)} – {name(b)} ({formats.number(n)})" for (a, b), n in pairs], "lien", " ; ") + "."
    return Spec(
        key=key, kind="network-groups", title=grouped_title, alt=alt,
        table_headers=("Territoire", "Territoire partenaire", "Partenariats"),
        table_rows=tuple(rows),
        data={
            "nodes": [{"id": g, "label": name(g), "hubs": hubs_in[g], "internal": internal[g],
                       "outside": g.startswith("out:")} for g in ids],
            "edges": [[a, b, n] for (a, b), n in sorted(between.items())],
            "level": level,
        },
    )


def _level_word(territory: Territory) -> str:
    return territory.level_label.lower().replace("(epci)", "(EPCI)")


# --- keys ----------------------------------------------------------------------------------------


def keys(atlas: Atlas) -> list[str]:
    """Every chart that has something to show for this atlas."""
    out: list[str] = []
    if atlas.hubs:
        out += [f"{prefix}home/{name}" for prefix in ("", NARROW + "/") for name in ("hubs-by-type", "hubs-by-status")]
    if any(h.founded is not None for h in atlas.hubs.values()):
        out += ["home/founded", f"{NARROW}/home/founded"]
    if atlas.partnerships:
        out.append("home/network")
    scores = scores_of(atlas)
    for tid, t in atlas.territories.items():
        if has_profile(atlas, t):
            out += [f"territory/{tid}/pillars", f"{NARROW}/territory/{tid}/pillars"]
        hubs = atlas.hubs_within(tid)
        if hubs:
            out += [f"{prefix}territory/{tid}/{name}" for prefix in ("", NARROW + "/")
                    for name in ("hubs-by-type", "hubs-by-status")]
        if any(h in atlas.partners_of for h in hubs):
            out.append(f"territory/{tid}/network")
    for pillar in PILLARS:
        for level in sorted({p.level for p in scores.profiles.values() if p.pillars.get(pillar) is not None}):
            if len(atlas.by_level(level)) <= RANKING_CHART_MAX:
                out += [f"pillar/{pillar}/{level}", f"{NARROW}/pillar/{pillar}/{level}"]
    return out


def narrow_spec(wide: Spec) -> Spec:
    """The variant of a chart drawn for phones: the same words and data, another drawer."""
    if wide.kind not in NARROW_KINDS:
        raise KeyError(f"{NARROW}/{wide.key}")
    data = wide.data if wide.kind != "ranking" else {**wide.data, "xlabel": "Score mesuré (1 à 5)", "decimals": 1,
                                                     "top": 5}
    return replace(wide, key=f"{NARROW}/{wide.key}", kind=NARROW_KINDS[wide.kind], data=data)


def spec(atlas: Atlas, key: str) -> Spec:
    """The spec of one chart key (a key from `keys`)."""
    if key.startswith(NARROW + "/"):
        return narrow_spec(spec(atlas, key.removeprefix(NARROW + "/")))
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


PILLAR_COLOURS = (OKABE_ITO[0], OKABE_ITO[4], MUTED)  # blue, vermillion, grey: each above 3:1 on white
LEGEND_LINE = 0.2  # inches per line of the legend under the pillars chart
BAR_LABEL_WRAP = 30  # characters per line of a bar's name (two lines at most, whole words)

# --- wide bar charts written as SVG text (issue 11: 60-130 ms each through matplotlib) ------------

PT_PER_IN = 72.0
WIDE_CHART_W = 6.4 * PT_PER_IN  # pt: the 6.4 in picture matplotlib drew
TICK_TEXT = 9.0  # pt: names, scale and axis title (matplotlib's font.size in STYLE)
VALUE_TEXT = 8.0  # pt: the value written after each bar, the legend
TICK_PAD = 3.5  # pt between a tick (or the axis) and its text
TICK_LENGTH = 3.5
LEFT_PAD = 4.32  # pt (6 px at 100 dpi) between the picture's edge and the longest name (fit_left did this)


def scale_ticks(top: float) -> list[float]:
    """The scale's marks from 0 to `top`: whole numbers chosen as matplotlib's MaxNLocator chose them."""
    from matplotlib.ticker import MaxNLocator

    return [float(t) for t in MaxNLocator(integer=True).tick_values(0, top) if -1e-9 <= t <= top + 1e-9]


def series_patterns() -> str:
    """Hatching that tells the pillars' series apart without colour: diagonal lines, then dots, in white."""
    lines = ('<pattern id="serie-1" width="6" height="6" patternUnits="userSpaceOnUse">'
             f'<rect width="6" height="6" fill="{PILLAR_COLOURS[1]}"/>'
             '<path d="M0 6L6 0M-1.5 1.5L1.5 -1.5M4.5 7.5L7.5 4.5" stroke="#ffffff" stroke-width="1"/></pattern>')
    dots = ('<pattern id="serie-2" width="4.5" height="4.5" patternUnits="userSpaceOnUse">'
            f'<rect width="4.5" height="4.5" fill="{PILLAR_COLOURS[2]}"/>'
            '<circle cx="2.25" cy="2.25" r="0.8" fill="#ffffff"/></pattern>')
    return lines + dots


def _series_fill(j: int) -> str:
    return f"url(#serie-{j})" if j else PILLAR_COLOURS[0]


def _scale(left: float, right: float, top: float, bottom: float, xmax: float, ticks: list[float],
           title: str) -> tuple[list[str], list[str]]:
    """The grid lines (drawn under the bars), then the axis lines, the scale's marks and numbers and the
    axis title (drawn over them)."""
    unit = (right - left) / xmax
    grid = [f'<path d="{"".join(f"M{left + t * unit:.1f} {top:.1f}V{bottom:.1f}" for t in ticks)}" '
            f'stroke="{GRID}" stroke-width="0.6"/>']
    axes = [f'<path d="M{left:.1f} {top:.1f}V{bottom:.1f}H{right:.1f}" fill="none" stroke="{MUTED}" '
            'stroke-width="0.8"/>']
    marks = "".join(f"M{left + t * unit:.1f} {bottom:.1f}v{TICK_LENGTH}" for t in ticks)
    axes.append(f'<path d="{marks}" stroke="{INK}" stroke-width="0.8"/>')
    baseline = bottom + TICK_LENGTH + TICK_PAD + 0.76 * TICK_TEXT
    axes += [svg_text(left + t * unit, baseline, formats.number(round(t, 6)), TICK_TEXT, "middle") for t in ticks]
    axes.append(svg_text((left + right) / 2, baseline + 4 + 1.17 * TICK_TEXT, title, TICK_TEXT, "middle"))
    return grid, axes


def _left_edge(lines: Iterable[str], width: float) -> float:
    """Where the axis starts: after the longest name, never before 12 % of the picture."""
    widest = max((text_width(line, TICK_TEXT) for line in lines), default=0.0)
    return max(0.12 * width, LEFT_PAD + widest + TICK_PAD)


def _wide_document(height: float, body: list[str], defs: str = "") -> bytes:
    return svg_document(WIDE_CHART_W, height, body, defs, unit="pt")


def draw_pillars(data: dict[str, Any]) -> bytes:
    """Horizontal bars 1-5 with their score written at the end; "non mesuré" is a dashed empty box
    with words, never a zero bar. Up to three series (the territory, its parent, the median of its level),
    told apart by colour and hatching, named in a legend of one line each under the chart."""
    labels, series = data["labels"], data["series"]
    n = len(series)
    w = WIDE_CHART_W
    bars = PT_PER_IN * 0.62 * len(labels) * (1 + 0.45 * (n - 1))
    legend = PT_PER_IN * (LEGEND_LINE * n + 0.1) if n > 1 else 0.0
    top = PT_PER_IN * 0.15
    bottom = top + bars
    height = bottom + PT_PER_IN * 0.55 + legend
    left, right = _left_edge(labels, w), 0.96 * w
    xmax = 5.45
    unit = (right - left) / xmax
    row = bars / len(labels)
    band = 0.8 / n * row  # one series' slot in a row; the bar fills 90 % of it
    body, axes = _scale(left, right, top, bottom, xmax, [float(t) for t in range(6)], "Score mesuré (1 à 5)")
    for i, label in enumerate(labels):
        centre = top + (i + 0.5) * row
        body.append(svg_text(left - TICK_PAD, centre + 0.35 * TICK_TEXT, label, TICK_TEXT, "end"))
        for j, s in enumerate(series):
            y = centre + (j - (n - 1) / 2) * band
            value = s["scores"][i]
            if value is None:
                body.append(f'<rect x="{left:.1f}" y="{y - 0.45 * band:.1f}" width="{5 * unit:.1f}" '
                            f'height="{0.9 * band:.1f}" fill="none" stroke="{MUTED}" stroke-width="0.8" '
                            'stroke-dasharray="2.4 1.6"/>')
                body.append(svg_text(left + 2.5 * unit, y + 0.35 * VALUE_TEXT, NOT_MEASURED, VALUE_TEXT, "middle",
                                     fill=MUTED, italic=True))
            else:
                body.append(f'<rect x="{left:.1f}" y="{y - 0.45 * band:.1f}" width="{value * unit:.1f}" '
                            f'height="{0.9 * band:.1f}" fill="{_series_fill(j)}"/>')
                body.append(svg_text(left + (value + 0.06) * unit, y + 0.35 * VALUE_TEXT, formats.number(value, 1),
                                     VALUE_TEXT, bold=j == 0))
    body += axes
    if n > 1:
        pitch = VALUE_TEXT * 1.2 + 0.35 * VALUE_TEXT * 1.2  # a line and matplotlib's labelspacing
        baseline = height - 2.4 - 3.2 - 0.3 * VALUE_TEXT - (n - 1) * pitch
        x0 = 0.01 * w + 2.4 + 3.2
        for j, s in enumerate(series):
            body.append(f'<rect x="{x0:.1f}" y="{baseline - 0.35 * VALUE_TEXT - 2.8:.1f}" width="16" height="5.6" '
                        f'fill="{_series_fill(j)}"/>')
            body.append(svg_text(x0 + 16 + 6.4, baseline, shorten(s["name"], 70), VALUE_TEXT))
            baseline += pitch
    return _wide_document(height, body, series_patterns())


def draw_bars(data: dict[str, Any]) -> bytes:
    """Horizontal bars with their value written at the end, so colour is never the only cue; names on up
    to two lines, the bars starting where the longest name ends."""
    labels, values = data["labels"], data["values"]
    rows = max(len(labels), 2)
    two_lines = any(len(label) > BAR_LABEL_WRAP for label in labels)
    height = PT_PER_IN * (0.8 + (0.46 if two_lines else 0.34) * rows)
    top, bottom = PT_PER_IN * 0.35, height - PT_PER_IN * 0.6
    names = [wrap_label(shorten(label, 2 * BAR_LABEL_WRAP), BAR_LABEL_WRAP, 2).split("\n") for label in labels]
    w = WIDE_CHART_W
    left, right = _left_edge((line for lines in names for line in lines), w), 0.94 * w
    most = max([*values, 1])
    xmax = most * 1.12
    unit = (right - left) / xmax
    span = len(labels) - 1 + 0.7  # matplotlib's view: the bars' extent and 5 % more each side
    first = -0.35 - 0.05 * span
    row = (bottom - top) / (span * 1.1)
    body, axes = _scale(left, right, top, bottom, xmax, scale_ticks(xmax), data["xlabel"])
    for i, (lines, value, colour) in enumerate(zip(names, values, data["colours"], strict=True)):
        centre = top + (i - first) * row
        pitch = TICK_TEXT * 1.17
        first_line = centre - (len(lines) - 1) * pitch / 2 + 0.35 * TICK_TEXT
        body += [svg_text(left - TICK_PAD, first_line + k * pitch, line, TICK_TEXT, "end")
                 for k, line in enumerate(lines)]
        body.append(f'<rect x="{left:.1f}" y="{centre - 0.35 * row:.1f}" width="{value * unit:.1f}" '
                    f'height="{0.7 * row:.1f}" fill="{colour}"/>')
        body.append(svg_text(left + (value + most * 0.015) * unit, centre + 0.35 * VALUE_TEXT,
                             formats.number(value, data.get("decimals")), VALUE_TEXT))
    return _wide_document(height, body + axes)


def draw_pillars_narrow(data: dict[str, Any]) -> bytes:
    """The pillars chart for a phone, written as SVG text: drawn NARROW_WIDTH px wide with text of
    NARROW_TEXT px or more, each pillar's name above its bars, the series named one per line below.
    Shown instead of the wide chart on narrow screens (pages.picture), where that one's 8 pt text fell
    to 5 px."""
    labels, series = data["labels"], data["series"]
    n = len(series)
    w, size, small = NARROW_WIDTH, NARROW_TEXT + 1, NARROW_TEXT
    left, right = 8.0, w - 44.0  # bars from 0 to 5 between these x; the value is written after the bar
    unit = (right - left) / 5
    bar = 15.0
    body: list[str] = []
    y = 6.0
    grid_top = y
    rows: list[str] = []
    groups: list[tuple[float, float]] = []  # the bars' bands, where the grid is drawn (never across a name)
    for i, label in enumerate(labels):
        y += size + 3
        rows.append(svg_text(left, y, label, size, bold=True))
        y += 5
        groups.append((y - 1, y + n * (bar + 2) - 1))
        for j, s in enumerate(series):
            value = s["scores"][i]
            if value is None:
                rows.append(f'<rect x="{left}" y="{y:.1f}" width="{5 * unit:.1f}" height="{bar}" fill="none" '
                            f'stroke="{MUTED}" stroke-dasharray="3 2" stroke-width="0.8"/>')
                rows.append(svg_text(left + 2.5 * unit, y + bar - 3.5, NOT_MEASURED, small, "middle", fill=MUTED,
                                     italic=True))
            else:
                fill = f"url(#serie-{j})" if j else PILLAR_COLOURS[0]
                rows.append(f'<rect x="{left}" y="{y:.1f}" width="{value * unit:.1f}" height="{bar}" fill="{fill}"/>')
                rows.append(svg_text(left + value * unit + 4, y + bar - 3.5, formats.number(value, 1), small,
                                     bold=j == 0))
            y += bar + 2
        y += 6
    grid_bottom = y
    del grid_top
    for tick in range(6):  # grid lines under the bars, the scale under the grid
        x = left + tick * unit
        body += [f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="{GRID}" '
                 f'stroke-width="0.8"/>' for top, bottom in groups]
        body.append(svg_text(x + (3 if tick == 0 else 0), grid_bottom + small, formats.number(tick), small,
                             "middle"))
    body.append(f'<line x1="{left}" y1="{grid_bottom - 4:.1f}" x2="{right:.1f}" y2="{grid_bottom - 4:.1f}" '
                f'stroke="{MUTED}" stroke-width="0.8"/>')
    body += rows
    y = grid_bottom + 2 * small + 6
    body.append(svg_text(left + 2.5 * unit, y, "Score mesuré (1 à 5)", small, "middle"))
    y += 14
    if n > 1:
        for j, s in enumerate(series):
            lines = wrap_to(s["name"], w - left - 30, small, lines=2)
            fill = f"url(#serie-{j})" if j else PILLAR_COLOURS[0]
            body.append(f'<rect x="{left}" y="{y + 4:.1f}" width="18" height="11" fill="{fill}"/>')
            for k, line in enumerate(lines):
                body.append(svg_text(left + 26, y + small + k * (small + 3), line, small))
            y += len(lines) * (small + 3) + 5
    defs = "".join(
        f'<pattern id="serie-{j}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{PILLAR_COLOURS[j]}"/>'
        + ('<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="1.5"/>' if j == 1 else
           '<circle cx="3" cy="3" r="1" fill="#ffffff"/>') + "</pattern>" for j in (1, 2))
    return svg_document(w, y + 4, body, defs)


def draw_bars_narrow(data: dict[str, Any]) -> bytes:
    """Bars (hubs by type or status, a pillar's ranking) for a phone, written as SVG text: each name on
    its own line above its bar, the value after the bar, NARROW_WIDTH px wide with text of NARROW_TEXT px
    or more. Shown instead of the wide chart below 720 px (pages.picture)."""
    labels, values = data["labels"], data["values"]
    colours = data.get("colours") or [OKABE_ITO[0]] * len(labels)
    w, size = NARROW_WIDTH, NARROW_TEXT
    left, right = 8.0, w - 56.0
    top = data.get("top") or max([*values, 1])
    unit = (right - left) / top
    bar = 13.0
    body: list[str] = []
    y = 4.0
    for label, value, colour in zip(labels, values, colours, strict=True):
        for line in wrap_to(label, w - 2 * left, size, lines=2):
            y += size + 2
            body.append(svg_text(left, y, line, size))
        y += 4
        body.append(f'<rect x="{left}" y="{y:.1f}" width="{max(value * unit, 0.5):.1f}" height="{bar}" '
                    f'fill="{colour}"/>')
        body.append(svg_text(left + value * unit + 4, y + bar - 2, formats.number(value, data.get("decimals")), size))
        y += bar + 6
    body.append(f'<line x1="{left}" y1="2" x2="{left}" y2="{y:.1f}" stroke="{MUTED}" stroke-width="0.8"/>')
    y += size + 4
    body.append(svg_text(left, y, data.get("xlabel", ""), size, fill=MUTED))
    return svg_document(w, y + 6, body)


def draw_years_narrow(data: dict[str, Any]) -> bytes:
    """Hubs founded per year for a phone, as SVG text: vertical bars, a year written every few bars so that
    no two overlap, the scale's top and middle written at the left, words of NARROW_TEXT px or more."""
    years, values = data["years"], data["values"]
    w, size = NARROW_WIDTH, NARROW_TEXT
    top = max([*values, 1])
    step_value = max(1, math.ceil(top / 2))
    scale_top = step_value * 2
    left = 8 + text_width(formats.number(scale_top), size) + 4
    right, base, height = w - 8.0, 30.0 + 160, 160.0
    slot = (right - left) / len(years)
    body = []
    for tick in (0, step_value, scale_top):
        y = base - height * tick / scale_top
        colour = GRID if tick else MUTED
        body.append(f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{right:.1f}" y2="{y:.1f}" stroke="{colour}" '
                    f'stroke-width="0.8"/>')
        body.append(svg_text(left - 4, y + size * 0.35, formats.number(tick), size, "end"))
    for i, value in enumerate(values):
        h = height * value / scale_top
        body.append(f'<rect x="{left + i * slot + slot * 0.12:.1f}" y="{base - h:.1f}" width="{slot * 0.76:.1f}" '
                    f'height="{h:.1f}" fill="{OKABE_ITO[2]}"/>')
    every = max(1, math.ceil(len(years) / ((right - left) // (text_width("2000", size) + 10))))
    for i in range(0, len(years), every):
        body.append(svg_text(left + (i + 0.5) * slot, base + size + 4, str(years[i]), size, "middle"))
    body.append(svg_text(left, 14, "Lieux créés par année", size, fill=MUTED))
    return svg_document(w, base + size + 12, body)


def draw_ranking(data: dict[str, Any]) -> bytes:
    """Ranked territories, best first, each bar labelled with its rating."""
    labels = data["labels"]
    return draw_bars({"labels": labels, "values": data["values"], "colours": [OKABE_ITO[0]] * len(labels),
                      "xlabel": "Score mesuré (1 à 5)", "decimals": 1})


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
    ax = fig.add_axes((0.02, 0.14, 0.96, 0.84))
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


def grouped_network_figure(data: dict[str, Any]) -> tuple[Figure, list[Annotation]]:
    """Territories as discs (area by their number of linked hubs) joined by lines as thick as their
    partnerships are many; labels placed apart as in `network_figure`."""
    nodes = data["nodes"]
    positions = network_layout([n["id"] for n in nodes], [e[:2] for e in data["edges"]])
    fig = new_figure(8.0, 6.4)
    ax = fig.add_axes((0.02, 0.1, 0.96, 0.88))
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
    labels = [ax.annotate(wrap_label(f"{shorten(n['label'], 40)} ({formats.number(n['hubs'])})"), (x, y),
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
    handles = [Line2D([], [], linestyle="none", marker="o", markerfacecolor=OKABE_ITO[0], markeredgecolor=INK,
                      markersize=7, label=f"lieux reliés, par {GROUP_WORDS[data['level']]} (nombre)"),
               Line2D([], [], color=MUTED, linewidth=3, label="partenariats entre territoires (épaisseur)")]
    if any(n["outside"] for n in nodes):
        handles.append(Line2D([], [], linestyle="none", marker="o", markerfacecolor="white",
                              markeredgecolor=OKABE_ITO[0], markersize=7, label="partenaires d'une autre région"))
    fig.legend(handles=handles, loc="lower center", ncols=len(handles), frameon=False, fontsize=7)
    return fig, labels


def draw_network_groups(data: dict[str, Any]) -> bytes:
    """The network counted between territories (see `grouped_network_spec`)."""
    return svg_bytes(grouped_network_figure(data)[0])


DRAWERS: dict[str, Callable[[dict[str, Any]], bytes]] = {
    "network-groups": draw_network_groups,
    "pillars": draw_pillars,
    "pillars-narrow": draw_pillars_narrow,
    "bars-narrow": draw_bars_narrow,
    "years-narrow": draw_years_narrow,
    "bars": draw_bars,
    "ranking": draw_ranking,
    "years": draw_years,
    "network": draw_network,
}
