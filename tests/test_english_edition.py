"""The English edition (generator/editions.py): `en:` blocks shown, French fallbacks marked lang="fr",
English words from the catalog and the vocabulary, a real `mkdocs build --strict` of both editions,
a language switcher and hreflang links that lead to existing pages, no sheet text made live."""

from __future__ import annotations

import posixpath
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.editions import english_config
from generator.pages import SiteOptions
from generator.site import read_site_config, site_options, site_outputs

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
EPOCH = "1764115200"  # 2025-11-26


@pytest.fixture(scope="module")
def docs(fixture_atlas, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    content = tmp_path_factory.mktemp("content")
    (content / "a-propos.md").write_text("# À propos\n\nVoir [les données](donnees/atlas.json).\n", encoding="utf-8")
    outs = site_outputs(fixture_atlas, FIXTURES / "atlas", content, SiteOptions(has_contribuer=True), pictures={},
                        schemas=None)
    return {o.path: o.data.decode("utf-8") for o in outs if o.path.endswith(".md")}


def test_every_french_page_has_an_english_twin(docs: dict[str, str]) -> None:
    french = {p for p in docs if not p.startswith("en/")}
    english = {p[3:] for p in docs if p.startswith("en/")}
    assert french and french == english


def test_an_en_summary_shows_and_the_french_text_is_the_marked_fallback(docs: dict[str, str]) -> None:
    page = docs["en/territoires/grand-besancon-metropole.md"]
    assert "A metropolis in eastern France." in page  # the sheet's en: summary
    assert "Member of a <em>French Tech</em> community." in page  # a pillar's en: rationale
    assert "Liens avec Dijon et la Suisse." in page  # no en: summary for this pillar: the French one...
    fallback = re.search(r'<div lang="fr" class="atlas-md">\n<p>Liens avec Dijon et la Suisse.</p>', page)
    assert fallback, "...marked lang=fr"
    assert "Membre d'une communauté" not in page
    french = docs["territoires/grand-besancon-metropole.md"]
    assert "Membre d'une communauté <em>French Tech</em>." in french and "A metropolis" not in french
    assert 'lang="fr"' not in french
    hub = docs["en/hubs/fablab-besancon.md"]
    assert "An open workshop." in hub


def test_english_words_and_no_french_ones_on_translated_pages(docs: dict[str, str]) -> None:
    page = docs["en/territoires/doubs.md"]
    for english in ("## At a glance { #identite }", "| Level | Département |", "## Measured profile",
                    "Editorial rating: 2 out of 5.",
                    "## About this sheet", "You are here:", "1 March 2025"):
        assert english in page, english
    for french in ("Identité", "Appréciation éditoriale", "Vous êtes ici", "Mise à jour", "non sourcé", "mars"):
        # French may remain only inside an element marked lang="fr" (sheet text without an en: version)
        outside = re.sub(r'<(span|div|a)[^>]* lang="fr"[^>]*>.*?</\1>', "", page, flags=re.S)
        assert french not in outside, french
    assert "Appréciation éditoriale : 2 sur 5." in docs["territoires/doubs.md"]  # the French page as it was


def test_untranslated_pages_are_published_in_french_and_say_so(docs: dict[str, str]) -> None:
    page = docs["en/a-propos.md"]
    assert page.startswith("---\ncontent_lang: fr\n")  # main.html marks the content lang="fr" after a note
    assert '<a href="../../donnees/atlas.json">les données</a>' in page  # the French site's copy of the file
    assert "content_lang" not in docs["en/territoires/doubs.md"]


def test_a_kind_not_translated_yet_is_published_in_french_and_marked(fixture_atlas, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Every kind of page is translated today; a new kind added without its English words is still published
    in the English edition, in French, marked so (`content_lang: fr`), with its links to files kept working."""
    from generator import editions

    monkeypatch.setattr(editions, "TRANSLATED", editions.TRANSLATED - {"accessibility"})
    outs = site_outputs(fixture_atlas, FIXTURES / "atlas", tmp_path, SiteOptions(has_contribuer=True), pictures={},
                        schemas=None)
    pages = {o.path: o.data.decode("utf-8") for o in outs if o.path.endswith(".md")}
    assert pages["en/accessibilite.md"].startswith("---\ncontent_lang: fr\n")
    assert "# Déclaration d'accessibilité" in pages["en/accessibilite.md"]
    assert "content_lang" not in pages["en/reference/methode.md"]


def test_the_accessibility_statement_is_in_english(docs: dict[str, str]) -> None:
    """The statement is a page of the edition's own language: a reader of the English edition reads what was
    checked and how to ask for help in English (it was published in French until the 25th session)."""
    page = docs["en/accessibilite.md"]
    assert "content_lang" not in page
    assert "# Accessibility statement" in page and "partially compliant" in page
    assert "This statement was made on " in page and "Means of redress" in page
    assert "sheets' texts that have no English version stay in French" in page  # the English edition's own limit
    for french in ("Déclaration", "Vérifications", "Voies de recours", "partiellement"):
        assert french not in page, french
    assert "{ #voies-de-recours }" in page  # the French anchors kept: a link to a section works in both
    french_page = docs["accessibilite.md"]
    assert "# Déclaration d'accessibilité" in french_page and "édition anglaise" not in french_page


def test_english_config() -> None:
    config = english_config(read_site_config())
    assert config["theme"]["language"] == "en" and config["extra"]["edition"] == "en"
    assert "exclude_docs" not in config
    titles = [next(iter(item)) if isinstance(item, dict) else item for item in config["nav"]]
    assert titles[:3] == ["Home", "Territories", "Innovation hubs"]
    assert read_site_config()["theme"]["language"] == "fr"  # the French configuration is left as it was


def test_site_catalog_is_in_step_and_complete() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "update_site_messages.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_site_catalog_is_written_the_same_whatever_the_day_and_lines_and_check_catches_each_entry(
        tmp_path: Path, capsys) -> None:
    """scripts/update_site_messages.py rewrote the catalog's date and every line reference at each run: diffs
    of hundreds of lines and conflicts between branches. It now writes entries by id, files without line
    numbers, the catalog's own date kept, so a run changes no byte; its --check still fails on a missing, an
    obsolete or an untranslated entry, and a run puts the catalog back in step."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("update_site_messages", ROOT / "scripts" / "update_site_messages.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    shipped = script.PO.read_bytes()
    text = shipped.decode("utf-8")
    assert not re.search(r"^#: \S+:[0-9]+", text, re.M)  # no line numbers
    assert text.startswith(script.HEADER + "\n") and "2026" not in script.HEADER
    po = tmp_path / "site.po"
    # another day in the file's header: kept, not the day of the run
    po.write_text(re.sub(r'POT-Creation-Date: [^\\]+', "POT-Creation-Date: 2020-01-02 03:04+0000", text), "utf-8")
    assert script.main([], po) == 0
    written = po.read_bytes()
    assert b"POT-Creation-Date: 2020-01-02 03:04+0000" in written and script.main([], po) == 0
    assert po.read_bytes() == written and script.main(["--check"], po) == 0
    # an obsolete entry
    po.write_text(text + '\n#: theme/pages/disparu.md.j2\nmsgid "Mot disparu"\nmsgstr "Gone word"\n', "utf-8")
    assert script.main(["--check"], po) == 1
    assert script.main([], po) == 0 and po.read_bytes() == shipped
    # a missing entry: put back by a run, untranslated, which --check still refuses
    entry = '#: theme/pages/_citation.md.j2\nmsgid "Citer cette fiche"\nmsgstr "Cite this sheet"\n\n'
    assert entry in text
    po.write_text(text.replace(entry, ""), "utf-8")
    assert script.main(["--check"], po) == 1
    capsys.readouterr()
    assert script.main([], po) == 0
    assert capsys.readouterr().out == "untranslated: 'Citer cette fiche'\n"
    assert script.main(["--check"], po) == 1
    assert "untranslated: 'Citer cette fiche'" in capsys.readouterr().err


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture atlas built with the real engine (--strict), both editions, into a temporary folder."""
    from generator.commands.build import Options as BuildOptions
    from generator.commands.build import run as build_run
    from generator.project import Project

    base = tmp_path_factory.mktemp("english")
    content = base / "content"
    content.mkdir()
    (content / "index.md").write_text("# Atlas des territoires de demain\n\nIntroduction.\n", encoding="utf-8")
    # a hand-written page with no English version (no content/en/a-propos.md): published in French, and says so
    (content / "a-propos.md").write_text("# À propos\n\nUne page écrite à la main.\n", encoding="utf-8")
    mp = pytest.MonkeyPatch()
    mp.chdir(base)
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    try:
        project = Project.at(territories=FIXTURES / "atlas", content=content, docs_dir=base / "docs",
                             site_dir=base / "site")
        assert build_run(project, BuildOptions(jobs=1, quiet=True)) == 0
    finally:
        mp.undo()
    return base / "site"


def _alternates(raw: str) -> dict[str, str]:
    """The hreflang links of a page: rel is the token `alternate` (written " alternate", see main.html)."""
    found = re.findall(r'<link rel="\s*alternate\s*" href="([^"]*)" hreflang="([a-z-]+)"', raw)
    return {lang: href for href, lang in found}


def _target(site: Path, page: Path, href: str) -> Path:
    folder = page.parent.relative_to(site).as_posix()
    path = posixpath.normpath(posixpath.join(folder, href))
    assert not path.startswith(".."), f"{page}: {href} leaves the site"
    target = site / path
    return target / "index.html" if target.is_dir() or href.endswith("/") else target


def test_both_editions_build_strictly_and_link_their_twins(built: Path) -> None:
    def pages(folder: Path) -> list[Path]:  # the redirects from the pillars' former addresses left out
        return sorted(p for p in folder.rglob("*.html") if p.relative_to(built).parts[0] != "en" or folder != built
                      if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8"))

    english, french = pages(built / "en"), pages(built)
    assert len(english) > 30 and len(english) == len(french)
    for page in [*english, *french]:
        raw = page.read_text(encoding="utf-8")
        lang = "en" if page.relative_to(built).parts[0] == "en" else "fr"
        assert re.search(rf'<html lang="{lang}"[\s>]', raw), page
        if page.name == "404.html":
            continue
        alternates = _alternates(raw)
        assert set(alternates) == {"fr", "en", "x-default"}, page
        for other, href in alternates.items():
            assert _target(built, page, href).is_file(), f"{page}: hreflang={other} {href}"
        switcher = re.findall(r'<a href="([^"]*)" hreflang="(fr|en)" lang="\2" class="md-select__link"', raw)
        assert {lang_ for _, lang_ in switcher} == {"fr", "en"}, page
        for href, _ in switcher:
            assert _target(built, page, href).is_file(), f"{page}: switcher {href}"
        # the feed of the sheets updated, French, advertised by every page of both editions for feed readers
        feed = re.findall(r'<link rel=" alternate" type="application/atom\+xml" hreflang="fr" href="([^"]*)"', raw)
        assert len(feed) == 1 and _target(built, page, feed[0]) == built / "flux.xml", (page, feed)
        assert (built / "flux.xml").is_file()


def test_pillar_anchors_are_french_and_the_former_ones_still_lead_there(built: Path) -> None:
    """A pillar's section is #pilier-sante (its French slug) in both editions, as every anchor of a page and the
    pillar pages' addresses; the former #pilier-health (the key, in English on French pages) is an empty element
    at the start of its heading, so links made to it still lead there. Every link of the site to a pillar's section
    leads to an id of its page, and none uses a former one."""
    from generator.model import PILLAR_SLUGS

    for edition in (built, built / "en"):
        for page in ("territoires/grand-besancon-metropole", "reference/indicateurs"):
            raw = (edition / page / "index.html").read_text(encoding="utf-8")
            level = "2" if page.startswith("reference") else "3"
            for key, slug in PILLAR_SLUGS.items():
                kept = f'<span id="pilier-{key}"></span>' if key != slug else ""
                assert re.search(rf'<h{level} id="pilier-{slug}">{kept}\w', raw), (edition, page, key)
        raw = (edition / "territoires" / "grand-besancon-metropole" / "index.html").read_text(encoding="utf-8")
        assert '<h4 id="faits-sante"><span id="faits-health"></span>' in raw
    checked = 0
    former = {f"{prefix}-{key}" for key, slug in PILLAR_SLUGS.items() if key != slug for prefix in ("pilier", "faits")}
    for page in sorted(built.rglob("*.html")):
        raw = page.read_text(encoding="utf-8")
        for href, anchor in re.findall(r'href="([^"#]*)#((?:pilier|faits)-[^"]*)"', raw):
            assert anchor not in former, (page, href, anchor)
            target = page if not href else _target(built, page, href)
            assert f'id="{anchor}"' in target.read_text(encoding="utf-8"), (page, href, anchor)
            checked += 1
    assert checked > 50


class _NameLang(HTMLParser):
    """Each place a page shows the atlas's French name (text, or a title, aria-label or alt attribute), with the
    language it is marked in there and whether it is inside the page's own content (<article>)."""

    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})

    def __init__(self, name: str) -> None:
        super().__init__(convert_charrefs=True)
        self.name, self.stack, self.found = name, [], []  # stack: (tag, its lang or None)

    def _lang(self, stack: list) -> str | None:
        return next((lang for _, lang in reversed(stack) if lang is not None), None)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        here = [*self.stack, (tag, dict(attrs).get("lang"))]
        for key, value in attrs:
            if key in ("title", "aria-label", "alt") and value and self.name in value:
                self.found.append((tag, key, self._lang(here), "article" in {t for t, _ in here}))
        if tag not in self.VOID:
            self.stack = here

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        tags = {t for t, _ in self.stack}
        if self.name in " ".join(data.split()) and not tags & {"title", "script"}:
            self.found.append((self.stack[-1][0], "text", self._lang(self.stack), "article" in tags))


