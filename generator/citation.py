"""How to cite a sheet of the atlas: a suggested citation, BibTeX and CSL-JSON, from one record.

The site pages ("Citer cette fiche") and the PDF reports show the same citation, so it is made
here once. It names the edition (the atlas date) and, when `site_url` is configured in mkdocs.yml,
the page's stable address (directory URLs: `territoires/<id>/`, `hubs/<id>/`); without it the
citation gives the page's path on the site rather than invent an address. Every string that comes
from a sheet is escaped for the format it lands in (BibTeX braces and specials, JSON, HTML).

The English citation keeps French words (the atlas's title, the sheet's name, its territory's): the page
and the PDF mark them `lang="fr"` (WCAG 3.1.2), as they mark every French value of an English page.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

from generator import formats, text
from generator.errors import AtlasError
from generator.model import Atlas, Hub, Territory
from generator.project import SHIPPED_CONFIG, read_config

ATLAS_TITLE = "Atlas des territoires de demain"
CONFIG_FILE = SHIPPED_CONFIG
_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "#": r"\#",
                   "_": r"\_", "$": r"\$", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_BIBTEX_RE = re.compile("|".join(re.escape(k) for k in _BIBTEX_SPECIAL))
# verbatim text inside raw HTML of a Markdown page: markup and the characters Markdown extensions read.
# Quotes stay as they are: outside a tag they end nothing, and no extension of the site reads them (a
# CSL-JSON block has about 36: `&quot;` cost 0.2 KB on each of the France tree's 11,000 pages)
_PRE_TABLE = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;",
              **{ord(ch): f"&#{ord(ch)};" for ch in "{}|$\\`*_[]"}}
# where French words start and end in an English citation: two private-use characters, which no escape of this
# module changes, taken out of the sheet's words they mark (so a sheet cannot write one); the plain forms leave
# them out, the marked ones make them spans once escaped
_FR, _END = "\ue000", "\ue001"
_HTML_TABLE = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"}


def _unmarked(value: str) -> str:
    return value.replace(_FR, "").replace(_END, "")


def _spans(escaped: str) -> Markup:
    return Markup(escaped.replace(_FR, '<span lang="fr">').replace(_END, "</span>"))


@dataclass(frozen=True)
class Citation:
    """One sheet's citation in three forms (plain text; BibTeX and CSL-JSON as text to show verbatim)."""

    marked_text: str  # the three forms with their French words between marks (none in the French edition)
    marked_bibtex: str
    marked_csl_json: str
    url: str | None  # absolute, or None when the site's address is not configured
    path: str        # the page's URL path inside the site, e.g. territoires/doubs/

    @property
    def text(self) -> str:
        return _unmarked(self.marked_text)

    @property
    def bibtex(self) -> str:
        return _unmarked(self.marked_bibtex)

    @property
    def csl_json(self) -> str:
        return _unmarked(self.marked_csl_json)

    def page_text(self) -> Markup:
        """The sentence as Markdown text for a page, its French words in `<span lang="fr">` (English edition)."""
        return _spans(text.md_text(self.marked_text))

    def html_text(self) -> Markup:
        """The sentence as HTML (the PDF reports), its French words in `<span lang="fr">` (English edition)."""
        return _spans(self.marked_text.translate(_HTML_TABLE))

    def pre(self, form: str, table: dict[int, str] = _PRE_TABLE) -> Markup:
        """`bibtex` or `csl_json` escaped for a `<pre>` in raw HTML (lines kept, nothing interpreted; `table`:
        the PDF's HTML needs only `&<>` escaped), its French words in `<span lang="fr">` (English edition)."""
        body = {"bibtex": self.marked_bibtex, "csl_json": self.marked_csl_json}.get(form, "")
        return _spans("\n".join(line.translate(table) for line in body.splitlines() if line.strip()))

    def pdf_pre(self, form: str) -> Markup:
        """`bibtex` or `csl_json` for the `<pre>` of a PDF report (HTML: only `&<>` escaped)."""
        return self.pre(form, _HTML_TABLE)


def normalise_site_url(value: Any) -> str | None:
    """The configured site address as `https://host/path/`, or None if absent or not an http(s) URL."""
    url = text.safe_url(value) if value else None
    return url.rstrip("/") + "/" if url else None


@lru_cache(maxsize=4)
def configured_site_url(config_file: Path = CONFIG_FILE) -> str | None:
    """`site_url` of mkdocs.yml, for the PDF reports (which do not get the site's configuration)."""
    try:
        data = read_config(config_file)  # the one reading of mkdocs.yml
    except AtlasError:
        return None
    return normalise_site_url(data.get("site_url"))


