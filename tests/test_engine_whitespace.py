"""The HTML post-pass (generator.html_whitespace): blank runs with a line break between tags become one
line break, and nothing a reader or a script sees changes (issue 11 target 3)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from generator.html_whitespace import chunks, site_pages, squeeze, squeeze_files, squeeze_site

WS = re.compile(r"[ \t\n\r\f]+")  # HTML's whitespace (not U+00A0, not U+202F)
VERBATIM = {"pre", "code", "kbd", "samp", "textarea", "script", "style", "title", "svg", "math", "template"}


class _Events(HTMLParser):
    """A page as the parser sees it: tags with their attributes, and the text between them, blank runs
    folded to one space outside the elements shown as written (where the text is kept as it is)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.events: list[tuple] = []
        self.text: list[str] = []
        self.verbatim = 0

    def _flush(self) -> None:
        if self.text:
            text = "".join(self.text)
            self.events.append(("text", text if self.verbatim else WS.sub(" ", text)))
            self.text = []

    def handle_starttag(self, tag, attrs):
        self._flush()
        self.events.append(("start", tag, tuple(attrs)))
        self.verbatim += tag in VERBATIM

    def handle_startendtag(self, tag, attrs):
        self._flush()
        self.events.append(("start/", tag, tuple(attrs)))

    def handle_endtag(self, tag):
        self._flush()
        self.events.append(("end", tag))
        self.verbatim -= tag in VERBATIM and self.verbatim > 0

    def handle_data(self, data):
        self.text.append(data)

    def handle_entityref(self, name):
        self.text.append(f"&{name};")

    def handle_charref(self, name):
        self.text.append(f"&#{name};")

    def handle_comment(self, data):
        self._flush()
        self.events.append(("comment", data))

    def handle_decl(self, decl):
        self._flush()
        self.events.append(("decl", decl))


def rendered_alike(html: str) -> list[tuple]:
    """What must not change: every tag and attribute, verbatim text, other text with its blank runs folded."""
    parser = _Events()
    parser.feed(html)
    parser.close()
    parser._flush()
    return parser.events


