"""Real site builds (MkDocs with mkdocs-material, --strict): fixture atlas, hostile atlas, determinism,
unchanged files kept, a failed build that keeps the previous site."""

from __future__ import annotations

import hashlib
import html.parser
import re
from pathlib import Path

import pytest

from generator.commands.build import Options as BuildOptions
from generator.commands.build import run as build_run
from generator.errors import AtlasError
from generator.project import Project

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
EPOCH = "1764115200"  # 2025-11-26


def _content(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.md").write_text("# Atlas des territoires de demain\n\nIntroduction.\n", encoding="utf-8")
    (folder / "a-propos.md").write_text("# À propos\n\nPage écrite à la main.\n", encoding="utf-8")
    return folder


def _args(territories: Path, base: Path, content: Path, config: Path | None = None,
          **options) -> tuple[Project, BuildOptions]:
    """The project and options of a quiet one-worker build into base/docs and base/site (the engine API)."""
    return (Project.at(territories=territories, content=content, config_file=config, docs_dir=base / "docs",
                       site_dir=base / "site"),
            BuildOptions(**{"jobs": 1, "quiet": True, **options}))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("site")


@pytest.fixture(scope="module")
def built(workdir: Path) -> Path:
    """The fixture atlas built once into workdir/a (the other tests read it)."""
    mp = pytest.MonkeyPatch()
    mp.chdir(workdir)
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    try:
        content = _content(workdir / "content")
        assert build_run(*_args(FIXTURES / "atlas", workdir / "a", content)) == 0
    finally:
        mp.undo()
    return workdir / "a"


def test_fixture_atlas_builds_with_mkdocs_strict(built: Path) -> None:
    site = built / "site"
    assert (site / "index.html").is_file()
    for page in ["territoires/grand-besancon-metropole/index.html", "hubs/fablab-besancon/index.html",
                 "comparaison/epci/index.html", "piliers/health/index.html", "reseau/index.html",
                 "qualite/index.html", "donnees/index.html", "reference/fiches/index.html",
                 "reference/methode/index.html", "parcourir/types/index.html", "a-propos/index.html"]:
        assert (site / page).is_file(), page
    for data in ["atlas.json", "territories.csv", "hubs.csv", "hubs.geojson"]:
        assert (site / "donnees" / data).is_file()
    index = (site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr"' in index
    assert "fonts.googleapis" not in index and "fonts.gstatic" not in index
    page = (site / "territoires/grand-besancon-metropole/index.html").read_text(encoding="utf-8")
    assert "<title>Grand Besançon Métropole - Atlas des territoires de demain</title>" in page


def test_sheets_are_published_as_files_and_linked(built: Path) -> None:
    site = built / "site"
    for sheet in ["doubs/territory.yml", "grand-besancon-metropole/hubs/fablab-besancon.yml", "vocabulary.yml"]:
        assert (site / "donnees/fiches" / sheet).read_bytes() == (FIXTURES / "atlas" / sheet).read_bytes()
    assert not list((site / "donnees/fiches").rglob("*.html"))  # files, never pages
    page = (site / "territoires/doubs/index.html").read_text(encoding="utf-8")
    assert '<a href="../../donnees/fiches/doubs/territory.yml">Voir la fiche source (YAML)</a>' in page
    assert "Modifier cette fiche" not in page  # no repository address in mkdocs.yml: no edit link
    hub = (site / "hubs/fablab-besancon/index.html").read_text(encoding="utf-8")
    assert 'href="../../donnees/fiches/grand-besancon-metropole/hubs/fablab-besancon.yml"' in hub


def test_site_loads_nothing_from_the_network(built: Path) -> None:
    remote = re.compile(r'<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)="(?:https?:)?//', re.I)
    for page in (built / "site").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        found = [m.group(0) for m in remote.finditer(text) if 'rel="edit"' not in m.group(0)
                 and "<a " not in m.group(0)]
        assert not found, f"{page}: {found[:3]}"


def _search_records(site: Path) -> list[dict]:
    """The pages of the Pagefind index (generator.search), as its fragments hold them (gzip, then JSON)."""
    import gzip
    import json
    return [json.loads(gzip.decompress(f.read_bytes())[len(b"pagefind_dcd"):])
            for f in sorted((site / "pagefind" / "fragment").iterdir())]


def test_search_is_french(built: Path) -> None:
    import json
    entry = json.loads((built / "site" / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    # French stemming for the French pages (<html lang="fr">), English for the English edition under en/
    assert list(entry["languages"]) == ["en", "fr"]  # sorted: two builds are byte-identical
    assert not (built / "site" / "search" / "search_index.json").exists()  # no whole index to download


def test_search_leaves_out_lists_of_every_sheet_and_chart_tables(built: Path) -> None:
    """Searching a name leads to its page, not to every list that names it; the index stays small."""
    docs = _search_records(built / "site")
    locations = {d["url"].strip("/") + "/" for d in docs}
    assert "territoires/doubs/" in locations and "hubs/fablab-besancon/" in locations
    assert not {"qualite/", "reseau/"} & locations
    doubs = " ".join(d["content"] for d in docs if d["url"].startswith("/territoires/doubs/"))
    assert "Identité" in doubs or "Niveau" in doubs
    assert "Thèmes\u00a0:" not in doubs  # the hub cards' line of themes (French no-break space: generator.typography)
    assert not any("Données du graphique" in d["content"] for d in docs)
    page = (built / "site" / "territoires/doubs/index.html").read_text(encoding="utf-8")
    assert "Données du graphique" in page and "Thèmes\u00a0:" in page  # still on the page itself


def test_search_text_leaves_out_the_identity_tables_header_and_keeps_their_content(built: Path) -> None:
    """The header row of a page's identity table (« Champ | Valeur », required by Markdown, naming nothing) was
    indexed as text: result excerpts began with « Champ Valeur Niveau. Département… ». Both indexes leave it out
    (Pagefind's, and the engine's when mkdocs.yml chooses it: mkdocs-material's parser, as its plugin reads a
    page); the rows stay in the index, the header on the page."""
    from material.plugins.search.plugin import Parser

    site = built / "site"
    records = {d["url"]: d["content"] for d in _search_records(site)}
    for url, header, kept in (("/territoires/doubs/", "Champ Valeur", "Niveau. Département. Code officiel. 25."),
                              ("/hubs/fablab-besancon/", "Champ Valeur", "Territoire. Grand Besançon Métropole."),
                              ("/en/territoires/doubs/", "Field Value", "Level. Département. Official code. 25.")):
        assert kept in records[url], url
        assert header not in records[url] and header.split()[0] not in records[url], url
        page = (site / url.strip("/") / "index.html").read_text(encoding="utf-8")
        first, second = header.split()
        assert f"<th><span data-search-exclude>{first}</span></th>" in page, url  # still shown
        assert f"<th><span data-search-exclude>{second}</span></th>" in page, url
        parser = Parser()
        parser.feed(page[page.index("<article"):page.index("</article>")])
        parser.close()
        engine_text = " ".join("".join(section.text) for section in parser.data)
        assert kept.split(".")[0] in engine_text and first not in engine_text, url


def test_a_hubs_map_sentences_stay_on_its_page_and_out_of_the_search(built: Path) -> None:
    """Every hub's search excerpt began with the map's own words (« Sur la carte, position approximative… », « La
    carte montre son territoire… »), as the reader's review found: on the page, out of the index."""
    site = built / "site"
    records = {d["url"]: d["content"] for d in _search_records(site)}
    sentence = "Sur la carte, position approximative"
    page = (site / "hubs" / "living-lab-sante" / "index.html").read_text(encoding="utf-8")
    assert sentence in page and "<p data-search-exclude>" + sentence in page
    assert "/hubs/living-lab-sante/" in records and sentence not in records["/hubs/living-lab-sante/"]
    assert not any("La carte montre son territoire" in text or sentence in text for text in records.values())


def test_a_moved_hub_keeps_its_address_out_of_the_search_and_the_sitemap(built: Path) -> None:
    """The fixture's moved.yml: the former address of a hub leads to the kept page, in both editions, and is
    found by nothing (the pillars' former addresses are kept out the same way: files, not pages)."""
    site = built / "site"
    for prefix, lang in (("", "fr"), ("en/", "en")):
        page = (site / prefix / "hubs/fab-lab-de-besancon/index.html").read_text(encoding="utf-8")
        assert f'<html lang="{lang}">' in page and 'content="0; url=../fablab-besancon/"' in page
        assert (site / prefix / "hubs/fablab-besancon/index.html").is_file()  # where it leads
    locations = {d["url"] for d in _search_records(site)}
    assert any("/hubs/fablab-besancon/" in u for u in locations)
    assert not [u for u in locations if "fab-lab-de-besancon" in u or "/piliers/health/" in u]
    import gzip
    for sitemap in [*site.glob("sitemap.xml*"), *site.glob("en/sitemap.xml*")]:  # pages only (none without a
        data = sitemap.read_bytes()                                              # site_url, as here)
        text = (gzip.decompress(data) if sitemap.suffix == ".gz" else data).decode("utf-8")
        assert "fab-lab-de-besancon" not in text, sitemap


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical_and_unchanged_files_are_not_rewritten(built: Path, workdir: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workdir)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    docs = built / "docs"
    before = {p: p.stat().st_mtime_ns for p in docs.rglob("*") if p.is_file()}
    first_site = _tree(built / "site")
    # Same docs folder again: nothing is rewritten; the site is rebuilt aside and swapped in.
    assert build_run(*_args(FIXTURES / "atlas", built, workdir / "content")) == 0
    after = {p: p.stat().st_mtime_ns for p in docs.rglob("*") if p.is_file()}
    assert before == after
    assert _tree(built / "site") == first_site
    # A fresh folder: the same bytes everywhere (docs and site).
    assert build_run(*_args(FIXTURES / "atlas", workdir / "b", workdir / "content")) == 0
    assert _tree(workdir / "b" / "docs") == _tree(docs)
    assert _tree(workdir / "b" / "site") == first_site


def test_failed_build_keeps_the_previous_site(built: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workdir)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    content = _content(workdir / "broken-content")
    (content / "a-propos.md").write_text("# À propos\n\n[lien cassé](nulle-part.md)\n", encoding="utf-8")
    base = workdir / "c"
    assert build_run(*_args(FIXTURES / "atlas", base, _content(workdir / "good-content"))) == 0
    previous = _tree(base / "site")
    with pytest.raises(AtlasError, match="le site précédent est inchangé"):
        build_run(*_args(FIXTURES / "atlas", base, content))
    assert _tree(base / "site") == previous
    assert not [p for p in base.iterdir() if p.name.startswith(".site.building-")]


def test_invalid_sheets_build_nothing(workdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil
    monkeypatch.chdir(workdir)
    sheets = tmp_path / "territories"
    shutil.copytree(FIXTURES / "atlas", sheets)
    (sheets / "doubs" / "territory.yml").write_text("name: [\n", encoding="utf-8")
    with pytest.raises(AtlasError):
        build_run(*_args(sheets, tmp_path / "out", _content(tmp_path / "content")))
    assert not (tmp_path / "out" / "site").exists()


# ---- hostile sheets ------------------------------------------------------------------------------

class _Scan(html.parser.HTMLParser):
    """Every element, attribute and text of a page, to look for anything a sheet made live."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._stack.append(tag)
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"event handler {name}={value!r} on <{tag}>")
            squashed = re.sub(r"[\s\x00-\x1f]", "", value).lower()
            if name in ("href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "data") and \
                    squashed.startswith(("javascript:", "data:", "vbscript:", "file:")):
                self.problems.append(f"{name}={value!r} on <{tag}>")
            if "alert(" in value and name in ("href", "src", "style", "action", "formaction", "srcdoc"):
                self.problems.append(f"payload in attribute {name} of <{tag}>: {value!r}")
        if tag in ("iframe", "object", "embed", "style", "base", "frame"):
            self.problems.append(f"<{tag}> element")
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._stack[-1] = "heading"

    def handle_endtag(self, tag: str) -> None:
        if self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if "script" in self._stack and "alert(" in data:
            self.problems.append(f"script with a payload: {data[:80]!r}")
        if "heading" in self._stack and "Faux titre" in data:
            self.problems.append(f"forged heading: {data!r}")


@pytest.fixture(scope="module")
def hostile_site(workdir: Path) -> Path:
    mp = pytest.MonkeyPatch()
    mp.chdir(workdir)
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    try:
        assert build_run(*_args(FIXTURES / "hostile", workdir / "h", _content(workdir / "content"))) == 0
    finally:
        mp.undo()
    return workdir / "h" / "site"


def test_hostile_sheets_build_and_nothing_of_them_is_live(hostile_site: Path) -> None:
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > 10
    texts = []
    for page in pages:
        scan = _Scan()
        raw = page.read_text(encoding="utf-8")
        scan.feed(raw)
        assert not scan.problems, f"{page.relative_to(hostile_site)}: {scan.problems[:5]}"
        assert 'class="admonition' not in raw, f"{page}: a sheet made an admonition"
        texts.append("".join(scan.text))
    everything = "\n".join(texts)
    # What the sheets wrote is shown as text, exactly.
    assert "Terre <script>alert('nom')</script> | hostile $\\invalidcmd$ {{ 7*7 }}" in everything
    assert "Atelier </title><script>alert('hub')</script> | $x$ {{ 7*7 }} # pas un titre" in everything
    assert "Gabarit {{ a*b*c }} et {% for x in __items__ %}." in everything  # no emphasis inside the spans
    # the catalogue's unit, on the catalogue page of both editions
    assert "habitants <script>alert('unite')</script> [lien](javascript:alert('unite'))" in everything
    # The sheets are published as they are, as YAML files that no page embeds.
    copy = hostile_site / "donnees/fiches/terre-hostile/territory.yml"
    assert copy.read_bytes() == (FIXTURES / "hostile/terre-hostile/territory.yml").read_bytes()
    assert not list((hostile_site / "donnees/fiches").rglob("*.html"))
    # No snippet include pasted a file of the build host into the site.
    for secret in ("repositoryformatversion", "root:x:0:0", "site_name:", "[core]"):
        assert secret not in everything, secret


def test_hostile_page_title_and_heading_are_text(hostile_site: Path) -> None:
    raw = (hostile_site / "hubs/atelier-piege/index.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", raw, re.S).group(1)
    assert "<" not in title and "alert" in title
    scan = _Scan()
    scan.feed(f"<p>{title}</p>")
    # its straight quotes typographic, as French text (generator.typography.french_quotes_html): text all the same
    assert "".join(scan.text).startswith("Atelier </title><script>alert(’hub’)</script>")


def test_hostile_search_index_holds_text_that_the_search_shows_as_text(hostile_site: Path) -> None:
    """Pagefind stores each page's text (a name that looks like markup stays findable); the site's
    search script writes titles and excerpts as text, keeping only Pagefind's <mark> highlights."""
    docs = _search_records(hostile_site)
    assert any("<script>alert('hub')</script>" in d["content"] for d in docs)
    script = (hostile_site / "assets" / "atlas" / "recherche.js").read_text(encoding="utf-8")
    assert "marked(page.excerpt)" in script and "text(typographic(title))" in script
    assert "page.excerpt +" not in script  # never inserted as HTML as it comes


def test_hostile_links_are_only_http(hostile_site: Path) -> None:
    raw = (hostile_site / "territoires/terre-hostile/index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'href="([^"]*)"', raw)
    external = [h for h in hrefs if ":" in h.split("/")[0]]
    assert external and all(h.startswith(("https://", "http://")) for h in external), external
    assert "https://example.org/source?a=1&amp;b=%3Cscript%3E" in raw


@pytest.mark.parametrize("snippet", [
    '<a href="javascript:alert(1)">x</a>', '<img src=x onerror="alert(1)">', "<script>alert(1)</script>",
    '<a href=" JaVa\nScript:alert(1)">x</a>', '<img src="data:image/svg+xml,x">', "<h2>Faux titre</h2>",
    "<iframe src=x></iframe>", "<style>body{}</style>",
])
def test_the_scan_catches_live_markup(snippet: str) -> None:
    scan = _Scan()
    scan.feed(snippet)
    assert scan.problems


def test_reports_written_by_atlas_pdf_survive_a_build_and_are_linked(workdir: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workdir)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    site = tmp_path / "site"
    (site / "pdf").mkdir(parents=True)
    report = b"%PDF-1.7 stand-in written by `atlas pdf`"
    (site / "pdf" / "doubs.pdf").write_bytes(report)
    (site / "pdf" / "not-a-territory.pdf").write_bytes(b"%PDF")
    assert build_run(*_args(FIXTURES / "atlas", tmp_path, _content(tmp_path / "content"))) == 0
    assert (site / "pdf" / "doubs.pdf").read_bytes() == report
    assert not (site / "pdf" / "not-a-territory.pdf").exists()
    page = (site / "territoires" / "doubs" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../pdf/doubs.pdf"' in page
    other = (site / "territoires" / "ornans" / "index.html").read_text(encoding="utf-8")
    assert "pdf/ornans.pdf" not in other


def test_build_with_pdf_publishes_and_links_the_reports(workdir: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workdir)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert build_run(*_args(FIXTURES / "atlas", tmp_path, _content(tmp_path / "content"), pdf=True)) == 0
    site = tmp_path / "site"
    from pypdf import PdfReader
    for tid in ("doubs", "grand-besancon-metropole"):
        reader = PdfReader(site / "pdf" / f"{tid}.pdf")
        assert len(reader.pages) >= 1
        page = (site / "territoires" / tid / "index.html").read_text(encoding="utf-8")
        assert f'href="../../pdf/{tid}.pdf"' in page
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="pdf/atlas.pdf"' in home and (site / "pdf" / "atlas.pdf").is_file()


def test_edit_links_point_at_the_sheets_when_the_repository_is_known(workdir: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    from generator.site import read_site_config

    monkeypatch.chdir(workdir)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    config = read_site_config()
    config.update(repo_url="https://git.example/owner/atlas", edit_uri="edit/main/content/")
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert build_run(*_args(FIXTURES / "atlas", tmp_path, _content(tmp_path / "content"), config=config_file)) == 0
    site = tmp_path / "site"

    def edit_button(page: str) -> str | None:
        found = re.search(r'<a href="([^"]*)"[^>]*rel="edit"', (site / page).read_text(encoding="utf-8"))
        return found.group(1) if found else None

    sheet = "https://git.example/owner/atlas/edit/main/atlas/doubs/territory.yml"
    assert edit_button("territoires/doubs/index.html") == sheet
    doubs = (site / "territoires/doubs/index.html").read_text(encoding="utf-8")
    assert f'<a href="{sheet}">Modifier cette fiche</a>' in doubs
    assert '<a href="../../donnees/fiches/doubs/territory.yml">Voir la fiche source (YAML)</a>' in doubs
    assert edit_button("a-propos/index.html") == "https://git.example/owner/atlas/edit/main/content/a-propos.md"
    assert edit_button("qualite/index.html") is None  # generated from every sheet: no one file to edit


def test_reports_of_a_removed_territory_are_not_published_again(workdir: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil
    monkeypatch.chdir(workdir)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    sheets = tmp_path / "territories"
    shutil.copytree(FIXTURES / "atlas", sheets)
    docs_pdf = tmp_path / "docs" / "pdf"
    docs_pdf.mkdir(parents=True)
    for name in ("doubs.pdf", "ornans.pdf", "stray.txt"):  # as a previous `atlas build --pdf` left them
        (docs_pdf / name).write_bytes(b"%PDF-1.7 stand-in")
    content = _content(tmp_path / "content")
    assert build_run(*_args(sheets, tmp_path, content)) == 0
    site = tmp_path / "site"
    assert sorted(p.name for p in (site / "pdf").iterdir()) == ["doubs.pdf", "ornans.pdf"]
    assert 'href="../../pdf/ornans.pdf"' in (site / "territoires/ornans/index.html").read_text(encoding="utf-8")
    shutil.rmtree(sheets / "ornans")  # the territory leaves the atlas
    assert build_run(*_args(sheets, tmp_path, content)) == 0
    assert sorted(p.name for p in docs_pdf.iterdir()) == ["doubs.pdf"]
    assert sorted(p.name for p in (site / "pdf").iterdir()) == ["doubs.pdf"]
    assert not (site / "territoires/ornans").exists()
    assert 'href="../../pdf/doubs.pdf"' in (site / "territoires/doubs/index.html").read_text(encoding="utf-8")
    (docs_pdf / "doubs.pdf").unlink()  # gone from the docs folder and from the previous site: no link
    shutil.rmtree(site / "pdf")
    assert build_run(*_args(sheets, tmp_path, content)) == 0
    assert "pdf/doubs.pdf" not in (site / "territoires/doubs/index.html").read_text(encoding="utf-8")
    assert not (site / "pdf").exists() or not list((site / "pdf").iterdir())


# ---- accessibility checks that axe does not make ------------------------------------------------------

def _generated_pages(base: Path) -> list[Path]:
    """The built HTML of every generated page (its Markdown in the docs folder says atlas_generated)."""
    from generator.site_templates import page_url

    pages = []
    for md in sorted((base / "docs").rglob("*.md")):
        if md.relative_to(base / "docs").parts[0] == "en":  # the English edition: tests/test_english_edition.py
            continue
        if md.read_bytes().startswith(b"---\natlas_generated: true"):
            pages.append(base / "site" / page_url(md.relative_to(base / "docs").as_posix()) / "index.html")
    return pages


class _Outline(html.parser.HTMLParser):
    """Headings and links of a page's main content (the <article>), with the text of each link."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[int] = []
        self.links: list[tuple[str, str]] = []
        self._article = 0
        self._link: list[str] | None = None
        self._label = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "article":
            self._article += 1
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "a" and self._article:
            self._link, self._label = [], values.get("aria-label") or values.get("title") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self._article -= 1
        if tag == "a" and self._link is not None:
            self.links.append((" ".join("".join(self._link).split()), self._label))
            self._link = None

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._link.append(data)


VAGUE = {"", "ici", "cliquez ici", "lien", "ce lien", "plus", "en savoir plus", "voir", "suite", "lire la suite",
         "modifier", "¶", "#", "→", "télécharger", "page"}


@pytest.mark.parametrize("which", ["fixture", "hostile"])
def test_generated_pages_are_french_with_one_h1_ordered_headings_and_link_texts_that_say_where(
        which: str, built: Path, hostile_site: Path) -> None:
    base = built if which == "fixture" else hostile_site.parent
    pages = _generated_pages(base)
    assert len(pages) > 20 if which == "fixture" else len(pages) > 10
    for page in pages:
        raw = page.read_text(encoding="utf-8")
        assert re.search(r'<html lang="fr"[\s>]', raw), page
        outline = _Outline()
        outline.feed(raw)
        levels = outline.headings
        assert levels.count(1) == 1 and levels[0] == 1, (page, levels)
        for before, after in zip(levels, levels[1:], strict=False):
            assert after <= before + 1, f"{page}: h{before} followed by h{after}"
        for text, label in outline.links:
            assert (text or label).casefold() not in VAGUE, f"{page}: a link says only {text or label!r}"


def test_every_page_of_the_site_is_in_french(built: Path) -> None:
    site = built / "site"
    pages = sorted(p for p in site.rglob("*.html") if p.relative_to(site).parts[0] != "en")  # en/: English
    assert pages
    for page in pages:
        assert re.search(r'<html lang="fr"[\s>]', page.read_text(encoding="utf-8")), page


def test_straight_quotes_of_a_name_are_typographic_on_french_pages_only(workdir: Path) -> None:
    """An official name with straight quotes (« CA "Saintes - Grandes Rives - L'Agglo" », here the fixture's Pays
    horloger renamed so) is shown on the French pages as French typography writes it, « » and ’, in its heading,
    its tab title, the lists and the breadcrumbs of its hub; the English pages (but where they mark it French),
    atlas.json and the API keep the name as written; the search index reads the straight apostrophe, at which
    Pagefind splits a word (« agglo » finds « L'Agglo », not « L’Agglo »), the site's own French words too
    (« d’innovation »)."""
    import json
    import shutil

    official = "Pays \"Horloger - L'Agglo\""
    shown = "Pays «\u00a0Horloger - L’Agglo\u00a0»"
    sheets = workdir / "quotes-sheets"
    shutil.copytree(FIXTURES / "atlas", sheets)
    sheet = sheets / "pays-horloger" / "territory.yml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("name: Pays horloger", "name: " + json.dumps(official)),
                     encoding="utf-8")
    mp = pytest.MonkeyPatch()
    mp.chdir(workdir)
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    try:
        assert build_run(*_args(sheets, workdir / "q", _content(workdir / "content"))) == 0
    finally:
        mp.undo()
    site = workdir / "q" / "site"
    page = (site / "territoires" / "pays-horloger" / "index.html").read_text(encoding="utf-8")
    assert f">{shown}</h1>" in page and f"<title>{shown} - Atlas des territoires de demain</title>" in page

    def text(raw: str) -> str:  # the prose a reader sees: no tag, no attribute, no code (alternatives and the
        # citations to copy, BibTeX and CSL-JSON, keep the name as written)
        return html.unescape(re.sub(r"<(script|pre)\b.*?</\1>|<[^>]*>", " ", raw, flags=re.S))

    for other in ("territoires/pays-horloger/index.html", "territoires/index.html",
                  "hubs/tiers-lieu-projet/index.html"):
        shown_text = text((site / other).read_text(encoding="utf-8"))
        assert shown in shown_text and '"Horloger' not in shown_text and "L'Agglo" not in shown_text, other
    english = (site / "en" / "territoires" / "pays-horloger" / "index.html").read_text(encoding="utf-8")
    # English text keeps the name as written; where the page marks the name French (the citation's title, WCAG
    # 3.1.2), French typography, as for every French text of an English page (html_whitespace.FrenchText)
    assert official in text(english.split("<h1", 1)[1].split("</h1>", 1)[0].split(">", 1)[1])
    assert "«" not in re.sub(r'<span lang="fr">[^<]*</span>', " ", english)
    assert f'“<span lang="fr">{shown}</span>”' in english
    data = json.loads((site / "donnees" / "atlas.json").read_text(encoding="utf-8"))
    assert next(t["name"] for t in data["territories"] if t["id"] == "pays-horloger") == official
    api = json.loads((site / "api" / "territoires" / "pays-horloger.json").read_text(encoding="utf-8"))
    assert api["name"] == official
    indexed = {d["url"]: d["content"] for d in _search_records(site)}
    assert "L'Agglo" in indexed["/territoires/pays-horloger/"] and "’" not in indexed["/territoires/pays-horloger/"]
    assert "’" in page and not any("’" in text for text in indexed.values())
