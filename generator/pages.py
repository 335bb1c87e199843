"""The atlas model -> the Markdown pages of the site, as `Output` values (nothing is written here).

Templates live in `theme/pages/` (outside the MkDocs `custom_dir`), escape every plain value for
Markdown by default (see `generator.site_templates`) and render Markdown fields with
`generator.text.render_markdown`. Paths come from validated ids and are checked again by
`generator.outputs`. Nothing reads the clock: dates come from the sheets and `atlas.as_of`.
"""

from __future__ import annotations

import html
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

from markupsafe import Markup

from generator import explore, measured, status_text, text, vocabulary
from generator.addresses import commune_name
from generator.atlas_reads import structure_digest
from generator.hub_geography import ABOVE_EPCI
from generator.model import (
    LEVELS,
    OLD_AFTER_YEARS,
    PILLAR_DESCRIPTIONS,
    PILLAR_SLUGS,
    PILLARS,
    STATUSES,
    Atlas,
    Hub,
    Territory,
    per_atlas,
)
from generator.opendata import sheet_copy_path
from generator.outputs import Output
from generator.page_indexes import IndexPages
from generator.page_parts import (  # noqa: F401  (MIN_TEXT_PX, NARROW, legible_width: re-exported for the tests and callers)
    MIN_TEXT_PX,
    NARROW,
    SLUG,
    STATUS_PAGE,
    VOCABULARY_PAGES,
    VOCABULARY_TITLES,
    PageBase,
    SiteOptions,
    _excerpt,
    count_of,
    hub_path,
    legible_width,
    territory_path,
)
from generator.page_pillars import PillarPages
from generator.page_reference import ReferencePages
from generator.quality import hub_quality, territory_quality
from generator.site_templates import gettext_for, make_environment
from generator.views import Words

# ---- the page generator ------------------------------------------------------------------------

class NoScores:
    """What a hub's page is made with in place of the measured profile (`Pages.hub_page`): any use is an error."""

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(f"a hub's page read the scores ({name}): its page cache key leaves them out "
                           "(generator.page_cache); show them on territory pages, or key hub pages by them")

    def __iter__(self) -> Any:
        return self.__getattr__("__iter__")

    def __bool__(self) -> bool:
        return self.__getattr__("__bool__")


NO_SCORES = NoScores()


