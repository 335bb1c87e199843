"""Reading one sheet as untrusted input: libyaml events turned into nodes, refusing tags, anchors,
aliases, merge keys, duplicate keys, control and invisible characters, too large or too deep
sheets, each with one message and a hint; never raises for bad input.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from generator.errors import Location, Report
from generator.i18n import _, number
from generator.sheet_nodes import REFUSED_TAG, Map, Node, Scalar, Seq, plain_type
from generator.sheets import SheetFile
from generator.yaml_problems import GENERIC_HINT, PARSER, explain, unknown_problem

# libyaml's parser keeps this fast; the pure-Python one gives the same events. Only the event
# interface of these loaders is used: nothing is constructed.


MAX_BYTES = 1024 * 1024


MAX_DEPTH = 12


PLAIN_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# zero-width and bidirectional formatting characters (U+061C, the Arabic letter mark, is one like U+200E and U+200F;
# U+180E was a zero-width space), and the line and paragraph separators U+2028, U+2029, which YAML reads as line
# ends where no one sees one
INVISIBLE = re.compile("[\u061c\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


NONCHARACTER = re.compile("[\ufffe\uffff]")  # refused by YAML's reader, like the control characters


def _offset_location(text: str, offset: int, display: str) -> Location:
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return Location(display, line, offset - start + 1)


class _Refused(Exception):
    """A structural problem that stops the parse of one sheet (its message is for the user)."""

    def __init__(self, loc: Location, message: str, hint: str = "") -> None:
        self.loc, self.message, self.hint = loc, message, hint
        self.path = ""  # the field path of the value or key refused, where the parse got to tell it


def read_sheet(sheet: SheetFile, report: Report) -> Node | None:
    """Read and parse one sheet; on any problem report it and return None. Never raises for bad input."""
    raw = read_bytes(sheet, report)
    return None if raw is None else parse_sheet(raw, sheet.display, report)


def read_bytes(sheet: SheetFile, report: Report) -> bytes | None:
    """The bytes of one sheet, or None with the reason reported (too large, unreadable)."""
    display = sheet.display
    try:
        size = sheet.path.stat().st_size
        if size > MAX_BYTES:
            report.error(Location(display), "", _too_large(size), _("split the text or move long content elsewhere"))
            return None
        raw = sheet.path.read_bytes()
    except OSError as error:
        report.error(Location(display), "", _("cannot read the file: {reason}").format(reason=error.strerror or error))
        return None
    if len(raw) > MAX_BYTES:  # grown between the two calls
        report.error(Location(display), "", _too_large(len(raw)), _("split the text or move long content elsewhere"))
        return None
    return raw


def _too_large(size: int) -> str:
    return _("the sheet is {size} bytes; the limit is 1 MiB ({limit} bytes)").format(
        size=number(size, grouped_in_english=True), limit=number(MAX_BYTES, grouped_in_english=True))


def parse_sheet(raw: bytes, display: str, report: Report) -> Node | None:
    """Parse the bytes of one sheet (named `display` in messages) into nodes; None with the problems reported."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        prefix = raw[: error.start].decode("utf-8", "replace")
        report.error(_offset_location(prefix, len(prefix), display), "",
                     _("invalid UTF-8 (byte 0x{byte:02x})").format(byte=raw[error.start]), _("save the file as UTF-8"))
        return None
    bad = False
    for pattern, what, hint in (
        (CONTROL, _("control character U+{code:04X} in the sheet"),
         _("remove it; only tab, carriage return and newline are allowed")),
        (INVISIBLE, _("invisible or bidirectional-override character U+{code:04X} in the sheet"),
         _("remove it (it can hide what the text says)")),
        (NONCHARACTER, _("non-character U+{code:04X} in the sheet (YAML does not accept it)"),
         _("remove it (a text editor or a conversion left it there)")),
    ):
        for match in pattern.finditer(text):
            report.error(_offset_location(text, match.start(), display), "",
                         what.format(code=ord(match.group())), hint)
            bad = True
    if bad:
        return None
    problems: list[_Refused] = []
    try:
        node = _build(text, display, problems)
        for p in problems:
            report.error(p.loc, p.path, p.message, p.hint)
        return node
    except _Refused as refused:
        for p in problems:
            report.error(p.loc, p.path, p.message, p.hint)
        report.error(refused.loc, refused.path, refused.message, refused.hint)
    except yaml.MarkedYAMLError as error:
        # libyaml's words told in plain words, at the line of the mistake where it can be told
        loc, message, hint = explain(error, text, display, PARSER)
        report.error(loc, "", message, hint)
    except yaml.YAMLError as error:  # the reader's (the characters it refuses are found above): never expected
        words = f"{error.reason} (#x{error.character:04x})" if isinstance(error, yaml.reader.ReaderError) and \
            isinstance(error.character, int) else str(error)
        report.error(Location(display), "", unknown_problem(words), _(GENERIC_HINT))
    except (RecursionError, MemoryError):
        report.error(Location(display), "", _("the sheet is nested too deeply or too large to read"),
                     _("sheets are flat data: at most a few levels of nesting"))
    return None


