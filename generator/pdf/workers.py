"""Reports rendered in worker processes: the atlas sent once, each worker keeps its own Renderer.

Workers die with the parent and are stopped at once on an error or a signal (generator.faults).
"""

from __future__ import annotations

import copyreg
import io
import os
import pickle
import tempfile
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from pathlib import Path
from types import MappingProxyType
from typing import Any

from generator import measured
from generator.citation import CONFIG_FILE
from generator.faults import worker_pool
from generator.model import Atlas
from generator.pdf.inputs import PictureRef
from generator.pdf.render import Renderer
from generator.pdf.volumes import report_file, volume_file


def _proxy(mapping: dict) -> MappingProxyType:
    return MappingProxyType(mapping)


def dump_atlas(atlas: Any) -> bytes:
    """The atlas (or the atlas and its scores) as bytes for worker processes (read-only mappings are
    not picklable on their own)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = copyreg.dispatch_table.copy()
    pickler.dispatch_table[MappingProxyType] = lambda m: (_proxy, (dict(m),))
    pickler.dump(atlas)
    return buffer.getvalue()


_WORKER: Renderer | None = None


def _init_worker(atlas_bytes: bytes, build_dir: str, pictures: dict[str, PictureRef], variant: str,
                 lang: str, config_file: Path) -> None:
    global _WORKER
    # WeasyPrint's font configuration makes a temporary folder that a pool worker never removes (its
    # finalizer does not run when the worker exits): keep it inside the build folder, which is removed
    scratch = Path(build_dir) / f"tmp-{os.getpid()}"
    scratch.mkdir(exist_ok=True)
    tempfile.tempdir = str(scratch)
    atlas, scores = pickle.loads(atlas_bytes)  # scored once in the parent, never again per worker
    _WORKER = Renderer(atlas, Path(build_dir), pictures, variant, scores, lang, config_file)


def _work(task: tuple[str, str | None]) -> tuple[str, bytes]:
    assert _WORKER is not None
    kind, tid = task
    if kind == "atlas":
        return volume_file(tid, _WORKER.lang), _WORKER.volume_pdf(tid)
    return report_file(tid, _WORKER.lang), _WORKER.territory_pdf(tid)  # type: ignore[arg-type]


def rendered(atlas: Atlas, build_dir: Path, refs: dict[str, PictureRef], variant: str,
             tasks: list[tuple[str, str | None]], workers: int, lang: str = "fr",
             config_file: Path = CONFIG_FILE) -> Iterator[tuple[str, bytes]]:
    """(file name, PDF bytes) for each task, as they finish: in this process or in `workers` processes."""
    global _WORKER
    if workers == 1:
        previous, _WORKER = _WORKER, Renderer(atlas, build_dir, refs, variant, lang=lang, config_file=config_file)
        try:
            for task in tasks:
                yield _work(task)
        finally:
            _WORKER = previous
        return
    # workers die with this process, and are stopped at once on an error or a signal
    scored = dump_atlas((atlas, measured.scores_of(atlas)))  # scored once here, never again per worker
    with worker_pool(workers, _init_worker, (scored, str(build_dir), refs, variant, lang, config_file)) as pool:
        pending: set[Future] = {pool.submit(_work, task) for task in tasks}  # the atlas, the longest, first
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
        finally:
            for future in pending:
                future.cancel()
