"""A map's legend written beside it as HTML, in the page's language, instead of inside its drawing.

A locator's or a network's drawing then writes only place and hub names, the same in both languages:
the English edition shares the French file (generator.pictures.run). The legend is a list of
(symbol, words) entries kept with the picture's words; `legend_html` writes it as a short list under
the picture, each symbol drawn as on the map (decorative: `aria-hidden`; the words are real text, and
the map's text alternative and table say everything already).

A symbol is a few words: `circle #009E73` (a hub's shape and colour; `hollow` after it: white inside,
at a commune's centre), `star` (a chief town), `disc 12.5` (a proportional circle, its diameter in pt),
`marker ^ #E69F00` (a network's node, matplotlib's marker code; `hollow` as above), `line` (a link),
`patch #2c7fb8` (a choropleth's class: an area filled with its colour), `hatched` (an area not measured),
`area` (the outline a locator highlights: its fill and edge).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from generator.pictures.map_style import (
    CATEGORIES,
    COLOURS,
    HIGHLIGHT,
    HIGHLIGHT_FILL,
    LOCAL_SYMBOL,
    SHAPES,
    SYMBOL_COLOUR,
    SYMBOL_EDGE,
    _diameter,
    legend_values,
    map_words,
)
from generator.pictures.spec import INK, MUTED
from generator.pictures.words import Words
from generator.text import html_text

Entry = tuple[str, str]
SWATCH = 16  # px: a symbol's box (a proportional circle may be larger)
PT = 4 / 3  # px per pt: a proportional circle as large as on the map at its natural size


def locator_legend(data: dict[str, Any], w: Words) -> tuple[Entry, ...]:
    """What a locator draws, named in `w`'s language: the hubs' statuses, the hollow symbol of a
    commune's centre, the chief town's star, the proportional circles of a région's counts."""
    points = data["points"]
    words = map_words(w, legend_values(data.get("largest", 0)) if data.get("symbols") else None)
    entries = [(f"{SHAPES[status]} {COLOURS[status]}", words["categories"][status]) for status in CATEGORIES
               if any(p["status"] == status for p in points)]
    if any(p.get("approx") for p in points):
        entries.append((f"circle {MUTED} hollow", words["approximate"]))
    if data["centre"]:
        entries.append(("star", words["centre"]))
    if data.get("symbols"):
        for value, label in zip(legend_values(data["largest"]), words["counts_per_departement"], strict=True):
            entries.append((f"disc {_diameter(value, data['largest'], LOCAL_SYMBOL):.1f}", label))
    return tuple(entries)


def legend_html(entries: Iterable[Sequence[str]], pdf: bool = False) -> str:
    """The legend as a list (empty text when there is none): each symbol drawn, then its words.

    On the site each symbol is an empty element drawn by CSS (theme/assets/atlas.css, `.atlas-sym`):
    about 70 bytes instead of 220 for an inline SVG, on every page that shows a map. WeasyPrint knows
    no clip-path: the reports (`pdf`) draw each symbol as a CSS background image (an SVG), which it
    takes as decoration (an inline SVG would be tagged as a figure without alternative)."""
    items = [f"<li>{_background(symbol) if pdf else _css_symbol(symbol)}{html_text(label)}</li>"
             for symbol, label in entries]
    return f'<ul class="atlas-legend">{"".join(items)}</ul>' if items else ""


# a symbol's shape in atlas.css: the locators' statuses and matplotlib's markers of the networks
_SHAPES = {"circle": "circle", "square": "square", "triangle": "triangle", "cross": "cross", "o": "circle",
           "s": "square", "^": "triangle", "v": "triangle-down", "D": "diamond", "P": "plus", "X": "x",
           "h": "hexagon"}


def disc_px(symbol: str) -> float:
    """A proportional circle's diameter in px (`disc 12.5`: pt), as large as the map draws it at its natural
    size: the wide locator in pt shown at 4/3 px each, its phone variant in px (`locator_narrow`)."""
    return float(symbol.split()[1]) * PT


def _css_symbol(symbol: str) -> str:
    """An empty element that atlas.css draws as the map draws the symbol: its shape a class, its colour
    the element's `color` (a network's node has a dark edge: `--edged`; a hollow one is a ring)."""
    kind, *rest = symbol.split()
    style = ""
    if kind == "disc":  # drawn at the map's size (`--d`) in a box of at least SWATCH: a 1 and a 5 differ
        diameter = disc_px(symbol)
        size = max(SWATCH, math.ceil(diameter + 2))
        shape, style = "disc", f"width:{size}px;height:{size}px;--d:{diameter:.1f}px"
    elif kind in ("star", "line", "hatched", "area"):
        shape = kind
    elif kind == "patch":
        shape, style = "patch", f"color:{rest[0]}"
    else:
        colour, flags = (rest[1], rest[2:]) if kind == "marker" else (rest[0], rest[1:])
        shape = "ring" if "hollow" in flags else _SHAPES.get(rest[0] if kind == "marker" else kind, "circle")
        if kind == "marker" and shape != "ring":
            shape += " atlas-sym--edged"
        style = f"color:{colour}"
    styled = f' style="{style}"' if style else ""
    return f'<i class="atlas-sym atlas-sym--{shape}"{styled} aria-hidden="true"></i>'


