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
from generator.model import Atlas
from generator.project import Project


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


def summary(atlas: Atlas | None, report: Report, shown: list[Problem] | None = None) -> str:
    """`5 territoires, 4 lieux, 0 erreur, ...`: what was read and what was found."""
    shown = report.sorted() if shown is None else shown
    errors = sum(1 for p in shown if p.severity == "error")
    warnings = sum(1 for p in shown if p.severity == "warning")
    notices = len(report.notices)
    parts = [_("atlas not built")] if atlas is None else [
        ngettext("{count} territory", "{count} territories", len(atlas.territories)).format(
            count=number(len(atlas.territories))),
        ngettext("{count} hub", "{count} hubs", len(atlas.hubs)).format(count=number(len(atlas.hubs))),
    ]
    parts.append(ngettext("{count} error", "{count} errors", errors).format(count=number(errors)))
    parts.append(ngettext("{count} warning", "{count} warnings", warnings).format(count=number(warnings)))
    if notices:
        parts.append(ngettext("{count} notice (--notices to list)", "{count} notices (--notices to list)",
                              notices).format(count=number(notices)))
    return ", ".join(parts)


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
        atlas, report = load_atlas(project.territories, progress=update)
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
        print(summary(atlas, report, shown), file=sys.stderr)
    failed = any(p.severity == "error" for p in shown) or \
        (options.strict and any(p.severity == "warning" for p in shown))
    if not options.paths and atlas is None:
        failed = True
    return 1 if failed else 0
