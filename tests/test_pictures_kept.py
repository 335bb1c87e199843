"""The kept pictures' specs (generator.pictures.kept): their index is plain values read back without making
any class, and what every output shares is hashed once per atlas (atlas_reads.shared_digest)."""

from __future__ import annotations

import os
import pickle
import shutil
from dataclasses import replace
from pathlib import Path

from conftest import AS_OF, FIXTURE_ATLAS
from generator import atlas_reads
from generator.atlas_reads import shared_digest
from generator.load import load_valid_atlas
from generator.measured import scores_of
from generator.pictures.kept import SpecBook


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
    book.record("home/map", {("hubs", "*")}, {"home/map": "k"}, words)
    book.save()
    assert SpecBook(atlas, sheets, tmp_path / "specs").lookup("home/map") == ({"home/map": "k"}, words)
    # a file naming anything to call is not read: every spec is computed again
    evil = {"format": 2, "common": book.common, "pictures": {"home/map": os.system}}
    book.index_path.write_bytes(pickle.dumps(evil))
    assert SpecBook(atlas, sheets, tmp_path / "specs").entries == {}
