"""The measured profile: the spec's scoring rule applied to the catalogue's measures, level by level.

Derived once from the model (after validation, before any output), so the site, the PDFs, the charts
and the open data show the same scores. The rule is public and recomputable by hand:

- per indicator and level, `p` is the share of the territories of that level having the measure whose
  value is lower than or equal to the territory's own (`direction: higher`), or greater than or equal
  to it (`lower`); the score is `max(1, ceil(5 × p))`, so equal values get equal scores;
- a pillar's measured score is the mean of its indicators' scores, to one decimal, when at least two
  of them are measured; otherwise the pillar is not measured (None, never 0).
"""

from __future__ import annotations

import bisect
import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from generator import i18n
from generator.formats import number, with_unit
from generator.i18n import _, ngettext
from generator.model import PILLARS, Atlas, Fact, Indicator, Territory
from generator.vocabulary import in_running_text, indicator_text, level_label, pillar_label, territory_level_label

MIN_INDICATORS = 2  # a pillar is measured when at least this many of its indicators are
PER_INHABITANTS = 100_000


@dataclass(frozen=True)
class IndicatorScore:
    """One territory on one indicator: its value, where it stands among its level, and the score."""

    indicator: str
    value: float
    fact: Fact | None  # the sheet's measure; None for an indicator the atlas derives itself
    rank: int          # 1 = strongest on the pillar (ties share the best rank)
    count: int         # territories of the level having the measure
    p: float
    score: int
    median: float      # of the level
    tied: int = 1      # territories of the level with this very value, itself included (2 or more: a tie)

    @property
    def tied_last(self) -> bool:
        """Tied with others on the level's least favourable value. The rule gives such a group the score of the
        share at or below it, which can be high (808 EPCI at 0 hubs per 100,000 inhabitants all get 4 of 5):
        the pages say where the group stands."""
        return self.tied > 1 and self.rank + self.tied - 1 == self.count


@dataclass(frozen=True)
class Profile:
    """A territory's measured profile: every scored indicator, and the five pillar scores (None = not measured)."""

    territory: str
    level: str
    indicators: Mapping[str, IndicatorScore]
    pillars: Mapping[str, float | None]

    def of_pillar(self, pillar: str, catalogue: Mapping[str, Indicator]) -> tuple[IndicatorScore, ...]:
        return tuple(s for iid, s in self.indicators.items() if catalogue[iid].pillar == pillar)


@dataclass(frozen=True)
class Scores:
    """Profiles of every territory of a scored level, and the national medians per level."""

    profiles: Mapping[str, Profile] = field(default_factory=lambda: MappingProxyType({}))
    # (level, indicator id) -> median value; (level, pillar) -> median measured score
    medians: Mapping[tuple[str, str], float] = field(default_factory=lambda: MappingProxyType({}))
    pillar_medians: Mapping[tuple[str, str], float] = field(default_factory=lambda: MappingProxyType({}))

    def profile(self, territory_id: str) -> Profile | None:
        return self.profiles.get(territory_id)