# what plain text each scalar tag of the YAML types accepts (plain_type), as YAML itself reads it
_TYPED_TAGS = {"tag:yaml.org,2002:int": ("int",), "tag:yaml.org,2002:float": ("int", "float"),
               "tag:yaml.org,2002:bool": ("bool",), "tag:yaml.org,2002:null": ("null",)}


def _tag_fits(tag: str, cls: type, event: Any) -> bool:
    """A plain YAML tag that says what its value is: never ignored when it says something else (`!!int hello`,
    `!!str` on a map, `!!seq` on a text): YAML itself refuses or misreads these."""
    if cls is _MAP_START:
        return tag == "tag:yaml.org,2002:map"
    if cls is _SEQ_START:
        return tag == "tag:yaml.org,2002:seq"
    if tag == "tag:yaml.org,2002:str":
        return True
    kinds = _TYPED_TAGS.get(tag)
    return kinds is not None and plain_type(event.value) in kinds


def _loc(event, display: str) -> Location:
    mark = event.start_mark
    return Location(display, mark.line + 1, mark.column + 1)


_SCALAR, _MAP_START, _SEQ_START = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent


_MAP_END, _SEQ_END, _ALIAS, _DOC_START = yaml.MappingEndEvent, yaml.SequenceEndEvent, yaml.AliasEvent, \
    yaml.DocumentStartEvent


_DROP = Scalar("", True, Location(""), REFUSED_TAG)  # pending key meaning "drop the value that follows"


def _build(text: str, display: str, problems: list[_Refused]) -> Node | None:
    """Turn libyaml events into nodes, refusing every construct that plain data does not need.

    Problems that leave the rest of the sheet readable (an anchor, an alias, a tag, a bad or
    duplicate key) are collected in `problems` and the offending value is dropped or marked, so
    that one run reports them all; more than one document or deep nesting stop the parse.
    """
    parser = PARSER(text)
    # the lines where a comment may follow a value (` #`): only a plain scalar ending on one of them is looked at
    lines = text.split("\n") if " #" in text or "\t#" in text else []
    commented = {i for i, line in enumerate(lines) if " #" in line or "\t#" in line}
    documents = 0
    root: Node | None = None
    stack: list[Node] = []
    pending_key: list[Scalar | None] = []
    seen_keys: list[dict[str, Scalar]] = []
    get_event, check_event = parser.get_event, parser.check_event
    try:
        while check_event():
            event = get_event()
            cls = event.__class__
            if cls is _MAP_END or cls is _SEQ_END:
                stack.pop()
                pending_key.pop()
                seen_keys.pop()
                continue
            if cls is _SCALAR or cls is _MAP_START or cls is _SEQ_START:
                told = len(problems)
                mark = event.start_mark
                loc = Location(display, mark.line + 1, mark.column + 1)
                tag = event.tag
                refused = False
                if event.anchor is not None:
                    problems.append(_Refused(loc, _("anchor '&{anchor}' is not allowed").format(anchor=event.anchor),
                                             _("sheets are plain data: remove the anchor")))
                if tag is not None and tag != "!" and tag not in PLAIN_TAGS:
                    shown = tag.replace("tag:yaml.org,2002:", "!!")
                    problems.append(_Refused(loc, _("tag '{tag}' is not allowed").format(tag=shown),
                                             _("remove the tag; quote the value if it is text")))
                    refused = True
                elif tag in PLAIN_TAGS and not _tag_fits(tag, cls, event):
                    shown = tag.replace("tag:yaml.org,2002:", "!!")
                    problems.append(_Refused(loc, _("the tag '{tag}' does not fit this value").format(tag=shown),
                                             _("remove the tag; quote the value if it is text")))
                    refused = True
                if cls is _SCALAR:
                    if event.style == '"':  # only double quotes have escapes (\0, \u202E...)
                        bad = CONTROL.search(event.value) or INVISIBLE.search(event.value)
                        if bad:
                            what = _("control character U+{code:04X} written as an escape in a quoted value") \
                                if CONTROL.match(bad.group()) else \
                                _("invisible or bidirectional-override character U+{code:04X} "
                                  "written as an escape in a quoted value")
                            problems.append(_Refused(loc, what.format(code=ord(bad.group())),
                                                     _("remove the escape; only \\t and \\n are allowed")))
                            refused = True
                    # a value tagged !!int, !!float, !!bool or !!null is typed as its plain text, quoted or not
                    quoted = (bool(event.style) and tag not in _TYPED_TAGS) or tag == "tag:yaml.org,2002:str" \
                        or tag == "!"
                    node: Node = Scalar(event.value, quoted, loc, REFUSED_TAG if refused else tag)
                    if not event.style and event.end_mark.line in commented:
                        node.comment = _comment_after(lines, event.end_mark, display)
                else:
                    if len(stack) >= MAX_DEPTH:
                        raise _Refused(loc, _("the sheet is nested more than {depth} levels deep").format(
                                           depth=MAX_DEPTH),
                                       _("sheets need only a few levels: check the indentation"))
                    node = (Map if cls is _MAP_START else Seq)([], loc, REFUSED_TAG if refused else None)
                if len(problems) > told:  # this value's problems: the path where it is written
                    _name(problems[told:], _value_path(stack, pending_key, node))
                    told = len(problems)
                if stack:
                    _attach(node, stack[-1], pending_key, seen_keys, problems)
                    if len(problems) > told:  # its key refused (duplicate, not a string...)
                        _name(problems[told:], _join(_container_path(stack), node))
                elif root is None:
                    root = node
                if cls is not _SCALAR:
                    stack.append(node)
                    pending_key.append(None)
                    seen_keys.append({})
                continue
            if cls is _DOC_START:
                documents += 1
                if documents > 1:
                    raise _Refused(_loc(event, display), _("more than one YAML document in the sheet"),
                                   _("a sheet is one document: remove the '---' line and what follows"))
            elif cls is _ALIAS:
                loc = _loc(event, display)
                problems.append(_Refused(loc, _("alias '*{anchor}' is not allowed").format(anchor=event.anchor),
                                         _("sheets are plain data: write the value again instead of an alias")))
                problems[-1].path = _value_path(stack, pending_key, None)
                if stack:
                    _attach(Scalar("", True, loc, REFUSED_TAG), stack[-1], pending_key, seen_keys, problems)
    finally:
        if hasattr(parser, "dispose"):
            parser.dispose()
    return root


