"""What readers use to find their way in a national atlas: filter data, pages of plain lists, the map data.

The hub and territory indexes are filtered in the browser (theme/assets/filters.js) from one JSON
file each; without JavaScript they are plain lists cut into pages. The interactive map
(theme/assets/atlas-map.js, Leaflet vendored under theme/assets/vendor/) reads the hubs' file and
the committed département outlines. Everything here is a value: nothing is written.
"""

from __future__ import annotations

import json
import weakref
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from functools import lru_cache
from typing import Any

from generator import measured, status_text, vocabulary
from generator.addresses import hub_town
from generator.atlas_reads import per_sheet
from generator.geo import GEODATA
from generator.homonyms import homonyms
from generator.hub_geography import counted_in
from generator.model import LEVEL_LABELS, LEVELS, PILLAR_SLUGS, PILLARS, Atlas, Hub, Territory, per_atlas
from generator.outputs import Output
from generator.site_templates import page_url
from generator.vocabulary import sort_key as _sort_key

# the French order of a name, worked out once per name and process: the shared pages of both editions sort
# the same 3,000 names several times (hub lists, filters, the latest changes, rankings)
sort_key = lru_cache(maxsize=65536)(_sort_key)

HUBS_DATA = "parcourir/lieux.json"
TERRITORIES_DATA = "parcourir/territoires.json"
BOUNDARIES = "carte/departements.geojson"
MAP_PAGE = "carte/index.md"
# more hubs placed than this: the fixed map of France counts them per département instead of drawing each
# (generator.pictures.map_specs), and the map page says which of the two it shows
FRANCE_MAP_COUNTED_ABOVE = 150
HUBS_PER_PAGE = 100  # rows of one page of the plain hub list (and of the filtered list)
FILTER_PARAMS = ("type", "region", "departement", "statut", "theme", "reseau", "pilier")


def pillar_path(key: str, level: str | None = None) -> str:
    """`piliers/sante.md`, or `piliers/sante-epci.md` for the full ranking of one level."""
    slug = PILLAR_SLUGS[key]
    return f"piliers/{slug}-{level}.md" if level else f"piliers/{slug}.md"


def redirect_outputs(long_levels: Sequence[str] = (), pages: Collection[str] | None = None) -> list[Output]:
    """Small HTML pages at the pillars' former English addresses, pointing at the French ones
    (`long_levels`: the levels whose ranking has a page of its own). With `pages` (the paths made), a level's
    former address whose pillar has no ranking page at that level (no EPCI measured on identity) points at
    the pillar's page instead of an address that does not exist."""
    outs = []
    for key, slug in PILLAR_SLUGS.items():
        if key == slug:
            continue
        for level in (None, *long_levels):
            old = f"piliers/{key}-{level}" if level else f"piliers/{key}"
            new = f"../{slug}-{level}/" if level else f"../{slug}/"
            if level and pages is not None and pillar_path(key, level) not in pages:
                new = f"../{slug}/"
            outs.append(Output(f"{old}/index.html", redirect_page(new, new)))
    return outs


def redirect_page(href: str, link_html: str, lang: str = "fr", title: str = "Page déplacée",
                  sentence: str = "Cette page a changé d'adresse :") -> bytes:
    """A small HTML page at a former address that sends readers on to `href` (a refresh, a canonical link, a
    link named `link_html`, escaped by the caller) and keeps search engines from listing it: an HTML file,
    not a page, so the engine copies it and neither the navigation, the sitemap nor the search index lists it."""
    return ('<!doctype html>\n'
            f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
            f'<meta http-equiv="refresh" content="0; url={href}">\n<link rel="canonical" href="{href}">\n'
            '<meta name="robots" content="noindex">\n</head>\n<body>\n'
            f'<p>{sentence} <a href="{href}">{link_html}</a>.</p>\n</body>\n</html>\n').encode()


def display_names(atlas: Atlas, level_labels: Mapping[str, str] | None = None) -> dict[str, str]:
    """Each territory's name, told apart from the others of the same name (`homonyms`; `level_labels`: the
    levels in another language, the English edition's)."""
    lang = "fr" if level_labels is None or level_labels.get("region") == LEVEL_LABELS["region"] else "en"
    qualified = homonyms(atlas, lang)
    return {t.id: qualified.get(t.id, t.name) for t in atlas.territories.values()}


def _place(atlas: Atlas, territory_id: str) -> tuple[Territory | None, Territory | None]:
    """The région and the département a territory lies in (itself included)."""
    chain = (*atlas.ancestors(territory_id), atlas.territories[territory_id])
    region = next((t for t in chain if t.level == "region"), None)
    dep = next((t for t in chain if t.level == "departement"), None)
    return region, dep


