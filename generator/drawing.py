"""The drawing kit shared by charts and maps: what a picture is made of, its style, its SVG bytes.

A picture is first a `Spec`: plain, picklable data (title, alt text, table, drawing data) computed
from the atlas without drawing anything. The spec is what the cache key hashes and what a worker
process receives; `svg_bytes` turns a matplotlib figure into deterministic SVG.
"""

from __future__ import annotations

import functools
import io
import math
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import matplotlib
import numpy as np

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Annotation  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402

from generator import formats  # noqa: E402
from generator.vocabulary import sort_key  # noqa: E402,F401  (French order, one place: charts and maps import it from here)

# Okabe-Ito, the colour-blind-safe palette (Okabe & Ito 2008), readable on the white card every
# picture is drawn on, which is itself readable in the site's light and dark palettes.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#D55E00",  # vermillion
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "h")
INK = "#1a1a1a"
MUTED = "#595959"  # 7:1 on white
GRID = "#d0d0d0"
PAPER = "#ffffff"
STATUS_COLOURS = {"active": "#009E73", "project": "#0072B2", "closed": "#D55E00"}
ATTRIBUTION = "© IGN – ADMIN EXPRESS COG CARTO, Licence Ouverte 2.0"

# Everything that shapes the look of a picture; applied with rc_context so that other users of
# matplotlib in the same process are left alone.
STYLE: dict[str, Any] = {
    "svg.hashsalt": "atlas-territoires-de-demain",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "text.parse_math": False,  # a `$` in a sheet's name is a dollar sign, never mathtext
    "text.usetex": False,
    "text.color": INK,
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "axes.titlesize": 10,
    "axes.prop_cycle": matplotlib.cycler(color=OKABE_ITO),
    "xtick.color": INK,
    "ytick.color": INK,
    "figure.facecolor": PAPER,
    "axes.facecolor": PAPER,
    "savefig.facecolor": PAPER,
    "path.simplify": True,
    "hatch.linewidth": 0.8,
}
SVG_METADATA = {"Date": None, "Creator": None, "Contributor": None, "Format": None, "Type": None}


@dataclass(frozen=True)
class Spec:
    """Everything a picture is made of, before drawing. `data` holds only JSON-able values."""

    key: str
    kind: str
    title: str
    alt: str
    table_headers: tuple[str, ...]
    table_rows: tuple[tuple[str, ...], ...]
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def filename(self) -> str:
        return f"assets/pictures/{self.key}.svg"


def style() -> Any:
    """The rc_context every picture is drawn in."""
    return matplotlib.rc_context(STYLE)


def new_figure(width: float, height: float) -> Figure:
    """A figure not registered with pyplot, so that thousands of them never pile up in memory."""
    return Figure(figsize=(width, height), facecolor=PAPER)


_PATH_DATA = re.compile(rb' d="([^"]*)"')
_GLYPH = re.compile(rb'<path id="(DejaVu[^"]*)" d="([^"]*)" transform="scale\(0\.015625\)"')
_SEGMENT_ARGS = {"M": 2, "L": 2, "Q": 4, "C": 6, "z": 0, "Z": 0}
GLYPH_STEP = 16  # glyph outlines on a grid of 1/400 em (0.03 pt for 12 pt text): invisible, a third lighter
_NUMBERS: dict[int, dict[int, str]] = {}  # unit -> value -> text, shared by every path of a process


def _number(value: int, unit: int) -> str:
    """`value / unit` with no useless character: `-1.5`, `.3`, `12`."""
    sign = "-" if value < 0 else ""
    whole, part = divmod(abs(value), unit)
    if not part:
        return f"{sign}{whole}"
    digits = str(part).rjust(len(str(unit)) - 1, "0").rstrip("0")
    return f"{sign}{whole or ''}.{digits}"


