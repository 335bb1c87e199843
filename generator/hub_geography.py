"""Which territories a hub is inside: its own and those above it, except that a département and its région
count the hubs of their communes, whatever the EPCI's parent (spec 1.1: `commune`).

Kept apart from the model's records because it reads geography (INSEE codes, and the EPCI each commune is a
member of, for the validator), not the sheets' hierarchy alone.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Protocol

COMMUNES_EPCI = Path(__file__).resolve().parent / "geodata" / "communes-epci.csv"


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


# a municipal arrondissement's code (Paris 75101-75120, Lyon 69381-69389, Marseille 13201-13216) -> its city's:
# CommuneCode accepts one, and the COG's communes and EPCI members hold only the city
CITIES = {"751": "75056", "6938": "69123", "132": "13055"}


def city_of(commune: str) -> str:
    """The commune an INSEE code stands for: a municipal arrondissement's city (`69381` -> `69123`), else itself."""
    for prefix, city in CITIES.items():
        if commune.startswith(prefix):
            return city
    return commune


def epci_of(commune: str) -> str | None:
    """The SIREN of the EPCI à fiscalité propre the commune is a member of (an arrondissement: its city's), None for
    a code that no EPCI of the COG 2026 holds (one of the four islands outside any EPCI, an older or mistyped code)."""
    return communes_epci().get(city_of(commune))


@cache
def communes_epci() -> Mapping[str, str]:
    """Commune INSEE code -> EPCI SIREN, from generator/geodata/communes-epci.csv (decoupage-administratif 6.0.0:
    34,871 rows, 0.02 s): read once per process, and only by a check that needs it, so that `atlas build --watch`
    and `atlas serve`, which validate at each save, do not read it again."""
    with COMMUNES_EPCI.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        next(rows, None)
        return {row[0]: row[1] for row in rows if len(row) > 1}


@cache
def known_epci() -> frozenset[str]:
    """The SIRENs that have members in communes_epci(): an EPCI code not among them is of another vintage."""
    return frozenset(communes_epci().values())


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
