"""What `atlas validate` says of a sheet that is not valid YAML: every problem libyaml or PyYAML can
report reaches the contributor in the language in use with a hint, at the line of the real mistake
(where the quote or the bracket was opened, the line that lost its ':'), tabs named as tabs and an
apostrophe inside single quotes explained."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

from generator import i18n
from generator.cli import main
from generator.errors import Report
from generator.sheet_parser import parse_sheet
from generator.yaml_problems import GENERIC_HINT, PROBLEMS, explain, libyaml_words

HUB = "territories/pays-horloger/hubs/h.yml"
TAIL = "status: active\nupdated: 2025-01-05\n"


def _validate(atlas_copy: Path, capsys, text: str, lang: str = "fr") -> list[str]:
    """The real command on one broken hub sheet: its lines (exit 1)."""
    (atlas_copy / "pays-horloger" / "hubs" / "h.yml").write_text(text, encoding="utf-8")
    assert main(["validate", "-q", "--lang", lang, HUB]) == 1
    return capsys.readouterr().out.splitlines()


# (sheet, French line, English line): the mistakes contributors make most, each where it really is
CASES = {
    "tab-indenting-a-list": (
        "name: Lab\ntypes:\n\t- fab-lab\n" + TAIL,
        f"{HUB}:3:1: YAML invalide : tabulation dans l'indentation de la ligne 3 (colonne 1) : YAML n'indente "
        "qu'avec des espaces (piste : remplacez la tabulation par des espaces (2 par niveau) et réglez l'éditeur "
        "pour qu'il insère des espaces)",
        f"{HUB}:3:1: not valid YAML: tab character in the indentation of line 3 (column 1): YAML indents with "
        "spaces only (hint: replace the tab with spaces (2 per level) and set the editor to insert spaces)"),
    # libyaml: "found a tab character that violates indentation"
    "tab-indenting-a-continued-value": (
        "name: Lab\ntypes: [fab-lab]\n" + TAIL + "description: Un atelier\n\tde fabrication\n",
        f"{HUB}:6:1: YAML invalide : tabulation dans l'indentation de la ligne 6 (colonne 1) : YAML n'indente "
        "qu'avec des espaces (piste : remplacez la tabulation par des espaces (2 par niveau) et réglez l'éditeur "
        "pour qu'il insère des espaces)",
        f"{HUB}:6:1: not valid YAML: tab character in the indentation of line 6 (column 1): YAML indents with "
        "spaces only (hint: replace the tab with spaces (2 per level) and set the editor to insert spaces)"),
    # libyaml: "found a tab character where an indentation space is expected"
    "tab-in-a-block-of-text": (
        "name: Lab\ntypes: [fab-lab]\n" + TAIL + "description: |\n  Un atelier\n\tde fabrication\n",
        f"{HUB}:7:1: YAML invalide : tabulation dans l'indentation de la ligne 7 (colonne 1) : YAML n'indente "
        "qu'avec des espaces (piste : remplacez la tabulation par des espaces (2 par niveau) et réglez l'éditeur "
        "pour qu'il insère des espaces)",
        f"{HUB}:7:1: not valid YAML: tab character in the indentation of line 7 (column 1): YAML indents with "
        "spaces only (hint: replace the tab with spaces (2 per level) and set the editor to insert spaces)"),
    # libyaml: "did not find expected hexdecimal number"
    "short-unicode-escape": (
        'name: "Caf\\u00e"\ntypes: [fab-lab]\n' + TAIL,
        f"{HUB}:1:11: YAML invalide : la séquence d'échappement '\\u' doit être suivie de 4 chiffres hexadécimaux "
        "(0-9, a-f) (piste : écrivez le caractère lui-même, ou \\\\ pour une barre oblique inverse ; ou mettez "
        "la valeur entre apostrophes, où '\\' est un caractère ordinaire)",
        f"{HUB}:1:11: not valid YAML: the escape '\\u' must be followed by 4 hexadecimal digits (0-9, a-f) "
        "(hint: write the character itself, or \\\\ for a backslash; or put the value in single quotes, where "
        "'\\' is an ordinary character)"),
    # libyaml: "found unknown escape character", a Windows path in double quotes
    "unknown-escape": (
        'name: Lab\ntypes: [fab-lab]\n' + TAIL + 'note: "C:\\dossier"\n',
        f"{HUB}:5:10: YAML invalide : séquence d'échappement '\\d' inconnue dans une valeur entre guillemets "
        "doubles (piste : écrivez le caractère lui-même, ou \\\\ pour une barre oblique inverse ; ou mettez la "
        "valeur entre apostrophes, où '\\' est un caractère ordinaire)",
        f"{HUB}:5:10: not valid YAML: unknown escape '\\d' in a value in double quotes (hint: write the "
        "character itself, or \\\\ for a backslash; or put the value in single quotes, where '\\' is an "
        "ordinary character)"),
    # libyaml says 5:1 (the end of the sheet): the quote was opened at 1:7
    "double-quote-never-closed": (
        'name: "Lab\ntypes: [fab-lab]\n' + TAIL,
        f"{HUB}:1:7: YAML invalide : le guillemet double ouvert ici n'est jamais fermé : YAML a lu toute la "
        "suite de la fiche comme faisant partie de la valeur (piste : terminez la valeur par le même guillemet, "
        'sur sa ligne : name: "Lab")',
        f"{HUB}:1:7: not valid YAML: the double quote opened here is never closed: YAML read the rest of the "
        'sheet as part of the value (hint: end the value with the same quote, on its line: name: "Lab")'),
    # libyaml says 3:10, after the quote that closed it by chance
    "double-quote-closed-by-a-later-one": (
        'name: "Lab\ntypes: [fab-lab]\nstatus: "active"\nupdated: 2025-01-05\n',
        f"{HUB}:1:7: YAML invalide : le guillemet double ouvert ici n'est pas fermé sur sa ligne : YAML a lu tout "
        "le texte jusqu'au guillemet de la ligne 3, colonne 9, comme une seule valeur (piste : terminez la "
        'valeur par le même guillemet, sur sa ligne : name: "Lab")',
        f"{HUB}:1:7: not valid YAML: the double quote opened here is not closed on its line: YAML read "
        "everything up to the quote of line 3, column 9 as one value (hint: end the value with the same quote, "
        'on its line: name: "Lab")'),
    # libyaml says 3:7 (the next field's ':'): the list was opened at 2:8
    "bracket-never-closed": (
        "name: Lab\ntypes: [fab-lab, coworking\n" + TAIL,
        f"{HUB}:2:8: YAML invalide : la liste ouverte ici par '[' n'est jamais fermée (piste : fermez-la par ']' "
        "sur la même ligne : types: [fab-lab, coworking])",
        f"{HUB}:2:8: not valid YAML: the list opened here with '[' is never closed (hint: end it with ']' on the "
        "same line: types: [fab-lab, coworking])"),
    "brace-never-closed": (
        "name: Lab\ntypes: [fab-lab]\nstatus: {value: active, year: 2024\nupdated: 2025-01-05\n",
        f"{HUB}:3:9: YAML invalide : la table ouverte ici par '{{' n'est jamais fermée (piste : fermez-la par '}}' "
        "sur la même ligne : status: {value: active, year: 2024})",
        f"{HUB}:3:9: not valid YAML: the map opened here with '{{' is never closed (hint: end it with '}}' on the "
        "same line: status: {value: active, year: 2024})"),
    # libyaml says 4:1 (the end of the sheet, « expected node content »): the list was opened at 3:8, on the
    # sheet's last field, so no next field shows where it should have ended
    "bracket-never-closed-at-the-end": (
        "name: Lab\nupdated: 2025-01-05\ntypes: [fab-lab, 'le [coin]',\n",
        f"{HUB}:3:8: YAML invalide : la liste ouverte ici par '[' n'est jamais fermée (piste : fermez-la par ']' "
        "sur la même ligne : types: [fab-lab, coworking])",
        f"{HUB}:3:8: not valid YAML: the list opened here with '[' is never closed (hint: end it with ']' on the "
        "same line: types: [fab-lab, coworking])"),
    # libyaml says 2:6 (the ':' of the next line): line 1 lost its ':'
    "missing-colon": (
        "name Lab\ntypes: [fab-lab]\n" + TAIL,
        f"{HUB}:1:1: YAML invalide : cette ligne n'a pas de ':' après le nom de son champ : YAML l'a lue avec la "
        "ligne 2 comme un seul texte (piste : écrivez le champ sous la forme 'nom: valeur', avec une espace "
        "après le ':')",
        f"{HUB}:1:1: not valid YAML: this line has no ':' after its field name, so YAML read it with line 2 as "
        "one text (hint: write the field as 'name: value', with a space after the ':')"),
    "no-space-after-colon": (
        "name:Lab\ntypes: [fab-lab]\n" + TAIL,
        f"{HUB}:1:1: YAML invalide : cette ligne n'a pas de ':' après le nom de son champ : YAML l'a lue avec la "
        "ligne 2 comme un seul texte (piste : mettez une espace après le ':' : name: Lab)",
        f"{HUB}:1:1: not valid YAML: this line has no ':' after its field name, so YAML read it with line 2 as "
        "one text (hint: put a space after the ':': name: Lab)"),
    # libyaml says 5:1 (the end of the sheet): line 4 has no ':'
    "missing-colon-on-the-last-field": (
        "name: Lab\ntypes: [fab-lab]\nstatus: active\nupdated 2025-01-05\n",
        f"{HUB}:4:1: YAML invalide : cette ligne n'est ni un champ ('nom: valeur') ni un élément de liste "
        "('- valeur') : il lui manque son ':' (piste : écrivez le champ sous la forme 'nom: valeur', avec une "
        "espace après le ':')",
        f"{HUB}:4:1: not valid YAML: this line is neither a field ('name: value') nor a list item ('- value'): "
        "its ':' is missing (hint: write the field as 'name: value', with a space after the ':')"),
    # libyaml says 2:8 (the ':'): line 2 starts 2 columns too far right
    "field-indented-too-far": (
        "name: Lab\n  types: [fab-lab]\n" + TAIL,
        f"{HUB}:2:3: YAML invalide : cette ligne est plus indentée que le champ 'name' de la ligne 1 : YAML la "
        "lit comme la suite de la valeur de ce champ (piste : si c'est un nouveau champ, commencez-le dans la "
        "colonne de 'name' ; si c'est la suite du texte, mettez toute la valeur entre guillemets ou après '|')",
        f"{HUB}:2:3: not valid YAML: this line is indented more than the field 'name' of line 1, so YAML reads "
        "it as the rest of that field's value (hint: if it is a new field, start it in the column of 'name'; "
        "if it continues the text, put the whole value in quotes or after '|')"),
    "apostrophe-in-single-quotes": (
        "name: 'L'atelier'\ntypes: [fab-lab]\n" + TAIL,
        f"{HUB}:1:9: YAML invalide : une apostrophe termine trop tôt la valeur entre apostrophes (YAML lit 'L', "
        "puis encore du texte) (piste : doublez l'apostrophe : 'L''atelier' ; ou mettez la valeur entre "
        "guillemets doubles : \"L'atelier\" ; ou sans guillemets : L'atelier)",
        f"{HUB}:1:9: not valid YAML: an apostrophe ends the value in single quotes too early (YAML reads 'L' "
        "and then more text) (hint: write the apostrophe twice: 'L''atelier'; or put the value in double "
        "quotes: \"L'atelier\"; or leave out the quotes: L'atelier)"),
    # a value that would not read back without quotes: no such advice
    "apostrophe-in-single-quotes-of-a-value-starting-with-a-sign": (
        "name: Lab\ntypes: [fab-lab]\n" + TAIL + "note: '@l'atelier'\n",
        f"{HUB}:5:10: YAML invalide : une apostrophe termine trop tôt la valeur entre apostrophes (YAML lit '@l', "
        "puis encore du texte) (piste : doublez l'apostrophe : '@l''atelier' ; ou mettez la valeur entre "
        "guillemets doubles : \"@l'atelier\")",
        f"{HUB}:5:10: not valid YAML: an apostrophe ends the value in single quotes too early (YAML reads '@l' "
        "and then more text) (hint: write the apostrophe twice: '@l''atelier'; or put the value in double "
        "quotes: \"@l'atelier\")"),
    "apostrophe-in-a-list-in-brackets": (
        "name: Lab\ntypes: ['fab-lab', 'l'atelier']\n" + TAIL,
        f"{HUB}:2:22: YAML invalide : une apostrophe termine trop tôt la valeur entre apostrophes (YAML lit 'l', "
        "puis encore du texte) (piste : doublez l'apostrophe : 'l''atelier' ; ou mettez la valeur entre "
        "guillemets doubles : \"l'atelier\" ; ou sans guillemets : l'atelier)",
        f"{HUB}:2:22: not valid YAML: an apostrophe ends the value in single quotes too early (YAML reads 'l' "
        "and then more text) (hint: write the apostrophe twice: 'l''atelier'; or put the value in double "
        "quotes: \"l'atelier\"; or leave out the quotes: l'atelier)"),
    "double-quote-inside-double-quotes": (
        'name: "Le "Lab" de Paris"\ntypes: [fab-lab]\n' + TAIL,
        f"{HUB}:1:11: YAML invalide : un guillemet double termine trop tôt la valeur entre guillemets doubles "
        '(YAML lit "Le ", puis encore du texte) (piste : écrivez \\" pour un guillemet double à l\'intérieur de '
        'guillemets doubles : "Le \\"Lab\\" de Paris" ; ou mettez la valeur entre apostrophes : '
        "'Le \"Lab\" de Paris')",
        f"{HUB}:1:11: not valid YAML: a double quote ends the value in double quotes too early (YAML reads \"Le \" "
        'and then more text) (hint: write \\" for a double quote inside double quotes: "Le \\"Lab\\" de Paris"; '
        "or put the value in single quotes: 'Le \"Lab\" de Paris')"),
    "second-colon-in-a-value": (
        "name: Lab: fabrique\ntypes: [fab-lab]\n" + TAIL,
        f"{HUB}:1:10: YAML invalide : un second ': ' sur cette ligne : une valeur qui contient ': ' doit être "
        'entre guillemets (piste : mettez la valeur entre guillemets : name: "Lab: fabrique")',
        f"{HUB}:1:10: not valid YAML: a second ': ' on this line: a value that contains ': ' must be in quotes "
        '(hint: put the value in quotes: name: "Lab: fabrique")'),
    "reserved-first-character": (
        "name: @lab\ntypes: [fab-lab]\n" + TAIL,
        f"{HUB}:1:7: YAML invalide : une valeur ne peut pas commencer par '@' (YAML le réserve) (piste : mettez "
        'la valeur entre guillemets : name: "@lab")',
        f"{HUB}:1:7: not valid YAML: a value cannot start with '@' (YAML reserves it) (hint: put the value in "
        'quotes: name: "@lab")'),
    # a Markdown link at the start of a text: read as a list, then more text (it said « this line does not fit
    # the block that starts at line 1 », and to check the indentation)
    "markdown-link-starting-a-value": (
        "name: Lab\ntypes: [fab-lab]\n" + TAIL + "description: [Le lab](https://example.org/) ouvre\n",
        f"{HUB}:5:22: YAML invalide : du texte suit la liste ouverte par '[' en colonne 14 : une valeur qui "
        "commence par '[' est lue comme une liste (piste : si c'est du texte, mettez toute la valeur entre "
        'guillemets : description: "[Le lab](https://example.org/) ouvre")',
        f"{HUB}:5:22: not valid YAML: text after the list that '[' opened at column 14: a value that starts with "
        "'[' is read as a list (hint: if it is text, put the whole value in quotes: "
        'description: "[Le lab](https://example.org/) ouvre")'),
    "braces-starting-a-value": (
        "name: {Lab} fabrique\ntypes: [fab-lab]\n" + TAIL,
        f"{HUB}:1:13: YAML invalide : du texte suit la table ouverte par '{{' en colonne 7 : une valeur qui "
        "commence par '{' est lue comme une table (piste : si c'est du texte, mettez toute la valeur entre "
        'guillemets : name: "{Lab} fabrique")',
        f"{HUB}:1:13: not valid YAML: text after the map that '{{' opened at column 7: a value that starts with "
        "'{' is read as a map (hint: if it is text, put the whole value in quotes: name: \"{Lab} fabrique\")"),
}


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_yaml_mistake_is_told_where_it_is(atlas_copy: Path, capsys, case: str, lang: str) -> None:
    text, fr, en = CASES[case]
    assert _validate(atlas_copy, capsys, text, lang) == [fr if lang == "fr" else en]


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_pure_python_parser_is_told_alike(monkeypatch, case: str) -> None:
    """Without libyaml, PyYAML's own scanner and parser word their problems otherwise: same lines."""
    import generator.sheet_parser as sheet_parser

    text, fr, _en = CASES[case]
    with i18n.using("fr"):
        report = Report()
        parse_sheet(text.encode(), HUB, report)
        with_libyaml = [p.text() for p in report.sorted()]
        monkeypatch.setattr(sheet_parser, "PARSER", yaml.BaseLoader)
        report = Report()
        parse_sheet(text.encode(), HUB, report)
        assert [p.text() for p in report.sorted()] == with_libyaml == [fr]


