"""`atlas serve`: a local preview on 127.0.0.1 that follows the sheets as they are saved.

The docs folder is generated once, then the preview's site engine (generator.serve_engine: MkDocs'
development server with the built site kept in memory, live reload) serves it. A watchdog observer
follows `territories/`, `content/`, the page templates and the mkdocs.yml in use (saved: read again, every
page made again and the engine's configuration written again), from before the first generation (a save
made during it is made right after): when a file is saved, the atlas is loaded
again through the sheets kept in memory (`load.SheetMemo`: only the saved sheets are read and checked;
the checks across sheets run on the whole atlas) and the pages that show a changed sheet are made again
(see `Regenerator`; the French edition, which the preview shows); only the files whose bytes changed are
written (`generator.outputs.write_tree`), and the engine is told which, so it renders only those pages
and reloads the browser (the saved sheet's own page first). A sheet with errors is reported and the preview
keeps the last good pages. Figures: benchmarks/bench_serve.py, benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

from generator.build import generate_docs
from generator.collector import BUILD_THRESHOLDS, thresholds
from generator.engine import engine_config, source_date_epoch, stop_processes
from generator.errors import AtlasError
from generator.faults import FolderLock, child_options, pid_alive, writing
from generator.i18n import _, decimal, ngettext, number
from generator.load import SheetMemo, load_atlas
from generator.model import Atlas
from generator.outputs import write_atomic, write_tree
from generator.page_code import newly_saved_code
from generator.pages import hub_path, territory_path
from generator.search import engine_search_config
from generator.site import ROOT, PageCache, draw_site_pictures, picture_outputs, read_site_config, sheet_pages_alone
from generator.watcher import config_files, interrupt, watch_files, watched_folders

FIRST_MAX = 4  # saved sheets whose own pages are shown before the rest; more (a folder copied in): all at once


class Regenerator:
    """Loads the atlas and writes the docs folder; called once at start and after each save.

    After the first run, a save regenerates only the territory and hub pages that show a changed
    sheet: the pages whose declared sources (`Output.sources`, this run's or the previous run's)
    name a sheet whose content changed, and the pages whose pictures changed. The pages made from
    every sheet (home, indexes, comparisons, quality, open data) are made again unless the page
    cache holds them for what they read (generator.page_cache). A change that reaches every page
    (vocabulary, shared sources, a sheet added or removed, content/ or the templates) regenerates
    everything, in both editions; a save of a sheet leaves the English edition's files as they were
    (the preview shows the French one; `atlas build` makes them again).
    """

    def __init__(self, territories: Path, docs_dir: Path, content_dir: Path, config: dict[str, Any],
                 say: Callable[[str], None]) -> None:
        self.territories = territories
        self.docs_dir = docs_dir
        self.content_dir = content_dir
        self.config = config
        self.say = say
        self.lock = threading.Lock()
        self.as_of = None
        self.previous: Atlas | None = None
        self.picture_signatures: dict[str, tuple] = {}
        self.sources: dict[str, tuple[str, ...]] = {}
        self.pages_made = 0
        self.saves = 0  # runs after a save (run_saved), for the collector's rhythm
        self.code_said: tuple[str, ...] = ()  # the generator's files said to be saved since the preview started
        self.page_cache = PageCache(docs_dir)  # kept between saves: the pages' keys stay in memory
        self.memo = SheetMemo()  # the sheets as read and checked: a save reads and checks only what changed
        self.written: list[str] = []  # docs paths written or removed by the last run (told to the engine)
        # told the docs paths written before a save's run ends: the saved sheets' own pages, then the other
        # pages (`atlas serve`: the engine renders them while the data files are made)
        self.early: Callable[[list[str]], None] | None = None

    def run_first(self) -> bool:
        """The first run, then what it leaves (the sheets as read, the model, the caches' keys: millions of
        objects) kept for the whole preview out of the cyclic collector's reach: a save's garbage collections no
        longer walk it (2.7 -> 2.3 CPU s per save on the national atlas). Freed objects are still freed: only the
        detection of cycles skips them."""
        done = self.run()
        gc.collect()
        gc.freeze()
        return done

    def run_saved(self, changed_files: Iterable[Path]) -> bool:
        """A run after a save, as the preview makes it (benchmarks/bench_regenerate.py times this): the collector
        seldom during it (generator.collector), then what the save made and keeps (the new model, the caches'
        keys) joins the first run's out of the collector's reach: at Python's thresholds each save ran 2 to 4 full
        collections over them (0.2 of 1.8 CPU s on the national atlas). Garbage cycles frozen meanwhile are
        collected every COLLECT_EVERY saves. The generator's own files saved since the start are said once for
        each new set of them: the preview runs the code it imported (generator.page_code)."""
        found = newly_saved_code(self.code_said)
        if found is not None:
            self.code_said, shown = found
            self.say(_("the generator's code was saved since the preview started ({files}): the preview builds with "
                       "the code it started with; stop it (Ctrl+C) and start it again to build with the new "
                       "code").format(files=shown))
        with thresholds(BUILD_THRESHOLDS):
            done = self.run(changed_files)
        self.saves += 1
        if self.saves % COLLECT_EVERY == 0:
            gc.unfreeze()
            gc.collect()
        gc.freeze()
        return done

    def run(self, changed_files: Iterable[Path] | None = None) -> bool:
        """Regenerate; True when the docs folder is up to date with the sheets.

        `changed_files` are the files the watcher saw change (None: unknown, regenerate everything).
        """
        try:
            return self._run(changed_files)
        except AtlasError as error:  # a full disk, a read-only folder: said, and the preview goes on
            self.say(_("{error}; the preview keeps the last good pages").format(error=error))
            return False

    def _run(self, changed_files: Iterable[Path] | None) -> bool:
        changed_files = None if changed_files is None else list(changed_files)
        with self.lock, FolderLock(self.docs_dir).acquire(wait=True, say=self.say):
            # the docs folder's lock, taken for the time of one regeneration: a build running on
            # the same folder is waited for, never written over
            started = time.perf_counter()
            atlas, report = load_atlas(self.territories, memo=self.memo, changed=changed_files or ())
            if atlas is None:
                self.say(report.format("text"))
                self.say(ngettext("{count} error: the preview keeps the last good pages",
                                  "{count} errors: the preview keeps the last good pages",
                                  len(report.errors)).format(count=number(len(report.errors))))
                return False
            self.as_of = atlas.as_of
            # each picture's spec kept with the sheets it read (generator.pictures.kept): a save specifies
            # again only the pictures of what changed
            pictures = draw_site_pictures(atlas, Path(".cache/pictures"), None, progress=False,
                                          territories_dir=self.territories)
            signatures = {key: _signature(pic) for key, pic in pictures.items()}
            found = self._wanted(atlas, signatures, changed_files)
            wanted = found[0] if found is not None else None
            early: list[str] = []
            if found is not None and self.early is not None:
                early += self._show_first(atlas, pictures, found[1], found[2], started)
            self.pages_made = 0

            def counted(path: str, sources: set[str]) -> bool:
                keep = wanted is None or wanted(path, sources)
                self.pages_made += keep
                return keep

            with writing(self.docs_dir, _("the docs folder")):
                stats = generate_docs(atlas, self.territories, self.docs_dir, self.content_dir, self.config,
                                      pictures, quiet=True, wanted=None if wanted is None else counted,
                                      cache=self.page_cache, english=False,  # French only, unless every page
                                      pages_written=self._told(early) if self.early is not None else None)
            if wanted is None:
                self.pages_made = len(atlas.territories) + len(atlas.hubs)
                self.sources = dict(stats.sources)
            else:
                self.sources.update(stats.sources)
            self.previous, self.picture_signatures = atlas, signatures
            told = self.early is not None and wanted is not None  # every file written told already
            self.written = [] if told else [*stats.written, *stats.removed]  # to tell the engine
            scope = _("every page") if wanted is None else ngettext(
                "{count} territory or hub page", "{count} territory or hub pages", self.pages_made).format(
                count=number(self.pages_made))
            count = len(early) if told else len(stats.written)
            written = ngettext("{count} file written", "{count} files written", count).format(count=number(count))
            self.say(_("regenerated {scope} in {seconds} s: {written}, {removed} removed, {unchanged} "
                       "unchanged").format(scope=scope, seconds=decimal(time.perf_counter() - started), written=written,
                removed=number(len(stats.removed)), unchanged=number(len(stats.unchanged))))
            return True

    def _told(self, early: list[str]) -> Callable[[list[str]], None]:
        """What `generate_docs` calls with the files it wrote (the pages before the data files are made, then the
        others before the page cache is saved): noted in `early` and told at once."""
        def tell(written: list[str]) -> None:
            early.extend(written)
            if written and self.early is not None:
                self.early(written)
        return tell

    def _show_first(self, atlas: Atlas, pictures: dict[str, Any], edited: list[tuple[str, str]], redrawn: set[str],
                    started: float) -> list[str]:
        """Write the saved sheets' own pages (and the pictures drawn again) before the other pages, and tell
        `early`: the author sees the page of the hub they edited as soon as it is made, while the lists, the
        indexes and the territories' pages that name it follow (on the France-scale tree, 4,000 hubs: the
        hub's page about 2 s after the save, every page 5 to 6.5 s). The full regeneration after it makes
        these pages again, to the same bytes (so they are not written twice)."""
        if not edited or len(edited) > FIRST_MAX:
            return []
        with writing(self.docs_dir, _("the docs folder")):
            outs = sheet_pages_alone(atlas, self.territories, self.content_dir, self.config, pictures, edited)
            stats = write_tree([*outs, *picture_outputs({key: pictures[key] for key in redrawn})], self.docs_dir,
                               partial=True)
        if stats.written and self.early is not None:
            self.early(stats.written)
            self.say(_("first: {pages}, in {seconds} s; the other pages follow").format(
                pages=", ".join(out.path for out in outs), seconds=decimal(time.perf_counter() - started)))
        return stats.written

    def _wanted(self, atlas: Atlas, signatures: dict[str, tuple], changed_files: Iterable[Path] | None
                ) -> tuple[Callable[[str, set[str]], bool], list[tuple[str, str]], set[str]] | None:
        """Which territory and hub pages to make again, with the sheets whose record changed (("h" or "t", id),
        hubs first) and the pictures drawn again; None for all of them."""
        old = self.previous
        if old is None or changed_files is None:
            return None
        root = self.territories.resolve()
        if any(root not in Path(f).resolve().parents for f in changed_files):
            return None  # content/, the templates or the theme: every page
        if (set(old.territories) != set(atlas.territories) or set(old.hubs) != set(atlas.hubs)
                or old.vocabulary != atlas.vocabulary or old.sources != atlas.sources or old.as_of != atlas.as_of):
            return None
        edited = [("h", hid) for hid, hub in atlas.hubs.items() if old.hubs[hid] != hub]
        edited += [("t", tid) for tid, territory in atlas.territories.items() if old.territories[tid] != territory]
        records = {"h": (atlas.hubs, old.hubs), "t": (atlas.territories, old.territories)}
        changed = {sheets[record_id].path for kind, record_id in edited for sheets in records[kind]}  # now, before
        redrawn = {key for key, sig in signatures.items() if self.picture_signatures.get(key) != sig}
        forced = set()
        for key in redrawn:
            kind, _sep, rest = key.partition("/")
            owner = rest.split("/", 1)[0]
            if kind == "territory" and owner in atlas.territories:
                forced.add(territory_path(owner))
                # a hub without coordinates shows its territory's locator on its page
                forced.update(hub_path(h) for h in atlas.hubs_by_territory.get(owner, ()))
            elif kind == "hub" and owner in atlas.hubs:
                forced.add(hub_path(owner))
        previous = self.sources

        def wanted(page: str, sources: set[str]) -> bool:
            return page in forced or not changed.isdisjoint(sources) or not changed.isdisjoint(previous.get(page, ()))

        return wanted, edited, redrawn


COLLECT_EVERY = 10  # saves between two full collections of what the preview froze (atlas serve)


def _signature(picture: Any) -> tuple:
    """What a page shows of a picture: its file, caption, alt text, data table and legend — told by its cache
    key when it has one (a hash of its spec, words included, and of the code that drew it), so that a save does
    not read the drawings and words of the 18,000 kept pictures back from the cache to compare them."""
    digest = getattr(picture, "digest", "")
    if digest:
        return (picture.filename, digest)
    return (picture.filename, picture.svg, picture.title, picture.alt, picture.table_headers, picture.table_rows,
            getattr(picture, "legend", ()))


SERVE_PREFIX = "atlas-serve-"


def _remove_stale_serve_folders() -> None:
    """The temporary folders of previews that were killed (their process is gone)."""
    for path in Path(tempfile.gettempdir()).glob(f"{SERVE_PREFIX}*-*"):
        pid = path.name[len(SERVE_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not pid_alive(int(pid)) and path.is_dir() and not path.is_symlink():
            import shutil
            shutil.rmtree(path, ignore_errors=True)


def _check_port_free(host: str, port: int) -> None:
    """One clear message when the port is taken, instead of the server's traceback later."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            raise AtlasError(_("port {port} is already in use on {host}; stop the other server or choose another "
                               "port with {option}").format(port=port, host=host,
                                                            option=f"--port {port + 1}")) from None


