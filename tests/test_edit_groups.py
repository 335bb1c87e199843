"""The hub list's pages kept one by one (issue 11, target 2): its 40 pages on the France tree were one group of
the page cache, made again whole when any hub was renamed; what orders them is now a query's answer of ids,
and each page a group of its own (`PageKind.groups`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from page_group_helpers import groups_asked, renamed_fablab

from generator import explore
from generator.atlas_reads import answer
from generator.pages import Pages, SiteOptions


def test_each_page_of_the_hub_list_is_a_group_of_its_own(fixture_atlas: Any,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(explore, "HUBS_PER_PAGE", 2)  # several pages from the fixture's few hubs
    pages = Pages(fixture_atlas, SiteOptions(), {})
    made, asked = groups_asked(pages, "hubs")
    count = -(-len(fixture_atlas.hubs) // 2)
    assert count > 1 and asked == [f"hubs:{i}" for i in range(1, count + 1)]
    assert [o.path for o in made] == [explore.hub_list_path(i) for i in range(1, count + 1)]
    assert [o.data for o in pages.hubs_index()] == [o.data for o in made]
    shown = "".join(o.data.decode("utf-8") for o in made)
    assert all(f"{h}/\"" in shown for h in fixture_atlas.hubs)  # every hub linked on one of the pages


def test_a_hub_renamed_in_its_place_leaves_the_order_as_it_was(tmp_path: Path) -> None:
    before, after = renamed_fablab(tmp_path, "Fablab de Besançon 2")
    assert answer(before, "hub pages", "2") == answer(after, "hub pages", "2")
    ids = [h for page in answer(after, "hub pages", "1") for h in page]
    assert ids == [h.id for h in sorted(after.hubs.values(), key=lambda h: (explore.sort_key(h.name), h.id))]


@pytest.mark.slow  # four builds of the fixture atlas: CI runs it
def test_groups_that_read_an_answer_are_checked_only_when_it_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The queries' answers of a build are kept in its snapshot: a group that read answers (the map reads the
    hub filters' counts) is checked by its key only when one of them changed, not at every build."""
    from test_build_incremental import HUB, _build, _edit, _fixture_copy, _same_as_cold

    from generator.page_cache import PageCache

    keyed: list[str] = []
    key = PageCache._kind_key

    def recorded(self: Any, pages: Any, common: str, name: str, *args: Any) -> str:
        keyed.append(name)
        return key(self, pages, common, name, *args)

    monkeypatch.setattr(PageCache, "_kind_key", recorded)
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    _build(sheets, docs.parent, capsys)
    keyed.clear()
    _edit(sheets / HUB, "  value: 120", "  value: 121")  # a figure of the hub: no answer, no map changes
    _build(sheets, docs.parent, capsys)
    assert "map" not in keyed and "en/map" not in keyed
    _same_as_cold(sheets, docs, tmp_path, "cold-1", capsys)
    keyed.clear()
    _edit(sheets / HUB, "types: [fab-lab, tiers-lieu]", "types: [fab-lab, living-lab]")  # the filters' counts
    _build(sheets, docs.parent, capsys)
    assert "map" in keyed and "en/map" in keyed
    _same_as_cold(sheets, docs, tmp_path, "cold-2", capsys)
