"""The kept pictures' specs (generator.pictures.kept): their index is plain values read back without making
any class, and what every output shares is hashed once per atlas (atlas_reads.shared_digest)."""

from __future__ import annotations

import os
import pickle
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

from conftest import AS_OF, FIXTURE_ATLAS
from generator import atlas_reads
from generator.atlas_reads import shared_digest
from generator.load import load_valid_atlas
from generator.measured import scores_of
from generator.pictures.kept import KEPT_FORMAT, SpecBook


def test_the_shared_digest_is_made_once_per_atlas_and_follows_what_it_covers(fixture_atlas) -> None:
    scores = scores_of(fixture_atlas)
    first = shared_digest(fixture_atlas, scores)
    assert atlas_reads._SHARED[id(fixture_atlas)][2] == first and shared_digest(fixture_atlas, scores) == first
    later = replace(fixture_atlas, as_of=AS_OF.replace(year=AS_OF.year + 1))
    assert shared_digest(later, scores_of(later)) != first


def test_the_index_of_kept_specs_is_plain_values(tmp_path: Path) -> None:
    sheets = tmp_path / "territories"
    shutil.copytree(FIXTURE_ATLAS, sheets)
    atlas = load_valid_atlas(sheets, as_of=AS_OF)
    book = SpecBook(atlas, sheets, tmp_path / "specs")
    words = {"title": "t", "alt": "a", "table_headers": ["h"], "table_rows": [["r"]]}
    book.record("home/map", {("hubs", "*")}, {"home/map": "k"}, words, {"home/map": "d"})
    book.sized("home/map", {"home/map": 1234})
    book.save()
    again = SpecBook(atlas, sheets, tmp_path / "specs")
    assert again.lookup("home/map") == ({"home/map": "k"}, words, {"home/map": 1234})
    assert again.earlier("home/map") == ({"home/map": "k"}, {"home/map": "d"})
    # a file naming anything to call is not read: every spec is computed again
    evil = {"format": KEPT_FORMAT, "common": book.common, "groups": {"home/map": os.system}, "postings": {}}
    index = book.index_path.read_bytes()
    book.index_path.write_bytes(pickle.dumps(evil))
    planted = SpecBook(atlas, sheets, tmp_path / "specs")
    assert planted.fresh and planted.groups == {} and planted.taken("home/map") is None
    # nor a shard: the kept words are then not known (a page asking for them gets its spec made again)
    book.index_path.write_bytes(index)
    book.shard_path("home/map").write_bytes(pickle.dumps({"home/map": [set(), {"home/map": "k"}, os.system, {}]}))
    planted = SpecBook(atlas, sheets, tmp_path / "specs")
    assert planted.taken("home/map") is not None and planted.words("home/map") is None
    # the postings are written before the index that names them (its token): another build's, or the index's
    # of before a crash between the two writes, make nothing kept
    posted = pickle.loads(book.postings_path.read_bytes())
    book.postings_path.write_bytes(pickle.dumps({**posted, "token": "another"}))
    assert SpecBook(atlas, sheets, tmp_path / "specs").fresh


def _seen(pictures: dict) -> dict:
    """What a page or the docs folder gets of each picture."""
    return {key: (p.filename, p.svg, p.title, p.alt, p.table_headers, p.table_rows, p.legend, p.digest)
            for key, p in pictures.items()}


