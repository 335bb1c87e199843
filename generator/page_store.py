"""The page cache's index on disk: a small index read and written at every build, shards read and written
only when an output they keep is checked or made again, and postings (issue 11, target 2).

The index of the national atlas was one 17 MB JSON file read (0.12 s) and written (0.10 s) at every build,
12 MB of it what the shared pages, the data files, the API documents, the pages' parts and the values per
sheet read. One hub edit makes again a handful of those. So, per docs folder (`.cache/pages/<hash>/`):

- `index.pickle`: the sheet pages' entries, the pictures' files, the snapshot of the last build, the code's
  and the copies' states; per kept group of outputs (a shared kind, a data file, an API document: "kinds")
  only what reading it back needs (its files' states, the rankings it told); the postings (each read of the
  atlas, each picture placed -> the groups that read it); the names kept in shards and each shard's token.
- `<category>-XX.pickle`, the shards: a group's key, reads and pictures placed (needed only when it is
  checked again: something it read changed), the parts of the shared pages, atlas.json's records, the
  values per sheet. A shard is read when one of its entries is asked, and its entries are unpickled one
  by one when asked; it is written again when one of them changed, the others' bytes copied as they are.

Finding what changed goes through the postings (`touched`): the groups that read a changed sheet, index
entry or picture, and those that read an answer to a query (asked again each build), are checked by
their key; the others are read back from their files' states. A shard is written before the index that
names its token: after a crash between the two, or with a damaged or planted shard, its entries are
missing (made again), never taken from another build. Everything is read as plain values
(`kept_pickles.PlainValues`) and checked for its shape where it is used.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from generator.faults import TMP_SUFFIX
from generator.kept_pickles import forget_shard, loaded, pickled, read_plain, read_shard
from generator.outputs import write_atomic

# shards per category of entry name ("<category>:..."; a shared kind's name has none: "kind")
# (few: replacing a written file cost about 2 ms a file under load here, and a shard holds its entries pickled
# apart, so that writing one again copies the bytes of those that did not change)
SHARDS: Mapping[str, int] = {"api": 1, "part": 2, "kind": 1, "data": 1, "records": 1, "sheets": 1}
GROUPS = ("kind", "api", "data")  # kept groups of outputs: [key, reads, placed, files, rankings] (page_kept)
PICTURE = "\x01p"  # a posting's read name for a picture placed (read names are the atlas's mappings, "?query")
QUERY = "?"
KEY_CHARS = 24  # a picture's cache key as the index keeps it (96 bits of its SHA-256)


def category(name: str) -> str:
    head, colon, _rest = name.partition(":")
    return head if colon and head in SHARDS else "kind"


def shard_of(name: str) -> str:
    kind = category(name)
    return f"{kind}-{zlib.crc32(name.encode('utf-8')) % SHARDS[kind]:02x}"


def strings(value: Any) -> bool:
    """A list of texts (pictures placed, names of groups)."""
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def well_formed_files(files: Any) -> bool:
    """A group's files as kept: [[docs path, size, mtime_ns, [sheet, ...]], ...]."""
    if not isinstance(files, list):
        return False
    for f in files:  # a loop, not all(): 2,900 API documents a build
        if not (type(f) is list and len(f) == 4 and type(f[0]) is str and type(f[1]) is int and type(f[2]) is int
                and type(f[3]) is list):
            return False
        for sheet in f[3]:
            if type(sheet) is not str:
                return False
    return True


def pairs(reads: Any) -> bool:
    """Reads as an index keeps them: [[name, key], ...]."""
    if not isinstance(reads, list):
        return False
    for read in reads:
        if not (type(read) is list and len(read) == 2 and type(read[0]) is str and type(read[1]) is str):
            return False
    return True


