"""Outputs the page cache found unchanged in the docs folder (`outputs.KeptFile`): written by their state
alone, read only when asked, and never taken from a file that changed after it was found unchanged."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.errors import AtlasError
from generator.outputs import KeptFile, Output, write_tree


def _written(tmp_path: Path) -> tuple[Path, Path, tuple[int, int]]:
    docs = tmp_path / "docs"
    write_tree([Output("a/page.md", b"first\n")], docs)
    page = docs / "a" / "page.md"
    status = os.lstat(page)
    return docs.resolve(), page, (status.st_size, status.st_mtime_ns)


def test_a_kept_file_is_unchanged_by_its_state_without_being_read(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    docs, page, state = _written(tmp_path)
    kept = KeptFile("a/page.md", str(docs / "a" / "page.md"), state, ("s.yml",))
    monkeypatch.setattr(KeptFile, "data", property(lambda self: pytest.fail("read a kept file")))
    stats = write_tree([kept], docs)
    assert stats.unchanged == ["a/page.md"] and stats.written == []
    assert stats.states is not None and stats.states["a/page.md"] == list(state)


def test_a_kept_file_gives_its_bytes_and_moves_without_reading(tmp_path: Path) -> None:
    docs, page, state = _written(tmp_path)
    kept = KeptFile("page.md", str(page), state)
    moved = kept.moved("en/page.md")
    assert isinstance(moved, KeptFile) and moved.size == 6 and moved.file == str(page)
    assert moved.data == b"first\n" and moved.path == "en/page.md"
    assert Output("x.md", b"abc").moved("en/x.md") == Output("en/x.md", b"abc")


def test_a_kept_file_changed_after_it_was_found_unchanged_stops_the_build(tmp_path: Path) -> None:
    docs, page, state = _written(tmp_path)
    kept = KeptFile("a/page.md", str(page), state)
    page.write_bytes(b"edited by hand\n")  # between the cache's check and the writing
    with pytest.raises(AtlasError, match="changed while the build ran|a changé pendant la génération"):
        write_tree([kept], docs)
    assert page.read_bytes() == b"edited by hand\n"  # nothing written from a guess


def test_a_kept_file_edited_to_the_same_size_is_not_taken_as_unchanged(tmp_path: Path) -> None:
    docs, page, state = _written(tmp_path)
    page.write_bytes(b"FIRST\n")
    os.utime(page, ns=(state[1] + 1_000_000_000, state[1] + 1_000_000_000))
    with pytest.raises(AtlasError, match="changed while the build ran|a changé pendant la génération"):
        KeptFile("a/page.md", str(page), state).data  # noqa: B018  (the property reads)
