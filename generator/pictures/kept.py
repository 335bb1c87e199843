"""Pictures' specs kept between builds, each with what its spec read, field by field (issue 11, target 2).

Computing the specs of the 18,000 pictures of the national atlas, and hashing each into its cache key,
was a quarter of a regeneration after one edit, while that edit changes a handful of them. So each spec
is computed with the atlas's mappings recording what it reads (`reads.FieldRecorder`: which fields of
which territories and hubs, which entries of the indexes, which loops), and kept. One build later, what
changed in the atlas since is found once (`reads.AtlasState.changed`: the records whose sheet changed,
compared field by field), and the pictures that read any of it (the `postings`, each read -> the
pictures that read it) are the only ones specified again: a hub renamed makes again the pictures that
read its name, not those that count its type. What every picture may read (the code, the date, the
vocabulary, the shared sources, the indicators' catalogue, the measured scores) is hashed once into
`common`: a change there makes every spec again.

On disk, per sheets folder (`.cache/specs/<hash>/`): `index.pickle`, read and written at every build,
holds the atlas's state, the postings and, per picture group (a French wide picture, its variant for
phones and their English twins), its cache keys, the sizes of its drawings and its twins that share
their French file; the `SHARDS` files `g-XX.pickle` hold what only a group specified again or a page
made again needs: its reads, words and drawing keys. An edit reads and writes the shards of the
groups it specifies again; a kept picture's words are read from its shard when a page asks for them.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import sys
from functools import cache
from pathlib import Path
from typing import Any

from generator import geo
from generator.atlas_reads import shared_digest
from generator.homonyms import homonyms
from generator.kept_pickles import UNREADABLE
from generator.model import Atlas
from generator.outputs import write_atomic
from generator.pictures import map_specs
from generator.pictures.kept_files import (
    SHARDS,
    PlainValues,
    forget_shard,
    known_points,
    loaded,
    outlines_kept,
    pack_group,
    plain_read,
    read_shard,
    shard_of,
    unpack_group,
)
from generator.pictures.reads import RECORDS, AtlasState, FieldRecorder, Read, well_formed

KEPT_FORMAT = 6  # bump when what an entry holds, or what its hash covers, changes
KEYS = "@keys"  # the group of the list of picture keys itself (its reads, kept like a picture's)


def _folder(territories_dir: Path, index_dir: Path) -> Path:
    """The folder of the kept specs of a sheets folder."""
    return index_dir / hashlib.sha256(str(territories_dir.absolute()).encode()).hexdigest()[:32]


@cache
def _code_version() -> str:
    """The generator's code (the spec functions and what they call), its catalogs (the English pictures'
    words), the boundaries, Python: as the sheets' memo hashes them (`sheet_memo.code_version`, once per
    process: a build's load has made it already; hashing the 3.6 MB of files again was 0.05 s)."""
    from generator.sheet_memo import code_version

    return hashlib.sha256(f"{KEPT_FORMAT}\n{code_version()}\n{geo.geodata_version()}\n".encode()).hexdigest()


