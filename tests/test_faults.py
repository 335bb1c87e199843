"""Issue 12: whatever happens to a build, no traceback, no orphan process, no leftover.

Disk full and read-only folders use a real small tmpfs where this process may mount one (root on
Linux, as in CI); elsewhere the same failure is raised in-process (and the engine's report of it
simulated), so the test still runs. Builds use the fixture atlas only.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import AS_OF, ROOT
from generator import i18n
from generator.commands.build import Options as BuildOptions
from generator.commands.build import run as build_run
from generator.errors import AtlasError, Location, Problem, Report
from generator.faults import FolderLock, worker_pool
from generator.load import load_atlas
from generator.project import Project

SOURCE_DATE_EPOCH = "1764115200"  # 2025-11-26, the conftest's AS_OF


# ---- helpers ---------------------------------------------------------------------------------

def _args(tree: Path, site: Path, docs: Path, **options) -> tuple[Project, BuildOptions]:
    """The project and options of a quiet one-worker build (the engine API, as `atlas build` calls it)."""
    return (Project.at(territories=tree, site_dir=site, docs_dir=docs),
            BuildOptions(**{"jobs": 1, "quiet": True, **options}))


@contextlib.contextmanager
def _tmpfs(path: Path, size: str, read_only: bool = False) -> Iterator[bool]:
    """Mount a tmpfs at `path`; yields False (nothing mounted) where this process may not mount."""
    path.mkdir(parents=True, exist_ok=True)
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or os.environ.get("ATLAS_TEST_NO_MOUNT"):
        yield False
        return
    options = f"size={size}" + (",ro" if read_only else "")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True)
    if done.returncode != 0:
        yield False
        return
    try:
        yield True
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def _fill(folder: Path, leave: int) -> None:
    """Fill the file system of `folder` but `leave` bytes."""
    stat = os.statvfs(folder)
    free = stat.f_bavail * stat.f_frsize
    with open(folder / "filler", "wb") as handle:
        with contextlib.suppress(OSError):
            handle.write(b"\0" * max(0, free - leave))


def _leftovers(folder: Path) -> list[str]:
    """Temporaries of a build anywhere under `folder`."""
    found = []
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            if ".atlas-building-" in name or ".atlas-pdf-" in name or name.endswith(".atlas-tmp") \
                    or name.endswith(".atlas-old") or ".building-" in name or name.endswith(".pdf.tmp"):
                found.append(os.path.join(root, name))
    return found


def _cmdline(pid: int) -> bytes:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    return b""


def _descendants(pid: int) -> set[int]:
    """Processes whose parent chain reaches `pid` (Linux /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    out: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - out
        out |= frontier
    return out


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        with contextlib.suppress(OSError):
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            if state != "Z":
                alive.add(pid)
    return alive


def _engines(pid: int) -> set[int]:
    """The live MkDocs processes under `pid`."""
    return {child for child in _alive(_descendants(pid)) if b"mkdocs" in _cmdline(child)}


@contextlib.contextmanager
def _frozen_while_the_engine_runs(build: subprocess.Popen, tmp_path: Path) -> Iterator[set[int]]:
    """Stop the build and its children (SIGSTOP) at a moment its engine is alive, and give the children.

    Polling alone raced: under load the small fixture's engine could end between the check and the
    signal, so the build finished with 0. Frozen, the build cannot finish before the test's signal;
    every process is continued on leaving, the build first, so a pending signal is handled at once.
    """
    while True:
        assert _wait_for(lambda: list(tmp_path.glob(".site.atlas-building-*/mkdocs.yml"))
                         and _engines(build.pid)), "the engine never ran"
        # the build first, so that it starts no child while its children are listed; then every descendant,
        # listed again until none is new (an engine started between a listing and the build's freeze ran on
        # unfrozen once, and wrote into the killed build's folder after the next build had removed it)
        os.kill(build.pid, signal.SIGSTOP)
        frozen = [build.pid]
        _wait_stopped(frozen)  # a stop lands a moment after the signal: a fork can end in between
        while new := [pid for pid in _descendants(build.pid) if pid not in frozen]:
            for pid in new:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGSTOP)
            frozen += new
            _wait_stopped(new)
        if _engines(build.pid):
            break
        for pid in frozen:  # the engine ended just before the freeze: let the build go on and wait again
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
    try:
        yield set(frozen[1:])
    finally:
        for pid in frozen:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)


