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


# ---- 1. a parent must be of a level above its child's -----------------------------------------------------

def test_an_epci_inside_an_epci_is_an_error_on_its_parent_line(atlas_copy: Path, capsys) -> None:
    _write(atlas_copy, "pontarlier/territory.yml", _territory("epci", "grand-besancon-metropole"))
    f = "territories/pontarlier/territory.yml"
    assert _validate(capsys) == [
        f"{f}:3:9: parent: un territoire de niveau epci ne peut pas être inclus dans 'grand-besancon-metropole', "
        "de niveau epci (piste : son parent est de niveau region, departement ou pays : écrivez l'identifiant du "
        "territoire qui le contient)"]
    assert _validate(capsys, "en") == [
        f"{f}:3:9: parent: a territory of level epci cannot be inside 'grand-besancon-metropole', of level epci "
        "(hint: its parent is of level region, departement or pays: write the id of the territory that holds it)"]


def test_a_parent_of_a_lower_level_and_a_region_with_a_parent(atlas_copy: Path, capsys) -> None:
    _write(atlas_copy, "jura/territory.yml", _territory("departement", "ornans"))
    _write(atlas_copy, "autre-region/territory.yml", _territory("region", "pays-horloger"))
    assert _validate(capsys) == [
        "territories/autre-region/territory.yml:3:9: parent: un territoire de niveau region n'a pas de "
        "parent : 'pays-horloger' est de niveau pays "
        "(piste : supprimez parent : aucun niveau n'est au-dessus de region)",
        "territories/jura/territory.yml:3:9: parent: un territoire de niveau departement ne peut pas être inclus "
        "dans 'ornans', de niveau commune "
        "(piste : son parent est de niveau region : écrivez l'identifiant du territoire qui le contient)"]


def test_parents_of_levels_above_pass_pays_and_epci_hold_each_other(atlas_copy: Path, capsys) -> None:
    """A PETR (pays) groups EPCI; an établissement public territorial (pays) lies inside the Métropole du Grand
    Paris (an EPCI); an EPCI's parent may be its région; a commune may be in a pays."""
    _write(atlas_copy, "petr/territory.yml", _territory("pays", "bourgogne-franche-comte"))
    _write(atlas_copy, "cc-dans-petr/territory.yml", _territory("epci", "petr"))
    _write(atlas_copy, "ept/territory.yml", _territory("pays", "grand-besancon-metropole"))
    _write(atlas_copy, "commune-du-pays/territory.yml", _territory("commune", "pays-horloger"))
    _write(atlas_copy, "epci-de-region/territory.yml", _territory("epci", "bourgogne-franche-comte"))
    assert _validate(capsys, exit_code=0) == []


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


def test_a_parent_loop_is_reported_once_on_its_first_sheet_naming_the_chain(atlas_copy: Path, capsys) -> None:
    """Before: one message in each sheet of the loop. The levels of a pays and an EPCI do not tell which parent
    is wrong: the hint stays general."""
    _write(atlas_copy, "petr/territory.yml", _territory("pays", "zz-cc"))
    _write(atlas_copy, "zz-cc/territory.yml", _territory("epci", "petr"))
    assert _validate(capsys) == [
        "territories/petr/territory.yml:3:9: parent: boucle de parents : petr -> zz-cc -> petr "
        "(piste : un territoire ne peut pas être inclus dans lui-même : corrigez l'un de ces parents)"]


def test_a_parent_loop_with_a_wrong_level_names_that_parent_once(atlas_copy: Path, capsys) -> None:
    """The loop's one message names the parent whose level cannot hold its child; no second message about that
    level (the loop says it)."""
    _edit(atlas_copy, "doubs/territory.yml", "parent: bourgogne-franche-comte", "parent: grand-besancon-metropole")
    assert _validate(capsys, "en") == [
        "territories/doubs/territory.yml:6:9: parent: parent loop: doubs -> grand-besancon-metropole -> doubs "
        "(hint: a territory cannot be inside itself: fix the parent of 'doubs' (departement), which cannot be "
        "inside 'grand-besancon-metropole' (epci))"]


