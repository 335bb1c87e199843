"""Pictures' specs kept between builds, each with the sheets its spec read (issue 11, target 2).

Computing the specs of the 10,585 pictures of the national atlas, and hashing each into its cache
key, was a quarter of a regeneration after one edit, while that edit changes a handful of them. So
each spec is computed with the atlas's mappings recording what it reads (`Recorder`): which
territories and hubs (by id, or all of them when it loops over a mapping), which entries of the
indexes (children, hubs by territory, partners). What is kept per picture (`SpecBook`, one index
per sheets folder in `.cache/specs/`) is that list, a hash of the sheets and index entries it
named as they were, the picture's cache key and its words. The next build hashes the same list
today: equal, the picture is taken as kept; else its spec is computed again. What every picture
may read (the code, the date, the vocabulary, the shared sources, the indicators' catalogue, the
measured scores) is hashed once into every key: a change there recomputes every spec.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from functools import cache
from pathlib import Path
from typing import Any

from generator import geo
from generator.atlas_reads import ReadState, listed, shared_digest
from generator.model import Atlas
from generator.outputs import write_atomic
from generator.pictures import map_specs

KEPT_FORMAT = 4  # bump when what an entry holds, or what its hash covers, changes


@cache
def _code_version() -> str:
    """The generator's code (the spec functions and what they call), its catalogs (the English pictures'
    words), the boundaries, Python: as the sheets' memo hashes them (`sheet_memo.code_version`, once per
    process: a build's load has made it already; hashing the 3.6 MB of files again was 0.05 s)."""
    from generator.sheet_memo import code_version

    return hashlib.sha256(f"{KEPT_FORMAT}\n{code_version()}\n{geo.geodata_version()}\n".encode()).hexdigest()


