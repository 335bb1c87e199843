"""The English edition of the site: the same page kinds, in English, under `en/` of the docs folder.

The French site is the atlas; the English edition proves the locale layer. It is written into
`en/` of the same docs folder (mkdocs.yml's `exclude_docs` keeps it out of the French build) and
built by the engine on its own, with `english_config` (`theme.language: en`), into `en/` of the
site. English URLs keep the French slugs, so every page has its twin at the same path under `/en/`
(the language switcher and the `hreflang` links rely on it).

What is in English: the page kinds listed in TRANSLATED (their words from the site catalog
generator/locale/en/LC_MESSAGES/site.po and from generator.vocabulary), the `en:` blocks of the
sheets, the fixed lists (levels, pillars, statuses), the numbers and dates (en_GB). What is not:
sheet text without an `en:` version and the other page kinds, published in French and marked
`lang="fr"` (a note at the top of such a page says so). Files (pictures, data, sheet copies, PDFs)
are not copied: the English pages link to the French site's copy.
"""

from __future__ import annotations

import copy
import dataclasses
import posixpath
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from generator import text
from generator.citation import Citer
from generator.model import Atlas
from generator.opendata import DATA_DIR
from generator.outputs import Output
from generator.page_parts import mark_french
from generator.pages import SHARED_KINDS, Pages, SiteOptions
from generator.site_templates import EN_PREFIX, gettext_for, relative_href

LANG = "en"
# the page kinds in English (with every territory and hub page); the others are published in French
TRANSLATED = frozenset({"home", "territories", "hubs", "explore-data", "explore-territories", "pillars", "pillar",
                        "comparison-index", "comparison", "map", "status", "vocabulary", "quality",
                        "network", "network-region", "indicators", "methodology",
                        "reference", "accessibility"})  # and the open-data page (english_pages)
ASSETS_PREFIX = "assets/atlas"


def english_pages(atlas: Atlas, options: SiteOptions, pictures: Mapping[str, Any],
                  schemas: Mapping[str, dict] | None, scores: Any,
                  wanted: Callable[[str], bool] | None = None, cache: Any = None,
                  site_url: str | None = None, french_outputs: Sequence[Output] = (), jobs: int = 1,
                  content_dir: Path | None = None) -> list[Output]:
    """Every page of the English edition (the open-data page from the French edition's data files), at
    its French path (without the `en/` prefix); with `wanted`,
    only the territory and hub pages whose path it accepts (the pages remade in French). With `cache`
    (generator.site.PageCache, B's), the sheet pages whose inputs did not change are read back. The home
    page's introduction is content/en/index.md when `content_dir` has it (else the site catalog's)."""
    intro = english_content(content_dir, "index.md") if options.intro is not None else None
    if intro is not None:
        options = dataclasses.replace(options, intro=intro[0])
    english = Pages(atlas, options, english_pictures(pictures), schemas, scores, lang=LANG)
    english.env.globals["intro_in_english"] = intro is not None
    english.file_prefix = EN_PREFIX
    # its pages cite the English edition (their own address, English words)
    english.env.globals["citation"] = Citer(atlas, site_url, lang=LANG)
    french: Pages | None = None  # made for a kind not translated yet, if any (every kind is translated today)
    outs: list[Output] = []
    # attached before the shared pages: the cache records what they place and keeps them too
    cached = None if cache is None else cache.attach(
        english, site_url, None if wanted is None else (lambda path, _sources: wanted(path)), prefix=EN_PREFIX)
    for kind in SHARED_KINDS:
        if kind.name in TRANSLATED:
            outs += english.shared_pages(kind)
        else:
            french = french or _untranslated(Pages(atlas, options, pictures, schemas, scores))
            outs += french.shared_pages(kind)
    # no redirects from the pillars' former addresses (explore.redirect_outputs): the edition is new; a hub's
    # former address was one in English too
    outs += english.moved_hub_outputs()
    inside, copies = f"{DATA_DIR}/", f"{DATA_DIR}/fiches/"  # 22,000 outputs looked at: string tests only
    data = [o for o in french_outputs if o.path.startswith(inside) and "/" not in o.path[len(inside):]
            and not o.path.endswith(".md")]
    if data:
        sheets = sum(1 for o in french_outputs if o.path.startswith(copies))
        outs.append(english.opendata_page(data, sheets))
    english.jobs = jobs
    outs += english.sheet_pages(english.sheet_todo(
        cached if cached is not None else None if wanted is None else lambda path, _sources: wanted(path)))
    return outs if cache is None else cache.complete(outs, EN_PREFIX)


def _untranslated(french: Pages) -> Pages:
    """French pages published in the English edition (a kind not translated yet), marked lang="fr"."""
    french.file_prefix = EN_PREFIX
    french.untranslated = True
    french.env.globals["edition_lang"] = LANG  # its links to files go to the French site's copy
    return french


def english_pictures(pictures: Mapping[str, Any]) -> dict[str, Any]:
    """The pictures as the English pages place them: under each French key, its English twin (`en/<key>`:
    English words; its own drawing, or the French file when the drawing has no words), else the French one."""
    prefix = LANG + "/"
    shown = {key: pic for key, pic in pictures.items() if not key.startswith(prefix)}
    shown.update((key[len(prefix):], pic) for key, pic in pictures.items() if key.startswith(prefix))
    return shown


