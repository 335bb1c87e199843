"""The measured profile as every output shows it: derived once per atlas, words and numbers in French.

`scores_of(atlas)` runs the scoring rule (generator.scores) once for an atlas object and hands the
same `Scores` to the pages, the charts, the PDFs and the open data, so they never disagree and a
national build scores once. `pillar_views` arranges one territory's profile for reading: each
pillar's measured score beside its parent's and the national median of its level, each indicator
with its value, year, source, score and rank, and the figures of the département that an
intercommunalité is not measured on (context, never scored as its own).
"""

from __future__ import annotations

import hashlib
import math
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator import formats
from generator.model import LEVEL_LABELS, LEVEL_PLURALS, PILLAR_LABELS, PILLARS, Atlas, Fact, Indicator, Territory
from generator.scores import MIN_INDICATORS, IndicatorScore, Scores, score_atlas
from generator.vocabulary import in_running_text

NOT_MEASURED = "non mesuré"
TIED = " ex aequo"  # after a shared rank: `290e ex aequo sur 1 255`
LAST_TIED = ", au bas du classement"  # a tie on the least favourable value (IndicatorScore.tied_last)
DIRECTION_WORDS: Mapping[str, str] = {"higher": "plus la valeur est haute, meilleur est le score",
                                      "lower": "plus la valeur est basse, meilleur est le score"}

_SCORED: dict[int, tuple[weakref.ref, Scores]] = {}
calls = 0  # how many times the rule ran in this process (tests check one per build)


# what the rule read for the last atlas it scored, and its scores: a process that loads the atlas again after a
# save (`atlas build --watch`, `atlas serve`) gets the same records for the sheets it did not read again
_LAST_SCORED: list[tuple[tuple[Any, ...], Scores]] = []


def scores_of(atlas: Atlas) -> Scores:
    """The measured profile of every territory of `atlas`, computed on the first call only, and not again for
    a new atlas whose scoring inputs are the last one's (the rule takes 0.1 s on the national atlas, and the
    shared digest hashes its 10 MB text again when it is a new object: generator.atlas_reads)."""
    global calls
    found = _SCORED.get(id(atlas))
    if found is not None and found[0]() is atlas:
        return found[1]
    inputs = _scoring_inputs(atlas)
    if _LAST_SCORED and _same_inputs(_LAST_SCORED[0][0], inputs):
        scores = _LAST_SCORED[0][1]
    else:
        calls += 1
        scores = score_atlas(atlas)
    _LAST_SCORED[:] = [(inputs, scores)]
    key = id(atlas)
    _SCORED[key] = (weakref.ref(atlas, lambda _ref: _SCORED.pop(key, None)), scores)
    return scores


def _scoring_inputs(atlas: Atlas) -> tuple[Any, ...]:
    """What the scoring rule (generator.scores) reads: the territories (their level and measures), the
    catalogue, and for the derived indicators the hubs within each territory and whether each is closed."""
    return (tuple(atlas.territories.values()), tuple(atlas.indicators.items()),
            tuple((hub.id, hub.status) for hub in atlas.hubs.values()), atlas.hubs_inside,
            atlas.hubs_by_territory, atlas.children)


def _same_inputs(before: tuple[Any, ...], now: tuple[Any, ...]) -> bool:
    """The records and indicators by identity (an unchanged sheet gives the same record: generator.load's memo;
    equal but other objects, such as 1 and 1.0, could be shown otherwise), the rest by value."""
    (territories, indicators, *rest), (territories_now, indicators_now, *rest_now) = before, now
    return (len(territories) == len(territories_now)
            and all(a is b for a, b in zip(territories, territories_now, strict=True))
            and len(indicators) == len(indicators_now)
            and all(a[0] == b[0] and a[1] is b[1] for a, b in zip(indicators, indicators_now, strict=True))
            and rest == rest_now)


def score_text(value: float | None) -> str:
    """`3.4` -> `3,4` (always one decimal); None -> `non mesuré`."""
    return NOT_MEASURED if value is None else formats.number(value, 1)


def ordinal(rank: int) -> str:
    return "1er" if rank == 1 else f"{rank}e"


def rank_text(s: IndicatorScore) -> str:
    """`12e sur 101`; a rank shared by several territories (ties share the best rank) says so, as French
    does: `290e ex aequo sur 1 255` (966 EPCI at 0 % would otherwise each read as the 290th alone), and a
    group tied on the least favourable value says it is last: `290e ex aequo sur 1 255, au bas du classement`."""
    last = LAST_TIED if s.tied_last else ""
    return f"{ordinal(s.rank)}{TIED if s.tied > 1 else ''} sur {formats.number(s.count)}{last}"


def plain_value(value: float) -> float:
    """A computed value (median) shortened to what a reader needs: three significant digits, one or
    two decimals (a whole number stays whole)."""
    if value == 0 or math.isclose(value, round(value)):
        return float(round(value))
    digits = max(1, min(2, 2 - int(math.floor(math.log10(abs(value))))))
    return round(value, digits)


