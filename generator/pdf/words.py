"""The words of a report in its language: the templates' catalog, the vocabulary, numbers and dates.

A report is French (the default) or English (`atlas pdf --lang en`). The templates are written in
French and mark their strings with `_()`; the English catalog `generator/locale/en/LC_MESSAGES/pdf.po`
(French message ids, read with Babel when first needed: no compiled file) gives their English. The
terms (lieu d'innovation / innovation hub, levels, pillars, statuses, the rating "3 sur 5") come
from generator.vocabulary, the one list the site uses too. A sheet's Markdown fields come from its
`en:` block in English; where a sheet has no translation the French text is printed inside an
element marked `lang="fr"`, so that the tagged PDF says which words are French.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

from generator import formats, measured, status_text, vocabulary
from generator.model import PILLAR_DESCRIPTIONS, Hub
from generator.scores import IndicatorScore

LANGS = ("fr", "en")
DEFAULT_LANG = "fr"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "pdf"  # generator/locale/<lang>/LC_MESSAGES/pdf.po: the templates of theme/pdf

# (singular, plural) of the things a cap line counts, "N autres …" / "N more …"
MORE_WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "hub": {"fr": ("autre lieu d’innovation", "autres lieux d’innovation"),
            "en": ("more innovation hub", "more innovation hubs")},
    "partnership": {"fr": ("autre partenariat", "autres partenariats"),
                    "en": ("more partnership", "more partnerships")},
    "indicator": {"fr": ("autre indicateur", "autres indicateurs"), "en": ("more indicator", "more indicators")},
    "fact": {"fr": ("autre fait marquant", "autres faits marquants"), "en": ("more key fact", "more key facts")},
    "figure": {"fr": ("autre chiffre", "autres chiffres"), "en": ("more figure", "more figures")},
    "territory": {"fr": ("autre territoire", "autres territoires"), "en": ("more territory", "more territories")},
    "source": {"fr": ("autre source", "autres sources"), "en": ("more source", "more sources")},
    "contributor": {"fr": ("autre contributeur", "autres contributeurs"),
                    "en": ("more contributor", "more contributors")},
}
# "chiffres de la région Bourgogne-Franche-Comté" / "figures of the region Bourgogne-Franche-Comté"
OF_LEVEL_EN = {"region": "of the region", "departement": "of the département", "epci": "of the intercommunality",
               "commune": "of the municipality", "pays": "of the pays"}
SEEN_AS_EN = {"active": "active", "project": "planned", "closed": "closed"}


def check_lang(lang: str | None) -> str:
    """The report language (French when None); an unknown one is a programming error."""
    lang = lang or DEFAULT_LANG
    if lang not in LANGS:
        raise ValueError(f"unknown report language {lang!r}; one of {', '.join(LANGS)}")
    return lang


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The templates' catalog for `lang`, compiled in memory from its .po (French: the message ids)."""
    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if lang == "fr" or not po.is_file():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def _en_ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{formats.number(n, lang='en')}{suffix}"


