"""French typography for printed text: no-break spaces before `: ; ? !` and inside « ».

Applied to the text nodes of a parsed document only, so that tags, attributes, URLs and code are
never touched. French rules (Imprimerie nationale): a narrow no-break space (U+202F) before
`; ? !`, a no-break space (U+00A0) before `:` and inside guillemets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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
# Same for `:`, but never in `10:30`, `https://`, `C:\` (a colon followed by a non-space is kept).
_BEFORE_COLON = re.compile(r"(?:(?<=[\w)\]»%€\u2019\"'])[ \u00a0\u202f]?|^[ \u00a0\u202f]):(?=\s|$)")
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
    """Rewrite, in place, every prose text node under `root` (element text and tails).

    Working on the parsed tree rather than on HTML source is what guarantees that no tag name,
    attribute value or URL is changed.
    """
    skipped = frozenset(skip)

    def walk(element: Element, in_skipped: bool) -> None:
        name = _local_name(element.tag)
        inside = in_skipped or name in skipped or not name
        if not inside and element.text:
            element.text = french_spacing(element.text)
        for child in element:
            walk(child, inside)
            # A child's tail belongs to this element's content.
            if not in_skipped and name not in skipped and child.tail:
                child.tail = french_spacing(child.tail)

    walk(root, False)
