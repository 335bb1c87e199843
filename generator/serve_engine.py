"""The preview's site engine: MkDocs' development server with the built site kept in memory.

`mkdocs serve --dirty` polls the docs folder every half second (22,000 files on the national
atlas, a steady load of its own) and, after each change, reads the configuration and the theme
again, lists every file (and the 14,000 of the theme), builds the navigation and the page objects
of every page anew, then renders the pages whose file is newer. Here (`python -m
generator.serve_engine CONFIG HOST:PORT`, started by `atlas serve`) the first build is MkDocs' own;
the files, the navigation, the theme's templates and every page as rendered are kept; the docs
folder is not watched: `atlas serve` says on stdin which files it wrote (one JSON line after each
regeneration) and only those pages are read and rendered again, then the browsers reload. The
result is what a full build gives for those pages (the other pages keep their titles for the
navigation, which a dirty build loses). A file added or removed, a page of the navigation whose
title changed, many files at once, or a plugin other than the ones whose work is per page, and
the whole site is built again as `mkdocs serve --dirty` did.

MkDocs' server is used through its own classes (pinned to MkDocs 1.x in pyproject.toml); if they
are not what this module expects, it falls back to `mkdocs serve --dirty`. Messages are MkDocs'
log lines, like the ones its server writes around them.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from typing import Any

log = logging.getLogger("mkdocs.commands.serve")

INCREMENTAL_MAX = 400  # more files written at once (a template edited): one build of the whole site
# plugins whose events are only per page, so that rendering a few pages again is what they would do:
# none known yet (the preview leaves the search plugin out); any other plugin: the whole build
PER_PAGE_PLUGINS: frozenset[str] = frozenset()


class Engine:
    """One MkDocs site kept between builds; `build` is the server's builder (its own thread)."""

    def __init__(self, config_file: str, site_dir: str, dev_addr: str) -> None:
        from mkdocs.config import load_config

        self.config_file, self.site_dir, self.dev_addr = config_file, site_dir, dev_addr
        self._load_config = load_config
        self.lock = threading.Lock()
        self.pending: set[str] | None = None  # docs paths written since the last build; None: all
        self.config: Any = None
        self.files: Any = None
        self.nav: Any = None
        self.env: Any = None
        self.serve_url = ""
        self.built = False  # the site folder holds a whole build: later ones may be dirty
        # the configuration changed since the last whole build began (`request`): the next is not a dirty one
        self.reconfigured = False
        self.carried: set[int] = set()  # pages of the navigation whose title came from the build before

    def new_config(self) -> Any:
        config = self._load_config(config_file=self.config_file, site_dir=self.site_dir, dev_addr=self.dev_addr)
        if self.serve_url:
            config.site_url = self.serve_url
        return config

    def request(self, paths: Iterable[str] | None, config: bool = False) -> None:
        """Files written into the docs folder (None: anything may have changed) for the next build; `config`:
        the configuration changed (its nav, its name: on every page), so the next build is not a dirty one."""
        with self.lock:
            if config:
                self.reconfigured = True
            if paths is None or self.pending is None:
                self.pending = None
            else:
                self.pending.update(paths)

    def take(self) -> set[str] | None:
        with self.lock:
            pending, self.pending = self.pending, set()
            return pending

    def build(self) -> None:
        started = time.monotonic()
        changed = self.take()
        if changed is not None and self.config is not None:
            try:
                done = self._incremental(changed)
            except Exception as error:  # a page that fails here fails in the whole build too: said there
                log.debug(f"rendering the written pages failed ({error}); building the whole site")
                done = None
            if done is not None:
                log.info(f"Documentation built in {time.monotonic() - started:.2f} seconds ({done} pages)")
                return
        self._full()

    def _full(self) -> None:
        """MkDocs' own build (dirty after the first), keeping its files, navigation and templates."""
        from mkdocs.commands.build import build
        from mkdocs.plugins import BasePlugin, event_priority

        engine = self
        titles = {page.file.src_uri: page.title for page in self.nav.pages} if self.nav is not None else {}

        class Keep(BasePlugin):  # type: ignore[type-arg]
            @event_priority(-100)
            def on_nav(self, nav: Any, *, config: Any, files: Any) -> Any:
                # a dirty build reads only the pages whose file is newer: the others keep the titles
                # the navigation showed (a dirty build of MkDocs alone would show none)
                engine.carried = set()
                for page in nav.pages:
                    title = titles.get(page.file.src_uri)
                    if title and page.title is None and not page.file.is_modified():
                        page.title = title
                        engine.carried.add(id(page))
                engine.nav, engine.files = nav, files
                return nav

            @event_priority(-100)
            def on_env(self, env: Any, *, config: Any, files: Any) -> Any:
                engine.env, engine.files = env, files
                return env

            @event_priority(-100)
            def on_post_page(self, output: str, *, page: Any, config: Any) -> str:
                # the built site's post-pass (French no-break spaces, whitespace): the preview shows what
                # `atlas build` publishes, about 2 ms a page rendered
                from generator.html_whitespace import squeeze

                return squeeze(output, spacing=True)

        with self.lock:  # a configuration told from now on (its file read below, or not yet) is the next build's
            dirty, self.reconfigured = self.built and not self.reconfigured, False
        config = self.new_config()
        config.plugins["atlas-preview"] = Keep()
        self.config = None  # until this build is through
        try:
            build(config, serve_url=self.serve_url or None, dirty=dirty)
        except BaseException:
            if not dirty:  # the next build is a whole one again
                with self.lock:
                    self.reconfigured = True
            raise
        self.config, self.built = config, True

    def _incremental(self, changed: set[str]) -> int | None:
        """Read and render again the pages written, copy the other files, add and remove files; None:
        build the whole site instead."""
        from mkdocs.commands.build import _build_page, _populate_page
        from mkdocs.structure.files import File, InclusionLevel, set_exclusions
        from mkdocs.structure.pages import Page

        config, files, nav, env = self.config, self.files, self.nav, self.env
        if files is None or nav is None or env is None or len(changed) > INCREMENTAL_MAX:
            return None
        if any(name not in PER_PAGE_PLUGINS for name in config.plugins if name != "atlas-preview"):
            return None  # a plugin may gather from every page (an index, a list): the whole build
        in_nav = {id(page) for page in nav.pages}
        pages, others, gone = [], [], []
        for path in sorted(changed):
            found = files.get_file_from_path(path)
            exists = os.path.isfile(os.path.join(config.docs_dir, path))
            if found is None and exists:  # a new file (a hub added): into the list, not into the navigation
                found = File(path, config.docs_dir, config.site_dir, config.use_directory_urls)
                set_exclusions([found], config)
                if any(other.dest_uri == found.dest_uri for other in files):
                    return None  # README.md beside index.md: MkDocs' own rule
                files.append(found)
                if found.is_documentation_page():
                    Page(None, found, config)
            elif found is not None and not exists:
                if found.page is not None and id(found.page) in in_nav:
                    return None
                gone.append(found)
                continue
            if found is None or not found.inclusion.is_in_serve():
                continue  # not part of the site (the English edition): nothing to do
            (pages if found.is_documentation_page() else others).append(found)
        for file in pages:
            page = file.page
            if id(page) in self.carried:  # its own title again, from its text
                self.carried.discard(id(page))
                title = page.__dict__.pop("title", None)
            else:
                title = page.title
            _populate_page(page, config, files)
            if id(page) in in_nav and page.title != title:
                return None  # the navigation shows this title on every page
        for file in gone:
            files.remove(file)
            with contextlib.suppress(OSError):
                os.remove(file.abs_dest_path)
        for file in others:
            file.copy_file()
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        for file in pages:
            _build_page(file.page, config, doc_files, nav, env, excluded=file.inclusion.is_excluded())
        level = config.validation.links.anchors
        for file in pages:
            file.page.validate_anchor_links(files=files, log_level=level)
        return len(pages) + len(gone)


