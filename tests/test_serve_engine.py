"""The preview's site engine (generator.serve_engine) renders again only the pages it is told were
written, and what it serves then is what a whole build of the same docs folder gives."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import FIXTURE_ATLAS
from generator.serve import Regenerator, preview_config
from generator.serve_engine import Engine
from generator.site import ROOT, read_site_config

DEV_ADDR = "127.0.0.1:8765"


def _engine(tmp_path: Path, docs: Path, name: str) -> Engine:
    config_file = tmp_path / f"{name}.yml"
    config_file.write_text(yaml.safe_dump(preview_config(read_site_config(), docs, tmp_path / name),
                                          allow_unicode=True, sort_keys=False), encoding="utf-8")
    engine = Engine(str(config_file), str(tmp_path / name), DEV_ADDR)
    engine.serve_url = f"http://{DEV_ADDR}/"
    return engine


def _html(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


def _built(markdown: str) -> str:
    """Where MkDocs writes a page (directory URLs): hubs/x.md -> hubs/x/index.html, hubs/index.md -> hubs/index.html."""
    stem = markdown[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        return f"{stem}.html"
    return f"{stem}/index.html"


@pytest.mark.slow
def test_a_save_renders_the_written_pages_as_a_whole_build_would(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")
    sheets = tmp_path / "territories"
    shutil.copytree(FIXTURE_ATLAS, sheets)
    docs = tmp_path / "docs"
    regen = Regenerator(sheets, docs, ROOT / "content", read_site_config(), lambda message: None)
    assert regen.run()
    kept = _engine(tmp_path, docs, "kept")
    kept.build()  # the first build: MkDocs' own
    site = tmp_path / "kept"
    before = {page: page.stat().st_mtime_ns for page in site.rglob("*.html")}

    hub = sheets / "grand-besancon-metropole" / "hubs" / "living-lab-sante.yml"
    hub.write_text(hub.read_text(encoding="utf-8").replace("name: Living Lab Santé", "name: Living Lab Santé 2"),
                   encoding="utf-8")
    assert regen.run({hub})
    assert "hubs/living-lab-sante.md" in regen.written
    told = set(regen.written)
    kept.request(regen.written)
    kept.build()
    assert "Living Lab Santé 2" in _html(site, "hubs/living-lab-sante/index.html")
    # the built site's post-pass: French no-break spaces (« Statut : » in the hub's table), squeezed blanks
    assert "\u00a0:" in _html(site, "hubs/living-lab-sante/index.html")
    assert "\n\n" not in _html(site, "hubs/living-lab-sante/index.html").split("<body", 1)[1].split("<pre", 1)[0]

    # a hub added and one removed: into and out of the list of files, without a whole build
    added = hub.with_name("living-lab-bis.yml")
    added.write_text(hub.read_text(encoding="utf-8").replace("id: living-lab-sante", "id: living-lab-bis")
                     .replace("name: Living Lab Santé 2", "name: Second Living Lab"), encoding="utf-8")
    (sheets / "pays-horloger" / "hubs" / "tiers-lieu-projet.yml").unlink()
    assert regen.run({added})
    told |= set(regen.written)
    kept.request(regen.written)
    kept.build()
    assert "Second Living Lab" in _html(site, "hubs/living-lab-bis/index.html")
    assert not (site / "hubs" / "tiers-lieu-projet" / "index.html").exists()
    rendered = {site / _built(path) for path in told if path.endswith(".md")}
    untouched = [page for page in before if page not in rendered and page.exists()]
    assert len(untouched) > 20  # pages not told about are not rendered again
    assert all(page.stat().st_mtime_ns == before[page] for page in untouched)

    # a whole (dirty) build of MkDocs' own, then a save again: the pages of the navigation keep their
    # titles from the build before (a dirty build reads only newer pages), so what is rendered next is
    # still what a whole build gives
    kept.request(None)
    kept.build()
    hub.write_text(hub.read_text(encoding="utf-8").replace("name: Living Lab Santé 2", "name: Living Lab Santé 3"),
                   encoding="utf-8")
    assert regen.run({hub})
    told |= set(regen.written)
    kept.request(regen.written)
    kept.build()
    assert "Living Lab Santé 3" in _html(site, "hubs/living-lab-sante/index.html")

    whole = _engine(tmp_path, docs, "whole")
    whole.build()
    compared = 0
    for written in sorted(told):
        if written.endswith(".md") and not written.startswith("en/") and (docs / written).is_file():
            page = _built(written)
            assert _html(site, page) == _html(tmp_path / "whole", page), page
            compared += 1
    assert compared > 5


@pytest.mark.slow
def test_long_pages_written_are_read_on_two_cores_as_on_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A save that wrote long pages (the hub lists, a région's page on the France tree) has them read by two
    processes (`serve_engine.populate`): the site is what reading them all in this one gives."""
    import os

    from generator import serve_engine

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")
    sheets = tmp_path / "territories"
    shutil.copytree(FIXTURE_ATLAS, sheets)
    docs = tmp_path / "docs"
    regen = Regenerator(sheets, docs, ROOT / "content", read_site_config(), lambda message: None)
    assert regen.run()
    engines = {name: _engine(tmp_path, docs, name) for name in ("two", "one")}
    for engine in engines.values():
        engine.build()
    hub = sheets / "grand-besancon-metropole" / "hubs" / "living-lab-sante.yml"
    hub.write_text(hub.read_text(encoding="utf-8").replace("name: Living Lab Santé", "name: Living Lab Santé 2"),
                   encoding="utf-8")
    assert regen.run({hub})
    pages = [path for path in regen.written if path.endswith(".md")]
    assert len(pages) > 2
    readers = tmp_path / "readers.txt"
    from mkdocs.commands.build import _populate_page as populate_page

    def noted(page: object, config: object, files: object) -> None:
        with readers.open("a", encoding="utf-8") as out:  # the forked process too
            out.write(f"{os.getpid()} {page.file.src_uri}\n")  # type: ignore[attr-defined]
        populate_page(page, config, files)

    monkeypatch.setattr("mkdocs.commands.build._populate_page", noted)
    monkeypatch.setattr(serve_engine, "FORK_BYTES", 0)
    engines["two"].request(regen.written)
    engines["two"].build()
    read = [line.split(" ", 1) for line in readers.read_text(encoding="utf-8").splitlines()]
    assert len({pid for pid, _page in read}) == 2 and sorted(page for _pid, page in read) == sorted(pages)
    monkeypatch.setattr(serve_engine, "FORK_BYTES", 10**12)
    engines["one"].request(regen.written)
    engines["one"].build()
    assert "Living Lab Santé 2" in _html(tmp_path / "two", "hubs/living-lab-sante/index.html")
    for page in pages:
        assert _html(tmp_path / "two", _built(page)) == _html(tmp_path / "one", _built(page)), page
    two, one = engines["two"], engines["one"]
    for page in pages:
        got, expected = two.files.get_file_from_path(page).page, one.files.get_file_from_path(page).page
        def read(page: Any) -> tuple:
            return page.title, page.meta, page.present_anchor_ids, [(a.id, a.title, a.level) for a in page.toc]

        assert read(got) == read(expected)
        assert {f.src_uri: links for f, links in (got.links_to_anchors or {}).items()} == \
            {f.src_uri: links for f, links in (expected.links_to_anchors or {}).items()}