# ---- 2. the official code: its format per level, a SIREN's check digit, a code shared ---------------------

HUB_AT_PONTARLIER = ("name: Tiers-lieu de Pontarlier\ntypes: [tiers-lieu]\n"
                     "status: {value: active, year: 2025, source: insee-rp-2021}\ncommune: \"25462\"\n"
                     "coordinates: [46.9046, 6.3547]\nupdated: 2025-01-05\n")


def test_a_code_of_the_wrong_format_for_its_level_is_one_error_with_a_hint(atlas_copy: Path, capsys) -> None:
    _write(atlas_copy, "region-a/territory.yml", _territory("region", code="5"))
    _write(atlas_copy, "departement-a/territory.yml", _territory("departement", "bourgogne-franche-comte", "20"))
    _write(atlas_copy, "epci-a/territory.yml", _territory("epci", "doubs", "25"))
    _write(atlas_copy, "commune-a/territory.yml", _territory("commune", "doubs", "2500"))
    _write(atlas_copy, "pays-a/territory.yml", _territory("pays", "doubs", "T8"))  # a pays' code: any
    assert _validate(capsys) == [
        'territories/commune-a/territory.yml:3:7: code: attendu : un code commune INSEE entre guillemets, par '
        'exemple "44109" ou "2A004", trouvé : "2500" (piste : vérifiez le code dans le référentiel officiel '
        "(INSEE, ou le SIREN pour un EPCI))",
        'territories/departement-a/territory.yml:3:7: code: attendu : un code INSEE de département, par exemple '
        '"01", "2A" ou "971", trouvé : "20" (piste : "20" s\'écrit comme le code d\'un territoire de niveau region :'
        " vérifiez le niveau, ou écrivez le code de ce territoire)",
        'territories/epci-a/territory.yml:3:7: code: attendu : un SIREN à neuf chiffres, par exemple "243500139", '
        'trouvé : "25" (piste : "25" s\'écrit comme le code d\'un territoire de niveau region ou departement : '
        "vérifiez le niveau, ou écrivez le code de ce territoire)",
        'territories/region-a/territory.yml:3:7: code: attendu : un code INSEE de région à deux chiffres, par '
        'exemple "53", trouvé : "5" (piste : vérifiez le code dans le référentiel officiel (INSEE, ou le SIREN '
        "pour un EPCI))"]


def test_a_siren_with_a_wrong_check_digit_turns_off_no_check_silently(atlas_copy: Path, capsys) -> None:
    """Before: a code of no EPCI found no outline, and the hub far outside the EPCI passed unseen."""
    _write(atlas_copy, "cc-pontarlier/territory.yml", _territory("epci", "doubs", "242500362"))
    _write(atlas_copy, "cc-pontarlier/hubs/tiers-lieu-pontarlier.yml", HUB_AT_PONTARLIER)
    assert _validate(capsys, "en") == [
        'territories/cc-pontarlier/territory.yml:3:7: code: the SIREN "242500362" has a wrong check digit '
        "(hint: check its nine digits: one may be mistyped, or two swapped)"]


def test_a_code_copied_from_another_epci_is_one_error_and_no_hub_is_blamed(atlas_copy: Path, capsys) -> None:
    """Before: the duplicate's error, and one error per hub of the sheet with the copied code, « outside » the
    outline of the EPCI whose code it copied. The error is on the later sheet in path order, naming the other;
    either may hold the wrong code, so neither's hubs are checked until it is fixed."""
    _write(atlas_copy, "cc-pontarlier/territory.yml", _territory("epci", "doubs", "242500361"))
    _write(atlas_copy, "cc-pontarlier/hubs/tiers-lieu-pontarlier.yml", HUB_AT_PONTARLIER)
    _write(atlas_copy, "cc-pontarlier/hubs/fablab-pontarlier.yml", HUB_AT_PONTARLIER.replace("Tiers-lieu", "Fablab"))
    assert _validate(capsys) == [
        'territories/grand-besancon-metropole/territory.yml:4:7: code: le code "242500361" est déjà celui de '
        "territories/cc-pontarlier/territory.yml (niveau epci) (piste : deux territoires d'un même niveau ne "
        "peuvent pas avoir le même code officiel : vérifiez le code, ou gardez l'une des deux fiches)"]