def test_the_atlas_french_name_is_marked_french_on_english_pages(built: Path) -> None:
    """The English edition names the atlas by its French name: in the header (title, logo link), the navigation
    drawer's title and the home page's heading it is inside an element marked lang="fr" (WCAG 3.1.2). The page's
    <title> holds text only and cannot mark a part of it. The French pages are as they were."""
    name = "Atlas des territoires de demain"
    pages = sorted((built / "en").rglob("*.html"))
    chrome = 0
    for page in pages:
        parser = _NameLang(name)
        parser.feed(page.read_text(encoding="utf-8"))
        for tag, where, lang, in_article in parser.found:
            if not in_article:  # the theme's header and navigation, on every page
                assert lang == "fr", (page, tag, where)
                chrome += 1
    assert chrome >= 5 * len(pages)  # header title, logo's title and aria-label, drawer's text and its logo's
    home = (built / "en" / "index.html").read_text(encoding="utf-8")
    assert f'<h1 id="atlas-des-territoires-de-demain" lang="fr">{name}</h1>' in home
    french = (built / "territoires" / "doubs" / "index.html").read_text(encoding="utf-8")
    assert '<div class="md-header__topic">' in french and '<label class="md-nav__title" for="__drawer">' in french
    assert 'md-logo" lang' not in french and f'<h1 id="atlas-des-territoires-de-demain">{name}</h1>' in (
        built / "index.html").read_text(encoding="utf-8")


