"""The pillar pages (editorial ratings, measured rankings) and the comparison tables by level.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from markupsafe import Markup

from generator import explore, measured, text, vocabulary
from generator.atlas_reads import query
from generator.explore import sort_key
from generator.model import (
    PILLARS,
    Atlas,
    Indicator,
    Source,
    Territory,
    year_is_old,
)
from generator.outputs import Output
from generator.page_parts import COMPARISON_SPLIT, RANKING_INLINE_MAX, PageBase, territory_path
from generator.site_templates import relative_href


class PillarPages(PageBase):
    """The pillar pages (editorial ratings, measured rankings) and the comparison tables by level."""

    def pillars_index(self) -> Output:
        counts = {
            key: (
                sum(1 for t in self.atlas.territories.values()
                    if t.pillars.get(key) is not None and t.pillars[key].rating is not None),
                len(self.ask("pillar hubs", key)),
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
        hubs = [self.atlas.hubs[hid] for hid in self.ask("pillar hubs", key)]  # a hub renamed elsewhere: kept
        levels, outs = [], []
        for level in measured.scored_levels(self.atlas):
            ranked, unmeasured = self._ranking(key, level)
            long_page = explore.pillar_path(key, level) if len(ranked) > RANKING_INLINE_MAX else None
            levels.append((level, ranked, unmeasured, long_page))
            if long_page:
                self._long_rankings.add(level)
                outs.append(self.render("pillar_ranking.md.j2", long_page, key=key, level=level, ranked=ranked,
                                        unmeasured=unmeasured, table=Markup(self._kept_ranking(key, level, long_page))))
        page = explore.pillar_path(key)
        inline = {lv: Markup(self._kept_ranking(key, lv, page)) for lv, r, _, lp in levels if not lp and r}
        outs.insert(0, self.render("pillar.md.j2", page, key=key, rated=rated, hubs=hubs, levels=levels,
                                   tables=inline, medians=self.scores.pillar_medians))
        return outs

    def _kept_ranking(self, key: str, level: str, page_path: str) -> str:
        """The ranking table of a pillar at one level, on `page_path`: a part of its page kept by what it
        reads (territories and scores), since the pillar page also lists hubs."""
        return self.part(f"ranking {key} {level} {page_path}", lambda: self.ranking_table(
            self._ranking(key, level)[0], page_path, self._ranking_caption(key, level)))

    def _ranking(self, key: str, level: str) -> tuple[list[tuple[int, Territory, float, int]], int]:
        """`pillar_ranking`, worked out once a build for both editions (it has no words)."""
        return self.derived(f"ranking {key} {level}", lambda: self.pillar_ranking(key, level))

    def _ranking_caption(self, key: str, level: str) -> str:
        # « Classement des régions », not « Régions classés »: the levels' genders differ
        return self._("Classement des %(levels)s par score mesuré : %(pillar)s",
                      levels=vocabulary.in_running_text(self.words.level_plurals[level]),
                      pillar=self.words.pillar_labels[key])

    def ranking_table(self, ranked: Sequence[tuple[int, Territory, float, int]], page_path: str,
                      caption: str) -> str:
        """A ranking as a sortable HTML table: rank, territory, its parent, its score, indicators used. The
        parents' column only when one of them has a parent (the régions have none: it was 18 dashes)."""
        parents = {t.id: self.atlas.parent(t.id) for _, t, _, _ in ranked}
        with_parents = any(parents.values())
        head = [(self._("Rang"), "number"), (self._("Territoire"), "text")]
        if with_parents:
            head.append((self._("Territoire parent"), "text"))
        head += [(self._("Score mesuré"), "number"), (self._("Indicateurs"), "number")]
        rows = []
        shared = Counter(rank for rank, *_ in ranked)  # ties share the best rank: « 3 ex aequo »
        tied = self._("ex aequo")
        for rank, t, value, n in ranked:
            parent = parents[t.id]
            pname = self.names[parent.id] if parent else ""
            after = ([(Markup(text.attr(pname.casefold())), Markup(text.html_text(pname or "—")))]
                     if with_parents else [])
            rows.append({"before": [(str(rank), f"{rank} {tied}" if shared[rank] > 1 else str(rank))],
                         "sort": t.name.casefold(), "name": self.names[t.id],
                         "href": Markup(relative_href(page_path, territory_path(t.id))),
                         "after": after + [(repr(value), Markup(text.html_text(self.words.score_text(value)))),
                                           (str(n), str(n))]})
        return self.html("sortable_table", caption, [(Markup(h), k) for h, k in head], rows)

    def comparison_index(self) -> Output:
        return self.render("comparison_index.md.j2", "comparaison/index.md", levels=self.levels())

    def comparison_pages(self, level: str) -> list[Output]:
        """One sortable table per level; a long level (the intercommunalités) is split by région so no
        page grows past a few hundred rows."""
        path = f"comparaison/{level}.md"
        rows = sorted(self.atlas.by_level(level), key=lambda t: (sort_key(t.name), t.id))
        if len(rows) <= COMPARISON_SPLIT:
            return [self.render("comparison.md.j2", path, level=level, rows=rows, parts=None, region=None,
                                table=Markup(self.comparison_table(rows, path, self.words.level_plural_of(level))),
                                column_sources=self.comparison_sources(rows))]
        groups: dict[str, list[Territory]] = {}
        for t in rows:
            region = next((a for a in self.atlas.ancestors(t.id) if a.level == "region"), None)
            groups.setdefault(region.id if region else "", []).append(t)
        outs, parts = [], []
        for rid in sorted(groups, key=lambda r: (r == "", sort_key(self.atlas.territories[r].name) if r else ("", ""))):
            region = self.atlas.territories[rid] if rid else None
            name = region.name if region else self._("Hors région")
            part = f"comparaison/{level}-{rid or 'hors-region'}.md"
            caption = self._("%(levels)s : %(region)s", levels=self.words.level_plural_of(level), region=name)
            outs.append(self.render("comparison.md.j2", part, level=level, rows=groups[rid], parts=None, region=name,
                                    table=Markup(self.comparison_table(groups[rid], part, caption)),
                                    column_sources=self.comparison_sources(groups[rid])))
            parts.append((name, part, len(groups[rid])))
        outs.insert(0, self.render("comparison.md.j2", path, level=level, rows=rows, parts=parts, region=None,
                                   table=Markup(""), column_sources=[]))
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
        _ = self._
        head: list[tuple[str, str]] = [(_("Territoire"), "text")]
        if scored:
            head += [(self.words.pillar_labels[k], "number") for k in PILLARS]
        head += [(_("Population"), "number"), (_("Superficie (km²)"), "number"), (_("Lieux"), "number")]
        places = [_places(getattr(t, attr).value for t in rows if getattr(t, attr) is not None)
                  for attr in ("population", "area_km2")]
        first = self._compare_table(rows, page_path, _("%(caption)s : scores mesurés (de 1 à 5) et chiffres clés",
                                                       caption=caption)
                                    if scored else _("%(caption)s : chiffres clés", caption=caption), head,
                                    lambda t: self._score_cells(t, scored) + self._identity_cells(t, places))
        if not (scored and keys):
            return first
        years = {ind.id: self._column_years(rows, ind) for ind in keys}
        measures = [(_("Territoire"), "text")] + [
            (self._measure_head(ind, years[ind.id]), "number") for ind in keys]
        shown = {ind.id: _places(self._shown_value(found) for found in self._shown_measures(rows, ind)) for ind in keys}
        second = self._compare_table(rows, page_path, _("%(caption)s : un indicateur clé par pilier", caption=caption),
                                     measures, lambda t: self._measure_cells(t, keys, years, shown),
                                     extra_class=" atlas-compare--measures")
        return first + "\n\n" + second

    def comparison_sources(self, rows: Sequence[Territory]) -> list[tuple[str, str, Markup]]:
        """What the comparison tables of `rows` cite, column by column: (column, years, sources as Markdown).

        A reader of the tables sees each figure's year (in its cell, or in the column's header when the
        whole column is of one year) and here where the figures come from, once per column rather than
        in every cell; the measured scores are explained by the catalogue the page links to."""
        if not rows:
            return []
        _ = self._
        level = rows[0].level
        columns: list[tuple[str, list[tuple[int | None, Source | None, bool]]]] = []
        for label, attr in ((_("Population"), "population"), (_("Superficie (km²)"), "area_km2")):
            found = []
            for t in rows:
                f = getattr(t, attr)
                if f is not None and isinstance(f.value, (int, float)) and not isinstance(f.value, bool):
                    found.append((f.year, f.source, False))
            columns.append((label, found))
        if measured.has_profile(self.atlas, rows[0]):
            for ind in measured.key_indicators(self.atlas, level):
                columns.append((self._measure_label(ind), [
                    (self._measure_year(s, ind), s.fact.source if s.fact else ind.source, s.fact is None)
                    for s in self._shown_measures(rows, ind)]))
        out = []
        for label, found in columns:
            if not found:
                continue
            years = sorted({y for y, _s, _d in found if y is not None})
            cited: list[Source] = []
            computed = unsourced = False
            for _y, src, derived in found:
                if derived:
                    computed = True
                elif src is None:
                    unsourced = True
                elif all(_source_key(c) != _source_key(src) for c in cited):
                    cited.append(src)
            parts = [str(self.source(src)) for src in cited]
            if computed:
                parts.append(_("calculé par l'atlas à partir de ses fiches"))
            if unsourced:
                parts.append(str(self.source(None)))
            out.append((label, ", ".join(str(y) for y in years), Markup(" ; ".join(parts))))
        out.append((_("Lieux"), "", Markup(_("calculé par l'atlas à partir de ses fiches"))))
        return out

    def _compare_table(self, rows: Sequence[Territory], page_path: str, caption: str,
                       head: Sequence[tuple[str, str]], cells: Callable[[Territory], list[str]],
                       extra_class: str = "") -> str:
        shown = [{"before": [], "sort": t.name.casefold(), "name": self.names[t.id],
                  "href": Markup(relative_href(page_path, territory_path(t.id))),
                  "after": [_cell(c) for c in cells(t)]} for t in rows]
        return self.html("sortable_table", caption, head, shown, "atlas-compare" + extra_class)

    def _score_cells(self, t: Territory, scored: bool) -> list[str]:
        if not scored:
            return []
        prof = self.scores.profile(t.id)
        cells = []
        for key in PILLARS:
            value = prof.pillars.get(key) if prof else None
            if value is None:
                cells.append(f'<td data-sort="">{self.words.score_text(None)}</td>')
            else:
                cells.append(f'<td data-sort="{value!r}">{self.words.score_text(value)}</td>')
        return cells

    @staticmethod
    def _measure_year(found: Any, ind: Indicator) -> int | None:
        """A measure's year: its own, else its indicator's vintage (as on the territory pages)."""
        if found.fact is not None and found.fact.year is not None:
            return found.fact.year
        return ind.year

    def _shown_measures(self, rows: Sequence[Territory], ind: Indicator) -> list[Any]:
        """The scored measures of `ind` that a comparison column of `rows` shows, in row order."""
        profiles = (self.scores.profile(t.id) for t in rows)
        return [found for prof in profiles if prof and (found := prof.indicators.get(ind.id)) is not None]

    def _column_years(self, rows: Sequence[Territory], ind: Indicator) -> set[int | None]:
        """The years of the measures of `ind` that the column shows (None: a measure without a year)."""
        return {self._measure_year(found, ind) for found in self._shown_measures(rows, ind)}

    def _measure_label(self, ind: Indicator) -> str:
        """A key measure's column: « Santé : Accessibilité … (consultations par an et par habitant) »."""
        _ = self._
        return _("%(pillar)s : %(measure)s", pillar=self.words.pillar_labels[ind.pillar],
                 measure=_with_unit(self.words.indicator_label(ind), _(ind.unit) if ind.unit else None))

    def _when(self, year: int | None, derived: bool) -> str:
        """` (2013)` and the « ancien » badge when old, as HTML; ` (non daté)` for a measure with no year
        (a count the atlas derives from its sheets is of the day it is built: nothing)."""
        if year is None:
            return "" if derived else " (" + text.html_text(self._("non daté")) + ")"
        shown = f" ({year})"
        if year_is_old(year, self.atlas.as_of):
            shown += " " + self.old_badge()
        return shown

    def _measure_head(self, ind: Indicator, years: set[int | None]) -> Markup:
        """The column's header: pillar, measure and unit, and its year when all its figures share one."""
        head = text.html_text(self._measure_label(ind))
        if len(years) == 1:
            (year,) = years
            when = self._when(year, ind.derived is not None)  # ` (2013)`: `, 2013` after the unit's parenthesis
            head += when.replace(" (", ", ", 1).replace(")", "", 1) if when.startswith(" (") else when
        return Markup(head)

    @staticmethod
    def _shown_value(found: Any) -> Any:
        """The figure a comparison cell shows for a measure: the sheet's, else the one the atlas computed."""
        return found.fact.value if found.fact else measured.plain_value(found.value)

    def _measure_cells(self, t: Territory, keys: Sequence[Indicator], years: dict[str, set[int | None]],
                       places: Mapping[str, int | None]) -> list[str]:
        prof = self.scores.profile(t.id)
        cells = []
        for ind in keys:
            found = prof.indicators.get(ind.id) if prof else None
            if found is None:
                cells.append('<td data-sort="">—</td>')
            else:
                value = self._shown_value(found)
                shown = self.words.number(value, _padded(value, places.get(ind.id)))
                when = "" if len(years[ind.id]) == 1 else self._when(self._measure_year(found, ind),
                                                                      found.fact is None)
                cells.append(f'<td data-sort="{found.value!r}">{text.html_text(shown)}{when}</td>')
        return cells

    def _identity_cells(self, t: Territory, places: Sequence[int | None]) -> list[str]:
        cells = []
        for f, decimals in zip((t.population, t.area_km2), places, strict=True):
            if f is not None and isinstance(f.value, (int, float)) and not isinstance(f.value, bool):
                badge = self._("non sourcé")
                mark = "" if f.sourced else f' <span class="atlas-badge atlas-badge--unsourced">{badge}</span>'
                shown = text.html_text(self.words.number(f.value, _padded(f.value, decimals)))
                cells.append(f'<td data-sort="{f.value!r}">{shown}{self._when(f.year, False)}{mark}</td>')
            else:
                cells.append('<td data-sort="">—</td>')
        n = len(self.atlas.hubs_within(t.id))
        cells.append(f'<td data-sort="{n}">{n}</td>')
        return cells


