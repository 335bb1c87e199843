"""The reports' WeasyPrint tuning (generator.pdf.engine): less work, the same PDFs.

The lean user-agent stylesheet leaves out WeasyPrint's rules for notes and form fields; a report and
a volume made with it are compared byte for byte with the same documents made with WeasyPrint's whole
stylesheet, and the reasons it may be left out (no form field, no note anywhere) are checked.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.pdf import Renderer, check_variant, prepare_build_folder

THEME_PDF = Path(__file__).resolve().parent.parent / "theme" / "pdf"
FORM_TAGS = ("input", "select", "textarea", "button", "option", "fieldset", "form")


def test_the_lean_stylesheet_leaves_out_notes_and_form_fields_only() -> None:
    import tinycss2
    from weasyprint import html as weasy_html

    from generator.pdf.engine import lean_user_agent_css

    lean, dropped = lean_user_agent_css(weasy_html.UA)
    assert dropped > 5

    def preludes(css: str) -> list[str]:
        rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
        return [(f"@{rule.at_keyword} " if rule.type == "at-rule" else "") + tinycss2.serialize(rule.prelude).strip()
                for rule in rules]

    whole = preludes(weasy_html.UA)
    kept = preludes(lean)
    assert len(whole) - len(kept) == dropped
    rest = iter(whole)
    assert all(any(p == q for q in rest) for p in kept)  # the others kept, in their order
    assert not [p for p in kept if "note" in p or p in ("fieldset", "select", "button, input, select, textarea")]
    for needed in ("li", "table", "h1, h2, h3, h4, h5, h6", "::marker", "@page", "@counter-style decimal"):
        assert any(needed in p for p in kept), needed


def test_nothing_a_report_holds_needs_the_left_out_rules() -> None:
    from generator import text

    assert not set(FORM_TAGS) & set(text._ALLOWED_TAGS)  # a sheet's Markdown never makes a form field
    for template in THEME_PDF.glob("*.j2"):
        source = template.read_text(encoding="utf-8")
        assert not re.search(rf"<({'|'.join(FORM_TAGS)})\b", source), template.name
    assert "footnote" not in (THEME_PDF / "report.css").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_reports_and_volumes_are_the_same_bytes_with_the_lean_stylesheet(fixture_atlas, tmp_path, monkeypatch,
                                                                           lang) -> None:
    import weasyprint

    import generator.pdf.engine as engine

    build = tmp_path / "build"
    renderer = Renderer(fixture_atlas, build, prepare_build_folder(build, {}), check_variant(None), lang=lang)
    region = next(t.id for t in fixture_atlas.territories.values() if t.level == "region")
    html = [renderer.territory_html("grand-besancon-metropole"), renderer.volume_html(region),
            renderer.volume_html(None)]
    lean = [renderer.render(source) for source in html]
    monkeypatch.setattr(engine, "lean_html", lambda **kwargs: weasyprint.HTML(**kwargs))
    whole = [renderer.render(source) for source in html]
    assert lean == whole


def test_element_languages_are_tagged_only_where_a_document_has_them(fixture_atlas, tmp_path, monkeypatch) -> None:
    # a French report has no element with a language of its own: its boxes skip the wrapper that copies
    # `lang` into the structure tree, and the PDF is the same as with the wrapper at work
    import tinyhtml5

    import generator.pdf.tagging as tagging

    build = tmp_path / "build"
    french = Renderer(fixture_atlas, build, prepare_build_folder(build, {}), check_variant(None))
    english = Renderer(fixture_atlas, build, prepare_build_folder(build, {}), check_variant(None), lang="en")
    source = french.territory_html("grand-besancon-metropole")
    assert not tagging.has_element_languages(tinyhtml5.parse(source, namespace_html_elements=False))
    assert tagging.has_element_languages(tinyhtml5.parse(english.territory_html("grand-besancon-metropole"),
                                                         namespace_html_elements=False))
    skipped = french.render(source)
    monkeypatch.setattr(tagging, "has_element_languages", lambda root: True)
    assert french.render(source) == skipped
