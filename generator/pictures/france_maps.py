"""The home maps drawn through matplotlib: France with its overseas insets, counts, density, and
their variants for phones (the layout of insets, legend and credit earns matplotlib's cost here)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from generator import formats, geo
from generator.pictures.france_layers import (
    draw_base,
    draw_points,
    draw_symbols,
    keep_apart,
    legend_handles,
    symbol_legend,
)
from generator.pictures.map_style import (
    CREDIT_FONTSIZE,
    DENSITY_COLOURS,
    FRANCE_TEXT,
    LARGEST_SYMBOL,
    LEGEND_WRAP,
    METRO,
    NO_DATA,
    OUTLINE,
    PARIS_INSET,
    PARIS_LABEL_POINTS,
    _padded,
    _view_of,
)
from generator.pictures.mpl import new_figure, svg_bytes
from generator.pictures.spec import ATTRIBUTION, INK, MUTED, wrap_label
from generator.pictures.svg import NARROW_WIDTH


def _credit(fig: Any) -> Any:
    """The IGN credit in the free band at the bottom right, under the maps, never over them."""
    return fig.text(0.99, 0.008, ATTRIBUTION, ha="right", va="bottom", fontsize=CREDIT_FONTSIZE, color=MUTED,
                    gid="credit")


def _framed(ax: Any) -> None:
    """An inset's thin grey frame (the overseas départements, Paris and the petite couronne)."""
    for spine in ax.spines.values():
        spine.set_edgecolor(OUTLINE)
        spine.set_linewidth(0.5)


def _insets(fig: Any, points: list[dict[str, Any]], towns: list[dict[str, Any]], fills: dict[str, str] | None,
            top: float, symbols: list[dict[str, Any]] | None = None, largest: int = 0,
            labels: list[Any] | None = None, lang: str = "fr") -> list[Any]:
    axes = []
    width = 0.98 / len(geo.OVERSEAS)
    deps = geo.layer("departements-simple")
    for i, code in enumerate(geo.OVERSEAS):
        ax = fig.add_axes((0.01 + i * width, 0.06, width - 0.01, top - 0.07))
        bounds = _padded(deps[code].bounds, 0.08)
        lat0 = draw_base(ax, bounds, "", fills=fills or {code: "none"}, regions=False)
        draw_towns(ax, [t for t in towns if _view_of(t["lat"], t["lon"]) == code], lat0, size=10)
        draw_points(ax, [p for p in points if _view_of(p["lat"], p["lon"]) == code], lat0, size=16)
        if symbols:
            drawn = draw_symbols(ax, [c for c in symbols if c["code"] == code], lat0, largest, LARGEST_SYMBOL,
                                 lang=lang)
            (labels if labels is not None else []).extend(drawn)
        ax.set_title(deps[code].name, fontsize=FRANCE_TEXT, pad=2)
        _framed(ax)
        axes.append(ax)
    return axes


def draw_france(data: dict[str, Any], fills: dict[str, str] | None = None, band: float = 0.0) -> Any:
    """Metropolitan France above, the five overseas départements as insets below: points, or counts."""
    fig = new_figure(6.4, 7.2 + band)  # `band` inches kept free between the map and the insets (a legend)
    ax = fig.add_axes((0.01, (0.25 * 7.2 + band) / (7.2 + band), 0.98, 0.74 * 7.2 / (7.2 + band)))
    lat0 = draw_base(ax, METRO, "-simple", fills=fills)
    ax.set_axis_off()
    points = data.get("points", [])
    towns = data.get("towns", [])
    symbols = data.get("symbols", [])
    draw_towns(ax, [t for t in towns if _view_of(t["lat"], t["lon"]) == "metro"], lat0)
    draw_points(ax, [p for p in points if _view_of(p["lat"], p["lon"]) == "metro"], lat0)
    labels = draw_symbols(ax, [c for c in symbols if c["code"] not in geo.OVERSEAS], lat0,
                          data.get("largest", 0), LARGEST_SYMBOL, lang=data.get("lang", "fr"))
    insets = _insets(fig, points, towns, fills, 0.24 * 7.2 / (7.2 + band), symbols, data.get("largest", 0), labels,
                     data.get("lang", "fr"))
    if labels:
        keep_apart(fig, labels, [ax, *insets])
    return fig, ax, lat0


