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

The same walk puts the French no-break spaces (generator.typography.french_spacing_html: before
`: ; ? !`, inside « ») in the text between tags whose language is French (`FrenchText`), so that a
reader at 360 px never sees « coworking » split from its guillemet or a line starting with `:`, and
writes its straight quotes as French typography does (french_quotes_html: « » and ’, the page's title
too), while the data files keep the names as written. Done
on the HTML rather than in the generated Markdown, which stays the same for every engine (MkDocs,
Zensical, ProperDocs), and which also holds text the engine writes (navigation, footer, search).
The regions above are left alone here too: text in them is code, markup or script, not prose.

The pass is a pure function of the page's text (deterministic), run over the built site's pages in
worker processes before Pagefind indexes them (so the index reads the spaced text).
"""

from __future__ import annotations

import os
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from operator import add
from pathlib import Path

from generator.faults import worker_pool
from generator.typography import french_quotes_html, french_typography_html, shown_last

# HTML's whitespace is space, tab, line feed, form feed and carriage return, never U+00A0 or U+202F
COLLAPSE = re.compile(r"[ \t\r\f]*\n[ \t\n\r\f]*")

_ATTRS = r"""(?:[^>"']++|"[^"]*+"|'[^']*+')*+"""
# text up to the end tag; not <noscript>: a reader without scripts gets its content as markup, French text to
# space and quote like any other
RAW = "script|style|textarea|title|xmp|iframe|noembed|noframes"
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


def squeeze(html: str, spacing: bool = False) -> str:
    """`html` with every run of blanks holding a line break, outside the regions above, one line break;
    with `spacing`, the French no-break spaces too in the text whose language is French (below)."""
    out: list[str] = []
    pos = 0
    french = FrenchText(html) if spacing else None
    while True:
        found = REGION.search(html, pos)
        if found is None:
            out.append(COLLAPSE.sub("\n", french.text(pos, len(html)) if french else html[pos:]))
            return "".join(out)
        start, end = found.span()
        kept = found.group("kept")
        if kept and not (kept.lower() in FOREIGN and found.group(0).endswith("/>")):
            end = _kept_end(html, kept, end)
        out.append(COLLAPSE.sub("\n", french.text(pos, start) if french else html[pos:start]))
        out.append(french.title(html[start:end], start) if french and (found.group("raw") or "").lower() == "title"
                   else html[start:end])
        if french:
            french.after_region(html[start:end], found.group("raw") or kept)
        pos = end


# Tags that do not end a line of text: a mark after them belongs to the words before
# (`<strong>Statut</strong> :`); any other tag (a paragraph, a cell, `br`) starts the text again.
INLINE = frozenset("a abbr b bdi bdo cite data del dfn em i ins mark q s small span strong sub sup time u"
                   .split())
TAGS = re.compile(rf"(<(?:/?[A-Za-z][^\s/>]*+{_ATTRS}|[!?/][^>]*+)>)")  # split: text, tag, text, ...
TAG_NAME = re.compile(r"<(/?)([A-Za-z][^\s/>]*+)")
LANG = re.compile(r"""\slang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
# no mark in a text: nothing to space or to quote in it (a straight quote may be written as a reference), and no
# number to hold together (`100 000`: typography.french_digit_groups_html)
MARKS = re.compile(r"""[«»:;?!'"]|&(?:apos|quot|#0*3[49]|#[xX]0*2[27]);|\d \d{3}""")


class FrenchText:
    """The French spacing of one page's text between tags (generator.typography.french_spacing_html),
    where the language is French: inside the nearest element whose `lang` is `fr` (`<html lang="fr">`:
    the whole French edition; `<a lang="fr">`: a French title in the English edition), never in an
    element whose `lang` is another (English text keeps its spacing). Read from the page alone."""

    def __init__(self, html: str) -> None:
        self.html = html
        self.open: list[tuple[int, bool]] = []  # (end, French?) of the elements with a `lang`, innermost last
        self.before = ""  # the character shown just before the next text, "" after a tag that is not inline

    def text(self, pos: int, end: int) -> str:
        """`html[pos:end]` (tags and text, no region) with the text spaced where it is French."""
        segment = self.html[pos:end]
        french = self._french(pos)
        varying = LANG.search(segment) or (self.open and self.open[-1][0] < end)  # the language may change
        if not varying and not french:
            self.before = ""
            return segment
        parts = TAGS.split(segment)
        if varying:
            self._walk(parts, pos)
        else:
            for i in _marked(parts):
                parts[i] = french_typography_html(parts[i], self._before(parts, i))
        self.before = self._before(parts, len(parts))
        return "".join(parts)

    def _walk(self, parts: list[str], at: int) -> None:
        """Space the texts of `parts` that are French, following the elements with a `lang` (`at`: where
        `parts` start). Only the tags with a `lang` and the texts with a mark are looked at."""
        starts = list(accumulate(map(len, parts), initial=at))
        segment = "".join(parts)
        tags = {i for i in (bisect_right(starts, at + found.start()) - 1 for found in LANG.finditer(segment))
                if i % 2}
        for i in sorted(tags.union(_marked(parts))):
            part = parts[i]
            if i % 2 == 0:
                if self._french(starts[i]):
                    parts[i] = french_typography_html(part, self._before(parts, i))
                continue
            lang, name = LANG.search(part), TAG_NAME.match(part)
            if lang and name and not name.group(1):
                value = next(v for v in lang.groups() if v is not None).strip().lower()
                tag = name.group(2).lower()
                closed = tag in VOID or part.endswith("/>")
                self.open.append((starts[i + 1] if closed else _kept_end(self.html, tag, starts[i + 1]),
                                  value == "fr" or value.startswith("fr-")))

    def _before(self, parts: list[str], i: int) -> str:
        """The character shown just before `parts[i]`, back across inline tags; "" after any other tag."""
        for j in range(i - 1, -1, -1):
            if j % 2:
                name = TAG_NAME.match(parts[j])
                if name is None or name.group(2).lower() not in INLINE:
                    return ""
            elif parts[j]:
                return shown_last(parts[j])
        return self.before

    def _french(self, pos: int) -> bool:
        while self.open and self.open[-1][0] <= pos:
            self.open.pop()
        return bool(self.open) and self.open[-1][1]

    def title(self, region: str, at: int) -> str:
        """The page's <title> (`region`, at `at`), its quotes typographic when it is French (`french_quotes_html`:
        the tab shows a name as the heading does); its spacing is left as it was."""
        if not self._french(at):
            return region
        opened = region.index(">") + 1
        closing = region.rfind("</")
        if closing < opened:
            return region
        return region[:opened] + french_quotes_html(region[opened:closing]) + region[closing:]

    def after_region(self, region: str, name: str | None) -> None:
        """After a region: a comment is nothing between two texts; inline code reads as a word before a
        mark (`la commande <code>atlas</code> :`); a tag with a line break in a value is a tag."""
        if region.startswith("<!--"):
            return
        if name is None:  # a tag: its name decides, as between texts
            tag = TAG_NAME.match(region)
            name = tag.group(2) if tag else ""
            if name.lower() in INLINE:
                return
        self.before = "a" if name.lower() in ("code", "kbd", "samp") else ""


def _marked(parts: list[str]) -> list[int]:
    """The indexes of the texts of `parts` (text, tag, text, ...) that hold a mark, found in one search
    of all the texts (a page has about 750 texts and a mark in a few dozen of them)."""
    texts = parts[0::2]
    joined = "\0".join(texts)
    if not MARKS.search(joined):
        return []
    ends = list(map(add, accumulate(map(len, texts)), range(len(texts))))  # where each text's "\0" is
    return sorted({2 * bisect_left(ends, found.start()) for found in MARKS.finditer(joined)})


VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())


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
    """Rewrite each page in place with its whitespace squeezed and its French text spaced (the pages of a
    site not yet swapped in)."""
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
        new = squeeze(text, spacing=True).encode("utf-8")
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
