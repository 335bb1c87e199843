"""A région with many hubs counts them by département on its page (a table linking each département's page,
where the cards are) instead of one card per hub: 342 cards in one alphabetical list on Île-de-France's page
of the shipped atlas, 600 on a région of the France tree. A région with few hubs keeps its cards; a hub that
no département counts keeps its card on the région's page."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import AS_OF, FIXTURE_ATLAS
from generator import pages as pages_module
from generator.load import load_valid_atlas
from generator.pages import Pages, SiteOptions

REGION = "bourgogne-franche-comte"


def _hubs_section(page: str) -> str:
    return page.split("## Lieux d'innovation", 1)[1].split("\n## ", 1)[0]


def _rows(section: str) -> list[tuple[str, str, int]]:
    """(link, code, count) of the table of hubs by département."""
    return [(link, code, int(n.replace("\u202f", "").replace("\u00a0", "")))
            for link, code, n in re.findall(r"^\| (\[[^]]+\]\([^)]+\)) \(([^)|]+)\) \| ([\d\u202f\u00a0]+) \|$",
                                            section, flags=re.M)]


def _with_a_hub_in_the_jura(tmp_path: Path) -> Path:
    """The fixture's sheets with the Jura as a second département of the région, and the living lab of Grand
    Besançon Métropole (an EPCI of the Doubs) placed in Dole, a commune of the Jura."""
    tree = tmp_path / "territories"
    shutil.copytree(FIXTURE_ATLAS, tree)
    (tree / "jura").mkdir()
    (tree / "jura" / "territory.yml").write_text(
        "id: jura\nname: Jura\nlevel: departement\ncode: \"39\"\nparent: bourgogne-franche-comte\n"
        "updated: 2024-11-30\n", encoding="utf-8")
    sheet = tree / "grand-besancon-metropole" / "hubs" / "living-lab-sante.yml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace('commune: "25056"', 'commune: "39198"'),
                     encoding="utf-8")
    return tree


def test_a_long_region_counts_its_hubs_by_departement(fixture_atlas, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pages_module, "REGION_CARDS_MAX", 1)
    region = fixture_atlas.territories[REGION]
    hubs = fixture_atlas.hubs_within(REGION)
    assert len(hubs) > 1
    section = _hubs_section(Pages(fixture_atlas, SiteOptions()).territory_page(region).data.decode())
    assert "### Lieux par département\n" in section
    assert f"Ses {len(hubs)} lieux sont listés sur la page de leur département :" in section
    rows = _rows(section)
    doubs = fixture_atlas.territories["doubs"]
    assert rows == [("[Doubs](doubs.md)", doubs.code, len(hubs))]
    assert "atlas-card" not in section  # the cards are on the département's page
    assert f"Ils sont aussi réunis dans [la liste des lieux d'innovation](../hubs/index.md?region={REGION}), " \
        "filtrée sur la région." in section  # the hub list's filters read the query
    assert 'class="atlas-card"' in Pages(fixture_atlas, SiteOptions()).territory_page(doubs).data.decode()


def test_a_short_region_keeps_its_cards(fixture_atlas) -> None:
    """At the shipped threshold the fixture's région (4 hubs) shows a card per hub, as before."""
    section = _hubs_section(Pages(fixture_atlas, SiteOptions()).territory_page(
        fixture_atlas.territories[REGION]).data.decode())
    assert "Lieux par département" not in section
    for hid in fixture_atlas.hubs_within(REGION):
        assert f'href="../../hubs/{hid}/"' in section


def test_the_english_edition_says_it_in_english(fixture_atlas, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pages_module, "REGION_CARDS_MAX", 1)
    n = len(fixture_atlas.hubs_within(REGION))
    page = Pages(fixture_atlas, SiteOptions(), lang="en").territory_page(
        fixture_atlas.territories[REGION]).data.decode()
    assert f"Its {n} hubs are listed on the pages of their départements:" in page
    assert "| Département | Innovation hubs |" in page


