"""The data behind each chart, its words (title, alt, table) and its drawing, not its pixels."""

from __future__ import annotations

import re

import pytest
from picture_atlas import DOLLAR_NAME, make_atlas

from generator import formats
from generator.model import Fact
from generator.pictures import bar_charts, choropleth, network_specs, networks, picture_keys, picture_spec, render
from generator.pictures.mpl import STYLE
from generator.vocabulary import sort_key


@pytest.fixture(scope="module")
def atlas():
    return make_atlas()


def test_pillars_show_the_measured_profile_beside_the_parent_and_the_median(atlas):
    spec = picture_spec(atlas, "territory/gbm/pillars")
    territory, parent, median = spec.data["series"]
    # GBM is the only EPCI: 5 on both health indicators; the Doubs ranks first of two on both
    assert territory == {"name": "Grand Besançon Métropole", "scores": [None, 5.0, None, None, None]}
    assert parent == {"name": "Doubs (département)", "scores": [None, 5.0, None, None, None]}
    assert median["name"] == "Médiane des intercommunalités (EPCI)" and median["scores"][1] == 5.0
    assert spec.table_headers == ("Pilier", "Grand Besançon Métropole", "Doubs", "Médiane des intercommunalités (EPCI)")
    assert spec.table_rows[1] == ("Santé", "5,0", "5,0", "5,0")
    assert spec.table_rows[0] == ("Métropolisation", "non mesuré", "non mesuré", "non mesuré")
    assert spec.alt.startswith("Grand Besançon Métropole, scores mesurés des cinq piliers (de 1 à 5) : "
                               "Métropolisation non mesuré, Santé 5,0,")
    assert "Pour comparaison, Doubs (département) : Métropolisation non mesuré, Santé 5,0" in spec.alt
    assert spec.title == "Profil mesuré des cinq piliers : Grand Besançon Métropole"
    # the Jura: 3 on apl (2.5 is the lower of two: p = 1/2), 5 on the tie -> 4,0; median of 5,0 and 4,0
    jura = picture_spec(atlas, "territory/jura/pillars")
    assert jura.table_rows[1] == ("Santé", "4,0", "4,5")


def test_pillars_drawing_marks_not_measured_apart_from_a_score(atlas):
    svg = render("pillars", picture_spec(atlas, "territory/gbm/pillars").data).decode()
    # words are SVG text: "non mesuré" in a dashed empty box, never a bar of 0
    assert svg.count(">non mesuré</text>") == 12  # four pillars, three series
    assert svg.count('stroke-dasharray="2.4 1.6"') == 12
    assert svg.count(">5,0</text>") == 3


def test_pillars_without_parent_show_the_median_only(atlas):
    spec = picture_spec(atlas, "territory/reunion/pillars")  # no parent, one indicator: nothing measured
    assert [s["name"] for s in spec.data["series"]] == ["La Réunion", "Médiane des départements"]
    assert spec.table_rows[0] == ("Métropolisation", "non mesuré", "non mesuré")
    assert "Pour comparaison" not in spec.alt
    assert "territory/bfc/pillars" not in picture_keys(atlas)  # régions are not measured by this catalogue


