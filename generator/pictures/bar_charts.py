"""Bar charts written as SVG text: the pillars profile, hubs by type or status, rankings, and their
variants for phones; the years chart (the one drawn through matplotlib).

Written directly (about 0.1-0.3 ms each instead of 60-130 ms through matplotlib), with the layout
matplotlib gave them: 6.4 in wide, names at the left, the value after each bar, the scale below.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from generator import formats
from generator.pictures.mpl import new_figure, svg_bytes
from generator.pictures.spec import GRID, INK, MUTED, OKABE_ITO, shorten, wrap_label
from generator.pictures.svg import NARROW_TEXT, NARROW_WIDTH, svg_document, svg_text, text_width, wrap_to

PILLAR_COLOURS = (OKABE_ITO[0], OKABE_ITO[4], MUTED)  # blue, vermillion, grey: each above 3:1 on white
LEGEND_LINE = 0.2  # inches per line of the legend under the pillars chart
BAR_LABEL_WRAP = 30  # characters per line of a bar's name (two lines at most, whole words)
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
           title: str, lang: str) -> tuple[list[str], list[str]]:
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
    axes += [svg_text(left + t * unit, baseline, formats.number(round(t, 6), lang=lang), TICK_TEXT, "middle")
             for t in ticks]
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
    labels, series, words, lang = data["labels"], data["series"], data["words"], data["lang"]
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
    body, axes = _scale(left, right, top, bottom, xmax, [float(t) for t in range(6)], words["scale"], lang)
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
                body.append(svg_text(left + 2.5 * unit, y + 0.35 * VALUE_TEXT, words["not_measured"], VALUE_TEXT,
                                     "middle", fill=MUTED, italic=True))
            else:
                body.append(f'<rect x="{left:.1f}" y="{y - 0.45 * band:.1f}" width="{value * unit:.1f}" '
                            f'height="{0.9 * band:.1f}" fill="{_series_fill(j)}"/>')
                body.append(svg_text(left + (value + 0.06) * unit, y + 0.35 * VALUE_TEXT,
                                     formats.number(value, 1, lang=lang), VALUE_TEXT, bold=j == 0))
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
    lang = data["lang"]
    body, axes = _scale(left, right, top, bottom, xmax, scale_ticks(xmax), data["xlabel"], lang)
    for i, (lines, value, colour) in enumerate(zip(names, values, data["colours"], strict=True)):
        centre = top + (i - first) * row
        pitch = TICK_TEXT * 1.17
        first_line = centre - (len(lines) - 1) * pitch / 2 + 0.35 * TICK_TEXT
        body += [svg_text(left - TICK_PAD, first_line + k * pitch, line, TICK_TEXT, "end")
                 for k, line in enumerate(lines)]
        body.append(f'<rect x="{left:.1f}" y="{centre - 0.35 * row:.1f}" width="{value * unit:.1f}" '
                    f'height="{0.7 * row:.1f}" fill="{colour}"/>')
        body.append(svg_text(left + (value + most * 0.015) * unit, centre + 0.35 * VALUE_TEXT,
                             formats.number(value, data.get("decimals"), lang=lang), VALUE_TEXT))
    return _wide_document(height, body + axes)


def draw_pillars_narrow(data: dict[str, Any]) -> bytes:
    """The pillars chart for a phone, written as SVG text: drawn NARROW_WIDTH px wide with text of
    NARROW_TEXT px or more, each pillar's name above its bars, the series named one per line below.
    Shown instead of the wide chart on narrow screens (pages.picture), where that one's 8 pt text fell
    to 5 px."""
    labels, series, words, lang = data["labels"], data["series"], data["words"], data["lang"]
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
                rows.append(svg_text(left + 2.5 * unit, y + bar - 3.5, words["not_measured"], small, "middle",
                                     fill=MUTED, italic=True))
            else:
                fill = f"url(#serie-{j})" if j else PILLAR_COLOURS[0]
                rows.append(f'<rect x="{left}" y="{y:.1f}" width="{value * unit:.1f}" height="{bar}" fill="{fill}"/>')
                rows.append(svg_text(left + value * unit + 4, y + bar - 3.5, formats.number(value, 1, lang=lang),
                                     small, bold=j == 0))
            y += bar + 2
        y += 6
    grid_bottom = y
    del grid_top
    # grid lines under the bars (one path: 30 lines cost a third of the picture as elements), the scale under
    lines = "".join(f"M{left + tick * unit:.1f} {top:.1f}V{bottom:.1f}" for tick in range(6) for top, bottom in groups)
    body.append(f'<path d="{lines}" stroke="{GRID}" stroke-width="0.8"/>')
    for tick in range(6):
        x = left + tick * unit
        body.append(svg_text(x + (3 if tick == 0 else 0), grid_bottom + small, formats.number(tick, lang=lang),
                             small, "middle"))
    body.append(f'<line x1="{left}" y1="{grid_bottom - 4:.1f}" x2="{right:.1f}" y2="{grid_bottom - 4:.1f}" '
                f'stroke="{MUTED}" stroke-width="0.8"/>')
    body += rows
    y = grid_bottom + 2 * small + 6
    body.append(svg_text(left + 2.5 * unit, y, words["scale"], small, "middle"))
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
        body.append(svg_text(left + value * unit + 4, y + bar - 2,
                             formats.number(value, data.get("decimals"), lang=data["lang"]), size))
        y += bar + 6
    body.append(f'<line x1="{left}" y1="2" x2="{left}" y2="{y:.1f}" stroke="{MUTED}" stroke-width="0.8"/>')
    y += size + 4
    body.append(svg_text(left, y, data.get("xlabel", ""), size, fill=MUTED))
    return svg_document(w, y + 6, body)


def draw_years_narrow(data: dict[str, Any]) -> bytes:
    """Hubs founded per year for a phone, as SVG text: vertical bars, a year written every few bars so that
    no two overlap, the scale's top and middle written at the left, words of NARROW_TEXT px or more."""
    years, values, lang = data["years"], data["values"], data["lang"]
    w, size = NARROW_WIDTH, NARROW_TEXT
    top = max([*values, 1])
    step_value = max(1, math.ceil(top / 2))
    scale_top = step_value * 2
    left = 8 + text_width(formats.number(scale_top, lang=lang), size) + 4
    right, base, height = w - 8.0, 30.0 + 160, 160.0
    slot = (right - left) / len(years)
    body = []
    for tick in (0, step_value, scale_top):
        y = base - height * tick / scale_top
        colour = GRID if tick else MUTED
        body.append(f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{right:.1f}" y2="{y:.1f}" stroke="{colour}" '
                    f'stroke-width="0.8"/>')
        body.append(svg_text(left - 4, y + size * 0.35, formats.number(tick, lang=lang), size, "end"))
    for i, value in enumerate(values):
        h = height * value / scale_top
        body.append(f'<rect x="{left + i * slot + slot * 0.12:.1f}" y="{base - h:.1f}" width="{slot * 0.76:.1f}" '
                    f'height="{h:.1f}" fill="{OKABE_ITO[2]}"/>')
    every = max(1, math.ceil(len(years) / ((right - left) // (text_width("2000", size) + 10))))
    for i in range(0, len(years), every):
        body.append(svg_text(left + (i + 0.5) * slot, base + size + 4, str(years[i]), size, "middle"))
    body.append(svg_text(left, 14, data["words"]["title"], size, fill=MUTED))
    return svg_document(w, base + size + 12, body)


def ranking_narrow_data(data: dict[str, Any]) -> dict[str, Any]:
    """A ranking drawn for phones as bars (`draw_bars_narrow`): its scale's title, one decimal, up to 5."""
    return {**data, "decimals": 1, "top": 5}


def draw_ranking(data: dict[str, Any]) -> bytes:
    """Ranked territories, best first, each bar labelled with its rating."""
    labels = data["labels"]
    return draw_bars({"labels": labels, "values": data["values"], "colours": [OKABE_ITO[0]] * len(labels),
                      "xlabel": data["xlabel"], "decimals": 1, "lang": data["lang"]})


def draw_years(data: dict[str, Any]) -> bytes:
    """Vertical bars per year; years written without a thousands separator, counts the language's way."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    years, values = data["years"], data["values"]
    fig = new_figure(6.4, 3.0)
    ax = fig.add_axes((0.1, 0.17, 0.87, 0.78))
    ax.bar(years, values, color=OKABE_ITO[2], width=0.75)
    step = max(1, round(len(years) / 12))
    ax.set_xticks(years[::step], [str(y) for y in years[::step]])
    ax.set_xlim(years[0] - 0.6, years[-1] + 0.6)
    lang = data["lang"]
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts written the language's way
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: formats.number(round(value, 6), lang=lang)))
    ax.yaxis.grid(True, color=GRID, linewidth=0.6)
    ax.set_ylabel(data["words"]["ylabel"])
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_axisbelow(True)
    return svg_bytes(fig)
