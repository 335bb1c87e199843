"""The contributor commands that need only the sheets: `validate`, `schema`, `stats`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from generator.errors import AtlasError, Problem, Report
from generator.i18n import _, ngettext, number
from generator.load import load_atlas, load_valid_atlas, vocabulary_ids
from generator.model import PILLARS, Atlas
from generator.quality import quality_table
from generator.schema import schema_files
from generator.scores import explain, score_atlas
from generator.validate import did_you_mean


def _progress_printer(enabled: bool):
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


def run_validate(args: argparse.Namespace) -> int:
    """Report every problem of every sheet; exit 1 on errors (or warnings with --strict)."""
    root = args.territories.absolute()
    for p in args.paths:
        if not p.exists():
            raise AtlasError(_("no such file or folder: {path}").format(path=p), exit_code=2)
        if not (p.absolute() == root or root in p.absolute().parents):
            raise AtlasError(_("{path} is not inside the territories folder {folder} "
                               "(give that folder with --territories DIR)").format(path=p, folder=args.territories),
                             exit_code=2)
    update, bar = _progress_printer(args.format == "text" and not args.quiet)
    try:
        atlas, report = load_atlas(args.territories, progress=update)
    finally:
        if bar is not None:
            bar.stop()
    # notices (old facts, shown as such on the site) are counted, listed only on request
    shown = [p for p in report.sorted() if p.severity != "notice" or getattr(args, "notices", False)]
    if args.paths:
        shown = [p for p in shown if _in_paths(p, args.paths)]
    filtered = Report(shown)
    out = filtered.format(args.format)
    if out:
        print(out)
    if args.format == "text" and not args.quiet:
        print(summary(atlas, report, shown), file=sys.stderr)
    failed = any(p.severity == "error" for p in shown) or \
        (args.strict and any(p.severity == "warning" for p in shown))
    if not args.paths and atlas is None:
        failed = True
    return 1 if failed else 0


def run_schema(args: argparse.Namespace) -> int:
    """Write schema/*.schema.json (or with --check, say whether they are up to date)."""
    if not args.territories.is_dir():
        raise AtlasError(_("the territories folder '{folder}' does not exist").format(folder=args.territories))
    files = schema_files(vocabulary_ids(args.territories))
    stale = [name for name, body in files.items()
             if not (args.out / name).is_file() or (args.out / name).read_bytes() != body]
    if args.check:
        for name in stale:
            print(_("{file}: stale; run `atlas schema` and commit the result").format(file=args.out / name),
                  file=sys.stderr)
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name in stale:
        (args.out / name).write_bytes(files[name])
    print(_("{count} schema files in {folder}/ ({written} written, {unchanged} unchanged)").format(
        count=len(files), folder=args.out, written=len(stale), unchanged=len(files) - len(stale)))
    return 0


def run_stats(args: argparse.Namespace) -> int:
    """Quality report on the terminal."""
    atlas, report = load_atlas(args.territories)
    if atlas is None:
        print(report.format("text"))
        print(summary(atlas, report), file=sys.stderr)
        return 1
    rows = quality_table(atlas)
    totals = {
        "territories": len(atlas.territories), "hubs": len(atlas.hubs), "partnerships": len(atlas.partnerships),
        "facts": sum(r.facts for r in rows), "unsourced": sum(len(r.unsourced) for r in rows),
        "old": sum(len(r.old) for r in rows),
        "status_to_check": sum(1 for h in atlas.hubs.values() if atlas.status_is_old(h)),
        "territories_by_level": {lvl: len(atlas.by_level(lvl)) for lvl in
                                 sorted({t.level for t in atlas.territories.values()})},
        "pillars_not_assessed": sum(1 for t in atlas.territories.values() for k in PILLARS
                                    if k not in t.pillars or t.pillars[k].rating is None),
    }
    if args.format == "json":
        sheets = [{"kind": r.kind, "id": r.id, "path": r.path, "completeness": round(r.completeness, 4),
                   "facts": r.facts, "unsourced": list(r.unsourced), "old": list(r.old), "missing": list(r.missing)}
                  for r in rows]
        print(json.dumps({"totals": totals, "sheets": sheets}, ensure_ascii=False, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table
    console = Console()
    sourced = 100 * (1 - totals["unsourced"] / totals["facts"]) if totals["facts"] else 100.0
    bold = "[bold]{count}[/]"
    console.print(", ".join([
        ngettext("{count} territory", "{count} territories", totals["territories"]).format(
            count=bold.format(count=number(totals["territories"]))),
        ngettext("{count} hub", "{count} hubs", totals["hubs"]).format(count=bold.format(count=number(totals["hubs"]))),
        ngettext("{count} partnership", "{count} partnerships", totals["partnerships"]).format(
            count=number(totals["partnerships"])),
        ngettext("{count} fact ({sourced}% sourced, {old})", "{count} facts ({sourced}% sourced, {old})",
                 totals["facts"]).format(count=number(totals["facts"]), sourced=f"{sourced:.0f}",
                                         old=ngettext("{count} old", "{count} old", totals["old"]).format(
                                             count=number(totals["old"]))),
        ngettext("{count} pillar not assessed", "{count} pillars not assessed", totals["pillars_not_assessed"]).format(
            count=number(totals["pillars_not_assessed"])),
    ]))
    table = Table(title=_("The {count} sheets that most need work (same measure as the site's quality page)").format(
        count=args.top))
    table.add_column(_("sheet"), overflow="fold", min_width=24)
    for col in (_("completeness"), _("facts"), _("unsourced"), _("old"), _("missing")):
        table.add_column(col)
    for r in rows[: args.top]:
        table.add_row(r.path, f"{r.completeness:.0%}", str(r.facts), str(len(r.unsourced)), str(len(r.old)),
                      f"{len(r.missing)}: " + ", ".join(r.missing[:3]) + (", …" if len(r.missing) > 3 else ""))
    console.print(table)
    return 0


def run_scores(args: argparse.Namespace) -> int:
    """`atlas scores --explain TERRITORY`: print how the territory's measured scores were computed."""
    atlas = load_valid_atlas(args.territories)
    tid = args.explain
    if tid not in atlas.territories:
        hint = did_you_mean(tid, atlas.territories) or \
            _("give the id of a territory (its folder name under territories/)")
        raise AtlasError(_("no territory '{id}' in {folder}; {hint}").format(id=tid, folder=args.territories,
                                                                            hint=hint))
    print(explain(atlas, score_atlas(atlas), tid), end="")
    return 0
