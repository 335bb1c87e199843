"""PDF reports read back with pypdf: content, French formats, outline, tags, safety, offline.

Reports are real WeasyPrint PDFs of the lead's fixture atlas (tests/fixtures/atlas) and of a
hostile sheet (tests/fixtures/pdf_hostile). Expected strings are computed from the model with
generator.formats, never written by hand.
"""

from __future__ import annotations

import io
import re
import shutil
import socket
from datetime import date
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from generator import formats, i18n
from generator.errors import AtlasError
from generator.model import PILLAR_LABELS, PILLARS
from generator.pdf import (
    DEFAULT_VARIANT,
    check_territory_ids,
    check_variant,
    dump_atlas,
    write_reports,
)
from generator.pdf.report import CAPS, atlas_chapters
from generator.typography import attribute_text, french_quotes_text

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "pdf_hostile"
AS_OF = date(2025, 11, 26)
TERRITORY = "grand-besancon-metropole"


def text_of(path_or_bytes) -> str:
    """All the page text, with no-break spaces as spaces and hyphenated line ends joined."""
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).read_bytes()
    reader = PdfReader(io.BytesIO(data))
    return normalize("\n".join(page.extract_text() for page in reader.pages))


def normalize(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    text = re.sub(r"[\u2010-]\n", "", text)  # WeasyPrint's hyphenation (U+2010) at a line end
    return re.sub(r"[ \t]+", " ", text)


def outline_tree(reader: PdfReader) -> list:
    """The PDF outline as nested (title, children) pairs."""
    def build(items: list) -> list:
        out: list = []
        for item in items:
            if isinstance(item, list):
                out[-1] = (out[-1][0], build(item))
            else:
                out.append((item.title, []))
        return out
    return build(reader.outline)


def struct_elements(reader: PdfReader, kind: str) -> list:
    """The structure elements of type `kind` (`/Figure`, `/H1`...) of a tagged PDF."""
    found: list = []

    def walk(node) -> None:
        node = node.get_object()
        if not hasattr(node, "get"):
            return
        if node.get("/S") == kind:
            found.append(node)
        kids = node.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object") and hasattr(kid.get_object(), "get"):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


@pytest.fixture(scope="module")
def hostile_atlas():
    from generator.load import load_valid_atlas

    return load_valid_atlas(HOSTILE, as_of=AS_OF)


@pytest.fixture(scope="module")
def fixture_reports(fixture_atlas, tmp_path_factory) -> dict[str, Path]:
    """Every territory report and the whole atlas of the fixture, built once, without pictures."""
    out = tmp_path_factory.mktemp("pdf")
    paths = write_reports(fixture_atlas, out, None, whole_atlas=True, jobs=1, pictures={})
    return {p.stem: p for p in paths}


# ---- one territory's report -------------------------------------------------------------------

def test_territory_report_shows_name_pillars_indicators_and_sources(fixture_atlas, fixture_reports):
    territory = fixture_atlas.territories[TERRITORY]
    text = text_of(fixture_reports[TERRITORY])
    assert territory.name in text
    for key in PILLARS:
        assert PILLAR_LABELS[key] in text
    # Every indicator value, in the French format generator.formats gives it.
    for pillar in territory.pillars.values():
        for fact in pillar.indicators:
            assert normalize(formats.with_unit(fact.value, fact.unit)) in text, fact
    # Population with its unit and the French thousands separator.
    assert normalize(formats.with_unit(territory.population.value, "habitants")) in text
    # Every source cited by the territory's facts is listed with its title.
    cited = {fact.source.title for _, fact in territory.facts() if fact.source}
    assert cited
    for title in cited:
        assert normalize(french_quotes_text(title)) in text  # its quotes as French typography writes them
    assert formats.long_date(fixture_atlas.as_of) in text  # the edition date, in French


def test_a_hubs_status_note_is_in_its_territorys_report(fixture_atlas, fixture_reports):
    """The status note of a hub (what its status rests on) is printed under the status, as on the site."""
    hub = fixture_atlas.hubs["tiers-lieu-projet"]
    assert hub.status_fact.note == "Annoncé en 2025"
    assert "Annoncé en 2025" in text_of(fixture_reports[hub.territory_id])



def test_a_hubs_commune_is_in_its_territorys_report(fixture_atlas, fixture_reports):
    """A hub's commune by its official name (the COG's) and code, as on its page: the code named as the
    INSEE code, so that it is not read as a postcode beside the address's."""
    hub = fixture_atlas.hubs["living-lab-sante"]
    assert hub.commune == "25056"
    text = normalize(text_of(fixture_reports[hub.territory_id]))
    assert "Commune Besançon (code INSEE 25056)" in text and "Besançon (25056)" not in text

def test_pillar_sections_are_named_by_their_french_slug_and_keep_the_former_names(fixture_reports):
    """A pillar's section is `t-<id>-pilier-sante` (the French slug, as on the site), where the report's contents
    and profile table lead; the former name (the key, `-pilier-health`) stays a destination of the same section
    for the links made to it."""
    from generator.model import PILLAR_SLUGS

    reader = PdfReader(fixture_reports[TERRITORY])
    names = reader.named_destinations
    page_of = {name: reader.get_destination_page_number(dest) for name, dest in names.items()}
    links = {str(a.get_object()["/Dest"]) for page in reader.pages for a in page.get("/Annots") or []
             if "/Dest" in a.get_object()}
    for key, slug in PILLAR_SLUGS.items():
        current, former = f"t-{TERRITORY}-pilier-{slug}", f"t-{TERRITORY}-pilier-{key}"
        assert current in names and current in links, key
        assert page_of[former] == page_of[current] and (former == current or former not in links), key


def test_french_spacing_in_a_report(fixture_reports):
    from generator.typography import NBSP

    raw = "\n".join(page.extract_text() for page in PdfReader(fixture_reports[TERRITORY]).pages)
    assert f"Score mesuré{NBSP}:" in raw and f"Dans{NBSP}:" in raw
    assert f"«{NBSP}non sourcé{NBSP}»" in raw
    assert not re.search(r"\w [:;?!](\s|$)", raw, flags=re.M)  # no ordinary space before those marks


def test_editorial_appreciation_stays_apart_from_the_measured_score(fixture_atlas, fixture_reports):
    territory = fixture_atlas.territories[TERRITORY]
    text = text_of(fixture_reports[TERRITORY])
    for key in PILLARS:
        pillar = territory.pillars.get(key)
        if pillar is not None and pillar.rating is not None:
            assert f"Appréciation éditoriale : {pillar.rating} sur 5" in text, key
    assert text.count("Appréciation éditoriale :") == sum(
        1 for p in territory.pillars.values() if p.rating is not None)
    assert "jamais moyennée avec lui" in text


def test_territory_report_shows_the_measured_profile(fixture_atlas, fixture_reports):
    from generator.measured import rank_text, scores_of
    from generator.vocabulary import score as score_out_of

    profile = scores_of(fixture_atlas).profile(TERRITORY)
    text = " ".join(text_of(fixture_reports[TERRITORY]).split())  # table cells wrap
    assert normalize(f"Score mesuré : {score_out_of(profile.pillars['health'])}") in text
    assert "Score mesuré : non mesuré" in text  # the pillars with fewer than two indicators
    for iid, s in profile.indicators.items():
        ind = fixture_atlas.indicators[iid]
        assert normalize(french_quotes_text(ind.label)) in text
        assert normalize(rank_text(s)) in text
        if s.fact is not None:
            assert normalize(formats.with_unit(s.fact.value, s.fact.unit)) in text
            assert normalize(s.fact.source.title) in text
    parent = fixture_atlas.parent(TERRITORY)
    assert normalize(f"{parent.name} (département)") in text  # the parent's column
    assert "Médiane des intercommunalités (EPCI)" in text


def test_unsourced_and_old_facts_are_marked(fixture_atlas, fixture_reports):
    territory = fixture_atlas.territories[TERRITORY]
    facts = [fact for _, fact in territory.facts()]
    assert any(f.source is None for f in facts) and any(fixture_atlas.is_old(f) for f in facts)
    text = text_of(fixture_reports[TERRITORY])
    assert "non sourcé" in text
    assert "ancien" in text
    # Sources are numbered: the first reference is [1] and facts cite it.
    assert text.count("[1]") >= 2


def test_a_figure_without_a_year_says_non_date(fixture_atlas, fixture_reports):
    """Figures print their year in parentheses; one whose source gives none says « (non daté) » in its
    place, and a date of its own (a hub's opening year) or an address never does."""
    doubs = fixture_atlas.territories["doubs"]
    assert doubs.population.year is None and doubs.area_km2.year is None
    text = text_of(fixture_reports["doubs"])
    assert "545 000 habitants (non daté)" in text and "5 233,6 km² (non daté)" in text
    hub = fixture_atlas.hubs["fablab-besancon"]
    assert hub.founded_fact.year == 2024  # the year of its source, not printed beside the year 2014
    besancon = text_of(fixture_reports[TERRITORY])
    assert re.search(r"Ouverture 2014 ?\[\d+\]", besancon), besancon  # « Ouverture », as on the site
    assert "2014 (non daté)" not in besancon and "Besançon (non daté)" not in besancon


def test_page_numbers_toc_and_outline(fixture_atlas, fixture_reports):
    reader = PdfReader(fixture_reports[TERRITORY])
    pages = len(reader.pages)
    assert pages >= 4
    for number in range(2, pages + 1):
        assert f"page {number} sur {pages}" in normalize(reader.pages[number - 1].extract_text())
    tree = outline_tree(reader)
    name = fixture_atlas.territories[TERRITORY].name
    assert [title for title, _ in tree] == [name]
    sections = [title for title, _ in tree[0][1]]
    # one term for the places, as on the site (issue 13): « lieux d'innovation », never « pôles »
    assert sections == ["Carte d’identité", "Profil mesuré et cinq piliers", "Lieux d’innovation", "Partenariats",
                        "Territoires inclus", "Sources"]
    words = text_of(fixture_reports[TERRITORY]).casefold()
    assert "lieux d’innovation" in words and "pôle d’innovation" not in words and "pôles d’innovation" not in words
    assert "entre pôles" not in words and "pôles par type" not in words
    pillars = [title for title, _ in tree[0][1][1][1]]
    assert pillars == [PILLAR_LABELS[k] for k in PILLARS]
    # The table of contents (page 2) gives each section a page number that exists.
    toc = normalize(reader.pages[1].extract_text())
    numbers = [int(n) for n in re.findall(r"\.\s*(\d+)\s*$", toc, flags=re.M)]
    assert len(numbers) >= 6 and all(3 <= n <= pages for n in numbers)


def test_accessible_metadata_and_tags(fixture_atlas, fixture_reports):
    reader = PdfReader(fixture_reports[TERRITORY])
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fr"
    assert root["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in root
    name = fixture_atlas.territories[TERRITORY].name
    assert reader.metadata.title.startswith(name)
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfuaid:part="1"' in xmp  # DEFAULT_VARIANT is pdf/ua-1
    assert DEFAULT_VARIANT == "pdf/ua-1"
    assert struct_elements(reader, "/H1") and struct_elements(reader, "/Table")


def test_reports_are_deterministic_in_worker_processes_too(fixture_atlas, fixture_reports, tmp_path):
    again = write_reports(fixture_atlas, tmp_path, [TERRITORY, "doubs"], whole_atlas=False, jobs=2, pictures={})
    assert [p.name for p in again] == [f"{TERRITORY}.pdf", "doubs.pdf"]
    for path in again:
        assert path.read_bytes() == fixture_reports[path.stem].read_bytes()
    # An unchanged report is not rewritten (its timestamp stays).
    before = again[0].stat().st_mtime_ns
    write_reports(fixture_atlas, tmp_path, [TERRITORY], whole_atlas=False, jobs=1, pictures={})
    assert again[0].stat().st_mtime_ns == before


# ---- the whole atlas --------------------------------------------------------------------------

def test_whole_atlas_chapters_follow_the_hierarchy(fixture_atlas, fixture_reports):
    """One volume per région (its outline: the région, its départements, their territories) and a
    national volume (the list of volumes, then the territories without a région); each tagged, in
    French; together they hold every territory once."""

    def expected(tid: str) -> tuple:
        kids = sorted(fixture_atlas.children.get(tid, ()), key=lambda k: fixture_atlas.territories[k].name.casefold())
        return (fixture_atlas.territories[tid].name, [expected(k) for k in kids])

    regions = sorted((t for t in fixture_atlas.territories.values() if t.level == "region"), key=lambda t: t.name)
    assert regions
    seen: list[str] = []
    for region in regions:
        path = fixture_reports[f"atlas-{region.id}"]
        reader = PdfReader(path)
        assert outline_tree(reader) == [expected(region.id)]
        root = reader.trailer["/Root"]
        assert root["/Lang"] == "fr" and "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
        assert struct_elements(reader, "/H1")
        text = text_of(path)
        assert f"page 3 sur {len(reader.pages)}" in text
        seen += [t.id for t in fixture_atlas.territories.values() if t.name in text]
    national = PdfReader(fixture_reports["atlas"])
    roots = [t for t in fixture_atlas.territories.values() if t.parent_id is None and t.level != "region"]
    want = [("Les volumes régionaux", [])]
    if roots:
        want.append(("Autres territoires", [expected(t.id) for t in sorted(roots, key=lambda t: t.name)]))
    assert outline_tree(national) == want
    assert national.trailer["/Root"]["/Lang"] == "fr"
    text = " ".join(text_of(fixture_reports["atlas"]).split())
    for region in regions:
        assert f"{region.name} atlas-{region.id}.pdf" in text  # the list of volumes
    seen += [t.id for t in roots]
    assert set(seen) == set(fixture_atlas.territories)


def test_territories_without_region_come_last(fixture_atlas):
    chapters = atlas_chapters(fixture_atlas)
    placed = [e.territory.id for _, entries in chapters for e in entries]
    assert sorted(placed) == sorted(fixture_atlas.territories)  # each territory exactly once
    for region, entries in chapters:
        if region is None:
            assert chapters[-1][0] is None
            break
        for entry in entries[1:]:
            assert region in fixture_atlas.ancestors(entry.territory.id)


# ---- safety and offline -----------------------------------------------------------------------

def _no_network(monkeypatch) -> list:
    attempts: list = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def test_hostile_sheet_markup_is_literal_text_and_nothing_is_fetched(hostile_atlas, tmp_path, monkeypatch):
    attempts = _no_network(monkeypatch)
    paths = write_reports(hostile_atlas, tmp_path, None, whole_atlas=True, jobs=1, pictures={})
    assert not attempts
    territory = hostile_atlas.territories["terre-hostile"]
    hub = hostile_atlas.hubs["atelier-piege"]
    for path in paths:
        data = path.read_bytes()
        text = text_of(data)
        assert normalize(territory.name) in text  # "<script>alert(1)</script> {{ 7*7 }}" as written
        assert "{{ 7*7 }}" in text
        # a hub's name is in a table cell of the volumes, which wraps it (a word longer than the column too)
        assert re.sub(r"\s", "", normalize(french_quotes_text(hub.name))) in re.sub(r"\s", "", text)
        assert "Fab Lab <b>gras</b>" in text  # a vocabulary label is text too
        if path.name != "atlas.pdf":  # a volume of the atlas lists hubs in a table, reports describe them
            assert "{{ 6*7 }}" in text and "{{ config }}" in text
            # the source's title, as text (its apostrophes typeset as French typography writes them)
            assert french_quotes_text("Rapport <script>alert('src')</script>") in text
        # Template code in a note stayed code: the loop did not run.
        assert "{% for x in range(3) %}boucle{% endfor %}" in text
        assert "boucleboucle" not in text
        assert "49" not in text  # `{{ 7*7 }}` was never evaluated
        reader = PdfReader(io.BytesIO(data))
        assert b"/JavaScript" not in data and b"/JS " not in data
        for page in reader.pages:
            for annotation in page.get("/Annots") or []:
                action = annotation.get_object().get("/A")
                if action and "/URI" in action:
                    uri = str(action["/URI"])
                    assert uri.startswith("https://") or uri.startswith("http://"), uri
                    assert "<" not in uri and '"' not in uri and " " not in uri, uri


def test_fetcher_refuses_network_and_files_outside_the_build_folders(fixture_atlas, tmp_path, monkeypatch):
    from generator.pdf import Renderer, prepare_build_folder

    attempts = _no_network(monkeypatch)
    build = tmp_path / "build"
    refs = prepare_build_folder(build, {})
    secret = tmp_path / "secret.svg"
    secret.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    (build / "pictures" / "escape.svg").symlink_to(secret)
    renderer = Renderer(fixture_atlas, build, refs, check_variant(None))
    html = f"""<!DOCTYPE html><html lang="fr"><head><title>t</title>
      <link rel="stylesheet" href="http://example.invalid/evil.css">
      <style>@import url("https://example.invalid/import.css");
        body {{ background: url("http://example.invalid/bg.png"); }}</style></head>
      <body><p>texte</p>
      <img src="http://example.invalid/pixel.png" alt="a">
      <img src="file:///etc/passwd" alt="b">
      <img src="{secret.as_uri()}" alt="c">
      <img src="../secret.svg" alt="d">
      <img src="pictures/escape.svg" alt="e">
      <img src="ftp://example.invalid/x.png" alt="f"></body></html>"""
    pdf = renderer.render(html)
    assert pdf.startswith(b"%PDF")
    assert not attempts
    refused = " ".join(renderer.fetcher.refused)
    for needle in ("http://example.invalid/evil.css", "https://example.invalid/import.css",
                   "http://example.invalid/bg.png", "http://example.invalid/pixel.png", "file:///etc/passwd",
                   secret.as_uri(), "escape.svg", "ftp://example.invalid/x.png"):
        assert needle in refused, needle
    # Its own fonts were read from the build folder: the text is set in the @font-face families
    # (DejaVu files copied there), never in a font fetched from elsewhere.
    reader = PdfReader(io.BytesIO(pdf))
    fonts = {str(f.get_object()["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert fonts and all(re.fullmatch(r"/[A-Z]{6}\+Atlas-(Serif|Sans|Mono)", name) for name in fonts), fonts


def test_french_spacing_in_text_not_in_attributes(fixture_atlas, tmp_path):
    from generator.pdf import Renderer, prepare_build_folder
    from generator.typography import NBSP, NNBSP, french_spacing

    assert french_spacing("Note : texte ; « citation » ? oui!") == (
        f"Note{NBSP}: texte{NNBSP}; «{NBSP}citation{NBSP}»{NNBSP}? oui{NNBSP}!")
    assert french_spacing("https://exemple.fr/?q=1 à 10:30") == "https://exemple.fr/?q=1 à 10:30"
    assert french_spacing(french_spacing("Quoi ?")) == french_spacing("Quoi ?")
    build = tmp_path / "build"
    renderer = Renderer(fixture_atlas, build, prepare_build_folder(build, {}), check_variant(None))
    html = ('<!DOCTYPE html><html lang="fr"><head><title>t</title></head><body>'
            '<p>Bilan : <a href="https://exemple.fr/a?b=c">Quoi ?</a></p></body></html>')
    reader = PdfReader(io.BytesIO(renderer.render(html)))
    assert f"Bilan{NBSP}:" in reader.pages[0].extract_text()
    uris = [a.get_object()["/A"]["/URI"] for a in reader.pages[0]["/Annots"]]
    assert uris == ["https://exemple.fr/a?b=c"]


# pieces of the reports' text (their tags are the parsed tree's, which the pass never sees: text nodes only)
SPACING_PIECES = ["Note", "x", " : ", ":", " ; ", ";", " ? ", "?", "!", " ! ", "«", "»", " « ", " » ", "10:30",
                  "https://x.fr/?q=1", "C:\\", "\n", " ", "\u00a0", "\u202f", "é", ")", "(", "'", "\u2019", "%", "."]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(SPACING_PIECES), max_size=14))
@example(["x", " :", "»", " »"])  # « x :» »: spaced « x :\u00a0» » by a first run, « x\u00a0:\u00a0» » by a second
@example(["x", ":", "»"])  # x:» as well
def test_report_spacing_changes_only_blanks_and_a_second_run_nothing(pieces: list[str]) -> None:
    """The reports' pass (generator.typography.french_spacing, on each text node): the same characters but for
    blanks turned into no-break spaces or added before a mark, and a second run changes nothing, as the site's
    pass (tests/test_html_french.py)."""
    from generator.typography import french_spacing

    text = "".join(pieces)
    once = french_spacing(text)
    assert french_spacing(once) == once
    blanks = re.compile("[ \u00a0\u202f]")
    assert blanks.sub("", once) == blanks.sub("", text)


# ---- options and errors -----------------------------------------------------------------------

def test_unknown_territory_says_did_you_mean(fixture_atlas, tmp_path):
    with pytest.raises(AtlasError) as caught:
        write_reports(fixture_atlas, tmp_path, ["grand-besancon"], pictures={})
    assert str(caught.value) == "aucun territoire d'identifiant 'grand-besancon' (vouliez-vous dire " \
                                "grand-besancon-metropole ?)"
    with i18n.using("en"), pytest.raises(AtlasError) as caught:
        write_reports(fixture_atlas, tmp_path, ["grand-besancon"], pictures={})
    assert str(caught.value) == "no territory with id 'grand-besancon' (did you mean grand-besancon-metropole?)"
    assert check_territory_ids(fixture_atlas, ["doubs", "doubs"]) == ["doubs"]
    assert not list(tmp_path.iterdir())


def test_unknown_variant_is_a_clear_error():
    with pytest.raises(AtlasError, match="variante PDF inconnue 'pdf/a3u' ; vouliez-vous dire pdf/a-3u"):
        check_variant("pdf/a3u")
    with i18n.using("en"), pytest.raises(AtlasError, match="unknown PDF variant 'pdf/a3u'; did you mean pdf/a-3u"):
        check_variant("pdf/a3u")


def test_pdfa_variant(fixture_atlas, tmp_path):
    path = write_reports(fixture_atlas, tmp_path, ["doubs"], whole_atlas=False, variant="pdf/a-3u",
                         jobs=1, pictures={})[0]
    reader = PdfReader(path)
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="U"' in xmp
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # still tagged


def test_atlas_pickles_for_worker_processes(fixture_atlas):
    import pickle

    assert pickle.loads(dump_atlas(fixture_atlas)) == fixture_atlas


def test_cli_parallel_matches_serial_and_reports_errors(fixture_atlas, fixture_atlas_dir, fixture_reports, tmp_path,
                                                        monkeypatch, capsys):
    from generator.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")  # 2025-11-26, the fixture's build date
    out = tmp_path / "pdf"
    assert main(["pdf", "--territories", str(fixture_atlas_dir), "--out", str(out), "--jobs", "2",
                 "doubs", "ornans", "--atlas"]) == 0
    regions = [t.id for t in fixture_atlas.territories.values() if t.level == "region"]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["atlas.pdf", "doubs.pdf", "ornans.pdf"] + [f"atlas-{r}.pdf" for r in regions])
    # Pictures were drawn for this run: compare text, not bytes, with the picture-less build.
    first = "Carte d’identité"  # the first section: what comes before it is the cover and the contents' start
    assert text_of(out / "doubs.pdf").split(first)[0] == text_of(fixture_reports["doubs"]).split(first)[0]
    assert f"{len(regions) + 3} PDF écrits dans {out} (" in capsys.readouterr().err  # French by default
    assert main(["pdf", "--territories", str(fixture_atlas_dir), "--out", str(out), "dubs"]) == 1
    err = capsys.readouterr().err
    assert "aucun territoire d'identifiant 'dubs' (vouliez-vous dire doubs ?)" in err
    assert "Traceback" not in err
    assert main(["pdf", "--lang", "en", "--territories", str(fixture_atlas_dir), "--out", str(out), "dubs"]) == 1
    err = capsys.readouterr().err
    assert "no territory with id 'dubs' (did you mean doubs?)" in err and "Traceback" not in err


def test_pictures_are_figures_with_their_text_alternative(fixture_atlas, tmp_path, caplog):
    import generator.pictures as pictures_module
    from generator.pdf import picture_keys

    keys = [k for k in picture_keys([TERRITORY], False) if k in set(pictures_module.picture_keys(fixture_atlas))]
    assert keys
    pictures = pictures_module.draw_pictures(fixture_atlas, cache_dir=tmp_path / "cache", keys=keys,
                                             jobs=1, progress=False)
    with caplog.at_level("WARNING", logger="weasyprint"):
        path = write_reports(fixture_atlas, tmp_path / "out", [TERRITORY], whole_atlas=False, jobs=1,
                             pictures=pictures)[0]
    # WeasyPrint reports PDF/UA problems (an image without alt, a missing lang) as errors: none.
    assert not [r for r in caplog.records if r.name.startswith("weasyprint") and r.levelname == "ERROR"]
    reader = PdfReader(path)
    alts = [str(f.get("/Alt")) for f in struct_elements(reader, "/Figure")]
    # in the French report's typography (« », ’, no-break spaces), as its captions (typography.attribute_text)
    assert sorted(alts) == sorted(attribute_text(p.alt, p.lang) for p in pictures.values())
    assert any("\u2019" in alt for alt in alts) and not any("'" in alt for alt in alts)
    text = text_of(path)
    for picture in pictures.values():
        assert normalize(french_quotes_text(picture.title)) in text  # the caption
        for _symbol, label in picture.legend:  # a map's legend, written under it as text (pictures.legend)
            assert normalize(label) in text
    assert any(picture.legend for picture in pictures.values())


def test_atlas_order_puts_territories_without_region_in_a_last_chapter(fixture_atlas, tmp_path):
    from generator.model import Territory, build_atlas

    def territory(tid: str, name: str, level: str, parent: str | None = None) -> Territory:
        return Territory(id=tid, name=name, level=level, updated=AS_OF, path=f"{tid}/territory.yml",
                         parent_id=parent)

    records = [
        territory("zeta", "Zêta", "region"),
        territory("alpha", "Alpha", "region"),
        territory("dep-b", "Béta", "departement", "alpha"),
        territory("dep-a", "Aube", "departement", "alpha"),
        territory("epci", "Agglo", "epci", "dep-b"),
        territory("commune", "Commune", "commune", "epci"),
        territory("pays-libre", "Pays libre", "pays"),
        territory("dans-pays", "Dans le pays", "commune", "pays-libre"),
    ]
    atlas = build_atlas({t.id: t for t in records}, {}, fixture_atlas.vocabulary, {}, AS_OF)
    chapters = atlas_chapters(atlas)
    shape = [(region.id if region else None, [(e.territory.id, e.depth) for e in entries])
             for region, entries in chapters]
    assert shape == [
        ("alpha", [("alpha", 1), ("dep-a", 2), ("dep-b", 2), ("epci", 3), ("commune", 4)]),
        ("zeta", [("zeta", 1)]),
        (None, [("pays-libre", 2), ("dans-pays", 3)]),
    ]
    pdfs = write_reports(atlas, tmp_path, [], whole_atlas=True, jobs=1, pictures={})
    assert [p.name for p in pdfs] == ["atlas-alpha.pdf", "atlas-zeta.pdf", "atlas.pdf"]
    trees = [outline_tree(PdfReader(pdf)) for pdf in pdfs]
    assert [title for title, _ in trees[0]] == ["Alpha"] and [title for title, _ in trees[1]] == ["Zêta"]
    assert [title for title, _ in trees[2]] == ["Les volumes régionaux", "Autres territoires"]
    assert trees[2][1][1] == [("Pays libre", [("Dans le pays", [])])]
    assert trees[0][0][1][1] == ("Béta", [("Agglo", [("Commune", [])])])


def test_whole_atlas_shows_pictures_of_regions_and_departements_only(fixture_atlas, tmp_path):
    import generator.pictures as pictures_module
    from generator.pdf import ATLAS_PICTURE_LEVELS, atlas_picture_ids, picture_keys

    shown = atlas_picture_ids(fixture_atlas)
    assert shown and all(fixture_atlas.territories[t].level in ATLAS_PICTURE_LEVELS for t in shown)
    below = [t for t in fixture_atlas.territories.values() if t.level not in ATLAS_PICTURE_LEVELS]
    assert below  # the fixture has intercommunalités or communes
    existing = set(pictures_module.picture_keys(fixture_atlas))
    keys = [k for k in picture_keys(list(fixture_atlas.territories), True) if k in existing]
    pictures = pictures_module.draw_pictures(fixture_atlas, cache_dir=tmp_path / "cache", keys=keys,
                                             jobs=1, progress=False)
    paths = write_reports(fixture_atlas, tmp_path / "out", [], whole_atlas=True, jobs=1, pictures=pictures)
    alts = sorted(str(f.get("/Alt")) for path in paths for f in struct_elements(PdfReader(path), "/Figure"))
    wanted = sorted(attribute_text(p.alt, p.lang) for k, p in pictures.items()
                    if k == "home/map" or k.split("/")[1] in shown)
    assert alts == wanted
    assert any(k.split("/")[1] == t.id for k in pictures if k != "home/map" for t in below)  # drawn, left out
    assert any("leurs tableaux de données ici" in " ".join(text_of(path).split()) for path in paths)


def test_a_long_table_flows_on_with_its_caption_and_leaves_no_empty_page(fixture_atlas, tmp_path):
    from generator.model import PILLAR_DESCRIPTIONS, Fact, Pillar, Territory, build_atlas

    indicators = tuple(Fact(value=i, year=2024, label=f"Mesure {i:02d}") for i in range(1, 71))
    pillars = {"metropolisation": Pillar(key="metropolisation", rating=2, rationale="Texte " * 200),
               "health": Pillar(key="health", rating=3, rationale="Justification courte.", indicators=indicators)}
    territory = Territory(id="longue", name="Territoire aux longs tableaux", level="departement", updated=AS_OF,
                          path="longue/territory.yml", pillars=pillars)
    atlas = build_atlas({"longue": territory}, {}, fixture_atlas.vocabulary, {}, AS_OF)
    path = write_reports(atlas, tmp_path, ["longue"], whole_atlas=False, jobs=1, pictures={})[0]
    pages = [" ".join(normalize(page.extract_text()).split()) for page in PdfReader(path).pages]
    (start,) = [i for i, text in enumerate(pages) if "Faits marquants (non notés) — Santé" in text]
    # the caption stays with the first rows, and the table starts right after the pillar's text
    # instead of being pushed whole to the next page
    assert "Mesure 01" in pages[start] and "Mesure 02" in pages[start]
    assert PILLAR_DESCRIPTIONS["health"] in pages[start]
    shown = CAPS.indicators  # 70 facts: the first rows up to the cap, then a line pointing to the site
    assert 2 < shown < 70
    last = [i for i, text in enumerate(pages) if f"Mesure {shown:02d}" in text][-1]
    assert f"Mesure {shown - 1:02d}" in pages[last]  # the last row never stands alone
    whole = " ".join(pages)
    assert all(f"Mesure {i:02d}" in whole for i in range(1, shown + 1))
    assert f"Mesure {shown + 1:02d}" not in whole
    assert f"{70 - shown} autres faits marquants : voir le site, page territoires/longue/" in whole
    # a project's own mkdocs.yml with the address of its site: the line links to that site's page
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Autre atlas\nsite_url: https://exemple.org/atlas\n", encoding="utf-8")
    path = write_reports(atlas, tmp_path / "own", ["longue"], whole_atlas=False, jobs=1, pictures={},
                         config_file=config)[0]
    whole = " ".join(" ".join(normalize(page.extract_text()).split()) for page in PdfReader(path).pages)
    assert f"{70 - shown} autres faits marquants : voir le site, https://exemple.org/atlas/territoires/longue/" \
        in whole


def test_atlas_pdf_links_to_the_site_of_the_projects_own_mkdocs_yml(fixture_atlas_dir, tmp_path, monkeypatch):
    """The reports' links took the shipped mkdocs.yml's site_url whatever the project's (`atlas -C DIR pdf`)."""
    import generator.pdf.command as command
    from generator.cli import main

    given: dict = {}
    monkeypatch.setattr(command, "write_reports",  # (the path as the run sees it, in the project's folder)
                        lambda *args, **kwargs: given.update(where=kwargs["config_file"].resolve()) or [])
    (tmp_path / "mkdocs.yml").write_text("site_name: Autre atlas\nsite_url: https://exemple.org/\n",
                                         encoding="utf-8")
    shutil.copytree(fixture_atlas_dir, tmp_path / "territories")
    assert main(["-C", str(tmp_path), "pdf", "doubs"]) == 0
    assert given["where"] == (tmp_path / "mkdocs.yml").resolve()


# ---- headings are never left alone at the bottom of a page (issue 14) ---------------------------

FOOTER = "Atlas des territoires de demain — édition du"


def _headings(source: str) -> set[str]:
    """The text of every heading of a report's HTML, and of the small labels set in capitals."""
    import html as html_module

    found = set()
    for m in re.finditer(r"<(h[1-6])\b[^>]*>(.*?)</\1>|<p class=\"(label|citation-label)\">(.*?)</p>", source,
                         flags=re.S):
        raw = m.group(2) if m.group(2) is not None else m.group(4).upper() if m.group(3) == "label" else m.group(4)
        text = " ".join(html_module.unescape(re.sub(r"<[^>]+>", "", raw)).split())
        if text:
            found.add(text)
    return found


def _lone_headings(pdf: bytes, headings: set[str]) -> list[tuple[int, str]]:
    """(page, heading) for each page whose last line of text (running header and footer left out)
    is a heading, or the end of a heading set on two lines."""
    out = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, 1):
        lines = [" ".join(normalize(line).split()) for line in page.extract_text().splitlines()]
        lines = [line for line in lines if line]
        footer = next((i for i, line in enumerate(lines) if line.startswith(FOOTER)), None)
        if footer is not None:
            lines = lines[:max(0, footer - 1)]  # the running header is the line before the footer
        if not lines:
            continue
        last, two = lines[-1], " ".join(lines[-2:])
        out += [(number, h) for h in headings
                if last == h or (len(lines) > 1 and h.endswith(last) and two.endswith(h) and len(h) > len(last))]
    return out


def test_no_heading_is_left_alone_at_the_bottom_of_a_page(fixture_atlas, tmp_path):
    from weasyprint import CSS

    from generator.model import Fact, Hub, Pillar, Territory, build_atlas
    from generator.pdf import Renderer, prepare_build_folder

    def atlas_with(summary_words: int):
        pillars = {key: Pillar(key=key, rating=3, rationale="Justification " * 40, summary="Ce qui compte. " * 12,
                               indicators=(Fact(value=1, year=2024, label="Un fait"),)) for key in PILLARS}
        territory = Territory(id="titres", name="Territoire des titres", level="departement", updated=AS_OF,
                              path="titres/territory.yml", pillars=pillars, summary="Présentation " * summary_words)
        hubs = {f"pole-{i:02d}": Hub(id=f"pole-{i:02d}", name=f"Pôle numéro {i:02d}", types=("fab-lab",),
                                     status="active", territory_id="titres", updated=AS_OF,
                                     path=f"titres/hubs/pole-{i:02d}.yml", website="https://exemple.fr/" * (i % 3),
                                     founded=2000 + i if i % 2 else None)
                for i in range(30)}
        return build_atlas({"titres": territory}, hubs, fixture_atlas.vocabulary, {}, AS_OF)

    build = tmp_path / "build"
    refs = prepare_build_folder(build, {})
    control_lone = 0
    for words in range(0, 56, 8):  # about a line more each time: headings fall at every height of a page
        atlas = atlas_with(words)
        renderer = Renderer(atlas, build, refs, check_variant(None))
        source = renderer.territory_html("titres")
        headings = _headings(source)
        assert "Pôle numéro 03" in headings and "CE QUI SE DISTINGUE" in headings and "BibTeX :" in headings
        assert _lone_headings(renderer.render(source), headings) == [], words
        # the same report without the rules (and without the rows that keep a table with what comes
        # before it) leaves headings alone: the check above can see them
        renderer.stylesheets = [*renderer.stylesheets,
                                CSS(string="* { break-after: auto !important; break-before: auto !important }")]
        control_lone += len(_lone_headings(renderer.render(source), headings))
    assert control_lone > 0


def test_census_hubs_carry_the_census_credit_and_an_old_status_reads_to_be_checked(fixture_atlas, tmp_path):
    """A territory whose hubs come from the 2019 census names it as its licence asks (the credit of
    data/mission-coworking-2019/README.md), and a status seen in 2019 is never shown as current."""
    import yaml

    from generator.model import Fact, Hub, Source, Territory, build_atlas
    from generator.pdf import THEME_DIR

    shared = yaml.safe_load((Path(__file__).resolve().parent.parent / "territories" / "sources.yml")
                            .read_text(encoding="utf-8"))["mission-coworking-2019"]
    census = Source(id="mission-coworking-2019", title=shared["title"], publisher=shared["publisher"],
                    url=shared["url"], shared=True)
    credit = yaml.safe_load((THEME_DIR / "credits.yml").read_text(encoding="utf-8"))["mission-coworking-2019"]
    assert credit == "CGET (ANCT) – Mission Coworking, recensement des tiers-lieux, mise à jour du 13 juin 2019"
    territory = Territory(id="recensee", name="Terre recensée", level="epci", updated=AS_OF,
                          path="recensee/territory.yml")
    hubs = {hid: Hub(id=hid, name=name, types=("coworking",), status="active", territory_id="recensee",
                     updated=AS_OF, path=f"recensee/hubs/{hid}.yml",
                     status_fact=Fact(value="active", year=year, source=census if hid == "vu-en-2019" else None))
            for hid, name, year in (("vu-en-2019", "Espace vu en 2019", 2019),
                                    ("vu-en-2025", "Espace vu en 2025", 2025))}
    atlas = build_atlas({"recensee": territory}, hubs, fixture_atlas.vocabulary, {}, AS_OF)
    assert atlas.status_is_old(hubs["vu-en-2019"]) and not atlas.status_is_old(hubs["vu-en-2025"])
    paths = write_reports(atlas, tmp_path, ["recensee"], whole_atlas=True, jobs=1, pictures={})
    for path in paths:
        if path.name == "atlas-recensee.pdf":
            continue
        text = " ".join(text_of(path).split())
        assert f"« {credit} », {census.url}, Licence Ouverte 2.0" in text, path.name
        assert "Recensé en activité en 2019 — à vérifier" in text, path.name
        assert "En activité (constaté en 2025)" in text, path.name


def test_pdf_help_says_lang_chooses_the_reports_language_too(capsys):
    """`--lang` of `atlas pdf` picks the reports' language as well as the messages' (English: `<id>.en.pdf`)."""
    from generator.cli import main

    for argv, said in ((["pdf", "--help"], "langue des messages et des rapports"),
                       (["pdf", "--lang", "en", "--help"], "language of the messages and of the reports")):
        with pytest.raises(SystemExit):
            main(argv)
        help_text = " ".join(capsys.readouterr().out.split())
        assert said in help_text and "<id>.en.pdf" in help_text


def test_report_pictures_are_keys_of_the_picture_registry(fixture_atlas) -> None:
    """The reports name their pictures like the registry does, and every name there is a picture the
    registry can make (a chart added to the reports is one name in REPORT_PICTURES, one template line)."""
    from generator.pdf.inputs import REPORT_PICTURES, territory_picture
    from generator.pictures import picture_keys
    from generator.pictures.keys import PictureKey
    from generator.pictures.kinds import spec_function

    existing = set(picture_keys(fixture_atlas))
    for name in REPORT_PICTURES:
        key = PictureKey("territory", "doubs", name)
        assert territory_picture("doubs", name) == key.text
        assert spec_function(key) is not None
        assert key.text in existing  # the fixture's Doubs has hubs, so every report picture exists
