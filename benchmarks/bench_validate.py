"""Load + validate a France-scale tree, against PyYAML's C loader merely parsing the same files.

Usage: python benchmarks/bench_validate.py [--tree DIR] [--repeat 3]
Writes the tree with make_france_tree.py when DIR does not exist. Prints both times and the ratio
(target: at most 3).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_france_tree import write_tree  # noqa: E402

from generator.load import load_atlas  # noqa: E402


def parse_only(root: Path) -> int:
    count = 0
    for path in sorted(root.rglob("*.yml")):
        yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
        count += 1
    return count


def best(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tree", type=Path, default=Path("/tmp/atlas-france-tree/territories"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.tree.exists():
        write_tree(args.tree, 4000)
    t_parse, files = best(lambda: parse_only(args.tree), args.repeat)
    t_load, (atlas, report) = best(lambda: load_atlas(args.tree), args.repeat)
    if atlas is None:
        print(report.format("text")[:2000])
        raise SystemExit("the benchmark tree is invalid")
    print(f"files: {files}; territories: {len(atlas.territories)}; hubs: {len(atlas.hubs)}; "
          f"partnerships: {len(atlas.partnerships)}; problems: {len(report.problems)}")
    print(f"yaml.CSafeLoader parse only: {t_parse:.3f} s")
    print(f"atlas load + validate:       {t_load:.3f} s")
    print(f"ratio: {t_load / t_parse:.2f} (target <= 3)")


if __name__ == "__main__":
    main()
