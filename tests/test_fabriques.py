"""The ANCT's Fabriques de territoire on hub sheets (scripts/import_fabriques_territoire.py): each pair of
data/anct-fabriques-territoire-2024/matches.csv is on its sheet, in the Fabrique's commune, with the
network and a source naming the Fabrique; the pairs whose label names the place itself date a 2019 census
place's status (active in 2024, from the list); the script writes valid sheets and a second run changes
nothing."""

from __future__ import annotations

import csv
import importlib.util
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from conftest import AS_OF, FIXTURE_ATLAS, ROOT
from generator.load import load_atlas

DATA = ROOT / "data" / "anct-fabriques-territoire-2024"


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("import_fabriques_territoire",
                                                  ROOT / "scripts" / "import_fabriques_territoire.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_file_holds_382_fabriques_with_their_communes(script) -> None:
    known = script.fabriques(DATA / "fabt_geom.geojson")
    assert len(known) == 382
    assert known["fabt-117"].label == "LA FABULERIE" and known["fabt-117"].commune == "13055"
    # two labels hold "; " themselves: their commune's ids and labels do not pair, none is guessed
    assert all(f.commune and f.id.startswith("fabt-") for f in known.values())


def test_arrondissements_are_their_city(script) -> None:
    assert [script.city_of(c) for c in ("75118", "69381", "13201", "13055", "13001", "75056", "69123")] == \
        ["75056", "69123", "13055", "13055", "13001", "75056", "69123"]


def test_every_pair_is_on_the_shipped_sheets(script) -> None:
    """What `--check` says of the shipped atlas: nothing to write, no pair in two communes."""
    assert script.main(["--check", "--territories", str(ROOT / "territories")]) == 0
    rows = list(csv.DictReader((DATA / "matches.csv").open(encoding="utf-8")))
    assert len(rows) == len({r["hub"] for r in rows}) == len({r["id_territoire"] for r in rows}) == 40
    sheets = {p.stem: p for p in (ROOT / "territories").glob("*/hubs/*.yml")}
    known = script.fabriques(DATA / "fabt_geom.geojson")
    for row in rows:
        data = yaml.safe_load(sheets[row["hub"]].read_text(encoding="utf-8"))
        assert "fabriques-de-territoire" in data["networks"]
        source = data["sources"][script.SOURCE_ID]
        assert f"{row['id_territoire']} « {known[row['id_territoire']].label} »" in source["title"]
        assert script.city_of(data["commune"]) == known[row["id_territoire"]].commune


def test_the_list_dates_the_census_places_it_names(script) -> None:
    """The shipped pairs: 38 of 40 labels name the place itself (`statut` oui); of them, the 30 sheets whose
    status was the 2019 census's read active in 2024 from the list, the census's note kept after the
    Fabrique's label; Casaco (the Fabrique is La Tréso, a consortium's place) and Logis des Jeunes de
    Provence (the label names the association) keep the census's 2019 status; statuses from other
    sources (a person's reading) are left by the script. L'Hermitage (Autrêches), a census place whose status was
    a person's reading of 2020 (« à vérifier » as more than five years old), was dated by hand from the list in the
    script's words, which the script keeps. Le WIP (Colombelles), on the list, closed in July 2023: its status is
    the closure, from sources of its own, which the script leaves: 30 census places dated."""
    rows = list(csv.DictReader((DATA / "matches.csv").open(encoding="utf-8")))
    assert {r["statut"] for r in rows} == {"oui", "non"}
    assert sorted(r["hub"] for r in rows if r["statut"] == "non") == ["casaco", "logis-des-jeunes-de-provence"]
    sheets = {p.stem: p for p in (ROOT / "territories").glob("*/hubs/*.yml")}
    known = script.fabriques(DATA / "fabt_geom.geojson")
    dated = []
    for row in rows:
        status = yaml.safe_load(sheets[row["hub"]].read_text(encoding="utf-8"))["status"]
        if row["statut"] == "non":
            assert status["source"] == "mission-coworking-2019" and status["year"] == 2019
        elif status["source"] == script.SOURCE_ID:
            fabrique = known[row["id_territoire"]]
            assert status["value"] == "active" and status["year"] == 2024
            expected = f"{script.STATUS_NOTE}{fabrique.id} « {fabrique.label} ». Lieu recensé en 2019"
            assert status["note"].startswith(expected)
            dated.append(row["hub"])
        else:
            assert status["source"] != "mission-coworking-2019", row["hub"]  # no census status left behind
    assert len(dated) == 30 and "l-hermitage-autreches" in dated and "le-wip" not in dated
    # the credits page says how many census places the list dates
    for page, words in (("licences.md", "le statut de 30 lieux du recensement de 2019"),
                        ("en/licences.md", "the status of 30 places of the 2019 census")):
        assert words in " ".join((ROOT / "content" / page).read_text(encoding="utf-8").split()), page


def test_only_the_census_active_status_is_replaced(script) -> None:
    known = script.fabriques(DATA / "fabt_geom.geojson")
    fabrique = known["fabt-117"]
    census = {"value": "active", "year": 2019, "source": "mission-coworking-2019", "note": "Lieu recensé en 2019"}
    new = script.newer_status(census, fabrique)
    assert dict(new) == {"value": "active", "year": 2024, "source": script.SOURCE_ID,
                         "note": f"{script.STATUS_NOTE}fabt-117 « LA FABULERIE ». Lieu recensé en 2019"}
    assert script.newer_status(dict(new), fabrique) is None  # written once
    # the pair now names another line of the list: the status is rewritten, the census's note kept
    moved = script.newer_status(dict(new), known["fabt-24"])
    assert moved["note"] == f"{script.STATUS_NOTE}fabt-24 « PiNG ». Lieu recensé en 2019"
    for kept in ({**census, "value": "closed"}, {**census, "value": "project"}, {**census, "source": "site"},
                 {**census, "year": 2024}, "active",
                 {**census, "source": script.SOURCE_ID, "note": "Lu sur la liste"}):
        assert script.newer_status(kept, fabrique) is None, kept


def _pairs(path: Path, *rows: tuple[str, str], statut: str | None = None) -> Path:
    head, tail = ("id_territoire,hub,raison", "") if statut is None \
        else ("id_territoire,hub,raison,statut", f",{statut}")
    path.write_text(f"{head}\n" + "".join(f"{a},{b},test{tail}\n" for a, b in rows), encoding="utf-8")
    return path


def _census_place_in_marseille(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the fixture atlas whose Fablab is a place of the 2019 census in Marseille 1er: its status
    is the census's « active » of 2019 (an old status at the fixture's build date)."""
    atlas = tmp_path / "atlas"
    shutil.copytree(FIXTURE_ATLAS, atlas)
    vocabulary = atlas / "vocabulary.yml"
    entry = "networks:\n  fabriques-de-territoire:\n    label: Fabriques de Territoire\n"
    vocabulary.write_text(vocabulary.read_text(encoding="utf-8").replace("networks:\n", entry, 1), encoding="utf-8")
    with (atlas / "sources.yml").open("a", encoding="utf-8") as shared:
        shared.write("mission-coworking-2019:\n  title: Recensement des tiers-lieux\n"
                     "  publisher: CGET (ANCT) – Mission Coworking\n")
    hub = atlas / "grand-besancon-metropole" / "hubs" / "fablab-besancon.yml"
    text = hub.read_text(encoding="utf-8").replace('commune: "25056"', 'commune: "13201"')
    text = text.replace("status:\n  value: active\n  year: 2024\n  source: fablab-site\n",
                        "status:\n  value: active\n  year: 2019\n  source: mission-coworking-2019\n"
                        "  note: Lieu recensé en 2019 par la Mission Coworking, comme"
                        " « tiers-lieu à dominante fablab »\n")
    hub.write_text(text, encoding="utf-8")
    return atlas, hub


def test_the_script_dates_a_census_place_once(script, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A census place paired with `statut` oui: active in 2024 from the list, no longer « à vérifier »,
    the census's address and note kept, the atlas valid; a second run writes nothing."""
    atlas, hub = _census_place_in_marseille(tmp_path)
    _, report = load_atlas(atlas, as_of=AS_OF)
    assert not report.errors, report.errors
    pairs = _pairs(tmp_path / "pairs.csv", ("fabt-117", "fablab-besancon"), statut="oui")
    assert script.main(["--territories", str(atlas), "--matches", str(pairs)]) == 0
    assert capsys.readouterr().out.startswith("1 sheet changed")
    written = hub.read_text(encoding="utf-8")
    after = yaml.safe_load(written)
    assert after["status"] == {"value": "active", "year": 2024, "source": script.SOURCE_ID,
                               "note": f"{script.STATUS_NOTE}fabt-117 « LA FABULERIE ». Lieu recensé en 2019 "
                                       "par la Mission Coworking, comme « tiers-lieu à dominante fablab »"}
    assert after["address"]["value"] == "1 rue de l'Exemple, 25000 Besançon"
    assert "fabriques-de-territoire" in after["networks"] and script.SOURCE_ID in after["sources"]
    loaded, report = load_atlas(atlas, as_of=AS_OF)
    assert not report.errors, report.errors
    fablab = loaded.hubs["fablab-besancon"]
    assert fablab.status_year == 2024 and not loaded.status_is_old(fablab)
    assert script.main(["--territories", str(atlas), "--matches", str(pairs)]) == 0
    assert capsys.readouterr().out.startswith("0 sheets changed")
    assert hub.read_text(encoding="utf-8") == written


def test_a_pair_that_does_not_date_leaves_the_status(script, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """`statut` non (or no column, as before): the network and source only, the census's 2019 status kept;
    a status the list gave to a pair marked non is named, and a `statut` neither oui nor non refused."""
    atlas, hub = _census_place_in_marseille(tmp_path)
    before = yaml.safe_load(hub.read_text(encoding="utf-8"))["status"]
    for statut in ("non", None):
        pairs = _pairs(tmp_path / "pairs.csv", ("fabt-117", "fablab-besancon"), statut=statut)
        assert script.main(["--territories", str(atlas), "--matches", str(pairs)]) == 0
        assert yaml.safe_load(hub.read_text(encoding="utf-8"))["status"] == before
    capsys.readouterr()
    dating = _pairs(tmp_path / "oui.csv", ("fabt-117", "fablab-besancon"), statut="oui")
    assert script.main(["--territories", str(atlas), "--matches", str(dating)]) == 0
    text = hub.read_text(encoding="utf-8")
    pairs = _pairs(tmp_path / "pairs.csv", ("fabt-117", "fablab-besancon"), statut="non")
    assert script.main(["--territories", str(atlas), "--matches", str(pairs)]) == 1
    assert "has its status from fabt-117, which does not date it" in capsys.readouterr().err
    pairs = _pairs(tmp_path / "pairs.csv", ("fabt-117", "fablab-besancon"), statut="peut-être")
    assert script.main(["--territories", str(atlas), "--matches", str(pairs)]) == 1
    assert "statut is « peut-être », not « oui » or « non »" in capsys.readouterr().err
    assert hub.read_text(encoding="utf-8") == text


def test_the_script_writes_valid_sheets_once(script, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """On a copy of the fixture atlas whose Fablab is moved to Marseille 1er and paired with LA FABULERIE:
    the network is added, the source and `updated` written without a YAML alias (the safe loader refuses
    aliases), the comments kept, the atlas still valid; a second run writes nothing."""
    atlas = tmp_path / "atlas"
    shutil.copytree(FIXTURE_ATLAS, atlas)
    vocabulary = atlas / "vocabulary.yml"  # the network as the shipped vocabulary has it
    entry = "networks:\n  fabriques-de-territoire:\n    label: Fabriques de Territoire\n"
    vocabulary.write_text(vocabulary.read_text(encoding="utf-8").replace("networks:\n", entry, 1), encoding="utf-8")
    hub = atlas / "grand-besancon-metropole" / "hubs" / "fablab-besancon.yml"
    before = yaml.safe_load(hub.read_text(encoding="utf-8"))
    text = hub.read_text(encoding="utf-8")
    text = text.replace(f'commune: "{before["commune"]}"', 'commune: "13201"') if "commune" in before \
        else text + 'commune: "13201"\n'
    hub.write_text("# kept comment\n" + text, encoding="utf-8")
    pairs = _pairs(tmp_path / "pairs.csv", ("fabt-117", "fablab-besancon"))
    assert script.main(["--territories", str(atlas), "--matches", str(pairs)]) == 0
    assert capsys.readouterr().out.startswith("1 sheet changed")
    written = hub.read_text(encoding="utf-8")
    assert written.startswith("# kept comment\n") and "&id" not in written
    after = yaml.safe_load(written)
    assert after["networks"] == [*before.get("networks", []), "fabriques-de-territoire"]
    assert "fabt-117 « LA FABULERIE », Marseille" in after["sources"][script.SOURCE_ID]["title"]
    assert after["updated"] == after["sources"][script.SOURCE_ID]["accessed"]
    _, report = load_atlas(atlas, as_of=AS_OF)
    assert not report.errors, report.errors
    assert script.main(["--territories", str(atlas), "--matches", str(pairs)]) == 0
    assert capsys.readouterr().out.startswith("0 sheets changed")
    assert hub.read_text(encoding="utf-8") == written


def test_a_pair_in_two_communes_is_refused(script, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The Fablab of Besançon paired with a Fabrique of Marseille: nothing written, the line named."""
    atlas = tmp_path / "atlas"
    shutil.copytree(FIXTURE_ATLAS, atlas)
    hub = atlas / "grand-besancon-metropole" / "hubs" / "fablab-besancon.yml"
    text = hub.read_text(encoding="utf-8")
    pairs = _pairs(tmp_path / "pairs.csv", ("fabt-117", "fablab-besancon"), ("fabt-999", "fablab-besancon"))
    assert script.main(["--territories", str(atlas), "--matches", str(pairs)]) == 1
    err = capsys.readouterr().err
    assert f"{pairs}:2: fabt-117 is in 13055 (Marseille)" in err and f"{pairs}:3: no Fabrique fabt-999" in err
    assert hub.read_text(encoding="utf-8") == text


def test_the_credits_count_the_list_and_the_press_article_apart() -> None:
    """The credits page says how many hubs rest on the 2024 list (the pairs of matches.csv) and which one
    rests on a press article, so that its count agrees with the network's in the lists (41)."""
    rows = list(csv.DictReader((DATA / "matches.csv").open(encoding="utf-8")))
    in_network = {}
    for path in (ROOT / "territories").glob("*/hubs/*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "fabriques-de-territoire" in (data.get("networks") or ()):
            in_network[path.stem] = data
    listed = {r["hub"] for r in rows}
    assert len(listed) == 40 and listed <= set(in_network) and len(in_network) == 41
    (other,) = set(in_network) - listed
    assert other == "polen-mende"
    article = in_network[other]["sources"][in_network[other]["status"]["source"]]["url"]
    french = (ROOT / "content" / "licences.md").read_text(encoding="utf-8")
    english = (ROOT / "content" / "en" / "licences.md").read_text(encoding="utf-8")
    for page, words in ((french, ("Quarante lieux", "Un quarante et unième, POLeN", "41 lieux du réseau")),
                        (english, ("Forty of the atlas’s hubs", "A forty-first, POLeN", "41 hubs of the network"))):
        flat = " ".join(page.split())
        assert all(w in flat for w in words), words
        assert f"({article})" in flat
