"""How complete each sheet is, and which of its facts need a contributor: one measure for every output.

The site's quality page, the territory and hub pages and (ideally) `atlas stats` read the same
numbers, so a contributor sees the same completeness on the terminal and on the site.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from generator.atlas_reads import per_sheet
from generator.fields import HUB, TERRITORY, checklist
from generator.model import PILLAR_LABELS, PILLARS, Atlas, Fact, Hub, Territory
from generator.specs import Record


@dataclass(frozen=True)
class SheetQuality:
    """How complete one sheet is and which of its facts need a contributor."""

    kind: str  # "territory" | "hub"
    id: str
    name: str
    path: str
    filled: int
    total: int
    facts: int
    unsourced: tuple[str, ...]
    old: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def completeness(self) -> float:
        return self.filled / self.total if self.total else 1.0

    @property
    def need(self) -> tuple:
        """Sort key: the sheets that most need work first."""
        return (round(self.completeness, 4), -len(self.unsourced) - len(self.old), self.kind, self.id)


def _filled(value: Any) -> bool:
    return value is not None and value != "" and value != ()


def declared_checks(record: Record, sheet: Territory | Hub) -> list[tuple[str, bool]]:
    """The checklist of the fields that have a `quality` rank in generator.fields: (label, filled)."""
    return [(f.label[:1].lower() + f.label[1:], _filled(getattr(sheet, f.attr or name)))
            for name, f in checklist(record)]


def territory_quality(atlas: Atlas, t: Territory) -> SheetQuality:
    checks = declared_checks(TERRITORY, t)
    for key in PILLARS:
        pillar = t.pillars.get(key)
        checks.append((f"note {PILLAR_LABELS[key]}", pillar is not None and pillar.rating is not None))
        checks.append((f"indicateurs {PILLAR_LABELS[key]}", pillar is not None and bool(pillar.indicators)))
    return _quality(atlas, "territory", t.id, t.name, t.path, checks, list(t.facts()))


def hub_quality(atlas: Atlas, h: Hub) -> SheetQuality:
    return _quality(atlas, "hub", h.id, h.name, h.path, declared_checks(HUB, h), list(h.facts()))


def _quality(atlas: Atlas, kind: str, sid: str, name: str, path: str, checks: list[tuple[str, bool]],
             facts: list[tuple[str, Fact]]) -> SheetQuality:
    return SheetQuality(
        kind=kind, id=sid, name=name, path=path,
        filled=sum(1 for _, ok in checks if ok), total=len(checks), facts=len(facts),
        unsourced=tuple(p for p, f in facts if not f.sourced),
        # a closure does not go stale; an old open or planned status is "à vérifier" (model.is_stale)
        old=tuple(p for p, f in facts if atlas.is_stale(p, f)),
        missing=tuple(label for label, ok in checks if not ok),
    )


def quality_table(atlas: Atlas) -> list[SheetQuality]:
    """Every sheet's quality, the sheets that most need work first (each row kept by its sheet between
    builds, with the page cache: generator.atlas_reads.per_sheet)."""
    rows = [per_sheet(atlas, "quality", t, lambda t=t: territory_quality(atlas, t), _plain, _from_plain,
                      shape_only=True) for t in atlas.territories.values()]
    rows += [per_sheet(atlas, "quality", h, lambda h=h: hub_quality(atlas, h), _plain, _from_plain,
                       shape_only=True) for h in atlas.hubs.values()]
    return sorted(rows, key=lambda q: q.need)


def _plain(q: SheetQuality) -> list[Any]:
    return [getattr(q, f.name) for f in fields(SheetQuality)]


def _from_plain(data: list[Any]) -> SheetQuality:
    return SheetQuality(*(tuple(v) if isinstance(v, list) else v for v in data))
