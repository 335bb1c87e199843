"""Every picture of the atlas (charts and maps) as values: SVG bytes with words for who can't see them.

The site pages and the PDF reports code against `Picture`, `picture_keys` and `draw_pictures`.
A picture is first a spec computed from the atlas (cheap); its cache key is the SHA-256 of that
spec and of the drawing code, so an unchanged picture is taken from `.cache/pictures/` and never
drawn again. What must be drawn is drawn in parallel worker processes, with progress on stderr.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterable
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib
import networkx

from generator import charts, choropleth, geo, maps
from generator.drawing import Spec, style
from generator.errors import AtlasError
from generator.faults import pid_alive, worker_pool, writing
from generator.model import Atlas
from generator.outputs import write_atomic

CACHE_FORMAT = 2  # bump when what the cache stores (or how a spec is drawn from here) changes
SERIAL_BELOW = 8  # fewer pictures than this are drawn in this process: starting workers costs more
DRAWERS = {**charts.DRAWERS, **maps.DRAWERS, **choropleth.DRAWERS}
# kinds drawn through matplotlib (the others are written as SVG text and need no style context)
MATPLOTLIB_KINDS = frozenset({"network", "network-groups", "years", "france", "france-counts", "density",
                              "france-narrow", "density-narrow"})


@dataclass(frozen=True)
class Picture:
    key: str                  # stable id: "home/map", "territory/<id>/pillars", ...
    filename: str             # path relative to the docs root: "assets/pictures/<key>.svg"
    svg: bytes                # deterministic SVG
    title: str                # short French caption
    alt: str                  # French text alternative generated from the data (plain text, no markup)
    table_headers: tuple[str, ...]            # the data table beside the picture (French)
    table_rows: tuple[tuple[str, ...], ...]   # already formatted the French way (generator.formats)


@dataclass
class DrawStats:
    """What one `draw_pictures` call did: how many pictures were drawn and how many came from the cache."""

    requested: int = 0
    drawn: int = 0
    cached: int = 0
    seconds: float = 0.0
    drawn_keys: list[str] = field(default_factory=list)
    drawn_by_kind: dict[str, int] = field(default_factory=dict)      # pictures drawn, per kind
    seconds_by_kind: dict[str, float] = field(default_factory=dict)  # CPU seconds drawing them (all workers)
    main_cpu: float = 0.0  # CPU seconds of the calling process (specs, cache keys, collecting)


last_stats = DrawStats()


def _is_map(key: str) -> bool:
    """Maps (maps.py), whether the wide picture or its narrow variant (`narrow/home/map`) for phones."""
    return key.removeprefix(maps.NARROW + "/") in ("home/map", "home/density") or key.endswith("/locator")


def picture_keys(atlas: Atlas) -> list[str]:
    """Every picture that exists for this atlas (e.g. no network picture for a territory without hubs)."""
    return sorted(set(charts.keys(atlas)) | set(maps.keys(atlas)) | set(choropleth.keys(atlas)))


def picture_spec(atlas: Atlas, key: str, wide: dict[str, Spec] | None = None) -> Spec:
    """What the picture `key` is made of, without drawing it. `wide`, when given, keeps the specs of wide
    pictures already computed, so that a narrow variant does not compute its picture's spec again."""
    try:
        if key.startswith("choropleth/"):
            return choropleth.spec(atlas, key)
        module = maps if _is_map(key) else charts
        if wide is not None and key.startswith(maps.NARROW + "/"):
            plain = key.removeprefix(maps.NARROW + "/")
            if plain not in wide:
                wide[plain] = module.spec(atlas, plain)
            return module.narrow_spec(wide[plain])
        found = module.spec(atlas, key)
        if wide is not None:
            wide[key] = found
        return found
    except (KeyError, IndexError) as error:
        raise AtlasError(f"no picture {key!r} in this atlas; picture_keys(atlas) lists the ones that exist") from error


