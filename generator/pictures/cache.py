"""The picture cache: each picture stored under the SHA-256 of its spec and of the code that draws it.

An unchanged picture is read back from `.cache/pictures/` (its SVG and, beside it, its words) and
never drawn again; what a build did not use for weeks is removed; files half-written by a killed
build are found by their writer's process id and removed.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import re
import time
from functools import cache
from pathlib import Path
from typing import Any

from generator import geo
from generator.faults import pid_alive
from generator.outputs import write_atomic
from generator.pictures import svg
from generator.pictures.kinds import KINDS
from generator.pictures.spec import Spec

GENERATOR = Path(__file__).resolve().parent.parent
CACHE_FORMAT = 2  # bump when what the cache stores (or how a spec is drawn from here) changes

# Modules whose effect on a picture goes through the spec's data (which the key hashes already):
# an edit there (a new field of a sheet, a new score) must not throw away every cached picture.
MODEL_SIDE = frozenset({"model", "measured", "scores", "status_text", "load", "errors", "sheets", "sheet_nodes",
                        "sheet_parser", "validate",
                        "schema", "text", "citation"})


def _module_file(dotted: str) -> Path | None:
    """The file of module `generator.a.b` (None for a package's `__init__`, which gathers every module)."""
    path = GENERATOR.joinpath(*dotted.split(".")[1:]).with_suffix(".py")
    return path if path.is_file() else None


def _imported_modules(name: str, seen: set[str] | None = None) -> set[str]:
    """Module `name` (dotted) and the generator modules it imports, transitively, less MODEL_SIDE."""
    seen = set() if seen is None else seen
    if name in seen or name.rsplit(".", 1)[-1] in MODEL_SIDE:
        return seen
    path = _module_file(name)
    if path is None:
        return seen
    seen.add(name)
    for imported in _direct_imports(path):
        _imported_modules(imported, seen)
    return seen


# `from generator.x import a, b` and `from generator.x import (a, b)`, comments removed first
_FROM = re.compile(r"^[ \t]*from[ \t]+(generator(?:\.\w+)*)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)", re.M)
_COMMENT = re.compile(r"#[^\n]*")


@cache
def _direct_imports(path: Path) -> tuple[str, ...]:
    """The generator modules one file imports (once per build, not once per picture kind): each module
    `from generator.x import ...` names, and `generator.x.<name>` for each name (a module, or a name: skipped).
    Found by a pattern, not by parsing the file: the 58 specs made again after one edit hash the code of 11
    kinds, and parsing their 20 modules was 0.1 s of it (the same names: test_pictures)."""
    names: list[str] = []
    for found in _FROM.finditer(_COMMENT.sub("", path.read_text(encoding="utf-8"))):
        module = found.group(1)
        names.append(module)
        names.extend(f"{module}.{part.split()[0]}" for part in found.group(2).strip("()").split(",") if part.split())
    return tuple(names)


@cache
def code_version(kind: str | None = None) -> str:
    """Hash of everything outside the data that shapes a picture of `kind`: the module that draws it
    and the generator modules it imports (the SVG kit, formats, geo…), the libraries, the boundaries.

    Per kind, so that an edit to the maps does not redraw the charts, nor the reverse. Without
    `kind`, the hash of every drawing module."""
    digest = hashlib.sha256()
    modules = [KINDS[kind].module] if kind is not None else [k.module for k in KINDS.values()]
    names: set[str] = {"generator.formats"}
    for module in modules:  # by name: the drawers are not imported for this (pictures.kinds)
        names |= _imported_modules(module)
    for name in sorted(names):
        path = _module_file(name)
        if path is not None:
            digest.update(name.encode() + b"\0" + path.read_bytes())
    if "generator.pictures.svg" in names:  # the widths its words are laid out with
        digest.update(b"metrics\0" + (svg.METRICS_FILE.read_bytes() if svg.METRICS_FILE.is_file() else b"-"))
    digest.update(f"cache {CACHE_FORMAT} matplotlib {_version('matplotlib')}".encode())
    digest.update(geo.geodata_version().encode())
    return digest.hexdigest()


@cache
def _version(package: str) -> str:
    """A library's installed version, read from its metadata: importing matplotlib to read it costs 0.1 s."""
    from generator.versions import installed_versions

    return installed_versions((package,))[package] or "-"


def _words(spec: Spec) -> dict[str, Any]:
    words: dict[str, Any] = {"title": spec.title, "alt": spec.alt, "table_headers": list(spec.table_headers),
                             "table_rows": [list(row) for row in spec.table_rows]}
    if spec.legend:  # only where there is one: the other pictures keep their cache keys
        words["legend"] = [list(entry) for entry in spec.legend]
    return words


def cache_key(spec: Spec) -> str:
    """SHA-256 of the spec (kind, drawing data, words) and of the code version."""
    payload = {"code": code_version(spec.kind), "kind": spec.kind, "data": spec.data, **_words(spec)}
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def cache_keys(spec: Spec, data_text: str | None = None) -> tuple[str, str]:
    """`cache_key(spec)` and the key of its drawing alone: SHA-256 of what is drawn (kind, data, code), not
    of the words beside it (title, alt text, table, legend), which a hub's new name changes on the national
    maps while their drawing stays the same (`run`: such a drawing is taken again, not drawn). One JSON text
    of the data serves both (`data_text`, when given, is it: a picture and its variant share their data).
    The cache key's text is the one `cache_key` hashes, written part by part as json.dumps writes a dict."""
    code = code_version(spec.kind)
    data_text = _json(spec.data) if data_text is None else data_text
    parts = {"code": _json(code), "kind": _json(spec.kind), "data": data_text,
             **{name: _json(value) for name, value in _words(spec).items()}}
    text = "{" + ",".join(f"{_json(name)}:{parts[name]}" for name in sorted(parts)) + "}"
    drawing = f"{code}\0{spec.kind}\0{data_text}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest(), hashlib.sha256(drawing.encode("utf-8")).hexdigest()


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


_DIGEST = re.compile(r"[0-9a-f]{64}")


def is_digest(value: object) -> bool:
    """A cache key as `cache_key` makes it: only such a value names a file of the cache (a key read back
    from a kept index that was tampered with, `../x`, is a miss, never a path)."""
    return isinstance(value, str) and _DIGEST.fullmatch(value) is not None


def _from_cache(cache_dir: Path, digest: str) -> bytes | None:
    if not is_digest(digest):
        return None
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


def _measures_path(cache_dir: Path) -> Path:
    """The texts' widths measured through matplotlib (`svg.MEASURED`), per matplotlib version (its fonts)
    and per version of the code that measures them (svg.py: its font, size, rules), so that a change
    there never reuses widths measured the old way."""
    return cache_dir / f".measures-{_version('matplotlib')}-{_svg_code()}.pickle"


@cache
def _svg_code() -> str:
    return hashlib.sha256(Path(svg.__file__).read_bytes()).hexdigest()[:16]


def read_measures(cache_dir: Path) -> int:
    """Add the widths earlier builds measured to `svg.MEASURED` (plain values only: a planted file runs
    nothing, `kept_files.PlainValues`); returns how many it then holds."""
    from generator.kept_pickles import UNREADABLE, PlainValues

    if not svg.MEASURED:
        try:
            with open(_measures_path(cache_dir), "rb") as handle:
                found = PlainValues(io.BytesIO(handle.read())).load()
        except UNREADABLE:
            found = None
        if isinstance(found, dict):
            svg.MEASURED.update((key, width) for key, width in found.items()
                                if isinstance(key, tuple) and len(key) == 2 and isinstance(key[0], str)
                                and isinstance(key[1], bool) and isinstance(width, float))
    return len(svg.MEASURED)


def keep_measures(cache_dir: Path, read: int) -> None:
    """Keep `svg.MEASURED` for the next builds when this process measured more than the `read` it read
    (what forked workers measured is lost with them: measured again some day, in the build's process)."""
    if len(svg.MEASURED) > read:
        _write_atomic(_measures_path(cache_dir), pickle.dumps(svg.MEASURED, protocol=pickle.HIGHEST_PROTOCOL))
