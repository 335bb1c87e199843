"""Drawing the pictures of an atlas: specs from the registry, the cache, then the workers.

A picture is first a spec computed from the atlas (cheap); what the cache does not hold is drawn
in worker processes, in batches (heavy maps first, then pictures sorted by the outline they share),
each worker storing what it draws; progress on stderr.

Every picture has an English twin (`en/…` keys, `PictureKey.lang`): its spec made with English words
(title, alt text, table and what the drawing writes). A twin whose drawing has no words (its data is
the French picture's: every locator and network, whose legend is written beside it, `Picture.legend`)
is not drawn: it shares the French file (`shared`), with its own English words; the others are drawn
into the English edition's folder (`en/assets/pictures/`).
"""

from __future__ import annotations

import json
import os
import sys
import time
import weakref
from collections.abc import Callable, Iterable
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import geo
from generator.faults import worker_pool, writing
from generator.i18n import _, decimal, ngettext, number
from generator.model import Atlas
from generator.outputs import Progress
from generator.pictures.cache import (
    _from_cache,
    _store,
    _words_json,
    cache_key,
    cache_keys,
    keep_measures,
    prune_cache,
    read_measures,
    remove_stale_files,
)
from generator.pictures.kept import SpecBook
from generator.pictures.keys import ENGLISH, PictureKey
from generator.pictures.kinds import KINDS, import_drawers
from generator.pictures.picture import (
    KeptDrawing,
    KeptWords,
    Picture,
    _group_of,
    _kept_picture,
    _lang_of,
    _picture,
    picture_keys,
    picture_spec,
    render,
)
from generator.pictures.reads import FieldRecorder
from generator.pictures.spec import Spec

SERIAL_BELOW = 8  # fewer pictures than this are drawn in this process: starting workers costs more
# pictures written as SVG text (no matplotlib) take 1-40 ms: fewer than this are drawn in this process too (after
# a hub edit on the France tree, its 4 locators and 5 networks: 0.3 s, not worth forking the build's process)
LIGHT_SERIAL_BELOW = 24


def read_outlines() -> None:
    """Every committed outline layer read into this process (`geo.layer` keeps them)."""
    for name in geo.LAYERS:
        geo.layer(name)


def ready_to_draw() -> None:
    """Every drawer imported and every outline read, as a process that draws from time to time wants them
    before its first drawing: `atlas build --watch` after its first build, while the contributor edits (the
    first save's pictures read them otherwise: 0.4 s of that save on the France tree, for about 50 MiB)."""
    read_outlines()
    import_drawers(KINDS)


@dataclass
class DrawStats:
    """What one `draw_pictures` call did: how many pictures were drawn and how many came from the cache."""

    requested: int = 0
    drawn: int = 0
    cached: int = 0
    shared: int = 0  # English twins without words in their drawing: their French picture's file, not drawn
    reused: int = 0  # of `cached`: specified again, only their words changed: the drawing kept before, not drawn
    seconds: float = 0.0
    drawn_keys: list[str] = field(default_factory=list)
    drawn_by_kind: dict[str, int] = field(default_factory=dict)      # pictures drawn, per kind
    seconds_by_kind: dict[str, float] = field(default_factory=dict)  # CPU seconds drawing them (all workers)
    main_cpu: float = 0.0  # CPU seconds of the calling process (specs, cache keys, collecting)


last_stats = DrawStats()


SHARED = "shared"  # in a group's kept words: its English twins whose drawing is the French picture's


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


BATCH = 48  # pictures per batch sent to a worker: one message, one reply instead of one per picture


