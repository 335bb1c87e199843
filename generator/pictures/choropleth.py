"""Choropleth maps of each pillar's measured score, by département and by intercommunalité.

The SVG is written directly (no plotting library): about 1,255 outlines drawn as rounded path data
in a few hundred milliseconds. Scores fall in five classes of one colour-blind-safe sequential scale;
a territory without a measured score is drawn hatched grey, never in the lowest colour. The legend
is written beside the picture in the page's language (generator.pictures.legend), so the drawing has
no word but the map's credit and the English edition shares the French file; the data table beside
it lists every territory with its score (metropolitan France is drawn; overseas territories are in
the table).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator import geo, vocabulary
from generator.homonyms import homonyms
from generator.measured import scores_of
from generator.model import PILLARS, Atlas
from generator.pictures.keys import PictureKey
from generator.pictures.spec import Spec
from generator.pictures.words import N_, Words

LEVELS = ("departement", "epci")


# ColorBrewer YlGnBu, 5 classes (colour-blind safe, prints in grey): 1-1.9, 2-2.9, 3-3.9, 4-4.9, 5
CLASSES = ((N_("de 1 à 1,9"), "#ffffcc"), (N_("de 2 à 2,9"), "#a1dab4"), (N_("de 3 à 3,9"), "#41b6c4"),
           (N_("de 4 à 4,9"), "#2c7fb8"), ("5", "#253494"))


NOT_MEASURED_FILL = "url(#non-mesure)"
WIDTH, HEIGHT = 560.0, 560.0
METRO = (-5.3, 41.3, 9.7, 51.2)  # west, south, east, north


def keys(atlas: Atlas) -> list[PictureKey]:
    """One map per pillar and level where at least one territory of the level has a measured score."""
    scores = scores_of(atlas)
    out: list[PictureKey] = []
    for pillar in PILLARS:
        for level in LEVELS:
            if any(p.level == level and p.pillars.get(pillar) is not None for p in scores.profiles.values()):
                out.append(PictureKey("choropleth", pillar, level))
    return out


def class_of(score: float) -> int:
    return min(4, max(0, int(score) - 1))


def spec(atlas: Atlas, key: PictureKey) -> Spec:
    """The values to draw (official code -> score or None) and the words: title, alt, table."""
    pillar, level = key.subject, key.name
    if pillar not in PILLARS or level not in LEVELS:
        raise KeyError(key.text)
    w = Words(key.lang)
    scores = scores_of(atlas)
    territories = sorted(atlas.by_level(level), key=lambda t: (vocabulary.sort_key(t.name), t.id))  # Ardèche, Ardennes
    values: dict[str, float | None] = {}
    rows = []
    counts = [0] * len(CLASSES)
    missing = 0
    for t in territories:
        prof = scores.profile(t.id)
        value = prof.pillars.get(pillar) if prof else None
        if t.code:
            values[t.code] = value
        rows.append((homonyms(atlas, w.lang).get(t.id, t.name), t.code or "—", w.score(value)))
        if value is None:
            missing += 1
        else:
            counts[class_of(value)] += 1
    label = vocabulary.pillar_label(pillar, w.lang)
    what = w.levels(level)
    classes = [w._(text) for text, _ in CLASSES]
    parts = [f"{text}{w._(' : ')}{w.number(n)}" for text, n in zip(classes, counts, strict=False)]
    alt = w._("Carte de France métropolitaine des %(levels)s, chaque territoire coloré selon son score mesuré "
              "du pilier %(pillar)s (de 1 à 5, cinq classes du clair au foncé). Nombre de territoires par classe : "
              "%(parts)s ; non mesurés (hachurés) : %(missing)s. Le tableau donne le score de chacun.",
              levels=what, pillar=label, parts=", ".join(parts), missing=w.number(missing))
    return Spec(
        key=key.text, kind="choropleth",
        title=w._("Score mesuré du pilier %(pillar)s par %(level)s", pillar=label, level=w._(_one(level))), alt=alt,
        table_headers=(w._("Territoire"), w._("Code officiel"), w._("Score mesuré")), table_rows=tuple(rows),
        data={"level": level, "values": dict(sorted(values.items()))},
        # written beside the picture (generator.pictures.legend): the drawing is the same in both languages
        legend=(*((f"patch {colour}", text) for text, (_, colour) in reversed(list(zip(classes, CLASSES, strict=True)))
                  ), ("hatched", w._("non mesuré"))),
    )


def _one(level: str) -> str:
    return {"departement": N_("département"), "epci": N_("intercommunalité")}[level]


def _path(outline: geo.Outline, to_xy: Callable[[Any], Any]) -> str:
    """The outline's rings on a tenth-of-a-pixel grid, each step relative to the last (locator_kit's
    writer: about half the bytes of absolute points, the same drawing)."""
    from generator.pictures.locator_kit import _ring_data

    return _ring_data((ring for polygon in outline.polygons for ring in polygon), to_xy, 10, closed=True)


def _metropolitan(outline: geo.Outline) -> bool:
    west, south, east, north = outline.bounds
    return west >= METRO[0] - 0.5 and east <= METRO[2] + 0.5 and south >= METRO[1] - 0.5 and north <= METRO[3] + 0.5


def draw(data: dict[str, Any]) -> bytes:
    """The map as SVG: outlines filled by class, hatched where not measured, the credit in the sea at the
    lower left (the legend is written beside the picture)."""
    import math

    import numpy as np

    lat0 = geo.METRO_LAT
    k = math.cos(math.radians(lat0))
    west, south, east, north = METRO
    scale = min(WIDTH / ((east - west) * k), HEIGHT / (north - south))

    def to_xy(lonlat: Any) -> Any:
        lonlat = np.asarray(lonlat, dtype=float)
        return np.column_stack(((lonlat[:, 0] - west) * k * scale, (north - lonlat[:, 1]) * scale))

    values: dict[str, float | None] = data["values"]
    layers = geo.LEVEL_LAYERS[data["level"]]
    out = [f'<?xml version="1.0" encoding="utf-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
           f'viewBox="0 0 {WIDTH:.0f} {HEIGHT:.0f}" width="{WIDTH:.0f}" height="{HEIGHT:.0f}" '
           f'font-family="DejaVu Sans, sans-serif">',
           '<defs><pattern id="non-mesure" width="6" height="6" patternUnits="userSpaceOnUse" '
           'patternTransform="rotate(45)"><rect width="6" height="6" fill="#f2f2f2"/>'
           '<line x1="0" y1="0" x2="0" y2="6" stroke="#8c8c8c" stroke-width="1.2"/></pattern></defs>',
           f'<rect width="{WIDTH:.0f}" height="{HEIGHT:.0f}" fill="#ffffff"/>']
    stroke = "0.3" if data["level"] == "epci" else "0.6"
    groups: dict[str, list[str]] = {}
    for name in layers:
        for code, outline in sorted(geo.layer(name).items()):
            if code not in values or not _metropolitan(outline):
                continue
            value = values[code]
            fill = NOT_MEASURED_FILL if value is None else CLASSES[class_of(value)][1]
            groups.setdefault(fill, []).append(_path(outline, to_xy))
    for fill in sorted(groups):
        out.append(f'<path fill="{fill}" stroke="#4d4d4d" stroke-width="{stroke}" stroke-linejoin="round" '
                   f'd="{"".join(groups[fill])}"/>')
    out.append(f'<text x="8" y="{HEIGHT - 22}" font-size="10" fill="#595959">© IGN – ADMIN EXPRESS COG CARTO,</text>'
               f'<text x="8" y="{HEIGHT - 9}" font-size="10" fill="#595959">Licence Ouverte 2.0</text>')
    out.append("</svg>\n")
    return "\n".join(out).encode("utf-8")


SPECS: dict[tuple[str, str], Callable[[Atlas, PictureKey], Spec | None]] = {("choropleth", "*"): spec}
