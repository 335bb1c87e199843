"""Problems found in sheets are values: collected, sorted, then formatted once.

A user mistake is never an exception that reaches the terminal; it is a `Problem` in a `Report`.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from generator.i18n import _, ngettext

Severity = Literal["error", "warning", "notice"]

_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Letters and dashes of other scripts drawn like ASCII ones: in an id they make a name that looks
# right and matches nothing. NFKC catches the compatibility forms (Kelvin sign, full-width letters).
LOOK_ALIKES = {
    **dict(zip("\u0430\u0432\u0435\u043a\u043c\u043d\u043e\u0440\u0441\u0442\u0443\u0445\u0456\u0458\u0455\u0501\u04bb\u04cf\u051b\u051d",
               "abekmhopctyxijsdhlqw", strict=True)),
    **dict(zip("\u0410\u0412\u0415\u041a\u041c\u041d\u041e\u0420\u0421\u0422\u0423\u0425\u0406\u0408\u0405",
               "ABEKMHOPCTYXIJS", strict=True)),
    **dict(zip("\u03bf\u03b1\u03bd\u03b9\u03ba\u03c1\u03c5\u0391\u0392\u0395\u0396\u0397\u0399\u039a\u039c\u039d\u039f\u03a1\u03a4\u03a5\u03a7",
               "oavikpuABEZHIKMNOPTYX", strict=True)),
    **{dash: "-" for dash in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"},
}


def _invisible(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") or (category == "Zs" and ch != " ")


def escape(text: str) -> str:
    """`text` on one line with nothing hidden: control, invisible and unusual space characters as
    `\\n` or `\\u200b` escapes (a name from the tree must not split a message or hide a character)."""
    if text.isascii() and text.isprintable():
        return text
    out = []
    for ch in text:
        if ch in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[ch])
        elif _invisible(ch):
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return "".join(out)


def look_alike(ch: str) -> str | None:
    """The ASCII character `ch` is drawn like (Cyrillic 'е' -> 'e', Kelvin sign -> 'K'), or None."""
    if ch.isascii():
        return None
    if ch in LOOK_ALIKES:
        return LOOK_ALIKES[ch]
    folded = unicodedata.normalize("NFKC", ch)
    return folded if folded != ch and folded.isascii() and folded.isprintable() else None


def look_alikes(text: str) -> list[str]:
    """Each look-alike character inside a word that also has ASCII letters or digits, described.

    A whole word in Cyrillic or a dash between words is ordinary text; `brеst` with one Cyrillic
    letter is a trap.
    """
    found: dict[str, str] = {}
    for word in text.split():
        if not any(c.isascii() and c.isalnum() for c in word):
            continue
        for ch in word:
            like = look_alike(ch)
            if like is not None and ch not in found:
                name = unicodedata.name(ch, "UNNAMED CHARACTER")
                found[ch] = _("'{character}' (U+{code:04X} {name}) looks like '{like}'").format(
                    character=ch, code=ord(ch), name=name, like=like)
    return list(found.values())


def shown(text: str) -> str:
    """`text` escaped, with the look-alike characters it hides pointed out after it."""
    notes = look_alikes(text)
    return escape(text) + (f" [{'; '.join(notes)}]" if notes else "")


class Location(NamedTuple):
    """Where a value was written: a path relative to the working folder, 1-based line and column.

    A named tuple rather than a dataclass: one is made for every value of every sheet.
    """

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column}"
        return self.file


# how a line names the severity after its location (an error is the default and has no label);
# functions, so that the label is in the language in use when the line is written
SEVERITY_LABELS = {"warning": lambda: _("warning:"), "notice": lambda: _("notice:")}


@dataclass(frozen=True)
class Problem:
    """One problem with one value: where, which field, what was expected and found, what to try."""

    location: Location
    field: str
    message: str
    hint: str = ""
    severity: Severity = "error"

    def sort_key(self) -> tuple:
        return (self.location.file, self.location.line, self.location.column, self.field, self.message)

    def text(self) -> str:
        """One line: names from the tree escaped, look-alike characters pointed out once at the end."""
        where = f"{escape(str(self.location))}: "
        what = f"{escape(self.field)}: " if self.field else ""
        label = "" if self.severity == "error" else SEVERITY_LABELS[self.severity]() + " "
        hint = " " + _("(hint: {hint})").format(hint=escape(self.hint)) if self.hint else ""
        return f"{where}{label}{what}{escape(self.message)}{hint}{self._look_alikes()}"

    def _look_alikes(self) -> str:
        notes = look_alikes(" ".join((self.location.file, self.field, self.message)))
        return " [" + _("look-alike characters: {notes}").format(notes="; ".join(notes)) + "]" if notes else ""

    def as_dict(self) -> dict:
        return {
            "file": self.location.file,
            "line": self.location.line,
            "column": self.location.column,
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
            "severity": self.severity,
        }

    def github(self) -> str:
        """A workflow command: the message escaped like the text format, then as GitHub's spec says
        (%, CR, LF in the message; also ':' and ',' in property values such as the file name)."""
        kind = self.severity  # GitHub's three annotation levels have the same names
        message = (f"{escape(self.field)}: " if self.field else "") + escape(self.message)
        if self.hint:
            message += " " + _("(hint: {hint})").format(hint=escape(self.hint))
        message += self._look_alikes()
        message = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        file = (self.location.file.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
                .replace(":", "%3A").replace(",", "%2C"))
        return f"::{kind} file={file},line={self.location.line or 1},col={self.location.column or 1}::{message}"


@dataclass
class Report:
    """Every problem of a run, in the order they are shown (sorted by file, line, column)."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, location: Location, field: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(location, field, message, hint, "error"))

    def warning(self, location: Location, field: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(location, field, message, hint, "warning"))

    def notice(self, location: Location, field: str, message: str, hint: str = "") -> None:
        """Something a reader is told (an old fact shown as such); never fails a run, even --strict."""
        self.problems.append(Problem(location, field, message, hint, "notice"))

    def extend(self, other: Report) -> None:
        self.problems.extend(other.problems)

    def sorted(self) -> list[Problem]:
        unique = {(p.sort_key(), p.severity, p.hint): p for p in self.problems}
        return sorted(unique.values(), key=Problem.sort_key)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.sorted() if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.sorted() if p.severity == "warning"]

    @property
    def notices(self) -> list[Problem]:
        return [p for p in self.sorted() if p.severity == "notice"]

    def format(self, fmt: str = "text") -> str:
        items = self.sorted()
        if fmt == "json":
            return json.dumps([p.as_dict() for p in items], ensure_ascii=False, indent=2)
        if fmt == "github":
            return "\n".join(p.github() for p in items)
        return "\n".join(p.text() for p in items)


class AtlasError(Exception):
    """A user-facing failure that is not tied to one sheet (bad option, missing folder, failed build).

    The CLI prints its message without a traceback and exits with `exit_code`.
    """

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class InvalidAtlas(AtlasError):
    """Raised by commands that need a valid atlas when validation found errors."""

    def __init__(self, report: Report) -> None:
        count = len(report.errors)
        super().__init__(ngettext("{count} error in the sheets; run `atlas validate` for the list",
                                  "{count} errors in the sheets; run `atlas validate` for the list",
                                  count).format(count=count))
        self.report = report
