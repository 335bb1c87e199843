"""Territories of the same name told apart wherever they are listed together (« CC des Quatre Rivières »,
an intercommunalité of the Haute-Saône and one of the Haute-Savoie; « Mayotte », a région and a département).

The names are worked out from the model, not written anywhere: a territory renamed to another's name is
told apart at the next build, and one whose homonym is gone gets its plain name back.
"""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Mapping

from generator import vocabulary
from generator.model import Atlas, Territory, per_atlas

# id(atlas) -> (the atlas, {lang: its homonyms' names}): worked out once per atlas from its own mappings
_HOMONYMS: dict[int, tuple[weakref.ref, dict[str, dict[str, str]]]] = {}


def homonyms(atlas: Atlas, lang: str = "fr") -> dict[str, str]:
    """The names that tell apart territories of the same name, by territory id (the others are left out):
    the level when their levels differ (« Mayotte (région) », « Mayotte (département) »), the département
    they lie in when they are of one level (« CC des Quatre Rivières (Haute-Saône) », « CC des Quatre
    Rivières (Haute-Savoie) »), both when needed, their official code when even that is shared.

    Made from the atlas's own mappings, not those a recorder of reads puts in their place while a page or a
    picture is made (generator.atlas_reads, generator.pictures.reads): what depends on it counts it in its
    `common` digest instead (every output may name any territory). Not to be changed: it is shared."""
    known: dict[str, dict[str, str]] = per_atlas(_HOMONYMS, atlas, dict)
    found = known.get(lang)
    if found is None:
        found = known[lang] = _homonyms(getattr(atlas.territories, "_inner", atlas.territories), lang)
    return found


def _homonyms(territories: Mapping[str, Territory], lang: str) -> dict[str, str]:
    groups: dict[str, list[Territory]] = {}
    for t in territories.values():
        groups.setdefault(t.name.casefold(), []).append(t)
    out: dict[str, str] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        levels = Counter(t.level for t in group)
        parts = {t.id: [*([vocabulary.in_running_text(vocabulary.level_label(t.level, lang))]
                          if len(levels) > 1 else []),
                        *([_where(territories, t)] if levels[t.level] > 1 else [])] for t in group}
        told = Counter(tuple(p) for p in parts.values())
        for t in group:
            if told[tuple(parts[t.id])] > 1 and t.code:  # two of one level in one département: their codes
                parts[t.id].append(t.code)
            out[t.id] = f"{t.name} ({', '.join(p for p in parts[t.id] if p)})"
    return out


def _where(territories: Mapping[str, Territory], t: Territory) -> str:
    """The name of the département a territory lies in (else its région, else its parent; "" without one)."""
    chain: list[Territory] = []
    current = territories.get(t.parent_id) if t.parent_id else None
    while current is not None and len(chain) < 64:
        chain.append(current)
        current = territories.get(current.parent_id) if current.parent_id else None
    for level in ("departement", "region"):
        found = next((a for a in chain if a.level == level), None)
        if found is not None:
            return found.name
    return chain[0].name if chain else ""

