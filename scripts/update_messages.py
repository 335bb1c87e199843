"""Bring the French message catalog in step with the code: new messages added untranslated, gone ones
dropped, translations kept; then list what still needs a translator.

    python scripts/update_messages.py          # rewrite generator/locale/fr/LC_MESSAGES/atlas.po
    python scripts/update_messages.py --check  # exit 1 if the catalog is not in step (tests do the same)

Messages are the English strings of `_()`, `N_()` and `ngettext()` in generator/*.py and
generator/validate/ (see generator/i18n.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "generator"
PO = SOURCES / "locale" / "fr" / "LC_MESSAGES" / "atlas.po"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
# packages of generator/ whose messages go through this catalog (the validator and the commands, one module each)
PACKAGES = ("validate", "commands")


def template(creation_date=None) -> Catalog:
    """Every message of the code, with the files that use it."""
    catalog = Catalog(project="Atlas des territoires de demain", fuzzy=False, creation_date=creation_date)
    for path in sorted([*SOURCES.glob("*.py"), *(p for pkg in PACKAGES for p in (SOURCES / pkg).glob("*.py"))]):
        for _lineno, message, comments, _context in extract_from_file("python", path, keywords=KEYWORDS):
            catalog.add(message, locations=[(path.relative_to(ROOT).as_posix(), None)], auto_comments=comments,
                        flags=("python-brace-format",) if "{" in str(message) else ())
    return catalog


def updated() -> Catalog:
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="fr", domain="atlas")
    # the template keeps the catalog's date, so that an unchanged catalog is rewritten byte for byte
    catalog.update(template(catalog.creation_date), no_fuzzy_matching=True, update_header_comment=False)
    catalog.obsolete.clear()
    return catalog


def render(catalog: Catalog) -> bytes:
    from io import BytesIO
    out = BytesIO()
    write_po(out, catalog, width=0, sort_output=True, include_lineno=False, omit_header=False)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if the catalog is stale")
    args = parser.parse_args(argv)
    catalog = updated()
    body = render(catalog)
    missing = [m.id for m in catalog if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)]
    if args.check:
        stale = PO.read_bytes() != body
        if stale:
            print(f"{PO.relative_to(ROOT)} is not in step with the code: run python scripts/update_messages.py",
                  file=sys.stderr)
        for message in missing:
            print(f"untranslated: {message!r}", file=sys.stderr)
        return 1 if stale or missing else 0
    PO.write_bytes(body)
    for message in missing:
        print(f"untranslated: {message!r}")
    print(f"{PO.relative_to(ROOT)}: {len(catalog)} messages, {len(missing)} untranslated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