def run_serve(args: argparse.Namespace) -> int:
    """`atlas serve`: generate, serve with live reload, regenerate on save; Ctrl+C stops."""
    host = str(args.host)
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise AtlasError(_("the preview listens only on this computer; use {option} (not {host})").format(
            option="--host 127.0.0.1", host=host))
    territories: Path = args.territories
    if not territories.is_dir():
        raise AtlasError(_("no sheets folder {folder}; run from the repository root or pass {option}").format(
            folder=territories, option="--territories DIR"))
    docs_dir: Path = args.docs_dir
    content_dir: Path = getattr(args, "content_dir", None) or ROOT / "content"
    config = getattr(args, "site_config", None) or read_site_config()  # the project's (generator.project)

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    _check_port_free(host, int(args.port))
    config_file = config_files(args)[0]
    read_config: Callable[[], dict[str, Any]] | None = getattr(args, "site_config_of", None)
    engine: list[subprocess.Popen] = []  # the site engine, once started: told what each regeneration wrote
    engine_config: list[Path] = []  # the engine's mkdocs.yml (preview_config), written again when mkdocs.yml is saved
    telling = threading.Lock()
    saving = threading.Lock()  # one save at a time: the configuration read again, then the pages made
    started = threading.Event()  # the engine runs (or the preview ended): a save told before waits for it
    ended: list[bool] = []

    def reconfigure() -> bool:
        """mkdocs.yml saved: read again, for the pages (edit links, address) and for the engine (nav, name)."""
        if read_config is None:
            return False
        try:
            regen.config = read_config()
        except AtlasError as error:  # said; the pages and the engine keep the configuration they had
            say(_("{error}; the preview keeps the last good pages").format(error=error))
            return False
        if engine_config:
            _write_preview_config(engine_config[0], regen.config, docs_dir)
        return True

    def regenerate(files: set[Path]) -> None:
        # a save during the first generation (a minute on the national atlas) is followed already: made
        # after it, once the engine is there to be told
        started.wait()
        if ended:
            return
        with saving:
            others = {path for path in files if path.absolute() != config_file.absolute()}
            configured = others != files and reconfigure()
            if others == set() and not configured:
                return  # mkdocs.yml alone, and it cannot be read (said): the pages stay as they are
            done = regen.run_saved(files)
            if engine and configured:
                _tell(engine[0], None, telling)  # every page built again, by the new configuration
            elif done and engine and regen.written:
                _tell(engine[0], regen.written, telling)

    regen = Regenerator(territories, docs_dir, content_dir, config, say)

    def tell_early(written: list[str]) -> None:
        if engine:
            _tell(engine[0], written, telling)

    regen.early = tell_early
    # followed from before the first generation; its own writes, into the docs folder, are not told
    observer = watch_files(watched_folders(territories, content_dir), regenerate, files=[config_file],
                           ignored=[docs_dir], say=say)
    try:
        if not regen.run_first():
            raise AtlasError(_("the sheets have errors; fix them (see above) and run `{command}` again").format(
                command="atlas serve"))
        _remove_stale_serve_folders()
        with tempfile.TemporaryDirectory(prefix=f"{SERVE_PREFIX}{os.getpid()}-") as tmp:
            config_path = Path(tmp) / "mkdocs.yml"
            _write_preview_config(config_path, regen.config, docs_dir)
            engine_config.append(config_path)
            command = [sys.executable, "-m", "generator.serve_engine", str(config_path), f"{host}:{int(args.port)}"]
            # NO_MKDOCS_2_WARNING: mkdocs-material's end-of-life banner, said once in the README, not on each start
            env = dict(os.environ, SOURCE_DATE_EPOCH=source_date_epoch(regen.as_of), NO_MKDOCS_2_WARNING="1")
            say(_("preview on {url} (Ctrl+C to stop); watching {sheets}, {content} and {config}").format(
                url=f"http://{host}:{int(args.port)}/", sheets=territories, content=content_dir, config=config_file))
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.PIPE,
                                       **child_options())  # dies with us
            engine.append(process)
            # `kill` (SIGTERM) stops the preview like Ctrl+C: the MkDocs server must not outlive it
            previous = signal.signal(signal.SIGTERM, interrupt)
            try:
                started.set()
                return process.wait()
            except KeyboardInterrupt:
                return 130
            finally:
                signal.signal(signal.SIGTERM, previous)
                ended.append(True)
                stop_processes([process], grace=10)
    finally:
        ended.append(True)
        started.set()  # a save told meanwhile: nothing more to make
        observer.stop()


