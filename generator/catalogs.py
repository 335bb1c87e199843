"""Gettext catalogs read straight from their .po files with Babel: the command line's messages
(generator/i18n.py), the site's pages (site_templates) and the PDF reports (pdf/words) each have
one, and none needs a compiled .mo file kept in step after an edit or a `pip install -e .`."""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path


@cache
def po_translations(po: Path, lang: str, domain: str) -> gettext.NullTranslations:
    """The catalog `po` compiled in memory (fuzzy entries left out, as gettext would); a missing file
    gives the message ids themselves."""
    if not po.is_file():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=domain)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)