def test_a_noncharacter_is_refused_before_yaml_reads_the_sheet(atlas_copy: Path, capsys) -> None:
    """U+FFFF is refused by YAML's reader with an English message and no line: found first, like a control
    character."""
    assert _validate(atlas_copy, capsys, "name: Lab\uffff\ntypes: [fab-lab]\n" + TAIL) == [
        f"{HUB}:1:10: non-caractère U+FFFF dans la fiche (YAML ne l'accepte pas) "
        "(piste : supprimez-le (un éditeur de texte ou une conversion l'a laissé là))"]


# ---- every problem libyaml and PyYAML can report is in the table, and told in French with a hint ----

def _context_for(problem: str) -> str:
    kind = PROBLEMS[problem]
    return {"directive": "while scanning a directive", "tag": "while scanning a tag",
            "anchor": "while scanning an anchor", "block-header": "while scanning a block scalar",
            "unclosed-quote": "while scanning a quoted scalar", "escape": "while parsing a quoted scalar",
            "simple-key": "while scanning a simple key", "flow-sequence": "while parsing a flow sequence",
            "flow-mapping": "while parsing a flow mapping", "expected-key": "while parsing a block mapping",
            "expected-item": "while parsing a block collection", "node-content": "while parsing a block node",
            "flow-colon": "while scanning a plain scalar"}.get(kind, "")


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
def test_every_known_problem_is_told_in_french_with_a_hint(problem: str) -> None:
    text = 'name: "a\\qb" [x\n  - y\n'
    mark = yaml.Mark("h.yml", 0, 0, 6, None, None)
    context = _context_for(problem)
    error = yaml.MarkedYAMLError(context or None, mark if context else None, problem, mark)
    with i18n.using("fr"):
        _loc, message, hint = explain(error, text, "h.yml", yaml.BaseLoader)
        generic = i18n._(GENERIC_HINT)
    assert message.startswith("YAML invalide : "), message
    assert problem not in message and "YAML reader" not in message and "le lecteur YAML dit" not in message
    assert hint and hint != GENERIC_HINT
    with i18n.using("en"):
        assert explain(error, text, "h.yml", yaml.BaseLoader)[2] != generic


