"""`atlas build --watch`: the docs folder built again in the same process at each save (issue 11, target 2).

The builds after the first keep the sheets' memo, the page cache and the scores in memory
(generator.build.KeptInMemory, generator.measured): each must still give, byte for byte, what a cold build
of the same sheets gives; a save with errors leaves the docs folder as it was and the watch goes on.
"""

from __future__ import annotations

import argparse
import errno
import gc
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_build_incremental import EPOCH, HUB, OTHER_HUB, ROOT, _edit, _files, _fixture_copy, _same_as_cold

from generator import build, i18n, measured, site_templates, watch
from generator.build import KeptInMemory
from generator.cli import main
from generator.commands.build import Options as BuildOptions
from generator.commands.build import run as build_run
from generator.faults import FolderLock, Interrupted
from generator.project import Project
from generator.watch import build_once, settle

HUB_NAME = "name: Fablab de Besançon"


def _args(sheets: Path, out: Path) -> argparse.Namespace:
    """What `atlas build --watch` gives the watch's builds (generator.commands.build): mkdocs.yml read by the
    project at each build, as `atlas build` reads it (the inputs' signature counts the settings read)."""
    project = Project.at(territories=sheets, content=ROOT / "content", docs_dir=out / "docs", site_dir=out / "site")
    return argparse.Namespace(territories=sheets, docs_dir=out / "docs", site_dir=out / "site", no_site=True,
                              pdf=False, jobs=1, quiet=False, content_dir=ROOT / "content",
                              config=project.config_file, site_config_of=project.site_config)


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
    with pytest.raises(SystemExit) as stop:  # a usage error, as --site-dir and --engine with --watch
        main(["build", "--watch", "--pdf"])
    assert stop.value.code == 2
    said = capsys.readouterr().err
    assert said.strip().splitlines()[-1] == ("atlas : erreur : --watch ne construit que le dossier docs ; faites les "
                                             "rapports PDF avec `atlas pdf`, ou construisez sans --watch")
    assert not (tmp_path / "build").exists()
    # the Python API, which no parser checks, is refused by the watch itself
    from generator.errors import AtlasError
    from generator.watch import run_watch

    with pytest.raises(AtlasError, match="rapports PDF avec `atlas pdf`"):
        run_watch(argparse.Namespace(pdf=True))


def test_watch_refuses_a_site_folder_or_an_engine_it_would_ignore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    # the watch builds the docs folder only: --site-dir and --engine were dropped without a word
    monkeypatch.chdir(tmp_path)
    _saves_then_stop(monkeypatch)  # (were the watch to start: Ctrl+C at once)
    said: list[str] = []
    for argv in (["build", "--watch", "--site-dir", "public"], ["build", "--engine", "zensical", "--watch"],
                 ["--lang", "en", "build", "--watch", "--site-dir", "public", "--engine", "zensical"]):
        with pytest.raises(SystemExit) as stop:
            main(argv)
        assert stop.value.code == 2  # as the other usage errors
        said.append(capsys.readouterr().err.strip().splitlines()[-1])
    assert said == [
        "atlas : erreur : --watch ne construit que le dossier docs, sans site : retirez --site-dir public, ou lancez "
        "`atlas build --site-dir public` une fois la surveillance arrêtée",
        "atlas : erreur : --watch ne construit que le dossier docs, sans site : retirez --engine zensical, ou lancez "
        "`atlas build --engine zensical` une fois la surveillance arrêtée",
        "atlas: error: --watch builds the docs folder only, without a site: leave out --site-dir public --engine "
        "zensical, or run `atlas build --site-dir public --engine zensical` once the watch is stopped"]
    assert not (tmp_path / "build").exists()
    # without --watch, both are still the build's
    assert main(["build", "--site-dir", "public", "--engine", "zensical", "--territories", "fiches"]) == 1
    assert "pas de dossier de fiches fiches" in capsys.readouterr().err
    # the Python API, which no parser checks: an engine with the watch is refused by the watch itself
    from generator.errors import AtlasError
    from generator.project import Project

    with pytest.raises(AtlasError, match=r"retirez --engine zensical, ou lancez `atlas build --engine zensical`"):
        build_run(Project.at(tmp_path), BuildOptions(jobs=1, watch=True, engine="zensical"))
    assert not (tmp_path / "build").exists()


