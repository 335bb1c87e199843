"""`atlas validate`: every problem of every sheet, one line each, and a summary."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.commands import in_its_language
from generator.errors import AtlasError, Problem, Report
from generator.i18n import _, ngettext, number
from generator.load import load_atlas
from generator.project import Project
from generator.sheets import Tree, find_sheets


@dataclass(frozen=True)
class Options:
    paths: list[Path] = field(default_factory=list)  # only report problems in these files or folders
    format: str = "text"  # text, json or github
    strict: bool = False  # warnings fail the run too
    notices: bool = False  # also list the notices (old facts, shown as such on the site)
    quiet: bool = False  # only the problems, no summary


def _progress_printer(enabled: bool) -> tuple[Callable[[int, int], None] | None, Any]:
    """A small stderr progress line for big trees (rich, only on a terminal)."""
    if not enabled or not sys.stderr.isatty():
        return None, None
    from rich.progress import Progress
    bar = Progress(transient=True, console=None)
    task = bar.add_task(_("Reading the sheets"), total=None)
    bar.start()

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return update, bar


def _in_paths(problem: Problem, paths: list[Path]) -> bool:
    target = Path(problem.location.file).absolute()
    for p in paths:
        p = p.absolute()
        if target == p or p in target.parents:
            return True
    return False


def checked_counts(tree: Tree) -> tuple[int, int]:
    """How many territory and hub sheets the walk found: what `atlas validate` read and checked, whether or not
    each is valid (a sheet that does not parse was checked too: its error says why)."""
    return (sum(1 for f in tree.files if f.kind == "territory"), sum(1 for f in tree.files if f.kind == "hub"))


def walked(territories: Path) -> Tree | None:
    """The territories folder as `find_sheets` walks it, for `load_atlas` and the summary's counts; None where
    `load_atlas` refuses the folder (missing, not a folder, a link: its error says so)."""
    return find_sheets(territories) if territories.is_dir() and not territories.is_symlink() else None


def summary(counts: tuple[int, int], report: Report, shown: list[Problem] | None = None,
            paths: list[Path] | None = None) -> str:
    """`5 territoires et 4 lieux vérifiés : 0 erreur, ...`: what was checked and what was found. A validation
    builds nothing, so the line never speaks of the atlas being built. With `paths`, the counts are those of the
    problems in these files or folders (the whole atlas was checked: its other errors are counted apart)."""
    problems = report.sorted() if shown is None else shown
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = sum(1 for p in problems if p.severity == "warning")
    notices = sum(1 for p in report.notices if not paths or _in_paths(p, paths))
    territories, hubs = counts
    checked = _("{territories} and {hubs} checked").format(
        territories=ngettext("{count} territory", "{count} territories", territories).format(
            count=number(territories)),
        hubs=ngettext("{count} hub", "{count} hubs", hubs).format(count=number(hubs)))
    parts = [ngettext("{count} error", "{count} errors", errors).format(count=number(errors)),
             ngettext("{count} warning", "{count} warnings", warnings).format(count=number(warnings))]
    if notices:
        parts.append(ngettext("{count} notice (--notices to list)", "{count} notices (--notices to list)",
                              notices).format(count=number(notices)))
    found = ", ".join(parts)
    if not paths:
        return _("{checked}: {found}").format(checked=checked, found=found)
    line = _("{checked}; in {paths}: {found}").format(checked=checked, paths=", ".join(str(p) for p in paths),
                                                      found=found)
    elsewhere = sum(1 for p in report.errors if not _in_paths(p, paths))
    if elsewhere:
        line += _("; {errors} elsewhere").format(
            errors=ngettext("{count} error", "{count} errors", elsewhere).format(count=number(elsewhere)))
    return line


@in_its_language
def run(project: Project, options: Options = Options()) -> int:
    """Report every problem of every sheet; 1 on errors (or warnings with `strict`), 2 on a bad path."""
    root = project.territories.absolute()
    for p in options.paths:
        if not p.exists():
            raise AtlasError(_("no such file or folder: {path}").format(path=p), exit_code=2)
        if not (p.absolute() == root or root in p.absolute().parents):
            raise AtlasError(_("{path} is not inside the territories folder {folder} "
                               "(give that folder with --territories DIR)").format(path=p,
                                                                                   folder=project.territories),
                             exit_code=2)
    update, bar = _progress_printer(options.format == "text" and not options.quiet)
    try:
        tree = walked(project.territories)
        atlas, report = load_atlas(project.territories, progress=update, tree=tree)
    finally:
        if bar is not None:
            bar.stop()
    # notices (old facts, shown as such on the site) are counted, listed only on request
    shown = [p for p in report.sorted() if p.severity != "notice" or options.notices]
    if options.paths:
        shown = [p for p in shown if _in_paths(p, options.paths)]
    out = Report(shown).format(options.format)
    if out:
        print(out)
    if options.format == "text" and not options.quiet:
        print(summary(checked_counts(tree) if tree is not None else (0, 0), report, shown, options.paths),
              file=sys.stderr)
    failed = any(p.severity == "error" for p in shown) or \
        (options.strict and any(p.severity == "warning" for p in shown))
    if not options.paths and atlas is None:
        failed = True
    return 1 if failed else 0
