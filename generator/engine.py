"""The site engines run on a generated docs folder: MkDocs, ProperDocs or Zensical in a child process
(their configuration written beside the docs, SOURCE_DATE_EPOCH set, a full disk or a crash told in
plain words), both editions built into a folder aside and swapped in whole, so a failed build
leaves the previous site in place.
"""

from __future__ import annotations

import contextlib
import errno
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from calendar import timegm
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from generator.editions import english_config, english_docs
from generator.errors import AtlasError
from generator.faults import (
    child_options,
    fs_error,
    stop_if_asked,
    temporary_name,
    worker_pool,
    writing,
)
from generator.html_whitespace import Squeezed, chunks, site_pages, squeeze_files, squeeze_site
from generator.i18n import N_, _
from generator.model import Atlas
from generator.search import engine_search_config, run_pagefind, search_mode
from generator.site import (
    ROOT,
    read_site_config,
)

PDF_DIR = "pdf"
SITE_MARKER = ".atlas-site"


def say(message: str, quiet: bool = False) -> None:
    if not quiet:
        print(message, file=sys.stderr, flush=True)


ENGINES = ("mkdocs", "zensical", "properdocs")  # the site engines that read mkdocs.yml


def source_date_epoch(day: date) -> str:
    """SOURCE_DATE_EPOCH for the engine: midnight UTC of the atlas date (reproducible builds)."""
    return str(timegm(day.timetuple()))


def engine_config(config: dict[str, Any], docs_dir: Path, site_dir: Path, config_dir: Path = ROOT) -> dict[str, Any]:
    """mkdocs.yml with absolute docs, site and theme folders, so it can live in a temporary file."""
    derived = dict(config)
    derived["docs_dir"] = str(docs_dir.resolve())
    derived["site_dir"] = str(site_dir.resolve())
    theme = dict(derived.get("theme") or {})
    if theme.get("custom_dir"):
        theme["custom_dir"] = str((config_dir / theme["custom_dir"]).resolve())
    derived["theme"] = theme
    if not derived.get("repo_url"):
        derived.pop("edit_uri", None)  # an edit path without a repository is a warning (strict fails)
    if "nav" in derived:
        derived["nav"] = _existing_nav(derived["nav"], docs_dir)
    return derived


def _existing_nav(items: Any, docs_dir: Path) -> Any:
    """The nav without the hand-written pages that content/ does not have (yet)."""
    out = []
    for item in items:
        if isinstance(item, str):
            if "://" in item or (docs_dir / item).is_file():
                out.append(item)
        elif isinstance(item, dict):
            kept = {}
            for title, value in item.items():
                if isinstance(value, list):
                    sub = _existing_nav(value, docs_dir)
                    if sub:
                        kept[title] = sub
                elif isinstance(value, str) and ("://" in value or (docs_dir / value).is_file()):
                    kept[title] = value
            if kept:
                out.append(kept)
    return out


@dataclass
class EngineRun:
    """One engine process to run: the edition it builds, its command, where it writes."""

    edition: str  # "fr" or "en": named in its error
    engine: str
    command: list[str]
    env: dict[str, str]
    cwd: Path
    built: Path  # where the engine writes the site
    site_dir: Path  # where the site must be once built (`built`, or where it is moved)

    def finish(self) -> None:
        """After a successful run: the site where it belongs (Zensical builds inside its project)."""
        if self.built != self.site_dir:
            shutil.move(str(self.built), str(self.site_dir))


EDITIONS = {"fr": N_("the French edition"), "en": N_("the English edition")}


def _not_installed(engine: str) -> AtlasError:
    name, command = {"properdocs": ("ProperDocs", "pip install properdocs"),
                     "zensical": ("Zensical", "pip install zensical")}[engine]
    return AtlasError(_("{engine} is not installed; install it with `{command}`, or build with the default "
                        "engine (`{option}`)").format(engine=name, command=command, option="--engine mkdocs"))


