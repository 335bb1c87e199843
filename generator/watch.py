"""`atlas build --watch`: the docs folder built, then built again in the same process at each save.

For a contributor who previews the docs folder with an engine of their own (`mkdocs serve`, `zensical serve`,
`properdocs serve` on the generated `mkdocs.yml`) or reads the generated files: each save of a sheet, of a
hand-written page, of a page template or of the mkdocs.yml in use runs the same build as
`atlas build --no-site`, both editions (mkdocs.yml read again each time), and names the files it wrote.
The process keeps what a new `atlas build` would read back from disk (the sheets as read and checked, the
page cache's index: generator.build.KeptInMemory), has its modules imported already (the pictures' drawers
and outlines, the page cache's entries that every edit reads: `read_ahead`), holds the docs folder's
lock from start to end (another build there says so and stops) and saves its caches on disk once the build's
files are written and named. From the end of its first build it follows the sheets folder and the docs folder
(generator.folder_changes): a build looks only at the files saved or touched since the last one, not at the
5,400 sheets and 36,500 docs files of the France tree. One hub edited is built again in 0.75 to 1.15 s on the
shipped atlas and 1.0 to 2.0 s on a France-scale tree of 4,000 hubs at the machine's usual speed, up to 3 s at its
slow hours, where a new process takes 2.5 to 4 s (benchmarks/bench_watch.py). A save with errors is reported,
and the docs folder keeps the last good files; Ctrl+C (or SIGTERM) stops.
"""

from __future__ import annotations

import argparse
import gc
import os
import queue
import signal
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.build import KeptInMemory, run_build
from generator.engine import say
from generator.errors import AtlasError, InvalidAtlas
from generator.faults import FolderLock, Interrupted
from generator.i18n import _, ngettext, number
from generator.page_code import newly_saved_code
from generator.site import ROOT
from generator.watcher import config_files, limit_reached, refused_by_limit, watch_files, watched_folders

if TYPE_CHECKING:
    from generator.folder_changes import FolderChanges
    from generator.sheets import Tree

SHOW_SAVED = 3  # saved files named in the line that starts a build; more are counted
EVERY_EDIT_READS = ("sheets", "records", "part")  # the page cache's entries any hub edit reads (`read_ahead`)
KNOWN_SUFFIXES = (".yml", ".yaml", ".md", ".html", ".css", ".js", ".svg", ".png", ".jpg")  # a removed file named


