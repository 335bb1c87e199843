"""The specs of the home maps (hubs of France, counts per département, density) and the words maps share.

A hub without coordinates is listed in the alt text and the table, never placed at a made-up point.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from generator import geo, vocabulary
from generator.homonyms import homonyms
from generator.model import OLD_AFTER_YEARS, STATUSES, Atlas, Hub, Territory
from generator.pictures.keys import PictureKey
from generator.pictures.map_style import (
    AGGREGATE_ABOVE,
    CATEGORIES,
    MAX_NAMED,
    NO_COORDINATES,
    PARIS_INSET,
    _view_of,
    category,
    category_labels,
    coordinate,
    credit,
    legend_values,
    map_words,
    precision_words,
    status_words,
)
from generator.pictures.spec import Spec
from generator.pictures.words import FRENCH, N_, Words
from generator.vocabulary import sort_key

# The département of each point asked for, and where each département's count is drawn, kept between builds
# with the kept specs (pictures.kept): a hub edit computes the home maps' specs again, which look up every hub's
# point among the départements' outlines (1,500 points in polygon, 0.2 s of a regeneration on the national
# atlas; 4,000 on the France tree) and find a point inside each département (0.2 s more).
POINT_DEPARTEMENTS: dict[tuple[float, float], str | None] = {}
SYMBOL_POINTS: dict[str, tuple[float, float]] = {}


class Outlined(NamedTuple):
    """What a spec reads of an outline (`geo.Outline`): its code, name and bounds, not its polygons."""

    code: str
    name: str
    bounds: tuple[float, float, float, float]  # west, south, east, north


# Each layer's outlines as the specs read them, kept with the points: the locators of a hub's territories, made
# again after it is renamed, find their outlines without reading the boundary files (0.3 s) and numpy (0.1 s)
OUTLINES: dict[str, dict[str, Outlined]] = {}


def outlines(name: str) -> Mapping[str, Outlined]:
    """`geo.layer(name)` as the specs read it (codes, names, bounds), remembered in OUTLINES."""
    found = OUTLINES.get(name)
    if found is None:
        found = OUTLINES[name] = {code: Outlined(o.code, o.name, o.bounds) for code, o in geo.layer(name).items()}
    return found


def territory_outline(atlas: Atlas, territory: Territory) -> geo.Located | None:
    """`geo.territory_outline` with the outlines and points remembered."""
    return geo.territory_outline(atlas, territory, outlines, departement_at)


def symbol_point(code: str) -> tuple[float, float]:
    """`geo.symbol_point`, remembered in SYMBOL_POINTS."""
    try:
        return SYMBOL_POINTS[code]
    except KeyError:
        found = SYMBOL_POINTS[code] = geo.symbol_point(code)
        return found


def departement_at(lat: float, lon: float) -> str | None:
    """`geo.departement_at`, remembered in POINT_DEPARTEMENTS."""
    try:
        return POINT_DEPARTEMENTS[(lat, lon)]
    except KeyError:
        found = POINT_DEPARTEMENTS[(lat, lon)] = geo.departement_at(lat, lon)
        return found


def departement_of_hub(atlas: Atlas, hub: Hub) -> str | None:
    """`geo.departement_of_hub` with the points and the outlines' codes remembered."""
    return geo.departement_of_hub(atlas, hub, departement_at, outlines)


def _hub_rows(atlas: Atlas, hub_ids: Iterable[str], w: Words = FRENCH) -> tuple[tuple[str, ...], ...]:
    told = homonyms(atlas, w.lang)
    return tuple((atlas.hubs[h].name,
                  told.get(atlas.hubs[h].territory_id) or atlas.territories[atlas.hubs[h].territory_id].name,
                  status_words(atlas, atlas.hubs[h], w), *_coordinates(atlas.hubs[h].coordinates, w),
                  precision_words(atlas.hubs[h], w)) for h in hub_ids)


HUB_HEADERS = (N_("Lieu"), N_("Territoire"), N_("Statut"), N_("Latitude"), N_("Longitude"), N_("Précision"))


def headers(names: tuple[str, ...], w: Words) -> tuple[str, ...]:
    """A table's column names in the spec's language."""
    return tuple(w._(name) for name in names)


