"""French formats for numbers, percentages, dates and fact values, one place for every output.

Babel gives the CLDR rules (narrow no-break space as thousands separator, decimal comma).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "fr_FR"
LOCALES = {"fr": "fr_FR", "en": "en_GB"}  # the editions' languages -> Babel locales
NBSP = "\u00a0"
NNBSP = "\u202f"
MINUS = "\u2212"


_NUMBERS: dict[tuple, str] = {}  # (type, value, decimals) -> text: a national build formats 70,000 numbers


def sheet_words(value: object) -> bool:
    """Whether a fact's value is words a sheet wrote (an address, a figure « Comté »), French in every edition and
    marked so in the English one; not a number, and not the atlas's own text, which is a subclass of str
    (page_parts.OwnText: a point and its precision, written in the edition's language)."""
    return type(value) is str and any(c.isalpha() for c in value)


def number(value: int | float, decimals: int | None = None, lang: str = "fr") -> str:
    """`462000` -> `462 000`, `12.5` -> `12,5` (separators are no-break spaces); `lang="en"`: `462,000`.
    A negative number takes the minus sign, `−2,39`, not a hyphen (typography, both editions; data files
    keep their `-`: they never format through here).

    Memoised: Babel parses its locale and pattern on every call (9 s of a national regeneration);
    the key keeps 1 and 1.0, 0.0 and -0.0 apart."""
    key = (type(value), repr(value), decimals, lang)
    text = _NUMBERS.get(key)
    if text is None:
        if len(_NUMBERS) > 200_000:
            _NUMBERS.clear()
        text = _number(value, decimals, lang)
        # `-0,0` (a small negative value rounded, or -0.0) is zero: no sign
        text = _NUMBERS[key] = text.replace("-", MINUS) if any(c in "123456789" for c in text) else text.lstrip("-")
    return text


_YES_NO = {"fr": ("oui", "non"), "en": ("yes", "no")}


def _number(value: int | float, decimals: int | None = None, lang: str = "fr") -> str:
    locale = LOCALES[lang]
    if isinstance(value, bool):
        return _YES_NO[lang][0 if value else 1]
    if value != 0 and not (1e-6 <= abs(value) < 1e15):
        return _scientific(value, locale)
    if decimals is not None:
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=locale)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # every digit the contributor wrote is kept (Babel rounds to 3 decimals by default)
    return format_decimal(value, locale=locale, decimal_quantization=False)


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _scientific(value: int | float, locale: str = LOCALE) -> str:
    """Very large or very small values: `1,5 × 10²⁵` (Babel's decimal context can't hold them)."""
    mantissa, exponent = f"{float(value):.3e}".split("e")
    digits = format_decimal(float(mantissa), locale=locale)
    return f"{digits}{NNBSP}×{NNBSP}10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def with_unit(value: int | float | bool | str, unit: str | None = None, lang: str = "fr") -> str:
    """A fact value with its unit: `12,5 %`, `462 000 habitants`, `3 km`; in English `12.5%`, a per cent sign
    written against the number as English does (`5.91% of the population`)."""
    if isinstance(value, bool):
        text = _YES_NO[lang][0 if value else 1]
    elif isinstance(value, (int, float)):
        text = number(value, lang=lang)
    else:
        text = str(value)
    if not unit:
        return text
    if lang == "en" and unit.startswith("%"):
        return f"{text}{unit}"
    return f"{text}{NBSP}{unit_for(value, unit, lang)}"


def unit_for(value: Any, unit: str, lang: str = "fr") -> str:
    """The unit as written after `value`: a unit that starts with a plural noun of `_SINGULAR` takes its singular
    under 2 in French (« 0 lieu pour 100 000 habitants », « 1,5 an »: French plural starts at 2), and at exactly 1
    in English (« 1 hub per 100,000 inhabitants », « 0 hubs », « 1.5 years »)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return unit
    if lang == "fr" and abs(value) < 2:
        return _singular_unit(unit, _SINGULAR)
    if lang == "en" and abs(value) == 1:
        return _singular_unit(unit, _SINGULAR_EN)
    return unit


# a unit's first word in the plural, and its singular (the catalogue's units and their kind; any other unit is
# written as given: a wrong singular would be worse than a plural after 0 or 1)
_SINGULAR = {"lieux": "lieu", "consultations": "consultation", "habitants": "habitant", "ans": "an",
             "emplois": "emploi", "établissements": "établissement", "entreprises": "entreprise",
             "logements": "logement", "personnes": "personne", "places": "place", "jours": "jour",
             "médecins": "médecin", "communes": "commune", "ménages": "ménage", "salariés": "salarié"}


_SINGULAR_EN = {"hubs": "hub", "years": "year", "consultations": "consultation", "inhabitants": "inhabitant",
                "jobs": "job", "establishments": "establishment", "companies": "company", "dwellings": "dwelling",
                "people": "person", "places": "place", "days": "day", "doctors": "doctor", "municipalities":
                "municipality", "households": "household", "employees": "employee"}


def _singular_unit(unit: str, singular: Mapping[str, str]) -> str:
    first, space, rest = unit.partition(" ")
    return singular.get(first, first) + space + rest


@lru_cache(maxsize=4096)
def long_date(day: date, lang: str = "fr") -> str:
    """`2025-01-10` -> `10 janvier 2025`; the first of the month is `1er` in French; `10 January 2025`.

    Memoised: the national pages ask Babel for the same few hundred dates 43,000 times (1.5 s)."""
    text = format_date(day, format="long", locale=LOCALES[lang])
    return "1er" + text[1:] if lang == "fr" and day.day == 1 and text.startswith("1 ") else text


@lru_cache(maxsize=4096)
def short_date(day: date, lang: str = "fr") -> str:
    """`2025-01-10` -> `10/01/2025`."""
    return format_date(day, format="short", locale=LOCALES[lang])


def population(value: int | float) -> str:
    return f"{number(value)}{NBSP}habitants"