def test_after_a_hub_renamed_what_shows_it_is_drawn_again_and_the_rest_is_kept_unread(tmp_path: Path) -> None:
    """A hub renamed: the pictures that show its name are drawn again, the others are taken as kept without
    their drawing being read (their size is known from the kept specs), and every picture, drawn or kept,
    is what a cold draw of the edited sheets gives."""
    from generator.pictures import DrawStats, draw_pictures
    from generator.pictures.picture import KeptDrawing

    sheets = tmp_path / "territories"
    shutil.copytree(FIXTURE_ATLAS, sheets)
    cache, specs = tmp_path / "cache", tmp_path / "specs"
    atlas = load_valid_atlas(sheets, as_of=AS_OF)
    draw_pictures(atlas, cache, progress=False, jobs=1, kept=SpecBook(atlas, sheets, specs))
    hub = sheets / "grand-besancon-metropole" / "hubs" / "fablab-besancon.yml"
    hub.write_text(hub.read_text(encoding="utf-8").replace("name: Fablab de Besançon", "name: Fablab du Doubs"),
                   encoding="utf-8")
    renamed = load_valid_atlas(sheets, as_of=AS_OF)
    stats = DrawStats()
    edited = draw_pictures(renamed, cache, progress=False, jobs=1, stats=stats,
                           kept=SpecBook(renamed, sheets, specs))
    # its territory's locator writes its name (its page marks it there); the territory's pillars do not show it
    assert "territory/grand-besancon-metropole/locator" in stats.drawn_keys
    kept = edited["territory/grand-besancon-metropole/pillars"]
    assert "territory/grand-besancon-metropole/pillars" not in stats.drawn_keys
    assert isinstance(kept.drawing, KeptDrawing) and kept.drawing._svg is None
    lazy = [p for p in edited.values() if isinstance(p.drawing, KeptDrawing)]
    assert len(lazy) >= 20  # 40 of the fixture's 104 pictures do not read that hub
    cold = draw_pictures(renamed, tmp_path / "cold", progress=False, jobs=1)
    assert [p.size for p in lazy] == [len(cold[p.key].svg) for p in lazy]
    assert all(p.drawing._svg is None for p in lazy)  # their sizes known without reading their drawings
    assert _seen(edited) == _seen(cold)


def _drawn_twice(tmp_path: Path) -> tuple[Path, Path, Path, dict, dict, Any]:
    """The fixture's pictures drawn with kept specs, then drawn again by a new atlas of the same sheets (the
    second takes every spec kept): the sheets, the picture cache, the specs' folder, both drawings and the
    second atlas (its kept pictures draw again from it, so the caller keeps it alive)."""
    from generator.pictures import draw_pictures

    sheets = tmp_path / "territories"
    shutil.copytree(FIXTURE_ATLAS, sheets)
    cache, specs = tmp_path / "cache", tmp_path / "specs"
    atlas = load_valid_atlas(sheets, as_of=AS_OF)
    first = draw_pictures(atlas, cache, progress=False, jobs=1, kept=SpecBook(atlas, sheets, specs))
    again = load_valid_atlas(sheets, as_of=AS_OF)
    second = draw_pictures(again, cache, progress=False, jobs=1, kept=SpecBook(again, sheets, specs))
    return sheets, cache, specs, first, second, again


def test_a_kept_drawing_the_cache_lost_is_drawn_again_when_asked_for(tmp_path: Path) -> None:
    """The cache's drawing of a kept picture removed after the build took it (by hand, by another build's
    prune): asking for its bytes draws it again from its spec, stores it again, and gives the same bytes."""
    from generator.pictures.picture import KeptDrawing

    sheets, cache, specs, first, second, _again = _drawn_twice(tmp_path)
    key = "territory/grand-besancon-metropole/pillars"
    picture = second[key]
    assert isinstance(picture.drawing, KeptDrawing)
    stored = cache / f"{picture.digest}.svg"
    stored.unlink()
    assert picture.svg == first[key].svg and stored.read_bytes() == first[key].svg


