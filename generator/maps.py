"""Maps of the atlas, drawn offline from the committed boundary files (generator/geodata/).

France with its régions and départements and the overseas départements as insets; the density
of hubs per département; a locator map per territory and per hub. A hub without coordinates is
listed in the alt text and the table, never placed at a made-up point.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Bbox

from generator import formats, geo
from generator.drawing import (
    ATTRIBUTION,
    COARSE,
    INK,
    MUTED,
    NARROW_TEXT,
    NARROW_WIDTH,
    OKABE_ITO,
    STATUS_COLOURS,
    Spec,
    clip_parameters,
    enumerate_fr,
    label_boxes,
    new_figure,
    path_segments,
    place_labels,
    plural,
    shorten,
    sort_key,
    svg_bytes,
    svg_document,
    svg_text,
    text_width,
    wrap_label,
    wrap_to,
    xml_text,
)
from generator.model import OLD_AFTER_YEARS, STATUS_LABELS, STATUSES, Atlas, Hub, Territory

METRO: tuple[float, float, float, float] = (-5.3, 41.25, 9.7, 51.15)  # west, south, east, north
NARROW = "narrow"  # key prefix of a picture's variant drawn for phones (see pages.picture)
CREDIT = f"Fonds de carte : {ATTRIBUTION}."
NO_COORDINATES = "non renseignée"
DENSITY_COLOURS = ("#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b")  # ColorBrewer Blues, one hue
NO_DATA = "#d9d9d9"
HIGHLIGHT = "#0072B2"
HIGHLIGHT_FILL = "#cfe3f3"
OUTLINE = "#8c8c8c"
MAX_NAMED = 12  # beyond this many, an alt text counts the hubs instead of naming them
FAR = 1.0  # degrees around a territory's outline beyond which a hub is not drawn on its locator
WIDE_VIEW = 3.5  # degrees of longitude: wider views (régions) use the simplified layers
PLACED = ("lieu d'innovation placé", "lieux d'innovation placés")
TO_CHECK = "to-check"  # an open or planned status no source has seen for more than five years
CATEGORIES = (*STATUSES, TO_CHECK)  # how a point is drawn: shape and colour
MARKERS = {"active": "o", "project": "s", "closed": "X", TO_CHECK: "^"}
COLOURS = {**STATUS_COLOURS, TO_CHECK: OKABE_ITO[1]}  # orange: none of the three statuses
CATEGORY_LABELS = {**STATUS_LABELS, TO_CHECK: f"À vérifier (statut vu il y a plus de {OLD_AFTER_YEARS} ans)"}
APPROXIMATE = "Position approximative (centre de la commune)"
PRECISION_WORDS = {"address": "adresse", "commune": "centre de la commune"}
HOLLOW_WIDTH = 1.3  # edge of a commune-precision marker: hollow, so that shape, not colour alone, tells it
AGGREGATE_ABOVE = 150  # more hubs than this on France: counts per département instead of points
REGION_AGGREGATE_ABOVE = 60  # same for a région's map
LARGEST_SYMBOL = 34.0  # points: diameter of the circle of the largest count on the France map
LOCAL_SYMBOL = 26.0  # the same on a région's locator
CROWDED = 40  # more points than this on a locator: smaller markers


def coordinate(value: float) -> str:
    return formats.number(round(value, 4))


def position(lat: float, lon: float) -> str:
    """`47,24 N, 6,02 E`; south and west the French way (S, O)."""
    return (f"{coordinate(abs(lat))}{formats.NBSP}{'N' if lat >= 0 else 'S'}, "
            f"{coordinate(abs(lon))}{formats.NBSP}{'E' if lon >= 0 else 'O'}")


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


def status_words(atlas: Atlas, hub: Hub) -> str:
    """The status as the tables beside the maps say it: `En activité`, `À vérifier (en activité en 2019)`."""
    if atlas.status_is_old(hub):
        return f"À vérifier ({hub.status_label.lower()} en {hub.status_year})"
    return hub.status_label


def precision_words(hub: Hub) -> str:
    return PRECISION_WORDS.get(hub.precision or "address", "adresse") if hub.coordinates else NO_COORDINATES


def _hub_rows(atlas: Atlas, hub_ids: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    return tuple((atlas.hubs[h].name, atlas.territories[atlas.hubs[h].territory_id].name,
                  status_words(atlas, atlas.hubs[h]), *_coordinates(atlas.hubs[h].coordinates),
                  precision_words(atlas.hubs[h])) for h in hub_ids)


HUB_HEADERS = ("Lieu", "Territoire", "Statut", "Latitude", "Longitude", "Précision")


def _point(atlas: Atlas, hub: Hub) -> dict[str, Any]:
    lat, lon = hub.coordinates  # type: ignore[misc]
    return {"lat": lat, "lon": lon, "status": category(atlas, hub), "label": hub.name,
            "approx": hub.precision == "commune"}


def _approx_sentence(points: list[dict[str, Any]]) -> str:
    approx = sum(1 for p in points if p.get("approx"))
    if not approx:
        return ""
    return (f" {plural(approx, 'point', 'points')} en position approximative (centre de la commune), "
            "en symbole creux.")


def _unplaced_sentence(names: list[str]) -> str:
    if not names:
        return ""
    if len(names) > MAX_NAMED:
        return f" {plural(len(names), 'lieu', 'lieux')} sans coordonnées, donc non placés (voir le tableau)."
    return f" Sans coordonnées, donc non placés : {enumerate_fr(sorted(names, key=sort_key))}."


# --- specs ---------------------------------------------------------------------------------------


MARKED_LEVELS = ("epci", "commune", "pays")  # régions and départements are outlined already


def france_spec(atlas: Atlas, aggregate: bool | None = None) -> Spec:
    """The hubs of the atlas on France, overseas ones in their inset: each hub as a point while they are
    few, counted per département (proportional circles) beyond AGGREGATE_ABOVE, where 1,500 points
    would only make blots."""
    if aggregate is None:
        aggregate = sum(1 for h in atlas.hubs.values() if h.coordinates is not None) > AGGREGATE_ABOVE
    if aggregate:
        return france_counts_spec(atlas)
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
    alt = ("Carte de France, régions et départements tracés, départements d'outre-mer en encarts, avec "
           f"{plural(len(placed), *PLACED)}")
    if overseas:
        alt += f" (dont {formats.number(overseas)} outre-mer)"
    if placed:
        alt += " : " + enumerate_fr([f"{CATEGORY_LABELS[s].lower()} {formats.number(counts[s])}"
                                     for s in CATEGORIES if counts[s] or s in STATUSES])
    alt += "." + _approx_sentence(placed)
    if towns:
        alt += (f" {plural(len(towns), 'territoire', 'territoires')} de l'atlas (intercommunalités, communes, pays) "
                f"{'marqué' if len(towns) < 2 else 'marqués'} d'un losange à leur chef-lieu.")
    alt += _unplaced_sentence(unplaced)
    if off_map:
        alt += f" Hors du cadre de la carte : {enumerate_fr(sorted(off_map, key=sort_key))}."
    alt += " " + CREDIT
    rows = [(hub.name, f"Lieu d'innovation ({status_words(atlas, hub).lower()})",
             atlas.territories[hub.territory_id].name, *(_coordinates(hub.coordinates)), precision_words(hub))
            for hub in atlas.hubs.values()]
    rows += [(t.name, t.level_label, atlas.territories[t.parent_id].name if t.parent_id else "",
              *(_coordinates(t.coordinates)), "chef-lieu") for t in towns]
    return Spec(
        key="home/map", kind="france", title="Les lieux d'innovation de l'atlas en France",
        alt=alt, table_headers=("Nom", "Nature", "Rattachement", "Latitude", "Longitude", "Précision"),
        table_rows=tuple(rows),
        data={"points": placed,
              "towns": [{"lat": t.coordinates[0], "lon": t.coordinates[1]} for t in towns]},  # type: ignore[index]
    )


COUNT_HEADERS = ("Département", "Lieux (hors fermés)", "dont statut à vérifier",
                 "dont position approximative", "dont sans coordonnées", "Lieux fermés")


def departement_counts(atlas: Atlas, hub_ids: Iterable[str]) -> tuple[dict[str, Counter[str]], list[str]]:
    """Per département (INSEE code): hubs not closed ("open"), of which "to-check", "approx", "unplaced";
    and "closed". A hub counts where its point is, else where its territory is; the names of those with
    no known département come second."""
    counts: dict[str, Counter[str]] = {}
    unknown = []
    for hub_id in hub_ids:
        hub = atlas.hubs[hub_id]
        dep = geo.departement_of_hub(atlas, hub)
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


def _count_rows(counts: dict[str, Counter[str]]) -> tuple[tuple[str, ...], ...]:
    deps = geo.layer("departements")
    return tuple((f"{deps[code].name} ({code})", *(formats.number(counts[code][k]) for k in
                                                    ("open", "to-check", "approx", "unplaced", "closed")))
                 for code in sorted(counts, key=lambda c: (sort_key(deps[c].name), c)))


def _symbols(counts: dict[str, Counter[str]]) -> list[dict[str, Any]]:
    """One circle per département with open hubs, at a point inside it, largest first (drawn first)."""
    out = []
    for code, tally in counts.items():
        if tally["open"]:
            lat, lon = geo.symbol_point(code)
            out.append({"code": code, "lat": lat, "lon": lon, "count": tally["open"]})
    return sorted(out, key=lambda c: (-c["count"], c["code"]))


def _counts_alt(counts: dict[str, Counter[str]], unknown: list[str]) -> str:
    deps = geo.layer("departements")
    symbols = _symbols(counts)
    total = sum(c["count"] for c in symbols)
    alt = (f"{plural(total, 'lieu', 'lieux')} (hors lieux fermés) dans "
           f"{plural(len(symbols), 'département')}")
    if symbols:
        alt += " ; les plus nombreux : " + " ; ".join(f"{deps[c['code']].name} {formats.number(c['count'])}"
                                                      for c in symbols[:10])
        if len(symbols) > 10:
            alt += f" ; et {plural(len(symbols) - 10, 'département')} de plus (voir le tableau)"
    alt += "."
    to_check = sum(t["to-check"] for t in counts.values())
    approx = sum(t["approx"] for t in counts.values())
    unplaced = sum(t["unplaced"] for t in counts.values())
    closed = sum(t["closed"] for t in counts.values())
    if to_check:
        alt += (f" Dont {plural(to_check, 'lieu', 'lieux')} au statut à vérifier (vu il y a plus de "
                f"{OLD_AFTER_YEARS} ans).")
    if approx:
        alt += f" {plural(approx, 'lieu', 'lieux')} en position approximative (centre de la commune)."
    if unplaced:
        alt += f" {plural(unplaced, 'lieu', 'lieux')} sans coordonnées, comptés dans le département de leur territoire."
    if closed:
        alt += f" {plural(closed, 'lieu fermé', 'lieux fermés')}, {'non compté' if closed < 2 else 'non comptés'}."
    if unknown:
        alt += f" Hors des départements de la carte : {enumerate_fr(unknown)}."
    return alt


def france_counts_spec(atlas: Atlas) -> Spec:
    """Hubs (not closed) counted per département: circles whose area is the count, the count written in."""
    counts, unknown = departement_counts(atlas, atlas.hubs)
    symbols = _symbols(counts)
    alt = ("Carte de France des lieux d'innovation de l'atlas comptés par département, en cercles "
           "proportionnels au nombre de lieux, régions et départements tracés, départements d'outre-mer en "
           "encarts : " + _counts_alt(counts, unknown) + " " + CREDIT)
    largest = max((c["count"] for c in symbols), default=0)
    return Spec(
        key="home/map", kind="france-counts", title="Les lieux d'innovation de l'atlas par département",
        alt=alt, table_headers=COUNT_HEADERS, table_rows=_count_rows(counts),
        data={"symbols": symbols, "largest": largest, "legend": legend_values(largest)},
    )


def _coordinates(coordinates: tuple[float, float] | None) -> tuple[str, str]:
    if coordinates is None:
        return NO_COORDINATES, NO_COORDINATES
    return coordinate(coordinates[0]), coordinate(coordinates[1])


def _departement_populations(atlas: Atlas) -> dict[str, tuple[float, Territory]]:
    """Population of each département that has a sheet with a population fact, by INSEE code."""
    out: dict[str, tuple[float, Territory]] = {}
    deps = geo.layer("departements")
    for territory in atlas.by_level("departement"):
        if territory.code in deps and territory.population is not None and territory.code not in out:
            value = territory.population.value
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
                out[territory.code] = (float(value), territory)
    return out


def density_breaks(values: list[float]) -> list[float]:
    """Upper bounds of four equal classes above zero, rounded up to one decimal."""
    top = max(values, default=0.0)
    if top <= 0:
        return []
    step = top / 4
    return [round(step * i + 0.049, 1) for i in range(1, 5)]


def density_spec(atlas: Atlas) -> Spec:
    """Active and planned hubs per 100,000 inhabitants per département (population from the sheets)."""
    deps = geo.layer("departements")
    counts: Counter[str] = Counter()
    unassigned = []
    for hub in atlas.hubs.values():
        if hub.status == "closed":
            continue
        dep = geo.departement_of_hub(atlas, hub)
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
    legend = ["0"] + [(f"plus de 0 à {formats.number(hi, 1)}" if lo == 0 else
                       f"{formats.number(lo, 1)} à {formats.number(hi, 1)}")
                      for lo, hi in zip([0.0] + breaks[:-1], breaks, strict=True)] if breaks else ["0"]
    rows = []
    for code in sorted(set(counts) | set(populations), key=lambda c: (sort_key(deps[c].name), c)):
        pop = populations.get(code)
        rows.append((f"{deps[code].name} ({code})", formats.number(counts[code]),
                     formats.number(int(pop[0])) if pop else "non renseignée",
                     formats.number(density[code], 2) if code in density else "non calculée"))
    ranked = sorted(density.items(), key=lambda item: (-item[1], sort_key(deps[item[0]].name)))
    missing = len(deps) - len(populations)
    alt = ("Carte de France des lieux d'innovation en activité ou en projet pour 100 000 habitants, par "
           "département ; la population est celle des fiches de département "
           f"({plural(len(populations), 'département renseigné', 'départements renseignés')}"
           f"{', les autres en gris' if missing else ''}).")
    if ranked:
        alt += " " + " ; ".join(f"{deps[c].name} {formats.number(v, 2)}" for c, v in ranked[:15])
        if len(ranked) > 15:
            alt += f" ; et {plural(len(ranked) - 15, 'département')} de plus (voir le tableau)"
        alt += "."
    without = sorted((c for c in counts if c not in populations), key=lambda c: sort_key(deps[c].name))
    if without:
        alt += (" Lieux dans des départements sans population renseignée : "
                + enumerate_fr([f"{deps[c].name} {formats.number(counts[c])}" for c in without]) + ".")
    if unassigned:
        alt += f" Sans département connu : {enumerate_fr(sorted(unassigned, key=sort_key))}."
    alt += " " + CREDIT
    return Spec(
        key="home/density", kind="density",
        title="Lieux d'innovation pour 100 000 habitants, par département", alt=alt,
        table_headers=("Département", "Lieux en activité ou en projet", "Population", "Lieux pour 100 000 habitants"),
        table_rows=tuple(rows),
        data={"classes": dict(sorted(classes.items())), "legend": legend, "missing": missing > 0},
    )


def territory_locator_spec(atlas: Atlas, territory_id: str) -> Spec | None:
    """The territory's outline (or its département's) highlighted, its hubs as points; a région with
    many hubs shows them counted per département instead."""
    territory = atlas.territories[territory_id]
    located = geo.territory_outline(atlas, territory)
    hub_ids = atlas.hubs_within(territory_id)
    hubs = [atlas.hubs[h] for h in hub_ids]
    points = [_point(atlas, h) for h in hubs if h.coordinates is not None]
    if territory.level == "region" and located is not None and len(points) > REGION_AGGREGATE_ABOVE:
        return _region_counts_spec(atlas, territory, located, hub_ids)
    centre = territory.coordinates
    if located is None and not points and centre is None:
        return None
    far: list[str] = []
    if located is None:
        shown = "pas de contour connu pour ce territoire"
    else:
        outline = geo.layer(located.layer)[located.code]
        if located.own:
            shown = "contour du territoire surligné"
            centre = None  # its outline says where it is
        else:
            shown = (f"sans contour propre sur la carte, le département qui le contient, {outline.name} "
                     f"({outline.code}), est surligné")
        # a point far from the outline (a typo in a sheet, a hub elsewhere) would shrink the map to nothing
        west, south, east, north = _padded(outline.bounds, 0, FAR)
        far = sorted((p["label"] for p in points if not (west <= p["lon"] <= east and south <= p["lat"] <= north)),
                     key=sort_key)
        points = [p for p in points if p["label"] not in far]
        if centre is not None and not (west <= centre[1] <= east and south <= centre[0] <= north):
            centre = None
    alt = f"Carte de localisation, {territory.name} : {shown}"
    if centre is not None:
        alt += f", son chef-lieu marqué d'une étoile ({position(*centre)})"
    alt += f" ; {plural(len(points), *PLACED)}"
    if points and len(points) <= MAX_NAMED:
        alt += " : " + enumerate_fr(sorted((p["label"] for p in points), key=sort_key))
    elif points:
        alt += " (voir le tableau)"
    alt += "." + _approx_sentence(points)
    to_check = sum(1 for p in points if p["status"] == TO_CHECK)
    if to_check:
        alt += (f" {plural(to_check, 'lieu', 'lieux')} au statut à vérifier (vu il y a plus de "
                f"{OLD_AFTER_YEARS} ans), en triangle.")
    if far:
        alt += f" Hors du cadre de la carte : {enumerate_fr(far)}."
    alt += _unplaced_sentence([h.name for h in hubs if h.coordinates is None])
    alt += " " + CREDIT
    return Spec(
        key=f"territory/{territory_id}/locator", kind="locator",
        title=f"Localisation : {territory.name}", alt=alt,
        table_headers=HUB_HEADERS, table_rows=_hub_rows(atlas, hub_ids),
        data={"outline": [located.layer, located.code] if located else None,
              "points": points, "centre": list(centre) if centre else None,
              "labels": len(points) <= 12,
              # a département's map shows its intercommunalités, an intercommunalité's its neighbours
              "intercommunal": located is not None and located.layer in ("departements", "epci", "epci-cc")},
    )


def _region_counts_spec(atlas: Atlas, territory: Territory, located: geo.Located, hub_ids: Iterable[str]) -> Spec:
    counts, unknown = departement_counts(atlas, hub_ids)
    symbols = _symbols(counts)
    largest = max((c["count"] for c in symbols), default=0)
    alt = (f"Carte de localisation, {territory.name} : contour du territoire surligné, ses lieux d'innovation "
           "comptés par département en cercles proportionnels au nombre de lieux : "
           + _counts_alt(counts, unknown) + " " + CREDIT)
    return Spec(
        key=f"territory/{territory.id}/locator", kind="locator",
        title=f"Localisation : {territory.name}, lieux par département", alt=alt,
        table_headers=COUNT_HEADERS, table_rows=_count_rows(counts),
        data={"outline": [located.layer, located.code], "points": [], "centre": None, "labels": False,
              "symbols": symbols, "largest": largest, "legend": legend_values(largest)},
    )


def hub_locator_spec(atlas: Atlas, hub_id: str) -> Spec | None:
    """Where one hub is: its département highlighted, the hub as a point (hollow at a commune's centre)."""
    hub = atlas.hubs[hub_id]
    if hub.coordinates is None:
        return None
    lat, lon = hub.coordinates
    dep = geo.departement_at(lat, lon)  # where the point is, even if its territory says otherwise
    alt = f"Carte de localisation, {hub.name} : un point aux coordonnées {position(lat, lon)}"
    if hub.precision == "commune":
        alt += " (position approximative : centre de la commune, en symbole creux)"
    if dep is not None:
        alt += f", dans le département {geo.layer('departements')[dep].name} ({dep}), surligné"
    alt += ". " + CREDIT
    return Spec(
        key=f"hub/{hub_id}/locator", kind="locator", title=f"Localisation : {hub.name}", alt=alt,
        table_headers=HUB_HEADERS, table_rows=_hub_rows(atlas, [hub_id]),
        data={"outline": ["departements", dep] if dep else None, "points": [_point(atlas, hub)], "centre": None,
              "labels": True},
    )


# --- keys ----------------------------------------------------------------------------------------


def keys(atlas: Atlas) -> list[str]:
    """Every map that has something to show for this atlas."""
    out = ["home/map", f"{NARROW}/home/map"]
    if atlas.hubs:
        out += ["home/density", f"{NARROW}/home/density"]
    for tid, territory in atlas.territories.items():
        if (geo.territory_outline(atlas, territory) is not None or territory.coordinates is not None
                or any(atlas.hubs[h].coordinates for h in atlas.hubs_within(tid))):
            out += [f"territory/{tid}/locator", f"{NARROW}/territory/{tid}/locator"]
    out += [f"{prefix}hub/{hid}/locator" for hid, hub in atlas.hubs.items() if hub.coordinates is not None
            for prefix in ("", NARROW + "/")]
    return out


NARROW_KINDS = {"locator": "locator-narrow", "france": "france-narrow", "france-counts": "france-narrow",
                "density": "density-narrow"}


def narrow_spec(wide: Spec) -> Spec:
    """The variant of a map drawn for phones: the same words and data, another drawer."""
    if wide.kind not in NARROW_KINDS:
        raise KeyError(f"{NARROW}/{wide.key}")
    return replace(wide, key=f"{NARROW}/{wide.key}", kind=NARROW_KINDS[wide.kind])


def spec(atlas: Atlas, key: str) -> Spec:
    """The spec of one map key (a key from `keys`)."""
    if key.startswith(NARROW + "/"):
        return narrow_spec(spec(atlas, key.removeprefix(NARROW + "/")))
    parts = key.split("/")
    if key == "home/map":
        return france_spec(atlas)
    if key == "home/density":
        return density_spec(atlas)
    if parts[0] == "territory" and parts[2] == "locator":
        found = territory_locator_spec(atlas, parts[1])
    elif parts[0] == "hub" and parts[2] == "locator":
        found = hub_locator_spec(atlas, parts[1])
    else:
        raise KeyError(key)
    if found is None:
        raise KeyError(key)
    return found


# --- drawing -------------------------------------------------------------------------------------


def _outline_paths(outlines: Iterable[geo.Outline], lat0: float, clip: Bbox | None = None) -> list[MplPath]:
    paths = []
    for outline in outlines:
        path = outline.path(lat0)
        if clip is not None and ((path.vertices.min(axis=0) < clip.min).any()
                                 or (path.vertices.max(axis=0) > clip.max).any()):
            path = path.clip_to_bbox(clip, inside=True)
        if len(path.vertices):
            paths.append(path)
    return paths


def _outline_collection(outlines: Iterable[geo.Outline], lat0: float, clip: Bbox | None = None,
                        **style: Any) -> PathCollection:
    return PathCollection(_outline_paths(outlines, lat0, clip), **style)


def _set_view(ax: Any, bounds: tuple[float, float, float, float], lat0: float) -> None:
    west, south, east, north = bounds
    x0, y0 = geo.project(west, south, lat0)
    x1, y1 = geo.project(east, north, lat0)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])