def _follow_stdin(engine: Engine, server: Any) -> None:
    """One JSON line per regeneration: {"changed": [docs paths]}, {"all": true}, or {"all": true, "config": true}
    (mkdocs.yml saved: read again, every page rendered); end of input: stop."""
    for line in sys.stdin:
        try:
            message = json.loads(line)
        except ValueError:
            continue
        engine.request(None if message.get("all") else [str(p) for p in message.get("changed", ())],
                       config=bool(message.get("config")))
        with server._rebuild_cond:
            server._want_rebuild = True
            server._rebuild_cond.notify_all()
    server.shutdown()


# what this module drives on MkDocs' server, its methods and the attributes its __init__ sets
DRIVEN = ("serve", "shutdown", "server_close", "_rebuild_cond", "_want_rebuild", "_watched_paths", "build_delay",
          "error_handler")


def _fits(server: Any) -> bool:
    """MkDocs' server, once made, has the parts this module drives (else: `mkdocs serve --dirty`)."""
    return all(hasattr(server, name) for name in DRIVEN)


def serve(config_file: str, dev_addr: str) -> int:
    from urllib.parse import urlsplit

    from mkdocs.livereload import LiveReloadServer, _serve_url

    site_dir = tempfile.mkdtemp(prefix="mkdocs_")
    engine = Engine(config_file, site_dir, dev_addr)
    config = engine.new_config()
    host, port = config.dev_addr
    engine.serve_url = _serve_url(host, port, urlsplit(config.site_url or "/").path)
    server = LiveReloadServer(builder=engine.build, host=host, port=port, root=site_dir,
                              mount_path=urlsplit(config.site_url or "/").path)
    if not _fits(server):  # another MkDocs than the 1.6 this was written against: its own preview
        import shutil

        from mkdocs.__main__ import cli

        if hasattr(server, "server_close"):
            server.server_close()  # the port, for MkDocs' own server
        shutil.rmtree(site_dir, ignore_errors=True)
        sys.argv = ["mkdocs", "serve", "--dirty", "--no-strict", "-f", config_file, "--dev-addr", dev_addr]
        cli()
        return 0

    def error_page(code: int) -> bytes | None:
        path = os.path.join(site_dir, f"{code}.html")
        if code in (404, 500) and os.path.isfile(path):
            with open(path, "rb") as handle:
                return handle.read()
        return None

    server.error_handler = error_page
    server.build_delay = 0.0  # MkDocs waits for a quiet folder; atlas serve says once, when it has written
    try:
        engine.build()
        # the live-reload script goes into the pages only when something is watched; atlas serve
        # watches the sheets and says what it wrote, so MkDocs polls nothing itself
        server._watched_paths[config.docs_dir] = 1
        threading.Thread(target=_follow_stdin, args=(engine, server), daemon=True).start()
        try:
            server.serve()
        except KeyboardInterrupt:
            log.info("Shutting down...")
        finally:
            server.shutdown()
    finally:
        import shutil

        shutil.rmtree(site_dir, ignore_errors=True)
    return 0


def main(argv: list[str]) -> int:
    # MkDocs' own log format, and without its warning that a dirty build may show stale navigation
    from mkdocs.__main__ import ColorFormatter

    handler = logging.StreamHandler()
    handler.setFormatter(ColorFormatter())
    root = logging.getLogger("mkdocs")
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    root.propagate = False
    logging.getLogger("mkdocs.commands.build").addFilter(lambda record: "'dirty' build" not in record.getMessage())
    return serve(argv[0], argv[1])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