def _write_preview_config(path: Path, config: dict[str, Any], docs_dir: Path) -> None:
    """The engine's configuration, written whole through a temporary file: the engine that follows it (mkdocs
    serve, properdocs serve, zensical serve: each reads a file replaced so, checked) never reads half of it."""
    text = yaml.safe_dump(preview_config(config, docs_dir, path.parent / "site"), allow_unicode=True, sort_keys=False)
    write_atomic(path, text.encode("utf-8"))


def preview_config(config: dict[str, Any], docs_dir: Path, site_dir: Path) -> dict[str, Any]:
    """The engine's configuration for the preview: the published one (generator.engine) without what only
    a published site needs: no search index (Pagefind's page script is kept, so the page is the page
    as published; its index is made by `atlas build`), no stop on a warning while editing."""
    derived = engine_config(engine_search_config(config, "pagefind"), docs_dir, site_dir)
    derived["strict"] = False  # a warning while editing must not stop the preview
    # the generated pages are reached through the indexes, not the nav: no list of them on each save
    derived["validation"] = {**(derived.get("validation") or {}), "omitted_files": "ignore"}
    return derived


def _tell(process: subprocess.Popen, written: list[str] | None, lock: threading.Lock) -> None:
    """Tell the site engine (generator.serve_engine) which files of the docs folder changed (None: its
    configuration changed, every page is built again)."""
    message = {"all": True, "config": True} if written is None else {"changed": written}
    line = json.dumps(message, ensure_ascii=False) + "\n"
    with lock:
        try:
            if process.poll() is None and process.stdin is not None:
                process.stdin.write(line.encode("utf-8"))
                process.stdin.flush()
        except OSError:  # the engine stopped: the preview's end says so
            pass
