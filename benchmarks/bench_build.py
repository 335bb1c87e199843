"""Time `atlas build` on the shipped atlas: pages, site size, and a second (unchanged) run.

Run from the repository root: `python benchmarks/bench_build.py [--territories DIR] [--jobs N]`.
Writes into build/bench/ (git-ignored) and prints one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def _first_build_by_phase(territories: Path, out: Path, jobs: int | None) -> dict[str, float]:
    """The steps of `atlas build`, timed one by one (same functions, same order)."""
    from generator.build import generate_docs
    from generator.engine import build_site
    from generator.load import load_valid_atlas
    from generator.site import draw_site_pictures, read_site_config

    times: dict[str, float] = {}
    mark = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        times[name] = now - mark
        mark = now

    atlas = load_valid_atlas(territories)
    lap("validate")
    pictures = draw_site_pictures(atlas, ROOT / ".cache" / "pictures", jobs, False)
    lap("pictures")
    config = read_site_config()
    generate_docs(atlas, territories, out / "docs", ROOT / "content", config, pictures, quiet=True)
    lap("pages_and_write")
    build_site(atlas, out / "docs", out / "site", "mkdocs", config, quiet=True)
    lap("mkdocs")
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--territories", type=Path, default=ROOT / "territories")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--cold", action="store_true", help="empty the picture cache first")
    options = parser.parse_args()

    from generator.commands import build
    from generator.project import Project

    out = ROOT / "build" / "bench"
    if out.exists():
        shutil.rmtree(out)
    if options.cold:
        shutil.rmtree(ROOT / ".cache" / "pictures", ignore_errors=True)
    project = Project.at(ROOT, territories=options.territories, docs_dir=out / "docs", site_dir=out / "site")
    phases = _first_build_by_phase(options.territories, out, options.jobs)
    first = sum(phases.values())
    started = time.perf_counter()
    build.run(project, build.Options(jobs=options.jobs, quiet=True))
    second = time.perf_counter() - started
    docs_files, docs_bytes = _size(out / "docs")
    site_files, site_bytes = _size(out / "site")
    pages = sum(1 for _ in (out / "site").rglob("index.html"))
    figures = {
        "first_build_s": round(first, 1), "phases_s": {k: round(v, 1) for k, v in phases.items()},
        "unchanged_rebuild_s": round(second, 1),
        "peak_rss_mb_generator": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "peak_rss_mb_subprocesses": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "html_pages": pages, "markdown_pages": sum(1 for _ in (out / "docs").rglob("*.md")),
        "docs_files": docs_files, "docs_mb": round(docs_bytes / 1e6, 1),
        "site_files": site_files, "site_mb": round(site_bytes / 1e6, 1),
        "search_index_mb": round((out / "site" / "search" / "search_index.json").stat().st_size / 1e6, 2),
    }
    print(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
