"""Generated files are values: (path, bytes, the sheets they came from), written by one function.

`write_tree` is the only place the generator writes the docs folder: it refuses a path that would
leave the folder and two outputs with one path, leaves files whose bytes are unchanged untouched
(timestamps kept, so MkDocs' and the reader's caches stay warm) and removes generated files that
are no longer produced.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from generator.errors import AtlasError
from generator.i18n import N_, _

MANIFEST = ".atlas-generated"
TMP_SUFFIX = ".atlas-tmp"  # generator.faults removes these when a killed build left them


@dataclass(frozen=True)
class Output:
    """One generated file: a relative POSIX path inside the docs folder, its bytes, its sources."""

    path: str
    data: bytes
    sources: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        _check_path(self.path)
        if not isinstance(self.data, bytes):
            raise TypeError(f"output {self.path}: data must be bytes")

    @property
    def size(self) -> int:
        return len(self.data)

    def moved(self, path: str) -> Output:
        """The same file at another path of the docs folder (the English edition's under `en/`)."""
        return Output(path, self.data, self.sources)


class KeptFile(Output):
    """An output found unchanged in the docs folder (the page cache's kept pages, API documents and data
    files): its bytes are those of `file` while it keeps `state` (size, mtime_ns), and are read only if
    asked for. After one edit, 8,800 such files were read back for `write_tree` to find them unchanged
    by their state alone. A file changed after it was found unchanged (by hand, during the build) has no
    bytes left to write: asking for them is an error that says to build again."""

    file: str
    state: tuple[int, int]

    def __init__(self, path: str, file: str, state: tuple[int, int], sources: tuple[str, ...] = ()) -> None:
        _check_path(path)
        # the frozen dataclass's fields set at once (16,000 kept files after one edit: a setattr each was 4 calls)
        self.__dict__.update(path=path, file=file, state=(state[0], state[1]), sources=sources)

    @property  # type: ignore[override]
    def data(self) -> bytes:
        found = self.__dict__.get("_data")
        if found is None:
            found = read_if_unchanged(self.file, *self.state)
            if found is None:
                raise AtlasError(_("{file} changed while the build ran (edited by hand?); run the build "
                                   "again").format(file=self.file))
            object.__setattr__(self, "_data", found)
        return found

    @property
    def size(self) -> int:
        return self.state[0]

    def moved(self, path: str) -> Output:
        return KeptFile(path, self.file, self.state, self.sources)


class KeptFilesChanged(AtlasError):
    """Files found unchanged in the docs folder (`KeptFile`) that are not as they were when `write_tree` looks
    at them before writing anything: edited, replaced or removed by hand, or written by another program. A
    build that took the page cache's word for its files (`PageCache.trust_written`) makes them again."""

    def __init__(self, paths: list[str], file: str) -> None:
        super().__init__(_("{file} changed while the build ran (edited by hand?); run the build "
                           "again").format(file=file))
        self.paths = paths


def unchanged_state(path: str | Path, size: int, mtime_ns: int) -> bool:
    """Whether a file this build wrote earlier still has the size and time it had then (not edited,
    replaced or removed since)."""
    try:
        status = os.lstat(path)
    except OSError:
        return False
    return _as_kept(status, (size, mtime_ns))


def read_if_unchanged(path: str | Path, size: int, mtime_ns: int) -> bytes | None:
    """A file this build wrote earlier, read back if it is still as written (same size and time), else None:
    edited, replaced or removed since."""
    if not unchanged_state(path, size, mtime_ns):
        return None
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    return data if len(data) == size else None


@dataclass
class WriteStats:
    """What `write_tree` did, for the progress line and the tests."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    sources: dict[str, tuple[str, ...]] = field(default_factory=dict)  # each output's declared sources
    # size and modification time of every file of the manifest (and of the manifest) as left by a whole
    # write: what the inputs' stamp records, without a second stat of 20,000 files (None when partial)
    states: dict[str, list[int]] | None = None


@dataclass(frozen=True)
class LeftAsWritten:
    """The files of a folder as the last whole `write_tree` into it left them (its `states`) and, of those, the
    ones touched since (`touched`), as a follower of the folder vouches (the watch's, generator.folder_changes):
    a file not touched is taken as it was left, without being looked at."""

    states: Mapping[str, Sequence[int]]
    touched: Set[str]


class _Left(NamedTuple):
    """A file as the last write left it (what `write_tree` reads of an `os.lstat`)."""

    st_size: int
    st_mtime_ns: int
    st_mode: int = stat.S_IFREG


def check_relative(path: str) -> PurePosixPath:
    """A relative path with no `..`, no absolute part, no NUL and short parts; else AtlasError."""
    _check_path(path)
    return PurePosixPath(path)


# paths that passed `_check_path` in this process: a build checks each of its 36,000 files two or three times
# (made, moved to the English edition, kept), 28,600 checks after one hub edit of the France tree
_CHECKED: set[str] = set()


# a path every check below accepts: parts of 1 to 50 characters, none "." nor "..", no NUL nor backslash
# (one match in C; a part over 50 characters, which may still be under 200 bytes, takes the checks below)
_PLAIN_PATH = re.compile(r"(?!\.\.?(?:/|\Z))[^/\\\x00]{1,50}(?:/(?!\.\.?(?:/|\Z))[^/\\\x00]{1,50})*")


def _check_path(path: str) -> None:
    """`check_relative` on the string alone: a national build makes 20,000 outputs, and a PurePosixPath
    each was a second of it. After these checks the path's parts are exactly `path.split("/")`."""
    if type(path) is str and path in _CHECKED:  # a plain string only (a subclass may compare equal and differ)
        return
    if type(path) is str and _PLAIN_PATH.fullmatch(path):
        _CHECKED.add(path)
        return
    if not path or "\x00" in path or "\\" in path:
        raise AtlasError(_("refusing to write {path!r}: not a plain relative path").format(path=path))
    parts = path.split("/")
    if path.startswith("/") or any(part in ("..", ".", "") for part in parts):
        raise AtlasError(_("refusing to write {path!r}: it would leave the output folder").format(path=path))
    if any(len(part) > 50 and len(part.encode("utf-8")) > 200 for part in parts):
        raise AtlasError(_("refusing to write {path!r}: a file name is too long").format(path=path))
    if type(path) is str:
        _CHECKED.add(path)


def _fold(path: str) -> str:
    """The key two paths collide on, on a case-insensitive, normalising file system (an ASCII path, as nearly
    all generated paths are, needs no normalising: its lower case is its case fold)."""
    return path.lower() if path.isascii() else unicodedata.normalize("NFC", path).casefold()


def check_unique(outputs: Iterable[Output]) -> list[Output]:
    """The outputs as a list; two outputs with one path (even differing by case) are an error."""
    seen: dict[str, str] = {}
    items = list(outputs)
    for out in items:
        key = _fold(out.path)
        if key in seen:
            raise AtlasError(
                _("two generated files have the same path {path!r} (also {other!r}); "
                  "rename one of the sheets so their ids differ").format(path=out.path, other=seen[key])
            )
        seen[key] = out.path
    return items


def write_tree(outputs: Iterable[Output], folder: Path, prune: bool = True, partial: bool = False,
               known: Mapping[str, Sequence[int]] | None = None, left: LeftAsWritten | None = None,
               unique: bool = False) -> WriteStats:
    """Write every output under `folder`; unchanged files are not rewritten.

    With `prune`, files written by a previous run (listed in the folder's manifest) that are no
    longer produced are removed; files the generator never wrote are left alone. With `partial`
    (some pages only, `atlas serve` after a save), nothing is removed and the manifest keeps the
    files of the previous runs. `known`: outputs whose bytes are those of their file when it has that
    (size, mtime_ns) (read back from it, or a picture of the same cache key as the one written there):
    such a file, still of that size and time, is unchanged without being read (an edit by hand
    changes its time); any other file of the output's size is read and compared. `left`: the files a follower
    of the folder saw untouched since the last whole write, taken as that write left them instead of looked at.
    `unique`: the outputs' paths are known to differ (`site_outputs` checked them).
    """
    known = known or {}
    items = list(outputs) if unique else check_unique(outputs)
    root = folder.resolve()
    root.mkdir(parents=True, exist_ok=True)
    stats = WriteStats(sources={out.path: out.sources for out in items})
    inside = _InsideCheck(root)
    folders = inside.known  # each folder checked once: a lookup per file, not a call
    base = os.path.join(str(root), "")
    states: dict[str, list[int]] = {}
    found = lstat_all(base, [out.path for out in items]) if left is None else _as_left(base, items, left)
    # the kept files first, before anything is written: one changed since it was found unchanged has no bytes
    # to write (they are read from it), and a build that trusted the page cache's states makes it again; those as
    # kept are unchanged, the others' outputs go on below (one pass over 36,000 kept files, not two)
    changed: list[KeptFile] = []
    rest: list[Output] = []
    for out in items:
        if isinstance(out, KeptFile) and out.file == base + out.path:
            status = found[out.path]
            if not _as_kept(status, out.state):
                changed.append(out)
                continue
            stats.unchanged.append(out.path)
            states[out.path] = [status.st_size, status.st_mtime_ns]  # type: ignore[union-attr]
        else:
            rest.append(out)
    if changed:
        raise KeptFilesChanged([out.path for out in changed], changed[0].file)
    for out in rest:
        target = base + out.path  # strings: pathlib was a second of 20,000 outputs (a checked relative path)
        status = found[out.path]
        same_size = status is not None and stat.S_ISREG(status.st_mode) and status.st_size == out.size
        if same_size:
            seen = out.state if isinstance(out, KeptFile) and out.file == target else known.get(out.path)
            # a file of a known state is neither read nor written (25,600 of 25,660 files after one edit), so
            # where its folder leads need not be checked: 8,500 folders' lstat spared
            if seen is not None and seen[0] == status.st_size and seen[1] == status.st_mtime_ns:
                stats.unchanged.append(out.path)
                states[out.path] = [status.st_size, status.st_mtime_ns]
                continue
        parent = out.path.rpartition("/")[0]
        if not (folders.get(parent) or inside(parent)) or (status is not None and stat.S_ISLNK(status.st_mode)):
            resolved = Path(target).resolve()
            if root != resolved and root not in resolved.parents:
                raise AtlasError(_("refusing to write {path!r}: it would leave {folder}").format(path=out.path,
                                                                                                  folder=folder))
            raise AtlasError(_("refusing to write {path!r}: it is a symbolic link").format(path=out.path))
        if same_size and _same_bytes(target, out.data):
            # reading back beats a manifest of hashes: 287 MB compared in 0.19 s, hashed in 0.22 s
            stats.unchanged.append(out.path)
            states[out.path] = [status.st_size, status.st_mtime_ns]  # type: ignore[union-attr]
            continue
        path = Path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, out.data)
        stats.written.append(out.path)
        status = os.lstat(target)
        states[out.path] = [status.st_size, status.st_mtime_ns]
    manifest = root / MANIFEST
    current = sorted(out.path for out in items)
    if partial:
        previous = manifest.read_text(encoding="utf-8").splitlines() if manifest.is_file() else []
        current = sorted(set(current) | set(previous))
    elif prune and manifest.is_file():
        previous = manifest.read_text(encoding="utf-8").splitlines()
        keep = set(current)
        for old in previous:
            if old in keep:
                continue
            try:
                check_relative(old)
            except AtlasError:
                continue
            stale = root / old
            if stale.is_file() and not stale.is_symlink():
                stale.unlink()
                stats.removed.append(old)
                _remove_empty_parents(stale.parent, root)
    text = "\n".join(current) + "\n"
    if not manifest.is_file() or manifest.read_text(encoding="utf-8") != text:
        write_atomic(manifest, text.encode("utf-8"))
    if not partial:
        status = os.lstat(manifest)
        stats.states = {MANIFEST: [status.st_size, status.st_mtime_ns], **states}
    return stats


# where a folder can be opened to look files up from it (Linux, macOS); elsewhere files are looked up by path
_FOLDER_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) \
    if hasattr(os, "O_DIRECTORY") and os.stat in os.supports_dir_fd else 0


