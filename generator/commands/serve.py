"""`atlas serve`: a local preview that regenerates when a sheet is saved (generator.serve does the work)."""

from __future__ import annotations

from dataclasses import dataclass

from generator.commands import in_its_language, legacy_args
from generator.project import Project


@dataclass(frozen=True)
class Options:
    host: str = "127.0.0.1"
    port: int = 8000


@in_its_language
def run(project: Project, options: Options = Options()) -> int:
    """Serve the project's docs folder until interrupted."""
    from generator.serve import run_serve

    args = legacy_args(project, options, docs_dir=project.docs_dir, site_config=project.site_config())
    args.site_config_of = project.site_config  # mkdocs.yml read again when it is saved
    return run_serve(args)
