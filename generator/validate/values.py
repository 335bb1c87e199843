"""Phase 1: type one sheet's parsed nodes against the format (generator.fields), into plain Python data.

Every problem is reported (never raised) with the place it was written; the data keeps where each value
was, and the references (to territories, hubs, sources, vocabulary) that phase 2 resolves.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from generator.errors import Location, Report
from generator.i18n import _, ngettext
from generator.ids import MAX_ID_LENGTH, SLUG, slugify
from generator.sheet_nodes import REFUSED_TAG, Map, Node, Scalar, Seq, plain_type
from generator.specs import (
    MAX_SHORT_STRING,
    CommuneCode,
    Coords,
    Date,
    Enum,
    Fact,
    FactValue,
    Integer,
    ListOf,
    MapOf,
    Markdown,
    Number,
    Record,
    Slug,
    Spec,
    Text,
    Url,
    Year,
)
from generator.validate.hints import describe, field_hint, join, quote, stands_for, value_hint

_INT_TEXT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT_TEXT = re.compile(r"^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")
_DATE_TEXT = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")


def _decimal_comma(text: str) -> bool:
    """`12,5`: a number written with a French decimal comma."""
    return "," in text and _FLOAT_TEXT.match(text.replace(",", ".", 1)) is not None


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


@dataclass
class Checked:
    """One sheet after phase 1: its data (None when unusable) and where each field path was written."""

    data: Any
    locations: dict[str, Location] = field(default_factory=dict)
    refs: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, id, field path)
    # references that are not ids at all (`brеst`, `bretagne/territory.yml`, null): reported by
    # check_atlas, which knows the ids that exist and so can hint only at those
    bad_refs: list[tuple[str, Scalar, str]] = field(default_factory=list)  # (kind, node, field path)


class SheetChecker:
    """Phase 1 for one sheet: walk the spec and the nodes together."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.checked = Checked(None)

    def error(self, node_or_loc: Node | Location, path: str, message: str, hint: str = "") -> None:
        loc = node_or_loc if isinstance(node_or_loc, Location) else node_or_loc.loc
        self.report.error(loc, path, message, hint)

    def wrong(self, spec: Spec, node: Node, path: str, hint: str = "") -> Any:
        self.error(node, path, _("expected {expected}, found {found}").format(expected=spec.expected,
                                                                               found=describe(node)),
                   hint or _fix(spec, node, path))
        return MISSING

    def check(self, spec: Spec, node: Node, path: str) -> Any:
        if node.tag == REFUSED_TAG:  # its problem (a tag, an alias) is already reported
            return MISSING
        self.checked.locations[path] = node.loc
        if isinstance(spec, Record):
            return self.record(spec, node, path)
        if isinstance(spec, MapOf):
            return self.map_of(spec, node, path)
        if isinstance(spec, ListOf):
            return self.list_of(spec, node, path)
        if isinstance(spec, Fact):
            return self.fact(spec, node, path)
        if isinstance(spec, Coords):
            return self.coords(spec, node, path)
        if not isinstance(node, Scalar):
            return self.wrong(spec, node, path)
        if isinstance(spec, (Text, Markdown)):
            return self.text(spec, node, path)
        if isinstance(spec, Enum):
            return self.enum(spec, node, path)
        if isinstance(spec, Slug):
            return self.slug(spec, node, path)
        if isinstance(spec, Integer):
            return self.integer(spec, node, path)
        if isinstance(spec, Number):
            return self.number(spec, node, path)
        if isinstance(spec, Date):
            return self.date(spec, node, path)
        if isinstance(spec, Url):
            return self.url(spec, node, path)
        if isinstance(spec, CommuneCode):
            return self.commune_code(spec, node, path)
        if isinstance(spec, FactValue):
            return self.fact_value(spec, node, path)
        raise AssertionError(f"no rule for {spec!r}")  # a bug in the format table, not user input

    # -- containers -------------------------------------------------------------------------
    def record(self, spec: Record, node: Node, path: str) -> Any:
        if not isinstance(node, Map):
            return self.wrong(spec, node, path)
        out: dict[str, Any] = {}
        meant: set[str] = set()  # fields that an unknown one stands for: `nom:` is the missing `name`, one problem
        for key, value in node.items:
            name = key.text
            sub = join(path, name)
            if name not in spec.fields:
                meant.add(stands_for(name, spec.fields) or "")
                self.error(key, sub, _("unknown field '{name}'").format(name=name), field_hint(name, spec.fields))
                continue
            self.checked.locations[sub + "#key"] = key.loc
            result = self.check(spec.fields[name].spec, value, sub)
            if result is not MISSING:
                out[name] = result
        present = set(node.keys())
        for name, f in spec.fields.items():
            if f.required and name not in present and name not in meant and not node.dropped:
                self.error(node, join(path, name), _("missing required field '{name}'").format(name=name),
                           _("add '{name}:' ({expected})").format(name=name, expected=f.spec.expected))
        return out

    def map_of(self, spec: MapOf, node: Node, path: str) -> Any:
        if not isinstance(node, Map):
            return self.wrong(spec, node, path)
        out: dict[str, Any] = {}
        for key, value in node.items:
            sub = join(path, key.text)
            if not self.valid_id(key, sub, key.text):
                continue
            self.checked.locations[sub + "#key"] = key.loc
            result = self.check(spec.value, value, sub)
            if result is not MISSING:
                out[key.text] = result
        return out

    def list_of(self, spec: ListOf, node: Node, path: str) -> Any:
        if isinstance(node, Scalar) and not node.quoted and plain_type(node.text) == "null":
            node_items: list[Node] = []
        elif not isinstance(node, Seq):
            hint = ""
            if isinstance(node, Scalar):
                hint = _("write a list, even of one item: [{text}]").format(text=node.text)
            return self.wrong(spec, node, path, hint)
        else:
            node_items = node.items
        out = []
        seen: dict[Any, int] = {}
        for i, item in enumerate(node_items):
            sub = join(path, i)
            result = self.check(spec.item, item, sub)
            if result is MISSING:
                continue
            if isinstance(result, str):
                if result in seen:
                    self.error(item, sub, _("'{item}' is listed twice (first at {first})").format(
                        item=result, first=join(path, seen[result])), _("remove the repeated item"))
                    continue
                seen[result] = i
            out.append(result)
        if len(node_items) < spec.min_items:
            self.error(node, path, ngettext("expected at least {count} item, found {found}",
                                            "expected at least {count} items, found {found}",
                                            spec.min_items).format(count=spec.min_items, found=len(node_items)),
                       _("add at least one"))
            return MISSING
        return out

    def fact(self, spec: Fact, node: Node, path: str) -> Any:
        if isinstance(node, Map):
            result = self.record(Record(spec.fields()), node, path)
            if result is MISSING or "value" not in result:
                return MISSING
            if spec.indicator and "unit" in result and isinstance(result["value"], str):
                value = next(v for k, v in node.items if k.text == "value")
                if isinstance(value, Scalar) and not value.quoted and _decimal_comma(value.text):
                    # `1,5` with a unit is a French decimal, not a text: refused as in a measure or an area
                    return self.wrong(Number(), value, join(path, "value"),
                                      _("use a decimal point: {number}").format(number=value.text.replace(",", ".", 1)))
            result["_loc"] = node.loc
            return result
        if spec.indicator:
            return self.wrong(spec, node, path, _("write: {{label: ..., value: ..., year: ..., source: ...}}"))
        value = self.check(spec.value, node, path)
        if value is MISSING:
            return MISSING
        # "_bare": written as a plain value, not as a map (a bare identity field is not a sourced fact)
        return {"value": value, "_loc": node.loc, "_bare": True}

    def coords(self, spec: Coords, node: Node, path: str) -> Any:
        if not isinstance(node, Seq) or len(node.items) != 2:
            found = describe(node)
            if isinstance(node, Seq):
                found = ngettext("{found} of {count} item", "{found} of {count} items",
                                 len(node.items)).format(found=found, count=len(node.items))
            self.error(node, path, _("expected {expected}, found {found}").format(expected=spec.expected, found=found),
                       _("write [47.2378, 6.0241]: latitude first, then longitude, in decimal degrees"))
            return MISSING
        values = []
        bounds = ((_("latitude {value} is out of range [-{bound}, {bound}]"), 90),
                  (_("longitude {value} is out of range [-{bound}, {bound}]"), 180))
        for i, (item, (out_of_range, bound)) in enumerate(zip(node.items, bounds, strict=True)):
            value = self.number(Number(), item, join(path, i)) if isinstance(item, Scalar) else \
                self.wrong(Number(), item, join(path, i))
            if value is MISSING:
                return MISSING
            if not -bound <= value <= bound:
                self.error(item, join(path, i), out_of_range.format(value=value, bound=bound),
                           _("coordinates are [latitude, longitude]; were they swapped?"))
                return MISSING
            values.append(float(value))
        return tuple(values)

    # -- scalars ------------------------------------------------------------------------------
    def text(self, spec: Text | Markdown, node: Scalar, path: str) -> Any:
        if not node.quoted:
            kind = plain_type(node.text)
            if kind != "str":
                name = path.rsplit(".", 1)[-1]
                return self.wrong(spec, node, path,
                                  _('quote it: {name}: "{text}"').format(name=name, text=node.text)
                                  if kind != "null" else _("write a value"))
        text = node.text
        if isinstance(spec, Text):
            if spec.nonblank and not text.strip():
                self.error(node, path, _("must not be empty"), _("write the text, or remove the field if optional"))
                return MISSING
            if spec.max_length and len(text) > spec.max_length:
                self.error(node, path, _("at most {limit} characters, found {count}").format(
                    limit=spec.max_length, count=len(text)), _("shorten it"))
                return MISSING
        if not node.quoted and node.comment is not None:
            # YAML reads ` #` after a plain value as a comment: `description: Atelier #1 du quartier` is « Atelier »
            where, rest = node.comment
            self.report.warning(where, path, _("the text after ' #' was read as a comment: the value is {value}")
                                .format(value=quote(text)),
                                _("quote the value if the text goes on: {whole}; or put the comment on a line of its "
                                  "own").format(whole=quote(text + rest)))
        return text

    def enum(self, spec: Enum, node: Scalar, path: str) -> Any:
        if node.text in spec.values and (node.quoted or plain_type(node.text) == "str"):
            return node.text
        return self.wrong(spec, node, path, value_hint(node.text, spec.values))

    def valid_id(self, node: Scalar, path: str, text: str) -> bool:
        if not node.quoted and plain_type(text) not in ("str", "int"):
            self.wrong(Slug(), node, path, _('quote it: "{text}"').format(text=text))
            return False
        if len(text) > MAX_ID_LENGTH:
            self.error(node, path, _("an id has at most {limit} characters, found {count}").format(
                limit=MAX_ID_LENGTH, count=len(text)), _("use a shorter id"))
            return False
        if not SLUG.match(text):
            self.error(node, path, _("expected {expected}, found {found}").format(expected=Slug().expected,
                                                                                   found=quote(text)),
                       _("try '{id}'").format(id=slugify(text)) if slugify(text)
                       else _("use letters a-z, digits and dashes"))
            return False
        return True

    def slug(self, spec: Slug, node: Scalar, path: str) -> Any:
        if spec.ref and not (node.quoted or plain_type(node.text) in ("str", "int")) or \
                spec.ref and len(node.text) <= MAX_ID_LENGTH and not SLUG.match(node.text):
            self.checked.bad_refs.append((spec.ref, node, path))  # reported by check_atlas, with a hint
            return MISSING
        if not self.valid_id(node, path, node.text):
            return MISSING
        if spec.ref:
            self.checked.refs.append((spec.ref, node.text, path))
        return node.text

    def integer(self, spec: Integer, node: Scalar, path: str) -> Any:
        text = node.text
        if node.quoted or not _INT_TEXT.match(text):
            hint = ""
            if node.quoted and _INT_TEXT.match(text):
                hint = _("write the number without quotes")
            elif _FLOAT_TEXT.match(text.replace(",", ".", 1)):
                hint = _("write a whole number")
            return self.wrong(spec, node, path, hint)
        if re.match(r"^[-+]?0[0-9]", text):
            return self.wrong(spec, node, path, _("remove the leading zero (YAML 1.1 reads it as octal)"))
        value = int(text)
        if (spec.minimum is not None and value < spec.minimum) or (spec.maximum is not None and value > spec.maximum):
            return self.wrong(spec, node, path)
        return value

    def number(self, spec: Number, node: Scalar, path: str) -> Any:
        text = node.text
        hint = ""
        if not node.quoted and _INT_TEXT.match(text) and not re.match(r"^[-+]?0[0-9]", text):
            value: float | int = int(text)
        elif not node.quoted and _FLOAT_TEXT.match(text):
            value = float(text)
        else:
            if _decimal_comma(text):
                hint = _("use a decimal point: {number}").format(number=text.replace(",", ".", 1))
            elif node.quoted and _FLOAT_TEXT.match(text):
                hint = _("write the number without quotes")
            elif text.lower() in (".nan", ".inf", "-.inf", "+.inf"):
                hint = _("the value must be a finite number")
            return self.wrong(spec, node, path, hint)
        if not math.isfinite(value) or (spec.positive and value <= 0):
            return self.wrong(spec, node, path)
        return value

    def date(self, spec: Date, node: Scalar, path: str) -> Any:
        match = _DATE_TEXT.match(node.text)
        if match:
            try:
                return date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                self.error(node, path, _("{text} is not a real date").format(text=node.text),
                           _("check the month and the day"))
                return MISSING
        return self.wrong(spec, node, path, _("write the date as YYYY-MM-DD, e.g. 2025-01-10"))

    def url(self, spec: Url, node: Scalar, path: str) -> Any:
        text = node.text.strip()
        if not (node.quoted or plain_type(node.text) == "str"):
            return self.wrong(spec, node, path)
        if re.match(r"^https?://[^\s/$.?#][^\s]*$", text, re.I) is None:
            hint = _("only http:// and https:// links are allowed")
            if re.match(r"^[\w.-]+\.[a-z]{2,}(/|$)", text, re.I):
                hint = _("add the scheme: https://{text}").format(text=text)
            return self.wrong(spec, node, path, hint)
        odd = re.search(r'[|\[\]<>"{}\\^`]', text)
        if odd is not None:  # RFC 3986: never unencoded in a link; a browser encodes it and asks for another page
            # a warning: the page escapes the link as it escapes any sheet text, it only leads nowhere
            self.report.warning(node.loc, path, _("the link {url} holds {char!r}, which a link cannot hold").format(
                url=text, char=odd.group(0)), _("remove what follows the address, or encode it as {code}").format(
                code=f"%{ord(odd.group(0)):02X}"))
        return text

    def commune_code(self, spec: CommuneCode, node: Scalar, path: str) -> Any:
        text = node.text
        if not node.quoted and plain_type(text) != "str":
            hint = _('quote it: "{text}"').format(text=text.zfill(5)) if _INT_TEXT.match(text) else ""
            return self.wrong(spec, node, path, hint)
        if not re.match(spec.pattern, text):
            return self.wrong(spec, node, path, _("five digits (2A/2B and three digits in Corsica)"))
        return text

    def fact_value(self, spec: FactValue, node: Scalar, path: str) -> Any:
        text = node.text
        if node.quoted:
            if len(text) > MAX_SHORT_STRING:
                self.error(node, path, _("a text value has at most {limit} characters, found {count}").format(
                    limit=MAX_SHORT_STRING, count=len(text)), _("shorten it, or put the detail in note"))
                return MISSING
            return text
        kind = plain_type(text)
        if text in ("true", "false"):
            return text == "true"
        if kind == "bool":
            return self.wrong(spec, node, path, _('write true or false, or quote it: "{text}"').format(text=text))
        if kind in ("int", "float"):
            value = self.number(Number(), node, path)
            return value
        if kind in ("date", "null"):
            return self.wrong(spec, node, path, _('quote it: "{text}"').format(text=text))
        return self.text(Text(max_length=MAX_SHORT_STRING), node, path)


