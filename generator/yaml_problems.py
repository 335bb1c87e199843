"""What libyaml (or PyYAML's own scanner and parser) says of a sheet it cannot read, told in plain words,
at the place of the real mistake, with a fix to try.

libyaml reports where it noticed a problem, often a line or more after the mistake: a quote or a bracket
left open is noticed at the end of the sheet or at the next field, a missing ':' on the next line. Where
the mistake can be told, the message points at it: the error's `context_mark` (where the quoted value,
the list in brackets or the field began) and the tokens read before the error (the quoted value that
ended too early, the line that was read with the next one) name it.

`PROBLEMS` lists every problem libyaml 0.2's scanner and parser can report (src/scanner.c, src/parser.c),
by kind; `_PYTHON_WORDS` brings the pure-Python scanner's and parser's words (yaml/scanner.py,
yaml/parser.py, used when libyaml is missing) to libyaml's. Nothing else can reach a contributor: sheets
are read as events, so the composer's problems (undefined alias, duplicate anchor) and the constructor's
(unknown tag, bad timestamp) never arise; the reader's (a non-character such as U+FFFF) are found before
parsing (generator.sheet_parser). An unknown problem (a newer libyaml) is still framed in the language in
use, with libyaml's English words in it.
"""

from __future__ import annotations

import re
from collections import deque

import yaml

from generator.errors import Location
from generator.i18n import N_, _
from generator.sheet_nodes import plain_type

# the parser whose tokens tell where a mistake is (libyaml's when installed): the sheets' and mkdocs.yml's reader
PARSER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)

# libyaml's problem -> the kind of mistake (the context refines some: see _kind)
PROBLEMS: dict[str, str] = {
    # scanner.c
    "found character that cannot start any token": "start",
    "could not find expected ':'": "simple-key",
    "block sequence entries are not allowed in this context": "block-entry",
    "mapping keys are not allowed in this context": "mapping-key",
    "mapping values are not allowed in this context": "mapping-value",
    "found unknown directive name": "directive",
    "did not find expected comment or line break": "directive",  # also after '|' or '>'
    "could not find expected directive name": "directive",
    "found unexpected non-alphabetical character": "directive",
    "did not find expected digit or '.' character": "directive",
    "found extremely long version number": "directive",
    "did not find expected version number": "directive",
    "did not find expected whitespace": "directive",
    "did not find expected whitespace or line break": "tag",  # also in a %TAG directive
    "did not find expected alphabetic or numeric character": "anchor",  # also in a directive
    "did not find the expected '>'": "tag",
    "did not find expected '!'": "tag",
    "did not find expected tag URI": "tag",
    "did not find URI escaped octet": "tag",
    "found an incorrect leading UTF-8 octet": "tag",
    "found an incorrect trailing UTF-8 octet": "tag",
    "found an indentation indicator equal to 0": "block-header",
    "found a tab character where an indentation space is expected": "tab",
    "found a tab character that violates indentation": "tab",
    "found unexpected document indicator": "unclosed-quote",
    "found unexpected end of stream": "unclosed-quote",
    "found unknown escape character": "escape",
    "did not find expected hexdecimal number": "escape",
    "found invalid Unicode character escape code": "escape",
    "found unexpected ':'": "flow-colon",
    # parser.c
    "did not find expected <document start>": "document-start",
    "found undefined tag handle": "tag",
    "did not find expected node content": "node-content",
    "did not find expected '-' indicator": "expected-item",
    "did not find expected key": "expected-key",
    "did not find expected ',' or ']'": "flow-sequence",
    "did not find expected ',' or '}'": "flow-mapping",
    "found duplicate %YAML directive": "directive",
    "found incompatible YAML document": "directive",
    "found duplicate %TAG directive": "directive",
    "Maximum nesting level reached, set with yaml_set_max_nest_level())": "nesting",
}

