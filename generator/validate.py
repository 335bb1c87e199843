"""Type parsed nodes against the format, then check what only the whole atlas can tell.

Phase 1 (`check_sheet`) turns one sheet's nodes into plain Python data, reporting every problem it
finds and remembering where each value was written. Phase 2 (`check_atlas`) resolves ids across sheets:
parents, partners, sources, vocabulary, uniqueness, loops. Nothing here raises for bad input.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from generator.errors import Location, Report, look_alike
from generator.i18n import N_, _, decimal, ngettext
from generator.ids import MAX_ID_LENGTH, RESERVED_IDS, SLUG, slugify
from generator.schema import (
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
)
from generator.sheets import REFUSED_TAG, Map, Node, Scalar, Seq, plain_type

_INT_TEXT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT_TEXT = re.compile(r"^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")
_DATE_TEXT = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")


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


def nearest(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    return difflib.get_close_matches(word, sorted(set(choices)), n=n, cutoff=0.6)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the nearest of `choices` (ids that exist), or "" when none is near."""
    close = nearest(word, choices)
    if not close:
        return ""
    return _("did you mean {ids}?").format(ids=_(" or ").join(f"'{c}'" for c in close))


def id_candidates(text: str) -> list[str]:
    """What a mistyped id may have meant, most literal first: look-alike letters and dashes made
    ASCII (Cyrillic 'е', non-breaking hyphens), invisible characters dropped, a path reduced to the
    folder or file it names (`bretagne/territory.yml` -> `bretagne`), then slugified."""
    cleaned = "".join(look_alike(ch) or ch for ch in text
                      if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"))
    out = [cleaned, cleaned.strip().casefold()]
    parts = [part for part in re.split(r"[\\/]+", cleaned.strip()) if part and part not in (".", "..")]
    if len(parts) > 1:
        for part in reversed(parts):
            stem = re.sub(r"\.ya?ml$", "", part, flags=re.IGNORECASE)
            if stem.casefold() not in ("territory", "hubs", "territories"):
                out.append(stem)
    out += [slugify(c) for c in out]
    return [c for c in dict.fromkeys(out) if c]


def ref_hint(text: str, choices: Iterable[str], fallback: str) -> str:
    """A hint for an id that names nothing: only ids that exist are proposed."""
    known = set(choices)
    candidates = id_candidates(text)
    exact = [c for c in candidates if c in known]
    if exact:
        return _("did you mean {ids}?").format(ids=f"'{exact[0]}'")
    for candidate in candidates:
        hint = did_you_mean(candidate, known)
        if hint:
            return hint
    return fallback


def describe(node: Node) -> str:
    """How a message names what was found."""
    if isinstance(node, Map):
        return _("a map")
    if isinstance(node, Seq):
        return _("a list")
    text = node.text
    if node.quoted:
        return _quote(text)
    kind = plain_type(text)
    if kind == "null":
        return _("nothing")
    if kind == "bool":
        return _("{text} (read by YAML as a boolean)").format(text=text)
    if kind == "date":
        return _("{text} (read by YAML as a date)").format(text=text)
    if kind in ("int", "float"):
        return text
    return _quote(text)


def _quote(text: str) -> str:
    shown = text if len(text) <= 60 else text[:57] + "..."
    return '"' + shown.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


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
                                                                               found=describe(node)), hint)
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
        known = list(spec.fields)
        for key, value in node.items:
            name = key.text
            sub = join(path, name)
            if name not in spec.fields:
                hint = did_you_mean(name, known) or _("known fields: {fields}").format(fields=", ".join(known))
                self.error(key, sub, _("unknown field '{name}'").format(name=name), hint)
                continue
            self.checked.locations[sub + "#key"] = key.loc
            result = self.check(spec.fields[name].spec, value, sub)
            if result is not MISSING:
                out[name] = result
        present = set(node.keys())
        for name, f in spec.fields.items():
            if f.required and name not in present and not node.dropped:
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
        return text

    def enum(self, spec: Enum, node: Scalar, path: str) -> Any:
        if node.text in spec.values and (node.quoted or plain_type(node.text) == "str"):
            return node.text
        hint = did_you_mean(node.text, spec.values) if plain_type(node.text) == "str" or node.quoted else \
            _("write one of the listed words")
        return self.wrong(spec, node, path, hint)

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
                                                                                   found=_quote(text)),
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
            if "," in text and _FLOAT_TEXT.match(text.replace(",", ".", 1)):
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


