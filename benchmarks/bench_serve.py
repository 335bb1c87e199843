"""Time `atlas serve` the way an author sees it: from saving a hub sheet to the served page showing it.

Starts a real `atlas serve` on a copy of the atlas (its own folder: sheets, docs folder, caches), waits
for the preview, then edits a hub's name a few times. For each save it prints, from the moment the file
is written: when an HTTP GET of the hub's page first showed the new name, when the browser's live-reload
request first returned (a browser reloads then; the saved sheet's own page is written and rendered before
the others), when the preview said it had regenerated every page (its own stderr line), and when MkDocs
said it had rebuilt what that wrote ("every page"); with the CPU seconds of the preview's processes.

    nice -n 10 python benchmarks/bench_serve.py [--code DIR] [--territories DIR] [--hub ID]
        [--edits N] [--seed-pictures DIR] [--work DIR]

`--code` runs the generator of another checkout (a `git archive` snapshot: before/after); by default
this one. `--seed-pictures` hard-links a picture cache in (else the first generation draws every
picture). Prints a human summary, then one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")

# the lines the preview and MkDocs write on stderr (English: ATLAS_LANG=en for the child)
REGENERATED = re.compile(r"regenerated .* in ([\d.,]+) s")
FIRST = re.compile(r"first: .*, in ([\d.,]+) s")  # the saved sheet's own page, written before the others
ERRORS = re.compile(r"errors?: the preview keeps the last good pages")
MKDOCS_BUILT = re.compile(r"Documentation built in ([\d.]+) seconds")
RELOADING = "Reloading browsers"
LIVERELOAD = re.compile(rb"livereload\((\d+),\s*(\d+)\)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) of `pid`, its reaped children and its living descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                fields = Path(f"/proc/{entry.name}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo, first = 0.0, [pid], True
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime, stime, cutime, cstime: fields 14-17 of stat, 12-15 after the name
        total += (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / TICK
        todo += children.get(current, [])
        first = False
    return total if not first else 0.0


def _get(url: str, timeout: float = 10) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read() if response.status == 200 else None
    except OSError:
        return None


class Log:
    """The preview's stderr, each line with the time it arrived."""

    def __init__(self, stream) -> None:
        self.lines: list[tuple[float, str]] = []
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream) -> None:
        for raw in stream:
            line = raw.decode("utf-8", "replace").rstrip()
            with self.cond:
                self.lines.append((time.monotonic(), line))
                self.cond.notify_all()

    def first_after(self, index: int, pattern: re.Pattern[str] | str) -> tuple[float, re.Match[str] | str] | None:
        with self.cond:
            for stamp, line in self.lines[index:]:
                found = pattern.search(line) if isinstance(pattern, re.Pattern) else (pattern if pattern in line
                                                                                     else None)
                if found:
                    return stamp, found
        return None

    def last_of(self, index: int, pattern: re.Pattern[str], quiet: float, timeout: float,
                after: float = 0.0) -> tuple[float, object] | None:
        """The last line matching `pattern` from `index` on, once none more came for `quiet` seconds after
        `after` and after the last one (the engine builds several times after a save: the saved sheet's page,
        the other pages, then the data files; the last build may end before or after the regeneration's line)."""
        deadline = time.monotonic() + timeout
        found = self.wait_for(index, pattern, timeout)
        while found is not None and time.monotonic() < deadline:
            with self.cond:
                later = [(when, m) for when, line in self.lines[index:] if (m := pattern.search(line))]
            if later:
                found = later[-1]
            if time.monotonic() - max(found[0], after) >= quiet:
                return found
            time.sleep(0.2)
        return found

    def wait_for(self, index: int, pattern: re.Pattern[str] | str, timeout: float) -> tuple[float, object] | None:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                found = self.first_after(index, pattern)
                if found or time.monotonic() > deadline:
                    return found
                self.cond.wait(0.2)


def _seed(cache: Path, seed: Path) -> int:
    cache.mkdir(parents=True, exist_ok=True)
    count = 0
    for entry in os.scandir(seed):  # not the half-written files of a build running there
        if not entry.name.startswith(".") and entry.is_file(follow_symlinks=False):
            try:
                os.link(entry.path, cache / entry.name)
                count += 1
            except OSError:
                shutil.copy2(entry.path, cache / entry.name)
                count += 1
    return count


def _hub_sheet(territories: Path, hub: str | None) -> Path:
    found = sorted(territories.glob(f"*/hubs/{hub or '*'}.yml"))
    if not found:
        raise SystemExit(f"no hub sheet {hub!r} under {territories}")
    return found[0]


