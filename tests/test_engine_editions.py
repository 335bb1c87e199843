"""Both editions' engines at once (issue 11 target 1): the same site byte for byte as one after the
other, with each engine; one edition's failure named, with the engine's own words, the other engine
stopped and the previous site kept; an interruption stops both engines."""

from __future__ import annotations

import contextlib
import os
import posixpath
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import AS_OF, FIXTURE_ATLAS, ROOT
from generator import engine, i18n
from generator.engine import EngineRun, build_site, run_engines
from generator.errors import AtlasError
from generator.site import read_site_config

EPOCH = "1764115200"  # 2025-11-26, the conftest's AS_OF


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory):
    """The fixture atlas's docs folder, both editions (generated once), and the atlas."""
    from generator.commands.build import Options, run
    from generator.load import load_valid_atlas
    from generator.project import Project

    base = tmp_path_factory.mktemp("editions")
    mp = pytest.MonkeyPatch()
    mp.chdir(base)
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    try:
        project = Project.at(territories=FIXTURE_ATLAS, docs_dir=base / "docs", site_dir=base / "site")
        assert run(project, Options(jobs=1, quiet=True, no_site=True)) == 0
    finally:
        mp.undo()
    assert (base / "docs" / "en" / "index.md").is_file()
    return base, load_valid_atlas(FIXTURE_ATLAS, as_of=AS_OF)


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if ".atlas-" in p.name and not p.name.endswith(".atlas-lock")]


def _site(generated, tmp_path: Path, name: str, jobs: int, engine_name: str = "mkdocs") -> dict[str, bytes]:
    base, atlas = generated
    build_site(atlas, base / "docs", tmp_path / name, engine_name, read_site_config(), quiet=True, jobs=jobs)
    assert _leftovers(tmp_path) == []
    return _files(tmp_path / name)


@pytest.mark.parametrize("engine_name", ["mkdocs", "properdocs", "zensical"])
def test_both_editions_at_once_give_the_site_built_one_after_the_other(generated, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch,
                                                                       engine_name: str) -> None:
    if engine_name == "zensical" and shutil.which("zensical") is None:
        pytest.skip("Zensical is not installed")
    if engine_name == "properdocs" and not _installed("properdocs"):
        pytest.skip("ProperDocs is not installed")
    monkeypatch.setattr(engine.os, "cpu_count", lambda: 2)  # at once even on a one-core machine
    started: list[list[str]] = []
    real = engine.run_engines
    monkeypatch.setattr(engine, "run_engines", lambda runs, *a, **k: (started.append([r.edition for r in runs]),
                                                                      real(runs, *a, **k))[1])
    one_after_the_other = _site(generated, tmp_path, "one", jobs=1, engine_name=engine_name)
    assert started == [["fr"], ["en"]]  # one edition at a time
    del started[:]
    at_once = _site(generated, tmp_path, "two", jobs=2, engine_name=engine_name)
    assert started == [["fr", "en"]]
    assert "en/index.html" in at_once and "index.html" in at_once and "pagefind/pagefind.js" in at_once
    assert sorted(at_once) == sorted(one_after_the_other)
    assert [name for name in at_once if at_once[name] != one_after_the_other[name]] == []
    assert b"\n        " not in at_once["index.html"]  # the pages are squeezed either way


def _installed(module: str) -> bool:
    import importlib.util
    return importlib.util.find_spec(module) is not None


def _fake(edition: str, folder: Path, code: str) -> EngineRun:
    site = folder / edition
    return EngineRun(edition, "mkdocs", [sys.executable, "-c", code], dict(os.environ), folder, site, site)


