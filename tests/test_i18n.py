"""The French catalog of the command line: in step with the code, every message translated, the same
placeholders on both sides (a missing `{id}` would drop the id from a message), French plurals."""

from __future__ import annotations

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