def test_with_its_own_code_a_hub_outside_its_epci_is_still_an_error(atlas_copy: Path, capsys) -> None:
    _write(atlas_copy, "grand-besancon-metropole/hubs/tiers-lieu-pontarlier.yml", HUB_AT_PONTARLIER)
    # and its commune, Pontarlier, is not a member of Grand Besançon Métropole either (generator/geodata/
    # communes-epci.csv): a warning at `commune`, before the error at `coordinates`
    assert _validate(capsys) == [
        'territories/grand-besancon-metropole/hubs/tiers-lieu-pontarlier.yml:4:10: avertissement : commune: la '
        'commune "25462" ne fait pas partie de Grand Besançon Métropole (piste : vérifiez le code INSEE de la '
        "commune, ou déplacez la fiche dans le territoire où se trouve le lieu)",
        "territories/grand-besancon-metropole/hubs/tiers-lieu-pontarlier.yml:5:14: coordinates: [46.9046, 6.3547] "
        "est à 34,3 km hors du contour de son territoire Grand Besançon Métropole (piste : vérifiez le point "
        "(latitude d'abord, puis longitude), ou déplacez la fiche dans le territoire où il se trouve)"]


# ---- 5. a decimal comma in a figure with a unit ----------------------------------------------------------

@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_decimal_comma_in_a_hub_figure_with_a_unit_is_refused_like_a_measure(atlas_copy: Path, capsys,
                                                                                 lang: str) -> None:
    """Before: `1,5` with `unit: m²` passed as the text « 1,5 », while a measure or an area was refused."""
    _edit(atlas_copy, "grand-besancon-metropole/hubs/fablab-besancon.yml", "    value: 250\n", "    value: 250,5\n")
    f = "territories/grand-besancon-metropole/hubs/fablab-besancon.yml"
    assert _validate(capsys, lang) == {
        "fr": [f'{f}:36:12: figures[1].value: attendu : un nombre, trouvé : "250,5" '
               "(piste : utilisez un point décimal : 250.5)"],
        "en": [f'{f}:36:12: figures[1].value: expected a number, found "250,5" (hint: use a decimal point: 250.5)'],
    }[lang]


def test_a_decimal_comma_in_a_pillar_indicator_with_a_unit_too(atlas_copy: Path, capsys) -> None:
    _edit(atlas_copy, "doubs/territory.yml", "  health:\n", "  health:\n    indicators:\n      - label: Distance\n"
          "        value: 12,5\n        unit: km\n        source: insee-rp-2021\n")
    assert _validate(capsys) == [
        'territories/doubs/territory.yml:27:16: pillars.health.indicators[0].value: attendu : un nombre, trouvé : '
        '"12,5" (piste : utilisez un point décimal : 12.5)']


def test_a_quoted_text_with_a_unit_and_a_comma_without_a_unit_stay_texts(atlas_copy: Path, capsys) -> None:
    """Written in quotes, the value is a text by choice; without a unit, `1,5` may be a text (a ratio, a
    version) and is left as one."""
    _edit(atlas_copy, "grand-besancon-metropole/hubs/fablab-besancon.yml", "    value: 250\n", '    value: "250,5"\n')
    _edit(atlas_copy, "grand-besancon-metropole/hubs/fablab-besancon.yml", "    value: 120\n", "    value: 1,5\n")
    assert _validate(capsys, exit_code=0) == []


# ---- 1 (continued). a parent the codes say does not hold its child: a warning -----------------------------