class KindStore:
    """The entries of the page cache's "kinds" (`page_kept`), read from the index and their shards.

    `get(name)` is an entry as `page_kept` keeps it (a group's five values, a part, the records, the values
    per sheet), reading its shard; `files(name)` a group's files and rankings from the index alone;
    `touched(reads, pictures_changed)` the groups whose key must be made again; `save(...)` writes the shards
    that changed, then the index."""

    def __init__(self, folder: Path, index: dict[str, Any] | None) -> None:
        self.folder = folder
        kinds = index.get("kinds") if index else None
        ok = (isinstance(kinds, dict) and isinstance(kinds.get("light"), dict)
              and isinstance(kinds.get("postings"), dict) and strings(kinds.get("others"))
              and strings(kinds.get("always")) and isinstance(kinds.get("tokens"), dict))
        # a posting that is not a list would be replaced by the groups of this build alone, and a group kept as
        # it was would drop out of it for good: one such posting and nothing is kept (the others are checked
        # when asked, by `touched`)
        ok = ok and all(type(groups) is list for groups in kinds["postings"].values())
        self.fresh = not ok  # nothing kept: every shard written whole
        kinds = kinds if ok else {}
        self.light: dict[str, Any] = kinds.get("light", {})  # group -> [files, rankings]
        self.postings: dict[str, Any] = kinds.get("postings", {})  # "name\0key" -> [group, ...]
        self.others: set[str] = set(kinds.get("others", ()))  # the names of the other entries
        self.always: set[str] = set(kinds.get("always", ()))  # groups that read answers: always checked
        self.tokens: dict[str, Any] = kinds.get("tokens", {})  # shard -> the token it was written with
        self._shards: dict[str, dict[str, Any]] = {}  # shard -> its entries, each pickled apart (bytes)
        self._values: dict[str, Any] = {}  # name -> its entry, unpickled when asked

    def names(self) -> set[str]:
        return set(self.light) | self.others

    def read_ahead(self, categories: Iterable[str]) -> None:
        """The entries of these categories read from their shards now, as a build would when it asks for them
        (`atlas build --watch` while the contributor edits: every hub edit reads the values kept per sheet, the
        records and the parts of the shared pages, 50 MB of shards on the France tree)."""
        wanted = set(categories)
        for name in self.names():  # in any order: a shard is read once, whichever entry asks first
            if category(name) in wanted:
                self._value(name)

    def _shard(self, shard: str) -> dict[str, Any]:
        found = self._shards.get(shard)
        if found is None:
            data = read_shard(self.folder / f"{shard}.pickle")
            token = self.tokens.get(shard)
            ok = isinstance(token, str) and data.get("token") == token and isinstance(data.get("entries"), dict)
            found = self._shards[shard] = data["entries"] if ok else {}  # another build's, or damaged: none
        return found

    def _value(self, name: str) -> Any:
        if name in self._values:
            return self._values[name]
        found = self._values[name] = loaded(self._shard(shard_of(name)).get(name))  # None: missing or damaged
        return found

    def get(self, name: str) -> Any:
        """An entry as `page_kept` keeps it, None when it is not kept (or its shard is damaged). Shared: not to
        be changed by its users."""
        if name in self.light:
            light, heavy = self.light[name], self._value(name)
            if not (isinstance(light, list) and len(light) == 2 and isinstance(heavy, list) and len(heavy) == 3):
                return None
            return [*heavy, *light]
        return self._value(name) if name in self.others else None

    def files(self, name: str) -> tuple[list[Any], list[str]] | None:
        """A group's files and the rankings it told, as kept (None when not kept or not of that shape)."""
        light = self.light.get(name)
        if not (isinstance(light, list) and len(light) == 2 and well_formed_files(light[0]) and strings(light[1])):
            return None
        return light[0], light[1]

    def touched(self, reads: Iterable[tuple[str, str]], pictures: Iterable[str],
                answers_told: bool = False) -> set[str] | None:
        """The groups that read one of `reads` or placed one of `pictures` (changed since the last build), and
        those that read an answer to a query, unless `answers_told` (the changed answers are among `reads`);
        None when a posting is damaged (every group is then checked)."""
        found = set() if answers_told else set(self.always)
        for name, key in (*reads, *((PICTURE, key) for key in pictures)):
            groups = self.postings.get(f"{name}\0{key}", [])
            if not strings(groups):
                return None
            found.update(groups)
        return found

    def answers_read(self) -> list[tuple[str, str]]:
        """The queries' answers (name, argument) that kept groups read, as the postings name them."""
        return [(name, key) for name, _, key in (where.partition("\0") for where in self.postings
                                                 if where.startswith(QUERY))]

    def save(self, index: dict[str, Any], made: Mapping[str, Any], kept: set[str], partial: bool) -> None:
        """Write the shards whose entries changed, then `index` with the kinds' part: `made` are this build's
        entries (new or made again), `kept` the names kept as they were (with `partial`, every other name is
        kept too); the others go."""
        old_names = self.names()
        keep = old_names - set(made) if partial else (kept & old_names) - set(made)
        gone = old_names - keep - set(made)
        dirty: dict[str, dict[str, Any]] = {}

        def shard(name: str) -> dict[str, Any]:
            number = shard_of(name)
            found = dirty.get(number)
            if found is None:
                found = dirty[number] = {} if self.fresh else dict(self._shard(number))
            return found

        for name in gone:
            old = self.get(name) if name in self.light else None
            if old is not None and pairs(old[1]):
                self._unpost(name, old[1], old[2])
            self.light.pop(name, None)
            self.others.discard(name)
            self.always.discard(name)
            self._values.pop(name, None)
            shard(name).pop(name, None)
        for name, entry in made.items():
            if category(name) in GROUPS and isinstance(entry, list) and len(entry) == 5:
                old = self.get(name)
                if old is not None and pairs(old[1]):
                    self._unpost(name, old[1], old[2])
                key, reads, placed, files, rankings = entry
                self._post(name, reads, placed)
                if any(read[0].startswith(QUERY) for read in reads):
                    self.always.add(name)
                else:
                    self.always.discard(name)
                self.light[name] = [files, rankings]
                entry = [key, reads, placed]  # the rest is in the index
            else:
                self.others.add(name)
            if self.fresh or self._value(name) != entry:
                shard(name)[name] = pickled(entry)
                self._values[name] = entry
        self.folder.mkdir(parents=True, exist_ok=True)
        for leftover in self.folder.glob(f".*{TMP_SUFFIX}"):  # a build killed while writing here (the folder's
            leftover.unlink(missing_ok=True)  # builds hold the docs folder's lock: none is being written now)
        if self.fresh:  # every shard written: those of names no longer kept go
            for path in self.folder.glob("*-*.pickle"):
                if path.stem not in dirty:
                    path.unlink(missing_ok=True)
        for number, entries in dirty.items():
            token = os.urandom(8).hex()
            path = self.folder / f"{number}.pickle"
            write_atomic(path, pickled({"token": token, "entries": entries}))
            forget_shard(path)
            self.tokens[number] = token
            self._shards[number] = entries
        self.fresh = False
        self.postings = {where: groups for where, groups in self.postings.items() if groups}
        index["kinds"] = {"light": self.light, "postings": self.postings, "others": sorted(self.others),
                          "always": sorted(self.always), "tokens": self.tokens}
        write_atomic(self.folder / "index.pickle", pickled(index))

    def _post(self, name: str, reads: list[list[str]], placed: list[str]) -> None:
        postings = self.postings
        for where in (*(f"{r[0]}\0{r[1]}" for r in reads), *(f"{PICTURE}\0{key}" for key in placed)):
            groups = postings.get(where)
            if groups is None:  # none yet (one that is not a list made the store fresh)
                groups = postings[where] = []
            if name not in groups:
                groups.append(name)

    def _unpost(self, name: str, reads: list[list[str]], placed: Any) -> None:
        postings = self.postings
        keys = placed if strings(placed) else []
        for where in (*(f"{r[0]}\0{r[1]}" for r in reads), *(f"{PICTURE}\0{key}" for key in keys)):
            groups = postings.get(where)
            if isinstance(groups, list) and name in groups:
                groups.remove(name)


def read_index(folder: Path, fmt: int) -> dict[str, Any] | None:
    """The index of one docs folder's page cache, None when missing, damaged or of another format."""
    data = read_plain(folder / "index.pickle")
    if not (isinstance(data, dict) and data.get("format") == fmt and isinstance(data.get("pages"), dict)):
        return None
    return data


def picture_state(pic: Any, key: str = "") -> str | None:
    """A picture's cache key (cut short) and, unless it is the usual one for `key`, its file; None for no picture,
    "?" for one without a cache key (whose drawing is not told by a key: never taken as unchanged), as the
    snapshot keeps it. Not hashed: 18,000 pictures a build."""
    if pic is None:
        return None
    digest = getattr(pic, "digest", "")
    if not digest:
        return "?"
    english = key.startswith("en/")
    usual = f"en/assets/pictures/{key[3:]}.svg" if english else f"assets/pictures/{key}.svg"
    return digest[:KEY_CHARS] if pic.filename == usual else f"{digest[:KEY_CHARS]} {pic.filename}"