# at most this many decimals when a column's figures are written to one precision (a repr's float noise aside)
MAX_COLUMN_DECIMALS = 3


def _places(values: Iterable[Any]) -> int | None:
    """How many decimals the decimal figures of a column show: the most any of them has (capped), so that « 7,0 »
    stands beside « 7,1 » instead of « 7 »; None when all are whole numbers (each shown as written). An integer
    keeps its own form (`_padded`)."""
    most = 0
    for value in values:
        if isinstance(value, float) and not value.is_integer() and 1e-6 <= abs(value) < 1e15:
            most = max(most, min(MAX_COLUMN_DECIMALS, len(repr(value).partition(".")[2])))
    return most or None


def _padded(value: Any, places: int | None) -> int | None:
    """The decimals to show `value` with in a column of `places` decimals: a float's (its trailing zeros were lost
    in reading it), none for an integer, which a sheet or the import wrote rounded to the unit (an area of 1,000 km²
    or more is rounded so by `atlas import`: « 5 771,0 » would claim a tenth it does not have)."""
    return places if isinstance(value, float) else None


def _source_key(src: Source) -> tuple[Any, ...]:
    """A document the same whichever sheet names it (a Source also says where it was written)."""
    return (src.id, src.title, src.publisher, src.url, src.accessed)


def _with_unit(label: str, unit: str | None) -> str:
    """`Densité de population (habitants par km²)`; a unit the label already says is not repeated."""
    return f"{label} ({unit})" if unit and unit.casefold() not in label.casefold() else label


_CELL = re.compile(r'<td data-sort="([^"]*)">(.*)</td>', re.S)


def _cell(html: str) -> tuple[Markup, Markup]:
    """A cell made by the *_cells methods as its sort key and its shown HTML (both already escaped)."""
    found = _CELL.fullmatch(html)
    assert found is not None, html
    return Markup(found.group(1)), Markup(found.group(2))


@query("pillar hubs", territories=(), hubs=("id", "pillars"))
def _pillar_hubs(atlas: Atlas, key: str) -> tuple[str, ...]:
    """The ids of the hubs that work on the pillar `key`, in the atlas's order."""
    return tuple(h.id for h in atlas.hubs.values() if key in h.pillars)
