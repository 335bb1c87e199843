"""One invalid sheet per rule of the format, each with the exact message and location expected.

Each file in tests/fixtures/invalid/ says where it goes in a copy of the fixture atlas (`# target:`)
and the exact error lines it must produce, in French (`# expect:`, the default language) and in
English (`# expect-en:`, `--lang en`; at the end of the file, so that the line numbers stay);
`{file}` is that target, `{root}` the territories folder. Only errors are compared; the list must
match exactly, nothing more. Each case runs once per language.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import AS_OF, FIXTURES
from generator import i18n
from generator.load import load_atlas

CASES = sorted((FIXTURES / "invalid").iterdir())
EXPECT = {"fr": "# expect: ", "en": "# expect-en: "}


def _header(path: Path, lang: str) -> tuple[str, list[str]]:
    target, expect = "", []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# target: "):
            target = line[len("# target: "):]
        elif line.startswith(EXPECT[lang]):
            expect.append(line[len(EXPECT[lang]):])
    return target, expect


@pytest.mark.parametrize("lang", sorted(EXPECT))
@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_invalid_sheet(case: Path, lang: str, atlas_copy: Path) -> None:
    target, expected = _header(case, lang)
    assert target and expected, f"{case.name} needs '# target:' and '{EXPECT[lang].strip()}' lines"
    assert len(expected) == len(_header(case, "fr" if lang == "en" else "en")[1]), "as many lines in each language"
    dest = atlas_copy / target
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(case.read_bytes())
    with i18n.using(lang):
        atlas, report = load_atlas(atlas_copy, as_of=AS_OF)
        lines = [p.text() for p in report.errors]
    assert atlas is None
    want = [e.format(file=f"territories/{target}", root="territories") for e in expected]
    assert lines == want


def _write(atlas_copy: Path, rel: str, data: bytes) -> str:
    dest = atlas_copy / rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(data)
    return f"territories/{rel}"


VALID_HUB = "name: H\ntypes: [tiers-lieu]\nstatus: project\nupdated: 2025-01-05\n"


def _errors(atlas_copy: Path, lang: str = "fr") -> list[str]:
    with i18n.using(lang):
        atlas, report = load_atlas(atlas_copy, as_of=AS_OF)
        lines = [p.text() for p in report.errors]
    assert atlas is None
    return lines


LANGS = pytest.mark.parametrize("lang", ["fr", "en"])


@LANGS
def test_nul_byte(atlas_copy: Path, lang: str) -> None:
    f = _write(atlas_copy, "pays-horloger/hubs/h.yml", b"name: A\x00B\n" + VALID_HUB.encode()[8:])
    assert _errors(atlas_copy, lang) == {
        "fr": [f"{f}:1:8: caractère de contrôle U+0000 dans la fiche "
               "(piste : supprimez-le ; seuls la tabulation, le retour chariot et le saut de ligne sont autorisés)"],
        "en": [f"{f}:1:8: control character U+0000 in the sheet "
               "(hint: remove it; only tab, carriage return and newline are allowed)"],
    }[lang]


@LANGS
def test_bidi_override(atlas_copy: Path, lang: str) -> None:
    f = _write(atlas_copy, "pays-horloger/hubs/h.yml", ("name: ab\u202ecd\n" + VALID_HUB[8:]).encode())
    assert _errors(atlas_copy, lang) == {
        "fr": [f"{f}:1:9: caractère invisible ou d'inversion bidirectionnelle U+202E dans la fiche "
               "(piste : supprimez-le (il peut cacher ce que dit le texte))"],
        "en": [f"{f}:1:9: invisible or bidirectional-override character U+202E in the sheet "
               "(hint: remove it (it can hide what the text says))"],
    }[lang]


@LANGS
def test_invalid_utf8(atlas_copy: Path, lang: str) -> None:
    f = _write(atlas_copy, "pays-horloger/hubs/h.yml", b"name: Caf\xe9\n" + VALID_HUB.encode()[8:])
    assert _errors(atlas_copy, lang) == {
        "fr": [f"{f}:1:10: UTF-8 invalide (octet 0xe9) (piste : enregistrez le fichier en UTF-8)"],
        "en": [f"{f}:1:10: invalid UTF-8 (byte 0xe9) (hint: save the file as UTF-8)"],
    }[lang]


@LANGS
def test_too_large(atlas_copy: Path, lang: str) -> None:
    body = VALID_HUB.encode() + b"description: |\n" + b"  " + b"x" * (1024 * 1024) + b"\n"
    f = _write(atlas_copy, "pays-horloger/hubs/h.yml", body)
    assert _errors(atlas_copy, lang) == {
        "fr": [f"{f}: la fiche fait {len(body):,} octets ; la limite est de 1 Mio (1 048 576 octets) ".replace(",", " ")
               + "(piste : découpez le texte ou déplacez les longs contenus ailleurs)"],
        "en": [f"{f}: the sheet is {len(body):,} bytes; the limit is 1 MiB (1,048,576 bytes) "
               "(hint: split the text or move long content elsewhere)"],
    }[lang]


@LANGS
def test_symlink_refused(atlas_copy: Path, lang: str) -> None:
    link = atlas_copy / "pays-horloger" / "hubs" / "lien.yml"
    link.symlink_to(atlas_copy / "doubs" / "hubs" / "incubateur-ferme.yml")
    assert _errors(atlas_copy, lang) == {
        "fr": ["territories/pays-horloger/hubs/lien.yml: les liens symboliques ne sont pas autorisés dans le dossier "
               "des territoires (piste : remplacez le lien par le fichier lui-même)"],
        "en": ["territories/pays-horloger/hubs/lien.yml: symbolic links are not allowed in the territories folder "
               "(hint: replace the link with the file itself)"],
    }[lang]


@LANGS
def test_folder_where_hub_sheet_should_be(atlas_copy: Path, lang: str) -> None:
    (atlas_copy / "pays-horloger" / "hubs" / "dossier.yml").mkdir()
    assert _errors(atlas_copy, lang) == {
        "fr": ["territories/pays-horloger/hubs/dossier.yml: un dossier à la place d'une fiche de lieu "
               "(piste : un lieu est un fichier : hubs/<identifiant-du-lieu>.yml)"],
        "en": ["territories/pays-horloger/hubs/dossier.yml: a folder where a hub sheet should be "
               "(hint: a hub is one file: hubs/<hub-id>.yml)"],
    }[lang]


def test_editors_leftovers_are_left_out_and_other_strays_reported(atlas_copy: Path) -> None:
    """An editor's backup or autosave beside a sheet (Emacs, Vim, gedit, JetBrains) once stopped every build of
    the contributor's copy with « fichier inattendu »; it is left out like a name set aside with « _ », and a
    file nobody's editor made is still reported, once."""
    hubs = atlas_copy / "pays-horloger" / "hubs"
    for name in ("tiers-lieu-projet.yml~", "#tiers-lieu-projet.yml#", "tiers-lieu-projet.yml___jb_tmp___",
                 "_brouillon.yml"):
        (hubs / name).write_bytes(b"name: [")
    (atlas_copy / "pays-horloger" / "territory.yml~").write_bytes(b"name: [")
    atlas, report = load_atlas(atlas_copy, as_of=AS_OF)
    assert [p.text() for p in report.errors] == []
    assert atlas is not None and "tiers-lieu-projet" in atlas.hubs
    (hubs / "notes.txt").write_text("à voir", encoding="utf-8")
    assert _errors(atlas_copy, "fr") == [
        "territories/pays-horloger/hubs/notes.txt: fichier inattendu dans un dossier hubs (piste : les fiches de lieu "
        "finissent par .yml ou .yaml ; préfixez les autres fichiers par '_' ou '.')"]