def draw_towns(ax: Any, towns: list[dict[str, Any]], lat0: float, size: float = 14) -> None:
    """Main towns of the atlas's smaller territories: white diamonds, under the hubs."""
    if towns:
        xy = [geo.project(t["lon"], t["lat"], lat0) for t in towns]
        ax.scatter([x for x, _ in xy], [y for _, y in xy], s=size, marker="D", facecolors="white",
                   edgecolors=INK, linewidths=0.6, zorder=4)


PARIS_INSET_RECT = (0.012, 0.822, 0.235, 0.142)  # figure fractions: the Channel, north of Brittany, west of Cotentin


def paris_inset(fig: Any, symbols: list[dict[str, Any]], title: str, lang: str,
                rect: tuple[float, float, float, float] = PARIS_INSET_RECT, fontsize: float = FRANCE_TEXT) -> Any:
    """Paris and the petite couronne enlarged (map_style.PARIS_INSET: at France's scale Paris's circle covers its
    neighbours' counts): each count written in its département, without circles, which would overlap again at
    the map's scale."""
    deps = geo.layer("departements")
    west, south, east, north = zip(*(deps[code].bounds for code in PARIS_INSET), strict=True)
    inset = fig.add_axes(rect)
    lat0 = draw_base(inset, _padded((min(west), min(south), max(east), max(north)), 0.02), "",
                     fills=dict.fromkeys(PARIS_INSET, "none"), regions=False)
    for c in symbols:
        if c["code"] in PARIS_INSET:
            lat, lon = PARIS_LABEL_POINTS.get(c["code"], (c["lat"], c["lon"]))
            inset.annotate(formats.number(c["count"], lang=lang), geo.project(lon, lat, lat0),
                           ha="center", va="center", fontsize=fontsize, fontweight="bold", color=INK, zorder=7,
                           path_effects=[patheffects.withStroke(linewidth=2.0, foreground="white")],
                           gid=f"paris-count-{c['code']}")
    inset.set_title(title, fontsize=fontsize, pad=2, gid="inset-name-paris")
    _framed(inset)
    return inset


def france_figure(data: dict[str, Any]) -> Any:
    """The home map, points or counts, with its legend in the Atlantic (lower left, where no outline is drawn)."""
    fig, ax, _ = draw_france(data)
    if data.get("symbols"):
        places = LEGEND_PLACES
        if data.get("paris"):  # the upper left is the inset's
            paris_inset(fig, data["symbols"], data["words"]["paris"], data["lang"])
            places = tuple(p for p in LEGEND_PLACES if p != "upper left")
        clear_legend(fig, ax, lambda loc: symbol_legend(ax, data["legend"], data["largest"], LARGEST_SYMBOL,
                                                        False, data["words"], data["lang"], loc=loc), places)
    else:
        extra = [Line2D([], [], linestyle="none", marker="D", markerfacecolor="white", markeredgecolor=INK,
                        markersize=5, label=wrap_label(data["words"]["town"], LEGEND_WRAP, 2))
                 ] if data.get("towns") else []
        handles = legend_handles(data["points"], data["words"]) + extra
        if handles:
            clear_legend(fig, ax, lambda loc: ax.legend(handles=handles, loc=loc, frameon=False, fontsize=FRANCE_TEXT,
                                                        labelspacing=0.5, handlelength=1.2, borderaxespad=0.2))
    _credit(fig)
    return fig


def draw_france_map(data: dict[str, Any]) -> bytes:
    return svg_bytes(france_figure(data))


def draw_density(data: dict[str, Any]) -> bytes:
    return svg_bytes(density_figure(data))


def _density_fills(data: dict[str, Any]) -> dict[str, str]:
    fills = {code: NO_DATA for code in geo.layer("departements-simple")}
    fills.update({code: DENSITY_COLOURS[cls] for code, cls in data["classes"].items()})
    return fills


def _density_handles(data: dict[str, Any]) -> list[Any]:
    handles = [Patch(facecolor=DENSITY_COLOURS[i], edgecolor=OUTLINE, label=label)
               for i, label in enumerate(data["legend"])]
    if data["missing"]:
        handles.append(Patch(facecolor=NO_DATA, edgecolor=OUTLINE, label=data["words"]["no_population"]))
    return handles


