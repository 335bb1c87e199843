"""The specs of the home maps (hubs of France, counts per département, density) and the words maps share.

A hub without coordinates is listed in the alt text and the table, never placed at a made-up point.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from generator import formats, geo
from generator.model import OLD_AFTER_YEARS, STATUSES, Atlas, Hub, Territory
from generator.pictures.keys import PictureKey
from generator.pictures.map_style import (
    AGGREGATE_ABOVE,
    CATEGORIES,
    CATEGORY_LABELS,
    CREDIT,
    MAX_NAMED,
    NO_COORDINATES,
    PLACED,
    _view_of,
    category,
    coordinate,
    legend_values,
    precision_words,
    status_words,
)
from generator.pictures.spec import Spec, enumerate_fr, plural
from generator.vocabulary import sort_key


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
        key=PictureKey.home("map").text, kind="france", title="Les lieux d'innovation de l'atlas en France",
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
        key=PictureKey.home("map").text, kind="france-counts",
        title="Les lieux d'innovation de l'atlas par département",
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
        key=PictureKey.home("density").text, kind="density",
        title="Lieux d'innovation pour 100 000 habitants, par département", alt=alt,
        table_headers=("Département", "Lieux en activité ou en projet", "Population", "Lieux pour 100 000 habitants"),
        table_rows=tuple(rows),
        data={"classes": dict(sorted(classes.items())), "legend": legend, "missing": missing > 0},
    )