def compact_path(data: str, unit: int) -> str:
    """Path data on a grid of 1/`unit`, in relative commands with implicit separators.

    Absolute coordinates are rounded first and the relative steps are taken between rounded
    points, so errors never add up along a boundary; steps that round to nothing are dropped.
    Returns the data unchanged when it holds a command this writer does not know.
    """
    tokens = data.split()
    letters: list[str] = []
    numeric: list[str] = []
    for token in tokens:
        (letters if token in _SEGMENT_ARGS else numeric).append(token)
    if not letters or tokens[0] not in _SEGMENT_ARGS or sum(_SEGMENT_ARGS[c] for c in letters) != len(numeric):
        return data
    try:
        values: list[int] = np.rint(np.array(numeric, dtype=float) * unit).astype(np.int64).tolist()
    except ValueError:
        return data
    texts = _NUMBERS.setdefault(unit, {})
    out: list[str] = []
    last = ""  # last command letter written, so that repeated commands are implicit
    previous = ""  # last number written after it
    x = y = start_x = start_y = 0
    drawn = False  # whether the current subpath has a visible segment yet
    j = 0
    for command in letters:
        if command == "M":
            x = start_x = values[j]
            y = start_y = values[j + 1]
            j += 2
            steps: tuple[int, ...] = (x, y)
            letter = "M"
            drawn = False
        elif command == "L":
            dx, dy = values[j] - x, values[j + 1] - y
            x, y = values[j], values[j + 1]
            j += 2
            if dy == 0:
                if dx == 0 and drawn:
                    continue
                letter, steps = ("h", (dx,)) if dx else ("l", (0, 0))
            elif dx == 0:
                letter, steps = "v", (dy,)
            else:
                letter, steps = "l", (dx, dy)
            drawn = True
        elif command in ("z", "Z"):
            out.append("z")
            last, previous = "z", ""
            x, y = start_x, start_y
            continue
        else:
            count = _SEGMENT_ARGS[command]
            steps = tuple(v - (x if k % 2 == 0 else y) for k, v in enumerate(values[j:j + count]))
            x, y = values[j + count - 2], values[j + count - 1]
            j += count
            letter = command.lower()
            drawn = True
        if letter != last or letter == "M":
            out.append(letter)
            previous = ""
            last = letter
        for step in steps:
            text = texts.get(step)
            if text is None:
                text = texts[step] = _number(step, unit)
            if previous and text[0] != "-" and not (text[0] == "." and "." in previous):
                out.append(" ")
            out.append(text)
            previous = text
    return "".join(out)


def _compact_path(match: re.Match[bytes]) -> bytes:
    """Straight-line paths (outlines, bars, axes) on a 0.1 pt grid, curves (markers) on 0.01 pt."""
    data = match.group(1).decode("ascii")
    unit = 100 if ("C" in data or "Q" in data) else 10
    return b' d="' + compact_path(data, unit).encode("ascii") + b'"'


def _compact_glyph(match: re.Match[bytes]) -> bytes:
    """Glyph outlines (in 1/6400 em) on a grid of GLYPH_STEP units, scaled back by the transform."""
    tokens = [t if t[:1].isalpha() else str(float(t) / GLYPH_STEP) for t in match.group(2).decode("ascii").split()]
    data = compact_path(" ".join(tokens), 1)
    return (b'<path id="' + match.group(1) + b'" d="' + data.encode("ascii")
            + b'" transform="scale(' + str(GLYPH_STEP / 64).encode("ascii") + b')"')


COARSE = "coarse"  # gid prefix of artists drawn on a whole-point grid (small overview maps)
_COARSE_GROUP = re.compile(rb'<g id="' + COARSE.encode() + rb'[^"]*">.*?</g>', re.DOTALL)
_FONT = b"font-family: 'DejaVu Sans'"
FONT_FALLBACK = b"font-family: 'DejaVu Sans', 'Bitstream Vera Sans', Verdana, sans-serif"


def _coarse_group(match: re.Match[bytes]) -> bytes:
    def whole_points(path: re.Match[bytes]) -> bytes:
        return b' d="' + compact_path(path.group(1).decode("ascii"), 1).encode("ascii") + b'"'
    return _PATH_DATA.sub(whole_points, match.group(0))


_STYLE_ATTR = re.compile(rb' style="([^"]*)"')
_STYLE_SHEET = b"</style>"


