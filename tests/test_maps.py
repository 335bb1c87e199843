"""Maps: boundaries matched by code, points placed where they are, hubs without coordinates listed."""

from __future__ import annotations

import csv
import json
import math
import random
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from picture_atlas import BESANCON, make_atlas

from generator import geo
from generator.model import Hub
from generator.pictures import (
    PictureKey,
    france_maps,
    locator_kit,
    locator_narrow,
    locator_specs,
    locators,
    map_specs,
    map_style,
    mpl,
    picture_keys,
    picture_spec,
    render,
)
from generator.pictures.mpl import compact_path, shared_styles, style
from generator.pictures.spec import ATTRIBUTION, INK, MUTED, plural
from generator.pictures.svg import xml_text


@pytest.fixture(scope="module")
def atlas():
    return make_atlas()


def test_committed_boundaries_cover_france_with_their_attribution():
    assert len(geo.layer("departements")) == 101
    assert len(geo.layer("regions")) == 18
    assert set(geo.OVERSEAS) <= set(geo.layer("departements"))
    assert {"242500361", "200046977"} <= set(geo.layer("epci"))  # Grand Besançon, Métropole de Lyon
    assert "242500338" in geo.layer("epci-cc")  # CC du Grand Pontarlier
    for name in geo.LAYERS:
        raw = json.loads((geo.GEODATA / f"{name}.geojson").read_text(encoding="utf-8"))
        assert raw["attribution"] == ATTRIBUTION
    assert ATTRIBUTION in (geo.GEODATA / "ATTRIBUTION").read_text(encoding="utf-8")


def test_points_fall_in_their_departement():
    assert geo.departement_at(*BESANCON) == "25"
    assert geo.departement_at(48.8566, 2.3522) == "75"
    assert geo.departement_at(-20.88, 55.45) == "974"
    assert geo.departement_at(41.9192, 8.7386) == "2A"  # Ajaccio, on the coast
    assert geo.departement_at(51.5, -0.12) is None  # London


def test_besancon_is_drawn_inside_the_doubs_outline(atlas):
    spec = picture_spec(atlas, "hub/fablab/locator")
    assert spec.data["outline"] == ["departements", "25"]
    from matplotlib.path import Path as MplPath
    drawing = locators.locator_drawing(spec.data)
    x, y = drawing.to_xy(*BESANCON)
    assert any(MplPath(ring).contains_point((x, y)) for ring in drawing.highlight)
    jura = [drawing.to_xy(lat, lon) for polygon in geo.layer("departements")["39"].polygons
            for lon, lat in polygon[0]]
    assert not MplPath(jura).contains_point((x, y))
    # the hub's marker is drawn at that very place, and written in the SVG there
    (point,) = drawing.points
    assert abs(point["x"] - x) < 0.01 and abs(point["y"] - y) < 0.01
    assert f'cx="{x:.1f}" cy="{y:.1f}"'.encode() in drawing.svg


def test_territory_outlines_are_matched_by_code(atlas):
    t = atlas.territories
    assert geo.territory_outline(atlas, t["gbm"]) == geo.Located("epci", "242500361", True)
    assert geo.territory_outline(atlas, t["doubs"]) == geo.Located("departements", "25", True)
    assert geo.territory_outline(atlas, t["bfc"]) == geo.Located("regions", "27", True)
    # a commune has no outline of its own: its département's, found from its INSEE code
    assert geo.territory_outline(atlas, t["ornans"]) == geo.Located("departements", "25", False)


def test_territory_locator_lists_its_hubs(atlas):
    spec = picture_spec(atlas, "territory/doubs/locator")
    assert sorted(p["label"] for p in spec.data["points"]) == ["Fablab de Besançon", "Lab $\\invalidcmd$ & $x^2$",
                                                              "Living Lab Santé"]
    assert ("Ancien incubateur", "Doubs", "Fermé", "non renseignée", "non renseignée", "non renseignée") \
        in spec.table_rows
    assert "Sans coordonnées, donc non placés : Ancien incubateur." in spec.alt
    assert ATTRIBUTION in spec.alt
    ornans = picture_spec(atlas, "territory/ornans/locator")
    assert "sans contour propre sur la carte, le département qui le contient, Doubs (25), est surligné" in ornans.alt


def test_a_hub_without_coordinates_is_listed_never_placed(atlas):
    keys = picture_keys(atlas)
    assert "hub/incubator/locator" not in keys
    assert "incubator" not in locator_specs.named_on_locator(atlas, "doubs")
    france = picture_spec(atlas, "home/map")
    assert "Ancien incubateur" not in [p["label"] for p in france.data["points"]]
    assert len(france.data["points"]) == 5
    assert "Sans coordonnées, donc non placés : Ancien incubateur." in france.alt
    assert ("Ancien incubateur", "Lieu d'innovation (fermé)", "Doubs", "non renseignée",
            "non renseignée", "non renseignée") in france.table_rows


def test_the_france_map_marks_the_main_towns_of_smaller_territories(atlas):
    france = picture_spec(atlas, "home/map")
    assert france.data["towns"] == [{"lat": 47.24, "lon": 6.02}]  # Grand Besançon; Ornans has no coordinates
    assert ("Grand Besançon Métropole", "Intercommunalité (EPCI)", "Doubs", "47,24", "6,02",
            "chef-lieu") in france.table_rows
    assert "1\u00a0territoire de l'atlas (intercommunalités, communes, pays) marqué d'un losange" in france.alt


def test_overseas_hubs_go_to_their_inset(atlas):
    france = picture_spec(atlas, "home/map")
    assert "(dont 1 outre-mer)" in france.alt
    views = {p["label"]: map_style._view_of(p["lat"], p["lon"]) for p in france.data["points"]}
    assert views["Run Lab"] == "974" and views["Jura Lab"] == "metro"
    run = picture_spec(atlas, "hub/run-lab/locator")
    assert "20,88\u00a0S, 55,45\u00a0E" in run.alt and "La Réunion (974)" in run.alt


def test_density_uses_sheet_populations_and_skips_closed_hubs(atlas):
    spec = picture_spec(atlas, "home/density")
    rows = {row[0]: row for row in spec.table_rows}
    # Doubs: 200 000 inhabitants in 2021 (test sheet, the year shown beside them), 3 hubs not closed (the closed
    # one is left out)
    assert rows["Doubs (25)"] == ("Doubs (25)", "3", "200\u202f000 (2021)", "1,50")
    assert spec.table_headers[1] == "Lieux non fermés (statut à vérifier compris)"
    assert "non fermés (statut à vérifier compris)" in spec.alt
    assert spec.data["classes"]["25"] == 4
    assert rows["Jura (39)"][2:] == ("non renseignée", "non calculée")
    assert "39" not in spec.data["classes"]
    assert "Lieux dans des départements sans population renseignée : Jura 1 et La Réunion 1." in spec.alt


def test_density_breaks():
    assert map_specs.density_breaks([]) == []
    assert map_specs.density_breaks([0.0, 1.5]) == [0.4, 0.8, 1.2, 1.5]