def _intersects(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _covered(outline: geo.Outline, layer: str, hidden: tuple[str, str] | None) -> bool:
    """Whether this outline is the highlighted one, whose edge is drawn on top anyway."""
    if hidden is None:
        return False
    kind, code = hidden
    return kind == layer and outline.code == code


def _clip_box(bounds: tuple[float, float, float, float], lat0: float) -> Bbox:
    """The view grown by a margin, so that clipped outlines never show their cut edge."""
    west, south, east, north = _padded(bounds, 0.05)
    (x0, y0), (x1, y1) = geo.project(west, south, lat0), geo.project(east, north, lat0)
    return Bbox.from_extents(x0, y0, x1, y1)


INTERCOMMUNAL = "#b0b0b0"  # the intercommunalités of a close view: lighter and thinner than the départements
INTERCOMMUNAL_GID = f"{COARSE}-intercommunalites"  # thin context lines: whole points suffice (lighter files)


def draw_base(ax: Any, bounds: tuple[float, float, float, float], detail: str,
              fills: dict[str, str] | None = None, departements: bool = True, regions: bool = True,
              clip: bool = False, hidden: tuple[str, str] | None = None, intercommunal: bool = False) -> float:
    """Départements (thin) and régions (thicker) that meet the view; returns the projection latitude.

    `detail` picks the layers: "" (full), "-simple" (all of France), "-overview" (régions only, tiny).
    `hidden` (layer, code) is an outline drawn again on top (a highlight's edge): not drawn twice.
    `intercommunal` adds the intercommunalités that meet the view, under the départements: a close view
    shows a département's intercommunalités and an intercommunalité's neighbours, and a piece of a
    département's limit (a thin strip along a river) reads as one limit among others.
    """
    lat0 = (bounds[1] + bounds[3]) / 2
    suffix = detail
    box = _clip_box(bounds, lat0) if clip else None
    if intercommunal:
        epcis = [o for name in geo.LEVEL_LAYERS["epci"] for o in geo.layer(name).values()
                 if _intersects(o.bounds, bounds) and not _covered(o, name, hidden)]
        ax.add_collection(_outline_collection(epcis, lat0, box, facecolors="none", edgecolors=INTERCOMMUNAL,
                                              linewidths=0.3, zorder=0.8, gid=INTERCOMMUNAL_GID))
    if departements:
        deps = [o for o in geo.layer("departements" + suffix).values()
                if _intersects(o.bounds, bounds) and not _covered(o, "departements", hidden)]
        faces = [(fills or {}).get(o.code, "none") for o in deps]
        ax.add_collection(_outline_collection(deps, lat0, box, facecolors=faces,
                                              edgecolors=OUTLINE if regions else MUTED,
                                              linewidths=0.35 if regions else 0.7, zorder=1,
                                              gid="departements"))
    if regions:
        regs = [o for o in geo.layer("regions" + suffix).values()
                if _intersects(o.bounds, bounds) and not _covered(o, "regions", hidden)]
        ax.add_collection(_outline_collection(regs, lat0, box, facecolors="none", edgecolors=MUTED,
                                              linewidths=0.9, zorder=2, gid="regions"))
    _set_view(ax, bounds, lat0)
    return lat0


def draw_points(ax: Any, points: list[dict[str, Any]], lat0: float, size: float = 22,
                labels: bool = False) -> None:
    """Hubs as points, shaped and coloured by status (shape keeps them apart without colour); a point at a
    commune's centre is hollow (white inside, a thicker edge of its colour), one at its address filled."""
    all_xy: list[tuple[float, float]] = []
    names: list[str] = []
    for status in (TO_CHECK, *STATUSES):  # statuses seen lately drawn last, on top of the many to check
        for approx in (False, True):
            chosen = [p for p in points if p["status"] == status and bool(p.get("approx")) == approx]
            if not chosen:
                continue
            xy = [geo.project(p["lon"], p["lat"], lat0) for p in chosen]
            colour = COLOURS[status]
            dots = ax.scatter([x for x, _ in xy], [y for _, y in xy], s=size, marker=MARKERS[status],
                              facecolors="white" if approx else colour, edgecolors=colour if approx else "white",
                              linewidths=HOLLOW_WIDTH if approx else 0.6, zorder=5)
            dots.set_gid(f"points-{status}-{'commune' if approx else 'address'}")
            all_xy += xy
            names += [p["label"] for p in chosen]
    if labels:
        _labels(ax, all_xy, names)


NAME_SIZE = 6.5  # points: hub names beside their points on a locator
NAME_WRAP = 24  # characters per line of a hub's name: whole names on up to four lines, never cut mid-word


def _labels(ax: Any, xy: list[tuple[float, float]], names: list[str]) -> list[Any]:
    """Names beside the points, whole on up to four lines, first tried alternately right and left from north
    to south, then moved to the first free spot inside the close view (drawing.place_labels) where none
    covers another or a point, crossing as few drawn boundaries as can be; a light white box keeps them
    legible over a line they must cross. Returns the labels (north to south), for tests to measure."""
    order = sorted(range(len(xy)), key=lambda i: (-xy[i][1], xy[i][0]))
    labels = []
    for rank, i in enumerate(order):
        right = rank % 2 == 0
        labels.append(ax.annotate(wrap_label(shorten(names[i], 4 * NAME_WRAP), NAME_WRAP, 4), xy[i],
                                  xytext=(5 if right else -5, 4 if right else -4),
                                  textcoords="offset points", ha="left" if right else "right",
                                  va="bottom" if right else "top", fontsize=NAME_SIZE, color=INK, zorder=6,
                                  gid="name", linespacing=1.05,
                                  # a light white box (a halo would turn the text into glyph paths, 10 KB)
                                  bbox={"boxstyle": "square,pad=0.08", "facecolor": "white", "edgecolor": "none",
                                        "alpha": 0.75}))
    fig = ax.figure
    ax.apply_aspect()  # the close view's final box (equal aspect), before measuring where things are
    screen = [ax.transData.transform(xy[i]) for i in order]
    dots = [Bbox.from_extents(x - 3, y - 3, x + 3, y + 3) for x, y in screen]
    frame = ax.get_window_extent()
    boundaries = [p for c in ax.collections if isinstance(c, PathCollection) and c.get_gid() in BOUNDARY_GIDS
                  for p in c.get_paths()]
    lines = path_segments(boundaries, ax.transData, frame)
    boxes = place_labels(fig, labels, dots, frame, gap=NAME_GAP, lines=lines)
    to_data = ax.transData.inverted()
    for label, box, (px, py) in zip(labels, boxes, screen, strict=True):
        if math.hypot(*label.xyann) > 2.2 * NAME_GAP:  # moved away from a crowd: a thin line says whose it is
            end = (min(max(px, box.x0), box.x1), min(max(py, box.y0), box.y1))
            (x1, y1), (x2, y2) = to_data.transform([(px, py), end])
            ax.plot([x1, x2], [y1, y2], color=MUTED, linewidth=0.5, zorder=5.5, gid="leader")
    return labels


NAME_GAP = 4.0  # points between a hub and its name


BOUNDARY_GIDS = ("highlight", "departements", "regions")  # the light intercommunal lines may be crossed


LEGEND_WRAP = 26  # characters per line of a legend entry in a narrow column
LEGEND_SIZE = 8.0  # points: a locator is shown ~530 px wide on the site, where 8 pt is ~9 px
FRANCE_TEXT = 8.0
"""Points: the smallest text of the France maps (counts, legends, insets' names). 8 pt on the 6.4 in wide
picture needs 633 px for 11 px text, which the home page's column (about 690 px between its two side
bars at 1280 px) gives: at 7 pt the map scrolled sideways there."""


def legend_handles(points: list[dict[str, Any]]) -> list[Any]:
    """One entry per status drawn (filled shapes), and the hollow circle of commune-precision points."""
    present = [s for s in CATEGORIES if any(p["status"] == s for p in points)]
    handles: list[Any] = [Line2D([], [], linestyle="none", marker=MARKERS[s], markerfacecolor=COLOURS[s],
                                 markeredgecolor="white", markersize=7, label=wrap_label(CATEGORY_LABELS[s],
                                                                                        LEGEND_WRAP, 2))
                          for s in present]
    if any(p.get("approx") for p in points):
        handles.append(Line2D([], [], linestyle="none", marker="o", markerfacecolor="white", markeredgecolor=MUTED,
                              markeredgewidth=HOLLOW_WIDTH, markersize=6.5,
                              label=wrap_label(APPROXIMATE, LEGEND_WRAP, 2), gid="legend-approx"))
    return handles


SYMBOL_COLOUR = "#0072B2"
SYMBOL_EDGE = "#08306b"


def _diameter(count: int, largest: int, biggest: float) -> float:
    """Circle diameter in points: its area is proportional to the count."""
    return biggest * math.sqrt(count / largest) if largest else 0.0


def draw_symbols(ax: Any, symbols: list[dict[str, Any]], lat0: float, largest: int, biggest: float,
                 fontsize: float = FRANCE_TEXT) -> list[Any]:
    """Proportional circles, largest first so that smaller ones stay on top and visible, each with its count
    inside (or just above when the circle is smaller than the figure). Returns the count labels."""
    if not symbols:
        return []
    xy = [geo.project(c["lon"], c["lat"], lat0) for c in symbols]
    sizes = [_diameter(c["count"], largest, biggest) ** 2 for c in symbols]
    circles = ax.scatter([x for x, _ in xy], [y for _, y in xy], s=sizes, marker="o", facecolors=SYMBOL_COLOUR,
                         edgecolors="white", linewidths=0.7, alpha=0.55, zorder=5)
    circles.set_gid("symbols")
    ax.scatter([x for x, _ in xy], [y for _, y in xy], s=sizes, marker="o", facecolors="none",
               edgecolors=SYMBOL_EDGE, linewidths=0.5, zorder=5)
    labels = []
    for c, point in zip(symbols, xy, strict=True):
        radius = _diameter(c["count"], largest, biggest) / 2
        inside = 2 * radius >= fontsize * 1.3
        label = ax.annotate(formats.number(c["count"]), point, xytext=(0, 0 if inside else radius + 0.5),
                            textcoords="offset points", ha="center", va="center" if inside else "bottom",
                            fontsize=fontsize, fontweight="bold", color=INK, zorder=7,
                            path_effects=[patheffects.withStroke(linewidth=2.0, foreground="white")])
        label.set_gid(f"count-{c['code']}")
        labels.append(label)
    return labels


def keep_apart(fig: Any, labels: list[Any], axes: list[Any]) -> list[Any]:
    """Remove, smallest counts last in line, each label that would cover a kept one or leave its axes;
    what a reader cannot see written stays in the table. Returns the kept labels."""
    boxes = label_boxes(fig, labels, pad=1.0)
    frames = [ax.get_window_extent() for ax in axes]
    kept: list[Any] = []
    kept_boxes: list[Bbox] = []
    for label, box in zip(labels, boxes, strict=True):
        frame = next((f for ax, f in zip(axes, frames, strict=True) if ax is label.axes), None)
        fits = frame is not None and frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 \
            and box.y1 <= frame.y1
        if fits and not any(box.overlaps(other) for other in kept_boxes):
            kept.append(label)
            kept_boxes.append(box)
        else:
            label.remove()
    return kept


def symbol_legend(where: Any, values: list[int], largest: int, biggest: float, horizontal: bool,
                  **placement: Any) -> Any:
    """Reference circles (round counts) sized as on the map."""
    handles = [Line2D([], [], linestyle="none", marker="o", markersize=_diameter(v, largest, biggest),
                      markerfacecolor=SYMBOL_COLOUR, markeredgecolor=SYMBOL_EDGE, alpha=0.55,
                      label=formats.number(v) if horizontal else plural(v, "lieu", "lieux")) for v in values]
    top = _diameter(values[0], largest, biggest) if values else 0
    fontsize = LEGEND_SIZE if horizontal else FRANCE_TEXT
    return where.legend(handles=handles, ncols=len(handles) if horizontal else 1, frameon=False,
                        fontsize=fontsize, title="Lieux par département" if horizontal else "Lieux par\ndépartement",
                        title_fontsize=fontsize,
                        handleheight=max(1.0, top / fontsize), handlelength=max(1.5, top / fontsize),
                        labelspacing=0.4, columnspacing=0.8, borderaxespad=0.2, **placement)


CREDIT_FONTSIZE = 8.0
"""The credit's size in points: 8 pt on a 460.8 pt (6.4 in) wide figure is ~10.7 px on screen at the
picture's own size (614 px, which a 760 px column shows whole) and ~6.6 pt in the A4 report, where a
France map is scaled to 150 mm high."""


def _credit(fig: Any) -> Any:
    """The IGN credit in the free band at the bottom right, under the maps, never over them."""
    return fig.text(0.99, 0.008, ATTRIBUTION, ha="right", va="bottom", fontsize=CREDIT_FONTSIZE, color=MUTED,
                    gid="credit")


def _insets(fig: Any, points: list[dict[str, Any]], towns: list[dict[str, Any]], fills: dict[str, str] | None,
            top: float, symbols: list[dict[str, Any]] | None = None, largest: int = 0,
            labels: list[Any] | None = None) -> list[Any]:
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
            drawn = draw_symbols(ax, [c for c in symbols if c["code"] == code], lat0, largest, LARGEST_SYMBOL)
            (labels if labels is not None else []).extend(drawn)
        ax.set_title(deps[code].name, fontsize=FRANCE_TEXT, pad=2)
        for spine in ax.spines.values():
            spine.set_edgecolor(OUTLINE)
            spine.set_linewidth(0.5)
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
                          data.get("largest", 0), LARGEST_SYMBOL)
    insets = _insets(fig, points, towns, fills, 0.24 * 7.2 / (7.2 + band), symbols, data.get("largest", 0), labels)
    if labels:
        keep_apart(fig, labels, [ax, *insets])
    return fig, ax, lat0


