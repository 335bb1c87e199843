"""The page templates are compiled once and kept between builds (the page cache's folder): a build after
one edit does not compile the 35 templates again, and a damaged or stale copy is compiled again."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from generator import site_templates
from generator.site_templates import _CompiledTemplates, make_environment


def _env(folder: Path, monkeypatch: pytest.MonkeyPatch, templates: Path) -> jinja2.Environment:
    """An environment as a new process makes it: an empty in-memory store kept in `folder`."""
    store = _CompiledTemplates()
    store.keep_in(folder)
    monkeypatch.setattr(site_templates, "_COMPILED", store)
    return make_environment(templates)


def test_a_template_compiled_by_one_build_is_read_by_the_next(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    templates = tmp_path / "pages"
    templates.mkdir()
    (templates / "page.md.j2").write_text("# {{ title }}\n", encoding="utf-8")
    folder = tmp_path / "compiled"
    assert _env(folder, monkeypatch, templates).get_template("page.md.j2").render(title="A") == "# A\n"
    assert len(list(folder.iterdir())) == 1

    compiled: list[str] = []
    real = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: str, *args: object, **kwargs: object) -> object:
        compiled.append(source)
        return real(self, source, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    assert _env(folder, monkeypatch, templates).get_template("page.md.j2").render(title="B") == "# B\n"
    assert compiled == []  # read from the folder

    # the template edited: compiled again (Jinja's checksum of the source), and its new form kept
    (templates / "page.md.j2").write_text("## {{ title }}\n", encoding="utf-8")
    assert _env(folder, monkeypatch, templates).get_template("page.md.j2").render(title="C") == "## C\n"
    assert len(compiled) == 1
    assert len(list(folder.iterdir())) == 1  # the template's earlier form removed, not kept for ever

    # a damaged file: compiled again, never an error
    for kept in folder.iterdir():
        kept.write_bytes(kept.read_bytes()[:20])
    compiled.clear()
    assert _env(folder, monkeypatch, templates).get_template("page.md.j2").render(title="D") == "## D\n"
    assert len(compiled) == 1


def test_another_setting_compiles_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The compiled code depends on the environment's settings (trim_blocks...), which the file's name covers."""
    templates = tmp_path / "pages"
    templates.mkdir()
    (templates / "page.md.j2").write_text("{% if x %}\n  yes\n{% endif %}\n", encoding="utf-8")
    folder = tmp_path / "compiled"
    assert _env(folder, monkeypatch, templates).get_template("page.md.j2").render(x=True) == "  yes\n"
    other = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)), bytecode_cache=site_templates._COMPILED)
    assert other.get_template("page.md.j2").render(x=True) == "\n  yes\n"
    assert len(list(folder.iterdir())) == 2
