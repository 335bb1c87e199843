"""What the maps share: colours, marks per status, sizes of text and symbols, views and words.

A hub is drawn by its status category (shape and colour, hollow at a commune's centre); the same
constants serve the matplotlib France maps and the locators written as SVG text.
"""

from __future__ import annotations

import math
from typing import Any

from generator import formats, geo, vocabulary
from generator.explore import FRANCE_MAP_COUNTED_ABOVE
from generator.model import OLD_AFTER_YEARS, STATUSES, Atlas, Hub
from generator.pictures.mpl import COARSE
from generator.pictures.spec import ATTRIBUTION, OKABE_ITO, STATUS_COLOURS
from generator.pictures.words import FRENCH, N_, Words

METRO: tuple[float, float, float, float] = (-5.3, 41.25, 9.7, 51.15)  # west, south, east, north
NO_COORDINATES = N_("non renseignée")
DENSITY_COLOURS = ("#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b")  # ColorBrewer Blues, one hue
NO_DATA = "#d9d9d9"
HIGHLIGHT = "#0072B2"
HIGHLIGHT_FILL = "#cfe3f3"
OUTLINE = "#8c8c8c"
MAX_NAMED = 12  # beyond this many, an alt text counts the hubs instead of naming them
FAR = 1.0  # degrees around a territory's outline beyond which a hub is not drawn on its locator
WIDE_VIEW = 3.5  # degrees of longitude: wider views (régions) use the simplified layers
TO_CHECK = "to-check"  # an open or planned status no source has seen for more than five years
CATEGORIES = (*STATUSES, TO_CHECK)  # how a point is drawn: shape and colour
MARKERS = {"active": "o", "project": "s", "closed": "X", TO_CHECK: "^"}
COLOURS = {**STATUS_COLOURS, TO_CHECK: OKABE_ITO[1]}  # orange: none of the three statuses
APPROXIMATE = N_("Position approximative (centre de la commune)")
PRECISION_WORDS = {"address": N_("adresse"), "commune": N_("centre de la commune")}
HOLLOW_WIDTH = 1.3  # edge of a commune-precision marker: hollow, so that shape, not colour alone, tells it
AGGREGATE_ABOVE = FRANCE_MAP_COUNTED_ABOVE  # more hubs than this on France: counts per département, not points
REGION_AGGREGATE_ABOVE = 60  # same for a région's map
# Paris and the petite couronne, enlarged in an inset of the France map of counts: at France's scale Paris's circle
# covers its three neighbours' counts (41, 34 and 16 places of the shipped atlas in 2026-12)
PARIS_INSET = ("75", "92", "93", "94")
# where the inset writes a count, where the France map's point (geo.symbol_point) would not do: the Hauts-de-Seine's
# lies at Boulogne, on Paris's edge at the inset's scale; its south (Clamart) holds the count clear of every border
PARIS_LABEL_POINTS = {"92": (48.79, 2.265)}
LARGEST_SYMBOL = 34.0  # points: diameter of the circle of the largest count on the France map
LOCAL_SYMBOL = 26.0  # the same on a région's locator
CROWDED = 40  # more points than this on a locator: smaller markers


def coordinate(value: float, w: Words = FRENCH) -> str:
    return w.number(round(value, 4))


def position(lat: float, lon: float, w: Words = FRENCH) -> str:
    """`47,24 N, 6,02 E`; south and west the language's way (S, O in French)."""
    west = w._("O")  # ouest
    return (f"{coordinate(abs(lat), w)}{formats.NBSP}{'N' if lat >= 0 else 'S'}, "
            f"{coordinate(abs(lon), w)}{formats.NBSP}{'E' if lon >= 0 else west}")


def credit(w: Words = FRENCH) -> str:
    """The base map's credit, as the alt texts end."""
    return w._("Fonds de carte : %(credit)s.", credit=ATTRIBUTION)


def category_labels(w: Words = FRENCH) -> dict[str, str]:
    """How a legend names each way a hub is drawn (its status, or to check)."""
    return {**{s: vocabulary.status_label(s, w.lang) for s in STATUSES},
            TO_CHECK: w._("À vérifier (statut de plus de %(n)s ans ou non daté)", n=OLD_AFTER_YEARS)}


