"""The scoring rule of the spec on a small atlas whose scores are worked out by hand below.

Five départements d1..d5, in one région:

- `acces` (health, higher): d1 = 1, d2 = 2, d3 = 2, d4 = 4, d5 has none -> 4 territories measured.
  d1: values <= 1: {1} -> p = 1/4, 5p = 1.25, score 2 (rank 4);
  d2, d3 (tie): values <= 2: {1, 2, 2} -> p = 3/4, 5p = 3.75, score 4 (rank 2, shared);
  d4: p = 4/4, score 5 (rank 1). Median of 1, 2, 2, 4 = 2.
- `attente` (health, lower: a low value is stronger): 10, 20, 30, 40, 50 for d1..d5.
  p = share of values >= own: d1 5/5 -> 5; d2 4/5 -> 4; d3 3/5 -> 3 (5 × 3/5 is exactly 3, not 4);
  d4 2/5 -> 2; d5 1/5 -> 1. Median 30.
- `verdure` (environment): the only environment indicator of d1..d5 -> environment not measured.
- `velo` (environment) lists only the EPCI level: never scored for départements.

Health pillar = mean of the two scores: d1 (2 + 5) / 2 = 3.5; d2 (4 + 4) / 2 = 4.0; d3 (4 + 3) / 2 = 3.5;
d4 (5 + 2) / 2 = 3.5; d5 has one health indicator only -> not measured (None, never 0).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from generator.model import Atlas, Fact, Hub, Indicator, Source, Territory, Vocabulary, build_atlas
from generator.scores import explain, mean_one_decimal, score, score_atlas

SOURCE = Source("test-source", "Source de test", publisher="Producteur")


def _indicator(iid: str, pillar: str, direction: str = "higher", levels: tuple[str, ...] = ("departement",),
               derived: str | None = None) -> Indicator:
    return Indicator(id=iid, label=iid.capitalize(), pillar=pillar, direction=direction, levels=levels,
                     unit="u", source=None if derived else SOURCE, year=None if derived else 2023, derived=derived)


def _territory(tid: str, level: str, parent: str | None, measures: dict[str, float], population: int) -> Territory:
    return Territory(id=tid, name=tid.upper(), level=level, updated=date(2026, 1, 1),
                     path=f"territories/{tid}/territory.yml", parent_id=parent,
                     population=Fact(population, 2023, SOURCE),
                     measures={k: Fact(v, 2023, SOURCE) for k, v in measures.items()})


def _atlas() -> Atlas:
    indicators = {
        "acces": _indicator("acces", "health"),
        "attente": _indicator("attente", "health", "lower"),
        "verdure": _indicator("verdure", "environment"),
        "velo": _indicator("velo", "environment", levels=("epci",)),
        "lieux": _indicator("lieux", "knowledge", levels=("region", "departement"), derived="hubs-per-100k"),
    }
    values = {
        "d1": {"acces": 1, "attente": 10, "verdure": 7, "velo": 3},
        "d2": {"acces": 2, "attente": 20, "verdure": 8},
        "d3": {"acces": 2, "attente": 30},
        "d4": {"acces": 4, "attente": 40},
        "d5": {"attente": 50},
    }
    territories = {"r": _territory("r", "region", None, {}, 400_000)}
    for tid, measures in values.items():
        territories[tid] = _territory(tid, "departement", "r", measures, 100_000)
    hubs = {"h1": Hub(id="h1", territory_id="d1", name="H1", types=("fab-lab",), status="active",
                      updated=date(2026, 1, 1), path="territories/d1/hubs/h1.yml")}
    return build_atlas(territories, hubs, Vocabulary(), {"test-source": SOURCE}, date(2026, 12, 1), indicators)


def test_scores_worked_by_hand() -> None:
    scores = score_atlas(_atlas())
    acces = {tid: scores.profile(tid).indicators["acces"] for tid in ("d1", "d2", "d3", "d4")}
    assert {tid: s.score for tid, s in acces.items()} == {"d1": 2, "d2": 4, "d3": 4, "d4": 5}
    assert {tid: s.rank for tid, s in acces.items()} == {"d1": 4, "d2": 2, "d3": 2, "d4": 1}
    assert {tid: s.p for tid, s in acces.items()} == {"d1": 0.25, "d2": 0.75, "d3": 0.75, "d4": 1.0}
    assert all(s.count == 4 and s.median == 2 for s in acces.values())
    assert "acces" not in scores.profile("d5").indicators  # absent, not zero

    attente = {tid: scores.profile(tid).indicators["attente"].score for tid in ("d1", "d2", "d3", "d4", "d5")}
    assert attente == {"d1": 5, "d2": 4, "d3": 3, "d4": 2, "d5": 1}
    assert scores.profile("d1").indicators["attente"].rank == 1
    assert scores.medians[("departement", "attente")] == 30


def test_pillars_need_two_measured_indicators() -> None:
    scores = score_atlas(_atlas())
    health = {tid: scores.profile(tid).pillars["health"] for tid in ("d1", "d2", "d3", "d4", "d5")}
    assert health == {"d1": 3.5, "d2": 4.0, "d3": 3.5, "d4": 3.5, "d5": None}
    # d1 has `verdure` and an EPCI-only `velo` measure: one scored environment indicator -> not measured
    assert "velo" not in scores.profile("d1").indicators
    assert scores.profile("d1").pillars["environment"] is None
    assert scores.pillar_medians[("departement", "health")] == 3.5


def test_derived_hubs_per_100k() -> None:
    scores = score_atlas(_atlas())
    # one hub in d1 (100,000 inhabitants) -> 1; the région (400,000) holds it too -> 0.25
    assert scores.profile("d1").indicators["lieux"].value == 1.0
    assert scores.profile("d2").indicators["lieux"].value == 0.0
    assert scores.profile("r").indicators["lieux"].value == 0.25
    # d1 is the only one above 0: p = 5/5; the four at 0 share p = 4/5 -> 4
    assert scores.profile("d1").indicators["lieux"].score == 5
    assert scores.profile("d2").indicators["lieux"].score == 4


def test_rule_edges() -> None:
    # ceil(5 × 3/5) is 3 in exact arithmetic (3.0000000000000004 in floats)
    assert score([1.0, 2.0, 3.0, 4.0, 5.0], 3.0, "higher")[1] == 3
    assert score([1.0] * 7, 1.0, "higher") == (1.0, 5, 1)  # all equal: all strongest
    assert score([1.0, 2.0, 3.0], 3.0, "lower") == (1 / 3, 2, 3)
    # halves of a mean rounded up, as by hand: 9 / 4 = 2.25 -> 2.3; 11 / 3 -> 3.7
    assert mean_one_decimal([2, 2, 2, 3]) == 2.3
    assert mean_one_decimal([3, 4, 4]) == 3.7
    assert mean_one_decimal([1, 2]) == 1.5


def test_deterministic() -> None:
    a, b = score_atlas(_atlas()), score_atlas(_atlas())
    assert a == b
    assert list(a.profiles) == sorted(a.profiles)
    assert list(a.profile("d1").indicators) == ["acces", "attente", "verdure", "lieux"]  # catalogue order


def test_explain_in_french() -> None:
    atlas = _atlas()
    text = explain(atlas, score_atlas(atlas), "d2")
    assert "Santé : 4,0 (moyenne de 2 notes : 4 + 4 = 8, divisé par 2)" in text
    assert "rang 2 ex aequo sur 4" in text  # d2 and d3 tie on `acces`
    assert "3 départements sur 4 ont une valeur inférieure ou égale : p = 3/4 = 0,750" in text
    assert "note = max(1, ⌈5 × 0,750⌉) = 4" in text
    assert "4 départements sur 5 ont une valeur supérieure ou égale" in text  # `attente`, direction lower
    assert "Environnement : non mesuré (1 indicateur mesuré sur 1 ; il en faut au moins deux)" in text


def test_explain_follows_the_language() -> None:
    """`atlas --lang en scores --explain` is English through and through (it was French in both languages): the
    rule, the pillars' and levels' English names, numbers with a decimal point, a shared rank, and the French
    plural rule of each (« 1 département sur 4 a », « 1 département out of 4 has »)."""
    from generator import i18n

    atlas = _atlas()
    with i18n.using("en"):
        text = explain(atlas, score_atlas(atlas), "d2")
        first = explain(atlas, score_atlas(atlas), "d1")
    assert text.startswith("Measured profile: ")
    assert "Rule: for each indicator, p = the share of the départements having the measure" in text
    assert "Health: 4.0 (mean of 2 scores: 4 + 4 = 8, divided by 2)" in text
    assert "rank 2 (tied) of 4" in text
    assert "3 départements out of 4 have a value lower than or equal: p = 3/4 = 0.750; score = max(1, ⌈5 × 0.750⌉) " \
        "= 4" in text
    assert "4 départements out of 5 have a value greater than or equal" in text
    assert "Environment: not measured (1 of 1 indicator measured; at least two are needed)" in text
    assert "1 département out of 4 has a value lower than or equal" in first
    assert not any(word in text for word in ("valeur", "rang", "note", "moyenne", "Santé", "0,750"))
    assert explain(atlas, score_atlas(atlas), "d2", lang="en") == text  # or asked for by its argument
    assert explain(atlas, score_atlas(atlas), "d2").startswith("Profil mesuré : ")  # French by default


def test_scores_command_speaks_english_with_lang_en(atlas_copy, capsys) -> None:
    """The command line's --lang reaches the explanation (the fixture atlas measures its départements)."""
    from generator.cli import main

    assert main(["--lang", "en", "scores", "--explain", "doubs"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Measured profile: Doubs (département, doubs)\nRule: ")
    assert "Règle" not in out and " sur " not in out
    assert main(["scores", "--explain", "doubs"]) == 0
    assert capsys.readouterr().out.startswith("Profil mesuré : Doubs (département, doubs)\nRègle : ")


def test_explain_says_one_territory_in_the_singular_and_keeps_the_acronym() -> None:
    atlas = _atlas()
    text = explain(atlas, score_atlas(atlas), "d1")  # the lowest `acces` of 4: only itself has less or as much
    assert "1 département sur 4 a une valeur inférieure ou égale : p = 1/4 = 0,250" in text
    assert "1 départements" not in text
    epci = replace(atlas.territories["d1"], id="e1", level="epci")
    atlas = replace(atlas, territories={**atlas.territories, "e1": epci})
    text = explain(atlas, score_atlas(atlas), "e1")
    assert "(intercommunalité (EPCI), e1)" in text and "des intercommunalités (EPCI) ayant la mesure" in text
    assert "(epci)" not in text


def test_a_shared_rank_says_it_is_shared() -> None:
    """d2 and d3 tie on `acces` (rank 2 for both): every printed rank says so, « 2e ex aequo sur 4 » /
    « tied 2nd of 4 », and a rank held alone does not (« 1er sur 4 »)."""
    from generator.measured import rank_text
    from generator.views import Words

    atlas = _atlas()
    scores = score_atlas(atlas)
    acces = {tid: scores.profile(tid).indicators["acces"] for tid in ("d1", "d2", "d3", "d4")}
    assert {tid: s.tied for tid, s in acces.items()} == {"d1": 1, "d2": 2, "d3": 2, "d4": 1}
    assert rank_text(acces["d2"]) == rank_text(acces["d3"]) == "2e ex aequo sur 4"
    assert rank_text(acces["d4"]) == "1er sur 4" and rank_text(acces["d1"]) == "4e sur 4"
    english = Words(atlas, "en")
    assert english.rank_text(acces["d2"]) == "tied 2nd of 4" and english.rank_text(acces["d4"]) == "1st of 4"
    assert "rang 2 ex aequo sur 4" in explain(atlas, scores, "d2")
    assert "rang 1 sur 5" in explain(atlas, scores, "d1")  # `attente`: no tie


def test_a_shared_rank_on_the_pages_and_in_the_report(tmp_path) -> None:
    """The territory page's indicator table and the pillar's ranking (both editions) and the PDF report
    print the tie; on the health pillar d2 (4.0) is first alone and d1, d3, d4 share 3.5."""
    import io

    from pypdf import PdfReader

    from generator.pages import Pages, SiteOptions
    from generator.pdf import Renderer, check_variant, prepare_build_folder

    atlas = _atlas()
    for lang, shared, alone in (("fr", "| 2<sup>e</sup> ex aequo sur 4 |", "| 1<sup>er</sup> sur 4 |"),
                                ("en", "| tied 2nd of 4 |", "| 1st of 4 |")):
        pages = Pages(atlas, SiteOptions(), lang=lang)
        assert shared in pages.territory_page(atlas.territories["d2"]).data.decode()
        assert alone in pages.territory_page(atlas.territories["d4"]).data.decode()
        ranking = "\n".join(o.data.decode() for o in pages.pillar_page("health"))
        tied = "ex aequo" if lang == "fr" else "tied"
        # health: d2 4.0 alone first; d1, d3, d4 share 3.5 -> « 2 ex aequo » three times
        assert ranking.count(f">2 {tied}<") == 3 and f">1 {tied}<" not in ranking, ranking
    build = tmp_path / "build"
    renderer = Renderer(atlas, build, prepare_build_folder(build, {}), check_variant(None))
    pdf = renderer.territory_pdf("d2")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "2e ex aequo sur 4" in " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def test_a_tie_on_the_least_favourable_value_is_explained(tmp_path) -> None:
    """d2 to d5 have no hub: they share the last place on `lieux`, yet the rule gives them 4 of 5 (p = 4/5). Their
    rank says « au bas du classement » / « bottom of the ranking », and the territory page (both editions) and the
    report explain that score under the table. A tie in the middle (`acces`: d2 and d3, 2nd of 4) and a place held
    alone say nothing of the kind."""
    import io

    from pypdf import PdfReader

    from generator.measured import rank_text
    from generator.pages import Pages, SiteOptions
    from generator.pdf import Renderer, check_variant, prepare_build_folder
    from generator.views import Words

    atlas = _atlas()
    scores = score_atlas(atlas)
    lieux = {tid: scores.profile(tid).indicators["lieux"] for tid in ("d1", "d2", "d3", "d4", "d5")}
    assert [(s.rank, s.tied, s.score, s.tied_last) for s in lieux.values()] == \
        [(1, 1, 5, False)] + [(2, 4, 4, True)] * 4
    assert not scores.profile("d2").indicators["acces"].tied_last  # 2nd of 4 with d3: a tie, not the last place
    assert rank_text(lieux["d3"]) == "2e ex aequo sur 5, au bas du classement"
    assert Words(atlas, "en").rank_text(lieux["d3"]) == "tied 2nd of 5, bottom of the ranking"
    assert rank_text(lieux["d1"]) == "1er sur 5"

    for lang, note in (("fr", "4 des 5 départements, dont ce territoire, ont la valeur la moins favorable"),
                       ("en", "4 of the 5 départements, this territory included, share the least favourable value")):
        pages = Pages(atlas, SiteOptions(), lang=lang)
        page = pages.territory_page(atlas.territories["d3"]).data.decode()
        assert page.count(note) == 1, page
        score = "le même score, 4 sur 5," if lang == "fr" else "the same score, 4 out of 5,"
        assert score in page
        assert note not in pages.territory_page(atlas.territories["d1"]).data.decode()
    build = tmp_path / "build"
    renderer = Renderer(atlas, build, prepare_build_folder(build, {}), check_variant(None))
    for lang, said in (("fr", "4 des 5 départements, dont ce territoire, ont la valeur la moins favorable"),
                       ("en", "4 of the 5 départements, this territory included, share the least favourable")):
        if lang == "en":
            renderer = Renderer(atlas, build, prepare_build_folder(build, {}), check_variant(None), lang="en")
        pdf = renderer.territory_pdf("d3")
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        assert said in " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())
