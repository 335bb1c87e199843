"""Milliseconds per chart and per map, cold and cached.

    python benchmarks/bench_pictures.py [--territories DIR] [--jobs N] [--limit N] [--kinds K,...] [--every N]

Cold: each picture drawn in this process, timed one by one (per kind), then the whole set drawn by
`draw_pictures` into an empty cache (parallel), with the size of the SVGs per kind (mean, max, total).
Cached: the same call again, which draws nothing. `--kinds locator` keeps only the locator maps and
`--every 10` one picture in ten (per kind), to measure a national tree in minutes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.load import load_valid_atlas  # noqa: E402
from generator.pictures import DrawStats, draw_pictures, picture_keys, picture_spec, render  # noqa: E402

MAP_KINDS = {"france", "france-counts", "density", "locator"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--territories", type=Path, default=ROOT / "territories")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--limit", type=int, default=12, help="pictures timed one by one per kind")
    parser.add_argument("--kinds", default="", help="comma-separated kinds to keep (e.g. locator)")
    parser.add_argument("--every", type=int, default=1, help="keep one picture in N of each kind")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    atlas = load_valid_atlas(args.territories)
    print(f"atlas: {len(atlas.territories)} territories, {len(atlas.hubs)} hubs, "
          f"{len(atlas.partnerships)} partnerships (loaded in {time.perf_counter() - started:.2f} s)")
    started = time.perf_counter()
    keys = picture_keys(atlas)
    specs = {key: picture_spec(atlas, key) for key in keys}
    print(f"{len(keys)} pictures; keys and specs in {1000 * (time.perf_counter() - started):.0f} ms")
    kinds = set(filter(None, args.kinds.split(",")))
    seen: dict[str, int] = defaultdict(int)
    kept = {}
    for key, spec in specs.items():
        if kinds and spec.kind not in kinds:
            continue
        seen[spec.kind] += 1
        if (seen[spec.kind] - 1) % args.every == 0:
            kept[key] = spec
    specs = kept
    if len(specs) != len(keys):
        print(f"measuring {len(specs)} of them (kinds: {args.kinds or 'all'}, one in {args.every})")

    by_kind: dict[str, list[float]] = defaultdict(list)
    sizes: dict[str, list[int]] = defaultdict(list)
    for spec in specs.values():
        if len(by_kind[spec.kind]) >= args.limit:
            continue
        t0 = time.perf_counter()
        svg = render(spec.kind, spec.data)
        by_kind[spec.kind].append(1000 * (time.perf_counter() - t0))
        sizes[spec.kind].append(len(svg))
    print("\ncold, one picture at a time in this process:")
    print(f"{'kind':<10} {'what':<6} {'n':>3} {'median ms':>10} {'max ms':>8} {'median KB':>10}")
    for kind in sorted(by_kind, key=lambda k: (k in MAP_KINDS, k)):
        times = by_kind[kind]
        print(f"{kind:<10} {'map' if kind in MAP_KINDS else 'chart':<6} {len(times):>3} "
              f"{statistics.median(times):>10.1f} {max(times):>8.1f} {statistics.median(sizes[kind]) / 1024:>10.1f}")
    charts = [t for k, ts in by_kind.items() if k not in MAP_KINDS for t in ts]
    maps = [t for k, ts in by_kind.items() if k in MAP_KINDS for t in ts]
    for what, times in (("chart", charts), ("map", maps)):
        if times:
            print(f"per {what}: {statistics.mean(times):.1f} ms (mean)")

    with tempfile.TemporaryDirectory() as cache:
        for label in ("cold", "cached"):
            stats = DrawStats()
            drawn = draw_pictures(atlas, cache_dir=Path(cache), keys=list(specs), jobs=args.jobs, progress=False,
                                  stats=stats)
            per = 1000 * stats.seconds / max(stats.requested, 1)
            print(f"draw_pictures {label:<6}: {stats.requested} pictures, {stats.drawn} drawn, "
                  f"{stats.cached} from the cache, {stats.seconds:.2f} s ({per:.2f} ms per picture)")
    by_size: dict[str, list[int]] = defaultdict(list)
    for key, picture in drawn.items():
        by_size[specs[key].kind].append(len(picture.svg))
    print(f"\nsizes of every SVG drawn:\n{'kind':<10} {'n':>5} {'mean KB':>8} {'max KB':>8} {'total MB':>9}")
    for kind in sorted(by_size, key=lambda k: (k in MAP_KINDS, k)):
        values = by_size[kind]
        print(f"{kind:<10} {len(values):>5} {statistics.mean(values) / 1024:>8.1f} {max(values) / 1024:>8.1f} "
              f"{sum(values) / 1024 / 1024:>9.1f}")
    total = [v for values in by_size.values() for v in values]
    print(f"{'all':<10} {len(total):>5} {statistics.mean(total) / 1024:>8.1f} {max(total) / 1024:>8.1f} "
          f"{sum(total) / 1024 / 1024:>9.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
