"""The hub list's pages kept one by one (issue 11, target 2): its 40 pages on the France tree were one group of
the page cache, made again whole when any hub was renamed; what orders them is now a query's answer of ids,
and each page a group of its own (`PageKind.groups`)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from generator import explore
from generator.atlas_reads import answer
from generator.load import load_valid_atlas
from generator.pages import SHARED_KINDS, Pages, SiteOptions

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "atlas"


def test_each_page_of_the_hub_list_is_a_group_of_its_own(fixture_atlas: Any,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(explore, "HUBS_PER_PAGE", 2)  # several pages from the fixture's few hubs
    pages = Pages(fixture_atlas, SiteOptions(), {})
    asked: list[str] = []

    def kind_cache(kind: Any, member: str = "", make: Any = None) -> list[Any]:
        asked.append(f"{kind.name}:{member}" if member else kind.name)
        return list(make() if make is not None else kind.build(pages))

    pages.kind_cache = kind_cache
    (kind,) = [k for k in SHARED_KINDS if k.name == "hubs"]
    made = pages.shared_pages(kind)
    count = -(-len(fixture_atlas.hubs) // 2)
    assert count > 1 and asked == [f"hubs:{i}" for i in range(1, count + 1)]
    assert [o.path for o in made] == [explore.hub_list_path(i) for i in range(1, count + 1)]
    pages.kind_cache = None
    assert [o.data for o in pages.hubs_index()] == [o.data for o in made]
    shown = "".join(o.data.decode("utf-8") for o in made)
    assert all(f"{h}/\"" in shown for h in fixture_atlas.hubs)  # every hub linked on one of the pages


def test_a_hub_renamed_in_its_place_leaves_the_order_as_it_was(tmp_path: Path) -> None:
    sheets = tmp_path / "territories"
    shutil.copytree(FIXTURE, sheets)
    before = load_valid_atlas(sheets)
    hub = sheets / "grand-besancon-metropole" / "hubs" / "fablab-besancon.yml"
    hub.write_text(hub.read_text(encoding="utf-8").replace("name: Fablab de Besançon", "name: Fablab de Besançon 2"),
                   encoding="utf-8")
    after = load_valid_atlas(sheets)
    assert answer(before, "hub pages", "2") == answer(after, "hub pages", "2")
    ids = [h for page in answer(after, "hub pages", "1") for h in page]
    assert ids == [h.id for h in sorted(after.hubs.values(), key=lambda h: (explore.sort_key(h.name), h.id))]