def picture_specs(atlas: Atlas, keys: Iterable[str]) -> dict[str, Spec]:
    """The specs of many pictures, each wide picture's spec computed once for it and its narrow variant."""
    wide: dict[str, Spec] = {}
    return {key: picture_spec(atlas, key, wide) for key in keys}


# Modules whose effect on a picture goes through the spec's data (which the key hashes already):
# an edit there (a new field of a sheet, a new score) must not throw away every cached picture.
MODEL_SIDE = frozenset({"model", "measured", "scores", "status_text", "load", "errors", "sheets", "validate",
                        "schema", "text", "citation"})


def _imported_modules(name: str, seen: set[str] | None = None) -> set[str]:
    """`generator.<name>` and the generator modules it imports, transitively, less MODEL_SIDE."""
    seen = set() if seen is None else seen
    if name in seen or name in MODEL_SIDE:
        return seen
    path = Path(__file__).resolve().parent / f"{name}.py"
    if not path.is_file():
        return seen
    seen.add(name)
    for imported in _direct_imports(path):
        _imported_modules(imported, seen)
    return seen


@cache
def _direct_imports(path: Path) -> tuple[str, ...]:
    """The generator modules one file imports (parsed once per build, not once per picture kind)."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "generator":
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("generator."):
            names.append(node.module.split(".")[1])
    return tuple(names)


@cache
def code_version(kind: str | None = None) -> str:
    """Hash of everything outside the data that shapes a picture of `kind`: the module that draws it
    and the generator modules it imports (drawing, formats, geo…), the libraries, the boundaries.

    Per kind, so that an edit to the maps does not redraw the charts, nor the reverse. Without
    `kind`, the hash of every drawing module."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    drawers = [DRAWERS[kind]] if kind is not None else list(DRAWERS.values())
    names: set[str] = {"drawing", "formats"}
    for drawer in drawers:
        names |= _imported_modules(drawer.__module__.rsplit(".", 1)[-1])
    for name in sorted(names):
        digest.update(name.encode() + b"\0" + (here / f"{name}.py").read_bytes())
    digest.update(f"cache {CACHE_FORMAT} matplotlib {matplotlib.__version__} networkx {networkx.__version__}".encode())
    digest.update(geo.geodata_version().encode())
    return digest.hexdigest()


def _words(spec: Spec) -> dict[str, Any]:
    return {"title": spec.title, "alt": spec.alt, "table_headers": list(spec.table_headers),
            "table_rows": [list(row) for row in spec.table_rows]}


def cache_key(spec: Spec) -> str:
    """SHA-256 of the spec (kind, drawing data, words) and of the code version."""
    payload = {"code": code_version(spec.kind), "kind": spec.kind, "data": spec.data, **_words(spec)}
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def render(kind: str, data: dict[str, Any]) -> bytes:
    """Draw one picture in the atlas style and return its SVG bytes."""
    if kind not in MATPLOTLIB_KINDS:
        return DRAWERS[kind](data)  # copying matplotlib's settings in and out cost more than most of these
    with style():
        return DRAWERS[kind](data)


Job = tuple[str, str, dict[str, Any], str, bytes]  # key, kind, data, cache digest, words (JSON)


def _draw_batch(jobs: list[Job], cache_dir: Path) -> list[tuple[str, bytes, float]]:
    """Draw a batch of pictures and store each in the cache as soon as drawn (an interrupted national
    build keeps what it drew); returns each key, its SVG and the CPU seconds it took."""
    out = []
    for key, kind, data, digest, words in jobs:
        started = time.process_time()  # CPU time: what the picture costs, whatever else the machine runs
        svg = render(kind, data)
        out.append((key, svg, time.process_time() - started))
        _store(cache_dir, digest, words, svg)
    return out


HEAVY = 20.0  # ms: kinds that take longer than this are sent one by one, first (maps of France, networks)
BATCH = 48  # pictures per batch sent to a worker: one message, one reply instead of one per picture


