"""Parallel PDF builds leave no temporary folder of WeasyPrint's behind."""

from __future__ import annotations

import tempfile
from pathlib import Path

from generator.pdf import write_reports


def test_parallel_reports_leave_no_weasyprint_scratch(fixture_atlas, tmp_path: Path) -> None:
    scratch = Path(tempfile.gettempdir())
    before = set(scratch.glob("weasyprint-*"))
    paths = write_reports(fixture_atlas, tmp_path / "pdf", territory_ids=["doubs", "ornans"], whole_atlas=False,
                          jobs=2, pictures={})
    assert [p.name for p in paths] == ["doubs.pdf", "ornans.pdf"]
    assert set(scratch.glob("weasyprint-*")) - before == set()
