"""The atlas as one JSON document (`atlas.json`) and the records it holds, which the static API reuses.

Kept apart from the tables (generator.opendata) because the page cache (generator.page_kept) takes
records ready encoded: the whole document is byte for byte what json.dumps of it writes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any, Protocol

from generator.measured import scores_of
from generator.model import PILLARS, VOCABULARY_LISTS, Atlas, Fact, Hub, Indicator, Source, Territory
from generator.scores import Profile, Scores


def source_id(src: Source | None) -> str | None:
    return src.id if src is not None else None


def _fact(f: Fact | None) -> dict[str, Any] | None:
    if f is None:
        return None
    return _given({"value": f.value}, f, ("label", "unit", "year", "note"))


def source_dict(src: Source) -> dict[str, Any]:
    out: dict[str, Any] = {"title": src.title}
    if src.publisher:
        out["publisher"] = src.publisher
    if src.url:
        out["url"] = src.url
    if src.accessed:
        out["accessed"] = src.accessed.isoformat()
    return out


def _profile_dict(profile: Profile | None) -> dict[str, Any] | None:
    """The measured profile in atlas.json: pillar scores (null = not measured) and each indicator's
    value, score, rank among how many, p and the national median of the level."""
    if profile is None:
        return None
    return {
        "pillars": {k: profile.pillars.get(k) for k in PILLARS},
        "indicators": {iid: {"value": s.value, "score": s.score, "rank": s.rank, "count": s.count,
                             "p": round(s.p, 6), "median": s.median}
                       for iid, s in profile.indicators.items()},
    }


def _indicator_dict(ind: Indicator) -> dict[str, Any]:
    return _given({"label": ind.label, "pillar": ind.pillar, "direction": ind.direction, "levels": list(ind.levels)},
                  ind, ("unit", "definition", "year", "derived"))


def _given(out: dict[str, Any], item: Fact | Indicator, keys: tuple[str, ...]) -> dict[str, Any]:
    """`out` with the attributes of `item` among `keys` that are given, then its source's id if it has one."""
    for key in keys:
        if getattr(item, key) is not None:
            out[key] = getattr(item, key)
    if item.source is not None:
        out["source"] = item.source.id
    return out


def _extra(record: Territory | Hub) -> dict[str, Any]:
    """The fields declared in generator.fields that the model keeps in `extra` (no attribute of their own yet)."""
    return {k: _fact(v) if isinstance(v, Fact) else list(v) if isinstance(v, tuple) else v
            for k, v in record.extra.items()}


def territory_record(atlas: Atlas, t: Territory, scores: Scores | None = None) -> dict[str, Any]:
    pillars = {}
    for key in PILLARS:
        p = t.pillars.get(key)
        if p is None:
            continue
        entry: dict[str, Any] = {"rating": p.rating}
        if p.rationale:
            entry["rationale"] = p.rationale
        if p.summary:
            entry["summary"] = p.summary
        entry["indicators"] = [_fact(f) for f in p.indicators]
        pillars[key] = entry
    return {
        "id": t.id, "name": t.name, "level": t.level, "code": t.code, "parent": t.parent_id,
        "children": list(atlas.children.get(t.id, ())),
        "population": _fact(t.population), "area_km2": _fact(t.area_km2),
        "coordinates": list(t.coordinates) if t.coordinates else None,
        "summary": t.summary, "pillars": pillars,
        "measures": {iid: _fact(f) for iid, f in t.measures.items()},
        "measured_profile": _profile_dict((scores or scores_of(atlas)).profile(t.id)),
        "sources": {k: source_dict(v) for k, v in sorted(t.sources.items())},
        "hubs": list(atlas.hubs_by_territory.get(t.id, ())),
        "updated": t.updated.isoformat(), "contributors": list(t.contributors), "sheet": t.path,
        **_extra(t),
    }


