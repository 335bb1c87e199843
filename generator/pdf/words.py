"""The words of a report in its language: the templates' catalog, the vocabulary, numbers and dates.

A report is French (the default) or English (`atlas pdf --lang en`). The templates are written in
French and mark their strings with `_()`; the English catalog `generator/locale/en/LC_MESSAGES/pdf.po`
(French message ids, read with Babel when first needed: no compiled file) gives their English. The
terms (lieu d'innovation / innovation hub, levels, pillars, statuses, the rating "3 sur 5") come
from generator.vocabulary, and numbers, scores, ranks and statuses from generator.views.Words: the
words the site uses too (this class only adds what a printed report says besides). A sheet's
Markdown fields come from its `en:` block in English; where a sheet has no translation the French
text is printed inside an element marked `lang="fr"`, so that the tagged PDF says which words are
French.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from generator import formats, import_notes, views, vocabulary
from generator.catalogs import po_translations
from generator.model import PILLAR_DESCRIPTIONS
from generator.pictures.words import site_catalog

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
def check_lang(lang: str | None) -> str:
    """The report language (French when None); an unknown one is a programming error."""
    lang = lang or DEFAULT_LANG
    if lang not in LANGS:
        raise ValueError(f"unknown report language {lang!r}; one of {', '.join(LANGS)}")
    return lang


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The templates' catalog for `lang`, compiled in memory from its .po (French: the message ids)."""
    if lang == "fr":
        return gettext.NullTranslations()
    return po_translations(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po", lang, DOMAIN)


def unit_words(unit: str | None, lang: str) -> str | None:
    """A unit in the report's language: `pour 100 000 habitants` -> `per 100,000 inhabitants` from the site's
    catalog; a unit it does not know (a sheet's own) stays as written, as on the site."""
    if not unit or lang == "fr":
        return unit
    return site_catalog(lang).gettext(unit)


@dataclass(frozen=True)
class Words(views.Words):
    """Everything a template says that depends on the report's language (one per Renderer): the
    site's words (generator.views.Words) and the report's own (catalog, counts, caps, coordinates)."""

    def __post_init__(self) -> None:
        check_lang(self.lang)

    @property
    def en(self) -> bool:
        return self.lang == "en"

    @property
    def catalog(self) -> gettext.NullTranslations:
        return translations(self.lang)

    def value_text(self, value: float, unit: str | None) -> str:
        """A computed value (a median, a score's value) with its unit in the report's language."""
        return super().value_text(value, unit_words(unit, self.lang))

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
        """An editorial rating or an indicator's score: `3 sur 5` / `3 out of 5`, as on the site."""
        return vocabulary.rating(value, self.lang)

    def level_label(self, level: str, n: int | float = 1) -> str:
        return vocabulary.level_label(level, self.lang, n)

    def pillar_label(self, key: str) -> str:
        return vocabulary.pillar_label(key, self.lang) if key in vocabulary.PILLARS else key

    def pillar_description(self, key: str) -> str:
        return self._(PILLAR_DESCRIPTIONS[key])

    def long_date(self, day: date) -> str:
        return formats.long_date(day, lang=self.lang)

    def more_text(self, rest: int, kind: str) -> str:
        """`1 autre lieu d’innovation`, `1 250 autres lieux d’innovation` / `12 more figures` (no "(s)")."""
        one, many = MORE_WORDS[kind][self.lang]
        return f"{self.number(rest)} {one if vocabulary.plural_form(rest, self.lang) == 'one' else many}"

    # -- a sheet's own words -------------------------------------------------------------------

    def field(self, item: Any, name: str) -> tuple[str | None, str]:
        """A Markdown field of a sheet (territory, pillar, hub) in the report's language when the sheet
        has it (its `en:` block), else the French text; and the language of what is returned."""
        if self.en:
            translated = (getattr(item, "en", None) or {}).get(name)
            if translated:
                return translated, "en"
        return getattr(item, name), "fr"

    def note_text(self, note: Any) -> Markup:
        """A fact's note: in English when `atlas import` wrote it (generator.import_notes), the census's words quoted
        in it marked French; any other note as `fr_text` gives it."""
        if self.en and isinstance(note, str):
            said = import_notes.english(note)
            if said is not None:
                return Markup(import_notes.quotes_marked_french(str(escape(said))))
        return self.fr_text(note)

    def fr_text(self, text: Any) -> Markup:
        """Sheet or catalogue text that has no translation (a label, a note, a source's title), marked
        French in an English report; as it is in a French one (escaped either way)."""
        if self.en and text not in (None, ""):
            return Markup('<span lang="fr">{0}</span>').format(text)
        return Markup("{0}").format("" if text is None else text)