def test_hubs_by_type_count_every_type_and_the_hubs_below(atlas):
    spec = picture_spec(atlas, "territory/bfc/hubs-by-type")
    # the région counts the hubs of its départements and EPCI (hubs_within), not Run Lab overseas
    assert dict(zip(spec.data["labels"], spec.data["values"], strict=False)) == {
        "Fab Lab": 2, "Tiers-lieu": 2, "Living Lab": 1, "Incubateur": 1}
    assert spec.table_rows[0] == ("Fab Lab", "2")
    assert "(5\u00a0lieux ; un lieu peut avoir plusieurs types)" in spec.alt
    home = picture_spec(atlas, "home/hubs-by-type")
    assert sum(home.data["values"]) == 7  # 6 hubs, one of them with two types
    # the caption says it as well, where the bars add up to more than the places
    assert home.title.endswith(" (un lieu peut avoir plusieurs types)")
    assert picture_spec(atlas, "en/home/hubs-by-type").title.endswith(" (a hub may have several types)")
    single = picture_spec(atlas, "territory/jura/hubs-by-type")  # one hub, of one type
    assert single.title == "Lieux d'innovation par type : Jura"
    # but a territory of one hub has no chart of its hubs (one bar on a 0-1 axis): its list says type and status
    keys = picture_keys(atlas)
    assert len(atlas.hubs_within("jura")) == 1 and "territory/jura/hubs-by-type" not in keys
    assert "territory/jura/hubs-by-status" not in keys and "en/territory/jura/hubs-by-type" not in keys
    assert "territory/bfc/hubs-by-type" in keys and "territory/gbm/hubs-by-status" in keys


def test_hubs_by_status_show_every_status(atlas):
    spec = picture_spec(atlas, "territory/gbm/hubs-by-status")
    assert spec.data["labels"] == ["En activité", "À vérifier (statut ancien)", "En projet", "Fermé"]
    assert spec.data["values"] == [2, 0, 0, 0]
    assert spec.alt.endswith("en activité 2, à vérifier (statut ancien) 0, en projet 0 et fermé 0.")


def test_hubs_by_status_never_count_an_old_status_as_current():
    old = Fact(value="active", year=2019, source=None)
    atlas = make_atlas(fablab={"status_fact": old})  # AS_OF 2025: 2019 is more than five years before
    spec = picture_spec(atlas, "territory/gbm/hubs-by-status")
    assert spec.data["values"] == [1, 1, 0, 0]


def test_founded_per_year_fills_the_gaps(atlas):
    spec = picture_spec(atlas, "home/founded")
    assert spec.data["years"] == list(range(2010, 2017))
    assert spec.data["values"] == [1, 0, 0, 0, 2, 0, 1]
    assert ("2014", "2") in spec.table_rows
    assert "2\u00a0lieux sans année de création connue" in spec.alt
    # the caption says how many places the chart counts, of all the atlas's
    assert spec.title == f"Lieux d'innovation créés par année (année connue pour 4\u00a0lieux sur {len(atlas.hubs)})"
    english = picture_spec(atlas, "en/home/founded")
    assert english.title == f"Innovation hubs opened per year (year known for 4\u00a0hubs of {len(atlas.hubs)})"


def test_ranking_orders_by_measured_score_and_names_the_unmeasured(atlas):
    spec = picture_spec(atlas, "pillar/health/departement")
    assert spec.table_rows == (("1", "Doubs", "5,0"), ("2", "Jura", "4,0"))
    assert spec.alt.endswith("Non mesurés : La Réunion.")


def test_pillar_keys_only_for_levels_with_a_measured_score(atlas):
    keys = picture_keys(atlas)
    assert "pillar/health/departement" in keys and "pillar/health/epci" in keys
    assert "pillar/metropolisation/departement" not in keys  # one indicator only: never a score


def test_network_of_a_territory_brings_its_partners_from_elsewhere(atlas):
    spec = picture_spec(atlas, "territory/gbm/network")
    nodes = {n["id"]: n for n in spec.data["nodes"]}
    assert set(nodes) == {"fablab", "living", "incubator", "dollar", "jura-lab"}
    assert sorted(h for h, n in nodes.items() if n["outside"]) == ["dollar", "incubator", "jura-lab"]
    assert sorted(map(tuple, spec.data["edges"])) == sorted(
        [("dollar", "fablab"), ("fablab", "incubator"), ("fablab", "living"), ("jura-lab", "living")])
    assert ("Jura Lab", "Jura", "Living Lab Santé", "Grand Besançon Métropole") in spec.table_rows
    assert "5\u00a0lieux reliés par 4\u00a0partenariats, dont 3\u00a0lieux partenaires d'autres territoires" in spec.alt


