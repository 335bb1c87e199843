"""The preview's site engine (generator.serve_engine) renders again only the pages it is told were
written, and what it serves then is what a whole build of the same docs folder gives."""

from __future__ import annotations

import shutil
from pathlib import Path

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


def test_a_configuration_told_during_a_whole_build_makes_the_next_one_whole(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """mkdocs.yml saved while the engine builds the whole site (dirty, with the configuration it read before):
    the next build renders every page with the new one. The build's end took the request back (« built »),
    and the pages whose file had not changed kept the old site name until the preview was started again."""
    import mkdocs.commands.build as mkdocs_build

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Accueil\n", encoding="utf-8")
    (docs / "autre.md").write_text("# Autre page\n", encoding="utf-8")
    config = tmp_path / "mkdocs.yml"

    def configured(name: str) -> None:
        config.write_text(yaml.safe_dump({"site_name": name, "docs_dir": str(docs), "theme": {"name": "mkdocs"}}),
                          encoding="utf-8")

    configured("Atlas avant")
    engine = Engine(str(config), str(tmp_path / "site"), DEV_ADDR)
    engine.build()  # the first build: a whole one
    real_build = mkdocs_build.build

    def saved_meanwhile(*args: object, **options: object) -> None:
        configured("Atlas après")
        engine.request(None, config=True)  # what atlas serve says on stdin, read by another thread
        real_build(*args, **options)

    monkeypatch.setattr(mkdocs_build, "build", saved_meanwhile)
    engine.request(None)  # many files written (a template saved): the whole site, dirty
    engine.build()
    monkeypatch.setattr(mkdocs_build, "build", real_build)
    engine.build()  # the server builds again, as it was asked meanwhile
    assert "Atlas après" in _html(tmp_path / "site", "autre/index.html")
    assert "Atlas après" in _html(tmp_path / "site", "index.html")


def test_the_preview_configuration_is_replaced_whole_never_rewritten_in_place(tmp_path: Path) -> None:
    """An engine that follows its configuration (mkdocs, properdocs and zensical serve all read a file replaced
    so) could read it half written: each save of mkdocs.yml writes another file and renames it over the last."""
    from generator.serve import _write_preview_config

    path = tmp_path / "preview.yml"
    _write_preview_config(path, read_site_config(), tmp_path / "docs")
    first = path.stat().st_ino
    config = {**read_site_config(), "site_name": "Atlas « aperçu »"}
    _write_preview_config(path, config, tmp_path / "docs")
    assert path.stat().st_ino != first  # a new file took the name: no reader saw it truncated
    assert yaml.safe_load(path.read_text(encoding="utf-8")) == preview_config(config, tmp_path / "docs",
                                                                               tmp_path / "site")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["preview.yml"]  # no temporary file left
