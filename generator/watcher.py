"""Following the files a contributor saves: the sheets, `content/` and the page templates (`atlas serve`,
`atlas build --watch`). One save of an editor is several events (a temporary file, a rename) within
milliseconds: they are gathered and told once, DEBOUNCE_SECONDS after the last."""

from __future__ import annotations

import errno
import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from generator.i18n import _
from generator.project import SHIPPED_CONFIG, SHIPPED_THEME, editor_leftover

DEBOUNCE_SECONDS = 0.25  # the events of one save (an editor's temporary file and rename) come within milliseconds
POLL_SECONDS = 1.0  # how often saves are looked for when the kernel follows no more folders
# the kernel's limits on following folders (inotify), by the error a refusal gives, and a value to advise
LIMITS = {errno.ENOSPC: ("max_user_watches", 524288), errno.EMFILE: ("max_user_instances", 1024)}


def refused_by_limit(error: OSError) -> bool:
    """Whether the kernel refused to follow one more folder because the user's inotify limit is reached."""
    return error.errno in LIMITS


def limit_reached(code: int, instead: str) -> str:
    """What to say when the user's inotify limit (`code`: ENOSPC or EMFILE) is reached: the limit, what the
    command does `instead`, and the command that raises it. The default of older systems (8,192 watches) is
    below what the national atlas's sheets and docs folders need (about 13,500)."""
    setting, advised = LIMITS[code]
    try:
        with open(f"/proc/sys/fs/inotify/{setting}", encoding="ascii") as file:
            limit = file.read().strip()
    except OSError:
        limit = "?"
    return _("the system follows no more folders for this user (fs.inotify.{setting} = {limit}): {instead}; to "
             "avoid it, raise the limit (sudo sysctl fs.inotify.{setting}={advised}) and start again").format(
        setting=setting, limit=limit, instead=instead, advised=advised)


def watched_folders(territories: Path, content_dir: Path) -> list[Path]:
    """What a regeneration reads that a contributor edits: the sheets, the hand-written pages, the theme's
    page templates and assets."""
    return [territories, content_dir, SHIPPED_THEME / "pages", SHIPPED_THEME / "assets"]


def config_files(args: Any) -> list[Path]:
    """The mkdocs.yml in use (the project's, else the shipped one: `args.config`), followed as the folders are:
    a save of it alone builds again, the configuration read anew."""
    return [Path(getattr(args, "config", None) or SHIPPED_CONFIG)]


def watch_files(paths: list[Path], on_change: Callable[[set[Path]], None], files: Iterable[Path] = (),
                ignored: Iterable[Path] = (), say: Callable[[str], None] = lambda message: None) -> Any:
    """Call `on_change(files)` (debounced) when files under `paths`, or the single `files` (mkdocs.yml: its
    folder, a repository's root, is not followed as a whole), are created, changed, moved or deleted. What
    happens under `ignored` (the docs folder, were it inside a followed folder: the builds' own writes) is
    not told. Where the kernel follows no more folders for the user (its inotify limit), the files are looked
    at every POLL_SECONDS instead, and `say` tells why and how to raise the limit."""
    from watchdog.events import (
        DirCreatedEvent,
        DirDeletedEvent,
        DirMovedEvent,
        FileClosedEvent,
        FileCreatedEvent,
        FileDeletedEvent,
        FileModifiedEvent,
        FileMovedEvent,
        FileSystemEvent,
        FileSystemEventHandler,
    )
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    writes = (FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent, FileClosedEvent,
               DirCreatedEvent, DirDeletedEvent, DirMovedEvent)

    timer: list[threading.Timer | None] = [None]
    seen: set[Path] = set()
    guard = threading.Lock()

    def fire() -> None:
        with guard:
            files = set(seen)
            seen.clear()
        on_change(files)

    skipped = [Path(os.path.abspath(path)) for path in ignored]

    def told(path: str, only: frozenset[str] | None) -> bool:
        if not path:
            return False
        name = Path(path).name
        if only is not None:
            return name in only
        if name.startswith(".") or name.endswith((".swp", ".tmp")) or editor_leftover(name):
            return False
        where = Path(os.path.abspath(path))
        return not any(where == folder or folder in where.parents for folder in skipped)

    class Handler(FileSystemEventHandler):
        def __init__(self, only: frozenset[str] | None = None) -> None:
            super().__init__()
            self.only = only  # the names of the files followed in a folder that is not (None: every file)

        def on_any_event(self, event: FileSystemEvent) -> None:
            if event.event_type in ("opened", "closed_no_write") or (
                    event.is_directory and event.event_type == "modified"):
                return
            # an editor saves mkdocs.yml as a temporary file renamed to it: the rename's destination counts
            saved = [Path(path) for path in (str(event.src_path), str(getattr(event, "dest_path", "") or ""))
                     if told(path, self.only)]
            if not saved:
                return
            with guard:
                seen.update(saved)
                if timer[0] is not None:
                    timer[0].cancel()
                timer[0] = threading.Timer(DEBOUNCE_SECONDS, fire)
                timer[0].daemon = True
                timer[0].start()

    def follow(observer: Any, handler: Handler, folder: Path, recursive: bool) -> None:
        try:  # the kernel told of writes only: the build's own reads of the sheets, the pages and the
            # templates were 0.4 s of events for this thread to take and drop, beside each build
            observer.schedule(handler, str(folder), recursive=recursive, event_filter=list(writes))
        except TypeError:  # a watchdog without `event_filter` (before 4): every event, dropped above
            observer.schedule(handler, str(folder), recursive=recursive)

    by_folder: dict[Path, set[str]] = {}
    for file in files:
        by_folder.setdefault(Path(os.path.abspath(file)).parent, set()).add(Path(file).name)

    def started(observer: Any) -> Any:
        for path in paths:
            if path.is_dir():
                follow(observer, Handler(), path, recursive=True)
        for folder, names in sorted(by_folder.items()):
            if folder.is_dir():
                follow(observer, Handler(frozenset(names)), folder, recursive=False)
        observer.daemon = True
        observer.start()
        return observer

    observer = Observer()
    try:
        return started(observer)
    except OSError as error:
        if not refused_by_limit(error):
            raise
        observer.stop()  # the folders it followed before the refusal let go
        say(limit_reached(error.errno, _("saves are looked for every second instead, a little later")))
        return started(PollingObserver(timeout=POLL_SECONDS))


def interrupt(signum: int, frame: Any) -> None:
    """A SIGTERM handler: `kill` stops a process that follows saves as Ctrl+C does."""
    raise KeyboardInterrupt
