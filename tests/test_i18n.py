"""The French catalog of the command line: in step with the code (generator/ and its packages), every
message translated, the same placeholders on both sides (a missing `{id}` would drop the id from a
message), French plurals; and no English left outside the catalog in what `atlas import` prints."""

from __future__ import annotations

import ast
import importlib.util
import re
import string
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po

from conftest import ROOT
from generator import i18n

PO = ROOT / "generator" / "locale" / "fr" / "LC_MESSAGES" / "atlas.po"
PDF_PO = ROOT / "generator" / "locale" / "en" / "LC_MESSAGES" / "pdf.po"


def _fields(text: str, flags: set[str]) -> set[str]:
    """The placeholders of a message: {name} fields, or %-style ones in argparse's messages."""
    if "python-format" in flags:
        return set(re.findall(r"%(?:\([a-z_]+\))?[sr]", text))
    if "python-brace-format" in flags:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    return set()


def test_catalog_in_step_with_the_code() -> None:
    done = subprocess.run([sys.executable, "scripts/update_messages.py", "--check"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_translations_keep_every_placeholder() -> None:
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    assert catalog.num_plurals == 2 and catalog.plural_expr == "(n > 1)"
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"untranslated: {message.id!r}"
        assert not message.fuzzy, f"fuzzy (not used at run time): {message.id!r}"
        for text in strings:
            assert _fields(text, message.flags) == _fields(ids[-1], message.flags), f"{message.id!r} -> {text!r}"


@pytest.mark.parametrize(("n", "fr", "en"), [(0, "0 erreur", "0 errors"), (1, "1 erreur", "1 error"),
                                              (2, "2 erreurs", "2 errors"), (1375, "1 375 erreurs", "1375 errors")])
def test_plurals_and_numbers(n: int, fr: str, en: str) -> None:
    for lang, want in (("fr", fr), ("en", en)):
        with i18n.using(lang):
            assert i18n.ngettext("{count} error", "{count} errors", n).format(count=i18n.number(n)) == want


def test_language_setting() -> None:
    with i18n.using("en"):
        assert i18n.language() == "en" and i18n._("(hint: {hint})") == "(hint: {hint})"
        with i18n.using("fr"):
            assert i18n._("(hint: {hint})") == "(piste : {hint})"
        assert i18n.language() == "en"
    with pytest.raises(ValueError):
        i18n.set_language("de")


def _script():
    spec = importlib.util.spec_from_file_location("update_messages", ROOT / "scripts" / "update_messages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_catalog_reads_the_packages_and_only_the_atlas_domain() -> None:
    """Messages of generator/imports/, generator/validate/ and of the commands are extracted; the PDF's `_()`
    are French ids of its own catalog (generator/pdf/words.py: render.py, templates.py) and stay out, while
    the command-line messages of `atlas pdf` (command.py, inputs.py, writer.py) come in."""
    sources = {path.relative_to(ROOT).as_posix() for path in _script().sources()}
    assert {"generator/cli.py", "generator/imports/territories.py", "generator/imports/census.py",
            "generator/imports/indicators.py", "generator/build.py", "generator/release.py",
            "generator/pdf/command.py", "generator/pdf/inputs.py", "generator/pdf/writer.py"} <= sources
    assert any(path.startswith("generator/validate/") for path in sources)
    pdf_catalog = {"generator/pdf/words.py", "generator/pdf/render.py", "generator/pdf/templates.py"}
    assert not pdf_catalog & sources
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    located = {file for message in catalog for file, _line in message.locations}
    assert "generator/imports/messages.py" in located and "generator/pdf/command.py" in located
    assert not pdf_catalog & located
    with PDF_PO.open("rb") as handle:
        pdf_ids = {message.id for message in read_po(handle, locale="en") if message.id}
    assert pdf_ids and not pdf_ids & {message.id for message in catalog if message.id}


def _words_outside_placeholders(node: ast.expr) -> str:
    """The literal text of a message argument (an f-string's fixed parts); "" for anything computed."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value for part in node.values if isinstance(part, ast.Constant))
    if isinstance(node, ast.BinOp):
        return _words_outside_placeholders(node.left) + _words_outside_placeholders(node.right)
    return ""


COMMAND_MODULES = ("build.py", "serve.py", "faults.py", "outputs.py", "search.py", "site.py", "page_cache.py",
                   "editions.py", "release.py", "pdf/command.py", "pdf/inputs.py", "pdf/writer.py")


@pytest.mark.parametrize("modules", [sorted((ROOT / "generator" / "imports").glob("*.py")),
                                     [ROOT / "generator" / name for name in COMMAND_MODULES]],
                         ids=["import", "build-serve-pdf-release"])
def test_commands_print_and_raise_only_catalog_messages(modules) -> None:
    """What `atlas import`, `build`, `serve`, `pdf` and `release` print, say or raise goes through
    `_()`/`ngettext()`: a literal with words in a print(), say() or AtlasError() would stay English in French."""
    found = []
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                    node.func.id in ("print", "AtlasError", "say", "_say", "Interrupted") and node.args:
                words = re.findall(r"[A-Za-zÀ-ÿ]{2,}", _words_outside_placeholders(node.args[0]))
                if words:
                    found.append(f"{path.name}:{node.lineno}: {' '.join(words)}")
    assert found == []


def test_a_catalog_compiled_once_is_kept_beside_its_po_and_read_back_alike(tmp_path) -> None:
    """Catalogs are compiled from their .po file; the compiled bytes are kept in __pycache__ under the hash of
    the .po (an edited .po is compiled again), read back with the same translations, and a damaged copy is
    compiled again rather than trusted."""
    import shutil
    from pathlib import Path

    from generator.catalogs import po_translations

    po = tmp_path / "atlas.po"
    shutil.copy(Path(ROOT) / "generator" / "locale" / "fr" / "LC_MESSAGES" / "atlas.po", po)
    first = po_translations.__wrapped__(po, "fr", "atlas")
    kept = list((tmp_path / "__pycache__").glob("atlas.*.mo"))
    assert len(kept) == 1
    again = po_translations.__wrapped__(po, "fr", "atlas")
    with po.open("rb") as handle:
        catalog = read_po(handle, locale="fr", domain="atlas")
    messages = [m for m in catalog if m.id and m.string and not m.fuzzy and isinstance(m.id, str)][:50]
    assert messages
    for message in messages:
        assert first.gettext(message.id) == again.gettext(message.id) == message.string
    kept[0].write_bytes(b"damaged")
    assert po_translations.__wrapped__(po, "fr", "atlas").gettext(messages[0].id) == messages[0].string
    assert kept[0].read_bytes() != b"damaged"
    po.write_text(po.read_text(encoding="utf-8") + '\nmsgid "a new message"\nmsgstr "un nouveau message"\n',
                  encoding="utf-8")
    assert po_translations.__wrapped__(po, "fr", "atlas").gettext("a new message") == "un nouveau message"
    assert [p.name for p in (tmp_path / "__pycache__").glob("atlas.*.mo")] != [kept[0].name]
