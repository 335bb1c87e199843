"""The picture contract: every key drawn, deterministic bytes, a cache that never draws twice."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from picture_atlas import make_atlas

from generator import pictures
from generator.errors import AtlasError
from generator.pictures import DrawStats, Picture, draw_pictures, picture_keys, picture_spec, render

SOME = ["territory/gbm/pillars", "home/hubs-by-status", "territory/doubs/network", "hub/fablab/locator",
        "home/map"]


@pytest.fixture(scope="module")
def atlas():
    return make_atlas()


def test_two_renders_give_the_same_bytes(atlas):
    for key in ("territory/gbm/pillars", "territory/doubs/network", "territory/gbm/locator", "home/density"):
        spec = picture_spec(atlas, key)
        first, second = render(spec.kind, spec.data), render(spec.kind, spec.data)
        assert first == second, key
        assert first.startswith(b"<?xml")
        assert b"<dc:date>" not in first and b"Matplotlib" not in first


def test_every_key_is_drawn_with_its_words(atlas, tmp_path: Path):
    stats = DrawStats()
    drawn = draw_pictures(atlas, cache_dir=tmp_path, progress=False, jobs=2, stats=stats)
    assert list(drawn) == picture_keys(atlas)
    # every picture has its English twin; one whose drawing has no words shares its French picture's file
    files = {picture.filename for picture in drawn.values()}
    assert stats.drawn == len(files) < len(drawn) and stats.cached == 0 and stats.shared == len(drawn) - len(files)
    for key, picture in drawn.items():
        assert isinstance(picture, Picture)
        assert picture.key == key
        french = key.removeprefix("en/")
        if key.startswith("en/"):
            assert picture.lang == "en" and f"en/{french}" == key and french in drawn
            twin, spec = drawn[french], picture_spec(atlas, key)
            if picture.filename == twin.filename:  # shared: the same drawing, its own English words
                assert spec.data == picture_spec(atlas, french).data and picture.svg == twin.svg
            else:
                assert picture.filename == f"en/assets/pictures/{french}.svg" and picture.svg != twin.svg
            assert picture.alt != twin.alt
        else:
            assert picture.lang == "fr" and picture.filename == f"assets/pictures/{key}.svg"
        assert picture.svg.rstrip().endswith(b"</svg>")
        assert picture.title and picture.alt and picture.table_headers


def test_parallel_and_serial_drawings_are_identical(atlas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(pictures.run, "SERIAL_BELOW", 2)  # so that these few pictures go to worker processes
    parallel = draw_pictures(atlas, cache_dir=tmp_path / "a", keys=SOME, jobs=2, progress=False)
    serial = draw_pictures(atlas, cache_dir=tmp_path / "b", keys=SOME, jobs=1, progress=False)
    assert {k: p.svg for k, p in parallel.items()} == {k: p.svg for k, p in serial.items()}


def test_second_draw_draws_nothing(atlas, tmp_path: Path):
    first = draw_pictures(atlas, cache_dir=tmp_path, keys=SOME, progress=False)
    assert pictures.last_stats.drawn == len(SOME)
    cached = sorted(p.name for p in tmp_path.iterdir())
    assert len(cached) == 2 * len(SOME)  # one SVG and one JSON of words per picture
    assert all(re.fullmatch(r"[0-9a-f]{64}\.(svg|json)", name) for name in cached)
    stats = DrawStats()
    second = draw_pictures(make_atlas(), cache_dir=tmp_path, keys=SOME, progress=False, stats=stats)
    assert (stats.drawn, stats.cached) == (0, len(SOME))
    assert second == first


def test_a_change_redraws_only_what_depends_on_it(atlas, tmp_path: Path):
    draw_pictures(atlas, cache_dir=tmp_path, progress=False, jobs=1)
    renamed = make_atlas(**{"run-lab": {"name": "Run Lab 974"}})
    stats = DrawStats()
    draw_pictures(renamed, cache_dir=tmp_path, progress=False, jobs=1, stats=stats)
    # a hub's name shows in the maps' tables and on its territory's locator (which its page shows, marked);
    # Run Lab has no partner, no chart names it
    redrawn = ["home/map", "narrow/home/map", "narrow/territory/reunion/locator", "territory/reunion/locator"]
    # and the English twins of the home map; a locator's drawing has no words but names (its legend is
    # written beside it): its English twin shares its French file, not drawn
    assert stats.drawn_keys == ["en/home/map", "en/narrow/home/map"] + redrawn
    assert "territory/gbm/pillars" not in stats.drawn_keys


def test_a_spoiled_cache_entry_is_drawn_again(atlas, tmp_path: Path):
    draw_pictures(atlas, cache_dir=tmp_path, keys=["home/founded"], progress=False)
    for svg in tmp_path.glob("*.svg"):
        svg.write_bytes(b"<?xml half")
    stats = DrawStats()
    again = draw_pictures(atlas, cache_dir=tmp_path, keys=["home/founded"], progress=False, stats=stats)
    assert stats.drawn == 1 and again["home/founded"].svg.rstrip().endswith(b"</svg>")


def test_an_unknown_key_is_a_clear_error(atlas, tmp_path: Path):
    with pytest.raises(AtlasError, match="no picture 'territory/nowhere/pillars'"):
        draw_pictures(atlas, cache_dir=tmp_path, keys=["territory/nowhere/pillars"], progress=False)
    with pytest.raises(AtlasError):
        draw_pictures(atlas, cache_dir=tmp_path, keys=["hub/incubator/locator"], progress=False)


def test_the_fixture_atlas_draws(fixture_atlas, tmp_path: Path):
    drawn = draw_pictures(fixture_atlas, cache_dir=tmp_path, progress=False, jobs=1)
    assert "home/map" in drawn and "territory/grand-besancon-metropole/pillars" in drawn


def test_a_hostile_name_stays_inert_text_in_the_svg():
    from xml.dom import minidom

    hostile = make_atlas(dollar={"name": "--><script>alert(1)</script><!-- {{ 7*7 }}"})
    for key in ("territory/doubs/network", "territory/doubs/locator"):
        spec = picture_spec(hostile, key)
        svg = render(spec.kind, spec.data)
        minidom.parseString(svg)  # still well-formed XML
        assert b"<script" not in svg and b"&lt;script&gt;" in svg


def test_the_cache_forgets_pictures_no_build_used_for_a_month(tmp_path):
    import os
    import time

    from generator.pictures import prune_cache

    old = time.time() - 40 * 86400
    for digest in ("used", "unused", "recent"):
        for suffix in (".svg", ".json"):
            path = tmp_path / f"{digest}{suffix}"
            path.write_text("x", encoding="utf-8")
            if digest != "recent":
                os.utime(path, (old, old))
    assert prune_cache(tmp_path, {"used"}) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["recent.json", "recent.svg", "used.json", "used.svg"]
    assert (tmp_path / "used.svg").stat().st_mtime > old + 86400  # marked fresh


def test_every_key_is_a_typed_key_with_a_registered_drawing(atlas):
    """Keys are parsed once into PictureKey (scope, subject, name, phone variant) and written back the same;
    the registry knows the spec function and the drawing of each, and a phone variant's drawing is the one
    its picture's kind names."""
    from generator.pictures import KINDS, PictureKey

    keys = picture_keys(atlas)
    for text in keys:
        key = PictureKey.parse(text)
        assert key.text == text and str(key) == text
        spec = picture_spec(atlas, key)
        assert spec.key == text and spec.kind in KINDS
        if key.narrow:
            assert KINDS[picture_spec(atlas, key.wide).kind].narrow == spec.kind
            assert picture_spec(atlas, key.wide).alt == spec.alt
    assert PictureKey.parse("narrow/territory/gbm/pillars") == PictureKey("territory", "gbm", "pillars", narrow=True)
    assert PictureKey.parse("home/map") == PictureKey.home("map")
    for wrong in ("territory/gbm", "home", "narrow/narrow/home/map", "elsewhere/x/y", "territory//pillars"):
        with pytest.raises(ValueError):
            PictureKey.parse(wrong)
        with pytest.raises(AtlasError, match="no picture"):
            picture_spec(atlas, wrong)
    with pytest.raises(AtlasError, match="no picture"):
        picture_spec(atlas, "narrow/territory/doubs/network")  # a network has no variant for phones


