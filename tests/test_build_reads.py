"""What an output read from the atlas is recorded (generator.atlas_reads), and what is kept from it:
a picture's spec is specified again only when a sheet or index entry it read changed (issue 11)."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

from conftest import AS_OF, FIXTURE_ATLAS
from generator.atlas_reads import ALL, ReadState, Recorder
from generator.load import load_valid_atlas
from generator.pictures import chart_specs, locator_specs
from generator.pictures.kept import SpecBook


def test_the_recorder_notes_what_is_read_and_gives_the_atlas_back(fixture_atlas) -> None:
    atlas = fixture_atlas
    hubs = atlas.hubs
    with Recorder(atlas) as recorder:
        recorder.reads = set()
        locator_specs.hub_locator_spec(atlas, "fablab-besancon")
        one = recorder.reads
        recorder.reads = set()
        chart_specs.founded_spec(atlas)  # every hub's year
        every = recorder.reads
    assert atlas.hubs is hubs and type(atlas.partnerships) is tuple
    assert ("hubs", "fablab-besancon") in one and ("hubs", ALL) not in one
    assert ("hubs", ALL) in every


def test_a_read_hashes_as_the_sheet_is(tmp_path: Path) -> None:
    sheets = tmp_path / "territories"
    shutil.copytree(FIXTURE_ATLAS, sheets)
    atlas = load_valid_atlas(sheets, as_of=AS_OF)
    reads = [["hubs", "fablab-besancon"], ["children", "doubs"]]
    before = ReadState(atlas, tmp_path).digest("", reads)
    assert ReadState(atlas, tmp_path).digest("", reads) == before
    sheet = sheets / "grand-besancon-metropole" / "hubs" / "fablab-besancon.yml"
    sheet.write_text(sheet.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert ReadState(atlas, tmp_path).digest("", reads) != before
    other = sheets / "doubs" / "hubs" / "incubateur-ferme.yml"  # not read: the same hash
    other.write_text(other.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    sheet.write_text(sheet.read_text(encoding="utf-8")[:-1], encoding="utf-8")
    assert ReadState(atlas, tmp_path).digest("", reads) == before


def test_a_kept_spec_is_taken_until_what_it_read_changes(tmp_path: Path) -> None:
    sheets = tmp_path / "territories"
    shutil.copytree(FIXTURE_ATLAS, sheets)
    atlas = load_valid_atlas(sheets, as_of=AS_OF)
    book = SpecBook(atlas, sheets, tmp_path / "specs")
    with Recorder(atlas) as recorder:
        recorder.reads = set()
        spec = locator_specs.hub_locator_spec(atlas, "fablab-besancon")
        reads = recorder.reads
    assert spec is not None
    words = {"title": spec.title, "alt": spec.alt, "table_headers": list(spec.table_headers),
             "table_rows": [list(row) for row in spec.table_rows]}
    book.record("hub/fablab-besancon/locator", reads, {"hub/fablab-besancon/locator": "k"}, words,
                {"hub/fablab-besancon/locator": "d"})
    book.save()
    again = SpecBook(load_valid_atlas(sheets, as_of=AS_OF), sheets, tmp_path / "specs")
    # the kept keys, words and (unknown yet) drawings' sizes
    assert again.lookup("hub/fablab-besancon/locator") == ({"hub/fablab-besancon/locator": "k"}, words, {})
    sheet = sheets / "grand-besancon-metropole" / "hubs" / "fablab-besancon.yml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("Fablab de Besançon", "Fablab"), encoding="utf-8")
    edited = SpecBook(load_valid_atlas(sheets, as_of=AS_OF), sheets, tmp_path / "specs")
    assert edited.lookup("hub/fablab-besancon/locator") is None


def test_atlas_json_is_the_same_from_its_records_split_back(fixture_atlas) -> None:
    from generator import opendata
    from generator.page_records import split_records

    text = opendata.atlas_json(fixture_atlas).decode("utf-8")
    parts = split_records(text)
    assert len(parts) == len(fixture_atlas.territories) + len(fixture_atlas.hubs)

    class Taken:
        def text(self, section: str, record_id: str, make: object) -> str:
            return parts[f"{section}:{record_id}"]

    assert opendata.atlas_json(fixture_atlas, records=Taken()).decode("utf-8") == text


def test_a_value_of_one_sheet_is_kept_by_its_bytes_and_its_common(tmp_path: Path) -> None:
    """`per_sheet` (the quality rows, the facts' counts...): worked out once, read back by the next run while the
    sheet has the same bytes and the run the same common; worked out again otherwise, and by a run of the
    cache that has not attached its pages yet (nothing to check the sheet against)."""
    from generator.atlas_reads import keep_per_sheet, per_sheet
    from generator.page_kept import SheetValues

    sheets = tmp_path / "territories"
    shutil.copytree(FIXTURE_ATLAS, sheets)
    atlas = load_valid_atlas(sheets, as_of=AS_OF)

    class Cache:  # what SheetValues uses of the page cache
        def __init__(self, entries: dict, attached: bool = True) -> None:
            self.extra: dict = {}
            self.kind_entries = dict(entries)
            self._state = ReadState(atlas, tmp_path) if attached else None

        @property
        def state(self) -> ReadState:
            assert self._state is not None
            return self._state

    made: list[str] = []
    hub = atlas.hubs["fablab-besancon"]

    def count(name: str, entries: dict, common: str = "c", attached: bool = True) -> tuple[int, dict]:
        cache = Cache(entries, attached)
        keep_per_sheet(atlas, SheetValues(cache, common))
        value = per_sheet(atlas, name, hub, lambda: (made.append(name), (len(made), 2))[1])
        return value, cache.extra

    try:
        value, first = count("n", {})
        assert value == (1, 2) and made == ["n"]
        assert count("n", first)[0] == (1, 2) and made == ["n"]  # read back, a tuple again
        assert count("n", first, common="other")[0] == (2, 2)
        assert count("n", first, attached=False) == ((3, 2), {})  # a run not attached: made, nothing kept
        (sheets / "grand-besancon-metropole" / "hubs" / "fablab-besancon.yml").write_text(
            (sheets / "grand-besancon-metropole" / "hubs" / "fablab-besancon.yml").read_text(encoding="utf-8")
            + "\n", encoding="utf-8")
        assert count("n", first)[0] == (4, 2)  # other bytes: worked out again
    finally:
        keep_per_sheet(atlas, None)
    assert per_sheet(atlas, "n", hub, lambda: "no keeper") == "no keeper"


def test_a_value_checked_for_its_shape_only_is_read_back_once_per_kept_entry(tmp_path: Path) -> None:
    """`per_sheet(..., shape_only=True)` in one process (the watch's builds): the value read back from a kept entry
    is given again while the entry is the same object, without being read back and checked again; another entry
    (read from disk again, or damaged) is read back and checked; a value whose check reads the atlas is read back
    each time."""
    from generator.atlas_reads import keep_per_sheet, per_sheet
    from generator.page_kept import SheetValues

    sheets = tmp_path / "territories"
    shutil.copytree(FIXTURE_ATLAS, sheets)
    atlas = load_valid_atlas(sheets, as_of=AS_OF)
    loaded_values: dict = {}

    class Cache:  # what SheetValues uses of the page cache, its memo of values read back kept from run to run
        def __init__(self, entries: dict) -> None:
            self.extra: dict = {}
            self.kind_entries = dict(entries)
            self._state = ReadState(atlas, tmp_path)
            self.loaded_values = loaded_values

        @property
        def state(self) -> ReadState:
            return self._state

    hub = atlas.hubs["fablab-besancon"]
    loads: list[object] = []

    def load(kept: list[int]) -> tuple[int, ...]:
        loads.append(kept)
        if not all(type(n) is int for n in kept):
            raise ValueError("not counts")
        return tuple(kept)

    def run(entries: dict, shape_only: bool = True) -> tuple[tuple[int, ...], dict]:
        cache = Cache(entries)
        keep_per_sheet(atlas, SheetValues(cache, "c"))
        return per_sheet(atlas, "n", hub, lambda: (7, 8), list, load, shape_only=shape_only), cache.extra

    try:
        value, first = run({})
        assert value == (7, 8) and loads == []  # made
        assert run(first)[0] == (7, 8) and len(loads) == 1  # read back and checked
        value, second = run(first)
        assert value == (7, 8) and len(loads) == 1  # the same entry: given again
        assert run(second)[0] == (7, 8) and len(loads) == 1  # kept by the run as it was: still the same entry
        again = copy.deepcopy(first)  # the index read from disk again: other objects, read back and checked
        assert run(again)[0] == (7, 8) and len(loads) == 2
        assert run(first, shape_only=False)[0] == (7, 8) and len(loads) == 3  # a check against the atlas: each time
        bucket = next(iter(first))
        path = next(iter(first[bucket]["values"]))
        damaged = {bucket: {"common": "c", "values": {path: [first[bucket]["values"][path][0], ["x", 8]]}}}
        assert run(damaged)[0] == (7, 8) and len(loads) == 4  # checked, refused: made again
    finally:
        keep_per_sheet(atlas, None)
