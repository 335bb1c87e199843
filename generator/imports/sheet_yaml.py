"""Round-trip YAML shared by the three imports: sheets are edited in place, keeping a
contributor's comments, key order and quoting, and written atomically.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from generator.errors import AtlasError
from generator.i18n import _
from generator.load import build_date

YAML11_PLAIN = re.compile(
    r"""^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF
    |~|null|Null|NULL|
    [-+]?[0-9][0-9_.:eE+-]*|\.(?:inf|Inf|INF|nan|NaN|NAN)|[-+]\.(?:inf|Inf|INF)
    |[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*)$""",
    re.VERBOSE,
)


def round_trip_yaml() -> YAML:
    yaml = YAML()  # round-trip: keeps comments and key order
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def yaml_string(value: str) -> str:
    """A string scalar that YAML 1.1 readers cannot take for a boolean, number or date."""
    return DoubleQuotedScalarString(value) if YAML11_PLAIN.match(value) else value


def flow_list(values: Iterable[Any]) -> CommentedSeq:
    """A YAML sequence written on one line (`[48.69, 6.19]`, `[french-tech]`)."""
    seq = CommentedSeq(list(values))
    seq.fa.set_flow_style()
    return seq


def sources_text(path: Path, needed: set[str], known: Mapping[str, Mapping[str, str]],
                 today: date) -> tuple[str | None, list[str]]:
    """territories/sources.yml with the shared sources of `known` that `needed` names added when missing
    (round trip: comments and order kept); (None, []) when nothing is missing."""
    yaml = round_trip_yaml()
    text = path.read_text(encoding="utf-8-sig") if path.is_file() else ""
    doc = yaml.load(text) if text.strip() else None
    if doc is None:
        doc = CommentedMap()
    if not isinstance(doc, CommentedMap):
        raise AtlasError(not_sources_map(path))
    added = [sid for sid in sorted(needed) if sid not in doc]
    if not added:
        return None, []
    for sid in added:
        entry = CommentedMap(known[sid])
        entry["accessed"] = date.fromordinal(today.toordinal())  # a new object: no YAML alias
        doc[sid] = entry
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue(), added


def not_sources_map(path: Path) -> str:
    """The message for a territories/sources.yml that is not a map (shared by the imports)."""
    return _("{path}: the top level must be a map of source ids to sources.").format(path=path)


def sheet_date() -> date:
    """The date written in `updated`: SOURCE_DATE_EPOCH when set (reproducible), else today."""
    return build_date()


def mark_checked(doc: CommentedMap) -> None:
    """Date a sheet that an import has just changed: `updated` is when the sheet was last checked (spec
    1.1), and the import checked it against its data. A sheet without `updated` is left so (validation
    says it is required)."""
    if "updated" in doc:
        doc["updated"] = date.fromordinal(sheet_date().toordinal())  # its own object: YAML would write an alias


def write_sheet(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    os.replace(tmp, path)
