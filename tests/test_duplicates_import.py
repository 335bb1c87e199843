"""`atlas import --hubs` writes no place twice (readers saw hubs listed twice in the atlas).

A small census CSV (the original columns) over a small tree of real territories (imported from
`@etalab/decoupage-administratif`, installed by `npm ci`; skipped without it): one place under two
spellings, a row placed only in Paris beside the same name in an arrondissement, branches of one brand
(kept apart), one address with one website and similar names, a curated hub of the same name, and a
pair of sheets merged by hand that a re-import must keep as one. Every tree is loaded back (the sheets
are valid, spec 1.1) and `atlas validate` finds no hub listed twice in it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from census_helpers import NEEDS_PACKAGE, base_tree, hub_sheets, load_yaml, snapshot, tree_copy, write_csv
from census_helpers import census_row as _row

from generator import i18n
from generator.cli import main
from generator.load import load_atlas

pytestmark = NEEDS_PACKAGE


@pytest.fixture(autouse=True)
def _default_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(i18n.ENV_VARIABLE, raising=False)


def _annecy(id: int, name: str, address: str, **more: object) -> dict[str, str]:
    values: dict = {"cp": "74000", "commune": "Annecy", "lat": 45.9000, "lon": 6.1200, "score": 0.9, "dep": "74",
                    **more}
    return _row(id, name, "74010", address=address, **values)


ROWS = [
    # one place under two spellings (the census's rows 134 and 736 of Lille), the second placed at its address
    _annecy(1, "1624 COWORKIN'ANNECY", "12 ter rue des Tours", web="http://www.1624.example.org/", score=0.41),
    _annecy(2, "1624 Cowork'in Annecy", "12 Rue des Tours", web="http://www.1624.example.co/", lat=45.9010),
    # branches of one brand in two arrondissements of Paris: two places
    _row(3, "Anticafé", "75110", address="6 Rue du Château d'Eau", cp="75010", commune="Paris",
         lat=48.8695, lon=2.3615, score=0.95, dep="75"),
    _row(4, "Anticafé", "75101", address="10 Rue de Richelieu", cp="75001", commune="Paris",
         lat=48.8642, lon=2.3362, score=0.94, dep="75"),
    # a place in an arrondissement, and a row naming it placed only in Paris (no address): one place
    _row(5, "Onzième Lieu", "75111", address="91 Rue Jean-Pierre Timbaud", cp="75011", commune="Paris",
         lat=48.8682, lon=2.3788, score=0.95, dep="75"),
    _row(6, "ONZIEME LIEU", "0", commune="Paris", dep="75"),
    # one street address, one website, similar names: one place; another name there: two places
    _annecy(7, "La Capsule", "5 Rue des Marmouzets", web="www.capsule.example.org", lat=45.9050),
    _annecy(8, "La Capsule by Annecy Coworking", "5 Rue des Marmouzets", web="http://www.capsule.example.org",
            lat=45.9051),
    _annecy(9, "Le Digitoire", "5 Rue des Marmouzets", web="http://www.capsule.example.org", lat=45.9052),
    # the curated hub `thecamp` below, under the census's spelling
    _annecy(10, "The Camp", "550 Rue Denis Papin", web="https://thecamp.example.org/fr", lat=45.9100),
]

CURATED = """\
# yaml-language-server: $schema=../../../schema/hub.schema.json
name: thecamp
types: [incubator]
status: {value: active, year: 2019, source: site-thecamp}
commune: "74010"
description: Écrit à la main.
sources:
  site-thecamp:
    title: Site de thecamp
    url: https://thecamp.example.org/
updated: 2026-01-02
"""


_write_csv = write_csv


@pytest.fixture(scope="module", name="base_tree")
def _base_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Grand Annecy and the Métropole du Grand Paris, with a curated hub, made once."""
    return base_tree(tmp_path_factory.mktemp("duplicates"), [["--level", "epci", "--code", "200066793"],
                                                             ["--level", "epci", "--code", "200054781"]],
                     Path("ca-du-grand-annecy/hubs/thecamp.yml"), CURATED)


