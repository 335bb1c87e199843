"""The reference pages: sheet quality, open data, method, the indicator catalogue with a worked
example, the fact-sheet reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from generator.explore import sort_key
from generator.model import (
    LEVELS,
    PILLARS,
)
from generator.outputs import Output
from generator.page_parts import INDICATORS_PAGE, QUALITY_LIST_MAX, PageBase
from generator.quality import hub_quality, quality_table, territory_quality
from generator.schema_reference import reference_sections

QUALITY_ROWS_PART = 50  # rows of the quality page's table kept together (a part)


class ReferencePages(PageBase):
    """The reference pages: sheet quality, open data, method, the indicator catalogue with a worked."""

    def quality_page(self) -> Output:
        rows = self.derived("quality of every sheet", lambda: quality_table(self.atlas))
        facts, sourced, old = self.fact_counts()
        average = self.derived("average completeness",
                               lambda: sum(q.completeness for q in rows) / len(rows) if rows else 1.0)
        shown = [(q.kind, q.id) for q in rows[:QUALITY_LIST_MAX]]
        table = "".join(self._kept_quality_rows(shown[i:i + QUALITY_ROWS_PART])
                        for i in range(0, len(shown), QUALITY_ROWS_PART))
        return self.render(
            "quality.md.j2", "qualite.md", rows=rows, table=Markup(table), facts=facts, unsourced=facts - sourced,
            old=old,
            status_to_check=self.derived("statuses to check", lambda: sum(
                1 for h in self.atlas.hubs.values() if self.atlas.status_is_old(h))),
            list_max=QUALITY_LIST_MAX,
            average=self.words.number(round(average * 100)) + "\u00a0%", has_contribuer=self.options.has_contribuer,
        )

    def _kept_quality_rows(self, shown: list[tuple[str, str]]) -> str:
        """Rows of the quality page's table, a part kept by the sheets it shows (their qualities worked out
        again inside it, so that their records are its reads): a hub renamed makes its own run of rows
        again, not the 400 rows of both editions."""
        def make() -> str:
            atlas = self.atlas
            rows = [territory_quality(atlas, atlas.territories[sid]) if kind == "territory" else
                    hub_quality(atlas, atlas.hubs[sid]) for kind, sid in shown]
            return self.env.get_template("quality_rows.md.j2").render(page_path="qualite.md", rows=rows)

        return self.part("quality " + " ".join(f"{kind}:{sid}" for kind, sid in shown), make)

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
            what = self._(what)  # the descriptions are in scripts/update_site_messages.py's RUNTIME list
            # the table was 28 px wider than a phone of 360 px: the format and the size share a column
            files.append((name, what, f"{fmt}, {self._size(out.size)}"))
        return self.render("opendata.md.j2", "donnees/index.md", files=files, sheet_count=sheet_count,
                           territory_columns=TERRITORY_COLUMNS, hub_columns=HUB_COLUMNS,
                           measure_columns=MEASURE_COLUMNS)

    def _size(self, n: int) -> str:
        """`12 Ko` / `12 KB`: a file's size in the edition's language."""
        if n < 1024:
            unit, shown = self._("octets"), str(n)
        elif n < 1024 * 1024:
            unit, shown = self._("Ko"), self.words.number(n / 1024, 0)
        else:
            unit, shown = self._("Mo"), self.words.number(n / 1024 / 1024, 1)
        return f"{shown}\u00a0{unit}"

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
        vintages: dict[tuple[str, int | None], list[Any]] = {}
        for ind in a.indicators.values():
            if ind.derived:
                label = self._("Calcul de l'atlas à partir de ses fiches")
            elif ind.source:
                label = ind.source.title + (f", {ind.source.publisher}" if ind.source.publisher else "")
            else:
                label = self._("non indiquée")
            vintages.setdefault((label, ind.year), []).append(ind)
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
                indicator=ind, value=self.value_text(s.value, ind.unit), n=s.count, k=k,
                p=self.words.number(s.p, 2), five_p=self.words.number(5 * s.p, 2), score=s.score))
        return SimpleNamespace(territory=self.atlas.territories[prof.territory], pillar=key, rows=rows,
                               result=self.words.score_text(value))

    def reference_page(self) -> Output:
        sections = reference_sections() if self.schemas else []  # rows from the table of fields (generator.fields)
        # the sections' titles, the types and the fields' descriptions (the schemas' French words) are the
        # generator's words, in the edition's language (the site catalogue has them all: its --check)
        sections = [(kind, self._(title), [(path, self.type_words(type_name), required, description)
                                           for path, type_name, required, description in rows])
                    for kind, title, rows in sections]
        return self.render("reference.md.j2", "reference/fiches.md", sections=sections,
                           has_schema_files=bool(sections))

    def type_words(self, type_name: str) -> str:
        """A field's type as generator.specs names it (French) in the edition's language: `entier ou table`
        -> `integer or table`, `liste d'identifiants` -> `list of identifiers`, `une valeur parmi : a, b` ->
        `one of: a, b` (the values are the format's own words, kept as they are)."""
        if self.lang == "fr":
            return type_name

        def one(part: str) -> str:
            values = part.split(" : ", 1)[-1]
            if part.startswith("une valeur parmi : "):
                return self._("une valeur parmi : %(values)s", values=values)
            if part.startswith("liste de valeurs parmi : "):
                return self._("liste de valeurs parmi : %(values)s", values=values)
            for prefix in ("liste de ", "liste d'"):
                if part.startswith(prefix):
                    return self._("liste de %(items)s", items=self._(part[len(prefix):]))
            return self._(part)

        first, *others = type_name.split(" ou ")
        shown = one(first)
        for other in others:
            shown = self._("%(first)s ou %(second)s", first=shown, second=one(other))
        return shown