_DIGITS_TEXT = re.compile(r"^[-+]?[0-9]+(?:[ _'\u00a0\u202f]+[0-9]+)+$")  # 50 000, 50_000, 50'000: digits grouped


def _fix(spec: Spec, node: Node, path: str) -> str:
    """What to try when a value is not of its kind and no finer hint applies: every error says how to fix it."""
    name = path.rsplit(".", 1)[-1].split("[", 1)[0] or "..."
    text = node.text if isinstance(node, Scalar) else ""
    if isinstance(spec, (Record, MapOf)):
        first = next(iter(spec.fields), "...") if isinstance(spec, Record) else "<id>"
        return _("write its entries indented under '{name}:', one 'key: value' per line, or as {{{first}: ...}}"
                 ).format(name=name, first=first)
    if isinstance(spec, ListOf):
        return _("write a list: one line '- item' per item, indented under '{name}:', or [item, item]").format(
            name=name)
    if isinstance(spec, (Text, Markdown, Url)) and not isinstance(node, Scalar):
        return _("write one text, in quotes if it starts with [ or {{; for several lines write '{name}: |' and "
                 "the lines indented below").format(name=name)
    if isinstance(spec, Slug) and isinstance(node, Seq) and node.items and isinstance(node.items[0], Scalar):
        return _("write one id, without brackets: {id}").format(id=node.items[0].text)
    if isinstance(spec, FactValue):
        return _("write one value (a number, true or false, or a short text) and put the detail in note")
    if isinstance(spec, Integer) and isinstance(node, Scalar):
        if _DIGITS_TEXT.match(text) and not node.quoted:
            return _("write the digits alone, without spaces or separators: {number}").format(
                number=re.sub(r"[^-+0-9]", "", text))
        if isinstance(spec, Year):
            if isinstance(node, Scalar) and (plain_type(text) == "date" or _DATE_TEXT.match(text)):
                return _("write the year alone: {year}").format(year=text[:4])
            return _("write the year with its four digits, e.g. 2021")
        if spec.minimum is not None and spec.maximum is not None:
            return _("write a whole number from {minimum} to {maximum}").format(minimum=spec.minimum,
                                                                                maximum=spec.maximum)
        if spec.minimum is not None:
            return _("write a whole number of at least {minimum}, in decimal digits").format(minimum=spec.minimum)
        return _("write a whole number in decimal digits")
    if isinstance(spec, Number) and isinstance(node, Scalar):
        if _DIGITS_TEXT.match(text) and not node.quoted:
            return _("write the digits alone, without spaces or separators: {number}").format(
                number=re.sub(r"[^-+0-9]", "", text))
        if spec.positive:
            return _("write a number greater than 0, or remove the field")
        return _("write a number in decimal digits, e.g. 12.5, and put any comment in note")
    if isinstance(spec, Url):
        return _("write an address that starts with https:// or http://")
    return _("write {expected}").format(expected=spec.expected)


def check_sheet(spec: Spec, node: Node | None, report: Report, display: str) -> Checked:
    """Phase 1: the data of one sheet (None if unusable) with its locations and references."""
    checker = SheetChecker(report)
    if node is None:
        if report.errors:
            return checker.checked
        report.error(Location(display, 1, 1), "", _("the sheet is empty"), _("write the fields of the sheet"))
        return checker.checked
    if not isinstance(node, Map):
        report.error(node.loc, "", _("the top of a sheet must be a map of fields, found {found}").format(
            found=describe(node)), _("write 'field: value' lines"))
        return checker.checked
    data = checker.check(spec, node, "")
    checker.checked.data = None if data is MISSING else data
    return checker.checked


@dataclass
class SheetData:
    """A sheet that passed phase 1, with what phase 2 needs to locate its problems."""

    kind: str
    id: str
    display: str
    path: str
    checked: Checked
    territory_id: str | None = None

    @property
    def data(self) -> dict:
        return self.checked.data

    def loc(self, path: str) -> Location:
        return self.checked.locations.get(path) or self.checked.locations.get("") or Location(self.display, 1, 1)
