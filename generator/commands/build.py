"""`atlas build`: validate, generate the docs folder, build the site (generator.build does the work)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from generator.commands import in_its_language, legacy_args
from generator.project import Project


@dataclass(frozen=True)
class Options:
    pdf: bool = False  # also the PDF reports, into SITE/pdf/
    pdf_variant: str | None = None  # WeasyPrint's variant of the reports (e.g. pdf/a-3u)
    engine: str = "mkdocs"  # mkdocs, zensical or properdocs
    jobs: int | None = None  # parallel workers (None: every core)
    no_site: bool = False  # the docs folder only, no engine
    quiet: bool = False  # nothing on stderr but errors


# A build keeps millions of objects to its end (the atlas, the pages, the pictures' words) and makes few
# reference cycles; at Python's default thresholds (700, 10, 10) the cyclic collector walked them again
# and again: 1.0 of the 6.6 CPU s of a regeneration after one edit of the national atlas (issue 11), the
# same peak memory either way (measured on the shipped atlas).
BUILD_THRESHOLDS = (20_000, 50, 1_000)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """The cyclic garbage collector run less often while a build runs (its thresholds restored after)."""
    before = gc.get_threshold()
    gc.set_threshold(*BUILD_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


@in_its_language
def run(project: Project, options: Options = Options()) -> int:
    """Build the project's site; 0, or AtlasError with the reason (the previous site kept)."""
    from generator.build import run_build  # the pictures and the engine only when a build runs

    with fewer_collections():
        return run_build(legacy_args(project, options, docs_dir=project.docs_dir, site_dir=project.site_dir,
                                     site_config=project.site_config()))
