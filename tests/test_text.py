"""The escaping helpers and the restricted Markdown: sheet text never becomes live markup."""

from __future__ import annotations

import markdown
import pytest

from generator import text

HOSTILE_MARKDOWN = [
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "[r]: javascript:alert(1)\n\n[go][r]",
    "[y](data:text/html;base64,PHNjcmlwdD4=)",
    "<img src=x onerror=alert(1)>",
    "Texte {: onclick=alert(1) }",
    '--8<-- ".git/config"',
    "!!! danger \"Officiel\"\n    Faux avis",
    "# Faux titre\n\nTexte",
    "Faux titre\n==========",
    "{{ 7*7 }} {% raw %}",
    "<a href=\"javascript:alert(1)\" onclick=\"alert(1)\">x</a>",
    "<div onmouseover=alert(1)>survol</div>",
    "[rel](/etc/passwd)",
    "![pixel](https://tracker.example/p.png)",
    "<svg onload=alert(1)>",
    "`code` **gras** *it* [ok](https://example.org/a_b)",
]


def _site_markdown(page_text: str) -> str:
    """What the site's own Markdown (with attr_list, admonition, md_in_html, tables) makes of the page."""
    md = markdown.Markdown(extensions=["attr_list", "admonition", "md_in_html", "tables", "toc", "def_list"])
    return md.convert(page_text)


@pytest.mark.parametrize("source", HOSTILE_MARKDOWN)
def test_render_markdown_is_inert_even_after_the_sites_markdown(source: str) -> None:
    fragment = text.render_markdown(source)
    page = _site_markdown("Avant\n\n" + fragment + "\n\nAprès\n")
    lowered = page.lower()
    assert "<script" not in lowered
    assert "<img" not in lowered and "<svg" not in lowered
    assert "javascript:" not in lowered
    assert "data:" not in lowered
    assert "onclick=" not in lowered and "onerror=" not in lowered and "onload=" not in lowered
    assert "onmouseover=" not in lowered
    assert "<h1" not in lowered and "<h2" not in lowered
    assert 'class="admonition' not in lowered
    assert "/etc/passwd" not in page or 'href="/etc/passwd"' not in page
    assert "49" not in page


def test_render_markdown_keeps_safe_formatting() -> None:
    html = text.render_markdown("**gras** *italique*\n\n- un\n- deux\n\n[Insee](https://www.insee.fr/fr/accueil)")
    assert "<strong>gras</strong>" in html
    assert "<em>italique</em>" in html
    assert "<li>un</li>" in html
    assert 'href="https://www.insee.fr/fr/accueil"' in html
    assert "\n\n" not in html


def test_render_markdown_keeps_template_syntax_literal() -> None:
    html = text.render_markdown("{{ 7*7 }} et {% if x %}")
    assert "{" not in html
    assert "&#123;&#123; 7&#42;7 &#125;&#125;" in html


@pytest.mark.parametrize("name", ["A | B", "# Titre", "[x](javascript:alert(1))", "{: onclick=x }", "<b>gras</b>",
                                  "1. liste", "$\\alpha$", "`code`", "--8<-- x", "**gras**", "Saint-Étienne"])
def test_md_text_shows_exactly_what_was_written(name: str) -> None:
    escaped = text.md_text(name)
    page = _site_markdown(f"| a | b |\n|---|---|\n| {text.md_cell(name)} | fin |\n\n## {escaped}\n\n{escaped}\n")
    assert "<script" not in page and "<b>" not in page and "<a " not in page and "<strong>" not in page
    # Every row keeps exactly two cells: a `|` in a name does not split the cell.
    assert page.count("<td>") == 2
    import html as html_lib
    import re
    cell = re.search(r"<td>(.*?)</td>", page).group(1)
    assert html_lib.unescape(cell) == name


def test_safe_url_accepts_only_http_and_https() -> None:
    assert text.safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    assert text.safe_url("http://example.org") == "http://example.org"
    for bad in ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "file:///etc/passwd",
                "/relative", "//example.org/x", "ftp://example.org", "https://exa mple.org", "", "vbscript:x"]:
        assert text.safe_url(bad) is None, bad


def test_md_link_cannot_be_closed_early() -> None:
    link = text.md_link("Site", 'https://example.org/a)"><script>')
    page = _site_markdown(link)
    assert "<script" not in page
    assert page.count("<a ") == 1


def test_attr_and_yaml_string_escape_quotes_and_newlines() -> None:
    assert '"' not in text.attr('a" onclick="x')
    assert text.yaml_string('a"\nb: c') == '"a\\" b: c"'


def test_markdown_to_text_drops_markup() -> None:
    assert text.markdown_to_text("**Gras** <script>x</script> [lien](https://x.org)") == "Gras <script>x</script> lien"


def test_plain_keeps_french_no_break_spaces() -> None:
    assert text.plain("462\u202f000\u00a0habitants\n  ok") == "462\u202f000\u00a0habitants ok"


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_ALPHABET = st.sampled_from(list("abcé Z09|#[](){}<>&\"'`*_~^=$@!:+-.\\/%;\t\n") + ["--8<--", "{{", "}}", "{:", "!!!"])


@settings(max_examples=150, deadline=None)
@given(st.lists(_ALPHABET, min_size=1, max_size=30).map("".join))
def test_any_plain_text_comes_out_of_a_table_cell_as_written(value: str) -> None:
    import html as html_lib
    import re
    expected = text.plain(value)
    page = _site_markdown(f"| a | b |\n|---|---|\n| {text.md_cell(value)} | fin |\n\n## {text.md_text(value)}\n")
    cells = re.findall(r"<td>(.*?)</td>", page, re.S)
    assert len(cells) == 2
    assert "<" not in cells[0]  # no element at all inside the cell
    assert html_lib.unescape(cells[0]).strip() == expected.strip()
    heading = re.search(r"<h2[^>]*>(.*?)</h2>", page, re.S)
    if expected:
        assert heading and "<" not in heading.group(1)
        assert html_lib.unescape(heading.group(1)).strip() == expected.strip()


@pytest.mark.parametrize("span", ["{{ 7*7 }}", "{{ a*b*c }}", "{% for x in __items__ %}", "{{ x }}*", "{{ `a` }}",
                                  "{{ [l](https://example.org) }}", "{% if a*b %}x{% endif %}",
                                  "{{ <b>x</b> & y }}", "{{ a\n*b* }}"])
def test_template_spans_stay_exactly_literal_in_markdown_fields(span: str) -> None:
    import html.parser

    class Text(html.parser.HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.tags: list[str] = []

        def handle_starttag(self, tag, attrs) -> None:
            self.tags.append(tag)

        def handle_data(self, data: str) -> None:
            self.parts.append(data)

    page = _site_markdown("Avant\n\n" + text.render_markdown(f"Texte {span} et *suite*") + "\n\nAprès\n")
    shown = Text()
    shown.feed(page)
    assert f"Texte {span} et " in "".join(shown.parts)
    assert shown.tags.count("em") == 1 and "strong" not in shown.tags and "b" not in shown.tags
    assert text.markdown_to_text(f"{span} fin").replace("\n", " ") == f"{span} fin".replace("\n", " ")
