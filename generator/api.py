"""The static API: one JSON document per territory and per hub at stable URLs, an index, JSON Schemas.

`api/territoires/<id>.json` and `api/lieux/<id>.json` carry the record of the open data
(`generator.opendata`: the same facts, measures and measured profile as the page), every source a
fact of the sheet cites (its own and the shared ones), the page's address and the edition date.
`api/index.json` lists them, and the hubs merged into another or renamed (territories/moved.yml): at such a
hub's former address, `api/lieux/<former id>.json` is a small document naming the kept hub and its document,
as its former page leads to the kept page. `api/schemas/*.schema.json` (JSON Schema 2020-12) document the four
kinds and are published with them. Bytes are deterministic; `<`, `>`, `&` and the line separators U+2028/9 are
written as `\\u` escapes, so a sheet's `<script>` stays inert even if a document is pasted into HTML.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from generator.atlas_records import hub_record, source_dict, territory_record
from generator.citation import normalise_site_url
from generator.ids import SLUG_PATTERN
from generator.measured import scores_of
from generator.model import Atlas, Fact, Hub, Source, Territory
from generator.outputs import Output
from generator.scores import Scores

API_DIR = "api"
SCHEMA_DIR = f"{API_DIR}/schemas"
API_VERSION = 1
_INERT = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def territory_api_path(tid: str) -> str:
    return f"{API_DIR}/territoires/{tid}.json"


def hub_api_path(hid: str) -> str:
    return f"{API_DIR}/lieux/{hid}.json"


def dumps(doc: Any) -> bytes:
    """JSON as the API writes it: UTF-8, fixed key order, compact, markup characters escaped.

    The characters replaced occur only inside strings (never in JSON's own syntax), so the text
    stays the same JSON value.
    """
    raw = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), allow_nan=False)  # compact: C encoder
    for char, escaped in _INERT:
        if char in raw:
            raw = raw.replace(char, escaped)
    return (raw + "\n").encode("utf-8")


def _cited(own: Iterable[Source], facts: Iterable[Fact]) -> dict[str, Any]:
    """The sheet's own sources and every source its facts cite (shared ones included), by id."""
    found = {s.id: s for s in own}
    for fact in facts:
        if fact.source is not None:
            found.setdefault(fact.source.id, fact.source)
    return {sid: source_dict(found[sid]) for sid in sorted(found)}


class Api:
    """The API documents of one atlas (the page address needs the site's `site_url`, when set)."""

    def __init__(self, atlas: Atlas, scores: Scores | None = None, site_url: str | None = None) -> None:
        self.atlas = atlas
        self.scores = scores if scores is not None else scores_of(atlas)
        self.site_url = normalise_site_url(site_url) or ""

    def _head(self, kind: str, page: str, api: str) -> dict[str, Any]:
        return {"api_version": API_VERSION, "kind": kind, "edition": self.atlas.as_of.isoformat(),
                "page": self.site_url + page, "api": self.site_url + api,
                "licence": "Licence Ouverte 2.0 (Etalab)"}

    def territory(self, t: Territory) -> dict[str, Any]:
        doc = self._head("territoire", f"territoires/{t.id}/", territory_api_path(t.id))
        record = territory_record(self.atlas, t, self.scores)
        record["sources"] = _cited(t.sources.values(), (f for _, f in t.facts()))
        doc.update(record)
        return doc

    def hub(self, h: Hub) -> dict[str, Any]:
        doc = self._head("lieu", f"hubs/{h.id}/", hub_api_path(h.id))
        record = hub_record(self.atlas, h)
        record["sources"] = _cited(h.sources.values(), (f for _, f in h.facts()))
        doc.update(record)
        return doc

    def moved(self, old: str, new: str) -> dict[str, Any]:
        """The document at a moved hub's former address: the kept hub, its page and its document."""
        doc = self._head("lieu_deplace", f"hubs/{new}/", hub_api_path(old))
        doc.update({"id": old, "moved_to": new, "moved_to_api": self.site_url + hub_api_path(new)})
        return doc

    def index(self) -> dict[str, Any]:
        doc = self._head("index", "", f"{API_DIR}/index.json")
        doc["territoires"] = [
            {"id": t.id, "name": t.name, "level": t.level, "parent": t.parent_id, "updated": t.updated.isoformat(),
             "api": self.site_url + territory_api_path(t.id)} for t in self.atlas.territories.values()]
        doc["lieux"] = [
            {"id": h.id, "name": h.name, "territory": h.territory_id, "status": h.status,
             "updated": h.updated.isoformat(), "api": self.site_url + hub_api_path(h.id)}
            for h in self.atlas.hubs.values()]
        doc["lieux_deplaces"] = [{"id": old, "moved_to": new, "api": self.site_url + hub_api_path(old)}
                                 for old, new in self.atlas.moved_hubs.items()]
        return doc

    def outputs(self) -> list[Output]:
        """Every API file, each declaring the sheet it comes from (the index: all of them)."""
        return [make() for _path, _record, make in self.makers()]

    def makers(self) -> list[tuple[str, tuple[str, str], Callable[[], Output]]]:
        """Each API file as its path, the record it shows (mapping and id; empty for the index and the
        schemas) and what makes it: the page cache keeps each document whose record's reads did not change."""
        atlas = self.atlas
        found: list[tuple[str, tuple[str, str], Callable[[], Output]]] = [
            (territory_api_path(t.id), ("territories", t.id),
             lambda t=t: Output(territory_api_path(t.id), dumps(self.territory(t)), (t.path,)))
            for t in atlas.territories.values()]
        found += [(hub_api_path(h.id), ("hubs", h.id),
                   lambda h=h: Output(hub_api_path(h.id), dumps(self.hub(h)), (h.path,))) for h in atlas.hubs.values()]

        def index() -> Output:
            every = tuple(sorted({t.path for t in atlas.territories.values()} | {h.path for h in atlas.hubs.values()}))
            return Output(f"{API_DIR}/index.json", dumps(self.index()), every)

        found.append((f"{API_DIR}/index.json", ("", ""), index))
        found += [(hub_api_path(old), ("", ""),  # moved.yml is in the page cache's common key (data_common)
                   lambda old=old, new=new: Output(hub_api_path(old), dumps(self.moved(old, new)),
                                                   (atlas.hubs[new].path,)))
                  for old, new in atlas.moved_hubs.items()]
        found += [(f"{SCHEMA_DIR}/{name}", ("", ""),
                   lambda name=name, schema=schema: Output(f"{SCHEMA_DIR}/{name}", dumps(schema)))
                  for name, schema in api_schemas().items()]
        return found


# ---- the JSON Schemas of the documents ------------------------------------------------------------

_ID = {"type": "string", "pattern": SLUG_PATTERN}
_DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_TEXT_OR_NULL = {"type": ["string", "null"]}
_FACT = {
    "type": "object", "required": ["value"],
    "properties": {"value": {"type": ["string", "number", "integer", "boolean", "array"]},
                   "year": {"type": "integer"}, "source": {"type": "string"}, "note": {"type": "string"},
                   "label": {"type": "string"}, "unit": {"type": "string"}},
    "additionalProperties": False,
}
_FACT_OR_NULL = {"anyOf": [{"$ref": "#/$defs/fact"}, {"type": "null"}]}
_SOURCE = {
    "type": "object", "required": ["title"],
    "properties": {"title": {"type": "string"}, "publisher": {"type": "string"},
                   "url": {"type": "string"}, "accessed": _DATE},
    "additionalProperties": False,
}
_HEAD_PROPS = {
    "api_version": {"const": API_VERSION, "description": "version of the document format"},
    "edition": {**_DATE, "description": "date of the atlas edition (build date)"},
    "page": {"type": "string", "description": "the page of the site (absolute when the site address is set)"},
    "api": {"type": "string", "description": "this document's own address"},
    "licence": {"type": "string"},
}
_COORDS = {"anyOf": [{"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
                     {"type": "null"}]}
_SOURCES = {"type": "object", "additionalProperties": {"$ref": "#/$defs/source"},
            "description": "every source the sheet's facts cite, by id"}


def _schema(name: str, title: str, description: str, props: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{name}.schema.json",
        "title": title,
        "description": description,
        "type": "object",
        "required": ["api_version", "kind", "edition", "page", "api", *required],
        "properties": {**_HEAD_PROPS, **props},
        "$defs": {"fact": _FACT, "source": _SOURCE},
    }


def api_schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schemas of the three kinds of document (published under api/schemas/)."""
    territory = _schema(
        "territoire", "Territoire (API de l'Atlas des territoires de demain)",
        "api/territoires/<id>.json : la fiche d'un territoire, ses mesures et son profil mesuré, comme sur sa page.",
        {"kind": {"const": "territoire"}, "id": _ID, "name": {"type": "string"},
         "level": {"enum": ["region", "departement", "epci", "commune", "pays"]},
         "code": _TEXT_OR_NULL, "parent": {"anyOf": [_ID, {"type": "null"}]},
         "children": {"type": "array", "items": _ID}, "population": _FACT_OR_NULL, "area_km2": _FACT_OR_NULL,
         "coordinates": _COORDS, "summary": _TEXT_OR_NULL, "pillars": {"type": "object"},
         "measures": {"type": "object", "additionalProperties": {"$ref": "#/$defs/fact"}},
         "measured_profile": {"type": ["object", "null"]}, "sources": _SOURCES,
         "hubs": {"type": "array", "items": _ID}, "updated": _DATE,
         "contributors": {"type": "array", "items": {"type": "string"}}, "sheet": {"type": "string"}},
        ["id", "name", "level", "measures", "sources", "updated"])
    hub = _schema(
        "lieu", "Lieu d'innovation (API de l'Atlas des territoires de demain)",
        "api/lieux/<id>.json : la fiche d'un lieu d'innovation, avec ses faits datés et sourcés, comme sur sa page.",
        {"kind": {"const": "lieu"}, "id": _ID, "name": {"type": "string"}, "territory": _ID,
         "types": {"type": "array", "items": {"type": "string"}},
         "status": {"enum": ["active", "project", "closed"]}, "status_fact": _FACT_OR_NULL,
         "status_to_check": {"type": "boolean"}, "founded_fact": _FACT_OR_NULL, "closed_in_fact": _FACT_OR_NULL,
         "address_fact": _FACT_OR_NULL, "coordinates": _COORDS, "website": _TEXT_OR_NULL,
         "figures": {"type": "array", "items": {"$ref": "#/$defs/fact"}}, "sources": _SOURCES,
         "updated": _DATE, "sheet": {"type": "string"}},
        ["id", "name", "territory", "status", "sources", "updated"])
    entry = {"type": "object", "required": ["id", "name", "updated", "api"],
             "properties": {"id": _ID, "name": {"type": "string"}, "updated": _DATE, "api": {"type": "string"}}}
    move = {"type": "object", "required": ["id", "moved_to", "api"], "additionalProperties": False,
            "properties": {"id": {**_ID, "description": "former id of a hub merged into another or renamed"},
                           "moved_to": {**_ID, "description": "id of the hub that has its sheet now"},
                           "api": {"type": "string", "description": "the document at the former address"}}}
    index = _schema(
        "index", "Index de l'API de l'Atlas des territoires de demain",
        "api/index.json : tous les territoires et lieux, avec l'adresse de leur document, et les lieux déplacés "
        "(territories/moved.yml : fusionnés dans un autre ou renommés).",
        {"kind": {"const": "index"}, "territoires": {"type": "array", "items": entry},
         "lieux": {"type": "array", "items": entry}, "lieux_deplaces": {"type": "array", "items": move}},
        ["territoires", "lieux", "lieux_deplaces"])
    moved = _schema(
        "lieu_deplace", "Lieu déplacé (API de l'Atlas des territoires de demain)",
        "api/lieux/<ancien id>.json : à l'ancienne adresse d'un lieu fusionné dans un autre ou renommé "
        "(territories/moved.yml), le lieu qui a sa fiche aujourd'hui et l'adresse de son document.",
        {"kind": {"const": "lieu_deplace"}, "id": move["properties"]["id"],
         "moved_to": move["properties"]["moved_to"],
         "moved_to_api": {"type": "string", "description": "the kept hub's document"}},
        ["id", "moved_to", "moved_to_api"])
    moved["additionalProperties"] = False
    return {"territoire.schema.json": territory, "lieu.schema.json": hub, "index.schema.json": index,
            "lieu_deplace.schema.json": moved}
