"""The words of a picture in its language: titles, alt texts, tables and what the drawing writes.

A picture's spec is made for one language (`PictureKey.lang`): its words are French message ids of
the site catalog (generator/locale/en/LC_MESSAGES/site.po, the one the English pages read), so the
French pictures say exactly what they said before and the English ones read the catalog; the sheets'
words of the controlled vocabulary (hub types...) come from its `en:` labels (`Words.vocab`), the
ones the English pages show. Numbers are
written the language's way (`3,4` / `3.4`), plurals by its rule (French: 0 and 1 take the singular).
The drawers see only their spec's data: every word they write is put there by the spec, in its
language, so that a picture whose drawing has no words (a locator, a network: their legend is written
beside them) has the same data in both languages and one file serves both editions.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from generator import formats, vocabulary
from generator.catalogs import po_translations
from generator.measured import levels_word

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
MAX_ALT_ITEMS = 40  # a list in an alt text longer than this is cut, the rest counted ("see the table")


@cache
def site_catalog(lang: str) -> gettext.NullTranslations:
    """The site's catalog (site.po) of `lang`, for the pictures' words and the reports' units; French: the ids."""
    if lang == "fr":
        return gettext.NullTranslations()
    return po_translations(LOCALE_DIR / lang / "LC_MESSAGES" / "site.po", lang, "site")


class Words:
    """`_`, plurals, numbers and lists of one language, for the spec functions."""

    def __init__(self, lang: str = "fr") -> None:
        self.lang = lang
        self.catalog = site_catalog(lang)

    def _(self, message: str, **values: Any) -> str:
        """`message` (French, the id) in this language, `%(name)s` filled with `values`."""
        translated = self.catalog.gettext(message)
        return translated % values if values else translated

    def nwords(self, n: int | float, one: str, many: str) -> str:
        """`3 lieux` / `3 hubs` from `"%(n)s lieu", "%(n)s lieux"`: the form for `n` (French: 0 and 1 take
        the singular), the number the language's way and a no-break space after it."""
        if self.lang == "fr":
            form = one if abs(n) < 2 else many
        else:
            form = self.catalog.ngettext(one, many, int(n) if float(n).is_integer() else 2)
        return form.replace("%(n)s ", "%(n)s" + formats.NBSP) % {"n": self.number(n)}

    def number(self, value: int | float, decimals: int | None = None) -> str:
        return formats.number(value, decimals, lang=self.lang)

    def enumerate(self, items: Iterable[str]) -> str:
        """`a, b et c` / `a, b and c`."""
        items = list(items)
        if len(items) < 2:
            return "".join(items)
        return ", ".join(items[:-1]) + self._(" et ") + items[-1]

    def capped(self, items: list[str], one: str, many: str, sep: str = ", ") -> str:
        """The items, cut past MAX_ALT_ITEMS with how many more (the table lists them all)."""
        if len(items) <= MAX_ALT_ITEMS:
            return sep.join(items)
        rest = self.nwords(len(items) - MAX_ALT_ITEMS, one, many)
        return sep.join(items[:MAX_ALT_ITEMS]) + self._(" ; et %(rest)s de plus (voir le tableau)", rest=rest)

    def levels(self, level: str) -> str:
        """`départements` / `departments`: a level in the plural, in a sentence."""
        if self.lang == "fr":
            return levels_word(level)
        word = vocabulary.level_label(level, self.lang, 2)
        return word[:1].lower() + word[1:]

    def vocab(self, vocab: Any, name: str, entry_id: str) -> str:
        """A hub type's, service's, theme's or network's label in this language: the entry's `en:` label
        (territories/vocabulary.yml), as the English pages show it, else the French one."""
        return vocabulary.entry_text(vocab, name, entry_id, self.lang)[0] or entry_id

    def score(self, value: float | None) -> str:
        """A measured score, one decimal, or `non mesuré` / `not measured`."""
        return self._("non mesuré") if value is None else self.number(value, 1)


FRENCH = Words("fr")


def N_(message: str) -> str:
    """Mark a word kept in a constant for the site catalog (scripts/update_site_messages.py); translated
    where it is used, with `Words._`."""
    return message