class Pages(IndexPages, PillarPages, ReferencePages, PageBase):
    """Renders every page of the site from one atlas; each method returns Outputs."""

    def __init__(self, atlas: Atlas, options: SiteOptions, pictures: Mapping[str, Any] | None = None,
                 schemas: Mapping[str, dict] | None = None, scores: measured.Scores | None = None,
                 lang: str = "fr") -> None:
        self.atlas = atlas
        self.scores = scores if scores is not None else measured.scores_of(atlas)
        self.options = options
        self.pictures = dict(pictures or {})
        self.schemas = schemas
        self.lang = lang
        self.words = Words(atlas, lang)
        self._ = gettext_for(lang)
        self._pairs_of: dict[str, list[int]] = {}  # hub id -> indexes of its partnerships
        for i, (a, b) in enumerate(atlas.partnerships):
            self._pairs_of.setdefault(a, []).append(i)
            self._pairs_of.setdefault(b, []).append(i)
        self.env = make_environment(lang=lang)
        self.env.filters["plain_excerpt"] = _excerpt
        self.env.filters["count_of"] = self.count_of
        w = self.words
        self.env.globals.update(
            fact=self.fact, source=self.source, picture=self.picture, vocab=self.vocab, vocab_text=w.vocab_text,
            indicator=w.indicator_text,
            territory_path=territory_path, hub_path=hub_path, rating=self.rating,
            rating_words=lambda value: vocabulary.rating(value, lang),
            LEVELS=LEVELS, LEVEL_LABELS=w.level_labels, LEVEL_PLURALS=w.level_plurals, PILLARS=PILLARS,
            PILLAR_LABELS=w.pillar_labels,
            PILLAR_DESCRIPTIONS={k: self._(v) for k, v in PILLAR_DESCRIPTIONS.items()}, STATUSES=STATUSES,
            STATUS_LABELS=w.status_labels, OLD_AFTER_YEARS=OLD_AFTER_YEARS, VOCABULARY_PAGES=VOCABULARY_PAGES,
            VOCABULARY_TITLES=VOCABULARY_TITLES, STATUS_PAGE=STATUS_PAGE, atlas=atlas, options=options,
            hub_card=self.hub_card, sheet_copy_path=sheet_copy_path, scores=self.scores,
            score_text=w.score_text, score_out_of=w.score_out_of, rank_text=self.rank_text,
            territory_level=w.territory_level,
            value_text=self.value_text, level_word=w.level_word, of_level=w.of_level,
            levels_word=w.levels_word, level_plural_of=w.level_plural_of, levels_word_of=w.levels_word_of,
            territory_levels_word=w.territory_levels_word, why_not=w.why_not,
            DIRECTION_WORDS=w.direction_words, status_is_old=atlas.status_is_old,
            status_short=w.status_short, status_long=w.status_long,
            status_category=lambda h: status_text.status_category(atlas, h), pillar_views=self.pillar_views,
            status_slug=status_text.STATUS_SLUGS.__getitem__,  # a status category's anchor: #statut-a-verifier
            year_fact=status_text.year_fact, yaml_string=text.yaml_string, html_attr=text.attr, ext_url=text.safe_url,
            slug_ok=SLUG.match,
            pillar_path=explore.pillar_path, pillar_slug=PILLAR_SLUGS.__getitem__, MAP_PAGE=explore.MAP_PAGE,
            fr=self.french_text, note=self.note_text, own=self.own_text, field=self.field, _p=self._,
            unit_label=self.unit_label,
            position_fact=self.position_fact,
            position=w.position,
        )
        self.names = explore.display_names(atlas, None if lang == "fr" else self.words.level_labels)
        self._long_rankings: set[str] = set()  # levels whose pillar rankings have pages of their own
        self.env.globals["tname"] = lambda t: self.names.get(t.id, t.name)

    # -- pages made from one sheet (the others are in page_indexes, page_pillars, page_reference) --

    def _hub_and_place(self, hub_id: str) -> tuple[str, str]:
        """The sheets a hub card or a hub mention shows: the hub's and its territory's."""
        h = self.atlas.hubs[hub_id]
        return h.path, self.atlas.territories[h.territory_id].path

    def _pairs(self, hubs: Sequence[str]) -> list[tuple[str, str]]:
        """The partnerships that involve one of `hubs`, in the atlas's order, each written from the
        side of a hub of `hubs` (its partner second), so a row reads "our hub -> its partner"."""
        found = {i for h in hubs for i in self._pairs_of.get(h, ())}
        inside = set(hubs)
        pairs = [self.atlas.partnerships[i] for i in sorted(found)]
        return [(a, b) if a in inside else (b, a) for a, b in pairs]

    def territory_sources(self, t: Territory, hubs: Sequence[str], pairs: Sequence[tuple[str, str]]) -> set[str]:
        """Every sheet whose text the territory page shows (names in the breadcrumb, cards, tables).

        `atlas serve` regenerates a page only when one of these sheets changed: the list must be complete.
        """
        a = self.atlas
        paths = {t.path, *(x.path for x in a.ancestors(t.id))}
        paths.update(a.territories[c].path for c in a.children.get(t.id, ()))
        places = _hub_places(a)
        shown = {*hubs, *(h for pair in pairs for h in pair)}
        try:  # one update, not a call per hub: 40,000 hubs shown by the 1,374 territory pages of the France tree
            paths.update(chain.from_iterable(map(places.__getitem__, shown)))
        except KeyError:  # a hub of no known territory: said as `_hub_and_place` says it
            for hub_id in shown:
                paths.update(self._hub_and_place(hub_id))
        return paths

    def hub_sources(self, h: Hub) -> set[str]:
        """Every sheet whose text the hub page shows (see `territory_sources`)."""
        a = self.atlas
        paths = {h.path, *(x.path for x in a.ancestors(h.territory_id)), a.territories[h.territory_id].path}
        for other in {*a.partners_of.get(h.id, ()), *a.named_by.get(h.id, ())}:
            paths.update(self._hub_and_place(other))
        return paths

    def _territory_sources_of(self, t: Territory) -> set[str]:
        hubs = self.atlas.hubs_within(t.id)
        return self.territory_sources(t, hubs, self._pairs(hubs))

    def territory_page(self, t: Territory) -> Output:
        """A territory's page. It shows the profiles of the territory and of those that enclose it, and the medians
        of their levels (`measured.shown_on_page`), and its key in the page cache covers those only
        (`page_cache.PageCache`): a hub added or closed moves the scores, but leaves most pages as they were
        (2,750 territory pages were made again on the national atlas, for about a hundred changed). Made with
        that part of the scores only: a read of another is an error (`measured.ScoresShown`)."""
        with self._made_with(measured.ScoresShown(self.scores, *measured.shown_on_page(self.atlas, t))):
            return self._territory_page(t)

    @contextmanager
    def _made_with(self, scores: Any) -> Iterator[None]:
        """The scores that a page's template and its methods read while it is made (`scores` in place of the
        measured profile), the profile back afterwards."""
        kept, shown = self.scores, self.env.globals.get("scores")
        self.scores = self.env.globals["scores"] = scores
        try:
            yield
        finally:
            self.scores, self.env.globals["scores"] = kept, shown

    @property
    def territory_pages(self) -> dict[str, Territory]:
        """Each territory's page (its path in an edition) and the territory: the page cache keys them apart."""
        return {territory_path(tid): t for tid, t in self.atlas.territories.items()}

    def _territory_page(self, t: Territory) -> Output:
        path = territory_path(t.id)
        hubs = self.atlas.hubs_within(t.id)
        pairs = self._pairs(hubs)
        # the English edition links the English report where there is one, else the French one
        pdf = f"pdf/{t.id}.en.pdf" if self.lang == "en" and t.id in self.options.pdf_ids_en else \
            f"pdf/{t.id}.pdf" if t.id in self.options.pdf_ids else None
        return self.render(
            "territory.md.j2", path, sources=self.territory_sources(t, hubs, pairs),
            t=t, ancestors=self.atlas.ancestors(t.id), parent=self.atlas.parent(t.id),
            children=[self.atlas.territories[c] for c in self.atlas.children.get(t.id, ())],
            own_hubs=self.atlas.hubs_by_territory.get(t.id, ()), hubs=hubs, pairs=pairs, pdf=pdf,
            measured_level=measured.has_profile(self.atlas, t),
            edit_url=self.options.edit_url(t.path), quality=territory_quality(self.atlas, t),
            sheet_copy=sheet_copy_path(t.path), across=self._across(t, hubs),
            by_departement=self._by_departement(t, hubs),
            filtered_list=t.level if t.level in ABOVE_EPCI and len(hubs) > REGION_CARDS_MAX else None,
            pairs_by_departement=self._pairs_by_departement(t, hubs, pairs),
        )

    def _by_departement(self, t: Territory, hubs: Sequence[str]) -> tuple[list[tuple[Territory, int]], list[str]]:
        """A région with more than REGION_CARDS_MAX hubs: (département, count of the hubs it counts), in the
        order of their codes, and the hubs no département counts (shown as cards). A reader finds a place
        through its département's page (342 cards in one list on Île-de-France's page were not read), and the
        page stays small at national scale (600 cards and 365 KB a région on the France tree). Else nothing."""
        if t.level != "region" or len(hubs) <= REGION_CARDS_MAX:
            return [], []
        counted = explore.counted(self.atlas)["departement"]
        counts: dict[str, int] = {}
        alone = []
        for hid in hubs:
            dep = counted.get(hid)
            if dep is None:
                alone.append(hid)
            else:
                counts[dep] = counts.get(dep, 0) + 1
        return self._counts_in_order(counts), alone

    def _pairs_by_departement(self, t: Territory, hubs: Sequence[str], pairs: Sequence[tuple[str, str]]
                              ) -> tuple[list[tuple[Territory, int]], list[tuple[str, str]]]:
        """A région with more than REGION_PAIRS_MAX partnerships: (département, count of the partnerships of the
        hubs it counts; one between two of its départements counts in each), and the partnerships of hubs that
        no département counts (listed). Each partnership is listed on its hubs' départements' pages (940 rows,
        180 KB, on a région of the France tree). Else nothing."""
        if t.level != "region" or len(pairs) <= REGION_PAIRS_MAX:
            return [], []
        counted = explore.counted(self.atlas)["departement"]
        inside = set(hubs)
        counts: dict[str, int] = {}
        alone = []
        for a, b in pairs:  # `a` is inside (`_pairs`)
            deps = {counted.get(h) for h in (a, b) if h in inside}
            if None in deps:
                alone.append((a, b))
            for dep in deps - {None}:
                counts[dep] = counts.get(dep, 0) + 1  # type: ignore[index]
        return self._counts_in_order(counts), alone

    def _counts_in_order(self, counts: Mapping[str, int]) -> list[tuple[Territory, int]]:
        territories = self.atlas.territories
        deps = sorted(counts, key=lambda d: (territories[d].code or "", self.names.get(d, territories[d].name)))
        return [(territories[d], counts[d]) for d in deps]

    def _across(self, t: Territory, hubs: Sequence[str]) -> list[tuple[str, int]]:
        """(territory name, count) of the hubs a département counts by their commune whose own territory is
        not below it (the Métropole du Grand Paris's hubs in Seine-Saint-Denis): the page says why they are here."""
        if t.level not in ABOVE_EPCI:  # an intercommunalité's hubs are its own and its members' (model.hubs_inside)
            return []
        below = {t.id, *self.atlas.descendants(t.id)}
        counts: dict[str, int] = {}
        for hid in hubs:
            owner = self.atlas.hubs[hid].territory_id
            if owner not in below:
                counts[owner] = counts.get(owner, 0) + 1
        return [(self.names[tid], n) for tid, n in sorted(counts.items())]

    def _hub_above(self, h: Hub) -> tuple[list[Territory], Territory | None]:
        """The territories shown above a hub: its territory's, without a département or région that does not
        count it (model.hubs_inside); and the département that does count it when it is not among them (a
        hub of the Métropole du Grand Paris in Saint-Denis: Seine-Saint-Denis, not Paris, its EPCI's parent)."""
        a = self.atlas
        counted = explore.counted(a)
        above = [x for x in a.ancestors(h.territory_id)
                 if x.level not in ABOVE_EPCI or counted[x.level].get(h.id, x.id) == x.id]
        dep = counted["departement"].get(h.id)
        shown = dep is not None and dep != h.territory_id and all(x.id != dep for x in above)
        return above, a.territories[dep] if shown else None

    def hub_page(self, h: Hub) -> Output:
        """A hub's page. It shows no score of the measured profile, so its key in the page cache leaves the scores
        out (`page_cache.PageCache`): a hub added, removed or closed moves the scores of many territories, and
        made every hub page again too (4,000 on the France tree). Made without the scores at hand: one read
        while it is made is an error (`NoScores`), which the tests meet before a reader."""
        with self._made_with(NO_SCORES):
            return self._hub_page(h)

    def _hub_page(self, h: Hub) -> Output:
        path = hub_path(h.id)
        territory = self.atlas.territories[h.territory_id]
        above, departement = self._hub_above(h)
        sources = self.hub_sources(h) | ({departement.path} if departement is not None else set())
        return self.render(
            "hub.md.j2", path, sources=sources, h=h, territory=territory,
            ancestors=above, departement=departement,
            commune=commune_name(h.commune),
            partners=self.atlas.partners_of.get(h.id, ()), named_by=self.atlas.named_by.get(h.id, ()),
            edit_url=self.options.edit_url(h.path), quality=hub_quality(self.atlas, h),
            sheet_copy=sheet_copy_path(h.path),
        )

    def home_page(self) -> Output:
        recent = self.recent_updates()
        facts_total, facts_sourced, facts_old = self.fact_counts()
        intro = self.options.intro
        return self.render(
            "home.md.j2", "index.md", intro=Markup(intro) if intro is not None else None,
            recent=recent, facts_total=facts_total, facts_sourced=facts_sourced, facts_old=facts_old,
            by_status=self._status_counts(),
            status_rows=[("active", self._("en activité")),
                         (status_text.TO_CHECK,
                          self._("statut à vérifier (plus de %(n)s ans ou sans date)", n=OLD_AFTER_YEARS)),
                         ("project", self._("en projet")), ("closed", self._("fermés"))],
        )


    def moved_hub_outputs(self) -> list[Output]:
        """At the address of each hub whose sheet was merged into another or renamed (territories/moved.yml),
        a small page that sends readers' bookmarks and links on to the kept hub's page, in the edition's
        language (`explore.redirect_page`, as for the pillars' former addresses). Its paths
        are made of validated ids (checked again by `hub_path`); its one text from a sheet, the kept hub's
        name, is escaped."""
        outs = []
        title, sentence = self._("Page déplacée"), self._("Cette page a changé d'adresse :")
        for old, new in self.atlas.moved_hubs.items():
            hub = self.atlas.hubs[new]
            href = "../" + hub_path(new).removeprefix("hubs/").removesuffix(".md") + "/"
            page = explore.redirect_page(href, html.escape(hub.name, quote=False), self.lang, title, sentence)
            outs.append(Output(hub_path(old).removesuffix(".md") + "/index.html", page, (hub.path,)))
        return outs

    def shared_pages(self, kind: PageKind) -> list[Output]:
        """The pages of one kind made from many sheets; with the page cache attached, read back when
        what they read last time is as it was (generator.page_cache)."""
        if kind.groups is not None:  # each group kept apart (`_kind_cache` names it after the kind)
            return [out for member, make in kind.groups(self)
                    for out in (self.kind_cache(kind, member, make) if self.kind_cache is not None else make())]
        return self.kind_cache(kind) if self.kind_cache is not None else list(kind.build(self))

    def all_pages(self, progress: Callable[[int, int], None] | None = None,
                  wanted: Callable[[str, set[str]], bool] | None = None) -> list[Output]:
        """Every page of the site; `progress(done, total)` is called as territory and hub pages are made.

        With `wanted(page_path, sources)`, a territory or hub page is made only when it returns True
        (`atlas serve` after a save); the pages made from every sheet (indexes, home...) always are.
        """
        outs = [out for kind in SHARED_KINDS for out in self.shared_pages(kind)]
        # after the pillar pages, which fill the levels and say which ranking pages exist
        outs += explore.redirect_outputs(sorted(self._long_rankings), {out.path for out in outs})
        outs += self.moved_hub_outputs()
        return outs + self.sheet_pages(self.sheet_todo(wanted), progress,
                                       len(self.atlas.territories) + len(self.atlas.hubs))

    def sheet_todo(self, wanted: Callable[[str, set[str]], bool] | None) -> list[tuple[str, str]]:
        """The territory ("t") and hub ("h") pages to make, in that order: those `wanted(page path, sources)`
        accepts, or all. Both editions ask (with the page cache, `wanted` takes the kept pages out): each
        page's sources are worked out once per atlas, not once per edition."""
        if wanted is None:
            return [("t", tid) for tid in self.atlas.territories] + [("h", hid) for hid in self.atlas.hubs]
        known = _sources_of(self.atlas)
        todo = []
        for kind, records, path_of in (("t", self.atlas.territories, territory_path),
                                       ("h", self.atlas.hubs, hub_path)):
            for record_id, record in records.items():
                sources = known.get((kind, record_id))
                if sources is None:
                    sources = known[(kind, record_id)] = frozenset(
                        self._territory_sources_of(record) if kind == "t" else self.hub_sources(record))
                if wanted(path_of(record_id), sources):  # type: ignore[arg-type]
                    todo.append((kind, record_id))
        return todo

    def sheet_pages(self, todo: Sequence[tuple[str, str]], progress: Callable[[int, int], None] | None = None,
                    total: int = 0) -> list[Output]:
        """The territory ("t") and hub ("h") pages of `todo`, in that order; with `jobs` above 1 and many
        of them (a cold build: 5,800 pages on the national atlas), rendered by forked worker processes."""
        skipped = max(0, total - len(todo))  # taken from the page cache: done already
        total = total or len(todo)
        if self.jobs <= 1 or len(todo) < PARALLEL_FROM:
            outs = []
            for done, item in enumerate(todo, start=1):
                outs.append(self._sheet_page(item))
                if progress and done % 50 == 0:
                    progress(skipped + done, total)
        else:
            outs = self._sheet_pages_forked(todo, progress, skipped, total)
        if progress:
            progress(total, total)
        return outs

    def _sheet_page(self, item: tuple[str, str]) -> Output:
        kind, record_id = item
        return self.territory_page(self.atlas.territories[record_id]) if kind == "t" else \
            self.hub_page(self.atlas.hubs[record_id])

    def _sheet_pages_forked(self, todo: Sequence[tuple[str, str]], progress: Callable[[int, int], None] | None,
                            skipped: int, total: int) -> list[Output]:
        global _FORKED
        from generator.faults import worker_pool

        size = max(20, len(todo) // (4 * self.jobs))
        chunks = [list(todo[i:i + size]) for i in range(0, len(todo), size)]
        outs: list[Output] = []
        _FORKED = self  # what the forked workers render with (their copy of this process's memory)
        try:
            with worker_pool(min(self.jobs, len(chunks))) as pool:
                for made, reads in pool.map(_render_chunk, chunks):
                    outs += made
                    if reads is not None and self.sheet_reads is not None:
                        self.sheet_reads[1](reads)  # what those pages placed, for the page cache
                    if progress:
                        progress(skipped + len(outs), total)
        finally:
            _FORKED = None
        return outs


# id(atlas) -> the atlas (weakly) and its sheet pages' sources, by ("t" or "h", id): both editions' to-do lists
_SOURCES: dict[int, tuple[weakref.ref, dict[tuple[str, str], frozenset[str]]]] = {}


# id(atlas) -> the atlas (weakly) and each hub's sheet with its territory's (what a card or a mention shows)
_PLACES: dict[int, tuple[weakref.ref, dict[str, tuple[str, str]]]] = {}


def _hub_places(atlas: Atlas) -> dict[str, tuple[str, str]]:
    territories = atlas.territories
    return per_atlas(_PLACES, atlas, lambda: {h.id: (h.path, territories[h.territory_id].path)
                                               for h in atlas.hubs.values() if h.territory_id in territories})


def _sources_of(atlas: Atlas) -> dict[tuple[str, str], frozenset[str]]:
    """The sheet pages' sources, filled as asked: those of the last atlas when this one has its structure (a
    page's sources are made of its indexes alone), as after a save in `atlas build --watch`: 5,400 pages'
    sources were worked out again at each save of the France tree (0.1 s)."""
    return per_atlas(_SOURCES, atlas, lambda: _sources_for(structure_digest(atlas)))


_LAST_SOURCES: list[tuple[str, dict[tuple[str, str], frozenset[str]]]] = []  # the last structure's, by its digest


def _sources_for(structure: str) -> dict[tuple[str, str], frozenset[str]]:
    if not (_LAST_SOURCES and _LAST_SOURCES[0][0] == structure):
        _LAST_SOURCES[:] = [(structure, {})]
    return _LAST_SOURCES[0][1]


REGION_CARDS_MAX = 40  # a région page with more hubs counts them by département (Pages._by_departement); a
# région or département page with more links the list of hubs filtered on it
REGION_PAIRS_MAX = 60  # and with more partnerships, those too (Pages._pairs_by_departement)
PARALLEL_FROM = 300  # sheet pages to render: fewer are rendered in this process (starting workers costs more)
_FORKED: Pages | None = None  # the pages a forked worker renders with (set by the parent just before forking)


def _render_chunk(chunk: list[tuple[str, str]]) -> tuple[list[Output], Any]:
    """In a worker: some sheet pages, and what they placed (pictures, hub cards) for the parent's page cache."""
    pages = _FORKED
    if pages is None:
        raise RuntimeError("no pages to render in this worker")
    outs = [pages._sheet_page(item) for item in chunk]
    reads = pages.sheet_reads[0]([out.path for out in outs]) if pages.sheet_reads is not None else None
    return outs, reads


def content_intro(content_dir: Path) -> str | None:
    """The hand-written introduction of the home page (content/index.md), if there is one."""
    index = content_dir / "index.md"
    if index.is_file() and not index.is_symlink():
        return index.read_text(encoding="utf-8")
    return None


@dataclass(frozen=True)
class PageKind:
    """One kind of page of the site: where it goes, its template, and how it is made (the context
    builder renders it). `Pages.all_pages` loops over SHARED_KINDS, then makes the sheet pages
    (territory, hub) one by one so `atlas serve` can skip those whose sheets did not change.
    A new page kind is one entry here and a template in theme/pages/."""

    name: str
    path: str  # the page, or the pattern of its pages
    template: str
    build: Callable[[Pages], Iterable[Output]]
    # a kind made of groups of pages kept apart by the page cache (the hub list's pages, the network's région
    # pages): each group's name and maker; `build` is then not used
    groups: Callable[[Pages], Sequence[tuple[str, Callable[[], Iterable[Output]]]]] | None = None


SHARED_KINDS: tuple[PageKind, ...] = (
    PageKind("home", "index.md", "home.md.j2", lambda p: [p.home_page()]),
    PageKind("territories", "territoires/index.md, parcourir/territoires-<level>-<n>.md", "territories_index.md.j2",
             lambda p: p.territories_index()),
    PageKind("hubs", "hubs/index.md, parcourir/lieux-<n>.md", "hubs_index.md.j2", lambda p: p.hubs_index(),
             groups=lambda p: p.hub_list_groups()),
    PageKind("status", STATUS_PAGE, "status_index.md.j2", lambda p: [p.status_index()]),
    PageKind("map", explore.MAP_PAGE, "map.md.j2", lambda p: [p.map_page()]),
    PageKind("accessibility", "accessibilite.md", "accessibility.md.j2", lambda p: [p.accessibility_page()]),
    PageKind("explore-data", explore.HUBS_DATA, "",
             lambda p: explore.hub_data_file(p.atlas, p.words.status_short,
                                             None if p.lang == "fr" else p.words.level_labels, p.lang)),
    PageKind("explore-territories", f"{explore.TERRITORIES_DATA}, {explore.BOUNDARIES}", "",
             lambda p: explore.territory_data_outputs(p.atlas, p.scores,
                                                      None if p.lang == "fr" else p.words.level_labels)),
    PageKind("vocabulary", "parcourir/<list>.md, parcourir/<list>/<entry>.md", "vocabulary_index.md.j2",
             lambda p: [], groups=lambda p: p.vocabulary_groups()),
    PageKind("pillars", "piliers/index.md", "pillars_index.md.j2", lambda p: [p.pillars_index()]),
    PageKind("pillar", "piliers/<pillar>.md", "pillar.md.j2",
             lambda p: [out for k in PILLARS for out in p.pillar_page(k)]),
    PageKind("comparison-index", "comparaison/index.md", "comparison_index.md.j2", lambda p: [p.comparison_index()]),
    PageKind("comparison", "comparaison/<level>.md", "comparison.md.j2",
             lambda p: [out for lv in p.levels() for out in p.comparison_pages(lv)]),
    PageKind("network", "reseau.md", "network.md.j2", lambda p: p.network_pages()),
    PageKind("network-region", "reseau/<région>.md", "network.md.j2", lambda p: [],
             groups=lambda p: p.network_regions()),
    PageKind("quality", "qualite.md", "quality.md.j2", lambda p: [p.quality_page()]),
    PageKind("methodology", "reference/methode.md", "methodology.md.j2", lambda p: [p.methodology_page()]),
    PageKind("reference", "reference/fiches.md", "reference.md.j2", lambda p: [p.reference_page()]),
    PageKind("indicators", "reference/indicateurs.md", "indicators.md.j2", lambda p: [p.indicators_page()]),
)