def shared_styles(svg: bytes) -> bytes:
    """Style attributes used more than once become classes of the SVG's own style sheet.

    Thousands of outlines and points repeat the same few styles; a class rule beats matplotlib's
    `*` rule exactly as the inline style did. Class names follow first use: same input, same bytes.
    """
    counts: dict[bytes, int] = {}
    for value in _STYLE_ATTR.findall(svg):
        counts[value] = counts.get(value, 0) + 1
    names: dict[bytes, bytes] = {}
    for value, count in counts.items():
        if count > 1:
            names[value] = b"s%d" % len(names)
    if not names or svg.count(_STYLE_SHEET) != 1 or b" class=" in svg:
        return svg
    svg = _STYLE_ATTR.sub(lambda m: b' class="' + names[m.group(1)] + b'"' if m.group(1) in names else m.group(0), svg)
    rules = b"".join(b"\n." + name + b"{" + value + b"}" for value, name in names.items())
    return svg.replace(_STYLE_SHEET, rules + b"\n" + _STYLE_SHEET)


def svg_bytes(fig: Figure) -> bytes:
    """Deterministic SVG: fixed hash salt (in STYLE), no date, no creator in the metadata; compact paths.

    Text drawn as text (`svg.fonttype` "none", used by the locator maps) names fonts close to
    DejaVu Sans after it, for a reader that lacks it.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata=SVG_METADATA, facecolor=PAPER)
    plt.close(fig)
    svg = _GLYPH.sub(_compact_glyph, buffer.getvalue())
    svg = _COARSE_GROUP.sub(_coarse_group, svg)
    return shared_styles(_PATH_DATA.sub(_compact_path, svg).replace(_FONT, FONT_FALLBACK))


def french_axis(axis: Any, integer: bool = True) -> None:
    """Ticks formatted the French way (narrow no-break space, decimal comma)."""
    if integer:
        axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(FuncFormatter(lambda value, _pos: formats.number(round(value, 6))))


def shorten(text: str, limit: int = 38) -> str:
    """A label that fits beside a bar; the full text stays in the table and the alt text."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def enumerate_fr(items: Iterable[str]) -> str:
    """`a, b et c`: the French way to list things in a sentence."""
    items = list(items)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " et " + items[-1]


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`1 lieu`, `3 lieux`, `0 lieu` (French: 0 and 1 take the singular)."""
    word = singular if abs(count) < 2 else (plural_form or singular + "s")
    return f"{formats.number(count)}{formats.NBSP}{word}"


def wrap_label(text: str, width: int = 20, lines: int = 3) -> str:
    """A long name on a few short lines of even length, so that it takes less room beside its point."""
    text = " ".join(text.split())
    count = min(lines, max(1, math.ceil(len(text) / width)))
    for target in range(math.ceil(len(text) / count), width + 1):
        wrapped = textwrap.wrap(text, target, break_long_words=False)
        if len(wrapped) <= count:
            return "\n".join(wrapped)
    return "\n".join(textwrap.wrap(text, width, max_lines=lines, placeholder=" …")) or text


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
    if not len(segments):
        return 0
    x0, y0, x1, y1 = segments[:, 0], segments[:, 1], segments[:, 2], segments[:, 3]
    bx0, by0, bx1, by1 = box[0], box[1], box[2], box[3]
    near = ((np.minimum(x0, x1) <= bx1) & (np.maximum(x0, x1) >= bx0)
            & (np.minimum(y0, y1) <= by1) & (np.maximum(y0, y1) >= by0))
    if not near.any():
        return 0
    x0, y0, x1, y1 = x0[near], y0[near], x1[near], y1[near]
    dx, dy = x1 - x0, y1 - y0
    above = below = None
    for cx, cy in ((bx0, by0), (bx1, by0), (bx0, by1), (bx1, by1)):
        side = dx * (cy - y0) - dy * (cx - x0)
        above = side > 0 if above is None else above & (side > 0)
        below = side < 0 if below is None else below & (side < 0)
    return int(np.count_nonzero(~(above | below)))


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


def overlap_area(box: tuple[float, ...], others: np.ndarray) -> float:
    """`_overlap`, with one box in `others` computed without numpy's per-call cost (same result)."""
    if len(others) != 1:
        return _overlap(box, others)
    o = others[0]
    ox = min(box[2], float(o[2])) - max(box[0], float(o[0]))
    oy = min(box[3], float(o[3])) - max(box[1], float(o[1]))
    return max(ox, 0.0) * max(oy, 0.0)


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
                if lines is not None and (best is None or covered < best[0]):
                    covered += CROSSING_COST * segments_crossing(box, lines)
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


