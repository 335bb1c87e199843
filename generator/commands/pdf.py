"""`atlas pdf`: the PDF reports of territories, or the whole atlas in volumes (generator.pdf does the work)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.commands import in_its_language, legacy_args
from generator.project import Project


@dataclass(frozen=True)
class Options:
    ids: list[str] = field(default_factory=list)  # territory ids (default: all)
    atlas: bool = False  # the whole atlas: one volume per région and a national volume
    out: Path = Path("site/pdf")
    pdf_variant: str | None = None  # WeasyPrint's variant (default: pdf/ua-1)
    jobs: int | None = None  # parallel workers (None: every core)


@in_its_language
def run(project: Project, options: Options = Options()) -> int:
    """Write the reports; 1 when some failed (each said)."""
    from generator.pdf.command import run_pdf  # WeasyPrint only when asked for

    return run_pdf(legacy_args(project, options))
