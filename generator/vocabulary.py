"""The words of the atlas, once, in French and in English: terms with their plurals, ratings, sort order.

Every output (site pages, PDF, charts, open data) names things through this module, so the site and
the PDF cannot say "Lieux d'innovation" on one side and "Pôles" on the other, or "3/5" and "3 sur 5".

API (stable: the PDF and the pictures import these names):

- `term(key, lang="fr", n=1)`: the word for a concept, singular or plural by Babel's CLDR plural rule
  for `n` (French: 0 and 1 singular, like `0 lieu d'innovation`); keys in `TERMS`
  (`hub`, `territory`, `partnership`, `pillar`, `source`, `fact`, `indicator`, `page`...).
- `count(n, key, lang="fr")`: `1 partenariat`, `1 250 lieux d'innovation`, `3 innovation hubs`
  (number formatted for the language, no "(s)").
- `counted(n, one, many, lang="fr")`: the same with words the caller gives (`2 données anciennes`).
- `rating(value, lang="fr")`: an editorial rating, `3 sur 5` / `3 out of 5`; None gives `non évalué`
  / `not rated`. `score(value, lang)`: a measured score, `3,4 sur 5` / `3.4 out of 5`.
- `level_label(level, lang, n=1)`, `pillar_label(key, lang)`, `status_label(status, lang)`: the model's
  fixed lists in words (French labels identical to `generator.model`).
- `sort_key(text)`: French alphabetical order, accents and case folded (`Île-de-France` among the I,
  `Alpes-de-…` before `Alpes-M…`); the text itself breaks ties so the order is total.
- `plural_form(n, lang)`: Babel's category (`one`, `many`, `other`).
- `entry_text(vocab, name, entry_id, lang, part="label")`: a hub type's, service's, theme's or network's
  label (or description) from territories/vocabulary.yml in `lang` where its `en:` block has it, else in
  French, with the language it is in: the English pages, charts and reports all name them through it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import Any, Literal, Protocol

from babel import Locale

from generator import formats

Lang = Literal["fr", "en"]
LANGS: tuple[str, ...] = ("fr", "en")

# concept -> language -> (one, many). "many" covers Babel's plural categories other than "one".
TERMS: Mapping[str, Mapping[str, tuple[str, str]]] = MappingProxyType({
    "hub": {"fr": ("lieu d'innovation", "lieux d'innovation"), "en": ("innovation hub", "innovation hubs")},
    "hub_title": {"fr": ("Lieu d'innovation", "Lieux d'innovation"), "en": ("Innovation hub", "Innovation hubs")},
    "place": {"fr": ("lieu", "lieux"), "en": ("hub", "hubs")},
    "territory": {"fr": ("territoire", "territoires"), "en": ("territory", "territories")},
    "territory_title": {"fr": ("Territoire", "Territoires"), "en": ("Territory", "Territories")},
    "partnership": {"fr": ("partenariat", "partenariats"), "en": ("partnership", "partnerships")},
    "partner": {"fr": ("partenaire", "partenaires"), "en": ("partner", "partners")},
    "pillar": {"fr": ("pilier", "piliers"), "en": ("pillar", "pillars")},
    "pillar_title": {"fr": ("Pilier", "Piliers"), "en": ("Pillar", "Pillars")},
    "source": {"fr": ("source", "sources"), "en": ("source", "sources")},
    "fact": {"fr": ("donnée", "données"), "en": ("figure", "figures")},
    "old_fact": {"fr": ("donnée ancienne", "données anciennes"), "en": ("old figure", "old figures")},
    "indicator": {"fr": ("indicateur", "indicateurs"), "en": ("indicator", "indicators")},
    "contributor": {"fr": ("contributeur", "contributeurs"), "en": ("contributor", "contributors")},
    "page": {"fr": ("page", "pages"), "en": ("page", "pages")},
    "inhabitant": {"fr": ("habitant", "habitants"), "en": ("inhabitant", "inhabitants")},
    "year": {"fr": ("an", "ans"), "en": ("year", "years")},
})

LEVELS: Mapping[str, Mapping[str, tuple[str, str]]] = MappingProxyType({
    "region": {"fr": ("Région", "Régions"), "en": ("Region", "Regions")},
    "departement": {"fr": ("Département", "Départements"), "en": ("Département", "Départements")},
    "epci": {"fr": ("Intercommunalité (EPCI)", "Intercommunalités (EPCI)"),
             "en": ("Intercommunality (EPCI)", "Intercommunalities (EPCI)")},
    "commune": {"fr": ("Commune", "Communes"), "en": ("Municipality", "Municipalities")},
    "pays": {"fr": ("Pays, PETR ou bassin de vie", "Pays, PETR et bassins de vie"),
             "en": ("Pays, PETR or living area", "Pays, PETR and living areas")},
})

PILLARS: Mapping[str, Mapping[str, str]] = MappingProxyType({
    "metropolisation": {"fr": "Métropolisation", "en": "Metropolisation"},
    "health": {"fr": "Santé", "en": "Health"},
    "knowledge": {"fr": "Savoirs", "en": "Knowledge"},
    "identity": {"fr": "Identité", "en": "Identity"},
    "environment": {"fr": "Environnement", "en": "Environment"},
})

STATUSES: Mapping[str, Mapping[str, str]] = MappingProxyType({
    "active": {"fr": "En activité", "en": "Active"},
    "project": {"fr": "En projet", "en": "Planned"},
    "closed": {"fr": "Fermé", "en": "Closed"},
    "to-check": {"fr": "À vérifier", "en": "To be checked"},
})

NOT_RATED: Mapping[str, str] = MappingProxyType({"fr": "non évalué", "en": "not rated"})
NOT_MEASURED: Mapping[str, str] = MappingProxyType({"fr": "non mesuré", "en": "not measured"})
OUT_OF: Mapping[str, str] = MappingProxyType({"fr": "sur", "en": "out of"})
SCALE = 5


def _lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; one of {', '.join(LANGS)}")
    return lang


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(_lang(lang))


def plural_form(n: int | float, lang: str = "fr") -> str:
    """Babel's CLDR plural category of `n` in `lang`: French 0 and 1 are `one`, 1 000 000 is `many`."""
    return _locale(lang).plural_form(abs(n))


