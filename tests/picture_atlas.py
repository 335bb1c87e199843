"""A small atlas built in Python for the picture tests: every case the charts and maps must handle.

Synthetic test data (names of real places, made-up figures): a région, a rated département with a
population, an EPCI with its SIREN, a commune without coordinates, an overseas département, hubs
with several types, a hub without coordinates, a closed hub, a partner in another territory and a
hub whose name holds mathtext.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from generator.model import (
    Atlas,
    Fact,
    Hub,
    Indicator,
    Pillar,
    Source,
    Territory,
    Vocabulary,
    VocabularyEntry,
    build_atlas,
)

AS_OF = date(2025, 11, 26)
DAY = date(2025, 1, 10)
DOLLAR_NAME = r"Lab $\invalidcmd$ & $x^2$"
BESANCON = (47.24, 6.02)


def _pillars(**ratings: int | None) -> dict[str, Pillar]:
    return {k: Pillar(key=k, rating=v, rationale="test" if v is not None else None) for k, v in ratings.items()}


def territories() -> dict[str, Territory]:
    items = [
        Territory(id="bfc", name="Bourgogne-Franche-Comté", level="region", updated=DAY, path="t/bfc.yml",
                  code="27", pillars=_pillars(knowledge=3)),
        Territory(id="doubs", name="Doubs", level="departement", updated=DAY, path="t/doubs.yml", code="25",
                  parent_id="bfc", population=Fact(value=200_000, year=2021),
                  pillars=_pillars(metropolisation=2, health=4)),
        Territory(id="jura", name="Jura", level="departement", updated=DAY, path="t/jura.yml", code="39",
                  parent_id="bfc", pillars=_pillars(metropolisation=2, health=1)),
        Territory(id="gbm", name="Grand Besançon Métropole", level="epci", updated=DAY, path="t/gbm.yml",
                  code="242500361", parent_id="doubs", coordinates=BESANCON,
                  pillars=_pillars(metropolisation=3, health=4, knowledge=4, identity=0)),
        Territory(id="ornans", name="Ornans", level="commune", updated=DAY, path="t/ornans.yml", code="25434",
                  parent_id="gbm"),
        Territory(id="reunion", name="La Réunion", level="departement", updated=DAY, path="t/reunion.yml",
                  code="974", pillars=_pillars(metropolisation=1)),
    ]
    return {t.id: t for t in items}


def hubs() -> dict[str, Hub]:
    items = [
        Hub(id="fablab", territory_id="gbm", name="Fablab de Besançon", types=("fab-lab", "tiers-lieu"),
            status="active", updated=DAY, path="h/fablab.yml", founded=2014, coordinates=BESANCON,
            partners=("living", "incubator")),
        Hub(id="living", territory_id="gbm", name="Living Lab Santé", types=("living-lab",), status="active",
            updated=DAY, path="h/living.yml", founded=2016, coordinates=(47.22, 5.98)),
        Hub(id="incubator", territory_id="doubs", name="Ancien incubateur", types=("incubator",),
            status="closed", updated=DAY, path="h/incubator.yml", founded=2010, closed_in=2020),
        Hub(id="dollar", territory_id="doubs", name=DOLLAR_NAME, types=("tiers-lieu",), status="project",
            updated=DAY, path="h/dollar.yml", coordinates=(47.1, 6.3), partners=("fablab",)),
        Hub(id="jura-lab", territory_id="jura", name="Jura Lab", types=("fab-lab",), status="active",
            updated=DAY, path="h/jura-lab.yml", founded=2014, coordinates=(46.67, 5.55), partners=("living",)),
        Hub(id="run-lab", territory_id="reunion", name="Run Lab", types=("coworking",), status="project",
            updated=DAY, path="h/run-lab.yml", coordinates=(-20.88, 55.45)),
    ]
    return {h.id: h for h in items}


def vocabulary() -> Vocabulary:
    labels = {"fab-lab": "Fab Lab", "living-lab": "Living Lab", "tiers-lieu": "Tiers-lieu",
              "incubator": "Incubateur", "coworking": "Espace de coworking"}
    english = {"fab-lab": "Fab Lab", "living-lab": "Living Lab", "tiers-lieu": "Third place", "incubator": "Incubator",
               "coworking": "Coworking space"}  # their `en:` labels (territories/vocabulary.yml), the English charts'
    return Vocabulary(hub_types={k: VocabularyEntry(id=k, label=v, en={"label": english[k]})
                                 for k, v in labels.items()})


SOURCE = Source(id="test-source", title="Source d'essai", publisher="Essai", shared=True)


def indicators() -> dict[str, Indicator]:
    """Two health indicators (départements and EPCI) and one of métropolisation for départements only."""
    items = [
        Indicator(id="apl", label="Accès aux généralistes", pillar="health", direction="higher",
                  levels=("departement", "epci"), unit="consultations", source=SOURCE, year=2023),
        Indicator(id="medecins", label="Généralistes pour 10 000 habitants", pillar="health", direction="higher",
                  levels=("departement", "epci"), unit="pour 10 000 habitants", source=SOURCE, year=2024),
        Indicator(id="chomage", label="Taux de chômage", pillar="metropolisation", direction="lower",
                  levels=("departement",), unit="%", source=SOURCE, year=2024),
    ]
    return {i.id: i for i in items}


MEASURES = {  # made-up figures: Doubs and Jura tie on medecins; the Réunion has only chomage
    "doubs": {"apl": 3.1, "medecins": 8.2, "chomage": 7.0},
    "jura": {"apl": 2.5, "medecins": 8.2, "chomage": 6.0},
    "reunion": {"chomage": 17.0},
    "gbm": {"apl": 3.9, "medecins": 9.6},
}


def _measured(all_territories: dict[str, Territory]) -> dict[str, Territory]:
    catalogue = indicators()
    for tid, values in MEASURES.items():
        facts = {iid: Fact(value=v, year=catalogue[iid].year, source=SOURCE, label=catalogue[iid].label,
                           unit=catalogue[iid].unit) for iid, v in values.items()}
        all_territories[tid] = replace(all_territories[tid], measures=facts)
    return all_territories


def make_atlas(**changed_hubs: dict) -> Atlas:
    """The test atlas; `make_atlas(fablab={"name": "..."})` changes fields of one hub."""
    all_hubs = hubs()
    for hub_id, changes in changed_hubs.items():
        all_hubs[hub_id] = replace(all_hubs[hub_id], **changes)
    return build_atlas(_measured(territories()), all_hubs, vocabulary(), {"test-source": SOURCE}, AS_OF,
                       indicators())
