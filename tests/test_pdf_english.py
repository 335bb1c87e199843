"""English PDFs (`atlas pdf --lang en`), read back with pypdf: English words, the sheets' `en:` texts,
French text without translation marked as French in the tagged PDF, the document's language.

Expected words come from the catalog and generator.vocabulary, and the sheets' texts from the model,
never written by hand; the French reports keep their own words (tests/test_pdf.py).
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from pypdf import PdfReader

from generator import vocabulary
from generator.model import Source
from generator.pdf import Renderer, check_variant, output_names, prepare_build_folder, write_reports
from generator.pdf.citations import Citations
from generator.pdf.volumes import published, report_file, volume_file
from generator.pdf.words import LOCALE_DIR, translations
from generator.typography import french_quotes_text

ROOT = Path(__file__).resolve().parent.parent
TERRITORY = "grand-besancon-metropole"


def text_of(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    text = re.sub(r"[\u2010-]\n", "", text)
    return re.sub(r"\s+", " ", text)


def struct_languages(path: Path) -> list[str]:
    """The /Lang of every element of the structure tree (the document's is in the catalog)."""
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    found: list[str] = []
    stack = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop().get_object()
        if not isinstance(node, dict):
            continue
        if "/Lang" in node:
            found.append(str(node["/Lang"]))
        kids = node.get("/K")
        if kids is not None:
            stack.extend(kids if isinstance(kids, list) else [kids])
    return found


class _Languages(HTMLParser):
    """Each piece of text of an HTML page with the language of its nearest element saying one."""

    VOID = {"meta", "br", "img", "link", "hr", "input", "col", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str | None] = []
        self.texts: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(dict(attrs).get("lang"))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if data.strip():
            self.texts.append((data, next((lang for lang in reversed(self.stack) if lang), None)))


def languages_of(page: str) -> list[tuple[str, str | None]]:
    parser = _Languages()
    parser.feed(page)
    return parser.texts


@pytest.fixture(scope="module")
def reports(fixture_atlas, tmp_path_factory) -> dict[str, Path]:
    """The English and French report of one territory and the English volumes, in one folder."""
    out = tmp_path_factory.mktemp("pdf")
    english = write_reports(fixture_atlas, out, [TERRITORY], whole_atlas=True, jobs=1, pictures={}, lang="en")
    french = write_reports(fixture_atlas, out, [TERRITORY], whole_atlas=False, jobs=1, pictures={})
    return {p.name: p for p in english + french}


def test_english_files_sit_beside_the_french_ones(fixture_atlas, reports):
    assert report_file(TERRITORY, "en") == f"{TERRITORY}.en.pdf" and volume_file(None, "en") == "atlas.en.pdf"
    names = set(reports)
    assert {f"{TERRITORY}.pdf", f"{TERRITORY}.en.pdf", "atlas.en.pdf"} <= names
    assert names <= output_names(fixture_atlas)  # a build keeps both editions in site/pdf/
    links = published(fixture_atlas, names)
    assert links.territories == links.territories_en == frozenset({TERRITORY})
    assert links.atlas is None and links.atlas_en == "atlas.en.pdf"


def test_english_report_has_english_words_and_the_en_texts(fixture_atlas, reports):
    territory = fixture_atlas.territories[TERRITORY]
    path = reports[f"{TERRITORY}.en.pdf"]
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    assert str(reader.trailer["/Root"]["/Lang"]) == "en"
    text = text_of(path)
    en = translations("en")
    for label in ("Carte d’identité", "Profil mesuré et cinq piliers", "Partenariats", "Territoires inclus",
                  "Sommaire"):
        assert en.gettext(label) != label and en.gettext(label) in text, label
    assert vocabulary.term("hub_title", "en", 2) in text
    assert vocabulary.level_label(territory.level, "en") in text
    outline = [item.title for item in reader.outline[1] if not isinstance(item, list)]
    assert vocabulary.term("hub_title", "en", 2) in outline
    assert territory.en["summary"] in text  # the sheet's en: block
    assert territory.summary.split(",")[0] not in text
    pillar = territory.pillars["metropolisation"]
    assert vocabulary.rating(pillar.rating, "en") in text  # "3 out of 5"
    for french in ("Lieux d’innovation", "Sommaire", "Partenariats entre", "sur 5", "Fiche vérifiée"):
        assert french not in text, french


def test_french_text_without_translation_is_marked_french(fixture_atlas, reports, tmp_path):
    territory = fixture_atlas.territories[TERRITORY]
    pillar = territory.pillars["metropolisation"]
    assert pillar.summary and "summary" not in pillar.en  # French only in the sheet
    text = text_of(reports[f"{TERRITORY}.en.pdf"])
    assert pillar.summary in text and pillar.en["rationale"].replace("*", "") in text
    # in the HTML, the French summary sits inside an element marked lang="fr" ...
    build = tmp_path / "build"
    renderer = Renderer(fixture_atlas, build, prepare_build_folder(build, {}), check_variant(None), lang="en")
    texts = languages_of(renderer.territory_html(TERRITORY))
    holders = [lang for text, lang in texts if pillar.summary in text]
    assert holders and set(holders) == {"fr"}
    assert {lang for text, lang in texts if pillar.en["rationale"].replace("*", "").split()[0] in text} == {"en"}
    assert {lang for text, lang in texts if vocabulary.term("hub_title", "en", 2) in text} == {"en"}
    # ... and the tagged PDF tells it: structure elements with /Lang (fr) under the document's en
    assert "fr" in struct_languages(reports[f"{TERRITORY}.en.pdf"])
    # the French report has no such mark: everything is in the document's language
    assert struct_languages(reports[f"{TERRITORY}.pdf"]) == []


def test_french_report_keeps_french_words(fixture_atlas, reports):
    path = reports[f"{TERRITORY}.pdf"]
    assert str(PdfReader(io.BytesIO(path.read_bytes())).trailer["/Root"]["/Lang"]) == "fr"
    text = text_of(path)
    territory = fixture_atlas.territories[TERRITORY]
    first_words = territory.summary.split(",")[0]  # Markdown: its first words are plain text
    # with its apostrophes as French typography writes them (« Métropole de l’est »), as on the site
    assert "'" in first_words and first_words not in text
    assert french_quotes_text(first_words) in text and territory.en["summary"] not in text
    assert vocabulary.rating(territory.pillars["metropolisation"].rating) in text  # "3 sur 5", as on the site
    for english in ("Innovation hubs", "Contents", "Measured score", "out of 5", "How to cite"):
        assert english not in text, english


def test_english_volume_lists_english_files(fixture_atlas, reports):
    text = text_of(reports["atlas.en.pdf"])
    assert translations("en").gettext("Volume national") in text
    regions = [r for r in reports if r.startswith("atlas-") and r.endswith(".en.pdf")]
    assert regions and all(name in text for name in regions)


def test_references_are_numbered_before_rendering(fixture_atlas):
    from generator.pdf.views import territory_view

    territory = fixture_atlas.territories[TERRITORY]
    view = territory_view(fixture_atlas, territory, {})
    c = view.citations
    assert c.sources  # numbered by the view: no template has run
    assert c.number(c.sources[0]) == 1 and c.anchor(1) == f"t-{TERRITORY}-src-1"
    stranger = Source(id="inconnue", title="Une source qu’aucun fait de ce territoire ne cite")
    with pytest.raises(LookupError):
        c.number(stranger)  # a template may not number a source its view did not
    with pytest.raises(RuntimeError):
        c.add_listed([stranger])
    fresh = Citations(fixture_atlas, "x")
    fresh.add_listed([stranger])
    assert fresh.number(stranger) == 1


def test_catalog_translates_every_message_of_the_reports():
    """Every `_()` of theme/pdf and generator/pdf has its English in locale/en/LC_MESSAGES/pdf.po."""
    wanted: set[str] = set()
    for path in sorted((ROOT / "theme" / "pdf").glob("*.j2")):
        wanted |= {m for _, m, _, _ in extract_from_file("jinja2", str(path), options={"extensions": "jinja2.ext.do"})}
    for path in sorted((ROOT / "generator" / "pdf").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        if "generator.i18n" in source or "from generator import i18n" in source:
            continue  # the command line's messages (atlas.po, English ids), not the reports' (pdf.po)
        wanted |= {m for _, m, _, _ in extract_from_file("python", str(path))}
    from generator.model import PILLAR_DESCRIPTIONS

    wanted |= set(PILLAR_DESCRIPTIONS.values())
    with (LOCALE_DIR / "en" / "LC_MESSAGES" / "pdf.po").open("rb") as handle:
        catalog = read_po(handle, locale="en")
    translated = {m.id: m.string for m in catalog if m.id}
    assert sorted(wanted - set(translated)) == []
    assert sorted(m for m in wanted if not translated[m]) == []
    assert sorted(set(translated) - wanted) == []  # no stale entry
    for msgid, english in translated.items():  # placeholders kept
        assert sorted(re.findall(r"%\(\w+\)s", msgid)) == sorted(re.findall(r"%\(\w+\)s", english)), msgid


def test_english_report_shows_the_pictures_english_twins(fixture_atlas, tmp_path, monkeypatch):
    """An English report draws its charts and maps from their English twins (`en/<key>`: drawn words,
    title and text alternative in English), the French report from the French pictures."""
    from generator.pictures import draw_pictures

    monkeypatch.chdir(tmp_path)  # the picture cache (.cache/pictures) of this test alone
    key = f"territory/{TERRITORY}/hubs-by-type"
    drawn = draw_pictures(fixture_atlas, keys=[key, f"en/{key}"], jobs=1, progress=False)
    english, french = drawn[f"en/{key}"].title, drawn[key].title
    assert english != french
    [english_pdf] = write_reports(fixture_atlas, tmp_path / "en", [TERRITORY], whole_atlas=False, jobs=1,
                                  lang="en")
    [french_pdf] = write_reports(fixture_atlas, tmp_path / "fr", [TERRITORY], whole_atlas=False, jobs=1)
    english_text, french_text = text_of(english_pdf), text_of(french_pdf)
    assert english in english_text and french not in english_text and french_quotes_text(french) not in english_text
    assert french_quotes_text(french) in french_text and english not in french_text


def test_a_sheets_words_given_as_a_facts_value_are_marked_french(fixture_atlas, tmp_path):
    """An address (« 1 rue de l'Exemple… ») or a figure that is a word (« Comté ») is the sheet's French, as its
    labels and notes are; a number or a year is no language's."""
    hub = fixture_atlas.hubs["fablab-besancon"]
    figure = next(f for f in fixture_atlas.territories[TERRITORY].pillars["identity"].indicators
                  if isinstance(f.value, str))
    build = tmp_path / "build"
    renderer = Renderer(fixture_atlas, build, prepare_build_folder(build, {}), check_variant(None), lang="en")
    texts = languages_of(renderer.territory_html(TERRITORY))
    for words in (hub.address, figure.value):
        holders = {lang for text, lang in texts if text.strip() == words}
        assert holders == {"fr"}, words  # each time it is printed
    french = Renderer(fixture_atlas, build, prepare_build_folder(build, {}), check_variant(None))
    assert 'lang="fr"' not in french.territory_html(TERRITORY).split("<body", 1)[1]


def test_french_ordinals_are_raised_in_a_french_report_only(fixture_atlas, tmp_path):
    """A French report writes its ranks and dates as the site does, `1<sup>er</sup> sur 1`, « vérifiée le
    1<sup>er</sup> mars 2025 »; an English one keeps `1st of 1`."""
    build = tmp_path / "build"
    french = Renderer(fixture_atlas, build, prepare_build_folder(build, {}), check_variant(None)).territory_html(
        "doubs")
    assert '<td class="rank">1<sup>er</sup> sur 1</td>' in french
    assert "<td>1<sup>er</sup> mars 2025</td>" in french and ">1er " not in french
    english = Renderer(fixture_atlas, build, prepare_build_folder(build, {}), check_variant(None),
                       lang="en").territory_html("doubs")
    assert '<td class="rank">1st of 1</td>' in english and "<sup>" not in english


def test_english_report_says_the_units_and_the_parents_score_in_english(reports):
    """The English report printed the catalogue's units in French (« 9.6 pour 10 000 habitants », « 0% de la
    population ») and the parent's score with French punctuation (« 3.3 ; Doubs : 5.0 »); the site's English
    edition said them in English. The units now come from the site's catalog, the line from the report's."""
    text = " ".join(text_of(reports[f"{TERRITORY}.en.pdf"]).replace("\u2010 ", "").split())
    assert re.search(r"\d per 10,000 inhabitants", text) and re.search(r"\d inhabitants per km²", text), text
    assert not re.search(r"\d (pour \d|habitants par|consultations par)", text)  # a label may say « 10 000 habitants »
    assert re.search(r"median of the intercommunalities \(EPCI\): [\d.]+; Doubs: [\d.]+", text), text
    french = " ".join(text_of(reports[f"{TERRITORY}.pdf"]).split())
    assert re.search(r"\d pour 10 000 habitants", french) and re.search(r"[\d,]+ ; Doubs : [\d,]+", french), french
