"""Every picture of an atlas drawn cold (empty cache), per kind: how many, time, mean size; then cached.

    nice -n 10 python benchmarks/bench_pictures.py [--territories DIR] [--jobs N] [--kinds K,...] [--every N]

Cold: `draw_pictures` into an empty temporary cache (the build's own call: specs, cache keys, workers,
cache writes), its wall time, and per kind the pictures drawn, the CPU seconds spent drawing them
(summed over the workers; CPU time, so that other processes on the shared machine change it little),
the mean CPU time per picture and the mean and total size of the SVGs; then the CPU time of the
calling process (specs, cache keys, collecting the results) and what the whole costs in CPU.
Cached: the same call again, which draws nothing.
`--kinds locator` keeps only some kinds and `--every 10` one picture in ten of each kind. The load
average is printed before and after: other processes on the machine change the figures.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.load import load_valid_atlas  # noqa: E402
from generator.pictures import DrawStats, draw_pictures, picture_keys, picture_specs  # noqa: E402


def _load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--territories", type=Path, default=ROOT / "territories")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--kinds", default="", help="comma-separated kinds to keep (e.g. locator,pillars)")
    parser.add_argument("--every", type=int, default=1, help="keep one picture in N of each kind")
    args = parser.parse_args(argv)

    print(f"load average before: {_load()} ({os.cpu_count()} cores)")
    started = time.perf_counter()
    atlas = load_valid_atlas(args.territories)
    print(f"atlas: {len(atlas.territories)} territories, {len(atlas.hubs)} hubs "
          f"(loaded in {time.perf_counter() - started:.2f} s)")
    keys = picture_keys(atlas)
    specs = picture_specs(atlas, keys)
    kinds = set(filter(None, args.kinds.split(",")))
    seen: dict[str, int] = defaultdict(int)
    kept = []
    for key, spec in specs.items():
        if kinds and spec.kind not in kinds:
            continue
        seen[spec.kind] += 1
        if (seen[spec.kind] - 1) % args.every == 0:
            kept.append(key)
    if len(kept) != len(keys):
        print(f"measuring {len(kept)} of {len(keys)} pictures (kinds: {args.kinds or 'all'}, one in {args.every})")

    with tempfile.TemporaryDirectory() as cache:
        before = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        cold = DrawStats()
        drawn = draw_pictures(atlas, cache_dir=Path(cache), keys=None if len(kept) == len(keys) else kept,
                              jobs=args.jobs, progress=False, stats=cold)
        after = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        cached = DrawStats()
        draw_pictures(atlas, cache_dir=Path(cache), keys=None if len(kept) == len(keys) else kept,
                      jobs=args.jobs, progress=False, stats=cached)
    sizes: dict[str, list[int]] = defaultdict(list)
    for key, picture in drawn.items():
        sizes[specs[key].kind].append(len(picture.svg))

    print(f"\ncold, {cold.requested} pictures, {cold.drawn} drawn: {cold.seconds:.1f} s wall")
    print(f"{'kind':<15} {'drawn':>6} {'CPU s':>7} {'ms each':>8} {'mean KB':>8} {'total MB':>9}")
    for kind in sorted(cold.drawn_by_kind, key=lambda k: -cold.seconds_by_kind[k]):
        n, seconds = cold.drawn_by_kind[kind], cold.seconds_by_kind[kind]
        mean_kb = sum(sizes[kind]) / max(len(sizes[kind]), 1) / 1024
        print(f"{kind:<15} {n:>6} {seconds:>7.2f} {1000 * seconds / n:>8.2f} {mean_kb:>8.1f} "
              f"{sum(sizes[kind]) / 1024 / 1024:>9.1f}")
    total_seconds = sum(cold.seconds_by_kind.values())
    total_bytes = sum(sum(v) for v in sizes.values())
    print(f"{'all':<15} {cold.drawn:>6} {total_seconds:>7.2f} {1000 * total_seconds / max(cold.drawn, 1):>8.2f} "
          f"{total_bytes / max(len(drawn), 1) / 1024:>8.1f} {total_bytes / 1024 / 1024:>9.1f}")
    print(f"calling process: {cold.main_cpu:.2f} CPU s; drawing and calling process together "
          f"{total_seconds + cold.main_cpu:.1f} CPU s ({(total_seconds + cold.main_cpu) / 2:.1f} s on 2 idle cores)")
    spent = [sum(getattr(a, f) - getattr(b, f) for f in ("ru_utime", "ru_stime"))
             for a, b in zip(after, before, strict=True)]
    print(f"all CPU of the cold call, user and system (cache writes, messages, workers starting included): "
          f"{spent[0]:.1f} s here, {spent[1]:.1f} s in the workers, {sum(spent):.1f} s in all "
          f"({sum(spent) / 2:.1f} s on 2 idle cores)")
    print(f"\ncached: {cached.requested} pictures, {cached.drawn} drawn, {cached.seconds:.2f} s wall")
    print(f"load average after: {_load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
