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
import ctypes
import gc
import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.build_stamp import (
    STAMP_DIR,
    docs_up_to_date,
    inputs_signature,
    previous_hashes,
    read_stamp,
    stamp_path,
    write_stamp,
)
from generator.collector import PYTHON_THRESHOLDS, paused, thresholds
from generator.engine import PDF_DIR, SITE_MARKER, build_site, say
from generator.errors import AtlasError, InvalidAtlas
from generator.faults import (
    FolderLock,
    folder_of,
    fs_error,
    interruptible,
    remove_leftovers,
    writing,
)
from generator.i18n import _, decimal, ngettext, number
from generator.model import Atlas
from generator.outputs import KeptFilesChanged, LeftAsWritten, Output, Progress, WriteStats, write_tree
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

if TYPE_CHECKING:  # imported by the build itself, once it runs (`_build`)
    from generator.folder_changes import FolderChanges
    from generator.pictures.kept import SpecBook
    from generator.sheet_memo import SheetMemo
    from generator.sheets import Tree


def generate_docs(atlas: Atlas, territories_dir: Path, docs_dir: Path, content_dir: Path, config: dict[str, Any],
                  pictures: dict[str, Any], pdf_ids: frozenset[str] = frozenset(), atlas_pdf: str | None = None,
                  quiet: bool = False, pdf_ids_en: frozenset[str] = frozenset(), atlas_pdf_en: str | None = None,
                  wanted: Callable[[str, set[str]], bool] | None = None,
                  cache: PageCache | None = None, english: bool = True, jobs: int | None = 1,
                  pages_written: Callable[[list[str]], None] | None = None,
                  save_cache: Callable[[Callable[[], None]], None] | None = None,
                  left: LeftAsWritten | None = None) -> WriteStats:
    """Write every generated file of the site into `docs_dir` (unchanged files are left alone).

    With `wanted`, only the territory and hub pages it accepts are made (`atlas serve` after a save);
    `english=False` (only with `wanted`) leaves the English edition's files as they were.
    With `cache` (generator.site.PageCache), the territory and hub pages whose inputs did not change
    since they were written into `docs_dir` are read back instead of rendered. `jobs` (None: every core):
    worker processes for the sheet pages when there are many to render. `pages_written` (with `wanted`:
    `atlas serve`): the pages are written as soon as they are made and the paths written are given to it,
    before the data files are made; then the paths of the other files written, before the page cache is saved.
    `save_cache`: given the page cache's save, to run after (`atlas build --watch`); else it runs here.
    `left` (a whole build of the watch): the docs files its follower saw untouched since the last build wrote them
    (generator.folder_changes), not looked at again.
    """
    options = site_options(config, content_dir, pdf_ids, atlas_pdf, pdf_ids_en, atlas_pdf_en)
    docs_being_written(docs_dir)
    told = pages_written if wanted is not None else None  # `atlas serve` after a save: told as files are written

    def pages_done(pages: list[Output]) -> None:
        if told is not None:
            told(write_tree(pages, docs_dir, partial=True).written)

    def outputs() -> list[Output]:
        with Progress("pages", enabled=not quiet) as bar:
            return site_outputs(atlas, territories_dir, content_dir, options, pictures, load_schemas(),
                                bar.update, wanted, site_url=config.get("site_url") or None, cache=cache,
                                english=english or wanted is None, jobs=jobs, pages_done=pages_done if told else None)

    known = cache.known_files(pictures) if cache is not None else None  # files not to read back again
    if cache is not None and wanted is None:  # a whole build: the kept files checked once, by `write_tree`
        cache.trust_written = True
        try:
            outs = outputs()
            stats = write_tree(outs, docs_dir, known=known, left=left, unique=True)
        except KeptFilesChanged as changed:  # nothing written yet: made again with every kept file looked at
            say(ngettext("{count} generated file changed since the last build (edited by hand?): made again",
                         "{count} generated files changed since the last build (edited by hand?): made again",
                         len(changed.paths)).format(count=number(len(changed.paths))), quiet)
            cache.trust_written = False
            outs = outputs()
            stats = write_tree(outs, docs_dir, known=known, left=left, unique=True)
        finally:
            cache.trust_written = False
    else:
        outs = outputs()
        stats = write_tree(outs, docs_dir, partial=wanted is not None, known=known, unique=True)
    if told is not None:
        told([*stats.written, *stats.removed])  # before the page cache is saved (0.3 s on the France tree)
    if cache is not None:
        def save() -> None:
            with writing(cache.cache_dir, _("the build's cache")):
                cache.save(outs, partial=wanted is not None, pictures=pictures, states=stats.states)
        if save_cache is None:
            save()
        else:
            save_cache(save)
        say(ngettext("pages: {rendered} territory or hub page rendered, {unchanged} unchanged "
                      "(their sheets, pictures and the shared data as before)",
                      "pages: {rendered} territory or hub pages rendered, {unchanged} unchanged "
                      "(their sheets, pictures and the shared data as before)", len(cache.rendered)).format(
            rendered=number(len(cache.rendered)), unchanged=number(len(cache.hits))), quiet)
    return stats