def _pick(forms: tuple[str, str], n: int | float, lang: str) -> str:
    return forms[0] if plural_form(n, lang) == "one" else forms[1]


def term(key: str, lang: str = "fr", n: int | float = 1) -> str:
    """The word for `key` in `lang`, in the form `n` takes (`term("hub", "fr", 2)` -> `lieux d'innovation`)."""
    return _pick(TERMS[key][_lang(lang)], n, lang)


def counted(n: int | float, one: str, many: str, lang: str = "fr") -> str:
    """`n` formatted for `lang` and the word in the form `n` takes: `1 250 données anciennes`."""
    return f"{formats.number(n, lang=lang)} {_pick((one, many), n, lang)}"


def count(n: int | float, key: str, lang: str = "fr") -> str:
    """`1 partenariat`, `0 lieu d'innovation`, `1 250 lieux d'innovation`, `3 innovation hubs`."""
    one, many = TERMS[key][_lang(lang)]
    return counted(n, one, many, lang)


def rating(value: int | float | None, lang: str = "fr") -> str:
    """An editorial rating out of 5 in words, the same on the site and in the PDF: `3 sur 5`, `3 out of 5`."""
    if value is None:
        return NOT_RATED[_lang(lang)]
    return f"{formats.number(value, lang=lang)} {OUT_OF[_lang(lang)]} {SCALE}"


def score(value: float | None, lang: str = "fr") -> str:
    """A measured score out of 5, one decimal: `3,4 sur 5`, `3.4 out of 5`; None: `non mesuré`."""
    if value is None:
        return NOT_MEASURED[_lang(lang)]
    return f"{formats.number(value, 1, lang=lang)} {OUT_OF[_lang(lang)]} {SCALE}"


