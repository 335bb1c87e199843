"""The docs folder followed between the watch's builds (generator.folder_changes, issue 11, target 2): a file
touched by hand after the last build wrote it is looked at by the next write, the others are taken as that
build left them, and anything the follower cannot account for file by file makes the next write look at all."""

from __future__ import annotations

import os
import struct
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import outputs
from generator.folder_changes import IN_Q_OVERFLOW, FolderChanges
from generator.outputs import Output, write_tree

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify: Linux only")


def _written(folder: Path) -> tuple[list[Output], dict[str, list[int]]]:
    outs = [Output("index.md", b"# Accueil\n"), Output("hubs/a.md", b"# A\n"), Output("hubs/b.md", b"# B\n"),
            Output("territoires/doubs.md", b"# Doubs\n")]
    stats = write_tree(outs, folder)
    assert stats.states is not None
    return outs, stats.states


@pytest.fixture
def followed(tmp_path: Path) -> Iterator[tuple[Path, list[Output], FolderChanges]]:
    """A docs folder as a write left it, followed: (the folder, its outputs, the follower)."""
    docs = tmp_path / "docs"
    outs, states = _written(docs)
    follower = FolderChanges.follow(docs, states)
    assert follower is not None
    yield docs, outs, follower
    follower.close()


def _looked_at(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths `write_tree` looks at on disk from now on."""
    looked: list[str] = []
    real = outputs.lstat_all

    def spy(base: str, paths: list[str]) -> dict[str, os.stat_result | None]:
        looked.extend(paths)
        return real(base, paths)

    monkeypatch.setattr(outputs, "lstat_all", spy)
    return looked


def test_a_file_edited_by_hand_is_looked_at_and_the_others_are_not(
        followed: tuple[Path, list[Output], FolderChanges], monkeypatch: pytest.MonkeyPatch) -> None:
    docs, outs, follower = followed
    left = follower.left()
    assert left is not None and not left.touched  # nothing happened since the write
    (docs / "hubs" / "a.md").write_bytes(b"# A, edited by hand\n")
    left = follower.left()
    assert left is not None and left.touched == {"hubs/a.md"}
    looked = _looked_at(monkeypatch)
    stats = write_tree(outs, docs, left=left)
    assert looked == ["hubs/a.md"]  # one file looked at, not five
    assert stats.written == ["hubs/a.md"]  # and written back as the build makes it
    assert (docs / "hubs" / "a.md").read_bytes() == b"# A\n"
    follower.forget(stats.states)
    left = follower.left()  # the write's own events: its file looked at next time, found as written
    assert left is not None and left.touched == {"hubs/a.md"}


def test_a_file_changed_before_the_folder_was_followed_is_touched(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _outs, states = _written(docs)
    (docs / "territoires" / "doubs.md").write_bytes(b"# Doubs !\n")  # between the write and the follow
    (docs / "index.md").unlink()
    follower = FolderChanges.follow(docs, states)
    assert follower is not None
    try:
        left = follower.left()
        assert left is not None and left.touched == {"territoires/doubs.md", "index.md"}
    finally:
        follower.close()


def test_a_new_folder_s_files_are_touched(followed: tuple[Path, list[Output], FolderChanges]) -> None:
    docs, _outs, follower = followed
    (docs / "en" / "hubs").mkdir(parents=True)
    (docs / "en" / "hubs" / "a.md").write_bytes(b"# A\n")
    left = follower.left()
    assert left is not None and "en/hubs/a.md" in left.touched
    (docs / "en" / "hubs" / "c.md").write_bytes(b"# C\n")  # the new folder is followed too
    left = follower.left()
    assert left is not None and "en/hubs/c.md" in left.touched


def test_a_folder_removed_makes_the_next_write_look_at_every_file(
        followed: tuple[Path, list[Output], FolderChanges], monkeypatch: pytest.MonkeyPatch) -> None:
    docs, outs, follower = followed
    for file in (docs / "hubs").iterdir():
        file.unlink()
    (docs / "hubs").rmdir()  # which files went with it, no event of the folder says
    assert follower.left() is None and follower.lost
    looked = _looked_at(monkeypatch)
    stats = write_tree(outs, docs, left=follower.left())
    assert sorted(looked) == sorted(out.path for out in outs)
    assert sorted(stats.written) == ["hubs/a.md", "hubs/b.md"]


def test_the_kernel_s_queue_overflowing_makes_every_file_looked_at(
        followed: tuple[Path, list[Output], FolderChanges]) -> None:
    _docs, _outs, follower = followed
    follower._take(struct.pack("iIII", -1, IN_Q_OVERFLOW, 0, 0))  # what the kernel reads out when it dropped events
    assert follower.left() is None


def test_a_file_vouched_for_but_changed_in_its_record_is_a_kept_file_that_changed(
        followed: tuple[Path, list[Output], FolderChanges]) -> None:
    """A kept file (the page cache's word) whose state is not the one the last write left is made again, as when
    it is looked at: the follower's word and the page cache's must agree."""
    docs, _outs, follower = followed
    size, mtime_ns = follower.states["hubs/b.md"]
    kept = outputs.KeptFile("hubs/b.md", str(docs / "hubs" / "b.md"), (size, mtime_ns - 1))
    with pytest.raises(outputs.KeptFilesChanged):
        write_tree([Output("index.md", b"# Accueil\n"), kept], docs, left=follower.left())


def test_a_listing_is_taken_again_only_when_no_touched_path_changes_what_a_walk_finds(tmp_path: Path) -> None:
    """`sheets.Tree.again`: the watch's last listing of the sheets folder, with the paths its follower names."""
    import shutil

    from test_build_incremental import ROOT

    from generator.sheets import find_sheets

    sheets = tmp_path / "territories"
    shutil.copytree(ROOT / "tests" / "fixtures" / "atlas", sheets)
    root = os.path.abspath(sheets)
    tree = find_sheets(sheets)
    hub = "doubs/hubs/incubateur-ferme.yml"
    (sheets / hub).write_text((sheets / hub).read_text(encoding="utf-8") + "# vu\n", encoding="utf-8")
    again = tree.again(root, {hub, "doubs/hubs/.incubateur-ferme.yml.swp", "doubs/hubs/incubateur-ferme.yml~"})
    assert again is not None  # a sheet saved; a hidden file; a backup gone since
    assert [f.absolute() for f in again.files] == [f.absolute() for f in tree.files]
    saved = again.states[os.path.join(root, "doubs", "hubs", "incubateur-ferme.yml")]
    assert saved.st_size == (sheets / hub).stat().st_size
    (sheets / "doubs" / "hubs" / "nouveau.yml").write_text("id: nouveau\n", encoding="utf-8")
    assert tree.again(root, {"doubs/hubs/nouveau.yml"}) is None  # a new sheet: walked
    (sheets / hub).unlink()
    assert tree.again(root, {hub}) is None  # a sheet removed: walked
    (sheets / "doubs" / "hubs" / "notes.txt").write_text("à trier\n", encoding="utf-8")
    walked = find_sheets(sheets)
    assert walked.walked  # what the walk found out of place...
    assert walked.again(root, set()) is None  # ...makes the next listing a walk too


def test_a_watch_the_kernel_refuses_for_want_of_watches_is_an_error(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The user's inotify watches all in use (ENOSPC) is told to the caller, which says it (generator.watch),
    rather than taken as a folder the kernel cannot follow (None, which the watch says nothing of)."""
    import ctypes
    import errno

    from generator import folder_changes

    docs = tmp_path / "docs"
    _outs, states = _written(docs)
    real = folder_changes._libc()
    assert real is not None

    class NoWatchesLeft:
        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

        def inotify_add_watch(self, fd: int, path: bytes, mask: int) -> int:
            if path.endswith(b"/hubs"):
                ctypes.set_errno(errno.ENOSPC)
                return -1
            return real.inotify_add_watch(fd, path, mask)

    monkeypatch.setattr(folder_changes, "_libc", NoWatchesLeft)
    with pytest.raises(OSError) as refused:
        FolderChanges.follow(docs, states)
    assert refused.value.errno == errno.ENOSPC