def hub_record(atlas: Atlas, h: Hub) -> dict[str, Any]:
    return {
        "id": h.id, "name": h.name, "territory": h.territory_id, "types": list(h.types), "status": h.status,
        "status_fact": _fact(h.status_fact), "status_to_check": atlas.status_is_old(h),
        "founded_fact": _fact(h.founded_fact), "closed_in_fact": _fact(h.closed_in_fact),
        "address_fact": _fact(h.address_fact), "commune": h.commune, "precision": h.precision,
        "founded": h.founded, "closed_in": h.closed_in, "address": h.address,
        "coordinates": list(h.coordinates) if h.coordinates else None, "website": h.website,
        "services": list(h.services), "themes": list(h.themes), "pillars": list(h.pillars),
        "networks": list(h.networks), "partners": list(h.partners),
        "partners_all": list(atlas.partners_of.get(h.id, ())),
        "figures": [_fact(f) for f in h.figures], "description": h.description,
        "sources": {k: source_dict(v) for k, v in sorted(h.sources.items())},
        "updated": h.updated.isoformat(), "sheet": h.path,
        **_extra(h),
    }


class RecordTexts(Protocol):
    """Where atlas.json's records may come from ready encoded, as `record_text` writes them (the page cache
    keeps them, generator.page_kept)."""

    def text(self, section: str, record_id: str, make: Callable[[], dict[str, Any]]) -> str: ...


def record_text(record: dict[str, Any]) -> str:
    """One record of atlas.json as it stands in its list: json.dumps of the record alone (indent 1) with each
    line after the first two spaces deeper, as json.dumps of the whole document writes it. Kept records are
    taken from the previous file as they stand there (not indented again: 7 MB nationally)."""
    return json.dumps(record, ensure_ascii=False, indent=1, allow_nan=False, default=_default).replace("\n", "\n  ")


def _records_list(texts: list[str]) -> str:
    """A list of records (`record_text`) as json.dumps(indent=1) writes it as a value of the top-level object."""
    if not texts:
        return "[]"
    return "[\n  " + ",\n  ".join(texts) + "\n ]"


_HOLE = "\x00atlas-{}\x00"  # where a list of records goes in the document (no sheet text holds a NUL)


def atlas_json(atlas: Atlas, scores: Scores | None = None, records: RecordTexts | None = None) -> bytes:
    """The whole atlas as one JSON document (UTF-8, keys in a fixed order). The territories and hubs are
    encoded one by one (with `records`, those whose inputs did not change come ready encoded): the
    text is byte for byte json.dumps of the whole document (indent 1)."""
    scores = scores or scores_of(atlas)

    def encoded(section: str, record_id: str, make: Callable[[], dict[str, Any]]) -> str:
        return records.text(section, record_id, make) if records is not None else record_text(make())

    lists = {
        "territories": [encoded("territories", t.id, lambda t=t: territory_record(atlas, t, scores))
                        for t in atlas.territories.values()],
        "hubs": [encoded("hubs", h.id, lambda h=h: hub_record(atlas, h)) for h in atlas.hubs.values()],
    }
    doc = {
        "as_of": atlas.as_of.isoformat(),
        "indicators": {iid: _indicator_dict(ind) for iid, ind in atlas.indicators.items()},
        "territories": _HOLE.format("territories"),
        "hubs": _HOLE.format("hubs"),
        # territories/moved.yml as it was checked: the former id of a merged or renamed hub -> the kept hub's id
        # (its former page hubs/<id>/ and API document lead there); {} without the file. The shape of moved.yml,
        # described by schema/moved.schema.json
        "moved_hubs": dict(atlas.moved_hubs),
        "partnerships": [list(p) for p in atlas.partnerships],
        "sources": {k: source_dict(v) for k, v in atlas.sources.items()},
        "vocabulary": {
            name: {eid: {"label": e.label, "description": e.description, "url": e.url}
                   for eid, e in atlas.vocabulary.list(name).items()}
            for name in VOCABULARY_LISTS
        },
    }
    text = json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False, default=_default)
    for name, texts in lists.items():
        text = text.replace(json.dumps(_HOLE.format(name)), _records_list(texts), 1)
    return (text + "\n").encode("utf-8")


def _default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not serialisable: {type(value).__name__}")
