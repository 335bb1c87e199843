"""A hub's status in French words, never shown as current when its only source is old.

A status is a dated fact: "en activité" seen by a source in 2019 says nothing about today. When
`Atlas.status_is_old` (more than five years, or a source without a date), pages, reports and charts say
"recensé en activité en 2019 — à vérifier" instead of "En activité", or "en activité en 2020 — à vérifier"
when the source that saw it is not the census ("recensé" names the census's listing only). "Fermé" stays.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType

from generator.model import STATUS_LABELS, Atlas, Fact, Hub

TO_CHECK = "to-check"  # the display category of an old open or planned status
# the categories in the order the site gives them (the list by status, the filters)
CATEGORY_ORDER: tuple[str, ...] = ("active", TO_CHECK, "project", "closed")
# a category's value in the hub list's and map's addresses (?statut=en-activite), the same in both editions, as
# the pillars' (?pilier=sante): French words on French pages; the category's key is its option's former value
STATUS_SLUGS: Mapping[str, str] = MappingProxyType({
    "active": "en-activite", "project": "en-projet", "closed": "ferme", TO_CHECK: "a-verifier"})
TO_CHECK_LABEL = "À vérifier"
SEEN_AS = {"active": "en activité", "project": "en projet", "closed": "fermé"}
# the ids under which sheets cite the 2019 census of tiers-lieux: the shared source that `atlas import --hubs`
# writes, and a curated sheet's own citation of it (the import takes both from here: imports.census_rows)
CENSUS_SOURCE = "mission-coworking-2019"
CITATION_ID = "recensement-tiers-lieux-2019"
CENSUS_SOURCES = frozenset({CENSUS_SOURCE, CITATION_ID})


def seen_by_census(hub: Hub) -> bool:
    """Whether the source of the hub's status is the 2019 census, whose listing « recensé » names."""
    source = hub.status_fact.source if hub.status_fact is not None else None
    return source is not None and source.id in CENSUS_SOURCES


def status_category(atlas: Atlas, hub: Hub) -> str:
    """`active`, `project`, `closed`, or `to-check` for an open or planned status seen long ago."""
    return TO_CHECK if atlas.status_is_old(hub) else hub.status


def status_short(atlas: Atlas, hub: Hub) -> str:
    """For cards and lists: `À vérifier (recensé en activité en 2019)` (seen by the census: it listed places, it
    did not see them at work), `À vérifier (en activité en 2020)` (by another source), else the hub page's words
    with their year, `En activité (constaté en 2024)`, `Fermé en 2019`: a status is a dated fact wherever it is
    shown."""
    if atlas.status_is_old(hub):
        listed = "recensé " if seen_by_census(hub) else ""
        return f"{TO_CHECK_LABEL} ({listed}{SEEN_AS[hub.status]} {_when(hub.status_year)})"
    return status_long(atlas, hub)


def _when(year: int | None) -> str:
    """`en 2019`, or `selon une source non datée` (a status whose source has no date is to be checked)."""
    return f"en {year}" if year is not None else "selon une source non datée"


def status_long(atlas: Atlas, hub: Hub) -> str:
    """For a hub's own page and report, without its source: `Recensé en activité en 2019 — à vérifier` (seen
    by the census), `En activité en 2020 — à vérifier` (by another source), `En activité (constaté en 2024)`,
    `Fermé en 2019`, `Fermé (constaté en 2019)`."""
    year = hub.status_year
    if atlas.status_is_old(hub):
        if seen_by_census(hub):
            return f"Recensé {SEEN_AS[hub.status]} {_when(year)} — à vérifier"
        return f"{SEEN_AS[hub.status].capitalize()} {_when(year)} — à vérifier"
    if hub.status == "closed":
        # without the year it closed, the year a source saw it closed: a 2019 census's « actuellement fermé »
        return f"Fermé en {hub.closed_in}" if hub.closed_in else f"Fermé (constaté en {year})" if year else "Fermé"
    label = STATUS_LABELS[hub.status]
    # a status written bare, without a source (`status: active`): the sheet's own word, which validation flags
    return label if year is None else f"{label} (constaté en {year})"


def year_fact(fact: Fact) -> Fact:
    """A year written as a fact (founded, closed_in) shown as `2014`, never as the number `2 014`, and
    without the year of its source beside it (`2014 (2024)` would read as two dates of one event)."""
    return replace(fact, value=str(fact.value), year=None)