def _filed(atlas: Atlas, counted: Mapping[str, Mapping[str, str]], h: Hub) -> tuple[str, str]:
    """The région and département ids the list's filters file a hub under: those that count it by its commune
    (`counted`: hub_geography.counted_in), else those above its territory ("" when none)."""
    region_id, dep_id = counted["region"].get(h.id), counted["departement"].get(h.id)
    if region_id is None or dep_id is None:  # the territory's chain looked up only then (4,000 hubs a build)
        region, dep = _place(atlas, h.territory_id)
        region_id = region_id if region_id is not None else region.id if region else ""
        dep_id = dep_id if dep_id is not None else dep.id if dep else ""
    return region_id, dep_id


_COUNTED: dict[int, tuple[weakref.ref, dict[str, dict[str, str]]]] = {}


def counted(atlas: Atlas) -> dict[str, dict[str, str]]:
    """Hub id -> the région and the département that count it (hub_geography.counted_in), once per atlas."""
    return per_atlas(_COUNTED, atlas, lambda: counted_in(atlas.territories, atlas.hubs_inside))


def hub_shared_records(atlas: Atlas) -> list[tuple[Hub, dict[str, Any]]]:
    """Each hub, sorted by name, with the fields of its record that both editions share (not to be changed:
    `hub_records` copies them)."""
    out = []
    # a hub of an EPCI across départements is in its commune's (the Métropole du Grand Paris's in Saint-Denis)
    where = counted(atlas)
    for h in sorted(atlas.hubs.values(), key=lambda h: (sort_key(h.name), h.id)):
        region_id, dep_id = _filed(atlas, where, h)
        out.append((h, {**_hub_fields(atlas, h), "r": region_id, "d": dep_id}))
    return out


def _hub_fields(atlas: Atlas, h: Hub) -> dict[str, Any]:
    """The fields of a hub's filter record that its sheet alone gives (with the build date: its status)."""
    record: dict[str, Any] = {
        "id": h.id, "n": h.name, "u": page_url(f"hubs/{h.id}.md"), "t": list(h.types),
        "s": status_text.STATUS_SLUGS[status_text.status_category(atlas, h)],
        "th": list(h.themes), "rs": list(h.networks), "p": [PILLAR_SLUGS[k] for k in h.pillars],
        "tu": page_url(f"territoires/{h.territory_id}.md"),
    }
    town = hub_town(h.address, h.commune)
    if town:
        record["v"] = town  # the list shows it beside the territory (theme/assets/filters.js)
    if h.founded:
        record["f"] = h.founded
    if h.coordinates:
        record["ll"] = [round(h.coordinates[0], 4), round(h.coordinates[1], 4)]
        record["pr"] = h.precision or "address"
    return record


def hub_records(atlas: Atlas, status_short: Callable[[Hub], str] | None = None,
                level_labels: Mapping[str, str] | None = None,
                shared: list[tuple[Hub, dict[str, Any]]] | None = None) -> list[dict[str, Any]]:
    """One compact record per hub, sorted by name: what the filters and the map need (`status_short`:
    the status in the edition's words, French by default; `shared`: `hub_shared_records`, made once
    for both editions)."""
    names = display_names(atlas, level_labels)
    status_short = status_short or (lambda h: status_text.status_short(atlas, h))
    return [{**record, "sl": status_short(h), "tn": names[h.territory_id]}
            for h, record in (shared if shared is not None else hub_shared_records(atlas))]


