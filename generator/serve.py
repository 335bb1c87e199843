"""`atlas serve`: a local preview on 127.0.0.1 that follows the sheets as they are saved.

The docs folder is generated once, then MkDocs' own development server (`mkdocs serve --dirty`,
live reload) serves it. A watchdog observer follows `territories/`, `content/` and the page
templates: when a file is saved, the atlas is loaded again and the docs are regenerated in memory;
only the files whose bytes changed are written (`generator.outputs.write_tree`), so MkDocs
rebuilds only those pages and reloads the browser. A sheet with errors is reported and the
preview keeps the last good pages.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

import yaml

from generator.build import engine_config, generate_docs, source_date_epoch
from generator.errors import AtlasError
from generator.site import ROOT, draw_site_pictures, read_site_config

DEBOUNCE_SECONDS = 0.4


class Regenerator:
    """Loads the atlas and writes the docs folder; called once at start and after each save."""

    def __init__(self, territories: Path, docs_dir: Path, content_dir: Path, config: dict[str, Any],
                 say: Callable[[str], None]) -> None:
        self.territories = territories
        self.docs_dir = docs_dir
        self.content_dir = content_dir
        self.config = config
        self.say = say
        self.lock = threading.Lock()
        self.as_of = None

    def run(self) -> bool:
        """Regenerate; True when the docs folder is up to date with the sheets."""
        from generator.load import load_atlas

        with self.lock:
            started = time.perf_counter()
            atlas, report = load_atlas(self.territories)
            if atlas is None:
                self.say(report.format("text"))
                self.say(f"{len(report.errors)} error(s): the preview keeps the last good pages")
                return False
            self.as_of = atlas.as_of
            pictures = draw_site_pictures(atlas, Path(".cache/pictures"), None, progress=False)
            stats = generate_docs(atlas, self.territories, self.docs_dir, self.content_dir, self.config, pictures, quiet=True)
            self.say(f"regenerated in {time.perf_counter() - started:.1f} s: {len(stats.written)} file(s) "
                     f"written, {len(stats.removed)} removed, {len(stats.unchanged)} unchanged")
            return True


def _watch(paths: list[Path], on_change: Callable[[], None]) -> Any:
    """Call `on_change` (debounced) when a file under `paths` is created, changed, moved or deleted."""
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    timer: list[threading.Timer | None] = [None]

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            if event.event_type in ("opened", "closed_no_write") or event.is_directory and event.event_type == "modified":
                return
            name = Path(str(event.src_path)).name
            if name.startswith(".") or name.endswith(("~", ".swp", ".tmp")):
                return
            if timer[0] is not None:
                timer[0].cancel()
            timer[0] = threading.Timer(DEBOUNCE_SECONDS, on_change)
            timer[0].daemon = True
            timer[0].start()

    observer = Observer()
    for path in paths:
        if path.is_dir():
            observer.schedule(Handler(), str(path), recursive=True)
    observer.daemon = True
    observer.start()
    return observer


def run_serve(args: argparse.Namespace) -> int:
    """`atlas serve`: generate, serve with live reload, regenerate on save; Ctrl+C stops."""
    host = str(args.host)
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise AtlasError(f"the preview listens only on this computer; use --host 127.0.0.1 (not {host})")
    territories: Path = args.territories
    if not territories.is_dir():
        raise AtlasError(f"no sheets folder {territories}; run from the repository root or pass --territories DIR")
    docs_dir: Path = args.docs_dir
    content_dir: Path = getattr(args, "content_dir", None) or ROOT / "content"
    config = read_site_config()

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    regen = Regenerator(territories, docs_dir, content_dir, config, say)
    if not regen.run():
        raise AtlasError("the sheets have errors; fix them (see above) and run `atlas serve` again")
    observer = _watch([territories, content_dir, ROOT / "theme" / "pages", ROOT / "theme" / "assets"], regen.run)
    with tempfile.TemporaryDirectory(prefix="atlas-serve-") as tmp:
        config_path = Path(tmp) / "mkdocs.yml"
        derived = engine_config(config, docs_dir, Path(tmp) / "site")
        derived["strict"] = False  # a warning while editing must not stop the preview
        config_path.write_text(yaml.safe_dump(derived, allow_unicode=True, sort_keys=False), encoding="utf-8")
        command = [sys.executable, "-m", "mkdocs", "serve", "--dirty", "--no-strict", "-f", str(config_path),
                   "--dev-addr", f"{host}:{int(args.port)}"]
        env = dict(os.environ, SOURCE_DATE_EPOCH=source_date_epoch(regen.as_of))
        say(f"preview on http://{host}:{int(args.port)}/ (Ctrl+C to stop); watching {territories} and {content_dir}")
        process = subprocess.Popen(command, cwd=ROOT, env=env)
        try:
            return process.wait()
        except KeyboardInterrupt:
            process.terminate()
            process.wait(timeout=10)
            return 130
        finally:
            observer.stop()