def test_the_departements_of_the_hubs_points_are_kept_between_builds(tmp_path: Path, monkeypatch) -> None:
    """The home maps' specs, made again after any hub edit, look up the point among the outlines of each hub
    without a commune (one with a commune counts in its commune's département): the answers are kept beside
    the kept specs, so the next build (a new process) asks the outlines nothing."""
    from dataclasses import replace
    from types import MappingProxyType

    from generator import geo
    from generator.pictures import draw_pictures, map_specs, picture_spec

    sheets = tmp_path / "territories"
    shutil.copytree(FIXTURE_ATLAS, sheets)
    atlas = load_valid_atlas(sheets, as_of=AS_OF)
    atlas = replace(atlas, hubs=MappingProxyType({h: replace(hub, commune=None) for h, hub in atlas.hubs.items()}))
    monkeypatch.setattr(map_specs, "POINT_DEPARTEMENTS", {})
    monkeypatch.setattr(map_specs, "SYMBOL_POINTS", {})
    monkeypatch.setattr(map_specs, "OUTLINES", {})
    assert map_specs.symbol_point("25") == geo.symbol_point("25")  # where the Doubs's count is drawn
    draw_pictures(atlas, tmp_path / "cache", progress=False, jobs=1, kept=SpecBook(atlas, sheets, tmp_path / "specs"))
    known, symbols = dict(map_specs.POINT_DEPARTEMENTS), dict(map_specs.SYMBOL_POINTS)
    assert known and all(atlas.hubs[h].coordinates in known for h in atlas.hubs if atlas.hubs[h].coordinates)
    assert (tmp_path / "specs" / "points.pickle").is_file()
    layers = dict(map_specs.OUTLINES)
    assert layers["departements"]["25"] == (geo.layer("departements")["25"].code, geo.layer("departements")["25"].name,
                                            geo.layer("departements")["25"].bounds)
    monkeypatch.setattr(map_specs, "POINT_DEPARTEMENTS", {})  # as in a new process
    monkeypatch.setattr(map_specs, "SYMBOL_POINTS", {})
    monkeypatch.setattr(map_specs, "OUTLINES", {})
    SpecBook(atlas, sheets, tmp_path / "specs")
    assert map_specs.POINT_DEPARTEMENTS == known
    assert map_specs.SYMBOL_POINTS == symbols == {"25": geo.symbol_point("25")}
    assert map_specs.OUTLINES == layers

    def asked(lat: float, lon: float) -> str | None:
        raise AssertionError(f"({lat}, {lon}) looked up again")

    def read(name: str) -> None:
        raise AssertionError(f"the boundary file {name} read again")

    specs_before = {key: picture_spec(atlas, key) for key in (
        "home/density", "territory/grand-besancon-metropole/locator", "territory/doubs/locator",
        "hub/fablab-besancon/locator")}
    monkeypatch.setattr(geo, "departement_at", asked)
    monkeypatch.setattr(geo, "layer", read)
    assert picture_spec(atlas, "home/density").table_rows  # every point known: no outline asked
    # the locators' specs (made again when a hub they name is renamed) read the kept outlines, and are the same
    assert {key: picture_spec(atlas, key) for key in specs_before} == specs_before
    # a file written by another code (or planted) is not taken: every point is looked up again
    (tmp_path / "specs" / "points.pickle").write_bytes(pickle.dumps({"code": "other", "points": known,
                                                                      "symbols": symbols}))
    monkeypatch.setattr(map_specs, "POINT_DEPARTEMENTS", {})
    monkeypatch.setattr(map_specs, "SYMBOL_POINTS", {})
    monkeypatch.setattr(map_specs, "OUTLINES", {})
    SpecBook(atlas, sheets, tmp_path / "specs")
    assert map_specs.POINT_DEPARTEMENTS == {} and map_specs.SYMBOL_POINTS == {} and map_specs.OUTLINES == {}