def territory_records(atlas: Atlas, scores: measured.Scores,
                      level_labels: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """One compact record per territory, in the order of the plain list (level, parent, name)."""
    names = display_names(atlas, level_labels)
    out = []
    for t in ordered_territories(atlas):
        region, dep = _place(atlas, t.id)
        parent = atlas.parent(t.id)
        prof = scores.profile(t.id)
        record: dict[str, Any] = {
            "id": t.id, "n": names[t.id], "u": page_url(f"territoires/{t.id}.md"), "l": t.level,
            "pn": names[parent.id] if parent else "", "r": region.id if region else "",
            "d": dep.id if dep else "", "h": len(atlas.hubs_within(t.id)),
        }
        if vocabulary.is_overseas_collectivity(t.level, t.code):
            record["com"] = 1  # named « Collectivité d'outre-mer », not by its level (Saint-Martin)
        if t.population is not None and isinstance(t.population.value, (int, float)):
            record["pop"] = t.population.value
        if prof is not None:  # by the pillar's slug, the filter's value in the list's address (page_parts)
            record["sc"] = {PILLAR_SLUGS[k]: round(v, 2) for k, v in prof.pillars.items() if v is not None}
        out.append(record)
    return out


def ordered_territories(atlas: Atlas) -> list[Territory]:
    """Territories by level (régions first), then parent name, then name."""
    rank = {lv: i for i, lv in enumerate(LEVELS)}
    names = display_names(atlas)

    def key(t: Territory) -> tuple[Any, ...]:
        parent = atlas.parent(t.id)
        return (rank.get(t.level, 99), sort_key(names[parent.id]) if parent else ("", ""), sort_key(names[t.id]), t.id)

    return sorted(atlas.territories.values(), key=key)


def facets(atlas: Atlas) -> dict[str, list[tuple[str, str, int]]]:
    """For each hub filter, its choices: (value, French label, hubs) in label order, with counts."""
    names = display_names(atlas)
    counts: dict[str, Counter[str]] = {p: Counter() for p in FILTER_PARAMS}
    where = counted(atlas)  # as `hub_shared_records` files each hub
    for h in atlas.hubs.values():
        counts["type"].update(set(h.types))
        counts["theme"].update(set(h.themes))
        counts["reseau"].update(set(h.networks))
        counts["pilier"].update(set(h.pillars))
        counts["statut"][status_text.status_category(atlas, h)] += 1
        region_id, dep_id = _filed(atlas, where, h)
        if region_id:
            counts["region"][region_id] += 1
        if dep_id:
            counts["departement"][dep_id] += 1
    label = {
        "type": lambda v: atlas.vocabulary.label("hub_types", v),
        "theme": lambda v: atlas.vocabulary.label("themes", v),
        "reseau": lambda v: atlas.vocabulary.label("networks", v),
        "pilier": lambda v: _pillar_label(v),
        "statut": lambda v: STATUS_WORDS.get(v, v),
        "region": lambda v: names[v],
        "departement": lambda v: names[v],
    }
    # pillars and statuses in the order the rest of the site gives them (the pillar pages, the list by status),
    # the same in both editions: sorted by their French labels, the English filter listed « Environment,
    # Identity, Metropolisation, Health, Knowledge »
    order: dict[str, Sequence[str]] = {"pilier": PILLARS, "statut": status_text.CATEGORY_ORDER}

    def rank(param: str, value: str) -> int:
        fixed = order.get(param, ())
        return fixed.index(value) if value in fixed else len(fixed)

    return {p: sorted(((v, label[p](v), n) for v, n in c.items()), key=lambda x: (rank(p, x[0]), sort_key(x[1]), x[0]))
            for p, c in counts.items()}


STATUS_WORDS = {"active": "En activité", status_text.TO_CHECK: "À vérifier (statut ancien)", "project": "En projet",
                "closed": "Fermé"}


def _pillar_label(key: str) -> str:
    from generator.model import PILLAR_LABELS

    return PILLAR_LABELS.get(key, key)


def territory_facets(atlas: Atlas) -> dict[str, list[tuple[str, str, int]]]:
    """The territory filters: level, région, département, measured pillar."""
    names = display_names(atlas)
    counts: dict[str, Counter[str]] = {"niveau": Counter(), "region": Counter(), "departement": Counter()}
    for t in atlas.territories.values():
        region, dep = _place(atlas, t.id)
        counts["niveau"][t.level] += 1
        if region:
            counts["region"][region.id] += 1
        if dep:
            counts["departement"][dep.id] += 1
    from generator.model import LEVEL_PLURALS, PILLAR_LABELS

    out = {
        "niveau": [(lv, LEVEL_PLURALS[lv], counts["niveau"][lv]) for lv in LEVELS if counts["niveau"][lv]],
        "region": sorted(((v, names[v], n) for v, n in counts["region"].items()), key=lambda x: sort_key(x[1])),
        "departement": sorted(((v, names[v], n) for v, n in counts["departement"].items()),
                              key=lambda x: sort_key(x[1])),
        "pilier": [(k, PILLAR_LABELS[k], 0) for k in PILLARS],
    }
    return out


def data_outputs(atlas: Atlas, scores: measured.Scores, status_short: Callable[[Hub], str] | None = None,
                 level_labels: Mapping[str, str] | None = None) -> list[Output]:
    """The two filter files and the outlines of the interactive map (a byte copy of committed data)."""
    return hub_data_outputs(atlas, status_short, level_labels) + territory_data_outputs(atlas, scores, level_labels)


def hub_data_file(atlas: Atlas, status_short: Callable[[Hub], str], level_labels: Mapping[str, str] | None,
                  edition: str) -> list[Output]:
    """The hubs' filter file of one edition, byte for byte `hub_data_outputs`, each hub's record written from
    three parts of what its sheet alone gives, kept per sheet (atlas_reads.per_sheet: after one edit, one
    record is encoded again, not 4,000), and where the lists file it (its région and département, its
    territory's name), looked up at each build. The records' keys in order: d, (f, id, ll, n, p, pr), r,
    (rs, s, sl, t, th), tn, (tu, u, v)."""
    names = display_names(atlas, level_labels)
    where = counted(atlas)
    text = json.JSONEncoder(ensure_ascii=False).encode  # a string as the whole file's encoder writes it
    records = []
    for h in sorted(atlas.hubs.values(), key=lambda h: (sort_key(h.name), h.id)):
        own = per_sheet(atlas, f"hub filter parts {edition}", h, lambda h=h: _own_parts(atlas, h, status_short),
                        list, lambda kept, h=h: _three_texts(kept, h.id), shape_only=True)
        region_id, dep_id = _filed(atlas, where, h)
        records.append(f'{{"d":{text(dep_id)},{own[0]},"r":{text(region_id)},{own[1]},'
                       f'"tn":{text(names[h.territory_id])},{own[2]}}}')
    return [Output(HUBS_DATA, ("[" + ",".join(records) + "]").encode("utf-8"))]


def _own_parts(atlas: Atlas, h: Hub, status_short: Callable[[Hub], str]) -> tuple[str, str, str]:
    """A hub's filter record less d, r and tn, as three runs of its encoded fields (see `hub_data_file`)."""
    record = {**_hub_fields(atlas, h), "sl": status_short(h)}
    return tuple(_dump({k: record[k] for k in keys if k in record}).decode("utf-8")[1:-1]  # type: ignore[return-value]
                 for keys, _needed in _RUNS)


# the keys of each part of a hub's filter record (`_own_parts`), and those every record has
_RUNS = ((("f", "id", "ll", "n", "p", "pr"), {"id", "n", "p"}),
         (("rs", "s", "sl", "t", "th"), {"rs", "s", "sl", "t", "th"}),
         (("tu", "u", "v"), {"tu", "u"}))


def _three_texts(kept: Any, hub_id: str) -> tuple[str, str, str]:
    """A hub's record parts as the page cache kept them: ValueError unless three runs of encoded fields with the
    keys each part has, the first naming this hub (a planted part must not break the file or name another)."""
    if not (type(kept) is list and len(kept) == 3 and all(type(part) is str for part in kept)):
        raise ValueError("not three texts")
    parts = (hub_id, kept[0], kept[1], kept[2])
    if parts in _CHECKED:  # the same texts checked before, in this process (a watch's build after build)
        return parts[1:]
    found = json.loads("[{" + "},{".join(kept) + "}]")
    if not (len(found) == 3 and all(type(part) is dict and needed <= part.keys() <= set(keys)
                                    for part, (keys, needed) in zip(found, _RUNS, strict=True))
            and found[0]["id"] == hub_id):
        raise ValueError("not a hub's filter record")
    if len(_CHECKED) >= _CHECKED_MOST:
        _CHECKED.clear()
    _CHECKED.add(parts)
    return parts[1:]


# the (hub id, three parts) that `_three_texts` found sound: each watch build reads the 4,000 hubs' parts kept in
# memory, the same strings (their hash made once), where parsing them again took 2 % of a build on the France tree
_CHECKED: set[tuple[str, str, str, str]] = set()
_CHECKED_MOST = 50_000  # both editions' parts of a France-scale tree, with room; forgotten at once past it


def hub_data_outputs(atlas: Atlas, status_short: Callable[[Hub], str] | None = None,
                     level_labels: Mapping[str, str] | None = None,
                     shared: list[tuple[Hub, dict[str, Any]]] | None = None) -> list[Output]:
    """The hubs' filter file (apart from the territories': a hub edited makes only this one again)."""
    return [Output(HUBS_DATA, _dump(hub_records(atlas, status_short, level_labels, shared)))]


def territory_data_outputs(atlas: Atlas, scores: measured.Scores,
                           level_labels: Mapping[str, str] | None = None) -> list[Output]:
    """The territories' filter file and the outlines of the interactive map."""
    return [
        Output(TERRITORIES_DATA, _dump(territory_records(atlas, scores, level_labels))),
        Output(BOUNDARIES, (GEODATA / "departements-simple.geojson").read_bytes(),
               ("generator/geodata/departements-simple.geojson",)),
    ]


def _dump(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def pages_of(items: Sequence[Any], size: int = HUBS_PER_PAGE) -> list[Sequence[Any]]:
    """`items` cut into pages of `size` (at least one page, maybe empty)."""
    return [items[i:i + size] for i in range(0, len(items), size)] or [items]


def hub_list_path(page: int) -> str:
    """Page 1 is the index itself; the next ones sit beside the other browsing pages."""
    return "hubs/index.md" if page == 1 else f"parcourir/lieux-{page}.md"