def draw_towns(ax: Any, towns: list[dict[str, Any]], lat0: float, size: float = 14) -> None:
    """Main towns of the atlas's smaller territories: white diamonds, under the hubs."""
    if towns:
        xy = [geo.project(t["lon"], t["lat"], lat0) for t in towns]
        ax.scatter([x for x, _ in xy], [y for _, y in xy], s=size, marker="D", facecolors="white",
                   edgecolors=INK, linewidths=0.6, zorder=4)


def france_figure(data: dict[str, Any]) -> Any:
    """The home map, points or counts, with its legend in the Atlantic (lower left, where no outline is drawn)."""
    fig, ax, _ = draw_france(data)
    if data.get("symbols"):
        clear_legend(fig, ax, lambda loc: symbol_legend(ax, data["legend"], data["largest"], LARGEST_SYMBOL,
                                                        horizontal=False, loc=loc))
    else:
        extra = [Line2D([], [], linestyle="none", marker="D", markerfacecolor="white", markeredgecolor=INK,
                        markersize=5, label=wrap_label("chef-lieu d'un territoire de l'atlas", LEGEND_WRAP, 2))
                 ] if data.get("towns") else []
        handles = legend_handles(data["points"]) + extra
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
        handles.append(Patch(facecolor=NO_DATA, edgecolor=OUTLINE, label="population non renseignée"))
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
                        title="Lieux d'innovation pour 100 000 habitants", title_fontsize=FRANCE_TEXT,
                        alignment="left", bbox_to_anchor=(0.01, (0.245 * 7.2 + band / 2) / height),
                        columnspacing=1.2, handlelength=1.5)
    legend.set_gid("legend")
    _credit(fig)
    return fig


