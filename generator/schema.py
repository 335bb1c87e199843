"""The fact-sheet format as data: one table of fields that both the validator and the JSON Schema
export read, so the schema files published for editors can never disagree with `atlas validate`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator.i18n import N_, _
from generator.ids import MAX_ID_LENGTH, RESERVED_IDS, SLUG_PATTERN  # noqa: F401 - read through here by pages and api
from generator.model import (
    DERIVED_INDICATORS,
    DIRECTIONS,
    LEVELS,
    PILLAR_LABELS,
    PILLARS,
    PRECISIONS,
    STATUSES,
    VOCABULARY_LISTS,
)

MAX_SHORT_STRING = 200
SCHEMA_BASE = "https://atlas-territoires-de-demain.fr/schema/"


class Spec:
    """A kind of value in a sheet. `expected` is how messages name it, in the language in use
    (`expected_text` is its message id where it does not depend on the spec's settings)."""

    expected_text = N_("a value")
    description = ""

    @property
    def expected(self) -> str:
        return _(self.expected_text)

    def json(self, vocab: Mapping[str, list[str]]) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class Text(Spec):
    nonblank: bool = False
    max_length: int | None = None
    expected_text = N_("text")

    def json(self, vocab):
        out: dict = {"type": "string"}
        if self.nonblank:
            out["pattern"] = r"\S"
        if self.max_length:
            out["maxLength"] = self.max_length
        return out


@dataclass(frozen=True)
class Markdown(Spec):
    expected_text = N_("text (Markdown)")

    def json(self, vocab):
        return {"type": "string", "description": "Markdown"}


@dataclass(frozen=True)
class Slug(Spec):
    """An id; `ref` names what it must resolve to: territory, hub, source or a vocabulary list."""

    ref: str | None = None
    expected_text = N_("an id (lower-case letters, digits and dashes)")

    def json(self, vocab):
        if self.ref in vocab and vocab[self.ref]:
            return {"type": "string", "enum": list(vocab[self.ref])}
        return {"type": "string", "pattern": SLUG_PATTERN, "maxLength": MAX_ID_LENGTH}


@dataclass(frozen=True)
class Enum(Spec):
    values: tuple[str, ...] = ()

    @property
    def expected(self) -> str:  # type: ignore[override]
        return _("one of {values}").format(values=", ".join(self.values))

    def json(self, vocab):
        return {"type": "string", "enum": list(self.values)}


@dataclass(frozen=True)
class Integer(Spec):
    minimum: int | None = None
    maximum: int | None = None

    @property
    def expected(self) -> str:  # type: ignore[override]
        if self.minimum is not None and self.maximum is not None:
            return _("an integer from {minimum} to {maximum}").format(minimum=self.minimum, maximum=self.maximum)
        if self.minimum is not None:
            return _("an integer of at least {minimum}").format(minimum=self.minimum)
        return _("an integer")

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
        return _("a number greater than 0") if self.positive else _("a number")

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
        return _("a year from {minimum} to {maximum}").format(minimum=self.minimum, maximum=self.maximum)


@dataclass(frozen=True)
class Date(Spec):
    expected_text = N_("a date YYYY-MM-DD")

    def json(self, vocab):
        return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}


@dataclass(frozen=True)
class CommuneCode(Spec):
    """An INSEE commune code, quoted: five digits, or 2A/2B and three digits for Corsica."""

    expected_text = N_('an INSEE commune code in quotes, e.g. "44109" or "2A004"')
    pattern = r"^(?:[0-9]{5}|2[AB][0-9]{3})$"

    def json(self, vocab):
        return {"type": "string", "pattern": self.pattern}


@dataclass(frozen=True)
class Url(Spec):
    expected_text = N_("an http(s) URL")

    def json(self, vocab):
        return {"type": "string", "format": "uri", "pattern": "^https?://"}


@dataclass(frozen=True)
class Coords(Spec):
    expected_text = N_("coordinates [latitude, longitude]")

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


    @property
    def expected(self) -> str:  # type: ignore[override]
        return _("a number, true/false or a short text (at most {limit} characters)").format(limit=MAX_SHORT_STRING)

    def json(self, vocab):
        return {"oneOf": [{"type": "number"}, {"type": "boolean"},
                          {"type": "string", "maxLength": MAX_SHORT_STRING}]}


