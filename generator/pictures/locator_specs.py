"""The specs of the locator maps (a territory's, a hub's) and the list of maps an atlas has.

A territory's locator highlights its outline (or its département's) with its hubs; a région with
many hubs shows them counted per département; a hub's shows its département and the point, for the
hubs that their territory's locator does not name (`named_on_locator`): the page of one it names shows
that map with its point marked, and no picture of its own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from generator import geo
from generator.addresses import commune_name
from generator.model import OLD_AFTER_YEARS, Atlas, Territory
from generator.pictures.keys import PictureKey, both
from generator.pictures.legend import locator_legend
from generator.pictures.map_specs import (
    COUNT_HEADERS,
    HUB_HEADERS,
    _approx_sentence,
    _count_rows,
    _counts_alt,
    _hub_rows,
    _point,
    _symbols,
    _unplaced_sentence,
    density_spec,
    departement_at,
    departement_counts,
    france_spec,
    headers,
    outlines,
    territory_outline,
)
from generator.pictures.map_style import (
    FAR,
    MAX_NAMED,
    REGION_AGGREGATE_ABOVE,
    TO_CHECK,
    _padded,
    credit,
    position,
)
from generator.pictures.spec import Spec
from generator.pictures.words import FRENCH, Words
from generator.vocabulary import sort_key

LABELLED_MAX = 12  # a locator with more points than this names none of them (its table does)


def _alt_names(atlas: Atlas, points: list[dict[str, Any]]) -> list[str]:
    """The points' names for a text alternative, in French order; a name that several places share is followed
    by each one's commune (« Coworking Pays-Basque (Bayonne), Coworking Pays-Basque (Anglet) »), which a
    screen reader could not tell apart."""
    counts = Counter(p["label"] for p in points)
    names = []
    for p in points:
        commune = commune_name(atlas.hubs[p["id"]].commune) if counts[p["label"]] > 1 else None
        names.append(f"{p['label']} ({commune})" if commune else p["label"])
    return sorted(names, key=sort_key)


def _placed(atlas: Atlas, territory: Territory, located: geo.Located | None
            ) -> tuple[list[dict[str, Any]], list[str]]:
    """The hubs a territory's locator draws (points with their hub's id, in the order of `hubs_within`)
    and the names of those left out, too far from its outline: a point far away (a typo in a sheet, a
    hub elsewhere) would shrink the map to nothing."""
    points = [{**_point(atlas, atlas.hubs[h]), "id": h} for h in atlas.hubs_within(territory.id)
              if atlas.hubs[h].coordinates is not None]
    if located is None:
        return points, []
    west, south, east, north = _padded(outlines(located.layer)[located.code].bounds, 0, FAR)
    far = sorted((p["label"] for p in points if not (west <= p["lon"] <= east and south <= p["lat"] <= north)),
                 key=sort_key)
    return [p for p in points if p["label"] not in far], far


def named_on_locator(atlas: Atlas, territory_id: str) -> tuple[str, ...]:
    """The hubs that a territory's locator draws as points with their names beside them (none for a
    région counted per département, nor above LABELLED_MAX points): the page of such a hub shows that
    map with its point marked (`#lieu-<id>`) instead of two pictures of its own."""
    territory = atlas.territories[territory_id]
    located = territory_outline(atlas, territory)
    placed = [h for h in atlas.hubs_within(territory_id) if atlas.hubs[h].coordinates is not None]
    if territory.level == "region" and located is not None and len(placed) > REGION_AGGREGATE_ABOVE:
        return ()  # counted per département
    if located is not None:
        west, south, east, north = _padded(outlines(located.layer)[located.code].bounds, 0, FAR)
        if any(not (west <= lon <= east and south <= lat <= north)
               for lat, lon in (atlas.hubs[h].coordinates for h in placed)):
            points, _far = _placed(atlas, territory, located)  # one far away: left out as its locator does
            return tuple(p["id"] for p in points) if len(points) <= LABELLED_MAX else ()
    # none far away: every placed hub, found without reading their names or statuses (the list of pictures
    # is kept with what it read, `kept`: a hub renamed does not make it again)
    return tuple(placed) if len(placed) <= LABELLED_MAX else ()


def _neutral(data: dict[str, Any], w: Words) -> dict[str, Any]:
    """A locator's drawing data: place and hub names and numbers, no other word (its legend is written
    beside it, `Spec.legend`), so that both editions share one file. Counts of a thousand or more are
    written the language's way (`1 234` / `1,234`): only then does the language go with the data."""
    if max((c["count"] for c in data.get("symbols", ())), default=0) >= 1000:
        return {**data, "lang": w.lang}
    return data


