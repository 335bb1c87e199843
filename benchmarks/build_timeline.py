"""Where a cold `atlas build` leaves a core idle: its phases with their wall time and the cores in use.

    nice -n 10 python benchmarks/build_timeline.py [--territories DIR] [--work DIR] [--interval S]

Issue 11, target 1 (a cold build under 3 minutes on 2 cores). The build's CPU seconds divided by the
cores give the least wall time it can take; the rest is time when a core waits. This script runs one
cold `atlas build` (empty caches: run in WORK, with a copy of the sheets, its own `.cache/`, docs and
site folders; the repository's content and configuration), reads the machine's busy time from
/proc/stat every INTERVAL seconds, and cuts the run at the lines the build writes on stderr
(« validating the sheets… », « charts and maps… », « pages… », each engine's start, « search: Pagefind
index… »): for each phase, its wall seconds and the cores busy on average (the whole machine's: run it
on a quiet machine; the load average is printed before and after). Linux only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _busy() -> tuple[float, float]:
    """(busy, total) jiffies of all cores since boot."""
    with open("/proc/stat", encoding="ascii") as handle:
        fields = [int(v) for v in handle.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--territories", type=Path, default=ROOT / "territories")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "timeline")
    parser.add_argument("--interval", type=float, default=0.25)
    args = parser.parse_args(argv)

    work = args.work.resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copytree(args.territories, work / "territories")
    cores = os.cpu_count() or 1
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())} ({cores} cores)")

    samples: list[tuple[float, float, float]] = []  # (time, busy, total)
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            samples.append((time.perf_counter(), *_busy()))
            stop.wait(args.interval)

    env = dict(os.environ, PYTHONPATH=str(ROOT), ATLAS_LANG="en")
    command = [sys.executable, "-m", "generator", "build", "--territories", "territories", "--docs-dir",
               "build/docs", "--site-dir", "site"]
    marks: list[tuple[float, str]] = []
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    with subprocess.Popen(command, cwd=work, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                          text=True) as process:
        assert process.stderr is not None
        for line in process.stderr:
            line = line.strip()
            if line and not line.startswith(("\r", "pages ", "pictures ")) and "%" not in line[:40]:
                marks.append((time.perf_counter(), line[:90]))
    end = time.perf_counter()
    stop.set()
    sampler.join()
    if process.returncode != 0:
        print("\n".join(line for _, line in marks[-20:]))
        sys.exit(f"atlas build failed (exit {process.returncode})")

    def cores_between(t0: float, t1: float) -> float:
        inside = [s for s in samples if t0 <= s[0] <= t1]
        if len(inside) < 2:
            return float("nan")
        (_, b0, n0), (_, b1, n1) = inside[0], inside[-1]
        return cores * (b1 - b0) / (n1 - n0) if n1 > n0 else float("nan")

    print(f"cold atlas build: {end - start:.1f} s wall, {cores_between(start, end):.2f} cores busy on average")
    bounds = [(start, "start")] + marks + [(end, "end")]
    for (t0, label), (t1, _next) in zip(bounds, bounds[1:], strict=False):
        if t1 - t0 >= 0.5:
            print(f"  {t0 - start:7.1f} s  {t1 - t0:6.1f} s  {cores_between(t0, t1):4.2f} cores  {label}")
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