LEGEND_PLACES = ("lower left", "upper left", "upper right", "lower right")  # the sea first, then the borders


def clear_legend(fig: Any, ax: Any, make: Callable[[str], Any]) -> Any:
    """The legend made by `make(loc)` at the first place of LEGEND_PLACES where its box crosses no outline
    of `ax` (the home map's legend sat on the coast, and on the Nord in the PDF); the least crossed when
    none is clear. Measured with the Agg renderer, like the labels."""
    from generator.drawing import path_segments, segments_crossing

    renderer = FigureCanvasAgg(fig).get_renderer()
    lines = path_segments([p for c in ax.collections if isinstance(c, PathCollection) and c.get_offsets().size == 0
                           for p in c.get_paths()], ax.transData)
    best: tuple[int, str] | None = None
    for loc in LEGEND_PLACES:
        legend = make(loc)
        crossing = segments_crossing(legend.get_window_extent(renderer).extents, lines)
        if crossing == 0:
            return legend
        legend.remove()
        if best is None or crossing < best[0]:
            best = (crossing, loc)
    assert best is not None
    return make(best[1])


def _variant(outline: list[str], detail: str) -> geo.Outline:
    """The outline from the coarsest layer that suits the view, falling back to a finer one."""
    layer_name, code = outline
    for suffix in dict.fromkeys((detail, "-simple", "")):
        name = layer_name + suffix
        if name in geo.LAYERS and code in geo.layer(name):
            return geo.layer(name)[code]
    return geo.layer(layer_name)[code]


def _locator_bounds(data: dict[str, Any], outline: geo.Outline | None) -> tuple[float, float, float, float]:
    """The close view: the outline with a margin, or the points; a hub just outside the outline still shows."""
    points, centre = data["points"], data["centre"]
    if outline is not None:
        bounds = _padded(outline.bounds, 0.12, 0.05)
    else:
        lats = [p["lat"] for p in points] + ([centre[0]] if centre else [])
        lons = [p["lon"] for p in points] + ([centre[1]] if centre else [])
        bounds = _padded((min(lons), min(lats), max(lons), max(lats)), 0.2, 0.3)
    for p in points:
        bounds = (min(bounds[0], p["lon"] - 0.05), min(bounds[1], p["lat"] - 0.05),
                  max(bounds[2], p["lon"] + 0.05), max(bounds[3], p["lat"] + 0.05))
    return bounds


# --- narrow variants (phones) ----------------------------------------------------------------------

SHAPES = {"active": "circle", "project": "square", "closed": "cross", TO_CHECK: "triangle"}


