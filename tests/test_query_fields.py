"""The record fields each query declares it reads (generator.atlas_reads.QUERY_FIELDS).

The page cache takes a query's answer as the last build found it when the edit since changed none of the fields
the query declares (a rename leaves the answers by status, by type, by network as they were): a field read but
not declared would leave a list stale. Each query is asked here, on a fresh atlas, with every argument a build of
the fixture atlas asks it, its records wrapped by the pictures' FieldRecorder, which notes each field read.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_build_incremental import HUB, _build, _edit, _fixture_copy, _same_as_cold

from conftest import AS_OF
from generator.atlas_reads import QUERIES, QUERY, QUERY_FIELDS, ReadState, answer
from generator.load import load_valid_atlas
from generator.page_cache import PageCache
from generator.pictures.reads import WHOLE, FieldRecorder


def _asked(sheets: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> list[tuple[str, str]]:
    """The (query, argument) pairs that the kept groups of a build of `sheets` read, as its page cache keeps them."""
    _build(sheets, out, capsys)
    return sorted({(name[len(QUERY):], key) for name, key in PageCache(out / "docs").kind_entries.answers_read()})


def test_each_query_reads_only_the_fields_it_declares(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    sheets, _docs = _fixture_copy(tmp_path, monkeypatch)
    asked = _asked(sheets, tmp_path / "out", capsys)
    atlas = load_valid_atlas(sheets, as_of=AS_OF)
    # two queries that only pages of longer lists ask (a région's, a list by status): asked here with every argument
    asked += [("status territories", status) for status in answer(atlas, "status groups", "")]
    asked += [("vocabulary regions", f"{name} {entry}") for name in ("hub_types", "themes", "networks")
              for entry in answer(atlas, "vocabulary groups", name)]
    assert {name for name, _ in asked} >= set(QUERY_FIELDS)  # every declaring query is checked below
    for name, argument in asked:
        declared = QUERY_FIELDS.get(name)
        if declared is None:
            continue
        atlas = load_valid_atlas(sheets, as_of=AS_OF)  # fresh: no answer or per-atlas value made before
        with FieldRecorder(atlas) as recorder:
            QUERIES[name](atlas, argument)
        read: dict[str, set[str]] = {}
        for mapping, _rid, field in recorder.reads:
            if mapping in declared and field:
                read.setdefault(mapping, set()).add(field)
        for mapping, fields in read.items():
            assert WHOLE not in fields, f"{name!r} ({argument!r}) reads whole {mapping} records"
            assert fields <= declared[mapping], f"{name!r} ({argument!r}) reads {mapping} fields it does not " \
                                                f"declare: {sorted(fields - declared[mapping])}"


def test_an_answer_whose_fields_did_not_change_is_taken_as_the_last_build_found_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    _build(sheets, tmp_path / "out", capsys)
    carried: set[str] = set()
    carry = ReadState.carry
    monkeypatch.setattr(ReadState, "carry", lambda self, name, key, state: (
        carried.add(name[len(QUERY):]), carry(self, name, key, state))[1])

    _edit(sheets / HUB, "name: Fablab de Besançon", "name: Fablab de Besançon-Centre")  # a rename
    _build(sheets, tmp_path / "out", capsys)
    assert {"status groups", "vocabulary groups", "located hubs", "hub facets"} <= carried
    assert not carried & {"hub pages", "recent sheets", "fact counts"}  # they read names, or any field
    _same_as_cold(sheets, docs, tmp_path, "cold-1", capsys)

    carried.clear()
    _edit(sheets / HUB, "status:\n  value: active", "status:\n  value: closed")  # what the status lists read
    _build(sheets, tmp_path / "out", capsys)
    assert "vocabulary groups" in carried and "hub pages" in carried
    assert not carried & {"status groups", "hub facets"}
    _same_as_cold(sheets, docs, tmp_path, "cold-2", capsys)
