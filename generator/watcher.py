"""Following the files a contributor saves: the sheets, `content/` and the page templates (`atlas serve`,
`atlas build --watch`). One save of an editor is several events (a temporary file, a rename) within
milliseconds: they are gathered and told once, DEBOUNCE_SECONDS after the last."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.project import SHIPPED_THEME

DEBOUNCE_SECONDS = 0.25  # the events of one save (an editor's temporary file and rename) come within milliseconds


def watched_folders(territories: Path, content_dir: Path) -> list[Path]:
    """What a regeneration reads that a contributor edits: the sheets, the hand-written pages, the theme's
    page templates and assets."""
    return [territories, content_dir, SHIPPED_THEME / "pages", SHIPPED_THEME / "assets"]


def watch_files(paths: list[Path], on_change: Callable[[set[Path]], None]) -> Any:
    """Call `on_change(files)` (debounced) when files under `paths` are created, changed, moved or deleted."""
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

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            if event.event_type in ("opened", "closed_no_write") or (
                    event.is_directory and event.event_type == "modified"):
                return
            name = Path(str(event.src_path)).name
            if name.startswith(".") or name.endswith(("~", ".swp", ".tmp")):
                return
            with guard:
                seen.add(Path(str(event.src_path)))
                if getattr(event, "dest_path", None):
                    seen.add(Path(str(event.dest_path)))
                if timer[0] is not None:
                    timer[0].cancel()
                timer[0] = threading.Timer(DEBOUNCE_SECONDS, fire)
                timer[0].daemon = True
                timer[0].start()

    observer = Observer()
    for path in paths:
        if path.is_dir():
            try:  # the kernel told of writes only: the build's own reads of the sheets, the pages and the
                # templates were 0.4 s of events for this thread to take and drop, beside each build
                observer.schedule(Handler(), str(path), recursive=True, event_filter=list(writes))
            except TypeError:  # a watchdog without `event_filter` (before 4): every event, dropped above
                observer.schedule(Handler(), str(path), recursive=True)
    observer.daemon = True
    observer.start()
    return observer


def interrupt(signum: int, frame: Any) -> None:
    """A SIGTERM handler: `kill` stops a process that follows saves as Ctrl+C does."""
    raise KeyboardInterrupt
