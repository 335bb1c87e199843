"""Site search: Pagefind's index, made from the built site after the engine, instead of the engine's own.

Why (issue 11 part 4, figures in benchmarks/RESULTS.md): the engine's lunr index is one JSON file
that every reader downloads whole before the first result (20.8 MB for the national atlas, several
times that with the communes); Pagefind splits its index into fragments fetched per word, so a query
costs tens of kilobytes at any scale, stems French and folds accents, and indexes the built HTML of
any engine (MkDocs, ProperDocs, Zensical): no engine plugin is needed.

`mkdocs.yml` chooses: `extra.search: pagefind` (the default when the `pagefind` package is
installed) or `extra.search: engine` (the engine's search plugin as configured). In Pagefind mode
the engine's `search` plugin is left out of the configuration it is given, `pagefind` runs on the
new site before it is swapped in, and theme/assets/recherche.js puts the search field in the header.
Without the package, the build falls back to the engine's search and says so once.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from generator.errors import AtlasError
from generator.faults import child_options
from generator.i18n import _

ROOT_SELECTOR = "article.md-content__inner"  # the page's text: no menus, header or footer in the index
OUTPUT_SUBDIR = "pagefind"
SEARCH_SCRIPT = "assets/atlas/recherche.js"


def pagefind_available() -> bool:
    return importlib.util.find_spec("pagefind") is not None


def search_mode(config: dict[str, Any]) -> str:
    """`pagefind` or `engine`, from `extra.search` (default: Pagefind when it is installed)."""
    wanted = str((config.get("extra") or {}).get("search") or "pagefind")
    if wanted not in ("pagefind", "engine"):
        raise AtlasError(_("{file}: {key} is {value!r}; use {choices}").format(
            file="mkdocs.yml", key="extra.search", value=wanted, choices="pagefind, engine"))
    if wanted == "pagefind" and not pagefind_available():
        print(_("atlas build: warning: Pagefind is not installed ({command}); the site uses the engine's own "
                "search index").format(command="pip install 'pagefind[extended]'"), file=sys.stderr)
        return "engine"
    return wanted


def engine_search_config(config: dict[str, Any], mode: str, engine: str = "mkdocs") -> dict[str, Any]:
    """The configuration for the engine: in Pagefind mode, without its search plugin, with our script.

    Zensical searches even without the plugin in the list (and stops on a page longer than its index
    allows, the national list of hubs): it is told `search: enabled: false` instead."""
    derived = dict(config)
    scripts = [s for s in (derived.get("extra_javascript") or []) if s != SEARCH_SCRIPT]
    if mode == "pagefind":
        plugins = []
        for plugin in derived.get("plugins") or []:
            name = plugin if isinstance(plugin, str) else next(iter(plugin), "")
            if name not in ("search", "material/search"):
                plugins.append(plugin)
        if engine == "zensical":
            plugins.append({"search": {"enabled": False}})
        derived["plugins"] = plugins
        scripts.append(SEARCH_SCRIPT)
    derived["extra_javascript"] = scripts
    return derived


EXCLUDE_SELECTORS = ("[data-search-exclude]",)  # what the engine's search leaves out (citations, hub cards…)
_EXCLUDED = re.compile(r"^search:\s*\n\s+exclude:\s*true\s*$", re.M)


def excluded_pages(docs_dir: Path) -> set[str]:
    """The built pages (`x/y/index.html`) whose Markdown says `search: exclude: true` in its front
    matter (the lists of every sheet): the engine's search leaves them out, so does Pagefind."""
    out: set[str] = set()
    for md in docs_dir.rglob("*.md"):
        with md.open(encoding="utf-8", errors="replace") as handle:
            head = handle.read(2000)
        if not head.startswith("---"):
            continue
        front = head.split("\n---", 1)[0]
        if not _EXCLUDED.search(front):
            continue
        rel = md.relative_to(docs_dir).with_suffix("").as_posix()
        # directory URLs: index.md -> index.html, a/index.md -> a/index.html, a/b.md -> a/b/index.html
        out.add(f"{rel}.html" if rel == "index" or rel.endswith("/index") else f"{rel}/index.html")
    return out


