"""Following the files a contributor saves: the sheets, `content/` and the page templates (`atlas serve`,
`atlas build --watch`). One save of an editor is several events (a temporary file, a rename) within
milliseconds: they are gathered and told once, DEBOUNCE_SECONDS after the last."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from generator.project import SHIPPED_CONFIG, SHIPPED_THEME, editor_leftover

DEBOUNCE_SECONDS = 0.25  # the events of one save (an editor's temporary file and rename) come within milliseconds


def watched_folders(territories: Path, content_dir: Path) -> list[Path]:
    """What a regeneration reads that a contributor edits: the sheets, the hand-written pages, the theme's
    page templates and assets."""
    return [territories, content_dir, SHIPPED_THEME / "pages", SHIPPED_THEME / "assets"]


def config_files(args: Any) -> list[Path]:
    """The mkdocs.yml in use (the project's, else the shipped one: `args.config`), followed as the folders are:
    a save of it alone builds again, the configuration read anew."""
    return [Path(getattr(args, "config", None) or SHIPPED_CONFIG)]


def watch_files(paths: list[Path], on_change: Callable[[set[Path]], None], files: Iterable[Path] = (),
                ignored: Iterable[Path] = ()) -> Any:
    """Call `on_change(files)` (debounced) when files under `paths`, or the single `files` (mkdocs.yml: its
    folder, a repository's root, is not followed as a whole), are created, changed, moved or deleted. What
    happens under `ignored` (the docs folder, were it inside a followed folder: the builds' own writes) is
    not told."""
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

    observer = Observer()

    def follow(handler: Handler, folder: Path, recursive: bool) -> None:
        try:  # the kernel told of writes only: the build's own reads of the sheets, the pages and the
            # templates were 0.4 s of events for this thread to take and drop, beside each build
            observer.schedule(handler, str(folder), recursive=recursive, event_filter=list(writes))
        except TypeError:  # a watchdog without `event_filter` (before 4): every event, dropped above
            observer.schedule(handler, str(folder), recursive=recursive)

    for path in paths:
        if path.is_dir():
            follow(Handler(), path, recursive=True)
    by_folder: dict[Path, set[str]] = {}
    for file in files:
        by_folder.setdefault(Path(os.path.abspath(file)).parent, set()).add(Path(file).name)
    for folder, names in sorted(by_folder.items()):
        if folder.is_dir():
            follow(Handler(frozenset(names)), folder, recursive=False)
    observer.daemon = True
    observer.start()
    return observer


def interrupt(signum: int, frame: Any) -> None:
    """A SIGTERM handler: `kill` stops a process that follows saves as Ctrl+C does."""
    raise KeyboardInterrupt
