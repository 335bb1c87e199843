"""Problems found in sheets are values: collected, sorted, then formatted once.

A user mistake is never an exception that reaches the terminal; it is a `Problem` in a `Report`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

Severity = Literal["error", "warning", "notice"]


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
        where = f"{self.location}: "
        what = f"{self.field}: " if self.field else ""
        label = "" if self.severity == "error" else f"{self.severity}: "
        hint = f" (hint: {self.hint})" if self.hint else ""
        return f"{where}{label}{what}{self.message}{hint}"

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
        kind = self.severity  # GitHub's three annotation levels have the same names
        message = (f"{self.field}: " if self.field else "") + self.message
        if self.hint:
            message += f" (hint: {self.hint})"
        # GitHub workflow commands need %, CR and LF escaped in the message part.
        message = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        file = self.location.file.replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
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

    def extend(self, other: "Report") -> None:
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
        super().__init__(f"{len(report.errors)} error(s) in the sheets; run `atlas validate` for the list")
        self.report = report