class SpecBook:
    """What each picture's spec read, its hash, the picture's cache key, words and size, kept per sheets folder.

    `lookup(key)` gives the kept (cache keys, words, sizes) of a picture whose reads hash as they did, else
    None; `record(key, reads, keys, words, drawings)` after computing a spec, `sized(key, sizes)` once its
    drawing is known; `earlier(key)` what the last build kept, whatever changed since; `save()` keeps this
    build's.
    """

    def __init__(self, atlas: Atlas, territories_dir: Path, index_dir: Path = Path(".cache/specs")) -> None:
        base = territories_dir.absolute()
        self.atlas = atlas
        self.index_path = index_dir / f"{hashlib.sha256(str(base).encode()).hexdigest()[:32]}.pickle"
        self.state = ReadState(atlas, base.parent)  # sheet paths are relative to the sheets folder's parent
        self.common = self._common()
        self.entries = self._read()
        self.kept: dict[str, list[Any]] = {}
        self.points_path = index_dir / "points.pickle"
        self._points_read = self._read_points()

    def _read(self) -> dict[str, list[Any]]:
        mine = _SAVED.get(str(self.index_path.absolute()))
        if mine is not None:  # this process wrote the index (atlas serve, save after save): nothing to parse
            try:
                status = os.stat(self.index_path)
                if (status.st_size, status.st_mtime_ns) == mine[0]:
                    return dict(mine[2]) if mine[1] == self.common else {}
            except OSError:
                pass
        try:
            with open(self.index_path, "rb") as handle:
                data = _PlainValues(handle).load()
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
            return {}
        ok = isinstance(data, dict) and data.get("format") == KEPT_FORMAT and data.get("common") == self.common
        return data["pictures"] if ok and isinstance(data.get("pictures"), dict) else {}

    def _read_points(self) -> int:
        """The départements of the points earlier builds looked up and the points of their counts
        (map_specs.POINT_DEPARTEMENTS, SYMBOL_POINTS), while the code and boundaries are the same; returns
        how many the process then knows."""
        points, symbols = map_specs.POINT_DEPARTEMENTS, map_specs.SYMBOL_POINTS
        if not points and not symbols:
            try:
                with open(self.points_path, "rb") as handle:
                    data = _PlainValues(handle).load()
            except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
                data = None
            if (isinstance(data, dict) and data.get("code") == _code_version()
                    and isinstance(data.get("points"), dict) and isinstance(data.get("symbols"), dict)):
                points.update((point, code) for point, code in data["points"].items()
                              if isinstance(point, tuple) and (code is None or isinstance(code, str)))
                symbols.update((code, point) for code, point in data["symbols"].items()
                               if isinstance(code, str) and isinstance(point, tuple) and len(point) == 2)
        return len(points) + len(symbols)

    def _common(self) -> str:
        """What any spec may read besides the recorded mappings, hashed once."""
        from generator.measured import scores_of

        shared = shared_digest(self.atlas, scores_of(self.atlas))  # made once a build for every output
        return hashlib.sha256(f"{_code_version()}\0{shared}".encode()).hexdigest()

    def lookup(self, wide: str) -> tuple[dict[str, str], dict[str, Any], dict[str, int]] | None:
        """The kept cache keys (per picture key: the picture, its variant, their twins), words and sizes of
        their drawings (bytes, when known) of the picture `wide`, when what its spec read is as it was;
        else None."""
        entry = self.entries.get(wide)
        if not (isinstance(entry, list) and len(entry) == 6):
            return None
        digest, reads, keys, words, sizes, _drawings = entry
        if self.state.digest(self.common, reads) != digest:
            return None
        self.kept[wide] = entry
        return keys, words, sizes

    def record(self, wide: str, reads: set[tuple[str, str]], keys: dict[str, str], words: dict[str, Any],
               drawings: dict[str, str]) -> None:
        """Keep what the spec of `wide` read and what it made (`keys`: its cache key and its variant's and
        twins'; `drawings`: the keys of their drawings alone, `cache.cache_keys`)."""
        reads_list = listed(reads)
        self.kept[wide] = [self.state.digest(self.common, reads_list), reads_list, keys, words, {}, drawings]

    def earlier(self, wide: str) -> tuple[dict[str, str], dict[str, str]] | None:
        """The cache keys and drawing keys the last build kept for `wide`'s pictures, whatever its spec read
        (same code and shared inputs): a picture specified again whose drawing key is the one kept draws what
        the kept cache key's drawing shows."""
        entry = self.entries.get(wide)
        if not (isinstance(entry, list) and len(entry) == 6 and isinstance(entry[2], dict)
                and isinstance(entry[5], dict)):
            return None
        return entry[2], entry[5]

    def sized(self, wide: str, sizes: dict[str, int]) -> None:
        """Keep the sizes of the drawings of `wide`'s pictures (recorded this build): the next build knows
        a kept picture's file unchanged in the docs folder without reading its drawing."""
        entry = self.kept.get(wide)
        if entry is not None:
            entry[4] = sizes

    def save(self) -> None:
        """Keep this build's entries (the pictures that no longer exist go)."""
        data = pickle.dumps({"format": KEPT_FORMAT, "common": self.common, "pictures": self.kept},
                            protocol=pickle.HIGHEST_PROTOCOL)
        self.index_path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.index_path, data)
        status = os.stat(self.index_path)
        _SAVED[str(self.index_path.absolute())] = ((status.st_size, status.st_mtime_ns), self.common, self.kept)
        points, symbols = map_specs.POINT_DEPARTEMENTS, map_specs.SYMBOL_POINTS
        if len(points) + len(symbols) != self._points_read:  # new points looked up
            write_atomic(self.points_path, pickle.dumps({"code": _code_version(), "points": points,
                                                         "symbols": symbols}, protocol=pickle.HIGHEST_PROTOCOL))
            self._points_read = len(points) + len(symbols)


class _PlainValues(pickle.Unpickler):
    """The index holds plain values only (dicts, lists, strings, numbers): no class is made, so a file put
    in the cache cannot run code. Pickled rather than JSON: 12 MB on the national atlas, parsed in 0.3 s
    and written in 0.15 s as JSON at every build."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"{module}.{name}: the index of kept specs holds plain values only")


# index file -> its size and time as this process wrote it, its common hash and its entries: a long-lived
# process (`atlas serve`, H4) reads back what it wrote itself from memory (parsing it was 0.2-0.4 s per save)
_SAVED: dict[str, tuple[tuple[int, int], str, dict[str, list[Any]]]] = {}