@contextlib.contextmanager
def prepared(engine: str, config: dict[str, Any], docs_dir: Path, site_dir: Path, as_of: date,
             work_dir: Path, edition: str = "fr") -> Iterator[EngineRun]:
    """The engine's configuration written and its command made, for `docs_dir` into `site_dir` (which must
    not exist yet); what the run leaves beside the docs (Zensical's configuration) removed afterwards.

    The configuration goes into `work_dir` (the build's own temporary folder beside the site, removed
    with it), one file per edition, so both editions can be built at once.
    """
    env = dict(os.environ, SOURCE_DATE_EPOCH=source_date_epoch(as_of), PYTHONHASHSEED="0", NO_MKDOCS_2_WARNING="1")
    name = "mkdocs.yml" if edition == "fr" else f"mkdocs.{edition}.yml"
    if engine in ("mkdocs", "properdocs"):
        if engine == "properdocs" and importlib.util.find_spec("properdocs") is None:
            raise _not_installed(engine)
        config_path = work_dir.resolve() / name  # the engine runs in another folder
        _write_config(config_path, engine_config(config, docs_dir, site_dir))
        # Never -q with --strict: a quiet strict build exits 0 on warnings (mkdocs/mkdocs#4126).
        # ProperDocs (the maintained fork of MkDocs 1.x) reads the same configuration and themes.
        yield EngineRun(edition, engine, [sys.executable, "-m", engine, "build", "--strict", "--clean", "-f",
                                          str(config_path), "-d", str(site_dir.resolve())], env, ROOT,
                        site_dir, site_dir)
    elif engine == "zensical":
        exe = shutil.which("zensical")
        if exe is None:
            raise _not_installed(engine)
        # Zensical wants the docs and site folders inside the folder of its configuration file: the
        # configuration goes beside the docs folder and the site is built there, then moved aside.
        project = docs_dir.resolve().parent
        with tempfile.TemporaryDirectory(prefix=temporary_name(docs_dir, "zensical"), dir=project) as tmp:
            local_site = Path(tmp) / "site"
            derived = engine_config(config, docs_dir, local_site)
            derived["docs_dir"] = os.path.relpath(docs_dir.resolve(), project)
            derived["site_dir"] = os.path.relpath(local_site, project)
            config_path = project / f"{Path(tmp).name}.yml"
            try:
                _write_config(config_path, derived)
                yield EngineRun(edition, engine, [exe, "build", "--clean", "--strict", "-f", str(config_path)], env,
                                project, local_site, site_dir)
            finally:
                config_path.unlink(missing_ok=True)
    else:
        raise AtlasError(_("unknown site engine {engine!r}; use {engines}").format(engine=engine,
                                                                                  engines=", ".join(ENGINES)))


def run_engine(engine: str, config: dict[str, Any], docs_dir: Path, site_dir: Path, as_of: date,
               quiet: bool = False, work_dir: Path | None = None, edition: str = "fr") -> None:
    """Build `docs_dir` into `site_dir` (which must not exist yet) with MkDocs, ProperDocs or Zensical, strictly."""
    with (contextlib.nullcontext(str(work_dir)) if work_dir is not None
          else tempfile.TemporaryDirectory(prefix="atlas-engine-")) as tmp:
        with prepared(engine, config, docs_dir, site_dir, as_of, Path(tmp), edition) as run:
            run_engines([run], quiet)


