"""`atlas validate` warns about a hub listed twice: two hub sheets of one territory whose names fold
alike (accents, case, spacing, punctuation, a leading article aside) and that nothing tells apart, or
that give one address and one website. A warning, never an error: branches of one brand in two
communes or on two streets are distinct places and are not warned about."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import AS_OF
from generator import i18n
from generator.cli import main
from generator.load import load_atlas
from generator.validate.duplicates import folded, name_keys, same_street, street, website_key


def _hub(root: Path, territory: str, hid: str, name: str, **fields: str) -> Path:
    lines = [f'name: "{name}"', "types: [tiers-lieu]", "status: {value: active, year: 2024, source: insee-rp-2021}"]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    lines.append("updated: 2025-01-05")
    path = root / territory / "hubs" / f"{hid}.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _warned(root: Path) -> list[str]:
    atlas, report = load_atlas(root, as_of=AS_OF)
    assert atlas is not None, [p.text() for p in report.errors]
    return [f"{p.location.file} | {p.message}" for p in report.warnings if "twice" in p.message]


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(i18n.ENV_VARIABLE, "en")


def test_names_that_fold_alike_and_nothing_tells_apart(atlas_copy: Path) -> None:
    first = _hub(atlas_copy, "pays-horloger", "1624-coworkin-lille", "1624 COWORKIN'LILLE", commune='"25388"')
    second = _hub(atlas_copy, "pays-horloger", "1624-cowork-in-lille", "1624 Cowork'in Lille", commune='"25388"',
                  address='"12 Rue des Tours, 25500 Morteau"')
    warned = _warned(atlas_copy)
    assert len(warned) == 1
    where, message = warned[0].split(" | ")
    assert where.endswith(f"pays-horloger/hubs/{first.name}")  # the second in path order carries it
    assert message == (f"this hub and {second.relative_to(atlas_copy.parent).as_posix()} have the same name in "
                       "one territory: they may be one place listed twice")


def test_branches_in_two_communes_or_on_two_streets_are_not_warned(atlas_copy: Path) -> None:
    _hub(atlas_copy, "pays-horloger", "anticafe-1er", "Anticafé", address='"10 Rue de Richelieu, 75001 Paris"')
    _hub(atlas_copy, "pays-horloger", "anticafe-10e", "Anticafé", address="\"6 Rue du Château d'Eau, 75010 Paris\"")
    _hub(atlas_copy, "pays-horloger", "arret-minute-coutras", "Arrêt Minute", commune='"25388"')
    _hub(atlas_copy, "pays-horloger", "arret-minute-libourne", "Arrêt Minute", commune='"25411"')
    # the same name in two territories is two places too
    _hub(atlas_copy, "doubs", "le-troquet", "Le Troquet")
    _hub(atlas_copy, "pays-horloger", "troquet", "Troquet")
    assert _warned(atlas_copy) == []


def test_one_address_and_one_website_whatever_the_names(atlas_copy: Path) -> None:
    _hub(atlas_copy, "pays-horloger", "cobalt", "Cobalt", address='"5 rue Victor Hugo, 86000 Poitiers"',
         website="http://www.cobaltpoitiers.fr")
    _hub(atlas_copy, "pays-horloger", "deneau", "Deneau", address='"5 Rue Victor Hugo, 86000 Poitiers"',
         website="http://cobaltpoitiers.fr/")
    _hub(atlas_copy, "pays-horloger", "tyfab", "Tyfab", address='"5 rue Victor Hugo, 86000 Poitiers"',
         website="http://tyfab.fr/")
    warned = _warned(atlas_copy)
    assert len(warned) == 1 and "deneau.yml |" in warned[0] and "cobalt.yml have the same address and website" \
        in warned[0]


def test_a_leading_article_and_a_missing_address_do_not_hide_a_pair(atlas_copy: Path) -> None:
    _hub(atlas_copy, "pays-horloger", "l-hotel-pasteur", "L'Hôtel Pasteur", address='"2 place Pasteur, 35000 Rennes"')
    _hub(atlas_copy, "pays-horloger", "hotel-pasteur", "Hôtel Pasteur")
    assert len(_warned(atlas_copy)) == 1


def test_validate_shows_it_as_a_warning_in_french_with_what_to_do(atlas_copy: Path, capsys, monkeypatch) -> None:
    monkeypatch.delenv(i18n.ENV_VARIABLE, raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")  # 2025-11-26, the fixture's build date
    _hub(atlas_copy, "pays-horloger", "the-camp", "The Camp")
    _hub(atlas_copy, "pays-horloger", "thecamp", "thecamp")
    assert main(["validate"]) == 0  # a warning, not an error
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "deux fois" in x)
    assert line == ("territories/pays-horloger/hubs/thecamp.yml:1:7: avertissement : name: ce lieu et "
                    "territories/pays-horloger/hubs/the-camp.yml portent le même nom dans un même territoire : "
                    "c'est peut-être un seul lieu inscrit deux fois (piste : si c'est un seul lieu, gardez une "
                    "fiche (ses sources, et les ID du recensement des deux) et supprimez l'autre ; si ce sont deux "
                    "lieux (deux adresses d'une même enseigne), donnez à chacun son adresse)")


def test_the_keys() -> None:
    assert folded("1624 COWORKIN'LILLE") == folded("1624 Cowork'in Lille") == "1624coworkinlille"
    assert folded("Onzième Lieu") == folded("ONZIEME LIEU")
    assert name_keys("Le Troquet Numérique") == {"letroquetnumerique", "troquetnumerique"}
    assert name_keys("The Camp") == {"thecamp"} and name_keys("—") == frozenset()
    assert same_street(street("12 ter rue des Tours, 59000 LILLE"), street("12 Rue des Tours, 59800 Lille"))
    assert not same_street(street("Rue Porte de Paris, Cluny"), street("2 rue porte de Paris, 71250 Cluny"))
    assert not same_street(street("10 Rue de Richelieu, 75001 Paris"), street("6 Rue du Château d'Eau, 75010"))
    assert website_key("http://www.Example.org/") == website_key("https://example.org") == "example.org"


def test_a_street_kind_abbreviated_is_the_same_street(atlas_copy: Path) -> None:
    """The census writes `bd`, `bd.`, `Bld` for `boulevard` and `av.`, `Ave.` for `avenue` (`20 bd des Martyrs` and
    `20 Boulevard des Martyrs`, Gourdon): one name at both is one place listed twice, one address with one website
    too; a boulevard and an avenue of one name stay two streets, two places."""
    assert street("50 bd. Gambetta, 75020 Paris") == street("50 Boulevard Gambetta") == street("50 BLD Gambetta")
    assert street("24 Ave. Joannès Masset") == street("24 avenue Joannes Masset, 69009 Lyon")
    assert not same_street(street("3 bd Carnot"), street("3 avenue Carnot"))
    _hub(atlas_copy, "pays-horloger", "le-quai", "Le Quai", address='"20 bd des Martyrs, 25500 Morteau"')
    _hub(atlas_copy, "pays-horloger", "quai", "Quai", address='"20 Boulevard des Martyrs, 25500 Morteau"')
    _hub(atlas_copy, "pays-horloger", "wetog", "Wetog", address='"24 Ave. Joannes Masset, 25500 Morteau"',
         website="http://wetog.example.org")
    _hub(atlas_copy, "pays-horloger", "cowork-masset", "Cowork Masset",
         address='"24 avenue Joannès Masset, 25500 Morteau"', website="https://www.wetog.example.org/")
    _hub(atlas_copy, "pays-horloger", "atelier-carnot-bd", "Atelier Carnot", address='"3 bd Carnot, 25500 Morteau"')
    _hub(atlas_copy, "pays-horloger", "atelier-carnot-av", "Atelier Carnot",
         address='"3 avenue Carnot, 25500 Morteau"')
    warned = sorted(_warned(atlas_copy))
    assert len(warned) == 2, warned
    assert "quai.yml |" in warned[0] and "le-quai.yml have the same name" in warned[0]
    assert "wetog.yml |" in warned[1] and "cowork-masset.yml have the same address and website" in warned[1]


def test_an_address_without_its_number_does_not_tell_a_pair_apart(atlas_copy: Path) -> None:
    """`Rue Porte de Paris` and `2 rue porte de Paris` are one street: the same name there is warned."""
    _hub(atlas_copy, "pays-horloger", "fablab-clunisois", "FabLab Clunisois",
         address='"Rue Porte de Paris, 71250 Cluny"')
    _hub(atlas_copy, "pays-horloger", "fablab-du-clunisois", "Fablab Clunisois",
         address='"2 rue porte de Paris, 71250 Cluny"')
    assert len(_warned(atlas_copy)) == 1


def test_one_address_and_one_website_gets_its_own_hint(atlas_copy: Path, capsys, monkeypatch) -> None:
    """Two names at one address: « give each its own address » cannot apply; the hint says what can."""
    monkeypatch.delenv(i18n.ENV_VARIABLE, raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")
    _hub(atlas_copy, "pays-horloger", "cobalt", "Cobalt", address='"5 rue Victor Hugo, 86000 Poitiers"',
         website="http://www.cobaltpoitiers.fr")
    _hub(atlas_copy, "pays-horloger", "deneau", "Deneau", address='"5 Rue Victor Hugo, 86000 Poitiers"',
         website="http://cobaltpoitiers.fr/")
    assert main(["validate"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "deux fois" in x)
    assert line.endswith("si ce sont deux lieux à une même adresse, donnez à chacun le site web qui lui est propre)")
