"""The nodes a sheet is read into: plain values with the line and column of each, so that every
message of the validator can say where (file:line:column), and the YAML 1.1 look-alikes they hide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from generator.errors import Location


@dataclass(slots=True)
class Scalar:
    """A scalar as written: its text, whether it was quoted (or tagged !!str) and where it starts. `comment`: for a
    plain scalar followed on its last line by a comment (`name: Atelier #1` reads `Atelier`), where the `#` is
    and the rest of that line (` #1`), so that a text field can say what was cut (validate.values)."""

    text: str
    quoted: bool
    loc: Location
    tag: str | None = None
    comment: tuple[Location, str] | None = None


@dataclass(slots=True)
class Seq:
    items: list[Node]
    loc: Location
    tag: str | None = None


@dataclass(slots=True)
class Map:
    """A mapping in key order; keys are the scalars as written (their text is the key)."""

    items: list[tuple[Scalar, Node]]
    loc: Location
    tag: str | None = None
    dropped: bool = False  # an entry was refused (reported already): its field may look missing

    def keys(self) -> list[str]:
        return [k.text for k, _ in self.items]


Node = Scalar | Seq | Map


REFUSED_TAG = "!refused"  # a node whose problem is already reported: the validator skips it silently


# How YAML 1.1 (PyYAML) or YAML 1.2 would type a plain scalar. A plain scalar is text only when
# neither would type it as something else.
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")


_BOOL = re.compile(r"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|y|Y|n|N)$")


_INT = re.compile(r"""^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+
                     |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+|[-+]?[0-9]+)$""", re.X)


_FLOAT = re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+
                       |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$""", re.X)


_DATE = re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}.*)?$")


@lru_cache(maxsize=65536)
def plain_type(text: str) -> str:
    """'null', 'bool', 'int', 'float', 'date' or 'str': what some YAML version makes of this plain text."""
    if _NULL.match(text):
        return "null"
    if _BOOL.match(text):
        return "bool"
    if _INT.match(text):
        return "int"
    if text != "." and _FLOAT.match(text):
        return "float"
    if _DATE.match(text):
        return "date"
    return "str"