class Words:
    """Everything a template says that depends on the report's language (one per Renderer)."""

    def __init__(self, lang: str) -> None:
        self.lang = check_lang(lang)
        self.en = self.lang == "en"
        self.catalog = translations(self.lang)

    # -- the catalog and the vocabulary --------------------------------------------------------

    def _(self, message: str) -> str:
        return self.catalog.gettext(message)

    def term(self, key: str, n: int | float = 1) -> str:
        """A term of generator.vocabulary, with the typographic apostrophe of the reports."""
        return vocabulary.term(key, self.lang, n).replace("'", "’")

    def count(self, n: int | float, key: str) -> str:
        """`1 250 lieux d’innovation`, `3 innovation hubs`."""
        return f"{self.number(n)} {self.term(key, n)}"

    def rating(self, value: int | None) -> str:
        return vocabulary.rating(value, self.lang)

    def score_out_of(self, value: float | None) -> str:
        return vocabulary.score(value, self.lang)

    def score_text(self, value: float | None) -> str:
        return vocabulary.NOT_MEASURED[self.lang] if value is None else self.number(value, 1)

    def level_label(self, level: str, n: int | float = 1) -> str:
        return vocabulary.level_label(level, self.lang, n)

    def level_word(self, level: str) -> str:
        """`département`, `intercommunalité (EPCI)`: a level in running text."""
        return self.level_label(level).lower().replace("(epci)", "(EPCI)")

    def levels_word(self, level: str) -> str:
        return self.level_label(level, 2).lower().replace("(epci)", "(EPCI)")

    def of_level(self, level: str) -> str:
        return OF_LEVEL_EN[level] if self.en else measured.of_level(level)

    def pillar_label(self, key: str) -> str:
        return vocabulary.pillar_label(key, self.lang) if key in vocabulary.PILLARS else key

    def pillar_description(self, key: str) -> str:
        return self._(PILLAR_DESCRIPTIONS[key])

    # -- numbers, dates, ranks, statuses ----------------------------------------------------------

    def number(self, value: int | float, decimals: int | None = None) -> str:
        return formats.number(value, decimals, lang=self.lang)

    def long_date(self, day: Any) -> str:
        return formats.long_date(day, lang=self.lang)

    def value_text(self, value: float, unit: str | None) -> str:
        return formats.with_unit(measured.plain_value(value) if isinstance(value, float) else value, unit,
                                 lang=self.lang)

    def rank_text(self, s: IndicatorScore) -> str:
        """`12e sur 101` / `12th of 101` (ties share the best rank)."""
        if not self.en:
            return measured.rank_text(s)
        return f"{_en_ordinal(s.rank)} of {self.number(s.count)}"

    def status_long(self, atlas: Any, hub: Hub) -> str:
        """A hub's status with the year a source saw it (generator.status_text in French)."""
        if not self.en:
            return status_text.status_long(atlas, hub)
        year = hub.status_year
        if atlas.status_is_old(hub):
            return f"Listed as {SEEN_AS_EN[hub.status]} in {year}, to be checked"
        if hub.status == "closed":
            return f"Closed in {hub.closed_in}" if hub.closed_in else "Closed"
        label = vocabulary.status_label(hub.status, "en")
        if year is None:
            return f"{label} (according to an undated source)" if hub.status_fact is not None else label
        return f"{label} (seen in {year})"

    def why_not(self, pv: measured.PillarView) -> str:
        """Why a pillar has no measured score, in one sentence."""
        if not self.en:
            return pv.why_not
        if not pv.rows:
            return "no indicator of the catalogue measures this pillar at this level"
        n, total = pv.measured_count, len(pv.rows)
        if n == 0:
            return (f"none of the {total} indicators has a value here" if total > 1
                    else "its indicator has no value here")
        least = measured.MIN_INDICATORS
        if total == 1:
            return f"a single indicator measures it at this level; it takes at least {least}"
        return f"a single indicator measured out of {total}; it takes at least {least}"

    def more_text(self, rest: int, kind: str) -> str:
        """`1 autre lieu d’innovation`, `1 250 autres pôles` / `12 more figures` (no "(s)")."""
        one, many = MORE_WORDS[kind][self.lang]
        return f"{self.number(rest)} {one if vocabulary.plural_form(rest, self.lang) == 'one' else many}"

    def coordinates(self, lat: float, lon: float) -> str:
        ns = "N" if lat >= 0 else "S"
        ew = "E" if lon >= 0 else ("W" if self.en else "O")
        return (f"{self.number(abs(lat), 4)}°{formats.NBSP}{ns}, "
                f"{self.number(abs(lon), 4)}°{formats.NBSP}{ew}")

    # -- a sheet's own words -------------------------------------------------------------------

    def field(self, item: Any, name: str) -> tuple[str | None, str]:
        """A Markdown field of a sheet (territory, pillar, hub) in the report's language when the sheet
        has it (its `en:` block), else the French text; and the language of what is returned."""
        if self.en:
            translated = (getattr(item, "en", None) or {}).get(name)
            if translated:
                return translated, "en"
        return getattr(item, name), "fr"

    def french(self, text: Any) -> Markup:
        """Sheet or catalogue text that has no translation (a label, a note, a source's title), marked
        French in an English report; as it is in a French one (escaped either way)."""
        if self.en and text not in (None, ""):
            return Markup('<span lang="fr">{0}</span>').format(text)
        return Markup("{0}").format("" if text is None else text)