def run_pagefind(site_dir: Path, docs_dir: Path | None = None, quiet: bool = False) -> int:
    """Index the built site into `site_dir/pagefind/`: the text of each page (French stemming), less
    what the engine's search leaves out. Returns the number of pages given to Pagefind.

    The pages to index are hard-linked (copied where links fail) into a staging folder beside the
    site, which Pagefind's own command reads: its Python API takes one page at a time through a pipe
    (about 100 ms a page, 5 minutes for the national atlas), the command a whole folder at once.
    Pagefind holds every page's words until it writes, and writes each language's index on its own:
    it runs once per language of the pages (`<html lang>`), one run after the other, into the same
    folder, and the entry file lists the languages of all runs. The files are the ones a single run
    writes; the memory is that of the largest language (France-scale tree: 1.3 GB instead of 2.0).
    """
    if not quiet:
        print(_("search: Pagefind index…"), file=sys.stderr, flush=True)
    skip = excluded_pages(docs_dir) if docs_dir is not None else set()
    site = site_dir.resolve()
    count = 0
    languages: dict[str, Any] = {}
    entry = site / OUTPUT_SUBDIR / "pagefind-entry.json"
    with tempfile.TemporaryDirectory(prefix=".pagefind-", dir=site.parent) as tmp:
        groups: set[str] = set()
        for path in sorted(site.rglob("*.html")):
            rel = path.relative_to(site).as_posix()
            if rel in skip or rel.startswith(f"{OUTPUT_SUBDIR}/"):
                continue
            group = _page_language(path)
            groups.add(group)
            target = Path(tmp) / group / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            _stage(path, target)
            count += 1
        for group in sorted(groups) or [""]:  # no page: one run on the empty folder, as before
            command = [sys.executable, "-m", "pagefind", "--site", str(Path(tmp) / group), "--output-path",
                       str(site / OUTPUT_SUBDIR), "--root-selector", ROOT_SELECTOR, "--silent",
                       *[arg for selector in EXCLUDE_SELECTORS for arg in ("--exclude-selectors", selector)]]
            result = subprocess.run(command, capture_output=True, text=True, **child_options())
            if result.returncode != 0 or not (site / OUTPUT_SUBDIR / "pagefind.js").is_file():
                raise AtlasError(_("the Pagefind index failed (exit {code}); the previous site is unchanged.").format(
                    code=result.returncode) + "\n" + ((result.stderr or result.stdout).strip()[-2000:]
                                                      or _("no output")))
            languages.update(json.loads(entry.read_text(encoding="utf-8")).get("languages") or {})
    _sort_languages(entry, languages)
    return count


# Pagefind splits a word at a straight apostrophe, not at a typographic one: « d’innovation » was one word
# that « innovation » did not find, « L’Agglo » one that « agglo » did not. The pages show ’ (the French pages'
# typography, generator.typography.french_quotes_html; the English edition's own words); the copy Pagefind reads
# has the straight one, so both words of an elision are found (recherche.js shows ’ again in French results).
_TYPOGRAPHIC_APOSTROPHE = "\u2019".encode()


def _stage(page: Path, target: Path) -> None:
    """The copy of `page` that Pagefind reads: a hard link (a copy where links fail), or its bytes with each
    typographic apostrophe straight when it has one."""
    data = page.read_bytes()
    if _TYPOGRAPHIC_APOSTROPHE in data:
        target.write_bytes(data.replace(_TYPOGRAPHIC_APOSTROPHE, b"'"))
        return
    try:
        os.link(page, target)
    except OSError:
        shutil.copyfile(page, target)


_LANG = re.compile(rb"<html\b[^>]*?\blang=[\"']?([A-Za-z]+)", re.I)


def _page_language(path: Path) -> str:
    """The primary language of a page's `<html lang>` (how Pagefind sorts pages into indexes), `-` if none."""
    with path.open("rb") as handle:
        found = _LANG.search(handle.read(1024))
    return found.group(1).decode().lower() if found else "-"


def _sort_languages(entry: Path, languages: dict[str, Any]) -> None:
    """Pagefind lists the languages of a site in no fixed order, and each run only its own: the entry file
    is rewritten with the languages of every run, sorted, so two builds stay byte-identical.
    (Owner E's edit for the English edition; one run per language, H3.)"""
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["languages"] = dict(sorted(languages.items()))
    entry.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