def bibtex_text(value: object) -> str:
    """A BibTeX field value: one line, specials escaped, so no sheet text can close the field."""
    return _BIBTEX_RE.sub(lambda m: _BIBTEX_SPECIAL[m.group(0)], text.plain(value))


class Citer:
    """Makes the citations of one atlas (the edition date and site address are the same for all).

    `lang="en"` cites the English edition (pages under `en/`, English words; the atlas keeps its title).
    """

    def __init__(self, atlas: Atlas, site_url: str | None = None, lang: str = "fr") -> None:
        self.atlas = atlas
        self.site_url = normalise_site_url(site_url)
        self.lang = lang
        self._en = lang == "en"

    def _fr(self, words: str) -> str:
        """French words (a name, the atlas's title) marked as such in the English citation."""
        return f"{_FR}{_unmarked(words)}{_END}" if self._en else words

    def territory(self, t: Territory) -> Citation:
        if self._en:
            kind = "territory sheet" if t.level != "epci" else "territory sheet (intercommunality)"
        else:
            kind = "fiche territoire" if t.level != "epci" else "fiche territoire (intercommunalité)"
        return self._make("territoire", t.id, t.name, kind, f"territoires/{t.id}/", t.updated)

    def hub(self, h: Hub) -> Citation:
        where = self.atlas.territories.get(h.territory_id)
        kind = ("hub sheet" if self._en else "fiche lieu") + (
            f", {self._fr(text.plain(where.name))}" if where is not None else "")
        return self._make("lieu", h.id, h.name, kind, f"hubs/{h.id}/", h.updated)

    def whole_atlas(self) -> Citation:
        return self._make("atlas", "atlas", ATLAS_TITLE, "whole atlas" if self._en else "atlas complet", "",
                          self.atlas.as_of)

    def _make(self, kind: str, ident: str, name: str, what: str, path: str, updated: date) -> Citation:
        as_of = self.atlas.as_of
        edition = formats.long_date(as_of, lang=self.lang)
        if self._en:
            path = "en/" + path
        url = self.site_url + path if self.site_url else None
        title = self._fr(text.plain(name))
        atlas_title = self._fr(ATLAS_TITLE)
        if self._en:
            where = url if url else f"page {path} of the atlas site"
            sentence = (f"{atlas_title}, “{title}” ({what}, updated {formats.long_date(updated, lang='en')}), "
                        f"edition of {edition}, {where}.")
            if kind == "atlas":
                sentence = f"{atlas_title}, edition of {edition}, {where}."
        else:
            where = url if url else f"page {path or 'd’accueil'} du site de l’atlas"
            sentence = (f"{ATLAS_TITLE}, « {title} » ({what}, mise à jour le {formats.long_date(updated)}), "
                        f"édition du {edition}, {where}.")
            if kind == "atlas":
                sentence = f"{ATLAS_TITLE}, édition du {edition}, {where}."
        key = f"atlas-tdd-{ident}-{as_of.isoformat()}"
        note = f"{what}, {'edition of' if self._en else 'édition du'} {edition}"
        fields = [("title", title), ("author", atlas_title), ("year", str(as_of.year)),
                  ("date", as_of.isoformat()), ("note", note)]
        if kind != "atlas":
            fields.insert(2, ("organization", atlas_title))
        if url:
            fields.append(("url", url))
        fields.append(("language", "english" if self._en else "french"))
        bibtex = "@misc{" + key + ",\n" + "".join(
            f"  {name} = {{{{{bibtex_text(value)}}}}},\n" if name in ("title", "author")
            else f"  {name} = {{{bibtex_text(value)}}},\n" for name, value in fields) + "}"
        csl: dict[str, Any] = {"id": key, "type": "webpage" if kind != "atlas" else "dataset", "title": title,
                               "author": [{"literal": atlas_title}],
                               "issued": {"date-parts": [[as_of.year, as_of.month, as_of.day]]},
                               "language": self.lang, "note": note}
        if kind != "atlas":
            csl["container-title"] = atlas_title
        if url:
            csl["URL"] = url
        csl_json = "[{\n" + ",\n".join(f"  {json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}"
                                        for k, v in csl.items()) + "\n}]"
        return Citation(marked_text=sentence, marked_bibtex=bibtex, marked_csl_json=csl_json, url=url, path=path)