def run_engines(runs: list[EngineRun], quiet: bool = False,
                done: Callable[[EngineRun], None] = lambda run: None) -> None:
    """Run the engines of `runs` at once; `done(run)` as each one succeeds. The first to fail stops the
    others (SIGTERM, then SIGKILL after a few seconds) and its error is raised; so does an interruption.
    `run_engine` is this with one run: the same start, output files, check and stop."""
    running: dict[int, tuple[EngineRun, subprocess.Popen[bytes], Any, Any]] = {}
    try:
        for run in runs:
            say(_("site: building {edition} with {engine}…").format(edition=_(EDITIONS[run.edition]),
                                                                     engine=run.engine), quiet)
            # unnamed files beside the site being built (the build's own folder): nothing left if killed
            out, err = (tempfile.TemporaryFile(dir=run.site_dir.parent) for _stream in range(2))
            process = subprocess.Popen(run.command, env=run.env, cwd=run.cwd, stdout=out, stderr=err,
                                       **child_options())
            running[process.pid] = (run, process, out, err)
        while running:
            for pid, (run, process, out, err) in list(running.items()):
                if process.poll() is None:
                    continue
                del running[pid]
                with out, err:
                    _check(run, process.returncode, _read(out), _read(err))
                run.finish()
                done(run)
            if running:
                stop_if_asked()
                time.sleep(0.05)
    finally:
        stop_processes([entry[1] for entry in running.values()])
        for entry in running.values():
            entry[2].close()
            entry[3].close()


def _read(handle: Any) -> str:
    handle.seek(0)
    return handle.read().decode("utf-8", errors="replace")


def stop_processes(processes: list[subprocess.Popen[bytes]], grace: float = 5.0) -> None:
    """Terminate `processes`, wait up to `grace` seconds for them, kill those still there, and reap them."""
    for process in processes:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
    deadline = time.monotonic() + grace
    for process in processes:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            process.wait()


