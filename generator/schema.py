"""The fact-sheet format as JSON Schema files, for editors and CI: derived from the one table of
fields (`generator.fields`) that the validator reads too, so the schema files published for editors can
never disagree with `atlas validate`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from generator.fields import SHEET_SPECS, TITLES

SCHEMA_BASE = "https://atlas-territoires-de-demain.fr/schema/"


def json_schemas(vocab: Mapping[str, list[str]] | None = None) -> dict[str, dict]:
    """JSON Schema (draft 2020-12) of each kind of sheet; vocabulary ids become enums."""
    vocab = vocab or {}
    out = {}
    for kind, spec in SHEET_SPECS.items():
        body = spec.json(vocab)
        out[kind] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{SCHEMA_BASE}{kind}.schema.json",
            "title": TITLES[kind],
            **body,
        }
    return out


def schema_files(vocab: Mapping[str, list[str]] | None = None) -> dict[str, bytes]:
    """File name -> bytes, deterministic (sorted keys are not used: field order is the spec's order)."""
    return {f"{kind}.schema.json": (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode()
            for kind, body in json_schemas(vocab).items()}


def schema_comment(kind: str, sheet_path: Path, schema_dir: Path) -> str:
    """The first line of a sheet, pointing the YAML language server at its schema (relative path)."""
    import os
    rel = os.path.relpath(schema_dir / f"{kind}.schema.json", sheet_path.parent)
    return f"# yaml-language-server: $schema={Path(rel).as_posix()}"
