"""The pieces the site's pages share: paths, options, and the fragments every page kind shows.

Facts with their year, source and marks; citations; figures with their data table; hub cards;
the plain lists, pager and filter form of the indexes. Values are escaped where they are written
(`generator.text`); paths come from validated ids.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from markupsafe import Markup

from generator import formats, import_notes, measured, status_text, text, vocabulary
from generator.addresses import hub_town
from generator.atlas_reads import ask, per_sheet, query
from generator.errors import AtlasError
from generator.ids import MAX_ID_LENGTH, SLUG_PATTERN
from generator.model import (
    LEVELS,
    OLD_AFTER_YEARS,
    PILLAR_SLUGS,
    Atlas,
    Fact,
    Hub,
    Source,
    Territory,
    fact_fields,
)
from generator.outputs import Output
from generator.page_figures import (  # noqa: F401  (re-exported: pages, the tests)
    MIN_TEXT_PX,
    NARROW,
    NARROW_SCREEN,
    Figures,
    legible_width,
)
from generator.page_kept import SPARSE
from generator.site_templates import relative_href
from generator.typography import french_ordinals_html

SLUG = re.compile(SLUG_PATTERN)

VOCABULARY_PAGES: Mapping[str, tuple[str, str, str]] = {
    # list name -> (page path, title, anchor prefix)
    "hub_types": ("parcourir/types.md", "Lieux par type", "type"),
    "themes": ("parcourir/themes.md", "Lieux par thème", "theme"),
    "networks": ("parcourir/reseaux.md", "Lieux par réseau", "reseau"),
}
VOCABULARY_ENTRY_MAX = 300  # an entry of a vocabulary list with more hubs has its hubs on a page of its own
STATUS_PAGE = "parcourir/statuts.md"
INDICATORS_PAGE = "reference/indicateurs.md"
QUALITY_LIST_MAX = 400  # the quality page lists the sheets that most need work, not all 2,900
STATUS_LIST_MAX = 300  # a status group longer than this is listed by territory count, not hub by hub
COMPARISON_SPLIT = 200  # a level with more territories gets one comparison page per région
RANKING_INLINE_MAX = 150  # longer rankings (the intercommunalités) get a page of their own
LEVEL_INLINE_MAX = 150  # a level with more territories is listed on pages of its own (explore.HUBS_PER_PAGE each)
VOCAB_PARAMS: Mapping[str, str] = {"type": "hub_types", "theme": "themes", "reseau": "networks"}  # filter -> list
HUB_COLUMNS = ("Lieu", "Territoire", "Types", "Statut", "Ouverture")
TERRITORY_COLUMNS = ("Territoire", "Niveau", "Territoire parent", "Population", "Lieux")
HUB_FILTER_LABELS: Mapping[str, str] = {
    "type": "Type de lieu", "region": "Région", "departement": "Département", "statut": "Statut",
    "theme": "Thème", "reseau": "Réseau", "pilier": "Pilier servi",
}
TERRITORY_FILTER_LABELS: Mapping[str, str] = {
    "niveau": "Niveau", "region": "Région", "departement": "Département", "pilier": "Classer par score du pilier",
}
VOCABULARY_TITLES: Mapping[str, str] = {
    "hub_types": "Types de lieux", "services": "Services", "themes": "Thèmes", "networks": "Réseaux",
}


def _address_value(param: str, value: str) -> str:
    """A filter choice's value in the list's address (`?pilier=sante`), the same in both editions: a pillar by its
    French slug, as its page (piliers/sante/) and its sections (#pilier-sante); its key (`health`, in English on
    French pages) is the option's former value, which filters.js still reads (and rewrites) from links made
    before. The data files the script reads (explore.hub_shared_records, territory_records) use the slug too.
    A status likewise (`?statut=en-activite`, formerly `?statut=active`: status_text.STATUS_SLUGS)."""
    if param == "pilier":
        return PILLAR_SLUGS[value]
    return status_text.STATUS_SLUGS.get(value, value) if param == "statut" else value


def territory_path(territory_id: str) -> str:
    return f"territoires/{_slug(territory_id)}.md"


def vocabulary_entry_path(name: str, entry_id: str) -> str:
    """The page of one long entry of a vocabulary list: parcourir/types/coworking.md beside parcourir/types.md."""
    return f"{VOCABULARY_PAGES[name][0].removesuffix('.md')}/{entry_id}.md"


def hub_path(hub_id: str) -> str:
    return f"hubs/{_slug(hub_id)}.md"


def _slug(value: str) -> str:
    if not SLUG.match(value) or len(value) > MAX_ID_LENGTH:
        raise AtlasError(f"refusing to make a page for the id {value!r}: ids are slugs such as rennes-metropole")
    return value


# how precise a hub's point is, in the words of the maps' data tables (pictures.map_style, which pages do not import)
_PRECISION_WORDS = {"address": "adresse", "commune": "centre de la commune"}


class OwnText(str):
    """A fact's value the atlas wrote in the edition's language (a point and how precise it is), not a
    sheet's French words, which `value_with_unit` marks `lang="fr"` in the English edition."""