def test_a_picture_whose_words_alone_changed_takes_its_drawing_again(tmp_path: Path) -> None:
    """A territory renamed: the pictures that list it in their table or alt text but do not write its name
    in their drawing are specified again (new words, new cache key) but not drawn: the drawing kept for the
    same drawing key (kind, data, code) is taken again, under the new cache key; each is a cold draw's."""
    from generator.pictures import DrawStats, draw_pictures

    sheets = tmp_path / "territories"
    shutil.copytree(FIXTURE_ATLAS, sheets)
    cache, specs = tmp_path / "cache", tmp_path / "specs"
    atlas = load_valid_atlas(sheets, as_of=AS_OF)
    first = draw_pictures(atlas, cache, progress=False, jobs=1, kept=SpecBook(atlas, sheets, specs))
    sheet = sheets / "pays-horloger" / "territory.yml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("name: Pays horloger", "name: Pays de l'Horloger"),
                     encoding="utf-8")
    renamed = load_valid_atlas(sheets, as_of=AS_OF)
    stats = DrawStats()
    edited = draw_pictures(renamed, cache, progress=False, jobs=1, stats=stats, kept=SpecBook(renamed, sheets, specs))
    changed = [key for key, p in edited.items() if p.digest != first[key].digest]
    assert stats.drawn == 0 and stats.reused > 0 and len(changed) >= stats.reused
    assert all(edited[key].svg == first[key].svg for key in changed)  # new words, the same drawing
    assert _seen(edited) == _seen(draw_pictures(renamed, tmp_path / "cold", progress=False, jobs=1))


def test_a_locator_that_writes_no_name_has_no_name_in_its_data(monkeypatch) -> None:
    """A locator with more hubs than it labels (LABELLED_MAX) writes no name: its data holds none, so that a
    hub renamed there changes its table and not its drawing key (it is not drawn again); its drawing is the
    one it had with the names in its data."""
    from picture_atlas import make_atlas

    from generator.pictures import locator_specs, picture_spec, render

    atlas = make_atlas()
    named = picture_spec(atlas, "territory/doubs/locator").data
    assert named["labels"] and named["points"] and all(p["label"] for p in named["points"])
    monkeypatch.setattr(locator_specs, "LABELLED_MAX", 0)
    spec = picture_spec(atlas, "territory/doubs/locator")
    assert not spec.data["labels"] and [p["label"] for p in spec.data["points"]] == [""] * len(named["points"])
    assert spec.table_rows and all(row[0] for row in spec.table_rows)  # the names are in its table
    for kind in ("locator", "locator-narrow"):
        assert render(kind, spec.data) == render(kind, {**named, "labels": False})


_DRAW_ONE = """
import sys
from datetime import date
from pathlib import Path

from generator.load import load_valid_atlas
from generator.pictures import DrawStats, draw_pictures

sheets = Path(sys.argv[1])
stats = DrawStats()
atlas = load_valid_atlas(sheets, as_of=date(2025, 11, 26))
draw_pictures(atlas, sheets.parent / "cache", keys=["territory/grand-besancon-metropole/locator"], progress=False,
              jobs=1, stats=stats)
print(stats.drawn, "matplotlib.textpath" in sys.modules)
"""


def test_a_locator_drawn_again_measures_its_names_without_matplotlib(tmp_path: Path) -> None:
    """French names are laid out from the committed table of the font's widths: a process that draws a locator
    does not load matplotlib's fonts for its words. A name in another script (Greek) is measured through
    matplotlib once, and kept in the picture cache: after that hub is renamed with the same letters, the next
    process draws its territory's locator again without matplotlib."""
    import subprocess
    import sys

    sheets = tmp_path / "territories"
    shutil.copytree(FIXTURE_ATLAS, sheets)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    hub = sheets / "grand-besancon-metropole" / "hubs" / "fablab-besancon.yml"

    def draw() -> str:
        return subprocess.run([sys.executable, "-c", _DRAW_ONE, str(sheets)], capture_output=True, text=True,
                              check=True, env=env).stdout.strip()

    assert draw() == "1 False"  # every letter in the table
    hub.write_text(hub.read_text(encoding="utf-8").replace("name: Fablab de Besançon", "name: Fablab Δέλτα"),
                   encoding="utf-8")
    assert draw() == "1 True"  # measured through matplotlib, then kept
    hub.write_text(hub.read_text(encoding="utf-8").replace("name: Fablab Δέλτα", "name: Fablab de Δέλτα"),
                   encoding="utf-8")
    assert draw() == "1 False"
    assert list((tmp_path / "cache").glob(".measures-*.pickle"))


