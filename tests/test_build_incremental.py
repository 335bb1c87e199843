"""After one sheet is edited, `atlas build --no-site` renders only the pages that show it (issue 11,
target 2) and the docs folder is byte for byte what a cold build of the same sheets makes."""

from __future__ import annotations

import os
import pickle
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from generator.build_stamp import stamp_path
from generator.commands.build import Options as BuildOptions
from generator.commands.build import run as build_run
from generator.load import load_valid_atlas
from generator.project import Project

ROOT = Path(__file__).resolve().parent.parent
EPOCH = "1764115200"  # 2025-11-26
HUB = "grand-besancon-metropole/hubs/fablab-besancon.yml"
OTHER_HUB = "doubs/hubs/incubateur-ferme.yml"
TERRITORY = "grand-besancon-metropole/territory.yml"


def _fixture_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """The fixture atlas copied into `tmp_path` (the working folder, with a fixed build date): its sheets
    folder, and the docs folder that `_build` writes."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    sheets = tmp_path / "territories"
    shutil.copytree(ROOT / "tests" / "fixtures" / "atlas", sheets)
    return sheets, tmp_path / "out" / "docs"


def _build(sheets: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, int]:
    """One `atlas build --no-site`; (sheet pages rendered, sheet pages taken as they were)."""
    capsys.readouterr()
    project = Project.at(territories=sheets, content=ROOT / "content", docs_dir=out / "docs", site_dir=out / "site")
    assert build_run(project, BuildOptions(jobs=1, no_site=True, quiet=False)) == 0
    said = capsys.readouterr().err
    found = re.search(r"pages : (\d+) pages? de territoire ou de lieu produites?, (\d+) sans changement", said)
    assert found, said
    return int(found.group(1)), int(found.group(2))


def _files(docs: Path) -> dict[str, bytes]:
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in sorted(docs.rglob("*")) if p.is_file()}


def _same_as_cold(sheets: Path, docs: Path, tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A cold build of the same sheets into a new folder makes the same files: no page of it cached, no
    picture's spec kept (it runs in a folder of its own, with a copy of the picture cache only: its
    pictures are stored by the hash of their spec, so a stale spec would show as another picture)."""
    cold = tmp_path / name
    cold.mkdir()
    pictures = Path(".cache/pictures").absolute()
    if pictures.is_dir():
        shutil.copytree(pictures, cold / ".cache" / "pictures", copy_function=os.link)
    here = Path.cwd()
    os.chdir(cold)
    try:
        rendered, kept = _build(sheets, cold, capsys)
    finally:
        os.chdir(here)
    assert kept == 0
    cold, warm = _files(tmp_path / name / "docs"), _files(docs)
    assert sorted(cold) == sorted(warm)
    assert [path for path in cold if cold[path] != warm[path]] == []


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.slow  # six builds of the fixture atlas (about 20 s): CI runs it
def test_an_edit_renders_only_the_pages_that_show_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    rendered, kept = _build(sheets, tmp_path / "out", capsys)
    pages = rendered + kept
    assert (rendered, kept) == (pages, 0)

    # a hub renamed: its page, its partners' and the territories that list it; not the others
    _edit(sheets / HUB, "name: Fablab de Besançon", "name: Fablab de Besançon-Centre")
    rendered, kept = _build(sheets, tmp_path / "out", capsys)
    assert 0 < rendered < pages and rendered + kept == pages
    _same_as_cold(sheets, docs, tmp_path, "cold1", capsys)

    # nothing changed but the file's time: the generation is skipped (the inputs' stamp counts the sheets
    # by their bytes); made all the same (no stamp), every page is kept
    (sheets / HUB).touch()
    capsys.readouterr()
    project = Project.at(territories=sheets, content=ROOT / "content", docs_dir=docs,
                         site_dir=tmp_path / "out" / "site")
    assert build_run(project, BuildOptions(jobs=1, no_site=True, quiet=False)) == 0
    assert "pages :" not in capsys.readouterr().err
    stamp_path(docs).unlink()
    assert _build(sheets, tmp_path / "out", capsys) == (0, pages)

    # a partnership added, a status changed, a territory's summary rewritten
    _edit(sheets / OTHER_HUB, "name: Ancien incubateur", "name: Ancien incubateur du Doubs")
    _edit(sheets / TERRITORY, "summary: |\n", "summary: |\n  Une phrase de plus.\n")
    rendered, kept = _build(sheets, tmp_path / "out", capsys)
    assert 0 < rendered < pages
    _same_as_cold(sheets, docs, tmp_path, "cold2", capsys)

    # a territory renamed: its name is on many pages (breadcrumbs, cards): everything is rendered
    _edit(sheets / TERRITORY, "name: Grand Besançon Métropole", "name: Grand Besançon")
    assert _build(sheets, tmp_path / "out", capsys) == (pages, 0)
    _same_as_cold(sheets, docs, tmp_path, "cold3", capsys)

    # a hub removed: its page goes (in each edition: the French site and the English one under en/)
    editions = 2 if (docs / "en" / "hubs" / "incubateur-ferme.md").is_file() else 1
    (sheets / OTHER_HUB).unlink()
    rendered, kept = _build(sheets, tmp_path / "out", capsys)
    assert rendered + kept == pages - editions
    _same_as_cold(sheets, docs, tmp_path, "cold4", capsys)


