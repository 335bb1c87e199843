"""The ANCT's Fabriques de territoire on hub sheets (scripts/import_fabriques_territoire.py): each pair of
data/anct-fabriques-territoire-2024/matches.csv is on its sheet, in the Fabrique's commune, with the
network and a source naming the Fabrique; the list dates no status (it registers labelled places, not open
ones: Le WIP, on the list of January 2024, closed in July 2023), so a 2019 census place keeps the census's
status, and the status an earlier version dated from the list is given back; the script writes valid sheets and
a second run changes nothing."""

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
    # 41 pairs, then 58 more in the twenty-fifth session (18 sheets linked, 40 places written from dated sources),
    # then 111 in the twenty-seventh (the Brenne Box linked, 110 places written from dated sources)
    assert len(rows) == len({r["hub"] for r in rows}) == 210
    # one Fabrique, two places: fabt-277 « La Tréso - CASACO (en consortium) » names both
    assert len({r["id_territoire"] for r in rows}) == 209
    assert sorted(r["hub"] for r in rows if r["id_territoire"] == "fabt-277") == ["casaco", "la-treso"]
    sheets = {p.stem: p for p in (ROOT / "territories").glob("*/hubs/*.yml")}
    known = script.fabriques(DATA / "fabt_geom.geojson")
    for row in rows:
        data = yaml.safe_load(sheets[row["hub"]].read_text(encoding="utf-8"))
        assert "fabriques-de-territoire" in data["networks"]
        source = data["sources"][script.SOURCE_ID]
        assert f"{row['id_territoire']} « {known[row['id_territoire']].label} »" in source["title"]
        assert script.city_of(data["commune"]) == (row["commune"] or known[row["id_territoire"]].commune)
    # where the sources place a Fabrique in another commune than the ANCT's file, the reason names both
    elsewhere = {r["id_territoire"]: r for r in rows if r["commune"]}
    assert sorted(elsewhere) == ["fabt-126", "fabt-379"]
    assert all(known[fid].commune in r["raison"] for fid, r in elsewhere.items())


def test_a_listed_place_keeps_its_census_status(script) -> None:
    """The shipped pairs: no sheet's status cites the list. The 22 census places paired keep the census's
    « active » of 2019 (shown « à vérifier »), most of the 30 that the seventeenth session had dated « active,
    2024 » from the list among them; Pangloss Labs, Le Moulin Digital, La Coursive Boutaric, Electrolab,
    PING'PONG COWORK, La Station and Konk Ar Lab, then PiNG, La Fabulerie, Logis des Jeunes de Provence, La Smalah
    and Cocotte Minute (the twenty-second session), L'Argonaute, LAB01, Vanderlab, La Musette and Le 400 (the
    twenty-third), dated since by sources of their own, say so; L'Hermitage, seen by Le Parisien in 2020, is
    dated since by the ANCT's podcast (2025, the twenty-eighth session);
    Le WIP, on the list, is closed from its own sources. The twenty-fifth session paired eight more census places
    (FunLab, La Miete, FabLab Autun et télécentre, Le Boc@l, Delta Lab, Runfablab - Solidarnum, Numérifab, Pôle
    numérique), which keep the census's status too. The credits say the list dates no status, and why."""
    rows = list(csv.DictReader((DATA / "matches.csv").open(encoding="utf-8")))
    assert list(rows[0]) == ["id_territoire", "hub", "raison", "commune"]  # no column that dated a status
    sheets = {p.stem: p for p in (ROOT / "territories").glob("*/hubs/*.yml")}
    statuses = {r["hub"]: yaml.safe_load(sheets[r["hub"]].read_text(encoding="utf-8"))["status"] for r in rows}
    assert all(s["source"] != script.SOURCE_ID for s in statuses.values())
    census = sorted(hub for hub, s in statuses.items() if s["source"] == script.CENSUS_SOURCE)
    assert len(census) == 22 and "casaco" in census and "funlab" in census
    assert all(statuses[hub]["value"] == "active" and statuses[hub]["year"] == 2019 for hub in census)
    assert all(statuses[hub]["note"].startswith("Lieu recensé en 2019 par la Mission Coworking") for hub in census)
    hermitage = statuses["l-hermitage-autreches"]  # the ANCT's podcast of 1 July 2025, after Le Parisien (2020)
    assert (hermitage["value"], hermitage["year"], hermitage["source"]) == \
        ("active", 2025, "anct-podcast-hermitage-2025")
    assert hermitage["note"].endswith("Le Parisien le voyait déjà actif le 21 mars 2020")
    assert statuses["le-wip"]["value"] == "closed" and statuses["le-wip"]["year"] == 2023
    dated = ("pangloss-labs-ferney-voltaire", "le-moulin-digital", "la-coursive-boutaric", "electrolab",
             "ping-pong-cowork", "la-station", "konk-ar-lab", "ping", "la-fabulerie", "logis-des-jeunes-de-provence",
             "la-smalah-sauce-ouest", "cocotte-minute", "l-argonaute", "lab01", "vanderlab-chateau-ephemere",
             "la-musette", "le-400")
    assert [statuses[hub]["year"] for hub in dated] == [2022, 2025, 2024, 2024, 2023, 2020, 2024, 2021, 2021, 2021,
                                                        2025, 2025, 2021, 2021, 2024, 2020, 2020]
    assert [statuses[hub]["source"] for hub in dated[-10:]] == [
        "nantes-metropole-ping-2021", "gomet-fabulerie-2021", "nicematin-logis-travaux-2021",
        "francetierslieux-smalah-2025", "cocotte-minute-regards-croises", "bruded-rencontre-auray-2021",
        "ecomedia-lab01-2021", "unidivers-vendredi-party-27-2024", "lenord-la-musette-2020", "francebleu-le-400-2020"]
    for page, words in (("licences.md", "ne date pas leur statut"), ("en/licences.md", "does not date their status")):
        flat = " ".join((ROOT / "content" / page).read_text(encoding="utf-8").split())
        assert words in flat and "Le WIP" in flat and "2024" in flat, page


