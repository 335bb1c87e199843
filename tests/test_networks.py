"""The partnership networks written as SVG text (no matplotlib): labels apart and inside the picture,
every name escaped, the same bytes for the same sheets, nodes drawn as their legend shows them."""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from picture_atlas import make_atlas

from conftest import ROOT
from generator.pictures import network_specs, networks, picture_spec, render
from generator.pictures.legend import _NODES
from generator.pictures.svg import text_width

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "</text><script>alert('x')</script> {{ x }} & \"Lab\""


@pytest.fixture(scope="module")
def atlas():
    return make_atlas()


def _texts(svg: bytes) -> list[tuple[str, float, float, float, float]]:
    """Every line of text of the picture as the XML reader sees it: (words, left, right, top, baseline),
    its width from the font's metrics and its anchor, in the picture's units."""
    out = []
    for element in ET.fromstring(svg).iter(f"{SVG}text"):
        words, size = element.text or "", float(element.get("font-size"))
        width = text_width(words, size, element.get("font-weight") == "bold")
        x, y = float(element.get("x")), float(element.get("y"))
        anchor = element.get("text-anchor", "start")
        left = x - (width / 2 if anchor == "middle" else width if anchor == "end" else 0)
        out.append((words, left, left + width, y - 0.95 * size, y + 0.25 * size))
    return out


def _outside(svg: bytes) -> list[str]:
    """The lines of text that reach out of the picture's view box (a browser would clip them)."""
    x, y, width, height = map(float, ET.fromstring(svg).get("viewBox").split())
    assert (x, y) == (0, 0)
    return [w for w, left, right, top, bottom in _texts(svg) if left < 0 or right > width or top < 0 or bottom > height]


def _crowded() -> dict:
    names = ["Lorraine Smart Cities Living Lab", "Lorraine Fab Living Lab", "Lorraine Santé Living Lab"]
    nodes = [{"id": f"h{i:02d}", "label": f"{names[i % 3]} {i}", "colour": "#0072B2", "marker": "o",
              "outside": i % 4 == 0} for i in range(24)]
    edges = [[f"h{i:02d}", f"h{(i * 7 + 3) % 24:02d}"] for i in range(24) if i != (i * 7 + 3) % 24]
    edges += [[f"h{i:02d}", f"h{i + 1:02d}"] for i in range(23)]
    return {"nodes": nodes, "edges": edges}


def _overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _covering(drawing: networks.NetworkDrawing) -> list[tuple[str, int]]:
    """(label, node) pairs where a label's box comes within a node's symbol, its own node included."""
    out = []
    for text, (x0, y0, x1, y1) in drawing.labels:
        for j, (a, b, c, d) in enumerate(drawing.nodes):
            x, y, r = (a + c) / 2, (b + d) / 2, (c - a) / 2 - 1
            if math.hypot(x - min(max(x, x0), x1), y - min(max(y, y0), y1)) < r:
                out.append((text, j))
    return out