def map_words(w: Words, legend: list[int] | None = None) -> dict[str, Any]:
    """Every word a map's drawing writes (its legend), in the spec's language: the drawers write no word
    of their own. `legend`: the round counts of a legend of proportional circles."""
    words: dict[str, Any] = {
        "categories": category_labels(w), "approximate": w._(APPROXIMATE),
        "town": w._("chef-lieu d'un territoire de l'atlas"), "centre": w._("chef-lieu")}
    if legend is not None:
        words |= {"per_departement": w._("Lieux par département"), "paris": w._("Paris et petite couronne"),
                  "per_departement_lines": w._("Lieux par\ndépartement"),
                  "counts": [w.nwords(v, "%(n)s lieu", "%(n)s lieux") for v in legend]}
        words["counts_per_departement"] = [w._("%(count)s par département", count=count) for count in words["counts"]]
    return words


def _view_of(lat: float, lon: float) -> str | None:
    """Which panel of the France map shows a point: "metro", an overseas code, or None (off the map)."""
    west, south, east, north = METRO
    if west <= lon <= east and south <= lat <= north:
        return "metro"
    for code in geo.OVERSEAS:
        w, s, e, n = _padded(geo.layer("departements-simple")[code].bounds, 0.15)
        if w <= lon <= e and s <= lat <= n:
            return code
    return None


def _padded(bounds: tuple[float, float, float, float], ratio: float, minimum: float = 0.0
            ) -> tuple[float, float, float, float]:
    west, south, east, north = bounds
    pad_x = max((east - west) * ratio, minimum)
    pad_y = max((north - south) * ratio, minimum)
    return west - pad_x, south - pad_y, east + pad_x, north + pad_y


def category(atlas: Atlas, hub: Hub) -> str:
    """How a hub is drawn: its status, or "to-check" when that status is old (never shown as current)."""
    return TO_CHECK if atlas.status_is_old(hub) else hub.status


def status_words(atlas: Atlas, hub: Hub, w: Words = FRENCH) -> str:
    """The status as the tables beside the maps say it: `En activité`, `À vérifier (en activité en 2019)`."""
    label = vocabulary.status_label(hub.status, w.lang)
    if atlas.status_is_old(hub):
        if hub.status_year is None:  # its source has no date
            return w._("À vérifier (%(status)s selon une source non datée)", status=label.lower())
        return w._("À vérifier (%(status)s en %(year)s)", status=label.lower(), year=hub.status_year)
    return label


def precision_words(hub: Hub, w: Words = FRENCH) -> str:
    if not hub.coordinates:
        return w._(NO_COORDINATES)
    return w._(PRECISION_WORDS.get(hub.precision or "address", "adresse"))


def legend_values(largest: int) -> list[int]:
    """Up to three round counts (1, 2, 5 × 10^k) for the legend of proportional circles, largest first."""
    if largest < 1:
        return []
    nice = sorted({m * 10 ** k for k in range(7) for m in (1, 2, 5) if m * 10 ** k <= largest}, reverse=True)
    top = nice[0]
    out = [top]
    for share in (4, 20):
        below = [v for v in nice if v <= top / share]
        if below and below[0] not in out:
            out.append(below[0])
    return out


def _intersects(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _covered(outline: geo.Outline, layer: str, hidden: tuple[str, str] | None) -> bool:
    """Whether this outline is the highlighted one, whose edge is drawn on top anyway."""
    if hidden is None:
        return False
    kind, code = hidden
    return kind == layer and outline.code == code


INTERCOMMUNAL = "#b0b0b0"  # the intercommunalités of a close view: lighter and thinner than the départements
INTERCOMMUNAL_GID = f"{COARSE}-intercommunalites"  # thin context lines: whole points suffice (lighter files)
NAME_SIZE = 6.5  # points: hub names beside their points on a locator
NAME_WRAP = 24  # characters per line of a hub's name: whole names on up to four lines, never cut mid-word
NAME_GAP = 4.0  # points between a hub and its name
BOUNDARY_GIDS = ("highlight", "departements", "regions")  # the light intercommunal lines may be crossed
LEGEND_WRAP = 26  # characters per line of a legend entry in a narrow column
LEGEND_SIZE = 8.0  # points: a locator is shown ~530 px wide on the site, where 8 pt is ~9 px
FRANCE_TEXT = 8.0
SYMBOL_COLOUR = "#0072B2"
SYMBOL_EDGE = "#08306b"


def _diameter(count: int, largest: int, biggest: float) -> float:
    """Circle diameter in points: its area is proportional to the count."""
    return biggest * math.sqrt(count / largest) if largest else 0.0


CREDIT_FONTSIZE = 8.0
SHAPES = {"active": "circle", "project": "square", "closed": "cross", TO_CHECK: "triangle"}