def _write_config(path: Path, config: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _check(run: EngineRun, returncode: int, stdout: str, stderr: str) -> None:
    """An engine's failure as one message naming the edition, with the engine's own error lines."""
    if returncode == 0 and (run.built / "index.html").is_file():
        return
    output = stdout + stderr
    for code, words in ((errno.ENOSPC, "No space left on device"), (errno.EROFS, "Read-only file system"),
                        (errno.EACCES, "Permission denied"), (errno.EDQUOT, "Disk quota exceeded")):
        if words in output:  # the engine's own traceback says why: say it as the build would
            raise fs_error(OSError(code, words), run.site_dir.parent,
                           _("the {engine} build into").format(engine=run.engine))
    log = "\n".join(line for line in output.splitlines()
                    if "WARNING" in line or "ERROR" in line or "Error" in line)
    raise AtlasError(
        _("the {engine} build of {edition} failed (exit {code}); the previous site is unchanged.").format(
            engine=run.engine, edition=_(EDITIONS.get(run.edition, run.edition)), code=returncode) + "\n"
        + (log or (stderr.strip()[-2000:] or _("no output")))
    )


def swap_in(new_site: Path, site_dir: Path, aside: Path | None = None) -> None:
    """Replace `site_dir` by `new_site`, keeping the old one until the last moment.

    The old site goes into `aside` (this build's own temporary folder beside the site, removed
    afterwards), so two builds never share a name, and a build killed right here leaves the old
    site where the next build finds and removes it.
    """
    aside = aside if aside is not None else new_site.parent
    old = aside / "old"
    if site_dir.exists():
        os.replace(site_dir, old)
    try:
        os.replace(new_site, site_dir)
    except BaseException:
        if old.exists() and not site_dir.exists():
            os.replace(old, site_dir)  # put the previous site back
        raise
    shutil.rmtree(old, ignore_errors=True)


def publishing(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether this build is one that gets published: one run by continuous integration (`CI` set and not
    false, as GitHub Actions, GitLab CI and most others set it), where the Pages workflow builds the site it
    deploys. A local build or preview is not."""
    return environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def sitemap_warning(config: dict[str, Any], environ: Mapping[str, str] = os.environ) -> str | None:
    """One line when the configuration has no `site_url` and the build is one that gets published (`publishing`):
    the sitemap protocol wants each page's full address (`<loc>` absolute, sitemaps.org), which only site_url
    gives, so the engine's sitemap.xml lists no page (MkDocs writes an empty one). Said rather than publishing
    relative addresses that crawlers refuse; None when it is set, and on a local build: mkdocs.yml leaves
    site_url to the Pages workflow, so every local build and preview would say it for nothing."""
    if config.get("site_url") or not publishing(environ):
        return None
    return _("atlas build: warning: no site_url in mkdocs.yml: the sitemap (sitemap.xml) lists no page, its "
             "addresses must be absolute; add site_url: the site's published address (e.g. {example})").format(
                 example="https://owner.github.io/atlas/")


def build_site(atlas: Atlas, docs_dir: Path, site_dir: Path, engine: str = "mkdocs",
               config: dict[str, Any] | None = None, quiet: bool = False, jobs: int | None = None) -> None:
    """Run the engine aside and swap the result into `site_dir` only on success.

    With more than one job (and more than one core), the two editions' engines run at once (each is
    single-threaded) and each edition's pages are squeezed (generator.html_whitespace: whitespace,
    and the French no-break spaces where the text is French) in worker processes as soon as its
    engine is done; with one, the engines run one after the other. The
    site is the same byte for byte either way.
    """
    config = config if config is not None else read_site_config()
    warning = sitemap_warning(config)
    if warning:
        print(warning, file=sys.stderr)
    workers = max(1, min(jobs if jobs is not None else (os.cpu_count() or 1), os.cpu_count() or 1))
    site_dir = site_dir.resolve()
    with writing(site_dir.parent, _("the new site beside")):
        site_dir.parent.mkdir(parents=True, exist_ok=True)
        aside = Path(tempfile.mkdtemp(prefix=temporary_name(site_dir, "building"), dir=site_dir.parent))
    target = aside / "site"
    english = aside / "site-en"  # built on its own, moved into en/ once both editions are built
    mode = search_mode(config)
    editions = [("fr", engine_search_config(config, mode, engine), docs_dir, target)]
    if english_docs(docs_dir).is_dir():  # the English edition (owner E)
        editions.append(("en", engine_search_config(english_config(config), mode, engine), english_docs(docs_dir),
                         english))
    try:
        with writing(site_dir.parent, _("the new site beside")):
            if workers == 1 or len(editions) == 1:
                for edition, edition_config, docs, built in editions:
                    run_engine(engine, edition_config, docs, built, atlas.as_of, quiet, work_dir=aside,
                               edition=edition)
                squeeze_site(site_pages(target), workers)
                if english.is_dir():
                    squeeze_site(site_pages(english), workers)
            else:
                _build_together(engine, editions, atlas.as_of, aside, workers, quiet)
            if english.is_dir():
                os.replace(english, target / "en")
            if mode == "pagefind":  # the engine's own index is left out: see generator.search
                run_pagefind(target, docs_dir, quiet)
            (target / SITE_MARKER).write_text("built by atlas build; replaced as a whole by the next build\n",
                                              encoding="utf-8")
            stop_if_asked()  # a signal whose interruption was lost: the previous site stays
            swap_in(target, site_dir, aside)
    finally:
        shutil.rmtree(aside, ignore_errors=True)


def _build_together(engine: str, editions: list[tuple[str, dict[str, Any], Path, Path]], as_of: date,
                    aside: Path, workers: int, quiet: bool) -> None:
    """Both editions' engines at once; each edition's pages squeezed in the pool once its engine is done."""
    with contextlib.ExitStack() as stack:
        runs = [stack.enter_context(prepared(engine, edition_config, docs, built, as_of, aside, edition))
                for edition, edition_config, docs, built in editions]
        pool = stack.enter_context(worker_pool(workers))
        squeezing: list[Future[Squeezed]] = []

        def squeeze_edition(run: EngineRun) -> None:
            squeezing.extend(pool.submit(squeeze_files, part) for part in chunks(site_pages(run.site_dir),
                                                                                 workers * 4))
        run_engines(runs, quiet, squeeze_edition)
        for future in squeezing:
            future.result()
