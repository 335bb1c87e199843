"""The specs of the partnership networks: hub by hub, or counted between territories past 150 hubs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from generator.homonyms import homonyms
from generator.hub_geography import counted_in
from generator.model import Atlas
from generator.pictures.spec import MARKERS, MUTED, OKABE_ITO, Spec
from generator.pictures.words import FRENCH, N_, Words
from generator.vocabulary import sort_key


def _type_style(atlas: Atlas, used: list[str]) -> dict[str, tuple[str, str]]:
    """Colour and marker per hub type, in the vocabulary's order: a type has the same symbol in every network
    of the atlas (numbered among the types one network shows, a coworking space was a triangle on one and a
    square on the next), and types stay apart even past the seven colours."""
    order = list(atlas.vocabulary.hub_types) + sorted(t for t in used if t not in atlas.vocabulary.hub_types)
    return {t: (OKABE_ITO[i % 7], MARKERS[i % len(MARKERS)]) for i, t in enumerate(order) if t in used}


GROUPED_ABOVE = 150  # more hubs than this in one network: drawn by territory (past it, names are unreadable)
MAX_GROUPS = 40  # the finest grouping of the core with at most this many territories is the one drawn
GROUP_LEVELS = ("epci", "departement", "region")  # finest first
GROUP_WORDS = {"epci": N_("intercommunalité"), "departement": N_("département"), "region": N_("région")}


def _groups(w: Words, level: str, n: int) -> str:
    """`12 départements`: how many territories of `level` a grouped network counts."""
    if level == "epci":
        return w.nwords(n, "%(n)s intercommunalité", "%(n)s intercommunalités")
    if level == "departement":
        return w.nwords(n, "%(n)s département", "%(n)s départements")
    return w.nwords(n, "%(n)s région", "%(n)s régions")


def network_spec(atlas: Atlas, key: str, core: tuple[str, ...], title: str, w: Words = FRENCH) -> Spec:
    """Hubs as nodes and partnerships as edges; hubs outside `core` are the partners from elsewhere.

    Past GROUPED_ABOVE hubs (a national or régional network), the hubs are grouped by territory
    (see `grouped_network_spec`): a drawing of thousands of named points says nothing and its
    layout and labels cost minutes.
    """
    core_set = set(core)
    edges = [(a, b) for a, b in atlas.partnerships if a in core_set or b in core_set]
    nodes = sorted({h for edge in edges for h in edge})
    if len(nodes) > GROUPED_ABOVE:
        grouped = grouped_network_spec(atlas, key, core_set, edges, nodes, title, w)
        if grouped is not None:
            return grouped
    styles = _type_style(atlas, sorted({atlas.hubs[h].types[0] for h in nodes}))
    told = homonyms(atlas, w.lang)
    territory_name = {h: told.get(atlas.hubs[h].territory_id) or atlas.territories[atlas.hubs[h].territory_id].name
                      for h in nodes}
    outside = [h for h in nodes if h not in core_set]
    alt = title + ". " + w._("%(hubs)s reliés par %(links)s", hubs=w.nwords(len(nodes), "%(n)s lieu", "%(n)s lieux"),
                             links=w.nwords(len(edges), "%(n)s partenariat", "%(n)s partenariats"))
    if outside:
        alt += w._(", dont %(count)s d'autres territoires",
                   count=w.nwords(len(outside), "%(n)s lieu partenaire", "%(n)s lieux partenaires"))
    pairs = [f"{atlas.hubs[a].name} – {atlas.hubs[b].name}" for a, b in edges]
    alt += ". " + w.capped(pairs, "%(n)s partenariat", "%(n)s partenariats", w._(" ; ")) + "."
    isolated = len(core_set) - len(core_set & set(nodes))
    if isolated:
        others = w.nwords(isolated, "%(n)s autre lieu", "%(n)s autres lieux")
        alt += " " + w._("%(count)s sans partenariat connu.", count=others)
    return Spec(
        key=key, kind="network", title=title, alt=alt,
        table_headers=(w._("Lieu"), w._("Territoire"), w._("Partenaire"), w._("Territoire du partenaire")),
        table_rows=tuple((atlas.hubs[a].name, territory_name[a], atlas.hubs[b].name, territory_name[b])
                         for a, b in edges),
        data={
            "nodes": [{"id": h, "label": atlas.hubs[h].name, "colour": styles[atlas.hubs[h].types[0]][0],
                       "marker": styles[atlas.hubs[h].types[0]][1], "outside": h not in core_set}
                      for h in nodes],
            "edges": [list(e) for e in edges],
        },
        # written beside the picture (generator.pictures.legend): the drawing is the same in both languages
        legend=tuple((f"marker {m} {c}", w.vocab(atlas.vocabulary, "hub_types", t)) for t, (c, m) in styles.items())
        + ((("marker o " + MUTED + " hollow", w._("lieu d'un autre territoire")),) if outside else ()),
    )


def _group_of(atlas: Atlas, hub_id: str, level: str, counted: Mapping[str, Mapping[str, str]]) -> str:
    """The territory at `level` that holds the hub: for a département or a région, the one that counts it
    (`counted`: hub_geography.counted_in, by its commune, as the pages and the maps count it: a hub of the
    Métropole du Grand Paris in Saint-Denis is in Seine-Saint-Denis); else the one above its territory; its
    own territory when none is at that level."""
    found = counted.get(level, {}).get(hub_id)
    if found is not None:
        return found
    tid = atlas.hubs[hub_id].territory_id
    chain = [*atlas.ancestors(tid), atlas.territories[tid]]
    return next((t.id for t in reversed(chain) if t.level == level), tid)


def grouped_network_spec(atlas: Atlas, key: str, core: set[str], edges: list[tuple[str, str]], nodes: list[str],
                         title: str, w: Words = FRENCH) -> Spec | None:
    """The partnerships counted between territories: the core's hubs grouped at the finest level that
    gives at most MAX_GROUPS territories, partners from elsewhere by their région. None when no level
    groups the core that much (the network is then drawn hub by hub)."""
    core_nodes = [h for h in nodes if h in core]
    counted = counted_in(atlas.territories, atlas.hubs_inside)
    level = next((lv for lv in GROUP_LEVELS
                  if len({_group_of(atlas, h, lv, counted) for h in core_nodes}) <= MAX_GROUPS), None)
    if level is None:
        return None
    group = {h: ("in:" if h in core else "out:") + _group_of(atlas, h, level if h in core else "region", counted)
             for h in nodes}
    hubs_in: Counter[str] = Counter(group.values())
    internal: Counter[str] = Counter()
    between: Counter[tuple[str, str]] = Counter()
    for a, b in edges:
        ga, gb = group[a], group[b]
        if ga == gb:
            internal[ga] += 1
        else:
            between[(min(ga, gb), max(ga, gb))] += 1

    told = homonyms(atlas, w.lang)

    def name(gid: str) -> str:
        tid = gid.split(":", 1)[1]
        return told.get(tid) or atlas.territories[tid].name

    ids = sorted(hubs_in, key=lambda g: (g.startswith("out:"), sort_key(name(g))))
    pairs = sorted(between.items(), key=lambda item: (-item[1], sort_key(name(item[0][0])), sort_key(name(item[0][1]))))
    counted = [(n, index, name(g), name(g)) for index, g in enumerate(ids) if (n := internal[g])]
    counted += [(n, len(ids) + index, name(a), name(b)) for index, ((a, b), n) in enumerate(pairs)]
    rows = [(a, b, w.number(n)) for n, _, a, b in sorted(counted, key=lambda item: (-item[0], item[1]))]
    word = w._(GROUP_WORDS[level])
    grouped_title = w._("%(title)s, par %(level)s", title=title, level=word)
    outside = [g for g in ids if g.startswith("out:")]
    alt = grouped_title + ". " + w._("%(hubs)s reliés par %(links)s, comptés entre %(groups)s",
                                     hubs=w.nwords(len(nodes), "%(n)s lieu", "%(n)s lieux"),
                                     links=w.nwords(len(edges), "%(n)s partenariat", "%(n)s partenariats"),
                                     groups=_groups(w, level, len(ids) - len(outside)))
    if outside:
        alt += w._(" et %(count)s des partenaires d'ailleurs",
                   count=w.nwords(len(outside), "%(n)s région", "%(n)s régions"))
    links = [f"{name(a)} – {name(b)} ({w.number(n)})" for (a, b), n in pairs]
    alt += w._(". Les liens les plus nombreux : ") + w.capped(links, "%(n)s lien", "%(n)s liens", w._(" ; ")) + "."
    return Spec(
        key=key, kind="network-groups", title=grouped_title, alt=alt,
        table_headers=(w._("Territoire"), w._("Territoire partenaire"), w._("Partenariats")),
        table_rows=tuple(rows),
        data={
            "nodes": [{"id": g, "label": name(g), "hubs": hubs_in[g], "internal": internal[g],
                       "outside": g.startswith("out:")} for g in ids],
            "edges": [[a, b, n] for (a, b), n in sorted(between.items())],
            "level": level,
            # numbers of a thousand or more are written the language's way: only then is the drawing's
            "lang": w.lang if max(hubs_in.values(), default=0) >= 1000 else "fr",
        },
        legend=((f"marker o {OKABE_ITO[0]}", w._("lieux reliés, par %(level)s (nombre)", level=word)),
                ("line", w._("partenariats entre territoires (épaisseur)")))
        + (((f"marker o {OKABE_ITO[0]} hollow", w._("partenaires d'une autre région")),) if outside else ()),
    )
