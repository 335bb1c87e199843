"""Output folders can't swallow what they are built from, and the Zensical engine builds the same docs."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURE_ATLAS
from generator import i18n
from generator.commands.build import Options as BuildOptions
from generator.commands.build import run as build_run
from generator.errors import AtlasError
from generator.project import Project


def _args(territories: Path, docs: Path, site: Path, content: Path, **options) -> tuple[Project, BuildOptions]:
    """The project and options of a quiet one-worker build (the engine API, as `atlas build` calls it)."""
    return (Project.at(territories=territories, content=content, docs_dir=docs, site_dir=site),
            BuildOptions(**{"jobs": 1, "quiet": True, **options}))


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")
    shutil.copytree(FIXTURE_ATLAS, tmp_path / "territories")
    content = tmp_path / "content"
    content.mkdir()
    (content / "index.md").write_text("# Atlas\n\nIntroduction.\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("site", ["territories", "content", ".", "territories/doubs", "notes"])
def test_site_dir_that_would_overwrite_other_files_is_refused(tree: Path, site: str) -> None:
    (tree / "notes").mkdir()
    (tree / "notes" / "mine.txt").write_text("not a site", encoding="utf-8")
    before = sorted(p.relative_to(tree) for p in tree.rglob("*"))
    with pytest.raises(AtlasError) as error:
        build_run(*_args(tree / "territories", tree / "build" / "docs", tree / site, tree / "content"))
    assert "--site-dir" in str(error.value)
    assert sorted(p.relative_to(tree) for p in tree.rglob("*")) == before  # nothing written, nothing lost


def test_docs_dir_inside_the_sheets_is_refused(tree: Path) -> None:
    docs = tree / "territories" / "docs"
    with pytest.raises(AtlasError) as caught:
        build_run(*_args(tree / "territories", docs, tree / "site", tree / "content"))
    sheets = (tree / "territories").resolve()
    assert str(caught.value) == (f"--docs-dir {docs.resolve()} écraserait le dossier des fiches ({sheets}) ; "
                                 "choisissez un dossier à part")
    with i18n.using("en"), pytest.raises(AtlasError) as caught:
        build_run(*_args(tree / "territories", docs, tree / "site", tree / "content"))
    assert str(caught.value) == (f"--docs-dir {docs.resolve()} would overwrite the sheets folder ({sheets}); "
                                 "choose a folder of its own")


def test_a_built_site_is_replaced_and_marked(tree: Path) -> None:
    args = _args(tree / "territories", tree / "build" / "docs", tree / "out" / "site", tree / "content", no_site=False)
    assert build_run(*args) == 0
    assert (tree / "out" / "site" / ".atlas-site").is_file()
    assert build_run(*args) == 0  # the second build replaces the first: allowed, it is a site


@pytest.mark.skipif(shutil.which("zensical") is None, reason="Zensical not installed (pip install zensical)")
def test_zensical_builds_the_same_generated_docs(tree: Path) -> None:
    site = tree / "elsewhere" / "zsite"
    assert build_run(*_args(tree / "territories", tree / "build" / "docs", site, tree / "content",
                           engine="zensical")) == 0
    page = (site / "territoires" / "grand-besancon-metropole" / "index.html").read_text(encoding="utf-8")
    assert "Grand Besançon Métropole" in page and '<html lang="fr"' in page
    assert not list((tree / "build").glob(".atlas-zensical-*"))  # its scratch files are gone


@pytest.mark.parametrize("path", ["", "/abs.md", "a/../b.md", "./a.md", "a//b.md", "a/", "a\\b.md", "a\x00.md",
                                  "x/" + "é" * 101 + ".md"])
def test_an_output_path_that_is_not_plain_and_relative_is_refused(path: str) -> None:
    from generator.outputs import Output

    with pytest.raises(AtlasError, match=f"écriture de {re.escape(repr(path))} refusée : "):
        Output(path, b"x")
    with i18n.using("en"), pytest.raises(AtlasError, match=f"refusing to write {re.escape(repr(path))}: "):
        Output(path, b"x")


def test_write_tree_follows_a_folder_link_only_inside_the_folder(tmp_path: Path) -> None:
    """Each folder is checked once, from the top: a link to a folder inside is written through, a link
    out of the folder (at any depth) is refused before anything is written there."""
    from generator.outputs import Output, write_tree

    docs, outside = tmp_path / "docs", tmp_path / "outside"
    (docs / "real").mkdir(parents=True)
    outside.mkdir()
    (docs / "inner").symlink_to(docs / "real", target_is_directory=True)
    stats = write_tree([Output("inner/deep/a.md", b"A"), Output("b/c/d.md", b"D")], docs)
    assert stats.written == ["inner/deep/a.md", "b/c/d.md"]
    assert (docs / "real" / "deep" / "a.md").read_bytes() == b"A"
    (docs / "b" / "c" / "out").symlink_to(outside, target_is_directory=True)
    with pytest.raises(AtlasError, match="elle sortirait de"):
        write_tree([Output("b/c/out/x/y.md", b"x")], docs, prune=False)
    assert list(outside.iterdir()) == []


def test_lstat_all_finds_what_lstat_finds_folder_by_folder(tmp_path: Path) -> None:
    """write_tree looks files up from their opened folder: the same answers as os.lstat of each whole path,
    for files, links, missing files and folders, and files under a folder that is a link."""
    import os

    from generator.outputs import lstat_all

    docs = tmp_path / "docs"
    (docs / "a" / "b").mkdir(parents=True)
    (docs / "top.md").write_bytes(b"1")
    (docs / "a" / "b" / "deep.svg").write_bytes(b"22")
    (docs / "a" / "link.md").symlink_to(docs / "top.md")
    (docs / "via").symlink_to(docs / "a", target_is_directory=True)
    paths = ["top.md", "a/b/deep.svg", "a/link.md", "a/none.md", "none/x.md", "via/b/deep.svg", "top.md/x"]
    found = lstat_all(f"{docs}/", paths)
    assert set(found) == set(paths)
    for path in paths:
        try:
            expected = os.lstat(docs / path)
        except (FileNotFoundError, NotADirectoryError):
            assert found[path] is None, path
            continue
        got = found[path]
        assert got is not None and (got.st_ino, got.st_mode, got.st_size, got.st_mtime_ns) == \
            (expected.st_ino, expected.st_mode, expected.st_size, expected.st_mtime_ns), path


def test_the_progress_reporter_is_silent_off_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    """Logs and CI get the stage's summary lines, not a bar redrawn a thousand times."""
    from generator.outputs import Progress

    with Progress("pages", 3) as bar:
        bar.update(1, 3)
        bar.advance(2, "done")
    assert capsys.readouterr().err == ""