def lstat_all(base: str, paths: Iterable[str]) -> dict[str, os.stat_result | None]:
    """`os.lstat(base + path)` of each path (None when there is no such file), folder by folder: each folder
    is opened once and its files looked up from it, which spares the kernel walking the whole path again
    for each of the docs folder's 25,700 files (0.22 → 0.07 CPU s). A folder that is a link, or cannot be
    opened, has its files looked up one by one as before."""
    groups: dict[str, list[str]] = {}
    for path in paths:
        groups.setdefault(path.rpartition("/")[0], []).append(path)
    found: dict[str, os.stat_result | None] = {}
    for folder, members in groups.items():
        try:
            fd = os.open(base + folder, _FOLDER_FLAGS) if _FOLDER_FLAGS else None
        except OSError:
            fd = None
        try:
            for path in members:
                try:
                    found[path] = os.lstat(path.rpartition("/")[2], dir_fd=fd) if fd is not None \
                        else os.lstat(base + path)
                except (FileNotFoundError, NotADirectoryError):
                    found[path] = None
        finally:
            if fd is not None:
                os.close(fd)
    return found


def _as_left(base: str, items: list[Output], left: LeftAsWritten) -> dict[str, Any]:
    """`lstat_all` of the outputs that `left` does not vouch for; the others as the last write left them."""
    found: dict[str, Any] = {}
    look: list[str] = []
    states, touched = left.states, left.touched
    for out in items:
        state = states.get(out.path)
        if state is None or out.path in touched:
            look.append(out.path)
        else:
            found[out.path] = _Left(state[0], state[1])
    found.update(lstat_all(base, look))
    return found


