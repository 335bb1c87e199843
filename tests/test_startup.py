"""What a command costs before it does its work (issue 11, target 2): `atlas build --help` and the build's
own modules import no drawing, PDF or engine library, and a build runs the cyclic garbage collector less
often, its thresholds given back after."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from conftest import ROOT
from generator import build
from generator.collector import BUILD_THRESHOLDS, PYTHON_THRESHOLDS
from generator.commands.build import Options
from generator.commands.build import run as build_run
from generator.pictures.mpl import style
from generator.project import Project

NOT_AT_START = ("matplotlib", "matplotlib.pyplot", "networkx", "weasyprint", "mkdocs", "jsonschema")


def _imported(code: str) -> set[str]:
    script = f"import sys\n{code}\nprint(' '.join(m for m in {NOT_AT_START!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_help_and_the_build_modules_import_no_heavy_library() -> None:
    assert _imported("from generator.cli import make_parser\nmake_parser().format_help()") == set()
    assert _imported("import generator.build, generator.load, generator.pictures") == set()


def test_a_build_runs_the_collector_less_often_and_gives_its_thresholds_back(
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []
    monkeypatch.setattr(build, "run_build", lambda args: seen.append(gc.get_threshold()) or 0)
    before = gc.get_threshold()
    assert build_run(Project.at(ROOT), Options(no_site=True, quiet=True)) == 0
    assert seen == [BUILD_THRESHOLDS] and gc.get_threshold() == before


def test_pictures_are_drawn_at_pythons_own_thresholds_inside_a_build() -> None:
    """A matplotlib figure is a web of reference cycles: at the build's thresholds the figures drawn piled up
    until a full collection (0.5 MB a map in a worker drawing thousands)."""
    before = gc.get_threshold()
    gc.set_threshold(*BUILD_THRESHOLDS)
    try:
        with style():
            assert gc.get_threshold() == PYTHON_THRESHOLDS
        assert gc.get_threshold() == BUILD_THRESHOLDS
    finally:
        gc.set_threshold(*before)
