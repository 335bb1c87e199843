"""`atlas build --no-site` with nothing changed skips the generation (issue 11): the inputs' stamp."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from generator import load
from generator.build_stamp import stamp_path
from generator.commands.build import Options as BuildOptions
from generator.commands.build import run as build_run
from generator.project import Project

ROOT = Path(__file__).resolve().parent.parent
EPOCH = "1764115200"  # 2025-11-26


def _args(territories: Path, base: Path) -> tuple[Project, BuildOptions]:
    """The project and options of a quiet one-worker `atlas build --no-site` (the engine API)."""
    return (Project.at(territories=territories, content=ROOT / "content", docs_dir=base / "docs",
                       site_dir=base / "site"),
            BuildOptions(jobs=1, no_site=True, quiet=True))


def _refuse_loading(*args: object, **kwargs: object) -> None:
    raise AssertionError("the sheets were loaded although nothing changed")


def _built_fixture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, tuple[Project, BuildOptions], Path]:
    """The fixture atlas copied into `tmp_path` (the working folder, fixed build date) and built once:
    its sheets, the build's arguments and its docs folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    sheets = tmp_path / "territories"
    shutil.copytree(ROOT / "tests" / "fixtures" / "atlas", sheets)
    args = _args(sheets, tmp_path / "out")
    assert build_run(*args) == 0
    return sheets, args, tmp_path / "out" / "docs"


def test_nothing_changed_skips_and_any_change_regenerates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sheets, args, docs = _built_fixture(tmp_path, monkeypatch)
    stamp = stamp_path(docs).read_bytes()
    page = next(p for p in sorted(docs.rglob("*.md")) if p.name == "index.md")
    good = page.read_bytes()

    with monkeypatch.context() as patch:  # nothing changed: the sheets are not even loaded
        patch.setattr(load, "load_valid_atlas", _refuse_loading)
        assert build_run(*args) == 0
        # a generated file edited by hand: no skip, and the file is made again
        page.write_bytes(good + b"\nhand edit\n")
        with pytest.raises(AssertionError, match="nothing changed"):
            build_run(*args)
    assert build_run(*args) == 0
    assert page.read_bytes() == good

    # a sheet saved again with the same bytes (new modification time): no change; the stamp follows its time
    sheet = next(p for p in sorted(sheets.rglob("*.yml")) if "hubs" in p.parts)
    later = sheet.stat().st_mtime_ns + 5_000_000_000
    os.utime(sheet, ns=(later, later))
    with monkeypatch.context() as patch:
        patch.setattr(load, "load_valid_atlas", _refuse_loading)
        assert build_run(*args) == 0
    assert stamp_path(docs).read_bytes() != stamp
    stamp = stamp_path(docs).read_bytes()

    # its bytes changed (a space at the end, the same size as another edit would not be): generated again
    sheet.write_bytes(sheet.read_bytes() + b"\n")
    with monkeypatch.context() as patch:
        patch.setattr(load, "load_valid_atlas", _refuse_loading)
        with pytest.raises(AssertionError, match="nothing changed"):
            build_run(*args)
    assert build_run(*args) == 0
    assert stamp_path(docs).read_bytes() != stamp
    with monkeypatch.context() as patch:
        patch.setattr(load, "load_valid_atlas", _refuse_loading)
        assert build_run(*args) == 0

    # the same size, other bytes, the time set back as it was: read again all the same (its time differs
    # from the stamp's), generated again
    size, when = sheet.stat().st_size, sheet.stat().st_mtime_ns
    text = sheet.read_bytes()
    sheet.write_bytes(text[:-2] + (b"X\n" if text[-2:-1] != b"X" else b"Y\n"))
    os.utime(sheet, ns=(when + 1, when + 1))
    assert sheet.stat().st_size == size
    with monkeypatch.context() as patch:
        patch.setattr(load, "load_valid_atlas", _refuse_loading)
        with pytest.raises(AssertionError, match="nothing changed"):
            build_run(*args)


def test_write_tree_reports_the_state_the_stamp_reads(tmp_path: Path) -> None:
    """The stamp takes the files' sizes and times from `write_tree` instead of a second stat of each:
    they must be what `_docs_state` reads back (written, unchanged and the manifest alike)."""
    from generator.build_stamp import _docs_state
    from generator.outputs import Output, write_tree

    docs = tmp_path / "docs"
    first = write_tree([Output("a.md", b"A"), Output("sub/b.md", b"B")], docs)
    assert first.states == _docs_state(docs)
    again = write_tree([Output("a.md", b"A"), Output("sub/b.md", b"B2"), Output("c.md", b"C")], docs)
    assert again.unchanged == ["a.md"] and again.states == _docs_state(docs)
    assert write_tree([Output("c.md", b"C")], docs, partial=True).states is None


