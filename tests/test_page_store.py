"""The page cache's index on disk (generator.page_store): a small index, shards read and written only when an
entry of theirs is, postings that say which kept groups read what changed; damaged, truncated, planted or
another build's files give no entry (made again), never a traceback."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from generator.kept_pickles import forget_shard, loaded, read_plain
from generator.page_store import KindStore, read_index, shard_of

FORMAT = 3


def _group(key: str, reads: list[list[str]], placed: list[str], path: str) -> list:
    """A kept group of outputs as page_kept saves it: key, reads, pictures placed, files, rankings."""
    return [key, reads, placed, [[path, 10, 20, ["territories/a/territory.yml"]]], []]


def _saved(folder: Path) -> KindStore:
    store = KindStore(folder, None)
    made = {
        "hubs": _group("k1", [["hubs", "a"], ["hubs", "*"]], ["home/map"], "hubs/index.md"),
        "home": _group("k2", [["?fact counts", ""]], [], "index.md"),
        "api:api/lieux/a.json": _group("k3", [["hubs", "a"]], [], "api/lieux/a.json"),
        "api:api/lieux/b.json": _group("k4", [["hubs", "b"]], [], "api/lieux/b.json"),
        "sheets:quality#1": {"common": "c", "values": {"territories/a/territory.yml": ["d", [1, 2]]}},
    }
    store.save({"format": FORMAT, "pages": {}}, made, set(), partial=False)
    return store


def _reopened(folder: Path) -> KindStore:
    return KindStore(folder, read_index(folder, FORMAT))


def test_entries_come_back_and_postings_say_which_groups_read_what_changed(tmp_path: Path) -> None:
    _saved(tmp_path)
    store = _reopened(tmp_path)
    assert store.get("hubs") == _group("k1", [["hubs", "a"], ["hubs", "*"]], ["home/map"], "hubs/index.md")
    assert store.files("api:api/lieux/b.json") == ([["api/lieux/b.json", 10, 20, ["territories/a/territory.yml"]]], [])
    assert store.get("sheets:quality#1")["values"] == {"territories/a/territory.yml": ["d", [1, 2]]}
    assert store.get("nothing") is None and store.files("nothing") is None
    # a hub edited: the groups that read it, and the one that reads an answer (always checked)
    assert store.touched([("hubs", "a"), ("hubs", "*")], []) == {"hubs", "api:api/lieux/a.json", "home"}
    assert store.touched([], ["home/map"]) == {"hubs", "home"}
    assert store.touched([("hubs", "b")], []) == {"api:api/lieux/b.json", "home"}


def test_only_the_shards_of_changed_entries_are_read_and_written(tmp_path: Path) -> None:
    _saved(tmp_path)
    shards = {path.name: path.stat().st_mtime_ns for path in tmp_path.glob("*-*.pickle")}
    assert set(shards) == {f"{shard_of(n)}.pickle" for n in ("hubs", "api:x", "sheets:quality#1")}
    for path in tmp_path.glob("*-*.pickle"):
        os.utime(path, ns=(1, 1))  # so that a rewrite shows even within the clock's step
    store = _reopened(tmp_path)
    api = _group("k5", [["hubs", "c"]], [], "api/lieux/b.json")
    store.save({"format": FORMAT, "pages": {}}, {"api:api/lieux/b.json": api}, {"hubs", "home", "api:api/lieux/a.json",
                                                                               "sheets:quality#1"}, partial=False)
    assert store._shards.keys() == {shard_of("api:x")}  # only the API documents' shard was read
    rewritten = {path.name for path in tmp_path.glob("*-*.pickle") if path.stat().st_mtime_ns != 1}
    assert rewritten == {f"{shard_of('api:x')}.pickle"}
    store = _reopened(tmp_path)
    assert store.get("api:api/lieux/b.json") == api and store.get("hubs") is not None
    assert store.touched([("hubs", "b")], []) == {"home"}  # the document no longer reads hub b
    assert store.touched([("hubs", "c")], []) == {"api:api/lieux/b.json", "home"}


def test_entries_not_kept_go(tmp_path: Path) -> None:
    _saved(tmp_path)
    store = _reopened(tmp_path)
    store.save({"format": FORMAT, "pages": {}}, {}, {"hubs", "home"}, partial=False)
    store = _reopened(tmp_path)
    assert store.get("api:api/lieux/a.json") is None and store.get("sheets:quality#1") is None
    assert store.names() == {"hubs", "home"} and store.touched([("hubs", "a")], []) == {"hubs", "home"}


def test_a_shard_of_another_build_damaged_or_planted_gives_no_entry(tmp_path: Path) -> None:
    _saved(tmp_path)
    shard = tmp_path / f"{shard_of('api:x')}.pickle"
    whole = shard.read_bytes()

    class Planted:  # a pickle that would run code when loaded
        def __reduce__(self) -> tuple:
            return (os.system, ("echo planted > planted.txt",))

    data = pickle.loads(whole)
    cases = {
        "truncated": whole[: len(whole) // 2],
        "garbage": b"\x00not a pickle",
        "another build's": pickle.dumps({**data, "token": "0" * 16}),
        "code": pickle.dumps(Planted()),
        "an entry of code": pickle.dumps({**data, "entries": {"api:api/lieux/a.json": pickle.dumps(Planted())}}),
        "not a mapping": pickle.dumps({**data, "entries": ["api:api/lieux/a.json"]}),
    }
    for case, planted in cases.items():
        shard.write_bytes(planted)
        forget_shard(shard)  # as a new process finds it (this one keeps what it read by size and time)
        store = _reopened(tmp_path)
        assert store.get("api:api/lieux/a.json") is None, case
        assert store.get("hubs") is not None, case  # the other shards are as written
        assert store.files("api:api/lieux/a.json") is not None, case  # its files' states are in the index
    assert not Path("planted.txt").exists() and not (tmp_path / "planted.txt").exists()


def test_a_damaged_index_or_posting_keeps_nothing_it_cannot_check(tmp_path: Path) -> None:
    _saved(tmp_path)
    index = tmp_path / "index.pickle"
    whole = index.read_bytes()
    index.write_bytes(whole[:100])
    assert read_index(tmp_path, FORMAT) is None
    store = KindStore(tmp_path, None)
    assert store.get("hubs") is None and store.files("hubs") is None
    data = pickle.loads(whole)
    data["kinds"]["postings"]["hubs\0a"] = ["hubs", 3]  # not names only: which groups read it is unknown
    store = KindStore(tmp_path, data)
    assert store.touched([("hubs", "a")], []) is None  # every group is checked by its key
    data["kinds"]["postings"]["hubs\0a"] = "hubs"  # not a list: it would be made again with this build's groups
    store = KindStore(tmp_path, data)  # alone, and a group kept as it was would drop out of it: nothing is kept
    assert store.get("hubs") is None and store.files("hubs") is None and store.names() == set()
    data["kinds"]["light"]["hubs"] = [[["hubs/index.md", "10", 20, []]], []]  # a size that is not a number
    assert KindStore(tmp_path, data).files("hubs") is None
    data["kinds"] = {"light": "x"}
    assert KindStore(tmp_path, data).get("hubs") is None


def test_cache_bytes_that_raise_anything_while_read_are_unreadable(tmp_path: Path) -> None:
    """A damaged pickle raises nearly anything while it is read (AttributeError: a list where a set's items go;
    OverflowError: a frame longer than the system allows): the cache's readers take it as unreadable."""
    from generator.sheet_memo import SheetMemo

    for damaged in (b"\x80\x05](K\x01\x90.", b"\x80\x05\x95" + b"\xff" * 8 + b"."):
        assert loaded(damaged) is None
        (tmp_path / "index.pickle").write_bytes(damaged)
        assert read_plain(tmp_path / "index.pickle") is None and read_index(tmp_path, FORMAT) is None
        memo = SheetMemo.on_disk(tmp_path, tmp_path / "territories")
        memo.path.write_bytes(damaged)
        assert SheetMemo.on_disk(tmp_path, tmp_path / "territories").entries == {}


def test_what_a_killed_build_was_writing_in_the_cache_goes_at_the_next_save(tmp_path: Path) -> None:
    _saved(tmp_path)
    half = tmp_path / ".index.pickle.x1y2z3.atlas-tmp"  # as write_atomic names its temporaries
    half.write_bytes(b"\x80\x05half")
    store = _reopened(tmp_path)
    store.save({"format": FORMAT, "pages": {}}, {}, store.names(), partial=False)
    assert not half.exists() and _reopened(tmp_path).get("hubs") is not None