# The collectivités d'outre-mer that the COG lists as communes (Saint-Martin 97801, Saint-Barthélemy 97701,
# in the COM's "département" codes 975, 977, 978): the atlas keeps them at its commune level, but names them
# by what they are, never « Commune »
OVERSEAS_COLLECTIVITY_CODES: tuple[str, ...] = ("975", "977", "978")
OVERSEAS_COLLECTIVITY: Mapping[str, str] = MappingProxyType({"fr": "Collectivité d'outre-mer",
                                                             "en": "Overseas collectivity"})


OVERSEAS_COLLECTIVITIES: Mapping[str, str] = MappingProxyType({"fr": "collectivités d'outre-mer",
                                                                "en": "overseas collectivities"})


def is_overseas_collectivity(level: str, code: str | None) -> bool:
    """A commune of the atlas whose INSEE code is a COM's (Saint-Martin 97801, Saint-Barthélemy 97701)."""
    return level == "commune" and bool(code) and str(code)[:3] in OVERSEAS_COLLECTIVITY_CODES


def territory_level_label(level: str, code: str | None, lang: str = "fr") -> str:
    """A territory's level as its page names it: `Commune`, but `Collectivité d'outre-mer` for Saint-Martin
    (a commune of the atlas whose INSEE code, 97801, is a COM's)."""
    if is_overseas_collectivity(level, code):
        return OVERSEAS_COLLECTIVITY[_lang(lang)]
    return level_label(level, lang)


def in_running_text(label: str) -> str:
    """A label inside a sentence: its first letter lowered, its acronyms kept (`Intercommunality (EPCI)` ->
    `intercommunality (EPCI)`, `Pays, PETR ou bassin de vie` -> `pays, PETR ou bassin de vie`; `EPCI` stays)."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def level_label(level: str, lang: str = "fr", n: int | float = 1) -> str:
    """`Région`, `Intercommunalités (EPCI)`, `Municipality`: a level's name in the form `n` takes."""
    return _pick(LEVELS[level][_lang(lang)], n, lang)


def pillar_label(key: str, lang: str = "fr") -> str:
    """`Santé` / `Health`."""
    return PILLARS[key][_lang(lang)]


def status_label(status: str, lang: str = "fr") -> str:
    """`En activité` / `Active`; `to-check` for a status seen too long ago."""
    return STATUSES[status][_lang(lang)]


def sort_key(text: str) -> tuple[str, str]:
    """French alphabetical order: accents, ligatures (œ, æ), case and punctuation folded first (`Île-de-France`
    among the I, `Alpes-de-…` before `Alpes-M…`, `#ChezYvonne` and `(Fab)Lab` among the C and the F, not before
    the digits), the text itself breaking ties (a total order)."""
    plain = "".join(c if c.isalnum() else " " for c in unicodedata.normalize("NFKD", text)
                    if not unicodedata.combining(c))
    return " ".join(plain.casefold().replace("œ", "oe").replace("æ", "ae").split()), text


class ControlledLists(Protocol):
    """What `entry_text` reads of `model.Vocabulary` (which imports this module): its lists by name."""

    def list(self, name: str) -> Mapping[str, Any]: ...


def indicator_text(indicator: Any, lang: str = "fr", part: str = "label") -> tuple[str | None, str]:
    """A catalogue indicator's `label` or `definition` (territories/indicators.yml) for the edition in `lang`,
    with the language it is written in: its `en:` version in English where it has one, else the French."""
    if _lang(lang) != "fr" and (translated := indicator.en.get(part)):
        return translated, lang
    return getattr(indicator, part), "fr"


def entry_text(vocab: ControlledLists, name: str, entry_id: str, lang: str = "fr",
               part: str = "label") -> tuple[str | None, str]:
    """A controlled-vocabulary entry's `label` or `description` (territories/vocabulary.yml) for the edition
    in `lang`, with the language it is written in: the entry's `en:` version in English where it has one,
    else the French text (`"fr"`). Pages and charts read it here, so they cannot name a type differently.
    An id the vocabulary lacks (an invalid sheet shown anyway) is its own label."""
    entry = vocab.list(name).get(entry_id)
    if entry is None:
        return (entry_id if part == "label" else None), "fr"
    if _lang(lang) != "fr" and (translated := entry.en.get(part)):
        return translated, lang
    return getattr(entry, part), "fr"
