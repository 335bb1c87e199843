"""The hubs' filter file (parcourir/lieux.json) written from each hub's kept parts (`explore.hub_data_file`) is
byte for byte the file encoded whole from the records (`explore.hub_data_outputs`), in both editions, with
hostile names, with and without the page cache's values kept per sheet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator import explore
from generator.atlas_reads import keep_per_sheet
from generator.load import load_valid_atlas
from generator.views import Words

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("folder", ["atlas", "hostile"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_file_from_parts_is_the_file_encoded_whole(folder: str, lang: str) -> None:
    atlas = load_valid_atlas(FIXTURES / folder)
    words = Words(atlas, lang)
    labels = None if lang == "fr" else words.level_labels
    whole = explore.hub_data_outputs(atlas, words.status_short, labels)[0]
    parts = explore.hub_data_file(atlas, words.status_short, labels, lang)[0]
    assert parts.path == whole.path == explore.HUBS_DATA
    assert parts.data == whole.data
    records = json.loads(parts.data)
    assert len(records) == len(atlas.hubs) and {r["id"] for r in records} == set(atlas.hubs)


def test_parts_kept_per_sheet_are_taken_back_and_damaged_ones_made_again() -> None:
    """With a keeper (the page cache's `SheetValues`), each hub's parts are asked of it by the hub's sheet; parts
    it gives back damaged (not three texts) are made again: the file is the same."""
    atlas = load_valid_atlas(FIXTURES / "atlas")
    words = Words(atlas, "fr")
    whole = explore.hub_data_outputs(atlas, words.status_short)[0].data
    kept: dict[str, list[object]] = {}
    asked: list[str] = []

    def keeper(name: str, path: str, make, dump, load, shape_only=False):  # type: ignore[no-untyped-def]
        asked.append(path)
        if path in kept:
            try:
                return load(kept[path])
            except ValueError:
                pass
        value = make()
        kept[path] = dump(value)
        return value

    keep_per_sheet(atlas, keeper)
    try:
        first = explore.hub_data_file(atlas, words.status_short, None, "fr")[0].data
        assert sorted(asked) == sorted(h.path for h in atlas.hubs.values())
        again = explore.hub_data_file(atlas, words.status_short, None, "fr")[0].data
        some = sorted(kept)[0]
        kept[some] = ["{}", 3, None]  # a damaged entry
        mended = explore.hub_data_file(atlas, words.status_short, None, "fr")[0].data
    finally:
        keep_per_sheet(atlas, None)
    assert first == again == mended == whole
    assert kept[some] != ["{}", 3, None]
