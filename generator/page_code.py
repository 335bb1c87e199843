"""The page cache's hash of the code that renders the pages (generator.page_cache): the generator's and the
theme's files, an atlas's own templates, the rendering libraries, Python. A file in the state the last build
noted is not read again (the 4 MB of geodata and 200 files were read and hashed at every build, 0.08 s)."""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from generator import file_states

ROOT = Path(__file__).resolve().parent.parent
PAGE_CACHE_FORMAT = 3  # bump when what a page's key covers, or what the index holds, changes (3: shards)
_KEYED_PACKAGES = ("jinja2", "markdown", "babel", "markupsafe")


def code_version(templates: tuple[str, ...] = (), known: Mapping[str, Any] | None = None,
                  noted: dict[str, list[Any]] | None = None) -> str:
    """The generator's and the theme's files (contents), the folders the page templates are read from
    (`templates`: an atlas repository's own theme), and the libraries that render the pages. `known`: the
    files' hashes as the last build noted them (path -> state and hash): a file in the same settled state
    is not read again (the 4 MB of geodata and 200 files were read and hashed at every build, 0.08 s);
    `noted` receives this run's.

    The generator's own files count as this process first found them: they are the code it runs (its modules,
    catalogs and geodata are read once). A process that lives on (`atlas build --watch`, `atlas serve`) would
    otherwise key the pages it renders with old code by the code saved since, and a new process would take them
    as its own; the templates are read again when saved, and count as they are now."""
    from generator.versions import installed_versions

    digest = hashlib.sha256(f"{PAGE_CACHE_FORMAT} {sys.version}\n".encode())
    for package, version in installed_versions(_KEYED_PACKAGES).items():
        digest.update(f"{package} {version or '-'}\n".encode())
    if _RUNNING is None:
        _start(known)
    assert _RUNNING is not None
    digest.update(_RUNNING[0].encode())
    if noted is not None:
        noted.update(_RUNNING[1])
    for folder in (ROOT / "theme", *(Path(t) for t in templates)):
        for path in _code_files(folder):
            digest.update(f"{path}\0{file_hash(str(path), known, noted)}\0".encode())
    return digest.hexdigest()


# the generator's files as this process first hashed them: their digest, their states and hashes as noted for
# the next build (settled files only), and every file's state then
_RUNNING: tuple[str, dict[str, list[Any]], dict[str, file_states.State | None]] | None = None


def _start(known: Mapping[str, Any] | None) -> None:
    global _RUNNING
    noted: dict[str, list[Any]] = {}
    states: dict[str, file_states.State | None] = {}
    digest = hashlib.sha256()
    for path in _code_files(ROOT / "generator"):
        states[str(path)] = file_states.state_of(path)
        digest.update(f"{path}\0{file_hash(str(path), known, noted)}\0".encode())
    _RUNNING = (digest.hexdigest(), noted, states)


def code_changed_since_start() -> list[str]:
    """The generator's files (relative to the package's folder) whose state is not the one this process first
    hashed them in, or that appeared or went since: saved after it started, they are not the code it runs."""
    if _RUNNING is None:
        return []
    first = _RUNNING[2]
    now = {str(path) for path in _code_files(ROOT / "generator")}
    saved = {path for path in now & set(first) if file_states.state_of(path) != first[path]}
    changed = sorted((now ^ set(first)) | saved)
    return [str(Path(path).relative_to(ROOT)) for path in changed]


def newly_saved_code(told: tuple[str, ...], shown: int = 3) -> tuple[tuple[str, ...], str] | None:
    """For a process that says which of the generator's files were saved since it started (the watch, the
    preview): the files now and their list as said (the first `shown`, then « … »), or None when they are the ones
    it `told` already (or none)."""
    saved = tuple(code_changed_since_start())
    if not saved or saved == told:
        return None
    return saved, ", ".join(saved[:shown]) + (", …" if len(saved) > shown else "")


def _code_files(folder: Path) -> list[Path]:
    """The files of `folder` that shape the pages, in a stable order: the code, the templates, the catalogs, and
    the geodata (commune names, boundaries: 4 MB)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d not in ("__pycache__", "assets"))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if "geodata" in path.parts or name.endswith((".py", ".j2", ".html", ".po", ".mo", ".yml", ".json",
                                                        ".csv")):
                found.append(path)
    return found


def file_hash(path: str, known: Mapping[str, Any] | None, noted: dict[str, list[Any]] | None) -> str:
    """The SHA-256 of a file's bytes, taken from `known` while its state is the one noted there."""
    state = file_states.state_of(path)
    old = known.get(path) if known is not None and state is not None else None
    if isinstance(old, list) and len(old) == 5 and tuple(old[:4]) == state and isinstance(old[4], str):
        found = old[4]
    else:
        with open(path, "rb") as handle:
            found = file_states.bytes_hash(handle.read())
    if noted is not None and state is not None and file_states.settled(state):
        noted[path] = [*state, found]  # a file changed in the last seconds is read again next time
    return found
