"""`atlas release`: a dated, versioned open-data bundle, never overwriting one (generator.release)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.commands import in_its_language, legacy_args
from generator.project import Project


@dataclass(frozen=True)
class Options:
    release_version: str | None = None  # default: the atlas date
    out: Path | None = None  # default: releases/VERSION/
    since: Path | None = None  # the bundle the data changelog compares with


@in_its_language
def run(project: Project, options: Options = Options()) -> int:
    from generator.release import run_release

    return run_release(legacy_args(project, options))