@pytest.mark.parametrize("char", ["\u061c", "\u2028", "\u2029", "\u180e"])
def test_arabic_letter_mark_and_invisible_line_separators_refused(atlas_copy: Path, char: str) -> None:
    # the Arabic letter mark is a bidirectional mark like U+200E and U+200F; YAML reads U+2028 and U+2029 as line
    # ends that no one sees (it said « this line is neither a field nor a list item »)
    f = _write(atlas_copy, "pays-horloger/hubs/h.yml", ("name: ab" + char + "cd\n" + VALID_HUB[8:]).encode())
    assert _errors(atlas_copy) == [
        f"{f}:1:9: caractère invisible ou d'inversion bidirectionnelle U+{ord(char):04X} dans la fiche "
        "(piste : supprimez-le (il peut cacher ce que dit le texte))"]


@pytest.mark.parametrize("what", ["link", "folder"])
def test_a_territory_sheet_that_is_a_link_or_a_folder_is_one_error(atlas_copy: Path, what: str) -> None:
    sheet = atlas_copy / "ornans" / "territory.yml"
    sheet.unlink()
    if what == "link":
        sheet.symlink_to(atlas_copy / "doubs" / "territory.yml")
    else:
        sheet.mkdir()
    assert _errors(atlas_copy) == [{
        "link": "territories/ornans/territory.yml: les liens symboliques ne sont pas autorisés dans le dossier des "
                "territoires (piste : remplacez le lien par le fichier ou le dossier lui-même)",
        "folder": "territories/ornans/territory.yml: un dossier à la place de la fiche du territoire "
                  "(piste : territory.yml doit être un fichier)",
    }[what]]  # not also « a territory folder without a territory.yml »