def run_watch(args: argparse.Namespace) -> int:
    """Build the docs folder, then again after each save until interrupted (Ctrl+C, SIGTERM: KeyboardInterrupt,
    or `Interrupted` during a build, which the command line says; exit 130)."""
    if getattr(args, "pdf", False):
        raise AtlasError(_("{option} builds the docs folder only; make the PDF reports with `{command}`, or build "
                           "without {option}").format(option="--watch", command="atlas pdf"))
    engine = getattr(args, "engine", "mkdocs")
    if engine != "mkdocs":  # no engine runs (the command line refuses --engine too): said, not ignored
        options = f"--engine {engine}"
        raise AtlasError(_("--watch builds the docs folder only, without a site: leave out {options}, or run "
                           "`atlas build {options}` once the watch is stopped").format(options=options))
    args = argparse.Namespace(**{**vars(args), "no_site": True})
    territories: Path = args.territories
    content_dir: Path = getattr(args, "content_dir", None) or ROOT / "content"
    kept = KeptInMemory()
    saves: queue.Queue[set[Path]] = queue.Queue()
    stopping = Stopping()
    previous = {sig: signal.signal(sig, _stopper(stopping)) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        kept.lock = FolderLock(args.docs_dir, watching=True).acquire()  # the watch's folder until it stops
        # the saves followed from before the first build (a minute on the national atlas): one made meanwhile,
        # after the build read the file, is built right after it
        observer = watch_files(watched_folders(territories, content_dir), saves.put, files=config_files(args),
                               ignored=[args.docs_dir], say=say)
        try:
            build_once(args, kept, first=True)
            read_ahead(kept)
            settle(kept, stopping)
            say(_("watching {sheets}, {content} and {config}; each save builds {docs} again (Ctrl+C to stop)").format(
                sheets=territories, content=content_dir, config=config_files(args)[0],
                docs=args.docs_dir))
            while True:
                files = _next_saves(saves, stopping)
                kept.changed = frozenset(path.absolute() for path in files)
                say(_saved_line(files))
                build_once(args, kept)
                settle(kept, stopping)
        finally:
            observer.stop()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for follower in (kept.docs_changes, kept.sheets_changes):
            if follower is not None:
                follower.close()
        if kept.lock is not None:
            kept.lock.release()


class Stopping(threading.Event):
    """Ctrl+C or SIGTERM asked. `holding`: the collector runs, and with it the finalizers and the weak
    references' callbacks of what the build left; a KeyboardInterrupt raised in one of them is not raised but
    printed, with a traceback (« Exception ignored in… »): the handler then only sets the event, which the
    watch looks at once the collector is done."""

    holding = False


def _stopper(stopping: Stopping) -> Callable[[int, Any], None]:
    """Ctrl+C or SIGTERM between builds (a build has its own: generator.faults.interruptible)."""
    def stop(signum: int, frame: Any) -> None:
        stopping.set()
        if not stopping.holding:
            raise KeyboardInterrupt
    return stop


def build_once(args: argparse.Namespace, kept: KeptInMemory, first: bool = False) -> bool:
    """One build with what the last one kept; a user error is said and the watch goes on (with errors in the
    sheets, the docs folder as the last good build left it). The `first` build raises any other: a sheets
    folder or a configuration that cannot be read leaves nothing to watch. `args.site_config_of`, when given:
    mkdocs.yml read again, as it is now (its edit links, its address shape the pages; the inputs' stamp
    counts the file)."""
    try:
        read_config = getattr(args, "site_config_of", None)
        if read_config is not None:
            args.site_config = read_config()
        _say_code_saved(kept)
        if not first:
            # without the cyclic collector until `settle`, which collects once the files are written and turns it
            # on again: its collections were 4 % of an edit's build on the France tree, and turned on at the end of
            # the build, it would walk there every object the build made and kept. A build makes few cycles, and
            # matplotlib's figures are collected as they are drawn (generator.collector.collecting)
            gc.disable()
        run_build(args, kept)
        done = True
    except Interrupted:
        raise  # Ctrl+C or SIGTERM during a build stops the watch too (the build said what it left)
    except InvalidAtlas as error:
        say(f"atlas build: {error}")
        say(_("the docs folder keeps the files of the last build without errors; fix the sheets and save again"))
        done = False
    except AtlasError as error:
        if first:
            raise
        say(f"atlas build: {error}")
        done = False
    return done


def read_ahead(kept: KeptInMemory) -> None:
    """What the first save would read otherwise, read after the first build (which drew nothing new and found
    every kept group as it was): the pictures' drawers and outlines, the communes' names (0.35 s here, about
    50 MiB), and the page cache's entries that every hub edit reads: the values kept per sheet, atlas.json's
    records, the parts of the shared pages (0.25 s, 25 MiB that the first save would mostly have read anyway).
    On the France tree the first save took 1.70-1.96 s without any of it, 1.40-1.45 s with the pictures' part;
    in four runs of the same hubs, 1.53-2.02 CPU s with the pictures' part alone and 1.31-1.59 with both. The
    later saves find all of it in memory."""
    from generator.addresses import commune_names
    from generator.pictures.run import ready_to_draw

    ready_to_draw()
    commune_names()
    if kept.page_cache is not None:
        kept.page_cache.kind_entries.read_ahead(EVERY_EDIT_READS)


def _say_code_saved(kept: KeptInMemory) -> None:
    """The generator's own files saved since the watch started (a developer's edit): the process runs the code
    it imported, and its pages are keyed by that code (generator.page_code), so the edit shows only in a new
    watch. Said once for each new set of files."""
    found = newly_saved_code(kept.code_said, SHOW_SAVED)
    if found is not None:
        kept.code_said, shown = found
        say(_("the generator's code was saved since the watch started ({files}): the watch builds with the code it "
              "started with; stop it (Ctrl+C) and start it again to build with the new code").format(files=shown))


def settle(kept: KeptInMemory, stopping: Stopping | None = None) -> None:
    """After a build, while the contributor edits: the caches saved on disk (the build put it off, its files
    written and named: 0.3 s on the national atlas), its garbage collected, and what the process keeps (the
    sheets' memo, the page cache, the scores) set out of the cyclic collector's reach, so that the next build's
    collections do not walk it (0.2 s, spent here rather than in the next build)."""
    stopping = stopping or Stopping()
    try:
        kept.run_later()
    except AtlasError as error:  # a full disk: said; the next build starts from the files as they are
        kept.later.clear()
        say(f"atlas build: {error}")
    follow_folders(kept)
    stopping.holding = True
    try:
        gc.collect()
        gc.freeze()
    finally:
        gc.enable()  # (a build after the first ran without it: `build_once`)
        stopping.holding = False
    if stopping.is_set():
        raise KeyboardInterrupt


def follow_folders(kept: KeptInMemory) -> None:
    """The docs folder and the sheets folder followed from the end of the first build (the docs folder: of the
    first that wrote it whole), or anew after a follower lost track (generator.folder_changes): the next builds
    look only at the files touched since."""
    from generator.sheets import find_sheets

    if kept.follow_refused:
        return
    stamp = kept.stamp
    try:
        if _to_follow(kept.docs_changes) and stamp is not None and isinstance(stamp.get("files"), dict):
            kept.docs_changes = _follow_anew(kept.docs_changes, Path(stamp["docs"]), stamp["files"])
        if _to_follow(kept.sheets_changes) and kept.listing is not None:
            root, tree = kept.listing
            start = os.path.join(root, "")
            follower = kept.sheets_changes = _follow_anew(kept.sheets_changes, Path(root), {
                where[len(start):].replace(os.sep, "/"): [status.st_size, status.st_mtime_ns]
                for where, status in tree.states.items() if where.startswith(start)})
            # a sheet added or removed between the build's walk and the follow: no event tells it, a walk does
            if follower is not None and _listed(find_sheets(Path(root))) != _listed(tree):
                follower.lost = True
    except OSError as error:
        if not refused_by_limit(error):
            raise
        # not tried again while the watch runs: each try walks both folders (36,500 files on the national atlas)
        kept.follow_refused = True
        for follower in (kept.docs_changes, kept.sheets_changes):
            if follower is not None:
                follower.close()
        kept.docs_changes = kept.sheets_changes = None
        say(limit_reached(error.errno, _("each build looks at every file of the docs folder and of the sheets "
                                         "folder, a little more slowly")))


def _to_follow(follower: FolderChanges | None) -> bool:
    return follower is None or follower.lost


def _follow_anew(old: FolderChanges | None, folder: Path, states: Mapping[str, Sequence[int]]) -> FolderChanges | None:
    """A new follower of `folder` (`old`, which lost track, stopped)."""
    from generator.folder_changes import FolderChanges

    if old is not None:
        old.close()
    return FolderChanges.follow(folder, states)


def _listed(tree: Tree) -> tuple[list[str], list[str]]:
    return [sheet.absolute() for sheet in tree.files], [problem.text() for problem in tree.walked]


def _next_saves(saves: queue.Queue[set[Path]], stopping: Stopping) -> set[Path]:
    """The files saved since the last build: waits for one save, then takes every other already told."""
    while True:
        if stopping.is_set():
            raise KeyboardInterrupt
        try:  # a timeout, so that Ctrl+C is not held up by the wait
            files = set(saves.get(timeout=0.5))
            break
        except queue.Empty:
            continue
    while True:
        try:
            files |= saves.get_nowait()
        except queue.Empty:
            return files


def _saved_line(files: set[Path]) -> str:
    """The line that starts a build: the saved files, as the contributor knows them (an editor's temporary
    files, gone by now, without a known suffix, are left out), the first few named."""
    names = sorted(str(path) for path in files if path.exists() or path.suffix in KNOWN_SUFFIXES) or \
        sorted(str(path) for path in files)
    named = ", ".join(names[:SHOW_SAVED])
    more = len(names) - SHOW_SAVED
    if more > 0:
        named += " " + ngettext("and {count} other file", "and {count} other files", more).format(count=number(more))
    return ngettext("saved: {files}", "saved: {files}", len(names)).format(files=named)
