"""A long partnership table is split by région (issue 11 target 3: no page over 1 MB; the France tree's
network page was 2.5 MB): the network page lists the régions, each région's page has its rows."""

from __future__ import annotations

import re
from typing import Any

import pytest

from generator import measured, page_indexes
from generator.pages import Pages, SiteOptions


def _rows(text: str) -> list[str]:
    """The partnership rows of a page: three-column rows whose first two cells link hubs."""
    return sorted(line.replace("../", "") for line in text.splitlines()
                  if re.match(r"^\| \[[^]]+\]\((\.\./)?hubs/[^)]+\) \| \[[^]]+\]\((\.\./)?hubs/", line))


def test_a_short_network_stays_one_page(fixture_atlas) -> None:
    outs = Pages(fixture_atlas, SiteOptions(), {}).network_pages()
    assert [o.path for o in outs] == ["reseau.md"]
    assert "## Par territoire" in outs[0].data.decode("utf-8")


def test_a_long_network_is_split_by_region_with_every_row(fixture_atlas, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = Pages(fixture_atlas, SiteOptions(), {}).network_pages()[0].data.decode("utf-8")
    monkeypatch.setattr(page_indexes, "NETWORK_ROWS_MAX", 1)
    pages = Pages(fixture_atlas, SiteOptions(), {})
    outs = pages.network_pages() + [out for _region, make in pages.network_regions() for out in make()]
    main, parts = outs[0].data.decode("utf-8"), outs[1:]
    assert outs[0].path == "reseau.md" and parts
    assert "## Par région" in main and _rows(main) == []
    for out in parts:
        region = out.path.removeprefix("reseau/").removesuffix(".md")
        assert fixture_atlas.territories[region].level == "region"
        assert f"]({out.path})" in main  # listed on the network page
        text = out.data.decode("utf-8")
        assert text.startswith("---\n") and "](../reseau.md)" in text
    assert sorted(row for out in parts for row in _rows(out.data.decode("utf-8"))) == _rows(whole) != []
    # the part of the page above the table is the same
    assert main.split("## Par région")[0] == whole.split("## Par territoire")[0]


def test_the_region_pages_are_made_with_the_site(fixture_atlas, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the page kinds, as a build makes them: every région page the network page links is made."""
    monkeypatch.setattr(page_indexes, "NETWORK_ROWS_MAX", 1)
    outs = {o.path: o for o in Pages(fixture_atlas, SiteOptions(), {}).all_pages()}
    linked = re.findall(r"\]\((reseau/[^)]+\.md)\)", outs["reseau.md"].data.decode("utf-8"))
    assert linked and all(path in outs for path in linked)


def test_each_region_page_is_a_group_of_its_own(fixture_atlas, monkeypatch: pytest.MonkeyPatch) -> None:
    """The région pages are one kept group each (`PageKind.groups`): the page cache keeps or makes them one by
    one, so that a hub renamed makes again the pages of its région and its partners', not all 18."""
    from page_group_helpers import groups_asked

    from generator.pages import SHARED_KINDS

    monkeypatch.setattr(page_indexes, "NETWORK_ROWS_MAX", 1)
    pages = Pages(fixture_atlas, SiteOptions(), {})
    made, asked = groups_asked(pages, "network-region")
    (kind,) = [k for k in SHARED_KINDS if k.name == "network-region"]
    regions = [t.id for t in fixture_atlas.territories.values() if t.level == "region"]
    assert asked == [f"network-region:{r}" for r in regions] and [o.path for o in made] == \
        [f"reseau/{r}.md" for r in regions]
    assert [o.data for o in pages.shared_pages(kind)] == [o.data for o in made]


def test_a_hub_renamed_leaves_the_network_s_sections_as_they_were(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What groups the région pages is a query's answer of ids (`network sections`): a hub renamed leaves it as
    it was (the région pages that do not show the hub are kept), its région's page shows the new name."""
    from page_group_helpers import renamed_fablab

    from generator.atlas_reads import answer

    monkeypatch.setattr(page_indexes, "NETWORK_ROWS_MAX", 1)
    before, after = renamed_fablab(tmp_path, "Fablab renommé")
    assert answer(before, "network sections", "1") == answer(after, "network sections", "1")
    assert answer(after, "network sections", "1")[1]  # split by région
    page = [o for _r, make in Pages(after, SiteOptions(), {}).network_regions() for o in make()]
    assert any("Fablab renommé" in o.data.decode("utf-8") for o in page)


def test_a_hub_page_is_made_without_the_scores_which_it_may_not_read(fixture_atlas,  # type: ignore[no-untyped-def]
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A hub's page is keyed without the measured profile (generator.page_cache): while it is made, the scores are
    out of reach, and a read of them is an error that names the reason; they are back afterwards."""
    pages = Pages(fixture_atlas, SiteOptions(), {})
    scores = pages.scores
    page = pages.hub_page(fixture_atlas.hubs["fablab-besancon"])
    assert page.path == "hubs/fablab-besancon.md" and pages.scores is scores
    assert pages.env.globals["scores"] is scores

    def reads_scores(self: Pages, h: object) -> object:
        return self.scores.profiles

    monkeypatch.setattr(Pages, "_hub_page", reads_scores)
    with pytest.raises(RuntimeError, match="page cache key leaves them out"):
        pages.hub_page(fixture_atlas.hubs["fablab-besancon"])
    assert pages.scores is scores and pages.env.globals["scores"] is scores


def test_a_territory_page_is_made_with_the_scores_it_shows_only(fixture_atlas,  # type: ignore[no-untyped-def]
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A territory's page is keyed by the scores it shows (generator.measured.shown_digest): its own profile and
    its enclosing territories', the medians of their levels. While it is made, any other part of the scores is
    out of reach, and a read of it is an error that names the reason; the scores are back afterwards."""
    pages = Pages(fixture_atlas, SiteOptions(), {})
    scores = pages.scores
    page = pages.territory_page(fixture_atlas.territories["pays-horloger"])
    assert page.path == "territoires/pays-horloger.md" and pages.scores is scores
    assert pages.env.globals["scores"] is scores
    ids, levels = measured.shown_on_page(fixture_atlas, fixture_atlas.territories["pays-horloger"])
    assert ids == {"pays-horloger", "doubs", "bourgogne-franche-comte"} and levels == {"pays", "departement", "region"}
    reads = {
        "another territory's profile": lambda s: s.profile("grand-besancon-metropole"),
        "another level's median": lambda s: s.medians.get(("commune", "hubs-per-100k")),
        "every median": lambda s: list(s.pillar_medians),
        "every profile": lambda s: s.profiles,
    }
    for what, read in reads.items():
        def reads_scores(self: Pages, t: object, read: Any = read) -> object:
            return read(self.scores)

        monkeypatch.setattr(Pages, "_territory_page", reads_scores)
        with pytest.raises(RuntimeError, match="page cache key covers"):
            pages.territory_page(fixture_atlas.territories["pays-horloger"])
        assert pages.scores is scores and pages.env.globals["scores"] is scores, what
