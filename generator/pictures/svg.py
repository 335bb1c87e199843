"""The SVG-text kit: pictures written as text, no plotting library (charts, locators, their variants).

Text widths come from DejaVu Sans' own metrics as matplotlib measures them, kept in a committed table
(`METRICS_FILE`), so that a picture written here lays its words out as a matplotlib one would, in
microseconds, and a build that draws a few pictures does not import matplotlib (0.3 s) to measure them.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from generator.pictures.spec import INK, PAPER

NARROW_WIDTH = 340  # px: the width a narrow variant is drawn for (a 360 px screen's column, about 328 px)
NARROW_TEXT = 12.5  # px: the smallest text of a narrow variant, 11 px or more once scaled to that column
SVG_FONT = "DejaVu Sans, Bitstream Vera Sans, Verdana, sans-serif"


@functools.cache
def _font(weight: str) -> Any:
    from matplotlib.font_manager import FontProperties

    return FontProperties(family="DejaVu Sans", weight=weight, size=100)


# every text measured through matplotlib, (text, bold) -> its width at 100 px: the glyphs outside the committed
# table (`METRICS_FILE`) and their pairs. Kept between builds by `run` (a file of the picture cache, per
# matplotlib version): a build that draws a name in another script measures it once
MEASURED: dict[tuple[str, bool], float] = {}


def _measured_width(text: str, bold: bool) -> float:
    """Width of `text` at 100 px as matplotlib lays it out (its advances and kerning): 0.25 ms a call."""
    found = MEASURED.get((text, bold))
    if found is None:
        from matplotlib.textpath import TextToPath

        width, _, _ = TextToPath().get_text_width_height_descent(text, _font("bold" if bold else "normal"),
                                                                 ismath=False)
        found = MEASURED[(text, bold)] = float(width)
    return found


# the ligatures matplotlib forms in DejaVu Sans, longest first: a line is split into glyphs greedily (an "ffi" is one)
LIGATURES = ("ffi", "ffl", "ff", "fi", "fl")
# the advances and kernings of the usual characters and ligatures, as matplotlib measured them
# (scripts/derive_font_metrics.py): read once, so that no build imports matplotlib to measure a name
METRICS_FILE = Path(__file__).with_name("dejavu-sans-metrics.json")
_ADVANCE: dict[tuple[str, bool], float] = {}  # glyph outside the table -> its width at 100 px
_KERNING: dict[tuple[str, str, bool], float] = {}  # pair of glyphs, one outside the table -> what the pair adds


@functools.cache
def _metrics(bold: bool) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """The committed table of one weight: advances, and the kernings of the pairs that have one (a pair of
    two glyphs of the table that it does not list has none). Empty when the file is missing or damaged:
    every glyph is then measured through matplotlib, as the table was made."""
    try:
        weight = json.loads(METRICS_FILE.read_text(encoding="utf-8"))["bold" if bold else "normal"]
        advance, kerning = weight["advance"], weight["kerning"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}, {}
    if not (isinstance(advance, dict) and isinstance(kerning, dict)):
        return {}, {}
    return advance, kerning


def _glyphs(text: str) -> list[str] | str:
    """The glyphs matplotlib lays `text` out as: its characters, each ligature of LIGATURES as one."""
    if "f" not in text:
        return text
    out: list[str] = []
    at = 0
    while at < len(text):
        for ligature in LIGATURES:
            if text.startswith(ligature, at):
                out.append(ligature)
                at += len(ligature)
                break
        else:
            out.append(text[at])
            at += 1
    return out


@functools.lru_cache(maxsize=4096)
def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of one line of text in DejaVu Sans at `size` px, from the font's own metrics (no rendering).

    A line's width is the sum of its glyphs' advances and of its pairs' kerning (what matplotlib measures,
    to the last bit: multiples of 1/64 px at 100 px, so that the sum is exact in any order; checked
    against matplotlib on names of the shipped atlas, tests/test_charts.py). The usual characters and
    ligatures are in the committed table (`METRICS_FILE`); another character, and its pairs, are measured
    through matplotlib once per process."""
    advances, kernings = _metrics(bold)
    total = 0.0
    previous = ""
    for glyph in _glyphs(text):
        advance = advances.get(glyph)
        if advance is None:
            advance = _ADVANCE.get((glyph, bold))
            if advance is None:
                advance = _ADVANCE[(glyph, bold)] = _measured_width(glyph, bold)
        total += advance
        if previous:
            if previous in advances and glyph in advances:
                total += kernings.get(previous, {}).get(glyph, 0.0)
            else:
                kerning = _KERNING.get((previous, glyph, bold))
                if kerning is None:
                    kerning = _KERNING[(previous, glyph, bold)] = (
                        _measured_width(previous + glyph, bold) - _glyph_width(previous, bold) - advance)
                total += kerning
        previous = glyph
    return total * size / 100


def _glyph_width(glyph: str, bold: bool) -> float:
    found = _metrics(bold)[0].get(glyph)
    return found if found is not None else _ADVANCE[(glyph, bold)]


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
    """One line of text, its baseline at y; in INK unless told, which the picture's root sets (svg_document)."""
    style = (' font-weight="bold"' if bold else "") + (' font-style="italic"' if italic else "")
    anchor_attr = f' text-anchor="{anchor}"' if anchor != "start" else ""
    fill_attr = f' fill="{fill}"' if fill != INK else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}"{anchor_attr}{style}{fill_attr}>'
            f"{xml_text(text)}</text>")


def haloed_text(x: float, y: float, text: str, size: float, halo: float) -> str:
    """Bold centred text over a white halo (a count on a map's circle): the halo is a text of its own
    drawn first, since WeasyPrint ignores `paint-order` and a stroke on the text itself covers its
    letters in the PDF; `text` is already XML text."""
    at = f'x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" text-anchor="middle" font-weight="bold"'
    return (f'<text {at} fill="{PAPER}" stroke="{PAPER}" stroke-width="{halo:g}">{text}</text>'
            f'<text {at}>{text}</text>')


def svg_document(width: float, height: float, body: list[str], defs: str = "", unit: str = "px") -> bytes:
    """A whole SVG picture of `width` × `height` `unit`s (px, or pt as matplotlib wrote) on the white card,
    its size said in that unit (see pages.legible_width). Its words are in INK, set once on the root (every
    shape says its own fill; a text only when it is not INK)."""
    size = (f'width="{width:.0f}px" height="{height:.0f}px" viewBox="0 0 {width:.0f} {height:.0f}"' if unit == "px"
            else f'width="{width:g}{unit}" height="{height:.1f}{unit}" viewBox="0 0 {width:g} {height:.1f}"')
    head = (f'<?xml version="1.0" encoding="utf-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" {size} '
            f'font-family="{SVG_FONT}" fill="{INK}">')
    parts = [head]
    if defs:
        parts.append(f"<defs>{defs}</defs>")
    parts.append(f'<rect width="{width:.0f}" height="{height:.0f}" fill="{PAPER}"/>' if unit == "px"
                 else f'<rect width="{width:g}" height="{height:.1f}" fill="{PAPER}"/>')
    parts += body
    parts.append("</svg>\n")
    return "\n".join(parts).encode("utf-8")
