"""Time `atlas build` on the shipped atlas: pages, site size, and a second (unchanged) run.

Run from the repository root: `python benchmarks/bench_build.py [--territories DIR] [--jobs N]`.
Writes into build/bench/ (git-ignored) and prints one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--territories", type=Path, default=ROOT / "territories")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--cold", action="store_true", help="empty the picture cache first")
    options = parser.parse_args()

    from generator.build import run_build

    out = ROOT / "build" / "bench"
    if out.exists():
        shutil.rmtree(out)
    if options.cold:
        shutil.rmtree(ROOT / ".cache" / "pictures", ignore_errors=True)
    args = argparse.Namespace(territories=options.territories, docs_dir=out / "docs", site_dir=out / "site",
                              pdf=False, pdf_variant=None, engine="mkdocs", jobs=options.jobs, no_site=False,
                              content_dir=ROOT / "content", quiet=True)
    started = time.perf_counter()
    run_build(args)
    first = time.perf_counter() - started
    started = time.perf_counter()
    run_build(args)
    second = time.perf_counter() - started
    docs_files, docs_bytes = _size(out / "docs")
    site_files, site_bytes = _size(out / "site")
    pages = sum(1 for _ in (out / "site").rglob("index.html"))
    figures = {
        "first_build_s": round(first, 1), "unchanged_rebuild_s": round(second, 1),
        "html_pages": pages, "markdown_pages": sum(1 for _ in (out / "docs").rglob("*.md")),
        "docs_files": docs_files, "docs_mb": round(docs_bytes / 1e6, 1),
        "site_files": site_files, "site_mb": round(site_bytes / 1e6, 1),
        "search_index_mb": round((out / "site" / "search" / "search_index.json").stat().st_size / 1e6, 2),
    }
    print(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