def value_text(value: float, unit: str | None) -> str:
    return formats.with_unit(plain_value(value) if isinstance(value, float) else value, unit)


def level_word(level: str) -> str:
    """`département`, `intercommunalité (EPCI)`, `pays, PETR ou bassin de vie`: a level in running text (only its
    first letter lowered: the acronyms stay)."""
    return in_running_text(LEVEL_LABELS[level])


# the enclosing territory in apposition: « celui de son département, Calvados, » (« du département Calvados »
# lacked the name's own article: du Calvados, de la Gironde, de l'Ain, des Landes)
OF_LEVEL: Mapping[str, str] = {"region": "de sa région,", "departement": "de son département,",
                               "epci": "de son intercommunalité,", "commune": "de sa commune,", "pays": "de son pays,"}


def of_level(level: str) -> str:
    """`de son département,`, `de son intercommunalité,`: « celui de son département, Doubs, mesuré… »."""
    return OF_LEVEL[level]


def levels_word(level: str) -> str:
    return in_running_text(LEVEL_PLURALS[level])


@dataclass(frozen=True)
class MeasureRow:
    """One catalogue indicator on a territory page."""

    indicator: Indicator
    score: IndicatorScore | None   # None: the level is scored on it but this territory has no figure
    median: float | None            # national median of the territory's level
    parent_score: IndicatorScore | None = None  # the parent's own figure, for comparison
    context_of: Territory | None = None  # set for a département's figure shown as context (not scored)

    @property
    def fact(self) -> Fact | None:
        return self.score.fact if self.score is not None else None


@dataclass(frozen=True)
class PillarView:
    """One pillar of one territory: measured score, comparison, indicators, context figures."""

    key: str
    label: str
    score: float | None
    parent_score: float | None
    median: float | None
    rows: tuple[MeasureRow, ...]
    context: tuple[MeasureRow, ...]

    @property
    def measured_count(self) -> int:
        return sum(1 for r in self.rows if r.score is not None)

    @property
    def context_groups(self) -> tuple[tuple[Territory, tuple[MeasureRow, ...]], ...]:
        """The context figures by the territory they measure (a département's beside a région's), so that
        each table is headed by the place its figures are of, never a région's figure under a département."""
        groups: dict[str, tuple[Territory, list[MeasureRow]]] = {}
        for row in self.context:
            if row.context_of is not None:
                groups.setdefault(row.context_of.id, (row.context_of, []))[1].append(row)
        return tuple((above, tuple(rows)) for above, rows in groups.values())


# Why a pillar has no measured score, in each edition's words: no indicator at this level; none of
# {total} has a value; its only indicator has none; only one indicator at this level; one of {total}.
WHY_NOT: Mapping[str, tuple[str, str, str, str, str]] = {
    "fr": ("aucun indicateur du catalogue ne mesure ce pilier à ce niveau",
           "aucun des {total} indicateurs n'a de valeur ici",
           "son indicateur n'a pas de valeur ici",
           "un seul indicateur le mesure à ce niveau ; il en faut au moins {least}",
           "un seul indicateur mesuré sur {total} ; il en faut au moins {least}"),
    "en": ("no indicator of the catalogue measures this pillar at this level",
           "none of the {total} indicators has a value here",
           "its indicator has no value here",
           "only one indicator measures it at this level; at least {least} are needed",
           "only one of {total} indicators is measured; at least {least} are needed"),
}


def why_not(view: PillarView, lang: str = "fr") -> str:
    """Why a pillar has no measured score, in one sentence of `lang` (site and PDF)."""
    words = WHY_NOT[lang]
    total = len(view.rows)
    if not total:
        return words[0]
    if view.measured_count == 0:
        sentence = words[1] if total > 1 else words[2]
    else:
        sentence = words[3] if total == 1 else words[4]
    return sentence.format(total=total, least=MIN_INDICATORS)


def scored_levels(atlas: Atlas) -> list[str]:
    """Levels that the catalogue measures, in the model's order."""
    from generator.model import LEVELS

    used = {lvl for ind in atlas.indicators.values() for lvl in ind.levels}
    return [lv for lv in LEVELS if lv in used]


def pillar_views(atlas: Atlas, scores: Scores, territory: Territory) -> tuple[PillarView, ...]:
    """The five pillars of `territory` as its page and its report show them."""
    profile = scores.profile(territory.id)
    parent = atlas.parent(territory.id)
    parent_profile = scores.profile(parent.id) if parent is not None else None
    ancestors = list(reversed(atlas.ancestors(territory.id)))  # nearest first
    out = []
    for key in PILLARS:
        rows, context = [], []
        for iid, ind in atlas.indicators.items():
            if ind.pillar != key:
                continue
            if territory.level in ind.levels:
                own = profile.indicators.get(iid) if profile else None
                theirs = parent_profile.indicators.get(iid) if parent_profile else None
                rows.append(MeasureRow(ind, own, scores.medians.get((territory.level, iid)), theirs))
                continue
            # measured only at a level above: the nearest enclosing territory's figure, as context
            for above in ancestors:
                if above.level in ind.levels:
                    theirs_profile = scores.profile(above.id)
                    found = theirs_profile.indicators.get(iid) if theirs_profile else None
                    if found is not None:
                        context.append(MeasureRow(ind, found, scores.medians.get((above.level, iid)),
                                                  context_of=above))
                    break
        out.append(PillarView(
            key=key, label=PILLAR_LABELS[key],
            score=profile.pillars.get(key) if profile else None,
            parent_score=parent_profile.pillars.get(key) if parent_profile else None,
            median=scores.pillar_medians.get((territory.level, key)),
            rows=tuple(rows), context=tuple(context),
        ))
    return tuple(out)


