"""`atlas build --watch`: the docs folder built again in the same process at each save (issue 11, target 2).

The builds after the first keep the sheets' memo, the page cache and the scores in memory
(generator.build.KeptInMemory, generator.measured): each must still give, byte for byte, what a cold build
of the same sheets gives; a save with errors leaves the docs folder as it was and the watch goes on.
"""

from __future__ import annotations

import argparse
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from test_build_incremental import EPOCH, HUB, ROOT, _edit, _files, _fixture_copy, _same_as_cold

from generator import measured
from generator.build import KeptInMemory
from generator.cli import main
from generator.faults import FolderLock
from generator.watch import build_once, settle

HUB_NAME = "name: Fablab de Besançon"


def _args(sheets: Path, out: Path) -> argparse.Namespace:
    return argparse.Namespace(territories=sheets, docs_dir=out / "docs", site_dir=out / "site", no_site=True,
                              pdf=False, jobs=1, quiet=False, content_dir=ROOT / "content")


def _kept(docs: Path) -> KeptInMemory:
    """What the watch keeps, its docs folder's lock held as the watch holds it."""
    return KeptInMemory(lock=FolderLock(docs).acquire())


def _watched_build(args: argparse.Namespace, kept: KeptInMemory, *changed: Path) -> bool:
    kept.changed = frozenset(path.absolute() for path in changed)
    done = build_once(args, kept)
    settle(kept)
    return done


def test_builds_in_one_process_give_what_a_cold_build_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    args, kept = _args(sheets, tmp_path / "out"), _kept(tmp_path / "out" / "docs")
    assert _watched_build(args, kept)
    assert kept.memo is not None and kept.page_cache is not None  # kept for the next build

    # a hub renamed: what the scores read is the same, so they are not worked out again
    calls = measured.calls
    _edit(sheets / HUB, HUB_NAME, f"{HUB_NAME}-Centre")
    capsys.readouterr()
    assert _watched_build(args, kept, sheets / HUB)
    said = capsys.readouterr().err
    assert "  écrit hubs/fablab-besancon.md" in said and "  écrit en/hubs/fablab-besancon.md" in said
    assert measured.calls == calls
    _same_as_cold(sheets, docs, tmp_path, "cold-renamed", capsys)

    # the docs folder is the watch's while it runs; its caches and stamp were saved after the build: once it
    # stops, a new build finds nothing to do
    build = ["build", "--no-site", "--territories", str(sheets), "--docs-dir", str(docs), "--site-dir",
             str(tmp_path / "out" / "site")]
    capsys.readouterr()
    assert main(build) == 1
    assert f"une construction est déjà en cours dans {docs}" in capsys.readouterr().err
    assert kept.lock is not None
    kept.lock.release()
    assert main(build) == 0
    assert "rien n'a changé depuis la dernière génération" in capsys.readouterr().err


@pytest.mark.slow  # eight builds of the fixture atlas: CI runs it
def test_edits_scores_and_errors_in_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    args, kept = _args(sheets, tmp_path / "out"), _kept(tmp_path / "out" / "docs")
    assert _watched_build(args, kept)

    # a hub closed: the hubs counted per inhabitants change, so the scores are worked out again
    calls = measured.calls
    text = (sheets / HUB).read_text(encoding="utf-8")
    status = text.split("status:", 1)[1].split("\n", 2)
    assert "value: active" in status[1], status
    _edit(sheets / HUB, "  value: active", "  value: closed")
    assert _watched_build(args, kept, sheets / HUB)
    assert measured.calls == calls + 1
    _same_as_cold(sheets, docs, tmp_path, "cold-closed", capsys)

    # a sheet with an error: said, and the docs folder stays as the last good build left it
    before = _files(docs)
    _edit(sheets / HUB, HUB_NAME, "name:\n  - une liste")
    capsys.readouterr()
    assert not _watched_build(args, kept, sheets / HUB)
    said = capsys.readouterr().err
    assert "fablab-besancon.yml" in said and "Traceback" not in said
    assert "le dossier docs garde les fichiers de la dernière construction sans erreur" in said
    assert _files(docs) == before

    # mended: built again, as a cold build of the same sheets
    _edit(sheets / HUB, "name:\n  - une liste", f"{HUB_NAME} (atelier)")
    assert _watched_build(args, kept, sheets / HUB)
    _same_as_cold(sheets, docs, tmp_path, "cold-mended", capsys)