def test_long_similar_partner_names_get_labels_apart():
    atlas = make_atlas(fablab={"name": "Lorraine Smart Cities Living Lab"},
                       living={"name": "Lorraine Fab Living Lab"})
    data = picture_spec(atlas, "territory/gbm/network").data
    drawing = networks.network_drawing(data)
    texts = [text for text, _ in drawing.labels]
    assert "Lorraine Smart\nCities Living Lab" in texts and "Lorraine Fab\nLiving Lab" in texts  # wrapped, whole
    boxes = [box for _, box in drawing.labels]
    assert all(not _overlaps(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    for i, box in enumerate(boxes):  # no label covers another hub's node
        for j, node in enumerate(drawing.nodes):
            assert i == j or not _overlaps(box, node), (texts[i], j)
    svg = drawing.svg()
    assert svg == render("network", data)  # same graph, same bytes
    # the text written in the file stays inside the boxes that were placed apart
    lines = _texts(svg)
    for words, left, right, top, bottom in lines:
        assert any(b[0] - 0.5 <= left and right <= b[2] + 0.5 and b[1] - 0.5 <= top and bottom <= b[3] + 1
                   for text, b in drawing.labels if words in text.split("\n")), words


def test_a_crowded_network_keeps_every_label_apart_and_inside_the_picture():
    data = _crowded()
    drawing = networks.network_drawing(data)
    clashes = [(a[0], b[0]) for i, a in enumerate(drawing.labels) for b in drawing.labels[i + 1:]
               if _overlaps(a[1], b[1])]
    assert clashes == [] and _covering(drawing) == []
    centres = [((a + c) / 2, (b + d) / 2) for a, b, c, d in drawing.nodes]
    assert min(math.dist(p, q) for i, p in enumerate(centres) for q in centres[i + 1:]) >= 2 * networks.NODE_RADIUS
    svg = drawing.svg()
    assert len(_texts(svg)) == sum(len(text.split("\n")) for text, _ in drawing.labels) >= 24
    assert _outside(svg) == []


def test_the_svg_is_well_formed_and_writes_every_label_inside_its_view_box(atlas):
    for key in ("home/network", "territory/gbm/network", "territory/doubs/network", "territory/jura/network"):
        spec = picture_spec(atlas, key)
        svg = render(spec.kind, spec.data)
        root = ET.fromstring(svg)  # well-formed XML, or this raises
        assert root.tag == f"{SVG}svg" and root.get("width").endswith("pt")
        lines = _texts(svg)
        drawing = networks.network_drawing(spec.data)
        # every hub named, whole (wrapped on lines), and each line written in the file
        assert [text.replace("\n", " ") for text, _ in drawing.labels] == [n["label"] for n in spec.data["nodes"]]
        assert sorted(w for w, *_ in lines) == sorted(w for text, _ in drawing.labels for w in text.split("\n"))
        assert _outside(svg) == [], key


def test_a_hostile_hub_name_stays_text_in_the_picture():
    atlas = make_atlas(fablab={"name": HOSTILE})
    spec = picture_spec(atlas, "territory/gbm/network")
    svg = render(spec.kind, spec.data)
    root = ET.fromstring(svg)
    assert not [e for e in root.iter() if e.tag != f"{SVG}svg" and not e.tag.startswith(SVG)]  # SVG elements only
    assert not list(root.iter(f"{SVG}script")) and not list(root.iter("script"))
    assert b"<script" not in svg and b"&lt;script&gt;" in svg and b"&lt;/text&gt;" in svg
    written = " ".join(e.text or "" for e in root.iter(f"{SVG}text"))
    # literal, read back as text (the French picture's quotes typeset as its page's: « Lab »)
    assert "{{ x }}" in written and "<script>" in written and "& «\u00a0Lab\u00a0»" in written
    english = picture_spec(atlas, "en/territory/gbm/network")
    written = " ".join(e.text or "" for e in ET.fromstring(render(english.kind, english.data)).iter(f"{SVG}text"))
    # the English one as written, but for its apostrophes (’, as the French drawing: a twin may share it)
    assert "<script>alert(\u2019x\u2019)</script>" in written and "& \"Lab\"" in written
    assert all(e.get("x") and e.get("y") for e in root.iter(f"{SVG}text"))
    # offline: nothing fetched (no link, image, style sheet nor font), the namespace its only address
    assert svg.count(b"http") == 1 and b"href" not in svg and b"url(" not in svg and b"@import" not in svg


def test_the_same_network_gives_the_same_bytes_in_another_process(atlas, tmp_path):
    """Byte-identical across runs and processes (another hash seed: no set or dict order leaks in)."""
    spec = picture_spec(atlas, "home/network")
    here = render(spec.kind, spec.data)
    assert here == render(spec.kind, spec.data)
    crowded = render("network", _crowded())
    script = ("import json, sys\nsys.path.insert(0, 'tests')\nfrom picture_atlas import make_atlas\n"
              "from generator.pictures import picture_spec, render\nfrom test_networks import _crowded\n"
              "spec = picture_spec(make_atlas(), 'home/network')\n"
              "sys.stdout.buffer.write(render(spec.kind, spec.data) + b'\\0' + render('network', _crowded()))")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, check=True,
                         env={**os.environ, "PYTHONHASHSEED": "12345"}).stdout
    assert out == here + b"\0" + crowded


def test_nodes_are_drawn_with_their_legend_s_shape_and_colour(atlas):
    spec = picture_spec(atlas, "home/network")
    svg = render(spec.kind, spec.data).decode()
    for node in spec.data["nodes"]:
        colour = node["colour"]
        paint = f'fill="#ffffff" stroke="{colour}"' if node["outside"] else f'fill="{colour}" stroke="#1a1a1a"'
        if node["marker"] in _NODES:  # a polygon with as many corners as the legend's symbol
            corners = len(_NODES[node["marker"]])
            found = [d for d in re.findall(rf'<path d="M([^"]+)z" {paint}/>', svg) if d.count("L") == corners - 1]
        else:
            found = re.findall(rf'<circle [^>]*{paint}/>', svg)
        assert found, node
    for symbol, _words in spec.legend:  # each legend entry names a shape and colour the drawing uses
        _, marker, colour, *hollow = symbol.split()
        assert (f'fill="{colour}"' in svg) if not hollow else ('fill="#ffffff"' in svg)


def test_a_hub_type_has_one_symbol_in_every_network(atlas):
    # numbered among the types one network shows, coworking was a triangle on the national network and a square
    # on Bretagne's: the reader of two charts read two meanings into one symbol
    types = list(atlas.vocabulary.hub_types)
    alone = {t: network_specs._type_style(atlas, [t])[t] for t in types}
    together = network_specs._type_style(atlas, types)
    assert together == alone
    assert list(together) == types  # the legend lists them in the vocabulary's order
    assert len(set(together.values())) == len(types)  # and tells every type apart


def test_a_network_counted_between_territories_is_svg_text_with_its_labels_inside(atlas, monkeypatch):
    monkeypatch.setattr(network_specs, "GROUPED_ABOVE", 2)  # the fixture's few hubs stand for thousands
    spec = picture_spec(atlas, "home/network")
    assert spec.kind == "network-groups"
    svg = render(spec.kind, spec.data)
    assert svg == render(spec.kind, spec.data)
    lines = _texts(svg)
    for node in spec.data["nodes"]:
        assert any(node["label"].split()[0] in words for words, *_ in lines), node["label"]
    assert any(f"({node['hubs']})" in " ".join(w for w, *_ in lines) for node in spec.data["nodes"])
    assert _outside(svg) == []
    drawing = networks.grouped_network_drawing(spec.data)
    assert _covering(drawing) == []  # no label over a disc, however large, its own included
    discs = ET.fromstring(svg).findall(f".//{SVG}circle")
    assert len(discs) == len(spec.data["nodes"])
    radii = {n["id"]: float(d.get("r")) for n, d in zip(spec.data["nodes"], discs, strict=True)}
    most = max(spec.data["nodes"], key=lambda n: n["hubs"])
    assert radii[most["id"]] == max(radii.values())  # the disc's area grows with its hubs


def test_a_large_network_is_laid_out_without_scipy_nor_networkx(monkeypatch):
    monkeypatch.setitem(sys.modules, "scipy", None)
    monkeypatch.setitem(sys.modules, "networkx", None)  # importing it fails: the drawing never needs it
    nodes = [{"id": f"h{i}", "label": f"Lieu {i}", "colour": "#0072B2", "marker": "o", "outside": False}
             for i in range(networks.LARGE_NETWORK + 10)]
    edges = [[f"h{i}", f"h{(i * 7 + 1) % len(nodes)}"] for i in range(len(nodes))]
    layout = networks.network_layout([n["id"] for n in nodes], edges)
    assert len(set(layout.values())) == len(nodes)
    small = networks.network_layout([n["id"] for n in nodes[:30]], edges[:20])
    assert max(abs(c) for xy in small.values() for c in xy) == 1.0  # scaled to [-1, 1]


def test_the_picture_is_cut_to_what_it_draws(atlas):
    """No empty band where no label went: each side of the picture is MARGIN from a node or a label,
    and a network of two hubs is drawn smaller than one of a dozen."""
    small = networks.network_drawing(picture_spec(atlas, "territory/jura/network").data)
    crowded = networks.network_drawing(_crowded())
    for drawing in (small, crowded):
        boxes = [box for _, box in drawing.labels] + drawing.nodes
        assert min(b[0] for b in boxes) == pytest.approx(networks.MARGIN, abs=0.1)
        assert min(b[1] for b in boxes) == pytest.approx(networks.MARGIN, abs=0.1)
        assert max(b[2] for b in boxes) == pytest.approx(drawing.width - networks.MARGIN, abs=0.1)
        assert max(b[3] for b in boxes) == pytest.approx(drawing.height - networks.MARGIN, abs=0.1)
    assert len(picture_spec(atlas, "territory/jura/network").data["nodes"]) < 5
    assert small.width < crowded.width and small.height < crowded.height


@pytest.mark.parametrize("names", [("Lorraine Fab Living Lab", "Lorraine Smart Cities Living Lab"),
                                   ("A", "B"), ("Agence territoriale Région Grand Est - Tour Thiers", HOSTILE)])
def test_a_network_of_two_hubs_fits_a_phone_with_both_names_inside(names):
    """The shipped atlas's networks are pairs: at its natural size (1 pt = 4/3 px) the picture is narrower
    than a phone's 320 px of text, so its page never asks to scroll it sideways, names inside, apart."""
    data = {"nodes": [{"id": f"h{i}", "label": name, "colour": "#0072B2", "marker": "o", "outside": i == 1}
                      for i, name in enumerate(names)], "edges": [["h0", "h1"]]}
    drawing = networks.network_drawing(data)
    svg = drawing.svg()
    width = float(ET.fromstring(svg).get("viewBox").split()[2])
    assert width * 4 / 3 <= 320
    assert _outside(svg) == [] and _covering(drawing) == []
    assert not any(_overlaps(a, b) for i, (_, a) in enumerate(drawing.labels) for _, b in drawing.labels[i + 1:])


def test_many_separate_groups_each_get_a_place_of_their_own() -> None:
    """The national network is many pairs of places: laid out together, two pairs fell on each other, their
    names mixed (Art3Fact, Pulseo, Villette Makerz, WoMa). From PACK_FROM groups each is laid out alone in a
    cell of a grid: no two groups' extents meet; fewer groups keep the one layout of them all."""
    import random

    from generator.pictures import network_layout as layout_module

    pairs = [[f"a{i}", f"b{i}"] for i in range(20)] + [["t0", "t1"], ["t1", "t2"]]
    nodes = list(dict.fromkeys(end for edge in pairs for end in edge))
    random.Random(0).shuffle(nodes)  # in this order the one layout of them all put two pairs on each other
    positions = networks.network_layout(nodes, pairs)
    groups = [{f"a{i}", f"b{i}"} for i in range(20)] + [{"t0", "t1", "t2"}]
    boxes = []
    for group in groups:
        xs, ys = [positions[n][0] for n in group], [positions[n][1] for n in group]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        for u0, v0, u1, v1 in boxes[i + 1:]:
            assert x1 < u0 or u1 < x0 or y1 < v0 or v1 < y0  # apart on one axis at least
    assert all(-1 <= c <= 1 for p in positions.values() for c in p)
    few = [["a", "b"], ["c", "d"], ["e", "f"]]
    assert layout_module.PACK_FROM > 3
    x, y = layout_module._spring_layout(6, [(0, 1), (2, 3), (4, 5)], 1.6 / 6 ** 0.5)
    assert networks.network_layout(list("abcdef"), few) == {n: (round(float(x[i]), 4), round(float(y[i]), 4))
                                                   for i, n in enumerate("abcdef")}