# "unknown <word> 'x'" for each list of the vocabulary (messages, translated where they are made)
UNKNOWN_VOCABULARY = {"hub_types": N_("unknown hub type '{id}'"), "services": N_("unknown service '{id}'"),
                      "themes": N_("unknown theme '{id}'"), "networks": N_("unknown network '{id}'")}
REF_FALLBACK = {"territory": N_("write the id of a territory that has a sheet"),
                "hub": N_("write the id of a hub that has a sheet"),
                "source": N_("define it under sources: in this sheet or in territories/sources.yml")}


def _broken_sheets(report: Report, sheets: Iterable[SheetData]) -> tuple[set[str], set[str], bool]:
    """Ids of the territory and hub sheets that failed before phase 2 (their errors are reported),
    and whether the vocabulary failed: what they define is unknown, not missing, so references to
    it must not add a second, misleading error ("unknown hub ... did you mean" its own partner)."""
    listed = {s.display for s in sheets}
    territories: set[str] = set()
    hubs: set[str] = set()
    vocabulary = False
    for problem in report.errors:
        if problem.location.file in listed:
            continue
        path = PurePosixPath(problem.location.file)
        if path.name == "territory.yml":
            territories.add(path.parent.name)
        elif path.parent.name == "hubs" and path.suffix in (".yml", ".yaml"):
            hubs.add(path.stem)
        elif path.name == "vocabulary.yml":
            vocabulary = True
    return territories, hubs, vocabulary


def _report_bad_ref(report: Report, sheet: SheetData, kind: str, node: Scalar, path: str,
                    choices: Iterable[str], fallback: str) -> None:
    """A reference that is not an id: what was found, and a hint naming only an id that exists."""
    text = node.text
    plain = plain_type(text) if not node.quoted else "str"
    known = set(choices)
    expected = Slug().expected
    if plain == "null":
        message = _("expected {expected}, found {found}").format(expected=expected, found=_("nothing"))
        hint = _("remove the empty item") if path.endswith("]") else _("write an id, or remove the field")
    elif plain not in ("str", "int"):
        message = _("expected {expected}, found {found}").format(expected=expected, found=describe(node))
        hint = _('quote it: "{text}"').format(text=text) if text in known else ref_hint(text, known, fallback)
    else:
        message = _("expected {expected}, found {found}").format(expected=expected, found=_quote(text))
        hint = ref_hint(text, known, fallback)
    report.error(node.loc, path, message, hint)


def check_id(report: Report, sheet: SheetData, what: str) -> bool:
    """The folder or file name is the id: a slug, not reserved, equal to an `id:` field if any."""
    loc = Location(sheet.display)
    ident = sheet.id
    territory = what == "territory"
    if len(ident) > MAX_ID_LENGTH:
        message = _("the territory id '{id}...' has {count} characters; at most {limit}") if territory else \
            _("the hub id '{id}...' has {count} characters; at most {limit}")
        report.error(loc, "id", message.format(id=ident[:40], count=len(ident), limit=MAX_ID_LENGTH),
                     _("rename the folder with a shorter id") if territory else _("rename the file with a shorter id"))
        return False
    if not SLUG.match(ident):
        message = _("the territory id {id} (from the folder name) is not a valid id") if territory else \
            _("the hub id {id} (from the file name) is not a valid id")
        report.error(loc, "id", message.format(id=_quote(ident)),
                     _("rename it '{id}': lower-case letters, digits and dashes").format(id=slugify(ident))
                     if slugify(ident) else _("use lower-case letters, digits and dashes"))
        return False
    if ident in RESERVED_IDS:
        report.error(loc, "id", _("the id '{id}' is reserved for the site's own pages").format(id=ident),
                     _("choose another id, e.g. '{id}'").format(id=f"{ident}-{'territoire' if territory else 'hub'}"))
        return False
    written = sheet.data.get("id") if sheet.data else None
    if written is not None and written != ident:
        message = _("the id field '{written}' differs from the folder name '{id}'") if territory else \
            _("the id field '{written}' differs from the file name '{id}'")
        report.error(sheet.loc("id"), "id", message.format(written=written, id=ident),
                     _("write id: {id}, or remove the id field").format(id=ident))
    return True


