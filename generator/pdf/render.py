"""HTML to PDF: one Renderer per process renders a territory's report or a volume of the atlas.

Templates, stylesheets, fonts and the URL fetcher are loaded once and reused. A restricted fetcher
refuses anything outside the theme and the private build folder, so a report never touches the
network. Reports are tagged PDF/UA by default (`--pdf-variant` for PDF/A), in French with French
spacing, or in English (`lang="en"`: the document's language, its words and the sheets' `en:` texts).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from generator import measured
from generator.citation import CONFIG_FILE
from generator.homonyms import homonyms
from generator.model import Atlas
from generator.pdf.inputs import ATLAS_PICTURE_LEVELS, FONT_FACES, THEME_DIR, PictureRef
from generator.pdf.report import atlas_chapters
from generator.pdf.templates import environment
from generator.pdf.views import territory_view
from generator.pdf.volumes import volume_rows
from generator.pdf.words import Words


class Renderer:
    """One per process: templates, stylesheets, fonts and the fetcher are loaded once and reused."""

    def __init__(self, atlas: Atlas, build_dir: Path, pictures: Mapping[str, PictureRef], variant: str,
                 scores: measured.Scores | None = None, lang: str = "fr", config_file: Path = CONFIG_FILE) -> None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        from generator.pdf.fetcher import LocalFetcher
        from generator.pdf.tagging import tag_element_languages

        # WeasyPrint's errors (a refused URL, an image that can't be read) stay visible; its
        # warnings about CSS it ignores are noise for the people building reports.
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        self.atlas = atlas
        self.scores = scores if scores is not None else measured.scores_of(atlas)
        self.build_dir = build_dir
        self.pictures = dict(pictures)
        self.variant = variant
        self.words = Words(atlas, lang)
        self.lang = self.words.lang
        self.env = environment(atlas, self.lang, config_file)
        tag_element_languages()  # lang="fr" inside an English report reaches the structure tree
        self.fetcher = LocalFetcher([THEME_DIR, build_dir])
        self.fonts = FontConfiguration()
        faces = "\n".join(
            f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: {style}; '
            f'src: url("fonts/{name}"); }}'
            for family, weight, style, name in FONT_FACES
        )
        self.stylesheets = [
            CSS(string=faces, base_url=_dir_url(build_dir), url_fetcher=self.fetcher, font_config=self.fonts),
            CSS(filename=str(THEME_DIR / "report.css"), url_fetcher=self.fetcher, font_config=self.fonts),
        ]
        if self.lang != "fr":  # the running footer of report.css, in the report's language
            self.stylesheets.append(CSS(string=self._footer_css(), font_config=self.fonts))

    def _footer_css(self) -> str:
        _ = self.words._
        footer, page, of = _("Atlas des territoires de demain — édition du"), _("page"), _("sur")
        return (f'@page {{ @bottom-left {{ content: "{footer} " string(edition); }} '
                f'@bottom-right {{ content: "{page} " counter(page) " {of} " counter(pages); }} }}')

    def _page(self, template: str, **context: Any) -> str:
        as_of = self.atlas.as_of
        return self.env.get_template(template).render(
            edition=self.words.long_date(as_of), as_of_iso=as_of.isoformat(), **context)

    def territory_html(self, territory_id: str) -> str:
        """The HTML of one territory's report (escaped, before French spacing)."""
        territory = self.atlas.territories[territory_id]
        w, _ = self.words, self.words._
        view = territory_view(self.atlas, territory, self.pictures, scores=self.scores, words=w)
        level = w.level_word(territory.level) if territory.level != "epci" else _("intercommunalité")
        # the document's title names a homonym as the site's lists do: « Guadeloupe (département) »
        told = homonyms(self.atlas, self.lang).get(territory.id, territory.name)
        return self._page(
            "territory.html.j2",
            v=view,
            title=_("%(name)s — état des lieux") % {"name": told},
            description=_("État des lieux de %(name)s (%(level)s) dans l’atlas des territoires de demain")
            % {"name": territory.name, "level": level},
            body_class="report",
        )

    def volume_html(self, region_id: str | None) -> str:
        """The HTML of one volume of the atlas: a région's (`region_id`) or the national one (None).

        A WeasyPrint layout holds every page of its document in memory, so the whole atlas of a
        national edition (about 1.5 MiB a page, 10 GB at 1,375 territories) is printed as one
        volume per région, each a tagged PDF of its own with its outline, plus a national volume:
        the map, the list of volumes and the territories that have no région.
        """
        chapters = []
        no_pictures: dict[str, PictureRef] = {}
        all_chapters = atlas_chapters(self.atlas)
        for region, entries in all_chapters:
            if (region.id if region is not None else None) != region_id:
                continue
            views = [territory_view(self.atlas, e.territory,
                                    self.pictures if e.territory.level in ATLAS_PICTURE_LEVELS else no_pictures,
                                    e.depth, self.scores, single=False, words=self.words) for e in entries]
            if region is not None:
                chapters.append(SimpleNamespace(region=region, id=f"t-{region.id}", title=region.name,
                                                views=views, toc_views=views[1:]))
            else:
                chapters.append(SimpleNamespace(region=None, id="autres-territoires",
                                                title=self.words._("Autres territoires"),
                                                views=views, toc_views=views))
        # the cover counts what the volume covers: its région, or the whole atlas for the national one
        covered = [e.territory for r, entries in all_chapters for e in entries
                   if region_id is None or (r is not None and r.id == region_id)]
        ids = {t.id for t in covered}
        hub_ids = {h.id for h in self.atlas.hubs.values() if h.territory_id in ids}
        counts = SimpleNamespace(
            territories=len(covered), hubs=len(hub_ids),
            partnerships=sum(1 for a, b in self.atlas.partnerships if a in hub_ids or b in hub_ids),
            without_pictures=sum(t.level not in ATLAS_PICTURE_LEVELS for t in covered))
        region = self.atlas.territories[region_id] if region_id is not None else None
        _ = self.words._
        title = "Atlas des territoires de demain" + (f" — {region.name}" if region else "")
        return self._page(
            "atlas.html.j2",
            chapters=chapters,
            counts=counts,
            region=region,
            volumes=[] if region else volume_rows(self.atlas, self.lang),
            home_map=None if region else self.pictures.get("home/map"),
            title=title,
            description=(_("L’atlas des territoires de demain, volume %(region)s : territoires, lieux "
                           "d’innovation et partenariats") % {"region": region.name} if region else
                         _("L’atlas des territoires de demain, volume national : carte, volumes régionaux "
                           "et territoires hors région")),
            body_class="atlas",
        )

    def atlas_html(self) -> str:
        """The national volume (see volume_html)."""
        return self.volume_html(None)

    def render(self, source: str) -> bytes:
        """HTML -> PDF bytes, with French spacing applied to the parsed text nodes only (of a French
        report: an English one keeps English spacing, its French quotations included)."""
        from generator.pdf.engine import lean_html
        from generator.pdf.tagging import has_element_languages, languages_needed
        from generator.typography import apply_french_spacing

        document = lean_html(string=source, base_url=_dir_url(self.build_dir), url_fetcher=self.fetcher)
        break_long_runs(document.etree_element)
        if self.lang == "fr":
            apply_french_spacing(document.etree_element)
        languages_needed(has_element_languages(document.etree_element))
        return document.write_pdf(
            stylesheets=self.stylesheets,
            font_config=self.fonts,
            pdf_variant=self.variant,
            pdf_tags=True,  # tagged in every variant: PDF/A-3u is archival, not accessible, on its own
        )

    def territory_pdf(self, territory_id: str) -> bytes:
        return self.render(self.territory_html(territory_id))

    def atlas_pdf(self) -> bytes:
        return self.render(self.atlas_html())

    def volume_pdf(self, region_id: str | None) -> bytes:
        return self.render(self.volume_html(region_id))


