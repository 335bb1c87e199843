"""A hub's card names its town, from its sheet's commune and address: cards of places of one name in one territory
(three « Anticafé » of the Métropole du Grand Paris on the shipped atlas) differ by it; its text stays text."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import AS_OF, FIXTURE_ATLAS
from generator.addresses import address_town, hub_town
from generator.load import load_valid_atlas
from generator.pages import Pages, SiteOptions


@pytest.mark.parametrize(("address", "town"), [
    ("6 Rue du Château d'Eau, 75010 Paris", "75010 Paris"),
    ("141 Avenue Boucicaut, 71100 Chalon sur Saone", "71100 Chalon sur Saone"),
    ("10 rue X 75001 Paris", "75001 Paris"),  # no comma before the postcode
    ("Route de Bastia, 20200 Ville-di-Pietrabugno", "20200 Ville-di-Pietrabugno"),
    ("2 Avenue de la Résistance, Vence", "Vence"),
    ("Parc Technologique Delta Sud, VERNIOLLE", "Verniolle"),
    ("1 rue X, SAINT-MARTIN-D'HÈRES", "Saint-Martin-d'Hères"),
    ("12 rue des Lilas,\n  25000   Besançon", "25000 Besançon"),  # folded lines, spaces
    ("Quelque part", None),  # one part, no postcode: not said to be a town
    ("3 rue du Port, 17", None),  # no letter
    ("Ancien site de la Radio Comptoir de l'Ouest, à côté de l'ancienne gare routière", None),  # too long
    ("", None),
    ("1 quai des Chartrons, 33000 BORDEAUX", "33000 Bordeaux"),  # all capitals, or all small letters:
    ("3 place du Martroi, 45000 orléans", "45000 Orléans"),  # written as towns are
    ("8 RUE DU PORT, LA ROCHE SUR YON", "La Roche sur Yon"),
    ("Place Jean Jaurès, 42000 SAINT-ÉTIENNE", "42000 Saint-Étienne"),
    ("2 rue X, 69003 Lyon 3e", "69003 Lyon 3e"),
    ("1 La Canebière, 13001 MARSEILLE 1ER", "13001 Marseille 1er"),  # any other writing is the sheet's
    (None, None),
])
def test_the_town_of_an_address(address: str | None, town: str | None) -> None:
    assert address_town(address) == town


@pytest.mark.parametrize(("address", "commune", "town"), [
    # the commune's official name (COG) after the address's postcode, whatever the address's writing
    ("3 rue des Teinturiers, 59491 VILLENEUVE D ASCQ", "59009", "59491 Villeneuve-d'Ascq"),
    ("10 rue X, 33160 Saint Aubin de Medoc", "33376", "33160 Saint-Aubin-de-Médoc"),
    ("1 rue Y, 75013 PARIS-13E-ARRONDISSEMENT", "75056", "75013 Paris"),
    ("1 rue Y, 75013 <script>x</script>", "75056", "75013 Paris"),  # only the postcode is read from it
    (None, "59009", "Villeneuve-d'Ascq"),  # no address: the commune's name alone
    ("Parc Technologique Delta Sud, VERNIOLLE", "09332", "Verniolle"),  # no postcode
    # no commune, or a code the COG does not list as a commune: the address's town
    ("1 quai des Chartrons, 33000 BORDEAUX", None, "33000 Bordeaux"),
    ("1 rue Z, 75013 PARIS", "75113", "75013 Paris"),  # a municipal arrondissement's code
    ("Rue de Hollande, 97150 Marigot", "97801", "97150 Marigot"),  # Saint-Martin: not in the COG's communes
    (None, None, None),
])
def test_the_town_of_a_hub(address: str | None, commune: str | None, town: str | None) -> None:
    assert hub_town(address, commune) == town


def test_cards_of_places_of_one_name_differ_by_their_town(tmp_path: Path) -> None:
    tree = tmp_path / "territories"
    shutil.copytree(FIXTURE_ATLAS, tree)
    hubs = tree / "grand-besancon-metropole" / "hubs"
    for slug, address in (("la-ruche-battant", "12 rue Battant, 25000 Besançon"),
                          ("la-ruche-planoise", "<b>3</b> avenue Île-de-France, 25000 Besançon {{ x }}"),
                          ("la-ruche-chaprais", "1 rue X, 25000 <script>alert(1)</script>")):
        (hubs / f"{slug}.yml").write_text(
            f"name: La Ruche\ntypes: [tiers-lieu]\nstatus: active\naddress: \"{address}\"\nupdated: 2024-11-30\n",
            encoding="utf-8")
    atlas = load_valid_atlas(tree, as_of=AS_OF)
    page = Pages(atlas, SiteOptions()).territory_page(atlas.territories["grand-besancon-metropole"]).data.decode()
    cards = {m.group(2): m.group(1) for m in re.finditer(r'(href="\.\./\.\./hubs/(la-ruche-[a-z]+)/".*?</li>)', page)}
    assert set(cards) == {"la-ruche-battant", "la-ruche-planoise", "la-ruche-chaprais"}
    # written as towns are (all small letters), and as text
    assert "25000 &lt;Script&gt;Alert(1)&lt;/Script&gt; · Grand Besançon Métropole" in cards["la-ruche-chaprais"]
    assert "<script" not in page.lower()
    assert '<span class="atlas-card__place">25000 Besançon · Grand Besançon Métropole</span>' \
        in cards["la-ruche-battant"]
    # the sheet's text, literal (braces as entities, shown as typed): its last part reads as the town
    assert '<span class="atlas-card__place">25000 Besançon &#123;&#123; x &#125;&#125; · Grand Besançon ' \
        'Métropole</span>' in cards["la-ruche-planoise"]
    assert "<b>" not in page  # the address's first part is not on the card, and no sheet text becomes HTML


def test_the_list_of_places_shows_the_town_beside_the_territory(fixture_atlas) -> None:
    """The plain list (`hubs/`) and the records the filters' script writes its rows from (`lieux.json`)."""
    from generator import explore

    records = {record["id"]: record for _hub, record in explore.hub_shared_records(fixture_atlas)}
    page = Pages(fixture_atlas, SiteOptions()).hub_list_page(1).data.decode()
    told = 0
    for hub in fixture_atlas.hubs.values():
        town = hub_town(hub.address, hub.commune)
        assert records[hub.id].get("v") == town
        told += town is not None
    assert told  # the fixture has addresses
    for hub in fixture_atlas.hubs.values():
        town = hub_town(hub.address, hub.commune)
        row = re.search(rf'<tr><th scope="row"><a href="[^"]*{hub.id}/">.*?</tr>', page).group(0)
        assert (f"<td>{town} · <a " in row) if town else ("<td><a " in row), row


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_cards_and_lists_say_the_year_the_status_was_seen_as_the_hub_page_does(fixture_atlas, lang: str) -> None:
    """« En activité » alone read as today's: a card, a row of the list and the filters' record say the year, in the
    words of the hub's own page (« En activité (constaté en 2024) », « Fermé en 2019 »)."""
    from generator import explore
    from generator.views import Words

    pages = Pages(fixture_atlas, SiteOptions(), lang=lang)
    words = Words(fixture_atlas, lang)
    territory = pages.territory_page(fixture_atlas.territories["grand-besancon-metropole"]).data.decode()
    listed = pages.hub_list_page(1).data.decode()
    records = {r["id"]: r for r in explore.hub_records(fixture_atlas, words.status_short)}
    for hub in fixture_atlas.hubs.values():
        page = pages.hub_page(hub).data.decode()
        long = words.status_long(hub)
        assert f"| {long}]" in page.replace("| [", "| ")  # the hub page's own words ...
        assert records[hub.id]["sl"] == long  # ... in the records of the filters and the map
        assert re.search(rf'{hub.id}/">.*?<td>{re.escape(long)}</td>', listed), long  # ... in the list
        if hub.territory_id == "grand-besancon-metropole":  # ... and on the cards
            card = re.search(rf'<li class="atlas-card"><a class="atlas-card__title" href="[^"]*{hub.id}/".*?</li>',
                             territory).group(0)
            assert f'">{long}</span>' in card, card
    expected = {"fr": ("En activité (constaté en 2024)", "Fermé en 2019", "En projet (constaté en 2025)"),
                "en": ("Active (observed in 2024)", "Closed in 2019", "Planned (observed in 2025)")}[lang]
    shown = [words.status_short(fixture_atlas.hubs[h]) for h in ("fablab-besancon", "incubateur-ferme",
                                                                   "tiers-lieu-projet")]
    assert tuple(shown) == expected
