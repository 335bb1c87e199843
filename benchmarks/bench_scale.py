"""Issue 11's targets measured side by side in one run, on one tree: `atlas build` against the engines.

For the tree given (the shipped atlas by default, or one from make_france_tree.py), in a private
working folder (its own cold picture cache, its own docs and site folders):
1. cold `atlas build` (every picture drawn, no PDF; Pagefind index included), wall time and peak memory;
2. the engines alone on the same generated docs: mkdocs, properdocs, zensical (those installed);
3. `atlas build --no-site` again with the warm cache and nothing changed (the generation's own cost);
4. the same sheets at another path (every sheet page rendered again), then one hub sheet edited:
   `--no-site` again, the files it rewrote and the sheet pages it rendered; then that sheet saved
   again with the same bytes (the inputs' stamp does not apply: the generation with a warm cache);
5. the site: size, pages, the largest page, the search index (Pagefind's bytes for a first query,
   against the engine's lunr index, measured by building the same docs with `extra.search: engine`).
Prints one JSON object and writes it to OUT/figures.json. Each command runs under /usr/bin/time.
Usage: python benchmarks/bench_scale.py [--territories DIR] [--out DIR] [--engines mkdocs,properdocs,zensical]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> dict[str, float]:
    """Wall seconds and peak resident memory (MiB, the largest process of the command's tree)."""
    report = cwd / ".time"
    result = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", str(report), *command], cwd=cwd,
                            env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise SystemExit(f"failed: {' '.join(command)}")
    seconds, kib = report.read_text().split()[-2:]
    return {"s": round(float(seconds), 1), "peak_mib": round(int(kib) / 1024)}


def folder_size(folder: Path) -> tuple[int, int, int, str]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    pages = [p for p in files if p.suffix == ".html"]
    largest = max(pages, key=lambda p: p.stat().st_size)
    return (sum(p.stat().st_size for p in files), len(files), len(pages),
            f"{largest.relative_to(folder)} {largest.stat().st_size / 1e6:.2f} MB")


def pagefind_first_query(site: Path) -> dict[str, float]:
    """Bytes a browser fetches for a first query: the script, the WebAssembly, the entry and metadata
    files, one index chunk (the largest, as a bound) and the fragments of 5 results (the largest)."""
    pf = site / "pagefind"
    if not pf.is_dir():
        return {}
    sizes = lambda pattern: sorted((p.stat().st_size for p in pf.glob(pattern)), reverse=True)  # noqa: E731
    fixed = sum(sizes("pagefind.js")) + max(sizes("wasm.*"), default=0) + sum(sizes("pagefind-entry.json"))
    fixed += max(sizes("pf_meta/*"), default=0)
    chunk = max(sizes("index/*"), default=0)
    fragments = sum(sizes("fragment/*")[:5])
    total = sum(p.stat().st_size for p in pf.rglob("*") if p.is_file())
    return {"first_query_kb": round((fixed + chunk + fragments) / 1024), "index_total_mb": round(total / 1e6, 1),
            "index_files": sum(1 for p in pf.rglob("*") if p.is_file())}


def _generation(atlas: list[str], out: Path, env: dict[str, str]) -> dict[str, object]:
    """One `--no-site` generation: time, memory, the files it wrote and the sheet pages it rendered."""
    run = subprocess.run(["/usr/bin/time", "-f", "%e %M", *atlas,
                          "--docs-dir", "gen/docs", "--site-dir", "site", "--no-site"], cwd=out,
                         env={**env, "ATLAS_LANG": "en"},  # the summary lines parsed below, in English
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.stderr.write(run.stderr[-3000:])
        raise SystemExit("failed: the --no-site generation")
    written = [line.strip() for line in run.stderr.splitlines() if line.strip().startswith("written ")]
    rendered = re.search(r"pages: (\d+) territory or hub pages? rendered, (\d+) unchanged", run.stderr)
    summary = re.search(r": (\d+) written, (\d+) unchanged, (\d+) removed", run.stderr)
    seconds, kib = run.stderr.strip().splitlines()[-1].split()[-2:]
    return {"s": round(float(seconds), 1), "peak_mib": round(int(kib) / 1024),
            "files_written": int(summary.group(1)) if summary else len(written),
            "first": written[:8], "sheet_pages_rendered": int(rendered.group(1)) if rendered else None,
            "sheet_pages_kept": int(rendered.group(2)) if rendered else None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--territories", type=Path, default=ROOT / "territories")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench-scale")
    parser.add_argument("--engines", default="mkdocs,properdocs,zensical")
    parser.add_argument("--skip-lunr", action="store_true", help="do not build the engine-search variant")
    parser.add_argument("--seed-pictures", type=Path, default=None,
                        help="start from (hard links to) this picture cache: the pages cold, not the pictures")
    options = parser.parse_args()
    out = options.out.resolve()
    territories = options.territories.resolve()
    if out.exists():
        shutil.rmtree(out)
    # the builds run in out/work (picture cache in out/work/.cache); the docs folder is one level down,
    # so Zensical's own cache (.cache beside its configuration, in the docs folder's parent, removed
    # by its --clean) is not the picture cache
    out = out / "work"
    (out / "gen").mkdir(parents=True)
    if options.seed_pictures is not None:
        seeded = out / ".cache" / "pictures"
        seeded.mkdir(parents=True)
        for entry in os.scandir(options.seed_pictures):  # not the half-written files of a build running there
            if not entry.name.startswith(".") and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(FileNotFoundError):  # pruned meanwhile
                    os.link(entry.path, seeded / entry.name)
    atlas = [sys.executable, "-m", "generator.cli", "build", "--territories", str(territories)]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    figures: dict[str, object] = {"tree": str(options.territories), "cpus": os.cpu_count(),
                                  "pictures_seeded_from": str(options.seed_pictures or "") or None,
                                  "load_average_at_start": os.getloadavg()}

    # 1. cold build (a private, empty picture cache: the build runs in `out`)
    figures["cold_build"] = timed([*atlas, "--docs-dir", "gen/docs", "--site-dir", "site"], out, env)
    size, files, pages, largest = folder_size(out / "site")
    figures["site"] = {"mb": round(size / 1e6, 1), "files": files, "html_pages": pages, "largest_page": largest,
                       "pages_over_1mb": sum(1 for p in (out / "site").rglob("*.html") if p.stat().st_size > 1e6)}
    figures["pagefind"] = pagefind_first_query(out / "site")

    # 2. the engines alone on the same docs
    engines = {}
    for engine in options.engines.split(","):
        script = ("import sys, pathlib; from datetime import date\n"
                  "from generator.engine import run_engine\nfrom generator.site import read_site_config\n"
                  "from generator.search import engine_search_config\n"
                  f"run_engine({engine!r}, engine_search_config(read_site_config(), 'pagefind'), "
                  f"pathlib.Path('gen/docs'), pathlib.Path('site-{engine}'), date(2026, 1, 1), quiet=True)\n")
        try:
            engines[engine] = timed([sys.executable, "-c", script], out, env)
        except SystemExit as error:
            engines[engine] = {"error": str(error)[:300]}
        shutil.rmtree(out / f"site-{engine}", ignore_errors=True)
    figures["engine_alone"] = engines

    # 3. warm generation, nothing changed; 4. one hub sheet edited
    figures["warm_generation"] = timed([*atlas, "--docs-dir", "gen/docs", "--site-dir", "site", "--no-site"], out, env)
    tree_copy = out / "tree"
    shutil.copytree(territories, tree_copy)
    hub = sorted(tree_copy.glob("*/hubs/*.yml"))[len(sorted(tree_copy.glob("*/hubs/*.yml"))) // 2]
    edited = list(atlas)
    edited[edited.index("--territories") + 1] = str(tree_copy)
    # same sheets at a new path: every sheet page is rendered again (their sources' paths changed)
    figures["full_regeneration"] = timed([*edited, "--docs-dir", "gen/docs", "--site-dir", "site", "--no-site"],
                                         out, env)
    text = hub.read_text(encoding="utf-8")
    hub.write_text(re.sub(r"(?m)^name: (.*)$", r"name: \1 (modifié)", text, count=1), encoding="utf-8")
    figures["one_hub_edited"] = _generation(edited, out, env)
    hub.touch()  # saved again, same bytes: the inputs' stamp does not apply, every page is as it was
    figures["sheet_saved_unchanged"] = _generation(edited, out, env)

    # 5. the engine's own search index, for comparison
    if not options.skip_lunr:
        script = ("import pathlib; from datetime import date\nfrom generator.engine import run_engine\n"
                  "from generator.site import read_site_config\n"
                  "run_engine('mkdocs', read_site_config(), pathlib.Path('gen/docs'), pathlib.Path('site-lunr'), "
                  "date(2026, 1, 1), quiet=True)\n")
        figures["engine_with_lunr"] = timed([sys.executable, "-c", script], out, env)
        index = out / "site-lunr" / "search" / "search_index.json"
        figures["lunr_index_mb"] = round(index.stat().st_size / 1e6, 2) if index.is_file() else None
        shutil.rmtree(out / "site-lunr", ignore_errors=True)

    mkdocs = engines.get("mkdocs", {}).get("s")
    if mkdocs:
        figures["ratio_cold_build_to_mkdocs"] = round(figures["cold_build"]["s"] / mkdocs, 2)
        figures["ratio_warm_generation_to_mkdocs"] = round(figures["warm_generation"]["s"] / mkdocs, 2)
        figures["ratio_sheet_saved_unchanged_to_mkdocs"] = round(figures["sheet_saved_unchanged"]["s"] / mkdocs, 2)
    figures["load_average_at_end"] = os.getloadavg()
    (out.parent / "figures.json").write_text(json.dumps(figures, indent=1, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(figures, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