def _background(symbol: str) -> str:
    svg = _swatch(symbol)
    size = svg.split('width="', 1)[1].split('"', 1)[0]
    document = svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    return (f'<span class="atlas-legend__symbol" style="display: inline-block; width: {size}px; height: {size}px; '
            f'background: url(&quot;data:image/svg+xml,{quote(document, safe=" =:/,.#-")}&quot;) no-repeat">'
            '</span>')


def _swatch(symbol: str) -> str:
    from generator.pictures.locator_kit import _marker, _star  # the map's own shapes (numpy: not at import)

    kind, *rest = symbol.split()
    size = float(SWATCH)
    if kind == "disc":
        r = disc_px(symbol) / 2
        size = max(size, math.ceil(2 * r + 2))
        c = size / 2
        inner = (f'<circle cx="{c:g}" cy="{c:g}" r="{r:.1f}" fill="{SYMBOL_COLOUR}" fill-opacity="0.55" '
                 f'stroke="{SYMBOL_EDGE}" stroke-width="0.8"/>')
    elif kind == "star":
        inner = _star(8, 8, 7.5)
    elif kind == "line":
        inner = f'<path d="M1 8H15" stroke="{MUTED}" stroke-width="4" stroke-linecap="round"/>'
    elif kind == "area":  # the highlighted outline, as the locator fills and edges it
        inner = (f'<rect x="1.8" y="3.8" width="12.4" height="8.4" fill="{HIGHLIGHT_FILL}" stroke="{HIGHLIGHT}" '
                 'stroke-width="1.6"/>')
    elif kind in ("patch", "hatched"):  # a choropleth's area, as the map fills it
        fill = rest[0] if kind == "patch" else "#f2f2f2"
        inner = f'<rect x="1" y="3" width="14" height="10" fill="{fill}" stroke="#4d4d4d" stroke-width="0.6"/>'
        if kind == "hatched":
            inner += '<path d="M3 13L13 3M1 9L7 3M9 13L15 7" stroke="#8c8c8c" stroke-width="1.2"/>'
    elif kind == "marker":
        inner = _node(rest[0], rest[1], "hollow" in rest[2:])
    else:
        hollow = "hollow" in rest[1:]
        inner = _marker(kind, 8, 8, 5.0, rest[0], hollow, 1.6 if hollow else 0.8)
    return (f'<svg class="atlas-legend__symbol" width="{size:g}" height="{size:g}" viewBox="0 0 {size:g} {size:g}" '
            f'aria-hidden="true" focusable="false">{inner}</svg>')


# matplotlib's markers used by the networks (generator.pictures.spec.MARKERS): corners around (0, 0), radius 1
_NODES = {
    "s": [(-0.9, -0.9), (0.9, -0.9), (0.9, 0.9), (-0.9, 0.9)],
    "^": [(0, -1), (1, 0.8), (-1, 0.8)],
    "v": [(0, 1), (1, -0.8), (-1, -0.8)],
    "D": [(0, -1), (0.8, 0), (0, 1), (-0.8, 0)],
    "P": [(-0.33, -1), (0.33, -1), (0.33, -0.33), (1, -0.33), (1, 0.33), (0.33, 0.33), (0.33, 1), (-0.33, 1),
          (-0.33, 0.33), (-1, 0.33), (-1, -0.33), (-0.33, -0.33)],
    "X": [(-1, -0.6), (-0.6, -1), (0, -0.4), (0.6, -1), (1, -0.6), (0.4, 0), (1, 0.6), (0.6, 1), (0, 0.4),
          (-0.6, 1), (-1, 0.6), (-0.4, 0)],
    "h": [(0, -1), (0.87, -0.5), (0.87, 0.5), (0, 1), (-0.87, 0.5), (-0.87, -0.5)],
}


def _node(marker: str, colour: str, hollow: bool) -> str:
    """A network's node as its picture draws it: filled with its type's colour and a dark edge, or
    white inside with a coloured edge (a partner from elsewhere)."""
    fill, stroke = ("#ffffff", colour) if hollow else (colour, INK)
    paint = f'fill="{fill}" stroke="{stroke}" stroke-width="1.2"'
    if marker not in _NODES:
        return f'<circle cx="8" cy="8" r="5.5" {paint}/>'
    corners = "L".join(f"{8 + 5.5 * x:.1f} {8 + 5.5 * y:.1f}" for x, y in _NODES[marker])
    return f'<path d="M{corners}z" {paint}/>'
