"""`atlas build`: validate, generate the docs folder, build the site aside, swap it in on success.

One linear sequence: load and validate the sheets -> draw the pictures -> make every output in
memory -> write the ones that changed into the docs folder -> (PDFs) -> run the site engine into a
sibling temporary folder -> replace the site folder only if the engine succeeded. A failed build
leaves the previous site as it was.

Faults (generator.faults): the build holds a lock on the site and docs folders (a second build
stops at once and names the first one's process), removes the leftovers of an earlier build that
was killed, turns a full or read-only disk into one message naming the folder, and stops cleanly
on SIGTERM or Ctrl+C (workers and engine stopped, temporaries removed, the previous site kept).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from calendar import timegm
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from generator.editions import english_config, english_docs
from generator.errors import AtlasError, InvalidAtlas
from generator.faults import (
    FolderLock,
    child_options,
    folder_of,
    fs_error,
    interruptible,
    remove_leftovers,
    temporary_name,
    writing,
)
from generator.i18n import _, decimal, ngettext, number
from generator.model import Atlas
from generator.outputs import MANIFEST, Progress, WriteStats, write_atomic, write_tree
from generator.search import engine_search_config, run_pagefind, search_mode
from generator.site import (
    CONFIG_FILE,
    ROOT,
    PageCache,
    draw_site_pictures,
    load_schemas,
    read_site_config,
    site_options,
    site_outputs,
)

PDF_DIR = "pdf"
ENGINES = ("mkdocs", "zensical", "properdocs")  # the site engines that read mkdocs.yml


def source_date_epoch(day: date) -> str:
    """SOURCE_DATE_EPOCH for the engine: midnight UTC of the atlas date (reproducible builds)."""
    return str(timegm(day.timetuple()))


def _say(message: str, quiet: bool = False) -> None:
    if not quiet:
        print(message, file=sys.stderr, flush=True)


def generate_docs(atlas: Atlas, territories_dir: Path, docs_dir: Path, content_dir: Path, config: dict[str, Any],
                  pictures: dict[str, Any], pdf_ids: frozenset[str] = frozenset(), atlas_pdf: str | None = None,
                  quiet: bool = False, wanted: Callable[[str, set[str]], bool] | None = None,
                  cache: PageCache | None = None) -> WriteStats:
    """Write every generated file of the site into `docs_dir` (unchanged files are left alone).

    With `wanted`, only the territory and hub pages it accepts are made (`atlas serve` after a save).
    With `cache` (generator.site.PageCache), the territory and hub pages whose inputs did not change
    since they were written into `docs_dir` are read back instead of rendered.
    """
    options = site_options(config, content_dir, pdf_ids, atlas_pdf)
    with Progress("pages", enabled=not quiet) as bar:
        outs = site_outputs(atlas, territories_dir, content_dir, options, pictures, load_schemas(),
                            bar.update, wanted, site_url=config.get("site_url") or None, cache=cache)
    stats = write_tree(outs, docs_dir, partial=wanted is not None)
    if cache is not None:
        with writing(cache.index_path.parent, _("the build's cache")):
            cache.save(outs, partial=wanted is not None)
        _say(ngettext("pages: {rendered} territory or hub page rendered, {unchanged} unchanged "
                      "(their sheets, pictures and the shared data as before)",
                      "pages: {rendered} territory or hub pages rendered, {unchanged} unchanged "
                      "(their sheets, pictures and the shared data as before)", len(cache.rendered)).format(
            rendered=number(len(cache.rendered)), unchanged=number(len(cache.hits))), quiet)
    return stats


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
    _say(_("site: {engine} build…").format(engine=engine), quiet)
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


SITE_MARKER = ".atlas-site"


def check_output_folders(territories: Path, content_dir: Path, config_file: Path, docs_dir: Path,
                         site_dir: Path) -> None:
    """Refuse output folders that would overwrite the sheets, the pages or a folder atlas did not make.

    The site folder is replaced as a whole by each build: pointing it at `territories/` would delete
    every sheet. It may only be a new folder, an empty one, or a site folder (one that a build made).
    """
    docs, site = docs_dir.resolve(), site_dir.resolve()
    keep = {_("the sheets folder"): territories.resolve(), _("the content folder"): content_dir.resolve(),
            _("the theme folder"): (ROOT / "theme").resolve(),
            _("the generator package"): (ROOT / "generator").resolve()}
    whole = {_("the repository"): ROOT.resolve(), _("the configuration's folder"): config_file.resolve().parent,
             _("the working folder"): Path.cwd().resolve(), _("the home folder"): Path.home().resolve()}
    for label, out in (("--site-dir", site), ("--docs-dir", docs)):
        for what, folder in keep.items():
            if out == folder or out in folder.parents or folder in out.parents:
                raise AtlasError(_("{option} {out} would overwrite {what} ({folder}); choose a folder of its "
                                   "own").format(option=label, out=out, what=what, folder=folder))
        for what, folder in whole.items():
            if out == folder or out in folder.parents:
                raise AtlasError(_("{option} {out} is {what} or holds it; choose a folder of its own").format(
                    option=label, out=out, what=what))
    if docs == site or site in docs.parents or docs in site.parents:
        raise AtlasError(_("the docs folder and the site folder must be separate folders"))
    if site.is_dir() and any(site.iterdir()):
        entries = {p.name for p in site.iterdir()}
        # a built site (marker or home page), or a folder that holds only the reports of `atlas pdf`
        made_by_atlas = SITE_MARKER in entries or "index.html" in entries or entries <= {PDF_DIR}
    else:
        made_by_atlas = True
    if not made_by_atlas:
        raise AtlasError(_("{option} {folder} exists and holds files that are not a built site; each build "
                           "replaces that folder, so choose a new or empty folder").format(option="--site-dir",
                                                                                          folder=site))


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


def _make_pdfs(atlas: Atlas, docs_dir: Path, args: argparse.Namespace, pictures: dict[str, Any],
               quiet: bool) -> list[Path]:
    from generator.pdf import write_reports  # WeasyPrint only when asked for

    _say(_("PDF reports…"), quiet)
    return write_reports(atlas, docs_dir / PDF_DIR, territory_ids=None, whole_atlas=True,
                         variant=getattr(args, "pdf_variant", None), jobs=getattr(args, "jobs", None),
                         pictures=pictures, scratch=docs_dir)  # beside the docs folder, which is locked


def _pdf_names(atlas: Atlas) -> set[str]:
    from generator.pdf import output_names  # WeasyPrint only when asked for

    return output_names(atlas)


def keep_existing_pdfs(atlas: Atlas, docs_dir: Path, site_dir: Path,
                       written: Sequence[Path] = ()) -> tuple[frozenset[str], str | None]:
    """PDFs made earlier (`atlas pdf` into SITE/pdf, or a previous `--pdf`) stay in the new site.

    The site folder is replaced by each build; without this, `atlas build` would drop the reports
    that `atlas pdf` wrote. They are copied into the docs folder, so MkDocs publishes them and the
    pages can link them (links checked by --strict). `written` is what this build's PDF stage
    returned: those are linked as returned; the docs folder is read only for the reports earlier
    runs left there (it persists between builds). Which links follow is generator.pdf's `published`.
    """
    from generator.pdf.volumes import published

    target = docs_dir / PDF_DIR
    wanted = _pdf_names(atlas)  # reports, the national volume and the volumes per région
    names = {p.name for p in written}  # this build's reports, as values
    for source in (site_dir / PDF_DIR,):
        if not source.is_dir() or source.is_symlink():
            continue
        for pdf in sorted(source.glob("*.pdf")):
            if pdf.is_symlink() or not pdf.is_file():
                continue
            if pdf.name not in wanted:
                continue
            copy = target / pdf.name
            if copy.is_file() and (copy.stat().st_mtime_ns >= pdf.stat().st_mtime_ns
                                   or copy.read_bytes() == pdf.read_bytes()):
                continue  # the docs folder has this report already, or a newer one (`--pdf`)
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(pdf, copy)
            names.add(pdf.name)
    if target.is_dir():  # reports of earlier runs the docs folder keeps
        names |= {p.name for p in target.glob("*.pdf")
                  if p.name not in names and p.is_file() and not p.is_symlink()}
    links = published(atlas, names & wanted)
    return links.territories, (f"{PDF_DIR}/{links.atlas}" if links.atlas else None)


def prune_pdfs(atlas: Atlas, docs_dir: Path) -> list[str]:
    """Remove from the docs folder's pdf/ every file that is not a report of the current atlas.

    The folder belongs to the build: reports of a territory that was removed (or renamed) must not
    be published again, and a stray file there has no page linking it. Returns the removed paths.
    """
    target = docs_dir / PDF_DIR
    if not target.is_dir() or target.is_symlink():
        return []
    keep = _pdf_names(atlas)
    removed = []
    for path in sorted(target.iterdir()):
        if path.name in keep and path.is_file() and not path.is_symlink():
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
        removed.append(f"{PDF_DIR}/{path.name}")
    return removed


STAMP_DIR = Path(".cache/inputs")  # per docs folder: what its last whole generation was made from
STAMPED_PACKAGES = ("babel", "jinja2", "markdown", "matplotlib", "networkx", "numpy", "pyyaml", "ruamel.yaml")


def _tree_state(folder: Path, digest: Any) -> None:
    """Every file under `folder` as (path, size, mtime): an edit, a new or a removed file changes it."""
    if not folder.is_dir():
        digest.update(f"no {folder}\n".encode())
        return
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d not in ("__pycache__", ".git"))
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            try:
                status = os.stat(path)
            except OSError:
                continue
            digest.update(f"{path}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())


def inputs_signature(territories: Path, content_dir: Path, config_file: Path, docs_dir: Path,
                     site_dir: Path) -> str:
    """A hash of everything a generation reads: the sheets, content/, the configuration, the generator
    and its geodata, the theme, the releases, the PDFs kept, the libraries, the date (old facts).

    Sizes and modification times, not contents: a national atlas is 2,900 sheets and 19,000 outputs,
    whose stat takes a fraction of a second where loading and rendering them takes ten.
    """
    from importlib import metadata

    digest = hashlib.sha256()
    digest.update(f"{date.today().isoformat()} {os.environ.get('SOURCE_DATE_EPOCH', '')} {sys.version}\n".encode())
    for package in STAMPED_PACKAGES:
        try:
            digest.update(f"{package} {metadata.version(package)}\n".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package} -\n".encode())
    for folder in (territories.resolve(), territories.resolve().parent / "releases", content_dir.resolve(),
                   ROOT / "generator", ROOT / "theme", ROOT / "schema", site_dir.resolve() / PDF_DIR,
                   docs_dir.resolve() / PDF_DIR):
        _tree_state(folder, digest)
    for path in (config_file.resolve(), *sorted(p for p in ROOT.iterdir() if p.is_file())):
        try:
            status = path.stat()
            digest.update(f"{path}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
        except OSError:
            digest.update(f"no {path}\n".encode())
    return digest.hexdigest()


def _docs_state(docs_dir: Path) -> dict[str, list[int]] | None:
    """Size and modification time of every file the last generation wrote (its manifest), or None."""
    manifest = docs_dir / MANIFEST
    try:
        paths = manifest.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    state = {MANIFEST: [manifest.stat().st_size, manifest.stat().st_mtime_ns]}
    for rel in paths:
        try:
            status = os.lstat(docs_dir / rel)
        except OSError:
            return None
        state[rel] = [status.st_size, status.st_mtime_ns]
    return state


def stamp_path(docs_dir: Path) -> Path:
    """The stamp of one docs folder, beside the picture cache (not in the docs folder, whose bytes must
    not depend on when it was written)."""
    return STAMP_DIR / f"{hashlib.sha256(str(docs_dir.resolve()).encode()).hexdigest()[:32]}.json"


def docs_up_to_date(docs_dir: Path, signature: str) -> bool:
    """True when the last whole generation had these inputs and its files are still as it wrote them
    (no file edited, removed or replaced since, e.g. by `atlas serve`); any doubt says False."""
    try:
        stamp = json.loads(stamp_path(docs_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (isinstance(stamp, dict) and stamp.get("inputs") == signature
            and stamp.get("files") == _docs_state(docs_dir))


def write_stamp(docs_dir: Path, signature: str, state: dict[str, list[int]] | None = None) -> None:
    """Record the inputs' signature and the docs folder's files (`state`: as `write_tree` left them,
    else read again)."""
    state = state if state is not None else _docs_state(docs_dir)
    if state is None:
        return
    text = json.dumps({"docs": str(docs_dir.resolve()), "inputs": signature, "files": state}, sort_keys=True,
                      separators=(",", ":"))
    stamp = stamp_path(docs_dir)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    try:
        if stamp.read_text(encoding="utf-8") == text:
            return
    except OSError:
        pass
    write_atomic(stamp, text.encode("utf-8"))


CACHE_DIR = Path(".cache/pictures")
PAGE_CACHE_DIR = Path(".cache/pages")  # the sheet pages' keys per docs folder (generator.site.PageCache)
SHOW_CHANGED = 100  # up to this many files written or removed are named one by one (one edited hub:
# 36 on the shipped atlas, 41 on the France tree, both editions)


def run_build(args: argparse.Namespace) -> int:
    """`atlas build`: see the module docstring. Returns 0, or raises AtlasError with the reason.

    One build at a time per folder: a second build on the same site or docs folder stops at once
    with the first one's process id (it does not wait: a build can take minutes, and a CI job
    should fail loudly rather than hang).
    """
    docs_dir: Path = args.docs_dir
    site_dir: Path = args.site_dir
    folders = {_("the site folder"): site_dir, _("the docs folder"): docs_dir, _("the picture cache"): CACHE_DIR}
    quiet = bool(getattr(args, "quiet", False))
    locks: list[FolderLock] = []
    with interruptible(_("the build")):
        try:
            return _build(args, locks, quiet)
        except OSError as error:
            folder, label = folder_of(error, folders)
            raise fs_error(error, folder, label) from None
        finally:
            for lock in reversed(locks):
                lock.release()


def _build(args: argparse.Namespace, locks: list[FolderLock], quiet: bool) -> int:
    from generator.load import load_valid_atlas

    started = time.perf_counter()
    territories: Path = args.territories
    if not territories.is_dir():
        raise AtlasError(_("no sheets folder {folder}; run from the repository root or pass {option}").format(
            folder=territories, option="--territories DIR"))
    docs_dir: Path = args.docs_dir
    site_dir: Path = args.site_dir
    content_dir = getattr(args, "content_dir", None) or ROOT / "content"
    config_file = getattr(args, "config", None) or CONFIG_FILE
    # the project's mkdocs.yml as read by generator.project (its theme found there or shipped), else the file
    config = getattr(args, "site_config", None) or read_site_config(config_file)
    check_output_folders(territories, content_dir, config_file, docs_dir, site_dir)
    no_site = bool(getattr(args, "no_site", False))
    for folder in ([] if no_site else [site_dir]) + [docs_dir]:
        locks.append(FolderLock(folder).acquire())
        remove_leftovers(folder, lambda message: _say(message, quiet), inside=folder == docs_dir)

    signature = inputs_signature(territories, content_dir, config_file, docs_dir, site_dir)
    if no_site and not getattr(args, "pdf", False) and docs_up_to_date(docs_dir, signature):
        _say(_("{folder}: nothing changed since the last generation (sheets, content, configuration, generator, "
               "theme and docs folder as they were); done in {seconds} s").format(
            folder=docs_dir, seconds=decimal(time.perf_counter() - started)), quiet)
        return 0

    _say(_("validating the sheets…"), quiet)
    try:
        atlas = load_valid_atlas(territories)
    except InvalidAtlas as error:
        print("\n".join(p.text() for p in error.report.errors), file=sys.stderr)  # every error, then the summary
        raise
    _say(_("{territories}, {hubs}").format(
        territories=ngettext("{count} territory", "{count} territories", len(atlas.territories)).format(
            count=number(len(atlas.territories))),
        hubs=ngettext("{count} hub", "{count} hubs", len(atlas.hubs)).format(count=number(len(atlas.hubs)))), quiet)

    from generator.measured import scores_of

    scores = scores_of(atlas)  # the measured profile, once: pictures, pages, PDFs and open data reuse it
    _say(ngettext("measured profile: {count} territory scored", "measured profile: {count} territories scored",
                  len(scores.profiles)).format(count=number(len(scores.profiles))), quiet)

    _say(_("charts and maps…"), quiet)
    pictures = draw_site_pictures(atlas, CACHE_DIR, getattr(args, "jobs", None), not quiet)

    written_pdfs = _make_pdfs(atlas, docs_dir, args, pictures, quiet) if getattr(args, "pdf", False) else []
    pdf_ids, atlas_pdf = keep_existing_pdfs(atlas, docs_dir, site_dir, written_pdfs)
    stale_pdfs = prune_pdfs(atlas, docs_dir)

    _say(_("pages…"), quiet)
    with writing(docs_dir, _("the docs folder")):
        stats = generate_docs(atlas, territories, docs_dir, content_dir, config, pictures, pdf_ids, atlas_pdf,
                              quiet, cache=PageCache(docs_dir, PAGE_CACHE_DIR))
    stats.removed.extend(stale_pdfs)
    _say(_("{folder}: {written} written, {unchanged} unchanged, {removed} removed").format(
        folder=docs_dir, written=number(len(stats.written)), unchanged=number(len(stats.unchanged)),
        removed=number(len(stats.removed))), quiet)
    if 0 < len(stats.written) + len(stats.removed) <= SHOW_CHANGED:  # one edited sheet: say what it touched
        for path in stats.written:
            _say(_("  written {path}").format(path=path), quiet)
        for path in stats.removed:
            _say(_("  removed {path}").format(path=path), quiet)

    with writing(STAMP_DIR, _("the build's cache")):
        write_stamp(docs_dir, signature, stats.states)  # what this generation was made from: the next one may skip
    if no_site:
        _say(_("done in {seconds} s (no site: {option})").format(seconds=decimal(time.perf_counter() - started),
                                                                 option="--no-site"), quiet)
        return 0
    build_site(atlas, docs_dir, site_dir, getattr(args, "engine", "mkdocs"), config, quiet)
    _say(_("site built into {folder} in {seconds} s").format(folder=site_dir,
                                                             seconds=decimal(time.perf_counter() - started)), quiet)
    return 0
