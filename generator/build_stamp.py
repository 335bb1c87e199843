"""The inputs' stamp: sizes and times of every input of a generation (sheets, pages, theme, code,
versions, date) and of what it wrote, kept outside the docs folder; when all are as they were, the
generation is skipped (`atlas build --no-site` in well under a second).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from generator import file_states
from generator.engine import PDF_DIR
from generator.load import build_date
from generator.outputs import MANIFEST, lstat_all, manifest_paths, write_atomic
from generator.sheets import Tree
from generator.site import (
    ROOT,
)
from generator.versions import installed_versions

STAMP_DIR = Path(".cache/inputs")  # per docs folder: what its last whole generation was made from


STAMPED_PACKAGES = ("babel", "jinja2", "markdown", "matplotlib", "numpy", "pyyaml", "ruamel.yaml")


def _files(folder: Path, digest: Any) -> Iterator[tuple[str, os.stat_result]]:
    """Every file under `folder` in a fixed order with its state (a folder that is missing is said once)."""
    if not folder.is_dir():
        digest.update(f"no {folder}\n".encode())
        return
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d not in ("__pycache__", ".git"))
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            try:
                yield path, os.stat(path)
            except OSError:
                continue


def _tree_state(folder: Path, digest: Any) -> None:
    """Every file under `folder` as (path, size, mtime): an edit, a new or a removed file changes it."""
    for path, status in _files(folder, digest):
        digest.update(f"{path}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())


def _sheets_state(folder: Path, digest: Any, hashes: dict[str, list[Any]]) -> None:
    """Every sheet file as (path, size, hash of its bytes): a sheet saved again with the same bytes (an
    editor's save, a git checkout) does not count as a change. `hashes` holds the previous build's
    [size, time, hash] per path: a file of the same size and time is not read again; it is updated."""
    previous = dict(hashes)
    hashes.clear()
    for path, status in _files(folder, digest):
        _note_sheet(path, status, previous, hashes, digest)


def read_stamp(docs_dir: Path) -> dict[str, Any]:
    """The stamp the last whole generation of `docs_dir` wrote (empty if none or unreadable): read once
    per build, for the sheets' hashes and for the check that nothing changed."""
    try:
        stamp = json.loads(stamp_path(docs_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stamp if isinstance(stamp, dict) else {}


def previous_hashes(stamp: dict[str, Any]) -> dict[str, list[Any]]:
    """The sheets' sizes, times and hashes a stamp recorded (empty if none)."""
    sheets = stamp.get("sheets")
    return dict(sheets) if isinstance(sheets, dict) else {}


def _listed_sheets_state(tree: Tree, digest: Any, hashes: dict[str, list[Any]]) -> None:
    """`_sheets_state` of the sheets `find_sheets` listed (and what it found out of place, which the build
    will report): the walk the loader needs anyway, and each sheet's os.stat kept in `tree.states` for the
    sheet memo, so the folder is walked and each sheet looked up once a build, not two and three times. A sheet
    whose state the tree holds already (the watch's listing taken again, `sheets.Tree.again`) is not looked up."""
    previous = dict(hashes)
    hashes.clear()
    for sheet in tree.files:
        path = sheet.absolute()
        status = tree.states.get(path)  # taken already when the watch's follower vouches for the others
        if status is None:
            try:
                status = tree.states[path] = os.stat(path)
            except OSError:
                digest.update(f"no {path}\n".encode())
                continue
        _note_sheet(path, status, previous, hashes, digest)
    for problem in tree.report.problems:
        digest.update(f"{problem.text()}\n".encode())


def _note_sheet(path: str, status: os.stat_result, previous: dict[str, list[Any]], hashes: dict[str, list[Any]],
                digest: Any) -> None:
    """One sheet into the signature: its path, size and hash (read only when its size or time changed)."""
    known = previous.get(path)
    if isinstance(known, list) and known[:2] == [status.st_size, status.st_mtime_ns]:
        content = str(known[2])
    else:
        try:
            with open(path, "rb") as handle:
                content = file_states.bytes_hash(handle.read())
        except OSError:
            return
    # a sheet changed in the last seconds may change again within one tick of its time (file_states):
    # its hash is kept under no time, so that the next build reads it again
    settled_time = status.st_mtime_ns if file_states.settled(file_states.state_from(status)) else -1
    hashes[path] = [status.st_size, settled_time, content]
    digest.update(f"{path}\0{status.st_size}\0{content}\n".encode())


def inputs_signature(territories: Path, content_dir: Path, config_file: Path, docs_dir: Path,
                     site_dir: Path, hashes: dict[str, list[Any]] | None = None, tree: Tree | None = None,
                     config: Any = None) -> str:
    """A hash of everything a generation reads: the sheets, content/, the configuration, the generator
    and its geodata, the theme, the releases, the PDFs kept, the libraries, the date (old facts).

    Sizes and modification times, not contents: a national atlas is 2,900 sheets and 19,000 outputs,
    whose stat takes a fraction of a second where loading and rendering them takes ten. With `hashes`
    (`previous_hashes`, updated here), the sheets count by their bytes: only the files whose size or
    time changed are read. With `tree` too (`find_sheets` of `territories`), the sheets it lists are those
    counted, and their states are kept in it for the loader. `config`: mkdocs.yml as the build read it, before
    its file's state is taken here: saved in between (`atlas build --watch` reads it at each save), the file's
    new state would vouch for pages made from the old settings, and the next build would find nothing changed.
    """
    digest = hashlib.sha256()
    # the date the facts are judged against (`load.build_date`: SOURCE_DATE_EPOCH's, else today's), not the clock's:
    # with SOURCE_DATE_EPOCH set, midnight changes no output, and a build just before it was made again just after
    digest.update(f"{build_date().isoformat()} {os.environ.get('SOURCE_DATE_EPOCH', '')} {sys.version}\n".encode())
    for package, version in installed_versions(STAMPED_PACKAGES).items():
        digest.update(f"{package} {version or '-'}\n".encode())
    if hashes is None:
        _tree_state(territories.resolve(), digest)
    elif tree is not None:
        _listed_sheets_state(tree, digest, hashes)
    else:
        _sheets_state(territories.resolve(), digest, hashes)
    for folder in (territories.resolve().parent / "releases", content_dir.resolve(),
                   ROOT / "generator", ROOT / "theme", ROOT / "schema", site_dir.resolve() / PDF_DIR,
                   docs_dir.resolve() / PDF_DIR):
        _tree_state(folder, digest)
    if config is not None:
        digest.update(f"config\0{config!r}\n".encode())
    for path in (config_file.resolve(), *sorted(p for p in ROOT.iterdir() if p.is_file())):
        try:
            status = path.stat()
            digest.update(f"{path}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
        except OSError:
            digest.update(f"no {path}\n".encode())
    return digest.hexdigest()


def _docs_state(docs_dir: Path) -> dict[str, list[int]] | None:
    """Size and modification time of every file the last generation wrote (its manifest), or None."""
    manifest = docs_dir / MANIFEST
    paths = manifest_paths(docs_dir)
    if paths is None:
        return None
    state = {MANIFEST: [manifest.stat().st_size, manifest.stat().st_mtime_ns]}
    try:
        found = lstat_all(os.path.join(str(docs_dir), ""), paths)
    except OSError:
        return None
    for rel in paths:
        status = found[rel]
        if status is None:
            return None
        state[rel] = [status.st_size, status.st_mtime_ns]
    return state


def stamp_path(docs_dir: Path) -> Path:
    """The stamp of one docs folder, beside the picture cache (not in the docs folder, whose bytes must
    not depend on when it was written)."""
    return STAMP_DIR / f"{hashlib.sha256(str(docs_dir.resolve()).encode()).hexdigest()[:32]}.json"


def docs_up_to_date(docs_dir: Path, signature: str, hashes: dict[str, list[Any]] | None = None,
                    stamp: dict[str, Any] | None = None) -> bool:
    """True when the last whole generation had these inputs and its files are still as it wrote them
    (no file edited, removed or replaced since, e.g. by `atlas serve`); any doubt says False. With
    `hashes` (the sheets as `inputs_signature` found them), the stamp follows their new times. `stamp`:
    the stamp as `read_stamp` gave it, when the caller has read it already."""
    stamp = read_stamp(docs_dir) if stamp is None else stamp
    if not stamp or stamp.get("inputs") != signature:  # an input changed: no need to look at 20,000 files
        return False
    state = _docs_state(docs_dir)
    same = stamp.get("files") == state
    if same and hashes is not None and stamp.get("sheets") != hashes:
        write_stamp(docs_dir, signature, state, hashes)  # saved again, same bytes: next time not read again
    return same


def write_stamp(docs_dir: Path, signature: str, state: dict[str, list[int]] | None = None,
                hashes: dict[str, list[Any]] | None = None) -> None:
    """Record the inputs' signature and the docs folder's files (`state`: as `write_tree` left them,
    else read again), and the sheets' sizes, times and hashes (`hashes`)."""
    state = state if state is not None else _docs_state(docs_dir)
    if state is None:
        return
    text = json.dumps({"docs": str(docs_dir.resolve()), "inputs": signature, "files": state,
                       **({"sheets": hashes} if hashes is not None else {})}, sort_keys=True, separators=(",", ":"))
    stamp = stamp_path(docs_dir)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    try:
        if stamp.read_text(encoding="utf-8") == text:
            return
    except OSError:
        pass
    write_atomic(stamp, text.encode("utf-8"))
