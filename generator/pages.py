"""The atlas model -> the Markdown pages of the site, as `Output` values (nothing is written here).

Templates live in `theme/pages/` (outside the MkDocs `custom_dir`), escape every plain value for
Markdown by default (see `generator.site_templates`) and render Markdown fields with
`generator.text.render_markdown`. Paths come from validated ids and are checked again by
`generator.outputs`. Nothing reads the clock: dates come from the sheets and `atlas.as_of`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from generator import explore, formats, measured, status_text, text, vocabulary
from generator.errors import AtlasError
from generator.model import (
    LEVEL_LABELS,
    LEVEL_PLURALS,
    LEVELS,
    OLD_AFTER_YEARS,
    PILLAR_DESCRIPTIONS,
    PILLAR_LABELS,
    PILLARS,
    STATUS_LABELS,
    STATUSES,
    Atlas,
    Fact,
    Hub,
    Source,
    Territory,
)
from generator.opendata import sheet_copy_path
from generator.outputs import Output
from generator.quality import hub_quality, quality_table, territory_quality
from generator.schema import MAX_ID_LENGTH, SLUG_PATTERN
from generator.schema_reference import schema_rows
from generator.site_templates import make_environment, relative_href
from generator.vocabulary import sort_key

SLUG = re.compile(SLUG_PATTERN)

VOCABULARY_PAGES: Mapping[str, tuple[str, str, str]] = {
    # list name -> (page path, title, anchor prefix)
    "hub_types": ("parcourir/types.md", "Lieux par type", "type"),
    "themes": ("parcourir/themes.md", "Lieux par thème", "theme"),
    "networks": ("parcourir/reseaux.md", "Lieux par réseau", "reseau"),
}
STATUS_PAGE = "parcourir/statuts.md"
INDICATORS_PAGE = "reference/indicateurs.md"
QUALITY_LIST_MAX = 400  # the quality page lists the sheets that most need work, not all 2,900
STATUS_LIST_MAX = 300  # a status group longer than this is listed by territory count, not hub by hub
COMPARISON_SPLIT = 200  # a level with more territories gets one comparison page per région
RANKING_INLINE_MAX = 150  # longer rankings (the intercommunalités) get a page of their own
LEVEL_INLINE_MAX = 150  # a level with more territories is listed on pages of its own (explore.HUBS_PER_PAGE each)
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


def territory_path(territory_id: str) -> str:
    return f"territoires/{_slug(territory_id)}.md"


def hub_path(hub_id: str) -> str:
    return f"hubs/{_slug(hub_id)}.md"


def _slug(value: str) -> str:
    if not SLUG.match(value) or len(value) > MAX_ID_LENGTH:
        raise AtlasError(f"refusing to make a page for the id {value!r}: ids are slugs such as rennes-metropole")
    return value


@dataclass(frozen=True)
class SiteOptions:
    """What the pages need to know beyond the atlas: where sheets are edited, which PDFs exist."""

    repo_url: str | None = None
    sheet_edit_uri: str = "edit/main/"
    pdf_ids: frozenset[str] = frozenset()
    atlas_pdf: str | None = None  # path of the whole-atlas PDF inside the docs folder, if built
    intro: str | None = None  # content/index.md, the hand-written introduction of the home page
    has_contribuer: bool = False  # content/contribuer.md exists (the quality page links to it)
    has_methodologie: bool = False  # content/methodologie.md exists (the catalogue page links to it)

    def edit_url(self, sheet_path: str) -> str | None:
        base = text.safe_url(self.repo_url) if self.repo_url else None
        if not base:
            return None
        return text.safe_url(base.rstrip("/") + "/" + self.sheet_edit_uri.strip("/") + "/" + sheet_path.lstrip("/"))


@dataclass
class PictureRef:
    """A picture as placed on a page (filename inside the docs folder, alt text, data table)."""

    key: str
    filename: str
    title: str
    alt: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]


# ---- the page generator ------------------------------------------------------------------------

class Pages:
    """Renders every page of the site from one atlas; each method returns Outputs."""

    def __init__(self, atlas: Atlas, options: SiteOptions, pictures: Mapping[str, Any] | None = None,
                 schemas: Mapping[str, dict] | None = None, scores: measured.Scores | None = None) -> None:
        self.atlas = atlas
        self.scores = scores if scores is not None else measured.scores_of(atlas)
        self.options = options
        self.pictures = dict(pictures or {})
        self.schemas = schemas
        self._pairs_of: dict[str, list[int]] = {}  # hub id -> indexes of its partnerships
        for i, (a, b) in enumerate(atlas.partnerships):
            self._pairs_of.setdefault(a, []).append(i)
            self._pairs_of.setdefault(b, []).append(i)
        self.env = make_environment()
        self.env.filters["plain_excerpt"] = _excerpt
        self.env.filters["count_of"] = count_of
        self.env.globals.update(
            fact=self.fact, source=self.source, picture=self.picture, vocab=self.vocab,
            territory_path=territory_path, hub_path=hub_path, rating=self.rating, rating_words=vocabulary.rating,
            LEVELS=LEVELS, LEVEL_LABELS=LEVEL_LABELS, LEVEL_PLURALS=LEVEL_PLURALS, PILLARS=PILLARS,
            PILLAR_LABELS=PILLAR_LABELS, PILLAR_DESCRIPTIONS=PILLAR_DESCRIPTIONS, STATUSES=STATUSES,
            STATUS_LABELS=STATUS_LABELS, OLD_AFTER_YEARS=OLD_AFTER_YEARS, VOCABULARY_PAGES=VOCABULARY_PAGES,
            VOCABULARY_TITLES=VOCABULARY_TITLES, STATUS_PAGE=STATUS_PAGE, atlas=atlas, options=options,
            hub_card=self.hub_card, sheet_copy_path=sheet_copy_path, scores=self.scores,
            score_text=measured.score_text, score_out_of=measured.score_out_of, rank_text=measured.rank_text,
            value_text=measured.value_text, level_word=measured.level_word, of_level=measured.of_level,
            levels_word=measured.levels_word,
            DIRECTION_WORDS=measured.DIRECTION_WORDS, status_is_old=atlas.status_is_old,
            status_short=lambda h: status_text.status_short(atlas, h),
            status_long=lambda h: status_text.status_long(atlas, h),
            status_category=lambda h: status_text.status_category(atlas, h), pillar_views=self.pillar_views,
            year_fact=status_text.year_fact, yaml_string=text.yaml_string, html_attr=text.attr, ext_url=text.safe_url,
            slug_ok=SLUG.match,
            pillar_path=explore.pillar_path, MAP_PAGE=explore.MAP_PAGE,
        )
        self.names = explore.display_names(atlas)
        self._long_rankings: set[str] = set()  # levels whose pillar rankings have pages of their own
        self.env.globals["tname"] = lambda t: self.names.get(t.id, t.name)

    # -- helpers used by the templates --

    def render(self, template: str, path: str, sources: Iterable[str] = (), **context: Any) -> Output:
        page = self.env.get_template(template).render(page_path=path, **context)
        return Output(path, page.encode("utf-8"), tuple(sorted(set(sources))))

    def vocab(self, name: str, entry_id: str) -> str:
        return self.atlas.vocabulary.label(name, entry_id)

    def pillar_views(self, t: Territory) -> tuple[measured.PillarView, ...]:
        return measured.pillar_views(self.atlas, self.scores, t)

    def rating(self, territory: Territory, key: str) -> str:
        pillar = territory.pillars.get(key)
        if pillar is None or pillar.rating is None:
            return "non évalué"
        return vocabulary.rating(pillar.rating)

    def source(self, src: Source | None) -> Markup:
        """A citation: title (linked when it has an http(s) URL), publisher, date consulted."""
        if src is None:
            return Markup('<span class="atlas-badge atlas-badge--unsourced">non sourcé</span>')
        parts = [text.md_link(src.title, src.url) if src.url else text.md_text(src.title)]
        if src.publisher:
            parts.append(text.md_text(src.publisher))
        if src.accessed:
            parts.append("consulté le " + text.md_text(formats.long_date(src.accessed)))
        return Markup(", ".join(parts))

    def fact(self, f: Fact | None, with_source: bool = True, with_year: bool = True, unit: str | None = None) -> Markup:
        """A fact the French way with its year, its source and its marks (unsourced, old)."""
        if f is None:
            return Markup("—")
        value = text.md_text(formats.with_unit(f.value, f.unit or unit))
        bits = [value]
        if with_year and f.year is not None:
            bits.append(f"({f.year})")
        if f.note:
            bits.append("— " + text.md_text(f.note))
        if with_source:
            if f.source is not None:
                bits.append("— source : " + str(self.source(f.source)))
            else:
                bits.append(str(self.source(None)))
        if self.atlas.is_old(f):
            bits.append(f'<span class="atlas-badge atlas-badge--old" title="donnée de plus de {OLD_AFTER_YEARS} ans">'
                        "ancien</span>")
        return Markup(" ".join(bits))

    def picture(self, key: str, page_path: str) -> Markup:
        """A chart or map with its alt text and, beside it, its data in a collapsible table."""
        pic = self.pictures.get(key)
        if pic is None:
            return Markup("")
        src = relative_href(page_path, pic.filename)
        head = "".join(f"<th scope=\"col\">{text.html_text(h)}</th>" for h in pic.table_headers)
        body = "".join(
            "<tr>" + "".join(f"<td>{_html_value(c)}</td>" for c in row) + "</tr>" for row in pic.table_rows
        )
        width, height, legible = legible_width(pic.svg)
        size = f' width="{width}" height="{height}"' if width else ""
        # never shown smaller than the width at which its smallest text is MIN_TEXT_PX: on a narrow
        # screen the picture scrolls inside its own frame (maps and diagrams are the exception of
        # WCAG 1.4.10) and its data table below reflows
        legibles = [f"--legible: {legible}px"] if legible else []
        img = f'<img src="{text.attr(src)}" alt="{text.attr(pic.alt)}" loading="lazy"{size}'
        narrow = self.pictures.get(f"{NARROW}/{key}")
        if narrow is not None:
            # the kinds a reader meets most (a territory's locator and profile, the home map) have a variant
            # drawn for phones, with larger text relative to the picture: chosen by the browser below
            # NARROW_SCREEN, where the wide one would scroll or show its words under 11 px
            n_width, n_height, n_legible = legible_width(narrow.svg)
            n_size = f' width="{n_width}" height="{n_height}"' if n_width else ""
            legibles += [f"--legible-narrow: {n_legible}px"] if n_legible else []
            style = f' style="{"; ".join(legibles)}"' if legibles else ""
            img = (f'<picture><source media="{NARROW_SCREEN}" '
                   f'srcset="{text.attr(relative_href(page_path, narrow.filename))}"{n_size}>'
                   f"{img}{style}></picture>")
        else:
            style = f' style="{"; ".join(legibles)}"' if legibles else ""
            img += f"{style}>"
        html = (
            f'<figure class="atlas-figure">\n'
            f'<div class="atlas-figure__frame md-typeset__scrollwrap">{img}</div>\n'
            f"<figcaption>{text.html_text(pic.title)}</figcaption>\n"
            f"</figure>\n"
        )
        if pic.table_headers:
            html += (
                '\n<details class="atlas-data" data-search-exclude>\n'
                f'<summary>Données du graphique : {text.html_text(pic.title)}</summary>\n'
                f'<div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table>\n'
                f"<thead><tr>{head}</tr></thead>\n<tbody>{body}</tbody>\n</table></div></div>\n</details>\n"
            )
        return Markup("\n" + html + "\n")

    def hub_card(self, hub_id: str, page_path: str) -> Markup:
        """A hub as a card (raw HTML): name, types, status, themes, its territory."""
        h = self.atlas.hubs[hub_id]
        territory = self.atlas.territories.get(h.territory_id)
        types = ", ".join(self.vocab("hub_types", t) for t in h.types)
        themes = ", ".join(self.vocab("themes", t) for t in h.themes)
        lines = [
            '<li class="atlas-card">',
            f'<a class="atlas-card__title" href="{relative_href(page_path, hub_path(h.id))}">'
            f'{text.html_text(h.name)}</a>',
            f'<span class="atlas-card__meta">{text.html_text(types)} · '
            f'<span class="atlas-status atlas-status--{status_text.status_category(self.atlas, h)}">'
            f'{text.html_text(status_text.status_short(self.atlas, h))}</span></span>',
        ]
        if themes:
            lines.append(f'<span class="atlas-card__themes">Thèmes : {text.html_text(themes)}</span>')
        if territory is not None:
            lines.append(f'<span class="atlas-card__place">{text.html_text(territory.name)}</span>')
        lines.append("</li>")
        return Markup("".join(lines))

    # -- pages --

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
        for hub_id in {*hubs, *(h for pair in pairs for h in pair)}:
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
        path = territory_path(t.id)
        hubs = self.atlas.hubs_within(t.id)
        pairs = self._pairs(hubs)
        pdf = f"pdf/{t.id}.pdf" if t.id in self.options.pdf_ids else None
        return self.render(
            "territory.md.j2", path, sources=self.territory_sources(t, hubs, pairs),
            t=t, ancestors=self.atlas.ancestors(t.id), parent=self.atlas.parent(t.id),
            children=[self.atlas.territories[c] for c in self.atlas.children.get(t.id, ())],
            own_hubs=self.atlas.hubs_by_territory.get(t.id, ()), hubs=hubs, pairs=pairs, pdf=pdf,
            measured_level=measured.has_profile(self.atlas, t),
            edit_url=self.options.edit_url(t.path), quality=territory_quality(self.atlas, t),
            sheet_copy=sheet_copy_path(t.path),
        )

    def hub_page(self, h: Hub) -> Output:
        path = hub_path(h.id)
        territory = self.atlas.territories[h.territory_id]
        return self.render(
            "hub.md.j2", path, sources=self.hub_sources(h), h=h, territory=territory,
            ancestors=self.atlas.ancestors(territory.id),
            partners=self.atlas.partners_of.get(h.id, ()), named_by=self.atlas.named_by.get(h.id, ()),
            edit_url=self.options.edit_url(h.path), quality=hub_quality(self.atlas, h),
            sheet_copy=sheet_copy_path(h.path),
        )

    def home_page(self) -> Output:
        recent = self.recent_updates()
        facts = [f for _, _, f in self.atlas.facts()]
        intro = self.options.intro
        return self.render(
            "home.md.j2", "index.md", intro=Markup(intro) if intro is not None else None,
            recent=recent, facts_total=len(facts), facts_sourced=sum(1 for f in facts if f.sourced),
            facts_old=sum(1 for f in facts if self.atlas.is_old(f)),
            by_status=self._status_counts(),
            status_rows=[("active", "en activité"), (status_text.TO_CHECK, "statut à vérifier (plus de "
                          f"{OLD_AFTER_YEARS} ans)"), ("project", "en projet"), ("closed", "fermés")],
        )

    def recent_updates(self, days: int = 6, per_day: int = 5) -> list[tuple[Any, int, list[tuple[str, str]]]]:
        """The latest days on which sheets changed, newest first: (date, sheets changed that day, the
        first few of them by name). A national import touches a thousand sheets on one day: listing
        twelve of them under the same date told nothing, a count per day does."""
        by_day: dict[Any, list[tuple[str, str]]] = {}
        for t in self.atlas.territories.values():
            by_day.setdefault(t.updated, []).append((self.names[t.id], territory_path(t.id)))
        for h in self.atlas.hubs.values():
            by_day.setdefault(h.updated, []).append((h.name, hub_path(h.id)))
        out = []
        for day in sorted(by_day, reverse=True)[:days]:
            items = sorted(by_day[day], key=lambda r: (sort_key(r[0]), r[1]))
            out.append((day, len(items), items[:per_day]))
        return out

    def _status_counts(self) -> dict[str, int]:
        counts = {s: 0 for s in (*STATUSES, status_text.TO_CHECK)}
        for h in self.atlas.hubs.values():
            counts[status_text.status_category(self.atlas, h)] += 1
        return counts

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

    def territory_table(self, rows: Sequence[tuple[Territory, Territory | None]], page_path: str) -> str:
        """Territories as a plain HTML table (the filtered list of the script uses the same columns)."""
        out = ['<div class="md-typeset__scrollwrap"><div class="md-typeset__table">',
               '<table class="atlas-list" data-filter-table>',
               "<thead><tr>" + "".join(f'<th scope="col">{h}</th>' for h in TERRITORY_COLUMNS) + "</tr></thead>",
               "<tbody>"]
        for t, parent in rows:
            pop = (text.html_text(formats.number(t.population.value)) if t.population is not None
                   and isinstance(t.population.value, (int, float)) else "—")
            out.append(
                f'<tr><th scope="row"><a href="{relative_href(page_path, territory_path(t.id))}">'
                f"{text.html_text(self.names[t.id])}</a></th>"
                f"<td>{text.html_text(LEVEL_LABELS[t.level])}</td>"
                f"<td>{text.html_text(self.names[parent.id]) if parent else '—'}</td>"
                f'<td class="atlas-num">{pop}</td>'
                f'<td class="atlas-num">{len(self.atlas.hubs_within(t.id))}</td></tr>')
        out += ["</tbody>", "</table>", "</div></div>"]
        return "\n".join(out)

    def pager(self, page_path: str, parts: Sequence[str], current: int) -> str:
        """Links to every page of a list cut into pages (no script needed)."""
        items = []
        for i, part in enumerate(parts, start=1):
            if i == current:
                items.append(f'<li><span aria-current="page">{i}</span></li>')
            else:
                items.append(f'<li><a href="{relative_href(page_path, part)}">{i}</a></li>')
        return (f'<nav class="atlas-pager" aria-label="Pages de la liste"><p>Page {current} sur {len(parts)} :</p>'
                f'<ul>{"".join(items)}</ul></nav>')

    def filter_form(self, page_path: str, kind: str, data: str, choices: Mapping[str, Sequence[tuple[str, str, int]]],
                    labels: Mapping[str, str]) -> str:
        """The filters of an index: a GET form (so a filtered list has its own address) that the script
        shows and runs on the data file; hidden without JavaScript, where the plain pages serve."""
        fields = []
        for param, label in labels.items():
            first = "Aucun" if param == "pilier" and kind == "territories" else "Tous"
            options = [f'<option value="">{first}</option>']
            for value, name, n in choices.get(param, ()):
                count = f" ({formats.number(n)})" if n else ""
                options.append(f'<option value="{text.attr(value)}" data-label="{text.attr(name)}">'
                               f"{text.html_text(name)}{count}</option>")
            fields.append(f'<p class="atlas-filters__field"><label for="filtre-{param}">{text.html_text(label)}</label>'
                          f'<select id="filtre-{param}" name="{param}">{"".join(options)}</select></p>')
        return (f'<form class="atlas-filters" data-atlas-filters="{kind}" '
                f'data-src="{text.attr(relative_href(page_path, data))}" '
                f'data-root="{text.attr(relative_href(page_path, "index.md"))}" method="get" hidden '
                f'aria-label="Filtrer la liste">\n'
                + "\n".join(fields) +
                '\n<p class="atlas-filters__actions"><button type="submit" class="md-button">Filtrer</button> '
                f'<a href="{text.attr(relative_href(page_path, page_path))}">Tout afficher</a></p>\n</form>\n'
                '<p class="atlas-filters__count" role="status" aria-live="polite" data-filter-count></p>\n'
                '<div data-filter-results hidden></div>\n')

    def hubs_index(self) -> list[Output]:
        """Every hub by name, HUBS_PER_PAGE a page (plain lists without JavaScript); filters on page 1."""
        hubs = sorted(self.atlas.hubs.values(), key=lambda h: (sort_key(h.name), h.id))
        chunks = explore.pages_of(hubs)
        parts = [explore.hub_list_path(i) for i in range(1, len(chunks) + 1)]
        outs = []
        for i, (chunk, part) in enumerate(zip(chunks, parts, strict=True), start=1):
            outs.append(self.render(
                "hubs_index.md.j2" if i == 1 else "hubs_list.md.j2", part, hubs=chunk, number=i, total=len(chunks),
                count=len(hubs), pager=Markup(self.pager(part, parts, i)) if len(parts) > 1 else Markup(""),
                table=Markup(self.hub_table(chunk, part)),
                filters=Markup(self.filter_form(part, "hubs", explore.HUBS_DATA, explore.facets(self.atlas),
                                                HUB_FILTER_LABELS)) if i == 1 else Markup("")))
        return outs

    def hub_table(self, hubs: Sequence[Hub], page_path: str) -> str:
        out = ['<div class="md-typeset__scrollwrap"><div class="md-typeset__table">',
               '<table class="atlas-list" data-filter-table>',
               "<thead><tr>" + "".join(f'<th scope="col">{h}</th>' for h in HUB_COLUMNS) + "</tr></thead>", "<tbody>"]
        for h in hubs:
            types = ", ".join(self.vocab("hub_types", x) for x in h.types)
            out.append(
                f'<tr><th scope="row"><a href="{relative_href(page_path, hub_path(h.id))}">'
                f'{text.html_text(h.name)}</a></th>'
                f'<td><a href="{relative_href(page_path, territory_path(h.territory_id))}">'
                f"{text.html_text(self.names[h.territory_id])}</a></td>"
                f"<td>{text.html_text(types)}</td>"
                f"<td>{text.html_text(status_text.status_short(self.atlas, h))}</td>"
                f'<td class="atlas-num">{h.founded if h.founded else "—"}</td></tr>')
        out += ["</tbody>", "</table>", "</div></div>"]
        return "\n".join(out)

    def map_page(self) -> Output:
        """The interactive map (Leaflet, vendored; outlines and hubs from this site's own files) with the
        static map and its table as the fallback."""
        f = explore.facets(self.atlas)
        return self.render("map.md.j2", explore.MAP_PAGE, located=sum(1 for h in self.atlas.hubs.values()
                                                                      if h.coordinates),
                           filters=Markup(self.filter_form(explore.MAP_PAGE, "map", explore.HUBS_DATA,
                                                           {k: f[k] for k in ("type", "statut")},
                                                           {"type": "Type de lieu", "statut": "Statut"})))

    def accessibility_page(self) -> Output:
        return self.render("accessibility.md.j2", "accessibilite.md")

    def vocabulary_index(self, name: str) -> Output:
        path, title, prefix = VOCABULARY_PAGES[name]
        groups: dict[str, list[str]] = {entry: [] for entry in self.atlas.vocabulary.list(name)}
        for h in self.atlas.hubs.values():
            for entry in getattr(h, "types" if name == "hub_types" else name):
                groups.setdefault(entry, []).append(h.id)
        return self.render("vocabulary_index.md.j2", path, name=name, title=title, prefix=prefix, groups=groups)

    def status_index(self) -> Output:
        """Hubs by status; an open or planned status seen more than five years ago is listed apart
        ("à vérifier"), never with the current ones. Long groups are counted per département."""
        order = ("active", status_text.TO_CHECK, "project", "closed")
        groups: dict[str, list[str]] = {s: [] for s in order}
        for h in self.atlas.hubs.values():
            groups[status_text.status_category(self.atlas, h)].append(h.id)
        return self.render("status_index.md.j2", STATUS_PAGE, groups=groups, to_check=status_text.TO_CHECK,
                           long_list=STATUS_LIST_MAX)

    def pillars_index(self) -> Output:
        counts = {
            key: (
                sum(1 for t in self.atlas.territories.values()
                    if t.pillars.get(key) is not None and t.pillars[key].rating is not None),
                sum(1 for h in self.atlas.hubs.values() if key in h.pillars),
                sum(1 for p in self.scores.profiles.values() if p.pillars.get(key) is not None),
            )
            for key in PILLARS
        }
        return self.render("pillars_index.md.j2", "piliers/index.md", counts=counts)

    def pillar_ranking(self, key: str, level: str) -> tuple[list[tuple[int, Territory, float, int]], int]:
        """(rank, territory, measured score, indicators used) by score, best first (ties share a rank),
        and how many territories of the level are not measured on this pillar."""
        found = []
        for t in self.atlas.by_level(level):
            prof = self.scores.profile(t.id)
            value = prof.pillars.get(key) if prof else None
            if value is not None:
                found.append((value, t, len(prof.of_pillar(key, self.atlas.indicators))))  # type: ignore[union-attr]
        found.sort(key=lambda r: (-r[0], sort_key(r[1].name), r[1].id))
        ranked, rank = [], 0
        for i, (value, t, n) in enumerate(found):
            rank = rank if i and value == found[i - 1][0] else i + 1
            ranked.append((rank, t, value, n))
        return ranked, len(self.atlas.by_level(level)) - len(found)

    def pillar_page(self, key: str) -> list[Output]:
        """The pillar page (short rankings inline) and one page per level whose ranking is long."""
        rated = [t for t in self.atlas.territories.values()
                 if t.pillars.get(key) is not None and t.pillars[key].rating is not None]
        rated.sort(key=lambda t: (-t.pillars[key].rating, sort_key(t.name), t.id))
        hubs = [h for h in self.atlas.hubs.values() if key in h.pillars]
        levels, outs = [], []
        for level in measured.scored_levels(self.atlas):
            ranked, unmeasured = self.pillar_ranking(key, level)
            long_page = explore.pillar_path(key, level) if len(ranked) > RANKING_INLINE_MAX else None
            levels.append((level, ranked, unmeasured, long_page))
            if long_page:
                self._long_rankings.add(level)
                outs.append(self.render("pillar_ranking.md.j2", long_page, key=key, level=level, ranked=ranked,
                                        unmeasured=unmeasured,
                                        table=Markup(self.ranking_table(ranked, long_page,
                                                                        _ranking_caption(key, level)))))
        page = explore.pillar_path(key)
        inline = {lv: Markup(self.ranking_table(r, page, _ranking_caption(key, lv))) for lv, r, _, lp in levels
                  if not lp and r}
        outs.insert(0, self.render("pillar.md.j2", page, key=key, rated=rated, hubs=hubs, levels=levels,
                                   tables=inline, medians=self.scores.pillar_medians))
        return outs

    def ranking_table(self, ranked: Sequence[tuple[int, Territory, float, int]], page_path: str,
                      caption: str) -> str:
        """A ranking as a sortable HTML table: rank, territory, its parent, its score, indicators used."""
        out = ['<div class="md-typeset__scrollwrap" data-search-exclude><div class="md-typeset__table">',
               '<table data-sortable="true">', f"<caption>{text.html_text(caption)}</caption>",
               "<thead><tr>" + "".join(f'<th scope="col" data-type="{k}">{h}</th>' for h, k in (
                   ("Rang", "number"), ("Territoire", "text"), ("Territoire parent", "text"),
                   ("Score mesuré", "number"), ("Indicateurs", "number"))) + "</tr></thead>", "<tbody>"]
        for rank, t, value, n in ranked:
            parent = self.atlas.parent(t.id)
            pname = self.names[parent.id] if parent else ""
            out.append(
                f'<tr><td data-sort="{rank}">{rank}</td>'
                f'<th scope="row" data-sort="{text.attr(t.name.casefold())}">'
                f'<a href="{relative_href(page_path, territory_path(t.id))}">'
                f"{text.html_text(self.names[t.id])}</a></th>"
                f'<td data-sort="{text.attr(pname.casefold())}">{text.html_text(pname or "—")}</td>'
                f'<td data-sort="{value!r}">{text.html_text(measured.score_text(value))}</td>'
                f'<td data-sort="{n}">{n}</td></tr>')
        out += ["</tbody>", "</table>", "</div></div>"]
        return "\n".join(out)

    def comparison_index(self) -> Output:
        return self.render("comparison_index.md.j2", "comparaison/index.md", levels=self.levels())

    def comparison_pages(self, level: str) -> list[Output]:
        """One sortable table per level; a long level (the intercommunalités) is split by région so no
        page grows past a few hundred rows."""
        path = f"comparaison/{level}.md"
        rows = sorted(self.atlas.by_level(level), key=lambda t: (sort_key(t.name), t.id))
        if len(rows) <= COMPARISON_SPLIT:
            return [self.render("comparison.md.j2", path, level=level, rows=rows, parts=None, region=None,
                                table=Markup(self.comparison_table(rows, path, LEVEL_PLURALS[level])))]
        groups: dict[str, list[Territory]] = {}
        for t in rows:
            region = next((a for a in self.atlas.ancestors(t.id) if a.level == "region"), None)
            groups.setdefault(region.id if region else "", []).append(t)
        outs, parts = [], []
        for rid in sorted(groups, key=lambda r: (r == "", sort_key(self.atlas.territories[r].name) if r else ("", ""))):
            region = self.atlas.territories[rid] if rid else None
            name = region.name if region else "Hors région"
            part = f"comparaison/{level}-{rid or 'hors-region'}.md"
            caption = f"{LEVEL_PLURALS[level]} : {name}"
            outs.append(self.render("comparison.md.j2", part, level=level, rows=groups[rid], parts=None, region=name,
                                    table=Markup(self.comparison_table(groups[rid], part, caption))))
            parts.append((name, part, len(groups[rid])))
        outs.insert(0, self.render("comparison.md.j2", path, level=level, rows=rows, parts=parts, region=None,
                                   table=Markup("")))
        return outs

    def comparison_table(self, rows: Sequence[Territory], page_path: str, caption: str) -> str:
        """All territories of a level side by side, as raw HTML tables the site's script can sort.

        Two tables where the level is scored: measured pillar scores with population, area and hubs,
        then one key measure per pillar (the first of the catalogue at that level). In one table the
        seventeen columns did not fit at 1280 px ("Superficie" and "Lieux" were cut). Each cell carries
        `data-sort` (a number or the name folded) so sorting does not have to read French number
        formats; the tables are complete and readable without JavaScript, sorted by name.
        """
        level = rows[0].level if rows else "region"
        keys = measured.key_indicators(self.atlas, level)
        scored = measured.has_profile(self.atlas, rows[0]) if rows else False
        head: list[tuple[str, str]] = [("Territoire", "text")]
        if scored:
            head += [(PILLAR_LABELS[k], "number") for k in PILLARS]
        head += [("Population", "number"), ("Superficie (km²)", "number"), ("Lieux", "number")]
        first = self._compare_table(rows, page_path, f"{caption} : scores mesurés (de 1 à 5) et chiffres clés"
                                    if scored else f"{caption} : chiffres clés", head,
                                    lambda t: self._score_cells(t, scored) + self._identity_cells(t))
        if not (scored and keys):
            return first
        measures = [("Territoire", "text")] + [(f"{PILLAR_LABELS[ind.pillar]} : {_with_unit(ind.label, ind.unit)}",
                                                "number") for ind in keys]
        second = self._compare_table(rows, page_path, f"{caption} : un indicateur clé par pilier", measures,
                                     lambda t: self._measure_cells(t, keys), extra_class=" atlas-compare--measures")
        return first + "\n\n" + second

    def _compare_table(self, rows: Sequence[Territory], page_path: str, caption: str,
                       head: Sequence[tuple[str, str]], cells: Callable[[Territory], list[str]],
                       extra_class: str = "") -> str:
        out = ['<div class="md-typeset__scrollwrap" data-search-exclude><div class="md-typeset__table">',
               f'<table data-sortable="true" class="atlas-compare{extra_class}">',
               f"<caption>{text.html_text(caption)}</caption>",
               "<thead><tr>" + "".join(
                   f'<th scope="col" data-type="{k}">{text.html_text(h)}</th>' for h, k in head
               ) + "</tr></thead>", "<tbody>"]
        for t in rows:
            name = (f'<th scope="row" data-sort="{text.attr(t.name.casefold())}">'
                    f'<a href="{relative_href(page_path, territory_path(t.id))}">'
                    f'{text.html_text(self.names[t.id])}</a></th>')
            out.append("<tr>" + name + "".join(cells(t)) + "</tr>")
        out += ["</tbody>", "</table>", "</div></div>"]
        return "\n".join(out)

    def _score_cells(self, t: Territory, scored: bool) -> list[str]:
        if not scored:
            return []
        prof = self.scores.profile(t.id)
        cells = []
        for key in PILLARS:
            value = prof.pillars.get(key) if prof else None
            if value is None:
                cells.append('<td data-sort="">non mesuré</td>')
            else:
                cells.append(f'<td data-sort="{value!r}">{measured.score_text(value)}</td>')
        return cells

    def _measure_cells(self, t: Territory, keys: Sequence[Any]) -> list[str]:
        prof = self.scores.profile(t.id)
        cells = []
        for ind in keys:
            found = prof.indicators.get(ind.id) if prof else None
            if found is None:
                cells.append('<td data-sort="">—</td>')
            else:
                shown = formats.number(found.fact.value) if found.fact else formats.number(
                    measured.plain_value(found.value))
                cells.append(f'<td data-sort="{found.value!r}">{text.html_text(shown)}</td>')
        return cells

    def _identity_cells(self, t: Territory) -> list[str]:
        cells = []
        for f in (t.population, t.area_km2):
            if f is not None and isinstance(f.value, (int, float)) and not isinstance(f.value, bool):
                mark = "" if f.sourced else ' <span class="atlas-badge atlas-badge--unsourced">non sourcé</span>'
                year = f" ({f.year})" if f.year is not None else ""
                cells.append(f'<td data-sort="{f.value!r}">{text.html_text(formats.number(f.value))}{year}{mark}</td>')
            else:
                cells.append('<td data-sort="">—</td>')
        n = len(self.atlas.hubs_within(t.id))
        cells.append(f'<td data-sort="{n}">{n}</td>')
        return cells

    def network_page(self) -> Output:
        degree = {h: len(p) for h, p in self.atlas.partners_of.items()}
        by_territory: dict[str, list[tuple[str, str]]] = {}
        for a, b in self.atlas.partnerships:
            ta, tb = self.atlas.hubs[a].territory_id, self.atlas.hubs[b].territory_id
            by_territory.setdefault(ta, []).append((a, b))
            if tb != ta:
                by_territory.setdefault(tb, []).append((b, a))  # seen from that territory's hub
        ranked = sorted(degree.items(), key=lambda kv: (-kv[1], kv[0]))[:30]
        ordered = dict(sorted(by_territory.items(),
                              key=lambda kv: (sort_key(self.atlas.territories[kv[0]].name), kv[0])))
        return self.render("network.md.j2", "reseau.md", degree=degree, ranked=ranked, by_territory=ordered)

    def quality_page(self) -> Output:
        rows = quality_table(self.atlas)
        facts = [f for _, _, f in self.atlas.facts()]
        average = sum(q.completeness for q in rows) / len(rows) if rows else 1.0
        return self.render(
            "quality.md.j2", "qualite.md", rows=rows, facts=len(facts),
            unsourced=sum(1 for f in facts if not f.sourced), old=sum(1 for f in facts if self.atlas.is_old(f)),
            status_to_check=sum(1 for h in self.atlas.hubs.values() if self.atlas.status_is_old(h)),
            list_max=QUALITY_LIST_MAX,
            average=formats.number(round(average * 100)) + "\u00a0%", has_contribuer=self.options.has_contribuer,
        )

    def opendata_page(self, data: Sequence[Output], sheet_count: int = 0) -> Output:
        from generator.opendata import HUB_COLUMNS, MEASURE_COLUMNS, TERRITORY_COLUMNS

        described = {
            "atlas.json": ("L'atlas complet : territoires, lieux, partenariats, sources, vocabulaire", "JSON"),
            "territories.csv": ("Les territoires, une ligne chacun, avec leurs scores mesurés", "CSV"),
            "measures.csv": ("Les mesures officielles et leurs scores, une ligne par territoire et indicateur", "CSV"),
            "hubs.csv": ("Les lieux d'innovation, une ligne chacun", "CSV"),
            "hubs.geojson": ("Les lieux d'innovation qui ont des coordonnées, pour une carte", "GeoJSON"),
        }
        files = []
        for out in data:
            name = out.path.rsplit("/", 1)[-1]
            what, fmt = described.get(name, (name, name.rsplit(".", 1)[-1].upper()))
            files.append((name, what, fmt, _size(len(out.data))))
        return self.render("opendata.md.j2", "donnees/index.md", files=files, sheet_count=sheet_count,
                           territory_columns=TERRITORY_COLUMNS, hub_columns=HUB_COLUMNS,
                           measure_columns=MEASURE_COLUMNS)

    def methodology_page(self) -> Output:
        return self.render("methodology.md.j2", "reference/methode.md")

    def indicators_page(self) -> Output:
        """The catalogue, its vintages and a worked example, all read from this atlas."""
        a, sc = self.atlas, self.scores
        counts: dict[str, int] = {}
        for prof in sc.profiles.values():
            for iid in prof.indicators:
                counts[f"{prof.level}/{iid}"] = counts.get(f"{prof.level}/{iid}", 0) + 1
        by_pillar = []
        for key in PILLARS:
            items = []
            for ind in a.indicators.values():
                if ind.pillar == key:
                    coverage = [(lv, counts.get(f"{lv}/{ind.id}", 0), len(a.by_level(lv)))
                                for lv in LEVELS if lv in ind.levels]
                    items.append((ind, coverage))
            by_pillar.append((key, items))
        vintages: dict[tuple[str, int | None], list[str]] = {}
        for ind in a.indicators.values():
            if ind.derived:
                label = "Calcul de l'atlas à partir de ses fiches"
            elif ind.source:
                label = ind.source.title + (f", {ind.source.publisher}" if ind.source.publisher else "")
            else:
                label = "non indiquée"
            vintages.setdefault((label, ind.year), []).append(ind.label)
        rows = [(label, year, names) for (label, year), names in
                sorted(vintages.items(), key=lambda kv: (sort_key(kv[0][0]), kv[0][1] or 0))]
        return self.render("indicators.md.j2", INDICATORS_PAGE, catalogue=a.indicators, by_pillar=by_pillar,
                           vintages=rows, example=self.worked_example(),
                           has_methodologie=self.options.has_methodologie)

    def worked_example(self) -> Any:
        """A real pillar score of this atlas, spelled out: the département (else the territory of the
        highest level) with the most indicators behind one measured pillar."""
        from types import SimpleNamespace

        rank = {lv: i for i, lv in enumerate(("departement", "region", "epci", "commune", "pays"))}
        best = None
        for prof in self.scores.profiles.values():
            for key, value in prof.pillars.items():
                if value is None:
                    continue
                used = prof.of_pillar(key, self.atlas.indicators)
                order = (rank.get(prof.level, 9), -len(used), prof.territory, PILLARS.index(key))
                if best is None or order < best[0]:
                    best = (order, prof, key, used, value)
        if best is None:
            return None
        _, prof, key, used, value = best
        rows = []
        for s in used:
            ind = self.atlas.indicators[s.indicator]
            k = round(s.p * s.count)
            rows.append(SimpleNamespace(
                label=ind.label, value=measured.value_text(s.value, ind.unit), n=s.count, k=k,
                p=formats.number(s.p, 2), five_p=formats.number(5 * s.p, 2), score=s.score))
        return SimpleNamespace(territory=self.atlas.territories[prof.territory], pillar=key, rows=rows,
                               result=measured.score_text(value))

    def reference_page(self) -> Output:
        sections = []
        if self.schemas:
            for kind, schema in self.schemas.items():
                sections.append((kind, schema.get("title", kind), list(schema_rows(schema))))
        return self.render("reference.md.j2", "reference/fiches.md", sections=sections,
                           has_schema_files=bool(sections))

    def all_pages(self, progress: Callable[[int, int], None] | None = None,
                  wanted: Callable[[str, set[str]], bool] | None = None) -> list[Output]:
        """Every page of the site; `progress(done, total)` is called as territory and hub pages are made.

        With `wanted(page_path, sources)`, a territory or hub page is made only when it returns True
        (`atlas serve` after a save); the pages made from every sheet (indexes, home...) always are.
        """
        outs = [
            self.home_page(), *self.territories_index(), *self.hubs_index(), self.status_index(),
            self.map_page(), self.accessibility_page(), *explore.data_outputs(self.atlas, self.scores),
            *(self.vocabulary_index(name) for name in VOCABULARY_PAGES),
            self.pillars_index(), *(out for k in PILLARS for out in self.pillar_page(k)),
            self.comparison_index(), *(out for lv in self.levels() for out in self.comparison_pages(lv)),
            self.network_page(), self.quality_page(), self.methodology_page(), self.reference_page(),
            self.indicators_page(),
        ]
        outs += explore.redirect_outputs(sorted(self._long_rankings))  # after the pillar pages: they fill it
        total = len(self.atlas.territories) + len(self.atlas.hubs)
        done = 0
        for t in self.atlas.territories.values():
            if wanted is None or wanted(territory_path(t.id), self._territory_sources_of(t)):
                outs.append(self.territory_page(t))
            done += 1
            if progress and done % 50 == 0:
                progress(done, total)
        for h in self.atlas.hubs.values():
            if wanted is None or wanted(hub_path(h.id), self.hub_sources(h)):
                outs.append(self.hub_page(h))
            done += 1
            if progress and done % 50 == 0:
                progress(done, total)
        if progress:
            progress(done, total)
        return outs

    def levels(self) -> list[str]:
        """The levels that have at least one territory (a comparison page each)."""
        return [lv for lv in LEVELS if self.atlas.by_level(lv)]


MIN_TEXT_PX = 11.0  # smallest text of a chart or map as displayed, at every screen width
NARROW = "narrow"  # key prefix of a picture's variant for phones (maps.NARROW, charts.NARROW)
NARROW_SCREEN = "(max-width: 719px)"  # where the narrow variant is shown (theme/assets/atlas.css says the same)
_SVG_SIZE = re.compile(rb'<svg[^>]*?\swidth="([0-9.]+)(pt|px)?"[^>]*?\sheight="([0-9.]+)(pt|px)?"', re.S)
_VIEWBOX = re.compile(rb'viewBox="[-0-9.]+ [-0-9.]+ ([0-9.]+) [0-9.]+"')
_FONT_SIZES = re.compile(rb'font-size(?::\s*|=")([0-9.]+)')
_GLYPH_SCALES = re.compile(rb'scale\(([0-9.]+) -[0-9.]+\)')  # matplotlib text drawn as paths: size / 100


def legible_width(svg: bytes) -> tuple[int, int, int]:
    """(natural width, natural height, smallest width at which every text is MIN_TEXT_PX) in CSS px,
    read from the SVG itself; zeros when the file does not say its size. The last may be under the
    natural width: a picture drawn with large text (a narrow variant) may shrink to fit a phone."""
    found = _SVG_SIZE.search(svg[:4000])
    if not found:
        return 0, 0, 0
    unit = 4 / 3 if found.group(2) == b"pt" else 1.0
    width, height = float(found.group(1)) * unit, float(found.group(3)) * unit
    box = _VIEWBOX.search(svg[:4000])
    px_per_unit = width / float(box.group(1)) if box and float(box.group(1)) else unit
    sizes = [float(x) for x in _FONT_SIZES.findall(svg)] + [float(x) * 100 for x in _GLYPH_SCALES.findall(svg)]
    sizes = [x for x in sizes if x > 0]
    smallest = min(sizes) * px_per_unit if sizes else MIN_TEXT_PX
    return round(width), round(height), int(width * MIN_TEXT_PX / smallest + 0.999)


def _with_unit(label: str, unit: str | None) -> str:
    """`Densité de population (habitants par km²)`; a unit the label already says is not repeated."""
    return f"{label} ({unit})" if unit and unit.casefold() not in label.casefold() else label


def _ranking_caption(key: str, level: str) -> str:
    return f"{LEVEL_PLURALS[level]} classés par score mesuré : {PILLAR_LABELS[key]}"


def count_of(n: int, one: str, many: str) -> str:
    """`1 donnée ancienne`, `3 données anciennes` (French: 0 and 1 take the singular)."""
    return f"{formats.number(n)} {one if n < 2 else many}"


def _size(n: int) -> str:
    if n < 1024:
        return f"{n}\u00a0octets"
    if n < 1024 * 1024:
        return f"{formats.number(n / 1024, 0)}\u00a0Ko"
    return f"{formats.number(n / 1024 / 1024, 1)}\u00a0Mo"


def _excerpt(value: Any, limit: int = 160) -> str:
    """A Markdown field as one short line of plain text (for a table cell)."""
    flat = text.markdown_to_text(value)
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rsplit(" ", 1)[0] + "…"


def _html_value(value: Any) -> str:
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, (int, float)):
        return text.html_text(formats.number(value))
    if value is None:
        return "—"
    return text.html_text(value)


def content_intro(content_dir: Path) -> str | None:
    """The hand-written introduction of the home page (content/index.md), if there is one."""
    index = content_dir / "index.md"
    if index.is_file() and not index.is_symlink():
        return index.read_text(encoding="utf-8")
    return None
