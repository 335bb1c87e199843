"""Site search settings: Pagefind in place of the engine's index, chosen in mkdocs.yml (generator.search)."""

from __future__ import annotations

import pytest

from generator import i18n, search
from generator.errors import AtlasError

CONFIG = {"plugins": [{"search": {"lang": "fr"}}, "tags"], "extra_javascript": ["assets/atlas/sortable.js"],
          "extra": {"search": "pagefind"}}


def test_pagefind_mode_leaves_the_engine_search_out_and_adds_the_search_field(monkeypatch):
    monkeypatch.setattr(search, "pagefind_available", lambda: True)
    assert search.search_mode(CONFIG) == "pagefind"
    derived = search.engine_search_config(CONFIG, "pagefind")
    assert derived["plugins"] == ["tags"]
    assert derived["extra_javascript"] == ["assets/atlas/sortable.js", search.SEARCH_SCRIPT]
    assert CONFIG["plugins"][0] == {"search": {"lang": "fr"}}  # the configuration read is not changed


def test_engine_mode_keeps_the_engine_search(monkeypatch):
    config = {**CONFIG, "extra": {"search": "engine"}}
    assert search.search_mode(config) == "engine"
    assert search.engine_search_config(config, "engine")["plugins"] == CONFIG["plugins"]


def test_without_pagefind_the_build_falls_back_to_the_engine_search(monkeypatch, capsys):
    monkeypatch.setattr(search, "pagefind_available", lambda: False)
    assert search.search_mode(CONFIG) == "engine"
    assert "Pagefind n'est pas installé (pip install 'pagefind[extended]')" in capsys.readouterr().err


def test_an_unknown_search_setting_is_one_message():
    with pytest.raises(AtlasError, match="extra.search vaut 'lunr' ; utilisez pagefind, engine"):
        search.search_mode({"extra": {"search": "lunr"}})
    with i18n.using("en"), pytest.raises(AtlasError, match="extra.search is 'lunr'; use pagefind, engine"):
        search.search_mode({"extra": {"search": "lunr"}})


def test_zensical_is_told_not_to_search(monkeypatch):
    derived = search.engine_search_config(CONFIG, "pagefind", "zensical")
    assert derived["plugins"] == ["tags", {"search": {"enabled": False}}]
