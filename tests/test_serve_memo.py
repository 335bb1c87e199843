"""The preview keeps the sheets as read and checked between saves (`load.SheetMemo`, generator.sheet_memo):
whatever happens to the files, a load through the memo gives the model and the report of a fresh load,
and only the sheets whose files changed are read and checked again. The build keeps the same memo on
disk between runs."""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

import pytest

from conftest import AS_OF
from generator import file_states, i18n
from generator.load import SheetMemo, load_atlas, load_valid_atlas


def _same_as_fresh(sheets: Path, memo: SheetMemo, changed: tuple[Path, ...] = ()):
    kept, kept_report = load_atlas(sheets, as_of=AS_OF, memo=memo, changed=changed)
    fresh, fresh_report = load_atlas(sheets, as_of=AS_OF)
    assert kept == fresh
    assert [p.text() for p in kept_report.sorted()] == [p.text() for p in fresh_report.sorted()]
    assert [p.severity for p in kept_report.sorted()] == [p.severity for p in fresh_report.sorted()]
    return kept, kept_report



def test_a_tree_without_shared_sources_or_catalogue_keeps_its_records(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """sources.yml and indicators.yml are optional: without them a save makes the saved sheet's record, not
    every record (each run's empty catalogue was a new object, so none of the last run's records was kept:
    5,374 records made again per save on the France-scale tree)."""
    monkeypatch.setattr(file_states, "RACY_NS", 0)
    sheets = tmp_path / "territories"
    (sheets / "bretagne").mkdir(parents=True)
    (sheets / "finistere" / "hubs").mkdir(parents=True)
    (sheets / "vocabulary.yml").write_text("hub_types:\n  fab-lab: {label: Fab Lab}\n", encoding="utf-8")
    (sheets / "bretagne" / "territory.yml").write_text(
        'name: Bretagne\nlevel: region\ncode: "53"\nupdated: 2026-01-10\n', encoding="utf-8")
    (sheets / "finistere" / "territory.yml").write_text(
        'name: Finistère\nlevel: departement\ncode: "29"\nparent: bretagne\nupdated: 2026-01-10\n',
        encoding="utf-8")
    hub = sheets / "finistere" / "hubs" / "le-lab.yml"
    hub.write_text("name: Le Lab\ntypes: [fab-lab]\nstatus: active\nupdated: 2026-01-10\n", encoding="utf-8")
    memo = SheetMemo()
    first, report = _same_as_fresh(sheets, memo)
    assert first is not None, report.format("text")
    assert not first.indicators and not first.sources
    hub.write_text(hub.read_text(encoding="utf-8").replace("Le Lab", "Le Lab 2"), encoding="utf-8")
    atlas, _report = _same_as_fresh(sheets, memo, (hub,))
    assert atlas.hubs["le-lab"].name == "Le Lab 2"
    assert memo.reads == memo.checks == memo.made == 1
    assert atlas.territories["finistere"] is first.territories["finistere"]


def test_memo_gives_a_fresh_load_through_edits_removals_renames_and_errors(
        atlas_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(file_states, "RACY_NS", 0)  # the copies count as settled (see the racy test below)
    sheets = atlas_copy
    memo = SheetMemo()
    first, _report = _same_as_fresh(sheets, memo)
    assert first is not None
    every = memo.checks
    assert every == memo.reads > 10  # the first run reads and checks every sheet

    # nothing changed: nothing read, nothing checked, no record made
    _same_as_fresh(sheets, memo)
    assert memo.reads == memo.checks == memo.made == 0

    # one hub edited: that sheet only, and the model shows the edit
    hub = sheets / "grand-besancon-metropole" / "hubs" / "living-lab-sante.yml"
    hub.write_text(hub.read_text(encoding="utf-8").replace("name: Living Lab Santé", "name: Living Lab Santé 2"),
                   encoding="utf-8")
    atlas, _report = _same_as_fresh(sheets, memo, (hub,))
    assert atlas.hubs["living-lab-sante"].name == "Living Lab Santé 2"
    assert memo.reads == memo.checks == memo.made == 1  # the other records are those of the last run
    assert atlas.hubs["fablab-besancon"] is first.hubs["fablab-besancon"]

    # saved again with the same bytes (a new time): read, not checked
    os.utime(hub, ns=(hub.stat().st_atime_ns, hub.stat().st_mtime_ns + 10**9))
    _same_as_fresh(sheets, memo)
    assert (memo.reads, memo.checks) == (1, 0)

    # named as saved by the watcher, same state: read again all the same
    _same_as_fresh(sheets, memo, (hub,))
    assert (memo.reads, memo.checks) == (1, 0)

    # the shared sources changed: every record is made again (they point at the sources)
    shared = sheets / "sources.yml"
    shared_text = shared.read_text(encoding="utf-8")
    shared.write_text(shared_text + "\n# a comment\n", encoding="utf-8")
    _same_as_fresh(sheets, memo)
    assert memo.checks == 1 and memo.made == len(atlas.territories) + len(atlas.hubs)
    shared.write_text(shared_text, encoding="utf-8")
    _same_as_fresh(sheets, memo)

    # made invalid: the memo reports the same errors as a fresh load, and no model
    text = hub.read_text(encoding="utf-8")
    hub.write_text("name: [\n", encoding="utf-8")
    broken, report = _same_as_fresh(sheets, memo, (hub,))
    assert broken is None and report.errors
    # fixed again (the bytes of before): the model of before
    hub.write_text(text, encoding="utf-8")
    fixed, _report = _same_as_fresh(sheets, memo, (hub,))
    assert fixed == atlas

    # a hub that no sheet names removed, then another renamed (its file, so its id)
    (sheets / "pays-horloger" / "hubs" / "tiers-lieu-projet.yml").unlink()
    atlas, _report = _same_as_fresh(sheets, memo)
    assert "tiers-lieu-projet" not in atlas.hubs and memo.checks == 0
    old = sheets / "doubs" / "hubs" / "incubateur-ferme.yml"
    old.rename(old.with_name("incubateur-ancien.yml"))
    atlas, _report = _same_as_fresh(sheets, memo)
    assert "incubateur-ancien" in atlas.hubs and "incubateur-ferme" not in atlas.hubs
    assert memo.checks == 1
    assert not any("incubateur-ferme" in key[0] or "tiers-lieu-projet" in key[0] for key in memo.entries)

    # renamed to an id another sheet uses, then to a name that is not an id: the cross-sheet checks
    # still run on the whole atlas
    renamed = old.with_name("incubateur-ancien.yml")
    clash = renamed.rename(old.with_name("fablab-besancon.yml"))
    clashing, report = _same_as_fresh(sheets, memo)
    assert clashing is None and any("fablab-besancon" in p.message for p in report.errors)
    bad = clash.rename(old.with_name("Incubateur Ancien.yml"))
    _same_as_fresh(sheets, memo)
    bad.rename(old)
    _same_as_fresh(sheets, memo)


def test_memo_keeps_messages_per_language(atlas_copy: Path) -> None:
    hub = atlas_copy / "doubs" / "hubs" / "incubateur-ferme.yml"
    hub.write_text(hub.read_text(encoding="utf-8").replace("founded: 2010", "founded: deux mille dix"),
                   encoding="utf-8")
    memo = SheetMemo()
    with i18n.using("fr"):
        _atlas, french = _same_as_fresh(atlas_copy, memo)
    with i18n.using("en"):
        _atlas, english = _same_as_fresh(atlas_copy, memo)
    assert french.errors and english.errors
    assert [p.message for p in french.errors] != [p.message for p in english.errors]


def test_an_empty_sheet_is_reported_whatever_the_other_sheets_say(atlas_copy: Path) -> None:
    """Each sheet is checked on its own: an empty sheet is an error even after another sheet's error
    (it was silent then, since its check looked at the errors of the whole run)."""
    (atlas_copy / "doubs" / "hubs" / "incubateur-ferme.yml").write_text("name: [\n", encoding="utf-8")
    (atlas_copy / "pays-horloger" / "hubs" / "tiers-lieu-projet.yml").write_text("", encoding="utf-8")
    with i18n.using("en"):
        _atlas, report = _same_as_fresh(atlas_copy, SheetMemo())
    assert any(p.message == "the sheet is empty" and p.location.file.endswith("tiers-lieu-projet.yml")
               for p in report.errors)


def test_a_sheet_changed_in_the_last_seconds_is_read_again_until_it_settles(atlas_copy: Path) -> None:
    """A second write within one tick of the file system's clock leaves the file's state as it was: a
    state seen within RACY_NS of the file's last change does not stand for its bytes."""
    memo = SheetMemo()
    _same_as_fresh(atlas_copy, memo)  # the copies were just made: their change times are now
    hub = atlas_copy / "doubs" / "hubs" / "incubateur-ferme.yml"
    state = os.stat(hub)
    hub.write_bytes(hub.read_bytes().replace(b"founded: 2010", b"founded: 2011"))  # same size
    os.utime(hub, ns=(state.st_atime_ns, state.st_mtime_ns))
    atlas, _report = _same_as_fresh(atlas_copy, memo)
    assert atlas.hubs["incubateur-ferme"].founded == 2011 and memo.checks == 1
    assert memo.reads == len(memo.entries)  # not settled yet: every sheet read again, none checked again
    settled_later = time.time_ns() + file_states.RACY_NS + 10**9
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(file_states.time, "time_ns", lambda: settled_later)
        _same_as_fresh(atlas_copy, memo)
        _same_as_fresh(atlas_copy, memo)
        assert memo.reads == memo.checks == 0


def test_the_build_keeps_the_memo_on_disk(atlas_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(file_states, "RACY_NS", 0)
    folder = atlas_copy.parent / "memo"
    memo = SheetMemo.on_disk(folder, atlas_copy)
    assert not memo.entries
    fresh = load_valid_atlas(atlas_copy, as_of=AS_OF)
    assert load_valid_atlas(atlas_copy, as_of=AS_OF, memo=memo) == fresh and memo.checks == len(memo.entries)
    memo.save()
    hub = atlas_copy / "grand-besancon-metropole" / "hubs" / "living-lab-sante.yml"
    hub.write_text(hub.read_text(encoding="utf-8").replace("name: Living Lab Santé", "name: Living Lab Santé 2"),
                   encoding="utf-8")
    again = SheetMemo.on_disk(folder, atlas_copy)  # the next build, another process
    atlas, _report = _same_as_fresh(atlas_copy, again)
    assert again.reads == again.checks == 1 and atlas.hubs["living-lab-sante"].name == "Living Lab Santé 2"
    again.save()
    (path,) = folder.iterdir()
    with i18n.using("en"):  # messages in another language: checked again, the same model
        english = SheetMemo.on_disk(folder, atlas_copy)
        assert load_valid_atlas(atlas_copy, as_of=AS_OF, memo=english) == atlas
        assert english.checks == len(english.entries)

    # a file that would make anything but a sheet's result is not read: the memo starts empty
    path.write_bytes(pickle.dumps({"version": "x", "entries": {}, "run": os.system}))
    assert not SheetMemo.on_disk(folder, atlas_copy).entries
    path.write_bytes(b"not a pickle")
    assert not SheetMemo.on_disk(folder, atlas_copy).entries


def test_the_hubs_distances_outside_their_territory_are_kept(atlas_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """check_hubs_inside reads the outlines only for a point it has not measured: the same report."""
    from generator import geo

    folder = atlas_copy.parent / "memo"
    memo = SheetMemo.on_disk(folder, atlas_copy)
    _same_as_fresh(atlas_copy, memo)
    assert memo.distances.kept  # the fixture's hubs placed at an address
    memo.save()
    hub = atlas_copy / "grand-besancon-metropole" / "hubs" / "fablab-besancon.yml"
    text = hub.read_text(encoding="utf-8")
    with monkeypatch.context() as patch:  # every point known: no outline read
        patch.setattr(geo, "outline_of", lambda *args: pytest.fail("an outline was read"))
        kept, _report = load_atlas(atlas_copy, as_of=AS_OF, memo=SheetMemo.on_disk(folder, atlas_copy))
    assert kept is not None
    # the hub moved far outside its territory: measured, reported as a fresh load reports it
    hub.write_text(text.replace("value: [47.2400, 6.0200]", "value: [43.3000, 6.0200]"), encoding="utf-8")
    again = SheetMemo.on_disk(folder, atlas_copy)
    with i18n.using("en"):
        broken, report = _same_as_fresh(atlas_copy, again)
    assert broken is None and [p.field for p in report.errors] == ["coordinates"]
    assert "km outside the outline of its territory" in report.errors[0].message


def test_a_kept_sheet_reports_its_problems_at_their_place(atlas_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The memo file keeps where each field was written packed, made into places only when asked: a sheet
    read back unchanged whose reference breaks (the hub it names is removed) is reported at the same
    file:line:column, with the same words, as a fresh load reports it."""
    monkeypatch.setattr(file_states, "RACY_NS", 0)
    folder = atlas_copy.parent / "memo"
    memo = SheetMemo.on_disk(folder, atlas_copy)
    load_valid_atlas(atlas_copy, as_of=AS_OF, memo=memo)
    memo.save()
    (atlas_copy / "grand-besancon-metropole" / "hubs" / "living-lab-sante.yml").unlink()  # named by fablab-besancon
    kept = SheetMemo.on_disk(folder, atlas_copy)
    atlas, report = load_atlas(atlas_copy, as_of=AS_OF, memo=kept)
    assert atlas is None and kept.reads == 0  # fablab-besancon's result came from the file
    _none, fresh = load_atlas(atlas_copy, as_of=AS_OF)
    assert [p.text() for p in report.errors] == [p.text() for p in fresh.errors]
    assert any("fablab-besancon.yml:29:" in p.text() and "living-lab-sante" in p.text() for p in report.errors)


def test_the_rules_of_unchanged_sheets_are_kept_and_said_in_the_run_s_language(
        atlas_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A load after a save runs the rules that tie a sheet's fields together again on the sheets that changed only
    (validate.atlas._KeptRules); what it reports is a fresh load's, in the language of the run."""
    from generator.validate import atlas as checks

    monkeypatch.setattr(file_states, "RACY_NS", 0)
    calls: list[str] = []
    real = checks.check_rules
    monkeypatch.setattr(checks, "check_rules", lambda report, sheet, *rest: calls.append(sheet.display)
                        or real(report, sheet, *rest))
    memo = SheetMemo()
    first, report = load_atlas(atlas_copy, as_of=AS_OF, memo=memo)
    assert first is not None and calls
    calls.clear()
    _again, again = load_atlas(atlas_copy, as_of=AS_OF, memo=memo)
    assert calls == [] and [p.text() for p in again.sorted()] == [p.text() for p in report.sorted()]

    hub = atlas_copy / "grand-besancon-metropole" / "hubs" / "fablab-besancon.yml"
    hub.write_text(hub.read_text(encoding="utf-8").replace("updated: 2025-02-15", "updated: 2099-02-15"),
                   encoding="utf-8")
    _atlas, kept_report = load_atlas(atlas_copy, as_of=AS_OF, memo=memo, changed=(hub,))
    assert calls == ["territories/grand-besancon-metropole/hubs/fablab-besancon.yml"]
    assert any("2099-02-15" in p.text() for p in kept_report.warnings)
    calls.clear()
    with i18n.using("en"):
        _atlas, english = load_atlas(atlas_copy, as_of=AS_OF, memo=memo)
        assert len(calls) > 1  # another language: the rules said again
        _fresh, fresh_english = load_atlas(atlas_copy, as_of=AS_OF)
    assert [p.text() for p in english.sorted()] == [p.text() for p in fresh_english.sorted()]
    assert any("is after today" in p.text() for p in english.warnings)