def territory_locator_spec(atlas: Atlas, territory_id: str, w: Words = FRENCH) -> Spec | None:
    """The territory's outline (or its département's) highlighted, its hubs as points; a région with
    many hubs shows them counted per département instead."""
    territory = atlas.territories[territory_id]
    located = territory_outline(atlas, territory)
    hub_ids = atlas.hubs_within(territory_id)
    hubs = [atlas.hubs[h] for h in hub_ids]
    points = [_point(atlas, h) for h in hubs if h.coordinates is not None]
    if territory.level == "region" and located is not None and len(points) > REGION_AGGREGATE_ABOVE:
        return _region_counts_spec(atlas, territory, located, hub_ids, w)
    centre = territory.coordinates
    if located is None and not points and centre is None:
        return None
    points, far = _placed(atlas, territory, located)
    told: tuple[tuple[str, str], ...] = ()
    if located is None:
        shown = w._("pas de contour connu pour ce territoire")
    else:
        outline = outlines(located.layer)[located.code]
        if located.own:
            shown = w._("contour du territoire surligné")
            centre = None  # its outline says where it is
        else:
            shown = w._("sans contour propre sur la carte, le département qui le contient, %(name)s (%(code)s), "
                        "est surligné", name=outline.name, code=outline.code)
            # said under the map too: its hubs' pages show it as their territory's (« son territoire, Ornans »)
            told = (("area", w._("%(place)s : %(shown)s.", place=territory.name, shown=shown)),)
        west, south, east, north = _padded(outline.bounds, 0, FAR)
        if centre is not None and not (west <= centre[1] <= east and south <= centre[0] <= north):
            centre = None
    alt = w._("Carte de localisation, %(name)s : %(shown)s", name=territory.name, shown=shown)
    if centre is not None:
        alt += w._(", son chef-lieu marqué d'une étoile (%(position)s)", position=position(*centre, w=w))
    alt += w._(" ; ") + w.nwords(len(points), "%(n)s lieu d'innovation placé", "%(n)s lieux d'innovation placés")
    if points and len(points) <= MAX_NAMED:
        alt += w._(" : ") + w.enumerate(_alt_names(atlas, points))
    elif points:
        alt += w._(" (voir le tableau)")
    alt += "." + _approx_sentence(points, w)
    to_check = sum(1 for p in points if p["status"] == TO_CHECK)
    if to_check:
        alt += " " + w._("%(count)s au statut à vérifier (vu il y a plus de %(n)s ans ou sans date), en triangle.",
                         count=w.nwords(to_check, "%(n)s lieu", "%(n)s lieux"), n=OLD_AFTER_YEARS)
    if far:
        alt += " " + w._("Hors du cadre de la carte : %(names)s.", names=w.enumerate(far))
    alt += _unplaced_sentence([h.name for h in hubs if h.coordinates is None], w)
    alt += " " + credit(w)
    labelled = len(points) <= LABELLED_MAX
    data = {"outline": [located.layer, located.code] if located else None,
            # the hubs' names only where the drawing writes them: a hub renamed in a département of 40 hubs
            # changes its table and not its map, which is then not drawn again (run: keyed by what is drawn)
            "points": points if labelled else [{**p, "label": ""} for p in points],
            "centre": list(centre) if centre else None,
            "labels": labelled,
            # a département's map shows its intercommunalités, an intercommunalité's its neighbours
            "intercommunal": located is not None and located.layer in ("departements", "epci", "epci-cc")}
    return Spec(
        key=PictureKey("territory", territory_id, "locator", lang=w.lang).text, kind="locator",
        title=w._("Localisation : %(name)s", name=territory.name), alt=alt,
        table_headers=headers(HUB_HEADERS, w), table_rows=_hub_rows(atlas, hub_ids, w),
        data=data, legend=locator_legend(data, w) + told,
    )