def test_network_only_where_hubs_have_partners(atlas):
    keys = picture_keys(atlas)
    assert "territory/jura/network" in keys and "home/network" in keys
    assert "territory/reunion/network" not in keys  # its hub has no partner
    assert "territory/ornans/network" not in keys  # no hub


def test_network_layout_is_seeded(atlas):
    data = picture_spec(atlas, "home/network").data
    nodes = [n["id"] for n in data["nodes"]]
    assert networks.network_layout(nodes, data["edges"]) == networks.network_layout(nodes, data["edges"])


def test_node_styles_differ_per_type(atlas):
    spec = picture_spec(atlas, "home/network")
    styles = [symbol for symbol, _label in spec.legend if not symbol.endswith(" hollow")]  # `marker <m> <colour>`
    assert len(styles) > 1 and len(set(styles)) == len(styles)
    assert {(n["marker"], n["colour"]) for n in spec.data["nodes"]} <= {tuple(s.split()[1:]) for s in styles}


def test_a_network_draws_no_legend_and_shares_its_drawing_with_english(atlas):
    """Its legend (the hub types, partners from elsewhere) is written beside it in each language
    (pictures.legend): the drawing itself, names of hubs only, is the same in both editions."""
    french, english = picture_spec(atlas, "home/network"), picture_spec(atlas, "en/home/network")
    assert french.data == english.data and french.legend != english.legend
    svg = render(french.kind, french.data).decode()
    assert not [label for _symbol, label in french.legend if f">{label}<" in svg]


def test_dollar_in_a_name_stays_text(atlas):
    spec = picture_spec(atlas, "territory/doubs/network")
    assert STYLE["text.parse_math"] is False
    svg = render(spec.kind, spec.data).decode()  # mathtext would raise on \invalidcmd
    # the label, wrapped on two lines, each written as text (a network's words are <text>, never glyphs)
    assert r">Lab $\invalidcmd$</text>" in svg and ">&amp; $x^2$</text>" in svg and "DejaVuSans-" not in svg
    assert DOLLAR_NAME in spec.alt


def test_tables_are_rectangular_and_alts_plain(atlas):
    for key in picture_keys(atlas):
        spec = picture_spec(atlas, key)
        assert spec.title and spec.alt
        assert all(len(row) == len(spec.table_headers) for row in spec.table_rows), key
        assert not re.search(r"<[a-z/]", spec.alt.replace(DOLLAR_NAME, "")), key


def test_names_sort_the_french_way():
    names = ["Alpes-Maritimes", "Écully", "Alpes-de-Haute-Provence", "Eure"]
    assert sorted(names, key=sort_key) == ["Alpes-de-Haute-Provence", "Alpes-Maritimes", "Écully", "Eure"]
    # punctuation does not come before the digits and the letters (the reader's review: « "La Source" »,
    # « #ChezYvonne » and « (Fab)Lab » opened the list of places, before « 111-Cothink »); œ is o and e
    names = ['"La Source" Espace Partagé', "Œuvre", "(Fab)Lab Digiscope", "#ChezYvonne", "Oise", "111-Cothink", "Ocre"]
    assert sorted(names, key=sort_key) == ["111-Cothink", "#ChezYvonne", "(Fab)Lab Digiscope",
                                           '"La Source" Espace Partagé', "Ocre", "Œuvre", "Oise"]


# the networks' labels apart, inside the picture, escaped: tests/test_networks.py


