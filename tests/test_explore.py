"""What readers use to find things (issue 14): names told apart, updates by day, legible pictures."""

from __future__ import annotations

import dataclasses

from generator import explore
from generator.pages import MIN_TEXT_PX, Pages, SiteOptions, legible_width


def test_territories_sharing_a_name_are_told_apart_by_level(fixture_atlas) -> None:
    doubs = fixture_atlas.territories["doubs"]
    region = fixture_atlas.parent("doubs")
    twin = dataclasses.replace(fixture_atlas.territories["doubs"], name=region.name)
    atlas = dataclasses.replace(fixture_atlas, territories={**fixture_atlas.territories, "doubs": twin})
    names = explore.display_names(atlas)
    assert names["doubs"] != names[region.id]
    assert names["doubs"].startswith(region.name) and "département" in names["doubs"]
    assert explore.display_names(fixture_atlas)["doubs"] == doubs.name  # a unique name is left alone


def test_latest_updates_are_one_line_per_day(fixture_atlas) -> None:
    recent = Pages(fixture_atlas, SiteOptions()).recent_updates()
    days = [day for day, _, _ in recent]
    assert days == sorted(set(days), reverse=True)  # distinct dates, newest first
    sheets = len(fixture_atlas.territories) + len(fixture_atlas.hubs)
    shown = sum(n for _, n, _ in recent)
    assert shown <= sheets and all(len(items) <= n for _, n, items in recent)


def test_legible_width_reads_the_smallest_text_of_the_svg() -> None:
    svg = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="300pt" height="150pt" '
           b'viewBox="0 0 300 150"><text style="font-size: 6px">a</text><text font-size="9">b</text></svg>')
    natural, height, legible = legible_width(svg)
    assert (natural, height) == (400, 200)
    assert legible * (6 * 4 / 3) / natural >= MIN_TEXT_PX - 0.01  # the 6 pt text is 11 px at that width
    paths = b'<svg width="300pt" height="100pt" viewBox="0 0 300 100"><g transform="scale(0.12 -0.12)"/></svg>'
    assert legible_width(paths)[2] == 275  # 12 pt = 16 px: may shrink to 275 px, where it is 11 px


def test_pillar_pages_have_french_addresses() -> None:
    assert explore.pillar_path("health") == "piliers/sante.md"
    assert explore.pillar_path("environment", "epci") == "piliers/environnement-epci.md"
    olds = {o.path for o in explore.redirect_outputs(["epci"])}
    assert "piliers/health/index.html" in olds and "piliers/health-epci/index.html" in olds
    assert not any(p.startswith("piliers/metropolisation") for p in olds)  # same word in both languages


def test_a_former_level_address_without_its_ranking_page_points_at_the_pillar() -> None:
    """No EPCI measured on identity: no `identite-epci` page, so its former address leads to the pillar's page,
    not to an address that does not exist (the reader got « Page déplacée », then a 404)."""
    made = {explore.pillar_path("health", "epci"), explore.pillar_path("identity")}
    pages = {o.path: o.data.decode() for o in explore.redirect_outputs(["epci"], made)}
    assert 'url=../sante-epci/"' in pages["piliers/health-epci/index.html"]
    assert 'url=../identite/"' in pages["piliers/identity-epci/index.html"]
    assert 'href="../identite/"' in pages["piliers/identity-epci/index.html"]