def docs_being_written(docs_dir: Path) -> None:
    """Before anything is written into `docs_dir`: its stamp goes, and comes back only when the writing
    ended (`write_stamp`). So a docs folder with a stamp has no half-written file of a killed build, and
    the next build need not walk its 26,000 files looking for them (0.1 s of a build after one edit)."""
    stamp_path(docs_dir).unlink(missing_ok=True)


def docs_left(docs_dir: Path) -> str:
    """What a build without a site (`--no-site`, each build of `--watch`) leaves when interrupted: the docs
    folder as it was while its stamp is there, else perhaps written in part (docs_being_written)."""
    if stamp_path(docs_dir).is_file():
        return _("the docs folder {folder} is unchanged").format(folder=docs_dir)
    return _("the docs folder {folder} may be partly written: the next build writes it again").format(
        folder=docs_dir)


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


def _make_pdfs(atlas: Atlas, docs_dir: Path, args: argparse.Namespace, pictures: dict[str, Any],
               quiet: bool) -> list[Path]:
    from generator.pdf import write_reports  # WeasyPrint only when asked for

    say(_("PDF reports…"), quiet)
    return write_reports(atlas, docs_dir / PDF_DIR, territory_ids=None, whole_atlas=True,
                         variant=getattr(args, "pdf_variant", None), jobs=getattr(args, "jobs", None),
                         pictures=pictures, scratch=docs_dir,  # beside the docs folder, which is locked
                         config_file=getattr(args, "config", None) or CONFIG_FILE)


def _pdf_names(atlas: Atlas) -> set[str]:
    from generator.pdf import output_names  # WeasyPrint only when asked for

    return output_names(atlas)


def keep_existing_pdfs(atlas: Atlas, docs_dir: Path, site_dir: Path,
                       written: Sequence[Path] = ()) -> tuple[frozenset[str], str | None, frozenset[str], str | None]:
    """PDFs made earlier (`atlas pdf` into SITE/pdf, or a previous `--pdf`) stay in the new site.

    The site folder is replaced by each build; without this, `atlas build` would drop the reports
    that `atlas pdf` wrote. They are copied into the docs folder, so MkDocs publishes them and the
    pages can link them (links checked by --strict). `written` is what this build's PDF stage
    returned: those are linked as returned; the docs folder is read only for the reports earlier
    runs left there (it persists between builds). Which links follow is generator.pdf's `published`.
    """
    target = docs_dir / PDF_DIR
    if not written and not any(folder.is_dir() and any(folder.glob("*.pdf"))
                               for folder in (site_dir / PDF_DIR, target)):
        return frozenset(), None, frozenset(), None  # no report anywhere: the PDF package need not be imported
    from generator.pdf.volumes import published

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
    return (links.territories, f"{PDF_DIR}/{links.atlas}" if links.atlas else None,
            links.territories_en, f"{PDF_DIR}/{links.atlas_en}" if links.atlas_en else None)


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


CACHE_DIR = Path(".cache/pictures")


SPECS_DIR = Path(".cache/specs")  # each picture's spec with the sheets it read, per sheets folder (pictures.kept)


SHEETS_DIR = Path(".cache/sheets")  # each sheet as last read and checked, per sheets folder (generator.sheet_memo)