def test_only_the_status_the_list_dated_is_given_back(script) -> None:
    """The census's status comes back from the one the seventeenth session's script wrote, and from no other."""
    written = {"value": "active", "year": 2024, "source": script.SOURCE_ID,
               "note": f"{script.STATUS_NOTE}fabt-117 « LA FABULERIE ». Lieu recensé en 2019 par la Mission "
                       "Coworking, comme « tiers-lieu à dominante fablab »"}
    assert dict(script.census_status(written)) == {
        "value": "active", "year": 2019, "source": "mission-coworking-2019",
        "note": "Lieu recensé en 2019 par la Mission Coworking, comme « tiers-lieu à dominante fablab »"}
    census = {"value": "active", "year": 2019, "source": "mission-coworking-2019", "note": "Lieu recensé en 2019"}
    for kept in (census, {**written, "value": "closed"}, {**written, "source": "site"}, "active",
                 {**written, "note": f"{script.STATUS_NOTE}fabt-107 « Hermitage »."},
                 {**written, "note": f"{script.STATUS_NOTE}fabt-107 « Hermitage ». En activité selon Le Parisien"},
                 {**written, "note": "Lu sur la liste"}):
        assert script.census_status(kept) is None, kept


def _pairs(path: Path, *rows: tuple[str, str]) -> Path:
    path.write_text("id_territoire,hub,raison\n" + "".join(f"{a},{b},test\n" for a, b in rows), encoding="utf-8")
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


