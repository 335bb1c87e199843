"""What a built site is made of, in apparent bytes (file sizes, not disk blocks): issue 11 target 3.

Prints the HTML per edition (French at the root, English under en/) and per page kind, what a page's
bytes are (the theme's chrome around the article, the navigation, the article's tables, the data
tables of the figures, inline SVG), the pictures per kind (wide and narrow variants of each scope and
name), and the other folders (open data, API, Pagefind, sheet copies, PDFs, theme assets).
Usage: python benchmarks/site_size.py SITE_DIR [--json OUT] [--sections KIND...]

`--sections territory` (or hub, home, `parcourir/`…; French pages) also splits that kind's articles by
their second-level headings, and counts what repeats inside them (alt texts, legends, data tables, cards,
links, inline styles, class attributes): where to look first to make a kind of page lighter.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from pathlib import Path

PAGE_KINDS = {"territoires": "territory", "hubs": "hub"}
ARTICLE = re.compile(rb"<article\b.*?</article>", re.S)
PRIMARY_NAV = re.compile(rb'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>\s*</div>\s*</div>', re.S)
TABLE = re.compile(rb"<table\b.*?</table>", re.S)
DATA_TABLE = re.compile(rb'<details class="atlas-data".*?</details>', re.S)
SVG = re.compile(rb"<svg\b.*?</svg>", re.S)
SCRIPT = re.compile(rb"<script\b.*?</script>", re.S)
HEAD = re.compile(rb"<head>.*?</head>", re.S)
TOC = re.compile(rb'<div class="md-sidebar md-sidebar--secondary".*?(?=<div class="md-content")', re.S)


def _sum(pattern: re.Pattern[bytes], text: bytes) -> int:
    return sum(len(m.group(0)) for m in pattern.finditer(text))


def page_kind(rel: str) -> str:
    """territory, hub, home or the first folder of the page's address (parcourir, piliers…)."""
    parts = rel.split("/")
    if len(parts) == 1:
        return "home"
    if len(parts) == 3 and parts[0] in PAGE_KINDS and parts[2] == "index.html":
        return PAGE_KINDS[parts[0]]
    return parts[0] + "/"


def picture_kind(rel: str) -> str:
    """`hub locator`, `narrow territory pillars`, `choropleth`, `home`…"""
    parts = rel.split("/")  # assets/pictures/[narrow/]scope/subject/name.svg
    narrow = parts[2] == "narrow"
    parts = parts[3:] if narrow else parts[2:]
    scope = parts[0]
    name = parts[-1].removesuffix(".svg") if scope in ("territory", "hub") else ""
    return ("narrow " if narrow else "") + " ".join(p for p in (scope, name) if p)


