"""The numbered references of one territory, computed from its view before any template renders.

A territory's facts are cited in the order its pages show them; the view walks that order once
(`number_report`, `number_brief`) and freezes the numbers, so the list printed at the end of a
territory and the numbers printed beside its facts come from the same table. Templates only look
numbers up: a fact whose source the view did not number is a bug, raised, never a silent new number.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from generator import formats
from generator.model import PILLARS, Atlas, Fact, Source
from generator.pdf.report import CAPS, capped
from generator.pdf.words import unit_words
from generator.status_text import year_fact


def _source_key(source: Source) -> tuple[str, bool, str]:
    # Two sheets may each define a local source with the same id: the file tells them apart.
    return (source.id, source.shared, "" if source.shared else source.location.file)


@dataclass(frozen=True)
class Cited:
    """A fact ready to print: its text, its year, its reference number and its flags."""

    text: str
    year: int | None
    number: int | None
    anchor: str | None
    old: bool
    note: str | None
    french: bool = False  # the value is a sheet's words (an address) in an English report: marked lang="fr"

    @property
    def unsourced(self) -> bool:
        return self.number is None


@dataclass
class Citations:
    """The numbered references of one report (or one territory of a volume), in order of first use.

    Filled by the view (`use`, `add_listed`), then `freeze()`; after that `cite` and `number` only
    read the table.
    """

    atlas: Atlas
    prefix: str
    listed_cap: int | None = None  # sources listed without being cited: at most this many are printed
    lang: str = "fr"
    sources: list[Source] = field(default_factory=list)
    unsourced: int = 0
    old: int = 0
    _numbers: dict[tuple[str, bool, str], int] = field(default_factory=dict)
    _listed: int = 0
    _left_out: set[tuple[str, bool, str]] = field(default_factory=set)
    _frozen: bool = False

    @property
    def listed_rest(self) -> int:
        """Sources the sheets list (uncited) that the cap left out; the site lists them all."""
        return len(self._left_out - set(self._numbers))

    # -- filled by the view ------------------------------------------------------------------------

    def _give(self, source: Source) -> int:
        if self._frozen:
            raise RuntimeError("the references of a territory are numbered by its view, not while rendering")
        key = _source_key(source)
        if key not in self._numbers:
            self.sources.append(source)
            self._numbers[key] = len(self.sources)
        return self._numbers[key]

    def use(self, fact: Fact | None) -> None:
        """The fact is printed: number its source (if any) and count it if unsourced or old."""
        if fact is None:
            return
        if fact.source is not None:
            self._give(fact.source)
        else:
            self.unsourced += 1
        self.old += self.atlas.is_old(fact)

    def use_source(self, fact: Fact | None) -> None:
        """Only the fact's source is printed (a hub's status): number it, count nothing."""
        if fact is not None and fact.source is not None:
            self._give(fact.source)

    def add_listed(self, sources: Iterable[Source]) -> None:
        """Sources the sheet lists without any fact citing them still belong in its references (at
        most `listed_cap` of them: a sheet of 10,000 sources would make a report of 300 pages)."""
        for source in sources:
            key = _source_key(source)
            if key in self._numbers or key in self._left_out:
                continue
            if self.listed_cap is not None and self._listed >= self.listed_cap:
                self._left_out.add(key)
                continue
            self._listed += 1
            self._give(source)

    def freeze(self) -> Citations:
        self._frozen = True
        return self

    # -- read by the templates ---------------------------------------------------------------------

    def number(self, source: Source) -> int:
        """The number the view gave this source."""
        try:
            return self._numbers[_source_key(source)]
        except KeyError:
            raise LookupError(f"source {source.id!r} printed in {self.prefix} but not numbered by its view "
                              "(generator/pdf/citations.py walks what the templates print)") from None

    def anchor(self, number: int) -> str:
        return f"{self.prefix}-src-{number}"

    def cite(self, fact: Fact, unit: str | None = None) -> Cited:
        """The fact's value formatted for the report's language and its source's number; `unit` is
        the field's own unit (population, area) when the fact carries none."""
        number = self.number(fact.source) if fact.source is not None else None
        return Cited(
            text=formats.with_unit(fact.value, unit_words(fact.unit or unit, self.lang), lang=self.lang),
            year=fact.year,
            number=number,
            anchor=self.anchor(number) if number is not None else None,
            old=self.atlas.is_old(fact),
            note=fact.note,
            french=self.lang != "fr" and formats.sheet_words(fact.value),
        )


# ---- the order the templates print facts in (theme/pdf/macros.html.j2) -----------------------

def number_report(c: Citations, v: Any) -> Citations:
    """Number the references of a territory's own report (`territory_body`), in reading order."""
    t = v.territory
    c.use(t.population)
    c.use(t.area_km2)
    for key in PILLARS:
        pillar, pv = t.pillars.get(key), v.views[key]
        if not (v.single or pillar or pv.rows or pv.context):
            continue
        for r in capped(pv.rows, CAPS.indicators):
            if r.score is not None and r.fact:
                c.use(r.fact)
        for _above, rows in pv.context_groups:  # a table per place measured, each capped (macros.html.j2)
            for r in capped(rows, CAPS.indicators):
                if r.fact:
                    c.use(r.fact)
        if pillar:
            for f in capped(pillar.indicators, CAPS.indicators):
                c.use(f)
    if v.hubs:
        for h in v.hub_details:
            c.use_source(h.status_fact)
            if h.founded and h.founded_fact:
                c.use(year_fact(h.founded_fact))
            if h.closed_in and h.closed_in_fact:
                c.use(year_fact(h.closed_in_fact))
            if h.address and h.address_fact:
                c.use(h.address_fact)
            for f in capped(h.figures, CAPS.figures):
                c.use(f)
            c.add_listed(h.sources.values())
        for h in v.hub_rows:
            c.use_source(h.status_fact)
    if v.single or v.children:
        for k in v.children_rows:
            c.use(k.population)
    c.add_listed(t.sources.values())
    return c.freeze()


def number_brief(c: Citations, v: Any) -> Citations:
    """Number the references of a territory in a volume of the atlas (`territory_brief`)."""
    t = v.territory
    c.use(t.population)
    c.use(t.area_km2)
    if v.measured_level:
        measured = [r for key in PILLARS for r in v.views[key].rows if r.score is not None]
        for r in capped(measured, CAPS.indicators):
            if r.fact:
                c.use(r.fact)
    for key in PILLARS:
        pillar = t.pillars.get(key)
        if pillar and (pillar.rating is not None or pillar.summary or pillar.indicators):
            for f in capped(pillar.indicators, CAPS.indicators):
                c.use(f)
    for h in v.hub_rows:
        c.use_source(h.status_fact)
    c.add_listed(t.sources.values())
    return c.freeze()