@dataclass(frozen=True)
class SiteOptions:
    """What the pages need to know beyond the atlas: where sheets are edited, which PDFs exist."""

    repo_url: str | None = None
    sheet_edit_uri: str = "edit/main/"
    pdf_ids: frozenset[str] = frozenset()
    atlas_pdf: str | None = None  # path of the whole-atlas PDF inside the docs folder, if built
    pdf_ids_en: frozenset[str] = frozenset()  # territories whose English report (`<id>.en.pdf`) is there
    atlas_pdf_en: str | None = None  # path of the English whole-atlas PDF, if built
    intro: str | None = None  # content/index.md, the hand-written introduction of the home page
    has_contribuer: bool = False  # content/contribuer.md exists (the quality page links to it)
    has_methodologie: bool = False  # content/methodologie.md exists (the catalogue page links to it)

    def edit_url(self, sheet_path: str) -> str | None:
        base = text.safe_url(self.repo_url) if self.repo_url else None
        if not base:
            return None
        return text.safe_url(base.rstrip("/") + "/" + self.sheet_edit_uri.strip("/") + "/" + sheet_path.lstrip("/"))




class PageBase(Figures):
    """What every group of pages shares: the atlas, its scores, the options, the pictures, the
    template environment, display names, and the fragments (facts, sources, figures, cards, lists)
    that several page kinds show. The page groups (`page_indexes`, `page_pillars`, `page_reference`)
    and `pages.Pages` build on it."""

    atlas: Atlas
    scores: measured.Scores
    options: SiteOptions
    pictures: dict[str, Any]
    schemas: Mapping[str, dict] | None
    env: Any
    names: Mapping[str, str]
    _long_rankings: set[str]
    _pairs_of: dict[str, list[int]]
    lang: str
    words: Any  # views.Words of this edition
    file_prefix: str = ""  # where this edition's pages are in the site ("en/"): files are the French site's
    untranslated: bool = False  # a French page published in the English edition (marked lang="fr")
    kind_cache: Any = None  # set by the page cache (generator.page_cache): makes, or reads back, a shared kind
    sheet_reads: Any = None  # set by the page cache: (collect, merge) what sheet pages placed, across workers
    kept_part: Any = None  # set by the page cache while it makes a shared kind: parts kept by what they read
    kept_derived: Any = None  # and values both editions derive from the atlas alone, made once a build
    jobs: int = 1  # worker processes for many sheet pages (Pages.sheet_pages)
    _: Callable[..., str]  # the site catalog of this edition, for Python's own words (plain text)

    def render(self, template: str, path: str, sources: Iterable[str] = (), **context: Any) -> Output:
        """A page from its template: `page_path` is always in the context (links are relative to it)."""
        page = self.env.get_template(template).render(page_path=path, **context)
        if self.untranslated:
            page = mark_french(page)
        return Output(path, page.encode("utf-8"), tuple(sorted(set(sources))))

    def part(self, name: str, make: Callable[[], str]) -> str:
        """A piece of a shared page that reads fewer sheets than its page (a ranking of territories on a
        page that lists hubs), made by `make` from what `name` says and the atlas alone: with the page
        cache, taken as last made while what it read is as it was (generator.page_kept)."""
        return make() if self.kept_part is None else self.kept_part(name, make)

    def derived(self, name: str, make: Callable[[], Any]) -> Any:
        """A value `make` derives from the atlas alone (no edition, no page), named `name`: with the page
        cache, made once a build for every shared kind of both editions (generator.page_kept). Not to
        be changed by its users: they share it."""
        return make() if self.kept_derived is None else self.kept_derived(name, make)

    def ask(self, name: str, argument: str = "") -> Any:
        """The answer of a query on the atlas (generator.atlas_reads.ask): made once a build for both
        editions, and what a shared page read is that answer, not every record the query looked at."""
        return ask(self.atlas, name, argument)

    def fact_counts(self) -> tuple[int, int, int]:
        """How many facts the atlas has, how many say their source, how many are old (the home and quality
        pages of both editions): a hub renamed leaves them as they were."""
        return self.ask("fact counts")

    def levels(self) -> list[str]:
        """The levels that have at least one territory (a comparison page each)."""
        return [lv for lv in LEVELS if self.atlas.by_level(lv)]

    def vocab(self, name: str, entry_id: str) -> str:
        """An entry's label in the edition's language (its `en:` label in English), plain text."""
        return self.words.vocab_label(name, entry_id)

    def pillar_views(self, t: Territory) -> tuple[measured.PillarView, ...]:
        return measured.pillar_views(self.atlas, self.scores, t)

    def rating(self, territory: Territory, key: str) -> str:
        pillar = territory.pillars.get(key)
        return vocabulary.rating(pillar.rating if pillar is not None else None, self.lang)

    def count_of(self, n: int, one: str, many: str) -> str:
        """`1 donnée ancienne`, `3 données anciennes` (Babel's plural rule of the edition's language;
        the words are French ids of the site catalog)."""
        return vocabulary.counted(n, self._(one), self._(many), self.lang)

    def french_text(self, value: Any) -> Markup:
        """French text from a sheet (a label, a note, a source title) as Markdown text: in the English
        edition inside `<span lang="fr">` so that screen readers and search read it as French."""
        if value is None or value == "":
            return Markup("")
        inner = str(value) if isinstance(value, Markup) else text.md_text(value)
        return Markup(inner if self.lang == "fr" else f'<span lang="fr">{inner}</span>')

    def own_text(self, words: str) -> Markup:
        """Words of the atlas's code (an open-data column's meaning) as Markdown text, in the edition's language
        from the site catalog, which has them all (scripts/update_site_messages.py's RUNTIME; its --check)."""
        return Markup(text.md_text(str(self._(words))))

    def note_text(self, note: Any) -> Markup:
        """A fact's note: in the English edition, in English when `atlas import` wrote it (generator.import_notes:
        a territory's area and population, a census place's listing), the census's own words kept French inside;
        any other note as `french_text` gives it."""
        if self.lang != "fr" and isinstance(note, str):
            said = import_notes.english(note)
            if said is not None:
                return Markup(import_notes.quotes_marked_french(text.md_text(said)))
        return self.french_text(note)

    def field(self, owner: Any, name: str, css_class: str = "atlas-md") -> Markup:
        """A Markdown field of a sheet rendered (see text.render_markdown) in the edition's language:
        its `en:` version in the English edition when the sheet has one, else the French text, marked
        `lang="fr"` in the English edition."""
        french = getattr(owner, name, None)
        if self.lang != "fr":
            translated = (getattr(owner, "en", None) or {}).get(name)
            if translated:
                return Markup(text.render_markdown(translated, css_class))
            html = text.render_markdown(french, css_class)
            return Markup(html.replace("<div ", '<div lang="fr" ', 1) if html else "")
        return Markup(text.render_markdown(french, css_class))

    def value_with_unit(self, value: Any, unit: str | None) -> Markup:
        """`462 000 habitants` / `462,000 inhabitants` as Markdown text: the unit in the edition's
        language when the site catalog has it, else as the sheet wrote it (marked French in English).
        A value that is a sheet's words (an address, a figure « Comté ») is French: marked so in English."""
        shown = text.md_text(formats.with_unit(value, None, self.lang))
        if self.lang != "fr" and formats.sheet_words(value):
            shown = f'<span lang="fr">{shown}</span>'
        if not unit:
            return Markup(shown)
        unit_md = self.unit_label(formats.unit_for(value, unit, self.lang))  # « 0 lieu pour 100 000 habitants »
        # English writes a per cent sign against its number (`5.91% of the population`), French after a space
        space = "" if self.lang == "en" and str(unit_md).startswith("%") else formats.NBSP
        return Markup(f"{shown}{space}{unit_md}")

    def position_fact(self, hub: Any) -> Fact | None:
        """A hub's coordinates written as a fact, as its page's row tells them: the point, how precise, with the
        year, note and source the sheet gives (the map draws the point; the row says where it comes from)."""
        f = hub.coordinates_fact
        if f is None or hub.coordinates is None:
            return None
        lat, lon = hub.coordinates
        point = self.words.position(lat, lon)  # as the territory pages and the reports write a point
        return replace(f, value=OwnText(f"{point} ({self._(_PRECISION_WORDS[hub.precision or 'address'])})"),
                       unit=None)

    def unit_label(self, unit: str) -> Markup:
        """A unit from a sheet or the catalogue as Markdown text, escaped like any sheet text: in the edition's
        language when the site catalog has it, else as written (marked French in the English edition)."""
        translated = self._(unit)
        unit_md = text.md_text(translated)
        if self.lang != "fr" and translated == unit and any(c.isalpha() for c in unit):
            unit_md = f'<span lang="fr">{unit_md}</span>'
        return Markup(unit_md)

    def rank_text(self, s: measured.IndicatorScore) -> Markup:
        """`290<sup>e</sup> ex aequo sur 1 255` as Markdown text (the suffix raised, as French typography
        writes it); `tied 290th of 1,255` in English."""
        shown = text.md_text(self.words.rank_text(s))
        return Markup(french_ordinals_html(shown, self.lang))

    def value_text(self, value: Any, unit: str | None) -> Markup:
        """A computed value (a median, a score's value) shortened to what a reader needs, with its unit."""
        return self.value_with_unit(measured.plain_value(value) if isinstance(value, float) else value, unit)

    def source(self, src: Source | None) -> Markup:
        """A citation: title (linked when it has an http(s) URL), publisher, date consulted."""
        if src is None:
            return Markup('<span class="atlas-badge atlas-badge--unsourced">' + self._("non sourcé") + "</span>")
        if self.lang == "fr":
            parts = [text.md_link(src.title, src.url) if src.url else text.md_text(src.title)]
        else:  # the title of a French document, marked as French
            title = text.html_text(src.title)
            url = text.url_attr(src.url) if src.url else None
            parts = [f'<a href="{url}" lang="fr">{title}</a>' if url else f'<span lang="fr">{title}</span>']
        if src.publisher:
            parts.append(str(self.french_text(src.publisher)))  # a French name or description
        if src.accessed:
            day = text.md_text(formats.long_date(src.accessed, self.lang))
            parts.append(self._("consulté le") + " " + french_ordinals_html(day, self.lang))
        return Markup(", ".join(parts))

    def fact(self, f: Fact | None, with_source: bool = True, with_year: bool = True, unit: str | None = None,
             dated: bool = True) -> Markup:
        """A fact the French way with its year, its source and its marks (unsourced, old). A figure whose
        source gives no year says « (non daté) » where its year would be; `dated=False` for an address,
        which prints its year when known but no mark."""
        if f is None:
            return Markup("—")
        bits = [str(self.value_with_unit(f.value, f.unit or unit))]
        if with_year and f.year is not None:
            bits.append(f"({f.year})")
        elif with_year and dated:
            bits.append("(" + self._("non daté") + ")")
        if f.note:
            bits.append("— " + str(self.note_text(f.note)))
        if with_source:
            if f.source is not None:
                bits.append(self._("— source :") + " " + str(self.source(f.source)))
            else:
                bits.append(str(self.source(None)))
        if self.atlas.is_old(f):
            bits.append(self.old_badge())
        return Markup(" ".join(bits))

    def old_badge(self) -> str:
        """The « ancien » badge of a figure older than OLD_AFTER_YEARS, as HTML (its reason in its title)."""
        old = self._("donnée de plus de %(n)s ans", n=OLD_AFTER_YEARS)
        return (f'<span class="atlas-badge atlas-badge--old" title="{text.attr(old)}">'
                + text.html_text(self._("ancien")) + "</span>")

    def html(self, macro: str, *args: Any) -> Markup:
        """One macro of theme/pages/_html.md.j2 (cards, lists, pager, filters) rendered as raw HTML."""
        return Markup(getattr(self.env.get_template("_html.md.j2").module, macro)(*args))

    def hub_card(self, hub_id: str, page_path: str) -> Markup:
        """A hub as a card (raw HTML): name, types, status, themes, its territory. With the page cache, kept
        per hub sheet (`atlas_reads.per_sheet`) with its link and its territory's name, which are checked
        when read back: a région's page of the France tree shows 465 cards, each a macro call, and one hub
        edited made them all again in both editions (0.1 s of 2.9)."""
        h = self.atlas.hubs[hub_id]
        territory = self.atlas.territories.get(h.territory_id)
        href = relative_href(page_path, hub_path(h.id))
        place = territory.name if territory is not None else None

        def make() -> str:
            return str(self.html("hub_card", {
                "href": Markup(href), "name": h.name, "types": self.words.vocab_html("hub_types", h.types),
                "themes": self.words.vocab_html("themes", h.themes),
                "category": status_text.status_category(self.atlas, h), "status": self.words.status_short(h),
                "place": place, "town": hub_town(h.address, h.commune), "mark_fr": False}))

        def load(kept: Any) -> str:
            if not (type(kept) is list and len(kept) == 3 and kept[0] == href and kept[1] == place
                    and type(kept[2]) is str):
                raise ValueError("another link, territory or shape")
            return kept[2]

        name = f"{SPARSE}hub card {self.lang} {self.file_prefix}{page_path.rpartition('/')[0]}"
        return Markup(per_sheet(self.atlas, name, h, make, lambda card: [href, place, card], load))

    def pager(self, page_path: str, parts: Sequence[str], current: int) -> str:
        """Links to every page of a list cut into pages (no script needed)."""
        items = [(i, Markup(relative_href(page_path, part))) for i, part in enumerate(parts, start=1)]
        return self.html("pager", items, current, len(parts))

    def filter_form(self, page_path: str, kind: str, data: str, choices: Mapping[str, Sequence[tuple[str, str, int]]],
                    labels: Mapping[str, str]) -> str:
        """The filters of an index: a GET form (so a filtered list has its own address) that the script
        shows and runs on the data file; hidden without JavaScript, where the plain pages serve."""
        fields = []
        for param, label in labels.items():
            options = [(shown, self._choice(param, value, name), self.words.number(n) if n else "",
                        param in VOCAB_PARAMS and self.words.vocab_marked_fr(VOCAB_PARAMS[param], value),
                        value if shown != value else "")
                       for value, name, n in choices.get(param, ()) for shown in (_address_value(param, value),)]
            if self.lang != "fr" and param in VOCAB_PARAMS:  # the vocabulary's English labels, in their order
                options.sort(key=lambda o: (vocabulary.sort_key(o[1]), o[0]))
            fields.append({
                "param": param, "label": self._(label),
                "first": self._("Aucun") if param == "pilier" and kind == "territories" else self._("Tous"),
                "options": options})  # (value, label, count, French label in the English edition, former value)
        return self.html("filter_form", {
            "kind": kind, "src": relative_href(page_path, data), "root": relative_href(page_path, "index.md"),
            "here": relative_href(page_path, page_path), "fields": fields})

    def _choice(self, param: str, value: str, name: str) -> str:
        """A filter choice's label in the edition's language (levels, pillars and statuses have one)."""
        if param == "niveau":  # « Collectivités d'outre-mer » when the level holds only Saint-Martin
            return self.words.level_plural_of(value) if value in self.words.level_plurals else name
        if self.lang == "fr":
            return name
        if param == "pilier":
            return self.words.pillar_labels.get(value, name)
        if param == "statut":
            return self._(name)
        if param in ("region", "departement"):
            return self.names.get(value, name)  # "Mayotte (region)": the level in the edition's words
        if param in VOCAB_PARAMS:
            return self.vocab(VOCAB_PARAMS[param], value)  # its `en:` label, else the French one
        return name

    def territory_table(self, rows: Sequence[tuple[Territory, Territory | None]], page_path: str) -> str:
        """Territories as a plain HTML table (the filtered list of the script uses the same columns)."""
        shown = [{
            "href": Markup(relative_href(page_path, territory_path(t.id))), "name": self.names[t.id],
            "level": self.words.territory_level(t), "parent": self.names[parent.id] if parent else None,
            "population": self.words.number(t.population.value) if t.population is not None
            and isinstance(t.population.value, (int, float)) else None,
            "hubs": str(len(self.atlas.hubs_within(t.id)))} for t, parent in rows]
        return self.html("territory_list", [self._(c) for c in TERRITORY_COLUMNS], shown)

    def hub_table(self, hubs: Sequence[Hub], page_path: str) -> str:
        shown = [{
            "href": Markup(relative_href(page_path, hub_path(h.id))), "name": h.name,
            "place_href": Markup(relative_href(page_path, territory_path(h.territory_id))),
            "place": self.names[h.territory_id], "town": hub_town(h.address, h.commune),
            "types": self.words.vocab_html("hub_types", h.types),
            "status": self.words.status_short(h), "founded": str(h.founded) if h.founded else None,
            "mark_fr": False} for h in hubs]
        return self.html("hub_list", [self._(c) for c in HUB_COLUMNS], shown)

