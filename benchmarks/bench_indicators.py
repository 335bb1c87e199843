"""Time the indicator import for all of France and the scoring of every level.

Usage: python benchmarks/bench_indicators.py [--territories DIR] [--repeat 3]

The import runs on a copy of the territories folder in a temporary folder (the shipped sheets are
never written): reading and aggregating the files, the first run that writes every sheet's
measures, and a second run that must change nothing. Scoring is timed on the loaded model alone
(what a build adds), with the model load shown apart. Target: scoring under 2 s.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.commands import import_sheets  # noqa: E402
from generator.imports.indicators_data import compute, read_inputs  # noqa: E402
from generator.load import load_valid_atlas  # noqa: E402
from generator.project import Project  # noqa: E402
from generator.scores import score_atlas  # noqa: E402


def _timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _import(folder: Path) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        import_sheets.run(Project.at(territories=folder), import_sheets.Options(indicators=True))
    return out.getvalue().strip().splitlines()[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--territories", type=Path, default=ROOT / "territories")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import os
    os.chdir(ROOT)  # the data paths of the import are relative to the repository
    read_s, inputs = _timed(read_inputs, args.repeat)
    compute_s, values = _timed(lambda: compute(inputs), args.repeat)  # type: ignore[arg-type]
    print(f"read the files: {read_s:.2f} s; aggregate to {len(values)} territories: {compute_s:.2f} s")

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "territories"
        shutil.copytree(args.territories, copy)
        for sheet in copy.glob("*/territory.yml"):  # start from sheets without measures
            text = sheet.read_text(encoding="utf-8")
            if "\nmeasures:\n" in text:
                head, _, rest = text.partition("\nmeasures:\n")
                lines = rest.splitlines(keepends=True)
                while lines and lines[0].startswith("  "):
                    lines.pop(0)
                sheet.write_text(head + "\n" + "".join(lines), encoding="utf-8")
        start = time.perf_counter()
        first = _import(copy)
        first_s = time.perf_counter() - start
        start = time.perf_counter()
        second = _import(copy)
        second_s = time.perf_counter() - start
    print(f"import, first run: {first_s:.2f} s ({first})")
    print(f"import, second run: {second_s:.2f} s ({second})")

    load_s, atlas = _timed(lambda: load_valid_atlas(args.territories), 1)
    score_s, scores = _timed(lambda: score_atlas(atlas), args.repeat)  # type: ignore[arg-type]
    print(f"load the atlas: {load_s:.2f} s; score {len(scores.profiles)} territories: {score_s:.3f} s "  # type: ignore[attr-defined]
          f"(target < 2 s)")
    return 0 if score_s < 2 else 1


if __name__ == "__main__":
    raise SystemExit(main())
