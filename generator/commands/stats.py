"""`atlas stats`: the quality report on the terminal (the measure of the site's quality page)."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any

from generator.commands import in_its_language
from generator.commands.validate import checked_counts, summary, walked
from generator.i18n import _, ngettext, number
from generator.load import load_atlas
from generator.model import PILLARS, Atlas
from generator.project import Project
from generator.quality import SheetQuality, quality_table


@dataclass(frozen=True)
class Options:
    format: str = "text"  # text or json
    top: int = 15  # how many sheets that most need work to list


def totals_of(atlas: Atlas, rows: list[SheetQuality]) -> dict[str, Any]:
    """The counts of the whole atlas: sheets, facts, unsourced and old facts, pillars not assessed."""
    return {
        "territories": len(atlas.territories), "hubs": len(atlas.hubs), "partnerships": len(atlas.partnerships),
        "facts": sum(r.facts for r in rows), "unsourced": sum(len(r.unsourced) for r in rows),
        "old": sum(len(r.old) for r in rows),
        "status_to_check": sum(1 for h in atlas.hubs.values() if atlas.status_is_old(h)),
        "territories_by_level": {lvl: len(atlas.by_level(lvl)) for lvl in
                                 sorted({t.level for t in atlas.territories.values()})},
        "pillars_not_assessed": sum(1 for t in atlas.territories.values() for k in PILLARS
                                    if k not in t.pillars or t.pillars[k].rating is None),
    }


@in_its_language
def run(project: Project, options: Options = Options()) -> int:
    """Quality report on the terminal, or as JSON; 1 when the atlas does not load."""
    tree = walked(project.territories)
    atlas, report = load_atlas(project.territories, tree=tree)
    if atlas is None:
        print(report.format("text"))
        print(summary(checked_counts(tree) if tree is not None else (0, 0), report), file=sys.stderr)
        return 1
    rows = quality_table(atlas)
    totals = totals_of(atlas, rows)
    if options.format == "json":
        sheets = [{"kind": r.kind, "id": r.id, "path": r.path, "completeness": round(r.completeness, 4),
                   "facts": r.facts, "unsourced": list(r.unsourced), "old": list(r.old), "missing": list(r.missing)}
                  for r in rows]
        print(json.dumps({"totals": totals, "sheets": sheets}, ensure_ascii=False, indent=2))
        return 0
    _print_table(totals, rows, options.top)
    return 0


def _print_table(totals: dict[str, Any], rows: list[SheetQuality], top: int) -> None:
    """The totals and the sheets that most need work: a rich table on a terminal; elsewhere (`atlas stats |
    cat`, a file) plain lines with every column whole, as rich would cut its table at 80 columns."""
    bold = "[bold]{count}[/]" if sys.stdout.isatty() else "{count}"
    sourced = 100 * (1 - totals["unsourced"] / totals["facts"]) if totals["facts"] else 100.0
    line = ", ".join([
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
    ])
    title = _("The {count} sheets that most need work (same measure as the site's quality page)").format(count=top)
    header = [_("sheet"), _("completeness"), _("facts"), _("unsourced"), _("old"), _("missing")]
    cells = [[r.path, f"{r.completeness:.0%}", str(r.facts), str(len(r.unsourced)), str(len(r.old)),
              f"{len(r.missing)}: " + ", ".join(r.missing[:3]) + (", …" if len(r.missing) > 3 else "")]
             for r in rows[:top]]
    if not sys.stdout.isatty():
        widths = [max(len(row[i]) for row in [header, *cells]) for i in range(len(header))]
        print(line)
        print(title)
        for row in [header, ["-" * w for w in widths], *cells]:
            print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(line)
    table = Table(title=title)
    table.add_column(header[0], overflow="fold", min_width=24)
    for col in header[1:]:
        table.add_column(col)
    for row in cells:
        table.add_row(*row)
    console.print(table)