def test_a_hub_of_the_region_itself_keeps_its_card(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A hub whose sheet is the région's, with no commune, is counted in no département: its card stays."""
    monkeypatch.setattr(pages_module, "REGION_CARDS_MAX", 1)
    monkeypatch.setattr(pages_module, "REGION_PAIRS_MAX", 0)
    tree = tmp_path / "territories"
    shutil.copytree(FIXTURE_ATLAS, tree)
    (tree / REGION / "hubs").mkdir()
    (tree / REGION / "hubs" / "agence-regionale.yml").write_text(
        "name: Agence régionale d'innovation\ntypes: [incubator]\nstatus: active\npartners: [fablab-besancon]\n"
        "updated: 2024-11-30\n", encoding="utf-8")
    atlas = load_valid_atlas(tree, as_of=AS_OF)
    hubs = atlas.hubs_within(REGION)
    page = Pages(atlas, SiteOptions()).territory_page(atlas.territories[REGION]).data.decode()
    section = _hubs_section(page)
    assert sum(n for _link, _code, n in _rows(section)) == len(hubs) - 1
    assert "Un lieu n'est compté dans aucun de ses départements :" in section
    assert section.count('class="atlas-card"') == 1
    assert 'href="../../hubs/agence-regionale/"' in section
    partnerships = page.split("## Partenariats", 1)[1]  # its partnership is listed, the others counted
    assert "Un partenariat est celui d'un lieu compté dans aucun de ses départements :" in partnerships
    assert "| [Agence régionale d'innovation](../hubs/agence-regionale.md) | Bourgogne-Franche-Comté | " \
        "[Fablab de Besançon](../hubs/fablab-besancon.md) |" in partnerships
    assert partnerships.count("(../hubs/") == 2


def test_a_region_with_many_partnerships_counts_them_by_departement(fixture_atlas,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Past REGION_PAIRS_MAX the région's page counts its partnerships by département (each département's
    page lists its own); the network keeps its own data table."""
    monkeypatch.setattr(pages_module, "REGION_PAIRS_MAX", 0)
    pages = Pages(fixture_atlas, SiteOptions())
    hubs = fixture_atlas.hubs_within(REGION)
    pairs = pages._pairs(hubs)
    assert pairs
    page = pages.territory_page(fixture_atlas.territories[REGION]).data.decode()
    section = page.split("## Partenariats", 1)[1].split("\n## ", 1)[0]
    assert "### Partenariats par département\n" in section
    assert f"Ses {len(pairs)} partenariats sont listés sur la page du département de leurs lieux" in section
    doubs = fixture_atlas.territories["doubs"]
    assert _rows(section) == [("[Doubs](doubs.md)", doubs.code, len(pairs))]  # both hubs of each in the Doubs
    assert "| Lieu |" not in section and "../hubs/" not in section
    doubs_page = pages.territory_page(doubs).data.decode()  # where they are listed
    for a, b in pairs:
        assert f"(../hubs/{a}.md)" in doubs_page and f"(../hubs/{b}.md)" in doubs_page
    monkeypatch.setattr(pages_module, "REGION_PAIRS_MAX", len(pairs))  # at the threshold: listed, as before
    page = pages.territory_page(fixture_atlas.territories[REGION]).data.decode()
    assert "Partenariats par département" not in page
    for a, _b in pairs:
        assert f"| [{fixture_atlas.hubs[a].name}](../hubs/{a}.md) |" in page


def test_a_network_counted_by_departement_counts_a_hub_where_the_pages_do(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The région's network, drawn by département past GROUPED_ABOVE hubs, puts a hub in the département of its
    commune (as the table by département and the département pages do), not in its EPCI's parent."""
    from generator.pictures import network_specs, picture_spec

    monkeypatch.setattr(network_specs, "GROUPED_ABOVE", 0)
    monkeypatch.setattr(network_specs, "MAX_GROUPS", 2)  # by département, not by EPCI
    tree = _with_a_hub_in_the_jura(tmp_path)
    other = tree / "pays-horloger" / "hubs" / "tiers-lieu-projet.yml"  # a third EPCI: grouped by département
    other.write_text(other.read_text(encoding="utf-8") + "partners: [fablab-besancon]\n", encoding="utf-8")
    atlas = load_valid_atlas(tree, as_of=AS_OF)
    spec = picture_spec(atlas, f"territory/{REGION}/network")
    assert spec.kind == "network-groups"
    groups = {node["id"]: node["hubs"] for node in spec.data["nodes"]}
    assert groups == {"in:doubs": 3, "in:jura": 1}
    counted = Pages(atlas, SiteOptions()).territory_page(atlas.territories["jura"]).data.decode()
    assert "(../hubs/living-lab-sante.md)" in counted  # the Jura's page lists it and its partnership


def test_a_region_counted_by_departement_builds_strict(atlas_copy: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """`mkdocs build --strict` of both editions accepts the tables and the link with a query; the built page
    links the hub list filtered on the région."""
    from generator.commands.build import Options, run
    from generator.project import Project

    monkeypatch.setattr(pages_module, "REGION_CARDS_MAX", 1)
    monkeypatch.setattr(pages_module, "REGION_PAIRS_MAX", 0)
    project = Project.at(territories=atlas_copy, docs_dir=tmp_path / "docs", site_dir=tmp_path / "site")
    assert run(project, Options(jobs=1, quiet=True, engine="mkdocs")) == 0  # strict, both editions
    for prefix in ("", "en/"):
        page = (tmp_path / "site" / f"{prefix}territoires" / REGION / "index.html").read_text(encoding="utf-8")
        assert f'href="../../hubs/?region={REGION}"' in page, prefix
        assert 'href="../doubs/"' in page, prefix


def test_the_hub_list_s_filters_count_a_hub_where_they_file_it(tmp_path: Path) -> None:
    """The counts beside each région and département of the list's filters are those of the records the filters
    select (a hub in the département of its commune): « Paris (304) » selected 214 places on the shipped atlas."""
    from collections import Counter

    from generator import explore

    tree = _with_a_hub_in_the_jura(tmp_path)
    atlas = load_valid_atlas(tree, as_of=AS_OF)
    facets = explore.facets(atlas)
    records = [record for _hub, record in explore.hub_shared_records(atlas)]
    for param, field in (("region", "r"), ("departement", "d")):
        filed = Counter(record[field] for record in records if record[field])
        assert {value: n for value, _label, n in facets[param]} == dict(filed), param
    assert dict((value, n) for value, _label, n in facets["departement"])["jura"] == 1


def test_a_departement_with_many_hubs_links_the_list_filtered_on_it(fixture_atlas,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Its cards stay (a département's page lists its places), with the list filtered on it beside them."""
    doubs = fixture_atlas.territories["doubs"]
    link = "[la liste des lieux d'innovation](../hubs/index.md?departement=doubs), filtrée sur le département."
    assert link not in Pages(fixture_atlas, SiteOptions()).territory_page(doubs).data.decode()  # 4 hubs: no link
    monkeypatch.setattr(pages_module, "REGION_CARDS_MAX", 1)
    page = Pages(fixture_atlas, SiteOptions()).territory_page(doubs).data.decode()
    section = _hubs_section(page)
    assert f"Ils sont aussi réunis dans {link}" in section
    assert section.count('class="atlas-card"') == len(fixture_atlas.hubs_within("doubs"))
    english = Pages(fixture_atlas, SiteOptions(), lang="en").territory_page(doubs).data.decode()
    assert "All of them are also in [the list of innovation hubs](../hubs/index.md?departement=doubs), filtered " \
        "by département." in english
