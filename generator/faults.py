"""What can happen to a build besides bad sheets: a full or read-only disk, a second build, a signal.

- A file-system error (no space, read-only, permission, name too long) becomes one `AtlasError`
  naming the folder and what to do (`fs_error`, `writing`), never a traceback.
- One build at a time per output folder: `FolderLock` holds an `fcntl.flock` on a lock file beside
  the folder (`.site.atlas-lock`, the holder's pid inside). A second `atlas build` does not wait: it
  stops at once and names the process holding the folder. `atlas serve` waits for the lock around
  each regeneration, so it never writes the docs folder while a build does.
- Every temporary file or folder is named after the folder it belongs to (`.site.atlas-building-*`,
  `.docs.atlas-pdf-*`, `.index.md.<random>.atlas-tmp`), unique to its build, and made beside or
  inside that folder, never in the shared temporary directory; so the holder of the lock can remove
  the leftovers of an earlier build that was killed (`remove_leftovers`) and say so.
- SIGTERM stops a build like Ctrl+C (`interruptible`): worker processes are stopped, temporary
  folders removed, the previous site kept. Workers and the engine child die with their parent
  (`prctl(PR_SET_PDEATHSIG)` on Linux, a watchdog thread elsewhere), even after a SIGKILL.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.errors import AtlasError, escape
from generator.i18n import N_, _, ngettext, number

if TYPE_CHECKING:  # imported when a pool is made: a build after one edit renders in this process (0.013 s)
    from concurrent.futures import ProcessPoolExecutor

LOCK_SUFFIX = ".atlas-lock"
TMP_SUFFIX = ".atlas-tmp"   # a file being written (generator.outputs.write_atomic)
PR_SET_PDEATHSIG = 1

_ADVICE: dict[int, tuple[str, str]] = {
    errno.ENOSPC: (N_("no space left on the device"), N_("free some space, or choose a folder on another disk")),
    errno.EDQUOT: (N_("the disk quota is exceeded"), N_("free some space, or choose a folder on another disk")),
    errno.EROFS: (N_("the file system is read-only"), N_("choose a folder on a writable disk")),
    errno.EACCES: (N_("permission denied"), N_("check the folder's permissions, or choose a folder of yours")),
    errno.EPERM: (N_("operation not permitted"), N_("check the folder's permissions, or choose a folder of yours")),
    errno.ENAMETOOLONG: (N_("a file name or path is too long"), N_("choose a folder with a shorter path")),
    errno.ENOTDIR: (N_("a part of the path is a file, not a folder"), N_("choose another folder")),
    errno.EEXIST: (N_("a file is in the way"), N_("remove it, or choose another folder")),
    errno.EMFILE: (N_("too many open files"), N_("raise the limit (ulimit -n) or build with fewer --jobs")),
    errno.ENOENT: (N_("no such file or folder"), N_("check that it is there (a project copied in part?)")),
}


def fs_error(error: OSError, folder: Path | str, what: str) -> AtlasError:
    """One clear message for a file-system error while writing `what` (e.g. "the site folder")."""
    reason, advice = _ADVICE.get(error.errno or 0, (error.strerror or type(error).__name__,
                                                      N_("check the folder and try again")))
    return AtlasError(_("cannot write {what} {folder}: {reason}; {advice}. "
                        "Nothing was half-written: the previous site is unchanged").format(
        what=_(what), folder=escape(str(folder)), reason=_(reason), advice=_(advice)))


# what is being written, as the callers outside the command-line modules name it (translated in fs_error)
_WRITING = (N_("the picture cache"),)


def read_error(error: OSError, name: str) -> AtlasError:
    """One clear message for a file that could not be read (a theme's template, a cached drawing)."""
    reason, advice = _ADVICE.get(error.errno or 0, (error.strerror or type(error).__name__,
                                                      N_("check the file and try again")))
    return AtlasError(_("cannot read {file}: {reason}; {advice}. Nothing was half-written: the previous site "
                        "is unchanged").format(file=escape(name), reason=_(reason), advice=_(advice)))


def output_error(error: OSError) -> AtlasError:
    """One clear message for the command's own output that could not be written (`atlas … > file` on a full
    disk): what the command wrote to its files is complete, only what it printed is cut."""
    reason, advice = _ADVICE.get(error.errno or 0, (error.strerror or type(error).__name__,
                                                      N_("check where the output goes and try again")))
    return AtlasError(_("cannot write the command's output (standard output): {reason}; {advice}").format(
        reason=_(reason), advice=_(advice)))


@contextlib.contextmanager
def writing(folder: Path | str, what: str) -> Iterator[None]:
    """Turn an OSError raised inside into `fs_error` for `folder`; one about a file outside `folder` (and its
    temporaries beside it), which was being read, into `read_error` for that file."""
    try:
        yield
    except AtlasError:
        raise
    except OSError as error:
        name = error.filename
        if isinstance(name, (str, bytes)) and not _is_under(os.fsdecode(name), folder):
            raise read_error(error, os.fsdecode(name)) from None
        raise fs_error(error, folder, what) from None


def _is_under(name: str, folder: Path | str) -> bool:
    """Whether the file `name` is `folder`, inside it, or one of its temporaries beside it (`.name...`)."""
    path, root = os.path.abspath(name), os.path.abspath(folder)
    beside = os.path.join(os.path.dirname(root), f".{os.path.basename(root)}")
    return path == root or path.startswith(os.path.join(root, "")) or path.startswith(beside)


def folder_of(error: OSError, folders: dict[str, Path]) -> tuple[Path, str]:
    """Which of the build's folders (label -> path) an error happened in: the deepest that holds its file."""
    names = [n for n in (error.filename, getattr(error, "filename2", None)) if n]
    best: tuple[Path, str] | None = None
    for name in names:
        try:
            path = Path(os.fsdecode(name)).absolute()
        except (TypeError, ValueError):
            continue
        for label, folder in folders.items():
            root = folder.absolute()
            candidates = (root, root.parent / f".{root.name}")  # its temporaries live beside it
            if path == root or root in path.parents or str(path).startswith(str(candidates[1])):
                if best is None or len(str(root)) > len(str(best[0])):
                    best = (root, label)
        if best is None:
            best = (path.parent, "into")
    return best or (Path.cwd(), "into")


# ---- one build at a time ---------------------------------------------------------------------

WATCH_MARK = "watch"  # after the process id in a lock file: the holder is `atlas build --watch`


class FolderLock:
    """An exclusive `flock` on `.<folder>.atlas-lock` beside `folder`; released when closed or when the
    process dies (even by SIGKILL), so a stale lock never blocks the next build."""

    def __init__(self, folder: Path, watching: bool = False) -> None:
        self.folder = Path(folder).absolute()
        self.path = self.folder.parent / f".{self.folder.name}{LOCK_SUFFIX}"
        self.fd: int | None = None
        self.watching = watching  # held by `atlas build --watch` for its life: said so to the builds it refuses

    def holder(self) -> str:
        """The holder's process id as its lock file says ("unknown" when unreadable), without the watch's mark."""
        return self._holder()[0]

    def _holder(self) -> tuple[str, bool]:
        try:
            words = self.path.read_text(encoding="ascii").split()
        except (OSError, UnicodeDecodeError):
            return "unknown", False
        return (words[0] if words else "unknown"), WATCH_MARK in words[1:]

    def acquire(self, wait: bool = False, say: Callable[[str], None] | None = None) -> FolderLock:
        """Take the lock; without `wait`, a held lock is an AtlasError naming the holder's pid."""
        with writing(self.folder.parent, _("the lock file beside")):
            self.folder.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid, watched = self._holder()
            pid = _("unknown") if pid == "unknown" else pid  # an unreadable lock file: said in the language
            if not wait:
                os.close(fd)
                if watched:  # a watch never ends by itself: waiting for it is no advice
                    raise AtlasError(_("{command} (process {pid}) is building {folder} at each save; stop it "
                                       "(Ctrl+C in its terminal) or build another docs folder with {option}").format(
                        command="atlas build --watch", pid=pid, folder=escape(str(self.folder)),
                        option="--docs-dir DIR")) from None
                raise AtlasError(_("a build is already running in {folder} (process {pid}); wait for it or "
                                   "stop it").format(folder=escape(str(self.folder)), pid=pid)) from None
            if say is not None:
                say(_("waiting for process {pid}, which is building {folder}…").format(
                    pid=pid, folder=escape(str(self.folder))))
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}{' ' + WATCH_MARK if self.watching else ''}\n".encode("ascii"))
        self.fd = fd
        return self

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # the lock file stays: removing it would race with a build opening it
            self.fd = None

    def __enter__(self) -> FolderLock:
        return self if self.fd is not None else self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def temporary_name(folder: Path, kind: str) -> str:
    """The prefix of a temporary beside `folder` (`.site.atlas-building-`): unique once mkdtemp adds its part."""
    return f".{Path(folder).name}.atlas-{kind}-"