PAGE_CACHE_DIR = Path(".cache/pages")  # the sheet pages' keys per docs folder (generator.site.PageCache)


SHOW_CHANGED = 100  # up to this many files written or removed are named one by one (one edited hub: 36)


@dataclass
class KeptInMemory:
    """What a build leaves to the next one in the same process (`atlas build --watch`, generator.watch): the
    sheets as read and checked (generator.sheet_memo) and the page cache with its index, so that a build after
    a save neither reads them back from disk nor imports the generator again (a new process per edit: 2.3 to
    4 s on the national atlas). `changed`: the files the watcher saw saved since (read again whatever their
    state on disk says)."""

    memo: SheetMemo | None = None
    page_cache: PageCache | None = None
    changed: frozenset[Path] = frozenset()
    # the docs folder's lock, held by the watch from its start to its end (no other build writes there
    # meanwhile), and the caches' saves on disk put off until the build's files are written and named: the
    # watch runs them (`run_later`) while the contributor edits. A process that dies in between leaves the
    # caches of the build before and no stamp: the next build checks every file, as after a stopped build.
    lock: FolderLock | None = None
    later: list[Callable[[], None]] = field(default_factory=list)
    stamp: dict[str, Any] | None = None  # the stamp of the last build (build_stamp.write_stamp), as written
    specs: SpecBook | None = None  # the pictures' kept specs (generator.pictures.kept), once saved
    code_said: tuple[str, ...] = ()  # the generator's files the watch said were saved since it started
    # the docs folder and the sheets folder followed between builds (generator.folder_changes), and the sheets
    # folder's last listing (absolute path, `find_sheets` or taken again)
    docs_changes: FolderChanges | None = None
    sheets_changes: FolderChanges | None = None
    follow_refused: bool = False  # the kernel refused to follow them (the user's inotify limit): every file looked at
    listing: tuple[str, Tree] | None = None

    def run_later(self) -> None:
        """The saves put off by the last build, in their order."""
        while self.later:
            self.later.pop(0)()


def _sheets_listing(territories: Path, kept: KeptInMemory | None) -> Tree:
    """The sheets folder as `find_sheets` finds it; in the watch, its last build's listing when the folder's follower
    saw nothing that changes it (generator.folder_changes): the sheets saved since looked at anew, not the 5,400
    of the France tree walked and looked at again (0.1 s)."""
    from generator.sheets import find_sheets

    root = os.path.abspath(territories)
    follower = kept.sheets_changes if kept is not None else None
    last = kept.listing if kept is not None else None
    tree = None
    if follower is not None and last is not None and last[0] == root == follower.root:
        touched = follower.changes()
        if touched is not None:
            tree = last[1].again(root, touched)
            follower.forget()  # looked at anew by this listing (or by the walk)
    if tree is None:
        tree = find_sheets(territories)
    if kept is not None:
        kept.listing = (root, tree)
    return tree


def _now_or_later(kept: KeptInMemory | None, save: Callable[[], None]) -> None:
    """A cache's save: at once, or after the build when the docs folder's lock is the watch's (KeptInMemory)."""
    if kept is not None and kept.lock is not None:
        kept.later.append(save)
    else:
        save()


def run_build(args: argparse.Namespace, kept: KeptInMemory | None = None) -> int:
    """`atlas build`: see the module docstring. Returns 0, or raises AtlasError with the reason. `kept`:
    what the last build of this process left (generator.watch), filled for the next.

    One build at a time per folder: a second build on the same site or docs folder stops at once
    with the first one's process id (it does not wait: a build can take minutes, and a CI job
    should fail loudly rather than hang).
    """
    docs_dir: Path = args.docs_dir
    site_dir: Path = args.site_dir
    folders = {_("the site folder"): site_dir, _("the docs folder"): docs_dir, _("the picture cache"): CACHE_DIR}
    quiet = bool(getattr(args, "quiet", False))
    locks: list[FolderLock] = []
    with interruptible(_("the build"), None if not getattr(args, "no_site", False) else lambda: docs_left(docs_dir)):
        try:
            return _build(args, locks, quiet, kept)
        except OSError as error:
            folder, label = folder_of(error, folders)
            raise fs_error(error, folder, label) from None
        finally:
            for lock in reversed(locks):
                lock.release()
            gc.unfreeze()  # what the build froze may be collected again by a caller that lives on (tests, a script)


