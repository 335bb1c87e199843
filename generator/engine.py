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
from calendar import timegm
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from generator.editions import english_config, english_docs
from generator.errors import AtlasError
from generator.faults import (
    child_options,
    fs_error,
    temporary_name,
    writing,
)
from generator.i18n import _
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


def run_engine(engine: str, config: dict[str, Any], docs_dir: Path, site_dir: Path, as_of: date,
               quiet: bool = False, work_dir: Path | None = None) -> None:
    """Build `docs_dir` into `site_dir` (which must not exist yet) with MkDocs or Zensical, strictly.

    The engine's configuration goes into `work_dir` (the build's own temporary folder beside the
    site, removed with it) rather than the shared temporary directory, where a killed build would
    leave it for good.
    """
    env = dict(os.environ, SOURCE_DATE_EPOCH=source_date_epoch(as_of), PYTHONHASHSEED="0", NO_MKDOCS_2_WARNING="1")
    if engine in ("mkdocs", "properdocs"):
        if engine == "properdocs" and importlib.util.find_spec("properdocs") is None:
            raise AtlasError(_("{engine} is not installed; install it with `{command}`, or build with the default "
                               "engine (`{option}`)").format(engine="ProperDocs", command="pip install properdocs",
                                                             option="--engine mkdocs"))
        with (contextlib.nullcontext(str(work_dir)) if work_dir is not None
              else tempfile.TemporaryDirectory(prefix="atlas-engine-")) as tmp:
            config_path = Path(tmp) / "mkdocs.yml"
            _write_config(config_path, engine_config(config, docs_dir, site_dir))
            # Never -q with --strict: a quiet strict build exits 0 on warnings (mkdocs/mkdocs#4126).
            # ProperDocs (the maintained fork of MkDocs 1.x) reads the same configuration and themes.
            _run(engine, [sys.executable, "-m", engine, "build", "--strict", "--clean",
                          "-f", str(config_path), "-d", str(site_dir.resolve())], env, site_dir, quiet)
    elif engine == "zensical":
        exe = shutil.which("zensical")
        if exe is None:
            raise AtlasError(_("{engine} is not installed; install it with `{command}`, or build with the default "
                               "engine (`{option}`)").format(engine="Zensical", command="pip install zensical",
                                                             option="--engine mkdocs"))
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
                _run(engine, [exe, "build", "--clean", "--strict", "-f", str(config_path)], env, local_site, quiet,
                     cwd=project)
            finally:
                config_path.unlink(missing_ok=True)
            shutil.move(str(local_site), str(site_dir))
    else:
        raise AtlasError(_("unknown site engine {engine!r}; use {engines}").format(engine=engine,
                                                                                  engines=", ".join(ENGINES)))


def _write_config(path: Path, config: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _run(engine: str, command: list[str], env: dict[str, str], site_dir: Path, quiet: bool,
         cwd: Path = ROOT) -> None:
    say(_("site: {engine} build…").format(engine=engine), quiet)
    # the engine dies with this process (even killed); on Ctrl+C or SIGTERM, run() kills it
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, **child_options())
    if result.returncode != 0 or not (site_dir / "index.html").is_file():
        output = result.stdout + result.stderr
        for code, words in ((errno.ENOSPC, "No space left on device"), (errno.EROFS, "Read-only file system"),
                            (errno.EACCES, "Permission denied"), (errno.EDQUOT, "Disk quota exceeded")):
            if words in output:  # the engine's own traceback says why: say it as the build would
                raise fs_error(OSError(code, words), site_dir.parent,
                               _("the {engine} build into").format(engine=engine))
        log = "\n".join(line for line in output.splitlines()
                        if "WARNING" in line or "ERROR" in line or "Error" in line)
        raise AtlasError(
            _("the {engine} build failed (exit {code}); the previous site is unchanged.").format(
                engine=engine, code=result.returncode) + "\n"
            + (log or (result.stderr.strip()[-2000:] or _("no output")))
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


def build_site(atlas: Atlas, docs_dir: Path, site_dir: Path, engine: str = "mkdocs",
               config: dict[str, Any] | None = None, quiet: bool = False) -> None:
    """Run the engine aside and swap the result into `site_dir` only on success."""
    config = config if config is not None else read_site_config()
    site_dir = site_dir.resolve()
    with writing(site_dir.parent, _("the new site beside")):
        site_dir.parent.mkdir(parents=True, exist_ok=True)
        aside = Path(tempfile.mkdtemp(prefix=temporary_name(site_dir, "building"), dir=site_dir.parent))
    target = aside / "site"
    mode = search_mode(config)
    try:
        with writing(site_dir.parent, _("the new site beside")):
            run_engine(engine, engine_search_config(config, mode, engine), docs_dir, target, atlas.as_of, quiet,
                       work_dir=aside)
            if english_docs(docs_dir).is_dir():  # the English edition, built on its own into en/ (owner E)
                run_engine(engine, engine_search_config(english_config(config), mode, engine),
                           english_docs(docs_dir), target / "en", atlas.as_of, quiet, work_dir=aside)
            if mode == "pagefind":  # the engine's own index is left out: see generator.search
                run_pagefind(target, docs_dir, quiet)
            (target / SITE_MARKER).write_text("built by atlas build; replaced as a whole by the next build\n",
                                              encoding="utf-8")
            swap_in(target, site_dir, aside)
    finally:
        shutil.rmtree(aside, ignore_errors=True)
