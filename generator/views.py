"""The atlas as a reader of one edition sees it: every number, date, score, rank, level and status in
the edition's language, formatted once here for all the site's pages.

`Words(atlas, lang)` is built once per edition. The French words are the ones `generator.measured`
and `generator.status_text` always wrote (the French site is unchanged); the English ones come from
`generator.vocabulary` and the site catalog. Sheet text is never translated here: `en:` blocks are
chosen by the page helpers (`page_parts`), and French text left in an English page is marked
`lang="fr"` there; the controlled vocabulary's labels, its `en:` label or the French one marked so,
are chosen here (`vocab_*`), for every page that names a hub type, service, theme or network.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from markupsafe import Markup

from generator import formats, measured, status_text, text, vocabulary
from generator.model import LEVELS, PILLARS, STATUSES, Atlas, Hub, Indicator, Territory
from generator.scores import IndicatorScore

OF_LEVEL_EN: Mapping[str, str] = MappingProxyType({
    "region": "of the region", "departement": "of the département", "epci": "of the intercommunality",
    "commune": "of the municipality", "pays": "of the pays"})
DIRECTION_WORDS_EN: Mapping[str, str] = MappingProxyType({
    "higher": "the higher the value, the better the score", "lower": "the lower the value, the better the score"})
SEEN_AS_EN: Mapping[str, str] = MappingProxyType({"active": "active", "project": "planned", "closed": "closed"})


@dataclass(frozen=True)
class Words:
    """Formatting and fixed words of one edition (`fr` or `en`) of the site."""

    atlas: Atlas
    lang: str = "fr"

    @property
    def french(self) -> bool:
        return self.lang == "fr"

    # -- the model's fixed lists --

    @property
    def level_labels(self) -> Mapping[str, str]:
        return {lv: vocabulary.level_label(lv, self.lang) for lv in LEVELS}

    @property
    def level_plurals(self) -> Mapping[str, str]:
        return {lv: vocabulary.level_label(lv, self.lang, 2) for lv in LEVELS}

    @property
    def pillar_labels(self) -> Mapping[str, str]:
        return {k: vocabulary.pillar_label(k, self.lang) for k in PILLARS}

    @property
    def status_labels(self) -> Mapping[str, str]:
        return {s: vocabulary.status_label(s, self.lang) for s in STATUSES}

    @property
    def direction_words(self) -> Mapping[str, str]:
        return measured.DIRECTION_WORDS if self.french else DIRECTION_WORDS_EN

    # -- the controlled vocabulary (hub types, services, themes, networks) --

    def vocab_label(self, name: str, entry_id: str) -> str:
        """An entry's label in the edition's language where the vocabulary has it (its `en:` label), else
        in French: plain text, for alt texts, link titles and sorting."""
        return vocabulary.entry_text(self.atlas.vocabulary, name, entry_id, self.lang)[0] or entry_id

    def vocab_marked_fr(self, name: str, entry_id: str) -> bool:
        """Whether an entry's label is shown in French in this (English) edition: no `en:` label."""
        return vocabulary.entry_text(self.atlas.vocabulary, name, entry_id, self.lang)[1] != self.lang

    def vocab_text(self, name: str, entry_id: str, part: str = "label") -> Markup:
        """An entry's label (or description) as Markdown text; French text in the English edition (no `en:`
        version) inside `<span lang="fr">`, so that screen readers and search read it as French."""
        return self._marked(*vocabulary.entry_text(self.atlas.vocabulary, name, entry_id, self.lang, part))

    def indicator_label(self, indicator: Indicator) -> str:
        """An indicator's label in the edition's language where the catalogue has it (its `en:` label), else in
        French: plain text, for table headings and alt texts."""
        return vocabulary.indicator_text(indicator, self.lang)[0] or indicator.id

    def indicator_text(self, indicator: Indicator, part: str = "label") -> Markup:
        """An indicator's label (or definition) as Markdown text; French text in the English edition (no `en:`
        version) inside `<span lang="fr">`."""
        return self._marked(*vocabulary.indicator_text(indicator, self.lang, part))

    def _marked(self, shown: str | None, lang: str) -> Markup:
        """`shown` as Markdown text, inside `<span lang="fr">` when it is French in another edition."""
        if not shown:
            return Markup("")
        inner = text.md_text(shown)
        return Markup(f'<span lang="fr">{inner}</span>' if lang != self.lang else inner)

    def vocab_html(self, name: str, entry_ids: Iterable[str]) -> Markup:
        """Entries' labels joined by commas inside raw HTML (cards, lists), each French one marked
        `lang="fr"` in the English edition."""
        parts = []
        for entry_id in entry_ids:
            shown, lang = vocabulary.entry_text(self.atlas.vocabulary, name, entry_id, self.lang)
            inner = text.html_text(shown or entry_id)
            parts.append(f'<span lang="fr">{inner}</span>' if lang != self.lang else inner)
        return Markup(", ".join(parts))

    # -- numbers, scores, ranks --

    def number(self, value: int | float, decimals: int | None = None) -> str:
        return formats.number(value, decimals, lang=self.lang)

    def score_text(self, value: float | None) -> str:
        """`3,4` / `3.4` (one decimal); None: `non mesuré` / `not measured`."""
        if value is None:
            return vocabulary.NOT_MEASURED[self.lang]
        return formats.number(value, 1, lang=self.lang)

    def score_out_of(self, value: float | None) -> str:
        """`3,4 sur 5` / `3.4 out of 5`; None: `non mesuré` / `not measured` (vocabulary.score, site and PDF)."""
        return vocabulary.score(value, self.lang)

    def territory_level(self, t: Territory) -> str:
        """`Commune`, `Département`; `Collectivité d'outre-mer` / `Overseas collectivity` for Saint-Martin."""
        return vocabulary.territory_level_label(t.level, t.code, self.lang)

    def rank_text(self, s: IndicatorScore) -> str:
        """`12e sur 101` / `12th of 101`; a shared rank `290e ex aequo sur 1 255` / `tied 290th of 1,255`; a tie on
        the least favourable value adds `, au bas du classement` / `, bottom of the ranking`."""
        if self.french:
            return measured.rank_text(s)
        last = ", bottom of the ranking" if s.tied_last else ""
        return f"{'tied ' if s.tied > 1 else ''}{_ordinal_en(s.rank)} of {formats.number(s.count, lang='en')}{last}"

    def position(self, lat: float, lon: float) -> str:
        """`45,5490° N, 3,7432° E` / `45.5490° N, 3.7432° E`: a point as the pages and the reports write it
        (west is O in French)."""
        ns = "N" if lat >= 0 else "S"
        ew = "E" if lon >= 0 else ("O" if self.french else "W")
        return (f"{self.number(abs(lat), 4)}°{formats.NBSP}{ns}, "
                f"{self.number(abs(lon), 4)}°{formats.NBSP}{ew}")

    def value_text(self, value: float, unit: str | None) -> str:
        plain = measured.plain_value(value) if isinstance(value, float) else value
        return formats.with_unit(plain, unit, lang=self.lang)

    def level_word(self, level: str) -> str:
        """`département`, `intercommunality (EPCI)`: a level in running text."""
        if self.french:
            return measured.level_word(level)
        return vocabulary.in_running_text(vocabulary.level_label(level, "en"))

    def territory_levels_word(self, t: Territory) -> str:
        """The plural of a territory's level in running text (« les communes »), « collectivités d'outre-mer »
        for Saint-Martin, which the atlas keeps among the communes but names by what it is."""
        if vocabulary.is_overseas_collectivity(t.level, t.code):
            return vocabulary.OVERSEAS_COLLECTIVITIES[self.lang]
        return self.levels_word(t.level)

    def level_plural_of(self, level: str) -> str:
        """`Communes`, but `Collectivités d'outre-mer` / `Overseas collectivities` when every territory of the
        level is one (Saint-Martin, the atlas's only commune): a list, count or title named for it."""
        if self._all_overseas(level):
            plural = vocabulary.OVERSEAS_COLLECTIVITIES[self.lang]
            return plural[:1].upper() + plural[1:]
        return vocabulary.level_label(level, self.lang, 2)

    def levels_word_of(self, level: str) -> str:
        """`levels_word`, in running text, named for the level's territories like `level_plural_of`."""
        if self._all_overseas(level):
            return vocabulary.OVERSEAS_COLLECTIVITIES[self.lang]
        return self.levels_word(level)

    def _all_overseas(self, level: str) -> bool:
        found = self.atlas.by_level(level)
        return bool(found) and all(vocabulary.is_overseas_collectivity(t.level, t.code) for t in found)

    def levels_word(self, level: str) -> str:
        if self.french:
            return measured.levels_word(level)
        return vocabulary.in_running_text(vocabulary.level_label(level, "en", 2))

    def of_level(self, level: str) -> str:
        return measured.of_level(level) if self.french else OF_LEVEL_EN[level]

    def why_not(self, view: measured.PillarView) -> str:
        """Why a pillar has no measured score, in one sentence."""
        return measured.why_not(view, self.lang)

    # -- a hub's status --

    def status_short(self, hub: Hub) -> str:
        """`En activité (constaté en 2024)` / `Active (observed in 2024)`, as the hub's page says; an old status:
        `À vérifier (recensé en activité en 2019)` / `To be checked (listed as active in 2019)` when the census
        saw it, `À vérifier (en activité en 2020)` / `To be checked (active in 2020)` when another source did."""
        if self.french:
            return status_text.status_short(self.atlas, hub)
        if self.atlas.status_is_old(hub):
            listed = "listed as " if status_text.seen_by_census(hub) else ""
            return f"To be checked ({listed}{SEEN_AS_EN[hub.status]} {_when_en(hub.status_year)})"
        return self.status_long(hub)

    def status_long(self, hub: Hub) -> str:
        """`Recensé en activité en 2019 — à vérifier` / `Listed as active in 2019 — to be checked` (seen by the
        census), `En activité en 2020 — à vérifier` / `Active in 2020 — to be checked` (by another source)."""
        if self.french:
            return status_text.status_long(self.atlas, hub)
        year = hub.status_year
        if self.atlas.status_is_old(hub):
            if status_text.seen_by_census(hub):
                return f"Listed as {SEEN_AS_EN[hub.status]} {_when_en(year)} — to be checked"
            return f"{SEEN_AS_EN[hub.status].capitalize()} {_when_en(year)} — to be checked"
        if hub.status == "closed":
            if hub.closed_in:
                return f"Closed in {hub.closed_in}"
            return f"Closed (observed in {year})" if year else "Closed"
        label = vocabulary.status_label(hub.status, "en")
        return label if year is None else f"{label} (observed in {year})"


def _when_en(year: int | None) -> str:
    """`in 2019`, or `according to an undated source` (status_text._when in English)."""
    return f"in {year}" if year is not None else "according to an undated source"


def _ordinal_en(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"