@pytest.mark.parametrize("text", [b"", b"# rien pour l'instant\n"])
def test_an_optional_shared_file_left_empty_has_no_entries(atlas_copy: Path, text: bytes) -> None:
    # sources.yml, indicators.yml, moved.yml: maps of ids to entries; empty, they map nothing (the measures of the
    # fixture then name no indicator: they go too)
    for name in ("indicators.yml", "moved.yml"):
        (atlas_copy / name).write_bytes(text)
    for sheet in atlas_copy.glob("*/territory.yml"):
        kept = re.sub(r"(?ms)^measures:\n(?:[ ].*?\n)+", "", sheet.read_text(encoding="utf-8"))
        sheet.write_text(kept, encoding="utf-8")
    atlas, report = load_atlas(atlas_copy, as_of=AS_OF)
    assert [p.text() for p in report.errors] == []
    assert atlas is not None and not atlas.indicators


def test_bom_and_crlf_accepted(atlas_copy: Path) -> None:
    text = VALID_HUB.replace("\n", "\r\n").encode()
    _write(atlas_copy, "pays-horloger/hubs/h.yml", b"\xef\xbb\xbf" + text)
    atlas, report = load_atlas(atlas_copy, as_of=AS_OF)
    assert report.errors == []
    assert atlas is not None and atlas.hubs["h"].name == "H"


def test_all_errors_of_all_sheets_in_one_run(atlas_copy: Path) -> None:
    _write(atlas_copy, "pays-horloger/hubs/a.yml", b"name: A\ntypes: [fablab]\nstatus: yes\nupdated: 2025-01-05\n")
    _write(atlas_copy, "doubs/hubs/b.yml", b"nme: B\ntypes: [tiers-lieu]\nstatus: project\n")
    lines = _errors(atlas_copy)
    # unknown type, status; `nme:` for the missing name (one problem, one message); the missing `updated:`
    assert len(lines) == 4, lines
    assert [line.split(": ", 2)[1] for line in lines if "/b.yml:" in line] == ["nme", "updated"]
    assert lines == sorted(lines, key=lambda s: (s.split(":")[0],
                                                 int(s.split(":")[1]) if s.split(":")[1].isdigit() else 0))


def test_several_problems_in_one_sheet_each_reported_once(atlas_copy: Path) -> None:
    f = _write(atlas_copy, "pays-horloger/territory.yml", (
        b"name: &n Pays horloger\n"      # 1 anchor
        b"level: pays\n"
        b"level: epci\n"                 # 3 duplicate key
        b"code: 01\n"                    # 4 YAML 1.1 octal
        b"parent: *n\n"                  # 5 alias (its value is not checked again)
        b"summary: !ENV HOME\n"          # 6 tag
        b"updated: 2025-01-05\n"
        b"populaton: 3\n"                # 8 unknown field
    ))
    assert _errors(atlas_copy) == [
        f"{f}:1:7: name: l'ancre '&n' n'est pas autorisée "
        "(piste : les fiches sont des données simples : supprimez l'ancre)",
        f"{f}:3:1: level: clé 'level' en double (déjà écrite ligne 2) "
        "(piste : gardez l'une des deux ; YAML ignorerait la première sans rien dire)",
        f'{f}:4:7: code: attendu : du texte, trouvé : 01 (piste : mettez entre guillemets : code: "01")',
        f"{f}:5:9: parent: l'alias '*n' n'est pas autorisé "
        "(piste : les fiches sont des données simples : réécrivez la valeur au lieu d'un alias)",
        f"{f}:6:10: summary: l'étiquette '!ENV' n'est pas autorisée "
        "(piste : supprimez l'étiquette ; mettez la valeur entre guillemets si c'est du texte)",
        f"{f}:8:1: populaton: champ inconnu 'populaton' (piste : vouliez-vous dire 'population' ?)",
    ]


