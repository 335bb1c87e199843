"""The fact-sheet reference: every field of the format as a row (path, type in French, required, help
text), read from the one table of fields (`generator.fields`) rather than parsed back from the JSON Schema.

Read by the site's reference page (`reference/fiches.md`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

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


# -- legacy: rows parsed back from a JSON Schema, until the reference page reads reference_sections() ------
_TYPE_NAMES = {
    "string": "texte", "integer": "entier", "number": "nombre", "boolean": "booléen",
    "array": "liste", "object": "table",
}


def _schema_type(spec: Mapping[str, Any]) -> str:
    if "enum" in spec:
        return "une valeur parmi : " + ", ".join(str(v) for v in spec["enum"])
    kinds = spec.get("type")
    if kinds is None and "anyOf" in spec:
        return " ou ".join(_schema_type(s) for s in spec["anyOf"])
    if kinds is None and "oneOf" in spec:
        return " ou ".join(_schema_type(s) for s in spec["oneOf"])
    if isinstance(kinds, list):
        return " ou ".join(_TYPE_NAMES.get(k, k) for k in kinds)
    name = _TYPE_NAMES.get(kinds, str(kinds) if kinds else "valeur")
    if kinds == "string" and spec.get("format") == "date":
        return "date AAAA-MM-JJ"
    if kinds == "string" and spec.get("pattern") == "^[a-z0-9]+(-[a-z0-9]+)*$":
        return "identifiant"
    if kinds == "array" and isinstance(spec.get("items"), Mapping):
        return f"liste de {_schema_type(spec['items'])}"
    return name


def schema_rows(schema: Mapping[str, Any], prefix: str = "", depth: int = 0) -> Iterable[tuple[str, str, bool, str]]:
    """(field path, type in French, required, description) for every field of a JSON Schema."""
    if depth > 6:
        return
    required = set(schema.get("required", ()))
    props = schema.get("properties")
    if isinstance(props, Mapping):
        for name, spec in props.items():
            path = f"{prefix}{name}"
            yield path, _schema_type(spec), name in required, str(spec.get("description", ""))
            yield from _schema_nested(spec, path, depth)
    extra = schema.get("additionalProperties")
    if isinstance(extra, Mapping) and not props:
        path = f"{prefix}<id>"
        yield path, _schema_type(extra), False, str(extra.get("description", ""))
        yield from _schema_nested(extra, path, depth)


def _schema_nested(spec: Mapping[str, Any], path: str, depth: int) -> Iterable[tuple[str, str, bool, str]]:
    if "properties" in spec or isinstance(spec.get("additionalProperties"), Mapping):
        yield from schema_rows(spec, f"{path}.", depth + 1)
    items = spec.get("items")
    if isinstance(items, Mapping) and "properties" in items:
        yield from schema_rows(items, f"{path}[].", depth + 1)
    for alt in list(spec.get("anyOf", [])) + list(spec.get("oneOf", [])):
        if isinstance(alt, Mapping) and "properties" in alt:
            yield from schema_rows(alt, f"{path}.", depth + 1)