def _ring_data(rings: Iterable[Any], to_xy: Callable[[Any], Any], grid: int = 2, closed: bool = True) -> str:
    """SVG path data of rings of (lon, lat) points, on a 1/`grid` px grid (half pixels: a phone's
    screen shows no finer), repeated points dropped.

    All the rings are projected, rounded and differenced as one array (per ring, those few numpy calls
    cost more than the ring's own points); only the writing of each ring's steps is done ring by ring."""
    arrays = [np.asarray(ring, dtype=float) for ring in rings]
    arrays = [a for a in arrays if len(a)]
    if not arrays:
        return ""
    lengths = np.array([len(a) for a in arrays])
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    xy = np.round(to_xy(np.concatenate(arrays)) * grid).astype(np.int64) * (10 // grid)
    keep = np.ones(len(xy), dtype=bool)
    keep[1:] = np.any(xy[1:] != xy[:-1], axis=1)
    keep[starts] = True  # each ring's first point, even where the previous ring ended
    ring_of = np.repeat(np.arange(len(arrays)), lengths)[keep]
    xy = xy[keep]
    kept = np.bincount(ring_of, minlength=len(arrays))
    first = np.concatenate(([0], np.cumsum(kept)[:-1]))
    steps = np.diff(xy, axis=0)
    steps[first[1:] - 1] = 0  # no step from one ring to the next (dropped below)
    if len(steps) and -_TENTHS_REACH <= steps.min() and steps.max() < _TENTHS_REACH:
        texts = list(map(_TENTHS_TABLE.__getitem__, (steps + _TENTHS_REACH).ravel().tolist()))
    else:
        texts = list(map(_tenths, steps.ravel().tolist()))
    corner = xy[first].tolist()
    least = 3 if closed else 2
    parts = []
    end = "z" if closed else ""
    for ring, (start, count) in enumerate(zip(first.tolist(), kept.tolist(), strict=True)):
        if count < least:
            continue
        moves = " ".join(texts[2 * start:2 * (start + count - 1)])
        x, y = corner[ring]
        parts.append("M" + _tenths(x) + " " + _tenths(y) + "l" + moves + end)
    return "".join(parts)


def _in_view(rings: Iterable[Any], view: tuple[float, float, float, float]) -> list[Any]:
    """The runs of each ring that come into the view (plus the point on each side), so that no line is
    written for what the clip hides: boundary lines only, never filled."""
    west, south, east, north = view
    out = []
    for ring in rings:
        ring = np.asarray(ring, dtype=float)
        inside = (ring[:, 0] >= west) & (ring[:, 0] <= east) & (ring[:, 1] >= south) & (ring[:, 1] <= north)
        if inside.all():
            out.append(ring)
            continue
        near = inside.copy()
        near[1:] |= inside[:-1]
        near[:-1] |= inside[1:]
        edges = np.flatnonzero(np.diff(np.concatenate(([0], near.astype(np.int8), [0]))))
        out += [ring[a:b] for a, b in zip(edges[::2], edges[1::2], strict=True) if b - a >= 2]
    return out


def _tenths(value: int) -> str:
    sign = "-" if value < 0 else ""
    whole, part = divmod(abs(int(value)), 10)
    return f"{sign}{whole}.{part}" if part else f"{sign}{whole}"


_TENTHS_REACH = 20000  # steps of up to 2,000 px or pt, written by table look-up (thousands per picture)
_TENTHS_TABLE = [_tenths(v) for v in range(-_TENTHS_REACH, _TENTHS_REACH)]


def _marker(shape: str, x: float, y: float, r: float, colour: str, hollow: bool, edge: float | None = None) -> str:
    """One hub as an SVG shape; hollow (white inside, a thicker edge) at a commune's centre."""
    fill, stroke, width = ("#ffffff", colour, HOLLOW_WIDTH * 1.3) if hollow else (colour, "#ffffff", 0.8)
    width = edge if edge is not None else width
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}" stroke="{stroke}" stroke-width="{width}"/>'
    if shape == "square":
        return (f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" fill="{fill}" '
                f'stroke="{stroke}" stroke-width="{width}"/>')
    if shape == "triangle":
        return (f'<path d="M{x:.1f} {y - r * 1.15:.1f}L{x + r * 1.1:.1f} {y + r * 0.75:.1f}L{x - r * 1.1:.1f} '
                f'{y + r * 0.75:.1f}z" fill="{fill}" stroke="{stroke}" stroke-width="{width}"/>')
    d = r * 0.8  # a cross (closed), drawn as two thick strokes so that its shape tells it without colour
    return (f'<path d="M{x - d:.1f} {y - d:.1f}L{x + d:.1f} {y + d:.1f}M{x - d:.1f} {y + d:.1f}L{x + d:.1f} '
            f'{y - d:.1f}" stroke="{colour}" stroke-width="{3.2 if not hollow else 2.2}" stroke-linecap="round"/>')


NARROW_MAP_HEIGHT = 300.0  # px: the tallest close view of a narrow locator


def draw_locator_narrow(data: dict[str, Any]) -> bytes:
    """The close view of a locator for a phone, written as SVG text (about ten times faster than the
    wide one): NARROW_WIDTH px wide, its legend under the map in text of NARROW_TEXT px or more. The
    names of the hubs are in the table under the picture (on a phone, a name beside each point would
    cover the map); the small France is left out."""
    points, centre = data["points"], data["centre"]
    outline = geo.layer(data["outline"][0])[data["outline"][1]] if data["outline"] else None
    bounds = _locator_bounds(data, outline)
    detail = "-simple" if bounds[2] - bounds[0] > WIDE_VIEW else ""
    lat0 = (bounds[1] + bounds[3]) / 2
    k = math.cos(math.radians(lat0))
    west, south, east, north = bounds
    w = float(NARROW_WIDTH)
    scale = min((w - 2) / ((east - west) * k), NARROW_MAP_HEIGHT / (north - south))
    map_w, map_h = (east - west) * k * scale, (north - south) * scale
    ox = (w - map_w) / 2

    def to_xy(lonlat: Any) -> Any:
        return np.column_stack(((lonlat[:, 0] - west) * k * scale + ox, (north - lonlat[:, 1]) * scale + 1))

    def point_xy(lat: float, lon: float) -> tuple[float, float]:
        x, y = to_xy(np.array([[lon, lat]]))[0]
        return float(x), float(y)

    hidden = (data["outline"][0], data["outline"][1]) if outline is not None else None
    body = [f'<clipPath id="vue"><rect x="{ox:.1f}" y="1" width="{map_w:.1f}" height="{map_h:.1f}"/></clipPath>',
            '<g clip-path="url(#vue)">']
    if outline is not None:
        shape = _variant(data["outline"], detail)
        body.append(f'<path fill="{HIGHLIGHT_FILL}" d="{_ring_data((r for p in shape.polygons for r in p), to_xy)}"/>')
    padded = _padded(bounds, 0.05)
    layers: list[tuple[list[str], str, float]] = []
    if not detail and data.get("intercommunal", False):
        layers.append(([n for n in geo.LEVEL_LAYERS["epci"]], INTERCOMMUNAL, 0.5))
    layers += [(["departements" + detail], OUTLINE, 0.7), (["regions" + detail], MUTED, 1.3)]
    view = (west - 0.02, south - 0.02, east + 0.02, north + 0.02)
    for names, colour, width in layers:
        rings = [r for name in names for o in _meeting(name, padded)
                 if not _covered(o, name.removesuffix(detail), hidden) for p in o.polygons for r in p]
        if rings:
            body.append(f'<path fill="none" stroke="{colour}" stroke-width="{width}" stroke-linejoin="round" '
                        f'd="{_ring_data(_in_view(rings, view), to_xy, 1, closed=False)}"/>')
    if outline is not None:
        body.append(f'<path fill="none" stroke="{HIGHLIGHT}" stroke-width="2.2" stroke-linejoin="round" '
                    f'd="{_ring_data((r for p in shape.polygons for r in p), to_xy)}"/>')
    for status in (TO_CHECK, *STATUSES):
        for p in points:
            if p["status"] == status:
                x, y = point_xy(p["lat"], p["lon"])
                body.append(_marker(SHAPES[status], x, y, 5.0 if len(points) <= CROWDED else 4.0, COLOURS[status],
                                    bool(p.get("approx"))))
    symbols = data.get("symbols", [])
    largest = data.get("largest", 0)
    for c in symbols:
        x, y = point_xy(c["lat"], c["lon"])
        r = _diameter(c["count"], largest, LOCAL_SYMBOL) * 0.75  # points to px at the same reading size
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{SYMBOL_COLOUR}" fill-opacity="0.55" '
                    f'stroke="{SYMBOL_EDGE}" stroke-width="0.8"/>')
    for c in symbols:  # the counts over every circle, each with a white halo
        x, y = point_xy(c["lat"], c["lon"])
        body.append(f'<text x="{x:.1f}" y="{y + 4.5:.1f}" font-size="{NARROW_TEXT + 0.5:g}" text-anchor="middle" '
                    f'font-weight="bold" fill="{INK}" stroke="#ffffff" stroke-width="3" paint-order="stroke">'
                    f'{formats.number(c["count"])}</text>')
    if centre:
        x, y = point_xy(centre[0], centre[1])
        body.append(svg_text(x, y + 6, "★", 18, "middle"))
    body.append("</g>")
    body.append(f'<rect x="{ox:.1f}" y="1" width="{map_w:.1f}" height="{map_h:.1f}" fill="none" stroke="{MUTED}" '
                f'stroke-width="0.8"/>')
    y = map_h + 8
    size = NARROW_TEXT
    entries: list[tuple[str, str, float]] = []  # (marker drawn around (14, 0), label, marker's half height)
    for status in CATEGORIES:
        if any(p["status"] == status for p in points):
            entries.append((_marker(SHAPES[status], 14, 0, 5.0, COLOURS[status], False), CATEGORY_LABELS[status], 6))
    if any(p.get("approx") for p in points):
        entries.append((_marker("circle", 14, 0, 5.0, MUTED, True), APPROXIMATE, 6))
    if centre:
        entries.append((svg_text(14, 6, "★", 18, "middle"), "chef-lieu", 9))
    for c in legend_values(largest) if symbols else []:
        r = _diameter(c, largest, LOCAL_SYMBOL) * 0.75
        entries.append((f'<circle cx="14" cy="0" r="{r:.1f}" fill="{SYMBOL_COLOUR}" fill-opacity="0.55" '
                        f'stroke="{SYMBOL_EDGE}" stroke-width="0.8"/>', plural(c, "lieu", "lieux") + " par département",
                        r + 1))
    for mark, label, mark_half in entries:
        lines = wrap_to(label, w - 40, size, lines=2)
        half = max(9.0, mark_half, (len(lines) * (size + 3)) / 2)
        body.append(f'<g transform="translate(0 {y + half:.1f})">{mark}</g>')
        for i, line in enumerate(lines):
            body.append(svg_text(34, y + half - (len(lines) - 1) * (size + 3) / 2 + i * (size + 3) + size * 0.35,
                                 line, size))
        y += 2 * half + 4
    credit = [ATTRIBUTION] if text_width(ATTRIBUTION, size - 0.5) <= w - 8 else ATTRIBUTION.split(", ", 1)
    for line in credit:
        y += size + 2
        body.append(svg_text(w - 4, y, line, size - 0.5, "end", fill=MUTED))
    return svg_document(w, y + 5, body)


NARROW_PT = 9.5  # points: text of the narrow France map, 12.7 px at its own width, 11 px or more on a phone
NARROW_SYMBOL = 24.0  # points: the largest circle of the narrow France map


