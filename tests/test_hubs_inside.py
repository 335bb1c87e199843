"""A département counts the hubs of its communes (issue found on the shipped atlas): the Métropole du Grand
Paris, an EPCI whose parent is Paris, holds hubs in Saint-Denis (93) and Créteil (94); they were counted in
Paris, and Seine-Saint-Denis and the Val-de-Marne counted none, in their pages, reports and the measured
« lieux pour 100 000 habitants »."""

from __future__ import annotations

from datetime import date

from generator.hub_geography import city_of, departement_code, epci_of
from generator.model import Fact, Hub, Source, Territory, Vocabulary, build_atlas
from generator.scores import derived_value

SOURCE = Source("test-source", "Source de test")
DAY = date(2026, 1, 1)


def _territory(tid: str, level: str, parent: str | None, code: str, population: int = 100_000) -> Territory:
    return Territory(id=tid, name=tid, level=level, updated=DAY, path=f"{tid}/territory.yml", parent_id=parent,
                     code=code, population=Fact(population, 2023, SOURCE))


def _hub(hid: str, territory: str, commune: str | None) -> Hub:
    return Hub(id=hid, territory_id=territory, name=hid, types=("coworking",), status="active", updated=DAY,
               path=f"{territory}/hubs/{hid}.yml", commune=commune)


def _atlas():
    territories = {t.id: t for t in (
        _territory("idf", "region", None, "11"), _territory("paris", "departement", "idf", "75"),
        _territory("seine-saint-denis", "departement", "idf", "93"),
        _territory("val-de-marne", "departement", "idf", "94"),
        _territory("mgp", "epci", "paris", "200054781"), _territory("est-ensemble", "pays", "mgp", "T8"),
        _territory("bretagne", "region", None, "53"))}
    hubs = {h.id: h for h in (
        _hub("a-paris", "mgp", "75056"), _hub("b-saint-denis", "mgp", "93066"),
        _hub("c-montreuil", "est-ensemble", "93048"), _hub("d-sans-commune", "mgp", None),
        _hub("e-brest", "mgp", "29019"))}  # a commune whose département has no sheet: the hierarchy says
    return build_atlas(territories, hubs, Vocabulary(), {}, DAY)


def test_a_departement_counts_the_hubs_of_its_communes_and_its_region_the_same() -> None:
    atlas = _atlas()
    assert atlas.hubs_within("seine-saint-denis") == ("b-saint-denis", "c-montreuil")
    assert atlas.hubs_within("paris") == ("a-paris", "d-sans-commune", "e-brest")
    assert atlas.hubs_within("val-de-marne") == ()
    # the EPCI and the territories below it keep their own hubs; the région counts each hub once
    assert atlas.hubs_within("mgp") == ("a-paris", "b-saint-denis", "c-montreuil", "d-sans-commune", "e-brest")
    assert atlas.hubs_within("est-ensemble") == ("c-montreuil",)
    assert atlas.hubs_within("idf") == atlas.hubs_within("mgp")
    assert atlas.hubs_within("bretagne") == ()
    # the measure made from the hubs follows
    assert derived_value(atlas, atlas.territories["seine-saint-denis"], "hubs-per-100k") == 2.0


def test_departement_codes_of_corsica_and_overseas() -> None:
    assert [departement_code(c) for c in ("93066", "2A004", "2B033", "97411", "01001")] == ["93", "2A", "2B", "974",
                                                                                            "01"]


