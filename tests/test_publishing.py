"""Publishing (issue 15): the static API and its schemas, the Atom feed, citations, data releases.

Everything runs on the fixture atlas and on the hostile one (sheet text that tries to become markup):
the documents must validate against the published JSON Schemas, the feed must parse as Atom, and a
hostile `<script>` or `]]>` must stay text in both.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import AS_OF, FIXTURE_ATLAS, FIXTURES, ROOT
from generator import release, text
from generator.api import Api, api_schemas, dumps, hub_api_path, territory_api_path
from generator.atlas_records import hub_record, territory_record
from generator.citation import Citer, bibtex_text
from generator.errors import AtlasError
from generator.feed import FEED_PATH, atom_feed
from generator.load import load_valid_atlas
from generator.pages import SiteOptions
from generator.site import site_outputs

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = FIXTURES / "hostile"


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile fixture, with a hub whose name also tries to close a CDATA section and an XML comment."""
    target = tmp_path_factory.mktemp("hostile") / "territories"
    shutil.copytree(HOSTILE, target)
    hub = target / "voisine" / "hubs" / "autre-lieu.yml"
    data = hub.read_text(encoding="utf-8")
    name = next(line for line in data.splitlines() if line.startswith("name:"))
    hub.write_text(data.replace(name, "name: \"Lieu ]]> <![CDATA[ x ]]> --> <!-- & fin\""), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def hostile_atlas(hostile_dir: Path):
    return load_valid_atlas(hostile_dir, as_of=AS_OF)


def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = api_schemas()[name]
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


# ---- API -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["fixture", "hostile"])
def test_api_documents_validate_against_their_published_schemas(which, fixture_atlas, hostile_atlas) -> None:
    atlas = fixture_atlas if which == "fixture" else hostile_atlas
    outs = {o.path: o for o in Api(atlas, site_url="https://example.org/atlas").outputs()}
    assert set(outs) >= {territory_api_path(t) for t in atlas.territories} | {hub_api_path(h) for h in atlas.hubs}
    published = {p.rsplit("/", 1)[1]: json.loads(o.data) for p, o in outs.items() if p.startswith("api/schemas/")}
    assert published == json.loads(json.dumps(api_schemas()))  # the schemas in the site are the ones tested
    for path, out in outs.items():
        if path.startswith("api/schemas/"):
            continue
        doc = json.loads(out.data)
        name = {"territoire": "territoire", "lieu": "lieu", "index": "index",
                "lieu_deplace": "lieu_deplace"}[doc["kind"]]
        errors = list(_validator(f"{name}.schema.json").iter_errors(doc))
        assert errors == [], f"{path}: {[e.message for e in errors][:3]}"
        assert doc["api"] == "https://example.org/atlas/" + path


def test_api_documents_carry_the_pages_facts_sources_and_measures(fixture_atlas) -> None:
    api = Api(fixture_atlas)
    for t in fixture_atlas.territories.values():
        doc = api.territory(t)
        record = territory_record(fixture_atlas, t)
        assert {k: v for k, v in doc.items() if k in record and k != "sources"} == \
            {k: v for k, v in record.items() if k != "sources"}
        cited = {f.source.id for _, f in t.facts() if f.source is not None}
        assert cited <= set(doc["sources"]), "every source a fact cites is in the document"
        assert set(doc["measures"]) == set(t.measures)
        assert doc["page"] == f"territoires/{t.id}/"
    some = next(iter(fixture_atlas.territories.values()))
    assert any(api.territory(t)["measured_profile"] for t in fixture_atlas.territories.values())
    for h in fixture_atlas.hubs.values():
        doc = api.hub(h)
        assert doc["status"] == hub_record(fixture_atlas, h)["status"] and doc["page"] == f"hubs/{h.id}/"
    assert some.id in {e["id"] for e in api.index()["territoires"]}


def test_the_moved_hubs_are_in_atlas_json_and_the_api_as_their_schemas_say(fixture_atlas, tmp_path: Path) -> None:
    """territories/moved.yml (a merged or renamed hub's former id -> the kept hub) was published only as a file of
    donnees/fiches/: atlas.json lists the moves as moved.yml does (schema/moved.schema.json), the API's index under
    lieux_deplaces, and the former API address holds a document naming the kept hub (as the former page leads to
    its page); every document validates against its published schema; the bytes do not depend on the file's
    order, and without moved.yml the shapes stay ({} and [])."""
    from generator.atlas_records import atlas_json

    moves = {"fab-lab-de-besancon": "fablab-besancon"}
    assert dict(fixture_atlas.moved_hubs) == moves  # the fixture's moved.yml
    doc = json.loads(atlas_json(fixture_atlas))
    assert doc["moved_hubs"] == moves
    sheet_schema = json.loads((ROOT / "schema" / "moved.schema.json").read_text(encoding="utf-8"))
    assert list(jsonschema.Draft202012Validator(sheet_schema).iter_errors(doc["moved_hubs"])) == []
    api = Api(fixture_atlas, site_url="https://example.org/atlas/")
    outs = {o.path: o for o in api.outputs()}
    index = json.loads(outs["api/index.json"].data)
    assert index["lieux_deplaces"] == [{"id": "fab-lab-de-besancon", "moved_to": "fablab-besancon",
                                        "api": "https://example.org/atlas/api/lieux/fab-lab-de-besancon.json"}]
    moved = outs["api/lieux/fab-lab-de-besancon.json"]
    assert moved.sources == (fixture_atlas.hubs["fablab-besancon"].path,)
    assert json.loads(moved.data) == {
        "api_version": 1, "kind": "lieu_deplace", "edition": fixture_atlas.as_of.isoformat(),
        "page": "https://example.org/atlas/hubs/fablab-besancon/",
        "api": "https://example.org/atlas/api/lieux/fab-lab-de-besancon.json",
        "licence": "Licence Ouverte 2.0 (Etalab)",
        "id": "fab-lab-de-besancon", "moved_to": "fablab-besancon",
        "moved_to_api": "https://example.org/atlas/api/lieux/fablab-besancon.json"}
    assert list(_validator("lieu_deplace.schema.json").iter_errors(json.loads(moved.data))) == []
    assert list(_validator("index.schema.json").iter_errors(index)) == []
    bad = dict(json.loads(moved.data), moved_to="Pas un identifiant")
    assert list(_validator("lieu_deplace.schema.json").iter_errors(bad))  # the schema checks the ids
    # deterministic: the moves in id order whatever the file's order; none: {} and [] (the index's key stays)
    tree = tmp_path / "atlas"
    shutil.copytree(FIXTURE_ATLAS, tree)
    (tree / "moved.yml").write_text("zz-ancien-lieu: fablab-besancon\nfab-lab-de-besancon: fablab-besancon\n",
                                    encoding="utf-8")
    two = load_valid_atlas(tree, as_of=AS_OF)
    assert list(json.loads(atlas_json(two))["moved_hubs"]) == ["fab-lab-de-besancon", "zz-ancien-lieu"]
    assert [m["id"] for m in Api(two).index()["lieux_deplaces"]] == ["fab-lab-de-besancon", "zz-ancien-lieu"]
    (tree / "moved.yml").unlink()
    none = load_valid_atlas(tree, as_of=AS_OF)
    assert json.loads(atlas_json(none))["moved_hubs"] == {} and Api(none).index()["lieux_deplaces"] == []
    assert not [o.path for o in Api(none).outputs() if "fab-lab-de-besancon" in o.path]


def test_api_json_keeps_hostile_text_inert_and_exact(hostile_atlas) -> None:
    for out in Api(hostile_atlas).outputs():
        text = out.data.decode("utf-8")
        assert "<" not in text and ">" not in text and "&" not in text, out.path
    h = next(h for h in hostile_atlas.hubs.values() if "<script>" in h.name)
    doc = json.loads(dumps(Api(hostile_atlas).hub(h)))
    assert doc["name"] == h.name  # escaped in the bytes, the same string once parsed


def test_api_is_deterministic(fixture_atlas) -> None:
    first = [(o.path, o.data) for o in Api(fixture_atlas).outputs()]
    assert first == [(o.path, o.data) for o in Api(fixture_atlas).outputs()]


# ---- Atom feed -------------------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["fixture", "hostile"])
def test_feed_is_valid_atom_newest_first(which, fixture_atlas, hostile_atlas) -> None:
    feedparser = pytest.importorskip("feedparser")
    atlas = fixture_atlas if which == "fixture" else hostile_atlas
    data = atom_feed(atlas)
    root = ET.fromstring(data)  # well-formed XML
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{required}") is not None
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == len(atlas.territories) + len(atlas.hubs)
    stamps = [e.findtext(f"{ATOM}updated") for e in entries]
    assert stamps == sorted(stamps, reverse=True)
    assert root.findtext(f"{ATOM}updated") == stamps[0]
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids) and all(i.startswith("urn:uuid:") for i in ids)
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    names = {t.name for t in atlas.territories.values()} | {h.name for h in atlas.hubs.values()}
    assert {e.title for e in parsed.entries} == {" ".join(n.split()) for n in names}