def _rename(sheet: Path, suffix: str) -> str:
    """Append `suffix` to the hub's name (first `name:` line); returns the new name."""
    text = sheet.read_text(encoding="utf-8")
    match = re.search(r"^name: *(.*)$", text, flags=re.M)
    if match is None:
        raise SystemExit(f"{sheet}: no name line")
    old = re.sub(r" \(essai \d+\)$", "", match.group(1).strip().strip("\"'"))
    new = f"{old} (essai {suffix})"
    sheet.write_text(text[: match.start()] + f'name: "{new}"' + text[match.end():], encoding="utf-8")
    return new


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose generator runs (default: this one)")
    parser.add_argument("--territories", type=Path, default=None, help="sheets to copy (default: CODE/territories)")
    parser.add_argument("--hub", default="a-lab-bonheur", help="the hub whose sheet is edited")
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--seed-pictures", type=Path, default=None)
    parser.add_argument("--work", type=Path, default=None, help="working folder (default: a new temporary one)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for one save to show")
    parser.add_argument("--keep", action="store_true", help="keep the working folder")
    options = parser.parse_args()

    code = options.code.resolve()
    work = options.work or Path(tempfile.mkdtemp(prefix="bench-serve-"))
    work.mkdir(parents=True, exist_ok=True)
    territories = work / "territories"
    if territories.exists():
        shutil.rmtree(territories)
    shutil.copytree(options.territories or code / "territories", territories)
    seeded = _seed(work / ".cache" / "pictures", options.seed_pictures) if options.seed_pictures else 0
    sheet = _hub_sheet(territories, options.hub)
    hub_id = sheet.stem
    port = _free_port()
    url = f"http://127.0.0.1:{port}/hubs/{hub_id}/"
    env = dict(os.environ, PYTHONPATH=str(code), ATLAS_LANG="en")
    load_start = os.getloadavg()
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--territories", str(territories),
                                "--docs-dir", str(work / "docs"), "--port", str(port)],
                               cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    log = Log(process.stderr)
    figures: dict[str, object] = {"code": str(code), "hub": hub_id, "pictures_seeded": seeded, "edits": []}
    try:
        while _get(url, timeout=5) is None:
            if process.poll() is not None:
                print("\n".join(line for _t, line in log.lines[-30:]), file=sys.stderr)
                raise SystemExit("the preview stopped before serving")
            if time.monotonic() - started > 1800:
                raise SystemExit("the preview did not start in 30 minutes")
            time.sleep(0.5)
        figures["start_s"] = round(time.monotonic() - started, 2)
        figures["start_cpu_s"] = round(_cpu(process.pid), 2)
        print(f"preview serving {url} after {figures['start_s']} s ({figures['start_cpu_s']} CPU s)", flush=True)
        time.sleep(3)  # let MkDocs' first build settle
        idle = _cpu(process.pid)
        time.sleep(10)  # nothing saved: what the preview costs while the author reads
        figures["idle_cpu_s_per_s"] = round((_cpu(process.pid) - idle) / 10, 3)
        print(f"idle: {figures['idle_cpu_s_per_s']} CPU s per second", flush=True)
        for number in range(1, options.edits + 1):
            figures["edits"].append(_one_edit(process, log, sheet, url, number, options.timeout))  # type: ignore
            time.sleep(2)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        if not options.keep and options.work is None:
            shutil.rmtree(work, ignore_errors=True)
    edits = figures["edits"]
    figures["load_average"] = {"start": [round(x, 2) for x in load_start],
                               "end": [round(x, 2) for x in os.getloadavg()]}
    for name in ("shown_s", "reload_s", "every_page_s", "regenerated_s", "mkdocs_s", "cpu_s"):
        values = [e[name] for e in edits if e.get(name) is not None]  # type: ignore[union-attr]
        if values:
            figures[f"median_{name}"] = round(statistics.median(values), 2)
    print(json.dumps(figures, indent=1))
    return 0


def _one_edit(process: subprocess.Popen, log: Log, sheet: Path, url: str, number: int,
              timeout: float) -> dict[str, object]:
    page = _get(url) or b""
    epoch = LIVERELOAD.search(page)
    reloaded: list[float] = []
    if epoch:  # what a browser showing the page does: a long poll that returns when the site changed
        live = url.split("/hubs/")[0] + f"/livereload/{int(epoch.group(1))}/{int(epoch.group(2))}"

        def poll() -> None:
            _get(live, timeout=timeout)
            reloaded.append(time.monotonic())

        threading.Thread(target=poll, daemon=True).start()
        time.sleep(0.3)
    index = len(log.lines)
    cpu_before = _cpu(process.pid)
    saved = time.monotonic()
    name = _rename(sheet, str(number))
    wanted = name.encode("utf-8")
    shown = None
    while time.monotonic() - saved < timeout:
        body = _get(url, timeout=timeout)
        if body is not None and wanted in body:
            shown = time.monotonic()
            break
        time.sleep(0.05)
    # the whole save: the regeneration's line, then the engine's build of what it wrote
    regenerated = log.wait_for(index, REGENERATED, timeout if shown else 0.1)
    built = log.last_of(index, MKDOCS_BUILT, 3, 60, after=regenerated[0]) if regenerated else None
    deadline = time.monotonic() + 5
    while epoch and not reloaded and time.monotonic() < deadline:
        time.sleep(0.05)
    first = log.first_after(index, FIRST)
    failed = log.first_after(index, ERRORS)
    result: dict[str, object] = {
        "edit": number,
        "shown_s": round(shown - saved, 2) if shown else None,
        "first_said_s": float(first[1].group(1).replace(",", ".")) if first else None,
        "regenerated_s": round(regenerated[0] - saved, 2) if regenerated else None,
        "regeneration_said_s": float(regenerated[1].group(1).replace(",", ".")) if regenerated else None,
        "mkdocs_s": round(built[0] - regenerated[0], 2) if built and regenerated else None,  # may be below 0
        "every_page_s": round(built[0] - saved, 2) if built else None,
        "mkdocs_said_s": float(built[1].group(1)) if built else None,
        "reload_s": round(reloaded[0] - saved, 2) if reloaded else None,
        "cpu_s": round(_cpu(process.pid) - cpu_before, 2),
        "errors": failed[1] if failed else None,
    }
    print(f"save {number}: the hub's page shown after {result['shown_s']} s (first browser reload at "
          f"{result['reload_s']} s); every page at {result['every_page_s']} s (regenerated at "
          f"{result['regenerated_s']} s, the engine's last build ended {result['mkdocs_s']} s from then), "
          f"{result['cpu_s']} CPU s", flush=True)
    return result


if __name__ == "__main__":
    sys.exit(main())