def score(values_sorted: list[float], value: float, direction: str) -> tuple[float, int, int]:
    """(p, score, rank) of `value` among `values_sorted` (ascending) by the rule of the spec."""
    n = len(values_sorted)
    if direction == "higher":
        at_or_below = bisect.bisect_right(values_sorted, value)
        better = n - at_or_below
    else:
        at_or_below = n - bisect.bisect_left(values_sorted, value)  # values >= own
        better = bisect.bisect_left(values_sorted, value)
    # ceil(5 × k / n) in integers: 5 * 3 / 5 in floats is 3.0000000000000004
    return at_or_below / n, max(1, -(-5 * at_or_below // n)), better + 1


def mean_one_decimal(scores: list[int]) -> float:
    """The mean of integer scores to one decimal, halves rounded up (2.25 -> 2.3), as one does by hand.

    Computed in integers: Python's round() rounds halves to even and floats cannot hold 2.25 exactly
    everywhere, which would make a hand check disagree.
    """
    n = len(scores)
    return ((20 * sum(scores) + n) // (2 * n)) / 10


def derived_value(atlas: Atlas, territory: Territory, name: str) -> float | None:
    """An indicator the atlas computes from its own sheets."""
    if name == "hubs-per-100k":
        population = territory.population.value if territory.population else None
        if not isinstance(population, (int, float)) or isinstance(population, bool) or population <= 0:
            return None
        # places not known to be closed: open, planned, or listed by a source (e.g. the 2019 census)
        count = sum(1 for h in atlas.hubs_within(territory.id) if atlas.hubs[h].status != "closed")
        return round(count * PER_INHABITANTS / population, 2)
    raise ValueError(f"unknown derived indicator {name!r}")  # the validator refuses it before


def _measured(atlas: Atlas, territory: Territory, indicator: Indicator) -> tuple[float, Fact | None] | None:
    if indicator.derived:
        value = derived_value(atlas, territory, indicator.derived)
        return None if value is None else (value, None)
    fact = territory.measures.get(indicator.id)
    if fact is None or isinstance(fact.value, bool) or not isinstance(fact.value, (int, float)):
        return None
    return float(fact.value), fact


def score_atlas(atlas: Atlas) -> Scores:
    """Every territory's measured profile (only levels that the catalogue scores)."""
    catalogue = atlas.indicators
    levels = sorted({lvl for ind in catalogue.values() for lvl in ind.levels})
    raw: dict[tuple[str, str], dict[str, tuple[float, Fact | None]]] = {}
    for level in levels:
        territories = atlas.by_level(level)
        for iid, indicator in catalogue.items():
            if level not in indicator.levels:
                continue
            found = {}
            for t in territories:
                measured = _measured(atlas, t, indicator)
                if measured is not None:
                    found[t.id] = measured
            raw[(level, iid)] = found
    per_territory: dict[str, dict[str, IndicatorScore]] = {}
    medians: dict[tuple[str, str], float] = {}
    for (level, iid), found in raw.items():
        if not found:
            continue
        ordered = sorted(v for v, _ in found.values())
        median = round(float(statistics.median(ordered)), 6)  # the mean of two middles, without float noise
        medians[(level, iid)] = median
        direction = catalogue[iid].direction
        for tid, (value, fact) in found.items():
            p, s, rank = score(ordered, value, direction)
            tied = bisect.bisect_right(ordered, value) - bisect.bisect_left(ordered, value)
            per_territory.setdefault(tid, {})[iid] = IndicatorScore(iid, value, fact, rank, len(ordered), p, s, median,
                                                                    tied)
    profiles: dict[str, Profile] = {}
    order = list(catalogue)
    for level in levels:
        for t in atlas.by_level(level):
            scored = dict(sorted(per_territory.get(t.id, {}).items(), key=lambda kv: order.index(kv[0])))
            pillars: dict[str, float | None] = {}
            for pillar in PILLARS:
                scores = [s.score for iid, s in scored.items() if catalogue[iid].pillar == pillar]
                pillars[pillar] = mean_one_decimal(scores) if len(scores) >= MIN_INDICATORS else None
            profiles[t.id] = Profile(t.id, level, MappingProxyType(scored), MappingProxyType(pillars))
    pillar_medians: dict[tuple[str, str], float] = {}
    for level in levels:
        for pillar in PILLARS:
            values = [p.pillars[pillar] for p in profiles.values()
                      if p.level == level and p.pillars[pillar] is not None]
            if values:
                pillar_medians[(level, pillar)] = round(float(statistics.median(values)), 2)  # type: ignore[arg-type]
    return Scores(MappingProxyType(dict(sorted(profiles.items()))), MappingProxyType(dict(sorted(medians.items()))),
                  MappingProxyType(dict(sorted(pillar_medians.items()))))


# ---------------------------------------------------------------- atlas scores --explain


def explain(atlas: Atlas, scores: Scores, territory_id: str, lang: str | None = None) -> str:
    """How each measured score of a territory was computed, for anyone to recompute by hand: in the language of
    the command line (`atlas --lang en scores --explain`), or `lang`; names, units and numbers as that edition
    of the site writes them (an indicator's `en:` label, the English units of the site's catalogue)."""
    lang = lang or i18n.language()
    with i18n.using(lang):  # the messages' language (generator.i18n) for this call only
        return _explained(atlas, scores, territory_id, lang)


def _explained(atlas: Atlas, scores: Scores, territory_id: str, lang: str) -> str:
    from generator.site_templates import translations  # the site's words (units): read only by this command

    unit_words = translations(lang)

    def num(value: float, decimals: int | None = None) -> str:
        return number(value, decimals, lang=lang)

    territory = atlas.territories[territory_id]
    profile = scores.profile(territory_id)
    catalogue = atlas.indicators
    # « intercommunalités (EPCI) »: the acronym kept in running text
    plural = in_running_text(level_label(territory.level, lang, 2))
    singular = in_running_text(level_label(territory.level, lang))
    lines = [_("Measured profile: {name} ({level}, {id})").format(
                 name=territory.name, level=in_running_text(territory_level_label(territory.level, territory.code,
                                                                                  lang)), id=territory.id),
             _("Rule: for each indicator, p = the share of the {levels} having the measure whose value is lower than "
               "or equal to its own (greater than or equal when a low value is better); score = max(1, ⌈5 × p⌉); "
               "pillar = the mean of the scores, to one decimal, when at least two of its indicators are "
               "measured.").format(levels=plural)]
    listed = [iid for iid, ind in catalogue.items() if territory.level in ind.levels]
    if not listed:
        lines.append(_("No indicator of the catalogue is measured at the level {level}.").format(level=singular))
        return "\n".join(lines) + "\n"
    for pillar in PILLARS:
        ids = [iid for iid in listed if catalogue[iid].pillar == pillar]
        if not ids:
            continue
        value = profile.pillars.get(pillar) if profile else None
        scored = [profile.indicators[iid] for iid in ids if profile and iid in profile.indicators]
        label = pillar_label(pillar, lang)
        if value is None and len(scored) <= 1:
            head = ngettext("{pillar}: not measured ({scored} of {total} indicator measured; at least two are "
                            "needed)", "{pillar}: not measured ({scored} of {total} indicators measured; at least "
                            "two are needed)", len(ids)).format(pillar=label, scored=len(scored), total=len(ids))
        elif value is None:
            head = _("{pillar}: not measured").format(pillar=label)
        else:
            total = sum(s.score for s in scored)
            head = _("{pillar}: {value} (mean of {count} scores: {terms} = {total}, divided by {count})").format(
                pillar=label, value=num(value, 1), count=len(scored), terms=" + ".join(str(s.score) for s in scored),
                total=total)
        lines.append("")
        lines.append(head)
        for iid in ids:
            indicator = catalogue[iid]
            s = profile.indicators.get(iid) if profile else None
            lines.append(f"- {indicator_text(indicator, lang)[0] or iid}")
            if s is None:
                lines.append("    " + _("not measured for this territory (no figure from the producer)"))
                continue
            origin = _("computed by the atlas")
            if s.fact is not None:
                bits = [str(s.fact.year)] if s.fact.year else []
                if s.fact.source is not None:
                    bits.append(s.fact.source.publisher or s.fact.source.title)
                origin = ", ".join(bits) or _("without a source")
            k = round(s.p * s.count)
            rank = _("{rank} (tied)").format(rank=s.rank) if s.tied > 1 else str(s.rank)
            lines.append("    " + _("value {value} ({origin}); rank {rank} of {count}").format(
                value=with_unit(s.value, unit_words.gettext(indicator.unit) if indicator.unit else None, lang),
                origin=origin, rank=rank, count=s.count))
            # the level in the form k takes (French: the singular under 2, « 1 département sur 7 a une valeur »)
            if indicator.direction == "higher":
                counted = ngettext("{k} {levels} out of {count} has a value lower than or equal",
                                   "{k} {levels} out of {count} have a value lower than or equal", k)
            else:
                counted = ngettext("{k} {levels} out of {count} has a value greater than or equal",
                                   "{k} {levels} out of {count} have a value greater than or equal", k)
            levels = in_running_text(level_label(territory.level, lang, k))
            lines.append("    " + counted.format(k=k, count=s.count, levels=levels) + _(
                ": p = {k}/{count} = {p}; score = max(1, ⌈5 × {p}⌉) = {score}; median of the {levels}: "
                "{median}").format(k=k, count=s.count, p=num(s.p, 3), score=s.score, levels=plural,
                                   median=num(s.median)))
    return "\n".join(lines) + "\n"