def test_a_parent_that_the_codes_say_does_not_hold_its_child_is_a_warning(atlas_copy: Path, capsys) -> None:
    """A commune's INSEE code names its département; the committed boundaries name each département's région.
    (An EPCI's départements are not in the package: not checked.)"""
    _write(atlas_copy, "gironde/territory.yml", _territory("departement", "bourgogne-franche-comte", "33"))
    _write(atlas_copy, "jura/territory.yml", _territory("departement", "bourgogne-franche-comte", "39"))
    _write(atlas_copy, "arbois/territory.yml", _territory("commune", "doubs", "39013"))
    _write(atlas_copy, "besancon/territory.yml", _territory("commune", "bourgogne-franche-comte", "25056"))
    _write(atlas_copy, "bordeaux/territory.yml", _territory("commune", "bourgogne-franche-comte", "33063"))
    assert _validate(capsys, exit_code=0) == [
        "territories/arbois/territory.yml:4:9: avertissement : parent: son parent 'doubs' (code \"25\") ne contient "
        "pas le code \"39013\", qui est dans \"39\" (piste : écrivez parent: jura, ou vérifiez les deux codes)",
        "territories/bordeaux/territory.yml:4:9: avertissement : parent: son parent 'bourgogne-franche-comte' (code "
        "\"27\") ne contient pas le code \"33063\", qui est dans \"75\" (piste : écrivez l'identifiant du territoire "
        "de code \"75\", ou vérifiez les deux codes)",
        "territories/gironde/territory.yml:4:9: avertissement : parent: son parent 'bourgogne-franche-comte' (code "
        "\"27\") ne contient pas le code \"33\", qui est dans \"75\" (piste : écrivez l'identifiant du territoire de "
        "code \"75\", ou vérifiez les deux codes)"]
    assert main(["validate", "-q", "--strict"]) == 1


# ---- 2. a date or a year still to come: a warning -----------------------------------------------------------

def _dates_to_come(atlas_copy: Path) -> None:
    """The fixture atlas with an `updated`, a source's `accessed`, a figure's `year` and a catalogue's default
    `year` after its build date (SOURCE_DATE_EPOCH: 2025-11-26, as the atlas_copy fixture sets it)."""
    rel = "grand-besancon-metropole/territory.yml"
    _edit(atlas_copy, rel, "updated: 2025-03-01\n", "updated: 2025-12-10\n")
    _edit(atlas_copy, rel, "    accessed: 2025-02-01\n", "    accessed: 2026-02-01\n")
    _edit(atlas_copy, rel, "  value: 528.6\n  year: 2021\n", "  value: 528.6\n  year: 2026\n")
    _edit(atlas_copy, "indicators.yml", "  source: drees-apl-2023\n  year: 2023\n", "  source: drees-apl-2023\n"
                                                                              "  year: 2027\n")