@pytest.mark.slow  # eleven builds of the fixture atlas: CI runs it
def test_edits_that_change_what_pictures_and_shared_pages_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Each kept result (a picture's spec, a page) is checked against a cold build after edits that
    change what it read: a hub moved to another territory, a status and a position changed, a hub
    added then removed, a label of the vocabulary changed."""
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    _build(sheets, tmp_path / "out", capsys)
    assert sorted(p.name for p in (tmp_path / ".cache" / "specs").iterdir())  # the specs were kept

    # a hub moved to another territory (its locator, both territories' charts and maps)
    moved = sheets / "ornans" / "hubs" / "living-lab-sante.yml"
    moved.parent.mkdir()
    (sheets / "grand-besancon-metropole" / "hubs" / "living-lab-sante.yml").rename(moved)
    _build(sheets, tmp_path / "out", capsys)
    _same_as_cold(sheets, docs, tmp_path, "moved", capsys)

    # a status changed (charts by status, the status page) and a hub's position (its locator, the maps)
    _edit(sheets / "pays-horloger" / "hubs" / "tiers-lieu-projet.yml", "value: project", "value: active")
    _edit(sheets / HUB, "value: [47.2400, 6.0200]", "value: [47.2500, 6.0300]")
    _build(sheets, tmp_path / "out", capsys)
    _same_as_cold(sheets, docs, tmp_path, "status", capsys)

    # a hub added, with a partner (the network, the counts, the lists)
    text = (sheets / HUB).read_text(encoding="utf-8").replace("name: Fablab de Besançon", "name: Atelier du Doubs")
    added = sheets / "doubs" / "hubs" / "atelier-du-doubs.yml"
    added.write_text(text, encoding="utf-8")
    _build(sheets, tmp_path / "out", capsys)
    _same_as_cold(sheets, docs, tmp_path, "added", capsys)

    # a label of the vocabulary (every chart by type, the lists by type)
    _edit(sheets / "vocabulary.yml", "label: Tiers-lieu", "label: Tiers-lieu partagé")
    _build(sheets, tmp_path / "out", capsys)
    _same_as_cold(sheets, docs, tmp_path, "vocabulary", capsys)

    # the added hub removed again
    added.unlink()
    _build(sheets, tmp_path / "out", capsys)
    _same_as_cold(sheets, docs, tmp_path, "removed", capsys)


def test_a_page_edited_in_the_docs_folder_is_rendered_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    rendered, _ = _build(sheets, tmp_path / "out", capsys)
    page = docs / "hubs" / "fablab-besancon.md"
    good = page.read_bytes()
    page.write_bytes(good + b"\nhand edit\n")
    (sheets / HUB).touch()  # so that the inputs' stamp does not skip the generation
    assert _build(sheets, tmp_path / "out", capsys) == (1, rendered - 1)
    assert page.read_bytes() == good


def test_a_page_key_does_not_depend_on_the_process(tmp_path: Path) -> None:
    """What keys the pages is the same text in every process: a set's order follows PYTHONHASHSEED, and a
    key that changed with it would make every page a miss (the PDFs' ids are a set in the options)."""
    import os
    import subprocess
    import sys

    code = ("from generator.page_cache import _stable_repr; from generator.pages import SiteOptions; "
            "print(_stable_repr(SiteOptions(pdf_ids=frozenset({'doubs', 'ornans', 'jura', 'ain', 'aube'}))))")
    seen = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(seen) == 1 and "'ain', 'aube', 'doubs', 'jura', 'ornans'" in seen.pop()


def test_sheet_pages_rendered_by_workers_are_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """A cold build's sheet pages rendered by forked workers (--jobs 2) are the pages one process renders,
    and the page cache learns from the workers what each page placed (its pictures and hub cards)."""
    from generator import pages

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setattr(pages, "PARALLEL_FROM", 1)
    sheets = tmp_path / "territories"
    shutil.copytree(ROOT / "tests" / "fixtures" / "atlas", sheets)
    indexes = []
    for name, jobs in (("one", 1), ("two", 2)):
        folder = tmp_path / name
        folder.mkdir()
        monkeypatch.chdir(folder)
        project = Project.at(territories=sheets, content=ROOT / "content", docs_dir=folder / "docs",
                             site_dir=folder / "site")
        assert build_run(project, BuildOptions(jobs=jobs, no_site=True, quiet=True)) == 0
        [index] = (folder / ".cache" / "pages").glob("*/index.pickle")
        indexes.append({path: entry[3:] for path, entry in pickle.loads(index.read_bytes())["pages"].items()})
    one, two = _files(tmp_path / "one" / "docs"), _files(tmp_path / "two" / "docs")
    assert sorted(one) == sorted(two) and [path for path in one if one[path] != two[path]] == []
    assert indexes[0] == indexes[1] and any(pictures for pictures, _hubs in indexes[0].values())


def test_files_changed_or_removed_by_hand_are_written_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """The files the build knows without reading them (pages read back, pictures of the cache key written
    there: `write_tree`'s `known`) are still written again when edited by hand, even to the same size,
    or removed; the others are left alone (their times kept)."""
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    _build(sheets, tmp_path / "out", capsys)
    before = _files(docs)
    picture = next(p for p in sorted((docs / "assets" / "pictures").rglob("*.svg")))
    page = docs / "territoires" / "doubs.md"
    removed = docs / "hubs" / "incubateur-ferme.md"
    kept = docs / "territoires" / "ornans.md"
    kept_time = kept.stat().st_mtime_ns
    data = picture.read_bytes()
    picture.write_bytes(data[:-2] + bytes(reversed(data[-2:])))  # same size, other bytes, a new time
    page.write_bytes(page.read_bytes().replace(b"Doubs", b"Dou_s", 1))
    removed.unlink()
    (sheets / HUB).touch()  # so that the inputs' stamp does not skip the generation
    capsys.readouterr()
    _build(sheets, tmp_path / "out", capsys)
    assert _files(docs) == before
    assert kept.stat().st_mtime_ns == kept_time


def test_parts_and_derived_values_of_the_shared_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """A hub renamed makes the pillar pages again (they list hubs) but not their rankings of territories,
    which are taken as the last build made them; every sheet's quality is worked out once a build for
    both editions' quality pages; a territory renamed makes the rankings again. Same docs as cold."""
    from generator import page_pillars, page_reference

    calls = {"ranking": 0, "quality": 0}
    ranking, quality = page_pillars.PillarPages.ranking_table, page_reference.quality_table

    def counted_ranking(*args: object, **kwargs: object) -> str:
        calls["ranking"] += 1
        return ranking(*args, **kwargs)  # type: ignore[arg-type]

    def counted_quality(*args: object, **kwargs: object) -> object:
        calls["quality"] += 1
        return quality(*args, **kwargs)  # type: ignore[arg-type]

    rows = {"made": 0}
    hub_row = page_reference.hub_quality

    def counted_row(*args: object, **kwargs: object) -> object:
        rows["made"] += 1
        return hub_row(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(page_pillars.PillarPages, "ranking_table", counted_ranking)
    monkeypatch.setattr(page_reference, "quality_table", counted_quality)
    monkeypatch.setattr(page_reference, "hub_quality", counted_row)  # the quality table's rows, by parts
    monkeypatch.setattr(page_reference, "QUALITY_ROWS_PART", 2)
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    _build(sheets, tmp_path / "out", capsys)
    made, hub_rows = calls["ranking"], rows["made"]
    assert made > 0 and calls["quality"] == 1  # French and English quality pages: one table
    assert hub_rows > 4

    calls.update(ranking=0, quality=0)
    rows["made"] = 0
    _edit(sheets / HUB, "name: Fablab de Besançon", "name: Fablab de Besançon-Centre")
    _build(sheets, tmp_path / "out", capsys)
    assert calls == {"ranking": 0, "quality": 1}
    assert 0 < rows["made"] <= 4  # its run of two rows in each edition, not every row
    _same_as_cold(sheets, docs, tmp_path, "hub", capsys)

    calls.update(ranking=0, quality=0)
    _edit(sheets / TERRITORY, "name: Grand Besançon Métropole", "name: Grand Besançon")
    _build(sheets, tmp_path / "out", capsys)
    assert calls["ranking"] == made
    _same_as_cold(sheets, docs, tmp_path, "territory", capsys)


@pytest.mark.slow  # four builds of the fixture atlas: CI runs it
def test_kept_outputs_are_told_by_what_changed_since_the_last_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """After one hub edit, a kept page or group of outputs none of whose inputs changed is taken without
    hashing its inputs again (the page cache's snapshot of the last build says what changed); one that
    read the hub, or whose picture changed while its sheets did not, is made again. Same docs as cold."""
    from generator import page_cache, page_kept

    keys = {"pages": 0, "kinds": 0}
    page_key, kind_key = page_cache.PageCache._key, page_kept.KeptOutputs._kind_key

    def counted_page(self: page_cache.PageCache, full: str, *args: object) -> str:
        keys["pages"] += full in self.entries and full not in self.misses  # a page checked, not one made
        return page_key(self, full, *args)  # type: ignore[arg-type]

    def counted_kind(*args: object) -> str:
        keys["kinds"] += 1
        return kind_key(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(page_cache.PageCache, "_key", counted_page)
    monkeypatch.setattr(page_kept.KeptOutputs, "_kind_key", counted_kind)
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    _build(sheets, tmp_path / "out", capsys)
    _edit(sheets / HUB, "name: Fablab de Besançon", "name: Fablab de Besançon-Centre")
    keys.update(pages=0, kinds=0)
    rendered, kept = _build(sheets, tmp_path / "out", capsys)
    assert rendered > 0 and kept > 0
    # the pages that show the hub were hashed (and found changed), no page taken as it was
    assert keys["pages"] == rendered
    _same_as_cold(sheets, docs, tmp_path, "renamed", capsys)

    # a picture placed by a kept page gets another cache key, no sheet changes: that page is made again
    from generator import build

    index = pickle.loads(next((Path(".cache") / "pages").glob("*/index.pickle")).read_bytes())
    drawn, made, chosen = build.draw_site_pictures, [], []

    class Redrawn:  # the same picture under another cache key
        def __init__(self, picture: object) -> None:
            self.picture, self.digest = picture, "0" * 64

        def __getattr__(self, name: str) -> object:
            return getattr(self.picture, name)

    def one_picture_redrawn(*args: object, **kwargs: object) -> dict:
        pictures = drawn(*args, **kwargs)  # type: ignore[arg-type]
        chosen.append(next((path, key) for path, entry in sorted(index["pages"].items()) for key in entry[3]
                           if key in pictures and not path.startswith("en/")))
        pictures[chosen[0][1]] = Redrawn(pictures[chosen[0][1]])
        return pictures

    save = page_cache.PageCache.save

    def saved(self: page_cache.PageCache, *args: object, **kwargs: object) -> None:
        made.append(set(self.rendered))
        save(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build, "draw_site_pictures", one_picture_redrawn)
    monkeypatch.setattr(page_cache.PageCache, "save", saved)
    stamp_path(docs).unlink()  # no sheet changed: so that the inputs' stamp does not skip the generation
    rendered, kept = _build(sheets, tmp_path / "out", capsys)
    assert chosen[0][0] in made[-1] and kept > 0


@pytest.mark.slow  # four builds of the fixture atlas, three cold ones: CI runs it
def test_shared_pages_that_read_answers_are_kept_while_the_answers_are(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """The pillar pages read which hubs work on each pillar, the map page how many hubs are located and the
    filters' counts, the home page the counts by status and the first sheets of the latest days: answers
    of queries (atlas_reads.ask), not every hub. A hub renamed that none of them lists leaves them as
    they were (not made again); a status or a pillar changed makes them again. Same docs as cold. (In
    this small atlas the home page lists every sheet, and the map's table every hub: both show the name.)"""
    from generator import page_indexes, page_pillars, pages

    made = {"pillar": 0, "map": 0, "home": 0}
    pillar_page, map_page, home_page = page_pillars.PillarPages.pillar_page, page_indexes.IndexPages.map_page, \
        pages.Pages.home_page

    def counting(name: str, method: object) -> object:
        def counted(*args: object, **kwargs: object) -> object:
            made[name] += 1
            return method(*args, **kwargs)  # type: ignore[operator]
        return counted

    monkeypatch.setattr(page_pillars.PillarPages, "pillar_page", counting("pillar", pillar_page))
    monkeypatch.setattr(page_indexes.IndexPages, "map_page", counting("map", map_page))
    monkeypatch.setattr(pages.Pages, "home_page", counting("home", home_page))
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    _build(sheets, tmp_path / "out", capsys)
    assert made["pillar"] > 0 and made["map"] > 0

    # a hub on no pillar renamed: the pillar pages are kept
    made.update(pillar=0, map=0, home=0)
    _edit(sheets / OTHER_HUB, "name: Ancien incubateur", "name: Ancien incubateur du Doubs")
    _build(sheets, tmp_path / "out", capsys)
    assert made["pillar"] == 0
    _same_as_cold(sheets, docs, tmp_path, "renamed", capsys)

    # a status changed: the counts by status (home, map filters) are made again
    made.update(pillar=0, map=0, home=0)
    _edit(sheets / "pays-horloger" / "hubs" / "tiers-lieu-projet.yml", "value: project", "value: active")
    _build(sheets, tmp_path / "out", capsys)
    assert made["home"] > 0 and made["map"] > 0 and made["pillar"] == 0
    _same_as_cold(sheets, docs, tmp_path, "status", capsys)

    # the renamed hub works on a pillar now: that pillar's page lists it
    made.update(pillar=0, map=0, home=0)
    _edit(sheets / OTHER_HUB, "partners: [fablab-besancon]", "partners: [fablab-besancon]\npillars: [health]")
    _build(sheets, tmp_path / "out", capsys)
    assert made["pillar"] > 0
    _same_as_cold(sheets, docs, tmp_path, "pillar", capsys)


@pytest.mark.slow  # two builds of the fixture atlas and a cold one: CI runs it
def test_values_of_one_sheet_are_kept_by_its_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Every sheet's quality (the quality page's table) and facts' counts (the home and quality pages), each
    hub's GeoJSON feature, are worked out from that sheet alone: after one hub edit only that hub's are
    worked out again, the others read back from the page cache's index (atlas_reads.per_sheet). Same docs
    as cold."""
    from generator import opendata, page_parts, quality

    worked: list[str] = []
    hub_quality, territory_quality, counts = quality.hub_quality, quality.territory_quality, \
        page_parts._sheet_fact_counts

    def hub(atlas: object, h: object) -> object:
        worked.append(f"quality {h.id}")  # type: ignore[attr-defined]
        return hub_quality(atlas, h)  # type: ignore[arg-type]

    def territory(atlas: object, t: object) -> object:
        worked.append(f"quality {t.id}")  # type: ignore[attr-defined]
        return territory_quality(atlas, t)  # type: ignore[arg-type]

    def fact_counts(atlas: object, record: object) -> tuple[int, int, int]:
        worked.append(f"facts {record.id}")  # type: ignore[attr-defined]
        return counts(atlas, record)  # type: ignore[arg-type]

    monkeypatch.setattr(quality, "hub_quality", hub)
    monkeypatch.setattr(quality, "territory_quality", territory)
    monkeypatch.setattr(page_parts, "_sheet_fact_counts", fact_counts)
    feature = opendata._feature_text

    def feature_text(atlas: object, h: object) -> str:
        worked.append(f"feature {h.id}")  # type: ignore[attr-defined]
        return feature(atlas, h)  # type: ignore[arg-type]

    monkeypatch.setattr(opendata, "_feature_text", feature_text)
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    _build(sheets, tmp_path / "out", capsys)
    assert "quality fablab-besancon" in worked and "facts doubs" in worked
    worked.clear()
    _edit(sheets / HUB, "name: Fablab de Besançon", "name: Fablab de Besançon-Centre")
    _build(sheets, tmp_path / "out", capsys)
    assert sorted(worked) == ["facts fablab-besancon", "feature fablab-besancon", "quality fablab-besancon"]
    _same_as_cold(sheets, docs, tmp_path, "cold", capsys)


@pytest.mark.slow  # three builds of the fixture atlas: CI runs it
def test_sheet_copies_of_unchanged_sheets_are_not_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """After one hub edit, the byte copies of the other sheets are the files the last build wrote (not read from
    the sheets again); the edited sheet's copy is its new bytes, and a copy edited by hand is written again."""
    from generator import opendata
    from generator.outputs import KeptFile

    copies: list[list[object]] = []
    sheet_outputs = opendata.sheet_outputs

    def recorded(*args: object, **kwargs: object) -> list[object]:
        copies.append(sheet_outputs(*args, **kwargs))  # type: ignore[arg-type]
        return copies[-1]

    monkeypatch.setattr(opendata, "sheet_outputs", recorded)  # site_outputs calls it through its module
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    _build(sheets, tmp_path / "out", capsys)
    _edit(sheets / HUB, "name: Fablab de Besançon", "name: Fablab de Besançon-Centre")
    _build(sheets, tmp_path / "out", capsys)
    edited = opendata.sheet_copy_path(f"territories/{HUB}")
    kept = {o.path for o in copies[-1] if isinstance(o, KeptFile)}  # type: ignore[attr-defined]
    # every copy is kept but the edited sheet's and the shared files' (vocabulary, sources, indicators, moved
    # hubs: at the top of the folder, read at each build)
    shared = {o.path for o in copies[-1] if "/" not in o.path.removeprefix("donnees/fiches/")}  # type: ignore
    assert shared and edited not in kept and kept == {o.path for o in copies[-1]} - shared - {edited}  # type: ignore
    assert (docs / edited).read_bytes() == (sheets / HUB).read_bytes()

    other = docs / opendata.sheet_copy_path(f"territories/{OTHER_HUB}")
    other.write_bytes(other.read_bytes().replace(b"name:", b"nom :", 1))
    stamp_path(docs).unlink()  # no sheet changed: so that the inputs' stamp does not skip the generation
    _build(sheets, tmp_path / "out", capsys)
    assert other.read_bytes() == (sheets / OTHER_HUB).read_bytes()


@pytest.mark.slow  # three builds of the fixture atlas: CI runs it
def test_damaged_or_planted_cache_entries_are_made_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Values kept per sheet (quality rows, facts' counts, hubs.csv cells, GeoJSON features) and the pictures'
    postings are read back from files of the project's cache: one of the wrong shape, under the right sheet
    hash or index token, is made again instead of stopping the build with a traceback or being written out
    (review findings: a planted quality row raised TypeError, a string row was split into characters, a
    posting of another shape raised TypeError). Same docs as cold."""
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    _build(sheets, tmp_path / "out", capsys)
    wrong = {"sheets:quality": [1, 2], "sheets:fact counts": ["a", "b", "c"], "sheets:hubs.csv row": "abc",
             "sheets:hubs.geojson feature": "<script>alert(1)</script>",
             "sheets:hub filter parts fr": ['"id":"x"}]<script>alert(1)</script>', "", ""],
             "sheets:hub filter parts en": ['"id":"autre","n":"x","p":[]', '"rs":[],"s":"a","sl":"","t":[],"th":[]',
                                            '"tu":"","u":""']}
    planted = 0
    for shard in Path(".cache/pages").glob("*/sheets-*.pickle"):  # under the token the index names
        data = pickle.loads(shard.read_bytes())
        for name, blob in data["entries"].items():  # each entry pickled apart, a kind's values in buckets
            kind = name.partition("#")[0]  # a hub's card, by edition and folder: a text where a list is kept
            value = "<li>planted card</li>" if kind.startswith("sheets:~hub card") else wrong[kind]
            entry = pickle.loads(blob)
            for kept in entry["values"].values():
                kept[1], planted = value, planted + 1
            data["entries"][name] = pickle.dumps(entry)
        shard.write_bytes(pickle.dumps(data))
    assert planted
    (postings,) = Path(".cache/specs").glob("*/postings.pickle")
    posted = pickle.loads(postings.read_bytes())
    posted["postings"] = {key: pickle.dumps({"name": 5}) for key in posted["postings"]}
    postings.write_bytes(pickle.dumps(posted))
    _edit(sheets / HUB, "name: Fablab de Besançon", "name: Fablab de Besançon-Centre")
    _build(sheets, tmp_path / "out", capsys)
    assert "alert(1)" not in (docs / "donnees" / "hubs.geojson").read_text(encoding="utf-8")
    assert "planted card" not in (docs / "territoires" / "doubs.md").read_text(encoding="utf-8")
    assert "alert(1)" not in (docs / "parcourir" / "lieux.json").read_text(encoding="utf-8")
    assert '"id":"autre"' not in (docs / "en" / "parcourir" / "lieux.json").read_text(encoding="utf-8")
    _same_as_cold(sheets, docs, tmp_path, "cold", capsys)


@pytest.mark.slow  # four builds of the fixture atlas: CI runs it
def test_a_sheet_saved_during_a_build_is_made_again_by_the_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A contributor saves a sheet while a build runs (after its load): that build made its pages from the old
    bytes, and must not keep them under the new bytes' hash — the next build makes again what shows the sheet
    (review finding: 25 files stayed stale, the hubs list, the data files and the API among them). Same docs
    as cold."""
    from generator import build as build_module

    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    _build(sheets, tmp_path / "out", capsys)
    _edit(sheets / OTHER_HUB, "updated: 2024-11-30", "updated: 2024-12-01")  # a change, so the build runs
    drawing = build_module.draw_site_pictures

    def saved_meanwhile(*args: object, **kwargs: object) -> object:
        _edit(sheets / HUB, "name: Fablab de Besançon", "name: Fablab de Besançon Sud")
        return drawing(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(build_module, "draw_site_pictures", saved_meanwhile)
        _build(sheets, tmp_path / "out", capsys)
    _build(sheets, tmp_path / "out", capsys)
    assert "Fablab de Besançon Sud" in (docs / "hubs" / "index.md").read_text(encoding="utf-8")
    _same_as_cold(sheets, docs, tmp_path, "cold", capsys)


@pytest.mark.slow  # four builds of the fixture atlas, one cold: CI runs it
def test_damaged_truncated_or_planted_page_index_files_are_made_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """The page cache's shards and index (generator.page_store) truncated, of another build or planted with code:
    what they held is made again (no traceback, no code run), and the docs are what a cold build gives."""
    import pickle

    class Planted:  # a pickle that would run code when loaded
        def __reduce__(self) -> tuple:
            return (os.system, ("echo planted > planted.txt",))

    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    _build(sheets, tmp_path / "out", capsys)
    (folder,) = (index.parent for index in Path(".cache/pages").glob("*/index.pickle"))
    shards = sorted(folder.glob("*-*.pickle"))
    assert len(shards) >= 4
    for number, shard in enumerate(shards):
        whole = shard.read_bytes()
        shard.write_bytes([whole[: len(whole) // 2], pickle.dumps(Planted()),
                           pickle.dumps({**pickle.loads(whole), "token": "0" * 16})][number % 3])
    _edit(sheets / HUB, "name: Fablab de Besançon", "name: Fablab de Besançon-Centre")
    rendered, kept = _build(sheets, tmp_path / "out", capsys)
    assert rendered > 0 and kept > 0  # the sheet pages' entries are in the index, which was whole
    _same_as_cold(sheets, docs, tmp_path, "shards", capsys)
    index = folder / "index.pickle"
    data = pickle.loads(index.read_bytes())  # the sheet pages' entries planted: pictures and cards not texts
    for entry in data["pages"].values():
        entry[3], entry[4] = [["x"]], [{"a": 1}]
    index.write_bytes(pickle.dumps(data))
    _edit(sheets / HUB, "name: Fablab de Besançon-Centre", "name: Fablab de Besançon-Est")
    rendered, kept = _build(sheets, tmp_path / "out", capsys)
    assert kept == 0  # every page rendered, no TypeError
    _same_as_cold(sheets, docs, tmp_path, "pages", capsys)
    index.write_bytes(index.read_bytes()[:1000])
    _edit(sheets / HUB, "name: Fablab de Besançon-Est", "name: Fablab de Besançon")
    rendered, kept = _build(sheets, tmp_path / "out", capsys)
    assert kept == 0  # nothing known: every page made again
    _same_as_cold(sheets, docs, tmp_path, "index", capsys)
    assert not Path("planted.txt").exists()


def test_an_edit_of_moved_yml_alone_makes_the_moves_data_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """moved.yml is no sheet of a territory or hub, but atlas.json, the API's index and the API's documents at
    former addresses show it (the page cache's key of the data files holds the moves): after an edit of that file
    alone, the docs folder is what a cold build makes."""
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    _build(sheets, tmp_path / "out", capsys)
    moved = sheets / "moved.yml"
    moved.write_text(moved.read_text(encoding="utf-8") + "ancien-incubateur: incubateur-ferme\n", encoding="utf-8")
    _build(sheets, tmp_path / "out", capsys)
    assert b'"ancien-incubateur": "incubateur-ferme"' in (docs / "donnees" / "atlas.json").read_bytes()
    assert b'"moved_to":"incubateur-ferme"' in (docs / "api" / "lieux" / "ancien-incubateur.json").read_bytes()
    assert b'"id":"ancien-incubateur"' in (docs / "api" / "index.json").read_bytes()
    _same_as_cold(sheets, docs, tmp_path, "cold", capsys)


@pytest.mark.slow  # three builds of the fixture atlas: CI runs it
def test_a_hub_sheet_moved_unchanged_once_settled_is_specified_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """A hub's sheet moved, bytes unchanged, to another territory's folder, and built once its state has settled
    (every state settled here): the pictures' kept specs knew a record by its sheet's hash alone, and took the
    hub's old territory for its locator and the maps. A record is known by its sheet's path and hash."""
    from generator import file_states

    monkeypatch.setattr(file_states, "RACY_NS", -10**18)  # every state settled, as minutes after a `mv`
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    _build(sheets, tmp_path / "out", capsys)
    moved = sheets / "ornans" / "hubs" / "living-lab-sante.yml"
    moved.parent.mkdir()
    (sheets / "grand-besancon-metropole" / "hubs" / "living-lab-sante.yml").rename(moved)
    _build(sheets, tmp_path / "out", capsys)
    _same_as_cold(sheets, docs, tmp_path, "moved", capsys)


@pytest.mark.slow  # three builds of the fixture atlas: CI runs it
def test_generated_files_changed_by_hand_are_made_again_after_one_look(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """A whole build takes the page cache's word for the files it keeps, and `write_tree` looks at each before
    writing anything: a kept page edited by hand and an API document removed by hand are found there, said,
    and made again (the build's second try looks at every kept file). Same docs as cold."""
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    _build(sheets, tmp_path / "out", capsys)
    page = docs / "territoires" / "doubs.md"
    page.write_bytes(page.read_bytes() + b"\nhand edit\n")
    api = sorted((docs / "api").rglob("*.json"))[0]
    api.unlink()
    (sheets / OTHER_HUB).touch()  # so that the inputs' stamp does not skip the generation
    project = Project.at(territories=sheets, content=ROOT / "content", docs_dir=tmp_path / "out" / "docs",
                         site_dir=tmp_path / "out" / "site")
    capsys.readouterr()
    assert build_run(project, BuildOptions(jobs=1, no_site=True, quiet=False)) == 0
    said = capsys.readouterr().err
    assert "2 fichiers générés ont changé depuis la dernière génération (modifiés à la main ?) : refaits" in said
    assert b"hand edit" not in page.read_bytes() and api.is_file()
    _same_as_cold(sheets, docs, tmp_path, "cold", capsys)


@pytest.mark.slow  # three builds of the fixture atlas and a cold one: CI runs it
def test_a_hub_removed_moves_the_scores_and_renders_no_other_hub_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """A hub removed (or added, or closed) changes the measured profile (hubs per inhabitant): the territory pages
    that show a score that moved are rendered again (in this small atlas, every one: the medians of each level
    moved); a hub's page shows no score (its page cache key leaves the scores out), so the other hubs' pages are
    kept, and the docs folder is what a cold build gives."""
    from generator import measured
    from generator.pages import Pages

    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    before = measured.scores_of(load_valid_atlas(sheets))
    _build(sheets, tmp_path / "out", capsys)
    made: list[str] = []
    territories: list[str] = []
    real, real_territory = Pages._hub_page, Pages._territory_page

    def hub_page(self: Pages, h: Any) -> Any:
        made.append(h.id)
        return real(self, h)

    def territory_page(self: Pages, t: Any) -> Any:
        territories.append(t.id)
        return real_territory(self, t)

    monkeypatch.setattr(Pages, "_hub_page", hub_page)
    monkeypatch.setattr(Pages, "_territory_page", territory_page)
    atlas = load_valid_atlas(sheets)
    (sheets / "pays-horloger" / "hubs" / "tiers-lieu-projet.yml").unlink()
    after_atlas = load_valid_atlas(sheets)
    after = measured.scores_of(after_atlas)
    assert repr(after) != repr(before)  # the scores moved
    # the territories whose page shows a score that moved: their own, an enclosing territory's, a median
    moved = {tid for tid, t in after_atlas.territories.items()
             if measured.shown_digest(after_atlas, after, t)
             != measured.shown_digest(atlas, before, atlas.territories[tid])}
    rendered, kept = _build(sheets, tmp_path / "out", capsys)
    # the Doubs hub's page shows its département's map, where the removed hub was: rendered again; not Besançon's
    assert set(made) == {"incubateur-ferme"} and 0 < rendered and kept > 0
    # a territory's page is made again when a score it shows moved (measured.shown_digest), and only then
    assert set(territories) == moved and len(territories) == 2 * len(moved)  # both editions
    _same_as_cold(sheets, docs, tmp_path, "cold", capsys)
