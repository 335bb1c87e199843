"""The language of what the command line says: French by default, English with `--lang en`.

Contributors, their guide and the site are French, so validator messages, hints and summaries are
too. The English text is the message id (the code reads as before); the French lives in the gettext
catalog `generator/locale/fr/LC_MESSAGES/atlas.po`, read with Babel when a message is first needed
(no compiled file to keep in step, no build step after `pip install -e .`). Field names, ids and
YAML snippets are placeholders, never translated.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from generator.catalogs import po_translations

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
ENV_VARIABLE = "ATLAS_LANG"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "atlas"

_chosen: str | None = None


def set_language(lang: str | None) -> None:
    """Choose the language of the messages made from now on (None: ATLAS_LANG, else French).

    Messages are translated when they are made, so the CLI sets this before it runs a command.
    """
    global _chosen
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; one of {', '.join(LANGUAGES)}")
    _chosen = lang


@contextmanager
def using(lang: str | None) -> Iterator[None]:
    """Messages in `lang` inside the block, the language chosen before after it (a command run, a test)."""
    previous = _chosen
    set_language(lang)
    try:
        yield
    finally:
        set_language(previous)


def language() -> str:
    """The language in use: the one set, else ATLAS_LANG when it names a known one, else French."""
    if _chosen is not None:
        return _chosen
    env = os.environ.get(ENV_VARIABLE, "").strip().lower()
    return env if env in LANGUAGES else DEFAULT_LANGUAGE


@cache
def _translations(lang: str) -> gettext.NullTranslations:
    """The catalog of `lang` compiled in memory from its .po file (English is the message ids)."""
    if lang == "en":
        return gettext.NullTranslations()
    return po_translations(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po", lang, DOMAIN)


def _(message: str) -> str:
    """`message` (English, the id) in the language in use."""
    return _translations(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for `n` things (French: 0 and 1 take the singular)."""
    return _translations(language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a message for the catalog without translating it yet (translated where it is shown)."""
    return message


def number(n: int, grouped_in_english: bool = False) -> str:
    """A whole number as the language writes it in a terminal: 1 375 in French (a plain space,
    which every terminal shows); in English 1375, or 1,375 where the English message grouped digits."""
    if language() == "fr":
        return f"{n:,}".replace(",", " ")
    return f"{n:,}" if grouped_in_english else str(n)


def decimal(x: float, digits: int = 1) -> str:
    """A measure with `digits` decimals: 6 447,1 in French, 6447.1 in English as before."""
    if language() == "fr":
        return f"{x:,.{digits}f}".replace(",", " ").replace(".", ",")
    return f"{x:.{digits}f}"