def france_narrow_figure(data: dict[str, Any], fills: dict[str, str] | None = None, extra: float = 0.0) -> Any:
    """The home map (or the density map, with `fills`) for a phone: metropolitan France, the overseas
    départements in a row under it, the legend and the credit under them, drawn NARROW_WIDTH px wide
    with every word at NARROW_PT; `extra` inches more for a taller legend, under the insets."""
    width = NARROW_WIDTH / 96
    base = width * 1.52
    height = base + extra

    def up(fraction: float) -> float:  # a height of the base layout, moved up by `extra`
        return (fraction * base + extra) / height

    fig = new_figure(width, height)
    ax = fig.add_axes((0.0, up(0.34), 1.0, 0.66 * base / height))
    lat0 = draw_base(ax, METRO, "-simple", fills=fills)
    ax.set_axis_off()
    points, towns, symbols = data.get("points", []), data.get("towns", []), data.get("symbols", [])
    largest = data.get("largest", 0)
    draw_towns(ax, [t for t in towns if _view_of(t["lat"], t["lon"]) == "metro"], lat0, size=10)
    draw_points(ax, [p for p in points if _view_of(p["lat"], p["lon"]) == "metro"], lat0, size=14)
    labels = draw_symbols(ax, [c for c in symbols if c["code"] not in geo.OVERSEAS], lat0, largest, NARROW_SYMBOL,
                          fontsize=NARROW_PT)
    insets = []
    step = 1.0 / len(geo.OVERSEAS)
    deps = geo.layer("departements-simple")
    for i, code in enumerate(geo.OVERSEAS):
        inset = fig.add_axes((i * step + 0.005, up(0.215), step - 0.01, 0.11 * base / height))
        inset_lat0 = draw_base(inset, _padded(deps[code].bounds, 0.08), "", fills=fills or {code: "none"},
                               regions=False)
        draw_points(inset, [p for p in points if _view_of(p["lat"], p["lon"]) == code], inset_lat0, size=10)
        labels += draw_symbols(inset, [c for c in symbols if c["code"] == code], inset_lat0, largest,
                               NARROW_SYMBOL * 0.7, fontsize=NARROW_PT)
        inset.set_xticks([])
        inset.set_yticks([])
        for spine in inset.spines.values():
            spine.set_edgecolor(OUTLINE)
            spine.set_linewidth(0.5)
        insets.append(inset)
    if labels:
        keep_apart(fig, labels, [ax, *insets])
    if symbols:
        symbol_legend(fig, data["legend"], largest, NARROW_SYMBOL, horizontal=True, loc="lower left",
                      bbox_to_anchor=(0.0, 0.34 / height)).set_gid("legend")
        for text in fig.legends[-1].get_texts():
            text.set_fontsize(NARROW_PT)
        fig.legends[-1].get_title().set_fontsize(NARROW_PT)
    elif "classes" in data:
        legend = fig.legend(handles=_density_handles(data), loc="lower left", bbox_to_anchor=(0.0, 0.4 / height),
                            ncols=2, frameon=False, fontsize=NARROW_PT, title="Lieux pour 100 000 habitants",
                            title_fontsize=NARROW_PT, alignment="left", labelspacing=0.3, handlelength=1.2,
                            columnspacing=0.8, borderaxespad=0.2)
        legend.set_gid("legend")
    else:
        handles = legend_handles(points)
        if handles:
            legend = fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 0.34 / height), frameon=False,
                                fontsize=NARROW_PT, labelspacing=0.3, handlelength=1.2, borderaxespad=0.2)
            legend.set_gid("legend")
    fig.text(0.99, 0.006, ATTRIBUTION.replace(", Licence", ",\nLicence"), ha="right", va="bottom",
             fontsize=NARROW_PT - 0.5, color=MUTED, gid="credit", linespacing=1.1)
    return fig


def draw_france_narrow(data: dict[str, Any]) -> bytes:
    return svg_bytes(france_narrow_figure(data))


def draw_density_narrow(data: dict[str, Any]) -> bytes:
    """The density map for a phone (see `france_narrow_figure`)."""
    return svg_bytes(france_narrow_figure(data, fills=_density_fills(data), extra=0.5))


# --- wide locators written as SVG text (issue 11: 20-45 ms each through matplotlib) ----------------

WIDE_W, WIDE_H = 460.8, 259.2  # pt: the 6.4 × 3.6 in picture the matplotlib locator was
ZOOM_AREA = (0.36 * WIDE_W, 0.02 * WIDE_H, 0.99 * WIDE_W, 0.92 * WIDE_H)  # x0, y0, x1, y1 (y down)
OVERVIEW_AREA = (0.01 * WIDE_W, 0.02 * WIDE_H, 0.34 * WIDE_W, 0.64 * WIDE_H)
LINE_HEIGHT = 1.2  # of a line of text, in font sizes
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in pt, y downwards


@dataclass
class LocatorDrawing:
    """A wide locator as written, with where things went (pt, y downwards) for tests to measure."""

    svg: bytes
    frame: Box                                   # the close view
    to_xy: Callable[[float, float], tuple[float, float]]  # (lat, lon) -> pt in the close view
    layers: dict[str, list[tuple[str, list[np.ndarray]]]]  # gid -> drawn (code, runs of pt points), in order
    highlight: list[np.ndarray]                  # the highlighted outline's rings, pt
    points: list[dict[str, Any]]                 # each drawn hub: status, approx, x, y, fill, stroke, width
    names: list[tuple[str, Box]]                 # hub names (lines joined by "\n") and their boxes
    counts: list[tuple[str, Box]]                # counts written on a région's circles
    legend: Box | None
    legend_entries: list[str]
    credit: Box
    order: list[str] = field(default_factory=list)  # the groups' ids in drawing order


def _clip_runs(ring: np.ndarray, box: Box) -> list[np.ndarray]:
    """The parts of a polyline inside `box`, each segment cut at the box's edge (Liang-Barsky)."""
    return _clip_many([ring], box)[0]


def _clip_many(rings: list[np.ndarray], box: Box) -> list[list[np.ndarray]]:
    """`_clip_runs` of many polylines, with one Liang-Barsky pass over the segments of all those that
    cross the box's edge (one pass per ring cost a third of a locator)."""
    out: list[list[np.ndarray]] = [[] for _ in rings]
    partial: list[int] = []
    for i, ring in enumerate(rings):
        if len(ring) < 2:
            continue
        low, high = ring.min(axis=0), ring.max(axis=0)
        if low[0] >= box[0] and low[1] >= box[1] and high[0] <= box[2] and high[1] <= box[3]:
            out[i] = [ring]  # wholly inside
        elif not (high[0] < box[0] or high[1] < box[1] or low[0] > box[2] or low[1] > box[3]):
            partial.append(i)
    if not partial:
        return out
    a_all = np.concatenate([rings[i][:-1] for i in partial])
    d_all = np.concatenate([rings[i][1:] for i in partial]) - a_all
    lo_all, hi_all = clip_parameters(a_all, d_all, box)
    start = 0
    for i in partial:
        end = start + len(rings[i]) - 1
        a, d, lo, hi = a_all[start:end], d_all[start:end], lo_all[start:end], hi_all[start:end]
        start = end
        keep = lo <= hi
        if not keep.any():
            continue
        idx = np.flatnonzero(keep)
        starts, ends = a[idx] + lo[idx, None] * d[idx], a[idx] + hi[idx, None] * d[idx]
        breaks = np.ones(len(idx), dtype=bool)
        breaks[1:] = (np.diff(idx) != 1) | (hi[idx[:-1]] < 1) | (lo[idx[1:]] > 0)
        cuts = np.flatnonzero(breaks)
        bounds = [*cuts.tolist(), len(idx)]
        out[i] = [np.vstack([starts[s:s + 1], ends[s:e]]) for s, e in zip(bounds[:-1], bounds[1:], strict=True)]
    return out


@functools.cache
def _layer_bounds(name: str) -> tuple[list[geo.Outline], np.ndarray]:
    """A layer's outlines and their bounds as one array (n×4), read once per process."""
    outlines = list(geo.layer(name).values())
    return outlines, np.array([o.bounds for o in outlines], dtype=float).reshape(-1, 4)


def _meeting(name: str, bounds: tuple[float, float, float, float]) -> list[geo.Outline]:
    """The outlines of a layer whose bounds meet `bounds` (in the layer's order)."""
    outlines, boxes = _layer_bounds(name)
    hit = ((boxes[:, 0] <= bounds[2]) & (bounds[0] <= boxes[:, 2]) & (boxes[:, 1] <= bounds[3])
           & (bounds[1] <= boxes[:, 3]))
    return [outlines[i] for i in np.flatnonzero(hit)]


def _path_data(runs: Iterable[np.ndarray], grid: int, closed: bool = False) -> str:
    return _ring_data(runs, lambda xy: xy, grid, closed)


def _place_boxes(sizes: list[tuple[float, float]], centres: list[tuple[float, float]], preferred: list[float],
                 area: Box, gap: float, dots: list[Box], lines: np.ndarray, pad: float = 1.5
                 ) -> list[tuple[Box, float]]:
    """drawing.place_labels on plain boxes: each label beside its point, covering no other label nor point,
    inside `area`, crossing as few `lines` as can be. Returns each box and its reach (in `gap`s)."""
    from generator.drawing import CROSSING_COST, LABEL_DIRECTIONS, LABEL_REACH, Crossings, _box_at, overlap_area

    placed: list[Box] = []
    out: list[tuple[Box, float]] = []
    dot_array = np.array(dots) if dots else np.zeros((0, 4))
    turns = sorted(range(LABEL_DIRECTIONS), key=lambda k: (min(k, LABEL_DIRECTIONS - k), k))
    for (w, h), (cx, cy), angle0 in zip(sizes, centres, preferred, strict=True):
        best: tuple[float, float, Box] | None = None
        reach_max = gap * LABEL_REACH[-1] + w + h + 2 * pad  # no candidate box goes further: lines beyond are left out
        near = lines[(np.maximum(lines[:, 0], lines[:, 2]) >= cx - reach_max)
                     & (np.minimum(lines[:, 0], lines[:, 2]) <= cx + reach_max)
                     & (np.maximum(lines[:, 1], lines[:, 3]) >= cy - reach_max)
                     & (np.minimum(lines[:, 1], lines[:, 3]) <= cy + reach_max)]
        crossings = Crossings(near)
        placed_array = np.array(placed) if placed else np.zeros((0, 4))
        for reach in LABEL_REACH:
            for k in turns:
                angle = angle0 + 2 * math.pi * k / LABEL_DIRECTIONS
                ux, uy = round(math.cos(angle), 6), round(math.sin(angle), 6)
                x0, y0, x1, y1 = _box_at(cx, cy, ux, uy, gap * reach, w, h)
                box = (x0 - pad, y0 - pad, x1 + pad, y1 + pad)
                outside = (max(area[0] - x0, 0) + max(x1 - area[2], 0) + max(area[1] - y0, 0)
                           + max(y1 - area[3], 0))
                covered = (overlap_area(box, placed_array) if placed else 0.0) \
                    + overlap_area(box, dot_array) + outside * 1000
                if best is None or covered < best[0]:
                    covered += CROSSING_COST * crossings.count(box)
                if best is None or covered < best[0]:
                    best = (covered, reach, (x0, y0, x1, y1))
                if covered == 0:
                    break
            if best is not None and best[0] == 0:
                break
        assert best is not None
        placed.append(tuple(v + s for v, s in zip(best[2], (-pad, -pad, pad, pad), strict=True)))
        out.append((best[2], best[1]))
    return out


def _text_lines(x: float, top: float, lines: list[str], size: float, anchor: str = "start", **extra: Any) -> list[str]:
    return [svg_text(x, top + size * (0.95 + i * LINE_HEIGHT), line, size, anchor, **extra)
            for i, line in enumerate(lines)]


def _star(x: float, y: float, r: float) -> str:
    corners = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.45
        angle = -math.pi / 2 + i * math.pi / 5
        corners.append(f"{x + radius * math.cos(angle):.1f} {y + radius * math.sin(angle):.1f}")
    return f'<path d="M{"L".join(corners)}z" fill="{INK}" stroke="#ffffff" stroke-width="0.5"/>'


