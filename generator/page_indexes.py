"""The index pages of the site: territories and hubs (paged lists with filters), the map, the lists
by vocabulary and by status, the partnership network, accessibility.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from markupsafe import Markup

from generator import explore, status_text, vocabulary
from generator.atlas_reads import answer, query
from generator.explore import sort_key
from generator.model import (
    LEVELS,
    STATUSES,
    Atlas,
)
from generator.outputs import Output
from generator.page_parts import (
    HUB_FILTER_LABELS,
    LEVEL_INLINE_MAX,
    SLUG,
    STATUS_LIST_MAX,
    STATUS_PAGE,
    TERRITORY_FILTER_LABELS,
    VOCABULARY_ENTRY_MAX,
    VOCABULARY_PAGES,
    PageBase,
    hub_path,
    territory_path,
    vocabulary_entry_path,
)

NETWORK_ROWS_MAX = 600  # partnership rows on the network page; more go on one page per région
RANKED_MAX = 30  # rows of the network page's table of the most linked places


class IndexPages(PageBase):
    """The index pages of the site: territories and hubs (paged lists with filters), the map, the lists."""

    def recent_updates(self, days: int = 6, per_day: int = 5) -> list[tuple[Any, int, list[tuple[str, str]]]]:
        """The latest days on which sheets changed, newest first: (date, sheets changed that day, the
        first few of them by name). A national import touches a thousand sheets on one day: listing
        twelve of them under the same date told nothing, a count per day does."""
        out = []
        for day, count, first in self.ask("recent sheets", f"{days} {per_day} {self.lang}"):
            out.append((day, count, [(self.names[sid], territory_path(sid)) if kind == "t" else
                                     (self.atlas.hubs[sid].name, hub_path(sid)) for kind, sid in first]))
        return out

    def _status_counts(self) -> dict[str, int]:
        """Hubs by status category, counted once a build for both editions' home pages."""
        return {s: len(ids) for s, ids in self.ask("status groups").items()}

    def territories_index(self) -> list[Output]:
        """Territories by level, then parent: a level of up to LEVEL_INLINE_MAX territories is listed on
        the index, a longer one (the intercommunalités) on pages of its own; filters above (JavaScript)."""
        outs: list[Output] = []
        groups = []
        ordered = explore.ordered_territories(self.atlas)
        for level in LEVELS:
            rows = [(t, self.atlas.parent(t.id)) for t in ordered if t.level == level]
            if not rows:
                continue
            pages = []
            if len(rows) > LEVEL_INLINE_MAX:
                chunks = explore.pages_of(rows)
                for i, chunk in enumerate(chunks, start=1):
                    part = f"parcourir/territoires-{level}-{i}.md"
                    pages.append((i, part, chunk))
                for i, part, chunk in pages:
                    outs.append(self.render(
                        "territories_list.md.j2", part, level=level, rows=chunk, number=i, total=len(pages),
                        pager=Markup(self.pager(part, [p for _, p, _ in pages], i)),
                        table=Markup(self.territory_table(chunk, part))))
            groups.append((level, len(rows), Markup(self.territory_table(rows, "territoires/index.md"))
                           if not pages else None, [(i, part, len(chunk), self.names[chunk[0][0].id],
                                                     self.names[chunk[-1][0].id]) for i, part, chunk in pages]))
        outs.insert(0, self.render(
            "territories_index.md.j2", "territoires/index.md", groups=groups,
            filters=Markup(self.filter_form("territoires/index.md", "territories", explore.TERRITORIES_DATA,
                                            explore.territory_facets(self.atlas), TERRITORY_FILTER_LABELS))))
        return outs

    def hubs_index(self) -> list[Output]:
        """Every hub by name, HUBS_PER_PAGE a page (plain lists without JavaScript); filters on page 1."""
        return [out for _page, make in self.hub_list_groups() for out in make()]

    def hub_list_groups(self) -> list[tuple[str, Callable[[], list[Output]]]]:
        """The pages of the hub list, each kept apart by the page cache (`PageKind.groups`): what orders them is
        a query's answer of ids (`hub pages`), so a hub renamed in its place makes its one page again, not 40."""
        pages = self.ask("hub pages", str(explore.HUBS_PER_PAGE))
        return [(str(i), lambda i=i: [self.hub_list_page(i)]) for i in range(1, len(pages) + 1)]

    def hub_list_page(self, number: int) -> Output:
        """Page `number` (from 1) of the hub list."""
        pages = self.ask("hub pages", str(explore.HUBS_PER_PAGE))
        parts = [explore.hub_list_path(i) for i in range(1, len(pages) + 1)]
        ids, part = pages[number - 1], parts[number - 1]
        return self.render(
            "hubs_index.md.j2" if number == 1 else "hubs_list.md.j2", part, hubs=[self.atlas.hubs[h] for h in ids],
            number=number, total=len(pages), count=sum(len(chunk) for chunk in pages),
            pager=Markup(self.pager(part, parts, number)) if len(parts) > 1 else Markup(""),
            table=Markup(self._kept_hub_table(list(ids), part)),
            filters=Markup(self.filter_form(part, "hubs", explore.HUBS_DATA, self._hub_facets(),
                                            HUB_FILTER_LABELS)) if number == 1 else Markup(""))

    def _kept_hub_table(self, ids: list[str], page_path: str) -> str:
        """One page's table of the hub list, a part kept by the hubs it shows (fetched again by id inside
        the part, so that their sheets are its reads): a hub renamed makes one or two of the 16 tables again."""
        return self.part(f"hubs {page_path} {' '.join(ids)}",
                         lambda: self.hub_table([self.atlas.hubs[i] for i in ids], page_path))

    def _hub_facets(self) -> dict[str, list[tuple[str, str, int]]]:
        """The hub filters' choices and counts (French labels; each edition words them when it shows them)."""
        return self.ask("hub facets")

    def map_page(self) -> Output:
        """The interactive map (Leaflet, vendored; outlines and hubs from this site's own files) with the
        static map and its table as the fallback (`counted`: that map counts the hubs per département; where
        the atlas has no pictures, no fixed map follows and the page does not say one does)."""
        f = self._hub_facets()
        located = self.ask("located hubs")
        return self.render("map.md.j2", explore.MAP_PAGE, located=located,
                           counted=located > explore.FRANCE_MAP_COUNTED_ABOVE,
                           filters=Markup(self.filter_form(explore.MAP_PAGE, "map", explore.HUBS_DATA,
                                                           {k: f[k] for k in ("type", "statut")},
                                                           {"type": "Type de lieu", "statut": "Statut"})))

    def accessibility_page(self) -> Output:
        return self.render("accessibility.md.j2", "accessibilite.md")

    def vocabulary_groups(self) -> list[tuple[str, Callable[[], list[Output]]]]:
        """The pages of the vocabulary lists, each kept apart by the page cache (`PageKind.groups`): a list's
        page, and a page of its own for each entry with more than VOCABULARY_ENTRY_MAX hubs (1,106 coworking
        spaces on the shipped atlas; on the France tree a hub renamed rewrote three 435 KB lists)."""
        made: list[tuple[str, Callable[[], list[Output]]]] = []
        for name in VOCABULARY_PAGES:
            made.append((name, lambda name=name: [self.vocabulary_index(name)]))
            made += [(f"{name} {entry}", lambda name=name, entry=entry: [self.vocabulary_entry_page(name, entry)])
                     for entry in self._long_entries(name)]
        return made

    def _long_entries(self, name: str) -> list[str]:
        return [entry for entry, ids in self.ask("vocabulary groups", name).items()
                if len(ids) > VOCABULARY_ENTRY_MAX and SLUG.match(entry)]

    def vocabulary_index(self, name: str) -> Output:
        path, title, prefix = VOCABULARY_PAGES[name]
        groups = self.ask("vocabulary groups", name)
        own = {entry: vocabulary_entry_path(name, entry) for entry in self._long_entries(name)}
        lines = {entry: self._vocabulary_lines(ids, path) for entry, ids in groups.items() if ids and entry not in own}
        return self.render("vocabulary_index.md.j2", path, name=name, title=title, prefix=prefix, groups=groups,
                           lines=lines, own=own)

    def vocabulary_entry_page(self, name: str, entry: str) -> Output:
        """The hubs of one long entry of a vocabulary list, on a page of its own, by région (1,106 coworking
        spaces in one alphabetical run were hard to scan)."""
        path = vocabulary_entry_path(name, entry)
        ids = self.ask("vocabulary groups", name)[entry]
        regions = self.ask("vocabulary regions", f"{name} {entry}")
        index, _title, prefix = VOCABULARY_PAGES[name]
        return self.render("vocabulary_entry.md.j2", path, name=name, entry_id=entry, hub_ids=ids, index=index,
                           anchor=f"{prefix}-{entry}", regions=[
                               (rid, len(rids), self._vocabulary_lines(rids, path)) for rid, rids in regions])

    def _vocabulary_lines(self, ids: Sequence[str], page_path: str) -> Markup:
        return Markup("".join(self._kept_vocabulary_lines(list(chunk), page_path) for chunk in explore.pages_of(ids)))

    def _kept_vocabulary_lines(self, ids: list[str], page_path: str) -> str:
        """The lines of up to a hundred hubs of a vocabulary list, a part kept by the hubs it shows (read again
        by id inside the part): a hub renamed makes its few runs of lines again, not the 4,600 of the lists."""
        return self.part(f"vocabulary {page_path} {' '.join(ids)}", lambda: self.env.get_template(
            "vocabulary_lines.md.j2").render(page_path=page_path, hub_ids=ids))

    def status_index(self) -> Output:
        """Hubs by status; an open or planned status seen more than five years ago is listed apart
        ("à vérifier"), never with the current ones. Long groups are counted per département."""
        order = status_text.CATEGORY_ORDER
        found = self.ask("status groups")
        groups: dict[str, list[str]] = {s: list(found.get(s, ())) for s in order}
        per_territory, lines = {}, {}
        for s, ids in groups.items():
            if len(ids) > STATUS_LIST_MAX:
                per_territory[s] = Markup(self._kept_status_counts(s))
            elif ids:
                lines[s] = Markup("".join(self._kept_status_lines(s, list(chunk)) for chunk in explore.pages_of(ids)))
        return self.render("status_index.md.j2", STATUS_PAGE, groups=groups, to_check=status_text.TO_CHECK,
                           long_list=STATUS_LIST_MAX, per_territory=per_territory, lines=lines)

    def _kept_status_counts(self, status: str) -> str:
        """A long status group's table of hubs by territory, a part kept by those counts (the part reads the
        territories it names, not the hubs): a hub renamed leaves it as it was."""
        per = self.ask("status territories", status)
        return self.part("status counts " + " ".join(f"{tid}:{n}" for tid, n in sorted(per.items())),
                         lambda: self.env.get_template("status_counts.md.j2").render(page_path=STATUS_PAGE, per=per))

    def _kept_status_lines(self, status: str, hub_ids: list[str]) -> str:
        """The lines of up to a hundred hubs of a status group, a part kept by the hubs it shows (read again
        by id inside the part)."""
        return self.part(f"status {status} {' '.join(hub_ids)}", lambda: self.env.get_template(
            "status_lines.md.j2").render(page_path=STATUS_PAGE, hub_ids=hub_ids, s=status,
                                         to_check=status_text.TO_CHECK))

    def network_pages(self) -> list[Output]:
        """The network page; when its table by territory has more than NETWORK_ROWS_MAX rows, that table
        goes on one page per région (`reseau/<région>.md`, `network_regions`), which the network page
        lists: the France tree's 3,989 partnerships made a 2.5 MB page (issue 11: no page over 1 MB). (Owner
        E; B's edit.)"""
        degree = {h: len(p) for h, p in self.atlas.partners_of.items()}
        # the places with several partners, the most linked first, then by name as readers sort them (not by
        # id); a place with one partner says nothing more here than its row in the partnerships below
        several = [(h, n) for h, n in degree.items() if n > 1]
        ranked = sorted(several, key=lambda kv: (-kv[1], sort_key(self.atlas.hubs[kv[0]].name), kv[0]))[:RANKED_MAX]
        ordered, regions = self.ask("network sections", str(NETWORK_ROWS_MAX))
        if not regions:
            return [self.render("network.md.j2", "reseau.md", degree=degree, ranked=ranked, several=len(several),
                                sections=self._kept_pairs("reseau.md", dict(ordered)))]
        rows = [(self.atlas.territories[g], f"reseau/{g}.md", sum(len(pairs) for _tid, pairs in sections))
                for g, sections in regions]
        return [self.render("network.md.j2", "reseau.md", degree=degree, ranked=ranked, several=len(several),
                            sections=Markup(""), regions=rows)]

    def network_regions(self) -> list[tuple[str, Callable[[], list[Output]]]]:
        """The région pages of the network (none when it fits one page), each kept apart by the page cache
        (`PageKind.groups`): a hub renamed makes again the pages of its région and its partners', not 18."""
        regions = self.ask("network sections", str(NETWORK_ROWS_MAX))[1]
        return [(g, lambda g=g: self.network_region_page(g)) for g, _sections in regions]

    def network_region_page(self, region_id: str) -> list[Output]:
        """One région's partnerships, each of its territories' table a part (`_kept_pairs`)."""
        degree = {h: len(p) for h, p in self.atlas.partners_of.items()}
        path = f"reseau/{region_id}.md"
        sections = dict(self.ask("network sections", str(NETWORK_ROWS_MAX))[1])[region_id]
        return [self.render("network.md.j2", path, degree=degree, region=self.atlas.territories[region_id],
                            sections=self._kept_pairs(path, dict(sections)))]

    def _kept_pairs(self, page_path: str, by_territory: Mapping[str, Sequence[tuple[str, str]]]) -> Markup:
        """Each territory's table of partnerships, a part kept by the pairs it shows (their names read again
        inside the part): a hub renamed makes again the tables that name it, not a région's 2,000 rows."""
        return Markup("".join(self.part(f"pairs {page_path} {tid} " + " ".join(f"{a}:{b}" for a, b in pairs),
                                        lambda tid=tid, pairs=pairs: self.env.get_template(
                                            "_network_territory_pairs.md.j2").render(page_path=page_path, tid=tid,
                                                                                      pairs=pairs))
                              for tid, pairs in by_territory.items()))