def _batches(jobs: list[Job], workers: int) -> list[list[Job]]:
    """Heavy pictures first, one per batch, then the rest in batches of pictures that share a base map
    (sorted by kind and outline: a worker reuses what it computed for the previous one)."""
    heavy = [job for job in jobs if job[1] in MATPLOTLIB_KINDS or job[1] == "choropleth"]
    light = sorted((job for job in jobs if not (job[1] in MATPLOTLIB_KINDS or job[1] == "choropleth")),
                   key=lambda job: (job[1], str(job[2].get("outline")), job[0]))
    size = max(1, min(BATCH, len(light) // (4 * workers) or 1))
    return [[job] for job in heavy] + [light[i:i + size] for i in range(0, len(light), size)]


def _write_atomic(path: Path, content: bytes) -> None:
    # the pid in the name tells a later build whether the writer is still alive (remove_stale_files)
    write_atomic(path, content, prefix=f".tmp-{os.getpid()}-", suffix=path.suffix)


def remove_stale_files(cache_dir: Path) -> int:
    """Remove the half-written cache files of builds that were killed (their writer is dead).

    The cache is shared by every build of the checkout, so it has no lock: a file is stale when
    the process named in it is gone, or, for the names of older versions, after an hour.
    """
    removed = 0
    for path in cache_dir.glob(".tmp-*"):
        pid_text = path.name.split("-")[1] if path.name.count("-") >= 2 else ""
        try:
            stale = (not pid_alive(int(pid_text))) if pid_text.isdigit() else \
                time.time() - path.stat().st_mtime > 3600
            if stale:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed


CACHE_KEEP_DAYS = 30


def prune_cache(cache_dir: Path, used: set[str], keep_days: float = CACHE_KEEP_DAYS) -> int:
    """Mark the pictures `used` by this build as fresh and remove those no build used for `keep_days`.

    The cache is shared by every tree built from the checkout (the atlas, benchmark trees, CI runs)
    and every code change makes new keys: without this it only grows (and so does CI's copy).
    Returns how many pictures were removed.
    """
    now = time.time()
    removed = 0
    with os.scandir(cache_dir) as entries:  # not Path.glob: 100,000 names, 0.76 s of a warm national build
        svgs = [entry.name for entry in entries if entry.name.endswith(".svg") and not entry.name.startswith(".")]
    for name in svgs:
        path = cache_dir / name
        digest = name[: -len(".svg")]
        try:
            age = now - os.stat(path).st_mtime
            if digest in used:
                if age > 86400:  # touched at most once a day: a build does not rewrite 5,000 dates
                    os.utime(path)
            elif age > keep_days * 86400:
                path.unlink()
                (cache_dir / f"{digest}.json").unlink(missing_ok=True)
                removed += 1
        except OSError:
            continue
    return removed


def _from_cache(cache_dir: Path, digest: str) -> bytes | None:
    svg_path, words_path = cache_dir / f"{digest}.svg", cache_dir / f"{digest}.json"
    try:
        svg = svg_path.read_bytes()
        if not words_path.is_file():  # written first: a picture without its words was never finished
            return None
    except OSError:
        return None
    return svg if svg.startswith(b"<?xml") and svg.rstrip().endswith(b"</svg>") else None


def _words_json(spec: Spec) -> bytes:
    return json.dumps({"key": spec.key, **_words(spec)}, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def _store(cache_dir: Path, digest: str, words: bytes, svg: bytes) -> None:
    _write_atomic(cache_dir / f"{digest}.json", words)
    _write_atomic(cache_dir / f"{digest}.svg", svg)


def _picture(spec: Spec, svg: bytes) -> Picture:
    return Picture(key=spec.key, filename=spec.filename, svg=svg, title=spec.title, alt=spec.alt,
                   table_headers=spec.table_headers, table_rows=spec.table_rows)


def _progress(total: int, enabled: bool) -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("pictures"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=Console(stderr=True), transient=True, disable=not enabled or total == 0)


def draw_pictures(atlas: Atlas, cache_dir: Path = Path(".cache/pictures"), keys: Iterable[str] | None = None,
                  jobs: int | None = None, progress: bool = True,
                  stats: DrawStats | None = None) -> dict[str, Picture]:
    """Draw (or take from cache) the pictures; parallel on all cores; progress on stderr.

    `stats`, when given, is filled with what was drawn and what came from the cache (the same
    figures are kept in `generator.pictures.last_stats`).
    """
    global last_stats
    started = time.perf_counter()
    started_cpu = time.process_time()
    wanted = picture_keys(atlas) if keys is None else sorted(set(keys))
    specs = picture_specs(atlas, wanted)
    with writing(cache_dir, "the picture cache"):
        cache_dir.mkdir(parents=True, exist_ok=True)
        if remove_stale_files(cache_dir) and progress:
            print(f"pictures: removed the half-written files of a build that was stopped from {cache_dir}",
                  file=sys.stderr)
    result: dict[str, Picture] = {}
    digests = {key: cache_key(spec) for key, spec in specs.items()}
    todo: list[str] = []
    for key, spec in specs.items():
        svg = _from_cache(cache_dir, digests[key])
        if svg is None:
            todo.append(key)
        else:
            result[key] = _picture(spec, svg)

    # The same spec under two keys is drawn once.
    unique: dict[str, str] = {}
    for key in todo:
        unique.setdefault(digests[key], key)
    jobs_list: list[Job] = [(key, specs[key].kind, specs[key].data, digests[key], _words_json(specs[key]))
                            for key in unique.values()]
    workers = max(1, jobs if jobs is not None else (os.cpu_count() or 1))
    if any(_is_map(key) or key.startswith("choropleth/") for key in unique.values()):
        for name in geo.LAYERS:  # read once here so that forked workers inherit them
            geo.layer(name)
    drawn: dict[str, bytes] = {}
    by_kind: dict[str, int] = {}
    seconds_by_kind: dict[str, float] = {}

    def took(batch: list[tuple[str, bytes, float]]) -> None:
        for key, svg, seconds in batch:
            drawn[key] = svg
            kind = specs[key].kind
            by_kind[kind] = by_kind.get(kind, 0) + 1
            seconds_by_kind[kind] = seconds_by_kind.get(kind, 0.0) + seconds

    with writing(cache_dir, "the picture cache"):
        if workers == 1 or len(jobs_list) < SERIAL_BELOW:
            with _progress(len(jobs_list), progress) as bar:
                task = bar.add_task("pictures", total=len(jobs_list))
                for job in jobs_list:
                    took(_draw_batch([job], cache_dir))
                    bar.advance(task)
        else:
            batches = _batches(jobs_list, workers)
            # workers die with this process and are stopped at once on an error or a signal
            with worker_pool(min(workers, len(batches))) as pool:
                futures = [pool.submit(_draw_batch, batch, cache_dir) for batch in batches]
                with _progress(len(jobs_list), progress) as bar:
                    task = bar.add_task("pictures", total=len(jobs_list))
                    for future in as_completed(futures):
                        done = future.result()
                        took(done)
                        bar.advance(task, len(done))
    for key in todo:
        result[key] = _picture(specs[key], drawn[unique[digests[key]]])

    if keys is None:  # a whole atlas: what it uses is fresh, what nobody used for weeks goes
        with writing(cache_dir, "the picture cache"):
            prune_cache(cache_dir, set(digests.values()))

    last_stats = DrawStats(requested=len(specs), drawn=len(jobs_list), cached=len(specs) - len(todo),
                           seconds=time.perf_counter() - started, drawn_keys=sorted(unique.values()),
                           drawn_by_kind=dict(sorted(by_kind.items())),
                           seconds_by_kind=dict(sorted(seconds_by_kind.items())),
                           main_cpu=time.process_time() - started_cpu)
    if stats is not None:
        stats.__dict__.update(last_stats.__dict__)
    if progress and jobs_list:
        print(f"pictures: {len(jobs_list)} drawn, {last_stats.cached} from the cache "
              f"({last_stats.seconds:.1f} s)", file=sys.stderr)
    return dict(sorted(result.items()))