def test_an_unknown_problem_keeps_its_words_in_a_french_frame() -> None:
    mark = yaml.Mark("h.yml", 0, 1, 3, None, None)
    error = yaml.MarkedYAMLError(None, None, "found something new", mark)
    with i18n.using("fr"):
        loc, message, hint = explain(error, "a: b\nc: d\n", "h.yml", yaml.BaseLoader)
    assert (str(loc), message, hint) == (
        "h.yml:2:4", "YAML invalide (le lecteur YAML dit, en anglais : « found something new »)",
        "vérifiez l'indentation et mettez entre guillemets les valeurs qui contiennent ': ' ou commencent par "
        "un caractère spécial")


def test_the_table_holds_every_problem_of_the_installed_libyaml() -> None:
    """The problems compiled into PyYAML's libyaml (the strings of its extension) are all in PROBLEMS, but
    the composer's, which never run on a sheet read as events, and the stream start libyaml makes itself."""
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML without libyaml")
    import yaml._yaml as extension

    data = Path(extension.__file__).read_bytes()
    words = {m.decode() for m in re.findall(
        rb"\x00((?:found|did not find|could not find) [ -~]+?|[a-z ]+ are not allowed in this context)\x00", data)}
    never = {"found another document", "found duplicate anchor; first occurrence", "found undefined alias",
             "did not find expected <stream-start>"}
    assert words and words - never <= set(PROBLEMS), sorted(words - never - set(PROBLEMS))


