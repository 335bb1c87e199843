"""The fact-sheet reference: every field of the format as a row (path, type in French, required, help
text), read from the one table of fields (`generator.fields`) rather than parsed back from the JSON Schema.

Read by the site's reference page (`reference/fiches.md`).
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.fields import SHEET_SPECS, TITLES
from generator.specs import Fact, ListOf, MapOf, Markdown, Record, Spec

Row = tuple[str, str, bool, str]


def reference_sections() -> list[tuple[str, str, list[Row]]]:
    """(kind of sheet, its French title, its rows) for each kind of sheet, in the format's order."""
    return [(kind, TITLES[kind], list(spec_rows(spec))) for kind, spec in SHEET_SPECS.items()]


def spec_rows(spec: Spec, prefix: str = "") -> Iterable[Row]:
    """(field path, type in French, required, help text) for every field under `spec`."""
    if isinstance(spec, Record):
        for name, f in spec.fields.items():
            path = f"{prefix}{name}"
            help_text = f.description or ("Markdown" if isinstance(f.spec, Markdown) else "")
            yield path, f.spec.type_name, f.required, help_text
            yield from _nested(f.spec, path)
    elif isinstance(spec, MapOf):
        path = f"{prefix}<id>"
        yield path, spec.value.type_name, False, ""
        yield from _nested(spec.value, path)


def _nested(spec: Spec, path: str) -> Iterable[Row]:
    if isinstance(spec, (Record, MapOf)):
        yield from spec_rows(spec, f"{path}.")
    elif isinstance(spec, Fact):
        yield from spec_rows(Record(spec.fields()), f"{path}.")
    elif isinstance(spec, ListOf) and isinstance(spec.item, (Record, Fact)):
        item = Record(spec.item.fields()) if isinstance(spec.item, Fact) else spec.item
        yield from spec_rows(item, f"{path}[].")

