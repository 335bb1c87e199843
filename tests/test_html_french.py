"""French typography on the website: the post-pass (generator.html_whitespace, `squeeze(..., spacing=True)`)
puts the no-break spaces of generator.typography before `: ; ? !` and inside « » in the text of the
French pages, writes their straight quotes « » and ’, and changes nothing else (tags, attributes, raw regions,
English text, references but the quotes')."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_engine_whitespace import rendered_alike

from generator.html_whitespace import squeeze, squeeze_files
from generator.typography import NBSP, NNBSP, french_quotes_html, french_quotes_text, french_spacing_html


def fr(body: str) -> str:
    return f'<!doctype html>\n<html lang="fr" class="no-js"><head><title>T</title></head><body>{body}</body></html>'


def en(body: str) -> str:
    return fr(body).replace('<html lang="fr"', '<html lang="en"', 1)


def spaced(html: str) -> str:
    out = squeeze(html, spacing=True)
    assert squeeze(out, spacing=True) == out  # idempotent: a second run changes nothing
    return out


TEXT = {  # the text between two tags, as a French page holds it -> as it is shown
    "colon": ("Statut : ouvert", f"Statut{NBSP}: ouvert"),
    "tight marks": ("Quoi ? Oui ! Puis ; fin", f"Quoi{NNBSP}? Oui{NNBSP}! Puis{NNBSP}; fin"),
    "guillemets, even glued": ("« coworking » et «fablab»", f"«{NBSP}coworking{NBSP}» et «{NBSP}fablab{NBSP}»"),
    "a line break before the mark": ("la liste\n: a", f"la liste{NBSP}: a"),
    "an author's no-break space is kept, the narrow one before ?": (f"Quoi{NBSP}? a{NBSP}: b",
                                                                    f"Quoi{NNBSP}? a{NBSP}: b"),
    "&amp; keeps its ;": ("Recherche &amp; développement", None),
    "references before a mark": ("l&#39;atelier ? &quot;Oui&quot; : &gt; ;",
                                 f"l&#39;atelier{NNBSP}? &quot;Oui&quot;{NBSP}: &gt; ;"),
    "&nbsp; before ? becomes the narrow one; before : it is right": ("Quoi&nbsp;? a&nbsp;: b c&#160;: d",
                                                                     f"Quoi{NNBSP}? a&nbsp;: b c&#160;: d"),
    "a reference that is the mark": ("Hey&#33; et Hope &#33;", f"Hey&#33; et Hope{NNBSP}&#33;"),
    "times, ratios, drives": ("à 10:30, ratio 1:2, C:\\atlas, a::b", None),
    "URLs": ("https://exemple.fr/?q=1 ou https://exemple.fr/page? x mailto:a@b.fr?subject=x www.x.fr/a? b", None),
    "no space is added before : ; ? ! (names: Hope!, Hey! Coworking; English: status: closed)":
        ("Hope! Hey! Coworking, status: closed, a;b, Quoi?", None),
    "a mark inside a word": ("a?b x!=y (?) e.g.:", None),
    "already spaced": (f"Note{NBSP}: « a »{NNBSP}; fin{NNBSP}!", f"Note{NBSP}: «{NBSP}a{NBSP}»{NNBSP}; fin{NNBSP}!"),
}


@pytest.mark.parametrize("name", sorted(TEXT))
def test_text(name: str) -> None:
    text, expected = TEXT[name]
    expected = text if expected is None else expected
    assert french_spacing_html(text) == expected
    assert french_spacing_html(expected) == expected
    assert spaced(fr(f"<p>{text}</p>")) == fr(f"<p>{french_quotes_html(expected)}</p>")  # quotes: below


QUOTES = {  # French page bodies with straight quotes -> as the pass leaves them (names keep them in the data)
    "an official name": ("<h1>CA \"Saintes - Grandes Rives - L'Agglo\"</h1>",
                         f"<h1>CA «{NBSP}Saintes - Grandes Rives - L’Agglo{NBSP}»</h1>"),
    "written as references": ("<td>CA &quot;Saintes&quot; &#34;x&#x22; L&#x27;Agglo l&#39;a l&apos;b</td>",
                              f"<td>CA «{NBSP}Saintes{NBSP}» «{NBSP}x{NBSP}» L’Agglo l’a l’b</td>"),
    "a name in a link, then spaced": ("<p><a href=\"x\">\"La Source\" Espace</a> : Cowork'in ?</p>",
                                      f"<p><a href=\"x\">«{NBSP}La Source{NBSP}» Espace</a>{NBSP}: "
                                      f"Cowork’in{NNBSP}?</p>"),
    "not a pair: inches, inside a word, alone": ('<p>24" x, a"b"c, un " seul</p>', None),
    "quotes that do not all pair stay": ('<p>"a "b" c"</p><p>"x" et 2"</p>', None),
    "attributes, URLs and code keep theirs": (
        "<p><a href=\"https://x.fr/l'a\" title='L\"A'>l'a</a> https://x.fr/l'b \"c\" <code>name: 'x'</code></p>",
        f"<p><a href=\"https://x.fr/l'a\" title='L\"A'>l’a</a> https://x.fr/l'b «{NBSP}c{NBSP}» "
        "<code>name: 'x'</code></p>"),
    "English inside a French page": ("<p>l'a <span lang=\"en\">the atlas's \"x\"</span></p>",
                                     "<p>l’a <span lang=\"en\">the atlas's \"x\"</span></p>"),
}


def _check_french_body(body: str, expected: str | None) -> None:
    """A French page of `body` through the pass gives `expected` (None: `body` unchanged), with the same tags
    and attribute values: no markup made, none changed."""
    page = fr(body)
    got = spaced(page)
    assert got == fr(body if expected is None else expected)
    assert _tags(got) == _tags(page)


@pytest.mark.parametrize("name", sorted(QUOTES))
def test_quotes(name: str) -> None:
    _check_french_body(*QUOTES[name])


def test_quotes_in_the_title_and_on_english_pages() -> None:
    """The tab shows a name as the heading does; an English page keeps the name as written, but for its French
    parts; the plain-text rule is the same (the script's lists use it too, theme/assets/filters.js)."""
    page = '<!doctype html>\n<html lang="fr"><head><title>CA "Saintes" - L\'Agglo</title></head><body></body></html>'
    assert spaced(page) == page.replace('"Saintes"', f"«{NBSP}Saintes{NBSP}»").replace("L'Agglo", "L’Agglo")
    english = en('<h1>CA "Saintes" - L\'Agglo</h1><p lang="fr">l\'a</p>').replace("<title>T", "<title>L'a")
    assert spaced(english) == english.replace("<p lang=\"fr\">l'a", "<p lang=\"fr\">l’a")
    assert french_quotes_text("CA \"Saintes - Grandes Rives - L'Agglo\"") == \
        f"CA «{NBSP}Saintes - Grandes Rives - L’Agglo{NBSP}»"
    assert french_quotes_text('24" x, a"b"c') == '24" x, a"b"c'


PAGES = {  # French page bodies -> as the pass leaves them
    "a mark after an inline tag": ("<p><strong>Statut</strong> : ouvert ; <a href=\"x\">lien</a> ? <em>a</em>\n: b</p>",
                                   f"<p><strong>Statut</strong>{NBSP}: ouvert{NNBSP}; <a href=\"x\">lien</a>{NNBSP}? "
                                   f"<em>a</em>{NBSP}: b</p>"),
    "not after a tag that ends the text (a cell, a line break)": ("<td>a</td><td> : b</td><p>x<br> : y</p>", None),
    "guillemets around inline tags": ("<p>«<em>coworking</em>»</p>", f"<p>«{NBSP}<em>coworking</em>{NBSP}»</p>"),
    "inline code and comments between": ("<p>la commande <code>atlas</code> : ok<!-- note --> ? oui</p>",
                                         f"<p>la commande <code>atlas</code>{NBSP}: ok<!-- note -->{NNBSP}? oui</p>"),
    "attribute values never change": ('<a href="https://x.fr/?a=1&amp;b=2 : ?" title="Note : « a » ?" '
                                      "data-x='y ; z'>Note : a</a>",
                                      '<a href="https://x.fr/?a=1&amp;b=2 : ?" title="Note : « a » ?" '
                                      f"data-x='y ; z'>Note{NBSP}: a</a>"),
    "an attribute value with a line break": ('<a title="a :\n b ?">x ?</a>', f'<a title="a :\n b ?">x{NNBSP}?</a>'),
    "raw and kept regions": ("<script>a = b ? c : d; // « x »</script><style>a:hover { b : c ; }</style>"
                             "<pre>a : b ?</pre><code>x ; y</code><kbd>C : </kbd><samp>« »</samp>"
                             "<svg><text>a : b</text><title>c ?</title></svg><textarea>a : b</textarea>"
                             "<math><mi>a : b</mi></math><!-- a : b -->", None),
    "English inside a French page": ('<p>Texte : <span lang="en">Note: a ? b ! « c »</span> fin !</p>',
                                     f'<p>Texte{NBSP}: <span lang="en">Note: a ? b ! « c »</span> fin{NNBSP}!</p>'),
    "a tag that looks like a mark": ("<p>a <b>:</b> b</p>", None),
    # a reader without scripts gets <noscript>'s content as markup: French text, spaced as the rest of the page
    "noscript is markup": ("<noscript><p>La carte demande JavaScript : la <a href=\"x\">carte</a> ?</p></noscript>",
                           f"<noscript><p>La carte demande JavaScript{NBSP}: la <a href=\"x\">carte</a>{NNBSP}?"
                           "</p></noscript>"),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_french_page(name: str) -> None:
    _check_french_body(*PAGES[name])


def test_english_pages_change_only_their_french_parts() -> None:
    body = ('<p>Source : <a href="s" lang="fr">Populations légales ; superficies : « IGN »</a> — Note : why ?</p>'
            '<p lang="fr-FR">Quoi ? <span lang="en">What ?</span> Oui !</p><p>After : x ?</p>')
    assert spaced(en(body)) == en(
        f'<p>Source : <a href="s" lang="fr">Populations légales{NNBSP}; superficies{NBSP}: «{NBSP}IGN{NBSP}»</a>'
        f' — Note : why ?</p><p lang="fr-FR">Quoi{NNBSP}? <span lang="en">What ?</span> Oui{NNBSP}!</p>'
        "<p>After : x ?</p>")
    assert spaced("<p>No lang at all : x ?</p>") == "<p>No lang at all : x ?</p>"
    assert squeeze(fr("<p>a : b</p>")) == fr("<p>a : b</p>")  # the whitespace pass alone leaves it


def test_a_number_s_digit_groups_stay_on_one_line() -> None:
    """The names and units of indicators write `100 000` with a plain space (21 288 times on the French
    pages): at 360 px « Médecins généralistes pour 10 000 habitants » broke as « pour 10 / 000 habitants ».
    A number's groups are joined by the narrow no-break space the atlas's own figures have (`1 494`);
    a year, a decimal part, a reference, an attribute and English text are left alone."""
    body = ("<td>Médecins généralistes pour 10 000 habitants ; 1 234 567 lieux</td>"
            "<p>En 2019 123 lieux, 0,123 456 ou 3.141 592, &#160;000 ; a 100 000 b : 12 34 56</p>"
            '<a title="pour 100 000 habitants">x</a><span lang="en">per 100 000</span>')
    assert spaced(fr(body)) == fr(
        f"<td>Médecins généralistes pour 10{NNBSP}000 habitants{NNBSP}; 1{NNBSP}234{NNBSP}567 lieux</td>"
        f"<p>En 2019 123 lieux, 0,123 456 ou 3.141 592, &#160;000{NNBSP}; a 100{NNBSP}000 b{NBSP}: 12 34 56</p>"
        '<a title="pour 100 000 habitants">x</a><span lang="en">per 100 000</span>')
    assert spaced(fr("<p>pour 100 000 habitants</p>")) == fr(f"<p>pour 100{NNBSP}000 habitants</p>")  # no mark
    assert spaced(en("<p>per 100 000</p>")) == en("<p>per 100 000</p>")


def test_the_post_pass_spaces_the_french_pages(tmp_path) -> None:
    (tmp_path / "index.html").write_text(fr("<p>\n   Statut : ouvert</p>"), encoding="utf-8")
    (tmp_path / "en.html").write_text(en("<p>\n   Status : open</p>"), encoding="utf-8")
    done = squeeze_files([str(tmp_path / "index.html"), str(tmp_path / "en.html")])
    assert done.rewritten == 2
    assert (tmp_path / "index.html").read_text(encoding="utf-8") == fr(f"<p>\nStatut{NBSP}: ouvert</p>")
    assert (tmp_path / "en.html").read_text(encoding="utf-8") == en("<p>\nStatus : open</p>")


def _tags(html: str) -> list[tuple]:
    return [event for event in rendered_alike(html) if event[0] != "text"]


def _unspaced(html: str) -> str:
    return html.replace("&nbsp;", " ").replace(NBSP, " ").replace(NNBSP, " ")


PIECES = ["Statut", " : ", " ; ", " ? ", "!", " ! ", ":", "«", "»", " « ", " » ", "&amp;", "&#39;", "&gt;", "&nbsp;",
          '"', "'", " \"", "\" ", "&quot;",
          "&#33;", "10:30", "10 000", " 000", "1", "0,1",
          "https://x.fr/?q=1", "C:\\", "\n", " ", "é", "<b>", "</b>", "<em>x</em>", "<p>", "</p>",
          '<a href="a : ?" title="« b » ;">', "</a>", "<code>a : b</code>", "<script>a ? b : c</script>",
          '<span lang="en">', "</span>", "<br>", "<!-- c : d -->", "<pre>\n a ; b</pre>"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14))
@example(['<span lang="en">', "«", "</span>", "!"])  # an English « before French text: nothing added after it
@example([" » ", ":", "»"])  # a colon before » was spaced by a second run only (CI, fourteenth session)
@example(['"', "Statut", ' "', "Statut", '" ', "Statut", '" '])  # an inner pair made « » left an outer one
def test_only_blanks_become_no_break_spaces(pieces: list[str]) -> None:
    """Whatever the text: the same tags and attributes, the same characters but for blanks turned into
    no-break spaces (and one after « or before »), every reference whole, and a second run changes nothing."""
    page = fr("".join(pieces))
    got = spaced(page)
    assert _tags(got) == _tags(page)
    assert _unquoted(re.sub(r"[ \n]+", " ", _unspaced(got)).replace("« ", "«").replace(" »", "»")) == \
        _unquoted(re.sub(r"[ \n]+", " ", _unspaced(squeeze(page))).replace("« ", "«").replace(" »", "»"))
    # `&nbsp;` before a mark may become the character; a straight quote's reference its typographic character
    references = re.compile(r"&(?!nbsp;|#39;|quot;)[#\w]*;?")
    assert references.findall(got) == references.findall(page)


def _unquoted(text: str) -> str:
    """Quotes of any kind as one sign, apostrophes as another (the pass makes « » of "" and ’ of ')."""
    text = text.replace("&#39;", "'").replace("&quot;", '"')
    return re.sub("[«»\"]", "Q", text).replace("’", "'")


def test_reports_typeset_names_as_the_website_does() -> None:
    """A French report wrote CA "Saintes - Grandes Rives - L'Agglo" where the website shows
    CA « Saintes - Grandes Rives - L’Agglo »: the reports' pass on the parsed tree (`apply_french_spacing`)
    typesets quotes too, but not in a URL, code, or an element of another language."""
    from xml.etree import ElementTree

    from generator.typography import apply_french_spacing

    root = ElementTree.fromstring(
        "<div><p>CA \"Saintes - Grandes Rives - L'Agglo\" : voir https://x.fr/l'a</p>"
        "<p lang=\"en\">the atlas's \"x\" <span lang=\"fr\">l'a</span></p><code>name: 'x'</code></div>")
    apply_french_spacing(root)
    texts = [element.text for element in root.iter()]
    assert texts[1] == f"CA «{NBSP}Saintes - Grandes Rives - L’Agglo{NBSP}»{NBSP}: voir https://x.fr/l'a"
    assert texts[2] == "the atlas's \"x\" " and texts[3] == "l’a"  # English kept, its French part typeset
    assert texts[4] == "name: 'x'"
    apply_french_spacing(root)  # the same text run twice
    assert [element.text for element in root.iter()] == texts


# -- the words the scripts write and the pictures draw (theme/assets/*.js, generator.pictures) --

def _script_strings(source: str) -> list[tuple[int, str]]:
    """The string literals of a script (its comments left out), with their line."""
    source = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), source, flags=re.S)
    source = re.sub(r"(?m)(?<![:\\\"'])//[^\n]*", "", source)
    found = []
    for m in re.finditer(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'', source):
        text = m.group(1) if m.group(1) is not None else m.group(2)
        found.append((source.count("\n", 0, m.start()) + 1, text.replace("\\'", "'")))
    return found


