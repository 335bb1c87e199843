"""Parallel PDF builds leave no temporary folder of WeasyPrint's behind."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from generator.pdf import write_reports


def test_parallel_reports_leave_no_weasyprint_scratch(fixture_atlas, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # a temporary folder of this test's own: under pytest-xdist other workers render PDFs at the same
    # time, and their WeasyPrint folders in the shared /tmp are not this build's leftovers
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # forked workers inherit it
    paths = write_reports(fixture_atlas, tmp_path / "pdf", territory_ids=["doubs", "ornans"], whole_atlas=False,
                          jobs=2, pictures={})
    assert [p.name for p in paths] == ["doubs.pdf", "ornans.pdf"]
    assert list(scratch.glob("weasyprint-*")) == []


def test_reports_are_given_to_the_workers_largest_first(fixture_atlas) -> None:
    from generator.pdf.volumes import report_order

    ids = list(fixture_atlas.territories)
    order = report_order(fixture_atlas, ids)
    assert sorted(order) == sorted(ids)

    def size(tid: str) -> int:
        return len(fixture_atlas.hubs_within(tid)) + len(fixture_atlas.children.get(tid, ()))

    assert [size(t) for t in order] == sorted((size(t) for t in ids), reverse=True)
    assert size(order[0]) > size(order[-1])
