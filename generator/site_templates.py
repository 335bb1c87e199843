"""The Jinja environment of the page templates (`theme/pages/*.md.j2`): escape by default, for Markdown.

Every `{{ ... }}` whose value is a plain string is written with `text.md_text`, so a sheet string
is inert text in a Markdown paragraph, heading, table cell, link text and even an HTML attribute
(every character that means something there becomes a character reference). Only values wrapped
in `Markup` by the helpers below (links, rendered Markdown fields, figures) are written as they are.
`StrictUndefined` makes a missing value fail the build instead of printing nothing.
"""

from __future__ import annotations

import posixpath
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from generator import formats, ids, text

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "theme" / "pages"


def _finalize(value: Any) -> Any:
    if isinstance(value, Markup):
        return str(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, (int, float)):
        return text.md_text(formats.number(value))
    if isinstance(value, date):
        return text.md_text(formats.long_date(value))
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
    """A Markdown link to another page of the site, checked by MkDocs (`--strict`)."""
    href = relative_file(ctx["page_path"], target) + (f"#{anchor}" if anchor else "")
    return Markup(f"[{_label(label)}]({href})")


@jinja2.pass_context
def _href(ctx: jinja2.runtime.Context, target: str) -> Markup:
    """An href for raw HTML (cards, `<details>` tables) pointing at another page or file."""
    return Markup(text.attr(relative_href(ctx["page_path"], target)))


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


def make_environment(templates_dir: Path = TEMPLATES_DIR) -> jinja2.Environment:
    """The page templates' environment: strict, Markdown-escaping, deterministic."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        markdown=_markdown,
        raw=_raw,
        slug=_slug,
        cell=_cell,
        html=_html,
        number=lambda v, d=None: formats.number(v, d),
        long_date=formats.long_date,
        short_date=formats.short_date,
    )
    env.globals.update(link=_link, href=_href, ext_link=_ext_link, Markup=Markup)
    return env