def density_figure(data: dict[str, Any]) -> Any:
    """Choropleth in one hue (colour-blind safe), grey where the population is not known; the legend in a
    band of its own between the map and the insets (in a corner of the map, at a legible size, it lay on
    the coast)."""
    band = 0.62
    fig, _, _ = draw_france({"points": []}, fills=_density_fills(data), band=band)
    handles = _density_handles(data)
    height = 7.2 + band
    legend = fig.legend(handles=handles, loc="center left", ncols=3, frameon=False, fontsize=FRANCE_TEXT,
                        title=data["words"]["title"], title_fontsize=FRANCE_TEXT,
                        alignment="left", bbox_to_anchor=(0.01, (0.245 * 7.2 + band / 2) / height),
                        columnspacing=1.2, handlelength=1.5)
    legend.set_gid("legend")
    _credit(fig)
    return fig


LEGEND_PLACES = ("lower left", "upper left", "upper right", "lower right")  # the sea first, then the borders


def clear_legend(fig: Any, ax: Any, make: Callable[[str], Any], places: tuple[str, ...] = LEGEND_PLACES) -> Any:
    """The legend made by `make(loc)` at the first of `places` where its box crosses no outline
    of `ax` (the home map's legend sat on the coast, and on the Nord in the PDF); the least crossed when
    none is clear. Measured with the Agg renderer, like the labels."""
    from generator.pictures.labels import path_segments, segments_crossing

    renderer = FigureCanvasAgg(fig).get_renderer()
    lines = path_segments([p for c in ax.collections if isinstance(c, PathCollection) and c.get_offsets().size == 0
                           for p in c.get_paths()], ax.transData)
    best: tuple[int, str] | None = None
    for loc in places:
        legend = make(loc)
        crossing = segments_crossing(legend.get_window_extent(renderer).extents, lines)
        if crossing == 0:
            return legend
        legend.remove()
        if best is None or crossing < best[0]:
            best = (crossing, loc)
    assert best is not None
    return make(best[1])


NARROW_PT = 9.5  # points: text of the narrow France map, 12.7 px at its own width, 11 px or more on a phone
NARROW_SYMBOL = 24.0  # points: the largest circle of the narrow France map
NARROW_NAMES = 0.12  # inches: the band of the overseas insets' names, between metropolitan France and them
# an overseas département's name where its full one is wider than its inset (a fifth of 340 px): the alt text
# names them in full
SHORT_NAMES = {"971": "Guad.", "972": "Mart.", "973": "Guyane", "974": "Réunion", "976": "Mayotte"}


def inset_name(code: str, width_px: float) -> str:
    """An inset's name as the narrow map writes it: in full where it fits `width_px` at NARROW_PT, else short
    (« La Réunion » is 70 px, an inset 65)."""
    from generator.pictures.svg import text_width

    name = geo.layer("departements-simple")[code].name
    return name if text_width(name, NARROW_PT * 4 / 3) <= width_px else SHORT_NAMES.get(code, code)


