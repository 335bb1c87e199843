"""A map's legend written beside it as HTML (generator.pictures.legend), in the page's language: the
locators' and networks' drawings write only place and hub names, so that both editions share one file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from picture_atlas import make_atlas

from generator.pages import SiteOptions
from generator.pictures import draw_pictures, picture_keys, picture_spec, render
from generator.pictures import legend as legend_module
from generator.pictures.legend import legend_html
from generator.pictures.spec import MUTED
from generator.site import site_outputs

FIXTURE_SHEETS = Path(__file__).resolve().parent / "fixtures" / "atlas"
WORDLESS = ("locator", "network")  # their drawing writes no word but names: one file for both editions


@pytest.fixture(scope="module")
def atlas():
    return make_atlas(living={"precision": "commune"})


def _keys(atlas) -> list[str]:
    return [key for key in picture_keys(atlas) if not key.startswith("en/") and key.split("/")[-1] in WORDLESS]


def test_the_english_locators_and_networks_draw_the_french_drawing_with_english_legends(atlas):
    keys = _keys(atlas)
    assert any("locator" in key for key in keys) and any("network" in key for key in keys)
    with_legend = 0
    for key in keys:
        french, english = picture_spec(atlas, key), picture_spec(atlas, f"en/{key}")
        assert (french.kind, french.data) == (english.kind, english.data), key
        assert [s for s, _ in french.legend] == [s for s, _ in english.legend], key  # the same symbols
        with_legend += bool(french.legend)
        if french.legend and not key.startswith("narrow/"):
            assert [w for _, w in french.legend] != [w for _, w in english.legend], key
            svg = render(french.kind, french.data).decode()
            for _symbol, words in french.legend:  # no legend word in the drawing
                assert f">{words}<" not in svg, (key, words)
    assert with_legend


def test_a_legend_symbol_is_drawn_as_on_the_map(atlas):
    spec = picture_spec(atlas, "territory/gbm/locator")
    svg = render(spec.kind, spec.data).decode()
    symbols = [symbol for symbol, _words in spec.legend]
    assert f"circle {MUTED} hollow" in symbols  # the Living Lab at its commune's centre
    for symbol in symbols:
        shape, colour, *_ = symbol.split()
        if shape in ("circle", "square", "triangle", "cross"):
            assert colour in svg  # that status is drawn on this map
    html = legend_html(spec.legend)
    drawn = re.findall(r'<li><i class="atlas-sym atlas-sym--([a-z-]+)"(?: style="color:([^"]+)")?', html)
    assert len(drawn) == len(spec.legend)
    assert ("ring", MUTED) in drawn  # a commune's centre: hollow, as on the map
    for (shape, colour), symbol in zip(drawn, symbols, strict=True):
        if shape not in ("ring", "star", "disc"):
            assert symbol == f"{shape} {colour}"  # the status's shape and colour


def test_legend_html_is_a_list_of_decorative_symbols_and_escaped_words():
    html = legend_html([("circle #009E73", "En <b>activité</b> & co"), ("star", "chef-lieu"), ("disc 30.0", "200"),
                        ("marker ^ #E69F00", "Fab Lab"), ("marker o #595959 hollow", "ailleurs"), ("line", "liens")])
    assert html.startswith('<ul class="atlas-legend">') and html.count("<li>") == 6
    assert "En &lt;b&gt;activité&lt;/b&gt; &amp; co" in html and "<b>" not in html
    assert html.count('aria-hidden="true"') == 6 and "<svg" not in html  # drawn by CSS (atlas.css)
    assert '<i class="atlas-sym atlas-sym--circle" style="color:#009E73" aria-hidden="true"></i>' in html
    assert 'atlas-sym--triangle atlas-sym--edged" style="color:#E69F00"' in html  # a network's node, dark edge
    assert 'atlas-sym--ring" style="color:#595959"' in html
    assert 'atlas-sym--disc" style="width:42px;height:42px;--d:40.0px"' in html  # a 30 pt disc at its size in px
    assert legend_html([]) == ""
    assert legend_html([("star", "a")]) == legend_html([("star", "a")])  # deterministic
    pdf = legend_html([("circle #009E73", "En activité")], pdf=True)
    assert "<svg" not in pdf and "data:image/svg+xml," in pdf and "En activité" in pdf


def test_every_symbol_shape_has_its_css():
    css = (Path(__file__).resolve().parent.parent / "theme" / "assets" / "atlas.css").read_text(encoding="utf-8")
    shapes = {"ring", "star", "line", "disc", "edged", *legend_module._SHAPES.values()}
    assert not [shape for shape in shapes if f".atlas-sym--{shape}" not in css]


def test_pages_write_the_legend_under_the_picture_in_their_language(fixture_atlas, tmp_path: Path):
    keys = [key for key in picture_keys(fixture_atlas) if key.removeprefix("en/").startswith("territory/")
            and key.endswith("/locator")]
    pictures = draw_pictures(fixture_atlas, cache_dir=tmp_path / "cache", keys=keys, jobs=1, progress=False)
    french = next(key for key in keys if not key.startswith("en/") and pictures[key].legend)
    assert pictures[f"en/{french}"].filename == pictures[french].filename  # one file for both editions
    content = tmp_path / "content"
    content.mkdir()
    options = SiteOptions(repo_url="https://example.org/atlas/depot", sheet_edit_uri="edit/main/", intro="# Atlas\n")
    outs = {o.path: o.data.decode() for o in site_outputs(fixture_atlas, FIXTURE_SHEETS, content, options, pictures)
            if o.path.endswith(".md")}
    for lang, key in (("fr", french), ("en", f"en/{french}")):
        legend = legend_html(pictures[key].legend)
        pages = [text for path, text in outs.items() if legend in text and path.startswith("en/") == (lang == "en")]
        assert pages, lang
        figure = pages[0].split(legend)[0].rsplit("<figure", 1)[1]
        assert 'lang="fr"' not in figure  # the legend's words are the page's
        assert pages[0].split(legend)[1].lstrip().startswith("<figcaption>")  # under the picture, in its figure