def test_watch_refuses_the_pdf_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    _fixture_copy(tmp_path, monkeypatch)
    assert main(["build", "--watch", "--pdf"]) == 1
    said = capsys.readouterr().err
    assert said.strip() == ("atlas build: --watch ne construit que le dossier docs ; faites les rapports PDF avec "
                            "`atlas pdf`, ou construisez sans --watch")


def _lines_of(process: subprocess.Popen) -> queue.Queue[str]:
    """The process's stderr, line by line, read by a thread (a select on a buffered pipe misses the lines
    already in the buffer)."""
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    return lines


def _read_until(told: queue.Queue[str], wanted: str, lines: list[str], seconds: float) -> bool:
    """Take the lines told into `lines` until one contains `wanted`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            line = told.get(timeout=0.5)
        except queue.Empty:
            continue
        lines.append(line)
        if wanted in line:
            return True
    return False


@pytest.mark.slow  # a process that builds the fixture atlas twice: CI runs it
def test_the_watch_builds_again_after_a_save_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    sheets = tmp_path / "territories"
    shutil.copytree(ROOT / "tests" / "fixtures" / "atlas", sheets)
    env = dict(os.environ, PYTHONPATH=str(ROOT), SOURCE_DATE_EPOCH=EPOCH)
    process = subprocess.Popen([sys.executable, "-m", "generator", "build", "--watch", "--docs-dir", "docs"],
                               cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    told = _lines_of(process)
    try:
        assert _read_until(told, "chaque enregistrement reconstruit", lines, 180), "".join(lines)
        _edit(sheets / HUB, HUB_NAME, f"{HUB_NAME} du centre")
        assert _read_until(told, "terminé en", lines, 120), "".join(lines)
        said = "".join(lines)
        assert f"enregistré : territories/{HUB}\n" in said, said
        assert "  écrit hubs/fablab-besancon.md" in said
        assert "Fablab de Besançon du centre" in (tmp_path / "docs" / "hubs" / "fablab-besancon.md").read_text(
            encoding="utf-8")
        process.send_signal(signal.SIGINT)  # at once: while the watch collects what the build left
        assert process.wait(timeout=30) == 130
    finally:
        if process.poll() is None:
            process.kill()
    _read_until(told, "interrompu", lines, 10)
    # said by the watch, or by the build when the signal came before it had let go of its folders
    assert "Traceback" not in "".join(lines) and lines[-1] in (
        "interrompu\n", "atlas build: interrompu : arrêt de la construction, fichiers temporaires supprimés ; le site "
        "précédent est inchangé\n"), "".join(lines)


def test_the_first_build_of_a_watch_fills_its_memory_even_when_nothing_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A docs folder up to date is not skipped by the watch's first build: that build reads the sheets, the page
    cache and the scores into the process, which the first save then finds there; it writes nothing."""
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    out = tmp_path / "out"
    build = ["build", "--no-site", "--territories", str(sheets), "--docs-dir", str(docs), "--site-dir",
             str(out / "site")]
    assert main(build) == 0 and main(build) == 0
    assert "rien n'a changé depuis la dernière génération" in capsys.readouterr().err
    kept = _kept(docs)
    assert _watched_build(_args(sheets, out), kept)
    said = capsys.readouterr().err
    assert "rien n'a changé" not in said and f"{docs} — écrits : 0," in said
    assert kept.memo is not None and kept.memo.entries and kept.page_cache is not None