def manifest_paths(folder: Path) -> list[str] | None:
    """The files the last `write_tree` into `folder` wrote (its manifest), or None when it cannot be read."""
    try:
        return (folder / MANIFEST).read_text(encoding="utf-8").splitlines()
    except OSError:
        return None


def _as_kept(status: os.stat_result | None, state: tuple[int, int]) -> bool:
    """Whether a file looked at (`lstat_all`) is a plain file of the size and time it was kept with."""
    return (status is not None and stat.S_ISREG(status.st_mode) and status.st_size == state[0]
            and status.st_mtime_ns == state[1])


def _same_bytes(target: str, data: bytes) -> bool:
    with open(target, "rb") as handle:
        return handle.read() == data


class _InsideCheck:
    """Whether a folder of the docs folder (relative, checked by `check_relative`) stays inside it.

    Each folder is looked at once, from the top: a plain folder (or one not made yet) under a folder
    inside is inside; a symbolic link is inside only if it resolves inside. One lstat per folder
    instead of a `resolve()` (an lstat per component) per folder: 10,000 picture folders nationally.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.known: dict[str, bool] = {"": True}

    def __call__(self, rel: str) -> bool:
        found = self.known.get(rel)
        if found is not None:
            return found
        parent = rel.rpartition("/")[0]
        inside = self(parent)
        if inside:
            try:
                is_link = stat.S_ISLNK(os.lstat(os.path.join(str(self.root), rel)).st_mode)
            except (FileNotFoundError, NotADirectoryError):
                is_link = False
            if is_link:
                resolved = (self.root / rel).resolve()
                inside = resolved == self.root or self.root in resolved.parents
        self.known[rel] = inside
        return inside


def _default_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_FILE_MODE = _default_file_mode()


def write_atomic(target: Path, data: bytes, prefix: str | None = None, suffix: str = TMP_SUFFIX) -> None:
    """Write `target` through a temporary file of its own beside it (`.<name>.<random>.atlas-tmp`):
    two writers never share a temporary name, and a failure (a full disk) leaves no partial file.
    A build killed meanwhile leaves the temporary, which the next build removes
    (generator.faults.remove_leftovers)."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=prefix or f".{target.name[:100]}.", suffix=suffix)
    try:
        os.fchmod(fd, _FILE_MODE)  # mkstemp makes 0600 files; a published file is readable like any other
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _remove_empty_parents(folder: Path, root: Path) -> None:
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


