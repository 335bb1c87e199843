"""Hub cards kept per hub sheet between builds (issue 11, target 2): a région's page of the France tree shows
465 cards, and one hub edited made every card of its territories' pages again. A card is read back while its
hub's sheet has the same bytes, its link and its territory's name are the same; the docs folder stays what a
cold build makes. Values asked for some sheets only (`page_kept.SPARSE`) keep the others' between runs, and
those a worker made reach its parent."""

from __future__ import annotations

import re
import shutil
import zlib
from pathlib import Path
from typing import Any

import pytest
from test_build_incremental import _build, _edit, _fixture_copy, _same_as_cold

from generator import page_parts
from generator.atlas_reads import ReadState, keep_per_sheet, per_sheet
from generator.commands.build import Options
from generator.load import load_valid_atlas
from generator.page_kept import SHEET_BUCKETS, SPARSE, SheetValues

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "atlas"


class _Cache:
    """What SheetValues uses of the page cache: the last run's entries, this run's, the sheets' hashes."""

    def __init__(self, atlas: Any, base: Path, entries: dict) -> None:
        self.extra: dict = {}
        self.kind_entries = dict(entries)
        self._state = ReadState(atlas, base)

    @property
    def state(self) -> ReadState:
        return self._state


def _two_sheets_in_one_bucket(atlas: Any) -> tuple[Any, Any]:
    """Two records whose values share a bucket (what a run writes again as one entry)."""
    by_bucket: dict[int, list[Any]] = {}
    for record in (*atlas.hubs.values(), *atlas.territories.values()):
        by_bucket.setdefault(zlib.crc32(record.path.encode("utf-8")) % SHEET_BUCKETS, []).append(record)
    pair = next(records for records in by_bucket.values() if len(records) > 1)
    return pair[0], pair[1]


def test_a_sparse_value_not_asked_is_kept_and_a_worker_s_reach_its_parent(tmp_path: Path) -> None:
    sheets = tmp_path / "territories"
    shutil.copytree(FIXTURE, sheets)
    atlas = load_valid_atlas(sheets)
    one, two = _two_sheets_in_one_bucket(atlas)
    made: list[str] = []

    def run(entries: dict, names: tuple[str, ...], asked: tuple[Any, ...]) -> dict:
        cache = _Cache(atlas, tmp_path, entries)
        keep_per_sheet(atlas, SheetValues(cache, "c"))
        for name in names:
            for hub in asked:
                per_sheet(atlas, name, hub, lambda name=name, hub=hub: (made.append(f"{name} {hub.id}"), hub.id)[1],
                          lambda value: value, lambda kept: str(kept))
        return {**entries, **cache.extra}  # the page cache keeps the entries a run did not make

    sparse, plain = f"{SPARSE}card", "count"
    try:
        first = run({}, (sparse, plain), (one, two))
        second = run(first, (sparse, plain), (one,))  # only the first hub's pages made again
        made.clear()
        run(second, (sparse, plain), (two,))
        assert made == [f"{plain} {two.id}"]  # the sparse value of the hub not asked was kept, the plain one not

        parent_cache = _Cache(atlas, tmp_path, {})
        parent = SheetValues(parent_cache, "c")
        worker = SheetValues(_Cache(atlas, tmp_path, {}), "c")
        keep_per_sheet(atlas, worker)
        assert per_sheet(atlas, sparse, one, lambda: "card", lambda v: v, str) == "card"
        given = worker.sparse_made()
        assert [sorted(v) for v in given.values()] == [[one.path]] and worker.sparse_made() == {}  # sent once
        parent.merge(given)
        keep_per_sheet(atlas, SheetValues(_Cache(atlas, tmp_path, parent_cache.extra), "c"))
        assert per_sheet(atlas, sparse, one, lambda: pytest.fail("made again"), lambda v: v, str) == "card"
    finally:
        keep_per_sheet(atlas, None)


def _cards_made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    made: list[str] = []
    html = page_parts.PageBase.html

    def counting(self: Any, macro: str, *args: Any) -> Any:
        if macro == "hub_card":
            made.append(str(args[0]["name"]))
        return html(self, macro, *args)

    monkeypatch.setattr(page_parts.PageBase, "html", counting)
    return made


@pytest.mark.slow  # four builds of the fixture atlas: CI runs it
@pytest.mark.parametrize("workers", [False, True])
def test_an_edit_makes_again_only_the_cards_it_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str], workers: bool) -> None:
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    made = _cards_made(monkeypatch)
    if workers:  # the first build renders its sheet pages in forked workers, which send their cards back
        from generator import pages

        monkeypatch.setattr(pages, "PARALLEL_FROM", 1)
        monkeypatch.setattr("test_build_incremental.BuildOptions", lambda **kw: Options(**{**kw, "jobs": 2}))
    _build(sheets, docs.parent, capsys)
    assert made or workers  # in workers, the counting is theirs
    monkeypatch.setattr("test_build_incremental.BuildOptions", Options)
    hub = sheets / "grand-besancon-metropole" / "hubs" / "fablab-besancon.yml"
    _edit(hub, "name: ", "name: Atelier renommé — ")
    made.clear()
    _build(sheets, docs.parent, capsys)
    assert made and set(made) == {next(m for m in made)} and "Atelier renommé" in made[0]
    _same_as_cold(sheets, docs, tmp_path, "cold-1", capsys)

    territory = sheets / "grand-besancon-metropole" / "territory.yml"
    _edit(territory, "name: ", "name: Grand Besançon renommé — ")
    made.clear()
    _build(sheets, docs.parent, capsys)
    assert made  # the cards that name the territory, made again with its new name
    # the card names the hub's town, then its territory (« Besançon · Grand Besançon renommé — … »)
    assert re.search(r'atlas-card__place">(?:[^<·]* · )?Grand Besançon renommé — ',
                     (docs / "territoires" / "doubs.md").read_text(encoding="utf-8"))
    _same_as_cold(sheets, docs, tmp_path, "cold-2", capsys)
