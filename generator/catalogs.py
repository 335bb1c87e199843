"""Gettext catalogs read straight from their .po files with Babel: the command line's messages
(generator/i18n.py), the site's pages (site_templates) and the PDF reports (pdf/words) each have
one, and no compiled .mo file is kept in step by hand after an edit or a `pip install -e .`: each is
compiled when first needed and kept, like bytecode, in `__pycache__` under the hash of its .po."""

from __future__ import annotations

import contextlib
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
    tmp = compiled.with_name(f".{compiled.name}.{os.getpid()}.tmp")
    try:
        compiled.parent.mkdir(exist_ok=True)
        tmp.write_bytes(buffer.getvalue())
        os.replace(tmp, compiled)
        for old in compiled.parent.glob(f"{po.stem}.*.mo"):  # an earlier version's, once this one is in place
            if old != compiled:
                old.unlink(missing_ok=True)
    except OSError:  # a read-only install or a full disk: compiled in memory each time, as before
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)
