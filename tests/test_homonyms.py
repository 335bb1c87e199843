"""Territories of one name told apart wherever they are listed together (generator.homonyms): two
intercommunalités « CC des Quatre Rivières » in the shipped atlas, one in the Haute-Saône and one in the
Haute-Savoie, read the same in the lists, the rankings, the feed and the search results."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import AS_OF, FIXTURE_ATLAS
from generator.feed import atom_feed
from generator.homonyms import homonyms
from generator.load import load_valid_atlas
from generator.pages import SiteOptions
from generator.pictures.chart_specs import ranking_spec
from generator.site import site_outputs

JURA = """name: Jura
level: departement
code: "39"
parent: bourgogne-franche-comte
updated: 2025-01-06
"""
# a second « Pays horloger », of the same level, in another département
PAYS_JURA = """name: Pays horloger
level: pays
parent: jura
updated: 2025-01-07
"""
HUB_JURA = """name: Atelier du Haut-Jura
types: [tiers-lieu]
status: {value: project, year: 2025, source: insee-rp-2021}
updated: 2025-01-07
"""
# a territory named as one of another level: its level tells them apart
PAYS_DOUBS = """name: Doubs
level: pays
parent: doubs
updated: 2025-01-07
"""


@pytest.fixture(scope="module")
def atlas(tmp_path_factory: pytest.TempPathFactory):
    sheets = tmp_path_factory.mktemp("homonyms") / "atlas"
    shutil.copytree(FIXTURE_ATLAS, sheets)
    for folder, text in (("jura", JURA), ("pays-horloger-jura", PAYS_JURA), ("pays-du-doubs", PAYS_DOUBS)):
        (sheets / folder).mkdir()
        (sheets / folder / "territory.yml").write_text(text, encoding="utf-8")
    (sheets / "pays-horloger-jura" / "hubs").mkdir()
    (sheets / "pays-horloger-jura" / "hubs" / "atelier-du-haut-jura.yml").write_text(HUB_JURA, encoding="utf-8")
    return load_valid_atlas(sheets, as_of=AS_OF), sheets


def test_homonyms_are_told_apart_by_their_departement_or_their_level(atlas) -> None:
    a, _ = atlas
    assert homonyms(a, "fr") == {"pays-horloger": "Pays horloger (Doubs)", "pays-horloger-jura": "Pays horloger (Jura)",
                                 "doubs": "Doubs (département)", "pays-du-doubs": "Doubs (pays, PETR ou bassin de vie)"}
    assert homonyms(a, "en")["pays-du-doubs"] == "Doubs (pays, PETR or living area)"
    assert homonyms(a, "en")["pays-horloger-jura"] == "Pays horloger (Jura)"


def test_a_name_no_other_territory_has_is_left_as_it_is(fixture_atlas) -> None:
    assert homonyms(fixture_atlas) == {}


@pytest.fixture(scope="module")
def docs(atlas, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    a, sheets = atlas
    content = tmp_path_factory.mktemp("content")
    outs = site_outputs(a, sheets, content, SiteOptions(has_contribuer=True), pictures={}, schemas=None)
    return {o.path: o.data.decode("utf-8") for o in outs if o.path.endswith((".md", ".json", ".xml"))}


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_the_lists_name_both_so_that_readers_tell_them_apart(docs: dict[str, str], prefix: str) -> None:
    index = docs[prefix + "territoires/index.md"]
    assert "Pays horloger (Doubs)" in index and "Pays horloger (Jura)" in index
    records = {r["id"]: r for r in json.loads(docs[prefix + "parcourir/territoires.json"])}
    assert records["pays-horloger"]["n"] == "Pays horloger (Doubs)"
    assert records["pays-horloger-jura"]["n"] == "Pays horloger (Jura)"
    hubs = {r["id"]: r for r in json.loads(docs[prefix + "parcourir/lieux.json"])}
    assert hubs["atelier-du-haut-jura"]["tn"] == "Pays horloger (Jura)"
    assert hubs["tiers-lieu-projet"]["tn"] == "Pays horloger (Doubs)"
    assert "Grand Besançon Métropole (" not in index  # only names that two territories share


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_a_homonym_s_page_tells_the_browser_and_the_search_its_full_name(docs: dict[str, str], prefix: str) -> None:
    page = docs[prefix + "territoires/pays-horloger-jura.md"]
    front = page.split("---\n", 2)[1]
    assert 'title: "Pays horloger (Jura)"' in front
    body = page.split("---\n", 2)[2]
    assert "# Pays horloger\n" in body  # the page's own heading stays the name
    assert '<span hidden data-pagefind-meta="title:Pays horloger (Jura)"></span>' in body
    plain = docs[prefix + "territoires/grand-besancon-metropole.md"]
    assert "data-pagefind-meta" not in plain and "\ntitle:" not in plain.split("---\n", 2)[1]


def test_the_feed_titles_tell_them_apart(atlas) -> None:
    a, _ = atlas
    feed = atom_feed(a).decode()
    assert "<title>Pays horloger (Jura)</title>" in feed and "<title>Pays horloger (Doubs)</title>" in feed
    assert "Fiche du lieu Atelier du Haut-Jura, Pays horloger (Jura)" in feed


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_ranking_chart_names_both(atlas, lang: str) -> None:
    from generator.pictures.words import Words

    a, _ = atlas
    spec = ranking_spec(a, "health", "pays", w=Words(lang))
    assert "Pays horloger (Doubs)" in spec.alt and "Pays horloger (Jura)" in spec.alt


@pytest.mark.parametrize(("prefix", "lang"), [("", "fr"), ("en/", "en")])
def test_the_way_to_a_page_names_each_step_apart(atlas, docs: dict[str, str], prefix: str, lang: str) -> None:
    """« Vous êtes ici : Territoires › … › Doubs › Doubs » told the reader nothing: the pays named as its
    département. The breadcrumb and the identity card name each territory as the lists do."""
    told = homonyms(atlas[0], lang)
    page = docs[prefix + "territoires/pays-du-doubs.md"]
    crumb = next(line for line in page.splitlines() if "](index.md) › " in line)
    assert f"[{told['doubs']}](doubs.md)" in crumb and crumb.endswith(f"**{told['pays-du-doubs']}**")
    card = page.split("{ #identite }", 1)[1].split("\n\n", 2)[1]
    assert f"[{told['doubs']}](doubs.md)" in card
    assert "# Doubs\n" in page  # the heading stays the sheet's name; the browser's title tells it apart
    epci = docs[prefix + "territoires/grand-besancon-metropole.md"]  # a child of the Doubs named apart too
    assert f"[{told['doubs']}](doubs.md)" in epci and "[Doubs](doubs.md)" not in epci
    doubs = docs[prefix + "territoires/doubs.md"]  # a parent without a homonym keeps its name
    assert "[Bourgogne-Franche-Comté](bourgogne-franche-comte.md)" in doubs
    assert "[Bourgogne-Franche-Comté (" not in doubs


def test_a_report_names_its_homonyms_apart(atlas, tmp_path) -> None:
    from generator.pdf import Renderer, prepare_build_folder
    from generator.pdf.inputs import check_variant

    a, _ = atlas
    told = homonyms(a, "fr")
    html = Renderer(a, tmp_path, prepare_build_folder(tmp_path, {}), check_variant(None)).territory_html(
        "pays-du-doubs")
    assert f"<title>{told['pays-du-doubs']} — état des lieux</title>" in html
    assert f"Bourgogne-Franche-Comté › {told['doubs']}</p>" in html
