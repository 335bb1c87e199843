"""Benchmark of the PDF reports: seconds per territory report, the whole atlas, peak memory.

    python benchmarks/bench_pdf.py [--territories DIR] [--sample N] [--jobs N] [--pictures]
    python benchmarks/bench_pdf.py --full --jobs 2 [--territories DIR] [--what volumes|reports|both] [--lang en]

`--full` runs the real commands a publisher runs (pictures included): `atlas pdf --atlas` (every
région volume and the national one) and `atlas pdf` (every territory's report), and polls the
resident memory of each process and of each worker every half second: wall time, files, pages, and
the peak of the parent and of each worker, then the total of the two (issue 11 target 6).

Each phase runs in a fresh process so that its peak resident memory (ru_maxrss) is its own.
Reports are rendered to memory (nothing is written) except in the `write_reports` phase, which
writes into a temporary folder. Pictures are left out unless --pictures is given (they have their
own cache and benchmark); the reports then carry only their data tables.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _load(territories: Path):
    from generator.load import load_valid_atlas

    return load_valid_atlas(territories)


def _pictures(atlas, keys, use: bool):
    if not use:
        return {}
    from generator.pdf import draw_report_pictures

    return draw_report_pictures(atlas, keys, jobs=None)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def phase_territories(territories: Path, sample: int, use_pictures: bool, queue) -> None:
    import io

    from pypdf import PdfReader

    from generator.pdf import Renderer, check_variant, picture_keys, prepare_build_folder

    atlas = _load(territories)
    ids = list(atlas.territories)
    if sample and sample < len(ids):
        step = len(ids) / sample
        ids = [ids[int(i * step)] for i in range(sample)]
    pictures = _pictures(atlas, picture_keys(ids, False), use_pictures)
    times, pages, sizes = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        refs = prepare_build_folder(Path(tmp), pictures)
        start = time.perf_counter()
        renderer = Renderer(atlas, Path(tmp), refs, check_variant(None))
        setup = time.perf_counter() - start
        for tid in ids:
            t0 = time.perf_counter()
            data = renderer.territory_pdf(tid)
            times.append(time.perf_counter() - t0)
            sizes.append(len(data))
            pages.append(len(PdfReader(io.BytesIO(data)).pages))
    queue.put({
        "reports": len(ids),
        "setup_s": setup,
        "mean_s": statistics.mean(times),
        "median_s": statistics.median(times),
        "max_s": max(times),
        "first_s": times[0],
        "pages_mean": statistics.mean(pages),
        "kb_mean": statistics.mean(sizes) / 1024,
        "peak_mb": _peak_mb(),
    })


def phase_atlas(territories: Path, use_pictures: bool, queue) -> None:
    import io

    from pypdf import PdfReader

    from generator.pdf import Renderer, check_variant, picture_keys, prepare_build_folder

    atlas = _load(territories)
    pictures = _pictures(atlas, picture_keys(list(atlas.territories), True), use_pictures)
    with tempfile.TemporaryDirectory() as tmp:
        refs = prepare_build_folder(Path(tmp), pictures)
        t0 = time.perf_counter()
        renderer = Renderer(atlas, Path(tmp), refs, check_variant(None))
        data = renderer.atlas_pdf()
        seconds = time.perf_counter() - t0
    queue.put({
        "territories": len(atlas.territories),
        "hubs": len(atlas.hubs),
        "seconds": seconds,
        "pages": len(PdfReader(io.BytesIO(data)).pages),
        "mb": len(data) / 1e6,
        "peak_mb": _peak_mb(),
    })


def phase_write_all(territories: Path, jobs: int | None, use_pictures: bool, queue) -> None:
    from generator.pdf import picture_keys, write_reports

    atlas = _load(territories)
    pictures = _pictures(atlas, picture_keys(list(atlas.territories), True), use_pictures)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        paths = write_reports(atlas, Path(tmp), None, whole_atlas=True, jobs=jobs, pictures=pictures)
        seconds = time.perf_counter() - t0
    queue.put({"files": len(paths), "jobs": jobs, "seconds": seconds, "peak_mb_parent": _peak_mb()})


def _run(target, *args) -> dict:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    process = ctx.Process(target=target, args=(*args, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def _tree_rss(root: int, cpu: dict[int, float] | None = None) -> dict[int, int]:
    """Resident bytes of `root` and of its descendants, by pid (from /proc); their CPU seconds so far
    (user + system) go into `cpu` when given."""
    out: dict[int, int] = {}
    todo = [root]
    tick = os.sysconf("SC_CLK_TCK")
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
                out[pid] = int(handle.read().split()[1]) * resource.getpagesize()
            if cpu is not None:
                with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
                cpu[pid] = (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text(encoding="ascii").split()]
        except (OSError, ValueError):
            continue
    return out


def full_run(territories: Path, jobs: int, what: str = "both", lang: str = "fr") -> None:
    """`atlas pdf --atlas` and `atlas pdf` as a user runs them, timed, with the peak memory of each process."""
    runs = {"volumes": [["--atlas"]], "reports": [[]], "both": [["--atlas"], []]}[what]
    seconds, workers = 0.0, 0
    for options in runs:
        s, w = _full_command(territories, jobs, options + (["--lang", lang] if lang != "fr" else []))
        seconds, workers = seconds + s, max(workers, w)
    if len(runs) > 1:
        print(f"all reports and volumes, --jobs {jobs}: {seconds:.0f} s ({seconds / 60:.1f} min); "
              f"largest worker peak {workers / 2**20:.0f} MiB")


def _full_command(territories: Path, jobs: int, options: list[str]) -> tuple[float, int]:
    import subprocess

    from pypdf import PdfReader

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "pdf"
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "generator.cli", "pdf", *options, "--territories",
                                 str(territories), "--out", str(out), "--jobs", str(jobs)], cwd=ROOT)
        peaks: dict[int, int] = {}
        cpu: dict[int, float] = {}
        while proc.poll() is None:
            for pid, rss in _tree_rss(proc.pid, cpu).items():
                peaks[pid] = max(peaks.get(pid, 0), rss)
            time.sleep(0.5)
        seconds = time.perf_counter() - start
        files = sorted(out.glob("*.pdf"))
        volumes = [f for f in files if f.name.startswith(("atlas.", "atlas-"))]
        pages = {f.name: len(PdfReader(f).pages) for f in volumes}
        size = sum(f.stat().st_size for f in files)
    parent = peaks.pop(proc.pid, 0)
    workers = sorted(peaks.values(), reverse=True)
    print(f"atlas pdf {' '.join(options)} --jobs {jobs}: exit {proc.returncode}, {len(files)} files "
          f"({len(volumes)} volumes, {sum(pages.values())} volume pages, largest {max(pages.values(), default=0)}), "
          f"{size / 1e6:.0f} MB in {seconds:.0f} s; peak RSS parent {parent / 2**20:.0f} MiB, "
          f"workers {', '.join(f'{w / 2**20:.0f}' for w in workers[:4])} MiB; CPU {sum(cpu.values()):.0f} s "
          f"(workers {', '.join(f'{c:.0f}' for c in sorted(cpu.values(), reverse=True)[:3])}; on a quiet "
          f"machine the wall time is about the largest worker's CPU time)", flush=True)
    return seconds, max(workers, default=0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--territories", type=Path, default=ROOT / "territories")
    parser.add_argument("--sample", type=int, default=20, help="territory reports to time (0: all)")
    parser.add_argument("--jobs", type=int, default=None, help="workers for the write_reports phase")
    parser.add_argument("--pictures", action="store_true", help="draw and include the charts and maps")
    parser.add_argument("--skip-write", action="store_true", help="skip the parallel write_reports phase")
    parser.add_argument("--atlas-only", action="store_true", help="only the whole-atlas phase")
    parser.add_argument("--full", action="store_true",
                        help="time the real `atlas pdf --atlas` and `atlas pdf` and their workers' memory")
    parser.add_argument("--what", choices=("volumes", "reports", "both"), default="both", help="with --full")
    parser.add_argument("--lang", choices=("fr", "en"), default="fr", help="with --full: the reports' language")
    args = parser.parse_args()
    if args.full:
        full_run(args.territories, args.jobs or 2, args.what, args.lang)
        return 0

    if not args.atlas_only:
        t = _run(phase_territories, args.territories, args.sample, args.pictures)
        print(f"territory reports: {t['reports']} timed, {t['mean_s']:.2f} s mean, {t['median_s']:.2f} s median, "
              f"{t['max_s']:.2f} s max (first {t['first_s']:.2f} s; renderer setup {t['setup_s']:.2f} s), "
              f"{t['pages_mean']:.1f} pages and {t['kb_mean']:.0f} KiB on average, peak RSS {t['peak_mb']:.0f} MiB")
    a = _run(phase_atlas, args.territories, args.pictures)
    print(f"whole atlas: {a['territories']} territories, {a['hubs']} hubs -> {a['pages']} pages, "
          f"{a['mb']:.1f} MB in {a['seconds']:.1f} s, peak RSS {a['peak_mb']:.0f} MiB")
    if not args.skip_write and not args.atlas_only:
        w = _run(phase_write_all, args.territories, args.jobs, args.pictures)
        print(f"write_reports (all territories + atlas, jobs={w['jobs'] or 'all cores'}): {w['files']} files "
              f"in {w['seconds']:.1f} s, parent peak RSS {w['peak_mb_parent']:.0f} MiB "
              f"(each worker peaks as the phases above: the one rendering the atlas as the atlas phase)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