# the pure-Python scanner's and parser's words (with the character or token they found) -> libyaml's
_PYTHON_WORDS: list[tuple[re.Pattern[str], str]] = [(re.compile(pattern), problem) for pattern, problem in (
    (r"found character .* that cannot start any token", "found character that cannot start any token"),
    (r"sequence entries are not allowed here", "block sequence entries are not allowed in this context"),
    (r"mapping keys are not allowed here", "mapping keys are not allowed in this context"),
    (r"mapping values are not allowed here", "mapping values are not allowed in this context"),
    (r"expected ',' or '\]', but got ", "did not find expected ',' or ']'"),
    (r"expected ',' or '\}', but got ", "did not find expected ',' or '}'"),
    (r"expected the node content, but found ", "did not find expected node content"),
    (r"found unknown escape character ", "found unknown escape character"),
    (r"expected escape sequence of \d+ hexadecimal numbers", "did not find expected hexdecimal number"),
    (r"found unexpected document separator", "found unexpected document indicator"),
    (r"expected indentation indicator in the range 1-9", "found an indentation indicator equal to 0"),
    (r"expected chomping or indentation indicators", "did not find expected comment or line break"),
    (r"expected a comment or a line break", "did not find expected comment or line break"),
    (r"expected alphabetic or numeric character", "did not find expected alphabetic or numeric character"),
    (r"expected a digit", "did not find expected digit or '.' character"),
    (r"expected ' ', but found ", "did not find expected whitespace or line break"),
    (r"expected '<document start>'", "did not find expected <document start>"),
    (r"found duplicate YAML directive", "found duplicate %YAML directive"),
    (r"found incompatible YAML document", "found incompatible YAML document"),
    (r"duplicate tag handle ", "found duplicate %TAG directive"),
    (r"found undefined tag handle ", "found undefined tag handle"),
    (r"expected '>', but found ", "did not find the expected '>'"),
    (r"expected '!', but found ", "did not find expected '!'"),
    (r"expected URI, but found ", "did not find expected tag URI"),
    (r"expected URI escape sequence", "did not find URI escaped octet"),
    (r"'[\w-]+' codec can't decode", "found an incorrect leading UTF-8 octet"),
)]

GENERIC_HINT = N_("check the indentation and quote values that contain ': ' or start with a special character")

_QUOTES = {'"': "double", "'": "single"}
_HEX_DIGITS = {"x": 2, "u": 4, "U": 8}
_EXAMPLE_LENGTH = 60  # longer values are cut with '…' in the examples of the hints


def libyaml_words(context: str, problem: str) -> str:
    """libyaml's words for a problem, whichever parser reported it."""
    if problem in PROBLEMS:
        return problem
    if problem.startswith("expected <block end>, but found "):
        return "did not find expected '-' indicator" if "collection" in context else "did not find expected key"
    for pattern, words in _PYTHON_WORDS:
        if pattern.match(problem):
            return words
    return problem


def _kind(context: str, problem: str) -> str | None:
    kind = PROBLEMS.get(problem)
    if kind is None or kind in ("tab", "unclosed-quote", "escape", "nesting"):
        return kind
    if "directive" in context:
        return "directive"
    if "anchor" in context or "alias" in context:
        return "anchor"
    if "block scalar" in context:
        return "block-header"
    if " tag" in context:
        return "tag"
    return kind


class _Sheet:
    """The sheet's lines, and locations in them (0-based line and column in, 1-based out)."""

    def __init__(self, text: str, display: str) -> None:
        self.lines = [line.rstrip("\r") for line in text.split("\n")]
        self.display = display

    def line(self, n: int) -> str:
        return self.lines[n] if 0 <= n < len(self.lines) else ""

    def char(self, n: int, column: int) -> str:
        line = self.line(n)
        return line[column] if 0 <= column < len(line) else ""

    def loc(self, n: int, column: int) -> Location:
        return Location(self.display, n + 1, column + 1)

    def first_character(self, n: int) -> int:
        line = self.line(n)
        return len(line) - len(line.lstrip(" \t"))