def test_a_hub_named_on_its_territory_locator_has_no_picture_of_its_own(atlas, monkeypatch):
    """Its page shows its territory's locator, its point marked by the address (`locator.svg#lieu-<id>`,
    drawn larger by the picture's :target rule): one picture per territory instead of two more per hub."""
    keys = picture_keys(atlas)
    assert not [k for k in keys if k.startswith(("hub/", "narrow/hub/"))]
    assert locator_specs.named_on_locator(atlas, "gbm") == ("fablab", "living")
    assert locator_specs.named_on_locator(atlas, "reunion") == ("run-lab",)
    for key in ("territory/gbm/locator", "narrow/territory/gbm/locator"):
        spec = picture_spec(atlas, key)
        svg = render(spec.kind, spec.data).decode()
        assert svg.count('id="lieu-fablab"') == 1 and svg.count('id="lieu-living"') == 1, key
        assert svg.count(":target{") == 1 and "Fablab de Besançon" in spec.alt
        if spec.kind == "locator":
            assert "Fablab de Besançon" in svg  # named beside its point
    # a hub left off its territory's map (too far away) keeps its own picture, and so do the hubs of a map
    # with too many points to name them
    moved = make_atlas(dollar={"coordinates": (50.63, 3.06)})
    assert {"hub/dollar/locator", "narrow/hub/dollar/locator"} <= set(picture_keys(moved))
    assert "hub/fablab/locator" not in picture_keys(moved)
    monkeypatch.setattr(locator_specs, "LABELLED_MAX", 1)
    assert {"hub/fablab/locator", "hub/living/locator"} <= set(picture_keys(atlas))
    assert "hub/run-lab/locator" not in picture_keys(atlas)
    assert picture_spec(atlas, "territory/gbm/locator").data["labels"] is False


def test_a_hub_far_from_its_territory_is_named_not_drawn():
    moved = make_atlas(dollar={"coordinates": (50.63, 3.06)})  # a slip: Lille instead of the Doubs
    spec = picture_spec(moved, "territory/doubs/locator")
    assert "Lab $\\invalidcmd$ & $x^2$" not in [p["label"] for p in spec.data["points"]]
    assert "Hors du cadre de la carte : Lab $\\invalidcmd$ & $x^2$." in spec.alt
    hub = picture_spec(moved, "hub/dollar/locator")
    assert hub.data["outline"] == ["departements", "59"]  # where the point is


# --- light locators ----------------------------------------------------------------------------------

_PATH_TOKEN = re.compile(r"[MmLlHhVvQqCcZz]|-?(?:\d+\.?\d*|\.\d+)")
_ARGS = {"M": 2, "L": 2, "H": 1, "V": 1, "Q": 4, "C": 6, "Z": 0}


def absolute_points(data: str) -> list[tuple]:
    """An independent reader of SVG path data: every command with absolute coordinates."""
    tokens = _PATH_TOKEN.findall(data)
    out: list[tuple] = []
    i, command, x, y, start = 0, "", 0.0, 0.0, (0.0, 0.0)
    while i < len(tokens):
        if tokens[i].isalpha():
            command, i = tokens[i], i + 1
            if command in "zZ":
                x, y = start
                out.append(("Z",))
                continue
        n = _ARGS[command.upper()]
        values, i = [float(v) for v in tokens[i:i + n]], i + n
        dx, dy = (x, y) if command.islower() else (0.0, 0.0)
        upper = command.upper()
        if upper == "H":
            x = values[0] + dx
        elif upper == "V":
            y = values[0] + dy
        else:
            values = [v + (dx if k % 2 == 0 else dy) for k, v in enumerate(values)]
            x, y = values[-2:]
        if upper == "M":
            start = (x, y)
            command = "l" if command == "m" else "L"  # what repeated numbers after a moveto mean
        out.append(("L" if upper in "HV" else upper, *([x, y] if upper in "HV" else values)))
    return out


def without_repeats(points: list[tuple]) -> list[tuple]:
    """Lines of no length after a drawn segment: what compact_path leaves out."""
    out: list[tuple] = []
    for point in points:
        if point[0] == "L" and out and out[-1][0] in "LQC" and out[-1][-2:] == point[1:]:
            continue
        out.append(point)
    return out


@pytest.mark.parametrize("unit", [1, 10, 100])
def test_compact_paths_keep_every_point_on_their_grid(unit):
    rng = random.Random(unit)
    for _ in range(200):
        parts = []
        for _sub in range(rng.randint(1, 3)):
            parts.append(f"M {rng.uniform(-50, 500):.6f} {rng.uniform(-50, 300):.6f}")
            for _seg in range(rng.randint(1, 25)):
                command = rng.choice("LLLLLQC")
                count = {"L": 2, "Q": 4, "C": 6}[command]
                parts.append(command + " " + " ".join(rng.choice([f"{rng.uniform(-50, 500):.6f}", "100", "0"])
                                                      for _ in range(count)))
            if rng.random() < 0.7:
                parts.append("z")
        original = " ".join(parts)
        compact = compact_path(original, unit)
        rounded = [(p[0], *[round(v * unit) / unit for v in p[1:]]) for p in absolute_points(original)]
        got = absolute_points(compact)
        assert len(without_repeats(got)) == len(without_repeats(rounded))
        for a, b in zip(without_repeats(got), without_repeats(rounded), strict=True):
            assert a[0] == b[0] and a[1:] == pytest.approx(b[1:], abs=1e-9)
        assert len(compact) < len(original)
    assert compact_path("M 1 2 A 3 4 0 0 1 5 6", 10) == "M 1 2 A 3 4 0 0 1 5 6"  # unknown command: untouched


def test_repeated_styles_become_classes():
    svg = (b'<svg><defs><style type="text/css">*{a: b}</style></defs><path d="M0 0" style="fill: red"/>'
           b'<path d="M1 1" style="fill: red"/><path d="M2 2" style="fill: blue"/></svg>')
    out = shared_styles(svg)
    assert out.count(b'class="s0"') == 2 and b'style="fill: blue"' in out
    assert b".s0{fill: red}\n</style>" in out


def test_locators_are_light_and_say_their_credit_in_text(atlas):
    for key in [k for k in picture_keys(atlas) if k.endswith("/locator") and not PictureKey.parse(k).narrow]:
        spec = picture_spec(atlas, key)
        svg = render(spec.kind, spec.data)
        # a département's map carries its intercommunalités (thin lines on whole points), a région's its
        # départements: a little heavier
        children = spec.data.get("intercommunal") or (spec.data["outline"] or [""])[0] == "regions"
        assert len(svg) < (30 if children else 20) * 1024, (key, len(svg))
        assert ATTRIBUTION.encode("utf-8") in svg  # real text, found by a search in the PDF too
        assert b"DejaVuSans-" not in svg and b"clip-path" in svg


CSS_PX_PER_PT = 4 / 3
SITE_COLUMN_PX = 760  # the widest the site's content column shows a picture (img max-width: 100%)


def credit_font_size(svg: str) -> float:
    """The credit's font size in SVG user units, whether drawn as text (locators) or as glyph paths."""
    block = re.search(r'<g id="credit">(.*?)</g>', svg, re.DOTALL)
    assert block, "no credit group in the SVG"
    as_text = re.search(r"font-size: ([\d.]+)px", block.group(1))
    if as_text:
        assert ATTRIBUTION in block.group(1)
        return float(as_text.group(1))
    assert f"<!-- {ATTRIBUTION} -->" in block.group(1)
    return float(re.search(r"scale\(([\d.]+) -", block.group(1)).group(1)) * 100  # glyphs are 100 units to the pt


@pytest.mark.parametrize("key", ["home/map", "home/density", "territory/gbm/locator", "hub/run-lab/locator"])
def test_the_ign_credit_is_legible_on_screen(atlas, key):
    spec = picture_spec(atlas, key)
    svg = render(spec.kind, spec.data).decode()
    size = credit_font_size(svg)
    width = float(re.search(r'<svg [^>]*width="([\d.]+)pt"', svg).group(1))
    assert size / width >= map_style.CREDIT_FONTSIZE / 460.8 - 1e-9
    shown_px = min(SITE_COLUMN_PX, width * CSS_PX_PER_PT)  # an SVG is never shown wider than its own size
    assert size * shown_px / width >= 9  # px on screen, at the size the site shows the picture