def _saved(folder: Path, save: Callable[[], None]) -> None:
    with writing(folder, _("the build's cache")):
        save()


def _page_cache(docs_dir: Path, kept: KeptInMemory | None) -> PageCache:
    """The page cache of `docs_dir`: the one this process's last build used (its index in memory), else read."""
    if kept is not None and kept.page_cache is not None and kept.page_cache.docs_dir == docs_dir.resolve():
        return kept.page_cache
    cache = PageCache(docs_dir, PAGE_CACHE_DIR)
    if kept is not None:
        kept.page_cache = cache
    return cache


def give_back_memory() -> None:
    """Give the memory the generation freed back to the system before the engines and Pagefind run beside
    this process, which then only waits: glibc keeps freed blocks for this process's reuse, malloc_trim
    returns them (France-scale tree: 706 -> 350 MiB with the pictures and the docs' states dropped).
    Elsewhere than glibc, a collection only. (H3, in H2's file.)"""
    gc.unfreeze()  # what the build froze (the atlas, the pictures) is collected again
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _build(args: argparse.Namespace, locks: list[FolderLock], quiet: bool, kept: KeptInMemory | None) -> int:
    from generator.load import load_valid_atlas
    from generator.sheet_memo import SheetMemo

    started = time.perf_counter()
    if kept is not None:
        kept.run_later()  # the last build's saves, if the watch did not run them yet: its memory is theirs
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
        if not (kept is not None and kept.lock is not None and kept.lock.folder == folder.absolute()):
            locks.append(FolderLock(folder).acquire())  # (the watch holds the docs folder's for all its builds)
        # inside the docs folder only when its last writing did not end (no stamp: see docs_being_written)
        remove_leftovers(folder, lambda message: say(message, quiet),
                         inside=folder == docs_dir and not stamp_path(docs_dir).is_file())

    # the watch's last build's stamp, as it wrote it (or will, in `later`): not read back from the disk (the
    # France tree's is 4 MB of JSON)
    stamp = kept.stamp if kept is not None and kept.stamp is not None else read_stamp(docs_dir)
    if kept is not None:
        kept.stamp = None  # given back by this build if it ends well; else the next reads the disk's
    hashes = previous_hashes(stamp)  # the sheets count by their bytes: saved again unchanged is no change
    tree = _sheets_listing(territories, kept)  # once: the signature counts these sheets, the loader reads them
    signature = inputs_signature(territories, content_dir, config_file, docs_dir, site_dir, hashes, tree, config)
    # the watch's first build goes through even when nothing changed: it fills what the process keeps (the
    # sheets' memo, the page cache's shards, the scores, the pictures taken), which the first save would read
    warming = kept is not None and kept.memo is None
    if no_site and not getattr(args, "pdf", False) and not warming and docs_up_to_date(docs_dir, signature, hashes,
                                                                                        stamp):
        say(_("{folder}: nothing changed since the last generation (sheets, content, configuration, generator, "
               "theme and docs folder as they were); done in {seconds} s").format(
            folder=docs_dir, seconds=decimal(time.perf_counter() - started)), quiet)
        return 0

    say(_("validating the sheets…"), quiet)
    if kept is not None and kept.memo is not None:
        memo = kept.memo  # this process's last build's, in memory
    else:
        with paused():  # unpickling makes no garbage: the results are kept to the end, frozen at once (see below)
            memo = SheetMemo.on_disk(SHEETS_DIR, territories)  # the last build's: only the sheets that changed are read
            gc.freeze()
        if kept is not None:
            kept.memo = memo
    try:
        # with the last build's results, loading makes the model and little garbage (the changed sheets' parse);
        # a first build parses every sheet (170,000 objects of garbage cycles on the shipped atlas): collected
        with paused(bool(memo.entries)):
            atlas = load_valid_atlas(territories, memo=memo, tree=tree, changed=kept.changed if kept else ())
            # the atlas lives to the end: the collector need not walk its millions of objects again and again
            # (each collection of the older generation walked them all: 0.35 of 4.3 CPU s after one hub edit);
            # frozen before the collector runs again, or its next collection walks all the load made (0.07 s)
            gc.freeze()
    except InvalidAtlas as error:
        print("\n".join(p.text() for p in error.report.errors), file=sys.stderr)  # every error, then the summary
        raise
    finally:
        _now_or_later(kept, lambda: _saved(SHEETS_DIR, memo.save))
    say(_("{territories}, {hubs}").format(
        territories=ngettext("{count} territory", "{count} territories", len(atlas.territories)).format(
            count=number(len(atlas.territories))),
        hubs=ngettext("{count} hub", "{count} hubs", len(atlas.hubs)).format(count=number(len(atlas.hubs)))), quiet)

    from generator.measured import scores_of

    scores = scores_of(atlas)  # the measured profile, once: pictures, pages, PDFs and open data reuse it
    say(ngettext("measured profile: {count} territory scored", "measured profile: {count} territories scored",
                  len(scores.profiles)).format(count=number(len(scores.profiles))), quiet)

    say(_("charts and maps…"), quiet)
    pictures = draw_site_pictures(atlas, CACHE_DIR, getattr(args, "jobs", None), not quiet, territories, SPECS_DIR,
                                  kept, lambda save: _now_or_later(kept, save))
    gc.freeze()  # nor the pictures' values, kept to the end as well

    docs_being_written(docs_dir)  # the reports and the kept PDFs go into the docs folder too
    with thresholds(PYTHON_THRESHOLDS):  # WeasyPrint's documents are webs of cycles (generator.collector)
        written_pdfs = _make_pdfs(atlas, docs_dir, args, pictures, quiet) if getattr(args, "pdf", False) else []
    pdf_ids, atlas_pdf, pdf_ids_en, atlas_pdf_en = keep_existing_pdfs(atlas, docs_dir, site_dir, written_pdfs)
    stale_pdfs = prune_pdfs(atlas, docs_dir)

    say(_("pages…"), quiet)
    follower = kept.docs_changes if kept is not None else None
    left = follower.left() if follower is not None else None
    with writing(docs_dir, _("the docs folder")):
        stats = generate_docs(atlas, territories, docs_dir, content_dir, config, pictures, pdf_ids, atlas_pdf,
                              quiet, pdf_ids_en=pdf_ids_en, atlas_pdf_en=atlas_pdf_en,
                              cache=_page_cache(docs_dir, kept), jobs=getattr(args, "jobs", None),
                              save_cache=lambda save: _now_or_later(kept, save), left=left)
    if follower is not None:
        follower.forget(stats.states)
    stats.removed.extend(stale_pdfs)
    say(_("{folder}: {written} written, {unchanged} unchanged, {removed} removed").format(
        folder=docs_dir, written=number(len(stats.written)), unchanged=number(len(stats.unchanged)),
        removed=number(len(stats.removed))), quiet)
    if 0 < len(stats.written) + len(stats.removed) <= SHOW_CHANGED:  # one edited sheet: say what it touched
        for path in stats.written:
            say(_("  written {path}").format(path=path), quiet)
        for path in stats.removed:
            say(_("  removed {path}").format(path=path), quiet)

    # what this generation was made from: the next may skip
    states = stats.states
    _now_or_later(kept, lambda: _saved(STAMP_DIR, lambda: write_stamp(docs_dir, signature, states, hashes)))
    if kept is not None:  # what that stamp says, for the watch's next build
        kept.stamp = {"docs": str(docs_dir.resolve()), "inputs": signature, "files": states, "sheets": hashes} \
            if states is not None else None
    if no_site:
        say(_("done in {seconds} s (no site: {option})").format(seconds=decimal(time.perf_counter() - started),
                                                                 option="--no-site"), quiet)
        return 0
    del pictures, stats, scores  # the engines and Pagefind, which run beside this process, need none of them
    give_back_memory()
    build_site(atlas, docs_dir, site_dir, getattr(args, "engine", "mkdocs"), config, quiet, getattr(args, "jobs", None))
    say(_("site built into {folder} in {seconds} s").format(folder=site_dir,
                                                             seconds=decimal(time.perf_counter() - started)), quiet)
    return 0