def test_a_census_place_stays_to_check(script, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A census place paired with a Fabrique: the network and the source only, the census's 2019 status kept (still
    « à vérifier »), the atlas valid; a second run writes nothing."""
    atlas, hub = _census_place_in_marseille(tmp_path)
    before = yaml.safe_load(hub.read_text(encoding="utf-8"))["status"]
    pairs = _pairs(tmp_path / "pairs.csv", ("fabt-117", "fablab-besancon"))
    assert script.main(["--territories", str(atlas), "--matches", str(pairs)]) == 0
    assert capsys.readouterr().out.startswith("1 sheet changed")
    written = hub.read_text(encoding="utf-8")
    after = yaml.safe_load(written)
    assert after["status"] == before
    assert "fabriques-de-territoire" in after["networks"] and script.SOURCE_ID in after["sources"]
    loaded, report = load_atlas(atlas, as_of=AS_OF)
    assert not report.errors, report.errors
    fablab = loaded.hubs["fablab-besancon"]
    assert fablab.status_year == 2019 and loaded.status_is_old(fablab)
    assert script.main(["--territories", str(atlas), "--matches", str(pairs)]) == 0
    assert capsys.readouterr().out.startswith("0 sheets changed")
    assert hub.read_text(encoding="utf-8") == written


def test_the_status_the_list_dated_is_given_back(script, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A sheet as the seventeenth session's script left it (active in 2024 from the list, the census's note after the
    label) gets the census's status back, byte for byte as before, the census's address kept; another status
    citing the list (a person's) is named and nothing is written."""
    atlas, hub = _census_place_in_marseille(tmp_path)
    pairs = _pairs(tmp_path / "pairs.csv", ("fabt-117", "fablab-besancon"))
    assert script.main(["--territories", str(atlas), "--matches", str(pairs)]) == 0
    census = hub.read_text(encoding="utf-8")
    note = "Lieu recensé en 2019 par la Mission Coworking, comme « tiers-lieu à dominante fablab »"
    dated = census.replace(f"  year: 2019\n  source: mission-coworking-2019\n  note: {note}\n",
                           f"  year: 2024\n  source: {script.SOURCE_ID}\n"
                           f'  note: "{script.STATUS_NOTE}fabt-117 « LA FABULERIE ». {note}"\n')
    assert dated != census
    hub.write_text(dated, encoding="utf-8")
    capsys.readouterr()
    assert script.main(["--territories", str(atlas), "--matches", str(pairs), "--check"]) == 1
    assert capsys.readouterr().out.startswith("1 sheet would change")
    assert hub.read_text(encoding="utf-8") == dated
    assert script.main(["--territories", str(atlas), "--matches", str(pairs)]) == 0
    assert capsys.readouterr().out.startswith("1 sheet changed")
    assert hub.read_text(encoding="utf-8") == census
    assert yaml.safe_load(census)["address"]["value"] == "1 rue de l'Exemple, 25000 Besançon"
    _, report = load_atlas(atlas, as_of=AS_OF)
    assert not report.errors, report.errors
    # a person's status citing the list: named, not guessed back
    person = census.replace(f"  year: 2019\n  source: mission-coworking-2019\n  note: {note}\n",
                            f"  year: 2024\n  source: {script.SOURCE_ID}\n  note: vu sur la liste\n")
    assert person != census
    hub.write_text(person, encoding="utf-8")
    assert script.main(["--territories", str(atlas), "--matches", str(pairs)]) == 1
    assert "cites fabt-117 for its status, but the list of Fabriques dates no status" in capsys.readouterr().err
    assert hub.read_text(encoding="utf-8") == person


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
    rests on a press article, so that its count agrees with the network's in the lists (211 since the
    twenty-seventh session's pairs and new sheets; 100 after the twenty-fifth, 42 before)."""
    rows = list(csv.DictReader((DATA / "matches.csv").open(encoding="utf-8")))
    in_network = {}
    for path in (ROOT / "territories").glob("*/hubs/*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "fabriques-de-territoire" in (data.get("networks") or ()):
            in_network[path.stem] = data
    listed = {r["hub"] for r in rows}
    assert len(listed) == 210 and listed <= set(in_network) and len(in_network) == 211
    (other,) = set(in_network) - listed
    assert other == "polen-mende"
    article = in_network[other]["sources"][in_network[other]["status"]["source"]]["url"]
    french = (ROOT / "content" / "licences.md").read_text(encoding="utf-8")
    english = (ROOT / "content" / "en" / "licences.md").read_text(encoding="utf-8")
    french_words = ("Deux cent dix lieux", "Un deux-cent-onzième, POLeN", "211 lieux du réseau")
    english_words = ("Two hundred and ten of the atlas’s hubs", "A two hundred and eleventh, POLeN",
                     "211 hubs of the network")
    for page, words in ((french, french_words), (english, english_words)):
        flat = " ".join(page.split())
        assert all(w in flat for w in words), words
        assert f"({article})" in flat