def test_the_scripts_french_messages_are_typeset_as_the_pages() -> None:
    """« La recherche n'est pas disponible. », « Tableau plus large que l'écran : … » were written with straight
    apostrophes and a plain space before the colon by the scripts, where the pages show ’ and a no-break space."""
    from conftest import ROOT

    scripts = sorted((ROOT / "theme" / "assets").glob("*.js"))
    assert len(scripts) >= 5
    wrong = []
    for script in scripts:
        for line, text in _script_strings(script.read_text(encoding="utf-8")):
            if re.search(r"[^\W\d_]'[^\W\d_]", text) or re.search(r"(^|\w) [:;?!]", text):
                wrong.append(f"{script.name}:{line}: {text}")
    assert wrong == []
    messages = (ROOT / "theme" / "assets" / "recherche.js").read_text(encoding="utf-8")
    assert '"La recherche n\\u2019est pas disponible."' in messages
    cues = (ROOT / "theme" / "assets" / "scroll-regions.js").read_text(encoding="utf-8")
    assert '"Tableau plus large que l\\u2019écran\\u00a0: faites-le défiler horizontalement"' in cues


def test_the_french_pictures_draw_typographic_quotes_and_apostrophes(fixture_atlas) -> None:
    import json

    from generator.pictures import picture_keys, picture_spec
    from generator.pictures.picture import typeset
    from generator.pictures.spec import Spec

    specs = {key: picture_spec(fixture_atlas, key) for key in picture_keys(fixture_atlas)}
    drawn = {key: json.dumps(spec.data, ensure_ascii=False) for key, spec in specs.items()}
    assert specs["home/density"].data["words"]["title"] == "Lieux d\u2019innovation pour 100 000 habitants"
    assert [key for key, text in drawn.items() if "'" in text] == []
    assert "l\u2019atlas" in specs["home/map"].data["words"]["town"]

    spec = Spec(key="pillar/health/epci", kind="ranking", title="t", alt='CA "Saintes - L\'Agglo" 3,2',
                table_headers=(), table_rows=(("CA \"Saintes - L'Agglo\"",),),
                data={"labels": ["Provence-Alpes-Côte d'Azur", 'CA "Saintes - L\'Agglo"'], "values": [3.2, 3.1],
                      "site": "https://example.org/l'x", "outline": "ile-de-france"})
    french = typeset(spec, "fr")
    assert french.data["labels"] == ["Provence-Alpes-Côte d\u2019Azur", f"CA «{NBSP}Saintes - L\u2019Agglo{NBSP}»"]
    assert french.data["site"] == "https://example.org/l'x"  # an address is left as it is
    assert french.alt == spec.alt  # an attribute, as the pages' attributes
    assert french.table_rows == spec.table_rows  # the page's post-pass typesets the table
    assert french.data["outline"] == "ile-de-france" and typeset(french, "fr") == french
    english = typeset(spec, "en")  # apostrophes only: an English twin keeps sharing its French drawing
    assert english.data["labels"] == ["Provence-Alpes-Côte d\u2019Azur", 'CA "Saintes - L\u2019Agglo"']
    assert english.data["site"] == "https://example.org/l'x" and english.alt == spec.alt
    assert typeset(english, "en") == english


def test_an_english_twin_of_a_name_with_an_apostrophe_shares_its_french_drawing() -> None:
    """A locator draws names only: where they have an apostrophe, the English drawing is the French one (one
    file for both editions), as before the French pictures were typeset."""
    from picture_atlas import make_atlas

    from generator.pictures import picture_spec
    from generator.pictures.run import _same_drawing

    atlas = make_atlas(fablab={"name": "Cowork'in de l'Est"})
    french, english = (picture_spec(atlas, key) for key in ("territory/gbm/locator", "en/territory/gbm/locator"))
    assert "Cowork\u2019in de l\u2019Est" in repr(french.data)
    assert _same_drawing(english, french)