def test_choropleth_colours_each_measured_score_and_hatches_the_unmeasured(atlas):

    assert "choropleth/health/departement" in picture_keys(atlas)
    assert "choropleth/metropolisation/departement" not in picture_keys(atlas)  # nobody measured
    spec = picture_spec(atlas, "choropleth/health/departement")
    assert spec.data["values"] == {"25": 5.0, "39": 4.0, "974": None}
    assert ("Doubs", "25", "5,0") in spec.table_rows and ("La Réunion", "974", "non mesuré") in spec.table_rows
    assert "5 : 1 ;" in spec.alt and "de 4 à 4,9 : 1" in spec.alt and "non mesurés (hachurés) : 1" in spec.alt
    svg = render("choropleth", spec.data).decode()
    assert svg.count("<path ") == 2  # one path per class drawn (the Réunion is overseas: table only)
    assert f'fill="{choropleth.CLASSES[4][1]}"' in svg and f'fill="{choropleth.CLASSES[3][1]}"' in svg
    assert "Licence Ouverte 2.0" in svg
    # its legend is written beside it in the page's language: no other word in the drawing, which the
    # English edition shares (same data in both languages)
    assert "non mesuré" not in svg and "de 4 à 4,9" not in svg
    assert spec.legend[-1] == ("hatched", "non mesuré")
    assert (f"patch {choropleth.CLASSES[3][1]}", "de 4 à 4,9") in spec.legend
    english = picture_spec(atlas, "en/choropleth/health/departement")
    assert english.data == spec.data and ("hatched", "not measured") in english.legend
    assert render("choropleth", spec.data) == render("choropleth", spec.data)


def test_a_large_network_is_drawn_by_territory_with_every_partnership_counted(atlas, monkeypatch):
    monkeypatch.setattr(network_specs, "GROUPED_ABOVE", 2)  # the fixture's few hubs stand for thousands
    spec = picture_spec(atlas, "home/network")
    assert spec.kind == "network-groups" and spec.title.endswith(", par intercommunalité")
    nodes = {n["id"]: n for n in spec.data["nodes"]}
    linked = {h for edge in atlas.partnerships for h in edge}
    assert sum(n["hubs"] for n in nodes.values()) == len(linked)
    counted = sum(n["internal"] for n in nodes.values()) + sum(n for _, _, n in spec.data["edges"])
    assert counted == len(atlas.partnerships)
    assert sum(int(row[2]) for row in spec.table_rows) == len(atlas.partnerships)
    assert [int(row[2]) for row in spec.table_rows] == sorted((int(row[2]) for row in spec.table_rows), reverse=True)
    svg = render(spec.kind, spec.data)
    assert svg == render(spec.kind, spec.data) and svg.rstrip().endswith(b"</svg>")


# --- labels inside the picture (issue 14) -----------------------------------------------------------

LANNION = "CA Lannion-Trégor Communauté"


def _text_boxes(svg: bytes) -> list[tuple[str, float, float, float]]:
    """Every line of text of a picture written as SVG text: (words, left, right, baseline), in its units."""
    from generator.pictures.svg import text_width
    out = []
    for x, y, size, anchor, bold, words in re.findall(
            r'<text x="([\d.]+)" y="([\d.]+)" font-size="([\d.]+)"(?: text-anchor="(\w+)")?( font-weight="bold")?'
            r'[^>]*>([^<]*)<', svg.decode()):
        words = words.replace("&amp;", "&").replace("&quot;", '"')
        width = text_width(words, float(size), bool(bold))
        left = float(x) - (width / 2 if anchor == "middle" else width if anchor == "end" else 0)
        out.append((words, left, left + width, float(y)))
    return out