def test_the_engine_is_told_what_a_save_wrote_before_the_page_cache_is_saved(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The site engine starts rendering the written pages while the preview saves its page cache (0.3 s of a
    save on the France tree): it is told as soon as the docs folder is written, once, with what was written."""
    from generator.page_cache import PageCache

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")
    sheets = tmp_path / "territories"
    shutil.copytree(FIXTURE_ATLAS, sheets)
    regen = Regenerator(sheets, tmp_path / "docs", ROOT / "content", read_site_config(), lambda message: None)
    assert regen.run()
    events: list[tuple[str, list[str]]] = []
    regen.tell = lambda paths: events.append(("told", list(paths)))
    save = PageCache.save

    def saved(self: PageCache, *args: Any, **kwargs: Any) -> None:
        events.append(("cache saved", []))
        save(self, *args, **kwargs)

    monkeypatch.setattr(PageCache, "save", saved)
    hub = sheets / "grand-besancon-metropole" / "hubs" / "living-lab-sante.yml"
    hub.write_text(hub.read_text(encoding="utf-8").replace("name: Living Lab Santé", "name: Living Lab Santé 2"),
                   encoding="utf-8")
    assert regen.run({hub})
    assert [name for name, _paths in events] == ["told", "cache saved"]
    assert "hubs/living-lab-sante.md" in events[0][1] and events[0][1] == regen.written