def _dir_url(folder: Path) -> str:
    return folder.resolve().as_uri() + "/"


# A run of text without a break longer than LONG_RUN characters (a hub named with one word of 5,600 letters) gets a
# break opportunity, a zero-width space, every LONG_RUN_STEP characters: WeasyPrint breaks such a word in a narrow
# table cell by trying each line's length anew, in a time that grows with the square of its length (30 s for 840
# letters, more than 10 min for 5,600); with places to break at, it lays out one line at a time. The words and
# names of real sheets are shorter and print as they are; so do addresses (the elements of class "url").
LONG_RUN = 80
LONG_RUN_STEP = 40
_LONG_RUN = re.compile(rf"[^\s\u200b]{{{LONG_RUN + 1},}}")


def _breakable(text: str) -> str:
    return _LONG_RUN.sub(lambda m: "\u200b".join(m.group()[i:i + LONG_RUN_STEP]
                                                 for i in range(0, len(m.group()), LONG_RUN_STEP)), text)


def break_long_runs(root: Any) -> None:
    """Rewrite, in place, the text nodes under `root` (element text and tails, never a tag or an attribute) so
    that no run longer than LONG_RUN characters is left without a place to break, except in addresses."""

    def walk(element: Any, in_url: bool) -> None:
        inside = in_url or "url" in (element.get("class") or "").split() or not isinstance(element.tag, str) \
            or element.tag.rsplit("}", 1)[-1] in ("style", "script", "head")
        if not inside and element.text and len(element.text) > LONG_RUN:
            element.text = _breakable(element.text)
        for child in element:
            walk(child, inside)
            if not inside and child.tail and len(child.tail) > LONG_RUN:
                child.tail = _breakable(child.tail)

    walk(root, False)
