"""Where the time of one edit build goes: the steps of `atlas build --no-site` after one hub sheet is edited.

    nice -n 10 python benchmarks/edit_phases.py [--territories DIR] [--work DIR] [--hub SHEET] [--rounds N]
                                                [--reuse]

Issue 11, target 2 (one hub edited, the files that depend on it rewritten in under 2 s). `bench_edit.py`
measures the whole build as a contributor runs it; this script tells where that time goes, for the next
change to aim at. The sheets are copied into WORK/territories and built once (the warm-up; `--reuse` keeps a
WORK folder built before by this script, which must then hold the same code's build). Each round renames the
hub and builds, then puts the sheet back and builds again, each build in its own process (run from the
repository, its `.cache/` the repository's, as `bench_edit.py` does), where the steps listed in `STEPS` are
wrapped by a timer: the wall seconds spent in each (a step called inside another is counted in both), the
imports before the command starts, and the kept groups of outputs made again (`page_kept.KeptOutputs.keep`),
one by one. Printed: the median of each figure over the builds, and the load average before and after.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_edit import DEFAULT_HUB, _renamed, copy_sheets  # noqa: E402  (the same edit as the build's benchmark)

# (module, attribute): the steps of an edit build, in the order they run (generator.build.run_build)
STEPS = [
    ("generator.sheets", "find_sheets"),
    ("generator.build", "inputs_signature"),
    ("generator.sheet_memo", "SheetMemo.on_disk"),
    ("generator.load", "load_valid_atlas"),
    ("generator.load", "_model"),
    ("generator.validate.atlas", "check_atlas"),
    ("generator.sheet_memo", "SheetMemo.save"),
    ("generator.measured", "scores_of"),
    ("generator.atlas_reads", "shared_digest"),
    ("generator.build", "draw_site_pictures"),
    ("generator.build", "generate_docs"),
    ("generator.page_cache", "PageCache.__init__"),
    ("generator.page_cache", "PageCache.attach"),
    ("generator.page_cache", "PageCache._changed_answers"),
    ("generator.pages", "Pages.shared_pages"),
    ("generator.pages", "Pages.sheet_todo"),
    ("generator.pages", "Pages.sheet_pages"),
    ("generator.page_kept", "KeptOutputs.keep"),
    ("generator.site", "picture_outputs"),
    ("generator.editions", "english_outputs"),
    ("generator.build", "write_tree"),
    ("generator.outputs", "lstat_all"),
    ("generator.page_cache", "PageCache.save"),
    ("generator.build", "write_stamp"),
]


def _child(argv: list[str]) -> None:
    """One build in this process, its steps timed; prints one JSON line of figures (`__phases__` first)."""
    started = time.perf_counter()
    spent: dict[str, float] = defaultdict(float)
    made: list[tuple[str, float]] = []
    import generator.cli

    imports = time.perf_counter() - started
    for module_name, attribute in STEPS:
        owner: Any = importlib.import_module(module_name)
        *path, name = attribute.split(".")
        for part in path:
            owner = getattr(owner, part)
        original = getattr(owner, name)

        def timed(*args: Any, _original: Any = original, _label: str = f"{module_name}.{attribute}",
                  **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_label] += time.perf_counter() - start
                if _label == "generator.page_kept.KeptOutputs.keep" and args[1] in args[0].kinds_made:
                    made.append((args[1], time.perf_counter() - start))

        setattr(owner, name, functools.wraps(original)(timed))
    code = 0
    try:
        generator.cli.main(argv)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    figures = {"total": time.perf_counter() - started, "imports": imports, "exit": code, "steps": dict(spent),
               "made": made}
    print("__phases__" + json.dumps(figures), flush=True)


def _build(territories: Path, docs: Path) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "build", "--territories",
               str(territories), "--docs-dir", str(docs), "--no-site"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # Python's default, as bench_edit.py
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    found = [line for line in done.stdout.splitlines() if line.startswith("__phases__")]
    if done.returncode != 0 or not found:
        sys.exit(f"atlas build failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    figures = json.loads(found[-1][len("__phases__"):])
    figures["wall"] = wall
    return figures


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        _child(argv[1:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--territories", type=Path, default=ROOT / "territories", help="sheets to copy")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "edit-phases", help="working folder")
    parser.add_argument("--hub", default=DEFAULT_HUB, help="the hub sheet to edit, relative to the sheets")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--reuse", action="store_true", help="keep WORK as an earlier run of this script left it")
    args = parser.parse_args(argv)

    work = args.work.resolve()
    territories, docs = work / "territories", work / "docs"
    if not (args.reuse and territories.is_dir()):
        copy_sheets(args.territories, work)
    sheet = territories / args.hub
    if not sheet.is_file():
        sys.exit(f"no hub sheet {sheet}")
    original = sheet.read_bytes()
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())} ({os.cpu_count()} cores)")
    warm = _build(territories, docs)
    print(f"warm-up build (not a figure): {warm['wall']:.1f} s")
    runs: list[dict[str, Any]] = []
    try:
        for round_number in range(1, args.rounds + 1):
            for label, text in (("renamed", _renamed(original.decode("utf-8"), f"(phases {round_number})")),
                                ("put back", original.decode("utf-8"))):
                sheet.write_bytes(text.encode("utf-8"))
                run = _build(territories, docs)
                runs.append(run)
                print(f"round {round_number}, {label}: wall {run['wall']:.2f} s, in the process {run['total']:.2f} s")
    finally:
        sheet.write_bytes(original)
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")

    def median(values: list[float]) -> float:
        return statistics.median(values) if values else 0.0

    print(f"\nmedians of {len(runs)} edit builds (wall seconds)")
    print(f"{'process (start, imports, build, exit)':<52} {median([r['wall'] for r in runs]):6.2f}")
    print(f"{'  imports before the command':<52} {median([r['imports'] for r in runs]):6.2f}")
    for module_name, attribute in STEPS:
        label = f"{module_name}.{attribute}"
        print(f"  {label:<50} {median([r['steps'].get(label, 0.0) for r in runs]):6.2f}")
    groups: dict[str, list[float]] = defaultdict(list)
    for run in runs:
        for name, seconds in run["made"]:
            groups[name].append(seconds)
    print(f"\nkept groups made again (median seconds over the builds that made them; {len(groups)} groups)")
    for name, seconds in sorted(groups.items(), key=lambda item: -median(item[1])):
        print(f"  {name:<50} {median(seconds):6.3f} ({len(seconds)} builds)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