def _batches(jobs: list[Job], workers: int) -> list[list[Job]]:
    """Heavy pictures first, one per batch, then the rest in batches of pictures that share a base map
    (sorted by kind and outline: a worker reuses what it computed for the previous one)."""
    heavy = [job for job in jobs if KINDS[job[1]].heavy]
    light = sorted((job for job in jobs if not KINDS[job[1]].heavy),
                   key=lambda job: (job[1], str(job[2].get("outline")), job[0]))
    size = max(1, min(BATCH, len(light) // (4 * workers) or 1))
    return [[job] for job in heavy] + [light[i:i + size] for i in range(0, len(light), size)]


def _same_drawing(twin: Spec, french: Spec) -> bool:
    """Whether an English twin draws exactly what its French picture draws (no word in its drawing)."""
    return twin.kind == french.kind and twin.data == french.data


def _kept_words(spec: Spec) -> dict[str, Any]:
    """A picture's words as kept with its spec: as a `Picture` holds them (tuples), so that the 18,000 kept
    pictures of a regeneration take them as read back (converting lists was 0.1 s)."""
    words: dict[str, Any] = {"title": spec.title, "alt": spec.alt, "table_headers": tuple(spec.table_headers),
                             "table_rows": tuple(tuple(row) for row in spec.table_rows)}
    if spec.legend:
        words["legend"] = tuple(tuple(entry) for entry in spec.legend)
    return words


def _group_words(specs: dict[str, Spec], group: list[str]) -> dict[str, Any] | None:
    """What the kept specs hold of a group beside the cache keys: each language's words (the same for a
    picture and its variant, else None: not kept) and the twins that share their French picture's file."""
    words: dict[str, Any] = {SHARED: sorted(key for key in group if key.startswith(ENGLISH + "/") and _same_drawing(
        specs[key], specs[PictureKey.parse(key).french.text]))}
    for key in group:
        lang = _lang_of(key)
        mine = _kept_words(specs[key])
        if words.setdefault(lang, mine) != mine:
            return None
    return words


def _recorded_specs(atlas: Atlas, groups: dict[str, list[str]], kept: SpecBook | None,
                    digests: dict[str, str], shared: set[str], drawings: dict[str, str]) -> dict[str, Spec]:
    """The specs of the pictures of `groups` (a French wide picture -> it, its variant and their English
    twins), each group's reads recorded, then kept in `kept` with the cache keys (also put in `digests`),
    their drawings' keys (in `drawings`) and words. The English twins that share their French picture's
    drawing are added to `shared`."""
    specs: dict[str, Spec] = {}
    reads: dict[str, set[tuple[str, str, str]]] = {}
    with FieldRecorder(atlas) as recorder:
        for wide_key, group in groups.items():
            recorder.reads = set()
            wide: dict[PictureKey, Spec] = {}
            for key in group:
                specs[key] = picture_spec(atlas, key, wide)
            reads[wide_key] = recorder.reads
    for wide_key, group in groups.items():  # the recorder closed: hashing reads the atlas as it is
        texts: dict[int, str] = {}  # a picture's data as JSON, by its id: a variant shares its picture's
        made, drawn = {}, {}
        for key in group:
            data = specs[key].data
            text = texts.get(id(data))
            if text is None:
                text = texts[id(data)] = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            made[key], drawn[key] = cache_keys(specs[key], text)
        digests.update(made)
        drawings.update(drawn)
        words = _group_words(specs, group)
        shared.update(words[SHARED] if words is not None else
                      (key for key in group if key.startswith(ENGLISH + "/")
                       and _same_drawing(specs[key], specs[PictureKey.parse(key).french.text])))
        if kept is not None and words is not None:
            kept.record(wide_key, reads[wide_key], made, words, drawn, words[SHARED])
    return specs


Taken = dict[str, tuple[str, KeptWords, "int | None"]]  # key -> its cache key, words (read when asked), size


# the last call's `wanted` grouped, and each group taken as kept with what it gave: a watch's next build (the
# same list of keys, kept by the same book: `SpecBook.following`) groups its 18,000 keys and takes its 4,500
# kept groups without going through them again; only the last call's are held
_LAST_GROUPS: list[tuple[list[str], dict[str, list[str]]]] = []
_LAST_TAKEN: dict[str, tuple[Any, list[str], list[tuple[str, Any]], list[str], KeptWords]] = {}


def _grouped(wanted: list[str]) -> dict[str, list[str]]:
    """`wanted` by group (`_group_of`); not to be changed (the next call with the same list gets it)."""
    if _LAST_GROUPS and _LAST_GROUPS[0][0] is wanted:
        return _LAST_GROUPS[0][1]
    groups: dict[str, list[str]] = {}
    for key in wanted:
        groups.setdefault(_group_of(key), []).append(key)
    _LAST_GROUPS[:] = [(wanted, groups)]
    return groups


def _kept_specs(atlas: Atlas, wanted: list[str], kept: SpecBook | None, digests: dict[str, str],
                shared: set[str], drawings: dict[str, str]) -> tuple[dict[str, Spec], Taken]:
    """The specs to compute, and the pictures of the groups none of whose reads changed since they were
    kept (key -> its cache key, words and size): only those of the first are computed."""
    groups = _grouped(wanted)
    if kept is None:
        return _recorded_specs(atlas, groups, None, digests, shared, drawings), {}
    taken: Taken = {}
    todo: dict[str, list[str]] = {}
    last = dict(_LAST_TAKEN)
    _LAST_TAKEN.clear()
    atlas_ref = weakref.ref(atlas)
    for wide_key, group in groups.items():
        found = kept.taken(wide_key)
        if found is None:
            todo[wide_key] = group
            continue
        was = last.get(wide_key)
        if was is not None and was[0] is found and was[1] is group:  # what the last call took of it
            _found, _group, rows, twins, words = was
            words.atlas = atlas_ref
        elif all(key in found[0] for key in group):
            keys, sizes, all_twins = found
            words = KeptWords(kept.shard_path(wide_key), wide_key, keys, atlas)
            rows = [(key, (keys[key], words, sizes.get(key))) for key in group]  # sizes: ints (kept._packed)
            twins = [key for key in all_twins if key in group]
        else:
            todo[wide_key] = group
            continue
        taken.update(rows)
        shared.update(twins)
        _LAST_TAKEN[wide_key] = (found, group, rows, twins, words)
    return _recorded_specs(atlas, todo, kept, digests, shared, drawings), taken


def _drawn_before(kept: SpecBook, cache_dir: Path, spec: Spec, digest: str, drawing: str | None) -> bytes | None:
    """The drawing of a picture specified again whose drawing key is the one the last build kept: the drawing
    kept then, stored again under its new cache key (only its words changed: a hub renamed, listed in the
    tables of the national maps, whose drawing does not write its name). None when it draws something else."""
    earlier = kept.earlier(_group_of(spec.key))
    if earlier is None or drawing is None or earlier[1].get(spec.key) != drawing:
        return None
    svg = _from_cache(cache_dir, str(earlier[0].get(spec.key, "")))
    if svg is not None:
        with writing(cache_dir, "the picture cache"):
            _store(cache_dir, digest, _words_json(spec), svg)
    return svg


def _with_french(wanted: list[str]) -> list[str]:
    """`wanted` and the French picture of each English twin asked for (a twin may share its drawing)."""
    keys = set(wanted)
    keys |= {PictureKey.parse(key).french.text for key in wanted if key.startswith(ENGLISH + "/")}
    return sorted(keys)


# the pictures taken as kept by this process's last call, by key and cache key (which covers the drawing
# and the words): a long-lived process (atlas serve, H4) neither reads their drawing again nor converts
# their words at each save (9,000 files read and 40,000 tuples made); only the last call's are held
_LAST_KEPT: dict[tuple[str, str], Picture] = {}


PRUNE_EVERY = 86400  # seconds: the cache's prune (a stat of each of its 260,000 files) runs once a day
PRUNED = ".pruned"  # the stamp of the last prune, in the cache folder


def draw_pictures(atlas: Atlas, cache_dir: Path = Path(".cache/pictures"), keys: Iterable[str] | None = None,
                  jobs: int | None = None, progress: bool = True,
                  stats: DrawStats | None = None, kept: SpecBook | None = None,
                  save: Callable[[Callable[[], None]], None] | None = None) -> dict[str, Picture]:
    """Draw (or take from cache) the pictures; parallel on all cores; progress on stderr.

    `stats`, when given, is filled with what was drawn and what came from the cache (the same
    figures are kept in `generator.pictures.last_stats`). With `kept` (generator.pictures.kept), a
    picture whose spec read the same sheets as at the last build is not specified again; `kept` is
    saved after: at once, or given to `save` to run later (`atlas build --watch`: once the build's files are
    written).
    """
    started = time.perf_counter()
    started_cpu = time.process_time()
    if keys is None:  # kept with what it read, like a spec (it looks up every territory's outline: 0.05-0.3 s)
        asked = kept.picture_keys(picture_keys) if kept is not None else picture_keys(atlas)
    else:
        asked = sorted(set(keys))
    wanted = asked if keys is None else _with_french(asked)  # every French picture is in picture_keys
    digests: dict[str, str] = {}  # the cache keys of the pictures specified (see cache_key)
    shared: set[str] = set()  # English twins drawn as their French picture: not drawn, its file shared
    drawings: dict[str, str] = {}  # the keys of their drawings alone (see cache_keys)
    specs, taken = _kept_specs(atlas, wanted, kept, digests, shared, drawings)
    prune = keys is None and _prune_due(cache_dir)  # a whole atlas, once a day (PRUNE_EVERY)
    with writing(cache_dir, "the picture cache"):
        cache_dir.mkdir(parents=True, exist_ok=True)
        # a look at each of the cache's names: with the prune, once a day for a whole atlas
        if (keys is not None or prune) and remove_stale_files(cache_dir) and progress:
            print(_("pictures: removed the half-written files of a build that was stopped from {folder}").format(
                folder=cache_dir), file=sys.stderr)
    result: dict[str, Picture] = {}
    previous = dict(_LAST_KEPT)
    _LAST_KEPT.clear()
    atlas_ref = weakref.ref(atlas)
    for key, (digest, words, size) in taken.items():
        if key in shared:
            continue  # its drawing is its French picture's, placed once that one is
        mark = (key, digest)
        found = previous.get(mark) if previous else None  # the same picture, taken by this process's last call
        if found is None:
            found = _kept_picture(key, KeptDrawing(atlas, cache_dir, digest, key, size), words, digest)
        else:
            if isinstance(found.drawing, KeptDrawing):  # read, if ever, from this call's cache
                found.drawing.atlas, found.drawing.cache_dir = atlas_ref, cache_dir
            if isinstance(found._words, KeptWords):  # words not asked for yet: this atlas's
                found._words.atlas = atlas_ref
        result[key] = _LAST_KEPT[mark] = found
    for key, spec in specs.items():
        if key not in digests:
            digests[key] = cache_key(spec)
    todo: list[str] = []
    reused = 0
    for key, spec in specs.items():
        if key in shared:
            continue
        svg = _from_cache(cache_dir, digests[key])
        if svg is None and kept is not None:
            svg = _drawn_before(kept, cache_dir, spec, digests[key], drawings.get(key))
            reused += svg is not None
        if svg is None:
            todo.append(key)
        else:
            result[key] = _picture(spec, svg, digests[key])

    # The same spec under two keys is drawn once.
    unique: dict[str, str] = {}
    for key in todo:
        unique.setdefault(digests[key], key)
    jobs_list: list[Job] = [(key, specs[key].kind, specs[key].data, digests[key], _words_json(specs[key]))
                            for key in unique.values()]
    workers = max(1, jobs if jobs is not None else (os.cpu_count() or 1))
    light = len(jobs_list) < LIGHT_SERIAL_BELOW and not any(
        KINDS[job[1]].heavy or job[1] == "network-groups" for job in jobs_list)  # those: 0.2 s each
    serial = workers == 1 or len(jobs_list) < SERIAL_BELOW or light
    if not serial and any(KINDS[specs[key].kind].geodata for key in unique.values()):
        # read once here so that forked workers inherit them; drawn here, a picture reads the layers it needs
        # (the locators a hub rename draws again need two of seven: 0.3 s of reading)
        read_outlines()
    import_drawers(specs[key].kind for key in unique.values())  # imported once, before forking the workers
    measured = read_measures(cache_dir) if jobs_list else 0  # the texts' widths measured by earlier builds
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
        if serial:
            with Progress("pictures", len(jobs_list), progress and bool(jobs_list)) as bar:
                for job in jobs_list:
                    took(_draw_batch([job], cache_dir))
                    bar.advance()
        else:
            batches = _batches(jobs_list, workers)
            # workers die with this process and are stopped at once on an error or a signal
            with worker_pool(min(workers, len(batches))) as pool:
                futures = [pool.submit(_draw_batch, batch, cache_dir) for batch in batches]
                with Progress("pictures", len(jobs_list), progress) as bar:
                    for future in as_completed(futures):
                        done = future.result()
                        took(done)
                        bar.advance(len(done))
    if jobs_list:
        with writing(cache_dir, "the picture cache"):
            keep_measures(cache_dir, measured)
    for key in todo:
        result[key] = _picture(specs[key], drawn[unique[digests[key]]], digests[key])
    for key in sorted(shared):  # the English twins without words in their drawing: the French file, English words
        french = result[key[len(ENGLISH) + 1:]]  # its French key: the twin's less `en/` (picture_keys)
        if key in specs:
            result[key] = _picture(specs[key], french.drawing, digests[key], french.filename)
        else:
            digest, words, _size = taken[key]
            mark = (key, digest)
            found = previous.get(mark) if previous else None  # as the last call took it, with the same drawing
            if found is None or found.drawing is not french.drawing or found.filename != french.filename:
                found = _kept_picture(key, french.drawing, words, digest, french.filename)
            result[key] = _LAST_KEPT[mark] = found

    if kept is not None:
        sizes: dict[str, dict[str, int]] = {}
        for key in specs:  # the pictures specified again: their drawings are at hand
            sizes.setdefault(_group_of(key), {})[key] = len(result[key].svg)
        for wide_key, group_sizes in sizes.items():
            kept.sized(wide_key, group_sizes)
        book, groups = kept, set(_grouped(wanted)) if keys is None else None

        def save_book() -> None:
            with writing(book.folder.parent, "the build's cache"):  # a whole atlas: the groups no longer there go
                book.save(groups)
        if save is None:
            save_book()
        else:
            save(save_book)
    if prune:  # a whole atlas: what it uses is fresh, what nobody used for weeks goes
        with writing(cache_dir, "the picture cache"):
            prune_cache(cache_dir, set(digests.values()) | {digest for digest, _words, _size in taken.values()})
            (cache_dir / PRUNED).write_bytes(b"")

    requested = len(specs) + len(taken)
    result = {key: result[key] for key in asked}
    figures = DrawStats(requested=requested, drawn=len(jobs_list), cached=requested - len(todo) - len(shared),
                           shared=len(shared), reused=reused,
                           seconds=time.perf_counter() - started, drawn_keys=sorted(unique.values()),
                           drawn_by_kind=dict(sorted(by_kind.items())),
                           seconds_by_kind=dict(sorted(seconds_by_kind.items())),
                           main_cpu=time.process_time() - started_cpu)
    last_stats.__dict__.update(figures.__dict__)  # the same object, updated: `from ... import last_stats` sees it
    if stats is not None:
        stats.__dict__.update(figures.__dict__)
    if progress and jobs_list:
        print(ngettext("pictures: {drawn} drawn, {cached} from the cache ({seconds} s)",
                       "pictures: {drawn} drawn, {cached} from the cache ({seconds} s)", len(jobs_list)).format(
            drawn=number(len(jobs_list)), cached=number(last_stats.cached), seconds=decimal(last_stats.seconds)),
              file=sys.stderr)
    return result  # in the order of `asked`, sorted (picture_keys, or the keys asked for)


def _prune_due(cache_dir: Path) -> bool:
    """Whether the cache's last prune is a day old (or never ran): the cache keeps pictures for weeks."""
    try:
        return time.time() - os.stat(cache_dir / PRUNED).st_mtime > PRUNE_EVERY
    except OSError:
        return True
