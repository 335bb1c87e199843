"""Milliseconds per chart and per map, cold and cached.

    python benchmarks/bench_pictures.py [--territories DIR] [--jobs N] [--limit N]

Cold: each picture drawn in this process, timed one by one (per kind), then the whole set drawn by
`draw_pictures` into an empty cache (parallel). Cached: the same call again, which draws nothing.
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

MAP_KINDS = {"france", "density", "locator"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--territories", type=Path, default=ROOT / "territories")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--limit", type=int, default=12, help="pictures timed one by one per kind")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    atlas = load_valid_atlas(args.territories)
    print(f"atlas: {len(atlas.territories)} territories, {len(atlas.hubs)} hubs, "
          f"{len(atlas.partnerships)} partnerships (loaded in {time.perf_counter() - started:.2f} s)")
    started = time.perf_counter()
    keys = picture_keys(atlas)
    specs = {key: picture_spec(atlas, key) for key in keys}
    print(f"{len(keys)} pictures; keys and specs in {1000 * (time.perf_counter() - started):.0f} ms")

    by_kind: dict[str, list[float]] = defaultdict(list)
    sizes: dict[str, list[int]] = defaultdict(list)
    for key, spec in specs.items():
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
    print(f"per chart: {statistics.mean(charts):.1f} ms (mean), per map: {statistics.mean(maps):.1f} ms (mean)")

    with tempfile.TemporaryDirectory() as cache:
        for label in ("cold", "cached"):
            stats = DrawStats()
            draw_pictures(atlas, cache_dir=Path(cache), jobs=args.jobs, progress=False, stats=stats)
            per = 1000 * stats.seconds / max(stats.requested, 1)
            print(f"draw_pictures {label:<6}: {stats.requested} pictures, {stats.drawn} drawn, "
                  f"{stats.cached} from the cache, {stats.seconds:.2f} s ({per:.2f} ms per picture)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