def shown_on_page(atlas: Atlas, territory: Territory) -> tuple[frozenset[str], frozenset[str]]:
    """What of the scores a territory's page may show (`pillar_views`): the profiles of the territory and of the
    territories that enclose it, and the medians of their levels."""
    ids = {territory.id, *(above.id for above in atlas.ancestors(territory.id))}
    return frozenset(ids), frozenset(atlas.territories[tid].level for tid in ids)


class _LevelsOnly(Mapping):
    """Medians keyed (level, name), read only at `levels`."""

    def __init__(self, medians: Mapping[tuple[str, str], float], levels: frozenset[str]) -> None:
        self._medians, self._levels = medians, levels

    def __getitem__(self, key: tuple[str, str]) -> float:
        if key[0] not in self._levels:
            raise RuntimeError(f"a territory's page read a median of another level ({key[0]}): its page cache "
                               "key covers its own levels only (generator.measured.shown_on_page)")
        return self._medians[key]

    def __iter__(self) -> Any:
        raise RuntimeError("a territory's page went through every median: its page cache key covers its own "
                           "levels only (generator.measured.shown_on_page)")

    def __len__(self) -> int:
        return len(self._medians)


class ScoresShown:
    """The scores as a territory's page is made with them (`Pages.territory_page`): the part `shown_on_page`
    names, which its key in the page cache covers (`shown_digest`); a read of any other part is an error, met by
    the tests before a page kept with a stale profile is."""

    def __init__(self, scores: Scores, ids: frozenset[str], levels: frozenset[str]) -> None:
        self._scores, self._ids = scores, ids
        self.medians = _LevelsOnly(scores.medians, levels)
        self.pillar_medians = _LevelsOnly(scores.pillar_medians, levels)

    def profile(self, territory_id: str) -> Any:
        if territory_id not in self._ids:
            raise RuntimeError(f"a territory's page read the profile of {territory_id}: its page cache key covers "
                               "its own and its enclosing territories' only (generator.measured.shown_on_page)")
        return self._scores.profile(territory_id)

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(f"a territory's page read the scores' {name}: its page cache key covers what "
                           "generator.measured.shown_on_page names only")


# the last scores whose parts were hashed: each territory's profile and each level's medians, hashed once
_SHOWN: list[tuple[Scores, dict[str, str], dict[str, str]]] = []


def shown_digest(atlas: Atlas, scores: Scores, territory: Territory) -> str:
    """SHA-256 of what of `scores` the page of `territory` may show (`shown_on_page`): a hub added or closed
    changes the counts, and so the scores, of many territories, but the profiles most pages show stay as they
    were (186 files changed of 2,750 territory pages made again on the national atlas)."""
    if not _SHOWN or _SHOWN[0][0] is not scores:
        _SHOWN[:] = [(scores, {}, {})]
    _, profiles, levels = _SHOWN[0]
    ids, names = shown_on_page(atlas, territory)
    digest = hashlib.sha256()
    for tid in sorted(ids):
        found = profiles.get(tid)
        if found is None:
            found = profiles[tid] = hashlib.sha256(repr(scores.profile(tid)).encode("utf-8")).hexdigest()
        digest.update(f"{tid} {found}\0".encode())
    for level in sorted(names):
        found = levels.get(level)
        if found is None:
            found = levels[level] = hashlib.sha256(repr((
                sorted((k, v) for k, v in scores.medians.items() if k[0] == level),
                sorted((k, v) for k, v in scores.pillar_medians.items() if k[0] == level))).encode("utf-8")).hexdigest()
        digest.update(f"{level} {found}\0".encode())
    return digest.hexdigest()


def has_profile(atlas: Atlas, territory: Territory) -> bool:
    """Whether the catalogue measures the territory's level at all (else the page says so briefly)."""
    return any(territory.level in ind.levels for ind in atlas.indicators.values())


def key_indicators(atlas: Atlas, level: str) -> list[Indicator]:
    """One indicator per pillar for comparison tables: the first of the catalogue measured at `level`."""
    out: dict[str, Indicator] = {}
    for ind in atlas.indicators.values():
        if level in ind.levels and ind.pillar not in out:
            out[ind.pillar] = ind
    return [out[k] for k in PILLARS if k in out]
