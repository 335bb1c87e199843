"""The hub sheets of the census import: the text of a new sheet, and the round-trip edit that adds
to an existing one only what is missing.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date
from typing import Any

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from generator.errors import AtlasError
from generator.i18n import _, ngettext
from generator.imports.census_places import GENERIC_WORDS, name_tokens
from generator.imports.census_plan import MARKER
from generator.imports.census_rows import CENSUS_SOURCE, CENSUS_URL, CITATION_ID, POINTS_SOURCE, Place
from generator.imports.messages import absent
from generator.imports.sheet_yaml import YAML11_PLAIN, flow_list, mark_checked, round_trip_yaml, yaml_string
from generator.validate.duplicates import STREET_KINDS, folded

HUB_SCHEMA_COMMENT = "# yaml-language-server: $schema=../../../schema/hub.schema.json"


# Order of the fields of a hub sheet, to insert a missing one at its usual place.
HUB_ORDER = ("name", "types", "status", "founded", "closed_in", "address", "commune", "coordinates",
             "website", "services", "themes", "pillars", "networks", "partners", "figures",
             "description", "en", "sources", "updated", "contributors")


def _status_fact(place: Place) -> CommentedMap:
    fact = CommentedMap()
    fact["value"] = "closed" if place.closed else "active"
    fact["year"] = 2019
    fact["source"] = CENSUS_SOURCE
    fact["note"] = place.note
    return fact


def _address_fact(place: Place) -> CommentedMap | None:
    if place.address is None:
        return None
    fact = CommentedMap()
    fact["value"] = yaml_string(place.address)
    fact["source"] = CENSUS_SOURCE
    return fact


def _coordinates_fact(place: Place) -> CommentedMap | None:
    if place.coordinates is None:
        return None
    fact = CommentedMap()
    fact["value"] = flow_list([round(place.coordinates[0], 6), round(place.coordinates[1], 6)])
    fact["precision"] = place.precision
    fact["source"] = CENSUS_SOURCE if place.precision == "address" else POINTS_SOURCE
    return fact


def _marker(place: Place) -> str:
    return f"# mission-coworking-2019: {', '.join(place.ids)}"


_PLAIN_SAFE = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\x00-\x1f\x7f]*$")


def yaml_scalar(text: str) -> str:
    """A string as a YAML scalar: plain where no YAML 1.1 or 1.2 reader can misread it, else
    double-quoted (JSON escapes are valid YAML double-quoted escapes)."""
    if (_PLAIN_SAFE.match(text) and not text.endswith((" ", ":")) and ": " not in text and " #" not in text
            and not YAML11_PLAIN.match(text) and text.strip() == text and not text[0].isdigit()):
        return text
    return json.dumps(text, ensure_ascii=False)


def _number(value: float) -> str:
    """A coordinate with at most 6 decimals, never in exponent form (YAML 1.1 reads `1e-05` as text)."""
    text = f"{value:.6f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def new_hub_text(place: Place, updated: date) -> str:
    """The sheet of a new place, written directly (the same text ruamel would write, ~50 times faster;
    tests load every generated sheet back and compare)."""
    lines = [HUB_SCHEMA_COMMENT, _marker(place), f"name: {yaml_scalar(place.name)}",
             f"types: [{', '.join(place.types)}]",
             "status:", f"  value: {'closed' if place.closed else 'active'}", "  year: 2019",
             f"  source: {CENSUS_SOURCE}",
             f"  note: {yaml_scalar(place.note)}"]
    if place.address is not None:
        lines += ["address:", f"  value: {yaml_scalar(place.address)}", f"  source: {CENSUS_SOURCE}"]
    lines.append(f'commune: "{place.commune}"')
    if place.coordinates is not None:
        lat, lon = (_number(v) for v in place.coordinates)
        lines += ["coordinates:", f"  value: [{lat}, {lon}]", f"  precision: {place.precision}",
                  f"  source: {CENSUS_SOURCE if place.precision == 'address' else POINTS_SOURCE}"]
    if place.website:
        lines.append(f"website: {yaml_scalar(place.website)}")
    lines.append(f"updated: {updated.isoformat()}")
    return "\n".join(lines) + "\n"


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _ours(value: Any) -> bool:
    """A fact this import wrote (its source is the census or the commune points)."""
    return isinstance(value, dict) and str(value.get("source")) in (CENSUS_SOURCE, POINTS_SOURCE)


def same_street(census_address: str, sheet_address: Any) -> bool:
    """Whether a sheet's address (bare or a fact) is the census address: its number and street words."""
    text = sheet_address.get("value") if isinstance(sheet_address, dict) else sheet_address
    mine, theirs = _street_tokens(census_address) - GENERIC_WORDS, _street_tokens(str(text or ""))
    return bool(mine) and mine <= theirs


def _street_tokens(address: str) -> set[str]:
    """An address's words, a street's kind written out as the duplicates check reads it (`bd` -> `boulevard`)."""
    return {STREET_KINDS.get(t, t) for t in name_tokens(address)}


