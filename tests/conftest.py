"""Shared fixtures: the small valid atlas that uses every field, loaded at a fixed build date.

Also the `slow` tests: the few that take several seconds each (real processes killed mid-build, big
PDFs, the real INSEE package). The README's test command leaves them out so that it stays short on a
laptop; CI runs them all (ATLAS_NO_SKIP=1 in .ci/run), and so does ATLAS_SLOW=1 or an explicit `-m`.
"""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
FIXTURE_ATLAS = FIXTURES / "atlas"
AS_OF = date(2025, 11, 26)  # fixed build date: the fixture's 2015 figure is old, its 2021 ones are not


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite the golden files from the current output instead of comparing")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def fixture_atlas_dir() -> Path:
    return FIXTURE_ATLAS


@pytest.fixture(scope="session")
def fixture_atlas():
    from generator.load import load_valid_atlas
    return load_valid_atlas(FIXTURE_ATLAS, as_of=AS_OF)


@pytest.fixture
def atlas_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of the fixture atlas at tmp/territories, with tmp as the working folder."""
    target = tmp_path / "territories"
    shutil.copytree(FIXTURE_ATLAS, target)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")  # 2025-11-26
    return target


# Tests of several seconds each, named here rather than in their files so that the list of what the
# quick run leaves out is in one place (test_workflows checks that each still exists).
SLOW = {
    "tests/test_faults.py::test_sigterm_stops_the_build_and_its_engine_and_keeps_the_previous_site",
    "tests/test_faults.py::test_after_a_sigkill_the_next_build_removes_the_leftovers",
    "tests/test_faults.py::test_two_builds_at_once_one_builds_the_other_says_why",
    "tests/test_pdf.py::test_no_heading_is_left_alone_at_the_bottom_of_a_page",
    "tests/test_pdf.py::test_cli_parallel_matches_serial_and_reports_errors",
    "tests/test_pdf.py::test_whole_atlas_shows_pictures_of_regions_and_departements_only",
    "tests/test_pdf.py::test_reports_are_deterministic_in_worker_processes_too",
    "tests/test_pdf_memory.py::test_a_1_mib_sheet_makes_a_capped_report_under_1_gib",
    "tests/test_pdf_layout.py::test_a_hub_named_with_one_very_long_word_prints_in_its_column",
    "tests/test_pdf_memory.py::test_a_territory_of_2000_hubs_makes_a_capped_report_under_1_gib",
    "tests/test_shipped_atlas.py::test_identity_is_in_sync_with_the_package",
    "tests/test_importer.py::test_real_package_epci_with_commune_parents",
    "tests/test_indicators_import.py::test_command_in_both_languages",
    "tests/test_site_build.py::test_build_with_pdf_publishes_and_links_the_reports",
    "tests/test_serve_process.py::test_sigterm_stops_the_preview_and_its_server",
    "tests/test_cli_core.py::test_the_wheel_carries_the_theme_and_builds_a_repository_of_sheets_only",
}


def run_slow(config: pytest.Config) -> bool:
    """Slow tests run in CI (ATLAS_NO_SKIP=1), with ATLAS_SLOW=1, or when `-m` chooses by marker."""
    return (os.environ.get("ATLAS_NO_SKIP") == "1" or os.environ.get("ATLAS_SLOW") == "1"
            or bool(config.option.markexpr))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid.split("[", 1)[0] in SLOW:
            item.add_marker(pytest.mark.slow)
    if run_slow(config):
        return
    kept = [item for item in items if item.get_closest_marker("slow") is None]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item.get_closest_marker("slow")])
        items[:] = kept


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if not run_slow(config):
        terminalreporter.write_line("slow tests left out (several seconds each): ATLAS_SLOW=1 runs them, "
                                    "as CI does (.ci/run)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI (ATLAS_NO_SKIP=1) a test that skips for a missing tool fails instead: CI installs them all."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("ATLAS_NO_SKIP") == "1" and report.skipped:
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.longrepr = f"skipped in CI, where every tool is installed: {reason}"
