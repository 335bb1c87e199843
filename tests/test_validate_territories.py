"""What a contributor review found: a wrong parent, a wrong official code, a misspelt level, one problem
reported twice, a decimal comma in a hub's figures. Each case runs the real `atlas validate` on sheets
written in a copy of the fixture atlas (tmp_path) and compares every line it prints, so that a message
too many is a failure as much as a message missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cli import main

# the two warnings the fixture atlas has on its own (tests/test_cli_core.py)
FIXTURE_WARNINGS = {
    "fr": ["territories/doubs/territory.yml:7:13: avertissement : population: fait sans source "
           "(piste : ajoutez source: <identifiant> (une source de cette fiche ou de territories/sources.yml))",
           "territories/grand-besancon-metropole/territory.yml:56:9: avertissement : "
           "pillars.knowledge.indicators[0]: fait sans source "
           "(piste : ajoutez source: <identifiant> (une source de cette fiche ou de territories/sources.yml))"],
    "en": ["territories/doubs/territory.yml:7:13: warning: population: fact without a source "
           "(hint: add source: <id> (a source of this sheet or of territories/sources.yml))",
           "territories/grand-besancon-metropole/territory.yml:56:9: warning: pillars.knowledge.indicators[0]: "
           "fact without a source (hint: add source: <id> (a source of this sheet or of territories/sources.yml))"],
}


def _write(atlas_copy: Path, rel: str, text: str) -> None:
    dest = atlas_copy / rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(text, encoding="utf-8")


def _edit(atlas_copy: Path, rel: str, old: str, new: str) -> None:
    path = atlas_copy / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _territory(level: str, parent: str | None = None, code: str | None = None, extra: str = "") -> str:
    return (f"name: Territoire\nlevel: {level}\n" + (f'code: "{code}"\n' if code else "")
            + (f"parent: {parent}\n" if parent else "") + "updated: 2025-01-05\n" + extra)


def _validate(capsys: pytest.CaptureFixture[str], lang: str = "fr", exit_code: int = 1) -> list[str]:
    """The lines `atlas validate -q` prints (errors and warnings), the fixture atlas's own two warnings
    checked and left out; and its exit code checked."""
    assert main(["validate", "-q", "--lang", lang]) == exit_code
    lines = [line for line in capsys.readouterr().out.splitlines() if line]
    for known in FIXTURE_WARNINGS[lang]:
        assert known in lines
    return [line for line in lines if line not in FIXTURE_WARNINGS[lang]]


# ---- 3. a misspelt level: one message, on its line -------------------------------------------------------

@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_misspelt_level_is_one_message_and_its_measures_are_not_blamed(atlas_copy: Path, capsys,
                                                                         lang: str) -> None:
    """Before: the level's message, then one per measure, « not measured for the level None »."""
    _edit(atlas_copy, "doubs/territory.yml", "level: departement", "level: département")
    lines = _validate(capsys, lang)
    assert lines == {
        "fr": ["territories/doubs/territory.yml:4:8: level: attendu : une valeur parmi region, departement, epci, "
               "commune, pays, trouvé : \"département\" (piste : vouliez-vous dire 'departement' ?)"],
        "en": ["territories/doubs/territory.yml:4:8: level: expected one of region, departement, epci, commune, "
               "pays, found \"département\" (hint: did you mean 'departement'?)"],
    }[lang]
    assert not any("None" in line for line in lines)


def test_an_unknown_level_still_reports_an_unknown_indicator(atlas_copy: Path, capsys) -> None:
    _edit(atlas_copy, "doubs/territory.yml", "level: departement", "level: département")
    _edit(atlas_copy, "doubs/territory.yml", "  medecins-generalistes: 8.2", "  medecins-generaliste: 8.2")
    assert _validate(capsys)[1:] == [
        "territories/doubs/territory.yml:14:3: measures.medecins-generaliste: indicateur inconnu "
        "'medecins-generaliste' (piste : vouliez-vous dire 'medecins-generalistes' ou "
        "'apl-medecins-generalistes' ?)"]


# ---- 4. one message for one problem ----------------------------------------------------------------------

def test_a_misspelt_measure_id_is_not_also_a_fact_without_a_source(atlas_copy: Path, capsys) -> None:
    """Before: the error, and « avertissement : fait sans source » on the same measure (the catalogue's source
    of an id it does not hold could not be found)."""
    _edit(atlas_copy, "doubs/territory.yml", "  medecins-generalistes: 8.2", "  medecins-generaliste: 8.2")
    assert _validate(capsys) == [
        "territories/doubs/territory.yml:14:3: measures.medecins-generaliste: indicateur inconnu "
        "'medecins-generaliste' (piste : vouliez-vous dire 'medecins-generalistes' ou "
        "'apl-medecins-generalistes' ?)"]


def test_a_measure_for_a_level_not_listed_is_one_message(atlas_copy: Path, capsys) -> None:
    _write(atlas_copy, "ornans/territory.yml", _territory("commune", "grand-besancon-metropole", "25434",
                                                          "measures:\n  apl-medecins-generalistes: 3.2\n"))
    assert _validate(capsys) == [
        "territories/ornans/territory.yml:7:3: measures.apl-medecins-generalistes: l'indicateur "
        "'apl-medecins-generalistes' n'est pas mesuré pour le niveau commune (niveaux : departement, epci) "
        "(piste : supprimez la mesure, ou ajoutez commune à ses niveaux (levels) dans territories/indicators.yml)"]