def _python_problems() -> list[tuple[str, str]]:
    """(context, problem) of every ScannerError and ParserError that yaml/scanner.py and yaml/parser.py raise,
    with a sample in place of their %r and %d."""
    found = []
    for module in ("scanner", "parser"):
        source = (Path(yaml.__file__).parent / f"{module}.py").read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                    node.func.id in ("ScannerError", "ParserError") and len(node.args) >= 3:
                words = []
                for arg, sample in ((node.args[0], "tag"), (node.args[2], "'x'")):
                    while isinstance(arg, ast.BinOp):  # "... %r" % ch
                        arg = arg.left
                    if isinstance(arg, ast.Constant):
                        words.append(re.sub(r"%[rs]", sample, (arg.value or "").replace("%d", "4")))
                    else:  # str(exc): a URI that is not UTF-8
                        words.append("'utf-8' codec can't decode byte 0xff in position 0: invalid start byte")
                found.append((words[0], words[1]))
    return found


def test_every_problem_of_the_pure_python_parser_has_libyaml_words() -> None:
    problems = _python_problems()
    assert len(problems) > 40
    unknown = [(c, p) for c, p in problems if libyaml_words(c, p) not in PROBLEMS]
    assert unknown == []


def test_a_comment_that_cuts_a_plain_text_is_a_warning_where_the_comment_starts(atlas_copy: Path, capsys) -> None:
    """` #` after an unquoted value starts a YAML comment: `description: Atelier #1 du quartier` was read
    « Atelier » without a word. A text field followed by a comment on its line is now a warning at the `#`,
    with the value read and the value quoted to write instead (a text over two lines too, after accented
    letters: columns count characters). A quoted text, a `#` without a space before it and a comment after a
    value that is not text (a list of types, a year) say nothing."""
    hub = atlas_copy / "pays-horloger" / "hubs" / "h.yml"
    hub.write_text("name: Atelier #1 du quartier\ntypes: [fab-lab]  # le type\nstatus: active\n"
                   "founded: 2019  # d'après le site\ndescription: Un café\n  très éclairé #2 et plus   \n"
                   "address: Salle#4, 1 rue Haute\nen:\n  description: \"A café #3\"  # quoted\n"
                   "updated: 2025-01-05\n", encoding="utf-8")
    assert main(["validate", "-q", HUB]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{HUB}:1:15: avertissement : name: le texte qui suit « # » a été lu comme un commentaire : la valeur est "
        '"Atelier" (piste : mettez la valeur entre guillemets si le texte continue : "Atelier #1 du quartier" ; ou '
        "écrivez le commentaire sur une ligne à part)",
        f"{HUB}:3:9: avertissement : status: statut sans source (piste : écrivez status: {{value: active, year: "
        "<année où une source l'a constaté>, source: <identifiant>})",
        f"{HUB}:6:16: avertissement : description: le texte qui suit « # » a été lu comme un commentaire : la valeur "
        'est "Un café très éclairé" (piste : mettez la valeur entre guillemets si le texte continue : "Un café très '
        'éclairé #2 et plus" ; ou écrivez le commentaire sur une ligne à part)']
    assert main(["validate", "-q", "--lang", "en", HUB]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        f"{HUB}:1:15: warning: name: the text after ' #' was read as a comment: the value is \"Atelier\" (hint: quote "
        "the value if the text goes on: \"Atelier #1 du quartier\"; or put the comment on a line of its own)")
