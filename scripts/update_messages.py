"""Bring the French message catalog in step with the code: new messages added untranslated, gone ones
dropped, translations kept; then list what still needs a translator.

    python scripts/update_messages.py          # rewrite generator/locale/fr/LC_MESSAGES/atlas.po
    python scripts/update_messages.py --check  # exit 1 if the catalog is not in step (tests do the same)

Messages are the English strings of `_()`, `N_()` and `ngettext()` in the modules of generator/ and of its
packages (generator/**/*.py) that speak through generator/i18n.py, i.e. import it. Modules with a catalog of
their own are left out: the PDF templates' words (generator/pdf/) are French message ids of the `pdf` domain,
translated to English in generator/locale/en/LC_MESSAGES/pdf.po, and must not land here.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "generator"
PO = SOURCES / "locale" / "fr" / "LC_MESSAGES" / "atlas.po"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def speaks_through_i18n(path: Path) -> bool:
    """True when the module imports generator.i18n (`from generator.i18n import _`, `from generator import
    i18n`): its `_()` are messages of this catalog. Another module's `_` is someone else's (the PDF's)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom) and (node.module == "generator.i18n" or (
                node.module == "generator" and any(alias.name == "i18n" for alias in node.names))):
            return True
        if isinstance(node, ast.Import) and any(alias.name == "generator.i18n" for alias in node.names):
            return True
    return False


def sources() -> list[Path]:
    """The modules whose messages this catalog holds: generator/**/*.py that import generator.i18n."""
    return [path for path in sorted(SOURCES.rglob("*.py"), key=lambda p: p.relative_to(SOURCES).as_posix())
            if speaks_through_i18n(path)]


def template(creation_date=None) -> Catalog:
    """Every message of the code, with the files that use it."""
    catalog = Catalog(project="Atlas des territoires de demain", fuzzy=False, creation_date=creation_date)
    for path in sources():
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
    # a fuzzy entry (Babel's guess, e.g. a message that became plural) is not read at run time: untranslated
    missing = [m.id for m in catalog
               if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))]
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
