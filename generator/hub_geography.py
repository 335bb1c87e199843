"""Which territories a hub is inside: its own and those above it, except that a département and its région
count the hubs of their communes, whatever the EPCI's parent (spec 1.1: `commune`).

Kept apart from the model's records because it reads geography (INSEE codes), not the sheets' hierarchy alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol


class Territory(Protocol):
    """What is read of a territory (model.Territory): the model imports this module, not the reverse."""

    @property
    def id(self) -> str: ...

    @property
    def level(self) -> str: ...

    @property
    def code(self) -> str | None: ...

    @property
    def parent_id(self) -> str | None: ...


class Hub(Protocol):
    """What is read of a hub (model.Hub)."""

    @property
    def id(self) -> str: ...

    @property
    def territory_id(self) -> str: ...

    @property
    def commune(self) -> str | None: ...


ABOVE_EPCI = ("departement", "region")


def departement_code(commune: str) -> str:
    """The département of an INSEE commune code (`93066` -> `93`, `2A004` -> `2A`, `97411` -> `974`)."""
    return commune[:3] if commune.startswith("97") else commune[:2]


def hubs_inside(territories: Mapping[str, Territory], hubs: Mapping[str, Hub]) -> dict[str, set[str]]:
    """Territory id -> the hubs inside it: a hub is in its territory and the territories above it, except
    that a hub whose commune lies in another département (an EPCI across départements, as the Métropole
    du Grand Paris, whose parent is Paris) is in that département and its région instead of its
    territory's: a département's count of hubs is the count of its communes' (spec 1.1: `commune`)."""
    departements = {t.code: t.id for t in territories.values() if t.level == "departement" and t.code}

    def chain(tid: str | None) -> list[str]:
        out: list[str] = []
        while tid and tid in territories and tid not in out:
            out.append(tid)
            tid = territories[tid].parent_id
        return out

    inside: dict[str, set[str]] = {}
    for h in hubs.values():
        up = chain(h.territory_id)
        where = departements.get(departement_code(h.commune)) if h.commune else None
        if where is not None and where not in up:
            up = [tid for tid in up if territories[tid].level not in ABOVE_EPCI] + chain(where)
        for tid in up:
            inside.setdefault(tid, set()).add(h.id)
    return inside


def counted_in(territories: Mapping[str, Territory], inside: Mapping[str, Iterable[str]]) -> dict[str, dict[str, str]]:
    """Level (`departement`, `region`) -> hub id -> the territory of that level that counts it in `inside`
    (`hubs_inside`): the one of its commune, which is not always above its territory."""
    counted: dict[str, dict[str, str]] = {level: {} for level in ABOVE_EPCI}
    for tid, hubs in inside.items():
        of_level = counted.get(territories[tid].level)
        if of_level is not None:
            of_level.update(dict.fromkeys(hubs, tid))
    return counted