def test_text_width_is_matplotlib_s_measure():
    """Widths are summed from each character's advance and each pair's kerning, measured once: to the bit
    what matplotlib measures for the whole line (names, French accents, digits, punctuation)."""
    from generator.pictures.svg import _measured_width, text_width

    for words in ("Métropolisation", "CA Lannion-Trégor Communauté", "Île-de-France", "AVA Tés, « ok » 12,5 %",
                  "Médiane des intercommunalités (EPCI)", "WAV", "x", "Sofffa", "Office Coffee", "La Raffinerie"):
        for bold in (False, True):
            for size in (6.5, 8.0, 9.0, 12.5):
                assert text_width(words, size, bold) == _measured_width(words, bold) * size / 100, words


def test_a_shared_close_view_draws_the_same_bytes(atlas):
    """Locators of the same outline and bounds share one close view per process: drawing with it or
    computing it afresh gives the same picture."""
    from generator.pictures import locators

    spec = picture_spec(atlas, "hub/fablab/locator")
    locators._VIEWS.clear()
    fresh = render(spec.kind, spec.data)
    assert locators._VIEWS  # kept for the next locator of this département
    assert render(spec.kind, spec.data) == fresh


FRENCH_DRAWN = ("Nombre de lieux", "Score mesuré", "non mesuré", "Lieux par département", "En activité", "Fermé",
                "Position approximative", "chef-lieu", "À vérifier", "Lieux créés", "lieu d'un autre territoire")