@dataclass(frozen=True)
class ListOf(Spec):
    item: Spec = field(default_factory=Text)
    min_items: int = 0

    @property
    def expected(self) -> str:  # type: ignore[override]
        return _("a list")

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
    expected_text = N_("a map of fields")

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
    expected_text = N_("a map of ids to entries")

    def json(self, vocab):
        return {"type": "object", "propertyNames": {"pattern": SLUG_PATTERN, "maxLength": MAX_ID_LENGTH},
                "additionalProperties": self.value.json(vocab)}


@dataclass(frozen=True)
class Fact(Spec):
    """A bare value or a map {value, year, source, note} (+ label and unit for indicators)."""

    value: Spec = field(default_factory=FactValue)
    indicator: bool = False
    precision: bool = False  # coordinates as a fact say how precise they are

    @property
    def expected(self) -> str:  # type: ignore[override]
        if self.indicator:
            return _("a map with label and value")
        return _("{expected}, or a map with value, year and source").format(expected=self.value.expected)

    def fields(self) -> dict[str, Field]:
        out = {"value": Field(self.value, True, "La valeur")}
        if self.indicator:
            out = {"label": Field(Text(nonblank=True), True, "Ce qui est mesuré, en français"), **out,
                   "unit": Field(Text(), False, "Unité : km, min, %, €…")}
        out.update({
            "year": Field(Year(), False, "Année que décrit le chiffre"),
            "source": Field(Slug("source"), False,
                            "Identifiant d'une source de cette fiche ou de territories/sources.yml"),
            "note": Field(Text(), False, "Une courte note"),
        })
        if self.precision:
            out["precision"] = Field(Enum(PRECISIONS), False,
                                     "address (adresse, par défaut) ou commune (placé au centre de la commune)")
        return out

    def json(self, vocab):
        record = Record(self.fields()).json(vocab)
        if self.indicator:
            return record
        return {"oneOf": [self.value.json(vocab), record]}


SOURCE = Record({
    "title": Field(Text(nonblank=True), True, "Titre du document"),
    "publisher": Field(Text(), False, "Qui l'a publié"),
    "url": Field(Url(), False, "Où un lecteur peut le vérifier (http ou https)"),
    "accessed": Field(Date(), False, "Date de consultation (AAAA-MM-JJ)"),
})
SOURCES = MapOf(SOURCE)


def _en(*names: str) -> Field:
    return Field(Record({n: Field(Markdown()) for n in names}), False, "Version anglaise des champs Markdown")


PILLAR = Record({
    "rating": Field(Integer(0, 5), False, "Évaluation de 0 à 5 ; absente : non évalué (jamais affiché comme 0)"),
    "rationale": Field(Markdown(), False, "Pourquoi cette note (obligatoire avec rating)"),
    "summary": Field(Markdown(), False, "Ce qui ressort pour ce pilier"),
    "indicators": Field(ListOf(Fact(FactValue(), indicator=True)), False,
                        "Faits mesurés (label, value, unit, year, source)"),
    "en": _en("rationale", "summary"),
})

TERRITORY = Record({
    "id": Field(Slug(), False, "Doit être égal au nom du dossier"),
    "name": Field(Text(nonblank=True), True, "Nom officiel, avec les accents"),
    "level": Field(Enum(LEVELS), True, "Niveau administratif"),
    "code": Field(Text(nonblank=True), False, "Code officiel (INSEE ou SIREN), entre guillemets"),
    "parent": Field(Slug("territory"), False, "Identifiant du territoire englobant"),
    "population": Field(Fact(Integer(0)), False, "Habitants"),
    "area_km2": Field(Fact(Number(positive=True)), False, "Superficie en km²"),
    "coordinates": Field(Coords(), False, "Ville principale : [latitude, longitude]"),
    "summary": Field(Markdown(), False, "Un ou deux paragraphes de présentation (Markdown)"),
    "pillars": Field(Record({k: Field(PILLAR, False, PILLAR_LABELS[k]) for k in PILLARS}), False,
                     "Les cinq piliers"),
    "measures": Field(MapOf(Fact(Number())), False,
                      "Mesures officielles : identifiant du catalogue territories/indicators.yml -> valeur ou fait"),
    "sources": Field(SOURCES, False, "Sources propres à cette fiche"),
    "updated": Field(Date(), True, "Date de dernière vérification (AAAA-MM-JJ)"),
    "contributors": Field(ListOf(Text(nonblank=True)), False, "Qui l'a rédigée ou vérifiée"),
    "en": _en("summary"),
})

