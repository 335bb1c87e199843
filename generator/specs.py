"""The kinds of value a fact sheet holds (text, id, year, fact, list...), each with what the validator
calls it in messages, its JSON Schema and its name on the reference page.

`generator.fields` declares the fields of the format with these kinds; everything that reads the format
(validation, JSON Schema, reference page, `atlas new`, model, quality, open data) walks that table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from generator.i18n import N_, _
from generator.ids import MAX_ID_LENGTH, SLUG_PATTERN
from generator.model import PRECISIONS

MAX_SHORT_STRING = 200


class Spec:
    """A kind of value in a sheet. `expected` is how messages name it, in the language in use
    (`expected_text` is its message id where it does not depend on the spec's settings)."""

    expected_text = N_("a value")

    @property
    def expected(self) -> str:
        return _(self.expected_text)

    type_name = "valeur"  # on the reference page (French, like the site)

    def json(self, vocab: Mapping[str, list[str]]) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class Text(Spec):
    nonblank: bool = False
    max_length: int | None = None
    expected_text = N_("text")
    type_name = "texte"

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
    type_name = "texte"

    def json(self, vocab):
        return {"type": "string", "description": "Markdown"}


@dataclass(frozen=True)
class Slug(Spec):
    """An id; `ref` names what it must resolve to: territory, hub, source or a vocabulary list."""

    ref: str | None = None
    expected_text = N_("an id (lower-case letters, digits and dashes)")
    type_name = "identifiant"

    def json(self, vocab):
        if self.ref in vocab and vocab[self.ref]:
            return {"type": "string", "enum": list(vocab[self.ref])}
        return {"type": "string", "pattern": SLUG_PATTERN, "maxLength": MAX_ID_LENGTH}


@dataclass(frozen=True)
class Enum(Spec):
    values: tuple[str, ...] = ()

    @property
    def type_name(self) -> str:  # type: ignore[override]
        return "une valeur parmi : " + ", ".join(self.values)

    @property
    def expected(self) -> str:  # type: ignore[override]
        return _("one of {values}").format(values=", ".join(self.values))

    def json(self, vocab):
        return {"type": "string", "enum": list(self.values)}


@dataclass(frozen=True)
class Integer(Spec):
    minimum: int | None = None
    maximum: int | None = None
    type_name = "entier"

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
    type_name = "nombre"

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
    type_name = "date AAAA-MM-JJ"

    def json(self, vocab):
        return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}


@dataclass(frozen=True)
class CommuneCode(Spec):
    """An INSEE commune code, quoted: five digits, or 2A/2B and three digits for Corsica."""

    expected_text = N_('an INSEE commune code in quotes, e.g. "44109" or "2A004"')
    type_name = "texte"
    pattern = r"^(?:[0-9]{5}|2[AB][0-9]{3})$"

    def json(self, vocab):
        return {"type": "string", "pattern": self.pattern}


@dataclass(frozen=True)
class Url(Spec):
    expected_text = N_("an http(s) URL")
    type_name = "texte"

    def json(self, vocab):
        return {"type": "string", "format": "uri", "pattern": "^https?://"}


@dataclass(frozen=True)
class Coords(Spec):
    expected_text = N_("coordinates [latitude, longitude]")
    type_name = "liste"

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

    type_name = "nombre ou booléen ou texte"

    @property
    def expected(self) -> str:  # type: ignore[override]
        return _("a number, true/false or a short text (at most {limit} characters)").format(limit=MAX_SHORT_STRING)

    def json(self, vocab):
        return {"oneOf": [{"type": "number"}, {"type": "boolean"},
                          {"type": "string", "maxLength": MAX_SHORT_STRING}]}


ELIDED = tuple("aeiouyàâéèêîô")
# the reference page's type names in the plural (`liste de …`): each singular the specs use
TYPE_PLURALS: Mapping[str, str] = {"texte": "textes", "identifiant": "identifiants", "table": "tables",
                                   "nombre": "nombres", "entier": "entiers", "valeur": "valeurs", "liste": "listes"}


def list_items(type_name: str) -> str:
    """A type name in the plural: `identifiant` -> `identifiants`, `une valeur parmi : a, b` -> `valeurs
    parmi : a, b` (a name not in the table is kept as it is)."""
    if type_name.startswith("une valeur parmi"):
        return "valeurs parmi" + type_name[len("une valeur parmi"):]
    return TYPE_PLURALS.get(type_name, type_name)


@dataclass(frozen=True)
class ListOf(Spec):
    item: Spec = field(default_factory=Text)
    min_items: int = 0

    @property
    def type_name(self) -> str:  # type: ignore[override]
        """`liste d'identifiants`, `liste de textes`, `liste de valeurs parmi : a, b`: its items in the plural,
        `de` elided before a vowel, as French writes it."""
        items = list_items(self.item.type_name)
        return f"liste d'{items}" if items[:1] in ELIDED else f"liste de {items}"

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
    """One field of the format, declared once (generator.fields): everything else is derived from it.

    `description` is the help text (French: the JSON Schema, the reference page, `atlas new`); `label`
    and `label_en` name the field on pages, in the PDF, in the quality checklist and in the English
    edition; `example` is YAML for the skeletons of `atlas new` (a field without one is left out);
    `translatable` Markdown may be translated in the sheet's `en:` block; `attr` is the model's
    attribute when it differs from the field's name; `quality` places the field in the completeness
    checklist; `column` describes it as an open-data column (`territories.csv`, `hubs.csv`), and
    `column_fact` the columns of a fact's year and source.
    """

    spec: Spec
    required: bool = False
    description: str = ""
    label: str = ""
    label_en: str = ""
    example: str | None = None
    translatable: bool = False
    attr: str | None = None
    quality: int | None = None
    column: str | None = None
    column_fact: tuple[str, str] | None = None  # a fact's year and source columns, when published


@dataclass(frozen=True)
class Record(Spec):
    fields: Mapping[str, Field] = field(default_factory=dict)
    expected_text = N_("a map of fields")
    type_name = "table"

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
    type_name = "table"

    def json(self, vocab):
        return {"type": "object", "propertyNames": {"pattern": SLUG_PATTERN, "maxLength": MAX_ID_LENGTH},
                "additionalProperties": self.value.json(vocab)}


@dataclass(frozen=True)
class Fact(Spec):
    """A bare value or a map {value, year, source, note} (+ label and unit for indicators)."""

    value: Spec = field(default_factory=FactValue)
    indicator: bool = False
    precision: bool = False  # coordinates as a fact say how precise they are
    # a hub's identity field (status, founded...): written bare it is a plain value, not an unsourced fact;
    # the model keeps the value and, when written as a map, the fact (`status` and `status_fact`)
    identity: bool = False

    @property
    def type_name(self) -> str:  # type: ignore[override]
        return "table" if self.indicator else f"{self.value.type_name} ou table"

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