def _edited(tmp_path: Path, old: str, new: str, sheet: str = "grand-besancon-metropole/hubs/fablab-besancon.yml"
            ) -> tuple:
    """The fixture drawn once with kept specs, then a hub's sheet edited (`old` -> `new`): what the book of the
    edited atlas finds stale, its pictures and draw figures, and a cold draw of the same sheets."""
    from generator.pictures import DrawStats, draw_pictures

    sheets = tmp_path / "territories"
    shutil.copytree(FIXTURE_ATLAS, sheets)
    cache, specs = tmp_path / "cache", tmp_path / "specs"
    atlas = load_valid_atlas(sheets, as_of=AS_OF)
    draw_pictures(atlas, cache, progress=False, jobs=1, kept=SpecBook(atlas, sheets, specs))
    hub = sheets / sheet
    text = hub.read_text(encoding="utf-8")
    assert old in text
    hub.write_text(text.replace(old, new), encoding="utf-8")
    edited = load_valid_atlas(sheets, as_of=AS_OF)
    book, stats = SpecBook(edited, sheets, specs), DrawStats()
    stale = set(book.stale)
    pictures = draw_pictures(edited, cache, progress=False, jobs=1, stats=stats, kept=book)
    return stale, pictures, stats, draw_pictures(edited, tmp_path / "cold", progress=False, jobs=1)


def test_a_hub_renamed_specifies_again_only_the_pictures_that_read_its_name(tmp_path: Path) -> None:
    """Reads are kept per field: the charts that count the hub's type and status, and the list of pictures
    itself, read no name and are kept; its territory's locator, which writes the name, is drawn again."""
    from generator.pictures.kept import KEYS

    stale, pictures, stats, cold = _edited(tmp_path, "name: Fablab de Besançon", "name: Fablab du Doubs")
    assert "territory/grand-besancon-metropole/locator" in stale
    assert "territory/grand-besancon-metropole/locator" in stats.drawn_keys
    for counts in ("hubs-by-type", "hubs-by-status"):
        assert f"territory/grand-besancon-metropole/{counts}" not in stale
        assert f"home/{counts}" not in stale
    assert KEYS not in stale
    assert _seen(pictures) == _seen(cold)


def test_a_hub_without_a_year_renamed_leaves_the_years_chart_kept(tmp_path: Path) -> None:
    """The years chart counts the hubs without a founding year (its alt text), it does not name them."""
    stale, pictures, _stats, cold = _edited(tmp_path, "name: Tiers-lieu en projet", "name: Tiers-lieu à venir",
                                            "pays-horloger/hubs/tiers-lieu-projet.yml")
    assert "home/founded" not in stale and "territory/pays-horloger/locator" in stale
    assert _seen(pictures) == _seen(cold)


def test_a_hub_moved_draws_again_the_maps_that_place_it(tmp_path: Path) -> None:
    """A change of coordinates is a change of what the maps draw: its territory's locator and the national map
    are drawn again (not taken as kept), and every picture is a cold draw's."""
    stale, pictures, stats, cold = _edited(tmp_path, "value: [47.2400, 6.0200]", "value: [47.2500, 6.0300]")
    assert {"territory/grand-besancon-metropole/locator", "home/map"} <= stale
    assert {"territory/grand-besancon-metropole/locator", "home/map"} <= set(stats.drawn_keys)
    assert "territory/grand-besancon-metropole/hubs-by-type" not in stale
    assert _seen(pictures) == _seen(cold)


def test_a_hub_of_another_type_draws_again_the_charts_that_count_it(tmp_path: Path) -> None:
    stale, pictures, stats, cold = _edited(tmp_path, "types: [fab-lab, tiers-lieu]", "types: [tiers-lieu]")
    assert {"territory/grand-besancon-metropole/hubs-by-type", "home/hubs-by-type"} <= stale
    assert "territory/grand-besancon-metropole/hubs-by-type" in stats.drawn_keys
    assert _seen(pictures) == _seen(cold)


