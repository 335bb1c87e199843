"""The vocabulary's `en:` blocks (territories/vocabulary.yml): validated like every `en:` block, the one
source of the English edition's labels for hub types, services, themes and networks, on its pages and
in its charts alike; an entry without one is shown in French, marked lang="fr"; the French edition does
not read them."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from conftest import AS_OF, FIXTURE_ATLAS, ROOT
from generator import i18n, vocabulary
from generator.load import load_atlas, load_valid_atlas
from generator.model import VOCABULARY_LISTS, Vocabulary
from generator.pages import SiteOptions
from generator.site import site_outputs

HOSTILE = FIXTURE_ATLAS.parent / "hostile"

# the lists after hub_types, the same in GOOD and BAD (the fixture sheets' ids)
OTHER_LISTS = """services:
  prototyping: {label: Prototypage}
  incubation: {label: Incubation}
  events: {label: Événements}
themes:
  e-sante: {label: E-santé}
  numerique: {label: Numérique}
networks:
  french-tech: {label: French Tech}
  rfflabs: {label: Réseau français des fablabs}
"""

GOOD = """hub_types:
  fab-lab:
    label: Fab Lab
    en:
      label: Fab Lab
      description: An open workshop.
  living-lab:
    label: Living Lab
  tiers-lieu:
    label: Tiers-lieu
    en: {label: Third place}
  incubator:
    label: Incubateur
    en: {description: Une description seulement en anglais n'est pas une erreur.}
""" + OTHER_LISTS

BAD = """hub_types:
  fab-lab:
    label: Fab Lab
    en:
      labl: Fab Lab
  living-lab:
    label: Living Lab
    en:
      label: "  "
      description: Users in the loop.
  tiers-lieu:
    label: Tiers-lieu
    en: Third place
  incubator:
    label: Incubateur
    en: {label: Incubator, url: https://example.org/}
""" + OTHER_LISTS

EXPECTED = {
    "fr": [
        "territories/vocabulary.yml:5:7: hub_types.fab-lab.en.labl: champ inconnu 'labl' "
        "(piste : vouliez-vous dire 'label' ?)",
        "territories/vocabulary.yml:9:14: hub_types.living-lab.en.label: ne doit pas être vide "
        "(piste : écrivez le texte, ou supprimez le champ s'il est facultatif)",
        "territories/vocabulary.yml:13:9: hub_types.tiers-lieu.en: attendu : une table de champs, "
        "trouvé : \"Third place\" (piste : écrivez ses entrées en retrait sous 'en:', une ligne 'clé: valeur' par "
        "entrée, ou sous la forme {label: ...})",
        "territories/vocabulary.yml:16:28: hub_types.incubator.en.url: champ inconnu 'url' "
        "(piste : champs connus : label, description)",
    ],
    "en": [
        "territories/vocabulary.yml:5:7: hub_types.fab-lab.en.labl: unknown field 'labl' "
        "(hint: did you mean 'label'?)",
        "territories/vocabulary.yml:9:14: hub_types.living-lab.en.label: must not be empty "
        "(hint: write the text, or remove the field if optional)",
        "territories/vocabulary.yml:13:9: hub_types.tiers-lieu.en: expected a map of fields, found \"Third place\" "
        "(hint: write its entries indented under 'en:', one 'key: value' per line, or as {label: ...})",
        "territories/vocabulary.yml:16:28: hub_types.incubator.en.url: unknown field 'url' "
        "(hint: known fields: label, description)",
    ],
}


def test_a_good_en_block_is_read_into_the_model(atlas_copy: Path) -> None:
    (atlas_copy / "vocabulary.yml").write_text(GOOD, encoding="utf-8")
    atlas, report = load_atlas(atlas_copy, as_of=AS_OF)
    assert atlas is not None and not report.errors, [p.text() for p in report.errors]
    types = atlas.vocabulary.hub_types
    assert dict(types["fab-lab"].en) == {"label": "Fab Lab", "description": "An open workshop."}
    assert dict(types["tiers-lieu"].en) == {"label": "Third place"} and dict(types["living-lab"].en) == {}
    with pytest.raises(TypeError):
        types["tiers-lieu"].en["label"] = "changed"  # type: ignore[index]  # frozen like the rest of the model


@pytest.mark.parametrize("lang", sorted(EXPECTED))
def test_a_bad_en_block_is_an_error_with_its_place_and_a_hint(atlas_copy: Path, lang: str) -> None:
    (atlas_copy / "vocabulary.yml").write_text(BAD, encoding="utf-8")
    with i18n.using(lang):
        atlas, report = load_atlas(atlas_copy, as_of=AS_OF)
        lines = [p.text() for p in report.errors]
    assert atlas is None
    assert lines == EXPECTED[lang]


def test_entry_text_chooses_the_english_version_or_the_french_text(fixture_atlas) -> None:
    vocab = fixture_atlas.vocabulary
    assert vocabulary.entry_text(vocab, "hub_types", "tiers-lieu", "en") == ("Third place", "en")
    assert vocabulary.entry_text(vocab, "hub_types", "tiers-lieu") == ("Tiers-lieu", "fr")
    assert vocabulary.entry_text(vocab, "hub_types", "living-lab", "en") == ("Living Lab", "fr")  # no en:
    assert vocabulary.entry_text(vocab, "hub_types", "fab-lab", "en", "description") == (
        "Digital fabrication workshop open to the public.", "en")
    assert vocabulary.entry_text(vocab, "hub_types", "living-lab", "en", "description") == (
        "Démarche d'innovation ouverte avec les usagers.", "fr")
    assert vocabulary.entry_text(vocab, "hub_types", "tiers-lieu", "en", "description") == (None, "fr")
    assert vocabulary.entry_text(vocab, "themes", "inconnu", "en") == ("inconnu", "fr")


def _docs(atlas, tmp_path: Path) -> dict[str, str]:
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    outs = site_outputs(atlas, FIXTURE_ATLAS, content, SiteOptions(), pictures={}, schemas=None)
    return {o.path: o.data.decode("utf-8") for o in outs if o.path.endswith(".md")}


@pytest.fixture(scope="module")
def docs(fixture_atlas, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return _docs(fixture_atlas, tmp_path_factory.mktemp("vocabulary"))


def _row(page: str, header: str) -> str:
    found = re.search(rf"^\| {header} \| (.*) \|$", page, flags=re.M)
    assert found, header
    return found.group(1)


def test_the_english_hub_page_shows_the_english_labels_and_marks_the_french_ones(docs: dict[str, str]) -> None:
    page = docs["en/hubs/fablab-besancon.md"]
    assert _row(page, "Type") == ("[Fab Lab](../parcourir/types.md#type-fab-lab), "
                                  "[Third place](../parcourir/types.md#type-tiers-lieu)")
    assert _row(page, "Services") == 'Prototyping, <span lang="fr">Événements</span>'  # events has no en:
    assert _row(page, "Themes") == "[Digital](../parcourir/themes.md#theme-numerique)"
    assert _row(page, "Networks") == ('[<span lang="fr">Réseau français des fablabs</span>]'
                                      "(../parcourir/reseaux.md#reseau-rfflabs)")
    french = docs["hubs/fablab-besancon.md"]
    assert _row(french, "Type") == ("[Fab Lab](../parcourir/types.md#type-fab-lab), "
                                    "[Tiers-lieu](../parcourir/types.md#type-tiers-lieu)")
    assert _row(french, "Services") == "Prototypage, Événements" and "Third place" not in french


def test_cards_tables_and_filters_use_the_english_labels(docs: dict[str, str]) -> None:
    hubs = docs["en/hubs/index.md"]
    assert "<td>Fab Lab, Third place</td>" in hubs and "<td>Incubator</td>" in hubs  # the hub table
    assert '<td><span lang="fr">Living Lab</span></td>' in hubs
    options = dict(re.findall(r'<option value="([a-z-]+)" data-label="[^"]*"( lang="fr")?>', hubs))
    assert options["tiers-lieu"] == options["incubator"] == options["numerique"] == options["french-tech"] == ""
    assert options["living-lab"] == options["e-sante"] == options["rfflabs"] == ' lang="fr"'
    themes = re.search(r'<select id="filtre-theme".*?</select>', hubs).group(0)
    assert themes.index(">Digital") < themes.index(">E-santé")  # the English labels' order, not the French one
    card = re.search(r'<li class="atlas-card"><a [^>]*>Fablab de Besançon</a>.*?</li>',
                     docs["en/territoires/doubs.md"]).group(0)
    assert '<span class="atlas-card__meta">Fab Lab, Third place · ' in card and "Themes: Digital<" in card
    assert "Third place" not in docs["hubs/index.md"] and 'lang="fr"' not in docs["hubs/index.md"]
    assert "<td>Fab Lab, Tiers-lieu</td>" in docs["hubs/index.md"]


def test_vocabulary_pages_show_the_english_label_and_description(docs: dict[str, str]) -> None:
    types = docs["en/parcourir/types.md"]
    assert "- [Third place](types.md#type-tiers-lieu) (2)" in types
    assert "## Third place { #type-tiers-lieu }" in types
    assert "## Fab Lab { #type-fab-lab }" in types
    assert "Digital fabrication workshop open to the public. ([more about Fab Lab]" in types
    assert '## <span lang="fr">Living Lab</span> { #type-living-lab }' in types
    assert '<span lang="fr">Démarche d\'innovation ouverte avec les usagers.</span>' in types
    method = docs["en/reference/methode.md"]
    assert "| tiers-lieu | Third place | — | — |" in method
    assert '| living-lab | <span lang="fr">Living Lab</span> | <span lang="fr">Démarche' in method
    assert "| tiers-lieu | Tiers-lieu | — | — |" in docs["reference/methode.md"]
    pillar = docs["en/piliers/savoirs.md"]
    assert "| Fab Lab, Third place |" in pillar


def test_the_french_edition_does_not_read_the_en_blocks(fixture_atlas, docs: dict[str, str],
                                                        tmp_path: Path) -> None:
    """The same atlas without any `en:` in its vocabulary gives the same French pages."""
    lists = {name: fixture_atlas.vocabulary.list(name) for name in VOCABULARY_LISTS}
    plain = Vocabulary(**{name: {k: dataclasses.replace(e, en={}) for k, e in entries.items()}
                          for name, entries in lists.items()})
    without = _docs(dataclasses.replace(fixture_atlas, vocabulary=plain), tmp_path)
    french = {p: t for p, t in docs.items() if not p.startswith("en/")}
    assert french == {p: t for p, t in without.items() if not p.startswith("en/")}
    assert without["en/hubs/fablab-besancon.md"] != docs["en/hubs/fablab-besancon.md"]
    assert '[<span lang="fr">Tiers-lieu</span>]' in without["en/hubs/fablab-besancon.md"]  # as before en:


def test_the_english_chart_names_types_by_the_vocabulary(fixture_atlas) -> None:
    from generator.pictures import picture_spec

    french = picture_spec(fixture_atlas, "territory/doubs/hubs-by-type")
    english = picture_spec(fixture_atlas, "en/territory/doubs/hubs-by-type")
    assert set(french.data["labels"]) == {"Tiers-lieu", "Fab Lab", "Living Lab", "Incubateur"}
    assert set(english.data["labels"]) == {"Third place", "Fab Lab", "Living Lab", "Incubator"}
    assert {row[0] for row in english.table_rows} == set(english.data["labels"])
    assert "Third place" in english.alt and "Tiers-lieu" not in english.alt + str(english.table_rows)


def test_a_hostile_english_label_stays_text(tmp_path: Path) -> None:
    """Markup and template braces in an `en:` label or description reach the English pages escaped (the built
    site's text is checked in test_english_edition) and the English chart as text, never as markup."""
    import xml.etree.ElementTree as ET

    from generator.pictures import picture_spec, render

    atlas = load_valid_atlas(HOSTILE, as_of=AS_OF)
    entry = atlas.vocabulary.hub_types["fab-lab"]
    assert "<script>" in entry.en["label"] and "{{ x }}" in entry.en["description"]
    content = tmp_path / "content"
    content.mkdir()
    outs = site_outputs(atlas, HOSTILE, content, SiteOptions(), pictures={}, schemas=None)
    english = "\n".join(o.data.decode("utf-8") for o in outs if o.path.startswith("en/") and o.path.endswith(".md"))
    hub = next(o.data.decode("utf-8") for o in outs if o.path == "en/hubs/atelier-piege.md")
    assert "alert('en')" in _row(hub, "Type")  # the English label is the one shown...
    for live in ("<script>alert('en')", "<img src=x", "{{ 7*7 }} en", "{{ x }}", "](javascript:alert(2))"):
        assert live not in english, live  # ...and nothing of it is live HTML, Markdown or a template
    spec = picture_spec(atlas, "en/territory/terre-hostile/hubs-by-type")
    assert entry.en["label"].replace("'", "\u2019") in spec.data["labels"]  # a drawing's apostrophes are ’
    svg = ET.fromstring(render(spec.kind, spec.data))
    assert not [e for e in svg.iter() if e.tag.rsplit("}", 1)[-1] in ("script", "foreignObject")]
    words = " ".join(t.strip() for e in svg.iter() for t in (e.text, e.tail) if t and t.strip())
    assert "Fab <script>alert(\u2019en\u2019)</script>" in words  # drawn as text (a long label is shortened with "…")


def test_the_english_report_names_the_vocabulary_as_the_english_site(fixture_atlas) -> None:
    from generator.pdf.templates import environment

    english = environment(fixture_atlas, "en").globals["vocab"]
    assert english("hub_types", "tiers-lieu") == "Third place"
    assert english("hub_types", "living-lab") == '<span lang="fr">Living Lab</span>'  # no en: label
    assert environment(fixture_atlas).globals["vocab"]("hub_types", "tiers-lieu") == "Tiers-lieu"


def test_every_shipped_entry_has_its_english_version() -> None:
    """The shipped vocabulary is translated: an English description beside each French one, and an English
    label for every entry but a network's own French name (shown in French, marked lang="fr")."""
    atlas = load_valid_atlas(ROOT / "territories", as_of=AS_OF)
    for name in VOCABULARY_LISTS:
        for entry_id, entry in atlas.vocabulary.list(name).items():
            assert bool(entry.en.get("description")) == bool(entry.description), (name, entry_id)
            assert entry.en.get("label") or name == "networks", (name, entry_id)


def test_a_description_given_only_in_english_is_shown_by_the_english_edition_alone(atlas_copy: Path,
                                                                                  tmp_path: Path) -> None:
    """`en:` may hold a description the French entry lacks (GOOD's incubator): the English vocabulary page
    shows it, the French page shows none (the page asked the French entry whether it had one)."""
    (atlas_copy / "vocabulary.yml").write_text(GOOD, encoding="utf-8")
    atlas = load_valid_atlas(atlas_copy, as_of=AS_OF)
    docs = _docs(atlas, tmp_path)
    english = atlas.vocabulary.hub_types["incubator"].en["description"]
    assert english in docs["en/parcourir/types.md"]
    assert english not in docs["parcourir/types.md"]
