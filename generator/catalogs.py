"""Gettext catalogs read straight from their .po files with Babel: the command line's messages
(generator/i18n.py), the site's pages (site_templates) and the PDF reports (pdf/words) each have
one, and none needs a compiled .mo file kept in step after an edit or a `pip install -e .`."""

from __future__ import annotations

import gettext
import hashlib
import io
import os
import struct
from functools import cache
from pathlib import Path


@cache
def po_translations(po: Path, lang: str, domain: str) -> gettext.NullTranslations:
    """The catalog `po` compiled in memory (fuzzy entries left out, as gettext would); a missing file
    gives the message ids themselves.

    The compiled catalog is kept like Python's bytecode, in a `__pycache__` folder beside the .po file and
    named by the hash of its bytes, when that folder can be written: every `atlas` command reads two or
    three catalogs, and importing Babel and parsing them was 0.05 s of a build after one edit."""
    if not po.is_file():
        return gettext.NullTranslations()
    source = po.read_bytes()
    compiled = po.parent / "__pycache__" / f"{po.stem}.{hashlib.sha256(source).hexdigest()[:32]}.mo"
    try:
        return gettext.GNUTranslations(io.BytesIO(compiled.read_bytes()))
    except (OSError, ValueError, IndexError, struct.error):  # none yet, or damaged: compiled again
        pass
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = read_po(io.BytesIO(source), locale=lang, domain=domain)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    try:
        compiled.parent.mkdir(exist_ok=True)
        for old in compiled.parent.glob(f"{po.stem}.*.mo"):  # an earlier version's
            old.unlink(missing_ok=True)
        tmp = compiled.with_name(f".{compiled.name}.{os.getpid()}.tmp")
        tmp.write_bytes(buffer.getvalue())
        os.replace(tmp, compiled)
    except OSError:  # a read-only install: compiled in memory each time, as before
        pass
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)