HUB = Record({
    "id": Field(Slug(), False, "Doit être égal au nom du fichier"),
    "name": Field(Text(nonblank=True), True, "Nom du lieu"),
    "types": Field(ListOf(Slug("hub_types"), min_items=1), True, "Types de lieu (vocabulaire hub_types)"),
    "status": Field(Fact(Enum(STATUSES)), True,
                    "active (en activité), project (en projet) ou closed (fermé) ; en fait daté et sourcé : "
                    "{value, year (année où une source l'a constaté), source}"),
    "founded": Field(Fact(Year()), False, "Année d'ouverture"),
    "closed_in": Field(Fact(Year()), False, "Année de fermeture (seulement avec status: closed)"),
    "address": Field(Fact(Text()), False, "Adresse postale"),
    "commune": Field(CommuneCode(), False, "Code INSEE de la commune, entre guillemets"),
    "coordinates": Field(Fact(Coords(), precision=True), False,
                         "Emplacement : [latitude, longitude], ou {value, precision, source}"),
    "website": Field(Url(), False, "Adresse http(s)"),
    "services": Field(ListOf(Slug("services")), False, "Services (vocabulaire services)"),
    "themes": Field(ListOf(Slug("themes")), False, "Thèmes (vocabulaire themes)"),
    "pillars": Field(ListOf(Enum(PILLARS)), False, "Piliers de son territoire qu'il sert"),
    "networks": Field(ListOf(Slug("networks")), False, "Réseaux (vocabulaire networks)"),
    "partners": Field(ListOf(Slug("hub")), False,
                      "Identifiants des lieux avec lesquels il travaille (liens non orientés)"),
    "figures": Field(ListOf(Fact(FactValue(), indicator=True)), False, "Chiffres : membres, start-up accompagnées…"),
    "description": Field(Markdown(), False, "Ce qu'il est et ce qu'il fait (Markdown)"),
    "sources": Field(SOURCES, False, "Sources propres à cette fiche"),
    "updated": Field(Date(), True, "Date de dernière vérification (AAAA-MM-JJ)"),
    "en": _en("description"),
})

INDICATOR = Record({
    "label": Field(Text(nonblank=True), True, "Ce qui est mesuré, en français"),
    "pillar": Field(Enum(PILLARS), True, "Le pilier qu'il mesure"),
    "unit": Field(Text(), False, "Unité"),
    "definition": Field(Markdown(), False, "Définition et méthode de calcul (Markdown)"),
    "direction": Field(Enum(DIRECTIONS), True, "higher : plus c'est haut, mieux c'est ; lower : l'inverse"),
    "levels": Field(ListOf(Enum(LEVELS), min_items=1), True, "Niveaux où il est mesuré et noté"),
    "source": Field(Slug("source"), False, "Source par défaut d'une mesure (territories/sources.yml)"),
    "derived": Field(Enum(DERIVED_INDICATORS), False, "Calculé par l'atlas lui-même, au lieu d'une source"),
    "year": Field(Year(), False, "Année par défaut d'une mesure"),
})
INDICATORS = MapOf(INDICATOR)

VOCABULARY_ENTRY = Record({
    "label": Field(Text(nonblank=True), True, "Libellé en français"),
    "description": Field(Markdown(), False, "Ce que cela veut dire, pour un lecteur"),
    "url": Field(Url(), False, "Page officielle"),
})
VOCABULARY = Record({name: Field(MapOf(VOCABULARY_ENTRY), False) for name in VOCABULARY_LISTS})

SHEET_SPECS: Mapping[str, Record] = {
    "territory": TERRITORY, "hub": HUB, "vocabulary": VOCABULARY, "sources": SOURCES,  # type: ignore[dict-item]
    "indicators": INDICATORS,  # type: ignore[dict-item]
}
TITLES = {
    "territory": "Fiche territoire", "hub": "Fiche pôle (hub)",
    "vocabulary": "Vocabulaire contrôlé", "sources": "Sources partagées",
    "indicators": "Catalogue des indicateurs mesurés",
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