def mark_french(page: str) -> str:
    """A page left in French in the English edition: `content_lang: fr` in its front matter, which
    theme/overrides/main.html turns into `lang="fr"` around the content and a note in English."""
    if page.startswith("---\n"):
        return "---\ncontent_lang: fr\n" + page[4:]
    return "---\ncontent_lang: fr\n---\n\n" + page


def count_of(n: int, one: str, many: str) -> str:
    """`1 donnée ancienne`, `3 données anciennes` (French: 0 and 1 take the singular)."""
    return f"{formats.number(n)} {one if n < 2 else many}"


def _excerpt(value: Any, limit: int = 160) -> str:
    """A Markdown field as one short line of plain text (for a table cell)."""
    flat = text.markdown_to_text(value)
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rsplit(" ", 1)[0] + "…"


@query("fact counts", territories=fact_fields(Territory), hubs=fact_fields(Hub))
def _fact_counts(atlas: Atlas, _argument: str) -> tuple[int, int, int]:
    """How many facts the atlas has, how many say their source, how many are old."""
    total = sourced = old = 0
    for record in (*atlas.territories.values(), *atlas.hubs.values()):  # each sheet's counts kept by its bytes
        n, s, o = per_sheet(atlas, "fact counts", record, lambda record=record: _sheet_fact_counts(atlas, record),
                            list, _three_counts, shape_only=True)
        total, sourced, old = total + n, sourced + s, old + o
    return total, sourced, old


def _three_counts(kept: list[Any]) -> tuple[int, int, int]:
    """A sheet's fact counts as the page cache kept them (ValueError when they are not three counts)."""
    if len(kept) != 3 or not all(type(n) is int for n in kept):
        raise ValueError("not three counts")
    return kept[0], kept[1], kept[2]


def _sheet_fact_counts(atlas: Atlas, record: Territory | Hub) -> tuple[int, int, int]:
    facts = [f for _, f in record.facts()]
    return len(facts), sum(1 for f in facts if f.sourced), sum(1 for f in facts if atlas.is_old(f))