def explain(error: yaml.MarkedYAMLError, text: str, display: str, parser: type) -> tuple[Location, str, str]:
    """Where the mistake is, what it is and what to try, for a parse error of `text` (read with `parser`)."""
    context, problem = error.context or "", libyaml_words(error.context or "", error.problem or "")
    mark = error.problem_mark or error.context_mark
    if mark is None:
        return Location(display), unknown_problem(problem or context), _(GENERIC_HINT)
    sheet = _Sheet(text, display)
    start = error.context_mark if error.problem_mark is not None else None
    kind = _kind(context, problem)
    found = _tab(sheet, mark, kind) or _by_kind(sheet, kind, problem, mark, start) or \
        _after_token(sheet, kind, mark, start, _tokens_before(text, parser, mark))
    if found is not None:
        loc, what, hint = found
        return loc, _("not valid YAML: {problem}").format(problem=what), hint
    if kind is not None:  # a known problem with nothing more to say: libyaml's place, its kind in words
        return sheet.loc(mark.line, mark.column), _("not valid YAML: {problem}").format(
            problem=_("the text here does not fit the structure around it")), _(GENERIC_HINT)
    return sheet.loc(mark.line, mark.column), unknown_problem(problem or context), _(GENERIC_HINT)


def unknown_problem(words: str) -> str:
    return _("not valid YAML (the YAML reader says: \u201c{problem}\u201d)").format(problem=words)


Found = tuple[Location, str, str] | None


def _tab(sheet: _Sheet, mark, kind: str | None) -> Found:
    """A tab in the indentation of the line where libyaml stopped, or where a space was expected."""
    line = sheet.line(mark.line)
    indent = sheet.first_character(mark.line)
    if "\t" in line[:indent] and (mark.column <= indent or kind == "tab"):
        column = line.index("\t")
        return (sheet.loc(mark.line, column),
                _("tab character in the indentation of line {line} (column {column}): YAML indents with "
                  "spaces only").format(line=mark.line + 1, column=column + 1),
                _("replace the tab with spaces (2 per level) and set the editor to insert spaces"))
    if sheet.char(mark.line, mark.column) == "\t" or kind == "tab":
        column = mark.column if sheet.char(mark.line, mark.column) == "\t" else max(line.find("\t"), 0)
        return (sheet.loc(mark.line, column),
                _("tab character at line {line}, column {column}, where YAML expects a space").format(
                    line=mark.line + 1, column=column + 1),
                _("replace the tab with a space"))
    return None


def _by_kind(sheet: _Sheet, kind: str | None, problem: str, mark, start) -> Found:
    """The mistakes that libyaml's marks place by themselves."""
    if kind == "unclosed-quote" and start is not None:
        return _unclosed_quote(sheet, start.line, start.column)
    if kind == "nesting":
        return (sheet.loc(mark.line, mark.column), _("the sheet is nested too deeply or too large to read"),
                _("sheets are flat data: at most a few levels of nesting"))
    if kind == "escape":
        line = sheet.line(mark.line)
        backslash = line.rfind("\\", 0, mark.column + 1)
        backslash = mark.column if backslash < 0 else backslash
        letter = sheet.char(mark.line, backslash + 1)
        if problem == "found invalid Unicode character escape code":
            escape = sheet.line(mark.line)[backslash:backslash + 2 + _HEX_DIGITS.get(letter, 0)]
            what = _("the escape '{escape}' is not a valid Unicode character").format(escape=escape)
        elif letter in _HEX_DIGITS:
            what = _("the escape '\\{letter}' must be followed by {count} hexadecimal digits (0-9, a-f)").format(
                letter=letter, count=_HEX_DIGITS[letter])
        else:
            what = _("unknown escape '\\{letter}' in a value in double quotes").format(letter=letter)
        return (sheet.loc(mark.line, backslash), what,
                _("write the character itself, or \\\\ for a backslash; or put the value in single quotes, "
                  "where '\\' is an ordinary character"))
    if kind == "block-header" and start is not None:
        indicator = sheet.char(start.line, start.column)
        return (sheet.loc(mark.line, mark.column),
                _("after '{indicator}' (a block of text) only '-', '+' or a digit from 1 to 9 may follow on the "
                  "same line").format(indicator=indicator),
                _("write '{example}' alone on its line and the text on the next lines, indented by 2 spaces")
                .format(example=sheet.line(start.line)[:start.column + 1].strip()))
    if kind in ("directive", "document-start"):
        return _directive(sheet, kind, mark, start)
    if kind in ("anchor", "tag") and start is not None:
        sign = sheet.char(start.line, start.column)
        what = _("'{sign}' at the start of a value marks a YAML tag, and this one cannot be read") \
            if kind == "tag" else _("'{sign}' at the start of a value marks a YAML anchor or alias")
        return (sheet.loc(start.line, start.column), what.format(sign=sign),
                _("if it is text, put the value in quotes: {example}").format(
                    example=_quoted(sheet.line(start.line), start.column)))
    if kind == "start":
        sign = sheet.char(mark.line, mark.column)
        return (sheet.loc(mark.line, mark.column),
                _("a value cannot start with '{sign}' (YAML reserves it)").format(sign=sign),
                _("put the value in quotes: {example}").format(example=_quoted(sheet.line(mark.line), mark.column)))
    if kind == "simple-key" and start is not None:
        return (sheet.loc(start.line, start.column),
                _("this line is neither a field ('name: value') nor a list item ('- value'): its ':' is missing"),
                _colon_hint(sheet.line(start.line)))
    if kind == "block-entry":
        return (sheet.loc(mark.line, mark.column), _("a list item ('- ') cannot start on the line of its field"),
                _("write the list on the next lines, indented ('  - value'), or in brackets ([a, b]); "
                  "if the '-' is text, put the value in quotes"))
    if kind == "mapping-key":
        return (sheet.loc(mark.line, mark.column),
                _("'?' here would start a complex YAML key, which sheets do not use"),
                _("put the value in quotes: {example}").format(example=_quoted(sheet.line(mark.line), mark.column)))
    if kind == "flow-colon":
        return (sheet.loc(mark.line, mark.column),
                _("a ':' followed by ',' or a bracket inside a list or map in brackets"),
                _("put the item in quotes: [\"a:\", b]"))
    return None