def test_feed_keeps_hostile_names_as_text(hostile_atlas) -> None:
    data = atom_feed(hostile_atlas).decode("utf-8")
    assert "<script" not in data and "]]>" not in data and "<![CDATA[" not in data and "<!--" not in data
    titles = [e.findtext(f"{ATOM}title") for e in ET.fromstring(data.encode()).iter(f"{ATOM}entry")]
    assert any("<script>" in t for t in titles) and any("]]>" in t for t in titles)  # shown, not run


def test_feed_is_capped_and_uses_the_site_address(fixture_atlas) -> None:
    root = ET.fromstring(atom_feed(fixture_atlas, "https://example.org/atlas", limit=3))
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 3
    assert all(link.get("href").startswith("https://example.org/atlas/") for link in root.iter(f"{ATOM}link"))
    assert atom_feed(fixture_atlas) == atom_feed(fixture_atlas)


# ---- citations -------------------------------------------------------------------------------------

def test_citation_names_the_edition_and_the_stable_address(fixture_atlas) -> None:
    t = fixture_atlas.territories["doubs"]
    c = Citer(fixture_atlas, "https://example.org/atlas").territory(t)
    assert c.url == "https://example.org/atlas/territoires/doubs/"
    assert "1er" not in c.text or str(AS_OF.year) in c.text
    assert str(AS_OF.year) in c.text and c.url in c.text and t.name in c.text
    csl = json.loads(c.csl_json)
    assert csl[0]["URL"] == c.url and csl[0]["issued"]["date-parts"] == [[AS_OF.year, AS_OF.month, AS_OF.day]]
    assert "url = {https://example.org/atlas/territoires/doubs/}" in c.bibtex
    no_site = Citer(fixture_atlas).territory(t)
    assert no_site.url is None and "territoires/doubs/" in no_site.text and "url =" not in no_site.bibtex