def remove_leftovers(folder: Path, say: Callable[[str], None], inside: bool = False) -> list[Path]:
    """With `folder`'s lock held: remove what an earlier, killed build left beside it (and inside it,
    with `inside`: half-written files), and say so. Also the names older versions used."""
    folder = Path(folder).absolute()
    parent, name = folder.parent, folder.name
    found: list[Path] = []
    if parent.is_dir():
        for path in parent.iterdir():
            n = path.name
            if n == f".{name}{LOCK_SUFFIX}":
                continue
            if n.startswith((f".{name}.atlas-", f".{name}.building-")) or n == f"{name}.atlas-old":
                found.append(path)
    if inside and folder.is_dir():
        for root, _dirs, files in os.walk(folder):
            for n in files:
                if n.endswith(TMP_SUFFIX) or ".atlas-tmp-" in n:
                    found.append(Path(root) / n)
    for path in sorted(found):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
    if found:
        shown = ", ".join(escape(str(p)) for p in sorted(found)[:5]) + (" …" if len(found) > 5 else "")
        say(ngettext("removed {count} leftover of an earlier build that was stopped: {files}",
                     "removed {count} leftovers of an earlier build that was stopped: {files}",
                     len(found)).format(count=number(len(found)), files=shown))
    return found


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# ---- interruption ----------------------------------------------------------------------------