@dataclass(frozen=True)
class CloseView:
    """The close view of a wide locator without its hubs: what every locator of the same outline and
    bounds shares (a département's hubs: one view for all of them, computed once per worker)."""

    frame: Box
    projection: tuple[float, float, float, float, float, float]  # west, north, k, scale, ox, oy
    under: tuple[str, ...]       # the SVG from the clip path to the highlighted outline, under the hubs
    order: tuple[str, ...]       # the groups' ids in `under`
    layers: dict[str, list[tuple[str, list[np.ndarray]]]]
    highlight: list[np.ndarray]
    shape: geo.Outline | None
    in_metro: bool
    lines: np.ndarray            # the boundaries a hub's name should not cross (k×4 segments, pt)

    def to_px(self, lonlat: Any) -> Any:
        west, north, k, scale, ox, oy = self.projection
        lonlat = np.asarray(lonlat, dtype=float)
        return np.column_stack(((lonlat[:, 0] - west) * k * scale + ox, (north - lonlat[:, 1]) * scale + oy))

    def to_xy(self, lat: float, lon: float) -> tuple[float, float]:
        x, y = self.to_px([[lon, lat]])[0]
        return float(x), float(y)


_VIEWS: dict[tuple[Any, ...], CloseView] = {}
VIEWS_KEPT = 64  # close views kept per process: batches come sorted by outline, so the last few suffice


def close_view(outline_ref: list[str] | None, intercommunal: bool, bounds: tuple[float, float, float, float]
               ) -> CloseView:
    """The close view for this outline and bounds, computed once per process and reused."""
    key = (tuple(outline_ref) if outline_ref else None, intercommunal, tuple(bounds))
    found = _VIEWS.get(key)
    if found is None:
        if len(_VIEWS) >= VIEWS_KEPT:
            _VIEWS.clear()
        found = _VIEWS[key] = _close_view(outline_ref, intercommunal, bounds)
    return found


def _close_view(outline_ref: list[str] | None, intercommunal: bool, bounds: tuple[float, float, float, float]
                ) -> CloseView:
    outline = geo.layer(outline_ref[0])[outline_ref[1]] if outline_ref else None
    in_metro = _view_of((bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2) == "metro"
    detail = "-simple" if bounds[2] - bounds[0] > WIDE_VIEW else ""
    west, south, east, north = bounds
    lat0 = (south + north) / 2
    k = math.cos(math.radians(lat0))
    ax0, ay0, ax1, ay1 = ZOOM_AREA
    scale = min((ax1 - ax0) / ((east - west) * k), (ay1 - ay0) / (north - south))
    map_w, map_h = (east - west) * k * scale, (north - south) * scale
    ox, oy = ax0 + (ax1 - ax0 - map_w) / 2, ay0 + (ay1 - ay0 - map_h) / 2
    frame = (ox, oy, ox + map_w, oy + map_h)

    def to_px(lonlat: Any) -> Any:
        lonlat = np.asarray(lonlat, dtype=float)
        return np.column_stack(((lonlat[:, 0] - west) * k * scale + ox, (north - lonlat[:, 1]) * scale + oy))

    margin = _padded(bounds, 0.05)
    clip = (float(to_px([[margin[0], margin[3]]])[0][0]), float(to_px([[margin[0], margin[3]]])[0][1]),
            float(to_px([[margin[2], margin[1]]])[0][0]), float(to_px([[margin[2], margin[1]]])[0][1]))
    hidden = (outline_ref[0], outline_ref[1]) if outline is not None and outline_ref else None
    body = [f'<clipPath id="vue"><rect x="{ox:.1f}" y="{oy:.1f}" width="{map_w:.1f}" height="{map_h:.1f}"/>'
            '</clipPath>', '<g clip-path="url(#vue)">']
    order: list[str] = []
    layers: dict[str, list[tuple[str, list[np.ndarray]]]] = {}

    def group(gid: str, content: str) -> None:
        order.append(gid)
        body.append(f'<g id="{gid}">{content}</g>')

    shape = _variant(outline_ref, detail) if outline is not None and outline_ref else None
    highlight = [to_px(r) for p in shape.polygons for r in p] if shape is not None else []
    children = outline is not None and outline_ref is not None and (intercommunal or outline_ref[0] == "regions")
    if shape is not None and children:
        group(f"{COARSE}-highlight-fill", f'<path fill="{HIGHLIGHT_FILL}" fill-rule="evenodd" '
                                         f'd="{_path_data(highlight, 2, closed=True)}"/>')
    specs: list[tuple[str, list[str], str, float, int]] = []
    if not detail and intercommunal:
        specs.append((INTERCOMMUNAL_GID, list(geo.LEVEL_LAYERS["epci"]), INTERCOMMUNAL, 0.3, 1))
    specs += [("departements", ["departements" + detail], OUTLINE, 0.35, 2),
              ("regions", ["regions" + detail], MUTED, 0.9, 2)]
    for gid, names, colour, width, grid in specs:
        if gid == "departements" and shape is not None and not children:
            group(f"{COARSE}-highlight-fill", f'<path fill="{HIGHLIGHT_FILL}" fill-rule="evenodd" '
                                             f'd="{_path_data(highlight, 2, closed=True)}"/>')
        drawn = []
        for name in names:
            met = [o for o in _meeting(name, bounds) if not _covered(o, name.removesuffix(detail), hidden)]
            rings = [(o.code, to_px(r)) for o in met for p in o.polygons for r in p]
            clipped = _clip_many([ring for _, ring in rings], clip)
            runs_of: dict[str, list[np.ndarray]] = {}
            for (code, _), runs in zip(rings, clipped, strict=True):
                runs_of.setdefault(code, []).extend(runs)
            drawn += [(o.code, runs_of[o.code]) for o in met if runs_of.get(o.code)]
        layers[gid] = drawn
        if drawn:
            group(gid, f'<path fill="none" stroke="{colour}" stroke-width="{width}" stroke-linejoin="round" '
                       f'd="{_path_data((r for _, rs in drawn for r in rs), grid)}"/>')
    if shape is not None:
        group("highlight", f'<path fill="none" stroke="{HIGHLIGHT}" stroke-width="1.6" stroke-linejoin="round" '
                           f'd="{_path_data(highlight, 2, closed=True)}"/>')
    runs = [r for gid in ("departements", "regions") for _, rs in layers.get(gid, []) for r in rs] + highlight
    segments = [np.hstack([r[:-1], r[1:]]) for r in runs if len(r) > 1]
    return CloseView(frame=frame, projection=(west, north, k, scale, ox, oy), under=tuple(body), order=tuple(order),
                     layers=layers, highlight=highlight, shape=shape, in_metro=in_metro,
                     lines=np.vstack(segments) if segments else np.zeros((0, 4)))


def locator_drawing(data: dict[str, Any]) -> LocatorDrawing:
    """Two panels, written as SVG text (no matplotlib): where it is in France (skipped overseas), and a
    close view with the hubs, their names beside them (drawing.place_labels' rules), the legend under
    the small France and the IGN credit under the close view. The close view without its hubs is shared
    by the locators of the same outline and bounds (`close_view`)."""
    points, centre = data["points"], data["centre"]
    outline = geo.layer(data["outline"][0])[data["outline"][1]] if data["outline"] else None
    bounds = _locator_bounds(data, outline)
    view = close_view(data["outline"], bool(data.get("intercommunal", False)), bounds)
    frame, to_xy, layers, highlight, shape = view.frame, view.to_xy, view.layers, view.highlight, view.shape
    ox, oy = frame[0], frame[1]
    map_w, map_h = frame[2] - frame[0], frame[3] - frame[1]
    body = list(view.under)
    order = list(view.order)

    def group(gid: str, content: str) -> None:
        order.append(gid)
        body.append(f'<g id="{gid}">{content}</g>')

    # hubs: statuses seen lately drawn last, on top of the many to check
    radius = math.sqrt(30 if len(points) <= CROWDED else 22) / 2
    drawn_points: list[dict[str, Any]] = []
    for status in (TO_CHECK, *STATUSES):
        for approx in (False, True):
            chosen = [p for p in points if p["status"] == status and bool(p.get("approx")) == approx]
            if not chosen:
                continue
            marks = []
            for p in chosen:
                x, y = to_xy(p["lat"], p["lon"])
                marks.append(_marker(SHAPES[status], x, y, radius, COLOURS[status], approx,
                                     HOLLOW_WIDTH if approx else 0.6))
                fill, stroke = ("#ffffff", COLOURS[status]) if approx else (COLOURS[status], "#ffffff")
                drawn_points.append({"label": p["label"], "status": status, "approx": approx, "x": x, "y": y,
                                     "fill": fill, "stroke": stroke, "width": HOLLOW_WIDTH if approx else 0.6})
            group(f"points-{status}-{'commune' if approx else 'address'}", "".join(marks))
    names: list[tuple[str, Box]] = []
    if data["labels"] and drawn_points:
        names = _wide_names(body, order, drawn_points, frame, view.lines)
    symbols = data.get("symbols", [])
    counts: list[tuple[str, Box]] = []
    if symbols:
        counts = _wide_symbols(body, order, symbols, data["largest"], to_xy, frame)
    if centre:
        x, y = to_xy(centre[0], centre[1])
        group("centre", _star(x, y, 4.6))
    body.append("</g>")
    body.append(f'<rect x="{ox:.1f}" y="{oy:.1f}" width="{map_w:.1f}" height="{map_h:.1f}" fill="none" '
                f'stroke="{MUTED}" stroke-width="0.8"/>')
    if view.in_metro:
        _wide_overview(body, order, data, bounds, shape)
    legend, entries = (_wide_symbol_legend(body, order, data["legend"], data["largest"]) if symbols
                       else _wide_status_legend(body, order, points))
    credit_w = text_width(ATTRIBUTION, CREDIT_FONTSIZE)
    credit_y = WIDE_H - 2.5
    credit = (0.99 * WIDE_W - credit_w, credit_y - CREDIT_FONTSIZE, 0.99 * WIDE_W, credit_y + 0.25 * CREDIT_FONTSIZE)
    order.append("credit")
    body.append(f'<g id="credit"><text x="{0.99 * WIDE_W:.1f}" y="{credit_y:.1f}" text-anchor="end" fill="{MUTED}" '
                f'style="font-size: {CREDIT_FONTSIZE:g}px">{xml_text(ATTRIBUTION)}</text></g>')
    svg = svg_document(WIDE_W, WIDE_H, body).replace(
        f'width="{WIDE_W:.0f}px" height="{WIDE_H:.0f}px" viewBox="0 0 {WIDE_W:.0f} {WIDE_H:.0f}"'.encode(),
        f'width="{WIDE_W:g}pt" height="{WIDE_H:g}pt" viewBox="0 0 {WIDE_W:g} {WIDE_H:g}"'.encode())
    return LocatorDrawing(svg=svg, frame=frame, to_xy=to_xy, layers=layers, highlight=highlight,
                          points=drawn_points, names=names, counts=counts, legend=legend, legend_entries=entries,
                          credit=credit, order=order)


def _wide_names(body: list[str], order: list[str], points: list[dict[str, Any]], frame: Box, lines: np.ndarray
                ) -> list[tuple[str, Box]]:
    """Names beside the points, whole on up to four lines, first tried alternately right (above) and left
    (below) from north to south, then moved to the first free spot (see drawing.place_labels); a light
    white box keeps them legible over a line they must cross, a thin line says whose a moved name is."""
    ordered = sorted(points, key=lambda p: (p["y"], p["x"]))
    texts = [wrap_label(shorten(p["label"], 4 * NAME_WRAP), NAME_WRAP, 4).split("\n") for p in ordered]
    sizes = [(max(text_width(line, NAME_SIZE) for line in lines) + 0.16 * NAME_SIZE,
              len(lines) * NAME_SIZE * LINE_HEIGHT + 0.16 * NAME_SIZE) for lines in texts]
    preferred = [math.atan2(-4, 5) if rank % 2 == 0 else math.atan2(4, -5) for rank in range(len(ordered))]
    dots = [(p["x"] - 3, p["y"] - 3, p["x"] + 3, p["y"] + 3) for p in ordered]
    placed = _place_boxes(sizes, [(p["x"], p["y"]) for p in ordered], preferred, frame, NAME_GAP, dots, lines)
    out = []
    parts = []
    for p, lines_of, (box, reach) in zip(ordered, texts, placed, strict=True):
        x0, y0, x1, y1 = box
        if reach > 2.2:  # moved away from a crowd: a thin line says whose it is
            ex, ey = min(max(p["x"], x0), x1), min(max(p["y"], y0), y1)
            parts.append(f'<path d="M{p["x"]:.1f} {p["y"]:.1f}L{ex:.1f} {ey:.1f}" stroke="{MUTED}" '
                         'stroke-width="0.5"/>')
        parts.append(f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" height="{y1 - y0:.1f}" '
                     'fill="#ffffff" fill-opacity="0.75"/>')
        parts += _text_lines(x0 + 0.08 * NAME_SIZE, y0 + 0.08 * NAME_SIZE, lines_of, NAME_SIZE)
        out.append(("\n".join(lines_of), box))
    order.append("names")
    body.append('<g id="names">' + "".join(parts) + "</g>")
    return out


def _wide_symbols(body: list[str], order: list[str], symbols: list[dict[str, Any]], largest: int,
                  to_xy: Callable[[float, float], tuple[float, float]], frame: Box) -> list[tuple[str, Box]]:
    """A région's counts per département: proportional circles, largest first, each count written inside
    (or just above) unless it would cover a kept one or leave the view (the table says them all)."""
    parts = []
    labels = []
    for c in symbols:
        x, y = to_xy(c["lat"], c["lon"])
        r = _diameter(c["count"], largest, LOCAL_SYMBOL) / 2
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{SYMBOL_COLOUR}" fill-opacity="0.55" '
                     f'stroke="{SYMBOL_EDGE}" stroke-width="0.5"/>')
        text = formats.number(c["count"])
        w = text_width(text, LEGEND_SIZE, bold=True)
        inside = 2 * r >= LEGEND_SIZE * 1.3
        cy = y if inside else y - r - 0.5 - LEGEND_SIZE * 0.6
        labels.append((text, x, cy, (x - w / 2 - 1, cy - LEGEND_SIZE * 0.6 - 1, x + w / 2 + 1,
                                     cy + LEGEND_SIZE * 0.6 + 1)))
    order.append("symbols")
    body.append('<g id="symbols">' + "".join(parts) + "</g>")
    kept: list[tuple[str, Box]] = []
    texts = []
    for text, x, cy, box in labels:
        fits = frame[0] <= box[0] and box[2] <= frame[2] and frame[1] <= box[1] and box[3] <= frame[3]
        if fits and not any(_intersects(box, other) for _, other in kept):
            kept.append((text, box))
            texts.append(f'<text x="{x:.1f}" y="{cy + LEGEND_SIZE * 0.36:.1f}" font-size="{LEGEND_SIZE:g}" '
                         f'text-anchor="middle" font-weight="bold" fill="{INK}" stroke="#ffffff" stroke-width="2" '
                         f'paint-order="stroke">{text}</text>')
    order.append("counts")
    body.append('<g id="counts">' + "".join(texts) + "</g>")
    return kept