WIDEST = [{"status": s, "approx": a, "lat": 47.0, "lon": 2.0, "label": s} for s in map_style.CATEGORIES
          for a in (False, True)]  # every legend entry


def test_the_credit_sits_in_a_band_of_its_own(atlas):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    with style():
        figures = [france_maps.france_figure({**picture_spec(atlas, "home/map").data, "points": WIDEST}),
                   france_maps.france_figure(map_specs.france_spec(atlas, aggregate=True).data)]
        for key in ("territory/gbm/locator", "hub/run-lab/locator"):  # written as SVG text: boxes in pt
            drawing = locators.locator_drawing({**picture_spec(atlas, key).data, "points": WIDEST})
            x0, y0, x1, y1 = drawing.credit
            assert x0 >= 0 and x1 <= locator_kit.WIDE_W and y1 <= locator_kit.WIDE_H
            assert drawing.svg.count(b'id="credit"') == 1
            assert not map_style._intersects(drawing.credit, drawing.frame), key
            assert b'id="legend"' not in drawing.svg  # written beside the picture (pictures.legend)
        for fig in figures:
            credits = [text for text in fig.texts if text.get_gid() == "credit"] or [france_maps._credit(fig)]
            assert len(credits) == 1
            credit = credits[0]
            renderer = FigureCanvasAgg(fig).get_renderer()
            fig.draw(renderer)
            box = credit.get_window_extent(renderer)
            assert box.x0 >= 0 and box.x1 <= fig.bbox.x1 and box.y0 >= 0
            others = [ax.get_window_extent(renderer) for ax in fig.axes]
            others += [legend.get_window_extent(renderer) for legend in _legends(fig)]
            assert not [other for other in others if other.overlaps(box)]


def _legends(fig):
    return [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend() is not None)]


# --- commune-precision points --------------------------------------------------------------------