def _wait_stopped(pids: list[int], seconds: float = 10.0) -> None:
    """Until each process is stopped (state T in /proc) or gone."""
    def running() -> bool:
        for pid in pids:
            with contextlib.suppress(OSError, IndexError):
                if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in ("T", "t", "Z", "X"):
                    return True
        return False
    deadline = time.monotonic() + seconds
    while running() and time.monotonic() < deadline:
        time.sleep(0.01)


def _wait_gone(pids: set[int], seconds: float = 10.0) -> set[int]:
    deadline = time.monotonic() + seconds
    while _alive(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return _alive(pids)


def _build_process(tree: Path, site: Path, docs: Path, cwd: Path) -> subprocess.Popen:
    env = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-m", "generator", "build", "--territories", str(tree),
                             "--site-dir", str(site), "--docs-dir", str(docs), "--jobs", "2"],
                            cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(predicate, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One built site of the fixture atlas, copied by the tests that need a previous site."""
    import shutil

    from conftest import FIXTURE_ATLAS
    base = tmp_path_factory.mktemp("built")
    shutil.copytree(FIXTURE_ATLAS, base / "territories")
    # the build date set for this build only: left in the environment, it made the tests that ran after it in
    # the same worker judge the shipped sheets' dates against 2025 (sources « accessed » in the future)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(base)
        patch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        assert build_run(*_args(base / "territories", base / "site", base / "build" / "docs")) == 0
    return base


def _copy_built(built: Path, to: Path) -> None:
    import shutil
    for name in ("territories", "site", "build", ".cache"):
        shutil.copytree(built / name, to / name, symlinks=True, dirs_exist_ok=True)


# ---- 1. file-system errors -------------------------------------------------------------------

def test_full_disk_under_the_site_keeps_the_previous_site(built: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import engine  # runs the site engine

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    _copy_built(built, tmp_path)
    disk = tmp_path / "disk"
    # room for the previous site (both editions, their search index: 8 MiB was no longer enough) and a little
    site_mib = sum(p.stat().st_size for p in (tmp_path / "site").rglob("*") if p.is_file()) // 2**20
    with _tmpfs(disk, f"{2 * site_mib + 8}m") as mounted:
        import shutil
        shutil.copytree(tmp_path / "site", disk / "site")
        before = (disk / "site" / "index.html").read_bytes()
        if mounted:
            _fill(disk, 300_000)  # room for the lock file, not for a new site
        else:  # the engine's own report of a full disk, as MkDocs prints it
            real = engine.subprocess.run
            monkeypatch.setattr(engine.subprocess, "run", lambda *a, **k: SimpleNamespace(
                returncode=1, stdout="", stderr="OSError: [Errno 28] No space left on device: 'x'"))
        with pytest.raises(AtlasError) as caught:
            build_run(*_args(tmp_path / "territories", disk / "site", tmp_path / "build" / "docs"))
        message = str(caught.value)
        assert "plus de place sur le disque" in message and str(disk) in message and "libérez de la place" in message
        assert (disk / "site" / "index.html").read_bytes() == before  # the previous site stays
        assert _leftovers(disk) == []
        if not mounted:
            monkeypatch.setattr(engine.subprocess, "run", real)


def test_full_disk_in_the_docs_folder_leaves_no_partial_file(tmp_path: Path, atlas_copy: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import outputs
    disk = tmp_path / "disk"
    with _tmpfs(disk, "2m") as mounted:
        if mounted:
            _fill(disk, 200_000)
        else:
            real = outputs.os.replace

            def full(src, dst, *a, **k):
                if str(dst).startswith(str(disk)):
                    raise OSError(errno.ENOSPC, "No space left on device", str(dst))
                return real(src, dst, *a, **k)
            monkeypatch.setattr(outputs.os, "replace", full)
        args = _args(atlas_copy, tmp_path / "site", disk / "docs", no_site=True)
        with pytest.raises(AtlasError, match="impossible d'écrire le dossier docs .*plus de place sur le disque"):
            build_run(*args)
        assert _leftovers(disk) == []


def test_full_picture_cache_is_one_message(tmp_path: Path, fixture_atlas, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import pictures

    disk = tmp_path / "disk"
    with _tmpfs(disk, "1m") as mounted:
        if mounted:
            _fill(disk, 4096)
        else:
            def full(path: Path, content: bytes) -> None:
                raise OSError(errno.ENOSPC, "No space left on device", str(path))
            monkeypatch.setattr(pictures.cache, "_write_atomic", full)
        with pytest.raises(AtlasError, match="impossible d'écrire le cache des images .*plus de place sur le disque"):
            pictures.draw_pictures(fixture_atlas, disk / "cache", keys=["territory/doubs/pillars"], jobs=1,
                                   progress=False)
        assert not [p for p in (disk / "cache").glob(".tmp-*")]


def test_full_pdf_folder_leaves_no_temporary(tmp_path: Path, fixture_atlas, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import outputs
    from generator.pdf import write_reports

    disk = tmp_path / "disk"
    with _tmpfs(disk, "1m") as mounted:
        (disk / "pdf").mkdir()
        if mounted:
            _fill(disk, 20_000)  # the scratch folder goes beside: fonts need more than that
            scratch = tmp_path / "scratch"
        else:
            real = outputs.os.fdopen

            def full(fd, *a, **k):
                handle = real(fd, *a, **k)
                handle.write = lambda data: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space left on device"))
                return handle
            monkeypatch.setattr(outputs.os, "fdopen", full)
            scratch = None
        with pytest.raises(AtlasError, match="plus de place sur le disque"):
            write_reports(fixture_atlas, disk / "pdf", ["ornans"], whole_atlas=False, jobs=1, pictures={},
                          scratch=scratch)
        assert _leftovers(disk) == [] and _leftovers(tmp_path) == []
        assert list((disk / "pdf").iterdir()) == []


def test_read_only_parent_of_the_site_is_one_message(tmp_path: Path, atlas_copy: Path, capsys: pytest.CaptureFixture,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import faults
    from generator.cli import main

    locked = tmp_path / "locked"
    with _tmpfs(locked, "1m", read_only=True) as mounted:
        if not mounted and os.geteuid() == 0:  # root ignores permissions: the file system's answer, in-process
            real_open = faults.os.open

            def read_only(path, *a, **k):
                if str(path).startswith(str(locked)):
                    raise OSError(errno.EROFS, "Read-only file system", str(path))
                return real_open(path, *a, **k)
            monkeypatch.setattr(faults.os, "open", read_only)
        elif not mounted:
            locked.chmod(0o555)
        try:
            code = main(["build", "--territories", str(atlas_copy), "--site-dir", str(locked / "site"),
                         "--docs-dir", str(tmp_path / "docs"), "--jobs", "1"])
        finally:
            locked.chmod(0o755) if not mounted else None
        err = capsys.readouterr().err
        assert code == 1
        assert "Traceback" not in err
        assert str(locked) in err and ("lecture seule" in err or "permission refusée" in err)
        assert _leftovers(tmp_path) == []


# ---- 2. one build at a time ------------------------------------------------------------------

def test_a_second_build_names_the_process_that_holds_the_folder(tmp_path: Path, atlas_copy: Path) -> None:
    site = tmp_path / "site"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; from generator.faults import FolderLock; "
         "FolderLock(Path(sys.argv[1])).acquire(); print('held', flush=True); time.sleep(60)", str(site)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(AtlasError) as caught:
            build_run(*_args(atlas_copy, site, tmp_path / "docs"))
        assert str(caught.value) == (f"une construction est déjà en cours dans {site} (processus {holder.pid}) ; "
                                     "attendez-la ou arrêtez-la")
        with i18n.using("en"), pytest.raises(AtlasError) as caught:
            build_run(*_args(atlas_copy, site, tmp_path / "docs"))
        assert str(caught.value) == (f"a build is already running in {site} (process {holder.pid}); "
                                     "wait for it or stop it")
    finally:
        holder.kill()
        holder.wait()
    assert build_run(*_args(atlas_copy, site, tmp_path / "docs")) == 0  # a dead holder blocks nothing


def test_two_builds_at_once_one_builds_the_other_says_why(tmp_path: Path, atlas_copy: Path) -> None:
    site, docs = tmp_path / "site", tmp_path / "build" / "docs"
    first = _build_process(atlas_copy, site, docs, tmp_path)
    lock = FolderLock(site)
    assert _wait_for(lambda: lock.path.is_file() and lock.holder() == str(first.pid))
    second = _build_process(atlas_copy, site, docs, tmp_path)
    out2, err2 = second.communicate(timeout=120)
    out1, err1 = first.communicate(timeout=120)
    assert first.returncode == 0, err1
    assert second.returncode == 1
    assert f"une construction est déjà en cours dans {site} (processus {first.pid})" in err2
    assert "Traceback" not in err1 + err2
    assert (site / "index.html").is_file() and _leftovers(tmp_path) == []


def test_serve_waits_for_a_build_of_its_docs_folder(tmp_path: Path, atlas_copy: Path) -> None:
    import threading

    from generator.serve import Regenerator
    from generator.site import ROOT as SITE_ROOT
    from generator.site import read_site_config

    docs = tmp_path / "docs"
    said: list[str] = []
    regen = Regenerator(atlas_copy, docs, SITE_ROOT / "content", read_site_config(), said.append)
    lock = FolderLock(docs).acquire()  # a build writing the docs folder
    done = threading.Event()
    worker = threading.Thread(target=lambda: (regen.run(), done.set()))
    worker.start()
    try:
        assert _wait_for(lambda: any("attente du processus" in s for s in said), 30)
        assert not done.is_set() and not (docs / "index.md").exists()
    finally:
        lock.release()
    worker.join(60)
    assert done.is_set() and (docs / "index.md").is_file()


# ---- 3. interruption -------------------------------------------------------------------------

def test_sigterm_stops_the_build_and_its_engine_and_keeps_the_previous_site(built: Path, tmp_path: Path) -> None:
    _copy_built(built, tmp_path)
    site, docs = tmp_path / "site", tmp_path / "build" / "docs"
    before = (site / "index.html").read_bytes()
    (tmp_path / "territories" / "ornans" / "territory.yml").open("a").write("# changed\n")
    build = _build_process(tmp_path / "territories", site, docs, tmp_path)
    # signal while the engine runs: its config is in the building folder and its process is alive
    # (a signal after the engine has finished may let the build complete, which is not this case)
    with _frozen_while_the_engine_runs(build, tmp_path) as children:
        build.send_signal(signal.SIGTERM)
    out, err = build.communicate(timeout=60)
    assert build.returncode == 130, err[-3000:]
    assert "interrompu : arrêt de la construction, fichiers temporaires supprimés ; le site précédent est " \
           "inchangé" in err and "Traceback" not in err
    assert _wait_gone(children) == set()
    assert (site / "index.html").read_bytes() == before
    assert _leftovers(tmp_path) == []


def test_after_a_sigkill_the_next_build_removes_the_leftovers(built: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture) -> None:
    _copy_built(built, tmp_path)
    site, docs = tmp_path / "site", tmp_path / "build" / "docs"
    (docs / ".index.md.abc.atlas-tmp").write_bytes(b"half")  # a docs file being written when killed
    build = _build_process(tmp_path / "territories", site, docs, tmp_path)
    with _frozen_while_the_engine_runs(build, tmp_path) as children:
        assert children, "the engine runs as a child"
        build.kill()
        build.wait()
    assert _wait_gone(children) == set()  # the engine died with its parent
    assert list(tmp_path.glob(".site.atlas-building-*"))  # what a killed build leaves
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    args = _args(tmp_path / "territories", site, docs, quiet=False)
    assert build_run(*args) == 0
    assert "d'une construction précédente interrompue supprimé" in capsys.readouterr().err
    assert _leftovers(tmp_path) == []


def test_workers_die_with_their_parent(tmp_path: Path) -> None:
    script = (
        "import os, sys, time\n"
        "from generator.faults import worker_pool\n"
        "with worker_pool(2) as pool:\n"
        "    print(*pool.map(os.getpid().__class__, [0, 0]), flush=True)\n"  # starts the workers
        "    futures = [pool.submit(time.sleep, 60) for _ in range(2)]\n"
        "    time.sleep(0.5)\n"
        "    print('ready', flush=True)\n"
        "    time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    parent.stdout.readline()
    assert parent.stdout.readline().strip() == "ready"
    workers = _descendants(parent.pid)
    assert len(workers) >= 2
    parent.kill()
    parent.wait()
    assert _wait_gone(workers) == set()


def test_an_error_in_a_pool_stops_its_workers_at_once() -> None:
    started = time.monotonic()
    with pytest.raises(ZeroDivisionError):
        with worker_pool(2) as pool:
            pool.submit(time.sleep, 30)
            pool.submit(divmod, 1, 0).result()
    assert time.monotonic() - started < 15  # not waiting for the 30 s task


# ---- 4. names and hints ----------------------------------------------------------------------

def _partners(atlas_copy: Path, partners: str) -> Path:
    path = atlas_copy / "grand-besancon-metropole" / "hubs" / "fablab-besancon.yml"
    text = path.read_text(encoding="utf-8").replace("partners: [living-lab-sante]", f"partners: {partners}")
    path.write_text(text, encoding="utf-8")
    return path


def _error_lines(atlas_copy: Path) -> list[str]:
    """The lines in English (--lang en): these tests are about which id a hint names, not the wording,
    which tests/test_validate_cases.py checks in both languages."""
    with i18n.using("en"):
        atlas, report = load_atlas(atlas_copy, as_of=AS_OF)
        assert atlas is None
        return [p.text() for p in report.errors]


def test_non_breaking_hyphens_hint_at_the_id_that_exists(atlas_copy: Path) -> None:
    _partners(atlas_copy, "[living\u2011lab\u2011sante]")
    [line] = _error_lines(atlas_copy)
    assert "(hint: did you mean 'living-lab-sante'?)" in line
    assert "U+2011 NON-BREAKING HYPHEN) looks like '-'" in line


def test_a_cyrillic_letter_hints_only_at_an_id_that_exists(atlas_copy: Path) -> None:
    _partners(atlas_copy, "[br\u0435st]")
    [line] = _error_lines(atlas_copy)
    assert "brst" not in line and "did you mean" not in line
    assert "U+0435 CYRILLIC SMALL LETTER IE) looks like 'e'" in line
    brest = atlas_copy / "doubs" / "hubs" / "brest.yml"
    brest.write_text("name: Brest\ntypes: [tiers-lieu]\nstatus: project\nupdated: 2025-01-05\n", encoding="utf-8")
    [line] = _error_lines(atlas_copy)
    assert "(hint: did you mean 'brest'?)" in line


def test_a_path_as_parent_hints_at_the_folder(atlas_copy: Path) -> None:
    path = atlas_copy / "doubs" / "territory.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "parent: bourgogne-franche-comte", "parent: bourgogne-franche-comte/territory.yml"), encoding="utf-8")
    [line] = _error_lines(atlas_copy)
    assert line.endswith("(hint: did you mean 'bourgogne-franche-comte'?)")


def test_a_null_partner_is_not_told_to_write_null(atlas_copy: Path) -> None:
    _partners(atlas_copy, "[null]")
    [line] = _error_lines(atlas_copy)
    assert "found nothing (hint: remove the empty item)" in line and '"null"' not in line


def test_a_failing_sheet_adds_no_error_to_its_partner(atlas_copy: Path) -> None:
    failing = atlas_copy / "grand-besancon-metropole" / "hubs" / "living-lab-sante.yml"
    failing.write_text("- not a map\n", encoding="utf-8")
    lines = _error_lines(atlas_copy)
    assert len(lines) == 1 and "living-lab-sante.yml:1:1: the top of a sheet must be a map" in lines[0]


def test_a_broken_vocabulary_adds_no_unknown_hub_type(atlas_copy: Path) -> None:
    path = atlas_copy / "vocabulary.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("label: Fab Lab", "label: Fab: Lab", 1),
                    encoding="utf-8")
    lines = _error_lines(atlas_copy)
    assert len(lines) == 1 and "vocabulary.yml" in lines[0] and "not valid YAML" in lines[0]


def test_a_newline_in_a_folder_name_stays_on_one_line(atlas_copy: Path) -> None:
    (atlas_copy / "bad\nname\u200b").mkdir()
    (atlas_copy / "bad\nname\u200b" / "territory.yml").write_text("name: X\n", encoding="utf-8")
    atlas, report = load_atlas(atlas_copy, as_of=AS_OF)
    text = report.format("text")
    assert len(text.splitlines()) == len(report.sorted())  # one line per problem
    assert "territories/bad\\nname\\u200b/territory.yml" in text
    for line in report.format("github").splitlines():
        assert line.startswith("::")
    assert any("file=territories/bad%0Aname" in line for line in report.format("github").splitlines())


def test_look_alike_characters_are_pointed_out() -> None:
    problem = Problem(Location("territories/\u212aelvin/territory.yml", 1, 1), "parent", "unknown territory 'x'")
    with i18n.using("en"):
        text = problem.text()
    assert "U+212A KELVIN SIGN) looks like 'K'" in text
    assert problem.text().endswith(" [caractères trompeurs : '\u212a' (U+212A KELVIN SIGN) ressemble à 'K']")
    github = Problem(Location("a,b:c\r\nd.yml", 2, 3), "f", "50% of\nit").github()
    assert github == "::error file=a%2Cb%3Ac%0D%0Ad.yml,line=2,col=3::f: 50%25 of\\nit"
    assert Report([problem]).format("text").count("\n") == 0


# ---- 6. large networks -----------------------------------------------------------------------

def test_network_of_600_hubs_needs_no_scipy(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.pictures.networks import network_layout

    monkeypatch.setitem(sys.modules, "scipy", None)  # importing scipy fails, as where it is not installed
    nodes = [f"lieu-{i}" for i in range(600)]
    edges = [[nodes[i], nodes[(i * 7 + 1) % 600]] for i in range(600)]
    positions = network_layout(nodes, edges)
    assert set(positions) == set(nodes)
    assert positions == network_layout(nodes, edges)  # seeded: the same picture every build
    xs = [x for x, _ in positions.values()]
    assert -1.0 <= min(xs) < -0.5 and 0.5 < max(xs) <= 1.0
    assert len(set(positions.values())) == 600  # no two hubs on one point


def test_a_file_that_cannot_be_read_while_writing_is_named_as_read(tmp_path: Path) -> None:
    """Inside `writing(folder)`, a failure about a file of that folder (or its temporaries beside it) is a writing
    error naming the folder; one about a file elsewhere, which was being read (a theme's file, a cached
    drawing), says that file could not be read — it used to say the docs folder could not be written."""
    from generator.faults import writing

    docs = tmp_path / "docs"
    theme_file = tmp_path / "theme" / "page.md.j2"
    with pytest.raises(AtlasError) as caught, writing(docs, "the docs folder"):
        open(theme_file, "rb")  # noqa: SIM115  (the failure is the point)
    assert str(caught.value) == (f"impossible de lire {theme_file} : fichier ou dossier introuvable ; vérifiez qu'il "
                                 "est bien là (un projet copié en partie ?). Rien n'est resté à moitié écrit : le site "
                                 "précédent est inchangé")
    for inside in (docs / "a" / "b.md", tmp_path / ".docs.atlas-tmp" / "x"):
        with pytest.raises(AtlasError) as caught, writing(docs, "the docs folder"):
            raise OSError(errno.ENOSPC, "No space left on device", str(inside))
        assert str(caught.value).startswith(f"impossible d'écrire le dossier docs {docs} : plus de place sur le disque")


def test_a_signal_inside_loggings_fork_callbacks_still_interrupts_the_build() -> None:
    """A SIGTERM handled while a worker pool forks runs inside logging's at-fork callbacks, where a raised
    exception is printed and lost: the build then went on and replaced the site (1 run in 8 under load).
    The handler notes it there instead, and the build's next check raises it (before the site is swapped)."""
    import types

    from generator import faults

    in_logging = types.SimpleNamespace(f_globals={"__name__": "logging"})
    reached = []
    with pytest.raises(faults.Interrupted) as stopped, faults.interruptible("the build"):
        faults._stop(signal.SIGTERM, in_logging)  # returns: nothing raised inside logging
        reached.append(True)
        faults.stop_if_asked()
    assert reached and stopped.value.exit_code == 130
    with faults.interruptible("the build"):
        faults.stop_if_asked()  # a new build: no interruption left over from the last one
