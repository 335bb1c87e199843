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
    """Messages of generator/imports/ and generator/validate/ are extracted; the PDF's `_()` are French ids of
    its own catalog (generator/pdf/words.py) and stay out."""
    sources = {path.relative_to(ROOT).as_posix() for path in _script().sources()}
    assert {"generator/cli.py", "generator/imports/territories.py", "generator/imports/census.py",
            "generator/imports/indicators.py"} <= sources
    assert any(path.startswith("generator/validate/") for path in sources)
    assert not [path for path in sources if path.startswith("generator/pdf/")]
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    located = {file for message in catalog for file, _line in message.locations}
    assert "generator/imports/messages.py" in located and not [f for f in located if f.startswith("generator/pdf/")]


def _words_outside_placeholders(node: ast.expr) -> str:
    """The literal text of a message argument (an f-string's fixed parts); "" for anything computed."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value for part in node.values if isinstance(part, ast.Constant))
    if isinstance(node, ast.BinOp):
        return _words_outside_placeholders(node.left) + _words_outside_placeholders(node.right)
    return ""


def test_import_prints_and_raises_only_catalog_messages() -> None:
    """What `atlas import` prints or raises goes through `_()`/`ngettext()`: a literal with words in a
    print() or an AtlasError() would stay English in the French import."""
    found = []
    for path in sorted((ROOT / "generator" / "imports").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                    node.func.id in ("print", "AtlasError") and node.args:
                words = re.findall(r"[A-Za-zÀ-ÿ]{2,}", _words_outside_placeholders(node.args[0]))
                if words:
                    found.append(f"{path.name}:{node.lineno}: {' '.join(words)}")
    assert found == []
