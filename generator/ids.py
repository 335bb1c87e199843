"""What an id of the atlas is, written once: the slug pattern, its length, the reserved ids, slugify.

A territory's id is its folder's name and a hub's its file's stem; they become page paths and
anchors. The validator, `atlas new`, the importers, the JSON Schema, the reference page and the
page templates all read these names, so an id one of them accepts is accepted by all.
"""

from __future__ import annotations

import re
import unicodedata

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SLUG = re.compile(SLUG_PATTERN)
MAX_ID_LENGTH = 80

# The ids the format reserves for the site's own pages (fact-sheets.md, "Rules that make a sheet invalid").
FORMAT_RESERVED_IDS = frozenset({
    "index", "assets", "search", "404", "sitemap", "pdf", "data", "hubs", "territoires", "territories",
})
# The ids this project reserves as well (the format allows it, the contributor guide lists them): folders
# of the generated site and names of its data files; site/pdf/atlas.pdf is the whole-atlas report.
RESERVED_IDS = FORMAT_RESERVED_IDS | frozenset({
    "stylesheets", "javascripts", "pictures", "schema", "methodologie", "contribuer", "qualite",
    "comparaison", "reseau", "piliers", "index-par", "a-propos", "licences", "donnees", "vocabulary",
    "sources", "atlas",
})


def is_id(text: str) -> bool:
    """A well-formed id (a slug of at most MAX_ID_LENGTH characters); reserved ids are well-formed."""
    return len(text) <= MAX_ID_LENGTH and SLUG.match(text) is not None


def slugify(text: str) -> str:
    """The id rule of the atlas from free text (`Rennes Métropole` -> `rennes-metropole`): ASCII, lower
    case, words joined by '-', at most 80 characters. Used by `atlas import`, `atlas new` and hints."""
    text = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae").replace("ß", "ss")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:MAX_ID_LENGTH].rstrip("-")