@LANGS
def test_control_and_bidi_characters_written_as_escapes(atlas_copy: Path, lang: str) -> None:
    f = _write(atlas_copy, "pays-horloger/hubs/h.yml",
               b'name: "Dou\\0bs"\ntypes: [tiers-lieu]\nstatus: project\naddress: "rue \\u202E evil"\n'
               b'description: "ligne\\tune\\nligne deux"\nupdated: 2025-01-05\n')
    assert _errors(atlas_copy, lang) == {
        "fr": [
            f"{f}:1:7: name: caractère de contrôle U+0000 écrit en séquence d'échappement "
            "dans une valeur entre guillemets "
            "(piste : supprimez la séquence d'échappement ; seuls \\t et \\n sont autorisés)",
            f"{f}:4:10: address: caractère invisible ou d'inversion bidirectionnelle U+202E "
            "écrit en séquence d'échappement "
            "dans une valeur entre guillemets (piste : supprimez la séquence d'échappement ; seuls \\t et \\n sont "
            "autorisés)",
        ],
        "en": [
            f"{f}:1:7: name: control character U+0000 written as an escape in a quoted value "
            "(hint: remove the escape; only \\t and \\n are allowed)",
            f"{f}:4:10: address: invisible or bidirectional-override character U+202E "
            "written as an escape in a quoted value "
            "(hint: remove the escape; only \\t and \\n are allowed)",
        ],
    }[lang]


@LANGS
def test_a_link_holding_what_no_link_holds_is_a_warning_naming_the_character(atlas_copy: Path, lang: str) -> None:
    # a census row gave « https://kellefabrik.org/|kellefabrik.org]] »: a browser encodes '|' and asks for a page
    # that does not exist; the page escapes the text as any other, so the build goes on, with a warning
    f = _write(atlas_copy, "pays-horloger/hubs/h.yml",
               VALID_HUB.encode() + b"website: https://kellefabrik.org/|kellefabrik.org]]\n")
    with i18n.using(lang):
        atlas, report = load_atlas(atlas_copy, as_of=AS_OF)
        warnings = [p.text() for p in report.problems if p.severity == "warning" and p.field == "website"]
    assert atlas is not None and atlas.hubs["h"].website == "https://kellefabrik.org/|kellefabrik.org]]"
    assert warnings == {
        "fr": [f"{f}:5:10: avertissement : website: le lien https://kellefabrik.org/|kellefabrik.org]] contient '|', "
               "qu'un lien ne peut pas contenir (piste : retirez ce qui suit l'adresse, ou écrivez-le %7C)"],
        "en": [f"{f}:5:10: warning: website: the link https://kellefabrik.org/|kellefabrik.org]] holds '|', "
               "which a link cannot hold (hint: remove what follows the address, or encode it as %7C)"],
    }[lang]


@LANGS
def test_a_commune_its_territory_cannot_hold_is_a_warning(atlas_copy: Path, lang: str) -> None:
    # the commune decides which département counts the hub: a mistyped code would move it without a word
    a = _write(atlas_copy, "doubs/hubs/a.yml", (VALID_HUB + 'commune: "39300"\n').encode())
    b = _write(atlas_copy, "ornans/hubs/b.yml", (VALID_HUB + 'commune: "25056"\n').encode())
    _write(atlas_copy, "doubs/hubs/c.yml", (VALID_HUB + 'commune: "25434"\n').encode())  # a commune of the Doubs
    with i18n.using(lang):
        atlas, report = load_atlas(atlas_copy, as_of=AS_OF)
        warnings = [p.text() for p in report.problems if p.severity == "warning" and p.field == "commune"]
    assert atlas is not None
    assert warnings == {
        "fr": [f'{a}:5:10: avertissement : commune: la commune "39300" est dans le département 39, pas dans Doubs '
               "(25) (piste : vérifiez le code INSEE de la commune, ou déplacez la fiche dans le territoire où se "
               "trouve le lieu)",
               f'{b}:5:10: avertissement : commune: la commune "25056" n\'est pas Ornans, dont le code est "25434" '
               "(piste : vérifiez le code INSEE de la commune, ou déplacez la fiche dans le territoire où se trouve "
               "le lieu)"],
        "en": [f'{a}:5:10: warning: commune: the commune "39300" is in the département 39, not in Doubs (25) '
               "(hint: check the commune's INSEE code, or move the sheet to the territory the hub is in)",
               f'{b}:5:10: warning: commune: the commune "25056" is not Ornans, whose code is "25434" '
               "(hint: check the commune's INSEE code, or move the sheet to the territory the hub is in)"],
    }[lang]