def _outside(svg: bytes, boxes: list[tuple[str, float, float, float]]) -> list[tuple[str, float, float]]:
    width, height = (float(v) for v in re.search(rb'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups())
    return [(words, left, right) for words, left, right, y in boxes if left < 0 or right > width or y > height]


def test_bar_names_start_inside_the_picture():
    """'CA Lannion-Trégor Communauté' was drawn as 'A Lannion-…': its text started at a negative x."""
    labels = [LANNION, "Communauté d'agglomération du Pays de Saint-Malo Agglomération", "Doubs"]
    svg = bar_charts.draw_bars({"labels": labels, "values": [3.4, 2.0, 4.1], "colours": ["#0072B2"] * 3,
                            "xlabel": "Score mesuré (1 à 5)", "decimals": 1, "lang": "fr"})
    boxes = _text_boxes(svg)
    assert boxes and _outside(svg, boxes) == []
    names = [words for words, *_ in boxes]
    assert LANNION in names and "Doubs" in names and "4,1" in names
    bars_start = float(re.search(rb'<rect x="([\d.]+)" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="#0072B2"',
                                 svg).group(1))
    assert max(right for words, _, right, _ in boxes if words == LANNION) < bars_start  # names end before the bars


def test_the_pillars_legend_names_every_series_inside_the_picture():
    """Three long names side by side ran off both edges: one line each, all inside."""
    series = [{"name": LANNION, "scores": [3.7, 4.0, None, None, None]},
              {"name": "Côtes-d'Armor (département)", "scores": [3.0, 2.1, 3.3, 3.5, 3.3]},
              {"name": "Médiane des intercommunalités (EPCI)", "scores": [3.3, 3.0, None, None, None], "median": True}]
    data = {"labels": ["Métropolisation", "Santé", "Savoirs", "Identité", "Environnement"], "series": series,
            "words": {"scale": "Score mesuré (1 à 5)", "not_measured": "non mesuré"}, "lang": "fr"}
    svg = bar_charts.draw_pillars(data)
    boxes = _text_boxes(svg)
    assert _outside(svg, boxes) == []
    assert {s["name"] for s in series} <= {words for words, *_ in boxes}
    legend = next(y for words, _, _, y in boxes if words == LANNION)
    scale_title = next(y for words, _, _, y in boxes if words == "Score mesuré (1 à 5)")
    assert legend > scale_title  # under the chart, never over the bars


def test_the_narrow_pillars_chart_fits_a_phone(atlas):
    """The variant shown below 720 px: 340 px wide, every word 12.5 px or more, its words inside."""
    import re

    from generator.pages import legible_width
    from generator.pictures.svg import NARROW_TEXT, text_width
    spec = picture_spec(atlas, "narrow/territory/gbm/pillars")
    assert spec.kind == "pillars-narrow" and spec.alt == picture_spec(atlas, "territory/gbm/pillars").alt
    svg = bar_charts.draw_pillars_narrow(spec.data)
    natural, _, legible = legible_width(svg)
    assert natural == 340 and legible <= 328
    texts = re.findall(r'<text x="([\d.]+)" y="[\d.]+" font-size="([\d.]+)"( text-anchor="(\w+)")?[^>]*>([^<]*)<',
                       svg.decode())
    assert len(texts) > 10
    for x, size, _, anchor, words in texts:
        assert float(size) >= NARROW_TEXT
        width = text_width(words.replace("&amp;", "&").replace("&#x27;", "'"), float(size))
        left = float(x) - (width / 2 if anchor == "middle" else width if anchor == "end" else 0)
        assert 0 <= left and left + width <= natural + 0.5, words


@pytest.mark.parametrize("key", ["narrow/territory/gbm/hubs-by-type", "narrow/home/hubs-by-status",
                                 "narrow/pillar/health/departement"])
def test_narrow_bars_fit_a_phone(atlas, key):
    """Hubs by type or status, and rankings, for a phone: each name whole above its bar, the value after it."""
    from generator.pages import legible_width
    from generator.pictures.svg import NARROW_TEXT, text_width
    spec = picture_spec(atlas, key)
    wide = picture_spec(atlas, key.removeprefix("narrow/"))
    assert spec.kind == "bars-narrow" and spec.alt == wide.alt and spec.table_rows == wide.table_rows
    svg = bar_charts.draw_bars_narrow(spec.data).decode()
    natural, _, legible = legible_width(svg.encode())
    assert natural == 340 and legible <= 328
    texts = re.findall(r'<text x="([\d.]+)" y="[\d.]+" font-size="([\d.]+)"[^>]*>([^<]*)<', svg)
    for label, value in zip(spec.data["labels"], spec.data["values"], strict=True):
        shown = formats.number(value, spec.data.get("decimals"))
        assert label in {t for _, _, t in texts} and shown in {t for _, _, t in texts}
    for x, size, words in texts:
        assert float(size) >= NARROW_TEXT and float(x) + text_width(words.replace("&amp;", "&"), float(size)) <= 340


def test_narrow_years_write_their_years_apart(atlas):
    from generator.pages import legible_width
    from generator.pictures.svg import NARROW_TEXT, text_width
    spec = picture_spec(atlas, "narrow/home/founded")
    assert spec.kind == "years-narrow"
    many = {"years": list(range(1990, 2026)), "values": [i % 7 for i in range(36)],  # 36 years on 340 px
            "words": spec.data["words"], "lang": "fr"}
    for data in (spec.data, many):
        svg = bar_charts.draw_years_narrow(data)
        assert legible_width(svg)[0] == 340 and legible_width(svg)[2] <= 328
        years = [(float(x), words) for x, size, words in re.findall(
            r'<text x="([\d.]+)" y="[\d.]+" font-size="([\d.]+)" text-anchor="middle"[^>]*>(\d{4})<', svg.decode())]
        assert len(years) >= 2 and years[0][1] == str(data["years"][0])
        spans = [(x - text_width(w, NARROW_TEXT) / 2, x + text_width(w, NARROW_TEXT) / 2) for x, w in years]
        assert all(a[1] + 4 <= b[0] for a, b in zip(spans, spans[1:], strict=False))
        assert spans[0][0] >= 0 and spans[-1][1] <= 340


# --- the font's widths, from the committed table (issue 11: no matplotlib to measure a name) -------------------

def _names_of_the_shipped_atlas(count: int) -> list[str]:
    """`count` names of the shipped sheets, every one with a ligature (ff, fi, fl, ffi, ffl) among them."""
    from pathlib import Path

    names = sorted({line[6:].strip().strip("'\"") for path in (Path(__file__).parent.parent / "territories").rglob(
        "*.yml") for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("name: ")})
    ligatures = [name for name in names if any(pair in name for pair in ("ff", "fi", "fl"))]
    return ligatures + names[:: max(1, len(names) // count)]


def test_text_widths_from_the_table_are_matplotlibs_to_the_last_bit():
    """Each line's width summed from the committed advances and kernings is what matplotlib measures for the
    whole line (its shaping: kerning pairs and the ff/fi/fl/ffi/ffl ligatures), in both weights; a character
    outside the table (Greek) is measured through matplotlib and adds up the same way."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    from generator.pictures import svg

    lines = _names_of_the_shipped_atlas(300) + [
        "affiche fff offre ffl ffi fifi flûte", "Œuvre « Ÿ » – 12\u202f% — … €", "Δέλτα Fab Lab", "ﬁ"]
    measurer = TextToPath()
    for bold in (False, True):
        font = FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal", size=100)
        for line in lines:
            whole, _, _ = measurer.get_text_width_height_descent(line, font, ismath=False)
            assert svg.text_width(line, 100, bold) == float(whole), (line, bold)
    assert len(svg._metrics(False)[0]) > 200  # the table was read, not every glyph measured


def test_measuring_the_usual_words_imports_no_matplotlib():
    """A fresh process lays out French names and labels without importing matplotlib (0.3 s of an edit
    build that draws a renamed hub's locator)."""
    import subprocess
    import sys

    code = ("import sys\nfrom generator.pictures.svg import text_width, wrap_to\n"
            "w = [text_width(t, 12, b) for t in ('Communauté d\\'agglomération « Office » – 1\\u202f234 €',"
            " 'Fab Lab de l\\'Œuvre', 'effluents') for b in (False, True)]\n"
            "wrap_to('Tiers-lieu affilié au réseau des Fabriques de Territoire', 80, 12)\n"
            "print('matplotlib' in sys.modules, min(w) > 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]