def test_a_departement_page_says_why_it_lists_another_territorys_hubs(fixture_atlas) -> None:
    """Seine-Saint-Denis's page lists hubs of the Métropole du Grand Paris (its cards name it): one sentence
    says they are counted in the département of their commune, in both editions."""
    from dataclasses import replace

    from test_site import _options

    from generator.pages import Pages

    small = _atlas()
    atlas = replace(small, vocabulary=fixture_atlas.vocabulary)
    page = Pages(atlas, _options()).territory_page(atlas.territories["seine-saint-denis"]).data.decode()
    assert "Un de ces lieux relève de mgp : il est compté ici, dans le département de sa commune." in page
    assert "Un de ces lieux relève de est-ensemble : il est compté ici" in page  # each hub's own territory
    english = Pages(atlas, _options(), lang="en").territory_page(atlas.territories["seine-saint-denis"]).data.decode()
    assert "One of these hubs belongs to mgp: it is counted here, in the département of its commune." in english
    two = _atlas()
    moved = replace(two.hubs["c-montreuil"], territory_id="mgp")
    from generator.model import build_atlas
    two = build_atlas(two.territories, {**two.hubs, "c-montreuil": moved}, fixture_atlas.vocabulary, {}, DAY)
    page = Pages(two, _options()).territory_page(two.territories["seine-saint-denis"]).data.decode()
    assert "2 de ces lieux relèvent de mgp : ils sont comptés ici, dans le département de leur commune." in page
    paris = Pages(atlas, _options()).territory_page(atlas.territories["paris"]).data.decode()
    assert "relève" not in paris and "relèvent" not in paris  # its hubs are below it: nothing to say


def test_a_hub_page_shows_the_departement_of_its_commune_not_its_epcis_parent(fixture_atlas) -> None:
    """A hub of the Métropole du Grand Paris in Saint-Denis: its breadcrumb does not go through Paris (the
    EPCI's parent, which does not count it) and its table names Seine-Saint-Denis, in both editions; a hub
    in Paris keeps Paris in its breadcrumb and has no such row; the interactive map's records filter each
    hub by the département that counts it."""
    from dataclasses import replace

    from test_site import _options

    from generator.explore import hub_shared_records
    from generator.pages import Pages

    atlas = replace(_atlas(), vocabulary=fixture_atlas.vocabulary)
    page = Pages(atlas, _options()).hub_page(atlas.hubs["b-saint-denis"]).data.decode()
    crumbs = next(line for line in page.splitlines() if line.startswith("Vous êtes ici"))
    assert "[idf]" in crumbs and "[mgp]" in crumbs and "[paris]" not in crumbs
    assert "| Département | [seine-saint-denis](../territoires/seine-saint-denis.md) (celui de sa commune) |" in page
    english = Pages(atlas, _options(), lang="en").hub_page(atlas.hubs["b-saint-denis"]).data.decode()
    assert "[seine-saint-denis](../territoires/seine-saint-denis.md) (that of its commune) |" in english
    in_paris = Pages(atlas, _options()).hub_page(atlas.hubs["a-paris"]).data.decode()
    crumbs = next(line for line in in_paris.splitlines() if line.startswith("Vous êtes ici"))
    assert "[paris]" in crumbs and "(celui de sa commune)" not in in_paris
    records = {h.id: r for h, r in hub_shared_records(atlas)}
    assert [records[h]["d"] for h in ("a-paris", "b-saint-denis", "c-montreuil", "e-brest")] == \
        ["paris", "seine-saint-denis", "seine-saint-denis", "paris"]
    assert {r["r"] for r in records.values()} == {"idf"}


def test_the_epci_of_a_commune_and_of_an_arrondissement_through_its_city() -> None:
    # generator/geodata/communes-epci.csv (decoupage-administratif 6.0.0): the arrondissements of Paris, Lyon and
    # Marseille are no members; they stand for their city, as addresses.py reads them as no commune of the COG
    assert [city_of(c) for c in ("75101", "75120", "69381", "69389", "13201", "13216", "75056", "25056", "2A004")] \
        == ["75056", "75056", "69123", "69123", "13055", "13055", "75056", "25056", "2A004"]
    assert [epci_of(c) for c in ("25056", "75112", "93066", "69381", "13201", "2A004")] == [
        "242500361", "200054781", "200054781", "200046977", "200054807", "242010056"]
    assert [epci_of(c) for c in ("29155", "97801", "99999")] == [None, None, None]  # Ouessant, Saint-Martin, none
