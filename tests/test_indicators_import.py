"""`atlas import --indicators`: commune files aggregated to real EPCI, checked against the producers.

The two EPCI are recomputed here from the commune files with plain csv/json code, independently of
generator/imports/indicators_data.py: Bordeaux Métropole (28 communes, no merger) and the CC Entre Doubs
et Loue, four of whose APL communes have merged into others since 2023. The command speaks French by
default and English with `--lang en`; one sheet's import is read in both. The festivals list is also
read on a small file of its own, for the codes the producer's file writes badly.
"""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from generator import i18n
from generator.cli import main
from generator.errors import AtlasError
from generator.imports.indicators import read_catalogue, update_measures, wanted
from generator.imports.indicators_data import (
    CINEMAS,
    FESTIVALS,
    LIBRARIES,
    compute,
    read_cinemas,
    read_festivals,
    read_inputs,
    read_libraries,
)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "indicators"
COG = ROOT / "node_modules" / "@etalab" / "decoupage-administratif" / "data"
AREAS = ROOT / "generator" / "geodata" / "areas.csv"

pytestmark = pytest.mark.skipif(not (COG / "communes.json").is_file(),
                                reason="needs @etalab/decoupage-administratif 6.0.0 in node_modules (npm ci)")


@pytest.fixture(scope="module")
def inputs():
    return read_inputs(DATA, COG, AREAS)


@pytest.fixture(scope="module")
def measured(inputs) -> dict:
    return compute(inputs)