def test_the_error_pages_switch_to_each_editions_home(built: Path) -> None:
    """The 404 page is served at any address and built with the root as its base: its language switcher leads
    to the editions' home pages by rooted links (it wrote « //en/ », an address naming a host « en »)."""
    for page in (built / "404.html", built / "en" / "404.html"):
        raw = page.read_text(encoding="utf-8")
        switcher = dict((lang, href) for href, lang in re.findall(
            r'<a href="([^"]*)" hreflang="(fr|en)" lang="\2" class="md-select__link"', raw))
        assert switcher == {"fr": "/", "en": "/en/"}, page
        assert (built / "index.html").is_file() and (built / "en" / "index.html").is_file()


def test_the_english_error_page_leads_into_the_english_edition(built: Path) -> None:
    """The English 404 page's navigation, header and assets lead to /en/ (its links were rooted at « / »,
    the French pages); the French one's stay at the root. Every rooted link leads to a file of the site."""
    for page, edition in ((built / "404.html", "fr"), (built / "en" / "404.html", "en")):
        raw = page.read_text(encoding="utf-8")
        nav = re.findall(r'<a href="(/[^"]*)"[^>]*class="md-nav__link', raw)
        assert len(nav) > 5, page
        # every rooted link but the language switcher's (to each edition's home page, tested above) and, on the
        # French page, the line for readers without JavaScript at an English address (its own test, in
        # test_site_browser), which leads to the English edition
        outside = re.sub(r'<a href="[^"]*" hreflang="(fr|en)" lang="\1" class="md-select__link"', "", raw)
        english_line = '<noscript><p lang="en">Page not found. <a href="/en/">The atlas in English</a>.</p></noscript>'
        assert (english_line in outside) == (edition == "fr"), page
        outside = outside.replace(english_line, "")
        for href in re.findall(r'(?:href|src)="(/[^"/][^"]*|/)"', outside):
            target = built / posixpath.normpath(href.split("#")[0].split("?")[0].lstrip("/") or ".")
            assert (target / "index.html" if target.is_dir() else target).is_file(), (page, href)
            assert (href == "/en" or href.startswith("/en/")) == (edition == "en"), (page, href)
        # the page says what happened in its edition's language, and leads back to the lists
        heading = {"fr": '<h1 id="page-introuvable">Page introuvable</h1>',
                   "en": '<h1 id="page-introuvable">Page not found</h1>'}[edition]
        assert heading in raw and "Not found" not in raw.replace("Page not found", ""), page
        # a skip link to that heading, first in the page, as every page has (the theme gives none without a toc)
        skip = {"fr": "Aller au contenu", "en": "Skip to content"}[edition]
        assert re.search(rf'<a href="#page-introuvable" class="md-skip">\s*{skip}\s*</a>', raw), page
        root = "/en/" if edition == "en" else "/"
        for target in ("territoires/", "hubs/"):
            assert f'<a href="{root}{target}">' in raw, (page, target)


def test_english_pages_link_to_files_that_exist(built: Path) -> None:
    """Pictures, data files and sheet copies are not copied into en/: the English pages link to the
    French site's copy, which must be there (MkDocs does not check raw HTML links)."""
    checked = 0
    for page in sorted((built / "en").rglob("index.html")):
        raw = page.read_text(encoding="utf-8")
        for href in re.findall(r'(?:href|src|srcset)="([^"#?:]+\.(?:json|csv|geojson|yml|svg|pdf|zip))"', raw):
            assert _target(built, page, href).is_file(), f"{page}: {href}"
            checked += 1
    assert checked > 50


def test_english_pages_read_as_english(built: Path) -> None:
    raw = (built / "en" / "territoires" / "grand-besancon-metropole" / "index.html").read_text(encoding="utf-8")
    assert "A metropolis in eastern France." in raw
    assert 'placeholder="Rechercher"' not in raw and "Accessibility: partially compliant" in raw
    untranslated = (built / "en" / "a-propos" / "index.html").read_text(encoding="utf-8")
    assert "This page has not been translated yet" in untranslated and '<div lang="fr">' in untranslated
    statement = (built / "en" / "accessibilite" / "index.html").read_text(encoding="utf-8")
    assert "This page has not been translated yet" not in statement and "<h1" in statement
    assert "Accessibility statement</h1>" in statement