def check_atlas(report: Report, territories: list[SheetData], hubs: list[SheetData],
                vocabulary: dict[str, dict], shared_sources: dict[str, dict], shared_locs: dict[str, Location],
                as_of: date, catalogue: SheetData | None = None) -> tuple[dict[str, SheetData], dict[str, SheetData]]:
    """Phase 2: ids, references, loops and the rules that tie fields together; warnings on facts."""
    indicators: dict[str, dict] = catalogue.data if catalogue is not None else {}
    if catalogue is not None:
        _check_catalogue(report, catalogue, shared_sources)
    by_id: dict[str, SheetData] = {}
    valid_t: dict[str, SheetData] = {}
    valid_h: dict[str, SheetData] = {}
    for sheet in [*territories, *hubs]:
        if not check_id(report, sheet, sheet.kind):
            continue
        first = by_id.get(sheet.id)
        if first is not None:
            report.error(Location(sheet.display), "id", _("the id '{id}' is already used by {sheet}").format(
                id=sheet.id, sheet=first.display), _("ids are unique across territories and hubs: rename one of them"))
            continue
        by_id[sheet.id] = sheet
        (valid_t if sheet.kind == "territory" else valid_h)[sheet.id] = sheet

    all_t = {s.id for s in territories}
    all_h = {s.id for s in hubs}
    broken_t, broken_h, broken_vocabulary = _broken_sheets(report, [*territories, *hubs])
    for sheet in [*territories, *hubs]:
        for kind, node, path in sheet.checked.bad_refs:
            choices = {"territory": all_t - {sheet.id}, "hub": all_h - {sheet.id},
                       "source": [*sheet.data.get("sources", {}), *shared_sources]}.get(kind)
            if choices is None:
                if broken_vocabulary:
                    continue
                choices = vocabulary.get(kind, {})
            fallback = _(REF_FALLBACK[kind]) if kind in REF_FALLBACK else \
                _("add it to {list} in territories/vocabulary.yml").format(list=kind)
            _report_bad_ref(report, sheet, kind, node, path, choices, fallback)
        local = sheet.data.get("sources", {})
        for sid in local:
            if sid in shared_sources:
                report.error(sheet.loc(f"sources.{sid}#key"), f"sources.{sid}",
                             _("the source id '{id}' is already defined in the shared sources.yml").format(id=sid),
                             _("cite the shared source as source: {id} and remove it here, or rename it").format(
                                 id=sid))
        for kind, ident, path in sheet.checked.refs:
            loc = sheet.loc(path)
            if kind == "territory":
                if ident in all_t or ident in broken_t:  # a broken sheet's own errors say enough
                    continue
                message = _("unknown territory '{id}' ('{id}' is a hub)") if ident in all_h else \
                    _("unknown territory '{id}'")
                report.error(loc, path, message.format(id=ident),
                             did_you_mean(ident, all_t - {sheet.id}) or _(REF_FALLBACK["territory"]))
            elif kind == "hub":
                if ident == sheet.id:
                    report.error(loc, path, _("a hub cannot be its own partner"), _("remove it from partners"))
                elif ident not in all_h and ident not in broken_h:
                    message = _("unknown hub '{id}' ('{id}' is a territory)") if ident in all_t else \
                        _("unknown hub '{id}'")
                    report.error(loc, path, message.format(id=ident),
                                 did_you_mean(ident, all_h - {sheet.id}) or _(REF_FALLBACK["hub"]))
            elif kind == "source":
                if ident not in local and ident not in shared_sources:
                    report.error(loc, path, _("unknown source '{id}'").format(id=ident),
                                 did_you_mean(ident, [*local, *shared_sources]) or _(REF_FALLBACK["source"]))
            else:
                entries = vocabulary.get(kind, {})
                if ident not in entries and not broken_vocabulary:
                    report.error(loc, path, _(UNKNOWN_VOCABULARY[kind]).format(id=ident),
                                 did_you_mean(ident, entries)
                                 or _("add it to {list} in territories/vocabulary.yml").format(list=kind))
        _check_rules(report, sheet, as_of, indicators)

    # parent loops: follow each chain; a chain that comes back to a territory is a loop
    parents = {tid: s.data.get("parent") for tid, s in valid_t.items()}
    reported: set[str] = set()
    for start in parents:
        seen: list[str] = []
        current: str | None = start
        while current is not None and current in parents and current not in seen:
            seen.append(current)
            current = parents[current]
        if current is not None and current in seen and current not in reported:
            loop = seen[seen.index(current):]
            for tid in loop:
                reported.add(tid)
                chain = " -> ".join([*loop[loop.index(tid):], *loop[:loop.index(tid)], tid])
                report.error(valid_t[tid].loc("parent"), "parent", _("parent loop: {chain}").format(chain=chain),
                             _("a territory cannot be inside itself: fix one of these parents"))
    _check_codes(report, valid_t)
    _check_hubs_inside(report, valid_t, valid_h)
    return valid_t, valid_h


