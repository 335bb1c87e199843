"""The notes `atlas import` writes into sheets, said in English by the English edition and reports.

The notes are built here by the importers' own code (census_places._note, the census's namesakes, the territory
importers' constants), never written by hand, so that a change of their French wording fails here until
generator/import_notes.py reads it too.
"""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

import pytest

from generator import import_notes
from generator.imports import census_places, cog, territory_sheets
from generator.imports.census_rows import Row
from generator.model import Fact, Source
from generator.pages import Pages
from generator.site import SiteOptions


def _row(id_: str, name: str, address: str = "12 rue des Arts", typo: str = "Tiers-lieu à dominante coworking",
         postcode: str = "25000", web: str = "", closed: bool = False) -> Row:
    return Row(line=int(id_), id=id_, name=name, address=address, postcode=postcode, commune_given="Besançon",
               commune_names=("Besançon",), code="25056", departement="25", web=web, typo=typo, lat=None, lon=None,
               score=None, closed=closed)


def test_the_importers_notes_are_said_in_english() -> None:
    assert import_notes.english(territory_sheets.AREA_NOTE) == (
        "Area of the IGN municipal outlines combined, computed on the ellipsoid; includes the inland waters of the "
        "municipalities (lakes, estuaries)")
    assert import_notes.english(cog.EPCI_POPULATION_NOTE) == (
        "Municipal population: sum of the municipal populations of its member municipalities (COG 2026)")
    assert import_notes.english(cog.POPULATION_SUM_NOTE) == (
        "Municipal population: sum of the municipal populations of its municipalities (COG 2026)")
    note = census_places._note([_row("7", "La Fabrique")])
    assert note == "Lieu recensé en 2019 par la Mission Coworking, comme « tiers-lieu à dominante coworking »"
    assert import_notes.english(note) == (
        "Listed in 2019 by the Mission Coworking as « tiers-lieu à dominante coworking »")
    assert import_notes.english(census_places._note([_row("8", "Sans type", typo="")])) == (
        "Listed in 2019 by the Mission Coworking, without a type")


def test_a_place_the_census_lists_twice_is_said_in_english() -> None:
    note = census_places._note([_row("7", "La Fabrique", web="https://lafabrique.example.org"),
                                _row("9", "Fabrique Numérique", address="3 place du Marché", postcode="25000",
                                     web="https://fabrique.example.org", closed=True)])
    said = import_notes.english(note)
    assert said == ("Listed in 2019 by the Mission Coworking as « tiers-lieu à dominante coworking »; the census lists "
                    "it 2 times (entries no. 7, 9), also at 3 place du Marché, under the name « Fabrique Numérique », "
                    "with the website https://fabrique.example.org; entry no. 9 says « actuellement fermé » "
                    "(currently closed)")
    for french in ("recensement", "fiches", "aussi", "sous le nom", "avec le site", "le dit"):
        assert french not in said, french


def test_namesakes_in_one_commune_are_said_in_english() -> None:
    note = census_places._note([_row("7", "La Fabrique")]) + (
        " ; le recensement cite aussi sous ce nom, dans la commune, 2 autres lieux, au 1 rue A (fiche n° 11) "
        "et au 2 rue B (fiches n° 12, 13)")
    assert import_notes.english(note).endswith(
        "; under this name the census also lists, in the same municipality, 2 other places, at 1 rue A (entry no. 11) "
        "and at 2 rue B (entries no. 12, 13)")


@pytest.mark.parametrize("note", [
    "Population 2023 rapportée à la superficie",  # a contributor's note
    "Lieu recensé en 2019 par la Mission Coworking, comme « tiers-lieu » ; France 3 l'a vu ouvert en 2022",
    "Superficie cadastrale",
])
def test_other_notes_stay_french(note: str) -> None:
    assert import_notes.english(note) is None


def test_the_english_hub_page_says_the_census_note_in_english(fixture_atlas) -> None:
    hub = fixture_atlas.hubs["fablab-besancon"]
    note = census_places._note([_row("7", hub.name)])
    census = Source(id="mission-coworking-2019", title="Recensement des tiers-lieux", shared=True)
    fact = replace(hub.status_fact, note=note, source=census)
    atlas = replace(fixture_atlas,
                    hubs=MappingProxyType({**fixture_atlas.hubs, hub.id: replace(hub, status_fact=fact)}))
    options = SiteOptions(repo_url="https://example.org/atlas/depot", sheet_edit_uri="edit/main/")
    english = Pages(atlas, options, lang="en").hub_page(atlas.hubs[hub.id]).data.decode()
    row = english.split("| Status |")[1].split("\n")[0]
    assert ('Listed in 2019 by the Mission Coworking as <span lang="fr">« tiers-lieu à dominante coworking »</span>'
            in row)
    assert "Lieu recensé" not in row
    french = Pages(atlas, options).hub_page(atlas.hubs[hub.id]).data.decode()
    assert note in french.split("| Statut |")[1].split("\n")[0]


def test_the_english_report_says_the_population_note_in_english(fixture_atlas, tmp_path) -> None:
    from generator.pdf import Renderer, check_variant, prepare_build_folder

    territory = fixture_atlas.territories["grand-besancon-metropole"]
    population = Fact(value=200_000, year=2023, source=territory.population.source, note=cog.EPCI_POPULATION_NOTE)
    atlas = replace(fixture_atlas, territories=MappingProxyType(
        {**fixture_atlas.territories, territory.id: replace(territory, population=population)}))
    build = tmp_path / "build"
    html = Renderer(atlas, build, prepare_build_folder(build, {}), check_variant(None),
                    lang="en").territory_html(territory.id)
    assert "Municipal population: sum of the municipal populations of its member municipalities (COG 2026)" in html
    assert cog.EPCI_POPULATION_NOTE not in html


def test_the_town_hall_note_of_the_curated_sheets_is_said_in_english() -> None:
    """96 curated hub sheets note « placé à la mairie de Nîmes, aucune source lue ne donnant la position du lieu »:
    the English edition showed it in French on each page. Its fixed form is read whole, with the commune's article
    (« du Havre »: Le Havre); a note that says more, or otherwise, stays French."""
    said = import_notes.english
    unread = ", aucune source lue ne donnant "
    assert said(f"placé à la mairie de Nîmes{unread}la position du lieu") == \
        "placed at the town hall of Nîmes, no source read giving its position"
    assert said(f"placé à la mairie du Havre{unread}les coordonnées du lieu") == \
        "placed at the town hall of Le Havre, no source read giving its coordinates"
    assert said(f"placé à la mairie des Premiers Sapins{unread}le point exact du lieu") == \
        "placed at the town hall of Les Premiers Sapins, no source read giving its exact point"
    assert said(f"placé à la mairie de Metz{unread}la position du lieu, sauf une") is None
    assert said("placé à la mairie de Die; la source situe le lieu place de la mairie sans en donner le numéro") is None