def test_a_kept_pictures_words_are_read_from_its_shard_or_specified_again(tmp_path: Path) -> None:
    """A kept picture's words are read when asked for, from its group's shard; a shard lost since (removed,
    or rewritten by another build) gives them from the picture's spec made again: the same words either way."""
    from generator.pictures import draw_pictures
    from generator.pictures.picture import KeptWords

    sheets, cache, specs, first, second, _again = _drawn_twice(tmp_path)
    key = "en/territory/doubs/pillars"
    assert isinstance(second[key]._words, KeptWords)  # not read yet
    assert second[key].table_rows == first[key].table_rows and second[key] == first[key]
    lost = load_valid_atlas(sheets, as_of=AS_OF)
    book = SpecBook(lost, sheets, specs)
    third = draw_pictures(lost, cache, progress=False, jobs=1, kept=book)
    book.shard_path("territory/doubs/locator").unlink()
    assert _seen(third) == _seen(first)


def _held(book: SpecBook) -> dict[str, Any]:
    """What a book holds and answers with, as plain values (its postings unpickled, every shard read)."""
    from generator.pictures.kept_files import SHARDS

    return {"groups": book.groups, "postings": {where: pickle.loads(blob) for where, blob in book.postings.items()},
            "keys": book._keys, "snapshot": book.snapshot, "changed": book.changed, "stale": book.stale,
            "fresh": book.fresh, "common": book.common, "token": book._token,
            "shards": [book._shard(number) for number in range(SHARDS)]}


def test_a_book_kept_in_memory_holds_what_its_files_give_a_new_one(tmp_path: Path) -> None:
    """`SpecBook.following` (atlas build --watch): the book of the last build, once saved, brought up to an edited
    atlas holds and answers what a book read from its files holds; before its save, or when what every spec
    reads changed, the files are read instead. Each draw is a cold draw's."""
    from generator.pictures import draw_pictures

    sheets = tmp_path / "territories"
    shutil.copytree(FIXTURE_ATLAS, sheets)
    cache, specs = tmp_path / "cache", tmp_path / "specs"
    atlas = load_valid_atlas(sheets, as_of=AS_OF)
    book = SpecBook(atlas, sheets, specs)
    later: list[Any] = []
    draw_pictures(atlas, cache, progress=False, jobs=1, kept=book, save=later.append)
    assert not book.saved and not book.index_path.exists()  # its save put off
    assert SpecBook.following(book, atlas, sheets, specs) is not book  # not saved: not taken
    later.pop()()
    assert book.saved
    hub = sheets / "grand-besancon-metropole" / "hubs" / "fablab-besancon.yml"
    for old, new in (("name: Fablab de Besançon", "name: Fablab du Doubs"), ("types: [fab-lab, tiers-lieu]",
                                                                            "types: [tiers-lieu]")):
        hub.write_text(hub.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        edited = load_valid_atlas(sheets, as_of=AS_OF)
        assert SpecBook.following(book, edited, sheets, specs) is book
        assert book.stale and _held(book) == _held(SpecBook(edited, sheets, specs))
        pictures = draw_pictures(edited, cache, progress=False, jobs=1, kept=book, save=later.append)
        later.pop()()
        assert _seen(pictures) == _seen(draw_pictures(edited, tmp_path / "cold", progress=False, jobs=1))
        assert _held(SpecBook.following(book, edited, sheets, specs)) == _held(SpecBook(edited, sheets, specs))
        assert book.stale == set()
        book.save()  # a build that made nothing: it writes nothing
    later_date = replace(edited, as_of=AS_OF.replace(year=AS_OF.year + 1))  # what every spec reads changed
    assert SpecBook.following(book, later_date, sheets, specs) is not book