CASES = {
    "indentation": ("<ul>\n    <li>\n      <a href=\"a/\">Ain</a>\n    </li>\n  </ul>\n",
                    "<ul>\n<li>\n<a href=\"a/\">Ain</a>\n</li>\n</ul>\n"),
    "inline elements keep a separator": ("<a>Doubs</a>\n      <a>Jura</a>", "<a>Doubs</a>\n<a>Jura</a>"),
    "text around a break": ("Le lieu\n    accueille\t\n  \t des projets", "Le lieu\naccueille\ndes projets"),
    "blanks without a break stay": ("<p>deux   espaces\tet une tabulation</p>", None),
    "non-breaking spaces are not HTML whitespace": ("12\u202f345\u00a0\n   habitants\u00a0 \n»",
                                                    "12\u202f345\u00a0\nhabitants\u00a0\n»"),
    "carriage returns": ("<p>a\r\n  \r\n b</p>", "<p>a\nb</p>"),
    "pre kept": ("<div>\n   <pre>  a\n\n   <span>b</span>\n</pre>\n  </div>",
                 "<div>\n<pre>  a\n\n   <span>b</span>\n</pre>\n</div>"),
    "code and kbd kept (pre-wrap in the theme)": ("<p><code>x  \n  y</code>\n  <kbd>a\n  b</kbd>\n </p>",
                                                  "<p><code>x  \n  y</code>\n<kbd>a\n  b</kbd>\n</p>"),
    "script with markup-like text": ("<script>\n  if (i<n && s == \"</div>\n  \") {}\n</script>\n  <p>\n x</p>",
                                     "<script>\n  if (i<n && s == \"</div>\n  \") {}\n</script>\n<p>\nx</p>"),
    "style, textarea, title": ("<title>\n  Atlas\n</title>\n <style>\n a {}\n</style>\n <textarea>\n  x\n</textarea>",
                               "<title>\n  Atlas\n</title>\n<style>\n a {}\n</style>\n<textarea>\n  x\n</textarea>"),
    "svg kept, nested": ("<svg><svg><text>a</text></svg><text>b\n   c</text></svg>\n  <p>\n d</p>",
                         "<svg><svg><text>a</text></svg><text>b\n   c</text></svg>\n<p>\nd</p>"),
    "self-closing svg": ("<svg viewBox=\"0 0 1 1\"/>\n   <p>\n e</p>", "<svg viewBox=\"0 0 1 1\"/>\n<p>\ne</p>"),
    "comment kept": ("<!--\n   keep\n   me -->\n   <p>x</p>", "<!--\n   keep\n   me -->\n<p>x</p>"),
    "attribute value with a line break kept": ('<link rel="\n  alternate" href="en/">\n   <a\n   title="a\n\n  b > c"\n'
                                              '   href="x">t</a>',
                                              '<link rel="\n  alternate" href="en/">\n<a\n   title="a\n\n  b > c"\n'
                                              '   href="x">t</a>'),
    "blanks between attributes may go": ('<a\n     class="x"\n     href="y">t</a>', '<a\nclass="x"\nhref="y">t</a>'),
    "single quotes and a > in a value": ("<a title='x > y'\n   href=\"z\">\n   t</a>",
                                         "<a title='x > y'\nhref=\"z\">\nt</a>"),
    "upper-case tags": ("<PRE>\n  a\n</PRE>\n  <P>\n b</P>", "<PRE>\n  a\n</PRE>\n<P>\nb</P>"),
    "an unclosed pre keeps the rest": ("<p>\n a</p>\n  <pre>\n  b\n  <p>\n c", "<p>\na</p>\n<pre>\n  b\n  <p>\n c"),
    "noscript is markup, its blanks folded": ("<noscript>\n   <p>\n  La carte\n  </p>\n </noscript>",
                                             "<noscript>\n<p>\nLa carte\n</p>\n</noscript>"),
    "doctype and entities": ("<!DOCTYPE html>\n  <p>&amp;\n   &#160;\n  x</p>",
                             "<!DOCTYPE html>\n<p>&amp;\n&#160;\nx</p>"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_squeeze(name: str) -> None:
    html, expected = CASES[name]
    got = squeeze(html)
    assert got == (html if expected is None else expected)
    assert squeeze(got) == got  # once is enough: the pass is idempotent
    assert rendered_alike(got) == rendered_alike(html)


def test_the_comparison_sees_a_change_of_rendering() -> None:
    """The check used on built sites tells apart what renders differently (so its silence means something)."""
    assert rendered_alike("<pre>a\n  b</pre>") != rendered_alike("<pre>a\nb</pre>")
    assert rendered_alike('<a title="a\n  b">x</a>') != rendered_alike('<a title="a\nb">x</a>')
    assert rendered_alike("<p>a\n b</p>") == rendered_alike("<p>a\nb</p>")
    assert rendered_alike("<p>a b</p>") != rendered_alike("<p>ab</p>")


def test_squeeze_files_rewrites_only_what_changes(tmp_path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text("<p>\n   x</p>\n", encoding="utf-8")
    (tmp_path / "index.html").write_text("<p>x</p>\n", encoding="utf-8")
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "index.html").write_text("<p>\n   y</p>\n", encoding="utf-8")
    (tmp_path / "style.css").write_text("a {\n   b: c }\n", encoding="utf-8")
    pages = site_pages(tmp_path, skip="en")
    assert pages == [str(tmp_path / "index.html"), str(tmp_path / "a" / "index.html")]
    done = squeeze_files(pages)
    assert (done.pages, done.rewritten, done.before - done.after) == (2, 1, 3)
    assert (tmp_path / "a" / "index.html").read_text(encoding="utf-8") == "<p>\nx</p>\n"
    assert (tmp_path / "en" / "index.html").read_text(encoding="utf-8") == "<p>\n   y</p>\n"  # skipped
    assert (tmp_path / "style.css").read_text(encoding="utf-8") == "a {\n   b: c }\n"  # pages only


def test_workers_give_the_same_pages(tmp_path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    for folder in (one, two):
        for i in range(240):
            page = folder / f"p{i}" / "index.html"
            page.parent.mkdir(parents=True)
            page.write_text(f"<div>\n{' ' * (i % 7)}<p>\n  {i}</p>\n<pre>\n  {i}\n</pre></div>\n", encoding="utf-8")
    a, b = squeeze_site(site_pages(one), 1), squeeze_site(site_pages(two), 2)
    assert (a.pages, a.rewritten, a.before, a.after) == (b.pages, b.rewritten, b.before, b.after)
    for page in one.rglob("*.html"):
        assert page.read_bytes() == (two / page.relative_to(one)).read_bytes()
    assert sorted(sum(chunks(list("abcdefg"), 3), [])) == list("abcdefg")
