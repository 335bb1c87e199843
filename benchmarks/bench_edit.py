"""One hub sheet edited, then `atlas build --no-site` again: wall time, CPU seconds, files written.

    nice -n 10 python benchmarks/bench_edit.py [--territories DIR] [--work DIR] [--hub SHEET]
                                               [--rounds N] [--check] [--show]

Issue 11, target 2: after one hub sheet is edited the generator rewrites only the files that depend on it
(it prints them) in under 2 s. The sheets are copied into WORK/territories and built once there (the warm-up:
every cache filled, not timed); then each round renames the hub (`name:` gets a suffix) and builds, then puts
the sheet back byte for byte and builds again. Each build is a separate `atlas` process run from the
repository (its `.cache/` is the repository's, as for a contributor), timed wall and CPU (user + system of the
process and its children, from `wait4`), with its peak memory and the count of files it wrote.

`--check` then renames the hub once more, builds, and builds the same sheets cold in a second project folder
(its own empty caches: every picture drawn again) to compare both docs folders byte for byte: an edit must
give what a cold build gives. The load average is printed before and after: CPU seconds are the figure
that other processes on a shared machine change least.

The builds run with Python's default of keeping the modules' compiled bytecode (`__pycache__`), as on a
contributor's machine: where PYTHONDONTWRITEBYTECODE is set (some containers set it), every run compiles
the generator's 95 modules from source again, about 0.2 s more; `--keep-bytecode-setting` measures that.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_HUB = "metropole-du-grand-nancy/hubs/agence-territoriale-region-grand-est-tour-thiers.yml"
WRITTEN = re.compile(r"écrits : ([\d\u202f\u00a0 ]+)")


@dataclass(frozen=True)
class Run:
    """One `atlas build` process: what it cost and what it wrote."""

    wall: float
    user: float
    system: float
    peak_mb: float
    written: int | None
    output: str


def _load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def _build(territories: Path, docs: Path, cwd: Path, keep_bytecode_setting: bool = False) -> Run:
    """`atlas build --no-site` in its own process, measured by wait4 (the process and its children)."""
    command = [sys.executable, "-m", "generator", "build", "--territories", str(territories),
               "--docs-dir", str(docs), "--no-site"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if not keep_bytecode_setting:
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # Python's default: the modules' bytecode kept (see below)
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    output = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"atlas build failed (exit {os.waitstatus_to_exitcode(status)}):\n{output}")
    found = WRITTEN.search(output)
    written = int(re.sub(r"\D", "", found.group(1))) if found else None
    return Run(wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss / 1024, written, output)


def _renamed(text: str, suffix: str) -> str:
    """The sheet with ` suffix` added to its top-level `name:` (a plain, one-line value)."""
    changed, count = re.subn(r"(?m)^(name: .*?)\s*$", lambda m: f"{m.group(1)} {suffix}", text, count=1)
    if count != 1:
        sys.exit("the hub sheet has no one-line top-level `name:` to rename")
    return changed


def copy_sheets(source: Path, work: Path) -> Path:
    """A new WORK folder holding a copy of the sheets (WORK/territories, returned): the edits touch the copy."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    shutil.copytree(source, work / "territories", symlinks=True)
    return work / "territories"


def _cold_root(work: Path) -> Path:
    """A project folder that reads the repository's content, theme and mkdocs.yml but keeps its own
    (empty) `.cache/`: the cold build of `--check` shares nothing with the edited builds."""
    cold = work / "cold-root"
    if cold.exists():
        shutil.rmtree(cold)
    cold.mkdir()
    for name in ("content", "theme", "mkdocs.yml", "schema"):
        if (ROOT / name).exists():
            (cold / name).symlink_to(ROOT / name)
    return cold


def _differences(left: Path, right: Path) -> list[str]:
    """Files that differ, or exist on one side only, between two docs folders (relative paths)."""
    found: list[str] = []

    def walk(compared: filecmp.dircmp, prefix: str) -> None:
        found.extend(prefix + name for name in compared.left_only + compared.right_only + compared.funny_files)
        _, mismatch, errors = filecmp.cmpfiles(compared.left, compared.right, compared.common_files,
                                               shallow=False)
        found.extend(prefix + name for name in mismatch + errors)
        for name, sub in sorted(compared.subdirs.items()):
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right), "")
    return sorted(found)


def _row(label: str, run: Run) -> str:
    cpu = run.user + run.system
    return (f"{label:<22} {run.wall:7.2f} {run.user:7.2f} {run.system:6.2f} {cpu:7.2f} {run.peak_mb:8.0f} "
            f"{run.written if run.written is not None else '?':>8}")