@functools.cache
def _overview_projection() -> tuple[float, float, float, float]:
    """(k, scale, ox, oy) of the small France, the same on every locator."""
    west, south, east, north = METRO
    k = math.cos(math.radians((south + north) / 2))
    x0, y0, x1, y1 = OVERVIEW_AREA
    scale = min((x1 - x0) / ((east - west) * k), (y1 - y0) / (north - south))
    return k, scale, x0 + (x1 - x0 - (east - west) * k * scale) / 2, y0 + (y1 - y0 - (north - south) * scale) / 2


def _overview_xy(lonlat: Any) -> Any:
    """(lon, lat) points to pt on the small France."""
    k, scale, ox, oy = _overview_projection()
    lonlat = np.asarray(lonlat, dtype=float)
    return np.column_stack(((lonlat[:, 0] - METRO[0]) * k * scale + ox, (METRO[3] - lonlat[:, 1]) * scale + oy))


@functools.cache
def _overview_regions() -> str:
    """The small France's régions: the same path on every locator, written once per process."""
    rings = [_overview_xy(r) for o in geo.layer("regions-overview").values() if _intersects(o.bounds, METRO)
             for p in o.polygons for r in p]
    return (f'<path fill="none" stroke="{MUTED}" stroke-width="0.9" stroke-linejoin="round" '
            f'd="{_path_data(rings, 1, closed=True)}"/>')


def _wide_overview(body: list[str], order: list[str], data: dict[str, Any], bounds: tuple[float, ...],
                   shape: geo.Outline | None) -> None:
    """The small France: its régions, the territory filled, the close view's frame."""
    to_px = _overview_xy
    parts = [_overview_regions()]
    if shape is not None:
        small = _variant(data["outline"], "-overview")
        parts.append(f'<path fill="{HIGHLIGHT}" stroke="{HIGHLIGHT}" stroke-width="0.6" '
                     f'd="{_path_data([to_px(r) for p in small.polygons for r in p], 1, closed=True)}"/>')
    (bx0, by0), (bx1, by1) = to_px([[bounds[0], bounds[3]], [bounds[2], bounds[1]]])
    parts.append(f'<rect x="{bx0:.1f}" y="{by0:.1f}" width="{bx1 - bx0:.1f}" height="{by1 - by0:.1f}" fill="none" '
                 f'stroke="{OKABE_ITO[4]}" stroke-width="1"/>')
    order.append(f"{COARSE}-overview")
    body.append(f'<g id="{COARSE}-overview">' + "".join(parts) + "</g>")


def _wide_status_legend(body: list[str], order: list[str], points: list[dict[str, Any]]
                        ) -> tuple[Box | None, list[str]]:
    """One entry per status drawn and the hollow circle of commune-precision points, in one column at
    the bottom left, under the small France."""
    entries: list[tuple[str, str]] = []
    for status in CATEGORIES:
        if any(p["status"] == status for p in points):
            entries.append((SHAPES[status] + ":" + COLOURS[status], CATEGORY_LABELS[status]))
    if any(p.get("approx") for p in points):
        entries.append(("circle:" + MUTED + ":hollow", APPROXIMATE))
    if not entries:
        return None, []
    size = LEGEND_SIZE
    wrapped = [wrap_label(label, LEGEND_WRAP, 2).split("\n") for _, label in entries]
    height = sum(len(lines) * size * LINE_HEIGHT for lines in wrapped) + 0.45 * size * (len(entries) - 1)
    x0, bottom = 0.01 * WIDE_W + 1.6, WIDE_H - 0.01 * WIDE_H - 1.6
    y = bottom - height
    top = y
    parts = []
    for (mark, _), lines in zip(entries, wrapped, strict=True):
        shape, colour, *hollow = mark.split(":")
        h = len(lines) * size * LINE_HEIGHT
        parts.append(_marker(shape, x0 + 5, y + h / 2, 3.3, colour, bool(hollow), HOLLOW_WIDTH if hollow else 0.6))
        parts += _text_lines(x0 + 14, y + (h - len(lines) * size * LINE_HEIGHT) / 2, lines, size)
        y += h + 0.45 * size
    right = x0 + 14 + max(text_width(line, size) for lines in wrapped for line in lines)
    order.append("legend")
    body.append('<g id="legend">' + "".join(parts) + "</g>")
    return (x0, top, right, bottom), [" ".join(lines) for lines in wrapped]


def _wide_symbol_legend(body: list[str], order: list[str], values: list[int], largest: int
                        ) -> tuple[Box | None, list[str]]:
    """Reference circles (round counts) sized as on the map, in a row under the small France."""
    size = LEGEND_SIZE
    top_d = _diameter(values[0], largest, LOCAL_SYMBOL) if values else 0
    x0, bottom = 0.01 * WIDE_W + 1.6, WIDE_H - 0.01 * WIDE_H - 1.6
    top = bottom - top_d - size * LINE_HEIGHT - 4
    parts = _text_lines(x0, top, ["Lieux par département"], size)
    x, cy = x0, bottom - top_d / 2
    for v in values:
        d = _diameter(v, largest, LOCAL_SYMBOL)
        parts.append(f'<circle cx="{x + top_d / 2:.1f}" cy="{cy:.1f}" r="{d / 2:.1f}" fill="{SYMBOL_COLOUR}" '
                     f'fill-opacity="0.55" stroke="{SYMBOL_EDGE}" stroke-width="0.5"/>')
        label = formats.number(v)
        parts.append(svg_text(x + top_d + 2, cy + size * 0.36, label, size))
        x += top_d + 2 + text_width(label, size) + 0.8 * size
    right = max(x, x0 + text_width("Lieux par département", size))
    order.append("legend")
    body.append('<g id="legend">' + "".join(parts) + "</g>")
    return (x0, top, right, bottom), ["Lieux par département", *(formats.number(v) for v in values)]


def draw_locator(data: dict[str, Any]) -> bytes:
    """A wide locator, written as SVG text: its words real text, a few ms instead of 20-45 through matplotlib."""
    return locator_drawing(data).svg


DRAWERS: dict[str, Callable[[dict[str, Any]], bytes]] = {
    "france": draw_france_map,
    "france-counts": draw_france_map,
    "density": draw_density,
    "locator": draw_locator,
    "locator-narrow": draw_locator_narrow,
    "france-narrow": draw_france_narrow,
    "density-narrow": draw_density_narrow,
}
