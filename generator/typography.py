"""French typography for printed and published text: no-break spaces before `: ; ? !` and inside « », and on the
website typographic quotes and apostrophes (`french_quotes_html`: « » and ’ for the straight ones of names).

Applied to the text nodes of a parsed document only (the PDFs: `apply_french_spacing`; the website:
`french_spacing_html`, called by the post-pass generator.html_whitespace on the text between tags), so
that tags, attributes, URLs and code are never touched. French rules (Imprimerie nationale): a narrow
no-break space (U+202F) before `; ? !`, a no-break space (U+00A0) before `:` and inside guillemets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape, unescape
from xml.etree.ElementTree import Element

NBSP = "\u00a0"
NNBSP = "\u202f"

# Elements whose text is not prose: left exactly as written.
_SKIP_TAGS = frozenset({"style", "script", "code", "pre", "kbd", "samp", "tt", "title"})

# A space (any kind) or nothing between a word/closing character and `; ? !`, when the mark ends
# the word (followed by a space, a closing mark, another mark or the end): `Quoi ?`, `Quoi?`.
# `?` and `!` inside a token (`a?b`, `https://x?q=1`) are left alone.
_BEFORE_TIGHT = re.compile(
    r"(?:(?<=[\w)\]»%€\u2019\"'])[ \u00a0\u202f]?|^[ \u00a0\u202f])([;?!]+)(?=\s|$|[)\]»,.;:?!\"'])"
)
# Same for `:`, but never in `10:30`, `https://`, `C:\` (a colon followed by a non-space is kept); a colon
# before » is spaced too: the » rule below puts a space after it, which a second run would then see and space
# the colon for (« x :» » became « x :\u00a0» » on a first run, « x\u00a0:\u00a0» » on a second: not idempotent)
_BEFORE_COLON = re.compile(r"(?:(?<=[\w)\]»%€\u2019\"'])[ \u00a0\u202f]?|^[ \u00a0\u202f]):(?=\s|$|»)")
_AFTER_OPEN_GUILLEMET = re.compile(r"«[ \u00a0\u202f]*")
_BEFORE_CLOSE_GUILLEMET = re.compile(r"[ \u00a0\u202f]*»")


def french_spacing(text: str) -> str:
    """Return `text` with French no-break spaces; idempotent (running it twice changes nothing)."""
    if not text:
        return text
    text = _BEFORE_TIGHT.sub(lambda m: NNBSP + m.group(1), text)
    text = _BEFORE_COLON.sub(NBSP + ":", text)
    text = _AFTER_OPEN_GUILLEMET.sub("«" + NBSP, text)
    text = _BEFORE_CLOSE_GUILLEMET.sub(NBSP + "»", text)
    return text


def _local_name(tag: object) -> str:
    if not isinstance(tag, str):  # comments and processing instructions
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def apply_french_spacing(root: Element, skip: Iterable[str] = _SKIP_TAGS) -> None:
    """Rewrite, in place, every prose text node under `root` (element text and tails) as French typography
    writes it: the straight quotes of names as « » and ’ (`french_quotes_text`; not in an element of another
    language: an English quotation keeps its own), then the no-break spaces. A French report wrote
    CA "Saintes - Grandes Rives - L'Agglo" where the website shows CA « Saintes - Grandes Rives - L’Agglo ».

    Working on the parsed tree rather than on HTML source is what guarantees that no tag name,
    attribute value or URL is changed.
    """
    skipped = frozenset(skip)

    def walk(element: Element, in_skipped: bool, french: bool) -> None:
        name = _local_name(element.tag)
        inside = in_skipped or name in skipped or not name
        lang = element.get("lang") if name else None
        if lang is not None:
            french = lang.lower().startswith("fr")

        def typeset(text: str) -> str:
            return french_spacing(french_quotes_text(text) if french else text)

        if not inside and element.text:
            element.text = typeset(element.text)
        for child in element:
            walk(child, inside, french)
            # A child's tail belongs to this element's content (and language).
            if not in_skipped and name not in skipped and child.tail:
                child.tail = typeset(child.tail)

    walk(root, False, True)


# --- The same rules on HTML source text (the website's post-pass, generator.html_whitespace) ---------
#
# The text between two tags is HTML: `&amp;` ends with a `;` that is not punctuation, and `&nbsp;` is a
# space. Marks are found in the text as a reader sees it (each character reference read as its
# character) and only blanks are changed in the source, so a reference is never cut or altered.

_BLANK = "[ \t\n\r\f\u00a0\u202f]"  # HTML's whitespace and the two no-break spaces
_AFTER = r"[\w)\]»%€\u2019\"'.…]"  # what a spaced mark follows: a word, a closing sign, a full stop
_END = r"(?=\s|$|[)\]»,.;:?!\"'])"  # the mark ends its word: `a?b` and `?q=1` are left alone
_HTML_MARKS = re.compile(
    rf"(?<=«)(?P<open>{_BLANK}*)(?=\S|$)"  # after «
    rf"|(?<={_AFTER})(?P<tight>{_BLANK}+)(?=[;?!]+{_END})"  # before ; ? !
    # before a colon that ends its word (not 10:30, C:\); one before » too, which gets its space from the
    # rule below: a second pass would see that space after the colon and space it then (not idempotent)
    rf"|(?<={_AFTER})(?P<colon>{_BLANK}+)(?=:(?:\s|$|»))"
    rf"|(?<=[^\s«])(?P<close>{_BLANK}*)(?=»)"  # before »
)
_SPACE_FOR = {"open": NBSP, "tight": NNBSP, "colon": NBSP, "close": NBSP}
_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});?")
_URL = re.compile(r"(?:https?|ftp)://\S*|mailto:\S*|www\.\S*", re.I)
_ANY_MARK = re.compile(r"[«»:;?!]")
_OBJECT = "\ufffc"  # stands for a reference that is not one character: no word, no blank, no mark


def _read(source: str) -> tuple[str, list[int]]:
    """The text a reader sees (references read) and where each of its characters starts in `source`."""
    shown: list[str] = []
    starts: list[int] = []
    pos = 0
    for ref in _REFERENCE.finditer(source):
        shown.append(source[pos:ref.start()])
        starts.extend(range(pos, ref.start()))
        char = unescape(ref.group(0))
        shown.append(char if len(char) == 1 else _OBJECT)
        starts.append(ref.start())
        pos = ref.end()
    shown.append(source[pos:])
    starts.extend(range(pos, len(source) + 1))  # one more: where the end of the text is
    return "".join(shown), starts


def french_spacing_html(source: str, before: str = "") -> str:
    """`source`, the HTML text between two tags, with the French no-break spaces of `french_spacing`.

    `before` is the character shown just before this text (the end of the previous text, across an
    inline tag: `<strong>Statut</strong> :`), "" when none. Idempotent; never inside a URL or a
    character reference, never creates a tag. Unlike `french_spacing`, no space is added before
    `: ; ? !` where the text has none: a line cannot break there, and on the shipped atlas the only
    such places are names (« Hope! », « Hey! Coworking ») and English words (`status: closed`).
    """
    if not _ANY_MARK.search(source):  # a mark written as a reference (`&#33;`) has its `;`
        return source
    shown, starts = _read(source) if "&" in source else (source, None)
    lead = before if before and not before.isspace() else ""
    text = lead + shown
    urls = [(url.start(), url.end()) for url in _URL.finditer(text)]
    out: list[str] = []
    pos = 0
    for found in _HTML_MARKS.finditer(text):
        start, end = found.span()
        if start < len(lead) or any(a < end < b for a, b in urls):
            continue
        if start == end == len(lead) and found.lastgroup == "open":
            continue  # a « that ends the text before a tag: its language may be another, no space is added here
        space = _SPACE_FOR[found.lastgroup or ""]
        if found.group(0) == space:
            continue
        first, last = start - len(lead), end - len(lead)
        if starts is not None:
            first, last = starts[first], starts[last]
        out.append(source[pos:first])
        out.append(space)
        pos = last
    if not out:
        return source
    out.append(source[pos:])
    return "".join(out)


# --- Typographic quotes and apostrophes (the website's post-pass too, and the lists the script draws) ---------
#
# Official names are written with straight quotes (« CA "Saintes - Grandes Rives - L'Agglo" », 178 territories
# and 159 hubs with a straight apostrophe): a French page shows them as French typography writes them, « » with
# no-break spaces and ’, while the data (atlas.json, the API, the CSV files, the sheets) keeps them as written.
# Only text a reader sees is changed: never a tag, an attribute value, a URL, code, or English text.
APOSTROPHE = "\u2019"
# a pair of double quotes around words: the opening one not after a letter or a digit, the closing one not before
# one, neither against a blank inside (`"13.2"` is a pair; `24"`, `a"b` and a lone `"` are left as they are). A
# text's double quotes are made « » only when they all pair so: `"a "b" c"` stays (its inner pair made « » would
# leave an outer pair for a second run: the pass must give the same page run twice)
_QUOTED = re.compile(r'(?<![\w"])"(?=[^\s"])([^"]*?)(?<=[^\s"])"(?![\w"])')
# a straight quote in HTML source: the character or a reference to it (&#39; &#x27; &apos; &quot; &#34; &#x22;)
_QUOTE_SOURCE = re.compile(r"""['"]|&(?:apos|quot|#0*3[49]|#[xX]0*2[27]);""")


def french_quotes_text(text: str) -> str:
    """`text` with « » (and their no-break spaces) for each pair of straight double quotes, when all of them pair,
    and ’ for each straight apostrophe, but in its URLs; idempotent. `french_quotes_html`'s rule on plain text (a
    report's text nodes, a picture's words)."""
    if "'" not in text and '"' not in text:
        return text
    return unescape(french_quotes_html(escape(text, quote=False)))


def attribute_text(text: str, lang: str) -> str:
    """Plain text put in an attribute (a picture's alt text) with the typography of the text around it, which the
    post-passes give only to the text between tags: in French the quotes and apostrophes of `french_quotes_text`
    and the no-break spaces of `french_spacing`; in another language as written."""
    return french_spacing(french_quotes_text(text)) if lang == "fr" else text


def french_quotes_html(source: str) -> str:
    """`source`, the HTML text between two tags, with the quotes of `french_quotes_text`: found in the text as a
    reader sees it (references read), each one replaced whole in the source (`&quot;` too), never inside a URL."""
    if not _QUOTE_SOURCE.search(source):
        return source
    shown, starts = _read(source) if "&" in source else (source, None)
    urls = [(url.start(), url.end()) for url in _URL.finditer(shown)] if "/" in shown or "@" in shown else []

    def free(i: int) -> bool:
        return not any(a <= i < b for a, b in urls)

    edits: dict[int, str] = {}
    pairs = [(pair.start(), pair.end() - 1) for pair in _QUOTED.finditer(shown)]
    pairs = [(first, last) for first, last in pairs if free(first) and free(last)]
    if 2 * len(pairs) == sum(1 for i, char in enumerate(shown) if char == '"' and free(i)):  # all of them pair
        for first, last in pairs:
            edits[first], edits[last] = "«" + NBSP, NBSP + "»"
    for i, char in enumerate(shown):
        if char == "'" and free(i):
            edits[i] = APOSTROPHE
    if not edits:
        return source
    out: list[str] = []
    pos = 0
    for i in sorted(edits):
        first, last = (starts[i], starts[i + 1]) if starts is not None else (i, i + 1)
        out.append(source[pos:first])
        out.append(edits[i])
        pos = last
    out.append(source[pos:])
    return "".join(out)


# A number's digit groups written with a plain space (the names and units of indicators: `pour 100 000
# habitants`), not after a word character, a decimal mark or a reference's `&#` (`2019 123`, `0,123 456`,
# `&#160;000` are not one number), not before another digit: joined by the narrow no-break space that the
# atlas's own figures have (`1 494`), so that a line never breaks inside a number (« pour 10 / 000 »).
_DIGIT_GROUPS = re.compile(r"(?<![\w,.&#])\d{1,3}(?: \d{3})+(?!\d)")


def french_digit_groups_html(source: str) -> str:
    """`source`, HTML text between two tags, with each number's digit groups joined by a narrow no-break space."""
    if " " not in source:
        return source
    return _DIGIT_GROUPS.sub(lambda found: found.group(0).replace(" ", NNBSP), source)


# The atlas's own ordinals (`290e sur 1 255`, `1er mars 2025`): a number followed by its French suffix, a word
# of its own (not `1e10`, not `A4e`, not `&#49;e`).
_ORDINAL = re.compile(r"(?<![\w&#;])(\d+)(er|e)(?![\w])")


def french_ordinals_html(source: str, lang: str = "fr") -> str:
    """`source`, HTML text the atlas wrote (a rank, a date; never a sheet's), with its ordinals' suffixes raised
    as French typography writes them: `290<sup>e</sup>`, `1<sup>er</sup>`; as it is in another language (`lang`:
    the edition's, whose ordinals are its own). Where markup is not allowed (an attribute, an alt text, a
    plain-text file) the ordinal stays `290e`."""
    return _ORDINAL.sub(r"\1<sup>\2</sup>", source) if lang == "fr" else source


def french_typography_html(source: str, before: str = "") -> str:
    """`source`, HTML text between two tags of a French page, as French typography writes it: its quotes
    (`french_quotes_html`), its numbers' groups held together (`french_digit_groups_html`), then its no-break
    spaces (`french_spacing_html`, which spaces the « » made)."""
    return french_spacing_html(french_digit_groups_html(french_quotes_html(source)), before)


def shown_last(source: str) -> str:
    """The last character a reader sees of `source`, HTML text (a reference read as its character)."""
    if not source.endswith(";") or "&" not in source:
        return source[-1:]
    return _read(source)[0][-1:]
