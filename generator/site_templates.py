"""The Jinja environment of the page templates (`theme/pages/*.md.j2`): escape by default, for Markdown.

Every `{{ ... }}` whose value is a plain string is written with `text.md_text`, so a sheet string
is inert text in a Markdown paragraph, heading, table cell, link text and even an HTML attribute
(every character that means something there becomes a character reference). Only values wrapped
in `Markup` by the helpers below (links, rendered Markdown fields, figures) are written as they are.
`StrictUndefined` makes a missing value fail the build instead of printing nothing.

Languages: the templates are written in French and mark their words with `_("...")` or
`{% trans %}...{% endtrans %}` (Jinja's i18n extension); the English edition reads the catalog
`generator/locale/en/LC_MESSAGES/site.po` (French message ids, read with Babel, nothing to compile).
The French edition uses the ids themselves, so its pages are byte for byte what they were.
`_("Page %(n)s sur %(total)s", n=..., total=...)` escapes its values like any `{{ }}`.
"""

from __future__ import annotations

import gettext
import hashlib
import os
import posixpath
import tempfile
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from markupsafe import Markup

from generator import formats, ids, text
from generator.catalogs import po_translations
from generator.project import SHIPPED_THEME
from generator.typography import french_ordinals_html

TEMPLATES_DIR = SHIPPED_THEME / "pages"  # the checkout's theme, or the copy in the package (generator.project)
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "site"  # generator/locale/<lang>/LC_MESSAGES/site.po: the words of the site's pages
SOURCE_LANG = "fr"  # the language the templates are written in (the message ids)
EN_PREFIX = "en/"  # where the English edition lives in the docs folder and the site


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The site catalog of `lang`, compiled in memory from its .po file; French: the ids themselves."""
    if lang == SOURCE_LANG:
        return gettext.NullTranslations()
    return po_translations(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po", lang, DOMAIN)


def gettext_for(lang: str) -> Any:
    """`_(message, **values)` for Python code: the message in `lang`, `%(name)s` filled with `values`
    as they are (the caller escapes them for where the text goes)."""
    catalog = translations(lang)

    def _(message: str, **values: Any) -> str:
        translated = catalog.gettext(message)
        return translated % values if values else translated

    return _


def _finalize(value: Any, lang: str = "fr") -> Any:
    if isinstance(value, Markup):
        return str(value)
    if value is None:
        return ""
    if isinstance(value, (bool, int, float)):
        return text.md_text(formats.number(value, lang=lang))  # booleans: oui/non, yes/no
    if isinstance(value, date):  # `1<sup>er</sup> mars 2025` in French
        shown = text.md_text(formats.long_date(value, lang))
        return french_ordinals_html(shown, lang)
    return text.md_text(value)


def page_url(path: str) -> str:
    """The URL (relative to the site root) MkDocs gives the Markdown file `path` (directory URLs)."""
    if path.endswith("index.md"):
        return path[: -len("index.md")]
    if path.endswith(".md"):
        return path[:-3] + "/"
    return path


@lru_cache(maxsize=65536)
def relative_href(from_page: str, target: str) -> str:
    """An href from the built page of `from_page` to the built URL of `target` (for raw HTML)."""
    here = "/" + page_url(from_page)
    here_dir = here if here.endswith("/") else posixpath.dirname(here)
    there = "/" + page_url(target)
    rel = posixpath.relpath(there, here_dir)
    if there.endswith("/") and not rel.endswith("/"):
        rel += "/"
    return "./" if rel == "./" or rel == "." else rel


def relative_file(from_page: str, target: str) -> str:
    """A Markdown link target from the source file `from_page` to the source file `target`."""
    return _relative_file(posixpath.dirname(from_page), target)


@lru_cache(maxsize=65536)  # few folders link to the same targets, page after page
def _relative_file(from_dir: str, target: str) -> str:
    return posixpath.relpath(target, from_dir or ".")


@jinja2.pass_context
def _link(ctx: jinja2.runtime.Context, label: Any, target: str, anchor: str = "") -> Markup:
    """A Markdown link to another page of the site, checked by MkDocs (`--strict`).

    In the English edition a link to a file (data, sheet copy, PDF) points at the one copy the French
    site holds, as raw HTML (MkDocs would look for it in the English docs folder)."""
    if ctx.get("edition_lang", SOURCE_LANG) != SOURCE_LANG and not target.endswith(".md"):
        href = relative_href(EN_PREFIX + ctx["page_path"], target) + (f"#{anchor}" if anchor else "")
        return Markup(f'<a href="{text.attr(href)}">{_html_label(label)}</a>')
    href = relative_file(ctx["page_path"], target) + (f"#{anchor}" if anchor else "")
    return Markup(f"[{_label(label)}]({href})")


@jinja2.pass_context
def _link_query(ctx: jinja2.runtime.Context, label: Any, target: str, name: str, value: str) -> Markup:
    """A Markdown link to a page of the site with a query (`hubs/index.md?region=occitanie`: the list's
    filters read it); MkDocs checks the page and keeps the query."""
    href = relative_file(ctx["page_path"], target) + "?" + urlencode({name: value})
    return Markup(f"[{_label(label)}]({href})")


def _html_label(label: Any) -> str:
    return str(label) if isinstance(label, Markup) else text.html_text(label)


@jinja2.pass_context
def _href(ctx: jinja2.runtime.Context, target: str) -> Markup:
    """An href for raw HTML (cards, `<details>` tables) pointing at another page or file (in the
    English edition, a file is the French site's copy)."""
    english_file = ctx.get("edition_lang", SOURCE_LANG) != SOURCE_LANG and not target.endswith(".md")
    return Markup(text.attr(relative_href((EN_PREFIX if english_file else "") + ctx["page_path"], target)))


def _label(label: Any) -> str:
    return str(label) if isinstance(label, Markup) else text.md_text(label)


def _ext_link(label: Any, url: Any) -> Markup:
    return Markup(text.md_link(label, url))


def _markdown(value: Any, css_class: str = "atlas-md") -> Markup:
    return Markup(text.render_markdown(value, css_class))


def _cell(value: Any) -> Markup:
    """A table cell: never empty (MkDocs tables need a cell), never split by a `|` or a newline."""
    if isinstance(value, Markup):
        return Markup(str(value).replace("\n", " ") or " ")
    return Markup(_finalize(value) or " ")


def _html(value: Any) -> Markup:
    if isinstance(value, Markup):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Markup(text.html_text(formats.number(value)))
    if isinstance(value, date):
        return Markup(text.html_text(formats.long_date(value)))
    return Markup(text.html_text("" if value is None else value))


def _raw(value: Any) -> Markup:
    """Output of one of our own macros (already escaped piece by piece): written as it is.

    Only for macro calls (`{{ m.breadcrumb(...)|raw }}`): never apply it to a sheet value.
    """
    return Markup(str(value))


_SLUG = ids.SLUG  # the one slug rule of the atlas (generator.ids)


def _slug(value: Any) -> Markup:
    """An id for an anchor (`{ #type-fab-lab }`): must be a slug, else the build fails."""
    text_value = str(value)
    if not _SLUG.match(text_value):
        raise ValueError(f"not a slug: {text_value!r}")
    return Markup(text_value)


def _kept_id(former: str, current: str) -> Markup:
    """Written at the start of a heading whose id was `former` and is now `current` (`#pilier-health` ->
    `#pilier-sante`): an empty element with the former id, so that the links made to it still lead to the
    heading (MkDocs checks the ids of raw HTML too); nothing when the id did not change. Inside the heading, not
    before it: a link to it then shows the heading where its own id does, and the table of contents marks that
    section (before the heading, the heading's top margin put it lower and the previous section was marked).
    The table of contents and the heading's text read no tag."""
    if former == current:
        return Markup("")
    return Markup(f'<span id="{_slug(former)}"></span>')


class _CompiledTemplates(jinja2.BytecodeCache):
    """The compiled templates, kept for the life of the process (keyed by name, file and source): each
    edition makes its environment, and `atlas serve` makes them again at each save; compiling the
    35 page templates was 0.7 s of every save on the national atlas. With a folder (`keep_in`, the
    page cache's), also kept between builds: compiling them was 0.3 s of a build after one edit."""

    def __init__(self) -> None:
        self.codes: dict[str, bytes] = {}
        self.folder: Path | None = None

    def keep_in(self, folder: Path) -> None:
        """Read and write the compiled templates in `folder` too (one file each)."""
        self.folder = folder

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        name = _compiled_name(bucket)
        code = self.codes.get(name)
        if code is None and self.folder is not None:
            try:
                code = (self.folder / name).read_bytes()
            except OSError:
                return
        if code is None:
            return
        try:  # Jinja checks its version, Python's and the source's checksum
            bucket.bytecode_from_string(code)
        except Exception:  # a damaged file (pickle's and marshal's errors vary): compiled again
            bucket.reset()
            return
        if bucket.code is not None:
            self.codes[name] = code

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        name = _compiled_name(bucket)
        self.codes[name] = code = bucket.bytecode_to_string()
        if self.folder is None:
            return
        try:  # through a temporary of its own: two builds at once never read half a file
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=f".{name}.", suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                handle.write(code)
            os.replace(tmp, self.folder / name)
            # the template's earlier compiled forms (its source or the settings changed) are not kept
            template = name.split("-", 1)[0]
            for other in self.folder.glob(f"{template}-*.jinja"):
                if other.name != name:
                    other.unlink(missing_ok=True)
        except OSError:
            pass  # a cache: compiled again next time


def _compiled_name(bucket: jinja2.bccache.Bucket) -> str:
    """A compiled template's file name: its name and file (Jinja's key) with the environment's settings
    that change the compiled code (a setting changed compiles again), then its source (Jinja's checksum,
    a SHA-1 in hex): the earlier forms of one template are found by the first part and removed."""
    env = bucket.environment
    settings = repr((jinja2.__version__, env.block_start_string, env.block_end_string, env.variable_start_string,
                     env.variable_end_string, env.comment_start_string, env.comment_end_string,
                     env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks,
                     env.newline_sequence, env.keep_trailing_newline, env.optimized, env.finalize is not None,
                     env.autoescape if isinstance(env.autoescape, bool) else "auto", env.is_async,
                     sorted(env.extensions), type(env.undefined).__name__ if not isinstance(env.undefined, type)
                     else env.undefined.__name__))
    template = hashlib.sha256(f"{bucket.key}\0{settings}".encode()).hexdigest()[:24]
    return f"{template}-{bucket.checksum[:16]}.jinja"


_COMPILED = _CompiledTemplates()  # every environment below has the same settings: one compiled form each


def keep_compiled_in(folder: Path) -> None:
    """Keep the compiled page templates in `folder` between builds too (the page cache's folder)."""
    _COMPILED.keep_in(folder)


def make_environment(templates_dir: Path = TEMPLATES_DIR, lang: str = SOURCE_LANG) -> jinja2.Environment:
    """The page templates' environment: strict, Markdown-escaping, deterministic, in `lang`."""
    env = jinja2.Environment(
        bytecode_cache=_COMPILED,
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        undefined=jinja2.StrictUndefined,
        finalize=lambda value: _finalize(value, lang),
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
    )
    catalog = translations(lang)

    def gettext_markup(message: str, **values: Any) -> Markup:
        """Our own words (trusted) as they are; the values filled in escaped like any `{{ }}`."""
        translated = catalog.gettext(message)
        if not values:
            return Markup(translated)
        return Markup(translated % {k: _finalize(v, lang) for k, v in values.items()})

    def ngettext_markup(one: str, many: str, n: int, **values: Any) -> Markup:
        translated = catalog.ngettext(one, many, n)
        return Markup(translated % {"num": _finalize(n, lang), **{k: _finalize(v, lang) for k, v in values.items()}})

    env.install_gettext_callables(gettext_markup, ngettext_markup, newstyle=False)  # type: ignore[attr-defined]
    env.globals["_"] = gettext_markup
    env.filters.update(
        markdown=_markdown,
        raw=_raw,
        slug=_slug,
        cell=_cell,
        html=_html,
        number=lambda v, d=None: formats.number(v, d, lang=lang),
        long_date=lambda v: formats.long_date(v, lang),
        short_date=lambda v: formats.short_date(v, lang),
    )
    env.globals.update(link=_link, link_query=_link_query, href=_href, ext_link=_ext_link, Markup=Markup,
                       edition_lang=lang, nl=Markup("\n"), kept_id=_kept_id,
                       same_id=lambda slug: Markup("" if lang == SOURCE_LANG else f" {{ #{_slug(slug)} }}"))
    return env
