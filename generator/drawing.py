"""The drawing kit shared by charts and maps: what a picture is made of, its style, its SVG bytes.

A picture is first a `Spec`: plain, picklable data (title, alt text, table, drawing data) computed
from the atlas without drawing anything. The spec is what the cache key hashes and what a worker
process receives; `svg_bytes` turns a matplotlib figure into deterministic SVG.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from generator import formats  # noqa: E402

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
_NUMBER = re.compile(rb"-?\d+\.\d+")


def _compact_path(match: re.Match[bytes]) -> bytes:
    """Path data with 2 decimals (1/100 pt) and no line breaks: maps shrink by about half."""
    def fix(number: re.Match[bytes]) -> bytes:
        text = b"%.2f" % float(number.group())
        text = text.rstrip(b"0").rstrip(b".")
        return b"0" if text == b"-0" else text
    data = _NUMBER.sub(fix, match.group(1))
    data = re.sub(rb"\s*\n\s*", b" ", data).strip()
    return b' d="' + data + b'"'


def svg_bytes(fig: Figure) -> bytes:
    """Deterministic SVG: fixed hash salt (in STYLE), no date, no creator in the metadata."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata=SVG_METADATA, facecolor=PAPER)
    plt.close(fig)
    return _PATH_DATA.sub(_compact_path, buffer.getvalue())


def french_axis(axis: Any, integer: bool = True) -> None:
    """Ticks formatted the French way (narrow no-break space, decimal comma)."""
    if integer:
        axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(FuncFormatter(lambda value, _pos: formats.number(round(value, 6))))


def shorten(text: str, limit: int = 38) -> str:
    """A label that fits beside a bar; the full text stays in the table and the alt text."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def sort_key(text: str) -> tuple[str, str]:
    """Alphabetical order the French way: accents and case do not come first (`Alpes-de-…` before `Alpes-M…`)."""
    plain = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return plain.casefold(), text


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
