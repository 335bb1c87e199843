"""What every build pays whatever changed (issue 11, target 2: one hub edit of the France tree): a sheet's
kept locations made only when asked, each output path checked once a process, kept files made cheaply;
each with the behaviour it had (the same locations, the same refusals, frozen outputs)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from generator import outputs
from generator.errors import AtlasError, Location
from generator.outputs import KeptFile, _check_path, check_relative
from generator.sheet_memo import KeptLocations


def _packed() -> KeptLocations:
    return KeptLocations((("", "name", "sources.insee#key", "sources.insee.title"),
                          ("a/hubs/x.yml", "shared.yml"), (0, 0, 1, 0), (1, 2, 7, 8), (1, 1, 3, 5)))


def test_one_location_is_made_without_making_the_sheets_others() -> None:
    kept = _packed()
    assert kept.get("sources.insee#key") == Location("shared.yml", 7, 3)
    assert kept.get("name") == Location("a/hubs/x.yml", 2, 1)
    assert kept.get("missing") is None and kept.get("missing", "d") == "d"
    assert kept._made is None  # the loader asks each sheet for its sources' keys: nothing else made


def test_one_location_is_what_the_whole_mapping_gives() -> None:
    kept, whole = _packed(), _packed()
    mapping = dict(whole.items())  # every location made (as a problem's report does)
    assert whole._made is not None and len(mapping) == 4
    for path in ("", "name", "sources.insee#key", "sources.insee.title", "nowhere"):
        assert kept.get(path) == mapping.get(path) == whole.get(path)


def test_a_path_is_checked_once_and_a_refused_one_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outputs, "_CHECKED", set())
    _check_path("territoires/x.md")
    assert outputs._CHECKED == {"territoires/x.md"}
    check_relative("territoires/x.md")  # taken from what this process checked
    for bad in ("../x.md", "/etc/x", "a//b", "a\\b", "a\x00b", "", "a/" + "é" * 120):
        for _ in range(2):
            with pytest.raises(AtlasError):
                _check_path(bad)
    assert outputs._CHECKED == {"territoires/x.md"}


def test_a_string_that_only_equals_a_checked_path_is_checked_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    class Odd(str):
        def split(self, *args: object, **kwargs: object) -> list[str]:  # type: ignore[override]
            return [".."]

    monkeypatch.setattr(outputs, "_CHECKED", {"a.md"})
    with pytest.raises(AtlasError):
        _check_path(Odd("a.md"))


def test_a_kept_file_has_its_fields_and_stays_frozen() -> None:
    kept = KeptFile("en/a.md", "/docs/en/a.md", (3, 4), ("a.yml",))
    assert (kept.path, kept.file, kept.state, kept.sources, kept.size) == ("en/a.md", "/docs/en/a.md", (3, 4),
                                                                          ("a.yml",), 3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        kept.path = "b.md"  # type: ignore[misc]
    with pytest.raises(AtlasError):
        KeptFile("../a.md", "/docs/a.md", (3, 4))


def test_a_territory_page_lists_every_sheet_its_hubs_and_partners_show(fixture_atlas: Any) -> None:
    """Each hub shown (listed, or in a partnership) brings its sheet and its territory's: worked out once per
    atlas (`pages._hub_places`), the same sets as hub by hub."""
    from generator.pages import Pages, _hub_places
    from generator.site import SiteOptions

    pages = Pages(fixture_atlas, SiteOptions())
    atlas = fixture_atlas
    assert _hub_places(atlas) == {h.id: (h.path, atlas.territories[h.territory_id].path) for h in atlas.hubs.values()}
    assert _hub_places(atlas) is _hub_places(atlas)
    for t in atlas.territories.values():
        hubs = atlas.hubs_within(t.id)
        pairs = pages._pairs(hubs)
        expected = {t.path, *(x.path for x in atlas.ancestors(t.id)),
                    *(atlas.territories[c].path for c in atlas.children.get(t.id, ()))}
        for hub_id in {*hubs, *(h for pair in pairs for h in pair)}:
            expected.update(pages._hub_and_place(hub_id))
        assert pages.territory_sources(t, hubs, pairs) == expected
    some = next(iter(atlas.territories.values()))
    with pytest.raises(KeyError):
        pages.territory_sources(some, ("no-such-hub",), [])
