"""How the validator's messages name what was found and what was probably meant: the nearest ids
("did you mean"), the ids a mistyped reference may have meant, a found value described for a message.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

from generator.errors import look_alike
from generator.i18n import _
from generator.ids import slugify
from generator.sheet_nodes import Map, Node, Seq, plain_type


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
        return quote(text)
    kind = plain_type(text)
    if kind == "null":
        return _("nothing")
    if kind == "bool":
        return _("{text} (read by YAML as a boolean)").format(text=text)
    if kind == "date":
        return _("{text} (read by YAML as a date)").format(text=text)
    if kind in ("int", "float"):
        return text
    return quote(text)


def quote(text: str) -> str:
    shown = text if len(text) <= 60 else text[:57] + "..."
    return '"' + shown.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key