def _gone(pid: int, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":
            return True
        time.sleep(0.05)
    return False


SLOW_ENGINE = "import os, time; open('slow.pid', 'w').write(str(os.getpid())); time.sleep(60)"
FAILING_ENGINE = ("import sys, time; time.sleep(0.5); print('INFO - Building documentation...'); "
                  "print('ERROR - Config value \"nav\": a page does not exist', file=sys.stderr); sys.exit(1)")


def test_a_failing_edition_stops_the_other_and_says_which(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    started = time.monotonic()
    with pytest.raises(AtlasError) as caught:
        run_engines([_fake("fr", tmp_path, SLOW_ENGINE), _fake("en", tmp_path, FAILING_ENGINE)], quiet=True)
    assert time.monotonic() - started < 15  # the other engine was not waited for
    assert str(caught.value) == ("la construction de l'édition anglaise par mkdocs a échoué (code 1) ; le site "
                                 "précédent est inchangé.\nERROR - Config value \"nav\": a page does not exist")
    assert _gone(int((tmp_path / "slow.pid").read_text()))
    with i18n.using("en"), pytest.raises(AtlasError) as caught:
        run_engines([_fake("fr", tmp_path, FAILING_ENGINE), _fake("en", tmp_path, SLOW_ENGINE)], quiet=True)
    assert str(caught.value).startswith("the mkdocs build of the French edition failed (exit 1); the previous "
                                        "site is unchanged.\nERROR - Config value")
    assert _gone(int((tmp_path / "slow.pid").read_text()))


def test_a_real_engine_failure_keeps_the_previous_site(generated, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    base, atlas = generated
    docs = tmp_path / "docs"
    shutil.copytree(base / "docs", docs)
    (docs / "en" / "broken.md").write_text("# Broken\n\n[a page](nowhere.md)\n", encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("previous", encoding="utf-8")
    monkeypatch.setattr(engine.os, "cpu_count", lambda: 2)
    with pytest.raises(AtlasError) as caught:
        build_site(atlas, docs, site, "mkdocs", read_site_config(), quiet=True, jobs=2)
    message = str(caught.value)
    assert message.startswith("la construction de l'édition anglaise par mkdocs a échoué (code 1) ; "
                              "le site précédent est inchangé.\n")
    assert "broken.md" in message and "nowhere.md" in message  # the engine's own words
    assert (site / "index.html").read_text(encoding="utf-8") == "previous"
    assert _leftovers(tmp_path) == []


INTERRUPTED = """
import os, sys
from pathlib import Path
from generator.engine import EngineRun, run_engines
from generator.errors import AtlasError
from generator.faults import interruptible
code = "import time; time.sleep(60)"
runs = [EngineRun(e, "mkdocs", [sys.executable, "-c", code], dict(os.environ), Path.cwd(), Path(e), Path(e))
        for e in ("fr", "en")]
try:
    with interruptible("la construction"):
        print("running", flush=True)
        run_engines(runs, quiet=True)
except AtlasError as error:
    print(error, file=sys.stderr)
    sys.exit(error.exit_code)
"""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_an_interruption_stops_both_engines(tmp_path: Path, sig: signal.Signals) -> None:
    build = subprocess.Popen([sys.executable, "-c", INTERRUPTED], cwd=tmp_path, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    try:
        assert build.stdout.readline().strip() == "running"
        deadline = time.monotonic() + 30
        while len(children := _children(build.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(children) == 2, "both engines run at once"
        build.send_signal(sig)
        _, err = build.communicate(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            build.kill()
    assert build.returncode == 130 and "interrompu" in err and "Traceback" not in err
    assert all(_gone(pid) for pid in children)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


def test_squeezed_pages_read_and_index_as_before(generated, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixture's site built without the post-pass and with it: every page has the same tags,
    attributes and text (blank runs folded; verbatim elements byte for byte) but for the French
    no-break spaces (generator.typography), the other files are identical, the Pagefind index reads
    the same text, and the HTML is smaller."""
    from test_engine_whitespace import rendered_alike

    from generator.html_whitespace import squeeze

    monkeypatch.setattr(engine, "squeeze_site", lambda pages, jobs=1: None)
    raw = _site(generated, tmp_path, "raw", jobs=1)
    monkeypatch.undo()
    squeezed = _site(generated, tmp_path, "squeezed", jobs=1)
    def outside_index(files: dict[str, bytes]) -> list[str]:  # Pagefind names its files by their content
        return sorted(name for name in files if not name.startswith("pagefind/"))

    assert outside_index(raw) == outside_index(squeezed)
    pages = [name for name in raw if name.endswith(".html")]
    assert len(pages) > 60
    for name in pages:
        assert _unspaced(rendered_alike(squeezed[name].decode())) == _unspaced(rendered_alike(raw[name].decode())), name
    assert [name for name in raw if not name.endswith(".html") and not name.startswith("pagefind/")
            and raw[name] != squeezed[name]] == []
    assert _unspaced(_fragments(tmp_path / "squeezed")) == _unspaced(_fragments(tmp_path / "raw"))
    before, after = sum(len(raw[n]) for n in pages), sum(len(squeezed[n]) for n in pages)
    assert after < 0.95 * before
    french = squeezed["territoires/doubs/index.html"].decode()
    assert "Vous êtes ici\u00a0:" in french and "Vous êtes ici :" in raw["territoires/doubs/index.html"].decode()
    english = [n for n in pages if n.startswith("en/")]
    assert english and all(_outside_french(squeezed[n].decode()) == _outside_french(squeeze(raw[n].decode()))
                           for n in english)  # English text keeps its spaces
    _same_text_in_chromium(tmp_path / "raw", tmp_path / "squeezed",
                           ["index.html", "territoires/doubs/index.html", "en/hubs/index.html", "donnees/index.html"])


def _unspaced(value: object) -> str:
    """`value`'s text with the French spacing and quotes undone: the no-break spaces as spaces, none after « or
    before » (glued guillemets get one), blank runs folded, every quote and apostrophe one sign (straight or
    typographic, or the delimiters of a repr, which follow them)."""
    text = str(value).replace("\u00a0", " ").replace("\u202f", " ").replace("\\xa0", " ").replace("\\u202f", " ")
    text = re.sub(r"\s+", " ", text).replace("« ", "«").replace(" »", "»")
    return re.sub("[«»\"'’]|&(?:#x27|#39|quot|#34|apos);", "'", text)


def _fragments(site: Path) -> list:
    """The text Pagefind indexed, page by page (its fragment files are named by their content)."""
    import gzip
    import json

    found = [json.loads(gzip.decompress(f.read_bytes())[len(b"pagefind_dcd"):])
             for f in (site / "pagefind" / "fragment").iterdir()]
    return sorted((f["url"], f["content"], f.get("meta", {}).get("title", "")) for f in found)


def _outside_french(html: str) -> str:
    """An English page without its elements marked `lang="fr"` (the only ones the pass may space)."""
    return re.sub(r'<(a|span|p|div|option|td|th|li|label)\b[^>]*\slang="fr"[^>]*>.*?</\1>', "", html, flags=re.S)


def _same_text_in_chromium(raw: Path, squeezed: Path, pages: list[str]) -> None:
    """What the browser shows as text (innerText follows the CSS whitespace rules) is the same."""
    if not (Path("/usr/bin/chromium").exists() and Path("/usr/bin/chromedriver").exists()):
        return
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files"):
        options.add_argument(flag)
    # scripts off: innerText is then the HTML under the CSS whitespace rules alone (the theme's scripts add
    # words that depend on timing, e.g. the hint of a picture wider than the screen once it has loaded)
    options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_window_size(1280, 900)
    try:
        for page in pages:
            assert (raw / page).is_file(), page
            texts = []
            for site in (raw, squeezed):
                driver.get((site / page).as_uri())
                texts.append(_settled_text(driver))
            assert _unspaced(texts[0]) == _unspaced(texts[1]) and len(texts[0]) > 100, page
    finally:
        driver.quit()


def _settled_text(driver: object, seconds: float = 10.0) -> str:
    """The page's innerText once the page has loaded and its text no longer changes between two reads: under
    load, the first page of a new browser was once read before its stylesheet applied (the blank runs between
    the header's hidden elements then showed as a leading " \\n", CI of 51cbd44), which is not what a reader sees."""
    deadline = time.monotonic() + seconds
    last = None
    while True:
        ready = driver.execute_script(  # type: ignore[attr-defined]
            "return document.readyState === 'complete' && [...document.styleSheets].every("
            "s => { try { return s.cssRules.length > 0; } catch (e) { return false; } })")
        text = driver.execute_script("return document.body.innerText")  # type: ignore[attr-defined]
        if (ready and text == last) or time.monotonic() > deadline:
            return text
        last = text
        time.sleep(0.2)


@pytest.mark.parametrize("engine_name", ["mkdocs", "zensical"])
def test_the_error_pages_work_under_the_sites_path(generated, tmp_path: Path, engine_name: str, capsys) -> None:
    """A site served under a sub-path (a GitHub Pages project site, https://example.org/atlas/) with its
    address as site_url: each edition's 404 page, served in place of any missing address at any depth, roots
    every link (navigation, assets, the lists, the language switcher) at the site's path, /atlas/ or
    /atlas/en/, and each leads to a file of the site. They were rooted at « / » (the switcher, the whole English
    page under MkDocs) or at /atlas/ in the English edition (Zensical), and Zensical's wrote « /atlas/../ ». The
    English pages' canonical links and sitemap name the English addresses (they named the French pages)."""
    if engine_name == "zensical" and shutil.which("zensical") is None:
        pytest.skip("Zensical is not installed")
    base, atlas = generated
    site = tmp_path / "site"
    config = {**read_site_config(), "site_url": "https://example.org/atlas/"}
    build_site(atlas, base / "docs", site, engine_name, config, quiet=True, jobs=2)
    assert "site_url" not in capsys.readouterr().err  # set: nothing to say about the sitemap
    for page, root in ((site / "404.html", "/atlas/"), (site / "en" / "404.html", "/atlas/en/")):
        raw = page.read_text(encoding="utf-8")
        switcher = dict((lang, href) for href, lang in re.findall(
            r'<a href="([^"]*)" hreflang="(fr|en)" lang="\2" class="md-select__link"', raw))
        assert switcher == {"fr": "/atlas/", "en": "/atlas/en/"}, page
        assert 'rel=" alternate"' not in raw, page  # the page stands for no page: no twin to name
        for target in ("", "territoires/", "hubs/"):
            assert f'<li><a href="{root}{target}">' in raw, (page, target)
        outside = re.sub(r'<a href="[^"]*" hreflang="(fr|en)" lang="\1" class="md-select__link"', "", raw)
        links = re.findall(r'(?:href|src)="(/[^"]*)"', outside)
        assert len(links) > 15, page
        for href in links:
            assert href.startswith(root) and "/../" not in href, (page, href)
            path = posixpath.normpath(href.split("#")[0].split("?")[0][len("/atlas/"):] or ".")
            target = site / path
            assert (target / "index.html" if target.is_dir() else target).is_file(), (page, href)
    # GitHub Pages serves the root 404.html for the English edition's missing addresses too: it shows the
    # English error page there (tests/test_site_browser.py), those under the site's path + en/
    root_error = (site / "404.html").read_text(encoding="utf-8")
    assert 'var english = "/atlas/en/"' in root_error and 'location.replace(english + "404.html")' in root_error
    # the English error page puts the missing address back (and goes nowhere itself)
    english_error = (site / "en" / "404.html").read_text(encoding="utf-8")
    assert 'var english = "/atlas/en/"' in english_error and "history.replaceState" in english_error
    assert "location.replace" not in english_error
    english = (site / "en" / "territoires" / "doubs" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://example.org/atlas/en/territoires/doubs/">' in english
    french = (site / "territoires" / "doubs" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://example.org/atlas/territoires/doubs/">' in french
    locations = re.findall(r"<loc>([^<]*)</loc>", (site / "en" / "sitemap.xml").read_text(encoding="utf-8"))
    assert locations and all(loc.startswith("https://example.org/atlas/en/") for loc in locations)


def test_without_site_url_the_build_says_in_one_line_that_the_sitemap_lists_no_page(generated, tmp_path: Path,
                                                                                   capsys, monkeypatch) -> None:
    """A sitemap's <loc> must be a full address (sitemaps.org): without site_url MkDocs writes a sitemap that lists
    no page, and the build said nothing. It now says so in one line, naming the setting to add (README,
    « Publishing »), at each build that gets published (in CI); relative addresses, which crawlers refuse, are not
    written instead."""
    monkeypatch.setenv("CI", "true")  # as GitHub Actions sets it
    base, atlas = generated
    config = {k: v for k, v in read_site_config().items() if k != "site_url"}
    build_site(atlas, base / "docs", tmp_path / "site", "mkdocs", config, quiet=True, jobs=1)
    said = [line for line in capsys.readouterr().err.splitlines() if "site_url" in line]
    assert said == ["atlas build : avertissement : pas de site_url dans mkdocs.yml : le plan du site (sitemap.xml) ne "
                    "liste aucune page, ses adresses devant être absolues ; ajoutez site_url: l'adresse publiée du "
                    "site (par exemple https://owner.github.io/atlas/)"]
    for sitemap in (tmp_path / "site" / "sitemap.xml", tmp_path / "site" / "en" / "sitemap.xml"):
        assert "<loc>" not in sitemap.read_text(encoding="utf-8")  # what the line warns of


def test_a_local_build_without_site_url_says_nothing_of_the_sitemap(monkeypatch) -> None:
    """mkdocs.yml leaves site_url to the Pages workflow, so every local build and preview said the line for
    nothing: it is said where a site is built to be published, in continuous integration (`CI` set, not false)."""
    from generator.engine import sitemap_warning

    config = {k: v for k, v in read_site_config().items() if k != "site_url"}
    for local in ({}, {"CI": ""}, {"CI": "false"}, {"CI": "0"}):
        assert sitemap_warning(config, local) is None
    for ci in ({"CI": "true"}, {"CI": "1"}, {"CI": "yes"}):
        assert sitemap_warning(config, ci).startswith("atlas build : avertissement : pas de site_url dans mkdocs.yml")
    assert sitemap_warning({**config, "site_url": "https://example.org/atlas/"}, {"CI": "true"}) is None
    monkeypatch.delenv("CI", raising=False)
    assert sitemap_warning(config) is None  # the process's own environment by default

