"""The fact-sheet format as data: one table of fields that both the validator and the JSON Schema
export read, so the schema files published for editors can never disagree with `atlas validate`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from generator.model import LEVELS, PILLAR_LABELS, PILLARS, STATUSES, VOCABULARY_LISTS

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
MAX_ID_LENGTH = 80
MAX_SHORT_STRING = 200
RESERVED_IDS = frozenset({
    "index", "assets", "search", "404", "sitemap", "pdf", "data", "hubs", "territoires", "territories",
    # the project's own: folders of the generated site and names of its data files
    "stylesheets", "javascripts", "pictures", "schema", "methodologie", "contribuer", "qualite",
    "comparaison", "reseau", "piliers", "index-par", "a-propos", "licences", "donnees", "vocabulary",
    "sources",
})
SCHEMA_BASE = "https://atlas-territoires-de-demain.fr/schema/"


class Spec:
    """A kind of value in a sheet. `expected` is how messages name it."""

    expected = "a value"
    description = ""

    def json(self, vocab: Mapping[str, list[str]]) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class Text(Spec):
    nonblank: bool = False
    max_length: int | None = None
    expected = "text"

    def json(self, vocab):
        out: dict = {"type": "string"}
        if self.nonblank:
            out["pattern"] = r"\S"
        if self.max_length:
            out["maxLength"] = self.max_length
        return out


@dataclass(frozen=True)
class Markdown(Spec):
    expected = "text (Markdown)"

    def json(self, vocab):
        return {"type": "string", "description": "Markdown"}


@dataclass(frozen=True)
class Slug(Spec):
    """An id; `ref` names what it must resolve to: territory, hub, source or a vocabulary list."""

    ref: str | None = None
    expected = "an id (lower-case letters, digits and dashes)"

    def json(self, vocab):
        if self.ref in vocab and vocab[self.ref]:
            return {"type": "string", "enum": list(vocab[self.ref])}
        return {"type": "string", "pattern": SLUG_PATTERN, "maxLength": MAX_ID_LENGTH}


@dataclass(frozen=True)
class Enum(Spec):
    values: tuple[str, ...] = ()

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "one of " + ", ".join(self.values)

    def json(self, vocab):
        return {"type": "string", "enum": list(self.values)}


@dataclass(frozen=True)
class Integer(Spec):
    minimum: int | None = None
    maximum: int | None = None

    @property
    def expected(self) -> str:  # type: ignore[override]
        if self.minimum is not None and self.maximum is not None:
            return f"an integer from {self.minimum} to {self.maximum}"
        if self.minimum is not None:
            return f"an integer of at least {self.minimum}"
        return "an integer"

    def json(self, vocab):
        out: dict = {"type": "integer"}
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        return out


@dataclass(frozen=True)
class Number(Spec):
    positive: bool = False

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "a number greater than 0" if self.positive else "a number"

    def json(self, vocab):
        out: dict = {"type": "number"}
        if self.positive:
            out["exclusiveMinimum"] = 0
        return out


@dataclass(frozen=True)
class Year(Integer):
    minimum: int | None = 1000
    maximum: int | None = 2100

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "a year (4 digits)"


@dataclass(frozen=True)
class Date(Spec):
    expected = "a date YYYY-MM-DD"

    def json(self, vocab):
        return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}


@dataclass(frozen=True)
class Url(Spec):
    expected = "an http(s) URL"

    def json(self, vocab):
        return {"type": "string", "format": "uri", "pattern": "^https?://"}


@dataclass(frozen=True)
class Coords(Spec):
    expected = "coordinates [latitude, longitude]"

    def json(self, vocab):
        return {
            "type": "array", "minItems": 2, "maxItems": 2,
            "prefixItems": [
                {"type": "number", "minimum": -90, "maximum": 90, "description": "latitude"},
                {"type": "number", "minimum": -180, "maximum": 180, "description": "longitude"},
            ],
        }


@dataclass(frozen=True)
class FactValue(Spec):
    """An indicator's value: a finite number, a boolean or a short string."""

    expected = f"a number, true/false or a short text (at most {MAX_SHORT_STRING} characters)"

    def json(self, vocab):
        return {"oneOf": [{"type": "number"}, {"type": "boolean"},
                          {"type": "string", "maxLength": MAX_SHORT_STRING}]}


@dataclass(frozen=True)
class ListOf(Spec):
    item: Spec = field(default_factory=Text)
    min_items: int = 0

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "a list"

    def json(self, vocab):
        out: dict = {"type": "array", "items": self.item.json(vocab), "uniqueItems": True}
        if self.min_items:
            out["minItems"] = self.min_items
        return out


@dataclass(frozen=True)
class Field:
    spec: Spec
    required: bool = False
    description: str = ""


@dataclass(frozen=True)
class Record(Spec):
    fields: Mapping[str, Field] = field(default_factory=dict)
    expected = "a map of fields"

    def json(self, vocab):
        return {
            "type": "object",
            "properties": {name: {**f.spec.json(vocab), **({"description": f.description} if f.description else {})}
                           for name, f in self.fields.items()},
            "required": [name for name, f in self.fields.items() if f.required],
            "additionalProperties": False,
        }


@dataclass(frozen=True)
class MapOf(Spec):
    """A map whose keys are ids (sources, vocabulary entries) and whose values share one spec."""

    value: Spec = field(default_factory=Text)
    expected = "a map of ids to entries"

    def json(self, vocab):
        return {"type": "object", "propertyNames": {"pattern": SLUG_PATTERN, "maxLength": MAX_ID_LENGTH},
                "additionalProperties": self.value.json(vocab)}