def _csv(name: str, delimiter: str = ";") -> list[list[str]]:
    with (DATA / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


def _part_of(members: set[str], communes: list[dict]) -> dict[str, str]:
    """Codes of older COGs that now belong to a member: its former codes and its communes déléguées."""
    part_of = {code: code for code in members}
    for c in communes:
        if c["type"] == "commune-actuelle" and c["code"] in members:
            part_of.update({old: c["code"] for old in c.get("anciensCodes", [])})
        if c["type"] in ("commune-deleguee", "commune-associee") and c.get("chefLieu") in members:
            part_of.setdefault(c["code"], c["chefLieu"])
    return part_of


def _by_hand(siren: str) -> dict[str, float]:
    communes = json.loads((COG / "communes.json").read_text(encoding="utf-8"))
    epci = next(e for e in json.loads((COG / "epci.json").read_text(encoding="utf-8")) if e["code"] == siren)
    members = {m["code"] for m in epci["membres"]}
    population = {c["code"]: c["population"] for c in communes
                  if c["type"] == "commune-actuelle" and c["code"] in members}
    part_of = _part_of(members, communes)

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
    festivals = sum(1 for r in _csv(FESTIVALS)[1:] if r[4] in part_of)
    header, *rows = _csv(CINEMAS)
    cinemas = [dict(zip(header, r, strict=True)) for r in rows]
    screens = sum(float(c["écrans"]) for c in cinemas if c["code INSEE"] in part_of and c["genre"] == "FIXE")
    header, *rows = _csv(LIBRARIES)
    libraries = sum(1 for r in rows if dict(zip(header, r, strict=True))["type_adresse"] == "Bâtiment ouvert"
                    and r[header.index("code_insee_commune")] in part_of)
    return {
        "apl-medecins-generalistes": round(apl, 2),
        "part-population-grandes-aires": round(share, 1),
        "evolution-population-2016-2023": round(100 * (pop23 / pop16 - 1), 2),
        "densite-population": round(pop23 / area, 1),
        "festivals-pour-100000": round(1e5 * festivals / pop23, 2),
        "ecrans-cinema-pour-100000": round(1e5 * screens / pop23, 2),
        "bibliotheques-pour-100000": round(1e5 * libraries / pop23, 2),
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


def test_festivals_counted_once_against_the_published_total(inputs, measured: dict) -> None:
    # Ministère de la Culture: « près de 7 300 festivals ont connu une édition en 2019 » (Culture études CE-2023-2)
    rows = _csv(FESTIVALS)[1:]
    assert round(len(rows), -2) == 7300
    codes = [r[4] for r in rows]
    assert (codes.count(""), codes.count("#N/A"), codes.count("97127"), codes.count("1053")) == (23, 1, 1, 1)
    assert len(inputs.festivals) == len(rows) - 23 - 1 - 1  # Saint-Martin is no commune of the COG used
    # each placed festival counts in exactly one département: their rates give the counts back (a rate is
    # rounded to 0.01 per 100,000, less than half a festival for a population under ten million)
    regions = {r for r in inputs.dep_region.values() if len(r) == 2}  # the collectivités d'outre-mer have three digits
    departements = {d for d, r in inputs.dep_region.items() if r in regions}
    assert (len(regions), len(departements)) == (18, 101)
    counted = 0
    for dep in departements:
        value = measured[("departement", dep)].get("festivals-pour-100000")
        if value is None:
            assert dep == "976"  # Mayotte: not measured
            continue
        population = sum(c.population for c in inputs.communes.values() if c.departement == dep)
        counted += round(value * population / 1e5)
    mayotte = sum(1 for code in inputs.festivals if inputs.communes[code].departement == "976")
    elsewhere = sum(1 for code in inputs.festivals if inputs.communes[code].region not in regions)
    assert (mayotte, elsewhere) == (9, 13)  # Saint-Barthélemy, Polynésie française, Nouvelle-Calédonie: no sheet
    assert counted == len(inputs.festivals) - mayotte - elsewhere == 7235


def test_cinema_screens_against_the_cnc_published_park(inputs, measured: dict) -> None:
    # CNC, Géographie du cinéma 2023 (Le Film français, 25 September 2024): 2,056 establishments active in 2023 in
    # metropolitan France, « 5 de moins par rapport à 2022 », and 6,322 screens, « 24 de plus qu'en 2022 »
    header, *rows = _csv(CINEMAS)
    cinemas = [dict(zip(header, r, strict=True)) for r in rows]
    assert (len(cinemas), sum(float(c["écrans"]) for c in cinemas)) == (2056 + 5, 6322 - 24)
    assert not any(c["code INSEE"].startswith("97") for c in cinemas)  # metropolitan France only
    travelling = [c for c in cinemas if c["genre"] != "FIXE"]
    assert {c["genre"] for c in travelling} == {"ITINERANT"} and {c["écrans"] for c in travelling} == {"1.0"}
    assert (len(travelling), sum(inputs.cinema_screens.values())) == (114, 6298 - 114)  # every fixed screen placed
    # the départements' rates give the fixed screens back (rounded to 0.01 per 100,000: under half a screen each)
    counted = 0
    for dep in {c.departement for c in inputs.communes.values() if c.departement}:
        value = measured.get(("departement", dep), {}).get("ecrans-cinema-pour-100000")
        if dep.startswith(("97", "98")):  # overseas départements and collectivités: not in the list, not measured
            assert value is None, dep
            continue
        population = sum(c.population for c in inputs.communes.values() if c.departement == dep)
        counted += round(value * population / 1e5)
    assert counted == 6184


def test_cinemas_file_read(tmp_path: Path) -> None:
    """Fixed cinemas' screens add up per commune, an arrondissement counts for its commune, a travelling circuit
    and a code the COG does not know are left out."""
    path = tmp_path / "cinemas.csv"
    path.write_text("\ufeffnom;code INSEE;commune;écrans;fauteuils;genre\r\n"
                    "UGC;75101;Paris 1er Arrondissement;27.0;3896.0;FIXE\r\n"
                    "PATHE;75115;Paris 15e Arrondissement;10.0;1962.0;FIXE\r\n"
                    "CIRCUIT 1;14711;Trévières;1.0;100.0;ITINERANT\r\n"
                    "LE ROYAL;14711;Trévières;2.0;300.0;FIXE\r\n"
                    "INCONNU;99999;Nulle part;3.0;300.0;FIXE\r\n", encoding="utf-8")
    resolve = {"75101": "75056", "75115": "75056", "75056": "75056", "14711": "14711"}
    assert read_cinemas(path, resolve) == {"75056": 37, "14711": 2}
    path.write_text("nom;code_insee;ecrans;genre\nUGC;75101;27;FIXE\n", encoding="utf-8")
    with pytest.raises(AtlasError, match="code INSEE"):
        read_cinemas(path, resolve)


def test_libraries_against_the_published_mesh(inputs, measured: dict) -> None:
    # Ministère de la Culture, Atlas des bibliothèques territoriales (data of 2021, ActuaLitté, February 2024):
    # « 15.500 établissements de lecture publique […] avec, en moyenne, 23 établissements pour 100.000 habitants »
    header, *rows = _csv(LIBRARIES)
    libraries = [dict(zip(header, r, strict=True)) for r in rows]
    open_ = [b for b in libraries if b["type_adresse"] == "Bâtiment ouvert"]
    assert (len(libraries), len(open_), round(len(open_), -2)) == (15882, 15465, 15500)
    no_code = [b for b in open_ if not b["code_insee_commune"]]
    assert len(no_code) == 64 and {b["departement"] for b in no_code} == {"Corse-du-Sud", "Haute-Corse"}
    assert len(inputs.libraries) == len(open_)  # every open building placed, the Corsican ones by name
    regions = {r for r in inputs.dep_region.values() if len(r) == 2}
    placed = [c for c in inputs.libraries if inputs.communes[c].region in regions
              and inputs.communes[c].departement != "976"]
    population = sum(c.population for c in inputs.communes.values()
                     if c.region in regions and c.departement != "976")
    assert round(1e5 * len(placed) / population) == 23
    # the départements' rates give the counts back (rounded to 0.01 per 100,000: under half a library each)
    counted = 0
    for dep in {c.departement for c in inputs.communes.values() if c.region in regions}:
        value = measured.get(("departement", dep), {}).get("bibliotheques-pour-100000")
        if dep == "976":
            assert value is None  # Mayotte: not measured
            continue
        counted += round(value * sum(c.population for c in inputs.communes.values() if c.departement == dep) / 1e5)
    assert counted == len(placed) == 15429
    assert measured[("departement", "2A")]["bibliotheques-pour-100000"] > 0


def test_libraries_file_read(tmp_path: Path) -> None:
    """Open buildings count, in their commune or, without a code, in the commune their département and town name;
    other kinds of address and a row placed by neither are left out."""
    path = tmp_path / "bibliotheques.csv"
    path.write_text("\ufeffcp;code_bib;departement;ville;code_insee_commune;statut;type_adresse\n"
                    "01500;2.0;Ain;Ambronay;01007;Bibliothèque municipale;Bâtiment ouvert\n"
                    "01500;3.0;Ain;Ambronay;01007;Bibliothèque municipale;Lieu uniquement administratif\n"
                    "85340;4.0;Vendée;Olonne-sur-Mer;85166;Bibliothèque municipale;Bâtiment ouvert\n"
                    "20169;5.0;Corse-du-Sud;Bonifacio;;Bibliothèque municipale;Bâtiment ouvert\n"
                    "20000;6.0;Corse-du-Sud;Nulle part;;Bibliothèque municipale;Bâtiment ouvert\n"
                    "01500;7.0;Ain;Ambronay;01007;Bibliothèque départementale;Bibliobus\n", encoding="utf-8")
    resolve = {"01007": "01007", "85194": "85194", "85166": "85194"}
    by_name = {("Corse-du-Sud", "Bonifacio"): "2A041"}
    assert read_libraries(path, resolve, by_name) == ["01007", "85194", "2A041"]
    path.write_text("cp;code_insee;type_adresse\n01500;01007;Bâtiment ouvert\n", encoding="utf-8")
    with pytest.raises(AtlasError, match="code_insee_commune"):
        read_libraries(path, resolve, by_name)


def test_absent_is_absent_not_zero(measured: dict) -> None:
    for dep in ("75", "92", "93", "94"):
        assert "part-surface-agricole-bio" not in measured[("departement", dep)]
        assert "agriculteurs-agroecologie-pour-10000" not in measured[("departement", dep)]
    assert "apl-medecins-generalistes" not in measured[("departement", "976")]  # the DREES file has no Mayotte
    assert "evolution-population-2016-2023" not in measured[("departement", "976")]
    assert measured[("departement", "01")]["part-surface-agricole-bio"] == 8.6
    assert "festivals-pour-100000" not in measured[("departement", "976")]
    # the festivals list covers the whole country: an EPCI none of whose communes is in it has 0, not nothing
    communes = json.loads((COG / "communes.json").read_text(encoding="utf-8"))
    placed = {r[4] for r in _csv(FESTIVALS)[1:]}
    for e in json.loads((COG / "epci.json").read_text(encoding="utf-8")):
        members = {m["code"] for m in e["membres"]}
        if not any(m.startswith("976") for m in members) and not placed & set(_part_of(members, communes)):
            break  # the first EPCI of the package without a festival (and outside Mayotte)
    assert measured[("epci", e["code"])]["festivals-pour-100000"] == 0.0


def test_every_epci_measured_on_commune_indicators(measured: dict) -> None:
    epcis = json.loads((COG / "epci.json").read_text(encoding="utf-8"))
    sirens = [e["code"] for e in epcis]
    assert len(sirens) == 1255
    mayotte = {e["code"] for e in epcis if any(m["code"].startswith("976") for m in e["membres"])}
    assert len(mayotte) == 5
    overseas = {e["code"] for e in epcis if any(m["code"].startswith("97") for m in e["membres"])}
    assert len(overseas) == 23
    for siren in sirens:
        got = measured[("epci", siren)]
        assert "part-population-grandes-aires" in got
        if siren not in mayotte:
            assert {"apl-medecins-generalistes", "apl-medecins-generalistes-moins-65-ans",
                    "densite-population", "evolution-population-2016-2023", "festivals-pour-100000",
                    "bibliotheques-pour-100000"} <= set(got), siren
        assert ("ecrans-cinema-pour-100000" in got) is (siren not in overseas), siren  # the CNC: metropolitan only


def test_festivals_file_read_with_its_faults(tmp_path: Path) -> None:
    """A code written without its leading zero gets it back; a former code maps to today's commune; no code,
    #N/A and a code the COG does not know are left out, not counted anywhere."""
    path = tmp_path / "festivals.csv"
    path.write_text("identifiant;nom_du_festival;commune_principale_de_deroulement;"
                    "departement_principal_de_deroulement;code_insee_commune\n"
                    "FEST_1;Un;Bourg-en-Bresse;Ain;1053\n"
                    "FEST_2;Deux;Les Sables-d'Olonne;Vendée;85194\n"
                    "FEST_3;Trois;Olonne-sur-Mer;Vendée;85166\n"
                    "FEST_4;Quatre;;Var;\n"
                    "FEST_5;Cinq;;Aude;#N/A\n"
                    "FEST_6;Six;Saint-Martin;Guadeloupe;97127\n", encoding="utf-8")
    resolve = {"01053": "01053", "85194": "85194", "85166": "85194"}  # Olonne-sur-Mer merged in 2019
    assert read_festivals(path, resolve) == ["01053", "85194", "85194"]
    path.write_text("identifiant;code_commune\nFEST_1;01053\n", encoding="utf-8")
    with pytest.raises(AtlasError, match="code_insee_commune"):
        read_festivals(path, resolve)


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
    assert "measures.densite-population: 1.0 -> (supprimé)" in changes  # French by default
    again, changes_again = update_measures(text, measures, owned)
    assert (again, changes_again) == (text, [])
    with i18n.using("en"):
        assert "measures.densite-population: 1.0 -> (removed)" in update_measures(SHEET, measures, owned)[1]


BORDEAUX = 'name: Bordeaux Métropole\nlevel: epci\ncode: "243300316"\nupdated: 2026-01-01\n'
WORDS = {
    "fr": {"set": "{sheet} : modifierait measures.{iid}: (absent) -> {value}",
           "note": "note : epci {iid} : 1 fiche mesurée",
           "dry": "indicateurs : 1 fiche de régions, de départements et d'EPCI, 1 à mettre à jour, 0 sans changement "
                  "(essai à blanc : rien n'est écrit)",
           "done": "indicateurs : 1 fiche de régions, de départements et d'EPCI, 1 mise à jour, 0 sans changement",
           "again": "indicateurs : 1 fiche de régions, de départements et d'EPCI, 0 mise à jour, 1 sans changement"},
    "en": {"set": "{sheet}: would set measures.{iid}: (absent) -> {value}",
           "note": "note: epci {iid}: 1 sheet measured",
           "dry": "indicators: 1 sheet of régions, départements and EPCI, 1 to update, 0 unchanged "
                  "(dry run: nothing written)",
           "done": "indicators: 1 sheet of régions, départements and EPCI, 1 updated, 0 unchanged",
           "again": "indicators: 1 sheet of régions, départements and EPCI, 0 updated, 1 unchanged"},
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_command_in_both_languages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str], lang: str) -> None:
    """`atlas import --indicators` on a tree of one EPCI sheet: a dry run, the import, a second run."""
    monkeypatch.delenv(i18n.ENV_VARIABLE, raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1769904000")  # 2026-02-01
    tree = tmp_path / "territories"
    sheet = tree / "bordeaux-metropole" / "territory.yml"
    sheet.parent.mkdir(parents=True)
    sheet.write_text(BORDEAUX, encoding="utf-8")
    for name in ("indicators.yml", "sources.yml", "vocabulary.yml"):
        shutil.copy(ROOT / "territories" / name, tree / name)
    words = WORDS[lang]
    argv = ["import", "--indicators", "--territories", str(tree), *(("--lang", "en") if lang == "en" else ())]

    assert main([*argv, "--dry-run"]) == 0
    out, err = capsys.readouterr()
    assert sheet.read_text(encoding="utf-8") == BORDEAUX
    expected = _by_hand("243300316")
    expected.pop("apl rows")
    for iid, value in expected.items():  # the values recomputed by hand above
        assert words["set"].format(sheet=sheet, iid=iid, value=value) in out.splitlines()
        assert words["note"].format(iid=iid) in err.splitlines()
    assert out.splitlines()[-1] == words["dry"]

    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == words["done"]
    imported = YAML(typ="safe").load(sheet.read_text(encoding="utf-8"))
    assert imported["measures"]["densite-population"] == expected["densite-population"]
    assert imported["updated"] == date(2026, 2, 1)  # the day it was checked against the files (SOURCE_DATE_EPOCH)
    assert main(argv) == 0
    assert capsys.readouterr().out.splitlines() == [words["again"]]