def edit_arguments(description: str, work: str) -> argparse.ArgumentParser:
    """The options the edit benchmarks share: the sheets copied, the working folder, the hub edited, the rounds."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--territories", type=Path, default=ROOT / "territories", help="sheets to copy")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / work, help="working folder")
    parser.add_argument("--hub", default=DEFAULT_HUB, help="the hub sheet to edit, relative to the sheets "
                        "(default: the first hub sheet in name order if the shipped one is absent)")
    parser.add_argument("--rounds", type=int, default=3)
    return parser


def edit_rounds(sheet: Path, original: bytes, rounds: int) -> Iterator[str]:
    """The edits of the benchmarks that build in one process: each round renames the hub (`name:` gets « essai
    N ») then puts the sheet back byte for byte; yields each step's label once the sheet is written."""
    for number in range(1, rounds + 1):
        sheet.write_text(_renamed(original.decode("utf-8"), f"essai {number}"), encoding="utf-8")
        yield f"round {number}: renamed"
        sheet.write_bytes(original)
        yield f"round {number}: put back"


def spread(label: str, walls: list[float], cpus: list[float]) -> str:
    """`label: N; wall a–b s (median m); CPU c–d s (median n)`: the line every edit benchmark ends with. The
    median of an even count is the mean of the two middle figures (before the twentieth session this script
    printed the upper one)."""
    return (f"{label}: {len(walls)}; wall {min(walls):.2f}–{max(walls):.2f} s (median {statistics.median(walls):.2f}); "
            f"CPU {min(cpus):.2f}–{max(cpus):.2f} s (median {statistics.median(cpus):.2f})")


def edited_sheet(territories: Path, hub: str, source: Path) -> Path:
    """The hub sheet to edit in the copied sheets: `hub`, else the first hub sheet in name order."""
    sheet = territories / hub
    if not sheet.is_file():
        hubs = sorted(territories.glob("*/hubs/*.yml"))
        if not hubs:
            sys.exit(f"no hub sheet in {source}")
        sheet = hubs[0]
    return sheet


def main(argv: list[str] | None = None) -> int:
    parser = edit_arguments(__doc__.splitlines()[0], "bench-edit")
    parser.add_argument("--check", action="store_true", help="compare an edited build with a cold one")
    parser.add_argument("--show", action="store_true", help="print each build's own output")
    parser.add_argument("--keep-bytecode-setting", action="store_true",
                        help="keep PYTHONDONTWRITEBYTECODE as set (default: Python's default, bytecode kept)")
    args = parser.parse_args(argv)

    work = args.work.resolve()
    territories = work / "territories"
    docs = work / "docs"
    copy_sheets(args.territories, work)
    sheet = edited_sheet(territories, args.hub, args.territories)
    original = sheet.read_bytes()
    print(f"load average before: {_load()} ({os.cpu_count()} cores)")
    print(f"sheets: {args.territories} → {territories}; edited: {sheet.relative_to(territories)}")
    kept = args.keep_bytecode_setting and os.environ.get("PYTHONDONTWRITEBYTECODE")
    print(f"modules' bytecode: {'not written (PYTHONDONTWRITEBYTECODE)' if kept else 'kept (Python default)'}")

    warm = _build(territories, docs, ROOT, args.keep_bytecode_setting)
    print(f"warm-up build (not a figure of the edit): {warm.wall:.1f} s, "
          f"{warm.user + warm.system:.1f} CPU s, {warm.written} files written")
    print(f"\n{'build':<22} {'wall s':>7} {'user s':>7} {'sys s':>6} {'CPU s':>7} {'peak MB':>8} {'written':>8}")
    runs: list[Run] = []
    for number in range(1, args.rounds + 1):
        sheet.write_text(_renamed(original.decode("utf-8"), f"essai {number}"), encoding="utf-8")
        edited = _build(territories, docs, ROOT, args.keep_bytecode_setting)
        sheet.write_bytes(original)
        restored = _build(territories, docs, ROOT, args.keep_bytecode_setting)
        for label, run in ((f"round {number}: renamed", edited), (f"round {number}: put back", restored)):
            print(_row(label, run))
            if args.show:
                print(run.output)
            runs.append(run)
    print("\n" + spread("edits", [run.wall for run in runs], [run.user + run.system for run in runs]))

    if args.check:
        sheet.write_text(_renamed(original.decode("utf-8"), "essai contrôle"), encoding="utf-8")
        _build(territories, docs, ROOT, args.keep_bytecode_setting)
        cold_docs = work / "docs-cold"
        cold = _build(territories, cold_docs, _cold_root(work), args.keep_bytecode_setting)
        differing = _differences(docs, cold_docs)
        sheet.write_bytes(original)
        print(f"\ncheck: cold build in its own project folder {cold.wall:.1f} s; "
              f"{len(differing)} files differ from the edited build's docs")
        for name in differing[:20]:
            print(f"  {name}")
        if differing:
            return 1
    print(f"load average after: {_load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