def _drawn_points(drawing):
    """Every point group of a written locator by its id (points-<status>-<address|commune>): its shapes' attributes,
    in drawing order (a hollow point is two shapes, its dark rim then its ring, in a group named for its hub)."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(drawing.svg.decode())
    svg = "{http://www.w3.org/2000/svg}"
    return {g.get("id"): [dict(shape.attrib) for shape in g.iter() if shape.tag in (svg + "circle", svg + "rect",
                                                                                      svg + "path")]
            for g in root.iter(svg + "g") if (g.get("id") or "").startswith("points-")}


def test_commune_precision_points_are_hollow_with_their_legend_entry():
    from matplotlib.colors import to_rgba
    moved = make_atlas(living={"precision": "commune"}, fablab={"precision": "address"})
    for key in ("territory/gbm/locator", "hub/living/locator"):
        spec = picture_spec(moved, key)
        drawing = locators.locator_drawing(spec.data)
        drawn = _drawn_points(drawing)
        rim, ring = drawn["points-active-commune"]
        # white inside, the status's colour as a ring, and a dark rim around it (WCAG 1.4.11: the orange of a status
        # to check is 1.7:1 against a territory's light blue)
        assert to_rgba(rim["fill"]) == to_rgba("white") and to_rgba(rim["stroke"]) == to_rgba(INK)
        assert float(rim["stroke-width"]) > float(ring["stroke-width"]) == map_style.HOLLOW_WIDTH
        assert ring["fill"] == "none" and to_rgba(ring["stroke"]) == to_rgba(map_style.COLOURS["active"])
        if key.startswith("territory"):
            (filled,) = drawn["points-active-address"]  # the Fablab, at its address
            assert to_rgba(filled["fill"]) == to_rgba(map_style.COLOURS["active"])
            assert to_rgba(filled["stroke"]) == to_rgba(INK)  # a dark edge, not a white one
        # its legend entry is written beside the picture (pictures.legend), not in the drawing
        assert (f"circle {MUTED} hollow", map_style.APPROXIMATE) in spec.legend
        assert map_style.APPROXIMATE.split(" (")[0].encode() not in drawing.svg
        assert "position approximative : centre de la commune" in spec.alt or "position approximative (centre de" \
            in spec.alt
    rows = {row[0]: row for row in picture_spec(moved, "territory/gbm/locator").table_rows}
    assert rows["Living Lab Santé"][-1] == "centre de la commune" and rows["Fablab de Besançon"][-1] == "adresse"
    assert picture_spec(moved, "territory/gbm/locator").table_headers[-1] == "Précision"
    # and without any: no such entry, nothing hollow
    plain_spec = picture_spec(make_atlas(), "territory/gbm/locator")
    plain = locators.locator_drawing(plain_spec.data)
    assert not [g for g in _drawn_points(plain) if g.endswith("-commune")]
    assert map_style.APPROXIMATE not in [label for _symbol, label in plain_spec.legend]


def test_the_fixture_atlas_draws_its_commune_precision_hub_hollow(fixture_atlas):
    hub = fixture_atlas.hubs["living-lab-sante"]
    assert hub.precision == "commune"
    france = picture_spec(fixture_atlas, "home/map")
    (point,) = [p for p in france.data["points"] if p["label"] == hub.name]
    assert point["approx"] is True
    assert "en position approximative (centre de la commune), en symbole creux" in france.alt
    svg = render(france.kind, france.data)
    assert b'id="points-active-commune"' in svg or b'id="points-to-check-commune"' in svg
    locator = picture_spec(fixture_atlas, "hub/living-lab-sante/locator")
    assert "position approximative : centre de la commune" in locator.alt


def test_the_hub_page_says_its_position_is_approximate(fixture_atlas):
    from generator.pages import Pages, SiteOptions
    pages = Pages(fixture_atlas, SiteOptions())
    text = pages.hub_page(fixture_atlas.hubs["living-lab-sante"]).data.decode()
    sentence = "position approximative : centre de la commune"
    assert sentence in text
    # where its map goes (no pictures drawn here), before the table of fields
    assert text.index(".atlas-breadcrumb") < text.index(sentence) < text.index(">Champ</span> |")
    others = [h for h in fixture_atlas.hubs.values() if h.coordinates and h.precision != "commune"]
    assert others
    for hub in others:
        assert sentence not in pages.hub_page(hub).data.decode()


def test_a_hub_page_shows_its_territory_map_with_its_point_marked(fixture_atlas, tmp_path):
    from generator.pages import Pages, SiteOptions
    from generator.pictures import draw_pictures
    territory = fixture_atlas.hubs["fablab-besancon"].territory_id
    keys = [k for k in picture_keys(fixture_atlas) if k.endswith(f"territory/{territory}/locator")
            and not k.startswith("en/")]
    pictures = draw_pictures(fixture_atlas, cache_dir=tmp_path, keys=keys, progress=False, jobs=1)
    assert len(pictures) == 2 and all(b'id="lieu-fablab-besancon"' in p.svg for p in pictures.values())
    text = Pages(fixture_atlas, SiteOptions(), pictures).hub_page(fixture_atlas.hubs["fablab-besancon"]).data.decode()
    for folder in ("", "narrow/"):  # the wide picture and its variant for phones
        assert text.count(f"assets/pictures/{folder}territory/{territory}/locator.svg#lieu-fablab-besancon\"") == 1
    assert "ce lieu y est le point agrandi" in text
    # the map's own text alternative, with the page's French typography (typography.attribute_text)
    from html import unescape

    from generator.typography import attribute_text
    assert attribute_text(pictures[keys[1]].alt, "fr") in unescape(text)
    assert "d\u2019innovation placés" in unescape(text) and "d'innovation placés" not in unescape(text)
    # its data (every hub of the territory) is not written on each hub's page: a link leads to the
    # territory page's table of that map, which carries the id linked
    assert "Données du graphique" not in text
    link = f'<a href="../../territoires/{territory}/#donnees-carte">'
    assert link + "Données de la carte : sur la fiche du territoire</a>" in text
    pages = Pages(fixture_atlas, SiteOptions(), pictures)
    home = pages.territory_page(fixture_atlas.territories[territory]).data.decode()
    table = home.split('<details class="atlas-data" id="donnees-carte"', 1)[1].split("</details>", 1)[0]
    assert "Fablab de Besançon" in table and "Localisation" in table


def test_a_territory_map_without_hubs_has_no_empty_data_table(fixture_atlas, tmp_path):
    """A territory with no hub (870 of the shipped atlas's, in each edition) offered « Données du
    graphique : Localisation » over a table of headers without a row: a map that places nothing has no
    data to open; its text alternative says « 0 lieu d'innovation placé »."""
    from generator.pages import Pages, SiteOptions
    from generator.pictures import draw_pictures
    assert not fixture_atlas.hubs_within("ornans") and fixture_atlas.hubs_within("pays-horloger")
    keys = [k for k in picture_keys(fixture_atlas)
            if k.endswith(("territory/ornans/locator", "territory/pays-horloger/locator"))]
    pictures = draw_pictures(fixture_atlas, cache_dir=tmp_path, keys=keys, progress=False, jobs=1)
    for lang in ("fr", "en"):
        pages = Pages(fixture_atlas, SiteOptions(), pictures, lang=lang)
        text = pages.territory_page(fixture_atlas.territories["ornans"]).data.decode()
        assert "territory/ornans/locator.svg" in text  # the map is shown
        assert "<tbody></tbody>" not in text and 'id="donnees-carte"' not in text
        # a territory with hubs keeps its table, which its hubs' pages link to
        text = pages.territory_page(fixture_atlas.territories["pays-horloger"]).data.decode()
        table = text.split('id="donnees-carte"', 1)[1].split("</details>", 1)[0]
        assert table.count("<tr>") == 1 + len(fixture_atlas.hubs_within("pays-horloger"))


def test_an_old_status_is_drawn_as_to_check_never_as_active():
    from generator.model import Fact
    atlas = make_atlas(**{"jura-lab": {"status_fact": Fact(value="active", year=2019)}})
    spec = picture_spec(atlas, "territory/jura/locator")
    (point,) = spec.data["points"]
    assert point["status"] == map_style.TO_CHECK
    assert spec.table_rows[0][2] == "À vérifier (en activité en 2019)"


# --- national density ----------------------------------------------------------------------------

DECOUPAGE = Path(__file__).resolve().parent.parent / "node_modules" / "@etalab" / "decoupage-administratif" / "data"


def national_atlas():
    """The test atlas plus 2 to 5 hubs at the prefecture's main town of every département (from the COG and
    communes-centres.csv), some closed and some without coordinates: more than a France map can show as points."""
    from dataclasses import replace

    from picture_atlas import AS_OF, DAY, hubs, territories, vocabulary

    from generator.model import build_atlas

    if not (DECOUPAGE / "departements.json").is_file():  # the README's test command needs no npm
        pytest.skip("npm package @etalab/decoupage-administratif not installed (run `npm ci`)")
    with (geo.GEODATA / "communes-centres.csv").open(encoding="utf-8", newline="") as handle:
        centres = {row["code"]: (float(row["lat"]), float(row["lon"])) for row in csv.DictReader(handle)}
    deps = json.loads((DECOUPAGE / "departements.json").read_text(encoding="utf-8"))
    all_hubs = hubs()
    expected: Counter = Counter()
    closed_ones: Counter = Counter({"25": 1})  # the test atlas's closed incubator
    for h in all_hubs.values():  # the test atlas's own, by where their territory is
        if h.status != "closed":
            expected[{"jura": "39", "reunion": "974"}.get(h.territory_id, "25")] += 1
    for i, dep in enumerate(d for d in deps if d["zone"] in ("metro", "drom")):
        for k in range(2 + i % 4):
            hid = f"n-{dep['code']}-{k}"
            closed = k == 3
            all_hubs[hid] = Hub(id=hid, territory_id="doubs", name=f"Lieu {dep['code']} {k}", types=("coworking",),
                                status="closed" if closed else "active", updated=DAY, path=f"h/{hid}.yml",
                                coordinates=centres[dep["chefLieu"]], precision="commune" if k == 1 else "address",
                                commune=dep["chefLieu"])
            expected[dep["code"]] += not closed
            closed_ones[dep["code"]] += closed
    all_hubs["nowhere"] = replace(all_hubs["fablab"], id="nowhere", name="Sans point", coordinates=None)
    expected["25"] += 1  # no coordinates: counted where its territory is (Grand Besançon, Doubs)
    return build_atlas(territories(), all_hubs, vocabulary(), {}, AS_OF), expected, closed_ones


def test_the_national_map_counts_hubs_per_departement():
    atlas, expected, closed_ones = national_atlas()
    spec = picture_spec(atlas, "home/map")
    assert spec.kind == "france-counts"  # more than AGGREGATE_ABOVE hubs placed: counted, not dotted
    assert sum(1 for h in atlas.hubs.values() if h.coordinates) > map_style.AGGREGATE_ABOVE
    counts = {s["code"]: s["count"] for s in spec.data["symbols"]}
    assert counts == dict(expected)
    rows = {row[0]: row for row in spec.table_rows}
    deps = geo.layer("departements")
    for code, count in expected.items():
        assert rows[f"{deps[code].name} ({code})"][1] == str(count)
    assert spec.table_headers == map_specs.COUNT_HEADERS
    assert rows["Ain (01)"][3] == "1"  # its k = 1 hub is at the commune's centre
    assert rows["Doubs (25)"][4] == "1"  # "Sans point"
    for code, closed in closed_ones.items():  # closed ones: in the table, not in the circles
        assert rows[f"{deps[code].name} ({code})"][5] == str(closed)
    assert len(spec.data["symbols"]) == 101
    sizes = [s["count"] for s in spec.data["symbols"]]
    assert sizes == sorted(sizes, reverse=True)  # big circles drawn first, small ones on top


def test_the_national_map_writes_its_counts_without_overlap():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from generator.pictures.labels import label_boxes
    atlas, expected, _ = national_atlas()
    spec = picture_spec(atlas, "home/map")
    with style():
        fig = france_maps.france_figure(spec.data)
        FigureCanvasAgg(fig).draw()
        labels = [t for ax in fig.axes for t in ax.texts if (t.get_gid() or "").startswith("count-")]
        assert len(labels) > 60  # most départements have their count written
        for label in labels:
            assert label.get_text() == str(expected[label.get_gid()[len("count-"):]])
        boxes = label_boxes(fig, labels)
        for i, box in enumerate(boxes):
            frame = labels[i].axes.get_window_extent()
            assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
            assert not [j for j, other in enumerate(boxes) if j != i and box.overlaps(other)]
        legend = fig.axes[0].get_legend()
        assert [t.get_text() for t in legend.get_texts()] == [plural(v, "lieu", "lieux") for v in
                                                              map_style.legend_values(max(expected.values()))]


def test_a_crowded_region_is_counted_per_departement_and_a_departement_keeps_its_points():
    atlas, expected, _ = national_atlas()
    many = {**{h.id: h for h in atlas.hubs.values()}}
    from dataclasses import replace

    from picture_atlas import AS_OF, territories, vocabulary

    from generator.model import build_atlas
    # 70 more hubs in the Doubs, at Besançon: the région's map counts, the Doubs's map shows points
    for i in range(70):
        many[f"b{i}"] = replace(atlas.hubs["fablab"], id=f"b{i}", name=f"B {i}", partners=())
    dense = build_atlas(territories(), many, vocabulary(), {}, AS_OF)
    region = picture_spec(dense, "territory/bfc/locator")
    assert region.data["symbols"] and not region.data["points"]
    assert {s["code"]: s["count"] for s in region.data["symbols"]}["25"] == sum(
        1 for h in dense.hubs_within("bfc") if dense.hubs[h].status != "closed"
        and geo.departement_at(*(dense.hubs[h].coordinates or (47.24, 6.02))) == "25")
    assert region.table_headers == map_specs.COUNT_HEADERS
    doubs = picture_spec(dense, "territory/doubs/locator")
    assert len(doubs.data["points"]) > map_style.REGION_AGGREGATE_ABOVE and "symbols" not in doubs.data
    drawing = locators.locator_drawing(region.data)
    assert drawing.counts and b'id="symbols"' in drawing.svg and b"par d\xc3\xa9partement" not in drawing.svg
    # its legend beside it: a disc per round count, as large as the map's
    assert [label for _symbol, label in region.legend] == [
        f"{plural(v, 'lieu', 'lieux')} par département" for v in map_style.legend_values(region.data["largest"])]
    assert all(symbol.startswith("disc ") for symbol, _label in region.legend)


def test_legend_values():
    assert map_style.legend_values(0) == []
    assert map_style.legend_values(1) == [1]
    assert map_style.legend_values(214) == [200, 50, 10]
    assert map_style.legend_values(41) == [20, 5, 1]


@pytest.mark.parametrize("key", ["territory/doubs/locator", "territory/bfc/locator", "hub/dollar/locator"])
def test_locator_names_stay_inside_the_close_view_and_apart(atlas, key):
    drawing = locators.locator_drawing(picture_spec(atlas, key).data)
    assert drawing.names
    x0, y0, x1, y1 = drawing.frame
    boxes = [box for _, box in drawing.names]
    for i, (name, box) in enumerate(drawing.names):
        assert x0 <= box[0] and box[2] <= x1 and y0 <= box[1] and box[3] <= y1, name
        assert not [j for j, other in enumerate(boxes) if j != i and _overlaps(box, other)]
        for line in name.split("\n"):
            assert xml_text(line).encode() in drawing.svg


def _overlaps(a, b):
    """Boxes sharing some area (touching edges do not count), like Bbox.overlaps."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


# --- what a reader sees: nothing cut, nothing astray (issue 14) -------------------------------------


def _boundary_segments(ax):
    """Every outline drawn in the axes, as display-pixel segments."""
    from matplotlib.collections import PathCollection

    from generator.pictures.labels import path_segments
    paths = [p for c in ax.collections if isinstance(c, PathCollection) and "points" not in (c.get_gid() or "")
             and c.get_offsets().size == 0 or (isinstance(c, PathCollection) and c.get_gid()
                                                in ("departements", "regions", "highlight"))
             for p in c.get_paths()]
    return path_segments(paths, ax.transData)


@pytest.mark.parametrize("kind", ["points", "counts", "density"])
def test_the_france_legend_crosses_no_boundary(atlas, kind):
    """The home map's legend used to sit on the coast (and on the Nord in the PDF): its box meets no outline."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from generator.pictures.labels import segments_crossing
    with style():
        if kind == "counts":
            fig = france_maps.france_figure(picture_spec(national_atlas()[0], "home/map").data)
        elif kind == "density":
            fig = france_maps.density_figure(picture_spec(atlas, "home/density").data)
        else:
            fig = france_maps.france_figure(picture_spec(atlas, "home/map").data)
        FigureCanvasAgg(fig).draw()
        metro = fig.axes[0]
        legends = [lg for lg in [metro.get_legend(), *fig.legends] if lg is not None]
        assert legends
        lines = _boundary_segments(metro)
        assert len(lines) > 1000
        for legend in legends:
            box = legend.get_window_extent()
            assert segments_crossing(box.extents, lines) == 0, (kind, box)
            assert 0 <= box.x0 and box.x1 <= fig.bbox.x1 and 0 <= box.y0 and box.y1 <= fig.bbox.y1
            for inset in fig.axes[1:]:  # nor the overseas insets
                assert not box.overlaps(inset.get_window_extent()), (kind, inset.get_title())


NANTES = ["epci", "244400404"]


def test_a_close_view_draws_only_what_meets_it_and_nothing_outside_its_frame():
    """The Nantes Métropole map showed a lone piece of line east of the city: the Loire-Atlantique /
    Maine-et-Loire limit, which runs in a thin strip along the Loire up to the city's edge, drawn with
    nothing else around it. Every line drawn belongs to an outline that meets the view and is clipped to
    the frame; the neighbouring intercommunalités are drawn too, so that piece reads as a limit among others."""
    data = {"outline": NANTES, "points": [], "centre": None, "labels": False, "intercommunal": True}
    drawing = locators.locator_drawing(data)
    west, south, east, north = locator_kit._locator_bounds(data, geo.layer("epci")["244400404"])
    mw, ms, me, mn = map_style._padded((west, south, east, north), 0.05)  # the view and a margin, in pt
    (left, top), (right, bottom) = drawing.to_xy(mn, mw), drawing.to_xy(ms, me)
    svg = drawing.svg.decode()
    for gid, layer_names in (("departements", ["departements"]), ("regions", ["regions"]),
                             (map_style.INTERCOMMUNAL_GID, ["epci", "epci-cc"])):
        drawn = drawing.layers[gid]
        meeting = [o for name in layer_names for o in geo.layer(name).values()
                   if map_style._intersects(o.bounds, (west, south, east, north)) and o.code != NANTES[1]]
        assert 1 <= len(drawn) <= len(meeting), gid  # an outline whose box meets the view but whose line
        # does not is left out
        assert f'<g id="{gid}">' in svg.split('<g clip-path="url(#vue)">', 1)[1].split('<rect x=', 1)[0]  # clipped
        for _, runs in drawn:
            for run in runs:
                assert (run[:, 0] >= left - 1e-6).all() and (run[:, 0] <= right + 1e-6).all()
                assert (run[:, 1] >= top - 1e-6).all() and (run[:, 1] <= bottom + 1e-6).all()
    # the neighbours of Nantes Métropole are there (Erdre et Gesvres, Clisson Sèvre et Maine…)
    assert len(drawing.layers[map_style.INTERCOMMUNAL_GID]) >= 8
    narrow = locator_narrow.draw_locator_narrow(data).decode()
    assert 'clip-path="url(#vue)"' in narrow


def test_a_departement_map_draws_its_intercommunalites_and_a_region_map_its_departements(atlas):
    doubs = picture_spec(atlas, "territory/doubs/locator").data
    region = picture_spec(atlas, "territory/bfc/locator").data
    drawing = locators.locator_drawing(doubs)
    order = drawing.order
    # drawn over the highlight's fill, under its edge: visible inside the Doubs
    assert order.index(f"{mpl.COARSE}-highlight-fill") < order.index(map_style.INTERCOMMUNAL_GID) \
        < order.index("highlight")
    assert [drawing.svg.index(f'<g id="{gid}">'.encode()) for gid in order] == sorted(
        drawing.svg.index(f'<g id="{gid}">'.encode()) for gid in order)  # written in that order
    inside = [o for name in ("epci", "epci-cc") for o in geo.layer(name).values()
              if geo.layer("departements")["25"].contains(*reversed(_inner_point(o)))]
    assert len(inside) >= 5  # the Doubs's intercommunalités (Grand Besançon, Pontarlier…)
    drawn = {code for code, _ in drawing.layers[map_style.INTERCOMMUNAL_GID]}
    assert {o.code for o in inside} <= drawn
    drawing = locators.locator_drawing(region)
    order = drawing.order
    assert order.index(f"{mpl.COARSE}-highlight-fill") < order.index("departements") < order.index("highlight")
    of_region = [o for o in geo.layer("departements-simple").values() if o.region == "27"]
    assert len(of_region) == 8 and {o.code for o in of_region} <= {code for code, _ in drawing.layers["departements"]}
    for data, needle in ((doubs, 'stroke="#b0b0b0"'), (region, 'stroke="#8c8c8c"')):
        assert needle in locator_narrow.draw_locator_narrow(data).decode()


def _inner_point(outline):
    """(lon, lat) of a vertex of the outline's largest ring, nudged to its centre: a point inside it."""
    ring = max((p[0] for p in outline.polygons), key=len)
    return tuple(ring.mean(axis=0))


LONG_NAMES = ("Plateforme C (association PiNG), atelier partagé du Haut-Doubs",
              "Coworking et fablab communautaire du Grand Besançon")


def test_hub_names_are_whole_inside_the_view_and_cross_no_boundary_where_there_is_room():
    """'Plateforme C (association P…' was cut at 28 characters and drawn across the Doubs's limit."""
    from generator.pictures.labels import segments_crossing
    points = [{"lat": 47.24, "lon": 6.02, "status": "active", "label": LONG_NAMES[0]},
              {"lat": 47.22, "lon": 5.98, "status": "project", "label": LONG_NAMES[1]},
              {"lat": 46.93, "lon": 6.35, "status": "active", "label": "Pontarlier Lab", "approx": True}]
    data = {"outline": ["departements", "25"], "points": points, "centre": None, "labels": True,
            "intercommunal": True}
    drawing = locators.locator_drawing(data)
    names = [name for name, _ in drawing.names]
    assert sorted(t.replace("-\n", "-").replace("\n", " ") for t in names) == sorted(
        p["label"] for p in points)  # whole, on several lines (cut at spaces and hyphens), never cut short
    x0, y0, x1, y1 = drawing.frame
    boxes = [box for _, box in drawing.names]
    edge = np.vstack([np.hstack([ring[:-1], ring[1:]]) for ring in drawing.highlight])
    assert len(edge) > 100
    for i, box in enumerate(boxes):
        assert x0 <= box[0] and box[2] <= x1 and y0 <= box[1] and box[3] <= y1
        assert not [j for j, other in enumerate(boxes) if j != i and _overlaps(box, other)]
        assert segments_crossing(box, edge) == 0, names[i]


def test_narrow_locators_fit_a_phone_with_legible_text(atlas):
    """The variant shown below 720 px: drawn 340 px wide, every word 12 px or more (11 px or more once
    shown in a 360 px screen's column, ~328 px), never wider than that column needs."""
    from generator.pages import legible_width
    keys = [k for k in picture_keys(atlas) if k.startswith("narrow/")]
    assert {"narrow/home/map", "narrow/territory/doubs/locator", "narrow/territory/gbm/locator"} <= set(keys)
    assert "narrow/home/density" in keys and not [k for k in keys if k.endswith("/network")]  # networks scroll
    for key in [k for k in keys if k.endswith("/locator") or k.endswith("/map")]:
        spec = picture_spec(atlas, key)
        assert spec.alt == picture_spec(atlas, key.removeprefix("narrow/")).alt
        svg = render(spec.kind, spec.data)
        natural, _, legible = legible_width(svg)
        assert 330 <= natural <= 345 and legible <= 328, (key, natural, legible)
        if spec.kind == "locator-narrow":
            assert ATTRIBUTION.split(", ")[0].encode() in svg and b"<text" in svg
            assert len(svg) < 30 * 1024, (key, len(svg))


@pytest.mark.parametrize("key", ["narrow/home/map", "narrow/home/density", "counts"])
def test_the_narrow_france_maps_keep_legend_credit_and_insets_apart(atlas, key):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    spec = picture_spec(national_atlas()[0], "narrow/home/map") if key == "counts" else picture_spec(atlas, key)
    with style():
        fills = france_maps._density_fills(spec.data) if spec.kind == "density-narrow" else None
        fig = france_maps.france_narrow_figure(spec.data, fills=fills, extra=0.5 if fills else 0.0)
        renderer = FigureCanvasAgg(fig).get_renderer()
        fig.draw(renderer)
        legend = next(lg for lg in fig.legends if lg.get_gid() == "legend").get_window_extent(renderer)
        credit = next(t for t in fig.texts if t.get_gid() == "credit").get_window_extent(renderer)
        assert not legend.overlaps(credit)
        for box in (legend, credit):
            assert 0 <= box.x0 and box.x1 <= fig.bbox.x1 and 0 <= box.y0 and box.y1 <= fig.bbox.y1
        for inset in fig.axes[1:]:
            assert not legend.overlaps(inset.get_window_extent(renderer))


def test_a_place_counts_in_its_communes_departement_before_its_points(fixture_atlas) -> None:
    """The national map counts a place in its commune's département, as the list of places and the territories'
    pages do: a point just across a simplified boundary (three Paris places counted in the Hauts-de-Seine and
    the Seine-Saint-Denis) no longer makes the map's count differ from the Paris page's."""
    from dataclasses import replace

    from generator import geo
    from generator.pictures.map_specs import departement_counts

    hub = fixture_atlas.hubs["fablab-besancon"]
    in_jura = (46.6744, 5.5547)  # Lons-le-Saunier
    assert geo.departement_at(*in_jura) == "39"
    moved = replace(hub, coordinates=in_jura, commune="25056")
    assert geo.departement_of_hub(fixture_atlas, moved) == "25"
    assert geo.departement_of_hub(fixture_atlas, replace(moved, commune=None)) == "39"  # no commune: its point
    atlas = replace(fixture_atlas, hubs={**fixture_atlas.hubs, hub.id: moved})
    counts, _unknown = departement_counts(atlas, [hub.id])
    assert set(counts) == {"25"}


def test_a_locators_text_alternative_tells_places_of_one_name_apart_by_their_commune():
    """Two places of one name (chains: « Coworking Pays-Basque » in Bayonne and in Biarritz) were listed twice
    alike in the map's text alternative: each is followed by its commune; a name used once stays bare."""
    atlas = make_atlas(fablab={"name": "Coworking", "commune": "25056"},
                       living={"name": "Coworking", "commune": "25462"})
    alt = picture_spec(atlas, "territory/gbm/locator").alt
    assert "Coworking (Besançon)" in alt and "Coworking (Pontarlier)" in alt
    single = picture_spec(make_atlas(), "territory/gbm/locator").alt
    assert "Fablab de Besançon" in single and "(Besançon)" not in single


def _seen_text(page: str) -> str:
    """What a reader sees of a page's Markdown and HTML: no attribute (an alt text is not seen), no tag."""
    seen = re.sub(r"<[^>]*>", " ", re.sub(r'\s(?:alt|title)="[^"]*"', "", page))
    return re.sub(r"\s+", " ", seen.replace("\u00a0", " ").replace("\u202f", " "))


@pytest.mark.parametrize("lang, said", [
    ("fr", "La carte situe le lieu {where}."), ("en", "The map places the hub {where}.")])
def test_a_hubs_own_map_names_under_it_the_area_it_highlights(fixture_atlas, lang, said):
    """A hub's own locator highlights the département where its point is (`hub_locator_spec`), while its page
    files it under its territory (an EPCI: « Territoire » Grand Besançon Métropole): the département's name was
    in the map's alt text only. Its legend now says it in the alt text's own words, in the page's language; a
    point in no département (at sea, Saint-Martin) has no outline and no such sentence."""
    from generator.pages import Pages, SiteOptions
    from generator.pictures.picture import _picture

    def page_with_own_map(atlas, hub_id):
        spec = picture_spec(atlas, PictureKey("hub", hub_id, "locator", lang=lang))
        pictures = {"hub/" + hub_id + "/locator": _picture(spec, b"<svg/>")}
        pages = Pages(atlas, SiteOptions(), pictures=pictures, lang=lang)
        return spec, pages.hub_page(atlas.hubs[hub_id]).data.decode()

    for atlas, hub_id, name in ((fixture_atlas, "fablab-besancon", "Doubs (25)"),
                                (make_atlas(), "run-lab", "La Réunion (974)")):
        spec, page = page_with_own_map(atlas, hub_id)
        where = (re.search(r"(dans le département|in the département) [^,]+, (surligné|highlighted)", spec.alt)
                 .group(0))
        assert name in where and spec.data["outline"] == ["departements", name[-4:-1].strip("(")]
        assert said.format(where=where) in _seen_text(page), (hub_id, _seen_text(page)[:600])
    at_sea = make_atlas(fablab={"coordinates": (46.0, -3.0)})  # in the Atlantic: no département there
    spec, page = page_with_own_map(at_sea, "fablab")
    assert spec.data["outline"] is None and said.split(" {")[0] not in _seen_text(page)


def _drawn_discs(svg: str) -> list[float]:
    """The diameters in px of a locator's proportional circles at the picture's natural size (the wide one is
    drawn in pt, `width="…pt"`, and shown at 4/3 px each), largest first."""
    head = re.search(r'<svg [^>]*width="([\d.]+)(pt|px)?"[^>]*viewBox="0 0 ([\d.]+)', svg)
    per_unit = float(head.group(1)) * (4 / 3 if head.group(2) == "pt" else 1) / float(head.group(3))
    radii = re.findall(r'<circle [^>]*r="([\d.]+)" fill="#0072B2" fill-opacity="0.55"', svg)
    return sorted((2 * float(r) * per_unit for r in radii), reverse=True)


def test_a_legends_proportional_discs_are_as_large_as_the_maps():
    """A région's legend showed « 5 lieux » and « 1 lieu par département » as two equal discs (16 px: the
    symbol's box was also the disc's size): each disc is now as large as the map draws that count, on the wide
    map and on its phone variant alike, in a box of at least 16 px."""
    from dataclasses import replace

    from picture_atlas import AS_OF, territories, vocabulary

    from generator.model import build_atlas
    from generator.pictures.legend import legend_html

    many = dict(make_atlas().hubs)
    for i in range(60):  # more than REGION_AGGREGATE_ABOVE: counted per département, the Jura's few
        many[f"b{i}"] = replace(many["fablab"], id=f"b{i}", name=f"B {i}", partners=())
    for i in range(8):
        many[f"j{i}"] = replace(many["fablab"], id=f"j{i}", name=f"J {i}", partners=(), coordinates=(46.6744, 5.5547))
    atlas = build_atlas(territories(), many, vocabulary(), {}, AS_OF)
    spec = picture_spec(atlas, "territory/bfc/locator")
    counts = sorted((s["count"] for s in spec.data["symbols"]), reverse=True)
    values = map_style.legend_values(spec.data["largest"])
    assert len(counts) >= 2 and len(values) == 3  # 50, 10 and 2 hubs
    html = legend_html(spec.legend)
    shown = [(float(box), float(d)) for box, d in
             re.findall(r'atlas-sym--disc" style="width:(\d+)px;height:\1px;--d:([\d.]+)px"', html)]
    assert len(shown) == len(values) and len({d for _box, d in shown}) == len(values)  # three sizes
    for key in ("territory/bfc/locator", "narrow/territory/bfc/locator"):
        drawn_spec = picture_spec(atlas, key)
        assert drawn_spec.legend == spec.legend  # one legend under both
        drawn = _drawn_discs(render(drawn_spec.kind, drawn_spec.data).decode())
        assert len(drawn) == len(counts), key
        per_hub = drawn[0] / math.sqrt(counts[0])  # areas proportional to the counts (the largest: least rounded)
        assert drawn == pytest.approx([per_hub * math.sqrt(c) for c in counts], abs=0.15), key
        for (box, d), value in zip(shown, values, strict=True):  # the legend's disc for `value`: the map's
            assert d == pytest.approx(per_hub * math.sqrt(value), abs=0.15), (key, value)
            assert box >= max(16, d)


@pytest.mark.parametrize("key", ["narrow/home/map", "narrow/home/density", "counts"])
def test_the_narrow_france_maps_name_their_overseas_insets_legibly_inside_the_picture(atlas, key):
    """At 360 px the home map and `carte/` showed five unlabelled boxes under France, where the wide map names
    Guadeloupe, Martinique, Guyane, La Réunion and Mayotte: each inset now has its name over it, short where the
    full one is wider than its fifth of the picture (« Guad. », named in full in the alt text), at the narrow
    map's text size (12 px or more at 340 px, 11 px or more in a 360 px screen's column), inside the picture and
    its own column, clear of France, of the legend and of each other."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from generator.pictures.svg import NARROW_WIDTH

    if key == "counts":  # a national atlas: counted per département, the insets' counts under their names
        atlas, key = national_atlas()[0], "narrow/home/map"
    spec = picture_spec(atlas, key)
    with style():
        fills = france_maps._density_fills(spec.data) if spec.kind == "density-narrow" else None
        fig = france_maps.france_narrow_figure(spec.data, fills=fills, extra=0.5 if fills else 0.0)
        renderer = FigureCanvasAgg(fig).get_renderer()
        fig.draw(renderer)
        counted = [t.get_window_extent(renderer) for ax in fig.axes[1:] for t in ax.texts]
        texts = {t.get_gid(): t for ax in fig.axes for t in (ax.title,) if t.get_text()}
        boxes = {gid: t.get_window_extent(renderer) for gid, t in texts.items()}
        france = fig.axes[0].get_window_extent(renderer)
        legend = next(lg for lg in fig.legends if lg.get_gid() == "legend").get_window_extent(renderer)
        step = fig.bbox.width / len(geo.OVERSEAS)
        for i, code in enumerate(geo.OVERSEAS):
            text = texts[f"inset-name-{code}"]
            box = boxes[f"inset-name-{code}"]
            assert text.get_fontsize() * 4 / 3 >= 12.0 and text.get_fontsize() * 4 / 3 * 328 / NARROW_WIDTH >= 11
            assert i * step <= box.x0 and box.x1 <= (i + 1) * step, (code, text.get_text())  # its own column
            assert 0 <= box.y0 and box.y1 <= fig.bbox.y1
            assert not box.overlaps(france) and not box.overlaps(legend)
            assert not [other for other in counted if box.overlaps(other)], code
            name = geo.layer("departements-simple")[code].name
            assert text.get_text() in (name, france_maps.SHORT_NAMES[code])
            assert name in spec.alt  # named in full in the text alternative (the wide map's too)
    svg = render(spec.kind, spec.data).decode()
    width, height = (float(v) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups())
    for code in geo.OVERSEAS:  # written in the drawing (as glyphs: its comment names it), inside its view box
        written = re.search(rf"<!-- {re.escape(texts[f'inset-name-{code}'].get_text())} -->\s*"
                            r'<g [^>]*transform="translate\(([\d.]+) ([\d.]+)\)', svg)
        assert written, code
        x, y = (float(v) for v in written.groups())
        assert 0 <= x <= width and 0 <= y <= height


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_territory_map_without_its_own_outline_names_under_it_the_departement_it_highlights(fixture_atlas, lang):
    """A pays or a commune has no outline on the maps: its locator highlights its département, which its hubs'
    pages showed as « son territoire, Pays horloger ». The legend says so in the alt text's words; a territory
    drawn with its own outline (an EPCI) has no such line."""
    from generator.pages import Pages, SiteOptions
    from generator.pictures.picture import _picture

    spec = picture_spec(fixture_atlas, PictureKey("territory", "pays-horloger", "locator", lang=lang))
    shown = re.search(r"(sans contour propre|without an outline of its own).*?(est surligné|is highlighted)",
                      spec.alt).group(0)
    assert "Doubs (25)" in shown and spec.data["outline"] == ["departements", "25"]
    pictures = {"territory/pays-horloger/locator": _picture(spec, b"<svg/>")}
    hub = fixture_atlas.hubs["tiers-lieu-projet"]  # no point of its own: its page shows its territory's map
    page = Pages(fixture_atlas, SiteOptions(), pictures=pictures, lang=lang).hub_page(hub).data.decode()
    assert ("Pays horloger" + (" : " if lang == "fr" else ": ") + shown + ".") in _seen_text(page)
    own = picture_spec(fixture_atlas, PictureKey("territory", "grand-besancon-metropole", "locator", lang=lang))
    assert not [symbol for symbol, _words in own.legend if symbol == "area"]


def test_paris_and_the_petite_couronne_are_counted_in_an_inset():
    """At France's scale Paris's circle covers the counts of the Hauts-de-Seine, the Seine-Saint-Denis and the
    Val-de-Marne (91 places of the shipped atlas out of sight): an inset writes the four counts, on the wide map
    and on the phones' one, and the text alternative says so."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from generator.pictures.labels import label_boxes
    atlas, expected, _ = national_atlas()
    spec = picture_spec(atlas, "home/map")
    assert spec.data["paris"]
    assert "Un encart agrandit Paris et la petite couronne" in spec.alt
    with style():
        for fig in (france_maps.france_figure(spec.data), france_maps.france_narrow_map_figure(spec.data)):
            FigureCanvasAgg(fig).draw()
            inset = next(ax for ax in fig.axes if ax.get_title() == "Paris et petite couronne")
            written = {t.get_gid(): t.get_text() for t in inset.texts}
            assert written == {f"paris-count-{code}": str(expected[code]) for code in map_style.PARIS_INSET}
            boxes = label_boxes(fig, list(inset.texts))
            frame = inset.get_window_extent()
            for i, box in enumerate(boxes):  # every count inside the inset, none over another
                assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
                assert not [j for j, other in enumerate(boxes) if j != i and box.overlaps(other)]
            # each count inside its own département, every corner of it: none on a border, where a reader could
            # give it to the neighbour (the Hauts-de-Seine's count sat on Paris's edge at Boulogne)
            lat0 = sum(inset.get_ylim()) / 2  # the inset's view is centred on its projection's latitude
            to_data = inset.transData.inverted()
            for text, box in zip(inset.texts, boxes, strict=True):
                code = text.get_gid()[len("paris-count-"):]
                for x, y in ((box.x0, box.y0), (box.x0, box.y1), (box.x1, box.y0), (box.x1, box.y1)):
                    px, lat = to_data.transform((x, y))
                    assert geo.departement_at(lat, px / math.cos(math.radians(lat0))) == code, (code, x, y)
            title = inset.title.get_window_extent()
            others = [ax for ax in fig.axes if ax is not inset]
            drawn = [t for ax in others for t in ax.texts] + [ax.title for ax in others if ax.get_title()]
            drawn += [legend for legend in (*fig.legends, *(ax.get_legend() for ax in others)) if legend]
            for thing in drawn:  # the inset and its title cover no count, name or legend of the map
                box = thing.get_window_extent()
                assert not box.overlaps(frame) and not box.overlaps(title), thing
            assert 0 <= title.x0 and title.x1 <= fig.bbox.x1 and title.y1 <= fig.bbox.y1


@pytest.mark.parametrize(("codes", "enlarged"), [
    (("75", "92", "93", "94", "25"), True), (("75", "94"), True), (("75", "25"), False), (("92", "93"), False),
    (("75",), False), ((), False)])
def test_the_inset_is_drawn_when_paris_s_circle_has_a_neighbour(codes: tuple[str, ...], enlarged: bool):
    symbols = [{"code": code, "lat": 48.86, "lon": 2.34, "count": 3} for code in codes]
    assert map_specs.paris_enlarged(symbols) is enlarged


def test_a_map_without_parisian_places_has_no_paris_inset(atlas):
    spec = map_specs.france_spec(atlas, aggregate=True)
    assert not spec.data["paris"] and "petite couronne" not in spec.alt
    with style():
        for fig in (france_maps.france_figure(spec.data), france_maps.france_narrow_map_figure(spec.data)):
            assert "Paris et petite couronne" not in [ax.get_title() for ax in fig.axes]


def test_a_count_a_larger_circle_covers_is_written_beside_its_own():
    """Île-de-France's map counted per département: Paris's 212 covered the counts of its three neighbours at
    their circles' centres, and the wide map left them out (the narrow one wrote them over each other). Each
    is now written beside its circle, over no other count and no other circle, on both maps."""
    from dataclasses import replace

    from picture_atlas import AS_OF, territories, vocabulary

    from generator.model import build_atlas
    from generator.pictures.locator_narrow import draw_locator_narrow
    from generator.pictures.svg import NARROW_TEXT, text_width

    atlas, _, _ = national_atlas()
    many = dict(atlas.hubs)
    for i in range(70):  # only for the région's map to be counted per département: its circles are replaced below
        many[f"b{i}"] = replace(atlas.hubs["fablab"], id=f"b{i}", name=f"B {i}", partners=())
    region = picture_spec(build_atlas(territories(), many, vocabulary(), {}, AS_OF), "territory/bfc/locator")
    crowd = [{"code": "25", "lat": 47.24, "lon": 6.02, "count": 212},  # four circles as close as Paris's
             {"code": "39", "lat": 47.25, "lon": 5.92, "count": 41},
             {"code": "70", "lat": 47.30, "lon": 6.09, "count": 34},
             {"code": "90", "lat": 47.19, "lon": 6.08, "count": 16}]
    data = {**region.data, "symbols": crowd, "largest": 212}
    drawing = locators.locator_drawing(data)
    assert sorted(text for text, _ in drawing.counts) == ["16", "212", "34", "41"]
    boxes = [box for _, box in drawing.counts]
    assert not [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:] if map_style._intersects(a, b)]
    circles = [(float(x), float(y), float(r)) for x, y, r in
               re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"', drawing.svg.decode())][-4:]
    for (text, box), (x, y, r) in zip(sorted(drawing.counts, key=lambda c: -int(c[0])), circles, strict=True):
        # written beside its circle, on none of the others but one its own circle lies in (Paris's, for the
        # Hauts-de-Seine's: there, any place beside it touches Paris's circle)
        around = [(ox, oy, orr) for ox, oy, orr in circles if (ox, oy) != (x, y)
                  and math.hypot(ox - x, oy - y) + r > orr]
        if text != "212":
            assert not [o for o in around if _covers(box, o)], text
    narrow = draw_locator_narrow(data).decode()
    size = NARROW_TEXT + 0.5
    written = [(float(x), float(y), text) for x, y, text in
               re.findall(r'<text x="([\d.]+)" y="([\d.]+)" font-size="[\d.]+" text-anchor="middle" '
                          r'font-weight="bold">(\d+)</text>', narrow)]
    assert sorted(text for *_, text in written) == ["16", "212", "34", "41"]
    narrow_boxes = [(x - text_width(t, size, bold=True) / 2, y - size, x + text_width(t, size, bold=True) / 2, y)
                    for x, y, t in written]
    assert not [(a, b) for i, a in enumerate(narrow_boxes) for b in narrow_boxes[i + 1:]
                if map_style._intersects(a, b)]


def _covers(box: tuple[float, float, float, float], circle: tuple[float, float, float]) -> bool:
    x, y, r = circle
    nearest_x, nearest_y = min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3])
    return (nearest_x - x) ** 2 + (nearest_y - y) ** 2 < r ** 2