def _braces_balance(text: str) -> bool:
    depth = 0
    for i, ch in enumerate(text):
        if ch in "{}" and (i == 0 or text[i - 1] != "\\"):
            depth += 1 if ch == "{" else -1
            if depth < 0:
                return False
    return depth == 0


def test_citation_escapes_hostile_names(hostile_atlas) -> None:
    citer = Citer(hostile_atlas)
    for h in hostile_atlas.hubs.values():
        c = citer.hub(h)
        assert _braces_balance(c.bibtex), c.bibtex
        assert json.loads(c.csl_json)[0]["title"] == " ".join(h.name.split())
        assert "<" not in c.pre("bibtex") and "<" not in c.pre("csl_json")
    assert bibtex_text("a}b{c\\d%") == r"a\}b\{c\textbackslash{}d\%"


def test_english_citation_marks_its_french_words(fixture_atlas, hostile_atlas) -> None:
    """WCAG 3.1.2: the English « Cite this sheet » names the atlas, the sheet and its territory in French; each of
    those words is in `<span lang="fr">` in the sentence and in the BibTeX and CSL-JSON blocks, while the text to
    copy stays plain and the French edition is unchanged."""
    hub = fixture_atlas.hubs["fablab-besancon"]
    territory = fixture_atlas.territories[hub.territory_id].name
    en = Citer(fixture_atlas, lang="en").hub(hub)
    shown = str(en.page_text())
    for words in ("Atlas des territoires de demain", hub.name, territory):
        assert f'<span lang="fr">{text.md_text(words)}</span>' in shown, words
        for form in ("bibtex", "csl_json"):
            assert f'<span lang="fr">{words}</span>' in en.pre(form), (form, words)
    assert shown.startswith('<span lang="fr">Atlas des territoires de demain</span>, “<span lang="fr">')
    assert f"(hub sheet, <span lang=\"fr\">{text.md_text(territory)}</span>, updated" in shown
    assert en.text.startswith(f"Atlas des territoires de demain, “{hub.name}” (hub sheet, {territory}, updated")
    assert json.loads(en.csl_json)[0]["title"] == hub.name and "\ue000" not in en.bibtex + en.csl_json
    html_text = str(Citer(fixture_atlas, lang="en").whole_atlas().html_text())
    assert html_text.startswith('<span lang="fr">Atlas des territoires de demain</span>, edition of ')
    fr = Citer(fixture_atlas).hub(hub)
    assert "lang=" not in fr.page_text() + fr.pre("bibtex") + fr.pre("csl_json") + fr.html_text()
    assert str(fr.page_text()) == text.md_text(fr.text)
    # a hostile name stays text inside its span: the only tags are the marks, one closed for each opened
    for h in hostile_atlas.hubs.values():
        c = Citer(hostile_atlas, lang="en").hub(h)
        for shown in (str(c.page_text()), str(c.html_text()), str(c.pre("bibtex")), str(c.pdf_pre("csl_json"))):
            tags = re.findall(r"<[^>]*>", shown)
            assert set(tags) <= {'<span lang="fr">', "</span>"}, tags
            assert tags.count("</span>") == tags.count('<span lang="fr">') == len(tags) // 2 > 0


