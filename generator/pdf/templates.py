"""The Jinja environment of the PDF templates (theme/pdf) and the helpers they call.

Templates run with autoescape and StrictUndefined; a Markdown field goes through the `md` filter
(restricted and sanitized), cut past CAPS.text_chars with a line saying where the whole text is.
"""

from __future__ import annotations

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from generator import formats, measured, status_text
from generator.citation import Citer, configured_site_url
from generator.model import PILLAR_LABELS, Atlas, Hub, Territory
from generator.pdf.inputs import THEME_DIR
from generator.pdf.report import CAPS, capped, clip_text, more_text
from generator.text import render_markdown, safe_url


def environment(atlas: Atlas) -> Environment:
    """The templates of theme/pdf with the helpers they call (one per process, reused for every report)."""
    env = Environment(
        loader=FileSystemLoader(str(THEME_DIR)),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.do"],
    )
    citer = Citer(atlas, configured_site_url())

    def page_path(item: Territory | Hub) -> str:
        return citer.territory(item).path if isinstance(item, Territory) else citer.hub(item).path

    def site_link(item: Territory | Hub) -> Markup:
        """"voir le site" and the page's address (a link when the site's address is configured)."""
        path = page_path(item)
        if citer.site_url:
            url = citer.site_url + path
            return Markup('<a href="{0}">voir le site</a>, <span class="url">{0}</span>').format(url)
        return Markup('voir le site, page <span class="url">{0}</span>').format(path)

    def more(rest: int, kind: str, item: Territory | Hub) -> Markup:
        """The line after a capped list: `12 autres pôles : voir le site, page territoires/x/`."""
        if rest <= 0:
            return Markup("")
        return Markup('<p class="more">{0} : {1}</p>').format(more_text(rest, kind), site_link(item))

    def md_clipped(text: str | None, item: Territory | Hub) -> Markup:
        """A Markdown field, cut past CAPS.text_chars with a line saying where the whole text is."""
        clipped, rest = clip_text(text, CAPS.text_chars)
        html = Markup(render_markdown(clipped))
        if rest:
            html += Markup('<p class="more">Texte abrégé ({0} caractères de plus) : {1}</p>').format(
                formats.number(rest), site_link(item))
        return html

    env.filters["md"] = md_clipped
    env.globals.update(
        citation=citer,  # theme/pdf/_citation.html.j2
        caps=CAPS,
        capped=capped,
        more=more,
        more_text=more_text,
        site_link=site_link,
        vocab=atlas.vocabulary.label,
        territory_name=lambda tid: atlas.territories[tid].name if tid in atlas.territories else tid,
        hub_count=lambda tid: len(atlas.hubs_within(tid)),
        pillar_label=lambda key: PILLAR_LABELS.get(key, key),
        safe_url=safe_url,
        long_date=formats.long_date,
        number=formats.number,
        counted=lambda n, one, many: f"{formats.number(n)} {one if n == 1 else many}",
        score_text=measured.score_text,
        score_out_of=measured.score_out_of,
        rank_text=measured.rank_text,
        value_text=measured.value_text,
        level_word=measured.level_word,
        levels_word=measured.levels_word,
        of_level=measured.of_level,
        status_long=lambda h: status_text.status_long(atlas, h),
        year_fact=status_text.year_fact,
    )
    return env