def test_an_interrupted_build_says_what_it_left(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Ctrl+C during a build: a build of the site leaves the previous site; a build of the docs folder only
    (--no-site, each build of --watch) leaves that folder as it was before it writes, perhaps written in part
    after (« le site précédent est inchangé » was said of both)."""
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    out = tmp_path / "out"
    no_site = ["build", "--no-site", "--territories", str(sheets), "--docs-dir", str(docs), "--site-dir",
               str(out / "site")]
    assert main(no_site) == 0
    real_write, real_draw = build.write_tree, build.draw_site_pictures

    def ctrl_c(*args: Any, **options: Any) -> Any:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(5)  # the signal's handler raises before this ends

    def ctrl_c_while_writing(outs: Any, folder: Path, **options: Any) -> Any:
        real_write(list(outs)[:1], folder, partial=True)
        ctrl_c()

    _edit(sheets / HUB, HUB_NAME, f"{HUB_NAME}-Centre")
    monkeypatch.setattr(build, "draw_site_pictures", ctrl_c)  # before the docs folder is written
    capsys.readouterr()
    assert main(no_site) == 130
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        f"atlas build: interrompu : arrêt de la construction, fichiers temporaires supprimés ; le dossier docs {docs} "
        "est inchangé")

    monkeypatch.setattr(build, "draw_site_pictures", real_draw)
    monkeypatch.setattr(build, "write_tree", ctrl_c_while_writing)  # once it has begun writing the docs folder
    partly = (f"atlas build: interrompu : arrêt de la construction, fichiers temporaires supprimés ; le dossier docs "
              f"{docs} est peut-être écrit en partie : la prochaine construction l'écrira de nouveau")
    assert main(no_site) == 130
    assert capsys.readouterr().err.strip().splitlines()[-1] == partly

    # a build of the watch: the same (the command line says what the build raised)
    args, kept = _args(sheets, out), _kept(docs)
    try:
        with pytest.raises(Interrupted) as stopped:
            build_once(args, kept, first=True)
    finally:
        assert kept.lock is not None
        kept.lock.release()
    assert f"atlas build: {stopped.value}" == partly

    # a build of the site: the previous site, which it replaces only once the new one is made
    site = ["build", "--territories", str(sheets), "--docs-dir", str(docs), "--site-dir", str(out / "site")]
    assert main(site) == 130
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        "atlas build: interrompu : arrêt de la construction, fichiers temporaires supprimés ; le site précédent "
        "est inchangé")
    assert main(["--lang", "en", *no_site]) == 130
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        f"atlas build: interrupted: the build stopped, its temporary files removed; the docs folder {docs} may be "
        "partly written: the next build writes it again")


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
        "interrompu\n", "atlas build: interrompu : arrêt de la construction, fichiers temporaires supprimés ; le "
        "dossier docs docs est peut-être écrit en partie : la prochaine construction l'écrira de nouveau\n"), \
        "".join(lines)


@pytest.mark.slow  # three builds of the fixture atlas: CI runs it
def test_a_template_saved_renders_the_kept_pages_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    # the page templates copied, so that one can be saved without touching the checkout's theme
    templates = tmp_path / "pages-theme"
    shutil.copytree(site_templates.TEMPLATES_DIR, templates)
    monkeypatch.setattr(site_templates.make_environment, "__defaults__", (templates, site_templates.SOURCE_LANG))
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    args, kept = _args(sheets, tmp_path / "out"), _kept(tmp_path / "out" / "docs")
    assert _watched_build(args, kept)

    # the hub page's template saved with a hub (the copy is not in the inputs' stamp, the checkout's theme is):
    # every hub page shows the template, not only the saved hub's
    hub = templates / "hub.md.j2"
    hub.write_text(hub.read_text(encoding="utf-8") + "\nGabarit modifié.\n", encoding="utf-8")
    _edit(sheets / HUB, HUB_NAME, f"{HUB_NAME}-Centre")
    assert _watched_build(args, kept, hub, sheets / HUB)
    pages = [page for folder in (docs / "hubs", docs / "en" / "hubs") for page in sorted(folder.glob("*.md"))
             if page.name != "index.md"]
    assert len(pages) == 8
    assert [page.name for page in pages if "Gabarit modifié." not in page.read_text(encoding="utf-8")] == []
    _same_as_cold(sheets, docs, tmp_path, "cold-template", capsys)


class _Observer:
    """The watcher's stand-in: the test tells the saves itself."""

    def stop(self) -> None:
        pass


def _saves_then_stop(monkeypatch: pytest.MonkeyPatch, *steps: Callable[[], set[Path]]) -> None:
    """The watch's waits for a save: each step makes its edits and gives the files saved; then Ctrl+C."""
    left = list(steps)

    def next_saves(saves: Any, stopping: Any) -> set[Path]:
        if not left:
            raise KeyboardInterrupt
        return left.pop(0)()

    monkeypatch.setattr(watch, "_next_saves", next_saves)
    monkeypatch.setattr(watch, "watch_files", lambda folders, told, **following: _Observer())


@pytest.mark.slow  # three builds of the fixture atlas: CI runs it
def test_the_configuration_is_read_again_at_each_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    config = tmp_path / "mkdocs.yml"
    shutil.copy(ROOT / "mkdocs.yml", config)
    project = Project.at(territories=sheets, content=ROOT / "content", config_file=config, docs_dir=docs,
                         site_dir=tmp_path / "out" / "site")

    def repository_and_hub() -> set[Path]:  # mkdocs.yml given a repository (edit links), then a hub saved
        _edit(config, "# repo_url: https://git.example/owner/atlas", "repo_url: https://git.example/owner/atlas")
        _edit(sheets / HUB, HUB_NAME, f"{HUB_NAME}-Centre")
        return {sheets / HUB}

    _saves_then_stop(monkeypatch, repository_and_hub)
    with pytest.raises(KeyboardInterrupt):
        build_run(project, BuildOptions(jobs=1, watch=True))
    assert "https://git.example/owner/atlas" in (docs / "hubs" / "incubateur-ferme.md").read_text(encoding="utf-8")

    # a new build of the same files has nothing to do, and a cold one makes the same files
    capsys.readouterr()
    assert build_run(project, BuildOptions(jobs=1, no_site=True)) == 0
    assert "rien n'a changé depuis la dernière génération" in capsys.readouterr().err
    cold = tmp_path / "cold"
    cold_project = Project.at(territories=sheets, content=ROOT / "content", config_file=config,
                              docs_dir=cold / "docs", site_dir=cold / "site")
    assert build_run(cold_project, BuildOptions(jobs=1, no_site=True)) == 0
    assert _files(cold / "docs") == _files(docs)


def test_a_first_build_without_its_folders_stops_the_watch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    # a sheets folder mistyped: nothing to watch, so the watch says why and stops, rather than wait for saves
    monkeypatch.chdir(tmp_path)
    _saves_then_stop(monkeypatch)  # (were it to wait: Ctrl+C at once)
    assert main(["build", "--watch", "--territories", "fiches", "--docs-dir", "docs"]) == 1
    said = capsys.readouterr().err
    assert "pas de dossier de fiches fiches" in said
    assert "surveillance" not in said and "corrigez les fiches" not in said and "interrompu" not in said


class _Cycle:
    """Garbage that only the collector frees: a cycle."""

    def __init__(self) -> None:
        self.me = self


def test_ctrl_c_while_the_watch_collects_loses_no_exception(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Ctrl+C lands in a finalizer the collector runs (the atlas's weak references have callbacks): Python cannot
    # raise it from there and prints it with a traceback ("Exception ignored in ..."); the watch must stop cleanly
    lost: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", lost.append)
    stopping = watch.Stopping()
    previous = signal.signal(signal.SIGINT, watch._stopper(stopping))
    gc.disable()  # the cycle freed by the watch's own collection, not before
    try:
        garbage = _Cycle()
        told = weakref.ref(garbage, lambda _ref: os.kill(os.getpid(), signal.SIGINT))  # noqa: F841 (kept alive)
        del garbage
        with pytest.raises(KeyboardInterrupt):
            settle(KeptInMemory(), stopping)
    finally:
        signal.signal(signal.SIGINT, previous)
        gc.unfreeze()
        gc.enable()
    assert lost == []


def test_the_watch_reads_the_pictures_drawers_and_outlines_before_the_first_save(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first save after the watch starts would import the drawers and read the outlines its pictures need,
    and read the page cache's entries that every edit reads (0.3 to 0.6 s of that save on the France tree): the
    watch reads them while it waits, after its first build."""
    from generator import geo
    from generator.page_store import category
    from generator.pictures.kinds import KINDS

    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    first_build = watch.build_once

    def drew_nothing(*args: Any, **options: Any) -> bool:  # as a first build whose pictures were all kept
        done = first_build(*args, **options)
        geo.layer.cache_clear()
        return done

    monkeypatch.setattr(watch, "build_once", drew_nothing)
    watches: list[KeptInMemory] = []

    class Kept(KeptInMemory):
        def __init__(self, **fields: Any) -> None:
            super().__init__(**fields)
            watches.append(self)

    monkeypatch.setattr(watch, "KeptInMemory", Kept)
    seen: dict[str, Any] = {}

    def first_save() -> set[Path]:
        seen["outlines"] = geo.layer.cache_info().currsize
        seen["drawers missing"] = {kind.module for kind in KINDS.values()} - set(sys.modules)
        store = watches[0].page_cache.kind_entries
        every_edit = {name for name in store.names() if category(name) in watch.EVERY_EDIT_READS}
        seen["entries"] = bool(every_edit)
        seen["entries not read"] = every_edit - set(store._values)
        raise KeyboardInterrupt

    project = Project.at(territories=sheets, content=ROOT / "content", docs_dir=docs, site_dir=tmp_path / "site")
    assert build_run(project, BuildOptions(jobs=1, no_site=True)) == 0  # as a contributor starts: docs up to date
    _saves_then_stop(monkeypatch, first_save)
    with pytest.raises(KeyboardInterrupt):
        build_run(project, BuildOptions(jobs=1, watch=True))
    assert seen == {"outlines": len(geo.LAYERS), "drawers missing": set(), "entries": True, "entries not read": set()}


def test_the_saved_files_are_named_in_good_french(tmp_path: Path) -> None:
    one, two = tmp_path / "a.yml", tmp_path / "b.yml"
    one.write_text("a", encoding="utf-8")
    two.write_text("b", encoding="utf-8")
    assert watch._saved_line({one}) == f"enregistré : {one}"
    assert watch._saved_line({one, two}) == f"enregistrés : {one}, {two}"
    many = {tmp_path / f"{n}.yml" for n in range(5)}
    assert watch._saved_line(many).endswith(f"{tmp_path / '2.yml'} et 2 autres fichiers")


@pytest.mark.slow  # three builds of the fixture atlas: CI runs it
def test_a_save_during_the_first_build_is_built_after_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    # the first build of a national atlas takes a minute: a sheet saved meanwhile, after the build read it, is
    # told by the watcher, which must be following the folders by then
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    project = Project.at(territories=sheets, content=ROOT / "content", docs_dir=docs,
                         site_dir=tmp_path / "out" / "site")
    told: list[Callable[[set[Path]], None]] = []
    builds: list[bool] = []
    real_build = watch.build_once

    def following(folders: list[Path], tell: Callable[[set[Path]], None], **also: Any) -> _Observer:
        told.append(tell)
        return _Observer()

    def build(args: argparse.Namespace, kept: KeptInMemory, first: bool = False) -> bool:
        builds.append(real_build(args, kept, first))
        if len(builds) == 1:  # the first build read the sheet; it is saved before the build ends
            _edit(sheets / HUB, HUB_NAME, f"{HUB_NAME}-Centre")
            if not told:  # nobody follows the saves yet: the watch would wait for ever
                raise KeyboardInterrupt
            told[0]({sheets / HUB})
        else:
            raise KeyboardInterrupt  # Ctrl+C once the save is built
        return builds[-1]

    monkeypatch.setattr(watch, "watch_files", following)
    monkeypatch.setattr(watch, "build_once", build)
    with pytest.raises(KeyboardInterrupt):
        build_run(project, BuildOptions(jobs=1, watch=True))
    assert builds == [True, True]
    assert "Fablab de Besançon-Centre" in (docs / "hubs" / "fablab-besancon.md").read_text(encoding="utf-8")
    _same_as_cold(sheets, docs, tmp_path, "cold", capsys)


@pytest.mark.slow  # three builds of the fixture atlas: CI runs it
def test_a_full_disk_is_said_and_the_next_save_builds_as_a_cold_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    args, kept = _args(sheets, tmp_path / "out"), _kept(tmp_path / "out" / "docs")
    assert _watched_build(args, kept)

    real_write = build.write_tree

    def full(outs: Any, folder: Path, **options: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device", str(folder / "hubs" / "fablab-besancon.md"))

    monkeypatch.setattr(build, "write_tree", full)
    _edit(sheets / HUB, HUB_NAME, f"{HUB_NAME}-Centre")
    capsys.readouterr()
    assert not _watched_build(args, kept, sheets / HUB)
    said = capsys.readouterr().err
    assert "plus de place sur le disque" in said and "Traceback" not in said
    assert "corrigez les fiches" not in said  # the sheets are right: the advice is the disk's

    # space freed, another save: the pages the failed build had made are made again
    monkeypatch.setattr(build, "write_tree", real_write)
    _edit(sheets / OTHER_HUB, "name: ", "name: L'")
    assert _watched_build(args, kept, sheets / OTHER_HUB)
    _same_as_cold(sheets, docs, tmp_path, "cold", capsys)


@pytest.mark.slow  # three builds of the fixture atlas: CI runs it
def test_mkdocs_yml_broken_while_watching_is_said_in_french(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    config = tmp_path / "mkdocs.yml"
    shutil.copy(ROOT / "mkdocs.yml", config)
    good = config.read_text(encoding="utf-8")
    project = Project.at(territories=sheets, content=ROOT / "content", config_file=config, docs_dir=docs,
                         site_dir=tmp_path / "out" / "site")

    def broken() -> set[Path]:
        config.write_text("nav: [", encoding="utf-8")
        _edit(sheets / HUB, HUB_NAME, f"{HUB_NAME}-Centre")
        return {sheets / HUB}

    def mended() -> set[Path]:
        config.write_text(good, encoding="utf-8")
        return {sheets / HUB}

    _saves_then_stop(monkeypatch, broken, mended)
    with pytest.raises(KeyboardInterrupt):
        build_run(project, BuildOptions(jobs=1, watch=True))
    said = capsys.readouterr().err
    assert (f"atlas build: {config}:1:6 : YAML invalide : la liste ouverte ici par '[' n'est jamais fermée (piste : "
            "fermez-la par ']' sur la même ligne : nav: [])") in said and "cannot read" not in said
    assert "Fablab de Besançon-Centre" in (docs / "hubs" / "fablab-besancon.md").read_text(encoding="utf-8")


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


def test_a_build_refused_by_a_watch_is_told_to_stop_it_not_to_wait(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """The watch holds its docs folder's lock for its life: another build there cannot wait for its end."""
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    lock = FolderLock(docs, watching=True).acquire()
    try:
        assert main(["build", "--no-site", "--territories", str(sheets), "--docs-dir", str(docs)]) == 1
        said = capsys.readouterr().err
        assert main(["--lang", "en", "build", "--no-site", "--territories", str(sheets), "--docs-dir", str(docs)]) == 1
        said_en = capsys.readouterr().err
    finally:
        lock.release()
    assert said.strip() == (f"atlas build: atlas build --watch (processus {os.getpid()}) reconstruit {docs} à chaque "
                            "enregistrement ; arrêtez-le (Ctrl+C dans son terminal) ou construisez un autre dossier "
                            "docs avec --docs-dir DIR")
    assert said_en.strip() == (f"atlas build: atlas build --watch (process {os.getpid()}) is building {docs} at "
                               "each save; stop it (Ctrl+C in its terminal) or build another docs folder with "
                               "--docs-dir DIR")


def _told_within(told: queue.Queue[set[Path]], seconds: float) -> set[Path]:
    """The files the watcher told within `seconds` (it tells DEBOUNCE_SECONDS after the last event)."""
    files: set[Path] = set()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            files |= told.get(timeout=0.1)
        except queue.Empty:
            if files:
                return files
    return files


def test_the_watcher_follows_one_file_of_a_folder_and_leaves_out_the_docs_folder(tmp_path: Path) -> None:
    """mkdocs.yml is followed alone (its folder, a repository's root, is not followed as a whole; an editor saves
    it as a temporary file renamed to it); the docs folder inside a followed folder is not told."""
    from generator.watcher import watch_files

    root, content = tmp_path / "repo", tmp_path / "repo" / "content"
    (content / "docs").mkdir(parents=True)
    config = root / "mkdocs.yml"
    config.write_text("site_name: Atlas\n", encoding="utf-8")
    told: queue.Queue[set[Path]] = queue.Queue()
    observer = watch_files([content], told.put, files=[config], ignored=[content / "docs"])
    try:
        (root / "README.md").write_text("autre fichier\n", encoding="utf-8")  # beside mkdocs.yml
        (content / "docs" / "index.md").write_text("écrit par la construction\n", encoding="utf-8")
        assert _told_within(told, 1.5) == set()
        (content / "page.md").write_text("page\n", encoding="utf-8")
        assert _told_within(told, 5) == {content / "page.md"}
        temporary = root / "mkdocs.yml.new"
        temporary.write_text("site_name: Atlas de demain\n", encoding="utf-8")
        temporary.replace(config)
        assert _told_within(told, 5) == {config}
        config.write_text("site_name: Atlas\n", encoding="utf-8")
        assert _told_within(told, 5) == {config}
    finally:
        observer.stop()


@pytest.mark.slow  # two builds of the fixture atlas: CI runs it
def test_a_save_of_mkdocs_yml_alone_builds_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    config = tmp_path / "mkdocs.yml"
    shutil.copy(ROOT / "mkdocs.yml", config)
    project = Project.at(territories=sheets, content=ROOT / "content", config_file=config, docs_dir=docs,
                         site_dir=tmp_path / "out" / "site")
    real_next_saves = watch._next_saves
    saved: list[set[Path]] = []

    def next_saves(saves: queue.Queue[set[Path]], stopping: watch.Stopping) -> set[Path]:
        if saved:
            raise KeyboardInterrupt  # Ctrl+C once the save is built
        _edit(config, "# repo_url: https://git.example/owner/atlas", "repo_url: https://git.example/owner/atlas")
        deadline = threading.Timer(30, stopping.set)  # told by the real watcher, or Ctrl+C
        deadline.start()
        try:
            saved.append(real_next_saves(saves, stopping))
        finally:
            deadline.cancel()
        return saved[-1]

    monkeypatch.setattr(watch, "_next_saves", next_saves)
    with pytest.raises(KeyboardInterrupt):
        build_run(project, BuildOptions(jobs=1, watch=True))
    assert saved == [{config}]
    assert "https://git.example/owner/atlas" in (docs / "hubs" / "incubateur-ferme.md").read_text(encoding="utf-8")


@pytest.mark.slow  # three builds of the fixture atlas: CI runs it
def test_mkdocs_yml_saved_after_the_build_read_it_is_built_by_the_next(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """mkdocs.yml saved while a build runs, after it read the settings and before it took the file's state: the
    build's stamp held the new state for pages made from the old settings, and the build of that save found
    « rien n'a changé » (no edit link on any page until another save)."""
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    config = tmp_path / "mkdocs.yml"
    shutil.copy(ROOT / "mkdocs.yml", config)
    project = Project.at(territories=sheets, content=ROOT / "content", config_file=config, docs_dir=docs,
                         site_dir=tmp_path / "out" / "site")
    args, kept = _args(sheets, tmp_path / "out"), _kept(docs)
    args.config, args.site_config_of = config, project.site_config  # as `atlas build --watch` gives them
    real_signature = build.inputs_signature

    def saved_meanwhile(*given: Any, **options: Any) -> str:
        _edit(config, "# repo_url: https://git.example/owner/atlas", "repo_url: https://git.example/owner/atlas")
        return real_signature(*given, **options)

    try:
        assert _watched_build(args, kept)
        _edit(sheets / HUB, HUB_NAME, f"{HUB_NAME}-Centre")
        with monkeypatch.context() as patch:
            patch.setattr(build, "inputs_signature", saved_meanwhile)
            assert _watched_build(args, kept, sheets / HUB)
        assert "https://git.example/owner/atlas" not in (docs / "hubs" / "incubateur-ferme.md").read_text(
            encoding="utf-8")  # made from the settings read before the save
        capsys.readouterr()
        assert _watched_build(args, kept, config)  # the save, told by the watcher
        assert "rien n'a changé" not in capsys.readouterr().err
        assert "https://git.example/owner/atlas" in (docs / "hubs" / "incubateur-ferme.md").read_text(encoding="utf-8")
    finally:
        assert kept.lock is not None
        kept.lock.release()


@pytest.mark.slow  # four builds of the fixture atlas and four cold ones: CI runs it
def test_moves_and_hand_edits_between_the_watch_s_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """What the watch keeps in memory between builds (the stamp it wrote, the pages' sources while the atlas's
    structure is the same, the docs files' states looked at once a build) is not trusted past a structure change
    or a hand edit in the docs folder: a hub's sheet moved to another territory and back, a page edited by hand
    then a sheet saved again unchanged, or another sheet edited. Each time, what a cold build gives."""
    from generator import file_states

    monkeypatch.setattr(file_states, "RACY_NS", -10**18)  # every state settled, as minutes after a `mv`
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    args, kept = _args(sheets, tmp_path / "out"), _kept(docs)
    old = sheets / "grand-besancon-metropole" / "hubs" / "living-lab-sante.yml"
    new = sheets / "ornans" / "hubs" / "living-lab-sante.yml"
    page = docs / "hubs" / "fablab-besancon.md"
    try:
        assert _watched_build(args, kept)
        new.parent.mkdir()
        old.rename(new)  # bytes unchanged, in another territory
        assert _watched_build(args, kept, old, new)
        _same_as_cold(sheets, docs, tmp_path, "cold-moved", capsys)

        page.write_text(page.read_text(encoding="utf-8") + "\nédité à la main\n", encoding="utf-8")
        os.utime(sheets / HUB)  # saved again, the same bytes
        assert _watched_build(args, kept, sheets / HUB)
        assert "édité à la main" not in page.read_text(encoding="utf-8")
        _same_as_cold(sheets, docs, tmp_path, "cold-hand", capsys)

        new.rename(old)
        assert _watched_build(args, kept, old, new)
        _same_as_cold(sheets, docs, tmp_path, "cold-back", capsys)

        page.write_text(page.read_text(encoding="utf-8") + "\nédité à la main\n", encoding="utf-8")
        _edit(sheets / OTHER_HUB, "updated: 2024-11-30", "updated: 2024-12-01")
        assert _watched_build(args, kept, sheets / OTHER_HUB)
        assert "édité à la main" not in page.read_text(encoding="utf-8")
        _same_as_cold(sheets, docs, tmp_path, "cold-other", capsys)
    finally:
        assert kept.lock is not None
        kept.lock.release()


@pytest.mark.slow  # nine builds of the fixture atlas in one process and five cold ones: CI runs it
def test_the_kept_specs_stay_in_memory_and_each_build_gives_what_a_cold_build_gives(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The pictures' kept specs are read from disk by the watch's first build only; each later build brings them
    up to its atlas in memory (an edit, a save with errors and its mend, a hub moved, a picture's group gone),
    or reads them again when their save failed or what every spec reads changed, and gives, byte for byte, what
    a cold build gives."""
    from generator.pictures.kept import SpecBook

    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    args, kept = _args(sheets, tmp_path / "out"), _kept(tmp_path / "out" / "docs")
    assert _watched_build(args, kept)
    book = kept.specs
    assert book is not None and book.saved
    read: list[Path] = []
    real_read = SpecBook._read
    monkeypatch.setattr(SpecBook, "_read", lambda self: read.append(self.where) or real_read(self))

    def watched(*changed: Path) -> bool:
        before = len(read)
        done = _watched_build(args, kept, *changed)
        assert kept.specs is book and book.saved and len(read) == before  # nothing read back from disk
        return done

    _edit(sheets / HUB, HUB_NAME, f"{HUB_NAME}-Centre")
    assert watched(sheets / HUB)
    assert book.made == {} and "territory/grand-besancon-metropole/locator" in book.groups  # made again, kept
    _same_as_cold(sheets, docs, tmp_path, "cold-renamed", capsys)

    _edit(sheets / HUB, f"{HUB_NAME}-Centre", "name:\n  - une liste")  # the build stops before its pictures
    assert not watched(sheets / HUB)
    _edit(sheets / HUB, "name:\n  - une liste", f"{HUB_NAME} (atelier)")
    assert watched(sheets / HUB)
    _same_as_cold(sheets, docs, tmp_path, "cold-mended", capsys)

    # their save on disk fails after a build (a full disk): said; the next build reads them from disk
    real_save = SpecBook.save

    def full(self: SpecBook, wanted: set[str] | None = None) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(self.index_path))

    monkeypatch.setattr(SpecBook, "save", full)
    _edit(sheets / HUB, f"{HUB_NAME} (atelier)", f"{HUB_NAME} (fab lab)")
    capsys.readouterr()
    assert _watched_build(args, kept, sheets / HUB)
    assert "plus de place sur le disque" in capsys.readouterr().err and not book.saved
    monkeypatch.setattr(SpecBook, "save", real_save)
    _edit(sheets / HUB, f"{HUB_NAME} (fab lab)", f"{HUB_NAME} (atelier)")
    count = len(read)
    assert _watched_build(args, kept, sheets / HUB)
    assert len(read) == count + 1 and kept.specs is not book and kept.specs is not None and kept.specs.saved
    book = kept.specs
    _same_as_cold(sheets, docs, tmp_path, "cold-saved-again", capsys)

    # the only hub of a territory whose scores do not count it moved to another: its territory's charts go
    alone, moved = sheets / "pays-horloger" / "hubs" / "tiers-lieu-projet.yml", sheets / "doubs" / "hubs" / "t.yml"
    alone.rename(moved)
    assert watched(alone, moved)
    assert "territory/pays-horloger/hubs-by-type" not in book.groups
    _same_as_cold(sheets, docs, tmp_path, "cold-moved", capsys)

    # a hub moved where the scores count it: what every spec may read changed, every spec is made again
    (sheets / HUB).rename(sheets / "doubs" / "hubs" / "fablab-besancon.yml")
    assert _watched_build(args, kept, sheets / HUB, sheets / "doubs" / "hubs" / "fablab-besancon.yml")
    assert kept.specs is not book and kept.specs is not None and kept.specs.saved
    _same_as_cold(sheets, docs, tmp_path, "cold-scored", capsys)


def test_the_watch_builds_after_the_first_without_the_cyclic_collector_which_drawing_turns_on(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.collector import PYTHON_THRESHOLDS, collecting

    seen: list[tuple[bool, bool]] = []

    def fake_build(args: argparse.Namespace, kept: KeptInMemory) -> None:
        with collecting(PYTHON_THRESHOLDS):  # as matplotlib's figures are drawn (generator.pictures.mpl.style)
            drawing = gc.isenabled()
        seen.append((gc.isenabled(), drawing))

    monkeypatch.setattr(watch, "run_build", fake_build)
    args, kept = argparse.Namespace(), KeptInMemory()
    assert gc.isenabled()
    assert build_once(args, kept, first=True)
    settle(kept)
    assert build_once(args, kept)
    assert not gc.isenabled()  # until settle has collected what the build left
    settle(kept)
    assert seen == [(True, True), (False, True)]  # the edits' builds paused, the drawing collecting
    assert gc.isenabled()


def test_the_watch_says_once_that_the_generators_code_was_saved_since_it_started(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A developer's save of a module during the watch: the process runs the code it imported (its pages keep
    that code's key: test_page_code), and says so, once for each new set of files saved."""
    import generator.page_code as page_code

    sheets, _docs = _fixture_copy(tmp_path, monkeypatch)
    args, kept = _args(sheets, tmp_path / "out"), _kept(tmp_path / "out" / "docs")
    saved: list[str] = []
    monkeypatch.setattr(page_code, "code_changed_since_start", lambda: list(saved))
    assert _watched_build(args, kept)
    saved.append("generator/pages.py")
    lines = []
    for more in ((), (), ("generator/site.py",)):
        saved.extend(more)
        capsys.readouterr()
        assert _watched_build(args, kept)
        lines.append([line for line in capsys.readouterr().err.splitlines() if "code du générateur" in line])
    assert lines == [
        ["le code du générateur a été enregistré depuis le début de la surveillance (generator/pages.py) : la "
         "surveillance construit avec le code de son départ ; arrêtez-la (Ctrl+C) et relancez-la pour construire "
         "avec le nouveau code"],
        [],
        ["le code du générateur a été enregistré depuis le début de la surveillance (generator/pages.py, "
         "generator/site.py) : la surveillance construit avec le code de son départ ; arrêtez-la (Ctrl+C) et "
         "relancez-la pour construire avec le nouveau code"]]


def test_the_preview_says_once_that_the_generators_code_was_saved_since_it_started(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`atlas serve` lives on as the watch does: the same words, for the preview, once for each new set of files."""
    import generator.page_code as page_code
    import generator.serve as serve
    from generator.site import read_site_config

    sheets, _docs = _fixture_copy(tmp_path, monkeypatch)
    said: list[str] = []
    regen = serve.Regenerator(sheets, tmp_path / "docs", ROOT / "content", read_site_config(), said.append)
    assert regen.run()
    saved: list[str] = []
    monkeypatch.setattr(page_code, "code_changed_since_start", lambda: list(saved))
    for more in ((), ("generator/pages.py",), ()):
        saved.extend(more)
        _edit(sheets / HUB, HUB_NAME, f"{HUB_NAME} ({len(said)})")
        regen.run_saved([sheets / HUB])
    assert [line for line in said if "code du générateur" in line] == [
        "le code du générateur a été enregistré depuis le lancement de l'aperçu (generator/pages.py) : l'aperçu "
        "construit avec le code de son lancement ; arrêtez-le (Ctrl+C) et relancez-le pour construire avec le "
        "nouveau code"]


def _states(docs: Path) -> dict[str, tuple[int, int]]:
    return {file.relative_to(docs).as_posix(): (file.stat().st_size, file.stat().st_mtime_ns)
            for file in docs.rglob("*") if file.is_file()}


def test_the_watcher_looks_every_second_when_the_kernel_follows_no_more_folders(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A user's inotify watches all in use (8,192 on older systems, below what the national atlas needs) once
    stopped `atlas serve` and `atlas build --watch` with watchdog's traceback: the saves are now looked for every
    second, and the contributor is told why and how to raise the limit."""
    import watchdog.observers
    from watchdog.observers.polling import PollingObserver

    from generator.watcher import watch_files

    class Refusing(watchdog.observers.Observer):  # type: ignore[misc,valid-type]
        def start(self) -> None:
            raise OSError(errno.ENOSPC, "inotify watch limit reached")

    monkeypatch.setattr(watchdog.observers, "Observer", Refusing)
    content = tmp_path / "content"
    content.mkdir()
    told: queue.Queue[set[Path]] = queue.Queue()
    said: list[str] = []
    with i18n.using("fr"):
        observer = watch_files([content], told.put, say=said.append)
    try:
        assert isinstance(observer, PollingObserver)
        assert len(said) == 1 and said[0].startswith(
            "le système ne suit plus d'autre dossier pour cet utilisateur (fs.inotify.max_user_watches = ")
        assert said[0].endswith(" : les enregistrements sont cherchés chaque seconde à la place, un peu plus tard ; "
                                "pour l'éviter, relevez la limite (sudo sysctl fs.inotify.max_user_watches=524288) "
                                "et relancez")
        (content / "page.md").write_text("page\n", encoding="utf-8")
        assert _told_within(told, 5) == {content / "page.md"}
    finally:
        observer.stop()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify: Linux only")
def test_the_watch_says_once_that_it_cannot_follow_its_folders_and_builds_as_before(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """When the kernel refuses the followers' watches (the user's inotify limit), the watch says so once, stops
    trying (each try walks both folders), and each build looks at every file, as a watch without followers."""
    from generator import folder_changes

    tries: list[Path] = []

    def refused(folder: Path, states: Any) -> None:
        tries.append(folder)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(folder_changes.FolderChanges, "follow", staticmethod(refused))
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    args, kept = _args(sheets, tmp_path / "out"), _kept(docs)
    page = docs / "hubs" / "incubateur-ferme.md"
    try:
        assert _watched_build(args, kept)
        assert kept.follow_refused and kept.docs_changes is None and kept.sheets_changes is None
        assert capsys.readouterr().err.count("sudo sysctl fs.inotify.max_user_watches=") == 1
        page.write_text(page.read_text(encoding="utf-8") + "\nédité à la main\n", encoding="utf-8")
        _edit(sheets / HUB, HUB_NAME, HUB_NAME + " (essai)")
        assert _watched_build(args, kept, sheets / HUB)
        assert "fs.inotify" not in capsys.readouterr().err and len(tries) == 1
        assert "édité à la main" not in page.read_text(encoding="utf-8")  # every file looked at
        assert "Fablab de Besançon (essai)" in (docs / "hubs" / "fablab-besancon.md").read_text(encoding="utf-8")
        _same_as_cold(sheets, docs, tmp_path, "cold", capsys)
    finally:
        assert kept.lock is not None
        kept.lock.release()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify: Linux only")
def test_the_watch_looks_only_at_the_docs_files_touched_since_its_last_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """From its first build on, the watch follows the docs folder (generator.folder_changes): a build after a save
    looks at the files touched since the last one (its own writes, a hand edit), not at all of them, and a page
    edited by hand is still written back; the docs folder is what a cold build gives."""
    from generator import outputs
    from generator.outputs import MANIFEST

    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    args, kept = _args(sheets, tmp_path / "out"), _kept(docs)
    page = docs / "hubs" / "incubateur-ferme.md"
    looked: list[str] = []
    real = outputs.lstat_all

    def spy(base: str, paths: list[str]) -> dict[str, os.stat_result | None]:
        looked.extend(paths)
        return real(base, paths)

    try:
        assert _watched_build(args, kept)
        assert kept.docs_changes is not None and not kept.docs_changes.lost
        files = len((docs / MANIFEST).read_text(encoding="utf-8").splitlines())
        page.write_text(page.read_text(encoding="utf-8") + "\nédité à la main\n", encoding="utf-8")
        monkeypatch.setattr(outputs, "lstat_all", spy)
        before = _states(docs)
        _edit(sheets / HUB, HUB_NAME, HUB_NAME + " (essai)")
        assert _watched_build(args, kept, sheets / HUB)
        assert looked == ["hubs/incubateur-ferme.md"]  # the hand edit; the rest as the first build left it
        assert "édité à la main" not in page.read_text(encoding="utf-8")
        after = _states(docs)
        written = {path for path, state in after.items() if before.get(path) != state}
        assert "hubs/incubateur-ferme.md" in written and len(written) < files / 2
        looked.clear()
        _edit(sheets / HUB, HUB_NAME + " (essai)", HUB_NAME)
        assert _watched_build(args, kept, sheets / HUB)
        assert set(looked) == written  # the files the last build wrote, which it found as it left them
        monkeypatch.setattr(outputs, "lstat_all", real)
        _same_as_cold(sheets, docs, tmp_path, "cold", capsys)
    finally:
        assert kept.lock is not None
        kept.lock.release()
        if kept.docs_changes is not None:
            kept.docs_changes.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify: Linux only")
def test_the_watch_walks_the_sheets_folder_only_when_a_save_changes_what_it_holds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """From its first build on, the watch follows the sheets folder too: a sheet saved is read anew without the
    folder being walked again (the last listing taken again, `sheets.Tree.again`), and what a walk would find
    otherwise (a stray file, one removed, an editor's hidden file left out) is found by a walk."""
    import inspect

    from generator import sheets as sheets_module

    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    args, kept = _args(sheets, tmp_path / "out"), _kept(docs)
    walks: list[str] = []
    real = sheets_module.find_sheets

    def spy(root: Path) -> Any:
        walks.append(inspect.stack()[1].function)
        return real(root)

    monkeypatch.setattr(sheets_module, "find_sheets", spy)
    stray = sheets / "doubs" / "hubs" / "notes.txt"
    try:
        assert _watched_build(args, kept)
        assert kept.sheets_changes is not None and not kept.sheets_changes.lost
        walks.clear()
        _edit(sheets / HUB, HUB_NAME, HUB_NAME + " (essai)")
        (sheets / "doubs" / "hubs" / ".incubateur-ferme.yml.swp").write_bytes(b"swap")  # left out by a walk
        assert _watched_build(args, kept, sheets / HUB)
        assert "_sheets_listing" not in walks
        assert "Fablab de Besançon (essai)" in (docs / "hubs" / "fablab-besancon.md").read_text(encoding="utf-8")
        capsys.readouterr()
        stray.write_text("à trier\n", encoding="utf-8")
        assert not _watched_build(args, kept, stray)
        assert walks.count("_sheets_listing") == 1 and "notes.txt" in capsys.readouterr().err
        stray.unlink()
        _edit(sheets / HUB, HUB_NAME + " (essai)", HUB_NAME)
        assert _watched_build(args, kept, stray, sheets / HUB)
        assert walks.count("_sheets_listing") == 2
        _same_as_cold(sheets, docs, tmp_path, "cold", capsys)
    finally:
        assert kept.lock is not None
        kept.lock.release()
        for follower in (kept.docs_changes, kept.sheets_changes):
            if follower is not None:
                follower.close()
