"""`atlas schema`: the JSON Schema files of the sheets, written or checked (a test fails when stale)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from generator.commands import in_its_language
from generator.errors import AtlasError
from generator.i18n import _
from generator.load import vocabulary_ids
from generator.project import Project
from generator.schema import schema_files


@dataclass(frozen=True)
class Options:
    out: Path = Path("schema")  # the folder of the files
    check: bool = False  # say which files are stale (exit 1), write nothing


@in_its_language
def run(project: Project, options: Options = Options()) -> int:
    """Write schema/*.schema.json (or with `check`, say whether they are up to date)."""
    if not project.territories.is_dir():
        raise AtlasError(_("the territories folder '{folder}' does not exist").format(folder=project.territories))
    files = schema_files(vocabulary_ids(project.territories))
    out = options.out
    stale = [name for name, body in files.items() if not (out / name).is_file() or (out / name).read_bytes() != body]
    if options.check:
        for name in stale:
            print(_("{file}: stale; run `atlas schema` and commit the result").format(file=out / name),
                  file=sys.stderr)
        return 1 if stale else 0
    out.mkdir(parents=True, exist_ok=True)
    for name in stale:
        (out / name).write_bytes(files[name])
    print(_("{count} schema files in {folder}/ ({written} written, {unchanged} unchanged)").format(
        count=len(files), folder=out, written=len(stale), unchanged=len(files) - len(stale)))
    return 0