def _check_catalogue(report: Report, catalogue: SheetData, shared_sources: dict[str, dict]) -> None:
    """The catalogue's entries: a source (shared, since the catalogue has no sources of its own) or `derived`."""
    for kind, node, path in catalogue.checked.bad_refs:
        _report_bad_ref(report, catalogue, kind, node, path, shared_sources if kind == "source" else (),
                        _("define it in territories/sources.yml"))
    for kind, ident, path in catalogue.checked.refs:
        if kind == "source" and ident not in shared_sources:
            report.error(catalogue.loc(path), path, _("unknown source '{id}'").format(id=ident),
                         did_you_mean(ident, shared_sources) or _("define it in territories/sources.yml"))
    for iid, entry in catalogue.data.items():
        if "source" in entry and "derived" in entry:
            report.error(catalogue.loc(f"{iid}.derived"), f"{iid}.derived",
                         _("an indicator has either a source or derived, not both"),
                         _("keep source for official data, derived for what the atlas computes itself"))
        elif "source" not in entry and "derived" not in entry:
            report.error(catalogue.loc(iid), f"{iid}.source", _("an indicator needs a source (or derived)"),
                         _("add source: <id of territories/sources.yml>"))


def _check_codes(report: Report, valid_t: dict[str, SheetData]) -> None:
    """Two territories of one level may not share an official code (a copied sheet, a wrong code)."""
    first: dict[tuple[str, str], SheetData] = {}
    for sheet in sorted(valid_t.values(), key=lambda s: s.display.split("/")):  # doubs before doubs-bis
        code, level = sheet.data.get("code"), sheet.data.get("level")
        if code is None or level is None:
            continue
        seen = first.setdefault((level, code), sheet)
        if seen is not sheet:
            report.error(sheet.loc("code"), "code",
                         _('the code "{code}" is already the code of {sheet} (level {level})').format(
                             code=code, sheet=seen.display, level=level),
                         _("two territories of one level cannot share an official code: "
                           "check the code, or keep one of the two sheets"))


OUTSIDE_TOLERANCE_KM = 1.0


def _check_hubs_inside(report: Report, valid_t: dict[str, SheetData], valid_h: dict[str, SheetData]) -> None:
    """A hub placed at its address must lie inside its territory's outline (where the atlas has one)."""
    from generator import geo  # the outlines are read only when a hub has to be checked

    for sheet in valid_h.values():
        coords = sheet.data.get("coordinates")
        territory = valid_t.get(sheet.territory_id or "")
        if coords is None or territory is None or coords.get("precision", "address") != "address":
            continue
        outline = geo.outline_of(territory.data.get("level"), territory.data.get("code"))
        if outline is None:
            continue
        lat, lon = coords["value"]
        distance = geo.distance_outside_km(outline, lat, lon)
        if distance <= OUTSIDE_TOLERANCE_KM:
            continue
        name = territory.data.get("name", sheet.territory_id)
        hint = _("check the point (latitude first, then longitude), or move the sheet to the territory it is in")
        if -90 <= lon <= 90 and geo.distance_outside_km(outline, lon, lat) <= OUTSIDE_TOLERANCE_KM:
            hint = _("latitude and longitude look swapped: {point} is inside {name}").format(
                point=f"[{lon}, {lat}]", name=name)
        report.error(sheet.loc("coordinates"), "coordinates",
                     _("{point} is {distance} km outside the outline of its territory {name}").format(
                         point=f"[{lat}, {lon}]", distance=decimal(distance, 1), name=name), hint)


def _value(fact: dict | None) -> Any:
    return fact.get("value") if fact is not None else None


