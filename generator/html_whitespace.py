"""The built pages' whitespace: each run of blanks that holds a line break, between tags, becomes one
line break (issue 11 target 3: about a seventh of the site's HTML is template indentation).

Why the rendering is unchanged: outside preformatted text, CSS collapses a run of blanks holding a
line break to one segment break whatever its length, so `\\n        ` and `\\n` render alike
(CSS Text 3, "white space processing"). The pass therefore leaves alone, byte for byte:
- the elements whose text is raw or shown as written: `pre`, `code`, `kbd`, `samp` (the engines'
  themes set `white-space: pre-wrap` on them), `textarea`, `script`, `style`, `title`, `svg`, `math`
  (SVG 1.1 drops line breaks rather than folding them), `template` and the other raw-text elements;
- comments, and every tag with a line break inside a quoted attribute value (values are never
  changed; blanks between attributes may be, which changes no attribute);
- blanks without a line break, and non-breaking spaces (U+00A0, U+202F: French typography), which
  are not HTML whitespace.
The pass is a pure function of the page's text (deterministic), run over the built site's pages in
worker processes before Pagefind indexes them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from generator.faults import worker_pool

# HTML's whitespace is space, tab, line feed, form feed and carriage return, never U+00A0 or U+202F
COLLAPSE = re.compile(r"[ \t\r\f]*\n[ \t\n\r\f]*")

_ATTRS = r"""(?:[^>"']++|"[^"]*+"|'[^']*+')*+"""
RAW = "script|style|textarea|title|xmp|iframe|noembed|noframes|noscript"  # text up to the end tag
KEPT = "pre|code|kbd|samp|svg|math|template|listing"  # elements shown as written, or foreign
REGION = re.compile(
    r"<!--.*?(?:-->|\Z)"  # a comment (unterminated: to the end)
    rf"|<(?P<raw>{RAW})(?=[\s/>]){_ATTRS}>.*?(?:</(?P=raw)(?=[\s/>])[^>]*+>|\Z)"
    rf"|<(?P<kept>{KEPT})(?=[\s/>]){_ATTRS}>"  # its end found by _kept_end (the same name may nest)
    r"|<plaintext(?=[\s/>]).*"  # everything after it is text
    # a tag with a line break inside a quoted value; a tag without one fails at its `>` (possessive)
    r"""|<[A-Za-z](?:[^>"']++|"[^"\n]*+"|'[^'\n]*+')*+(?:"[^"\n]*+\n[^"]*+"|'[^'\n]*+\n[^']*+')""" + _ATTRS + ">",
    re.S | re.I,
)


FOREIGN = ("svg", "math")  # where `/>` closes the element it opens (in HTML elements it does not)


@cache
def _same_name(name: str) -> re.Pattern[str]:
    return re.compile(rf"<(/?)({name})(?=[\s/>]){_ATTRS}>", re.I)


def _kept_end(html: str, name: str, start: int) -> int:
    """The end of the element `name` opened just before `start`: after its matching end tag, counting
    the same name opened inside (an `svg` in an `svg`); the end of the page when it is not closed."""
    depth = 1
    for tag in _same_name(name.lower()).finditer(html, start):
        if tag.group(1):
            depth -= 1
            if depth == 0:
                return tag.end()
        elif not (name.lower() in FOREIGN and tag.group(0).endswith("/>")):
            depth += 1
    return len(html)


def squeeze(html: str) -> str:
    """`html` with every run of blanks holding a line break, outside the regions above, one line break."""
    out: list[str] = []
    pos = 0
    while True:
        found = REGION.search(html, pos)
        if found is None:
            out.append(COLLAPSE.sub("\n", html[pos:]))
            return "".join(out)
        start, end = found.span()
        kept = found.group("kept")
        if kept and not (kept.lower() in FOREIGN and found.group(0).endswith("/>")):
            end = _kept_end(html, kept, end)
        out.append(COLLAPSE.sub("\n", html[pos:start]))
        out.append(html[start:end])
        pos = end


@dataclass
class Squeezed:
    """What the pass did: pages read and rewritten, bytes before and after."""

    pages: int = 0
    rewritten: int = 0
    before: int = 0
    after: int = 0

    def add(self, other: Squeezed) -> None:
        self.pages += other.pages
        self.rewritten += other.rewritten
        self.before += other.before
        self.after += other.after


def squeeze_files(paths: Iterable[str]) -> Squeezed:
    """Rewrite each page in place with its whitespace squeezed (the pages of a site not yet swapped in)."""
    done = Squeezed()
    for path in paths:
        with open(path, "rb") as handle:
            raw = handle.read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:  # not a page the engine wrote: left as it is
            done.pages += 1
            done.before += len(raw)
            done.after += len(raw)
            continue
        new = squeeze(text).encode("utf-8")
        done.pages += 1
        done.before += len(raw)
        done.after += len(new)
        if new != raw:
            with open(path, "wb") as handle:
                handle.write(new)
            done.rewritten += 1
    return done


def site_pages(site_dir: Path, skip: str | None = None) -> list[str]:
    """The HTML pages under `site_dir`, sorted; without the folder `skip` (relative, e.g. `en`)."""
    pages: list[str] = []
    for root, dirs, files in os.walk(site_dir):
        if skip is not None and Path(root) == site_dir:
            dirs[:] = [d for d in dirs if d != skip]
        dirs.sort()
        pages.extend(os.path.join(root, name) for name in sorted(files) if name.endswith(".html"))
    return pages


def chunks(paths: list[str], count: int) -> list[list[str]]:
    """`paths` dealt into `count` lists of about the same size (round robin: big and small pages mix)."""
    count = max(1, min(count, len(paths)))
    return [paths[i::count] for i in range(count)]


def squeeze_site(pages: list[str], jobs: int = 1) -> Squeezed:
    """Squeeze `pages`, in `jobs` worker processes when there are several and enough pages."""
    done = Squeezed()
    if jobs <= 1 or len(pages) < 200:
        done.add(squeeze_files(pages))
        return done
    with worker_pool(jobs) as pool:
        for part in pool.map(squeeze_files, chunks(pages, jobs * 4)):
            done.add(part)
    return done
