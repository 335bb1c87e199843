"""The figures of the site's pages: a chart or map placed with its alt text, its legend, its phone variant and
its data in a table (or a link to where the page gives it), at a width where its smallest text stays legible.
`Figures` is a part of `page_parts.PageBase`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from generator import formats, text
from generator.model import Atlas
from generator.site_templates import relative_href
from generator.typography import attribute_text


class Figures:
    """`picture`: what every page kind that shows a chart or map calls (see `PageBase`)."""

    atlas: Atlas
    pictures: dict[str, Any]
    lang: str
    file_prefix: str

    html: Any  # PageBase.html: one macro of the theme's HTML fragments

    def picture(self, key: str, page_path: str, mark: str = "", data_at: str = "", data_id: str = "",
                pairs: Sequence[tuple[str, str]] | None = None) -> Markup:
        """A chart or map with its alt text and, beside it, its data in a collapsible table. `mark`, an id
        in the picture, is put after its address (`#mark`): a hub's page marks its point on its territory's
        locator (generator.pictures.locator_specs.named_on_locator).

        `data_at`: where the page gives the picture's data already, instead of a second table (site size,
        H4): `below` (the table that follows the figure) or another page's docs path and fragment (a hub's
        map is its territory's: its data is on that page). `pairs`: the partnerships that table lists; a
        network drawn hub by hub has exactly these as data, one drawn by territory (counts between
        territories) keeps its own table. `data_id`: an id for the figure's own table, for such links."""
        pic = self.pictures.get(key)
        if pic is None:
            return Markup("")
        if pairs is not None and not self._lists_pairs(pic, pairs):
            data_at = ""
        fragment = f"#{mark}" if mark else ""
        width, height, legible = legible_width(pic.svg)
        # never shown smaller than the width at which its smallest text is MIN_TEXT_PX: on a narrow
        # screen the picture scrolls inside its own frame (maps and diagrams are the exception of
        # WCAG 1.4.10) and its data table below reflows
        legibles = [f"--legible: {legible}px"] if legible else []
        shown: dict[str, Any] = {
            "src": relative_href(self.file_prefix + page_path, pic.filename) + fragment, "alt": shown_alt(pic),
            "title": pic.title,
            "size": Markup(f' width="{width}" height="{height}"' if width else ""), "narrow": None,
            "headers": list(pic.table_headers),
            "rows": [[Markup(_html_value(c)) for c in row] for row in pic.table_rows],
            # a picture without an English twin (generator.pictures) is French: marked so in the English edition
            "fr": self.lang != getattr(pic, "lang", "fr"), "legend": _legend(pic), "data_id": data_id,
            "data_at": "below" if data_at == "below" else Markup(_relative_at(page_path, data_at))}
        if data_at:
            shown["headers"], shown["rows"] = [], []
        narrow = self.pictures.get(f"{NARROW}/{key}")
        if narrow is not None:
            # the kinds a reader meets most (a territory's locator and profile, the home map) have a variant
            # drawn for phones, with larger text relative to the picture: chosen by the browser below
            # NARROW_SCREEN, where the wide one would scroll or show its words under 11 px
            n_width, n_height, n_legible = legible_width(narrow.svg)
            legibles += [f"--legible-narrow: {n_legible}px"] if n_legible else []
            shown["narrow"] = {"media": Markup(NARROW_SCREEN),
                               "src": relative_href(self.file_prefix + page_path, narrow.filename) + fragment,
                               "size": Markup(f' width="{n_width}" height="{n_height}"' if n_width else "")}
        shown["style"] = Markup(f' style="{"; ".join(legibles)}"' if legibles else "")
        return self.html("figure", shown)

    def _lists_pairs(self, pic: Any, pairs: Sequence[tuple[str, str]]) -> bool:
        """Whether the picture's table is these partnerships, one a row (hub, …, partner, …), in any order."""
        name = {h: self.atlas.hubs[h].name for pair in pairs for h in pair}
        rows = sorted(tuple(sorted((r[0], r[2]))) for r in pic.table_rows if len(r) >= 3)
        return len(rows) == len(pic.table_rows) and rows == sorted(tuple(sorted((name[a], name[b]))) for a, b in pairs)


MIN_TEXT_PX = 11.0  # smallest text of a chart or map as displayed, at every screen width


NARROW = "narrow"  # key prefix of a picture's variant for phones (maps.NARROW, charts.NARROW)


NARROW_SCREEN = "(max-width: 719px)"  # where the narrow variant is shown (theme/assets/atlas.css says the same)


_SVG_SIZE = re.compile(rb'<svg[^>]*?\swidth="([0-9.]+)(pt|px)?"[^>]*?\sheight="([0-9.]+)(pt|px)?"', re.S)


_VIEWBOX = re.compile(rb'viewBox="[-0-9.]+ [-0-9.]+ ([0-9.]+) [0-9.]+"')


_FONT_SIZES = re.compile(rb'font-size(?::\s*|=")([0-9.]+)')


_GLYPH_SCALES = re.compile(rb'scale\(([0-9.]+) -[0-9.]+\)')  # matplotlib text drawn as paths: size / 100


def legible_width(svg: bytes) -> tuple[int, int, int]:
    """(natural width, natural height, smallest width at which every text is MIN_TEXT_PX) in CSS px,
    read from the SVG itself; zeros when the file does not say its size. The last may be under the
    natural width: a picture drawn with large text (a narrow variant) may shrink to fit a phone."""
    found = _SVG_SIZE.search(svg[:4000])
    if not found:
        return 0, 0, 0
    unit = 4 / 3 if found.group(2) == b"pt" else 1.0
    width, height = float(found.group(1)) * unit, float(found.group(3)) * unit
    box = _VIEWBOX.search(svg[:4000])
    px_per_unit = width / float(box.group(1)) if box and float(box.group(1)) else unit
    sizes = [float(x) for x in _FONT_SIZES.findall(svg)] + [float(x) * 100 for x in _GLYPH_SCALES.findall(svg)]
    sizes = [x for x in sizes if x > 0]
    smallest = min(sizes) * px_per_unit if sizes else MIN_TEXT_PX
    return round(width), round(height), int(width * MIN_TEXT_PX / smallest + 0.999)


def _html_value(value: Any) -> str:
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, (int, float)):
        return text.html_text(formats.number(value))
    if value is None:
        return "—"
    return text.html_text(value)


def _relative_at(page_path: str, target: str) -> str:
    """`docs/path.md#fragment` as an address relative to the page (a bare `#fragment` as it is)."""
    path, _, fragment = target.partition("#")
    if not path:
        return target
    return relative_href(page_path, path) + (f"#{fragment}" if fragment else "")


def _legend(pic: Any) -> Markup:
    """A map's legend, written beside it in its words' language (generator.pictures.legend; H5)."""
    written = getattr(pic, "legend_html", None)
    return Markup(written() if written is not None else "")


def shown_alt(picture: Any) -> str:
    """A picture's text alternative as the page gives it: in French (a French picture, in either edition) with the
    typography of the page's own text, which the post-pass gives only to the text between tags (« » and ’ for the
    straight quotes of names, the no-break spaces: « Carte de l’Hérault » as its caption and table say it); an
    English one as written. The picture's words stay as written (its cache key and drawing do not change)."""
    return attribute_text(picture.alt, getattr(picture, "lang", "fr"))
