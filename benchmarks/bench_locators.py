"""Time to draw every wide locator map (territories and hubs) of an atlas, one by one in this process.

    python benchmarks/bench_locators.py [--territories DIR] [--every N] [--narrow]

Issue 11: the wide locators were the bulk of the pictures still drawn through matplotlib. Prints the
count, total seconds and milliseconds per picture for territory and hub locators, and the load average.
`--narrow` draws the same maps with the narrow writer (SVG written as text, no matplotlib): what the
close view of a wide locator costs when written that way, before its labels, small France and legend.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.load import load_valid_atlas  # noqa: E402
from generator.pictures import picture_keys, picture_spec, render  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--territories", type=Path, default=ROOT / "territories")
    parser.add_argument("--every", type=int, default=1, help="keep one locator in N")
    parser.add_argument("--narrow", action="store_true", help="draw them with the narrow (SVG text) writer")
    args = parser.parse_args(argv)
    atlas = load_valid_atlas(args.territories)
    keys = [k for k in picture_keys(atlas) if k.endswith("/locator") and not k.startswith("narrow/")]
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    for prefix in ("territory/", "hub/"):
        chosen = [k for k in keys if k.startswith(prefix)][::args.every]
        specs = [picture_spec(atlas, ("narrow/" if args.narrow else "") + k) for k in chosen]
        render(specs[0].kind, specs[0].data)  # warm: imports, layers, fonts
        started = time.perf_counter()
        size = 0
        for spec in specs:
            size += len(render(spec.kind, spec.data))
        seconds = time.perf_counter() - started
        print(f"{prefix.rstrip('/')} locators: {len(specs)} in {seconds:.1f} s, "
              f"{1000 * seconds / len(specs):.1f} ms each, {size / len(specs) / 1024:.1f} KiB mean")
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