def france_narrow_figure(data: dict[str, Any], fills: dict[str, str] | None = None, extra: float = 0.0) -> Any:
    """The home map (or the density map, with `fills`) for a phone: metropolitan France, the overseas
    départements in a row under it, the legend and the credit under them, drawn NARROW_WIDTH px wide
    with every word at NARROW_PT; `extra` inches more for a taller legend, under the insets."""
    width = NARROW_WIDTH / 96
    base = width * 1.52
    height = base + extra + NARROW_NAMES

    def up(fraction: float, names: float = 0.0) -> float:  # a height of the base layout, moved up by `extra`
        return (fraction * base + extra + names) / height

    fig = new_figure(width, height)
    ax = fig.add_axes((0.0, up(0.34, NARROW_NAMES), 1.0, 0.66 * base / height))
    lat0 = draw_base(ax, METRO, "-simple", fills=fills)
    ax.set_axis_off()
    points, towns, symbols = data.get("points", []), data.get("towns", []), data.get("symbols", [])
    largest = data.get("largest", 0)
    draw_towns(ax, [t for t in towns if _view_of(t["lat"], t["lon"]) == "metro"], lat0, size=10)
    draw_points(ax, [p for p in points if _view_of(p["lat"], p["lon"]) == "metro"], lat0, size=14)
    lang = data.get("lang", "fr")
    labels = draw_symbols(ax, [c for c in symbols if c["code"] not in geo.OVERSEAS], lat0, largest, NARROW_SYMBOL,
                          fontsize=NARROW_PT, lang=lang)
    insets = []
    step = 1.0 / len(geo.OVERSEAS)
    deps = geo.layer("departements-simple")
    for i, code in enumerate(geo.OVERSEAS):
        inset = fig.add_axes((i * step + 0.005, up(0.215), step - 0.01, 0.11 * base / height))
        inset_lat0 = draw_base(inset, _padded(deps[code].bounds, 0.08), "", fills=fills or {code: "none"},
                               regions=False)
        draw_points(inset, [p for p in points if _view_of(p["lat"], p["lon"]) == code], inset_lat0, size=10)
        labels += draw_symbols(inset, [c for c in symbols if c["code"] == code], inset_lat0, largest,
                               NARROW_SYMBOL * 0.7, fontsize=NARROW_PT, lang=lang)
        inset.set_title(inset_name(code, (step - 0.01) * NARROW_WIDTH), fontsize=NARROW_PT, pad=2,
                        gid=f"inset-name-{code}")
        inset.set_xticks([])
        inset.set_yticks([])
        _framed(inset)
        insets.append(inset)
    if labels:
        keep_apart(fig, labels, [ax, *insets])
    if symbols:
        symbol_legend(fig, data["legend"], largest, NARROW_SYMBOL, True, data["words"], lang, loc="lower left",
                      bbox_to_anchor=(0.0, 0.34 / height)).set_gid("legend")
        for text in fig.legends[-1].get_texts():
            text.set_fontsize(NARROW_PT)
        fig.legends[-1].get_title().set_fontsize(NARROW_PT)
    elif "classes" in data:
        legend = fig.legend(handles=_density_handles(data), loc="lower left", bbox_to_anchor=(0.0, 0.4 / height),
                            ncols=2, frameon=False, fontsize=NARROW_PT, title=data["words"]["short_title"],
                            title_fontsize=NARROW_PT, alignment="left", labelspacing=0.3, handlelength=1.2,
                            columnspacing=0.8, borderaxespad=0.2)
        legend.set_gid("legend")
    else:
        handles = legend_handles(points, data["words"])
        if handles:
            legend = fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 0.34 / height), frameon=False,
                                fontsize=NARROW_PT, labelspacing=0.3, handlelength=1.2, borderaxespad=0.2)
            legend.set_gid("legend")
    fig.text(0.99, 0.006, ATTRIBUTION.replace(", Licence", ",\nLicence"), ha="right", va="bottom",
             fontsize=NARROW_PT - 0.5, color=MUTED, gid="credit", linespacing=1.1)
    return fig


NARROW_PARIS = 1.55  # inches: the band of the narrow map's Paris inset, between the overseas row and the legend


def france_narrow_map_figure(data: dict[str, Any]) -> Any:
    """The home map for a phone; Paris and the petite couronne enlarged in a band of their own under the overseas
    row (there is no room for them at the map's corners at 340 px)."""
    if not data.get("paris"):
        return france_narrow_figure(data)
    fig = france_narrow_figure(data, extra=NARROW_PARIS)
    height = fig.get_figheight()
    side = (NARROW_PARIS - 0.2) / height  # the inset's height: 0.2 in of the band left to its title, above it
    width = side * height / fig.get_figwidth()
    paris_inset(fig, data["symbols"], data["words"]["paris"], data.get("lang", "fr"),  # 0.95 in: above the legend
                rect=((1 - width) / 2, 0.95 / height, width, side), fontsize=NARROW_PT)
    return fig


def draw_france_narrow(data: dict[str, Any]) -> bytes:
    return svg_bytes(france_narrow_map_figure(data))


def draw_density_narrow(data: dict[str, Any]) -> bytes:
    """The density map for a phone (see `france_narrow_figure`)."""
    return svg_bytes(france_narrow_figure(data, fills=_density_fills(data), extra=0.5))
