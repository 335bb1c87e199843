"""The Jinja environment of the PDF templates (theme/pdf) and the helpers they call.

Templates run with autoescape and StrictUndefined; a Markdown field goes through `md` (restricted
and sanitized), in the report's language when the sheet has it, cut past CAPS.text_chars with a line
saying where the whole text is. Strings are French in the templates, translated with the `_()` of
Jinja's i18n extension from the catalog of generator.pdf.words.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from generator import status_text, vocabulary
from generator.addresses import commune_name
from generator.citation import CONFIG_FILE, Citer, configured_site_url
from generator.homonyms import homonyms
from generator.model import PILLAR_SLUGS, Atlas, Hub, Territory
from generator.pdf.inputs import THEME_DIR
from generator.pdf.report import CAPS, capped, clip_text
from generator.pdf.words import Words
from generator.text import render_markdown, safe_url
from generator.typography import french_ordinals_html


def environment(atlas: Atlas, lang: str = "fr", config_file: Path = CONFIG_FILE) -> Environment:
    """The templates of theme/pdf with the helpers they call, in `lang` (one per Renderer, reused); the pages'
    addresses are the site's of `config_file` (the project's mkdocs.yml: a site of its own links to itself)."""
    w = Words(atlas, lang)
    _ = w._
    env = Environment(
        loader=FileSystemLoader(str(THEME_DIR)),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.do", "jinja2.ext.i18n"],
    )
    env.install_gettext_translations(w.catalog, newstyle=True)  # type: ignore[attr-defined]
    citer = Citer(atlas, configured_site_url(config_file), lang=w.lang)

    def page_path(item: Territory | Hub) -> str:
        return citer.territory(item).path if isinstance(item, Territory) else citer.hub(item).path

    def site_link(item: Territory | Hub) -> Markup:
        """"voir le site" and the page's address (a link when the site's address is configured)."""
        path = page_path(item)
        if citer.site_url:
            url = citer.site_url + path
            return Markup('<a href="{0}">{1}</a>, <span class="url">{0}</span>').format(url, _("voir le site"))
        return Markup('{1} <span class="url">{0}</span>').format(path, _("voir le site, page"))

    def more(rest: int, kind: str, item: Territory | Hub) -> Markup:
        """The line after a capped list: `12 autres lieux d’innovation : voir le site, page territoires/x/`."""
        if rest <= 0:
            return Markup("")
        return Markup('<p class="more">{0} : {1}</p>').format(w.more_text(rest, kind), site_link(item))

    def md(obj: Any, name: str, item: Territory | Hub) -> Markup:
        """The Markdown field `name` of `obj` (a sheet or a pillar) in the report's language, else in
        French marked as such; cut past CAPS.text_chars with a line saying where the whole text is."""
        text, text_lang = w.field(obj, name)
        clipped, rest = clip_text(text, CAPS.text_chars)
        html = Markup(render_markdown(clipped))
        if text_lang != w.lang:
            html = Markup('<div lang="{0}">{1}</div>').format(text_lang, html)
        if rest:
            html += Markup('<p class="more">{0} : {1}</p>').format(
                _("Texte abrégé (%(n)s caractères de plus)") % {"n": w.number(rest)}, site_link(item))
        return html

    def vocab(name: str, key: str) -> Markup:
        """A hub type's, service's, theme's or network's label: its `en:` label in an English report, as on
        the English site; else the French one, marked French there."""
        return marked(*vocabulary.entry_text(atlas.vocabulary, name, key, w.lang))

    def indicator(ind: Any, part: str = "label") -> Markup:
        """An indicator's label or definition: its `en:` version in an English report, as on the English site;
        else the French one, marked French there."""
        return marked(*vocabulary.indicator_text(ind, w.lang, part))

    def ordinals(shown: str) -> Markup:
        """A rank or a date the report wrote, its French ordinals raised (`290<sup>e</sup>`, `1<sup>er</sup>`)."""
        return Markup(french_ordinals_html(str(Markup.escape(shown)), w.lang))

    def marked(shown: str | None, lang: str) -> Markup:
        return w.fr_text(shown) if lang == "fr" else Markup("{0}").format(shown)

    env.globals.update(
        indicator=indicator,
        w=w,  # generator.pdf.words: the report's language (terms, numbers, dates, ranks, statuses)
        lang=w.lang,
        citation=citer,  # theme/pdf/_citation.html.j2
        caps=CAPS,
        capped=capped,
        more=more,
        md=md,
        fr=w.fr_text,
        note=w.note_text,  # a fact's note, in English when the importer wrote it
        ordinals=ordinals,
        site_link=site_link,
        vocab=vocab,
        # « CC des Quatre Rivières (Haute-Savoie) » where two territories of one name may be listed together
        territory_name=lambda tid: (homonyms(atlas, w.lang).get(tid) or atlas.territories[tid].name
                                    if tid in atlas.territories else tid),
        tname=lambda t: homonyms(atlas, w.lang).get(t.id) or t.name,
        hub_count=lambda tid: len(atlas.hubs_within(tid)),
        commune_name=commune_name,  # the COG's official name of a hub's commune
        safe_url=safe_url,
        status_long=w.status_long,
        year_fact=status_text.year_fact,
        pillar_slug=PILLAR_SLUGS.__getitem__,  # the pillars' sections: `t-doubs-pilier-sante`, as on the site
    )
    return env