def _unclosed_quote(sheet: _Sheet, line: int, column: int, closed_at: tuple[int, int] | None = None) -> Found:
    quote = sheet.char(line, column)
    text = sheet.line(line)
    example = text[column:].rstrip()
    example = text[:column] + (example if len(example) > 1 and example.endswith(quote) else example + quote)
    if closed_at is None:
        what = _("the double quote opened here is never closed: YAML read the rest of the sheet as part of the "
                 "value") if quote == '"' else \
            _("the single quote (apostrophe) opened here is never closed: YAML read the rest of the sheet as part "
              "of the value")
    else:
        what = (_("the double quote opened here is not closed on its line: YAML read everything up to the quote "
                  "of line {line}, column {column} as one value") if quote == '"' else
                _("the single quote (apostrophe) opened here is not closed on its line: YAML read everything up to "
                  "the apostrophe of line {line}, column {column} as one value")).format(
            line=closed_at[0] + 1, column=closed_at[1] + 1)
    hint = _("end the value with the same quote, on its line: {example}") if quote == '"' else \
        _("end the value with the same quote, on its line: {example}; inside single quotes, write an apostrophe "
          "twice ('L''atelier')")
    return sheet.loc(line, column), what, hint.format(example=_cut(example.strip()))


def _directive(sheet: _Sheet, kind: str, mark, start) -> Found:
    hint = _("remove the line; if it is text, put it in quotes or under its field, indented")
    if kind == "directive" and start is not None:
        return (sheet.loc(start.line, 0),
                _("a line that starts with '%' is a YAML directive, which sheets do not use"), hint)
    for n in range(min(mark.line, len(sheet.lines) - 1), -1, -1):
        text = sheet.line(n)
        if text.startswith("%"):
            return (sheet.loc(n, 0), _("a line that starts with '%' is a YAML directive, which sheets do not use"),
                    hint)
        if text.rstrip() == "...":
            return (sheet.loc(n, 0),
                    _("the line '...' ends the YAML document: what follows it is not read as part of the sheet"),
                    _("remove the '...' line: a sheet is one document"))
    if kind == "directive":
        return (sheet.loc(mark.line, mark.column),
                _("a line that starts with '%' is a YAML directive, which sheets do not use"), hint)
    return (sheet.loc(mark.line, mark.column),  # `[a]` or `"a"` then more lines: the top value had ended
            _("the top of the sheet ended before this line: what follows is outside it"),
            _("a sheet is one map of fields, one per line ('name: value'), with no brackets or quotes around "
              "the whole sheet"))


