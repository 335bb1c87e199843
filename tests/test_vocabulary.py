"""The one vocabulary: plurals by Babel's rules, one rating wording, French alphabetical order."""

from __future__ import annotations

import pytest

from generator import model, vocabulary


def test_plurals_follow_babel_rules() -> None:
    assert vocabulary.count(1, "partnership") == "1 partenariat"
    assert vocabulary.count(0, "hub") == "0 lieu d'innovation"  # French: 0 takes the singular
    assert vocabulary.count(2, "partnership") == "2 partenariats"
    assert vocabulary.count(1250, "hub") == "1\u202f250 lieux d'innovation"
    assert vocabulary.count(1, "hub", "en") == "1 innovation hub"
    assert vocabulary.count(0, "hub", "en") == "0 innovation hubs"
    assert vocabulary.count(1250, "territory", "en") == "1,250 territories"
    assert vocabulary.counted(2, "donnée ancienne", "données anciennes") == "2 données anciennes"


def test_no_parenthesised_plurals() -> None:
    for forms in vocabulary.TERMS.values():
        for one, many in forms.values():
            assert "(s)" not in one + many


def test_rating_is_one_wording() -> None:
    assert vocabulary.rating(3) == "3 sur 5"
    assert vocabulary.rating(3, "en") == "3 out of 5"
    assert vocabulary.rating(None) == "non évalué"
    assert vocabulary.rating(None, "en") == "not rated"
    assert vocabulary.score(3.44) == "3,4 sur 5"
    assert vocabulary.score(None, "en") == "not measured"


def test_french_labels_match_the_model() -> None:
    for level in model.LEVELS:
        assert vocabulary.level_label(level) == model.LEVEL_LABELS[level]
        assert vocabulary.level_label(level, n=2) == model.LEVEL_PLURALS[level]
    for key in model.PILLARS:
        assert vocabulary.pillar_label(key) == model.PILLAR_LABELS[key]
    for status in model.STATUSES:
        assert vocabulary.status_label(status) == model.STATUS_LABELS[status]


def test_french_sort_order() -> None:
    names = ["Provence-Alpes-Côte d'Azur", "Île-de-France", "Hauts-de-France", "Occitanie", "Alpes-Maritimes",
             "Alpes-de-Haute-Provence", "ardennes"]
    assert sorted(names, key=vocabulary.sort_key) == [
        "Alpes-de-Haute-Provence", "Alpes-Maritimes", "ardennes", "Hauts-de-France", "Île-de-France",
        "Occitanie", "Provence-Alpes-Côte d'Azur"]


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError):
        vocabulary.term("hub", "de")


@pytest.mark.parametrize(("level", "one", "many"), [
    ("epci", "intercommunalité (EPCI)", "intercommunalités (EPCI)"),
    ("pays", "pays, PETR ou bassin de vie", "pays, PETR et bassins de vie"),  # the acronym stays (« petr » was shown)
    ("departement", "département", "départements"),
])
def test_a_level_in_running_text_keeps_its_acronyms(level: str, one: str, many: str) -> None:
    from generator import measured

    assert (measured.level_word(level), measured.levels_word(level)) == (one, many)
