"""What every picture shares: its `Spec` (plain data, computed before drawing), the palette, the words.

A spec is what the cache key hashes and what a worker process receives. The palette is Okabe-Ito,
readable by colour-blind readers on the white card every picture is drawn on; the words helpers
write French lists, plurals and shortened names for titles, alt texts and labels.
"""

from __future__ import annotations

import math
import re
import textwrap
from dataclasses import dataclass, field
from typing import Any

from generator import formats

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
    # its legend, written beside the picture as HTML (generator.pictures.legend): (symbol, words) entries,
    # so that a map whose drawing writes no other word than place names is one file for both editions
    legend: tuple[tuple[str, str], ...] = ()

    @property
    def filename(self) -> str:
        return f"assets/pictures/{self.key}.svg"


_BLANKS = re.compile(r"[ \t\n\r\f\v]+")  # not the no-break spaces: « Lab », « 5 lieux » stay on one line


def _one_line(text: str) -> str:
    return _BLANKS.sub(" ", text).strip(" ")


def shorten(text: str, limit: int = 38) -> str:
    """A label that fits beside a bar; the full text stays in the table and the alt text."""
    text = _one_line(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`1 lieu`, `3 lieux`, `0 lieu` (French: 0 and 1 take the singular)."""
    word = singular if abs(count) < 2 else (plural_form or singular + "s")
    return f"{formats.number(count)}{formats.NBSP}{word}"


def wrap_label(text: str, width: int = 20, lines: int = 3) -> str:
    """A long name on a few short lines of even length, so that it takes less room beside its point (never
    broken at a no-break space: textwrap breaks at ASCII blanks only)."""
    text = _one_line(text)
    count = min(lines, max(1, math.ceil(len(text) / width)))
    for target in range(math.ceil(len(text) / count), width + 1):
        wrapped = textwrap.wrap(text, target, break_long_words=False)
        if len(wrapped) <= count:
            return "\n".join(wrapped)
    return "\n".join(textwrap.wrap(text, width, max_lines=lines, placeholder=" …")) or text