# the answers the index pages read instead of every hub (generator.atlas_reads.ask): a hub renamed leaves them
# as they were, and the pages that show only them (home, map, statuses) are kept


# the fields some queries read, declared with them (atlas_reads.query): a territory's shown name is told apart
# from its homonyms' by its level, its département (its parents) and its code (generator.homonyms); the hubs' lists
# a vocabulary list may be (vocabulary groups: `types` for hub_types, else the list's own name)
_NAMED = ("id", "name", "level", "parent_id", "code")
_LISTS = ("types", "services", "themes", "pillars", "networks")


@query("recent sheets", territories=(*_NAMED, "updated"), hubs=("id", "name", "updated"))
def _recent_sheets(atlas: Atlas, argument: str) -> list[tuple[Any, int, tuple[tuple[str, str], ...]]]:
    """`"<days> <per day> <lang>"`: the latest days on which sheets changed, newest first, with how many
    changed that day and the first few of them by their name in that edition, as ("t" or "h", id)."""
    days, per_day, lang = argument.split()
    names = explore.display_names(atlas, None if lang == "fr" else
                                  {lv: vocabulary.level_label(lv, lang) for lv in LEVELS})
    by_day: dict[Any, list[tuple[str, str]]] = {}
    for t in atlas.territories.values():
        by_day.setdefault(t.updated, []).append(("t", t.id))
    for h in atlas.hubs.values():
        by_day.setdefault(h.updated, []).append(("h", h.id))
    out = []
    for day in sorted(by_day, reverse=True)[:int(days)]:
        members = by_day[day]
        keyed = [(sort_key(names[sid] if kind == "t" else atlas.hubs[sid].name), kind, sid) for kind, sid in members]
        # the first by name, then page path: only those whose name is among the first few need their path (all
        # 5,400 sheets of a France-scale tree changed on one day had theirs made at each build)
        smallest = heapq.nsmallest(int(per_day), (key for key, _, _ in keyed))
        tied = [(key, (territory_path(sid) if kind == "t" else hub_path(sid)), (kind, sid))
                for key, kind, sid in keyed if smallest and key <= smallest[-1]]
        first = heapq.nsmallest(int(per_day), tied, key=lambda r: (r[0], r[1]))
        out.append((day, len(members), tuple(item for _, _, item in first)))
    return out


