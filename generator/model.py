"""The one immutable model of the atlas that every output reads.

Built once by `generator.load.load_atlas` from validated sheets; nothing downstream re-reads YAML.
Collections are tuples and read-only mappings, sorted by id, so every output derived from the model
is deterministic.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from types import MappingProxyType
from typing import Any

from generator import vocabulary
from generator.errors import Location
from generator.hub_geography import hubs_inside

PILLARS: tuple[str, ...] = ("metropolisation", "health", "knowledge", "identity", "environment")
# the French words of the fixed lists come from the one vocabulary of the atlas (generator.vocabulary)
PILLAR_LABELS: Mapping[str, str] = MappingProxyType({k: vocabulary.PILLARS[k]["fr"] for k in PILLARS})
# the pillars' French slugs, in both editions: the addresses of their pages (piliers/sante/), the anchors of their
# sections (#pilier-sante) and the lists' filters (?pilier=sante); the keys (health) stay in the sheets, the data
# and the API
PILLAR_SLUGS: Mapping[str, str] = MappingProxyType({
    "metropolisation": "metropolisation", "health": "sante", "knowledge": "savoirs",
    "identity": "identite", "environment": "environnement",
})
PILLAR_DESCRIPTIONS: Mapping[str, str] = MappingProxyType({
    "metropolisation": "Liens avec les métropoles et leurs nouvelles activités (French Tech), accès et flux",
    "health": "Position par rapport au système de soins : e-santé, start-up MedTech, living labs santé",
    "knowledge": "Place sur la carte universitaire et parmi les lieux de savoirs, espaces d'innovation compris",
    "identity": "Identité régionale : Food Labs, Food Tech, alimentation locale et circuits d'approvisionnement, "
                "culture",
    "environment": "Environnement naturel et ses interactions avec les lieux d'innovation ; stratégie climat",
})
LEVELS: tuple[str, ...] = ("region", "departement", "epci", "commune", "pays")
LEVEL_LABELS: Mapping[str, str] = MappingProxyType({k: vocabulary.LEVELS[k]["fr"][0] for k in LEVELS})
LEVEL_PLURALS: Mapping[str, str] = MappingProxyType({k: vocabulary.LEVELS[k]["fr"][1] for k in LEVELS})
# the levels a territory's `parent` may have: only levels above its own (région > département > EPCI > commune).
# A pays (PETR, bassin de vie) and an EPCI may hold each other: a PETR groups EPCI, and an établissement public
# territorial (a pays) lies inside the Métropole du Grand Paris; neither holds a département or a région.
PARENT_LEVELS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "region": (), "departement": ("region",), "epci": ("region", "departement", "pays"),
    "commune": ("region", "departement", "epci", "pays"), "pays": ("region", "departement", "epci"),
})
STATUSES: tuple[str, ...] = ("active", "project", "closed")
STATUS_LABELS: Mapping[str, str] = MappingProxyType({k: vocabulary.STATUSES[k]["fr"] for k in STATUSES})
VOCABULARY_LISTS: tuple[str, ...] = ("hub_types", "services", "themes", "networks")
PRECISIONS: tuple[str, ...] = ("address", "commune")
DIRECTIONS: tuple[str, ...] = ("higher", "lower")
# indicators the atlas computes from its own sheets (`derived:` in the catalogue)
DERIVED_INDICATORS: tuple[str, ...] = ("hubs-per-100k",)
OLD_AFTER_YEARS = 5

Value = int | float | bool | str


def year_is_old(year: int | None, as_of: date) -> bool:
    """The one rule for an old fact: its year is more than OLD_AFTER_YEARS years before the build date
    (the validator's notices, the model, the pages, the PDF and the quality report all ask here)."""
    return year is not None and year < as_of.year - OLD_AFTER_YEARS


def is_stale(path: str, value: object, year: int | None, as_of: date) -> bool:
    """An old fact that needs a contributor: a closure does not go stale (`status: closed` of 2015 stays
    true), an open or planned status seen long ago is "to be checked", any other old fact is old."""
    return year_is_old(year, as_of) and not (path == "status" and value == "closed")


def _frozen(mapping: Mapping | None = None) -> Mapping:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Source:
    """A document a fact comes from; `shared` when defined in territories/sources.yml."""

    id: str
    title: str
    publisher: str | None = None
    url: str | None = None
    accessed: date | None = None
    shared: bool = False
    location: Location = Location("")


@dataclass(frozen=True)
class Fact:
    """A value with its year and resolved source. `label`/`unit` are set for indicators and figures."""

    value: Value
    year: int | None = None
    source: Source | None = None
    note: str | None = None
    label: str | None = None
    unit: str | None = None
    location: Location = Location("")

    @property
    def sourced(self) -> bool:
        return self.source is not None

    def is_old(self, as_of: date) -> bool:
        """Old when its year is more than OLD_AFTER_YEARS years before the build date."""
        return year_is_old(self.year, as_of)


class Declared:
    """A record built from a sheet: the fields declared in `generator.fields` that have no attribute of
    their own here (a field just added to the format) are kept in `extra` and read like attributes
    (`hub.opening_hours`, in templates too), None when the sheet leaves them out."""

    def __getattr__(self, name: str) -> Any:
        extra = self.__dict__.get("extra")
        if extra is not None and name in extra:
            return extra[name]
        raise AttributeError(f"{type(self).__name__} has no field {name!r}")

    def own_facts(self) -> Iterator[tuple[str, Fact]]:
        """The facts held directly (not in lists), in declaration order; `status_fact` is the fact of `status`."""
        values = [(f.name, getattr(self, f.name)) for f in fields(self)]  # type: ignore[arg-type]
        for name, value in [*values, *self.__dict__.get("extra", {}).items()]:
            if isinstance(value, Fact):
                yield name.removesuffix("_fact"), value


@dataclass(frozen=True)
class Pillar(Declared):
    """One of the five characteristics for one territory; `rating` None means "not assessed"."""

    key: str
    rating: int | None = None
    rationale: str | None = None
    summary: str | None = None
    indicators: tuple[Fact, ...] = ()
    en: Mapping[str, str] = field(default_factory=_frozen)
    extra: Mapping[str, Any] = field(default_factory=_frozen)

    @property
    def label(self) -> str:
        return PILLAR_LABELS[self.key]


@dataclass(frozen=True)
class Territory(Declared):
    """One territory sheet, validated. `path` is the sheet file relative to the repository root."""

    id: str
    name: str
    level: str
    updated: date
    path: str
    code: str | None = None
    parent_id: str | None = None
    population: Fact | None = None
    area_km2: Fact | None = None
    coordinates: tuple[float, float] | None = None
    summary: str | None = None
    pillars: Mapping[str, Pillar] = field(default_factory=_frozen)
    sources: Mapping[str, Source] = field(default_factory=_frozen)
    contributors: tuple[str, ...] = ()
    en: Mapping[str, str] = field(default_factory=_frozen)
    measures: Mapping[str, Fact] = field(default_factory=_frozen)  # catalogue id -> official measure
    extra: Mapping[str, Any] = field(default_factory=_frozen)  # declared fields without an attribute (Declared)

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    def facts(self) -> Iterator[tuple[str, Fact]]:
        """Every fact of the sheet with its field path, in sheet order."""
        yield from self.own_facts()
        for key in PILLARS:
            pillar = self.pillars.get(key)
            if pillar:
                for i, fact in enumerate(pillar.indicators):
                    yield f"pillars.{key}.indicators[{i}]", fact
        for iid, fact in self.measures.items():
            yield f"measures.{iid}", fact


@dataclass(frozen=True)
class Indicator:
    """One entry of the catalogue territories/indicators.yml: measured the same way for a whole level."""

    id: str
    label: str
    pillar: str
    direction: str
    levels: tuple[str, ...]
    unit: str | None = None
    definition: str | None = None
    source: Source | None = None
    year: int | None = None
    derived: str | None = None
    en: Mapping[str, str] = field(default_factory=_frozen)  # the `en:` block (label, definition): English edition

    def __post_init__(self) -> None:
        object.__setattr__(self, "en", _frozen(self.en))


@dataclass(frozen=True)
class Hub(Declared):
    """One hub sheet, validated; it lives in the territory `territory_id`."""

    id: str
    territory_id: str
    name: str
    types: tuple[str, ...]
    status: str
    updated: date
    path: str
    founded: int | None = None
    closed_in: int | None = None
    address: str | None = None
    coordinates: tuple[float, float] | None = None
    website: str | None = None
    services: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    pillars: tuple[str, ...] = ()
    networks: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    figures: tuple[Fact, ...] = ()
    description: str | None = None
    sources: Mapping[str, Source] = field(default_factory=_frozen)
    en: Mapping[str, str] = field(default_factory=_frozen)
    commune: str | None = None  # INSEE code of today's commune
    # "address" (the default) or "commune" (placed at the commune's main town); None without coordinates
    precision: str | None = None
    # the identity fields written as facts (year, source); None when absent or written as a bare value
    status_fact: Fact | None = None
    founded_fact: Fact | None = None
    closed_in_fact: Fact | None = None
    address_fact: Fact | None = None
    coordinates_fact: Fact | None = None
    extra: Mapping[str, Any] = field(default_factory=_frozen)  # declared fields without an attribute (Declared)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def status_year(self) -> int | None:
        """The year a source last saw the status, when the sheet says it."""
        return self.status_fact.year if self.status_fact else None

    def facts(self) -> Iterator[tuple[str, Fact]]:
        """The identity facts written as facts (status, founded...), then the figures."""
        yield from self.own_facts()
        for i, fact in enumerate(self.figures):
            yield f"figures[{i}]", fact


@dataclass(frozen=True)
class VocabularyEntry:
    id: str
    label: str
    description: str | None = None
    url: str | None = None
    en: Mapping[str, str] = field(default_factory=_frozen)  # the `en:` block (label, description): English edition

    def __post_init__(self) -> None:
        object.__setattr__(self, "en", _frozen(self.en))


@dataclass(frozen=True)
class Vocabulary:
    """The four controlled lists, each a read-only mapping id -> entry in file order."""

    hub_types: Mapping[str, VocabularyEntry] = field(default_factory=_frozen)
    services: Mapping[str, VocabularyEntry] = field(default_factory=_frozen)
    themes: Mapping[str, VocabularyEntry] = field(default_factory=_frozen)
    networks: Mapping[str, VocabularyEntry] = field(default_factory=_frozen)

    def list(self, name: str) -> Mapping[str, VocabularyEntry]:
        return getattr(self, name)

    def label(self, name: str, entry_id: str) -> str:
        entry = self.list(name).get(entry_id)
        return entry.label if entry else entry_id


@dataclass(frozen=True)
class Atlas:
    """The whole atlas. Territories and hubs are sorted by id; derived indexes are precomputed.

    `as_of` is the build date used to call a fact old (SOURCE_DATE_EPOCH when set, for reproducible builds).
    `repo_root` is the folder sheet paths are relative to.
    """

    territories: Mapping[str, Territory]
    hubs: Mapping[str, Hub]
    vocabulary: Vocabulary
    sources: Mapping[str, Source]
    as_of: date
    children: Mapping[str, tuple[str, ...]]
    hubs_by_territory: Mapping[str, tuple[str, ...]]
    partnerships: tuple[tuple[str, str], ...]
    partners_of: Mapping[str, tuple[str, ...]]
    named_by: Mapping[str, tuple[str, ...]]
    indicators: Mapping[str, Indicator] = field(default_factory=_frozen)  # the catalogue, in file order
    # territory id -> the hubs inside it, by id (`hubs_inside`); empty: told by the hierarchy alone
    hubs_inside: Mapping[str, tuple[str, ...]] = field(default_factory=_frozen)
    # former id of a hub whose sheet was merged into another or renamed -> the id of the hub that has its
    # sheet now (territories/moved.yml, optional): its former page leads to the kept hub's
    moved_hubs: Mapping[str, str] = field(default_factory=_frozen)

    def parent(self, territory_id: str) -> Territory | None:
        parent_id = self.territories[territory_id].parent_id
        return self.territories.get(parent_id) if parent_id else None

    def ancestors(self, territory_id: str) -> tuple[Territory, ...]:
        """Enclosing territories from the top (région) down to the direct parent."""
        chain: list[Territory] = []
        current = self.parent(territory_id)
        while current is not None:
            chain.append(current)
            current = self.parent(current.id)
        return tuple(reversed(chain))

    def descendants(self, territory_id: str) -> tuple[str, ...]:
        """Ids of every territory below this one, depth first, sorted by id at each level."""
        out: list[str] = []
        stack = list(reversed(self.children.get(territory_id, ())))
        while stack:
            tid = stack.pop()
            out.append(tid)
            stack.extend(reversed(self.children.get(tid, ())))
        return tuple(out)

    def hubs_within(self, territory_id: str) -> tuple[str, ...]:
        """Hubs of this territory and of all territories below it, sorted by id; a département and its région
        count the hubs of their communes (`hubs_inside`: the Métropole du Grand Paris's in Saint-Denis are in
        Seine-Saint-Denis, not in Paris, its parent)."""
        if self.hubs_inside:  # empty in an atlas made without build_atlas, or without hubs
            return self.hubs_inside.get(territory_id, ())
        ids = [territory_id, *self.descendants(territory_id)]
        return tuple(sorted(h for tid in ids for h in self.hubs_by_territory.get(tid, ())))

    def by_level(self, level: str) -> tuple[Territory, ...]:
        return tuple(t for t in self.territories.values() if t.level == level)

    def facts(self) -> Iterator[tuple[Territory | Hub, str, Fact]]:
        """Every fact of the atlas with its owner and field path."""
        for territory in self.territories.values():
            for path, fact in territory.facts():
                yield territory, path, fact
        for hub in self.hubs.values():
            for path, fact in hub.facts():
                yield hub, path, fact

    def is_old(self, fact: Fact) -> bool:
        return fact.is_old(self.as_of)

    def is_stale(self, path: str, fact: Fact) -> bool:
        """An old fact of a sheet at `path` that needs a contributor (a closed status never is)."""
        return is_stale(path, fact.value, fact.year, self.as_of)

    def status_is_old(self, hub: Hub) -> bool:
        """An open or planned status no source has seen for more than five years is not shown as current, nor
        one whose source has no date: it cannot say the place is open today either."""
        fact = hub.status_fact
        if fact is None:
            return False
        return self.is_stale("status", fact) or (fact.year is None and fact.value != "closed")


def fact_fields(kind: type) -> frozenset[str]:
    """The fields of a record's class that may hold facts (`facts()` yields only theirs): those declared as a
    Fact, a pillar (its indicators) or anything (`extra`). What counts a sheet's facts reads only these: a
    rename, a new description, leave the counts as they were (generator.atlas_reads.QUERY_FIELDS)."""
    return frozenset(f.name for f in fields(kind) if any(word in str(f.type) for word in ("Fact", "Pillar", "Any")))


def build_atlas(
    territories: Mapping[str, Territory],
    hubs: Mapping[str, Hub],
    vocabulary: Vocabulary,
    sources: Mapping[str, Source],
    as_of: date,
    indicators: Mapping[str, Indicator] | None = None,
    moved_hubs: Mapping[str, str] | None = None,
) -> Atlas:
    """Derive the indexes from validated records (references are known to resolve; `moved_hubs`: former hub
    id -> kept hub id, each kept hub known to exist)."""
    territories = dict(sorted(territories.items()))
    hubs = dict(sorted(hubs.items()))
    children: dict[str, list[str]] = {}
    for t in territories.values():
        if t.parent_id:
            children.setdefault(t.parent_id, []).append(t.id)
    by_territory: dict[str, list[str]] = {}
    for h in hubs.values():
        by_territory.setdefault(h.territory_id, []).append(h.id)
    pairs = sorted({tuple(sorted((h.id, p))) for h in hubs.values() for p in h.partners if p in hubs and p != h.id})
    partners_of: dict[str, set[str]] = {}
    for a, b in pairs:
        partners_of.setdefault(a, set()).add(b)
        partners_of.setdefault(b, set()).add(a)
    named_by: dict[str, list[str]] = {}
    for h in hubs.values():
        for p in h.partners:
            named_by.setdefault(p, []).append(h.id)
    inside = hubs_inside(territories, hubs)
    return Atlas(
        hubs_inside=_frozen({k: tuple(sorted(v)) for k, v in sorted(inside.items())}),
        territories=_frozen(territories),
        hubs=_frozen(hubs),
        vocabulary=vocabulary,
        sources=_frozen(dict(sorted(sources.items()))),
        as_of=as_of,
        children=_frozen({k: tuple(sorted(v)) for k, v in sorted(children.items())}),
        hubs_by_territory=_frozen({k: tuple(v) for k, v in sorted(by_territory.items())}),
        partnerships=tuple(pairs),  # type: ignore[arg-type]
        partners_of=_frozen({k: tuple(sorted(v)) for k, v in sorted(partners_of.items())}),
        named_by=_frozen({k: tuple(sorted(v)) for k, v in sorted(named_by.items())}),
        indicators=_frozen(indicators),
        moved_hubs=_frozen(dict(sorted((moved_hubs or {}).items()))),
    )


def per_atlas(table: dict[int, tuple[weakref.ref, Any]], atlas: Atlas, make: Callable[[], Any]) -> Any:
    """What `make()` gives, once per atlas: kept in `table` (a module's own) while the atlas lives."""
    key = id(atlas)
    found = table.get(key)
    if found is None or found[0]() is not atlas:
        found = table[key] = (weakref.ref(atlas, lambda _ref: table.pop(key, None)), make())
    return found[1]
