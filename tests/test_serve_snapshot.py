"""`atlas serve` writes the French edition only: its page cache's save is partial, yet it keeps a snapshot, so
that the next save tells the kept groups from what changed since (the postings), as `atlas build` does,
instead of hashing every group's reads again (issue 11, target 2: 6,000 keys a save on the France tree). The
entries that save did not check (the English edition, the pages the save did not want) are named in the
index and checked by their key: a later `atlas build` still writes what a cold build writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_build_incremental import EPOCH, HUB, ROOT, _build, _edit, _files, _fixture_copy, _same_as_cold

from generator import page_kept
from generator.serve import Regenerator
from generator.site import read_site_config


@pytest.mark.slow  # a preview's first generation, three saves, two builds of the fixture atlas: CI runs it
def test_saves_of_the_preview_keep_a_snapshot_and_the_next_build_is_a_cold_ones(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    keyed: list[str] = []
    kind_key = page_kept.KeptOutputs._kind_key

    def recorded(self: Any, pages: Any, common: str, name: str, *args: Any) -> str:
        keyed.append(name)
        return kind_key(self, pages, common, name, *args)

    monkeypatch.setattr(page_kept.KeptOutputs, "_kind_key", recorded)
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    regen = Regenerator(sheets, docs, ROOT / "content", read_site_config(), lambda message: None)
    assert regen.run()  # every page of both editions: a whole save, with its snapshot
    groups = {name for name in regen.page_cache.kind_entries.names() if not name.startswith(("part:", "sheets:",
                                                                                              "records:"))}
    french = {name for name in groups if not name.startswith("en/")}
    hub = sheets / HUB
    per_save: list[set[str]] = []
    name = "Fablab de Besançon"
    for new in ("Fablab de Besançon-Centre", "Fablab de Besançon-Nord", "Fablab de Besançon-Sud"):
        _edit(hub, f"name: {name}\n", f"name: {new}\n")
        name = new
        keyed.clear()
        assert regen.run({hub})
        assert regen.page_cache.previous is not None  # a partial save keeps its snapshot
        per_save.append({name for name in keyed if name in groups})
    # each save keys the groups that read the hub, the same ones each time: not every French group
    assert per_save[0] and per_save[0] == per_save[1] == per_save[2]
    assert len(per_save[2]) < len(french) // 2
    assert not any(name.startswith("en/") for name in per_save[2])
    unverified = regen.page_cache.unverified
    assert "en/hubs/fablab-besancon.md" in unverified and "hubs/fablab-besancon.md" not in unverified

    # `atlas build` on the preview's docs folder: the English pages of the renamed hub, which no save checked,
    # are made again; the docs folder is what a cold build of the same sheets gives
    _build(sheets, docs.parent, capsys)
    assert "Fablab de Besançon-Sud" in (docs / "en" / "hubs" / "fablab-besancon.md").read_text(encoding="utf-8")
    _same_as_cold(sheets, docs, tmp_path, "cold", capsys)


@pytest.mark.slow  # a preview's first generation, one save, two builds of the fixture atlas: CI runs it
def test_pages_a_save_did_not_check_are_checked_by_their_key_at_the_next_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A save that did not want the edited hub's page (the preview's own choice of pages; here it wants the
    territory pages only) leaves it as it was: the snapshot it keeps is not theirs, so the next generation
    (here a preview started again, which reads the index from disk: the same pages' common part as the
    save's) makes them again."""
    sheets, docs = _fixture_copy(tmp_path, monkeypatch)
    regen = Regenerator(sheets, docs, ROOT / "content", read_site_config(), lambda message: None)
    assert regen.run()
    monkeypatch.setattr(Regenerator, "_wanted",
                        lambda self, *args: lambda path, sources: path.startswith("territoires/"))
    _edit(sheets / HUB, "name: Fablab de Besançon\n", "name: Fablab de Besançon-Centre\n")
    assert regen.run({sheets / HUB})
    page = docs / "hubs" / "fablab-besancon.md"
    assert "Fablab de Besançon-Centre" not in page.read_text(encoding="utf-8")  # not wanted: as it was
    assert "hubs/fablab-besancon.md" in regen.page_cache.unverified
    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    again = Regenerator(sheets, docs, ROOT / "content", read_site_config(), lambda message: None)
    assert again.run()
    assert "Fablab de Besançon-Centre" in page.read_text(encoding="utf-8")
    cold = Regenerator(sheets, tmp_path / "cold", ROOT / "content", read_site_config(), lambda message: None)
    assert cold.run()
    assert _files(docs) == _files(tmp_path / "cold")
