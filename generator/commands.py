"""The contributor commands that need only the sheets: `validate`, `schema`, `stats`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from generator.errors import AtlasError, Problem, Report
from generator.load import load_atlas, load_valid_atlas, vocabulary_ids
from generator.scores import explain, score_atlas
from generator.validate import did_you_mean
from generator.model import Atlas, PILLARS
from generator.quality import quality_table
from generator.schema import schema_files


def _progress_printer(enabled: bool):
    """A small stderr progress line for big trees (rich, only on a terminal)."""
    if not enabled or not sys.stderr.isatty():
        return None, None
    from rich.progress import Progress
    bar = Progress(transient=True, console=None)
    task = bar.add_task("Lecture des fiches", total=None)
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
    if atlas is not None:
        head = f"{len(atlas.territories)} territories, {len(atlas.hubs)} hubs"
    else:
        head = "atlas not built"
    tail = f", {notices} notice{'s' if notices != 1 else ''} (--notices to list)" if notices else ""
    return f"{head}, {errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}{tail}"


def run_validate(args: argparse.Namespace) -> int:
    """Report every problem of every sheet; exit 1 on errors (or warnings with --strict)."""
    root = args.territories.absolute()
    for p in args.paths:
        if not p.exists():
            raise AtlasError(f"no such file or folder: {p}", exit_code=2)
        if not (p.absolute() == root or root in p.absolute().parents):
            raise AtlasError(f"{p} is not inside the territories folder {args.territories} "
                             "(give that folder with --territories DIR)", exit_code=2)
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
        raise AtlasError(f"the territories folder '{args.territories}' does not exist")
    files = schema_files(vocabulary_ids(args.territories))
    stale = [name for name, body in files.items()
             if not (args.out / name).is_file() or (args.out / name).read_bytes() != body]
    if args.check:
        for name in stale:
            print(f"{args.out / name}: stale; run `atlas schema` and commit the result", file=sys.stderr)
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name in stale:
        (args.out / name).write_bytes(files[name])
    print(f"{len(files)} schema files in {args.out}/ ({len(stale)} written, {len(files) - len(stale)} unchanged)")
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
    console.print(f"[bold]{totals['territories']}[/] territories, [bold]{totals['hubs']}[/] hubs, "
                  f"{totals['partnerships']} partnerships, {totals['facts']} facts "
                  f"({sourced:.0f}% sourced, {totals['old']} old), "
                  f"{totals['pillars_not_assessed']} pillars not assessed")
    table = Table(title=f"The {args.top} sheets that most need work (same measure as the site's quality page)")
    table.add_column("sheet", overflow="fold", min_width=24)
    for col in ("completeness", "facts", "unsourced", "old", "missing"):
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
        hint = did_you_mean(tid, atlas.territories) or "give the id of a territory (its folder name under territories/)"
        raise AtlasError(f"no territory '{tid}' in {args.territories}; {hint}")
    print(explain(atlas, score_atlas(atlas), tid), end="")
    return 0