def _check_rules(report: Report, sheet: SheetData, as_of: date, indicators: dict[str, dict]) -> None:
    data = sheet.data
    if sheet.kind == "territory":
        for key, pillar in (data.get("pillars") or {}).items():
            if "rating" in pillar and not (pillar.get("rationale") or "").strip():
                path = f"pillars.{key}.rating"
                report.error(sheet.loc(path), path, _("a rating needs a rationale"),
                             _("add pillars.{key}.rationale: why this rating, or remove the rating").format(key=key))
        _check_measures(report, sheet, indicators)
    else:
        status, closed_in, founded = (_value(data.get(k)) for k in ("status", "closed_in", "founded"))
        if closed_in is not None and status is not None and status != "closed":
            report.error(sheet.loc("closed_in"), "closed_in",
                         _("closed_in is set but status is '{status}'").format(status=status),
                         _("set status: closed, or remove closed_in"))
        if closed_in is not None and founded is not None and closed_in < founded:
            report.error(sheet.loc("closed_in"), "closed_in",
                         _("closed in {closed_in}, before it was founded ({founded})").format(
                             closed_in=closed_in, founded=founded), _("check both years"))
        if data.get("status", {}).get("_bare"):
            report.warning(sheet.loc("status"), "status", _("status without a source"),
                           _("write status: {{value: {status}, year: <year a source saw it>, source: <id>}}").format(
                               status=status))
    for path, fact in iter_facts(data, sheet.kind, indicators):
        loc = fact.get("_loc") or sheet.loc(path)
        if "source" not in fact:
            report.warning(loc, path, _("fact without a source"),
                           _("add source: <id> (a source of this sheet or of territories/sources.yml)"))
        year = fact.get("year")
        if year is not None and year < as_of.year - 5:
            if path == "status" and fact["value"] == "closed":
                continue  # a closure does not go stale
            if path == "status":
                report.notice(loc, path, _("status '{status}' last seen by a source in {year}, more than "
                                           "five years ago: shown as to be checked").format(
                                  status=fact["value"], year=year), _("find a recent source and update year"))
            else:
                report.notice(loc, path,
                              _("fact from {year}, more than five years old: shown as old").format(year=year),
                              _("update it with a recent figure, or keep it marked as old"))


def _check_measures(report: Report, sheet: SheetData, indicators: dict[str, dict]) -> None:
    level = sheet.data.get("level")
    for iid in sheet.data.get("measures") or {}:
        path = f"measures.{iid}"
        entry = indicators.get(iid)
        if entry is None:
            report.error(sheet.loc(path + "#key"), path, _("unknown indicator '{id}'").format(id=iid),
                         did_you_mean(iid, indicators) or _("use an id of territories/indicators.yml"))
        elif "derived" in entry:
            report.error(sheet.loc(path + "#key"), path,
                         _("the indicator '{id}' is computed by the atlas").format(id=iid),
                         _("remove this measure: the atlas derives it from the sheets"))
        elif level not in entry.get("levels", ()):
            report.error(sheet.loc(path + "#key"), path,
                         _("the indicator '{id}' is not measured for the level {level} (levels: {levels})").format(
                             id=iid, level=level, levels=", ".join(entry.get("levels", ()))),
                         _("remove the measure, or add {level} to its levels in territories/indicators.yml").format(
                             level=level))


HUB_FACTS = ("status", "founded", "closed_in", "address", "coordinates")


def iter_facts(data: dict, kind: str, indicators: dict[str, dict] | None = None) -> Iterable[tuple[str, dict]]:
    """The facts of a checked sheet (plain data) with their field paths. A bare measure takes its source
    and year from the catalogue; a bare hub identity field is a plain value, not a fact."""
    if kind == "territory":
        for name in ("population", "area_km2"):
            if name in data:
                yield name, data[name]
        for key, pillar in (data.get("pillars") or {}).items():
            for i, fact in enumerate(pillar.get("indicators") or []):
                yield f"pillars.{key}.indicators[{i}]", fact
        for iid, fact in (data.get("measures") or {}).items():
            entry = (indicators or {}).get(iid, {})
            defaults = {k: entry[k] for k in ("source", "year") if k in entry}
            yield f"measures.{iid}", {**defaults, **fact}
        return
    for name in HUB_FACTS:
        fact = data.get(name)
        if fact is not None and not fact.get("_bare"):
            yield name, fact
    for i, fact in enumerate(data.get("figures") or []):
        yield f"figures[{i}]", fact