@query("hub pages", territories=(), hubs=("id", "name"))
def _hub_pages(atlas: Atlas, size: str) -> tuple[tuple[str, ...], ...]:
    """The hubs' ids by name (then id), `size` a page (at least one page, maybe empty)."""
    hubs = sorted(atlas.hubs.values(), key=lambda h: (sort_key(h.name), h.id))
    return tuple(tuple(h.id for h in chunk) for chunk in explore.pages_of(hubs, int(size)))


@query("network sections", territories=("id", "name", "level", "parent_id"), hubs=("id", "territory_id"))
def _network_sections(atlas: Atlas, most: str) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """The partnerships by territory, each seen from that territory's hub, the territories in name order, and
    when they are more than `most` rows (NETWORK_ROWS_MAX), the same by région (régions in name order):
    (territory id, pairs) and (région id, its territories' (id, pairs)), ids only (a hub renamed leaves the
    answer as it was)."""
    by_territory: dict[str, list[tuple[str, str]]] = {}
    for a, b in atlas.partnerships:
        ta, tb = atlas.hubs[a].territory_id, atlas.hubs[b].territory_id
        by_territory.setdefault(ta, []).append((a, b))
        if tb != ta:
            by_territory.setdefault(tb, []).append((b, a))  # seen from that territory's hub
    ordered = sorted(by_territory.items(), key=lambda kv: (sort_key(atlas.territories[kv[0]].name), kv[0]))
    sections = tuple((tid, tuple(pairs)) for tid, pairs in ordered)
    if sum(len(pairs) for pairs in by_territory.values()) <= int(most):
        return sections, ()
    groups: dict[str, list[tuple[str, tuple[tuple[str, str], ...]]]] = {}
    for tid, pairs in sections:
        place = next((x for x in (atlas.territories[tid], *atlas.ancestors(tid)) if x.level == "region"),
                     atlas.territories[tid])
        groups.setdefault(place.id, []).append((tid, pairs))
    regions = sorted(groups, key=lambda g: (sort_key(atlas.territories[g].name), g))
    return sections, tuple((g, tuple(groups[g])) for g in regions)


