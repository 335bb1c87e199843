"""A vocabulary entry with many hubs (1,106 coworking spaces on the shipped atlas, about 450 a type on the
France tree) lists them on a page of its own, parcourir/<list>/<entry>.md: its section of the list keeps its
heading and anchor (each hub's page links there) and links to that page; both editions; the site builds
with `mkdocs build --strict`; a hub renamed makes again its entry page, not the list's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator import page_indexes
from generator.page_parts import VOCABULARY_PAGES, vocabulary_entry_path
from generator.pages import Pages, SiteOptions

FIELDS = {"hub_types": "types", "themes": "themes", "networks": "networks"}


def _made(atlas, lang: str = "fr") -> dict[str, str]:
    pages = Pages(atlas, SiteOptions(), lang=lang)
    return {out.path: out.data.decode() for _member, make in pages.vocabulary_groups() for out in make()}


def _entries(atlas, name: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for hub in atlas.hubs.values():
        for entry in getattr(hub, FIELDS[name]):
            found.setdefault(entry, []).append(hub.id)
    return found


def test_long_entries_get_a_page_of_their_own(fixture_atlas, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(page_indexes, "VOCABULARY_ENTRY_MAX", 1)
    made = _made(fixture_atlas)
    split = inline = 0
    for name, (index_path, title, prefix) in VOCABULARY_PAGES.items():
        index = made[index_path]
        sections = {re.search(r"\{ #[a-z]+-([a-z0-9-]+) \}", s).group(1): s
                    for s in re.split(r"^## ", index, flags=re.M)[1:]}
        for entry, ids in _entries(fixture_atlas, name).items():
            section = sections[entry]  # the heading and anchor the hubs' pages link to are kept
            path = vocabulary_entry_path(name, entry)
            if len(ids) > 1:
                split += 1
                page = made[path]
                own_link = f"({path.split('/', 1)[1]})"  # types/fab-lab.md, beside types.md
                assert own_link in section
                assert own_link in index.split("\n## ", 1)[0]  # the list at the top leads there too
                assert f"La liste de ses {len(ids)} lieux" in section
                assert "../hubs/" not in section
                for hid in ids:
                    assert f"(../../hubs/{hid}.md)" in page, (path, hid)
                assert page.count("(../../hubs/") == len(ids)
                counts = [int(n) for n in re.findall(r"^## .+ \((\d+)\)$", page, flags=re.M)]  # by région
                assert counts and sum(counts) == len(ids)
                name_of = path.rsplit("/", 2)[-2]
                assert f"{len(ids)} lieux, listés ci-dessous ; retour à [{title}](../{name_of}.md#{prefix}-{entry})" \
                    in page
            else:
                inline += 1
                assert path not in made
                assert f"(../hubs/{ids[0]}.md)" in section
    assert split and inline  # the fixture has entries of one hub and of several


def test_the_english_edition_says_it_in_english(fixture_atlas, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(page_indexes, "VOCABULARY_ENTRY_MAX", 1)
    made = _made(fixture_atlas, "en")
    entry, ids = next((e, ids) for e, ids in _entries(fixture_atlas, "hub_types").items() if len(ids) > 1)
    assert f"The list of its {len(ids)} hubs" in made["parcourir/types.md"]
    assert f"{len(ids)} hubs, listed below; back to [Hubs by type](../types.md#type-{entry})" in \
        made[vocabulary_entry_path("hub_types", entry)]


def test_short_entries_stay_on_the_list(fixture_atlas) -> None:
    """At the shipped threshold (300 hubs) the fixture's lists are as before: no page of their own."""
    made = _made(fixture_atlas)
    assert sorted(made) == sorted(path for path, _title, _prefix in VOCABULARY_PAGES.values())


def test_the_split_lists_build_strict_and_a_rename_rewrites_the_entry_page(
        atlas_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.commands.build import Options, run
    from generator.project import Project

    monkeypatch.setattr(page_indexes, "VOCABULARY_ENTRY_MAX", 1)
    sheets = atlas_copy
    project = Project.at(territories=sheets, docs_dir=tmp_path / "docs", site_dir=tmp_path / "site")
    assert run(project, Options(jobs=1, quiet=True, engine="mkdocs")) == 0  # strict, both editions
    entry_page = next((tmp_path / "docs" / "parcourir" / "types").glob("*.md"))  # the fixture's tiers-lieux
    entry = entry_page.stem
    assert (tmp_path / "site" / "parcourir" / "types" / entry / "index.html").is_file()
    assert (tmp_path / "site" / "en" / "parcourir" / "types" / entry / "index.html").is_file()
    index = tmp_path / "docs" / "parcourir" / "types.md"
    index_before, entry_before = index.read_bytes(), entry_page.read_text(encoding="utf-8")
    # a hub of that type alone: its lines are on the entry's page only
    hub = next(p for p in sheets.rglob("hubs/*.yml") if f"types: [{entry}]\n" in p.read_text(encoding="utf-8"))
    text = hub.read_text(encoding="utf-8")
    old = re.search(r"^name: (.+)$", text, flags=re.M).group(1)
    assert f"[{old}]" in entry_before
    hub.write_text(text.replace(f"name: {old}", "name: Un nom tout neuf"), encoding="utf-8")
    assert run(project, Options(jobs=1, quiet=True, no_site=True)) == 0
    assert "[Un nom tout neuf]" in entry_page.read_text(encoding="utf-8")
    assert index.read_bytes() == index_before


def test_hubs_no_region_counts_are_listed_last(fixture_atlas, monkeypatch: pytest.MonkeyPatch) -> None:
    """A tree without its régions (a département's sheets alone): the entry's hubs under « Hors région »."""
    import dataclasses

    monkeypatch.setattr(page_indexes, "VOCABULARY_ENTRY_MAX", 1)
    alone = dataclasses.replace(fixture_atlas, hubs_inside={})
    entry, ids = next((e, ids) for e, ids in _entries(alone, "hub_types").items() if len(ids) > 1)
    page = _made(alone)[vocabulary_entry_path("hub_types", entry)]
    assert f"## Hors région ({len(ids)})" in page
    assert f"## Outside any region ({len(ids)})" in _made(alone, "en")[
        vocabulary_entry_path("hub_types", entry)]
