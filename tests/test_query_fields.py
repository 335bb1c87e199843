"""The record fields each query declares it reads (generator.atlas_reads.QUERY_FIELDS).

The page cache takes a query's answer as the last build found it when the edit since changed none of the fields
the query declares (a rename leaves the answers by status, by type, by network as they were): a field read but
not declared would leave a list stale. Each query is asked here, on a fresh atlas, with every argument a build of
the fixture atlas asks it, its records wrapped by the pictures' FieldRecorder, which notes each field read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest
from test_build_incremental import HUB, _build, _edit, _fixture_copy, _same_as_cold

from conftest import AS_OF
from generator.atlas_reads import QUERIES, QUERY, QUERY_FIELDS, ReadState, answer
from generator.load import load_valid_atlas
from generator.model import Fact
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
        if declared is None or name == "fact counts":  # facts() reads every field: see the next test
            continue
        atlas = load_valid_atlas(sheets, as_of=AS_OF)  # fresh: no answer or per-atlas value made before
        with FieldRecorder(atlas) as recorder:
            QUERIES[name](atlas, argument)
        read: dict[str, set[str]] = {}
        for mapping, _rid, field in recorder.reads:
            if mapping in declared and field:
                read.setdefault(mapping, set()).add(field)
        for mapping, names in read.items():
            assert WHOLE not in names, f"{name!r} ({argument!r}) reads whole {mapping} records"
            assert names <= declared[mapping], f"{name!r} ({argument!r}) reads {mapping} fields it does not " \
                                               f"declare: {sorted(names - declared[mapping])}"


def _holds_a_fact(value: object) -> bool:
    if isinstance(value, Fact):
        return True
    if isinstance(value, (tuple, list)):
        return any(_holds_a_fact(v) for v in value)
    if isinstance(value, Mapping):
        return any(_holds_a_fact(v) for v in value.values())
    return is_dataclass(value) and any(_holds_a_fact(getattr(value, f.name)) for f in fields(value))


def test_the_fact_counts_declare_every_field_that_holds_a_fact(fixture_atlas) -> None:
    """The facts a record yields (its method `facts`, which the recorder sees as reading the whole record) come
    from the fields `model.fact_fields` names, which the fact counts declare."""
    declared = QUERY_FIELDS["fact counts"]
    assert sum(len(list(record.facts())) for record in (*fixture_atlas.territories.values(),
                                                        *fixture_atlas.hubs.values())) > 20  # facts to miss
    for name in ("territories", "hubs"):
        for record in getattr(fixture_atlas, name).values():
            holding = {f.name for f in fields(record) if _holds_a_fact(getattr(record, f.name))}
            assert holding <= declared[name], (record.id, sorted(holding - declared[name]))


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
    assert "fact counts" in carried  # no fact changed
    assert not carried & {"hub pages", "recent sheets"}  # they read names
    _same_as_cold(sheets, docs, tmp_path, "cold-1", capsys)

    carried.clear()
    _edit(sheets / HUB, "status:\n  value: active", "status:\n  value: closed")  # what the status lists read
    _build(sheets, tmp_path / "out", capsys)
    assert "vocabulary groups" in carried and "hub pages" in carried
    assert not carried & {"status groups", "hub facets"}
    _same_as_cold(sheets, docs, tmp_path, "cold-2", capsys)

    carried.clear()  # a shared file, which records are made with: every answer worked out again
    _edit(sheets / "sources.yml", "  title: Recensement de la population 2021", "  title: Recensement 2021")
    _build(sheets, tmp_path / "out", capsys)
    assert not carried