@query("vocabulary groups", territories=(), hubs=("id", *_LISTS))
def _vocabulary_groups(atlas: Atlas, name: str) -> dict[str, tuple[str, ...]]:
    """The hubs' ids under each entry of the vocabulary list `name` (its entries first, in its order, then any
    other a hub names), in id order."""
    groups: dict[str, list[str]] = {entry: [] for entry in atlas.vocabulary.list(name)}
    field = "types" if name == "hub_types" else name
    for h in atlas.hubs.values():
        for entry in getattr(h, field):
            groups.setdefault(entry, []).append(h.id)
    return {entry: tuple(ids) for entry, ids in groups.items()}


@query("vocabulary regions", territories=("id", "name", "level"), hubs=("id", *_LISTS))
def _vocabulary_regions(atlas: Atlas, argument: str) -> list[tuple[str, tuple[str, ...]]]:
    """`"<list> <entry>"`: that entry's hubs by the région that counts them (`Atlas.hubs_inside`), régions
    in name order, hubs in id order; hubs no région counts last, under ""."""
    name, entry = argument.split(" ", 1)
    ids = answer(atlas, "vocabulary groups", name)[entry]
    region_of = explore.counted(atlas)["region"]  # once per atlas, not once per entry of each list
    by_region: dict[str, list[str]] = {}
    for hid in ids:
        by_region.setdefault(region_of.get(hid, ""), []).append(hid)
    order = sorted(by_region, key=lambda rid: (rid == "", sort_key(atlas.territories[rid].name) if rid else ""))
    return [(rid, tuple(by_region[rid])) for rid in order]