def _point(atlas: Atlas, hub: Hub) -> dict[str, Any]:
    lat, lon = hub.coordinates  # type: ignore[misc]
    return {"lat": lat, "lon": lon, "status": category(atlas, hub), "label": hub.name,
            "approx": hub.precision == "commune"}


def _approx_sentence(points: list[dict[str, Any]], w: Words = FRENCH) -> str:
    approx = sum(1 for p in points if p.get("approx"))
    if not approx:
        return ""
    return " " + w._("%(count)s en position approximative (centre de la commune), en symbole creux.",
                     count=w.nwords(approx, "%(n)s point", "%(n)s points"))


def _unplaced_sentence(names: list[str], w: Words = FRENCH) -> str:
    if not names:
        return ""
    if len(names) > MAX_NAMED:
        return " " + w._("%(count)s sans coordonnées, donc non placés (voir le tableau).",
                         count=w.nwords(len(names), "%(n)s lieu", "%(n)s lieux"))
    return " " + w._("Sans coordonnées, donc non placés : %(names)s.",
                     names=w.enumerate(sorted(names, key=sort_key)))


MARKED_LEVELS = ("epci", "commune", "pays")  # régions and départements are outlined already


def france_spec(atlas: Atlas, aggregate: bool | None = None, w: Words = FRENCH) -> Spec:
    """The hubs of the atlas on France, overseas ones in their inset: each hub as a point while they are
    few, counted per département (proportional circles) beyond AGGREGATE_ABOVE, where 1,500 points
    would only make blots."""
    if aggregate is None:
        aggregate = sum(1 for h in atlas.hubs.values() if h.coordinates is not None) > AGGREGATE_ABOVE
    if aggregate:
        return france_counts_spec(atlas, w)
    placed, unplaced, off_map = [], [], []
    overseas = 0
    for hub in atlas.hubs.values():
        if hub.coordinates is None:
            unplaced.append(hub.name)
            continue
        view = _view_of(*hub.coordinates)
        if view is None:
            off_map.append(hub.name)
            continue
        overseas += view != "metro"
        placed.append(_point(atlas, hub))
    towns = [t for t in atlas.territories.values()
             if t.level in MARKED_LEVELS and t.coordinates is not None and _view_of(*t.coordinates) is not None]
    counts = Counter(p["status"] for p in placed)
    labels = category_labels(w)
    count = w.nwords(len(placed), "%(n)s lieu d'innovation placé", "%(n)s lieux d'innovation placés")
    alt = w._("Carte de France, régions et départements tracés, départements d'outre-mer en encarts "
              "(%(overseas)s), avec %(count)s", overseas=_insets_named(w), count=count)
    if overseas:
        alt += w._(" (dont %(n)s outre-mer)", n=w.number(overseas))
    if placed:
        alt += w._(" : ") + w.enumerate([f"{labels[s].lower()} {w.number(counts[s])}"
                                         for s in CATEGORIES if counts[s] or s in STATUSES])
    alt += "." + _approx_sentence(placed, w)
    if towns:
        marked = w.nwords(len(towns), "%(n)s territoire", "%(n)s territoires")
        alt += " " + (w._("%(count)s de l'atlas (intercommunalités, communes, pays) marqué d'un losange à leur "
                          "chef-lieu.", count=marked) if len(towns) < 2
                      else w._("%(count)s de l'atlas (intercommunalités, communes, pays) marqués d'un losange à "
                               "leur chef-lieu.", count=marked))
    alt += _unplaced_sentence(unplaced, w)
    if off_map:
        alt += " " + w._("Hors du cadre de la carte : %(names)s.", names=w.enumerate(sorted(off_map, key=sort_key)))
    alt += " " + credit(w)
    told = homonyms(atlas, w.lang)  # « CC des Quatre Rivières (Haute-Savoie) », two EPCI of that name
    rows = [(hub.name, w._("Lieu d'innovation (%(status)s)", status=status_words(atlas, hub, w).lower()),
             told.get(hub.territory_id) or atlas.territories[hub.territory_id].name,
             *(_coordinates(hub.coordinates, w)), precision_words(hub, w))
            for hub in atlas.hubs.values()]
    rows += [(told.get(t.id, t.name), vocabulary.level_label(t.level, w.lang) if w.lang != "fr" else t.level_label,
              (told.get(t.parent_id) or atlas.territories[t.parent_id].name) if t.parent_id else "",
              *(_coordinates(t.coordinates, w)), w._("chef-lieu")) for t in towns]
    return Spec(
        key=PictureKey("home", "", "map", lang=w.lang).text, kind="france",
        title=w._("Les lieux d'innovation de l'atlas en France"),
        alt=alt,
        table_headers=headers((N_("Nom"), N_("Nature"), N_("Rattachement"), "Latitude", "Longitude", "Précision"), w),
        table_rows=tuple(rows),
        data={"points": placed,
              "towns": [{"lat": t.coordinates[0], "lon": t.coordinates[1]} for t in towns],  # type: ignore[index]
              "words": map_words(w), "lang": w.lang},
    )