def test_english_twins_write_english_words_and_numbers(atlas):
    """What the English pictures write is English (legends, axes, categories, numbers with a decimal
    point); the French ones say what they said. Words drawn as text (not matplotlib's glyph paths)."""
    from generator.pictures import KINDS

    checked = 0
    for key in picture_keys(atlas):
        if not key.startswith("en/"):
            continue
        spec, french = picture_spec(atlas, key), picture_spec(atlas, key.removeprefix("en/"))
        if KINDS[spec.kind].matplotlib and spec.kind != "network":
            continue
        drawn = " ".join(re.findall(r">([^<>]+)</text>", render(spec.kind, spec.data).decode()))
        assert not [word for word in FRENCH_DRAWN if word in drawn], key
        assert not re.search(r"\d,\d", drawn), key  # 3.4, not 3,4
        if spec.data == french.data:  # the same drawing: nothing in it is a word of either language
            assert not [word for word in FRENCH_DRAWN if word in render(french.kind, french.data).decode()], key
        checked += 1
    assert checked > 20
    spec = picture_spec(atlas, "en/territory/gbm/pillars")
    svg = render(spec.kind, spec.data).decode()
    assert "Measured score (1 to 5)" in svg and "Health" in svg and "Santé" not in svg
    assert "Number of hubs" in render("bars", picture_spec(atlas, "en/home/hubs-by-type").data).decode()
    assert "Nombre de lieux" in render("bars", picture_spec(atlas, "home/hubs-by-type").data).decode()


def test_map_legends_fit_their_two_lines_in_both_languages():
    """A legend entry is cut with "…" past two lines of LEGEND_WRAP characters: no label of either
    language is (the English "centre of the municipality" was)."""
    from generator.pictures.map_style import LEGEND_WRAP, map_words
    from generator.pictures.spec import wrap_label
    from generator.pictures.words import Words

    for lang in ("fr", "en"):
        words = map_words(Words(lang), [10, 2])
        for label in [*words["categories"].values(), words["approximate"], words["town"]]:
            assert "…" not in wrap_label(label, LEGEND_WRAP, 2), (lang, label)


def test_kept_specs_keep_the_english_twins_and_what_they_share(tmp_path: Path):
    """The next build takes every spec as kept, the English twins' with them: the same pictures, the
    twins without words in their drawing again on their French picture's file, nothing drawn."""
    import shutil
    from datetime import date

    from generator.load import load_valid_atlas
    from generator.pictures.kept import SpecBook

    sheets = tmp_path / "territories"
    shutil.copytree(Path(__file__).parent / "fixtures" / "atlas", sheets)
    atlas = load_valid_atlas(sheets, as_of=date(2025, 11, 26))
    first_stats, second_stats = DrawStats(), DrawStats()
    first = draw_pictures(atlas, tmp_path / "cache", progress=False, jobs=1, stats=first_stats,
                          kept=SpecBook(atlas, sheets, tmp_path / "specs"))
    again = load_valid_atlas(sheets, as_of=date(2025, 11, 26))
    second = draw_pictures(again, tmp_path / "cache", progress=False, jobs=1, stats=second_stats,
                           kept=SpecBook(again, sheets, tmp_path / "specs"))
    assert second_stats.drawn == 0 and second_stats.shared == first_stats.shared > 0
    assert {k: (p.filename, p.svg, p.title, p.alt, p.table_rows, p.lang, p.digest) for k, p in first.items()} == \
        {k: (p.filename, p.svg, p.title, p.alt, p.table_rows, p.lang, p.digest) for k, p in second.items()}
    shared = [k for k, p in second.items() if k.startswith("en/") and p.filename == second[k[3:]].filename]
    assert len(shared) == first_stats.shared


def test_the_imports_a_drawing_s_code_version_covers_are_python_s_own():
    """`cache._direct_imports` finds a module's imports by a pattern, not by parsing it: for every module of
    the generator it gives what Python's own parser finds (a module missed would leave its edits out of the
    pictures' cache keys)."""
    import ast

    from generator.pictures.cache import GENERATOR, _direct_imports

    for path in sorted(GENERATOR.rglob("*.py")):
        parsed = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("generator"):
                parsed |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
        assert set(_direct_imports(path)) == parsed, path