@query("status groups", territories=(), hubs=("id", "status", "status_fact"))
def _status_groups(atlas: Atlas, _argument: str) -> dict[str, tuple[str, ...]]:
    """The hubs' ids by status category (an old open or planned status is "to check"), in id order."""
    groups: dict[str, list[str]] = {s: [] for s in (*STATUSES, status_text.TO_CHECK)}
    for h in atlas.hubs.values():
        groups[status_text.status_category(atlas, h)].append(h.id)
    return {s: tuple(ids) for s, ids in groups.items()}


@query("status territories", territories=(), hubs=("id", "status", "status_fact", "territory_id"))
def _status_territories(atlas: Atlas, status: str) -> dict[str, int]:
    """How many hubs of a status category each territory holds (by territory id)."""
    per: dict[str, int] = {}
    for hid in answer(atlas, "status groups", "")[status]:
        tid = atlas.hubs[hid].territory_id
        per[tid] = per.get(tid, 0) + 1
    return per


@query("hub facets", territories=_NAMED, hubs=("id", *_LISTS, "status", "status_fact", "territory_id"))
def _facets(atlas: Atlas, _argument: str) -> dict[str, list[tuple[str, str, int]]]:
    return explore.facets(atlas)


@query("located hubs", territories=(), hubs=("coordinates",))
def _located(atlas: Atlas, _argument: str) -> int:
    return sum(1 for h in atlas.hubs.values() if h.coordinates)