def test_site_pages_show_the_citation(fixture_atlas, tmp_path: Path) -> None:
    options = SiteOptions(has_contribuer=True)
    outs = {o.path: o.data.decode() for o in site_outputs(fixture_atlas, FIXTURE_ATLAS, tmp_path, options, {},
                                                          None, site_url="https://example.org/atlas/")}
    for t in fixture_atlas.territories:
        page = outs[f"territoires/{t}.md"]
        assert "## Citer cette fiche" in page and f"https://example.org/atlas/territoires/{t}/" in page
    for h in fixture_atlas.hubs:
        assert "## Citer cette fiche" in outs[f"hubs/{h}.md"]
    assert FEED_PATH in outs and "api/index.json" in outs


def test_pdf_report_has_the_citation(fixture_atlas) -> None:
    pytest.importorskip("weasyprint")
    from generator.pdf import Renderer

    html = Renderer(fixture_atlas, ROOT / "build", {}, "pdf/ua-1").territory_html("doubs")
    assert "Citer ce document" in html and "@misc{atlas-tdd-doubs-" in html


def test_english_pdf_report_marks_the_citations_french_words(fixture_atlas) -> None:
    pytest.importorskip("weasyprint")
    from generator.pdf import Renderer

    html = Renderer(fixture_atlas, ROOT / "build", {}, "pdf/ua-1", lang="en").territory_html("doubs")
    section = html.split('<section class="citation">')[1].split("</section>")[0]
    name = fixture_atlas.territories["doubs"].name
    assert f'<p><span lang="fr">Atlas des territoires de demain</span>, “<span lang="fr">{name}</span>”' in section
    assert f'title = {{{{<span lang="fr">{name}</span>}}}}' in section


def test_citation_cff_is_valid() -> None:
    """CITATION.cff: the keys and types CFF 1.2.0 requires (cffconvert's schema, checked by hand)."""
    data = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert data["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors"):
        assert data[key]
    assert all(isinstance(a, dict) and ("name" in a or "family-names" in a) for a in data["authors"])
    assert data["type"] in ("software", "dataset")
    allowed = {"abstract", "authors", "cff-version", "commit", "contact", "date-released", "doi", "identifiers",
               "keywords", "license", "license-url", "message", "preferred-citation", "references",
               "repository", "repository-artifact", "repository-code", "title", "type", "url", "version"}
    assert set(data) <= allowed, set(data) - allowed
    if "date-released" in data:
        assert isinstance(data["date-released"], date)


# ---- releases --------------------------------------------------------------------------------------

def _release(tree: Path, *extra: str) -> int:
    from generator.cli import main
    return main(["release", "--territories", str(tree), *extra])


def test_release_bundle_matches_its_own_dictionary(atlas_copy: Path, capsys) -> None:
    assert _release(atlas_copy, "--version", "1.0") == 0
    bundle = atlas_copy.parent / "releases" / "1.0"
    assert release.check_bundle(bundle) == []
    names = {p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file()}
    assert {"atlas.json", "territories.csv", "hubs.csv", "measures.csv", "hubs.geojson", "datapackage.json",
            "README.md", "LICENCE.md", "SHA256SUMS"} <= names
    assert any(n.startswith("fiches/") and n.endswith("territory.yml") for n in names)
    assert not any(n.startswith(".") for n in names)
    readme = (bundle / "README.md").read_text(encoding="utf-8")
    assert "Licence Ouverte" in readme and "IGN" in readme
    package = json.loads((bundle / "datapackage.json").read_text(encoding="utf-8"))
    assert package["version"] == "1.0" and package["licenses"][0]["name"] == "etalab-2.0"
    # a tampered file is caught
    (bundle / "hubs.csv").write_text("id\nx\n", encoding="utf-8")
    assert any("hubs.csv" in p for p in release.check_bundle(bundle))