def measure(site: Path) -> dict[str, dict[str, list[int]]]:
    """{section: {row: [files, bytes, (parts of the pages' bytes…)]}}."""
    html: dict[str, list[int]] = defaultdict(lambda: [0] * 12)
    pictures: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    folders: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for path in sorted(site.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        rel = path.relative_to(site).as_posix()
        size = path.stat().st_size
        edition = "en" if rel.startswith("en/") else "fr"
        inner = rel[3:] if edition == "en" else rel
        if inner.endswith(".html"):
            text = path.read_bytes()
            article = b"".join(m.group(0) for m in ARTICLE.finditer(text))
            outside = ARTICLE.sub(b"", text)
            row = html[f"{edition} {page_kind(inner)}"]
            for i, value in enumerate((1, size, size - len(article), _sum(PRIMARY_NAV, text), _sum(HEAD, text),
                                       len(article), _sum(TABLE, article), _sum(DATA_TABLE, article),
                                       _sum(SVG, article) + _sum(SCRIPT, article),
                                       _sum(TOC, outside), _sum(SVG, outside), _sum(SCRIPT, outside))):
                row[i] += value
        elif inner.startswith("assets/pictures/"):
            row = pictures[picture_kind(inner)]
            row[0] += 1
            row[1] += size
        else:
            top = inner.split("/")[0] if "/" in inner else "(top-level files)"
            row = folders[f"{edition} {top}"]
            row[0] += 1
            row[1] += size
    return {"html": dict(html), "pictures": dict(pictures), "other": dict(folders)}


H2 = re.compile(rb'<h2 id="([^"]+)"')
REPEATS = {  # what a page kind writes many times, each a pattern whose matches are counted and summed
    "alt texts": re.compile(rb' alt="[^"]*"'),
    "figures (img, frame, caption)": re.compile(rb'<figure\b.*?</figure>', re.S),
    "legends under pictures": re.compile(rb'<ul class="atlas-legend">.*?</ul>', re.S),
    "figures' data tables": DATA_TABLE,
    "hub cards": re.compile(rb'<li class="atlas-card">.*?</li>', re.S),
    "links' href attributes": re.compile(rb' href="[^"]*"'),
    "style attributes": re.compile(rb' style="[^"]*"'),
    "class attributes": re.compile(rb' class="[^"]*"'),
    "tables": TABLE,
}


def sections(site: Path, kind: str) -> dict[str, list[int]]:
    """{part: [pages, bytes]} of the French pages of `kind`: each h2 section of the article (the text
    before the first one: `(top)`), then the REPEATS counted over the whole article."""
    parts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel.startswith("en/") or page_kind(rel) != kind:
            continue
        article = b"".join(m.group(0) for m in ARTICLE.finditer(path.read_bytes()))
        cuts = [(0, "(top)")] + [(m.start(), "§ " + m.group(1).decode()) for m in H2.finditer(article)]
        for (start, name), (end, _) in zip(cuts, [*cuts[1:], (len(article), "")], strict=True):
            parts[name][0] += 1
            parts[name][1] += end - start
        for name, pattern in REPEATS.items():
            found = _sum(pattern, article)
            if found:
                parts["· " + name][0] += 1
                parts["· " + name][1] += found
    return dict(parts)


def report_sections(kind: str, parts: dict[str, list[int]]) -> None:
    print(f"\n{kind} pages (French), their articles: pages having it, MB, KB per such page")
    for name, (n, size) in sorted(parts.items(), key=lambda kv: -kv[1][1]):
        print(f"{name:<40}{n:>7}{size / 1e6:>8.2f}{size / n / 1e3:>8.2f}")


def report(figures: dict[str, dict[str, list[int]]]) -> None:
    mb = 1e6
    total = sum(r[1] for section in figures.values() for r in section.values())
    print(f"site: {total / mb:.1f} MB (apparent bytes), "
          f"{sum(r[0] for section in figures.values() for r in section.values()):,} files")
    print("\nHTML pages: files, MB, KB/page; of a page: chrome (outside <article>), of it the navigation and <head>;"
          " the article, of it tables, figures' data tables, inline SVG and scripts; of the chrome again, the"
          " table of contents, the theme's inline icons (SVG) and scripts")
    print(f"{'kind':<24}{'pages':>7}{'MB':>8}{'KB/p':>7}{'chrome':>8}{'nav':>7}{'head':>7}{'article':>8}"
          f"{'tables':>8}{'data':>7}{'svg':>6}{'toc':>6}{'icons':>6}{'js':>6}")
    rows = sorted(figures["html"].items(), key=lambda kv: -kv[1][1])
    for name, r in rows:
        n = r[0]
        print(f"{name:<24}{n:>7}{r[1] / mb:>8.1f}{r[1] / n / 1e3:>7.1f}"
              + "".join(f"{v / n / 1e3:>{w}.1f}" for v, w in zip(r[2:], (8, 7, 7, 8, 8, 7, 6, 6, 6, 6), strict=True)))
    for edition in ("fr", "en"):
        mine = [r for k, r in figures["html"].items() if k.startswith(edition + " ")]
        print(f"{edition} HTML: {sum(r[0] for r in mine):,} pages, {sum(r[1] for r in mine) / mb:.1f} MB")
    print("\npictures: files, MB, KB each")
    for name, (n, size) in sorted(figures["pictures"].items(), key=lambda kv: -kv[1][1]):
        print(f"{name:<32}{n:>7}{size / mb:>8.1f}{size / n / 1e3:>8.1f}")
    print(f"pictures: {sum(r[0] for r in figures['pictures'].values()):,} files, "
          f"{sum(r[1] for r in figures['pictures'].values()) / mb:.1f} MB")
    print("\nother files by edition and top folder: files, MB")
    for name, (n, size) in sorted(figures["other"].items(), key=lambda kv: -kv[1][1]):
        if size >= 0.05 * mb:
            print(f"{name:<32}{n:>7}{size / mb:>8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--sections", nargs="*", default=[], metavar="KIND",
                        help="also split these kinds' French articles by section and repeated markup")
    args = parser.parse_args()
    figures = measure(args.site)
    report(figures)
    for kind in args.sections:
        report_sections(kind, sections(args.site, kind))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, sort_keys=True), encoding="utf-8")


if __name__ == "__main__":
    main()