_COMMENT_AFTER = re.compile(r"[ \t]+#")


def _comment_after(lines: list[str], end: Any, display: str) -> tuple[Location, str] | None:
    """Where the comment that follows a plain scalar on its last line starts (its `#`), and the rest of that line
    as written (` #1 du quartier`); None without one. libyaml's marks count characters, as `lines` does."""
    rest = lines[end.line][end.column:].rstrip()
    found = _COMMENT_AFTER.match(rest)
    if found is None:
        return None
    return Location(display, end.line + 1, end.column + found.end()), rest


def _name(problems: list[_Refused], path: str) -> None:
    for p in problems:
        p.path = p.path or path


def _join(path: str, key: Node | int | None) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    name = key.text if isinstance(key, Scalar) else ""
    return path if not name else f"{path}.{name}" if path else name


def _container_path(stack: list[Node]) -> str:
    """The field path of the innermost open map or list (each outer one's last entry holds the next one);
    worked out only when a problem is told, never for the values that have none."""
    path = ""
    for parent in stack[:-1]:
        items = parent.items  # type: ignore[union-attr]
        path = _join(path, len(items) - 1) if parent.__class__ is Seq else _join(path, items[-1][0] if items else None)
    return path


def _value_path(stack: list[Node], pending_key: list[Scalar | None], node: Node | None) -> str:
    """The field path of a node about to be attached to the innermost open map or list (a key: its own)."""
    if not stack:
        return ""
    path, parent = _container_path(stack), stack[-1]
    if parent.__class__ is Seq:
        return _join(path, len(parent.items))  # type: ignore[union-attr]
    key = pending_key[-1]
    return _join(path, node if key is None else None if key is _DROP else key)


def _attach(node: Node, parent: Node, pending_key: list[Scalar | None],
            seen_keys: list[dict[str, Scalar]], problems: list[_Refused]) -> None:
    if parent.__class__ is Seq:
        parent.items.append(node)  # type: ignore[union-attr]
        return
    key = pending_key[-1]
    if key is not None:
        if key is not _DROP:
            parent.items.append((key, node))  # type: ignore[union-attr]
        pending_key[-1] = None
        return
    refusal = _key_refusal(node, seen_keys[-1])
    if refusal is None:
        seen_keys[-1][node.text] = node  # type: ignore[union-attr, index]
        pending_key[-1] = node  # type: ignore[assignment]
        return
    # the entry is dropped; its problem is reported once, and the map is marked so that a field
    # it held is not also reported as missing
    pending_key[-1] = _DROP
    parent.dropped = True  # type: ignore[union-attr]
    if refusal is not _SILENT:
        problems.append(refusal)


_SILENT = _Refused(Location(""), "")


def _key_refusal(node: Node, seen: dict[str, Scalar]) -> _Refused | None:
    """Why this key can't be used (None when it can)."""
    if node.__class__ is not Scalar:
        return _Refused(node.loc, _("a key must be text, not a list or a map"), _("check the indentation"))
    if node.tag == REFUSED_TAG:  # type: ignore[union-attr]
        return _SILENT
    text = node.text  # type: ignore[union-attr]
    if not node.quoted:  # type: ignore[union-attr]
        if text == "<<":
            return _Refused(node.loc, _("merge keys ('<<') are not allowed"), _("write the fields out in full"))
        kind = plain_type(text)
        if kind != "str":
            return _Refused(node.loc, _("key {key} is not a string ({kind})").format(key=repr(text), kind=kind),
                            _('quote it: "{text}":').format(text=text))
    previous = seen.get(text)
    if previous is not None:
        return _Refused(node.loc, _("duplicate key '{key}' (first written at line {line})").format(
                            key=text, line=previous.loc.line),
                        _("keep one of the two; YAML would silently drop the first"))
    return None
