"""`atlas import --indicators`: commune files aggregated to real EPCI, checked against the producers.

The two EPCI are recomputed here from the commune files with plain csv/json code, independently of
generator/indicators_import.py: Bordeaux Métropole (28 communes, no merger) and the CC Entre Doubs
et Loue, four of whose APL communes have merged into others since 2023.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from generator.imports.indicators import read_catalogue, update_measures, wanted
from generator.imports.indicators_data import compute, read_inputs

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "indicators"
COG = ROOT / "node_modules" / "@etalab" / "decoupage-administratif" / "data"
AREAS = ROOT / "generator" / "geodata" / "areas.csv"

pytestmark = pytest.mark.skipif(not (COG / "communes.json").is_file(),
                                reason="needs @etalab/decoupage-administratif 6.0.0 in node_modules (npm ci)")


@pytest.fixture(scope="module")
def measured() -> dict:
    return compute(read_inputs(DATA, COG, AREAS))


def _csv(name: str, delimiter: str = ";") -> list[list[str]]:
    with (DATA / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


def _by_hand(siren: str) -> dict[str, float]:
    communes = json.loads((COG / "communes.json").read_text(encoding="utf-8"))
    epci = next(e for e in json.loads((COG / "epci.json").read_text(encoding="utf-8")) if e["code"] == siren)
    members = {m["code"] for m in epci["membres"]}
    population = {c["code"]: c["population"] for c in communes
                  if c["type"] == "commune-actuelle" and c["code"] in members}
    # codes of older COGs that now belong to a member: its former codes and its communes déléguées
    part_of = {code: code for code in members}
    for c in communes:
        if c["type"] == "commune-actuelle" and c["code"] in members:
            part_of.update({old: c["code"] for old in c.get("anciensCodes", [])})
        if c["type"] in ("commune-deleguee", "commune-associee") and c.get("chefLieu") in members:
            part_of.setdefault(c["code"], c["chefLieu"])

    apl_rows = [r for r in _csv("drees_apl_medecins_generalistes_2023.csv")[1:] if r[0] in part_of]
    weight = sum(float(r[5]) for r in apl_rows)
    apl = sum(float(r[2]) * float(r[5]) for r in apl_rows) / weight

    large = set()
    for r in _csv("insee_appartenance_communes_2023.csv")[1:]:
        if r[0] in members and r[13] in ("4", "5"):
            large.add(r[0])
    pop23 = sum(population.values())
    share = 100 * sum(population[c] for c in large) / pop23

    pop16 = sum(int(r[2]) for r in _csv("insee_populations_2016_communes_cog2019.csv")[1:] if r[0] in part_of and r[2])
    area = next(float(r[3]) for r in _csv("../../generator/geodata/areas.csv", ",") if r[:2] == ["epci", siren])
    return {
        "apl-medecins-generalistes": round(apl, 2),
        "part-population-grandes-aires": round(share, 1),
        "evolution-population-2016-2023": round(100 * (pop23 / pop16 - 1), 2),
        "densite-population": round(pop23 / area, 1),
        "apl rows": len(apl_rows),
    }


@pytest.mark.parametrize("siren, apl_rows", [("243300316", 28), ("242500320", 16)])
def test_two_real_epci_recomputed_from_the_commune_files(measured: dict, siren: str, apl_rows: int) -> None:
    expected = _by_hand(siren)
    assert expected.pop("apl rows") == apl_rows  # Entre Doubs et Loue: 12 communes today, 16 in the APL file
    got = measured[("epci", siren)]
    for iid, value in expected.items():
        assert got[iid] == pytest.approx(value, abs=1e-9), iid


def test_producers_published_figures(measured: dict) -> None:
    # INSEE: 66,362,000 inhabitants in France excluding Mayotte on 1 January 2016 (Insee Focus n° 138)
    total_2016 = sum(int(r[2]) for r in _csv("insee_populations_2016_communes_cog2019.csv")[1:]
                     if r[2] and not r[0].startswith(("975", "977", "978", "98")))  # collectivités d'outre-mer
    assert round(total_2016, -3) == 66_362_000
    # the DGOS/DITP series publishes régions too: the import's sums of départements give the same counts
    estimates = {r[0]: float(r[-1]) for r in _csv("insee_statistiques_locales_departements.csv")[3:]}
    regions = {r[1][1:]: float(r[5]) for r in _csv("barometre_ind-311_maisons_sante.csv", ",")[1:]
               if r[3] == "REG" and r[2] == "2023-12-01" and r[5]}
    deps_of: dict[str, list[str]] = {}
    for d in json.loads((COG / "departements.json").read_text(encoding="utf-8")):
        deps_of.setdefault(d["region"], []).append(d["code"])
    for region, count in regions.items():
        population = sum(estimates[d] for d in deps_of[region])
        assert measured[("region", region)]["maisons-sante-pour-100000"] == round(1e5 * count / population, 2)
    # INSEE Statistiques locales: Gironde's BAC+5 share and its GPs, as published
    gironde = next(r for r in _csv("insee_statistiques_locales_departements.csv")[3:] if r[0] == "33")
    assert measured[("departement", "33")]["part-diplomes-bac5"] == float(gironde[16]) == 14.0
    assert measured[("departement", "33")]["medecins-generalistes-pour-10000"] == \
        round(1e4 * float(gironde[2]) / float(gironde[-1]), 2)


def test_absent_is_absent_not_zero(measured: dict) -> None:
    for dep in ("75", "92", "93", "94"):
        assert "part-surface-agricole-bio" not in measured[("departement", dep)]
        assert "agriculteurs-agroecologie-pour-10000" not in measured[("departement", dep)]
    assert "apl-medecins-generalistes" not in measured[("departement", "976")]  # the DREES file has no Mayotte
    assert "evolution-population-2016-2023" not in measured[("departement", "976")]
    assert measured[("departement", "01")]["part-surface-agricole-bio"] == 8.6


def test_every_epci_measured_on_commune_indicators(measured: dict) -> None:
    epcis = json.loads((COG / "epci.json").read_text(encoding="utf-8"))
    sirens = [e["code"] for e in epcis]
    assert len(sirens) == 1255
    mayotte = {e["code"] for e in epcis if any(m["code"].startswith("976") for m in e["membres"])}
    assert len(mayotte) == 5
    for siren in sirens:
        got = measured[("epci", siren)]
        assert "part-population-grandes-aires" in got
        if siren not in mayotte:
            assert {"apl-medecins-generalistes", "apl-medecins-generalistes-moins-65-ans",
                    "densite-population", "evolution-population-2016-2023"} <= set(got), siren


SHEET = """\
# yaml-language-server: $schema=../../schema/territory.schema.json
name: Test   # a comment kept
level: epci
code: "200000000"
measures:
  densite-population: 1.0
  unknown-measure: 3
  apl-medecins-generalistes: {value: 2.5, note: un chiffre vérifié}
updated: 2026-01-01
"""


def test_round_trip_keeps_the_sheet_and_orders_by_catalogue() -> None:
    catalogue = read_catalogue(ROOT / "territories")
    owned = frozenset(iid for iid, e in catalogue.items() if "derived" not in e)
    values = {"apl-medecins-generalistes": 2.5, "part-population-grandes-aires": 40.0, "esperance-vie-femmes": 85.0}
    measures = wanted(catalogue, "epci", values)
    assert list(measures) == ["part-population-grandes-aires", "apl-medecins-generalistes"]  # no EPCI life expectancy
    text, changes = update_measures(SHEET, measures, owned)
    assert "# a comment kept" in text and text.startswith("# yaml-language-server")
    doc = YAML(typ="safe").load(text)
    assert list(doc["measures"]) == ["part-population-grandes-aires", "apl-medecins-generalistes", "unknown-measure"]
    assert doc["measures"]["apl-medecins-generalistes"] == {"value": 2.5, "note": "un chiffre vérifié"}
    assert "densite-population" not in doc["measures"]  # no longer measured: removed, not kept stale
    assert any("densite-population" in c and "(removed)" in c for c in changes)
    again, changes_again = update_measures(text, measures, owned)
    assert (again, changes_again) == (text, [])