def test_a_sheet_saved_twice_in_one_tick_of_its_time_is_read_again(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A sheet hashed moments after it was written may be written again with the same size and time (one
    tick of the file system's clock): the stamp must not take its old hash for the new bytes."""
    import hashlib

    from generator.build_stamp import _sheets_state

    sheets = tmp_path / "territories"
    sheets.mkdir()
    sheet = sheets / "a.yaml"
    sheet.write_text("name: Avant\n", encoding="utf-8")
    first = os.stat(sheet)
    hashes: dict[str, list[object]] = {}
    _sheets_state(sheets, hashlib.sha256(), hashes)
    sheet.write_text("name: Apres\n", encoding="utf-8")  # the same size
    os.utime(sheet, ns=(first.st_atime_ns, first.st_mtime_ns))  # and the same time, as in one tick
    assert os.stat(sheet).st_size == first.st_size
    _sheets_state(sheets, hashlib.sha256(), hashes)
    (kept,) = hashes.values()
    assert kept[2] == hashlib.sha256(sheet.read_bytes()).hexdigest()

    # seconds later the same sheet is settled: its time is kept and it is not read again
    later = time.time_ns() + 10_000_000_000
    monkeypatch.setattr(time, "time_ns", lambda: later)
    _sheets_state(sheets, hashlib.sha256(), hashes)
    (kept,) = hashes.values()
    assert kept[1] == first.st_mtime_ns


def test_a_docs_folder_whose_writing_did_not_end_is_searched_for_half_written_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build removes the docs folder's stamp before it writes there and writes it again once done: a
    build killed meanwhile leaves no stamp, so the next one looks for its half-written files inside the
    folder (a finished writing leaves a stamp, and the next build need not walk the folder)."""
    from generator import build as build_module

    sheets, args, docs = _built_fixture(tmp_path, monkeypatch)
    assert stamp_path(docs).is_file()
    walked: list[bool] = []
    real = build_module.remove_leftovers
    monkeypatch.setattr(build_module, "remove_leftovers",
                        lambda folder, say, inside=False: walked.append(inside) or real(folder, say, inside))
    assert build_run(*args) == 0 and walked == [False]  # nothing changed, nothing to look for

    build_module.docs_being_written(docs)  # what a build does before writing; then it was killed
    leftover = docs / ".index.md.abc.atlas-tmp"
    leftover.write_bytes(b"half")
    assert build_run(*args) == 0 and walked[-1] is True
    assert not leftover.exists() and stamp_path(docs).is_file()


def test_a_stray_file_after_a_build_is_reported_not_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The signature counts what the walk of the sheets found out of place: a file dropped into the sheets folder
    after a build is not "nothing changed" but the loader's error, and once removed the build skips again."""
    from generator.errors import InvalidAtlas

    sheets, args, docs = _built_fixture(tmp_path, monkeypatch)
    stray = sheets / "notes.txt"
    stray.write_text("not a sheet\n", encoding="utf-8")
    with pytest.raises(InvalidAtlas) as caught:
        build_run(*args)
    assert [p for p in caught.value.report.errors if "notes.txt" in p.text()]
    stray.unlink()
    with monkeypatch.context() as patch:
        patch.setattr(load, "load_valid_atlas", _refuse_loading)
        assert build_run(*args) == 0


def test_installed_versions_are_those_importlib_metadata_gives() -> None:
    """The stamp reads the libraries' versions from their .dist-info folders' names: the same answers as
    importlib.metadata, spellings of a name included, and None for a package that is not installed."""
    from importlib import metadata

    from generator.build_stamp import STAMPED_PACKAGES
    from generator.versions import installed_versions

    names = (*STAMPED_PACKAGES, "PyYAML", "ruamel_yaml", "Jinja2", "no-such-package-atlas")
    found = installed_versions(names)
    assert list(found) == list(names)
    for name in names:
        try:
            expected: str | None = metadata.version(name)
        except metadata.PackageNotFoundError:
            expected = None
        assert found[name] == expected, name
    assert found["no-such-package-atlas"] is None and found["numpy"]


def test_midnight_regenerates_only_when_the_build_date_is_todays(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The inputs' signature holds the date facts are judged against (`load.build_date`), not the clock's: with
    SOURCE_DATE_EPOCH set, a build just after midnight skips like any other (this file's first test failed when the
    suite ran across midnight), and without it a new day regenerates (an old fact's age moved)."""
    import datetime as real

    from generator.build_stamp import inputs_signature

    class Tomorrow(real.date):
        @classmethod
        def today(cls) -> real.date:
            return real.date.today() + real.timedelta(days=1)

    sheets = tmp_path / "territories"
    shutil.copytree(ROOT / "tests" / "fixtures" / "atlas", sheets)

    def signature() -> str:
        return inputs_signature(sheets, ROOT / "content", ROOT / "mkdocs.yml", tmp_path / "docs", tmp_path / "site")

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    today = signature()
    with monkeypatch.context() as patch:
        patch.setattr(load, "date", Tomorrow)
        assert signature() == today
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    today = signature()
    with monkeypatch.context() as patch:
        patch.setattr(load, "date", Tomorrow)
        assert signature() != today
