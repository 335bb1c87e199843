"""The files of the kept pictures' specs (generator.pictures.kept): a group's cache keys and sizes packed into
few values, the shards holding the groups' reads, words and drawing keys, the layers' outlines and points kept
for the specs, all read back as plain values only (`PlainValues`: a file put in the cache cannot run code)."""

from __future__ import annotations

import zlib
from typing import Any

from generator.kept_pickles import PlainValues, forget_shard, loaded, read_shard  # noqa: F401  (kept.py, cache.py)
from generator.pictures import map_specs
from generator.pictures.keys import ENGLISH, NARROW
from generator.pictures.reads import RECORDS, Read

SHARDS = 128  # files holding the groups' reads, words and drawing keys (about 70 KB each on the national atlas)
# a group's pictures: its French wide picture, its variant for phones, and their English twins (`picture._group_of`)
VARIANTS = ("", f"{NARROW}/", f"{ENGLISH}/", f"{ENGLISH}/{NARROW}/")


def shard_of(group: str) -> int:
    return zlib.crc32(group.encode("utf-8")) % SHARDS


def plain_read(read: tuple[str, ...]) -> Read:
    """A read as `reads` writes it; a whole record or mapping as `atlas_reads.Recorder` notes it
    (`("hubs", id)`, `("hubs", "*")`) is taken as a read of all of it."""
    if len(read) == 3:
        return read  # type: ignore[return-value]
    name, key = read
    if key == "*":
        return (name, "", "")
    return (name, key, "*") if name in RECORDS else (name, key, "")


Packed = tuple[int, tuple[str, ...], tuple[int, ...], int]  # members, their cache keys and sizes, shared twins


def pack_group(group: str, keys: dict[str, str], sizes: dict[str, int], shared: list[str]) -> Packed | None:
    """A group's kept cache keys, sizes (-1: not known) and twins sharing their French file, as few values
    (the index of the national atlas: 4,500 groups, 18,000 pictures, read at every build); None when a key
    is not one of the group's `VARIANTS`."""
    mask = twins = 0
    digests: list[str] = []
    lengths: list[int] = []
    for bit, prefix in enumerate(VARIANTS):
        key = prefix + group
        if key in keys:
            mask |= 1 << bit
            digests.append(keys[key])
            lengths.append(sizes.get(key, -1))
            twins |= (key in shared) << bit
    return (mask, tuple(digests), tuple(lengths), twins) if len(digests) == len(keys) else None


def unpack_group(group: str, packed: Any) -> tuple[dict[str, str], dict[str, int], list[str]] | None:
    """`pack_group`'s values back as (cache keys, sizes, shared twins), None when they are not of that shape."""
    if not (isinstance(packed, tuple) and len(packed) == 4):
        return None
    mask, digests, lengths, twins = packed
    if not (isinstance(mask, int) and isinstance(twins, int) and isinstance(digests, tuple)
            and isinstance(lengths, tuple) and len(digests) == len(lengths)):
        return None
    keys: dict[str, str] = {}
    sizes: dict[str, int] = {}
    shared: list[str] = []
    at = 0
    for bit, prefix in enumerate(VARIANTS):
        if mask >> bit & 1:
            if at >= len(digests):
                return None
            key = prefix + group
            keys[key] = digests[at]
            if isinstance(lengths[at], int) and lengths[at] >= 0:
                sizes[key] = lengths[at]
            if twins >> bit & 1:
                shared.append(key)
            at += 1
    return keys, sizes, shared


def known_points() -> int:
    """How many points, symbols' points and layers the process knows (kept in points.pickle)."""
    return len(map_specs.POINT_DEPARTEMENTS) + len(map_specs.SYMBOL_POINTS) + len(map_specs.OUTLINES)


def outlines_kept(data: Any) -> dict[str, dict[str, map_specs.Outlined]]:
    """The layers' outlines as kept (code, name, bounds), those of the right shape."""
    out: dict[str, dict[str, map_specs.Outlined]] = {}
    if not isinstance(data, dict):
        return out
    for name, layer in data.items():
        if not (isinstance(name, str) and isinstance(layer, dict)):
            continue
        found = {}
        for code, (key, label, bounds) in ((c, v) for c, v in layer.items()
                                          if isinstance(v, tuple) and len(v) == 3):
            if (isinstance(code, str) and code == key and isinstance(label, str) and isinstance(bounds, tuple)
                    and len(bounds) == 4 and all(isinstance(b, float) for b in bounds)):
                found[code] = map_specs.Outlined(key, label, bounds)
        if len(found) == len(layer):  # a layer whole or not at all (its codes are what a spec tests)
            out[name] = found
    return out