# the labels the callers give Progress (translated when shown)
_LABELS = (N_("pages"), N_("pictures"))


class Progress:
    """The one progress reporter of the long stages (pages, pictures, PDFs, reading the sheets): a rich
    bar on stderr, only on a terminal (logs and CI stay clean), gone when the stage ends.

    Redrawn when told, never by a timer thread: the stages fork worker processes, and forking while
    another thread holds a lock can deadlock. Use as a context manager; `advance(n, note)` or
    `update(done, total)` (the `progress(done, total)` callbacks of `load_atlas` and `all_pages`).
    """

    def __init__(self, label: str, total: int | None = None, enabled: bool = True) -> None:
        self.label, self.total, self.enabled = label, total, enabled
        self._bar: Any = None

    def __enter__(self) -> Progress:
        if not (self.enabled and _may_be_a_terminal()):
            return self  # no bar to draw: rich is not even imported (0.05 s of a build after one edit)
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as Bar

        console = Console(stderr=True)
        self._bar = Bar(TextColumn(_(self.label)), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        TextColumn("{task.description}"), console=console, transient=True, auto_refresh=False,
                        disable=not (self.enabled and console.is_terminal))
        self._bar.__enter__()
        self._task = self._bar.add_task("", total=self.total)
        return self

    def advance(self, n: int = 1, note: str = "") -> None:
        if self._bar is not None:
            self._bar.update(self._task, advance=n, description=note, refresh=True)

    def update(self, done: int, total: int | None = None) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=done, total=total if total is not None else self.total,
                             refresh=True)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)


# what makes rich take standard error for a terminal although it is not one (rich.console.Console)
_FORCING = ("FORCE_COLOR", "TTY_INTERACTIVE", "TTY_COMPATIBLE", "JUPYTER_COLUMNS", "JUPYTER_LINES")


def _may_be_a_terminal() -> bool:
    """False when rich would surely find no terminal on standard error (logs, CI, a script's pipe)."""
    try:
        if sys.stderr is not None and sys.stderr.isatty():
            return True
    except (AttributeError, ValueError):
        pass
    return any(os.environ.get(name) for name in _FORCING) or "ipykernel" in sys.modules