def test_built_pages_name_the_vocabulary_by_its_en_labels(built: Path) -> None:
    """The engine's English hub page: the vocabulary's English labels, a French one (no `en:`) marked."""
    english = (built / "en" / "hubs" / "fablab-besancon" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="[^"]*#type-tiers-lieu">Third place</a>', english)
    assert '<span lang="fr">Événements</span>' in english and "Tiers-lieu</a>" not in english
    french = (built / "hubs" / "fablab-besancon" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="[^"]*#type-tiers-lieu">Tiers-lieu</a>', french) and "Third place" not in french


def test_search_indexes_each_edition_in_its_language(built: Path) -> None:
    import json

    entry = json.loads((built / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["en"]["page_count"] > 10 and entry["languages"]["fr"]["page_count"] > 10
    script = (built / "en" / "assets" / "atlas" / "recherche.js").read_text(encoding="utf-8")
    assert "(en\\/)?assets" in script  # the English pages load the one index at the site's root


def test_no_sheet_text_becomes_live_html_in_the_english_edition(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from test_site_build import _Scan

    from generator.commands.build import Options as BuildOptions
    from generator.commands.build import run as build_run
    from generator.project import Project

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    content = tmp_path / "content"
    content.mkdir()
    project = Project.at(territories=FIXTURES / "hostile", content=content, docs_dir=tmp_path / "docs",
                         site_dir=tmp_path / "site")
    assert build_run(project, BuildOptions(jobs=1, quiet=True)) == 0
    pages = sorted((tmp_path / "site" / "en").rglob("*.html"))
    assert len(pages) > 10
    texts = []
    for page in pages:
        scan = _Scan()
        raw = page.read_text(encoding="utf-8")
        scan.feed(raw)
        assert not scan.problems, f"{page}: {scan.problems[:5]}"
        texts.append("".join(scan.text))
    assert "Terre <script>alert('nom')</script> | hostile $\\invalidcmd$ {{ 7*7 }}" in "\n".join(texts)
    assert "Fab <script>alert('en')</script> Lab | {{ 7*7 }} en" in "\n".join(texts)  # a vocabulary en: label


def test_english_pages_link_the_english_reports_where_they_exist(fixture_atlas) -> None:
    """An English territory page links `<id>.en.pdf` when that report exists, else the French one;
    the French page always links the French report; the home pages link their own whole atlas."""
    from generator.pages import Pages

    options = SiteOptions(pdf_ids=frozenset({"doubs", "ornans"}), pdf_ids_en=frozenset({"doubs"}),
                          atlas_pdf="pdf/atlas.pdf", atlas_pdf_en="pdf/atlas.en.pdf")
    english, french = Pages(fixture_atlas, options, lang="en"), Pages(fixture_atlas, options)
    doubs, ornans = fixture_atlas.territories["doubs"], fixture_atlas.territories["ornans"]
    assert "pdf/doubs.en.pdf" in english.territory_page(doubs).data.decode()
    assert "pdf/ornans.pdf" in english.territory_page(ornans).data.decode()  # no English report: the French one
    assert "ornans.en.pdf" not in english.territory_page(ornans).data.decode()
    assert "(../pdf/doubs.pdf)" in french.territory_page(doubs).data.decode()
    assert ".en.pdf" not in french.territory_page(doubs).data.decode()
    assert "pdf/atlas.en.pdf" in english.home_page().data.decode()
    assert "pdf/atlas.en.pdf" not in french.home_page().data.decode()


@pytest.fixture(scope="module")
def content_docs(fixture_atlas, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A content/ folder with an English counterpart for some pages (content/en/), not for others."""
    content = tmp_path_factory.mktemp("content")
    (content / "en").mkdir()
    (content / "index.md").write_text("# Atlas\n\nPartout en France.\n", encoding="utf-8")
    (content / "en" / "index.md").write_text("# Atlas\n\nAll over France, see [about](a-propos.md).\n",
                                             encoding="utf-8")
    (content / "a-propos.md").write_text("# À propos\n\nVoir [les données](donnees/atlas.json).\n", encoding="utf-8")
    (content / "en" / "a-propos.md").write_text("# About\n\nSee [the data](donnees/atlas.json).\n", encoding="utf-8")
    (content / "licences.md").write_text("# Licences et crédits\n\nLe code.\n", encoding="utf-8")
    outs = site_outputs(fixture_atlas, FIXTURES / "atlas", content,
                        site_options({}, content), pictures={}, schemas=None)
    return {o.path: o.data.decode("utf-8") for o in outs if o.path.endswith(".md")}


def test_hand_written_pages_are_english_where_content_en_has_them(content_docs: dict[str, str]) -> None:
    about = content_docs["en/a-propos.md"]
    assert about.startswith("# About\n") and "content_lang" not in about and "À propos" not in about
    assert '<a href="../../donnees/atlas.json">the data</a>' in about  # a file: the French site's copy
    # no English counterpart: the French page, marked so (main.html adds a note in English)
    assert content_docs["en/licences.md"].startswith("---\ncontent_lang: fr\n")
    assert "Licences et crédits" in content_docs["en/licences.md"]
    # the French edition as it was: its pages only, content/en/ not copied among them
    assert content_docs["a-propos.md"].startswith("# À propos\n")
    assert not [p for p in content_docs if p.startswith(("en/en/", "en/a-propos.md/"))]
    assert "All over France, see [about](a-propos.md)." in content_docs["en/index.md"]  # the English home's intro
    assert "Partout en France." in content_docs["index.md"] and "All over France" not in content_docs["index.md"]


@pytest.mark.parametrize("page", ["index.md", "a-propos.md", "methodologie.md", "contribuer.md", "licences.md"])
def test_shipped_english_pages_keep_the_french_pages_links_and_figures(page: str) -> None:
    """content/en/ is a translation: the same links (pages, files, addresses), the same numbers and
    identifiers in code, one title."""
    french = (ROOT / "content" / page).read_text(encoding="utf-8")
    english = (ROOT / "content" / "en" / page).read_text(encoding="utf-8")
    assert len([line for line in english.splitlines() if line.startswith("# ")]) == 1

    def links(text: str) -> list[str]:
        return sorted(re.findall(r"\]\(([^)\s]+)\)", text) + re.findall(r"<(https?://[^>]+)>", text))

    def codes(text: str) -> list[str]:
        return sorted(re.findall(r"`([^`\n]+)`", text))

    def years(text: str) -> list[str]:
        return sorted(re.findall(r"\b(?:19|20)\d\d\b", text))

    assert links(english) == links(french)
    assert codes(english) == codes(french)
    assert years(english) == years(french)


def test_the_anchors_that_generated_pages_link_to_exist_in_both_editions_hand_written_pages() -> None:
    """A generated page links a section of a hand-written one (« voir la méthodologie » under a tie:
    `methodologie.md#limites`); the English page must hold the same anchor, as every anchor of the site is
    French in both editions (`mkdocs build --strict` fails otherwise, on the national atlas only)."""
    import markdown

    linked = set(re.findall(r'link\([^()]*(?:\([^()]*\)[^()]*)*"(\w[\w-]*\.md)", "([\w-]+)"\)',
                            "".join(t.read_text(encoding="utf-8") for t in (ROOT / "theme" / "pages").glob("*.j2"))))
    assert ("methodologie.md", "limites") in linked
    for page, anchor in sorted(linked):
        for folder in (ROOT / "content", ROOT / "content" / "en"):
            md = markdown.Markdown(extensions=["toc", "attr_list"])
            html = md.convert((folder / page).read_text(encoding="utf-8"))
            assert f'id="{anchor}"' in html, (folder / page, anchor)


# what is not prose on a hand-written page: code spans, HTML tags and comments, link targets, addresses, the
# attributes of attr_list (`# Title { lang="fr" }`)
_NOT_PROSE = re.compile(r"`+[^`\n]*`+|<!--.*?-->|<[A-Za-z/!][^<>]*>|\]\([^)]*\)|https?://[^\s)>\]]+"
                        r"|\{:?[ ]*(?:[#.][\w-]+|[\w-]+=)[^{}\n]*\}")


def straight_quotes(markdown: str) -> list[tuple[int, str]]:
    """The lines of a Markdown page whose prose has a straight quote (" or '): outside fenced code blocks (commands,
    YAML examples), code spans, HTML tags and their attributes, link targets, addresses and attr_list's braces."""
    found, fenced = [], False
    for number, line in enumerate(markdown.splitlines(), 1):
        if re.match(r"\s*(```|~~~)", line):
            fenced = not fenced
        elif not fenced and re.search("[\"']", _NOT_PROSE.sub(" ", line)):
            found.append((number, line))
    return found


def test_the_prose_check_leaves_code_and_markup_alone() -> None:
    page = ("The `name: \"x\"` field, <span lang=\"fr\">l’atelier</span>, [a](b.md \"t\") and <https://x.fr/?a='b'>.\n"
            "```yaml\ntitle: Rapport d'activité\n```\n<!-- it's -->\n# Atlas { lang=\"fr\" }\n")
    assert straight_quotes(page) == []
    assert straight_quotes("The atlas's \"data\".\n") == [(1, "The atlas's \"data\".")]


@pytest.mark.parametrize("page", ["index.md", "a-propos.md", "methodologie.md", "contribuer.md", "licences.md"])
def test_shipped_english_pages_write_typographic_quotes(page: str) -> None:
    """English prose writes “ ” and ’ (the atlas’s, “to check”), never a straight " or ': in code, YAML examples,
    commands, addresses and HTML attributes the straight ones stay, as they must."""
    english = (ROOT / "content" / "en" / page).read_text(encoding="utf-8")
    assert straight_quotes(english) == []
    assert "’" in english  # its apostrophes are there, typographic


def test_english_pages_show_the_english_pictures_and_the_french_ones_stay(fixture_atlas, tmp_path: Path) -> None:
    """An English page places each picture's English twin: its own file under en/ when its drawing has
    words, the French file when it has none (Ornans' locator: no hub, no star), English words beside it
    and no lang="fr" mark; the French page is as it was with the French pictures only."""
    from generator.pictures import draw_pictures, picture_keys

    keys = [k for k in picture_keys(fixture_atlas)
            if k.removeprefix("en/").removeprefix("narrow/").startswith(("territory/doubs/", "territory/ornans/"))]
    pictures = draw_pictures(fixture_atlas, cache_dir=tmp_path / "cache", keys=keys, progress=False, jobs=1)
    french_only = {k: p for k, p in pictures.items() if not k.startswith("en/")}
    content = tmp_path / "content"
    content.mkdir()
    outs = site_outputs(fixture_atlas, FIXTURES / "atlas", content, SiteOptions(), pictures=pictures, schemas=None)
    docs = {o.path: o.data for o in outs}
    before = site_outputs(fixture_atlas, FIXTURES / "atlas", content, SiteOptions(), pictures=french_only,
                          schemas=None)
    assert {o.path: o.data for o in before if not o.path.startswith("en/")} == \
        {path: data for path, data in docs.items() if not path.startswith("en/")}  # the French site as it was
    doubs = docs["en/territoires/doubs.md"].decode()
    assert 'src="../../assets/pictures/territory/doubs/pillars.svg"' in doubs  # en/assets/pictures/...
    assert "Measured profile of the five pillars: Doubs" in doubs and "Profil mesuré" not in doubs
    assert '<figure class="atlas-figure" lang="fr">' not in doubs
    assert docs["en/assets/pictures/territory/doubs/pillars.svg"] == pictures["en/territory/doubs/pillars"].svg
    ornans = docs["en/territoires/ornans.md"].decode()
    assert 'src="../../../assets/pictures/territory/ornans/locator.svg"' in ornans  # the French file, shared
    assert "Location: Ornans" in ornans and "en/assets/pictures/territory/ornans/locator.svg" not in docs
    french = docs["territoires/doubs.md"].decode()
    assert "Profil mesuré des cinq piliers : Doubs" in french and "Measured" not in french


def test_indicators_are_named_by_their_en_label_and_the_others_marked_french(fixture_atlas,
                                                                             tmp_path: Path) -> None:
    """An indicator of the catalogue with an `en:` block is named and defined in English in the English
    edition (territory pages, the indicators' page, the comparison tables); one without stays French there,
    marked lang="fr"; the French edition is as it was."""
    from dataclasses import replace
    from types import MappingProxyType

    apl = fixture_atlas.indicators["apl-medecins-generalistes"]
    indicators = dict(fixture_atlas.indicators)
    indicators[apl.id] = replace(apl, en={"label": "Local potential accessibility to GPs",
                                          "definition": "Average of the communes weighted by population."})
    atlas = replace(fixture_atlas, indicators=MappingProxyType(indicators))
    outs = {o.path: o.data.decode("utf-8") for o in site_outputs(
        atlas, FIXTURES / "atlas", tmp_path, SiteOptions(), pictures={}, schemas=None) if o.path.endswith(".md")}
    english, french = outs["en/territoires/doubs.md"], outs["territoires/doubs.md"]
    assert "| Local potential accessibility to GPs — " in english
    assert '<span lang="fr">Médecins généralistes pour 10 000 habitants</span>' in english
    assert '| <span lang="fr">Accessibilité potentielle' not in english  # (the source's own title stays French)
    assert "| Accessibilité potentielle localisée aux médecins généralistes — " in french
    assert "GPs" not in french
    catalogue = next(text for path, text in outs.items() if path.startswith("en/") and "#indicateur-apl" in text)
    assert "### Local potential accessibility to GPs { #indicateur-apl-medecins-generalistes }" in catalogue
    assert "- Definition: Average of the communes weighted by population." in catalogue


def test_a_hubs_commune_code_is_named_the_insee_code_not_read_as_a_postcode(docs: dict[str, str]) -> None:
    """« Besançon (25056) » beside an address's postcode reads as one: the row says which code it is."""
    assert "| Commune | Besançon (code INSEE 25056) |" in docs["hubs/fablab-besancon.md"]
    assert "| Municipality | Besançon (INSEE code 25056) |" in docs["en/hubs/fablab-besancon.md"]


def test_a_figure_without_a_year_says_so_where_its_year_would_be(docs: dict[str, str]) -> None:
    """Doubs's population and area have no year in its sheet: « (non daté) » / « (undated) » where a year
    is printed in parentheses; a hub's address (with a year here) and opening year get no such mark."""
    docs = {path: page.replace("\u202f", " ").replace("\u00a0", " ") for path, page in docs.items()}
    assert "| Population | 545 000 habitants (non daté) " in docs["territoires/doubs.md"]
    assert "| Population | 545,000 inhabitants (undated) " in docs["en/territoires/doubs.md"]
    assert "| Population | 545 000 habitants (non daté) " not in docs["territoires/grand-besancon-metropole.md"]
    for page in (docs["hubs/fablab-besancon.md"], docs["en/hubs/fablab-besancon.md"]):
        assert "non daté" not in page and "undated" not in page


def test_saint_martin_is_named_an_overseas_collectivity_not_a_commune(tmp_path: Path) -> None:
    """The atlas keeps Saint-Martin (INSEE 97801) at its commune level, but its page and its report name its
    level as what it is (the test gives the fixture's Ornans Saint-Martin's code)."""
    import io
    import shutil
    from datetime import date

    from pypdf import PdfReader

    from generator.load import load_valid_atlas
    from generator.pages import Pages
    from generator.pdf import Renderer, check_variant, prepare_build_folder

    tree = tmp_path / "atlas"
    shutil.copytree(FIXTURES / "atlas", tree)
    sheet = tree / "ornans" / "territory.yml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace('code: "25434"', 'code: "97801"'), encoding="utf-8")
    atlas = load_valid_atlas(tree, as_of=date(2025, 11, 26))
    french = Pages(atlas, SiteOptions()).territory_page(atlas.territories["ornans"]).data.decode()
    english = Pages(atlas, SiteOptions(), lang="en").territory_page(atlas.territories["ornans"]).data.decode()
    assert "| Niveau | Collectivité d'outre-mer |" in french and "| Niveau | Commune |" not in french
    assert "| Level | Overseas collectivity |" in english
    # the sentence where no indicator measures it says what it is too (« ne mesure pas les communes » before)
    assert "Le catalogue d'indicateurs ne mesure pas les collectivités d'outre-mer" in french
    assert "ne mesure pas les communes" not in french and "overseas collectivities" in english
    doubs = Pages(atlas, SiteOptions()).territory_page(atlas.territories["doubs"]).data.decode()
    assert "| Niveau | Département |" in doubs
    build = tmp_path / "build"
    pdf = Renderer(atlas, build, prepare_build_folder(build, {}), check_variant(None)).territory_pdf("ornans")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Niveau Collectivité d’outre-mer" in text.replace("'", "’") and "Niveau Commune" not in text
    assert "ne mesure pas les collectivités d’outre-mer" in text.replace("'", "’")


def test_english_writes_a_per_cent_sign_against_its_number(fixture_atlas, tmp_path: Path) -> None:
    """« 5.91 % of the population » in the English edition: English writes `5.91%`, French `5,91 %` (a
    no-break space), in running values and in the tables' medians alike."""
    from dataclasses import replace
    from types import MappingProxyType

    from generator import formats

    assert formats.with_unit(5.91, "% of the population", "en") == "5.91% of the population"
    assert formats.with_unit(5.91, "% de la population", "fr") == "5,91\u00a0% de la population"
    apl = fixture_atlas.indicators["apl-medecins-generalistes"]
    atlas = replace(fixture_atlas, indicators=MappingProxyType({**fixture_atlas.indicators,
                                                                apl.id: replace(apl, unit="%")}))
    outs = {o.path: o.data.decode("utf-8") for o in site_outputs(
        atlas, FIXTURES / "atlas", tmp_path, SiteOptions(), pictures={}, schemas=None) if o.path.endswith(".md")}
    english, french = outs["en/territoires/doubs.md"], outs["territoires/doubs.md"]
    assert re.search(r"\d%", english) and not re.search("\\d\u00a0%", english)
    assert re.search("\\d\u00a0%", french) and not re.search(r"\d%", french)


def test_a_long_level_s_list_pages_are_named_with_each_language_s_colon(fixture_atlas, monkeypatch) -> None:
    """A level too long for the index is listed on pages of its own, each named « Page 1 : A … B (n) »: French
    spacing in French, « Page 1: A … B (n) » in English (the colon was written into the template)."""
    from generator import page_indexes
    from generator.pages import Pages

    monkeypatch.setattr(page_indexes, "LEVEL_INLINE_MAX", 0)  # the fixture's one territory a level stands for many
    lines = {}
    for lang in ("fr", "en"):
        index = next(o for o in Pages(fixture_atlas, SiteOptions(), lang=lang).territories_index()
                     if o.path == "territoires/index.md")
        lines[lang] = [line for line in index.data.decode().splitlines() if "Page 1" in line]
    assert lines["fr"] and all("Page 1</a>\u00a0: " in line or "Page 1]" in line for line in lines["fr"]), lines
    assert lines["en"] and all("Page 1</a>: " in line or "Page 1](" in line for line in lines["en"]), lines
    assert not any(" : " in line or "\u00a0:" in line for line in lines["en"]), lines["en"]
def test_saint_martin_is_named_an_overseas_collectivity_in_lists_and_comparisons(tmp_path: Path) -> None:
    """Saint-Martin's page named it a « Collectivité d'outre-mer », the lists and the comparison page still
    « Commune » (« Communes (1) »): where its level is named for it, it now reads as on its page. The test
    gives the fixture's only commune, Ornans, Saint-Martin's code; a lone territory is not offered a sort."""
    import json
    import shutil
    from datetime import date

    from generator.load import load_valid_atlas
    from generator.site import site_outputs

    tree = tmp_path / "atlas"
    shutil.copytree(FIXTURES / "atlas", tree)
    sheet = tree / "ornans" / "territory.yml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace('code: "25434"', 'code: "97801"'), encoding="utf-8")
    atlas = load_valid_atlas(tree, as_of=date(2025, 11, 26))
    content = tmp_path / "content"
    content.mkdir()
    docs = {o.path: o.data.decode("utf-8", "replace") for o in
            site_outputs(atlas, tree, content, SiteOptions(), pictures={}, schemas=None)
            if o.path.endswith((".md", ".json"))}
    for prefix, plural, single, title, word in (
            ("", "Collectivités d'outre-mer", "Collectivité d'outre-mer", "# Comparer : collectivités d'outre-mer",
             "Communes"),
            ("en/", "Overseas collectivities", "Overseas collectivity", "# Compare: overseas collectivities",
             "Municipalities")):
        home, index = docs[prefix + "index.md"], docs[prefix + "territoires/index.md"]
        compare, compared = docs[prefix + "comparaison/index.md"], docs[prefix + "comparaison/commune.md"]
        assert f"| [{plural}](territoires/index.md#niveau-commune) | 1 |" in home
        assert f"## {plural} (1) {{ #niveau-commune }}" in index
        def h(words: str) -> str:
            return words.replace("'", "&#x27;")  # in raw HTML

        assert f'<a href="ornans/">Ornans</a></th><td>{h(single)}</td>' in index
        assert f">{h(plural)} (1)</option>" in index
        assert f"- [{plural}](commune.md) (1)" in compare
        assert f"<caption>{h(plural)} : " in compared or f"<caption>{h(plural)}: " in compared
        assert title in compared
        for page in (home, index, compare, compared):
            assert word not in page
        assert "Cliquez sur l'en-tête" not in compared and "Click a column header" not in compared
    # the script's filtered list names it so too
    records = json.loads(next(v for k, v in docs.items() if k.endswith("territoires.json") and "api" not in k))
    assert [r.get("com") for r in records if r["id"] == "ornans"] == [1]
    assert not [r for r in records if r.get("com") and r["id"] != "ornans"]
    # the other levels keep their word
    assert "| [Départements](territoires/index.md#niveau-departement) | 1 |" in docs["index.md"]


def test_a_french_value_under_two_takes_its_unit_in_the_singular(fixture_atlas) -> None:
    """« 0 lieux pour 100 000 habitants » on 966 EPCI pages: French puts a noun in the plural from 2 on. The
    catalogue's units that start with a plural noun take its singular under 2; any other unit stays as given."""
    from generator import formats

    assert formats.with_unit(0, "lieux pour 100 000 habitants") == "0\u00a0lieu pour 100 000 habitants"
    assert formats.with_unit(1.5, "ans") == "1,5\u00a0an" and formats.with_unit(2, "ans") == "2\u00a0ans"
    assert formats.with_unit(1.9, "consultations par an et par habitant") == \
        "1,9\u00a0consultation par an et par habitant"
    assert formats.with_unit(3.4, "consultations par an et par habitant") == \
        "3,4\u00a0consultations par an et par habitant"
    assert formats.with_unit(0.5, "pour 10 000 habitants") == "0,5\u00a0pour 10 000 habitants"  # no noun first
    assert formats.with_unit(1, "mois") == "1\u00a0mois"  # not in the table: as given, never a wrong singular
    assert formats.with_unit(0, "lieux pour 100 000 habitants", "en") == "0\u00a0lieux pour 100 000 habitants"
    # the pages' tables write the value and its unit apart (the unit in the edition's language)
    from generator.pages import Pages

    assert str(Pages(fixture_atlas, SiteOptions()).value_text(0.0, "lieux pour 100 000 habitants")) == \
        "0\u00a0lieu pour 100 000 habitants"
    assert str(Pages(fixture_atlas, SiteOptions()).value_text(2.5, "lieux pour 100 000 habitants")) == \
        "2,5\u00a0lieux pour 100 000 habitants"


def test_an_english_value_of_one_takes_its_unit_in_the_singular() -> None:
    """« 1 hubs per 100,000 inhabitants » on an English EPCI page: English puts the noun in the singular at 1 only."""
    from generator import formats

    assert formats.with_unit(1, "hubs per 100,000 inhabitants", "en") == "1\u00a0hub per 100,000 inhabitants"
    assert formats.with_unit(1.0, "years", "en") == "1\u00a0year"
    assert formats.with_unit(0, "hubs per 100,000 inhabitants", "en") == "0\u00a0hubs per 100,000 inhabitants"
    assert formats.with_unit(1.5, "years", "en") == "1.5\u00a0years"
    assert formats.with_unit(1, "per 100,000 inhabitants", "en") == "1\u00a0per 100,000 inhabitants"


def test_saint_martin_is_an_overseas_collectivity_in_rows_that_name_its_level_and_in_the_feed(tmp_path: Path) -> None:
    """The lists name Saint-Martin's level « Collectivité d'outre-mer »; three rows that name a territory with its
    level still said « Commune »: a pillar's editorial ratings, a parent's list of mixed children (its page and its
    report), and the update feed (« Fiche du territoire Saint-Martin (commune) », whose EPCI lowered their acronym,
    « (intercommunalité (epci)) »). The test gives the fixture's Ornans Saint-Martin's code, a rating, the newest
    date, and Doubs as parent (whose children are then of three levels)."""
    import io
    import shutil
    from datetime import date

    from pypdf import PdfReader

    from generator.feed import atom_feed
    from generator.load import load_valid_atlas
    from generator.pages import Pages
    from generator.pdf import Renderer, check_variant, prepare_build_folder

    tree = tmp_path / "atlas"
    shutil.copytree(FIXTURES / "atlas", tree)
    sheet = tree / "ornans" / "territory.yml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace('code: "25434"', 'code: "97801"')
                     .replace("parent: grand-besancon-metropole", "parent: doubs")
                     .replace("updated: 2025-01-05", "updated: 2025-11-20\npillars:\n  health:\n    rating: 3\n"
                              "    rationale: Un hôpital.\n"), encoding="utf-8")
    atlas = load_valid_atlas(tree, as_of=date(2025, 11, 26))
    for lang, single in (("fr", "Collectivité d'outre-mer"), ("en", "Overseas collectivity")):
        pages = Pages(atlas, SiteOptions(), lang=lang)
        pillar = next(o for o in pages.pillar_page("health") if o.path.endswith("piliers/sante.md")).data.decode()
        assert f"[Ornans](../territoires/ornans.md#pilier-sante) | {single} |" in pillar, lang
        doubs = pages.territory_page(atlas.territories["doubs"]).data.decode()
        assert f"- [Ornans](ornans.md) — {single}\n" in doubs, lang
        assert "- [Grand Besançon Métropole](grand-besancon-metropole.md) — Intercommunalit" in doubs, lang
    feed = atom_feed(atlas).decode()
    assert "<summary>Fiche du territoire Ornans (collectivité d’outre-mer), mise à jour le 20 novembre 2025." \
        in feed.replace("'", "’")
    assert "<summary>Fiche du territoire Grand Besançon Métropole (intercommunalité (EPCI)), mise à jour" in feed
    assert "(commune)" not in feed and "epci)" not in feed
    build = tmp_path / "build"
    pdf = Renderer(atlas, build, prepare_build_folder(build, {}), check_variant(None)).territory_pdf("doubs")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Ornans Collectivité d’outre-mer" in text.replace("'", "’") and "Ornans Commune" not in text


def test_a_sheets_words_given_as_a_facts_value_are_marked_french(docs: dict[str, str]) -> None:
    """An address or a figure that is a word is the sheet's French, like its labels and notes; the map position,
    written by the atlas in the edition's words, and numbers are not marked."""
    hub = docs["en/hubs/fablab-besancon.md"]
    assert "| Address | <span lang=\"fr\">1 rue de l'Exemple, 25000 Besançon</span> (2024)" in hub
    position = next(line for line in hub.splitlines() if line.startswith("| Position on the map |"))
    assert "6.0200°\u00a0E (address) (2024)" in position and "<span lang=\"fr\">47" not in position
    territory = docs["en/territoires/grand-besancon-metropole.md"]
    assert '| <span lang="fr">Spécialité</span> | <span lang="fr">Comté</span> | undated |' in territory
    assert "<span lang=\"fr\">46" not in territory and "<span lang=\"fr\">1" not in territory
    french = docs["hubs/fablab-besancon.md"]
    assert "| Adresse | 1 rue de l'Exemple, 25000 Besançon (2024)" in french and 'lang="fr"' not in french


def test_the_english_data_dictionary_is_in_english(docs: dict[str, str]) -> None:
    """The open-data page's tables say what each column means: the meanings are the code's words (generator.opendata),
    in the site catalog, so the English edition gives them in English (41 of 62 rows were French, marked so)."""
    from generator.opendata import HUB_COLUMNS, MEASURE_COLUMNS, TERRITORY_COLUMNS
    from generator.site_templates import gettext_for

    english, french = docs["en/donnees/index.md"], docs["donnees/index.md"]
    _ = gettext_for("en")
    for _column, meaning in [*TERRITORY_COLUMNS, *HUB_COLUMNS, *MEASURE_COLUMNS]:
        assert _(meaning) != meaning or meaning.startswith(("latitude", "longitude")), meaning
    dictionary = [line for line in english.split("### territories.csv")[1].split("### hubs.geojson")[0].splitlines()
                  if line.startswith("| ") and not line.startswith(("| Column", "|---"))]
    assert len(dictionary) == len(TERRITORY_COLUMNS) + len(MEASURE_COLUMNS) + len(HUB_COLUMNS)
    assert [line for line in dictionary if 'lang="fr"' in line] == []
    assert "| status&#95;to&#95;check | true when the status (active or planned) has not been observed" in english
    assert "| status&#95;to&#95;check | true quand le statut" in french


def test_a_territory_without_population_says_so_and_where_to_read_why(fixture_atlas, tmp_path: Path) -> None:
    """Mayotte's sheet has no population (its census is too old): its page showed « — » and nothing else."""
    from dataclasses import replace
    from types import MappingProxyType

    from generator.pages import Pages

    doubs = fixture_atlas.territories["doubs"]
    atlas = replace(fixture_atlas, territories=MappingProxyType(
        {**fixture_atlas.territories, "doubs": replace(doubs, population=None)}))
    options = SiteOptions(has_methodologie=True)
    pages = {lang: Pages(atlas, options, lang=lang).territory_page(atlas.territories["doubs"]).data.decode()
             for lang in ("fr", "en")}
    assert "| Population | non renseignée ([voir la méthodologie](../methodologie.md)) |" in pages["fr"]
    assert "| Population | not given ([see the methodology](../methodologie.md)) |" in pages["en"]
    without = Pages(atlas, SiteOptions(), lang="fr").territory_page(atlas.territories["doubs"]).data.decode()
    assert "| Population | non renseignée |" in without


def test_a_page_with_nothing_on_any_pillar_says_it_once_and_keeps_the_anchors(tmp_path: Path) -> None:
    """Saint-Martin's page had five pillar sections, each saying « Ni mesure ni description pour ce pilier dans
    la fiche » (no measure at its level, no description): it now says so once, naming the pillars, and keeps
    each section's anchor (#pilier-sante) for the links made to them. A page with something to show keeps its
    five sections."""
    import shutil
    from datetime import date

    from generator.load import load_valid_atlas

    tree = tmp_path / "atlas"
    shutil.copytree(FIXTURES / "atlas", tree)
    sheet = tree / "ornans" / "territory.yml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace('code: "25434"', 'code: "97801"')
                     .replace("parent: grand-besancon-metropole\n", ""), encoding="utf-8")  # no context from above
    atlas = load_valid_atlas(tree, as_of=date(2025, 11, 26))
    assert not atlas.territories["ornans"].pillars
    content = tmp_path / "content"
    content.mkdir()
    docs = {o.path: o.data.decode("utf-8") for o in
            site_outputs(atlas, tree, content, SiteOptions(), pictures={}, schemas=None) if o.path.endswith(".md")}
    for prefix, sentence in (
            ("", "Ni mesure ni description dans la fiche pour aucun des cinq piliers (métropolisation, santé, "
                 "savoirs, identité, environnement)."),
            ("en/", "The sheet has neither a measure nor a description for any of the five pillars (metropolisation, "
                    "health, knowledge, identity, environment).")):
        page = docs[prefix + "territoires/ornans.md"]
        assert sentence in page, page.split("Profil", 1)[-1][:800]
        assert page.count(sentence) == 1
        assert "pour ce pilier" not in page and "for this pillar" not in page
        assert "### " not in page.split(sentence, 1)[0].rsplit("## ", 1)[-1]  # no pillar heading before it
        for slug in ("metropolisation", "sante", "savoirs", "identite", "environnement"):
            assert f'<span id="pilier-{slug}"></span>' in page, slug
        assert '<span id="pilier-health"></span>' in page  # the former anchor too
        doubs = docs[prefix + "territoires/doubs.md"]
        assert "aucun des cinq" not in doubs and "any of the five" not in doubs
        assert doubs.count("{ #pilier-") == 5