def test_a_date_or_a_year_to_come_is_a_warning_at_its_line(atlas_copy: Path, capsys) -> None:
    """`updated` says when the sheet was last checked, `accessed` when a source was read, a fact's `year` what
    year the figure describes: none can be after the day of the build. They were accepted without a word; now
    one warning each, at the value, with the day (or year) it is judged against and what to write; a month and a
    day swapped is suggested where swapping them gives a past date (2025-12-10 for 2025-10-12). A bare measure's
    year is the catalogue's: said once, at the catalogue's entry, not at every measure."""
    _dates_to_come(atlas_copy)
    f = "territories/grand-besancon-metropole/territory.yml"
    assert _validate(capsys, exit_code=0) == [
        f"{f}:13:9: avertissement : area_km2.year: l'année 2026 est postérieure à l'année en cours (2025) (piste : "
        "écrivez l'année que décrit le chiffre ou où une source l'a constaté ; un objectif pour une année à venir "
        "n'est pas un fait : dites-le dans la note)",
        f"{f}:80:15: avertissement : sources.local-study.accessed: la date 2026-02-01 est postérieure à aujourd'hui "
        "(2025-11-26) (piste : écrivez le jour où la source a été consultée (AAAA-MM-JJ), au plus tard aujourd'hui)",
        f"{f}:81:10: avertissement : updated: la date 2025-12-10 est postérieure à aujourd'hui (2025-11-26) (piste : "
        "écrivez le jour où la fiche a été vérifiée pour la dernière fois (AAAA-MM-JJ), au plus tard aujourd'hui ; "
        "mois et jour inversés ? 2025-10-12)",
        "territories/indicators.yml:10:9: avertissement : apl-medecins-generalistes.year: l'année 2027 est "
        "postérieure à l'année en cours (2025) (piste : écrivez l'année que décrit le chiffre ou où une source l'a "
        "constaté ; un objectif pour une année à venir n'est pas un fait : dites-le dans la note)"]
    assert _validate(capsys, "en", exit_code=0)[2] == (
        f"{f}:81:10: warning: updated: the date 2025-12-10 is after today (2025-11-26) (hint: write the day the "
        "sheet was last checked (YYYY-MM-DD), at the latest today; month and day swapped? 2025-10-12)")
    assert main(["validate", "-q", "--strict"]) == 1  # CI (--strict) stops a date to come


def test_a_shared_source_read_on_a_day_to_come_is_a_warning_at_its_line_in_sources_yml(atlas_copy: Path,
                                                                                         capsys) -> None:
    """A source of territories/sources.yml read « after today » was accepted without a word, while the same
    source written in a sheet was warned about: the same warning now, at the line of sources.yml, with the
    same hint (the month and day swapped where that gives a past day), and --strict stops it."""
    _edit(atlas_copy, "sources.yml", "  accessed: 2025-01-10\n", "  accessed: 2025-12-03\n")
    assert _validate(capsys, exit_code=0) == [
        "territories/sources.yml:6:13: avertissement : insee-rp-2021.accessed: la date 2025-12-03 est postérieure à "
        "aujourd'hui (2025-11-26) (piste : écrivez le jour où la source a été consultée (AAAA-MM-JJ), au plus tard "
        "aujourd'hui ; mois et jour inversés ? 2025-03-12)"]
    assert _validate(capsys, "en", exit_code=0) == [
        "territories/sources.yml:6:13: warning: insee-rp-2021.accessed: the date 2025-12-03 is after today "
        "(2025-11-26) (hint: write the day the source was read (YYYY-MM-DD), at the latest today; month and day "
        "swapped? 2025-03-12)"]
    assert main(["validate", "-q", "--strict"]) == 1
    capsys.readouterr()
    _edit(atlas_copy, "sources.yml", "  accessed: 2025-12-03\n", "  accessed: 2025-11-26\n")  # today: no warning
    assert _validate(capsys, exit_code=0) == []


def test_the_day_dates_are_judged_against_is_the_build_date_given(atlas_copy: Path) -> None:
    """« Today » is the build date (load_atlas's `as_of`, SOURCE_DATE_EPOCH's day for the command line), never
    the clock read in the checks: the same sheets judged at a later day have no date to come, and the atlas
    built from them is the same whatever day the checks ran (the warnings are messages, not outputs)."""
    from datetime import date

    from generator.load import load_atlas

    _dates_to_come(atlas_copy)
    atlas, report = load_atlas(atlas_copy, as_of=date(2025, 11, 26))
    assert [p.field for p in report.warnings if "2025-11-26" in p.message or "(2025)" in p.message] == [
        "area_km2.year", "sources.local-study.accessed", "updated", "apl-medecins-generalistes.year"]
    later, later_report = load_atlas(atlas_copy, as_of=date(2027, 1, 1))
    to_come = {"area_km2.year", "sources.local-study.accessed", "updated", "apl-medecins-generalistes.year"}
    assert not [p for p in later_report.warnings if p.field in to_come]
    assert atlas is not None and later is not None
    assert atlas.territories == later.territories and atlas.hubs == later.hubs
