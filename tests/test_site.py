"""The generated docs folder of the fixture atlas: golden tree, escaping in context, outputs.

The golden tree (tests/golden/site/) holds the generated Markdown and data files of the fixture
atlas, without pictures (their drawing belongs to generator.pictures) and without the fact-sheet
reference (its text comes from generator.schema). Refresh it with `pytest --update-golden`.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from generator import i18n
from generator.errors import AtlasError
from generator.outputs import Output, check_unique, write_tree
from generator.pages import Pages, SiteOptions
from generator.quality import quality_table
from generator.site import site_outputs
from generator.status_text import STATUS_SLUGS, status_category

GOLDEN = Path(__file__).resolve().parent / "golden" / "site"
INTRO = "# Atlas des territoires de demain\n\nIntroduction écrite à la main pour les tests.\n"
FIXTURE_SHEETS = Path(__file__).resolve().parent / "fixtures" / "atlas"
# Sheet copies (donnees/fiches/) are byte copies of the fixture: checked by their own test.
EXCLUDED = ("assets/", "reference/fiches.md", "donnees/fiches/", "en/assets/", "en/reference/fiches.md")


def _options(**kw) -> SiteOptions:
    base = dict(repo_url="https://example.org/atlas/depot", sheet_edit_uri="edit/main/", intro=INTRO,
                has_contribuer=True)
    base.update(kw)
    return SiteOptions(**base)


def _generated(atlas, tmp_path: Path) -> dict[str, bytes]:
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    outs = site_outputs(atlas, FIXTURE_SHEETS, content, _options(), pictures={}, schemas=None)
    return {o.path: o.data for o in outs if not o.path.startswith(EXCLUDED)}


def test_golden_tree(fixture_atlas, tmp_path: Path, update_golden: bool) -> None:
    files = _generated(fixture_atlas, tmp_path)
    if update_golden:
        if GOLDEN.exists():
            for old in sorted(GOLDEN.rglob("*"), reverse=True):
                old.unlink() if old.is_file() else old.rmdir()
        for path, data in files.items():
            target = GOLDEN / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        pytest.skip("golden tree rewritten")
    expected = {p.relative_to(GOLDEN).as_posix(): p.read_bytes() for p in GOLDEN.rglob("*") if p.is_file()}
    assert sorted(files) == sorted(expected), "pages added or removed: run pytest --update-golden and review"
    for path in files:
        assert files[path].decode() == expected[path].decode(), f"{path} differs from the golden file"


def test_generation_is_deterministic(fixture_atlas, tmp_path: Path) -> None:
    assert _generated(fixture_atlas, tmp_path) == _generated(fixture_atlas, tmp_path)


def test_territory_page_shows_facts_the_french_way(fixture_atlas) -> None:
    pages = Pages(fixture_atlas, _options())
    t = fixture_atlas.territories["grand-besancon-metropole"]
    page = pages.territory_page(t).data.decode()
    body = page.split("---\n", 2)[2].lstrip("\n")
    assert body.startswith("# Grand Besançon Métropole\n")  # the h1 comes first: MkDocs takes it as the title
    pop = t.population
    from generator import formats
    assert formats.population(pop.value) in page  # "196 000 habitants" with a no-break space
    assert f"({pop.year})" in page
    assert "source : [" in page
    assert "atlas-badge--unsourced" in page  # an unsourced fact is marked
    assert "atlas-badge--old" in page  # the 2015 figure is old at the fixture's build date
    assert "[Doubs](doubs.md)" in page  # parent and breadcrumb
    assert "[Ornans](ornans.md)" in page  # child
    assert "https://example.org/atlas/depot/edit/main/" + t.path in page  # edit this sheet
    assert "edit_url: \"https://example.org/atlas/depot/edit/main/" + t.path + '"' in page
    assert "pdf/" not in page  # no PDF built: no dead link


def test_pdf_link_only_when_the_pdf_exists(fixture_atlas) -> None:
    pages = Pages(fixture_atlas, _options(pdf_ids=frozenset({"doubs"})))
    page = pages.territory_page(fixture_atlas.territories["doubs"]).data.decode()
    assert "[État des lieux en PDF](../pdf/doubs.pdf)" in page
    assert "pdf" not in pages.territory_page(fixture_atlas.territories["ornans"]).data.decode().split("À propos")[1]


def test_hub_page_lists_partners_and_hubs_that_name_it(fixture_atlas) -> None:
    """Every partner has its card; a place that named this one without being named back is linked again where
    the page says the partnership is described (its sentence and source are on that place's page)."""
    pages = Pages(fixture_atlas, _options())
    for hub_id, named in fixture_atlas.named_by.items():
        page = pages.hub_page(fixture_atlas.hubs[hub_id]).data.decode()
        elsewhere = [other for other in named if other not in fixture_atlas.hubs[hub_id].partners]
        assert ("Où ce partenariat est décrit, avec sa source :" in page) == bool(elsewhere)
        for other in elsewhere:
            assert f"({other}.md)" in page
        for partner in fixture_atlas.partners_of.get(hub_id, ()):
            assert f'href="../{partner}/"' in page


def test_pillar_page_ranks_by_measured_score_and_keeps_the_appreciations_apart(fixture_atlas) -> None:
    from generator.measured import score_text, scores_of

    pages = Pages(fixture_atlas, _options())
    page = pages.pillar_page("health")[0].data.decode()
    ranking, editorial = page.split("## Appréciations éditoriales")
    for tid in ("doubs", "grand-besancon-metropole"):
        value = scores_of(fixture_atlas).profile(tid).pillars["health"]
        assert re.search(rf"territoires/{tid}/\">[^<]+</a></th><td[^>]*>[^<]*</td><td data-sort=\"{value!r}\">"
                         rf"{score_text(value)}</td>", ranking), tid
    rated = sorted((t for t in fixture_atlas.territories.values()
                    if t.pillars.get("health") and t.pillars["health"].rating is not None),
                   key=lambda t: editorial.index(f"territoires/{t.id}.md"))
    ratings = [t.pillars["health"].rating for t in rated]
    assert rated and ratings == sorted(ratings, reverse=True)
    assert " sur 5 |" in editorial and " sur 5" not in ranking  # the appreciations are never in the ranking


def test_a_ranking_of_regions_has_no_column_of_parents(fixture_atlas) -> None:
    """The régions' ranking of each pillar had a « Territoire parent » column of 18 dashes (a région has
    none): a column is shown when one of its territories has a parent."""
    pages = Pages(fixture_atlas, _options())
    region, doubs = fixture_atlas.territories["bourgogne-franche-comte"], fixture_atlas.territories["doubs"]
    assert fixture_atlas.parent(region.id) is None and fixture_atlas.parent(doubs.id) is not None
    regions = pages.ranking_table([(1, region, 3.0, 2)], "piliers/sante.md", "Classement")
    assert "Territoire parent" not in regions and ">—<" not in regions
    assert regions.count('<th scope="col"') == 4 and regions.count("<td") == 3  # rank, score, indicators
    departements = pages.ranking_table([(1, doubs, 3.0, 2)], "piliers/sante.md", "Classement")
    assert "Territoire parent" in departements and ">Bourgogne-Franche-Comté<" in departements


def test_the_hub_filters_list_pillars_and_statuses_in_the_site_s_order_in_both_editions(fixture_atlas) -> None:
    """The English hub filter listed the pillars in the French alphabetical order of their labels
    (« Environment, Identity, Metropolisation, Health, Knowledge ») and the statuses likewise (« To be
    checked… » first); the French one alphabetically too, where the rest of the site (the pillar pages, the
    territories' « Classer par score du pilier », the list by status) follows one order: métropolisation,
    santé, savoirs, identité, environnement; en activité, à vérifier, en projet, fermé."""
    from generator import explore
    from generator.model import PILLARS
    from generator.status_text import TO_CHECK

    facets = explore.facets(fixture_atlas)
    pillars = [v for v, _, _ in facets["pilier"]]
    assert len(pillars) >= 2 and pillars == [k for k in PILLARS if k in pillars]
    statuses = [v for v, _, _ in facets["statut"]]
    order = ("active", TO_CHECK, "project", "closed")
    assert len(statuses) >= 2 and statuses == [s for s in order if s in statuses]
    for lang, words in (("fr", ("Métropolisation", "Santé", "Savoirs", "Identité", "Environnement")),
                        ("en", ("Metropolisation", "Health", "Knowledge", "Identity", "Environment"))):
        page = Pages(fixture_atlas, _options(), lang=lang).hubs_index()[0].data.decode()
        form = page.split('name="pilier"', 1)[1].split("</select>", 1)[0]
        shown = [w for w in words if f">{w} (" in form]
        assert len(shown) >= 2 and sorted(shown, key=form.index) == shown, (lang, shown)


def _fixture_with(atlas, **changes):
    from dataclasses import replace
    from types import MappingProxyType

    return replace(atlas, **{k: MappingProxyType(v) for k, v in changes.items()})


def test_territory_page_shows_the_measured_profile_apart_from_the_appreciation(fixture_atlas) -> None:
    from generator import formats
    from generator.measured import rank_text, scores_of
    from generator.typography import french_ordinals_html

    t = fixture_atlas.territories["grand-besancon-metropole"]
    page = Pages(fixture_atlas, _options()).territory_page(t).data.decode()
    profile = scores_of(fixture_atlas).profile(t.id)
    measured, rest = page.split("## Profil mesuré", 1)[1].split("## Lieux d'innovation", 1)
    # summary table: the EPCI, its parent (the Doubs) and the median of the EPCI
    assert "| Pilier | Score mesuré | Doubs (département) | Médiane des intercommunalités (EPCI) |" in measured
    assert "| 5,0 | 5,0 | 5,0 |" in measured and "| non mesuré | non mesuré | non mesuré |" in measured
    assert "**Score mesuré : 5,0 sur 5**" in measured
    for iid, s in profile.indicators.items():
        label = fixture_atlas.indicators[iid].label
        row = next(line for line in measured.splitlines() if line.startswith(f"| {label} — "))
        assert f"| {s.score} sur 5 | {french_ordinals_html(rank_text(s))} |" in row  # `1<sup>er</sup> sur 1`
        if s.fact is not None:
            assert formats.with_unit(s.fact.value, s.fact.unit) in row
            # the row names its source briefly (producer, vintage, number) and links to the full citation,
            # listed once under the profile: the number leads to that document's title
            n = re.search(r"\]\(#source-(\d+)\)", row.split(" | ")[0]).group(1)
            assert f"{s.fact.source.publisher}" in row.split(" | ")[0] and f"source {n}](#source-{n})" in row
            cited = measured.split("### Sources des chiffres mesurés { #sources-mesures }", 1)[1].splitlines()
            entry = cited[cited.index(f"    {{ #source-{n} }}") - 1]
            assert entry.startswith("1. ") and s.fact.source.title in entry and s.fact.source.publisher in entry
            if s.fact.year:
                assert f"({s.fact.year})" in row and f" {s.fact.year}, source {n}]" in row
    assert measured.count("**Appréciation éditoriale : ") == sum(1 for p in t.pillars.values() if p.rating is not None)
    assert "n'entre jamais dans son calcul" in measured
    assert "Faits marquants (santé) { #faits-sante }" in measured and "ils ne sont pas notés" in measured
    assert "(s)" not in page


def test_an_epci_shows_a_departement_only_measure_as_context_never_scored(fixture_atlas) -> None:
    from dataclasses import replace

    from generator import formats

    indicators = dict(fixture_atlas.indicators)
    indicators["medecins-generalistes"] = replace(indicators["medecins-generalistes"], levels=("departement",))
    atlas = _fixture_with(fixture_atlas, indicators=indicators)
    page = Pages(atlas, _options()).territory_page(atlas.territories["grand-besancon-metropole"]).data.decode()
    health = page.split("Santé { #pilier-sante }", 1)[1].split("Savoirs { #pilier-savoirs }", 1)[0]
    assert "**Score mesuré : non mesuré**" in health  # one indicator left at EPCI level
    assert "Contexte : ce chiffre est celui de son département, [Doubs](doubs.md), mesuré" in health
    assert "ne compte pas dans le score de ce territoire" in health
    value = formats.with_unit(8.2, "pour 10 000 habitants")
    assert f"| {value} (2024) | 1<sup>er</sup> sur 1 |" in health.split("Indicateur (contexte)")[1]


def test_context_figures_of_two_levels_are_each_headed_by_their_own_territory(fixture_atlas) -> None:
    """An EPCI's pillar may borrow one figure from its département and another from its région: each table
    is headed by the place it measures and ranked among that place's level (a région's figure once showed
    under « Valeur pour <département> », ranked « 8e sur 14 » among départements)."""
    from dataclasses import replace
    from types import MappingProxyType

    from generator.measured import pillar_views, scores_of

    indicators = dict(fixture_atlas.indicators)
    indicators["medecins-generalistes"] = replace(indicators["medecins-generalistes"], levels=("departement",))
    indicators["apl-medecins-generalistes"] = replace(indicators["apl-medecins-generalistes"], levels=("region",))
    territories = dict(fixture_atlas.territories)
    doubs, region = territories["doubs"], territories["bourgogne-franche-comte"]
    territories["bourgogne-franche-comte"] = replace(region, measures=MappingProxyType(
        {"apl-medecins-generalistes": replace(doubs.measures["apl-medecins-generalistes"], value=2.7)}))
    atlas = _fixture_with(fixture_atlas, indicators=indicators, territories=territories)
    epci = atlas.territories["grand-besancon-metropole"]
    health = next(v for v in pillar_views(atlas, scores_of(atlas), epci) if v.key == "health")
    groups = {above.id: [r.indicator.id for r in rows] for above, rows in health.context_groups}
    assert groups == {"doubs": ["medecins-generalistes"], "bourgogne-franche-comte": ["apl-medecins-generalistes"]}
    page = Pages(atlas, _options()).territory_page(epci).data.decode()
    section = page.split("Santé { #pilier-sante }", 1)[1].split("Savoirs { #pilier-savoirs }", 1)[0]
    tables = section.split("| Indicateur (contexte) et source |")[1:]
    assert len(tables) == 2
    by_place = {t.split(" |", 1)[0].strip(): t for t in tables}
    assert set(by_place) == {"Valeur pour Doubs", "Valeur pour Bourgogne-Franche-Comté"}
    assert "Rang parmi les départements" in by_place["Valeur pour Doubs"]
    assert "Médecins" in by_place["Valeur pour Doubs"] and "2,7" not in by_place["Valeur pour Doubs"]
    assert "Rang parmi les régions" in by_place["Valeur pour Bourgogne-Franche-Comté"]
    assert "2,7" in by_place["Valeur pour Bourgogne-Franche-Comté"].split("\n\n", 1)[0]
    assert "celui de sa région, [Bourgogne-Franche-Comté](bourgogne-franche-comte.md), mesuré" in section


def test_a_hub_page_shows_its_status_note_as_literal_french_text(fixture_atlas) -> None:
    """The note of a status (« le recensement le cite 2 fois… », « annoncé en 2025 ») says what the status
    rests on: the hub page shows it in the status row, in both editions, as text a sheet cannot turn into markup."""
    from dataclasses import replace

    hub = fixture_atlas.hubs["tiers-lieu-projet"]
    assert hub.status_fact.note == "Annoncé en 2025"
    options = _options()
    row = Pages(fixture_atlas, options).hub_page(hub).data.decode().split("| Statut |")[1].split("\n")[0]
    assert " — Annoncé en 2025 " in row and row.index("Annoncé") < row.index("source :")
    english = Pages(fixture_atlas, options, lang="en").hub_page(hub).data.decode()
    assert '<span lang="fr">Annoncé en 2025</span>' in english.split("| Status |")[1].split("\n")[0]
    hostile = replace(hub.status_fact, note="<script>alert(1)</script> {{ 7*7 }} | cellule")
    atlas = _fixture_with(fixture_atlas, hubs={**fixture_atlas.hubs, hub.id: replace(hub, status_fact=hostile)})
    row = Pages(atlas, options).hub_page(atlas.hubs[hub.id]).data.decode().split("| Statut |")[1].split("\n")[0]
    assert "<script" not in row and "{{" not in row and "49" not in row
    assert "<script>alert(1)</script> {{ 7*7 }} | cellule" in html.unescape(row)  # what a reader sees
    assert row.count("|") == 1  # the row's end: a pipe in the note opens no new cell


def test_an_old_status_is_to_check_never_current(fixture_atlas) -> None:
    from dataclasses import replace

    hub = fixture_atlas.hubs["fablab-besancon"]
    old = replace(hub.status_fact, year=fixture_atlas.as_of.year - 6)
    atlas = _fixture_with(fixture_atlas, hubs={**fixture_atlas.hubs, hub.id: replace(hub, status_fact=old)})
    pages = Pages(atlas, _options())
    page = pages.hub_page(atlas.hubs[hub.id]).data.decode()
    # seen by the place's own site, not listed by the census: « recensé » would name a listing it never had
    assert f"[En activité en {old.year} — à vérifier](../parcourir/statuts.md#statut-a-verifier)" in page
    assert "Recensé" not in page
    assert "source : [" in page.split("| Statut |")[1].split("\n")[0]
    statuses = pages.status_index().data.decode()
    to_check = statuses.split("{ #statut-a-verifier }")[1].split("## ")[0]
    assert hub.name in to_check and hub.name not in statuses.split("{ #statut-en-activite }")[1].split("## ")[0]
    assert "Lieux au statut à vérifier" in pages.quality_page().data.decode()
    assert re.search(r"statut à vérifier \(plus de 5 ans ou sans date\)\]\([^)]*\) \| 1 \|",
                     pages.home_page().data.decode())


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_old_status_says_recense_only_when_the_census_saw_it(fixture_atlas, lang: str) -> None:
    """« Recensé » names the 2019 census's listing: a status seen long ago by another source (a press article)
    reads « En activité en 2020 — à vérifier », on the hub page (the PDF prints the same `status_long`), and in the
    lists « À vérifier (en activité en 2020) », where the census's places read « À vérifier (recensé …) »."""
    from generator.model import Source
    from generator.views import Words

    hub = fixture_atlas.hubs["fablab-besancon"]
    census = Source(id="mission-coworking-2019", title="Recensement des tiers-lieux", shared=True)
    article = Source(id="france3-article-2020", title="Article")
    year = fixture_atlas.as_of.year - 6  # more than five years before the build date
    expected = {"fr": (f"Recensé en activité en {year} — à vérifier", f"En activité en {year} — à vérifier",
                       f"En projet en {year} — à vérifier"),
                "en": (f"Listed as active in {year} — to be checked", f"Active in {year} — to be checked",
                       f"Planned in {year} — to be checked")}[lang]
    # the lists, cards and the map's records say it too (they said « À vérifier (en activité en 2019) »)
    short = {"fr": (f"À vérifier (recensé en activité en {year})", f"À vérifier (en activité en {year})",
                    f"À vérifier (en projet en {year})"),
             "en": (f"To be checked (listed as active in {year})", f"To be checked (active in {year})",
                    f"To be checked (planned in {year})")}[lang]
    cases = (("active", census), ("active", article), ("project", article))
    for (status, source), words, listed in zip(cases, expected, short, strict=True):
        fact = replace(hub.status_fact, value=status, year=year, source=source)
        atlas = _fixture_with(fixture_atlas, hubs={**fixture_atlas.hubs,
                                                   hub.id: replace(hub, status=status, status_fact=fact)})
        assert atlas.status_is_old(atlas.hubs[hub.id])
        assert Words(atlas, lang).status_long(atlas.hubs[hub.id]) == words
        assert Words(atlas, lang).status_short(atlas.hubs[hub.id]) == listed
        page = Pages(atlas, _options(), lang=lang).hub_page(atlas.hubs[hub.id]).data.decode()
        assert f"[{words}](" in page.split("| Statut |" if lang == "fr" else "| Status |")[1].split("\n")[0]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_status_whose_source_has_no_date_is_to_be_checked(fixture_atlas, lang: str) -> None:
    """A source without a date cannot say a place is open today: « En activité (selon une source non datée) » was
    counted among the places in activity (the home page, the filters, the map). It is now « à vérifier », as an
    old status is; a closure seen by an undated source stays « Fermé »."""
    from generator.model import Source
    from generator.status_text import TO_CHECK, status_category
    from generator.views import Words

    hub = fixture_atlas.hubs["fablab-besancon"]
    article = Source(id="page-sans-date", title="Page non datée")
    expected = {"fr": ("En activité selon une source non datée — à vérifier",
                       "À vérifier (en activité selon une source non datée)", "Fermé"),
                "en": ("Active according to an undated source — to be checked",
                       "To be checked (active according to an undated source)", "Closed")}[lang]
    undated = replace(hub.status_fact, value="active", year=None, source=article)
    atlas = _fixture_with(fixture_atlas, hubs={**fixture_atlas.hubs,
                                               hub.id: replace(hub, status="active", status_fact=undated)})
    seen = atlas.hubs[hub.id]
    assert atlas.status_is_old(seen) and status_category(atlas, seen) == TO_CHECK
    words = Words(atlas, lang)
    assert (words.status_long(seen), words.status_short(seen)) == expected[:2]
    page = Pages(atlas, _options(), lang=lang).hub_page(seen).data.decode()
    assert f"[{expected[0]}](" in page.split("| Statut |" if lang == "fr" else "| Status |")[1].split("\n")[0]
    closed = replace(hub.status_fact, value="closed", year=None, source=article)
    atlas = _fixture_with(fixture_atlas, hubs={**fixture_atlas.hubs,
                                               hub.id: replace(hub, status="closed", status_fact=closed)})
    assert not atlas.status_is_old(atlas.hubs[hub.id])
    assert Words(atlas, lang).status_long(atlas.hubs[hub.id]) == expected[2]


def test_scores_are_derived_once_per_build(fixture_atlas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import measured, opendata, pictures, scores
    from generator.load import load_valid_atlas

    calls = []
    real = scores.score_atlas
    monkeypatch.setattr(measured, "score_atlas", lambda a: calls.append(1) or real(a))
    atlas = load_valid_atlas(FIXTURE_SHEETS)
    for key in pictures.picture_keys(atlas):
        pictures.picture_spec(atlas, key)
    _generated(atlas, tmp_path)
    opendata.data_outputs(atlas)
    assert len(calls) == 1


def test_catalogue_page_is_generated_with_a_worked_example_from_the_atlas(fixture_atlas) -> None:
    from generator.measured import scores_of

    page = Pages(fixture_atlas, _options()).indicators_page().data.decode()
    for ind in fixture_atlas.indicators.values():
        assert f"### {ind.label}" in page
    example = page.split("## Exemple de calcul", 1)[1]
    doubs = scores_of(fixture_atlas).profile("doubs")
    assert "[Doubs](../territoires/doubs.md)" in example
    for iid in ("apl-medecins-generalistes", "medecins-generalistes"):
        s = doubs.indicators[iid]
        assert f"| {fixture_atlas.indicators[iid].label} |" in example and f"| {s.count} | " in example
    assert f"**{doubs.pillars['health']:.1f}**".replace(".", ",") in example


def test_quality_lists_the_sheets_that_most_need_work_first(fixture_atlas) -> None:
    rows = quality_table(fixture_atlas)
    assert [r.completeness for r in rows] == sorted(r.completeness for r in rows)
    unsourced = sum(len(r.unsourced) for r in rows)
    assert unsourced == sum(1 for _, _, f in fixture_atlas.facts() if not f.sourced)


def test_open_data_files_hold_the_atlas(fixture_atlas) -> None:
    from generator import opendata
    doc = json.loads(opendata.atlas_json(fixture_atlas))
    assert [t["id"] for t in doc["territories"]] == list(fixture_atlas.territories)
    assert len(doc["partnerships"]) == len(fixture_atlas.partnerships)
    rows = list(csv.DictReader(io.StringIO(opendata.hubs_csv(fixture_atlas).decode())))
    assert [r["id"] for r in rows] == list(fixture_atlas.hubs)
    # the measured profile: scores in territories.csv, every scored measure in measures.csv and atlas.json
    from generator.measured import scores_of
    scored = scores_of(fixture_atlas)
    territories = {r["id"]: r for r in csv.DictReader(io.StringIO(opendata.territories_csv(fixture_atlas).decode()))}
    assert float(territories["doubs"]["score_health"]) == scored.profile("doubs").pillars["health"]
    assert territories["doubs"]["score_identity"] == ""  # not measured: empty, never 0
    measures = list(csv.DictReader(io.StringIO(opendata.measures_csv(fixture_atlas).decode())))
    assert len(measures) == sum(len(p.indicators) for p in scored.profiles.values())
    apl = next(r for r in measures if r["territory"] == "doubs" and r["indicator"] == "apl-medecins-generalistes")
    assert (float(apl["value"]), apl["year"], apl["source"], apl["score"]) == (3.1, "2023", "drees-apl-2023", "5")
    gbm = next(t for t in doc["territories"] if t["id"] == "grand-besancon-metropole")
    assert gbm["measured_profile"]["pillars"]["health"] == 5.0
    assert gbm["measures"]["medecins-generalistes"]["value"] == 9.6
    assert set(doc["indicators"]) == set(fixture_atlas.indicators)
    page = Pages(fixture_atlas, _options()).opendata_page(opendata.data_outputs(fixture_atlas)).data.decode()
    for column, _ in opendata.MEASURE_COLUMNS + opendata.TERRITORY_COLUMNS + opendata.HUB_COLUMNS:
        assert f"| {column} |" in html.unescape(page), column  # written escaped for Markdown
    geo = json.loads(opendata.hubs_geojson(fixture_atlas))
    with_coords = [h for h in fixture_atlas.hubs.values() if h.coordinates]
    assert len(geo["features"]) == len(with_coords)
    first = with_coords[0]
    assert geo["features"][0]["geometry"]["coordinates"] == [first.coordinates[1], first.coordinates[0]]
    for feature in geo["features"]:  # a status comes with its year and whether it is too old to read as current
        hub = fixture_atlas.hubs[feature["id"]]
        properties = feature["properties"]
        assert properties["status_to_check"] is fixture_atlas.status_is_old(hub)
        assert properties["status_year"] == (hub.status_fact.year if hub.status_fact else None)
    assert any(f["properties"]["status_year"] is not None for f in geo["features"])


def test_csv_cells_cannot_run_as_formulas() -> None:
    from generator.opendata import _cell
    assert _cell("=HYPERLINK(\"http://x\")").startswith("'=")
    assert _cell("+33 1") == "'+33 1"
    assert _cell(-3) == "-3"


def test_reference_page_lists_every_schema_field(fixture_atlas) -> None:
    from generator.site import load_schemas
    schemas = load_schemas()
    if schemas is None:
        pytest.skip("generator.schema has no json_schemas")
    page = Pages(fixture_atlas, _options(), schemas=schemas).reference_page().data.decode()
    for field in schemas["hub"]["properties"]:
        assert field.replace("_", "&#95;") in page
    # French elides and puts the items in the plural: « liste d'identifiants », never « liste de identifiant »
    assert "| liste d'identifiants |" in page and "liste de identifiant" not in page
    assert "liste de une valeur" not in page and "liste de valeurs parmi : " in page


def test_english_reference_page_names_types_and_sheets_in_english(fixture_atlas) -> None:
    """The English reference page said « entier ou table », « liste d'identifiants », « une valeur parmi : … »
    and headed its sections « Fiche territoire », « Fiche lieu d'innovation »: words the generator writes. The
    fields' descriptions (the schemas' French words) are in English too, from the site catalogue, which must have
    every one of them (scripts/update_site_messages.py --check): no French left on the page, none marked so."""
    from generator.site import load_schemas
    schemas = load_schemas()
    if schemas is None:
        pytest.skip("generator.schema has no json_schemas")
    page = Pages(fixture_atlas, _options(), schemas=schemas, lang="en").reference_page().data.decode()
    for english in ("## Territory sheet", "## Hub sheet", "## Controlled vocabulary", "## Shared sources",
                    "## Catalogue of measured indicators", "| integer or table |", "| list of identifiers |",
                    "| one of: active, project, closed |", "| list of values among: region, departement, epci, ",
                    "| number or boolean or text |", "| date YYYY-MM-DD |", "| identifier |", "| text |"):
        assert english in page, english
    for english in ("| Must equal the folder’s name |", "| Year the figure describes |",
                    "| Date consulted (YYYY-MM-DD) |", "| higher: the higher, the better; lower: the reverse |"):
        assert english in page, english
    assert 'lang="fr"' not in page
    for french in ("Fiche ", "entier", "identifiant", "une valeur parmi", "liste de", "liste d'", " ou ", "texte",
                   "AAAA", "Année", "Doit être", "Nom officiel", "vocabulaire "):
        assert french not in page, french
    french = Pages(fixture_atlas, _options(), schemas=schemas).reference_page().data.decode()
    assert "## Fiche territoire" in french and "| entier ou table |" in french and "lang=" not in french


@dataclass
class _Pic:
    key: str
    filename: str
    svg: bytes
    title: str
    alt: str
    table_headers: tuple
    table_rows: tuple


def test_pictures_are_placed_with_alt_text_and_a_data_table(fixture_atlas, tmp_path: Path) -> None:
    # a lone straight quote (24", inches) is no French quotation mark: the attribute escapes it
    pic = _Pic("home/map", "assets/pictures/home/map.svg", b"<svg/>", "Carte <des> lieux", 'Carte 24" & <b>',
               ("Lieu", "Nombre"), (("A | B", "3"),))
    content = tmp_path / "content"
    content.mkdir()
    outs = {o.path: o for o in site_outputs(fixture_atlas, FIXTURE_SHEETS, content, _options(), {"home/map": pic})}
    assert outs["assets/pictures/home/map.svg"].data == b"<svg/>"
    home = outs["index.md"].data.decode()
    assert '<img src="assets/pictures/home/map.svg" alt="Carte 24&quot; &amp; &lt;b&gt;"' in home
    assert "<summary>Données du graphique : Carte &lt;des&gt; lieux</summary>" in home
    assert "<td>A &#124; B</td>" in home


def test_a_french_alt_text_has_the_typography_of_the_page_and_an_english_one_is_left(fixture_atlas) -> None:
    """The caption and the data table of a French picture read « CA “Saintes - L’Agglo” » (the post-pass typesets
    the text between tags), but its alt text, an attribute, kept the straight quotes and apostrophes of the sheets
    (« L'Agglo », « "Saintes" », « Doubs : »): the same French typography now, no-break spaces included; an English
    picture's alt text is left as written (its catalogue writes ’ already)."""
    from generator.page_figures import shown_alt

    alt = 'Carte de l\'Hérault : CA "Saintes - Grandes Rives - L\'Agglo" ; 3 lieux'
    french = shown_alt(_Pic("home/map", "", b"", "", alt, (), ()))
    assert french == "Carte de l\u2019Hérault\u00a0: CA «\u00a0Saintes - Grandes Rives - L\u2019Agglo\u00a0»\u202f; " \
        "3 lieux"
    english = type("EnglishPicture", (), {"alt": "Map of l'Hérault: \"Saintes\"", "lang": "en"})()
    assert shown_alt(english) == "Map of l'Hérault: \"Saintes\""
    pic = _Pic("home/map", "assets/pictures/home/map.svg", b"<svg/>", "Carte", alt, ("Lieu",), ())
    home = Pages(fixture_atlas, _options(), pictures={pic.key: pic}).home_page().data.decode()
    assert f'alt="{html.escape(french, quote=True)}"' in home and "l&#x27;" not in home and "L'Agglo" not in home


def test_missing_pictures_are_tolerated(fixture_atlas) -> None:
    page = Pages(fixture_atlas, _options(), pictures={}).home_page().data.decode()
    assert "<figure" not in page


@pytest.mark.parametrize("lang, no_point, below", [
    ("fr", "il n'est placé sur aucune carte.", "La carte ci-dessous montre son territoire, Pays horloger."),
    ("en", "it is not placed on any map.", "The map below shows its territory, Pays horloger.")])
def test_a_hub_without_coordinates_announces_the_map_below_only_when_it_is_there(fixture_atlas, lang: str,
                                                                                 no_point: str, below: str) -> None:
    """A territory without an outline (Saint-Martin) has no locator: its hubs' pages said « La carte
    ci-dessous montre son territoire » above no map."""
    hub = fixture_atlas.hubs["tiers-lieu-projet"]
    assert hub.coordinates is None
    page = Pages(fixture_atlas, _options(), pictures={}, lang=lang).hub_page(hub).data.decode()
    assert no_point in page and below not in page and "<figure" not in page
    pic = _Pic("territory/pays-horloger/locator", "assets/pictures/territory/pays-horloger/locator.svg", b"<svg/>",
               "Pays horloger", "Carte du Pays horloger", ("Lieu",), ())
    page = Pages(fixture_atlas, _options(), pictures={pic.key: pic}, lang=lang).hub_page(hub).data.decode()
    assert no_point in page and below in page
    assert page.index(below) < page.index("<figure")


@pytest.mark.parametrize("lang, below, counted, elsewhere", [
    ("fr", "la carte fixe et son tableau ci-dessous donnent les mêmes lieux", "comptés par département",
     'la <a href="../hubs/">liste des lieux</a> présente les mêmes lieux, avec les mêmes filtres'),
    ("en", "the static map and its table below give the same hubs", "counted by département",
     'the <a href="../hubs/">list of hubs</a> shows the same hubs, with the same filters')])
def test_the_map_page_names_its_fallback_only_where_it_is(fixture_atlas, lang: str, below: str, counted: str,
                                                          elsewhere: str) -> None:
    """The map page's <noscript> said « la carte fixe et son tableau ci-dessous … comptés par département » above
    no fixed map (a build without pictures) and above a map of points (an atlas of fewer than 150 placed hubs):
    it names the fixed map only where it follows, counted per département only where it is, and otherwise the
    list of hubs (a link in HTML: Markdown is not read inside <noscript>); no « Carte fixe et tableau » heading over
    nothing either."""
    from generator import explore

    def noscript(page: str) -> str:
        return page.split("<noscript><p>", 1)[1].split("</p></noscript>", 1)[0]

    page = Pages(fixture_atlas, _options(), pictures={}, lang=lang).map_page().data.decode()
    assert elsewhere in noscript(page) and below not in page and "{ #carte-fixe }" not in page
    # <noscript> is markup to the HTML post-pass, which gives it the French typography of the page's text (no
    # « JavaScript » alone on a line before a « : » on the next, as a phone showed)
    from generator.html_whitespace import squeeze

    built = squeeze(f'<html lang="{lang}"><body><noscript><p>{noscript(page)}</p></noscript></body></html>',
                    spacing=True)
    assert noscript(built).startswith("La carte interactive demande JavaScript\u00a0: " if lang == "fr" else
                                      "The interactive map needs JavaScript: ")
    pic = _Pic("home/map", "assets/pictures/home/map.svg", b"<svg/>", "Carte", "Carte des lieux", ("Nom",), ())
    page = Pages(fixture_atlas, _options(), pictures={pic.key: pic}, lang=lang).map_page().data.decode()
    assert noscript(page).endswith(below + ".")  # 3 hubs placed: a point each, not counted
    assert page.index("<noscript>") < page.index("{ #carte-fixe }") < page.index("<figure")
    assert explore.FRANCE_MAP_COUNTED_ABOVE == 150
    copies = {f"h{i}": replace(fixture_atlas.hubs["fablab-besancon"], id=f"h{i}") for i in range(151)}
    many = replace(fixture_atlas, hubs={**fixture_atlas.hubs, **copies})
    page = Pages(many, _options(), pictures={pic.key: pic}, lang=lang).map_page().data.decode()
    assert noscript(page).endswith(f"{below}, {counted}.")


def test_two_outputs_with_one_path_are_an_error() -> None:
    with pytest.raises(AtlasError, match="deux fichiers produits ont le même chemin 'a/b.md' \\(et 'a/b.md'\\) ; "
                                         "renommez l'une des fiches"):
        check_unique([Output("a/b.md", b"1"), Output("a/b.md", b"2")])
    with pytest.raises(AtlasError, match="le même chemin 'a/b.md' \\(et 'a/B.md'\\)"):
        check_unique([Output("a/B.md", b"1"), Output("a/b.md", b"2")])
    with i18n.using("en"), pytest.raises(AtlasError, match="two generated files have the same path 'a/b.md' "
                                                             "\\(also 'a/B.md'\\); rename one of the sheets"):
        check_unique([Output("a/B.md", b"1"), Output("a/b.md", b"2")])


def test_content_page_colliding_with_a_generated_page_is_an_error(fixture_atlas, tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "territoires").mkdir(parents=True)
    (content / "territoires" / "index.md").write_text("# Collision\n")
    with pytest.raises(AtlasError, match="le même chemin"):
        site_outputs(fixture_atlas, FIXTURE_SHEETS, content, _options(), {})


@pytest.mark.parametrize("path", ["../x.md", "/etc/passwd", "a/../../x", "a\\b", "a\x00b", "", "a//b", "x" * 300])
def test_paths_cannot_leave_the_output_folder(path: str) -> None:
    with pytest.raises(AtlasError):
        Output(path, b"")


def test_ids_that_are_not_slugs_make_no_page() -> None:
    from generator.pages import hub_path, territory_path
    for bad in ["../etc", "a/b", "A", "x" * 81, "a\x00"]:
        with pytest.raises(AtlasError):
            territory_path(bad)
        with pytest.raises(AtlasError):
            hub_path(bad)


def test_write_tree_leaves_unchanged_files_untouched_and_prunes_stale_ones(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    write_tree([Output("a.md", b"A"), Output("sub/b.md", b"B")], folder)
    (folder / "hand.txt").write_text("not generated")
    before = (folder / "a.md").stat().st_mtime_ns
    import os
    os.utime(folder / "a.md", ns=(before - 10_000_000_000, before - 10_000_000_000))
    old = (folder / "a.md").stat().st_mtime_ns
    stats = write_tree([Output("a.md", b"A"), Output("c.md", b"C")], folder)
    assert stats.unchanged == ["a.md"] and stats.written == ["c.md"] and stats.removed == ["sub/b.md"]
    assert (folder / "a.md").stat().st_mtime_ns == old
    assert not (folder / "sub").exists()
    assert (folder / "hand.txt").exists()


def test_write_tree_refuses_a_symbolic_link_out_of_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (folder / "link").symlink_to(outside)
    with pytest.raises(AtlasError):
        write_tree([Output("link/x.md", b"x")], folder)
    assert not (outside / "x.md").exists()


def test_home_links_the_whole_atlas_pdf_when_built(fixture_atlas) -> None:
    page = Pages(fixture_atlas, _options(atlas_pdf="pdf/atlas.pdf")).home_page().data.decode()
    assert "[L'atlas complet en PDF](pdf/atlas.pdf)" in page


def test_preview_regenerates_only_what_a_saved_sheet_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from generator.serve import Regenerator
    from generator.site import read_site_config

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")
    sheets = tmp_path / "territories"
    shutil.copytree(Path(__file__).resolve().parent / "fixtures" / "atlas", sheets)
    content = tmp_path / "content"
    content.mkdir()
    messages: list[str] = []
    regen = Regenerator(sheets, tmp_path / "docs", content, read_site_config(), messages.append)
    assert regen.run()
    page = tmp_path / "docs" / "territoires" / "pays-horloger.md"
    untouched = tmp_path / "docs" / "hubs" / "living-lab-sante.md"  # does not name the Pays horloger
    mtime = untouched.stat().st_mtime_ns
    sheet = sheets / "pays-horloger" / "territory.yml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("name: Pays horloger", "name: Pays horloger modifié"),
                     encoding="utf-8")
    assert regen.run({sheet})
    assert "# Pays horloger modifié" in page.read_text(encoding="utf-8")
    assert untouched.stat().st_mtime_ns == mtime
    said = re.fullmatch(r"régénération de (\d+) pages? de territoire ou de lieu en [\d,]+ s : (\d+) fichiers? écrits?, "
                        r"supprimés : \d+, inchangés : \d+", messages[-1])
    assert said and int(said.group(1)) == regen.pages_made, messages[-1]
    written = int(said.group(2))
    assert 0 < written < 60  # with the lists and the filter data of the indexes, in both editions
    assert 0 < regen.pages_made < len(regen.previous.territories) + len(regen.previous.hubs) - 3
    sheet.write_text("name: [\n", encoding="utf-8")  # a broken sheet: reported, last good pages kept
    assert not regen.run()
    assert re.fullmatch(r"\d+ erreurs? : l'aperçu garde les dernières bonnes pages", messages[-1]), messages[-1]
    assert "# Pays horloger modifié" in page.read_text(encoding="utf-8")


def test_methodology_is_generated_from_the_vocabulary(fixture_atlas) -> None:
    from generator.text import md_cell
    page = Pages(fixture_atlas, _options()).methodology_page().data.decode()
    for name in ("hub_types", "services", "themes", "networks"):
        for entry_id, entry in fixture_atlas.vocabulary.list(name).items():
            assert f"| {md_cell(entry_id)} | {md_cell(entry.label)} |" in page


def test_vocabulary_indexes_list_every_hub_under_each_of_its_entries(fixture_atlas) -> None:
    pages = Pages(fixture_atlas, _options())
    for name, field in (("hub_types", "types"), ("themes", "themes"), ("networks", "networks")):
        page = pages.vocabulary_index(name).data.decode()
        sections = re.split(r"^## ", page, flags=re.M)[1:]
        by_anchor = {re.search(r"\{ #[a-z]+-([a-z0-9-]+) \}", s).group(1): s for s in sections}
        for hub in fixture_atlas.hubs.values():
            for entry in getattr(hub, field):
                assert f"(../hubs/{hub.id}.md)" in by_anchor[entry], (name, entry, hub.id)
    status = pages.status_index().data.decode()
    for hub in fixture_atlas.hubs.values():
        anchor = STATUS_SLUGS[status_category(fixture_atlas, hub)]
        section = status.split(f"{{ #statut-{anchor} }}")[1].split("\n## ")[0]
        assert f"(../hubs/{hub.id}.md)" in section


def test_the_status_page_anchors_are_french_words_and_the_former_ones_still_lead_there(tmp_path: Path) -> None:
    """The sections of the status page are #statut-en-activite, #statut-a-verifier... (French words, in both
    editions, as the list's address ?statut=a-verifier), where they were #statut-active, #statut-to-check (the
    keys); every link of the site to them (home page, quality page, each hub's status) uses the new ones, and each
    former id is kept on an empty element in its heading, for the links made to it before."""
    from datetime import date

    from generator.load import load_valid_atlas

    later = load_valid_atlas(FIXTURE_SHEETS, as_of=date(2031, 1, 1))  # an open status of 2024 is « à vérifier »
    files = _generated(later, tmp_path)
    for prefix in ("", "en/"):
        status = files[f"{prefix}parcourir/statuts.md"].decode()
        ids = set(re.findall(r"\{ #([a-z0-9-]+) \}", status))
        assert {"statut-en-activite", "statut-en-projet", "statut-ferme", "statut-a-verifier"} <= ids
        kept = set(re.findall(r'<span id="([a-z0-9-]+)"></span>', status))
        assert kept == {"statut-active", "statut-project", "statut-closed", "statut-to-check"}
        assert "## <span id=\"statut-to-check\"></span>" in status  # inside its heading, not before it
        linked = [(path, anchor) for path, data in files.items() if path.startswith(prefix) and path.endswith(".md")
                  and (prefix or not path.startswith("en/"))
                  for anchor in re.findall(r"parcourir/statuts\.md#([a-z0-9-]+)\)", data.decode())]
        anchors = {anchor for _path, anchor in linked}
        assert {"statut-a-verifier", "statut-en-activite"} <= anchors  # the quality page's and a hub's, at least
        assert anchors <= ids, anchors - ids
        assert not anchors & kept, "links to the status page use its current anchors"


def test_vocabulary_lists_do_not_show_an_old_status_as_current() -> None:
    """A hub whose open status no source has seen for more than five years is « à vérifier » in the lists by
    type, theme and network too (they said « en activité » from the raw status), as on the status page."""
    from datetime import date

    from conftest import FIXTURE_ATLAS
    from generator.load import load_valid_atlas

    later = load_valid_atlas(FIXTURE_ATLAS, as_of=date(2031, 1, 1))  # the fixture's 2024 and 2025 statuses are old
    hub = later.hubs["fablab-besancon"]
    assert later.status_is_old(hub) and hub.status == "active"
    page = Pages(later, _options()).vocabulary_index("hub_types").data.decode()
    line = next(line for line in page.splitlines() if "(../hubs/fablab-besancon.md)" in line)
    assert line.endswith(", à vérifier (en activité en 2024)") and "(en activité)" not in line


def test_schema_reference_rows_name_nested_fields() -> None:
    from generator.schema_reference import spec_rows
    from generator.specs import Enum, Field, ListOf, Number, Record, Text
    spec = Record({"name": Field(Text(), True, "Nom"), "facts": Field(ListOf(Record({"value": Field(Number())}))),
                   "status": Field(Enum(("active", "closed")))})
    rows = list(spec_rows(spec))
    assert ("name", "texte", True, "Nom") in rows
    assert ("facts[].value", "nombre", False, "") in rows
    assert ("status", "une valeur parmi : active, closed", False, "") in rows
    from generator.specs import Slug
    lists = Record({"ids": Field(ListOf(Slug())), "names": Field(ListOf(Text())),
                    "kinds": Field(ListOf(Enum(("a", "b"))))})
    assert [kind for _path, kind, _req, _help in spec_rows(lists)] == [
        "liste d'identifiants", "liste de textes", "liste de valeurs parmi : a, b"]


def test_every_sheet_is_published_as_a_byte_copy_and_linked_from_its_page(fixture_atlas, tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    outs = {o.path: o for o in site_outputs(fixture_atlas, FIXTURE_SHEETS, content, _options(), {})}
    copies = {p: o for p, o in outs.items() if p.startswith("donnees/fiches/")}
    sheets = [*fixture_atlas.territories.values(), *fixture_atlas.hubs.values()]
    for sheet in sheets:
        inside = Path(sheet.path).relative_to(FIXTURE_SHEETS.name).as_posix()
        copy = copies[f"donnees/fiches/{inside}"]
        assert copy.data == (FIXTURE_SHEETS / inside).read_bytes()
        assert copy.sources == (sheet.path,)
        page_path = (f"territoires/{sheet.id}.md" if sheet in fixture_atlas.territories.values()
                     else f"hubs/{sheet.id}.md")
        page = outs[page_path].data.decode()
        assert f"[Voir la fiche source (YAML)](../donnees/fiches/{inside})" in page
        assert "[guide du contributeur](../contribuer.md)" in page
    shared = ("vocabulary.yml", "sources.yml", "indicators.yml", "moved.yml")  # every YAML file of the atlas
    for name in shared:
        assert copies[f"donnees/fiches/{name}"].data == (FIXTURE_SHEETS / name).read_bytes()
    assert len(copies) == len(sheets) + len(shared)
    assert all(p.endswith(".yml") for p in copies)  # never a page: MkDocs copies them as files


def test_modify_link_only_with_a_repository(fixture_atlas) -> None:
    t = fixture_atlas.territories["doubs"]
    without = Pages(fixture_atlas, _options(repo_url=None)).territory_page(t).data.decode()
    assert "Modifier cette fiche" not in without and "edit_url" not in without
    assert "[Voir la fiche source (YAML)](../donnees/fiches/doubs/territory.yml)" in without
    with_repo = Pages(fixture_atlas, _options()).territory_page(t).data.decode()
    assert "[Modifier cette fiche](<https://example.org/atlas/depot/edit/main/atlas/doubs/territory.yml>)" in with_repo


def _heading_levels(markdown_page: str) -> list[int]:
    """Levels of the ATX headings of a generated page (outside fenced code) and of raw HTML headings."""
    levels, fenced = [], False
    for line in markdown_page.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (m := re.match(r"(#{1,6}) \S", line)):
            levels.append(len(m.group(1)))
        levels += [int(n) for n in re.findall(r"<h([1-6])\b", line)] if not fenced else []
    return levels


def test_territory_pages_have_no_two_headings_of_the_same_text(fixture_atlas, tmp_path: Path) -> None:
    """A reader listing the headings (a screen reader's list, the table of contents) tells each one apart:
    the identity table is « Carte d'identité », the pillar « Identité » of the measured profile keeps its
    name (both editions)."""
    content = tmp_path / "content"
    content.mkdir()
    outs = site_outputs(fixture_atlas, FIXTURE_SHEETS, content, _options(), {})
    pages = {o.path: o.data.decode() for o in outs if re.match(r"(en/)?territoires/[^/]+\.md$", o.path)
             and o.data.startswith(b"---\natlas_generated: true")}
    assert len(pages) >= 2 * len(fixture_atlas.territories) - 2
    for path, page in pages.items():
        titles = [re.sub(r"\s*\{ #[^}]*\}\s*$", "", line.lstrip("#").strip())
                  for line in page.splitlines() if re.match(r"#{1,6} \S", line)]
        assert len(titles) == len(set(titles)), (path, sorted(t for t in titles if titles.count(t) > 1))
    doubs, doubs_en = pages["territoires/doubs.md"], pages["en/territoires/doubs.md"]
    # the pillar's anchor is its French slug in both editions, as every anchor of the page; its former one
    # (the key) is kept, an empty element at the start of the heading
    assert "## Carte d'identité { #identite }" in doubs
    assert '### <span id="pilier-identity"></span>Identité { #pilier-identite }' in doubs
    assert "## At a glance { #identite }" in doubs_en
    assert '### <span id="pilier-identity"></span>Identity { #pilier-identite }' in doubs_en


def test_generated_pages_have_one_h1_and_no_skipped_heading_level(fixture_atlas, tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    outs = site_outputs(fixture_atlas, FIXTURE_SHEETS, content, _options(), {})
    pages = [o for o in outs if o.path.endswith(".md") and o.data.startswith(b"---\natlas_generated: true")]
    assert len(pages) > 20
    for page in pages:
        levels = _heading_levels(page.data.decode())
        assert levels and levels[0] == 1 and levels.count(1) == 1, (page.path, levels)
        for before, after in zip(levels, levels[1:], strict=False):
            assert after <= before + 1, f"{page.path}: h{before} followed by h{after}"


def test_heading_check_sees_a_skipped_level() -> None:
    assert _heading_levels("# A\n\n### C\n") == [1, 3]
    assert _heading_levels("# A\n```\n# not a heading\n```\n<h2>B</h2>\n") == [1, 2]


def _docs_tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_preview_makes_again_exactly_the_pages_that_show_a_changed_sheet(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """After each save, the docs folder is what a full generation would write, from far fewer pages; the saved
    sheet's own page is written and told first (`Regenerator.early`), then the other pages before the data files,
    each already as the full generation makes it."""
    import shutil

    from generator.serve import Regenerator
    from generator.site import read_site_config

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")
    sheets = tmp_path / "territories"
    shutil.copytree(FIXTURE_SHEETS, sheets)
    content = tmp_path / "content"
    content.mkdir()
    config = read_site_config()
    regen = Regenerator(sheets, tmp_path / "docs", content, config, lambda message: None)
    first: dict[str, bytes] = {}  # what `early` was told, as it was then
    told: list[str] = []

    def early(written: list[str]) -> None:
        told.extend(written)
        first.update((p, (tmp_path / "docs" / p).read_bytes()) for p in written)

    regen.early = early
    assert regen.run()
    assert not first  # the first generation writes every page at once
    every = len(regen.previous.territories) + len(regen.previous.hubs)
    edits = [
        # a commune's name shows on its page, its parent's (children) and nowhere else among sheet pages
        (sheets / "ornans" / "territory.yml", "name: Ornans", "name: Ornans sur Loue"),
        # a partnership dropped: the former partner's page must stop naming this hub
        (sheets / "doubs" / "hubs" / "incubateur-ferme.yml", "partners: [fablab-besancon]\n", ""),
        # a hub renamed: its cards on its territory's pages and its partner's page change
        (sheets / "grand-besancon-metropole" / "hubs" / "living-lab-sante.yml", "name: Living Lab Santé",
         "name: Living Lab Santé et autonomie"),
    ]
    for sheet, before, after in edits:
        text_before = sheet.read_text(encoding="utf-8")
        assert before in text_before
        sheet.write_text(text_before.replace(before, after), encoding="utf-8")
        first.clear()
        told.clear()
        assert regen.run({sheet})
        assert 0 < regen.pages_made < every
        own = ("hubs/" if "/hubs/" in sheet.as_posix() else "territoires/") + (
            sheet.stem if "/hubs/" in sheet.as_posix() else sheet.parent.name) + ".md"
        assert own in first, sorted(first)
        assert len([p for p in first if p.endswith(".md")]) > 1, sorted(first)  # the pages that name it too
        assert len(told) == len(set(told))  # the own page made again after, to the same bytes: not written twice
        assert regen.written == []  # every file told as written, the last ones before the page cache's save
        sheet_path = f"territories/{sheet.relative_to(sheets).as_posix()}"
        showing = {p for p, src in regen.sources.items() if p.startswith(("territoires/", "hubs/"))
                   and p != "territoires/index.md" and p != "hubs/index.md" and sheet_path in src}
        assert len(showing) <= regen.pages_made
        full = Regenerator(sheets, tmp_path / f"full-{regen.pages_made}-{sheet.stem}", content, config,
                           lambda message: None)
        assert full.run()
        # the preview serves the French edition: a save leaves the English one's files as they were
        # (`atlas build` makes them again), the French edition is what a full generation writes
        kept, whole = _docs_tree(tmp_path / "docs"), _docs_tree(full.docs_dir)
        assert set(kept) == set(whole)
        french = {p: data for p, data in kept.items() if not p.startswith("en/")}
        assert french == {p: data for p, data in whole.items() if not p.startswith("en/")}, sheet.name
        assert all(whole[p] == data for p, data in first.items())


@pytest.mark.parametrize("config, expected", [
    ({}, "edit/main/"),
    ({"edit_uri": "edit/main/content/"}, "edit/main/"),
    ({"edit_uri": "-/edit/trunk/content/"}, "-/edit/trunk/"),
    ({"edit_uri": "-/edit/trunk/content/", "extra": {"sheet_edit_uri": "src/branch/main/"}}, "src/branch/main/"),
])
def test_sheet_edit_links_follow_the_repositorys_edit_uri(fixture_atlas, config: dict, expected: str) -> None:
    from generator.site import sheet_edit_uri, site_options

    assert sheet_edit_uri(config) == expected
    options = site_options({"repo_url": "https://git.example/o/atlas", **config}, Path("content"))
    t = fixture_atlas.territories["doubs"]
    assert options.edit_url(t.path) == f"https://git.example/o/atlas/{expected}{t.path}"


def test_partnership_rows_read_from_the_territory_s_own_hub(fixture_atlas, tmp_path: Path) -> None:
    """Under a territory, each row starts with that territory's hub; the partner's territory is the other one."""
    pages = _generated(fixture_atlas, tmp_path)
    network = pages["reseau.md"].decode("utf-8")
    doubs = network.split("### Doubs", 1)[1].split("###", 1)[0]
    rows = [line for line in doubs.splitlines() if line.startswith("| [")]
    assert rows == ["| [Ancien incubateur](hubs/incubateur-ferme.md) | [Fablab de Besançon](hubs/fablab-besancon.md)"
                    " | Grand Besançon Métropole |"]
    page = pages["territoires/doubs.md"].decode("utf-8")
    assert "Ancien incubateur" in page


def test_lists_sort_names_the_french_way(fixture_atlas) -> None:
    """Île-de-France among the I, not after Provence (issue 13): every list of the site sorts names with
    vocabulary.sort_key, accents and case folded."""
    from dataclasses import replace

    names = {"fablab-besancon": "Île aux savoirs", "living-lab-sante": "Provence lab", "incubateur-ferme": "ateliers",
             "tiers-lieu-projet": "Halle"}
    hubs = {k: replace(h, name=names.get(k, h.name)) for k, h in fixture_atlas.hubs.items()}
    atlas = _fixture_with(fixture_atlas, hubs=hubs)
    page = Pages(atlas, _options()).hubs_index()[0].data.decode()
    order = sorted(names.values(), key=lambda n: page.index(f">{n}</a>"))
    assert order == ["ateliers", "Halle", "Île aux savoirs", "Provence lab"]


def test_the_network_page_counts_one_partnership_in_the_singular(atlas_copy: Path) -> None:
    """« L'atlas compte 1 partenariats » was printed for an atlas of one partnership (the shipped one)."""
    from generator.load import load_valid_atlas

    sheet = atlas_copy / "doubs" / "hubs" / "incubateur-ferme.yml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("partners: [fablab-besancon]\n", ""), encoding="utf-8")
    atlas = load_valid_atlas(atlas_copy)
    assert len(atlas.partnerships) == 1
    page = next(o for o in Pages(atlas, _options()).network_pages() if o.path == "reseau.md").data.decode()
    assert "L'atlas compte un partenariat\nentre 2 lieux." in page and "1 partenariats" not in page


def test_the_themes_maintainer_notes_are_not_published() -> None:
    """theme/assets/vendor/README.md (versions of the vendored libraries) is no page of the site; the
    libraries' licence files are copied with them."""
    from generator.site import asset_outputs

    paths = {out.path for out in asset_outputs()}
    assert not [p for p in paths if p.endswith(".md")]
    assert "assets/atlas/vendor/leaflet/LICENSE" in paths
    assert "assets/atlas/vendor/leaflet/leaflet.js" in paths


def test_the_most_linked_places_sort_by_name_and_say_where_the_table_stops(fixture_atlas, monkeypatch) -> None:
    """The table of the most linked places lists the places with several partners, orders equal counts by
    name as readers sort them (it sorted by id: « AV Lab » after « Arty Farty »), says how many it shows of
    how many when it stops, and how many places have one partner only (the table listed 30 of the atlas's 57
    linked places, 26 of them with one partner: a row each that said nothing the partnerships below do not)."""
    from dataclasses import replace
    from types import MappingProxyType

    from generator import page_indexes
    from generator.vocabulary import sort_key

    names = {"fablab-besancon": "Zèbre lab", "living-lab-sante": "Atelier santé", "incubateur-ferme": "Écluse"}
    hubs = {k: replace(h, name=names.get(k, h.name)) for k, h in fixture_atlas.hubs.items()}
    atlas = _fixture_with(fixture_atlas, hubs=hubs)
    linked = {h for pair in atlas.partnerships for h in pair}
    assert len(linked) == 3 and sorted(len(p) for p in atlas.partners_of.values()) == [1, 1, 2]  # the fixture's

    def network_page(atlas) -> str:
        return next(o for o in Pages(atlas, _options()).network_pages() if o.path == "reseau.md").data.decode()

    def table_rows(page: str) -> list[str]:
        table = page.split("## Les lieux les plus reliés", 1)[1].split("\n## ", 1)[0]
        return [line.split("](")[0].lstrip("| [") for line in table.splitlines() if line.startswith("| [")]

    page = network_page(atlas)
    most = max(atlas.partners_of, key=lambda h: len(atlas.partners_of[h]))
    assert table_rows(page) == [names[most]]
    assert "Les 2 autres lieux reliés ont un seul partenaire chacun : ils figurent dans les partenariats " \
           "listés plus bas." in page
    assert "lieux qui ont le plus de partenaires" not in page

    # the three places linked in a triangle: two partners each, the table in readers' order, cut at RANKED_MAX
    a, b, c = sorted(linked)
    pairs = ((a, b), (a, c), (b, c))
    triangle = replace(atlas, partnerships=pairs, partners_of=MappingProxyType(
        {a: (b, c), b: (a, c), c: (a, b)}))
    page = network_page(triangle)
    assert table_rows(page) == sorted((names[h] for h in linked), key=sort_key)
    assert "un seul partenaire" not in page
    monkeypatch.setattr(page_indexes, "RANKED_MAX", 2)
    page = network_page(triangle)
    assert "Les 2 lieux qui ont le plus de partenaires, sur 3 lieux qui en ont plusieurs." in page
    assert table_rows(page) == sorted((names[h] for h in linked), key=sort_key)[:2]


def test_a_partner_page_shows_the_partner_once_and_says_where_the_partnership_is_described(fixture_atlas,
                                                                                          tmp_path: Path) -> None:
    """A partnership written on one sheet shows on both pages; the other page showed the partner twice (its
    card, then a list « Lieux qui le citent ») without the sentence and source: it shows the card once and
    links the page where the partnership is described."""
    pages = _generated(fixture_atlas, tmp_path)
    writer, named = next((a, b) for a, b in ((h.id, p) for h in fixture_atlas.hubs.values() for p in h.partners)
                         if a not in fixture_atlas.hubs[b].partners)
    page = pages[f"hubs/{named}.md"].decode("utf-8")
    name = fixture_atlas.hubs[writer].name
    partners = page.split("## Partenaires", 1)[1].split("\n## ", 1)[0]
    assert f"Où ce partenariat est décrit, avec sa source : [{name}]({writer}.md)." in partners
    assert "Lieux qui le citent" not in page
    assert partners.count(f">{name}</a>") == 1 and partners.count(name) == 2  # its card, then the sentence


def test_comparison_pages_date_every_figure_and_name_their_sources() -> None:
    """A comparison table once gave bare values (an R&D effort of 2013 read as current): each figure
    now says its year, in its cell or in its column's header when the column is of one year, with the
    « ancien » badge when old, and the page lists the sources of its columns."""
    from datetime import date

    from generator.load import load_valid_atlas

    def page(atlas, path: str) -> str:
        pages = Pages(atlas, _options())
        level = path.split("/")[-1].removesuffix(".md")
        return next(o for o in pages.comparison_pages(level) if o.path == path).data.decode()

    now = load_valid_atlas(FIXTURE_SHEETS, as_of=date(2025, 11, 26))
    text_ = page(now, "comparaison/departement.md")
    head = re.search(r'<table[^>]*atlas-compare--measures.*?</thead>', text_, re.S).group(0)
    assert "(consultations par an et par habitant), 2023</th>" in head  # one year: said once, in the header
    assert "atlas-badge--old" not in head
    sources = text_.split("## Sources { #sources }", 1)[1]
    assert ("- **Santé : Accessibilité potentielle localisée aux médecins généralistes (consultations par an et "
            "par habitant)** (2023) : Accessibilité potentielle localisée aux médecins généralistes 2023, DREES"
            in sources)
    assert "- **Lieux** : calculé par l'atlas à partir de ses fiches" in sources
    # population and area cells carry their year (or say they have none)
    assert "545 000 (non daté)" in text_.replace("\u202f", " ").replace("\xa0", " ")
    # ten years later the same figures are old, and the page says so where it gives their year
    later = load_valid_atlas(FIXTURE_SHEETS, as_of=date(2035, 1, 1))
    head = re.search(r'<table[^>]*atlas-compare--measures.*?</thead>',
                     page(later, "comparaison/departement.md"), re.S).group(0)
    assert re.search(r', 2023 <span class="atlas-badge atlas-badge--old" title="[^"]+">ancien</span></th>', head)


def test_a_comparison_of_several_territories_says_how_to_sort_in_a_sentence_of_its_own() -> None:
    """The sorting sentence follows the legend's last sentence after a space (a block tag's newline was
    trimmed: « …sur la page de chaque territoire.Cliquez sur l'en-tête… »)."""
    from picture_atlas import make_atlas  # three départements

    text_ = next(o for o in Pages(make_atlas(), _options()).comparison_pages("departement")
                 if o.path == "comparaison/departement.md").data.decode()
    assert "la page de chaque territoire. Cliquez sur l'en-tête d'une colonne pour trier" in text_
    assert not re.search(r"[a-zé]\.[A-Z]", text_.split("<table", 1)[0])


def test_a_comparison_column_shows_its_figures_to_one_precision() -> None:
    """« 7 » stood beside « 7,1 »: a column's decimal figures now show as many decimals as the most precise of them
    (« 7,0 »), so they line up and read as one measure. An integer stays whole: `atlas import` rounds an area of
    1,000 km² or more to the unit, and « 5 771,0 » claimed a tenth it does not have."""
    from types import MappingProxyType

    from picture_atlas import make_atlas  # three départements

    from generator.model import Fact
    from generator.page_pillars import _places

    assert _places([7.1, 1023, 0.25, None]) == 2 and _places([7, 7.0, 100]) is None
    assert _places([1 / 3]) == 3  # a float's long tail is capped

    atlas = make_atlas()
    areas = {"doubs": 7.1, "jura": 7.0, "reunion": 1023}  # an int: written rounded to the unit (atlas import)
    territories = {tid: replace(t, area_km2=Fact(areas[tid], 2024)) if tid in areas else t
                   for tid, t in atlas.territories.items()}
    atlas = replace(atlas, territories=MappingProxyType(territories))
    page = next(o for o in Pages(atlas, _options()).comparison_pages("departement")
                if o.path == "comparaison/departement.md").data.decode().replace("\u202f", " ").replace("\xa0", " ")
    first = page.split("</table>", 1)[0]  # population, area, places (the measures' table is the next)
    cells = re.findall(r'<td data-sort="([^"]*)">([^<(]*)', first)
    shown = {sort: text_.strip() for sort, text_ in cells if sort in ("7.1", "7.0", "1023")}
    assert shown == {"7.1": "7,1", "7.0": "7,0", "1023": "1 023"}  # no tenth the import did not keep
    assert '<td data-sort="200000">200 000 (2021)' in first  # the population column: whole numbers stay whole
    assert '<td data-sort="7.0">7</td>' in page  # and so does a measure column of whole figures


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_the_status_filter_s_address_has_french_words_and_reads_the_former_keys(fixture_atlas, tmp_path: Path,
                                                                               prefix: str) -> None:
    """The status filter wrote English keys in the address of French pages (`?statut=to-check`): its values are
    now French words in both editions (`?statut=en-activite`), as the pillar filter's (`?pilier=sante`); the
    former key is each option's data-former, which theme/assets/filters.js reads and rewrites."""
    files = _generated(fixture_atlas, tmp_path)
    for page in ("hubs/index.md", "carte/index.md"):
        form = re.search(r'<select [^>]*name="statut">(.*?)</select>', files[prefix + page].decode()).group(1)
        options = [(value, re.search(r'data-former="([^"]*)"', attrs).group(1) if "data-former" in attrs else "")
                   for value, attrs in re.findall(r'<option value="([^"]*)"([^>]*)>', form)]
        assert options == [("", ""), ("en-activite", "active"), ("en-projet", "project"), ("ferme", "closed")], page
    records = json.loads(files[prefix + "parcourir/lieux.json"])
    assert {r["s"] for r in records} == {"en-activite", "en-projet", "ferme"}
    script = (Path(__file__).resolve().parent.parent / "theme" / "assets" / "atlas-map.js").read_text(encoding="utf-8")
    assert '"en-activite": "●"' in script and '"a-verifier": "▲"' in script  # the map's shapes by the same values


def test_french_ordinals_are_raised_where_markup_is_allowed(fixture_atlas, tmp_path: Path) -> None:
    """« 1er sur 1 », « consulté le 1er février 2025 » were plain: French typography raises the suffix,
    `1<sup>er</sup>`, in the page's text; the citation to copy (plain text) keeps « 1er », and the English
    edition's ordinals (« 1st of 1 ») are as they were."""
    from conftest import FIXTURE_ATLAS

    docs = {o.path: o.data.decode() for o in site_outputs(fixture_atlas, FIXTURE_ATLAS, tmp_path, _options(),
                                                          pictures={}, schemas=None) if o.path.endswith(".md")}
    french = docs["territoires/doubs.md"]
    assert "| 1<sup>er</sup> sur 1 |" in french and "| 1er sur 1 |" not in french
    assert "| Fiche vérifiée le | 1<sup>er</sup> mars 2025 |" in french
    assert "« Doubs » (fiche territoire, mise à jour le 1er mars 2025)" in french  # the citation, to copy as it is
    assert not re.search(r'="[^"]*<sup>', french)  # never inside an attribute
    metropole = docs["territoires/grand-besancon-metropole.md"]
    assert "consulté le 1<sup>er</sup> février 2025" in metropole and "consulté le 1er" not in metropole
    english = docs["en/territoires/doubs.md"]
    assert "| 1st of 1 |" in english and "<sup>" not in english
