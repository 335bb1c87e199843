"""territories/moved.yml: a hub whose sheet was merged into another, or renamed, keeps its former address.

Readers bookmarked and linked `hubs/<old-id>/` (and `en/hubs/<old-id>/`): the generator writes there a small
page that leads to the kept hub's page, in each edition's language. The file is optional (a tree written to
the format without it builds as before), validated like a sheet (file, line, column, the id at fault, a fix to
try; one error per problem), and safe: its ids become paths and links only once they are well-formed ids of
the atlas, and the one text a redirect page takes from a sheet, the kept hub's name, is escaped.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.load import load_atlas, load_valid_atlas
from generator.pages import SiteOptions
from generator.site import site_outputs

FIXTURES = Path(__file__).resolve().parent / "fixtures"
KEPT = "territories/grand-besancon-metropole/hubs/fablab-besancon.yml"


def _moved(atlas_copy: Path, text: str) -> None:
    (atlas_copy / "moved.yml").write_text(text, encoding="utf-8")


def _validate(capsys: pytest.CaptureFixture[str], lang: str = "fr") -> list[str]:
    """The error lines `atlas validate` prints about moved.yml (the fixture's own two warnings are elsewhere)."""
    assert main(["validate", "-q", "--lang", lang]) == 1
    return [line for line in capsys.readouterr().out.splitlines() if line.startswith("territories/moved.yml")]


# ---- what the file may say, one error per problem --------------------------------------------------------

def test_a_former_id_that_still_has_a_sheet(atlas_copy: Path, capsys) -> None:
    _moved(atlas_copy, "fablab-besancon: living-lab-sante\n")
    assert _validate(capsys) == [
        f"territories/moved.yml:1:1: fablab-besancon: le lieu 'fablab-besancon' a encore une fiche : {KEPT} "
        "(piste : une fois ce qu'elle dit reporté dans 'living-lab-sante', supprimez-la ; sinon supprimez cette "
        "ligne)"]
    assert _validate(capsys, "en") == [
        f"territories/moved.yml:1:1: fablab-besancon: the hub 'fablab-besancon' still has a sheet: {KEPT} "
        "(hint: once what that sheet says is in 'living-lab-sante', delete it; or remove this line)"]


def test_a_line_written_the_wrong_way_round_is_one_error(atlas_copy: Path, capsys) -> None:
    """`fablab-besancon: fab-lab-de-besancon` (the kept id first) beside the fixture's own line: the kept
    hub still has its sheet, said once; the fixture's line is not blamed for a loop."""
    _moved(atlas_copy, "fab-lab-de-besancon: fablab-besancon\nfablab-besancon: fab-lab-de-besancon\n")
    assert _validate(capsys) == [
        f"territories/moved.yml:2:1: fablab-besancon: le lieu 'fablab-besancon' a encore une fiche : {KEPT} "
        "(piste : une fois ce qu'elle dit reporté dans 'fab-lab-de-besancon', supprimez-la ; sinon supprimez "
        "cette ligne)"]


def test_a_former_id_that_is_a_territory_or_reserved(atlas_copy: Path, capsys) -> None:
    _moved(atlas_copy, "doubs: fablab-besancon\nindex: fablab-besancon\n")
    assert _validate(capsys) == [
        "territories/moved.yml:1:1: doubs: 'doubs' est l'identifiant d'un territoire : territories/doubs/territory.yml "
        "(piste : moved.yml ne liste que d'anciens identifiants de lieux : supprimez cette ligne)",
        "territories/moved.yml:2:1: index: l'identifiant 'index' est réservé aux pages propres du site "
        "(piste : supprimez cette ligne : aucun lieu n'a pu avoir cet identifiant)"]


def test_a_kept_hub_that_does_not_exist(atlas_copy: Path, capsys) -> None:
    _moved(atlas_copy, "ancien-fablab: fablab-besanson\nancien-lieu: doubs\nautre-lieu: lieu-inconnu\n")
    assert _validate(capsys) == [
        "territories/moved.yml:1:16: ancien-fablab: lieu inconnu 'fablab-besanson' "
        "(piste : vouliez-vous dire 'fablab-besancon' ?)",
        "territories/moved.yml:2:14: ancien-lieu: lieu inconnu 'doubs' ('doubs' est un territoire) "
        "(piste : écrivez l'identifiant d'un lieu qui a une fiche)",
        "territories/moved.yml:3:13: autre-lieu: lieu inconnu 'lieu-inconnu' "
        "(piste : écrivez l'identifiant d'un lieu qui a une fiche)"]


def test_a_chain_of_moves_names_the_hub_to_write(atlas_copy: Path, capsys) -> None:
    _moved(atlas_copy, "premier-nom: second-nom\nsecond-nom: fablab-besancon\n")
    assert _validate(capsys) == [
        "territories/moved.yml:1:14: premier-nom: 'second-nom' a changé d'identifiant lui aussi, pour "
        "'fablab-besancon' : un ancien identifiant mène en une fois au lieu qui a sa fiche aujourd'hui "
        "(piste : écrivez premier-nom: fablab-besancon)"]
    assert _validate(capsys, "en") == [
        "territories/moved.yml:1:14: premier-nom: 'second-nom' has moved too, to 'fablab-besancon': a former id "
        "leads to the hub that has its sheet now, in one step (hint: write premier-nom: fablab-besancon)"]


def test_a_loop_of_moves_is_one_error(atlas_copy: Path, capsys) -> None:
    _moved(atlas_copy, "un-lieu: autre-lieu\nautre-lieu: un-lieu\nmeme-lieu: meme-lieu\nvers-la-boucle: un-lieu\n")
    assert _validate(capsys) == [
        "territories/moved.yml:1:10: un-lieu: boucle d'identifiants déplacés : un-lieu -> autre-lieu -> un-lieu "
        "(piste : écrivez, pour chaque ancien identifiant, celui du lieu qui a sa fiche aujourd'hui)",
        "territories/moved.yml:3:12: meme-lieu: boucle d'identifiants déplacés : meme-lieu -> meme-lieu "
        "(piste : écrivez, pour chaque ancien identifiant, celui du lieu qui a sa fiche aujourd'hui)",
        "territories/moved.yml:4:17: vers-la-boucle: 'un-lieu' a changé d'identifiant lui aussi, pour 'autre-lieu' : "
        "un ancien identifiant mène en une fois au lieu qui a sa fiche aujourd'hui "
        "(piste : écrivez l'identifiant du lieu qui a sa fiche aujourd'hui)"]


def test_ids_that_are_not_ids_never_become_paths(atlas_copy: Path, capsys) -> None:
    """A path, a name with spaces or capitals, a list: refused where they are written, with the id to try."""
    _moved(atlas_copy, '"../../etc": fablab-besancon\nAncien Lieu: fablab-besancon\nancien-lieu: Fablab Besancon\n'
                       "autre-lieu: ../fablab-besancon\nliste: [fablab-besancon]\n")
    assert _validate(capsys) == [
        "territories/moved.yml:1:1: ../../etc: attendu : un identifiant (lettres minuscules, chiffres et tirets), "
        'trouvé : "../../etc" (piste : essayez \'etc\')',
        "territories/moved.yml:2:1: Ancien Lieu: attendu : un identifiant (lettres minuscules, chiffres et tirets), "
        'trouvé : "Ancien Lieu" (piste : essayez \'ancien-lieu\')',
        "territories/moved.yml:3:14: ancien-lieu: attendu : un identifiant (lettres minuscules, chiffres et tirets), "
        'trouvé : "Fablab Besancon" (piste : vouliez-vous dire \'fablab-besancon\' ?)',
        "territories/moved.yml:4:13: autre-lieu: attendu : un identifiant (lettres minuscules, chiffres et tirets), "
        'trouvé : "../fablab-besancon" (piste : vouliez-vous dire \'fablab-besancon\' ?)',
        "territories/moved.yml:5:8: liste: attendu : un identifiant (lettres minuscules, chiffres et tirets), "
        "trouvé : une liste (piste : écrivez un seul identifiant, sans crochets : fablab-besancon)"]


def test_a_moved_file_that_is_not_a_map(atlas_copy: Path, capsys) -> None:
    _moved(atlas_copy, "- fablab-besancon\n")
    assert _validate(capsys) == [
        "territories/moved.yml:1:1: le haut d'une fiche doit être une table de champs, trouvé : une liste "
        "(piste : écrivez des lignes 'champ: valeur')"]


def test_a_valid_file_and_a_tree_without_one(atlas_copy: Path, capsys) -> None:
    atlas = load_valid_atlas(atlas_copy)
    assert dict(atlas.moved_hubs) == {"fab-lab-de-besancon": "fablab-besancon"}  # the fixture's
    (atlas_copy / "moved.yml").unlink()
    atlas, report = load_atlas(atlas_copy)
    assert atlas is not None and not report.errors and dict(atlas.moved_hubs) == {}
    assert main(["validate", "-q"]) == 0


# ---- the pages at the former addresses -------------------------------------------------------------------

def _outputs(tree: Path, tmp_path: Path) -> dict[str, bytes]:
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    atlas = load_valid_atlas(tree)
    return {o.path: o.data for o in site_outputs(atlas, tree, content, SiteOptions(), pictures={}, schemas=None)}


def test_the_former_address_leads_to_the_kept_page_in_both_editions(fixture_atlas_dir: Path, tmp_path: Path) -> None:
    files = _outputs(fixture_atlas_dir, tmp_path)
    french = files["hubs/fab-lab-de-besancon/index.html"].decode()
    english = files["en/hubs/fab-lab-de-besancon/index.html"].decode()
    assert "hubs/fablab-besancon.md" in files and "en/hubs/fablab-besancon.md" in files  # the pages they lead to
    for page, lang, title, words in ((french, "fr", "Page déplacée", "Cette page a changé d'adresse :"),
                                     (english, "en", "Page moved", "This page has moved:")):
        assert f'<html lang="{lang}">' in page and f"<title>{title}</title>" in page
        assert '<meta http-equiv="refresh" content="0; url=../fablab-besancon/">' in page
        assert '<link rel="canonical" href="../fablab-besancon/">' in page
        assert '<meta name="robots" content="noindex">' in page
        assert f'<p>{words} <a href="../fablab-besancon/">Fablab de Besançon</a>.</p>' in page
    # no list or page names the former id: only its two redirect files, its API document (which names the kept
    # hub), the moves of atlas.json and of the API's index, and the published byte copy of moved.yml itself
    # (every YAML file of the atlas is published in donnees/fiches/)
    naming = sorted(path for path, data in files.items() if b"fab-lab-de-besancon" in data)
    assert naming == ["api/index.json", "api/lieux/fab-lab-de-besancon.json", "donnees/atlas.json",
                      "donnees/fiches/moved.yml"]
    assert sorted(p for p in files if "fab-lab-de-besancon" in p) == [
        "api/lieux/fab-lab-de-besancon.json", "en/hubs/fab-lab-de-besancon/index.html",
        "hubs/fab-lab-de-besancon/index.html"]


def test_a_tree_without_the_file_makes_the_same_files_but_the_redirects(fixture_atlas_dir: Path,
                                                                        tmp_path: Path) -> None:
    trees = []
    for name in ("with", "without"):  # two folders of one name: the pages name their sheets' paths
        trees.append(tmp_path / name / "territories")
        shutil.copytree(fixture_atlas_dir, trees[-1])
    (trees[1] / "moved.yml").unlink()
    with_file, without = (_outputs(tree, tree.parent) for tree in trees)
    redirects = {"hubs/fab-lab-de-besancon/index.html", "en/hubs/fab-lab-de-besancon/index.html",
                 "api/lieux/fab-lab-de-besancon.json",  # the API's document at the former address
                 "donnees/fiches/moved.yml"}  # and the file's published copy
    assert set(with_file) - set(without) == redirects
    counted = {"donnees/index.md", "en/donnees/index.md"}  # the open data page counts the YAML files published
    moves = {"donnees/atlas.json": (b'"moved_hubs": {}',
                                    b'"moved_hubs": {\n  "fab-lab-de-besancon": "fablab-besancon"\n }'),
             "api/index.json": (b'"lieux_deplaces":[]', b'"lieux_deplaces":[{"id":"fab-lab-de-besancon"')}
    assert {p: d for p, d in without.items() if p not in counted | set(moves)} == {
        p: d for p, d in with_file.items() if p not in redirects | counted | set(moves)}
    for path, (none, some) in moves.items():
        assert none in without[path] and some in with_file[path], path
    for page in counted:  # the YAML files counted (and the size of atlas.json, here the same in Ko)
        assert with_file[page] == without[page].replace(b" 12 ", b" 13 ", 1) != without[page]


def test_the_kept_hub_name_is_text_on_the_redirect_page(atlas_copy: Path, tmp_path: Path) -> None:
    sheet = atlas_copy / "grand-besancon-metropole" / "hubs" / "fablab-besancon.yml"
    text = sheet.read_text(encoding="utf-8")
    sheet.write_text(text.replace("name: Fablab de Besançon", "name: \"<script>alert(1)</script> & <b>Co</b>\""),
                     encoding="utf-8")
    page = _outputs(atlas_copy, tmp_path)["hubs/fab-lab-de-besancon/index.html"].decode()
    assert "<script" not in page and "<b>" not in page
    assert '<a href="../fablab-besancon/">&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;Co&lt;/b&gt;</a>' in page