@dataclass(frozen=True)
class Fact(Spec):
    """A bare value or a map {value, year, source, note} (+ label and unit for indicators)."""

    value: Spec = field(default_factory=FactValue)
    indicator: bool = False

    @property
    def expected(self) -> str:  # type: ignore[override]
        if self.indicator:
            return "a map with label and value"
        return f"{self.value.expected}, or a map with value, year and source"

    def fields(self) -> dict[str, Field]:
        out = {"value": Field(self.value, True, "The value")}
        if self.indicator:
            out = {"label": Field(Text(nonblank=True), True, "What is measured, in French"), **out,
                   "unit": Field(Text(), False, "Unit: km, min, %, €...")}
        out.update({
            "year": Field(Year(), False, "Year the figure describes"),
            "source": Field(Slug("source"), False, "Id of a source of this sheet or of territories/sources.yml"),
            "note": Field(Text(), False, "A short note"),
        })
        return out

    def json(self, vocab):
        record = Record(self.fields()).json(vocab)
        if self.indicator:
            return record
        return {"oneOf": [self.value.json(vocab), record]}


SOURCE = Record({
    "title": Field(Text(nonblank=True), True, "Title of the document"),
    "publisher": Field(Text(), False, "Who published it"),
    "url": Field(Url(), False, "Where a reader can check it"),
    "accessed": Field(Date(), False, "When it was read"),
})
SOURCES = MapOf(SOURCE)


def _en(*names: str) -> Field:
    return Field(Record({n: Field(Markdown()) for n in names}), False, "English version of the Markdown fields")


PILLAR = Record({
    "rating": Field(Integer(0, 5), False, "Assessment from 0 to 5; absent means not assessed"),
    "rationale": Field(Markdown(), False, "Why this rating (required with rating)"),
    "summary": Field(Markdown(), False, "What stands out on this pillar"),
    "indicators": Field(ListOf(Fact(FactValue(), indicator=True)), False, "Measured facts"),
    "en": _en("rationale", "summary"),
})

TERRITORY = Record({
    "id": Field(Slug(), False, "Must equal the folder name"),
    "name": Field(Text(nonblank=True), True, "Official name, with accents"),
    "level": Field(Enum(LEVELS), True, "Administrative level"),
    "code": Field(Text(nonblank=True), False, "Official code (INSEE or SIREN), quoted"),
    "parent": Field(Slug("territory"), False, "Id of the enclosing territory"),
    "population": Field(Fact(Integer(0)), False, "Inhabitants"),
    "area_km2": Field(Fact(Number(positive=True)), False, "Area in km²"),
    "coordinates": Field(Coords(), False, "Main town: [latitude, longitude]"),
    "summary": Field(Markdown(), False, "One or two paragraphs presenting the territory"),
    "pillars": Field(Record({k: Field(PILLAR, False, PILLAR_LABELS[k]) for k in PILLARS}), False,
                     "The five pillars"),
    "sources": Field(SOURCES, False, "Sources local to this sheet"),
    "updated": Field(Date(), True, "When the sheet was last checked"),
    "contributors": Field(ListOf(Text(nonblank=True)), False, "Who wrote or checked it"),
    "en": _en("summary"),
})

HUB = Record({
    "id": Field(Slug(), False, "Must equal the file name"),
    "name": Field(Text(nonblank=True), True, "Name of the place"),
    "types": Field(ListOf(Slug("hub_types"), min_items=1), True, "Hub types (vocabulary)"),
    "status": Field(Enum(STATUSES), True, "active, project or closed"),
    "founded": Field(Year(), False, "Year it opened"),
    "closed_in": Field(Year(), False, "Year it closed (only with status: closed)"),
    "address": Field(Text(), False, "Postal address"),
    "coordinates": Field(Coords(), False, "Location: [latitude, longitude]"),
    "website": Field(Url(), False, "http(s) URL"),
    "services": Field(ListOf(Slug("services")), False, "Services (vocabulary)"),
    "themes": Field(ListOf(Slug("themes")), False, "Themes (vocabulary)"),
    "pillars": Field(ListOf(Enum(PILLARS)), False, "Pillars of its territory it serves"),
    "networks": Field(ListOf(Slug("networks")), False, "Networks (vocabulary)"),
    "partners": Field(ListOf(Slug("hub")), False, "Ids of hubs it works with"),
    "figures": Field(ListOf(Fact(FactValue(), indicator=True)), False, "Figures: members, start-ups..."),
    "description": Field(Markdown(), False, "What it is and does"),
    "sources": Field(SOURCES, False, "Sources local to this sheet"),
    "updated": Field(Date(), True, "When the sheet was last checked"),
    "en": _en("description"),
})

VOCABULARY_ENTRY = Record({
    "label": Field(Text(nonblank=True), True, "French label"),
    "description": Field(Markdown(), False, "What it means, for a reader"),
    "url": Field(Url(), False, "Official page"),
})
VOCABULARY = Record({name: Field(MapOf(VOCABULARY_ENTRY), False) for name in VOCABULARY_LISTS})

SHEET_SPECS: Mapping[str, Record] = {
    "territory": TERRITORY, "hub": HUB, "vocabulary": VOCABULARY, "sources": SOURCES,  # type: ignore[dict-item]
}
TITLES = {
    "territory": "Fiche territoire", "hub": "Fiche pôle (hub)",
    "vocabulary": "Vocabulaire contrôlé", "sources": "Sources partagées",
}


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