def _tokens_before(text: str, parser: type, mark) -> list:
    """The last tokens that start before the mark, read again (only after an error: sheets are small)."""
    found: deque = deque(maxlen=6)
    reader = parser(text)
    where = (mark.line, mark.column)
    try:
        while reader.check_token():
            token = reader.get_token()
            if (token.start_mark.line, token.start_mark.column) >= where:
                break
            found.append(token)
    except yaml.YAMLError:
        pass
    finally:
        if hasattr(reader, "dispose"):
            reader.dispose()
    return list(found)


def _after_token(sheet: _Sheet, kind: str | None, mark, start, tokens: list) -> Found:
    """The mistakes that the value read just before the error tells: a quote that ended too early or too
    late, a line read with the next one."""
    last = tokens[-1] if tokens else None
    scalar = last if isinstance(last, yaml.ScalarToken) else None
    if scalar is not None and scalar.style in _QUOTES and scalar.end_mark.line == mark.line:
        quote = scalar.style
        first, end = scalar.start_mark, scalar.end_mark
        if first.line < end.line:
            return _unclosed_quote(sheet, first.line, first.column, (end.line, end.column - 1))
        gap = sheet.line(mark.line)[end.column:mark.column]
        if gap == "":
            return _quote_too_early(sheet, scalar, mark, quote, _in_flow(tokens))
        if gap.strip(" \t") == "":
            rest = _value_text(sheet.line(first.line), first.column, mark.column, _in_flow(tokens))
            other = "'" if quote == '"' else '"'
            return (sheet.loc(mark.line, mark.column),
                    _("text after the closing quote of the value (column {column})").format(column=end.column),
                    _("put the whole value in quotes of the other kind: {example}").format(
                        example=_cut(other + rest.replace(other, other * 2 if other == "'" else '\\"') + other)))
    if kind == "mapping-value":
        return _mapping_value(sheet, mark, tokens, scalar)
    if kind == "expected-key" and start is not None:
        opened = _flow_closed_before(tokens, mark)
        if opened is not None:  # `summary: [Rennes](https://…) est…`: Markdown read as a list, then more text
            line, column = sheet.line(mark.line), opened.start_mark.column
            rest = line[column:].rstrip()
            return (sheet.loc(mark.line, mark.column),
                    (_("text after the list that '[' opened at column {column}: a value that starts with '[' is "
                       "read as a list") if isinstance(opened, yaml.FlowSequenceStartToken) else
                     _("text after the map that '{{' opened at column {column}: a value that starts with '{{' is "
                       "read as a map")).format(column=column + 1),
                    _("if it is text, put the whole value in quotes: {example}").format(
                        example=_cut(line[:column] + '"' + rest.replace("\\", "\\\\").replace('"', '\\"')
                                     + '"')))
        sign = sheet.char(mark.line, mark.column)
        if sign == "-":
            return (sheet.loc(mark.line, mark.column),
                    _("a list item ('- ') where a field ('name: value') was expected"),
                    _("put a list under its field, all its items in one column ('types:' then '  - fab-lab'); "
                      "if the '-' is text, put the value in quotes"))
        if sign in ("]", "}"):
            return (sheet.loc(mark.line, mark.column), _("this '{sign}' closes nothing").format(sign=sign),
                    _("remove it, or open the list with '[' (a map with '{{')").format())
        return (sheet.loc(mark.line, mark.column),
                _("this line does not fit the block that starts at line {line}: a field ('name: value') in the "
                  "column of the block's fields was expected").format(line=start.line + 1),
                _("check the indentation: the fields of a block start in the same column, and a list item starts "
                  "with '- ' under its field"))
    if kind == "expected-item" and start is not None:
        return (sheet.loc(mark.line, mark.column),
                _("a list item ('- value') in the column of the list that starts at line {line} was expected "
                  "here").format(line=start.line + 1),
                _("start the line with '- ' in the column of the other items; if it is a new field, indent it as "
                  "the other fields"))
    if kind in ("flow-sequence", "flow-mapping") and start is not None:
        sequence = kind == "flow-sequence"
        if mark.line > start.line:
            return _never_closed(sheet, start.line, start.column, sequence)
        return (sheet.loc(mark.line, mark.column),
                (_("in the list opened with '[' at column {column}, ',' or ']' was expected here") if sequence else
                 _("in the map opened with '{{' at column {column}, ',' or '}}' was expected here")).format(
                    column=start.column + 1),
                _("separate the items with ', ', and put in quotes an item that contains ',', ':', '#' or a bracket"))
    if kind == "node-content" and not sheet.line(mark.line)[mark.column:].strip() and \
            not any(line.strip() for line in sheet.lines[mark.line + 1:]):
        opened = _unclosed_bracket(sheet, mark.line + 1)  # the sheet ends inside a list or map in brackets
        if opened is not None:
            return _never_closed(sheet, opened[0], opened[1], opened[2] == "[")
    if kind == "node-content":
        return (sheet.loc(mark.line, mark.column),
                _("a value was expected here, not '{sign}'").format(sign=sheet.char(mark.line, mark.column)),
                _("remove the stray character, or put the value in quotes"))
    return None