class SpecBook:
    """What each picture group's spec read, its cache keys, words, drawings' sizes, kept per sheets folder.

    `taken(group)` gives the kept (cache keys, sizes, shared twins) of a group none of whose reads changed,
    else None; `lookup(group)` the same with its words (tests); `record(group, reads, keys, words, drawings)`
    after computing a spec, `sized(group, sizes)` once its drawing is known; `earlier(group)` what the last
    build kept, whatever changed since; `words(group)` a kept group's words; `picture_keys(make)` the list of
    picture keys, kept like a spec; `save()` keeps this build's.
    """

    def __init__(self, atlas: Atlas, territories_dir: Path, index_dir: Path = Path(".cache/specs")) -> None:
        base = territories_dir.absolute()
        self.atlas = atlas
        self.folder = _folder(territories_dir, index_dir)
        self.where = self.folder.absolute()  # (the working folder may change before the next build: `following`)
        self.index_path = self.folder / "index.pickle"
        self.postings_path = self.folder / "postings.pickle"  # with the keys' list: written when they change
        self._shard_paths = [self.folder / f"g-{number:02x}.pickle" for number in range(SHARDS)]
        self.common = self._common()
        self.state = AtlasState(atlas, str(base.parent))
        self.saved = False  # True once `save` wrote this build's: what it holds is then what the files hold
        index = self._read()
        self.fresh = index is None  # nothing kept: every spec is made, every shard written
        # group -> `Packed`; kept per shard pickled apart, so that a build writes again only the shards it changed
        self._group_blobs: dict[int, bytes] = index["groups"] if index else {}
        self.groups: dict[str, Any] = {}
        for blob in self._group_blobs.values():
            found = loaded(blob)
            if isinstance(found, dict):
                self.groups.update(found)
        # (mapping, id) -> its reads' pictures, pickled ({field: [group, ...]}): only those of a change are read
        self.postings: dict[tuple[str, str], bytes] = index["postings"] if index else {}
        self._keys_text = index.get("keys") if index else None  # one text, a key a line: read as one string
        keys = self._keys_text
        self._keys: list[str] | None = keys.split("\n") if isinstance(keys, str) and keys else None
        self._token = index["token"] if index else ""
        self._shards: dict[int, dict[str, list[Any]]] = {}
        self._unpacked: dict[str, tuple[Any, Any]] = {}  # group -> its packed value and `taken`'s answer
        self._since(index["state"] if index else None)
        self.points_path = index_dir / "points.pickle"
        self._points_read = self._read_points()

    @classmethod
    def following(cls, last: SpecBook | None, atlas: Atlas, territories_dir: Path,
                  index_dir: Path = Path(".cache/specs")) -> SpecBook:
        """This build's book: `last` (this process's last build's, `atlas build --watch`) brought up to `atlas`
        when its save wrote all it holds and the code and shared inputs are the same, so that its index,
        postings and shards are not read back from disk at each save; else read from disk."""
        if (last is None or not last.saved or last.where != _folder(territories_dir, index_dir).absolute()
                or last.points_path.absolute() != (index_dir / "points.pickle").absolute()):
            return cls(atlas, territories_dir, index_dir)
        last.atlas = atlas
        common = last._common()
        if common != last.common:  # the code or the shared inputs changed: every spec is made again
            return cls(atlas, territories_dir, index_dir)
        last.state = AtlasState(atlas, last.state.base, last.state)
        last.saved = False
        last._since(last.snapshot)
        return last

    def _since(self, before: dict[str, Any] | None) -> None:
        """What changed in the atlas since `before` (the kept state, None: nothing kept), and the groups it makes
        stale; this build's own records start empty."""
        if before is not None:
            changed, self.snapshot = self.state.changed(before)
        else:
            changed, self.snapshot = set(), self.state.snapshot(None)
        self.changed = changed
        self.stale = self._affected(changed)
        self._state_changed = before is None or before != self.snapshot
        self._changed_groups: set[int] = set()  # shards whose groups changed
        self.made: dict[str, list[Any]] = {}  # group -> [reads, keys, words, drawings], specified this build

    def _read(self) -> dict[str, Any] | None:
        try:
            with open(self.index_path, "rb") as handle:
                data = PlainValues(io.BytesIO(handle.read())).load()
        except UNREADABLE:
            return None
        if not (isinstance(data, dict) and data.get("format") == KEPT_FORMAT and data.get("common") == self.common
                and isinstance(data.get("groups"), dict) and isinstance(data.get("token"), str)
                and well_formed(data.get("state"))):
            return None
        try:  # the postings and keys written with this index (its token): else (another build's, a crash
            with open(self.postings_path, "rb") as handle:  # between the two writes) nothing is kept
                posted = PlainValues(io.BytesIO(handle.read())).load()
        except UNREADABLE:
            return None
        if not (isinstance(posted, dict) and posted.get("token") == data["token"]
                and isinstance(posted.get("postings"), dict)):
            return None
        return {**data, "postings": posted["postings"], "keys": posted.get("keys")}

    def _affected(self, changed: set[Read]) -> set[str]:
        """The groups that read any of `changed` (a record added or gone: whatever they read of it)."""
        stale: set[str] = set()
        for mapping, key, field in changed:
            found = self._posted(mapping, key)
            if found is None:  # a damaged or planted entry: which groups read it is unknown, so none is kept
                return set(self.groups) | {KEYS}
            if field == "" and key and mapping in RECORDS:  # presence: every read of that record
                for groups in found.values():
                    stale.update(groups)
            else:
                stale.update(found.get(field, ()))
        return stale

    def _posted(self, mapping: str, key: str) -> dict[str, list[str]] | None:
        """The groups that read each field of one record (or an index entry, a loop: field ""); None when its
        entry is not a mapping of fields to lists of group names (damaged or planted)."""
        blob = self.postings.get((mapping, key))
        if blob is None:
            return {}
        found = loaded(blob)
        if not (isinstance(found, dict) and all(isinstance(groups, list) and all(isinstance(g, str) for g in groups)
                                                for groups in found.values())):
            return None
        return found

    def _read_points(self) -> int:
        """The départements of the points earlier builds looked up and the points of their counts
        (map_specs.POINT_DEPARTEMENTS, SYMBOL_POINTS), while the code and boundaries are the same; returns
        how many the process then knows."""
        points, symbols, layers = map_specs.POINT_DEPARTEMENTS, map_specs.SYMBOL_POINTS, map_specs.OUTLINES
        if not points and not symbols and not layers:
            try:
                with open(self.points_path, "rb") as handle:
                    data = PlainValues(io.BytesIO(handle.read())).load()
            except UNREADABLE:
                data = None
            if (isinstance(data, dict) and data.get("code") == _code_version()
                    and isinstance(data.get("points"), dict) and isinstance(data.get("symbols"), dict)):
                points.update((point, code) for point, code in data["points"].items()
                              if isinstance(point, tuple) and (code is None or isinstance(code, str)))
                symbols.update((code, point) for code, point in data["symbols"].items()
                               if isinstance(code, str) and isinstance(point, tuple) and len(point) == 2)
                layers.update(outlines_kept(data.get("outlines")))
        return known_points()

    def _common(self) -> str:
        """What any spec may read besides the recorded mappings, hashed once."""
        from generator.measured import scores_of

        shared = shared_digest(self.atlas, scores_of(self.atlas))  # made once a build for every output
        # any spec may name a territory told apart from its homonyms by the others' names (generator.homonyms)
        told = repr([sorted(homonyms(self.atlas, lang).items()) for lang in ("fr", "en")])
        return hashlib.sha256(f"{_code_version()}\0{shared}\0{told}".encode()).hexdigest()

    # -- the groups' shards

    def _shard(self, number: int) -> dict[str, list[Any]]:
        found = self._shards.get(number)
        if found is None:
            found = self._shards[number] = read_shard(self._shard_paths[number])
        return found

    def _entry(self, group: str) -> list[Any] | None:
        """A group's [reads, keys, words, drawings] as its shard holds it (this build's, once specified)."""
        entry = self.made.get(group)
        if entry is None:
            entry = self._shard(shard_of(group)).get(group)
        return entry if isinstance(entry, list) and len(entry) == 4 and isinstance(entry[1], dict) else None

    # -- what run.py asks

    def picture_keys(self, make: Any) -> list[str]:
        """The list of picture keys (`make(atlas)`), kept like a spec: made again, recorded, when what it
        read changed."""
        if self._keys is not None and KEYS not in self.stale:
            return self._keys
        with FieldRecorder(self.atlas) as recorder:
            keys = make(self.atlas)
        self._keys = list(keys)
        self.made[KEYS] = [recorder.reads, {}, {}, {}]
        return self._keys

    def taken(self, group: str) -> tuple[dict[str, str], dict[str, int], list[str]] | None:
        """The kept cache keys, sizes of the drawings and twins sharing their French file of `group`, when
        nothing it read changed; else None."""
        if group in self.stale:
            return None
        packed = self.groups.get(group)
        found = self._unpacked.get(group)
        if found is None or found[0] is not packed:  # (kept unpacked while the group is: a watch's next build)
            found = self._unpacked[group] = (packed, unpack_group(group, packed))
        return found[1]

    def lookup(self, group: str) -> tuple[dict[str, str], dict[str, Any], dict[str, int]] | None:
        """The kept cache keys, words and sizes of `group` when nothing it read changed, else None."""
        found = self.taken(group)
        words = self.words(group)
        return None if found is None or words is None else (found[0], words, found[1])

    def words(self, group: str) -> dict[str, Any] | None:
        """The kept words of `group` (per language), when its shard holds those of its kept cache keys."""
        entry, kept = self._entry(group), unpack_group(group, self.groups.get(group))
        if entry is None or kept is None or entry[1] != kept[0] or not isinstance(entry[2], dict):
            return None
        return entry[2]

    def shard_path(self, group: str) -> Path:
        return self._shard_paths[shard_of(group)]

    def record(self, group: str, reads: set[tuple[str, ...]], keys: dict[str, str], words: dict[str, Any],
               drawings: dict[str, str], shared: list[str] | None = None) -> None:
        """Keep what the spec of `group` read and what it made (`keys`: its cache key and its variant's and
        twins'; `drawings`: the keys of their drawings alone, `cache.cache_keys`; `shared`: its English twins
        that share their French picture's file)."""
        packed = pack_group(group, keys, {}, list(shared or ()))
        if packed is None:
            return
        self.made[sys.intern(group)] = [{plain_read(read) for read in reads}, keys, words, drawings]
        self.groups[group] = packed
        self._changed_groups.add(shard_of(group))

    def earlier(self, group: str) -> tuple[dict[str, str], dict[str, str]] | None:
        """The cache keys and drawing keys the last build kept for `group`'s pictures, whatever its spec read
        (same code and shared inputs): a picture specified again whose drawing key is the one kept draws what
        the kept cache key's drawing shows."""
        entry = self._shard(shard_of(group)).get(group)
        if not (isinstance(entry, list) and len(entry) == 4 and isinstance(entry[1], dict)
                and isinstance(entry[3], dict)):
            return None
        return entry[1], entry[3]

    def sized(self, group: str, sizes: dict[str, int]) -> None:
        """Keep the sizes of the drawings of `group`'s pictures (recorded this build): the next build knows
        a kept picture's file unchanged in the docs folder without reading its drawing."""
        found = unpack_group(group, self.groups.get(group))
        if found is not None:
            self.groups[group] = pack_group(group, found[0], sizes, found[2])
            self._changed_groups.add(shard_of(group))

    def save(self, wanted: set[str] | None = None) -> None:
        """Keep this build's groups (`wanted`, when given: those that exist now; the others go)."""
        gone = set(self.groups) - wanted if wanted is not None else set()
        for group in self.stale - set(self.made) - gone:  # what it read changed and it was not made again:
            self.groups.pop(group, None)  # no longer kept (its reads stay posted, its shard entry for `earlier`)
            self._changed_groups.add(shard_of(group))
            if group == KEYS:
                self._keys = None
        if not self.made and not gone and not self._state_changed:
            self._save_points()
            self.saved = True
            return
        touched: dict[int, dict[str, list[Any]]] = {}
        posted: dict[tuple[str, str], dict[str, list[str]]] = {}  # the postings changed, read once each

        def post(mapping: str, key: str) -> dict[str, list[str]]:
            found = posted.get((mapping, key))
            if found is None:
                found = posted[(mapping, key)] = {} if self.fresh else self._posted(mapping, key)
            return found

        for group in sorted(set(self.made) | gone):
            old = None if self.fresh else self._shard(shard_of(group)).get(group)
            before = old[0] if isinstance(old, list) and len(old) == 4 and isinstance(old[0], (set, list)) else ()
            after = self.made[group][0] if group in self.made else set()
            before = set(before)
            for mapping, key, field in before - after:  # its earlier reads no longer name it
                found = post(mapping, key).get(field)
                if found is not None and group in found:
                    found.remove(group)
            for mapping, key, field in after - before:
                post(mapping, key).setdefault(field, []).append(group)
            shard = touched.setdefault(shard_of(group), {} if self.fresh else dict(self._shard(shard_of(group))))
            if group in gone:
                shard.pop(group, None)
                self.groups.pop(group, None)
                self._changed_groups.add(shard_of(group))
            else:
                shard[group] = self.made[group]
        postings = {} if self.fresh else self.postings
        moved = self.fresh  # the postings or the keys' list differ from those read
        for where, fields in posted.items():
            fields = {field: groups for field, groups in fields.items() if groups}
            blob = pickle.dumps(fields, protocol=pickle.HIGHEST_PROTOCOL) if fields else None
            if blob != postings.get(where):
                moved = True
                if blob is None:
                    postings.pop(where, None)
                else:
                    postings[where] = blob
        keys = "\n".join(self._keys) if self._keys is not None else None
        moved = moved or keys != self._keys_text
        self.folder.mkdir(parents=True, exist_ok=True)
        for number, shard in touched.items():
            write_atomic(self._shard_paths[number], pickle.dumps(shard, protocol=pickle.HIGHEST_PROTOCOL))
            forget_shard(self._shard_paths[number])
        if self.fresh:  # shards of groups that no longer exist, and the whole index of the format before (9 MB)
            for number in set(range(SHARDS)) - set(touched):
                (self.folder / f"g-{number:02x}.pickle").unlink(missing_ok=True)
            self.folder.with_name(f"{self.folder.name}.pickle").unlink(missing_ok=True)
        blobs = {} if self.fresh else self._group_blobs
        changed = set(range(SHARDS)) if self.fresh else self._changed_groups
        by_shard: dict[int, dict[str, Any]] = {number: {} for number in changed}
        for group, packed in self.groups.items():
            mine = by_shard.get(shard_of(group))
            if mine is not None:
                mine[group] = packed
        for number, groups in by_shard.items():
            blobs[number] = pickle.dumps(groups, protocol=pickle.HIGHEST_PROTOCOL)
        if moved:  # first the postings under a new token, then the index naming it
            self._token = os.urandom(8).hex()
            write_atomic(self.postings_path, pickle.dumps({"token": self._token, "postings": postings, "keys": keys},
                                                          protocol=pickle.HIGHEST_PROTOCOL))
            self._keys_text = keys
        data = {"format": KEPT_FORMAT, "common": self.common, "state": self.snapshot, "groups": blobs,
                "token": self._token}
        write_atomic(self.index_path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        self._save_points()
        # what the files now hold, for the next build of this process (`following`)
        self._shards = touched if self.fresh else {**self._shards, **touched}  # (a fresh save removed the others)
        self._group_blobs, self.postings, self.fresh = blobs, postings, False
        self._keys = self._keys if keys else None  # as read back: an empty list is none
        self.made, self._changed_groups = {}, set()  # (the shards hold the groups made)
        self.saved = True

    def _save_points(self) -> None:
        if known_points() != self._points_read:  # new points or outlines looked up
            self.points_path.parent.mkdir(parents=True, exist_ok=True)
            layers = {name: {code: tuple(found) for code, found in outlines.items()}
                      for name, outlines in map_specs.OUTLINES.items()}  # plain values (not map_specs.Outlined)
            kept = {"code": _code_version(), "points": map_specs.POINT_DEPARTEMENTS,
                    "symbols": map_specs.SYMBOL_POINTS, "outlines": layers}
            write_atomic(self.points_path, pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
            self._points_read = known_points()
