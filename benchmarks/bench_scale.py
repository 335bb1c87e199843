"""Issue 11's targets measured side by side in one run, on one tree: `atlas build` against the engines.

For the tree given (the shipped atlas by default, or one from make_france_tree.py), in a private
working folder (its own cold picture cache, its own docs and site folders):
1. cold `atlas build` (every picture drawn, no PDF; Pagefind index included), wall time and peak memory;
2. the engines alone on the same generated docs: mkdocs, properdocs, zensical (those installed), both
   editions one after the other and both at once (as `atlas build` runs them with two jobs); then the
   HTML post-pass alone on the engine's pages (generator.html_whitespace), with the HTML size before/after;
3. `atlas build --no-site` again with the warm cache and nothing changed (the generation's own cost);
4. the same sheets at another path (every sheet page rendered again), then one hub sheet edited:
   `--no-site` again, the files it rewrote and the sheet pages it rendered; then that sheet saved
   again with the same bytes (the inputs' stamp does not apply: the generation with a warm cache);
5. the site: size, pages, the largest page, the search index (Pagefind's bytes for a first query,
   against the engine's lunr index, measured by building the same docs with `extra.search: engine`).
Prints one JSON object and writes it to OUT/figures.json. Each command runs under /usr/bin/time.
The cold build's stages (generation and pictures; engines and post-pass; Pagefind) are read from the
times at which its progress lines appear. CPU seconds (user + system of the whole process tree) beside
wall seconds, and the load average at each step.
Usage: python benchmarks/bench_scale.py [--territories DIR] [--out DIR] [--engines mkdocs,properdocs,zensical]
                                        [--jobs N] [--target1-only]
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
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None,
          stages: dict[str, str] | None = None) -> dict[str, object]:
    """Wall seconds, CPU seconds (user + system, the command and its children) and peak resident memory
    (MiB, the largest process of the command's tree); with `stages` (name -> start of a progress line),
    the seconds at which the first line starting so appeared."""
    report = cwd / ".time"
    load = os.getloadavg()[0]
    process = subprocess.Popen(["/usr/bin/time", "-f", "%e %U %S %M", "-o", str(report), *command], cwd=cwd,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    started, seen, tail = time.monotonic(), {}, []
    for line in process.stderr:
        tail = (tail + [line])[-60:]
        if line.startswith("edition "):  # the engines alone: each edition's seconds
            _, edition, seconds = line.split()
            seen[f"edition_{edition}_s"] = float(seconds)
        for name, prefix in (stages or {}).items():
            if name not in seen and line.strip().startswith(prefix):
                seen[name] = round(time.monotonic() - started, 1)
                seen[f"{name}_cpu_s"] = cpu_so_far(process.pid)
    if process.wait() != 0:
        sys.stderr.write("".join(tail))
        raise SystemExit(f"failed: {' '.join(command)}")
    seconds, user, system, kib = report.read_text().split()[-4:]
    figures: dict[str, object] = {"s": round(float(seconds), 1), "cpu_s": round(float(user) + float(system), 1),
                                  "peak_mib": round(int(kib) / 1024), "load_1min_at_start": round(load, 1)}
    if stages or seen:
        figures["stages_at_s"] = seen
    return figures


def cpu_so_far(time_pid: int) -> float | None:
    """CPU seconds used so far by the command that /usr/bin/time runs: its own and those of the children it
    has waited for (the picture workers before the engines start, the engines before Pagefind)."""
    try:
        children = Path(f"/proc/{time_pid}/task/{time_pid}/children").read_text().split()
        fields = Path(f"/proc/{children[0]}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return round(sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK"), 1)


ENGINES_ALONE = """
import contextlib, pathlib, sys, tempfile, time
from datetime import date
from generator.editions import english_config
from generator.engine import prepared, run_engine, run_engines
from generator.search import engine_search_config
from generator.site import read_site_config
engine, how = sys.argv[1], sys.argv[2]
config = read_site_config()
editions = [("fr", engine_search_config(config, "pagefind", engine), pathlib.Path("gen/docs"),
             pathlib.Path(f"site-{engine}")),
            ("en", engine_search_config(english_config(config), "pagefind", engine), pathlib.Path("gen/docs/en"),
             pathlib.Path(f"site-{engine}-en"))]
day = date(2026, 1, 1)
with tempfile.TemporaryDirectory(dir=".") as work:
    if how == "one-after-the-other":
        for edition, edition_config, docs, site in editions:
            started = time.monotonic()
            run_engine(engine, edition_config, docs, site, day, quiet=True, work_dir=pathlib.Path(work),
                       edition=edition)
            print("edition", edition, round(time.monotonic() - started, 1), file=sys.stderr, flush=True)
    else:
        with contextlib.ExitStack() as stack:
            runs = [stack.enter_context(prepared(engine, c, d, s, day, pathlib.Path(work), e))
                    for e, c, d, s in editions]
            run_engines(runs, quiet=True)
"""

SQUEEZE_ALONE = """
import pathlib, resource, sys, time
from generator.html_whitespace import site_pages, squeeze_site
pages = site_pages(pathlib.Path(sys.argv[1])) + site_pages(pathlib.Path(sys.argv[2]))
started, cpu = time.monotonic(), time.process_time()
done = squeeze_site(pages, int(sys.argv[3]))
workers = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = time.process_time() - cpu + workers.ru_utime + workers.ru_stime
print(round(time.monotonic() - started, 1), round(cpu, 1), done.pages, done.rewritten, done.before, done.after)
"""


def engines_alone(engine: str, how: str, out: Path, env: dict[str, str]) -> dict[str, object]:
    """One engine on the generated docs, both editions, `one-after-the-other` or `at-once`."""
    for site in (out / f"site-{engine}", out / f"site-{engine}-en"):
        shutil.rmtree(site, ignore_errors=True)
    figures = timed([sys.executable, "-c", ENGINES_ALONE, engine, how], out, env)
    return figures


def html_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*.html"))


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
    parser.add_argument("--jobs", type=int, default=None, help="atlas build --jobs (default: its own, the cores)")
    parser.add_argument("--target1-only", action="store_true",
                        help="the cold build, the engines alone and the post-pass only (no regeneration, no lunr)")
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
    jobs = ["--jobs", str(options.jobs)] if options.jobs else []
    figures["cold_build"] = timed([*atlas, *jobs, "--docs-dir", "gen/docs", "--site-dir", "site"], out,
                                  {**env, "ATLAS_LANG": "en"},  # the progress lines, read in English
                                  stages={"engines": "site:", "pagefind": "search:"})
    at = figures["cold_build"]["stages_at_s"]
    cold = figures["cold_build"]
    if "engines" in at:
        cold["generation_and_pictures_s"] = at["engines"]
        cold["engines_and_post_pass_s"] = round(at.get("pagefind", cold["s"]) - at["engines"], 1)
        cold["pagefind_and_swap_s"] = round(cold["s"] - at.get("pagefind", cold["s"]), 1)
    if at.get("engines_cpu_s") is not None and at.get("pagefind_cpu_s") is not None:  # user + system
        cold["generation_and_pictures_cpu_s"] = at["engines_cpu_s"]
        cold["engines_and_post_pass_cpu_s"] = round(at["pagefind_cpu_s"] - at["engines_cpu_s"], 1)
        cold["pagefind_and_swap_cpu_s"] = round(cold["cpu_s"] - at["pagefind_cpu_s"], 1)
    size, files, pages, largest = folder_size(out / "site")
    figures["site"] = {"mb": round(size / 1e6, 1), "html_mb": round(html_size(out / "site") / 1e6, 1),
                       "files": files, "html_pages": pages, "largest_page": largest,
                       "pages_over_1mb": sum(1 for p in (out / "site").rglob("*.html") if p.stat().st_size > 1e6)}
    figures["pagefind"] = pagefind_first_query(out / "site")

    # 2. the engines alone on the same docs, both editions: one after the other, then at once
    engines: dict[str, object] = {}
    for engine in options.engines.split(","):
        try:
            engines[engine] = {"one_after_the_other": engines_alone(engine, "one-after-the-other", out, env),
                               "at_once": engines_alone(engine, "at-once", out, env)}
        except SystemExit as error:
            engines[engine] = {"error": str(error)[:300]}
        if engine != "mkdocs" or "error" in engines[engine]:
            for site in (out / f"site-{engine}", out / f"site-{engine}-en"):
                shutil.rmtree(site, ignore_errors=True)
    figures["engine_alone"] = engines

    # the post-pass alone on MkDocs's pages (both editions), one worker and the build's workers
    if (out / "site-mkdocs").is_dir():
        before = html_size(out / "site-mkdocs") + html_size(out / "site-mkdocs-en")
        post: dict[str, object] = {"html_mb_before": round(before / 1e6, 1)}
        for workers in (1, options.jobs or os.cpu_count() or 1):
            copies = [out / f"squeeze-{name}" for name in ("fr", "en")]
            for source, copy in zip((out / "site-mkdocs", out / "site-mkdocs-en"), copies, strict=True):
                shutil.rmtree(copy, ignore_errors=True)
                shutil.copytree(source, copy)
            run = subprocess.run([sys.executable, "-c", SQUEEZE_ALONE, *map(str, copies), str(workers)], cwd=out,
                                 env=env, capture_output=True, text=True, check=True)
            seconds, cpu, pages_, rewritten, size_before, size_after = run.stdout.split()
            post[f"s_with_{workers}_workers"] = float(seconds)
            post[f"cpu_s_with_{workers}_workers"] = float(cpu)
            post["html_mb_after"] = round(int(size_after) / 1e6, 1)
            post["pages"], post["rewritten"] = int(pages_), int(rewritten)
            for copy in copies:
                shutil.rmtree(copy, ignore_errors=True)
        figures["post_pass_alone"] = post
    for site in (out / "site-mkdocs", out / "site-mkdocs-en"):
        shutil.rmtree(site, ignore_errors=True)

    mkdocs = engines.get("mkdocs", {})
    if "one_after_the_other" in mkdocs:
        cold = figures["cold_build"]
        for how in ("one_after_the_other", "at_once"):
            seconds = mkdocs[how]["s"]
            figures[f"ratio_cold_build_to_mkdocs_{how}"] = round(cold["s"] / seconds, 2)
            if "generation_and_pictures_s" in cold:
                figures[f"ratio_generation_and_pictures_to_mkdocs_{how}"] = round(
                    cold["generation_and_pictures_s"] / seconds, 2)
    if options.target1_only:
        figures["load_average_at_end"] = os.getloadavg()
        (out.parent / "figures.json").write_text(json.dumps(figures, indent=1, ensure_ascii=False), encoding="utf-8")
        print(json.dumps(figures, indent=1, ensure_ascii=False))
        return 0

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

    if "at_once" in mkdocs:
        seconds = mkdocs["at_once"]["s"]
        figures["ratio_warm_generation_to_mkdocs_at_once"] = round(figures["warm_generation"]["s"] / seconds, 2)
        figures["ratio_sheet_saved_unchanged_to_mkdocs_at_once"] = round(
            figures["sheet_saved_unchanged"]["s"] / seconds, 2)
    figures["load_average_at_end"] = os.getloadavg()
    (out.parent / "figures.json").write_text(json.dumps(figures, indent=1, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(figures, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
