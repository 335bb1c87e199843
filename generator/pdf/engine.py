"""WeasyPrint's HTML reader with a leaner user-agent stylesheet: same PDFs, less work per element.

WeasyPrint matches every rule of its HTML user-agent stylesheet against every element. Two of its
sections are never used by a report: the notes (`::footnote-call`, `::note-call`… rules that give
every element six pseudo-element styles to compute) and the form fields (`:is(input…)`, `:has()`
selectors tried on every element). The reports hold no note and no form field (templates in
theme/pdf; sheets' Markdown is restricted to text tags by generator.text), so without those two
sections a report is byte for byte the same PDF (tests/test_pdf_engine.py) for about 8 % less CPU
(benchmarks/RESULTS.md, 2026-12-02).

The sections are cut from the installed WeasyPrint's own stylesheet, found by their comments; if a
WeasyPrint release renames them, nothing is cut and its stylesheet is used whole (slower, the same).
"""

from __future__ import annotations

from functools import cache
from typing import Any

UNUSED_SECTIONS = ("Notes", "Form fields")  # comments that open a section of WeasyPrint's html5_ua.css


def lean_user_agent_css(source: str) -> tuple[str, int]:
    """`source` (WeasyPrint's HTML user-agent stylesheet) without the rules of UNUSED_SECTIONS, and
    how many rules were left out. At-rules (@page, @counter-style) are always kept."""
    import tinycss2

    kept: list[str] = []
    dropped = 0
    section = ""
    for node in tinycss2.parse_stylesheet(source, skip_comments=False, skip_whitespace=True):
        if node.type == "comment":
            section = node.value.strip()
            continue
        if node.type == "qualified-rule" and section in UNUSED_SECTIONS:
            dropped += 1
            continue
        kept.append(node.serialize())
    return "\n".join(kept) + "\n", dropped


@cache
def _lean_stylesheet() -> Any:
    """The lean stylesheet, parsed once per process; None when nothing could be cut."""
    from weasyprint import CSS
    from weasyprint import html as weasy_html
    from weasyprint.css.counters import CounterStyle

    text, dropped = lean_user_agent_css(weasy_html.UA)
    if not dropped:
        return None
    # its @counter-style rules go to a counter store of its own: WeasyPrint's (UA_COUNTER_STYLE),
    # which every document copies, already holds the same ones from its whole stylesheet
    return CSS(string=text, counter_style=CounterStyle())


@cache
def _lean_html_class() -> type:
    from weasyprint import HTML

    class LeanHTML(HTML):
        """HTML whose user-agent stylesheet is the lean one (private hook of WeasyPrint 70: if a release
        renames it, this class is plain HTML)."""

        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            lean = _lean_stylesheet()
            if forms or lean is None:  # form fields (`pdf_forms`) get WeasyPrint's whole stylesheets
                return super()._ua_stylesheets(forms)
            return [lean]

    return LeanHTML


def lean_html(**kwargs: Any) -> Any:
    """`weasyprint.HTML(**kwargs)` reading the lean user-agent stylesheet."""
    return _lean_html_class()(**kwargs)
