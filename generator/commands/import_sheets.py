"""`atlas import`: territory sheets from the INSEE package, hub sheets from the 2019 census of tiers-lieux,
or measures (generator.imports does the work; one of `level`, `hubs`, `indicators`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.commands import in_its_language, legacy_args
from generator.errors import AtlasError
from generator.i18n import _
from generator.project import Project


@dataclass(frozen=True)
class Options:
    level: str | None = None  # territories of this level
    hubs: Path | None = None  # the census CSV
    indicators: bool = False  # the measures of data/indicators/
    data: Path | None = None  # the INSEE package's data/ folder
    communes: Path | None = None
    region: str | None = None
    departement: str | None = None
    epci_types: str = ""
    areas: Path | None = None
    seats: Path | None = None
    codes: list[str] | None = None
    coordinates: Path | None = None
    dry_run: bool = False


@in_its_language
def run(project: Project, options: Options) -> int:
    """Import, or with `dry_run` say what would change."""
    if sum([options.level is not None, options.hubs is not None, options.indicators]) != 1:
        raise AtlasError(_("import: give one of --level LEVEL (territories), --hubs FILE (census hubs) "
                           "or --indicators (measures)"), exit_code=2)
    args = legacy_args(project, options)
    if options.hubs is not None:
        from generator.imports.census import run_census_import

        return run_census_import(args)
    if options.indicators:
        from generator.imports.indicators import run_import_indicators

        return run_import_indicators(args)
    from generator.imports.territories import run_import

    return run_import(args)
