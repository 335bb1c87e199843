"""The SVG-text kit: pictures written as text, no plotting library (charts, locators, their variants).

Text widths come from DejaVu Sans' own metrics (as matplotlib measures them), so that a picture
written here lays its words out as a matplotlib one would, in microseconds.
"""

from __future__ import annotations

import functools
from typing import Any

from generator.pictures.spec import INK, PAPER

NARROW_WIDTH = 340  # px: the width a narrow variant is drawn for (a 360 px screen's column, about 328 px)
NARROW_TEXT = 12.5  # px: the smallest text of a narrow variant, 11 px or more once scaled to that column
SVG_FONT = "DejaVu Sans, Bitstream Vera Sans, Verdana, sans-serif"


@functools.cache
def _font(weight: str) -> Any:
    from matplotlib.font_manager import FontProperties

    return FontProperties(family="DejaVu Sans", weight=weight, size=100)


# every text measured through matplotlib, (text, bold) -> its width at 100 px: the characters, pairs and
# ligature lines the widths are made of. Kept between builds by `run` (a file of the picture cache, per
# matplotlib version): a build that draws a few pictures (a hub renamed: its territory's locator) then
# measures nothing, and does not import matplotlib and load its fonts for it (0.2 s)
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


LIGATURES = ("ff", "fi", "fl")  # matplotlib lays these out as one glyph: a line holding one is measured whole
_ADVANCE: dict[tuple[str, bool], float] = {}  # character -> its width at 100 px
_KERNING: dict[tuple[str, str, bool], float] = {}  # pair of characters -> what their pair adds to the two widths


@functools.lru_cache(maxsize=4096)
def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of one line of text in DejaVu Sans at `size` px, from the font's own metrics (no rendering).

    A line's width is the sum of its characters' advances and of its pairs' kerning (what matplotlib
    measures, to the last bit: multiples of 1/64 px at 100 px; checked on every name and word of the shipped
    atlas); each character and each pair is measured once per process, so that the names of thousands of
    pictures cost microseconds instead of 0.25 ms. A line with a ligature ("ff"…) is measured whole."""
    if len(text) < 2 or any(pair in text for pair in LIGATURES):
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
