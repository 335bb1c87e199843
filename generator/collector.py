"""How often Python's cyclic garbage collector runs, set for a stretch of work.

A build keeps millions of objects to its end (the atlas, the pages, the pictures' words) and makes few
reference cycles: at Python's own thresholds the collector walked them again and again, 1.0 of the 6.6
CPU s of a regeneration after one edit of the national atlas (issue 11). Drawing with matplotlib and
laying out PDFs are the opposite: each figure or document is a web of cycles, which at a build's
thresholds piled up until a full collection (0.5 MB a map or network), so they run at Python's own.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

BUILD_THRESHOLDS = (20_000, 50, 1_000)  # a build's long-lived objects: the collector seldom
PYTHON_THRESHOLDS = (700, 10, 10)  # Python's own: matplotlib's figures, WeasyPrint's documents


@contextmanager
def thresholds(values: tuple[int, int, int]) -> Iterator[None]:
    """The collector at these thresholds inside the block, as it was after."""
    before = gc.get_threshold()
    gc.set_threshold(*values)
    try:
        yield
    finally:
        gc.set_threshold(*before)


@contextmanager
def collecting(values: tuple[int, int, int]) -> Iterator[None]:
    """`thresholds(values)`, the collector on inside the block even where a caller paused it (`paused`): what
    makes webs of cycles (matplotlib's figures) collects them as it goes."""
    was = gc.isenabled()
    gc.enable()
    try:
        with thresholds(values):
            yield
    finally:
        if not was:
            gc.disable()


@contextmanager
def paused(pause: bool = True) -> Iterator[None]:
    """No collection inside the block (when `pause`), as it was after: for work that makes objects to keep and
    no garbage cycles (reading a cache), which the caller then freezes (`gc.freeze`) — each collection would
    only have walked them once more on their way to the oldest generation."""
    if not pause or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