def test_release_never_overwrites_a_version(atlas_copy: Path, capsys) -> None:
    assert _release(atlas_copy, "--version", "v1") == 0
    bundle = atlas_copy.parent / "releases" / "v1"
    before = {p: p.read_bytes() for p in bundle.rglob("*") if p.is_file()}
    said = capsys.readouterr().err
    files = sum(1 for p in bundle.rglob("*") if p.is_file())
    assert f"publication v1 : {files} fichiers dans " in said and str(Path("releases") / "v1") in said
    assert _release(atlas_copy, "--version", "v1") == 1
    err = capsys.readouterr().err
    assert "v1 existe : une publication n'est jamais écrasée ; choisissez une autre version (--version) ou un " \
           "autre dossier (--out)" in err and "Traceback" not in err
    assert _release(atlas_copy, "--lang", "en", "--version", "v1") == 1
    err = capsys.readouterr().err
    assert "v1 exists: a release is never overwritten; choose another version (--version) or another folder " \
           "(--out)" in err and "Traceback" not in err
    assert before == {p: p.read_bytes() for p in bundle.rglob("*") if p.is_file()}
    assert _release(atlas_copy, "--version", "../x") == 2


def test_release_changelog_lists_added_removed_and_changed(atlas_copy: Path, capsys) -> None:
    assert _release(atlas_copy, "--version", "1") == 0
    removed = atlas_copy / "pays-horloger" / "hubs" / "tiers-lieu-projet.yml"  # no partner names it
    removed_id = removed.stem
    removed.unlink()
    territory = atlas_copy / "doubs" / "territory.yml"
    text = territory.read_text(encoding="utf-8")
    assert "\npopulation: 545000\n" in text
    territory.write_text(text.replace("\npopulation: 545000\n", "\npopulation: 545001\n"), encoding="utf-8")
    assert _release(atlas_copy, "--version", "2") == 0
    log = (atlas_copy.parent / "releases" / "2" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "Depuis la version 1" in log
    assert f"- {removed_id} —" in log.split("### Retirés", 1)[1]
    assert "- doubs — Doubs : population" in log
    assert release.check_bundle(atlas_copy.parent / "releases" / "2") == []


def test_site_links_the_current_release_and_lists_earlier_ones(atlas_copy: Path, tmp_path: Path) -> None:
    assert _release(atlas_copy, "--version", "a") == 0
    assert _release(atlas_copy, "--version", "b", "--out", str(atlas_copy.parent / "releases" / "b")) == 0
    atlas = load_valid_atlas(atlas_copy, as_of=AS_OF)
    outs = {o.path: o.data for o in site_outputs(atlas, atlas_copy, tmp_path / "content", SiteOptions(), {}, None)}
    page = outs["donnees/index.md"].decode()
    assert "## Versions publiées" in page and "Versions précédentes" in page
    zips = sorted(p for p in outs if p.startswith("donnees/versions/"))
    assert zips == ["donnees/versions/atlas-a.zip", "donnees/versions/atlas-b.zip"]
    again = {o.path: o.data for o in site_outputs(atlas, atlas_copy, tmp_path / "content", SiteOptions(), {}, None)}
    assert again[zips[0]] == outs[zips[0]]  # deterministic archives


def test_release_errors_are_one_message(tmp_path: Path, capsys) -> None:
    assert _release(tmp_path / "nowhere") == 1
    assert f"pas de dossier de fiches {tmp_path / 'nowhere'} ; lancez la commande depuis la racine du dépôt ou " \
           "donnez --territories DIR" in capsys.readouterr().err
    with pytest.raises(AtlasError):
        release.read_bundle(tmp_path)


def test_feed_escapes_as_xml_sax_saxutils_does() -> None:
    """The feed's escaping is xml.sax.saxutils' (written out so that the feed does not import urllib and ssl)."""
    from xml.sax.saxutils import escape, quoteattr

    from generator.feed import _escape, _quoteattr

    for value in ("plain", "a & b < c > d", 'say "hi"', "it's", "both \" and '", "tab\tline\nreturn\r",
                  "]]> <script>alert(1)</script>", "&amp; already", ""):
        assert _escape(value) == escape(value)
        assert _quoteattr(value) == quoteattr(value)