@pytest.fixture
def tree(base_tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return tree_copy(base_tree, tmp_path, monkeypatch)


def _import(census: Path, tree: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["import", "--hubs", str(census), "--territories", str(tree)]) == 0
    return capsys.readouterr().out


_hubs, _load, _snapshot = hub_sheets, load_yaml, snapshot


def _listed_twice(tree: Path) -> list[str]:
    atlas, report = load_atlas(tree)
    assert atlas is not None, [p.text() for p in report.errors]
    return [p.text() for p in report.warnings if "deux fois" in p.message or "listed twice" in p.message]


def test_one_place_under_two_spellings_is_one_hub(tmp_path, tree, capsys) -> None:
    _import(_write_csv(tmp_path / "census.csv", ROWS), tree, capsys)
    hubs = _hubs(tree)
    names = sorted(_load(p)["name"] for p in hubs.values())
    assert names == ["1624 Cowork'in Annecy", "Anticafé", "Anticafé", "La Capsule", "Le Digitoire", "Onzième Lieu",
                     "thecamp"]
    # the row placed at its address speaks for the place; the other row is named in the note
    lieu = _load(hubs["1624-cowork-in-annecy"])
    assert lieu["address"]["value"] == "12 Rue des Tours, 74000 Annecy"
    assert lieu["coordinates"]["precision"] == "address"
    assert lieu["website"] == "http://www.1624.example.co/"
    # the other row's street and website are in the note (the sheet keeps one of each)
    assert lieu["status"]["note"].endswith("le recensement le cite 2 fois (fiches n° 2, 1), aussi au 12 ter rue "
                                           "des Tours, avec le site http://www.1624.example.org/")
    assert hubs["1624-cowork-in-annecy"].read_text(encoding="utf-8").splitlines()[1] == \
        "# mission-coworking-2019: 2, 1"
    # branches in two arrondissements stay two places; the row without arrondissement joins its place
    assert {"anticafe-paris-10e-arrondissement", "anticafe-paris-1er-arrondissement", "onzieme-lieu"} <= set(hubs)
    assert "fiches n° 5, 6" in _load(hubs["onzieme-lieu"])["status"]["note"]
    # one address, one website, similar names: one place; a different name at that address: its own sheet
    capsule = _load(hubs["la-capsule"])
    assert "aussi sous le nom « La Capsule by Annecy Coworking »" in capsule["status"]["note"]
    assert "le-digitoire" in hubs
    # what the import leaves to a person: two names at one address with one website (a place inside another?)
    warned = _listed_twice(tree)
    assert len(warned) == 1 and "le-digitoire.yml" in warned[0] and "la-capsule.yml" in warned[0]


def test_a_curated_hub_of_the_same_name_takes_the_census_row(tmp_path, tree, capsys) -> None:
    _import(_write_csv(tmp_path / "census.csv", ROWS), tree, capsys)
    hubs = _hubs(tree)
    assert "the-camp" not in hubs
    camp = _load(hubs["thecamp"])
    assert camp["name"] == "thecamp" and camp["types"] == ["incubator"]   # hand-written facts untouched
    assert camp["coordinates"]["precision"] == "address"
    assert camp["sources"]["recensement-tiers-lieux-2019"]["title"].endswith(": fiche n° 10 « The Camp »")


def test_a_curated_hub_citing_one_row_is_found_for_another_spelling(tmp_path, tree, capsys) -> None:
    """The census lists thecamp twice (rows 421 « The Camp » and 1330 « ICI thecamp »): the sheet that cites
    one is found for the other by its folded name, and its citation then names both rows."""
    rows = [*ROWS, _annecy(11, "ICI thecamp", "550 rue Denis Papin", web="http://ici.example.org", score=0.55)]
    path = tree / "ca-du-grand-annecy" / "hubs" / "thecamp.yml"
    path.write_text(CURATED.replace("updated:", "  recensement-tiers-lieux-2019:\n    title: 'Recensement des "
                                    "tiers-lieux (CGET – Mission Coworking), mise à jour du 13 juin 2019 : fiche n° "
                                    "11 « ICI thecamp »'\n    url: https://github.com/anct-carto/mission_coworking\n"
                                    "updated:"), encoding="utf-8")
    out = _import(_write_csv(tmp_path / "census.csv", rows), tree, capsys)
    assert "the-camp" not in _hubs(tree) and "ici-thecamp" not in _hubs(tree)
    title = _load(path)["sources"]["recensement-tiers-lieux-2019"]["title"]
    assert title.endswith(": fiche n° 10 « The Camp » et fiche n° 11 « ICI thecamp »")
    assert "'The Camp', 'ICI thecamp' sont un seul lieu, retrouvé dans" in out
    before = _snapshot(tree)
    _import(_write_csv(tmp_path / "census.csv", rows), tree, capsys)
    assert _snapshot(tree) == before


def test_sheets_merged_by_hand_stay_one_after_a_reimport(tmp_path, tree, capsys) -> None:
    """Two sheets of one place written by an earlier import (names that do not fold alike): the
    contributor keeps one, writes both census IDs on its marker line and deletes the other."""
    rows = [_annecy(1, "Cobalt", "5 rue Victor Hugo", web="www.cobalt.example.org"),
            _annecy(2, "Deneau", "5 Rue Victor Hugo", web="http://cobalt.example.org", lat=45.9001)]
    census = _write_csv(tmp_path / "census.csv", rows)
    _import(census, tree, capsys)
    hubs = _hubs(tree)
    assert {"cobalt", "deneau"} <= set(hubs)
    assert len(_listed_twice(tree)) == 1  # same address, same website: the check says so
    kept = hubs["cobalt"]
    kept.write_text(kept.read_text(encoding="utf-8").replace("# mission-coworking-2019: 1\n",
                                                             "# mission-coworking-2019: 1, 2\n"), encoding="utf-8")
    hubs["deneau"].unlink()
    _import(census, tree, capsys)
    assert "deneau" not in _hubs(tree)
    assert _load(kept)["status"]["note"].endswith("(fiches n° 1, 2), aussi sous le nom « Deneau »")
    assert _listed_twice(tree) == []
    before = _snapshot(tree)
    out = _import(census, tree, capsys)
    assert _snapshot(tree) == before
    assert "0 créé, 0 fusionné dans une fiche existante, 0 mis à jour, 1 inchangé" in out


def test_a_renamed_place_merged_by_hand_speaks_with_the_listing_it_is_named_after(tmp_path, tree, capsys) -> None:
    """The census lists a place under its former name and its current one (La Serre, 27 bis allées Maurice-Sarraut,
    row 14; IF- Les Imaginations Fertiles, 27 allées Maurice-Sarraut, row 569): the contributor keeps the sheet of
    the current name and records both rows. The re-import gives it its own listing's address and point, and the
    note names the former listing, though the census lists the former name first (it gave the sheet of « Les
    Imaginations Fertiles » the address of La Serre, and a note « aussi sous le nom « Les Imaginations Fertiles »
    »)."""
    rows = [_annecy(1, "La Serre", "27 Bis Allée Maurice Sarraut", web="http://www.serre.example.org", lat=45.9001),
            _annecy(2, "Les Imaginations Fertiles", "27 Allée Maurice Sarraut", web="http://if.example.org")]
    census = _write_csv(tmp_path / "census.csv", rows)
    _import(census, tree, capsys)
    hubs = _hubs(tree)
    assert {"la-serre", "les-imaginations-fertiles"} <= set(hubs)
    kept = hubs["les-imaginations-fertiles"]
    kept.write_text(kept.read_text(encoding="utf-8").replace("# mission-coworking-2019: 2\n",
                                                             "# mission-coworking-2019: 2, 1\n"), encoding="utf-8")
    hubs["la-serre"].unlink()
    _import(census, tree, capsys)
    assert "la-serre" not in _hubs(tree)
    sheet = _load(kept)
    assert sheet["address"]["value"] == "27 Allée Maurice Sarraut, 74000 Annecy"
    assert sheet["coordinates"]["value"] == [45.9, 6.12]
    assert sheet["status"]["note"].endswith("le recensement le cite 2 fois (fiches n° 2, 1), aussi au 27 Bis Allée "
                                            "Maurice Sarraut, sous le nom « La Serre », avec le site "
                                            "http://www.serre.example.org")
    before = _snapshot(tree)
    _import(census, tree, capsys)
    assert _snapshot(tree) == before


def test_a_new_row_of_a_place_already_in_a_sheet_is_not_written_twice(tmp_path, tree, capsys) -> None:
    """A later census lists the place again, under another spelling: the sheet is found by its folded
    name in its commune, not written a second time."""
    _import(_write_csv(tmp_path / "census.csv", ROWS[:2]), tree, capsys)
    later = [_annecy(20, "1624 COWORK IN ANNECY", "12 rue des Tours", lat=45.9011)]
    out = _import(_write_csv(tmp_path / "later.csv", later), tree, capsys)
    assert [p.stem for p in tree.glob("*/hubs/1624*")] == ["1624-cowork-in-annecy"]
    assert "0 créé" in out
    # the sheet records the new row: found by its ID from then on, even once renamed by hand
    path = tree / "ca-du-grand-annecy" / "hubs" / "1624-cowork-in-annecy.yml"
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[1] == "# mission-coworking-2019: 2, 1, 20"
    path.write_text(text.replace("name: \"1624 Cowork'in Annecy\"", "name: Espace 1624"), encoding="utf-8")
    before = _snapshot(tree)
    _import(_write_csv(tmp_path / "later.csv", later), tree, capsys)
    assert _snapshot(tree) == before


def test_a_row_the_census_says_is_closed_makes_a_closed_place(tmp_path, tree, capsys) -> None:
    """The census names one of its rows « L'atelier du 9 (Actuellement fermé) »: the place's status is closed
    in 2019 (not « active »), its name is the place's name without those words, the note says which row."""
    rows = [_annecy(11, "L'Atelier du 12", "9 Rue du Moulin", web="http://www.atelier12.example.fr", lat=45.9100),
            _annecy(12, "L'atelier du 12 (Actuellement fermé)", "9 rue du moulin Annecy",
                    web="http://atelier12.example.fr/", lat=45.9101, score=0.49)]
    _import(_write_csv(tmp_path / "census.csv", rows), tree, capsys)
    hubs = _hubs(tree)
    sheet = _load(hubs["l-atelier-du-12"])
    assert sheet["name"] == "L'Atelier du 12"
    assert sheet["status"]["value"] == "closed" and sheet["status"]["year"] == 2019
    assert sheet["status"]["note"].endswith("la fiche n° 12 le dit « actuellement fermé »")
    assert not any("ferm" in hub_id for hub_id in hubs)
    atlas, report = load_atlas(tree)
    assert atlas is not None and not report.errors, [p.text() for p in report.errors]


def test_a_place_listed_once_as_closed_is_named_without_the_words(tmp_path, tree, capsys) -> None:
    rows = [_annecy(13, "Le Troquet (actuellement fermée)", "3 Rue Royale", lat=45.9000)]
    _import(_write_csv(tmp_path / "census.csv", rows), tree, capsys)
    text = _hubs(tree)["le-troquet"].read_text(encoding="utf-8")
    assert "name: Le Troquet\n" in text and "  value: closed\n" in text
    assert "la fiche n° 13 le dit « actuellement fermé »" in text
    atlas, report = load_atlas(tree)
    assert atlas is not None and not report.errors, [p.text() for p in report.errors]


def test_one_name_on_two_streets_of_a_commune_is_two_places_that_name_each_other(tmp_path, tree, capsys) -> None:
    """The census lists `Yelloworking` at 7bis avenue Saint-Jérôme and at 45 rue Roux Alpheran (Aix): two
    spaces, or one that moved, it cannot say. Both stay, each note naming the other; one street misspelt
    (`rue du Congrès`, `rue du Congès`) or an address without its number is still one place."""
    rows = [_annecy(30, "Le Comptoir", "7bis Avenue Saint-Jérôme", web="http://comptoir.example.org/", lat=45.9200),
            _annecy(31, "Le Comptoir", "45 Rue Roux Alpheran", web="www.comptoir.example.org", lat=45.9220),
            _annecy(32, "LE COMPTOIR", "", lat="", lon="", score=""),
            _annecy(33, "Le Labo", "6 Rue du Congrès", lat=45.9300),
            _annecy(34, "Le LABO", "6 rue du Congès", lat=45.9301, score=0.41),
            _annecy(35, "La Forge", "Rue Porte de Paris", lat=45.9400, score=0.99),
            _annecy(36, "La Forge", "2 rue des Tanneurs", lat=45.9401)]
    census = _write_csv(tmp_path / "census.csv", rows)
    _import(census, tree, capsys)
    hubs = _hubs(tree)
    comptoirs = sorted(p for p in hubs if p.startswith("le-comptoir"))
    assert len(comptoirs) == 2, comptoirs
    first, second = (_load(hubs[p]) for p in comptoirs)
    by_id = {hubs[p].read_text(encoding="utf-8").splitlines()[1]: _load(hubs[p]) for p in comptoirs}
    assert set(by_id) == {"# mission-coworking-2019: 30, 32", "# mission-coworking-2019: 31"}
    assert by_id["# mission-coworking-2019: 30, 32"]["status"]["note"].endswith(
        "le recensement cite aussi sous ce nom, dans la commune, un autre lieu, au 45 Rue Roux Alpheran (fiche n° 31)")
    assert by_id["# mission-coworking-2019: 31"]["status"]["note"].endswith(
        "un autre lieu, au 7bis Avenue Saint-Jérôme (fiches n° 30, 32)")
    assert {first["address"]["value"], second["address"]["value"]} == {
        "7bis Avenue Saint-Jérôme, 74000 Annecy", "45 Rue Roux Alpheran, 74000 Annecy"}
    assert [p for p in hubs if p.startswith("le-labo")] == ["le-labo"]
    assert "fiches n° 33, 34" in _load(hubs["le-labo"])["status"]["note"]
    assert [p for p in hubs if p.startswith("la-forge")] == ["la-forge"]
    assert _listed_twice(tree) == []  # two addresses tell them apart: nothing for a person to settle
    before = _snapshot(tree)
    _import(census, tree, capsys)
    assert _snapshot(tree) == before


def test_rows_at_one_boulevard_written_two_ways_are_one_place(tmp_path, tree, capsys) -> None:
    """The census groups rows at one street address with one website and similar names; `20 bd des Martyrs` and
    `20 Boulevard des Martyrs` are one street address (the census's Pôle numérique and Thech-Factory, Gourdon, are
    written so), so those rows make one place; a re-import of its rows changes nothing. A sheet's hand-written
    `boulevard` is the census's `bd`: not « elsewhere », so the census's point stays."""
    from generator.imports.census_sheets import same_street

    rows = [_annecy(40, "Le Quai", "20 bd des Martyrs", web="http://lequai.example.org", lat=45.9500),
            _annecy(41, "Le Quai Coworking", "20 Boulevard des Martyrs", web="https://www.lequai.example.org/",
                    lat=45.9501)]
    census = _write_csv(tmp_path / "census.csv", rows)
    _import(census, tree, capsys)
    hubs = _hubs(tree)
    assert [p for p in hubs if p.startswith("le-quai")] == ["le-quai"]
    quai = _load(hubs["le-quai"])
    assert quai["address"]["value"] == "20 bd des Martyrs, 74000 Annecy"
    assert quai["status"]["note"].endswith("le recensement le cite 2 fois (fiches n° 40, 41), aussi au 20 Boulevard "
                                           "des Martyrs, sous le nom « Le Quai Coworking »")
    before = _snapshot(tree)
    _import(census, tree, capsys)
    assert _snapshot(tree) == before
    assert same_street("20 bd des Martyrs", {"value": "20 Boulevard des Martyrs, 46300 Gourdon"})
    assert same_street("3 av. Carnot", "3 Avenue Carnot") and not same_street("3 bd Carnot", "3 avenue Carnot")