def _never_closed(sheet: _Sheet, line: int, column: int, sequence: bool) -> Found:
    """A list (`sequence`) or map in brackets opened at (line, column) and never closed: told there, with its line
    closed as the fix."""
    text = sheet.line(line).rstrip()
    close = "]" if sequence else "}"
    example = text + close if not text.endswith(",") else \
        ("types: [fab-lab, coworking]" if sequence else "status: {value: active, year: 2025}")
    return (sheet.loc(line, column),
            _("the list opened here with '[' is never closed") if sequence else
            _("the map opened here with '{{' is never closed").format(),
            _("end it with '{close}' on the same line: {example}").format(close=close, example=_cut(example)))


def _unclosed_bracket(sheet: _Sheet, last: int) -> tuple[int, int, str] | None:
    """The last '[' or '{' left open in the lines before `last` (0-based line, column, bracket), outside quoted
    values and comments: where a sheet that ends inside a list or map in brackets opened it."""
    opened: list[tuple[int, int, str]] = []
    for n in range(min(last, len(sheet.lines))):
        quote = ""
        for column, char in enumerate(sheet.line(n)):
            if quote:
                quote = "" if char == quote else quote
            elif char in "'\"" and (column == 0 or sheet.line(n)[column - 1] in " [{,:"):
                quote = char
            elif char == "#" and (column == 0 or sheet.line(n)[column - 1] in " \t"):
                break
            elif char in "[{":
                opened.append((n, column, char))
            elif char in "]}" and opened:
                opened.pop()
    return opened[-1] if opened else None


def _quote_too_early(sheet: _Sheet, scalar, mark, quote: str, in_flow: bool) -> Found:
    """`'L'atelier'`: the apostrophe closed the value; `"Le "Lab""`: the inner quote did."""
    first, end = scalar.start_mark, scalar.end_mark
    value = _value_text(sheet.line(first.line), first.column, mark.column, in_flow)
    inner = value[1:-1] if len(value) > 1 and value.endswith(quote) else value[1:]
    where = sheet.loc(end.line, end.column - 1)
    if quote == "'":
        doubled = "'" + inner.replace("'", "''") + "'"
        double = '"' + inner.replace("\\", "\\\\").replace('"', '\\"') + '"'
        what = _("an apostrophe ends the value in single quotes too early (YAML reads '{value}' and then more "
                 "text)").format(value=scalar.value)
        if _plain_ok(inner):
            return where, what, _("write the apostrophe twice: {doubled}; or put the value in double quotes: "
                                  "{double}; or leave out the quotes: {plain}").format(
                doubled=_cut(doubled), double=_cut(double), plain=_cut(inner))
        return where, what, _("write the apostrophe twice: {doubled}; or put the value in double quotes: "
                              "{double}").format(doubled=_cut(doubled), double=_cut(double))
    escaped = '"' + inner.replace("\\", "\\\\").replace('"', '\\"') + '"'
    single = "'" + inner.replace("'", "''") + "'"
    return (where,
            _("a double quote ends the value in double quotes too early (YAML reads \"{value}\" and then more "
              "text)").format(value=scalar.value),
            _("write \\\" for a double quote inside double quotes: {escaped}; or put the value in single quotes: "
              "{single}").format(escaped=_cut(escaped), single=_cut(single)))


