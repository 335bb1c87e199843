"""How the validator's messages name what was found and what was probably meant: the nearest ids
("did you mean"), the ids a mistyped reference may have meant, a found value described for a message.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from generator import vocabulary
from generator.errors import look_alike
from generator.i18n import _
from generator.ids import slugify
from generator.sheet_nodes import Map, Node, Seq, plain_type

if TYPE_CHECKING:
    from generator.specs import Field


def nearest(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    return difflib.get_close_matches(word, sorted(set(choices)), n=n, cutoff=0.6)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the nearest of `choices` (ids that exist), or "" when none is near."""
    close = nearest(word, choices)
    if not close:
        return ""
    return _("did you mean {ids}?").format(ids=_(" or ").join(f"'{c}'" for c in close))


# The words a contributor may write for a value of the format's fixed lists, which are English keys: the site's
# French labels (`Santé`, `Département`, `En activité`) and a few plain synonyms, slugified (generator.ids.slugify)
_VALUE_WORDS: dict[str, str] = {
    **{slugify(labels["fr"]): key for key, labels in vocabulary.PILLARS.items()},
    **{slugify(labels["en"]): key for key, labels in vocabulary.PILLARS.items()},
    **{slugify(word): key for key, labels in vocabulary.LEVELS.items() for word in labels["fr"] + labels["en"]},
    **{slugify(labels["fr"]): key for key, labels in vocabulary.STATUSES.items() if key != "to-check"},
    "savoir": "knowledge", "environnemental": "environment",
    "intercommunalite": "epci", "intercommunalites": "epci", "communaute-de-communes": "epci",
    "communaute-d-agglomeration": "epci", "metropole": "epci", "petr": "pays", "bassin-de-vie": "pays",
    "actif": "active", "active": "active", "ouvert": "active", "ouverte": "active", "open": "active",
    "projet": "project", "planned": "project", "en-cours": "project", "a-venir": "project",
    "ferme": "closed", "fermee": "closed", "clos": "closed", "close": "closed",
    "plus-haut": "higher", "haut": "higher", "hausse": "higher", "up": "higher", "high": "higher",
    "plus-bas": "lower", "bas": "lower", "baisse": "lower", "down": "lower", "low": "lower",
    "adresse": "address", "exact": "address", "exacte": "address", "rue": "address", "centre": "commune",
    "mairie": "commune", "chef-lieu": "commune",
}


def value_hint(text: str, values: Iterable[str]) -> str:
    """A hint for a word that is not one of `values` (a fixed list of the format): the value it names when it
    is one of them in other letters (`EPCI`), a French label (`Santé`) or a synonym (`ouvert`), else the
    nearest, else the list to choose from."""
    allowed = list(values)
    slug = slugify(text)
    meant = slug if slug in allowed else _VALUE_WORDS.get(slug)
    if meant in allowed:
        return _("did you mean {ids}?").format(ids=f"'{meant}'")
    return did_you_mean(text, allowed) or _("write one of these words as they are written: {values}").format(
        values=", ".join(allowed))


# The words of the pages for the fields whose format has no label of their own: the pillars under `pillars:`
# (`savoirs:` is `knowledge`); every other field is named by its labels (generator.fields)
_FIELD_WORDS: dict[str, str] = {slugify(word): key for key, labels in vocabulary.PILLARS.items()
                                for word in (labels["fr"], labels["en"])}
SAME_WORD = 0.8  # difflib's ratio from which an unknown field is the known one misspelt (`nme`, `updatd`)


def _named_field(name: str, known: Mapping[str, Field]) -> str | None:
    """The field of `known` that `name` names in the words of the pages, where the format's key is English
    (`superficie:` is `area_km2`, `statut:` is `status`), or None."""
    slug = slugify(name)
    by_label = {slugify(words): key for key, f in known.items() for words in (f.label, f.label_en) if words}
    meant = by_label.get(slug) or _FIELD_WORDS.get(slug)
    return meant if meant in known else None


def meant_fields(name: str, known: Mapping[str, Field]) -> list[str]:
    """The fields of `known` that an unknown field `name` may have meant: the one it names in the words of the
    pages (`_named_field`), else the nearest in spelling (`populaton:`)."""
    named = _named_field(name, known)
    return [named] if named else nearest(name, known)


def stands_for(name: str, known: Mapping[str, Field]) -> str | None:
    """The field of `known` that an unknown field `name` is, written another way: named in the words of the pages
    (`nom:`), or misspelt (`nme:`); not merely the nearest (`notes:` is not `types:`). A required field it
    stands for is not reported missing as well: one problem, one message."""
    named = _named_field(name, known)
    if named:
        return named
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=SAME_WORD)
    return close[0] if close else None


def field_hint(name: str, known: Mapping[str, Field]) -> str:
    """A hint for a field that is not one of `known`: what it may have meant (`meant_fields`), else the fields
    to choose from."""
    meant = meant_fields(name, known)
    if meant:
        return _("did you mean {ids}?").format(ids=_(" or ").join(f"'{m}'" for m in meant))
    return _("known fields: {fields}").format(fields=", ".join(known))


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