def _region_counts_spec(atlas: Atlas, territory: Territory, located: geo.Located, hub_ids: Iterable[str],
                        w: Words = FRENCH) -> Spec:
    counts, unknown = departement_counts(atlas, hub_ids)
    symbols = _symbols(counts)
    largest = max((c["count"] for c in symbols), default=0)
    alt = (w._("Carte de localisation, %(name)s : contour du territoire surligné, ses lieux d'innovation "
               "comptés par département en cercles proportionnels au nombre de lieux : ", name=territory.name)
           + _counts_alt(counts, unknown, w) + " " + credit(w))
    data = {"outline": [located.layer, located.code], "points": [], "centre": None, "labels": False,
            "symbols": symbols, "largest": largest}
    return Spec(
        key=PictureKey("territory", territory.id, "locator", lang=w.lang).text, kind="locator",
        title=w._("Localisation : %(name)s, lieux par département", name=territory.name), alt=alt,
        table_headers=headers(COUNT_HEADERS, w), table_rows=_count_rows(counts, w),
        data=_neutral(data, w), legend=locator_legend(data, w),
    )


def hub_locator_spec(atlas: Atlas, hub_id: str, w: Words = FRENCH) -> Spec | None:
    """Where one hub is: its département highlighted, the hub as a point (hollow at a commune's centre)."""
    hub = atlas.hubs[hub_id]
    if hub.coordinates is None:
        return None
    lat, lon = hub.coordinates
    dep = departement_at(lat, lon)  # where the point is, even if its territory says otherwise
    alt = w._("Carte de localisation, %(name)s : un point aux coordonnées %(position)s", name=hub.name,
              position=position(lat, lon, w))
    if hub.precision == "commune":
        alt += w._(" (position approximative : centre de la commune, en symbole creux)")
    outlined = None
    if dep is not None:
        outlined = w._("dans le département %(name)s (%(code)s), surligné", name=outlines("departements")[dep].name,
                       code=dep)
        alt += ", " + outlined
    alt += ". " + credit(w)
    data = {"outline": ["departements", dep] if dep else None, "points": [_point(atlas, hub)], "centre": None,
            "labels": True}
    # the area the map highlights, named under it in the alt's words: the page files the hub under its
    # territory (an EPCI, a région) and names the département only where its breadcrumb does not
    told = (("area", w._("La carte situe le lieu %(where)s.", where=outlined)),) if outlined else ()
    return Spec(
        key=PictureKey("hub", hub_id, "locator", lang=w.lang).text, kind="locator",
        title=w._("Localisation : %(name)s", name=hub.name), alt=alt,
        table_headers=headers(HUB_HEADERS, w), table_rows=_hub_rows(atlas, [hub_id], w),
        data=data, legend=locator_legend(data, w) + told,
    )


def keys(atlas: Atlas) -> list[PictureKey]:
    """Every map that has something to show for this atlas, each with its phone variant."""
    out = both(PictureKey.home("map"))
    if atlas.hubs:
        out += both(PictureKey.home("density"))
    for tid, territory in atlas.territories.items():
        if (territory_outline(atlas, territory) is not None or territory.coordinates is not None
                or any(atlas.hubs[h].coordinates for h in atlas.hubs_within(tid))):
            out += both(PictureKey("territory", tid, "locator"))
    # a hub named on its own territory's locator is shown there (its page marks its point): no picture of its own
    shared = {h for territory_id in atlas.hubs_by_territory if territory_id in atlas.territories
              for h in named_on_locator(atlas, territory_id) if atlas.hubs[h].territory_id == territory_id}
    for hid, hub in atlas.hubs.items():
        if hub.coordinates is not None and hid not in shared:
            out += both(PictureKey("hub", hid, "locator"))
    return out


# which function makes the spec of each map: (scope, name)
SPECS: dict[tuple[str, str], Callable[[Atlas, PictureKey], Spec | None]] = {
    ("home", "map"): lambda atlas, key: france_spec(atlas, w=Words(key.lang)),
    ("home", "density"): lambda atlas, key: density_spec(atlas, Words(key.lang)),
    ("territory", "locator"): lambda atlas, key: territory_locator_spec(atlas, atlas.territories[key.subject].id,
                                                                        Words(key.lang)),
    ("hub", "locator"): lambda atlas, key: hub_locator_spec(atlas, atlas.hubs[key.subject].id, Words(key.lang)),
}