def _commune_warnings(atlas_copy: Path, lang: str = "fr") -> list[str]:
    with i18n.using(lang):
        atlas, report = load_atlas(atlas_copy, as_of=AS_OF)
        warnings = [p.text() for p in report.problems if p.severity == "warning" and p.field == "commune"]
    assert atlas is not None
    return warnings


def _epci_sheet(atlas_copy: Path, tid: str, name: str, code: str) -> None:
    _write(atlas_copy, f"{tid}/territory.yml",
           f'name: {name}\nlevel: epci\ncode: "{code}"\nparent: doubs\nupdated: 2025-01-05\n'.encode())


@LANGS
def test_a_hub_filed_under_its_departement_while_its_epci_has_a_sheet_is_a_warning(atlas_copy: Path,
                                                                                    lang: str) -> None:
    # the contributor guide puts a hub under its EPCI when the EPCI has a sheet: filed under the département (or
    # the région), the EPCI's page does not count it (hub_geography.hubs_inside); 39 such hubs went unnoticed
    a = _write(atlas_copy, "doubs/hubs/a.yml", (VALID_HUB + 'commune: "25056"\n').encode())  # Besançon
    r = _write(atlas_copy, "bourgogne-franche-comte/hubs/r.yml", (VALID_HUB + 'commune: "25056"\n').encode())
    _epci_sheet(atlas_copy, "metropole-de-lyon", "Métropole de Lyon", "200046977")
    y = _write(atlas_copy, "doubs/hubs/y.yml", (VALID_HUB + 'commune: "69381"\n').encode())  # Lyon 1er: Lyon's EPCI
    _write(atlas_copy, "pays-horloger/hubs/p.yml", (VALID_HUB + 'commune: "25056"\n').encode())  # a pays: not checked
    _write(atlas_copy, "doubs/hubs/o.yml", (VALID_HUB + 'commune: "25434"\n').encode())  # Ornans: its EPCI has none
    assert _commune_warnings(atlas_copy, lang) == {
        "fr": [f"{r}:5:10: avertissement : commune: la commune \"25056\" fait partie de Grand Besançon Métropole "
               "(fiche 'grand-besancon-metropole'), dont la page ne compte pas les lieux rangés sous "
               "Bourgogne-Franche-Comté (piste : déplacez la fiche dans territories/grand-besancon-metropole/hubs/)",
               f"{a}:5:10: avertissement : commune: la commune \"25056\" fait partie de Grand Besançon Métropole "
               "(fiche 'grand-besancon-metropole'), dont la page ne compte pas les lieux rangés sous Doubs "
               "(piste : déplacez la fiche dans territories/grand-besancon-metropole/hubs/)",
               f"{y}:5:10: avertissement : commune: la commune \"69381\" fait partie de Métropole de Lyon "
               "(fiche 'metropole-de-lyon'), dont la page ne compte pas les lieux rangés sous Doubs "
               "(piste : déplacez la fiche dans territories/metropole-de-lyon/hubs/)"],
        "en": [f"{r}:5:10: warning: commune: the commune \"25056\" is in Grand Besançon Métropole "
               "(sheet 'grand-besancon-metropole'), whose page does not count the hubs filed under "
               "Bourgogne-Franche-Comté (hint: move the sheet to territories/grand-besancon-metropole/hubs/)",
               f"{a}:5:10: warning: commune: the commune \"25056\" is in Grand Besançon Métropole "
               "(sheet 'grand-besancon-metropole'), whose page does not count the hubs filed under Doubs "
               "(hint: move the sheet to territories/grand-besancon-metropole/hubs/)",
               f"{y}:5:10: warning: commune: the commune \"69381\" is in Métropole de Lyon "
               "(sheet 'metropole-de-lyon'), whose page does not count the hubs filed under Doubs "
               "(hint: move the sheet to territories/metropole-de-lyon/hubs/)"],
    }[lang]
    for stem, epci in (("a", "grand-besancon-metropole"), ("r", "grand-besancon-metropole"),
                       ("y", "metropole-de-lyon")):  # moved as the hint says: no warning (the id stays the stem)
        sheet = next(atlas_copy.glob(f"*/hubs/{stem}.yml"))
        (atlas_copy / epci / "hubs").mkdir(exist_ok=True)
        sheet.rename(atlas_copy / epci / "hubs" / f"{stem}.yml")
    assert _commune_warnings(atlas_copy, lang) == []


