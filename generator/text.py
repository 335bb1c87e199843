"""Sheet text made safe for the exact place it lands in: Markdown, a table cell, a link, an attribute.

Sheets are untrusted (anyone can open a pull request). Plain fields (names, labels, units, titles,
addresses) must stay text wherever they go, even when the page is Markdown that MkDocs and its
extensions will read again. Markdown fields (summaries, rationales, descriptions) keep emphasis,
lists and http(s) links, but they are rendered here with a restricted Python-Markdown and
sanitized with nh3, then embedded as raw HTML, so the site's own Markdown extensions (attr_list,
admonitions, snippets, macros...) never see sheet text.

Every helper returns a `str`; none of them trusts its input.
"""

from __future__ import annotations

import html
import re
import threading
from functools import lru_cache
from urllib.parse import quote, urlsplit

import markdown
import nh3

__all__ = [
    "attr",
    "html_text",
    "md_cell",
    "md_link",
    "markdown_to_text",
    "md_text",
    "plain",
    "render_markdown",
    "safe_url",
    "url_attr",
    "yaml_string",
]

# Characters that mean something to Python-Markdown, its common extensions (tables, attr_list,
# abbr, def_list, footnotes, pymdownx caret/tilde/mark/critic/emoji/smartsymbols/snippets) or to a
# template engine reading the page. They are written as numeric character references, which every
# Markdown parser passes through as text and the browser shows as the original character.
_MD_SPECIAL = set("\\`*_{}[]#+!|<>&\"~^=$@")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Runs of spaces and line breaks; no-break spaces (French number and unit separators) are kept.
_SPACE = re.compile("[ \t\n\r\f\v\u0085\u2028\u2029]+")


def plain(value: object) -> str:
    """One line of text: control characters dropped, every run of white space made one space.

    Plain fields never span lines on a page; a newline in a name must not start a new Markdown block.
    """
    text = _CONTROL.sub("", str(value))
    return _SPACE.sub(" ", text).strip()


_MD_TABLE = {ord(ch): f"&#{ord(ch)};" for ch in _MD_SPECIAL}
_DASHES = re.compile(r"-(?=-)|(?<=-)-|^-")
_ORDERED = re.compile(r"^(\d+)\.")


def md_text(value: object) -> str:
    """Plain text for a Markdown paragraph, heading, list item or link text: shown exactly as written.

    `|`, `#`, `[`, `{`, `<`, `$`, ... become character references, so a name can't open a table cell,
    a heading, a link, an attribute list, raw HTML or an extension's syntax.
    """
    return _md_text(value) if type(value) is str else _md_text(str(value))


@lru_cache(maxsize=65536)  # names and labels come back on thousands of pages of a national atlas
def _md_text(value: str) -> str:
    text = plain(value).translate(_MD_TABLE)
    # A dash starting the text or next to another dash (a list, a rule, `-->`, `--8<--`), a colon
    # starting it (a definition) and "1." starting it (an ordered list) are written as references too.
    text = _DASHES.sub("&#45;", text)
    if text.startswith(":"):
        text = "&#58;" + text[1:]
    return _ORDERED.sub(r"\1&#46;", text)


def md_cell(value: object) -> str:
    """Plain text for a Markdown table cell (a `|` must not split the row): same as `md_text`."""
    return md_text(value) or " "


