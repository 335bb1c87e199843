"""One hub sheet edited, built again by `atlas build --watch` (the same process): wall and CPU seconds.

    nice -n 10 python benchmarks/bench_watch.py [--territories DIR] [--work DIR] [--hub SHEET] [--rounds N]
    nice -n 10 python benchmarks/bench_watch.py [--territories DIR] [--work DIR] --hubs N

Issue 11, target 2 (one hub edited, the files that depend on it rewritten, and named, in under 2 s).
`bench_edit.py` times a new `atlas build --no-site` process per edit; this script times the build that
`atlas build --watch` runs after each save (`generator.watch.build_once`: `atlas build --no-site`, both
editions, with the sheets' memo and the page cache kept in memory by `generator.build.KeptInMemory`), in
this one process, as the watch does, its file watcher on. The watcher's own wait (DEBOUNCE_SECONDS after the save's last
event) is not in the figure: it is the same for any way of building.

The sheets are copied into WORK/territories; a new `atlas build --no-site` fills WORK/docs and the caches, then
the watch's first build fills the process and the watch reads ahead (`read_ahead`), as when a contributor starts
it (neither is a figure);
each round renames the hub (`name:` gets a suffix) and builds, then puts the sheet back byte for byte and
builds again. With `--hubs N`, each round edits another hub (N hubs spread over the sheets in name order, each
renamed then put back), as a contributor goes from sheet to sheet: the first edit of a hub reads cache entries
and kept words that the rounds of one hub read only once. Printed: each build's wall and CPU seconds (this
process's) and the count of files it wrote, then
the range and median; the time `settle` takes after each build (the caches' saves on disk and the collector,
which the watch runs while it waits for the next save: not in the figures); the load average before and after.
`--show` prints each build's own lines.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

from bench_edit import (  # noqa: E402
    WRITTEN,
    _build,
    _load,
    _renamed,
    copy_sheets,
    edit_arguments,
    edited_sheet,
    spread,
)


def spread_hubs(territories: Path, count: int, source: Path) -> list[Path]:
    """`count` hub sheets spread evenly over the copied sheets in name order (the middle one of each slice)."""
    hubs = sorted(territories.glob("*/hubs/*.yml"))
    if not hubs:
        sys.exit(f"no hub sheet in {source}")
    step = len(hubs) / count
    return [hubs[min(len(hubs) - 1, int(step * index + step / 2))] for index in range(count)]


def main(argv: list[str] | None = None) -> int:
    parser = edit_arguments(__doc__.splitlines()[0], "bench-watch")
    parser.add_argument("--show", action="store_true", help="print each build's own output")
    parser.add_argument("--hubs", type=int, default=0, metavar="N",
                        help="edit N different hubs, one per round (instead of --hub, --rounds times)")
    args = parser.parse_args(argv)

    os.chdir(ROOT)  # the caches are the repository's `.cache/`, as for a contributor
    from generator.build import KeptInMemory
    from generator.collector import BUILD_THRESHOLDS, thresholds
    from generator.faults import FolderLock
    from generator.i18n import set_language
    from generator.watch import build_once, read_ahead, settle
    from generator.watcher import watch_files, watched_folders

    set_language("fr")
    work = args.work.resolve()
    territories = copy_sheets(args.territories, work)
    sheets = spread_hubs(territories, args.hubs, args.territories) if args.hubs > 0 else \
        [edited_sheet(territories, args.hub, args.territories)] * args.rounds
    build_args = argparse.Namespace(territories=territories, docs_dir=work / "docs", site_dir=Path("site"),
                                    no_site=True, pdf=False, jobs=None, quiet=False)
    kept = KeptInMemory()
    settled: list[float] = []
    print(f"load average before: {_load()} ({os.cpu_count()} cores)")
    edited = sheets[0].relative_to(territories) if args.hubs <= 0 else f"{len(sheets)} hubs, one per round"
    print(f"sheets: {args.territories} → {territories}; edited: {edited}")

    def build(changed: frozenset[Path]) -> tuple[float, float, str]:
        kept.changed = changed
        said = io.StringIO()
        wall, cpu = time.perf_counter(), time.process_time()
        with contextlib.redirect_stderr(said), thresholds(BUILD_THRESHOLDS):  # as `atlas build` sets them
            done = build_once(build_args, kept)
        figures = (time.perf_counter() - wall, time.process_time() - cpu, said.getvalue())
        if not done:
            sys.exit(said.getvalue())
        start = time.perf_counter()
        settle(kept)  # as the watch does after each build, while the contributor edits (timed apart)
        settled.append(time.perf_counter() - start)
        return figures

    # as a contributor starts it: the docs folder built before by `atlas build --no-site`, then the watch's first
    # build (it goes through, writing nothing, to fill the process: generator.build `warming`)
    before = _build(territories, work / "docs", ROOT)
    print(f"atlas build --no-site before the watch (not a figure): {before.wall:.1f} s")
    kept.lock = FolderLock(work / "docs").acquire()  # as the watch holds it
    # the watcher on, as in the watch: its thread runs beside each build (it once took 0.4 s of each, told of
    # every file the build read); what it tells is not used here, the rounds name the saved sheet themselves
    observer = watch_files(watched_folders(territories, ROOT / "content"), lambda files: None)
    wall, _cpu, _said = build(frozenset())
    start = time.perf_counter()
    read_ahead(kept)  # as the watch does after its first build
    print(f"the watch's first build (not a figure): {wall:.1f} s; read ahead after it: "
          f"{time.perf_counter() - start:.2f} s")
    walls: list[float] = []
    cpus: list[float] = []
    print(f"\n{'build':<22}  wall s   CPU s  written")
    for number, sheet in enumerate(sheets, 1):
        if args.hubs > 0:
            print(f"round {number}: {sheet.relative_to(territories)}")
        original = sheet.read_bytes()
        try:  # as `edit_rounds`: the name gets « essai N » (N: the round), then the sheet is put back
            renamed = _renamed(original.decode("utf-8"), f"essai {number}").encode("utf-8")
            steps = ((f"round {number}: renamed", renamed), (f"round {number}: put back", original))
            for label, text in steps:
                sheet.write_bytes(text)
                wall, cpu, said = build(frozenset({sheet.absolute()}))
                walls.append(wall)
                cpus.append(cpu)
                found = WRITTEN.search(said)
                written = re.sub(r"\D", "", found.group(1)) if found else "?"
                print(f"{label:<22} {wall:6.2f}  {cpu:6.2f}  {written:>7}")
                if args.show:
                    print(said)
        finally:
            sheet.write_bytes(original)
    observer.stop()
    print("\n" + spread("builds", walls, cpus))
    print(f"after each build, while the watch waits for the next save (not in the figures above), the caches "
          f"saved on disk and the collector: "
          f"{min(settled[1:]):.2f}–{max(settled[1:]):.2f} s")
    print(f"load average after: {_load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