COUNT_HEADERS = (N_("Département"), N_("Lieux (hors fermés)"), N_("dont statut à vérifier"),
                 N_("dont position approximative"), N_("dont sans coordonnées"), N_("Lieux fermés"))


def departement_counts(atlas: Atlas, hub_ids: Iterable[str]) -> tuple[dict[str, Counter[str]], list[str]]:
    """Per département (INSEE code): hubs not closed ("open"), of which "to-check", "approx", "unplaced";
    and "closed". A hub counts where its point is, else where its territory is; the names of those with
    no known département come second."""
    counts: dict[str, Counter[str]] = {}
    unknown = []
    for hub_id in hub_ids:
        hub = atlas.hubs[hub_id]
        dep = departement_of_hub(atlas, hub)
        if dep is None:
            unknown.append(hub.name)
            continue
        tally = counts.setdefault(dep, Counter())
        if hub.status == "closed":
            tally["closed"] += 1
            continue
        tally["open"] += 1
        tally["to-check"] += atlas.status_is_old(hub)
        tally["approx"] += hub.coordinates is not None and hub.precision == "commune"
        tally["unplaced"] += hub.coordinates is None
    return counts, sorted(unknown, key=sort_key)


def _count_rows(counts: dict[str, Counter[str]], w: Words = FRENCH) -> tuple[tuple[str, ...], ...]:
    deps = outlines("departements")
    return tuple((f"{deps[code].name} ({code})", *(w.number(counts[code][k]) for k in
                                                    ("open", "to-check", "approx", "unplaced", "closed")))
                 for code in sorted(counts, key=lambda c: (sort_key(deps[c].name), c)))


def _symbols(counts: dict[str, Counter[str]]) -> list[dict[str, Any]]:
    """One circle per département with open hubs, at a point inside it, largest first (drawn first)."""
    out = []
    for code, tally in counts.items():
        if tally["open"]:
            lat, lon = symbol_point(code)
            out.append({"code": code, "lat": lat, "lon": lon, "count": tally["open"]})
    return sorted(out, key=lambda c: (-c["count"], c["code"]))


def _counts_alt(counts: dict[str, Counter[str]], unknown: list[str], w: Words = FRENCH) -> str:
    deps = outlines("departements")
    symbols = _symbols(counts)
    total = sum(c["count"] for c in symbols)
    alt = w._("%(hubs)s (hors lieux fermés) dans %(deps)s", hubs=w.nwords(total, "%(n)s lieu", "%(n)s lieux"),
              deps=w.nwords(len(symbols), "%(n)s département", "%(n)s départements"))
    if symbols:
        alt += w._(" ; les plus nombreux : ") + w._(" ; ").join(f"{deps[c['code']].name} {w.number(c['count'])}"
                                                           for c in symbols[:10])
        if len(symbols) > 10:
            alt += w._(" ; et %(rest)s de plus (voir le tableau)",
                       rest=w.nwords(len(symbols) - 10, "%(n)s département", "%(n)s départements"))
    alt += "."
    to_check = sum(t["to-check"] for t in counts.values())
    approx = sum(t["approx"] for t in counts.values())
    unplaced = sum(t["unplaced"] for t in counts.values())
    closed = sum(t["closed"] for t in counts.values())
    if to_check:
        alt += " " + w._("Dont %(count)s au statut à vérifier (vu il y a plus de %(n)s ans ou sans date).",
                         count=w.nwords(to_check, "%(n)s lieu", "%(n)s lieux"), n=OLD_AFTER_YEARS)
    if approx:
        alt += " " + w._("%(count)s en position approximative (centre de la commune).",
                         count=w.nwords(approx, "%(n)s lieu", "%(n)s lieux"))
    if unplaced:
        alt += " " + w._("%(count)s sans coordonnées, comptés dans le département de leur territoire.",
                         count=w.nwords(unplaced, "%(n)s lieu", "%(n)s lieux"))
    if closed:
        alt += " " + (w._("%(count)s, non compté.", count=w.nwords(closed, "%(n)s lieu fermé", "%(n)s lieux fermés"))
                      if closed < 2 else
                      w._("%(count)s, non comptés.", count=w.nwords(closed, "%(n)s lieu fermé", "%(n)s lieux fermés")))
    if unknown:
        alt += " " + w._("Hors des départements de la carte : %(names)s.", names=w.enumerate(unknown))
    return alt