def _mapping_value(sheet: _Sheet, mark, tokens: list, scalar) -> Found:
    """A ': ' that libyaml cannot take: a line without its ':' read with the next one, a line indented
    under a field's value, or a second ': ' in a value."""
    if scalar is not None and scalar.plain and scalar.start_mark.line < mark.line:
        first = scalar.start_mark
        before = tokens[-2] if len(tokens) > 1 else None
        if isinstance(before, yaml.ValueToken):
            key = tokens[-3] if len(tokens) > 2 and isinstance(tokens[-3], yaml.ScalarToken) else None
            field = key.value if key is not None else ""
            return (sheet.loc(mark.line, sheet.first_character(mark.line)),
                    _("this line is indented more than the field '{field}' of line {line}, so YAML reads it as the "
                      "rest of that field's value").format(field=field, line=first.line + 1),
                    _("if it is a new field, start it in the column of '{field}'; if it continues the text, put "
                      "the whole value in quotes or after '|'").format(field=field))
        return (sheet.loc(first.line, first.column),
                _("this line has no ':' after its field name, so YAML read it with line {line} as one "
                  "text").format(line=mark.line + 1),
                _colon_hint(sheet.line(first.line)))
    example = ""
    if scalar is not None and scalar.plain and scalar.start_mark.line == mark.line:
        example = _quoted(sheet.line(mark.line), scalar.start_mark.column)
    return (sheet.loc(mark.line, mark.column),
            _("a second ': ' on this line: a value that contains ': ' must be in quotes"),
            _("put the value in quotes: {example}").format(example=example) if example else
            _("put the value in quotes"))


def _colon_hint(line: str) -> str:
    match = re.match(r"(\s*[^\s:#][^:#]*?):(?=\S)", line)
    if match:
        return _("put a space after the ':': {example}").format(
            example=_cut(line[:match.end()] + " " + line[match.end():].strip()))
    return _("write the field as 'name: value', with a space after the ':'")


def _flow_closed_before(tokens: list, mark) -> yaml.Token | None:
    """The '[' or '{' of a list or map closed just before `mark`, on its line (a value that began with a
    bracket and was read as a list or a map, followed by more text), or None."""
    if not tokens or not isinstance(tokens[-1], (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)) \
            or tokens[-1].end_mark.line != mark.line:
        return None
    depth = 0
    for token in reversed(tokens):
        if isinstance(token, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)):
            depth += 1
        elif isinstance(token, (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)):
            depth -= 1
            if depth == 0:
                return token if token.start_mark.line == mark.line else None
    return None


def _in_flow(tokens: list) -> bool:
    depth = 0
    for token in tokens:
        if isinstance(token, (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)):
            depth += 1
        elif isinstance(token, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)):
            depth -= 1
    return depth > 0


def _value_text(line: str, column: int, problem_column: int, in_flow: bool) -> str:
    """The value as the contributor meant it: from `column` to the end of the line (in brackets: to the
    next ',', ']' or '}' after the problem), without a trailing comment."""
    text = line[column:].rstrip()
    if in_flow:
        match = re.search(r"[,\]}]", line[problem_column:])
        if match:
            text = line[column:problem_column + match.start()].rstrip()
    return text


def _plain_ok(text: str) -> bool:
    """Whether `text` reads back as itself without quotes."""
    return (bool(text) and text == text.strip() and text[0] not in "-?:,[]{}#&*!|>'\"%@`"
            and ": " not in text and " #" not in text and not text.endswith(":") and plain_type(text) == "str")


def _quoted(line: str, column: int) -> str:
    """The line with its value from `column` in double quotes (a comment after it left out)."""
    value = line[column:].rstrip()
    comment = value.find(" #")
    if comment >= 0:
        value = value[:comment].rstrip()
    return line[:column].strip() + (" " if line[:column].strip() else "") + \
        _cut('"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"')


def _cut(example: str) -> str:
    if len(example) <= _EXAMPLE_LENGTH:
        return example
    return example[:_EXAMPLE_LENGTH - 2] + "…" + example[-1]
