"""The matplotlib kit: the atlas style, figures that never pile up, deterministic and compact SVG.

Used by the pictures whose layout earns matplotlib's cost (the home maps, the networks, the years
chart); `svg_bytes` writes a figure with a fixed hash salt and no date, its paths on a grid.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any

from generator.collector import PYTHON_THRESHOLDS, collecting
from generator.pictures.spec import INK, MUTED, OKABE_ITO, PAPER

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# matplotlib (its figures, pyplot, tickers) is imported when a picture is drawn, not with this module:
# the spec modules read its constants (COARSE), and a build whose pictures all come from the cache
# never draws (importing matplotlib was 0.2 s of every regeneration, pyplot and its figures 0.3 s more)


@cache
def _matplotlib() -> Any:
    """matplotlib on its Agg backend (no window ever opens), imported at the first picture drawn."""
    import matplotlib

    matplotlib.use("Agg")
    return matplotlib

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
    "xtick.color": INK,
    "ytick.color": INK,
    "figure.facecolor": PAPER,
    "axes.facecolor": PAPER,
    "savefig.facecolor": PAPER,
    "path.simplify": True,
    "hatch.linewidth": 0.8,
}


SVG_METADATA = {"Date": None, "Creator": None, "Contributor": None, "Format": None, "Type": None}


@contextmanager
def style() -> Iterator[None]:
    """The rc_context every picture is drawn in (STYLE, and the Okabe-Ito colours in turn), with the cyclic
    garbage collector on, at Python's own thresholds: a figure is a web of reference cycles, and at a build's
    (generator.collector) the figures drawn piled up until a full collection, 0.5 MB a map or network."""
    matplotlib = _matplotlib()
    with collecting(PYTHON_THRESHOLDS), \
            matplotlib.rc_context({**STYLE, "axes.prop_cycle": matplotlib.cycler(color=OKABE_ITO)}):
        yield


def new_figure(width: float, height: float) -> Figure:
    """A figure not registered with pyplot, so that thousands of them never pile up in memory."""
    _matplotlib()
    from matplotlib.figure import Figure

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
    import numpy as np  # here: a build that draws no picture need not import it (0.1 s)

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


_INDENT = re.compile(rb">\n +<")  # only blanks between two tags: never inside a text
TEXT_AS_TEXT = {"svg.fonttype": "none"}  # words as <text> (a quarter of the bytes of glyph outlines)
_PLACE = re.compile(rb' (x|y)="(-?[0-9]+\.[0-9]{3,})"')
_NO_TURN = re.compile(rb' transform="rotate\(-?0 [-0-9. ]+\)"')
_SHIFT = re.compile(rb' transform="translate\((-?[0-9.]+) (-?[0-9.]+)\)"')


def _hundredths(match: re.Match[bytes]) -> bytes:
    return b" " + match.group(1) + b'="' + _number(round(float(match.group(2)) * 100), 100).encode() + b'"'


def _compact_places(svg: bytes) -> bytes:
    """Where texts and markers are (x, y, a text's translation) to 0.01 pt, and no rotation by 0:
    matplotlib writes six decimals and `rotate(-0 x y)` on every text drawn as text."""
    svg = _NO_TURN.sub(b"", _PLACE.sub(_hundredths, svg))
    return _SHIFT.sub(lambda m: b' transform="translate(' + _number(round(float(m.group(1)) * 100), 100).encode()
                      + b" " + _number(round(float(m.group(2)) * 100), 100).encode() + b')"', svg)


def svg_bytes(fig: Figure) -> bytes:
    """Deterministic SVG: fixed hash salt (in STYLE), no date, no creator in the metadata; compact paths.

    Text drawn as text (`svg.fonttype` "none", TEXT_AS_TEXT: the networks) names fonts close to
    DejaVu Sans after it, for a reader that lacks it.
    """
    matplotlib = _matplotlib()
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata=SVG_METADATA, facecolor=PAPER)
    plt.close(fig)
    svg = _INDENT.sub(b">\n<", buffer.getvalue())  # matplotlib's indentation: 8 % of a network's bytes
    svg = _GLYPH.sub(_compact_glyph, svg)
    svg = _COARSE_GROUP.sub(_coarse_group, svg)
    if matplotlib.rcParams["svg.fonttype"] == "none":
        svg = _compact_places(svg)
    return shared_styles(_PATH_DATA.sub(_compact_path, svg).replace(_FONT, FONT_FALLBACK))