def _insets_named(w: Words) -> str:
    """The overseas insets of the France maps named in full, for their text alternative: the phone variant
    may write them short (« Guad. », france_maps.inset_name)."""
    return w.enumerate([outlines("departements")[code].name for code in geo.OVERSEAS])


def paris_enlarged(symbols: list[dict[str, Any]]) -> bool:
    """Whether the France map enlarges Paris and the petite couronne (france_maps.paris_inset): Paris has a circle,
    which at France's scale covers the counts of its neighbours, and one of them has a circle too."""
    codes = {c["code"] for c in symbols}
    return "75" in codes and bool(codes & set(PARIS_INSET[1:]))


def france_counts_spec(atlas: Atlas, w: Words = FRENCH) -> Spec:
    """Hubs (not closed) counted per département: circles whose area is the count, the count written in."""
    counts, unknown = departement_counts(atlas, atlas.hubs)
    symbols = _symbols(counts)
    enlarged = paris_enlarged(symbols)
    alt = (w._("Carte de France des lieux d'innovation de l'atlas comptés par département, en cercles "
               "proportionnels au nombre de lieux, régions et départements tracés, départements d'outre-mer en "
               "encarts (%(overseas)s) : ", overseas=_insets_named(w)) + _counts_alt(counts, unknown, w) + " "
           + (w._("Un encart agrandit Paris et la petite couronne.") + " " if enlarged else "")
           + credit(w))
    largest = max((c["count"] for c in symbols), default=0)
    legend = legend_values(largest)
    return Spec(
        key=PictureKey("home", "", "map", lang=w.lang).text, kind="france-counts",
        title=w._("Les lieux d'innovation de l'atlas par département"),
        alt=alt, table_headers=headers(COUNT_HEADERS, w), table_rows=_count_rows(counts, w),
        data={"symbols": symbols, "largest": largest, "legend": legend, "words": map_words(w, legend),
              "lang": w.lang, "paris": enlarged},
    )


def _coordinates(coordinates: tuple[float, float] | None, w: Words = FRENCH) -> tuple[str, str]:
    if coordinates is None:
        return w._(NO_COORDINATES), w._(NO_COORDINATES)
    return coordinate(coordinates[0], w), coordinate(coordinates[1], w)


def _departement_populations(atlas: Atlas) -> dict[str, tuple[float, Territory]]:
    """Population of each département that has a sheet with a population fact, by INSEE code."""
    out: dict[str, tuple[float, Territory]] = {}
    deps = outlines("departements")
    for territory in atlas.by_level("departement"):
        if territory.code in deps and territory.population is not None and territory.code not in out:
            value = territory.population.value
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
                out[territory.code] = (float(value), territory)
    return out


def _population_cell(population: tuple[float, Territory], w: Words) -> str:
    """`656 955 (2023)`: a population with the year its census describes, where the sheet gives it."""
    value, territory = population
    year = territory.population.year if territory.population is not None else None
    return f"{w.number(int(value))} ({year})" if year else w.number(int(value))