def english_outputs(atlas: Atlas, options: SiteOptions, pictures: Mapping[str, Any],
                    schemas: Mapping[str, dict] | None, scores: Any, french: list[Output],
                    wanted: Callable[[str, set[str]], bool] | None = None, cache: Any = None,
                    site_url: str | None = None, jobs: int = 1, content_dir: Path | None = None) -> list[Output]:
    """The English edition's files, under `en/`: its pages, the French site's open-data page, the
    hand-written pages in English where `content_dir` has their English counterpart (`en/` of it:
    content/en/a-propos.md for content/a-propos.md), else in French and marked so, and the site's own
    CSS and scripts (`french`: the French edition's outputs, from which those are taken)."""
    remade = {o.path for o in french}  # `atlas serve`: the sheet pages the French edition remade
    pages = english_pages(atlas, options, pictures, schemas, scores,
                          None if wanted is None else remade.__contains__, cache, site_url, french, jobs, content_dir)
    made = {o.path for o in pages}
    for out in french:
        if out.path in made:
            continue
        if out.path.startswith(ASSETS_PREFIX + "/"):
            pages.append(out)
        elif out.path.endswith(".md"):
            # content/ (a-propos, contribuer, licences, methodologie): its English counterpart, else French
            english = english_content(content_dir, out.path)
            if english is not None:
                page, sources = _unlinked(english[0], out.path), english[1]
            else:
                page, sources = mark_french(_unlinked(out.data.decode("utf-8"), out.path)), out.sources
            pages.append(Output(out.path, page.encode("utf-8"), sources))
    return [o.moved(EN_PREFIX + o.path) for o in pages]


def english_content(content_dir: Path | None, path: str) -> tuple[str, tuple[str, ...]] | None:
    """The English counterpart of the hand-written page `path` of content/ (`content/en/<path>`), with
    its source path; None when there is none (the French page is published, marked French)."""
    if content_dir is None:
        return None
    page = content_dir / EN_PREFIX.rstrip("/") / path
    if not page.is_file() or page.is_symlink():
        return None
    return page.read_text(encoding="utf-8"), (page.relative_to(content_dir.parent).as_posix(),)


def _unlinked(page: str, page_path: str) -> str:
    """A French page copied as it is: its relative links to files (not pages) would point inside the
    English docs folder, where they are not; they become raw links to the French site's copy. MkDocs
    checks the links that remain (`--strict`)."""

    def fix(match: re.Match[str]) -> str:
        target = match.group(2)
        if "://" in target or target.startswith(("#", "mailto:")) or target.split("#")[0].endswith(".md"):
            return match.group(0)
        in_docs = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), target))
        return f'<a href="{text.attr(relative_href(EN_PREFIX + page_path, in_docs))}">{match.group(1)}</a>'

    return _MD_LINK.sub(fix, page)


_MD_LINK = re.compile(r"(?<!!)\[([^\]\n]+)\]\(([^)\s]+)\)")


def english_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """mkdocs.yml for the English edition: English theme and search, English navigation titles (same
    pages), no `exclude_docs` (its docs folder is `en/`), the language switcher pointing home, and
    `site_url` + `en/` as its address (its pages are there: with the French address, their canonical
    links and sitemap named the French pages, and its error page led to the French site)."""
    _ = gettext_for(LANG)
    derived = copy.deepcopy(dict(config))
    derived.pop("exclude_docs", None)
    derived["site_description"] = _("site-description")
    theme = dict(derived.get("theme") or {})
    theme["language"] = LANG
    palettes = []
    for palette in theme.get("palette") or []:
        palette = dict(palette)
        if isinstance(palette.get("toggle"), dict):
            palette["toggle"] = {**palette["toggle"], "name": _(palette["toggle"].get("name", ""))}
        palettes.append(palette)
    if palettes:
        theme["palette"] = palettes
    derived["theme"] = theme
    plugins = []
    for plugin in derived.get("plugins") or []:
        if isinstance(plugin, dict) and "search" in plugin:
            plugin = {"search": {**(plugin["search"] or {}), "lang": LANG}}
        plugins.append(plugin)
    derived["plugins"] = plugins
    if derived.get("site_url"):  # its pages' address: canonical links, sitemap, the error page's links (main.html)
        derived["site_url"] = str(derived["site_url"]).rstrip("/") + f"/{LANG}/"
    extra = dict(derived.get("extra") or {})
    extra["edition"] = LANG
    derived["extra"] = extra
    if "nav" in derived:
        derived["nav"] = _nav(derived["nav"], _)
    return derived


# the hand-written pages (content/, in French) listed without a title: MkDocs would take their French
# heading for the English navigation
CONTENT_TITLES = {"a-propos.md": "About the atlas", "methodologie.md": "Methodology",
                  "contribuer.md": "Contributing", "licences.md": "Licences and credits"}


def _nav(items: Any, _: Callable[[str], str]) -> Any:
    """The navigation with its titles in English (the paths are the same)."""
    if isinstance(items, list):
        return [_nav(item, _) for item in items]
    if isinstance(items, dict):
        return {_(title): _nav(value, _) for title, value in items.items()}
    if isinstance(items, str) and items in CONTENT_TITLES:
        return {CONTENT_TITLES[items]: items}
    return items


def english_docs(docs_dir: Path) -> Path:
    """Where the English edition's docs are inside the docs folder."""
    return docs_dir / EN_PREFIX.rstrip("/")
