"""`atlas build`: validate, generate the docs folder, build the site (generator.build does the work)."""

from __future__ import annotations

from dataclasses import dataclass

from generator.collector import BUILD_THRESHOLDS, thresholds
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
    watch: bool = False  # the docs folder built again at each save, until interrupted (generator.watch)


@in_its_language
def run(project: Project, options: Options = Options()) -> int:
    """Build the project's site; 0, or AtlasError with the reason (the previous site kept)."""
    from generator.build import run_build  # the pictures and the engine only when a build runs

    args = legacy_args(project, options, docs_dir=project.docs_dir, site_dir=project.site_dir,
                       site_config=project.site_config())
    with thresholds(BUILD_THRESHOLDS):  # the collector seldom (generator.collector)
        if options.watch:
            from generator.watch import run_watch

            args.site_config_of = project.site_config  # mkdocs.yml read again at each build, as a new build reads it
            return run_watch(args)
        return run_build(args)