def insert_field(doc: CommentedMap, key: str, value: Any) -> None:
    """Add `key` to a hub sheet at its usual place (HUB_ORDER), after the fields that precede it."""
    position = HUB_ORDER.index(key)
    before = [k for k in HUB_ORDER[:position] if k in doc]
    keys = list(doc.keys())
    doc.insert(keys.index(before[-1]) + 1 if before else 0, key, value)


CITATION_TITLE = "Recensement des tiers-lieux (CGET – Mission Coworking), mise à jour du 13 juin 2019 : "


def citation_title(place: Place) -> str:
    """The census's rows of a place, each name after its rows: `fiche n° 421 « The Camp » et fiche
    n° 1330 « ICI thecamp »` (`fiche n° 2 et fiche n° 3 « X »` when they share a name)."""
    names: dict[str, list[str]] = {}
    for row in place.rows:
        names.setdefault(folded(row.name), []).append(row.id)
    spelled = {folded(row.name): row.name for row in reversed(place.rows)}  # each name as its first row spells it
    return CITATION_TITLE + " et ".join(f"{' et '.join('fiche n° ' + i for i in ids)} « {spelled[key]} »"
                                        for key, ids in names.items())


def _citation(place: Place) -> CommentedMap:
    entry = CommentedMap()
    entry["title"] = citation_title(place)
    entry["publisher"] = "CGET (ANCT) – Mission Coworking"
    entry["url"] = CENSUS_URL
    return entry


def update_hub_text(text: str, place: Place, census_made: bool) -> tuple[str, list[str]]:
    """Add what the sheet lacks and refresh the facts this import wrote; keep everything a person wrote."""
    yaml = round_trip_yaml()
    doc = yaml.load(text)
    if not isinstance(doc, CommentedMap):
        raise AtlasError(_("the sheet's top level is not a map"))
    changes: list[str] = []
    if "commune" not in doc:
        insert_field(doc, "commune", DoubleQuotedScalarString(place.commune))
        changes.append(f"commune: {absent()} -> {place.commune}")
    coordinates = _coordinates_fact(place)
    elsewhere = "address" in doc and not (census_made and _ours(doc["address"])) \
        and not same_street(place.rows[0].address, doc["address"])
    moved = str(doc["commune"]) != place.commune
    if moved or (census_made and elsewhere and "coordinates" in doc):
        # the sheet puts the place in another commune, or a person wrote its address (a move, dated, with its
        # source): the census's point and address are those it left; the point the sheet has is the person's
        # choice (La Forge, Aurillac, keeps the census's for want of a better one), kept as it is
        coordinates = None
    elif elsewhere and place.precision == "address":
        # the sheet says the place is elsewhere (it moved, or the census is wrong): only its commune is sure
        at_centre = Place(**{**place.__dict__, "coordinates": place.centre, "precision": "commune"})
        coordinates = _coordinates_fact(at_centre)
    wanted = {"coordinates": coordinates}
    if census_made:
        wanted["status"] = _status_fact(place)
        wanted["address"] = None if moved else _address_fact(place)
    for key, value in wanted.items():
        if value is None:
            continue
        old = doc.get(key)
        if key not in doc:
            if key == "coordinates" or not census_made:
                insert_field(doc, key, value)
                changes.append(f"{key}: {absent()} -> {_plain(value)}")
        elif census_made and _ours(old) and _plain(old) != _plain(value):
            doc[key] = value
            changes.append(f"{key}: {_plain(old)} -> {_plain(value)}")
    if not census_made:
        sources = doc.get("sources")
        cites = ngettext("cites fiche {ids}", "cites fiches {ids}", len(place.ids)).format(ids=", ".join(place.ids))
        if not isinstance(sources, dict) or CITATION_ID not in sources:
            if not isinstance(sources, CommentedMap):
                sources = CommentedMap()
                insert_field(doc, "sources", sources)
            sources[CITATION_ID] = _citation(place)
            changes.append(f"sources.{CITATION_ID}: {absent()} -> {cites}")
        else:
            entry = sources[CITATION_ID]
            title = str(entry.get("title") or "") if isinstance(entry, dict) else ""
            cited = set(re.findall(r"n° ([0-9]+)", title))
            if isinstance(entry, CommentedMap) and title.startswith(CITATION_TITLE) and not set(place.ids) <= cited:
                # this import's own citation, a row short (a place found in the sheet under another name)
                entry["title"] = citation_title(place)
                changes.append(f"sources.{CITATION_ID}.title: {', '.join(sorted(cited, key=int))} -> {cites}")
    # a sheet of this import found by its name records the new rows too: found by their IDs from then on
    marker = MARKER.search(text) if census_made else None
    recorded = re.findall(r"[0-9]+", marker.group(1)) if marker else []
    ids = recorded + [i for i in place.ids if i not in recorded] if marker else recorded
    if not changes and ids == recorded:
        return text, []
    if changes:
        mark_checked(doc)
        out = io.StringIO()
        yaml.dump(doc, out)
        text = out.getvalue()
    if ids != recorded:
        text = MARKER.sub(f"# mission-coworking-2019: {', '.join(ids)}", text, count=1)
        changes.append(f"# mission-coworking-2019: {', '.join(recorded)} -> {', '.join(ids)}")
    return text, changes
