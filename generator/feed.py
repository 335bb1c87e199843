"""The Atom feed of the sheets updated (`flux.xml`): newest first, dated by each sheet's `updated`.

Valid Atom 1.0 (RFC 4287): a feed id, title, updated and author; each entry an id, a title, an
updated date, links to the page and to its API document, and a summary. Entry ids are stable
`urn:uuid:` names derived from the page's path (no domain is claimed); links are absolute when the
site's address (`site_url`) is set, else relative to the feed, which sits at the site's root.
Every sheet string is XML-escaped and stripped of characters XML 1.0 forbids, so a `<script>` or a
`]]>` in a name is text. No clock is read: the feed is as old as its newest sheet.
"""

from __future__ import annotations

import re
import uuid
from datetime import date

from generator import formats, text, vocabulary
from generator.citation import ATLAS_TITLE, normalise_site_url
from generator.homonyms import homonyms
from generator.model import Atlas
from generator.outputs import Output

FEED_PATH = "flux.xml"
FEED_MAX = 100  # entries: a reader wants the latest changes, not the 2,900 sheets of the atlas
_NAMESPACE = uuid.UUID("6f1c3e36-8a4e-5f0e-9c39-4d3c2b1a0f57")  # this atlas's own namespace for entry ids
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(value: object) -> str:
    """A sheet string as XML character data: one line, markup escaped, forbidden characters dropped."""
    return _escape(_NOT_XML.sub("", text.plain(value)))


def xml_attr(value: object) -> str:
    """A value for an XML attribute, quoted."""
    return _quoteattr(_NOT_XML.sub("", text.plain(value)))


# xml.sax.saxutils' escape and quoteattr, written out: importing that module imports urllib.request, http.client
# and ssl (0.02 s of every build that writes the feed); tests/test_publishing.py checks both give its answers
def _escape(data: str) -> str:
    return data.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def _quoteattr(data: str) -> str:
    data = _escape(data).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in data:
        return f'"{data}"'
    if "'" not in data:
        return f"'{data}'"
    return '"{}"'.format(data.replace('"', "&quot;"))


def entry_id(path: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, path)}"


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def feed_entries(atlas: Atlas) -> list[tuple[date, str, str, str, str, str]]:
    """(updated, kind, id, title, page path, API path) of every sheet, newest first (then by kind and id)."""
    told = homonyms(atlas)  # « CC des Quatre Rivières (Haute-Savoie) »: two entries of one name told apart
    rows = [(t.updated, "territoire", t.id, told.get(t.id, t.name), f"territoires/{t.id}/",
             f"api/territoires/{t.id}.json") for t in atlas.territories.values()]
    rows += [(h.updated, "lieu", h.id, h.name, f"hubs/{h.id}/", f"api/lieux/{h.id}.json") for h in atlas.hubs.values()]
    rows.sort(key=lambda r: (-r[0].toordinal(), r[1], r[2]))
    return rows


def atom_feed(atlas: Atlas, site_url: str | None = None, limit: int = FEED_MAX) -> bytes:
    """The feed as UTF-8 bytes (deterministic)."""
    base = normalise_site_url(site_url) or ""
    rows = feed_entries(atlas)[:limit]
    newest = rows[0][0] if rows else atlas.as_of
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">',
        f"  <id>{entry_id('flux.xml') if not base else xml_text(base + FEED_PATH)}</id>",
        f"  <title>{xml_text(ATLAS_TITLE)} : fiches mises à jour</title>",
        f"  <subtitle>Les {len(rows)} fiches de territoires et de lieux d’innovation mises à jour le plus "
        "récemment.</subtitle>",
        f"  <updated>{_stamp(newest)}</updated>",
        f"  <author><name>{xml_text(ATLAS_TITLE)}</name></author>",
        f"  <link rel=\"self\" type=\"application/atom+xml\" href={xml_attr(base + FEED_PATH)}/>",
        f"  <link rel=\"alternate\" type=\"text/html\" href={xml_attr(base or './')}/>",
        "  <rights>Données sous Licence Ouverte 2.0 (Etalab)</rights>",
    ]
    told = homonyms(atlas)
    for updated, kind, ident, name, page, api in rows:
        if kind == "territoire":
            # its level as its page and the lists name it (Saint-Martin: « collectivité d'outre-mer », not
            # « commune »), its acronyms kept (« intercommunalité (epci) » before)
            territory = atlas.territories[ident]
            level = vocabulary.in_running_text(vocabulary.territory_level_label(territory.level, territory.code))
            what = f"Fiche du territoire {text.plain(territory.name)} ({level})"
        else:
            hub = atlas.hubs[ident]
            place = atlas.territories.get(hub.territory_id)
            where = f", {text.plain(told.get(place.id, place.name))}" if place else ""
            what = f"Fiche du lieu {text.plain(name)}{where}"
        lines += [
            "  <entry>",
            f"    <id>{entry_id(page)}</id>",
            f"    <title>{xml_text(name)}</title>",
            f"    <updated>{_stamp(updated)}</updated>",
            f"    <link rel=\"alternate\" type=\"text/html\" href={xml_attr(base + page)}/>",
            f"    <link rel=\"alternate\" type=\"application/json\" href={xml_attr(base + api)}/>",
            f"    <category term={xml_attr(kind)}/>",
            f"    <summary>{xml_text(what)}, mise à jour le {xml_text(formats.long_date(updated))}.</summary>",
            "  </entry>",
        ]
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def feed_outputs(atlas: Atlas, site_url: str | None = None) -> list[Output]:
    """`flux.xml`, declaring the sheets of its entries as sources."""
    paths = {atlas.territories[i].path if k == "territoire" else atlas.hubs[i].path
             for _, k, i, *_ in feed_entries(atlas)[:FEED_MAX]}
    return [Output(FEED_PATH, atom_feed(atlas, site_url), tuple(sorted(paths)))]