# --- pictures written as SVG text (no matplotlib): the narrow variants read on phones -------------

NARROW_WIDTH = 340  # px: the width a narrow variant is drawn for (a 360 px screen's column, about 328 px)
NARROW_TEXT = 12.5  # px: the smallest text of a narrow variant, 11 px or more once scaled to that column
SVG_FONT = "DejaVu Sans, Bitstream Vera Sans, Verdana, sans-serif"


@functools.cache
def _font(weight: str) -> Any:
    from matplotlib.font_manager import FontProperties

    return FontProperties(family="DejaVu Sans", weight=weight, size=100)


def _measured_width(text: str, bold: bool) -> float:
    """Width of `text` at 100 px as matplotlib lays it out (its advances and kerning): 0.25 ms a call."""
    from matplotlib.textpath import TextToPath

    width, _, _ = TextToPath().get_text_width_height_descent(text, _font("bold" if bold else "normal"), ismath=False)
    return float(width)


_ADVANCE: dict[tuple[str, bool], float] = {}  # character -> its width at 100 px
_KERNING: dict[tuple[str, str, bool], float] = {}  # pair of characters -> what their pair adds to the two widths


@functools.lru_cache(maxsize=4096)
def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of one line of text in DejaVu Sans at `size` px, from the font's own metrics (no rendering).

    A line's width is the sum of its characters' advances and of its pairs' kerning (what matplotlib
    measures, to the last bit: multiples of 1/64 px at 100 px); each character and each pair is measured
    once per process, so that the names of thousands of pictures cost microseconds instead of 0.25 ms."""
    if len(text) < 2:
        return _measured_width(text, bold) * size / 100
    total = 0.0
    previous = ""
    for char in text:
        advance = _ADVANCE.get((char, bold))
        if advance is None:
            advance = _ADVANCE[(char, bold)] = _measured_width(char, bold)
        total += advance
        if previous:
            kerning = _KERNING.get((previous, char, bold))
            if kerning is None:
                kerning = _KERNING[(previous, char, bold)] = (_measured_width(previous + char, bold)
                                                               - _ADVANCE[(previous, bold)] - advance)
            total += kerning
        previous = char
    return total * size / 100


def wrap_to(text: str, width: float, size: float, bold: bool = False, lines: int = 3) -> list[str]:
    """Whole words on lines no wider than `width` px at `size` px; the last line ends with `…` when cut."""
    words = " ".join(text.split()).split(" ")
    out: list[str] = []
    for word in words:
        if out and text_width(out[-1] + " " + word, size, bold) <= width:
            out[-1] += " " + word
        else:
            out.append(word)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1].rstrip() + " …"
    return out or [""]


def xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def svg_text(x: float, y: float, text: str, size: float, anchor: str = "start", bold: bool = False,
             fill: str = INK, italic: bool = False) -> str:
    """One line of text, its baseline at y."""
    style = (' font-weight="bold"' if bold else "") + (' font-style="italic"' if italic else "")
    anchor_attr = f' text-anchor="{anchor}"' if anchor != "start" else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}"{anchor_attr}{style} fill="{fill}">'
            f"{xml_text(text)}</text>")


def svg_document(width: float, height: float, body: list[str], defs: str = "", unit: str = "px") -> bytes:
    """A whole SVG picture of `width` × `height` `unit`s (px, or pt as matplotlib wrote) on the white card,
    its size said in that unit (see pages.legible_width)."""
    size = (f'width="{width:.0f}px" height="{height:.0f}px" viewBox="0 0 {width:.0f} {height:.0f}"' if unit == "px"
            else f'width="{width:g}{unit}" height="{height:.1f}{unit}" viewBox="0 0 {width:g} {height:.1f}"')
    head = (f'<?xml version="1.0" encoding="utf-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" {size} '
            f'font-family="{SVG_FONT}">')
    parts = [head]
    if defs:
        parts.append(f"<defs>{defs}</defs>")
    parts.append(f'<rect width="{width:.0f}" height="{height:.0f}" fill="{PAPER}"/>' if unit == "px"
                 else f'<rect width="{width:g}" height="{height:.1f}" fill="{PAPER}"/>')
    parts += body
    parts.append("</svg>\n")
    return "\n".join(parts).encode("utf-8")
