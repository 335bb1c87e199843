"""The page cache's hash of the code (generator.page_code) in a process that lives on: the generator's files count
as the process first hashed them (the code it runs), the templates as they are now."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator import page_code


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A package folder and a theme of their own, the process's first hash not taken yet."""
    (tmp_path / "generator" / "__pycache__").mkdir(parents=True)
    (tmp_path / "theme").mkdir()
    (tmp_path / "generator" / "pages.py").write_text("TITLE = 'Atlas'\n", encoding="utf-8")
    (tmp_path / "generator" / "__pycache__" / "pages.cpython-311.pyc").write_bytes(b"\0")
    (tmp_path / "theme" / "hub.md.j2").write_text("# {{ hub.name }}\n", encoding="utf-8")
    monkeypatch.setattr(page_code, "ROOT", tmp_path)
    monkeypatch.setattr(page_code, "_RUNNING", None)
    return tmp_path


def _save(path: Path, text: str) -> None:
    """A save seconds later (another size and time: the state the hash is kept by changes)."""
    path.write_text(text, encoding="utf-8")
    later = path.stat().st_mtime_ns + 5_000_000_000
    os.utime(path, ns=(later, later))


def test_a_generator_file_saved_after_the_start_is_not_the_code_that_runs(tree: Path) -> None:
    noted: dict[str, list] = {}
    first = page_code.code_version((), None, noted)
    assert page_code.code_changed_since_start() == []
    # a developer saves a module while `atlas build --watch` runs: the process still runs the one it imported,
    # so its pages keep the key of that code, and it says which files it does not run
    _save(tree / "generator" / "pages.py", "TITLE = 'Atlas des territoires'\n")
    (tree / "generator" / "new.py").write_text("X = 1\n", encoding="utf-8")
    (tree / "generator" / "__pycache__" / "pages.cpython-311.pyc").write_bytes(b"\0\0")  # not code it hashes
    assert page_code.code_version((), noted, noted) == first
    assert page_code.code_changed_since_start() == ["generator/new.py", "generator/pages.py"]
    # a template saved is read again by the pages (Jinja checks its file): it counts as it is now
    _save(tree / "theme" / "hub.md.j2", "## {{ hub.name }}\n")
    assert page_code.code_version((), noted, noted) != first
    # a new process hashes the files as they are: the saved module's code is another
    saved = page_code.code_version((), noted, noted)
    page_code._RUNNING = None
    assert page_code.code_version((), noted, noted) != saved
    assert page_code.code_changed_since_start() == []