def test_the_sheet_copies_are_made_only_from_plain_files_inside_the_sheets_folder(tree: Path) -> None:
    """A sheet replaced after it was read by a link, or a folder of sheets replaced by a link (even to a
    folder inside the sheets folder), stops the copies with a message; plain files are copied as they are."""
    from generator.load import load_valid_atlas
    from generator.opendata import sheet_outputs

    sheets = tree / "territories"
    atlas = load_valid_atlas(sheets)
    copies = {out.path: out.data for out in sheet_outputs(atlas, sheets)}
    hub = sheets / "doubs" / "hubs" / "incubateur-ferme.yml"
    assert copies["donnees/fiches/doubs/hubs/incubateur-ferme.yml"] == hub.read_bytes()

    data = hub.read_bytes()
    (tree / "elsewhere.yml").write_bytes(data)
    hub.unlink()
    hub.symlink_to(tree / "elsewhere.yml")
    with pytest.raises(AtlasError, match="no longer a plain file"):
        sheet_outputs(atlas, sheets)
    hub.unlink()
    hub.write_bytes(data)

    folder = sheets / "doubs" / "hubs"
    (sheets / "moved-hubs").mkdir()
    folder.rename(sheets / "moved-hubs" / "hubs")
    folder.symlink_to(sheets / "moved-hubs" / "hubs", target_is_directory=True)
    with pytest.raises(AtlasError, match="no longer a plain file"):
        sheet_outputs(atlas, sheets)
