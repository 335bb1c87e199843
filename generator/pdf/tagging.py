"""The language of each tagged element: WeasyPrint 70 writes the document's /Lang only.

An English report prints French text where a sheet has no translation, inside an element marked
`lang="fr"`; PDF/UA wants a screen reader told about such a change of language, which the
structure tree does with a /Lang entry on the element (inherited by what it holds). WeasyPrint
builds that tree in `weasyprint.pdf.tags._build_box_tree`, one element per box: wrapped here once
per process, it copies an HTML element's `lang` onto the structure element made for its box.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

_done = False


def tag_element_languages() -> None:
    """Install the wrapper (idempotent). Without the private hook (a future WeasyPrint), nothing
    changes: the document keeps its /Lang and tests/test_pdf_english.py says what was lost."""
    global _done
    if _done:
        return
    import pydyf
    from weasyprint.pdf import tags

    build = getattr(tags, "_build_box_tree", None)
    if build is None:
        return

    def with_language(box: Any, parent: Any, *args: Any) -> Iterator[Any]:
        element = getattr(box, "element", None)
        lang = element.get("lang") if element is not None and getattr(box, "element_tag", None) not in (
            "html", "body") else None
        for made in build(box, parent, *args):  # recursion goes through the module's name: this wrapper
            if lang and "Lang" not in made:
                made["Lang"] = pydyf.String(lang)
            yield made

    tags._build_box_tree = with_language
    _done = True
