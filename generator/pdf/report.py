"""What a PDF report holds, computed from the model: the atlas' order, a territory's lists, the caps.

Kept apart from the rendering so that the order of the chapters and the caps can be read and tested
without WeasyPrint (the numbered references are in generator.pdf.citations).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from generator.model import PILLAR_LABELS, PILLARS, Atlas, Hub, Territory
from generator.vocabulary import sort_key


@dataclass(frozen=True)
class Entry:
    """One territory in the whole-atlas order, with the heading level it gets there."""

    territory: Territory
    depth: int


MAX_TERRITORY_DEPTH = 4  # territory heading h1-h4, its sections h2-h5 and their parts h3-h6


def atlas_chapters(atlas: Atlas) -> list[tuple[Territory | None, list[Entry]]]:
    """The whole atlas: one chapter per région (itself, then its départements and territories, depth
    first), then a last chapter (None) for the territories that have no région above them."""
    chapters: list[tuple[Territory | None, list[Entry]]] = []
    placed: set[str] = set()
    regions = [t for t in atlas.territories.values() if t.level == "region" and not t.parent_id]
    for region in sorted(regions, key=lambda t: (sort_key(t.name), t.id)):
        entries = [Entry(region, 1)]
        placed.add(region.id)
        for tid in _ordered_descendants(atlas, region.id):
            base = len(atlas.ancestors(region.id))
            depth = 1 + len(atlas.ancestors(tid)) - base
            entries.append(Entry(atlas.territories[tid], min(depth, MAX_TERRITORY_DEPTH)))
            placed.add(tid)
        chapters.append((region, entries))
    rest: list[Entry] = []
    roots = [t for t in atlas.territories.values() if t.id not in placed and (
        t.parent_id is None or t.parent_id in placed or t.parent_id not in atlas.territories)]
    for root in sorted(roots, key=lambda t: (sort_key(t.name), t.id)):
        if root.id in placed:
            continue
        rest.append(Entry(root, 2))
        placed.add(root.id)
        for tid in _ordered_descendants(atlas, root.id):
            if tid in placed:
                continue
            depth = 2 + len(atlas.ancestors(tid)) - len(atlas.ancestors(root.id))
            rest.append(Entry(atlas.territories[tid], min(depth, MAX_TERRITORY_DEPTH)))
            placed.add(tid)
    # Anything still unplaced (a parent chain that only leads to placed territories): keep it, last.
    for t in atlas.territories.values():
        if t.id not in placed:
            rest.append(Entry(t, 2))
            placed.add(t.id)
    if rest:
        chapters.append((None, rest))
    return chapters


def _ordered_descendants(atlas: Atlas, territory_id: str) -> list[str]:
    """Depth first, siblings by name (the reading order of a printed atlas)."""
    out: list[str] = []

    def visit(tid: str) -> None:
        kids = sorted(atlas.children.get(tid, ()),
                      key=lambda k: (sort_key(atlas.territories[k].name), k))
        for kid in kids:
            out.append(kid)
            visit(kid)

    visit(territory_id)
    return out


def territory_hubs(atlas: Atlas, territory_id: str) -> list[Hub]:
    """Hubs of the territory and of the territories below it, by name."""
    hubs = [atlas.hubs[h] for h in atlas.hubs_within(territory_id)]
    return sorted(hubs, key=lambda h: (sort_key(h.name), h.id))


def territory_partnerships(atlas: Atlas, territory_id: str) -> list[tuple[Hub, Hub]]:
    """Partnerships with at least one hub in the territory (or below), the inside hub first."""
    inside = set(atlas.hubs_within(territory_id))
    pairs: list[tuple[Hub, Hub]] = []
    for a, b in atlas.partnerships:
        if a in inside or b in inside:
            first, second = (a, b) if a in inside else (b, a)
            pairs.append((atlas.hubs[first], atlas.hubs[second]))
    return sorted(pairs, key=lambda p: (sort_key(p[0].name), sort_key(p[1].name), p[0].id, p[1].id))


def hub_type_counts(atlas: Atlas, hubs: list[Hub]) -> list[tuple[str, int]]:
    """(type id, number of hubs) per hub type, in vocabulary order; a hub counts once per type (the report
    names each type in its language, templates.vocab)."""
    counts: dict[str, int] = {}
    for hub in hubs:
        for t in hub.types:
            counts[t] = counts.get(t, 0) + 1
    order = list(atlas.vocabulary.hub_types)
    keys = sorted(counts, key=lambda k: (order.index(k) if k in order else len(order), k))
    return [(k, counts[k]) for k in keys]


def pillar_rows(territory: Territory, label: Callable[[str], str] = PILLAR_LABELS.__getitem__,
                ) -> list[tuple[str, str, int | None]]:
    """(key, label, rating or None) for the five pillars, in the fixed order of the model."""
    rows = []
    for key in PILLARS:
        pillar = territory.pillars.get(key)
        rows.append((key, label(key), pillar.rating if pillar else None))
    return rows


# ---- caps: a report's memory and length bounded whatever the size of a sheet ---------------------
# WeasyPrint holds the whole layout of a document (about 1.5 MiB a page): a sheet of 10,000
# indicators or a territory of 2,000 hubs printed whole peaked at 1.7 GiB. Long lists are printed up
# to a cap, followed by a line "N autres … : voir le site" with the address of the page that has
# them all; long texts are cut at a paragraph or a word and say so.

@dataclass(frozen=True)
class Caps:
    """How much of each long list a report prints."""

    hub_details: int = 30     # hubs described in full (heading, facts, description, figures)
    hub_rows: int = 200       # further hubs, one table row each
    partnerships: int = 150   # rows of the partnership table
    indicators: int = 40      # rows of one pillar's table (measured, context, curated facts)
    figures: int = 12         # rows of one hub's figures
    children: int = 150       # rows of the included territories
    listed_sources: int = 40  # sources a sheet lists without citing them
    contributors: int = 12    # names of contributors
    text_chars: int = 3000    # characters of one Markdown text (summary, rationale, description)


CAPS = Caps()

T = TypeVar("T")


@dataclass(frozen=True)
class Capped(Generic[T]):
    """The first items of a list and how many there are in all."""

    shown: tuple[T, ...]
    total: int

    @property
    def rest(self) -> int:
        return self.total - len(self.shown)

    def __iter__(self):
        return iter(self.shown)

    def __len__(self) -> int:
        return len(self.shown)

    def __bool__(self) -> bool:
        return self.total > 0


def capped(items: Sequence[T], cap: int, start: int = 0) -> Capped[T]:
    """`items[start:start + cap]`, remembering how many `items[start:]` holds."""
    total = max(0, len(items) - start)
    return Capped(tuple(items[start:start + cap]), total)


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def clip_text(text: str | None, limit: int) -> tuple[str | None, int]:
    """A Markdown text cut to at most `limit` characters, at the last paragraph break (or else the
    last space) before the limit, and how many characters were left out (0 when it is whole)."""
    if text is None or len(text) <= limit:
        return text, 0
    head = text[:limit]
    breaks = [m.start() for m in _PARAGRAPH_BREAK.finditer(head)]
    cut = breaks[-1] if breaks and breaks[-1] > limit // 2 else head.rfind(" ")
    if cut <= limit // 2:
        cut = limit
    clipped = text[:cut].rstrip()
    return clipped + " …", len(text) - len(clipped)
