"""Bring the English catalog of the site in step with the templates and the page code: new messages
added untranslated, gone ones dropped, translations kept; then list what still needs a translator.

    python scripts/update_site_messages.py          # rewrite generator/locale/en/LC_MESSAGES/site.po
    python scripts/update_site_messages.py --check  # exit 1 if the catalog is not in step (tests do the same)

The message ids are the French words of the site: `_()` / `_p()` / `{% trans %}` in theme/pages/*.j2,
`self._()` in the page modules (generator/page*.py, views.py, editions.py), the titles of mkdocs.yml's
navigation and palette, and the few words chosen at run time (column and filter labels, units) listed
in RUNTIME below. The French edition shows the ids themselves.

The file is written so that a run that changes no message changes no byte, whatever the day or the lines the
messages moved to (two branches would otherwise rewrite every reference and the date, and conflict): entries
in the order of their ids, each with the files that use it and no line numbers, the catalog's creation date
and a header of its own kept. `--check` compares the file with what a run would write, so a missing, an
obsolete or an untranslated entry fails it.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import datetime
from io import BytesIO
from pathlib import Path

import yaml
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from generator.fields import TITLES  # noqa: E402
from generator.model import PILLAR_DESCRIPTIONS  # noqa: E402
from generator.opendata import HUB_COLUMNS, MEASURE_COLUMNS, TERRITORY_COLUMNS  # noqa: E402
from generator.schema_reference import reference_sections  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "generator" / "locale" / "en" / "LC_MESSAGES" / "site.po"
# N_ marks a word kept in a constant, nwords(n, one, many) and capped(items, one, many) a count of things
# (generator/pictures/words.py)
KEYWORDS = {"_": None, "_p": None, "gettext": None, "ngettext": (1, 2), "N_": None, "nwords": (2, 3),
            "capped": (2, 3)}
JINJA_OPTIONS = {"extensions": "jinja2.ext.do", "trim_blocks": "1", "lstrip_blocks": "1"}
PYTHON = ["generator/page_parts.py", "generator/page_indexes.py", "generator/page_pillars.py",
          "generator/page_reference.py", "generator/pages.py", "generator/views.py", "generator/editions.py",
          # the pictures' words (their English twins: titles, alt texts, tables, what the drawings write)
          "generator/pictures/words.py", "generator/pictures/chart_specs.py", "generator/pictures/network_specs.py",
          "generator/pictures/map_style.py", "generator/pictures/map_specs.py", "generator/pictures/locator_specs.py",
          "generator/pictures/choropleth.py"]
# words that reach `_()` through a variable: table columns, filter labels, units, keys of long texts
RUNTIME = [
    "Lieu", "Territoire", "Types", "Statut", "Ouverture", "Niveau", "Territoire parent", "Population", "Lieux",
    "Type de lieu", "Région", "Département", "Thème", "Réseau", "Pilier servi", "Classer par score du pilier",
    "Indicateur", "Fait marquant", "Chiffre", "habitants", "habitants par km²", "emplois", "établissements",
    "En activité", "À vérifier (statut ancien)", "En projet", "Fermé",
    "home-intro", "site-description",
    # the titles of the lists by type, theme and network (page_parts.VOCABULARY_PAGES)
    "Lieux par type", "Lieux par thème", "Lieux par réseau",
    # the titles of the four controlled lists (page_parts.VOCABULARY_TITLES)
    "Types de lieux", "Services", "Thèmes", "Réseaux",
    # the open-data files (page_reference.opendata_page) and their sizes
    "L'atlas complet : territoires, lieux, partenariats, sources, vocabulaire",
    "Les territoires, une ligne chacun, avec leurs scores mesurés",
    "Les mesures officielles et leurs scores, une ligne par territoire et indicateur",
    "Les lieux d'innovation, une ligne chacun", "Les lieux d'innovation qui ont des coordonnées, pour une carte",
    # the pillars' descriptions (generator.model.PILLAR_DESCRIPTIONS)
    *PILLAR_DESCRIPTIONS.values(),
    # units of the indicator catalogue (territories/indicators.yml); a unit not here stays as written
    "pour 100 000 habitants", "pour 10 000 habitants", "consultations par an et par habitant", "ans",
    "% des actifs occupés de 15 ans ou plus", "% de la population non scolarisée de 15 ans ou plus",
    "lieux pour 100 000 habitants", "% du PIB", "% de la surface agricole", "% de la superficie",
    "% de la population", "hab./km²",
    # the reference page (page_reference.reference_page): the kinds of sheet (generator.fields.TITLES) and the
    # words of the fields' types (generator.specs: type_name, TYPE_PLURALS)
    *TITLES.values(),
    "texte", "identifiant", "entier", "nombre", "booléen", "table", "liste", "valeur", "date AAAA-MM-JJ",
    "textes", "identifiants", "entiers", "nombres", "tables", "listes", "valeurs",
    # the meanings of the open-data files' columns (the data dictionary of page_reference.opendata_page)
    *dict.fromkeys(meaning for _column, meaning in [*TERRITORY_COLUMNS, *HUB_COLUMNS, *MEASURE_COLUMNS]),
    # the fields' descriptions on the reference page (generator.fields, the JSON Schemas' French descriptions)
    *dict.fromkeys(row[3] for _kind, _title, rows in reference_sections() for row in rows if row[3]),
]
COUNT_OF = re.compile(r'count_of\("([^"]+)", "([^"]+)"\)')  # a filter's words: Babel's extractor skips them


HEADER = ("# English words of the site: its French message ids, as the English edition shows them.\n"
          "# Updated by: python scripts/update_site_messages.py")


def template(creation_date: datetime | None = None) -> Catalog:
    """Every message of the site, with the files that use it (`creation_date`: the catalog's, kept)."""
    import jinja2.ext

    catalog = Catalog(project="Atlas des territoires de demain — site", fuzzy=False, locale="en",
                      header_comment=HEADER, creation_date=creation_date)
    for path in sorted((ROOT / "theme" / "pages").glob("*.j2")):
        for lineno, message, _comments, _context in extract_from_file(
                jinja2.ext.babel_extract, path, keywords=KEYWORDS, options=JINJA_OPTIONS):
            catalog.add(message, locations=[(path.relative_to(ROOT).as_posix(), lineno)])
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for words in COUNT_OF.findall(line):
                for word in words:
                    catalog.add(word, locations=[(path.relative_to(ROOT).as_posix(), lineno)])
    for name in PYTHON:
        for lineno, message, _comments, _context in extract_from_file("python", ROOT / name, keywords=KEYWORDS):
            catalog.add(message, locations=[(name, lineno)])
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    for title in _nav_titles(config.get("nav") or []):
        catalog.add(title, locations=[("mkdocs.yml", 0)])
    for palette in (config.get("theme") or {}).get("palette") or []:
        if isinstance(palette.get("toggle"), dict) and palette["toggle"].get("name"):
            catalog.add(palette["toggle"]["name"], locations=[("mkdocs.yml", 0)])
    for word in RUNTIME:
        catalog.add(word, locations=[("scripts/update_site_messages.py", 0)])
    return catalog


def _nav_titles(items: object) -> list[str]:
    out: list[str] = []
    if isinstance(items, list):
        for item in items:
            out += _nav_titles(item)
    elif isinstance(items, dict):
        for title, value in items.items():
            out.append(str(title))
            out += _nav_titles(value)
    return out


def merged(po: Path = PO) -> Catalog:
    """The catalog `po` brought in step: its translations kept for the messages still used, its date kept."""
    old = None
    if po.is_file():
        with po.open("rb") as handle:
            old = read_po(handle, locale="en")
    new = template(old.creation_date if old is not None else None)
    if old is not None:
        for message in new:
            if message.id and message.id in old and old[message.id].string:
                message.string = old[message.id].string
    return new


def render(catalog: Catalog) -> bytes:
    """The file's bytes: entries by id, files without line numbers (see the module's docstring)."""
    out = BytesIO()
    write_po(out, catalog, width=100, omit_header=False, sort_output=True, include_lineno=False)
    return out.getvalue()


def main(argv: list[str] | None = None, po: Path = PO) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the catalog is not in step")
    args = parser.parse_args(argv)
    catalog = merged(po)
    body = render(catalog)
    missing = sorted(str(m.id) for m in catalog if m.id and not m.string)
    if args.check:
        stale = not po.is_file() or po.read_bytes() != body
        if stale or missing:
            print(f"{po}: not in step ({len(missing)} untranslated); run scripts/update_site_messages.py",
                  file=sys.stderr)
            for message in missing:
                print(f"untranslated: {message!r}", file=sys.stderr)
            return 1
        return 0
    po.parent.mkdir(parents=True, exist_ok=True)
    po.write_bytes(body)
    for message in missing:
        print(f"untranslated: {message!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