class Interrupted(AtlasError):
    """SIGINT or SIGTERM during a build: what was running is stopped and cleaned up."""


_ASKED: list[bool] = [False]  # a SIGINT or SIGTERM came inside `interruptible` (see `stop_if_asked`)


def _stop(signum: int, frame: Any) -> None:
    # Further signals must not interrupt the cleanup that the exception sets off.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)
    _ASKED[0] = True
    if frame is not None and frame.f_globals.get("__name__") == "logging":
        # logging's callbacks around a fork (a worker pool starting): an exception raised there is printed
        # with a traceback and lost, and the build went on to the end (about one run in eight under load);
        # `stop_if_asked` raises it at the build's next check instead
        return
    raise KeyboardInterrupt


def stop_if_asked() -> None:
    """Raise the interruption a signal asked for whose exception could not be raised where it came (see
    `_stop`). Called while the engines run and before what cannot be undone: the new site replacing the old."""
    if _ASKED[0]:
        raise KeyboardInterrupt


@contextlib.contextmanager
def interruptible(what: str, left: Callable[[], str] | None = None) -> Iterator[None]:
    """SIGTERM behaves like Ctrl+C inside; either ends as `Interrupted` after the `finally` blocks
    (temporary folders, workers, engine) have run. Only in the main thread. `left`: what the interruption
    leaves, as it is then (default: the previous site, which a build replaces only once the new one is made)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    _ASKED[0] = False
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        yield
    except KeyboardInterrupt:
        raise Interrupted(_("interrupted: {what} stopped, its temporary files removed; {left}").format(
            what=what, left=left() if left is not None else _("the previous site is unchanged")),
            exit_code=130) from None
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


# ---- worker processes ------------------------------------------------------------------------

def die_with_parent(parent: int) -> None:
    """In a child: get SIGKILL when the parent dies (Linux), else a watchdog thread; ignore Ctrl+C,
    which the parent handles by stopping its workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker inherits the parent's handler
    armed = False
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)
    if not armed:
        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1.0)
            os._exit(1)
        threading.Thread(target=watch, daemon=True, name="parent-watchdog").start()


def _engine_child() -> None:  # preexec_fn: runs in the child between fork and exec
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):
            pass


def child_options() -> dict[str, Any]:
    """subprocess options for a child that must not outlive this process (the site engine)."""
    return {"preexec_fn": _engine_child} if sys.platform.startswith("linux") else {}


def _start_worker(parent: int, initializer: Callable[..., None] | None, initargs: tuple) -> None:
    die_with_parent(parent)
    if initializer is not None:
        initializer(*initargs)


@contextlib.contextmanager
def worker_pool(workers: int, initializer: Callable[..., None] | None = None,
                initargs: tuple = ()) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers die with this process and are stopped at once (not waited for)
    when the block ends with an exception or an interruption."""
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=workers, initializer=_start_worker,
                               initargs=(os.getpid(), initializer, initargs))
    try:
        yield pool
    except BaseException:
        stop_pool(pool)
        raise
    pool.shutdown(wait=True)


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Terminate the workers of `pool` now, then reap them."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join(timeout=5)


# ---- memory ----------------------------------------------------------------------------------

def available_memory() -> int | None:
    """Bytes this process may still use: MemAvailable, or the cgroup limit when lower; None if unknown."""
    found: list[int] = []
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    found.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError, IndexError):
        pass
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(path).read_text(encoding="ascii").strip()
            usage_path = Path(path).with_name("memory.current" if path.endswith("max") else "memory.usage_in_bytes")
            if text.isdigit() and int(text) < 1 << 60:
                used = int(usage_path.read_text(encoding="ascii").strip()) if usage_path.is_file() else 0
                found.append(max(0, int(text) - used))
        except (OSError, ValueError):
            continue
    return min(found) if found else None


def workers_for_memory(wanted: int, per_worker: int) -> int:
    """At most `wanted` workers, as many as the available memory holds at `per_worker` bytes each."""
    free = available_memory()
    if free is None:
        return max(1, wanted)
    return max(1, min(wanted, free // per_worker))
