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
_needed = True  # whether the document being written has an element with a language of its own


def has_element_languages(root: Any) -> bool:
    """Whether an element below <html> and <body> of this parsed document has a `lang` (a French report
    has none: its boxes then go straight to WeasyPrint's own builder, a generator layer less per box)."""
    return any(element.get("lang") for element in root.iter() if element.tag not in ("html", "body"))


def languages_needed(needed: bool) -> None:
    """Say whether the next document written needs its elements' languages (see has_element_languages)."""
    global _needed
    _needed = needed


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
        if not _needed:
            return build(box, parent, *args)
        element = getattr(box, "element", None)
        lang = element.get("lang") if element is not None and getattr(box, "element_tag", None) not in (
            "html", "body") else None
        return _marked(build(box, parent, *args), lang, pydyf.String) if lang else build(box, parent, *args)

    tags._build_box_tree = with_language
    _done = True


def _marked(made: Iterator[Any], lang: str, string: Any) -> Iterator[Any]:
    """The structure elements `made`, each given `lang` unless it has one (recursion goes through the
    module's name: the wrapper, so an inner element's own language wins)."""
    for element in made:
        if "Lang" not in element:
            element["Lang"] = string(lang)
        yield element
