"""atlas.json's records kept between builds (issue 11, target 2; a part of the page cache, generator.page_kept).

After one hub is edited, the national atlas.json (7 MB through Python's indenting JSON encoder: about a tenth of
a regeneration) is written again with that hub's record encoded and the others taken from the file as it was.
Each record is made with its reads recorded (its sheet, its children, its hubs, its partners); the page cache's
index keeps, per record, those reads and their hash (in `RECORD_BUCKETS` entries: one record made again writes
one bucket again). The next build takes a record's text from the previous atlas.json when that file is as the
last build wrote it (size and time) and the record's reads hash as they did; else it makes and encodes the record
again. The file is byte for byte what a cold build writes (tested).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from typing import Any

from generator.atlas_reads import Recorder, listed
from generator.atlas_records import record_text
from generator.page_store import pairs

RECORD_BUCKETS = 8  # entries of atlas.json's records kept (2,900 records on the national atlas)


def split_records(text: str) -> dict[str, str]:
    """The records of an atlas.json written by `atlas_records.atlas_json`, each as `record_text` writes it
    (as it stands in its list), by "territories:<id>" and "hubs:<id>". Records hold no raw newline (JSON
    escapes it) and their own lines are indented deeper than the list's, so its separators are unambiguous."""
    found: dict[str, str] = {}
    key = '   "id": '
    separator = "\n  },\n  {\n"
    for section in ("territories", "hubs"):
        head = f'\n "{section}": [\n  {{\n'
        start = text.find(head)
        if start < 0:
            continue
        end = text.find("\n  }\n ]", start)
        if end < 0:
            continue
        at = start + len(head) - 2  # each record sliced once from the text ("{" to its "}"), not split and joined
        while at < end:
            stop = text.find(separator, at, end)
            stop = end if stop < 0 else stop
            record = text[at:stop + 4]
            at = stop + len(separator) - 2
            newline = record.find("\n", 2)
            first = record[2:] if newline < 0 else record[2:newline]
            if not first.startswith(key):
                continue
            value = first[len(key):].rstrip(",")
            if len(value) > 1 and value[0] == value[-1] == '"' and "\\" not in value and '"' not in value[1:-1]:
                record_id: Any = value[1:-1]  # a slug as JSON writes it (2,900 of them: json.loads was 0.02 s)
            else:
                try:
                    record_id = json.loads(value)
                except ValueError:
                    continue
            found[f"{section}:{record_id}"] = record
    return found


class KeptRecords:
    """`atlas_records.RecordTexts` from the page cache: records of the previous atlas.json whose reads are
    unchanged, the others made again (their reads recorded for the next build)."""

    def __init__(self, cache: Any, path: str, common: str) -> None:
        self.cache = cache
        self.name = f"records:{path}"
        self.common = common
        self.previous: dict[str, list[Any]] = {}
        for bucket in range(RECORD_BUCKETS):  # kept apart: one record made again writes one bucket again
            kept = cache.kind_entries.get(f"{self.name}#{bucket:x}")
            if isinstance(kept, dict):
                self.previous.update(kept)
        self.fragments: dict[str, str] = {}
        text = cache.read_kept(f"data:{path}", path) if self.previous else None
        if text is not None:
            self.fragments = split_records(text.decode("utf-8"))
        self._made: dict[int, dict[str, list[Any]]] = {}
        cache.commons.add(common)

    def _bucket(self, key: str) -> dict[str, list[Any]]:
        """The records made or kept this build in the bucket of `key`, saved with the page cache's index."""
        bucket = zlib.crc32(key.encode("utf-8")) % RECORD_BUCKETS
        found = self._made.get(bucket)
        if found is None:
            found = self._made[bucket] = self.cache.extra[f"{self.name}#{bucket:x}"] = {}
        return found

    def text(self, section: str, record_id: str, make: Callable[[], dict[str, Any]]) -> str:
        key = f"{section}:{record_id}"
        state = self.cache.state
        old = self.previous.get(key)
        if (key in self.fragments and isinstance(old, list) and len(old) == 2 and pairs(old[1])
                and (self.cache.unchanged(self.common, old[1]) or state.digest(self.common, old[1]) == old[0])):
            self._bucket(key)[key] = old
            return self.fragments[key]
        with Recorder(state.atlas) as recorder:
            record = make()
        reads = listed(recorder.reads | {(section, record_id)})  # its own sheet, which `make` holds already
        self._bucket(key)[key] = [state.digest(self.common, reads), reads]
        return record_text(record)