@LANGS
def test_a_hub_under_an_epci_its_commune_is_not_a_member_of_is_a_warning(atlas_copy: Path, lang: str) -> None:
    _epci_sheet(atlas_copy, "metropole-de-lyon", "Métropole de Lyon", "200046977")
    b = _write(atlas_copy, "grand-besancon-metropole/hubs/b.yml",
               (VALID_HUB + 'commune: "25434"\n').encode())  # Ornans, of the CC Loue-Lison, which has no sheet
    c = _write(atlas_copy, "grand-besancon-metropole/hubs/c.yml", (VALID_HUB + 'commune: "69123"\n').encode())
    # members: an arrondissement is one through its city (Lyon 1er, 69381, of the Métropole de Lyon)
    _write(atlas_copy, "metropole-de-lyon/hubs/l.yml", (VALID_HUB + 'commune: "69381"\n').encode())
    _write(atlas_copy, "metropole-de-lyon/hubs/m.yml", (VALID_HUB + 'commune: "69123"\n').encode())
    # a code no EPCI of the table holds (Auxon-Dessous, a commune déléguée of Les Auxons in the COG 2019): not said
    _write(atlas_copy, "grand-besancon-metropole/hubs/d.yml", (VALID_HUB + 'commune: "25034"\n').encode())
    assert _commune_warnings(atlas_copy, lang) == {
        "fr": [f'{b}:5:10: avertissement : commune: la commune "25434" ne fait pas partie de Grand Besançon Métropole '
               "(piste : vérifiez le code INSEE de la commune, ou déplacez la fiche dans le territoire où se trouve "
               "le lieu)",
               f'{c}:5:10: avertissement : commune: la commune "69123" ne fait pas partie de Grand Besançon Métropole '
               "(piste : vérifiez le code INSEE de la commune, ou déplacez la fiche dans "
               "territories/metropole-de-lyon/hubs/)"],
        "en": [f'{b}:5:10: warning: commune: the commune "25434" is not a member of Grand Besançon Métropole '
               "(hint: check the commune's INSEE code, or move the sheet to the territory the hub is in)",
               f'{c}:5:10: warning: commune: the commune "69123" is not a member of Grand Besançon Métropole '
               "(hint: check the commune's INSEE code, or move the sheet to territories/metropole-de-lyon/hubs/)"],
    }[lang]


def test_an_epci_code_the_membership_table_does_not_know_is_not_checked(atlas_copy: Path) -> None:
    # a SIREN of another vintage (valid check digit, absent from decoupage-administratif 6.0.0): nothing to say
    _epci_sheet(atlas_copy, "cc-d-une-autre-annee", "CC d'une autre année", "200099992")
    _write(atlas_copy, "cc-d-une-autre-annee/hubs/h.yml", (VALID_HUB + 'commune: "25434"\n').encode())
    assert _commune_warnings(atlas_copy) == []


def test_the_membership_table_is_read_once_per_process_and_only_for_a_hub_with_a_commune(atlas_copy: Path) -> None:
    from generator.hub_geography import communes_epci

    for hub in ("fablab-besancon", "living-lab-sante"):  # the fixture's only hubs with a commune
        sheet = atlas_copy / "grand-besancon-metropole" / "hubs" / f"{hub}.yml"
        sheet.write_text("".join(line for line in sheet.read_text(encoding="utf-8").splitlines(keepends=True)
                                 if not line.startswith("commune:")), encoding="utf-8")
    communes_epci.cache_clear()
    assert _commune_warnings(atlas_copy) == []
    assert communes_epci.cache_info().misses == 0  # no hub has a commune: not read
    _write(atlas_copy, "grand-besancon-metropole/hubs/h.yml", (VALID_HUB + 'commune: "25056"\n').encode())
    for _ in range(2):  # two checks in one process, as `atlas build --watch` makes at each save: one read
        assert _commune_warnings(atlas_copy) == []
    assert communes_epci.cache_info().misses == 1