def density_breaks(values: list[float]) -> list[float]:
    """Upper bounds of four equal classes above zero, rounded up to one decimal."""
    top = max(values, default=0.0)
    if top <= 0:
        return []
    step = top / 4
    return [round(step * i + 0.049, 1) for i in range(1, 5)]


def density_spec(atlas: Atlas, w: Words = FRENCH) -> Spec:
    """Hubs not closed per 100,000 inhabitants per département (population from the sheets). Those counted include
    the hubs whose status is to be checked (the 2019 census's), and the words say so: a reader took the column
    « en activité ou en projet » for places known to be open."""
    deps = outlines("departements")
    counts: Counter[str] = Counter()
    unassigned = []
    for hub in atlas.hubs.values():
        if hub.status == "closed":
            continue
        dep = departement_of_hub(atlas, hub)
        if dep is None:
            unassigned.append(hub.name)
        else:
            counts[dep] += 1
    populations = _departement_populations(atlas)
    density = {code: counts[code] / pop * 100_000 for code, (pop, _) in populations.items()}
    breaks = density_breaks(list(density.values()))
    classes = {}
    for code, value in density.items():
        classes[code] = 0 if value == 0 else next(i + 1 for i, b in enumerate(breaks) if value <= b + 1e-9)
    legend = ["0"] + [(w._("plus de 0 à %(hi)s", hi=w.number(hi, 1)) if lo == 0 else
                       w._("%(lo)s à %(hi)s", lo=w.number(lo, 1), hi=w.number(hi, 1)))
                      for lo, hi in zip([0.0] + breaks[:-1], breaks, strict=True)] if breaks else ["0"]
    rows = []
    for code in sorted(set(counts) | set(populations), key=lambda c: (sort_key(deps[c].name), c)):
        pop = populations.get(code)
        rows.append((f"{deps[code].name} ({code})", w.number(counts[code]),
                     _population_cell(pop, w) if pop else w._("non renseignée"),
                     w.number(density[code], 2) if code in density else w._("non calculée")))
    ranked = sorted(density.items(), key=lambda item: (-item[1], sort_key(deps[item[0]].name)))
    missing = len(deps) - len(populations)
    alt = w._("Carte de France des lieux d'innovation non fermés (statut à vérifier compris) pour 100 000 "
              "habitants, par département ; la population est celle des fiches de département (%(count)s%(rest)s).",
              count=w.nwords(len(populations), "%(n)s département renseigné", "%(n)s départements renseignés"),
              rest=w._(", les autres en gris") if missing else "")
    alt += " " + w._("Départements d'outre-mer en encarts : %(names)s.", names=_insets_named(w))
    if ranked:
        alt += " " + w._(" ; ").join(f"{deps[c].name} {w.number(v, 2)}" for c, v in ranked[:15])
        if len(ranked) > 15:
            alt += w._(" ; et %(rest)s de plus (voir le tableau)",
                       rest=w.nwords(len(ranked) - 15, "%(n)s département", "%(n)s départements"))
        alt += "."
    without = sorted((c for c in counts if c not in populations), key=lambda c: sort_key(deps[c].name))
    if without:
        alt += " " + w._("Lieux dans des départements sans population renseignée : %(list)s.",
                         list=w.enumerate([f"{deps[c].name} {w.number(counts[c])}" for c in without]))
    if unassigned:
        alt += " " + w._("Sans département connu : %(names)s.", names=w.enumerate(sorted(unassigned, key=sort_key)))
    alt += " " + credit(w)
    return Spec(
        key=PictureKey("home", "", "density", lang=w.lang).text, kind="density",
        title=w._("Lieux d'innovation pour 100 000 habitants, par département"), alt=alt,
        table_headers=headers(("Département", N_("Lieux non fermés (statut à vérifier compris)"), N_("Population"),
                               N_("Lieux pour 100 000 habitants")), w),
        table_rows=tuple(rows),
        data={"classes": dict(sorted(classes.items())), "legend": legend, "missing": missing > 0, "lang": w.lang,
              "words": {"no_population": w._("population non renseignée"),
                        "title": w._("Lieux d'innovation pour 100 000 habitants"),
                        "short_title": w._("Lieux pour 100 000 habitants")}},
    )
