"""`atlas new territory|hub`: a valid skeleton sheet (generator.scaffold writes it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from generator.commands import in_its_language, legacy_args
from generator.project import Project


@dataclass(frozen=True)
class Options:
    kind: str  # territory or hub
    id: str | None = None
    name: str | None = None
    level: str | None = None  # territory
    parent: str | None = None  # territory
    code: str | None = None  # territory
    territory: str | None = None  # hub: the territory it is in
    types: list[str] | None = None  # hub
    status: str | None = None  # hub
    source: str | None = None  # hub: the source of its status (an id of territories/sources.yml)
    year: int | None = None  # hub: the year that source saw the status
    commune: str | None = None  # hub: the INSEE code of its commune (without `territory`: the territory holding it)


@in_its_language
def run(project: Project, options: Options, ask: Callable[[str], str] | None = None) -> int:
    """Write the sheet, asking for what is missing (in a terminal, or through `ask`)."""
    from generator.scaffold import run_new

    return run_new(legacy_args(project, options), ask=ask)