_HTML_TABLE = {
    **{ord(ch): ref for ch, ref in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;"))},
    **{ord(ch): f"&#{ord(ch)};" for ch in "{}|$\\`*_[]"},
}


def html_text(value: object) -> str:
    """Plain text inside raw HTML (a card, a `<details>` table): escaped, braces included."""
    return _html_text(value) if type(value) is str else _html_text(str(value))


@lru_cache(maxsize=65536)
def _html_text(value: str) -> str:
    return plain(value).translate(_HTML_TABLE)


def attr(value: object) -> str:
    """Text for an HTML attribute value in double quotes (`alt`, `title`, `aria-label`)."""
    return html_text(value)


def safe_url(value: object) -> str | None:
    """An absolute http(s) URL, percent-encoded so it can't close a link or an attribute; else None.

    `javascript:`, `data:`, `file:`, relative and scheme-less URLs are refused: the site links only
    to the web.
    """
    text = plain(value)
    if not text or any(c.isspace() for c in text):  # no space of any kind inside a URL
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    # Keep URL syntax, encode everything that could end a Markdown link or an HTML attribute.
    return quote(text, safe="/:?#@!$&'*+,;=%-._~")


def url_attr(value: object) -> str | None:
    """A safe http(s) URL for an `href="..."` attribute (HTML-escaped), or None."""
    url = safe_url(value)
    return None if url is None else html.escape(url, quote=True)


def md_link(text: object, url: object) -> str:
    """A Markdown link to an external http(s) URL with plain link text; plain text if the URL is unsafe."""
    target = safe_url(url)
    label = md_text(text)
    if target is None:
        return label
    # The target has no space, `<`, `>`, `(`, `)` left (percent-encoded), so `<...>` can't be closed early.
    target = target.replace("(", "%28").replace(")", "%29")
    return f"[{label}](<{target}>)"


def yaml_string(value: object) -> str:
    """A double-quoted YAML scalar for page front matter: no tag, alias or line break can get in."""
    text = plain(value)
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


# ---- Markdown fields ------------------------------------------------------------------------------

_ALLOWED_TAGS = {
    "p", "br", "em", "strong", "code", "pre", "ul", "ol", "li", "a", "blockquote", "hr",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}


def _restricted_markdown() -> markdown.Markdown:
    """Python-Markdown with no extension and without the parts a sheet could abuse.

    Headings (`#`, setext) are removed so sheet text never breaks the page outline; raw HTML is
    read as text; images are not rendered (the site loads nothing from elsewhere).
    """
    md = markdown.Markdown(extensions=[], output_format="html")
    for name in ("html_block",):
        if name in md.preprocessors:
            md.preprocessors.deregister(name)
    for name in ("hashheader", "setextheader"):
        if name in md.parser.blockprocessors:
            md.parser.blockprocessors.deregister(name)
    for name in ("html", "image_link", "image_reference", "short_image_ref", "automail", "entity"):
        if name in md.inlinePatterns:
            md.inlinePatterns.deregister(name)
    return md


_MD = _restricted_markdown()
_MD_LOCK = threading.Lock()  # one Markdown instance, reset between documents: one caller at a time
_BLANK_LINES = re.compile(r"\n\s*\n+")


def _sanitize(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


# Template spans (`{{ ... }}`, `{% ... %}`) are shown exactly as written: they are taken out before
# Markdown (which would read `*` or `_` inside them as emphasis) and put back, escaped, at the end.
_TEMPLATE_SPAN = re.compile(r"\{\{(?:(?!\n[ \t]*\n).)*?\}\}|\{%(?:(?!\n[ \t]*\n).)*?%\}", re.S)  # within a paragraph
_HOLD_OPEN, _HOLD_CLOSE = "\ue000", "\ue001"  # private-use characters, removed from the input first
_HELD = re.compile("(?:\ue000|%EE%80%80)(\\d+)(?:\ue001|%EE%80%81)")
_LITERAL_REFS = {ch: f"&#{ord(ch)};" for ch in "{}$|\\`[]*_:~^=#%<>&\"'+!-"}


def _literal(span: str) -> str:
    """A template span as HTML text that no Markdown or template engine reads again."""
    return "".join(_LITERAL_REFS.get(ch, ch) for ch in span)


def _hold_template_spans(text: str) -> tuple[str, list[str]]:
    held: list[str] = []

    def hold(match: re.Match[str]) -> str:
        held.append(match.group(0))
        return f"{_HOLD_OPEN}{len(held) - 1}{_HOLD_CLOSE}"

    text = text.replace(_HOLD_OPEN, "").replace(_HOLD_CLOSE, "")
    return _TEMPLATE_SPAN.sub(hold, text), held


@lru_cache(maxsize=4096)
def _render(text: str) -> str:
    text, held = _hold_template_spans(text.replace("\x00", ""))
    with _MD_LOCK:
        _MD.reset()
        body = _MD.convert(text)
    clean = _sanitize(body)
    # Relative links (no scheme) survive nh3's scheme check: keep only absolute http(s) links.
    clean = re.sub(r'<a href="(?!https?://)[^"]*"', "<a", clean)
    clean = re.sub(r"<a(?![^>]*href)[^>]*>(.*?)</a>", r"\1", clean, flags=re.S)
    # Characters the site's Markdown or a template engine would read again become references.
    for ch, ref in (("{", "&#123;"), ("}", "&#125;"), ("$", "&#36;"), ("|", "&#124;"),
                    ("\\", "&#92;"), ("`", "&#96;"), ("[", "&#91;"), ("]", "&#93;"),
                    ("*", "&#42;"), ("_", "&#95;"), (":", "&#58;"), ("~", "&#126;"),
                    ("^", "&#94;"), ("=", "&#61;")):
        clean = _replace_in_text(clean, ch, ref)
    if held:
        clean = _HELD.sub(lambda m: _literal(held[int(m.group(1))]) if int(m.group(1)) < len(held) else "", clean)
    # No blank line inside: the whole fragment stays one raw HTML block for the site's Markdown.
    clean = _BLANK_LINES.sub("\n", clean.strip())
    return clean


_TAG = re.compile(r"(<[^>]*>)")


def _replace_in_text(fragment: str, ch: str, ref: str) -> str:
    """Replace `ch` only in text nodes, never inside a tag (keeps `href="https://..."` intact)."""
    parts = _TAG.split(fragment)
    for i in range(0, len(parts), 2):
        parts[i] = parts[i].replace(ch, ref)
    return "".join(parts)


def render_markdown(text: object, css_class: str = "atlas-md") -> str:
    """A Markdown field from a sheet as safe HTML: one `<div>` block to embed in a Markdown page.

    Emphasis, lists, quotes, code and http(s) links are kept; raw HTML, scripts, event handlers,
    `javascript:`/`data:` links, images, headings, attribute lists, admonitions and snippet or
    template syntax come out as inert text. The result has no blank line, so the page's Markdown
    keeps it as one raw HTML block and never parses it again.
    """
    if text is None:
        return ""
    source = str(text).replace("\r\n", "\n").replace("\r", "\n")
    source = _CONTROL.sub("", source)
    if not source.strip():
        return ""
    inner = _render(source)
    css = re.sub(r"[^a-z0-9 _-]", "", css_class.lower())
    return f'<div class="{css}">\n{inner}\n</div>'


def markdown_to_text(text: object) -> str:
    """A Markdown field as one line of plain text (for a short excerpt, a card or an `alt`)."""
    if text is None:
        return ""
    fragment = _render(_CONTROL.sub("", str(text)))
    stripped = nh3.clean(fragment, tags=set())
    return plain(html.unescape(stripped))
