"""Record on hub sheets the ANCT's list of Fabriques de territoire (data/anct-fabriques-territoire-2024/).

Run by a maintainer after the match table changes; the build reads only the sheets.

    python scripts/import_fabriques_territoire.py [--territories DIR] [--matches CSV] [--check]

The ANCT's file names each Fabrique by its commune and a label that is often its carrier (an
association, a town hall), never by address or website: matching it to the atlas's places is a
judgement, kept in `matches.csv` (one row per place, with the reason) rather than made again by a
program. For each row the script checks that the Fabrique's commune is the sheet's (the arrondissements
of Paris, Lyon and Marseille count as their city, as in the ANCT's file; a row's `commune` column, when
filled, gives the place's commune where its sources place it elsewhere than the file, the reason saying
why: a namesake commune, an old code), then adds
`fabriques-de-territoire` to the sheet's `networks`, a source naming the Fabrique's id and label in the
file, and sets `updated` (the sheet was checked against the file). A second run changes nothing.
`--check` writes nothing and exits 1 when a sheet would change (for CI or a review).

The list dates no status. It is the register of the places a funding programme labelled (« Fabrique de
territoire »), not a record of who was open: Le WIP (Colombelles, fabt-06) is on the January 2024 list and
closed in July 2023. So a sheet's status is left as it is, the 2019 census's « active » (shown « à
vérifier ») included. The seventeenth session's version of this script dated the census places that a
label names as « active, 2024 », citing the list: such a status (source `anct-fabriques-territoire-2024`,
note « Sur la liste des Fabriques de territoire de l'ANCT, mise à jour de janvier 2024 : fabt-NN « label ».
Lieu recensé en 2019 par la Mission Coworking… ») is given back the census's status it replaced (active,
2019, source `mission-coworking-2019`, the census's note); any other status citing the list is named as a
problem, for a person to give it back the status its own source supports.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from generator.hub_geography import city_of  # an arrondissement as its city, as the ANCT's file codes it
from generator.imports.census_sheets import insert_field
from generator.imports.sheet_yaml import flow_list, mark_checked, round_trip_yaml, sheet_date, write_sheet

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "anct-fabriques-territoire-2024"
NETWORK = "fabriques-de-territoire"
SOURCE_ID = "anct-fabriques-territoire-2024"
REPOSITORY = "anct-carto/superposeur-anct"
COMMIT = "949f7e581185229a3bef1962d8f81f5608757f0c"
PATH = "data/geom/geojsonV2/fabt_geom.geojson"
URL = f"https://github.com/{REPOSITORY}/blob/{COMMIT}/{PATH}"
PUBLISHER = "ANCT – service cartographie"
TITLE = "Carte des programmes de l'ANCT, Fabriques de territoire (données de janvier 2024) : "
CENSUS_SOURCE = "mission-coworking-2019"  # the 2019 census
CENSUS_YEAR = 2019
# the status the seventeenth session's script wrote: the list's words, then the census's note
STATUS_NOTE = "Sur la liste des Fabriques de territoire de l'ANCT, mise à jour de janvier 2024 : "
OWN_NOTE = re.compile(re.escape(STATUS_NOTE) + r"fabt-[0-9]+ « .*? »\.(?: (Lieu recensé en 2019 par la Mission "
                      r"Coworking.*))?$", re.DOTALL)


@dataclass(frozen=True)
class Fabrique:
    """One labelled place of the ANCT's file: its id, its label as written, its commune."""

    id: str
    label: str
    commune: str
    commune_name: str


def fabriques(path: Path) -> dict[str, Fabrique]:
    """The Fabriques of the ANCT's GeoJSON by id. A feature is one commune: its ids and labels are joined
    by "; ", and two labels hold "; " themselves, so the labels are split only where the counts agree."""
    out: dict[str, Fabrique] = {}
    for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
        props = feature["properties"]
        ids = props["id_territoire"].split("; ")
        labels = props["lib_territoire"].split("; ")
        if len(labels) != len(ids):
            labels = [props["lib_territoire"]] * len(ids) if len(ids) == 1 else [""] * len(ids)
        for fid, label in zip(ids, labels, strict=True):
            out[fid] = Fabrique(fid, " ".join(label.split()), props["id_geo"], props["lib_geo"])
    return out


def citation(fabrique: Fabrique) -> CommentedMap:
    entry = CommentedMap()
    entry["title"] = f"{TITLE}{fabrique.id} « {fabrique.label} », {fabrique.commune_name}"
    entry["publisher"] = PUBLISHER
    entry["url"] = URL
    return entry


def dates_from_list(status: object) -> bool:
    """Whether a status cites the list, which dates none."""
    return isinstance(status, dict) and str(status.get("source")) == SOURCE_ID


def census_status(status: object) -> CommentedMap | None:
    """The census's status that the seventeenth session's script replaced, from the status it wrote (active,
    2024, the list's words then the census's note), or None when `status` is not that one."""
    if not dates_from_list(status) or status.get("value") != "active":
        return None
    written = OWN_NOTE.match(str(status.get("note") or ""))
    if written is None or not written.group(1):
        return None
    fact = CommentedMap()
    fact["value"] = "active"
    fact["year"] = CENSUS_YEAR
    fact["source"] = CENSUS_SOURCE
    fact["note"] = written.group(1)
    return fact


def updated_text(text: str, fabrique: Fabrique) -> str:
    """The sheet with the network, its source and the date of the check, and the census's status back where
    the list had dated it; `text` itself when all are there."""
    yaml = round_trip_yaml()
    doc = yaml.load(text)
    networks = doc.get("networks")
    sources = doc.get("sources")
    wanted = citation(fabrique)
    kept = sources.get(SOURCE_ID) if isinstance(sources, dict) else None
    status = census_status(doc.get("status"))
    if networks is not None and NETWORK in networks and isinstance(kept, dict) \
            and all(kept.get(key) == value for key, value in wanted.items()) and status is None:
        return text
    if networks is None:
        networks = flow_list([])
        insert_field(doc, "networks", networks)
    if NETWORK not in networks:
        networks.append(NETWORK)
    if not isinstance(sources, CommentedMap):
        sources = CommentedMap()
        insert_field(doc, "sources", sources)
    if not (isinstance(kept, dict) and all(kept.get(key) == value for key, value in wanted.items())):
        wanted["accessed"] = sheet_date()
        sources[SOURCE_ID] = wanted
    if status is not None:
        doc["status"] = status
    mark_checked(doc)
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--territories", type=Path, default=ROOT / "territories")
    parser.add_argument("--matches", type=Path, default=DATA / "matches.csv", help="the pairs to write")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a sheet would change")
    args = parser.parse_args(argv)
    known = fabriques(DATA / "fabt_geom.geojson")
    sheets = {p.stem: p for p in sorted(args.territories.glob("*/hubs/*.yml"))}
    problems: list[str] = []
    changed: list[str] = []
    with args.matches.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            where = f"{args.matches}:{line}"
            fabrique, sheet = known.get(row["id_territoire"]), sheets.get(row["hub"])
            if fabrique is None or sheet is None:
                missing = f"Fabrique {row['id_territoire']}" if fabrique is None else f"hub sheet {row['hub']}"
                problems.append(f"{where}: no {missing}")
                continue
            text = sheet.read_text(encoding="utf-8")
            doc = round_trip_yaml().load(text)
            commune = doc.get("commune")
            # the place's commune when a source gives another than the ANCT's file (its reason says which)
            expected = (row.get("commune") or "").strip() or fabrique.commune
            if commune is None or city_of(str(commune)) != expected:
                problems.append(f"{where}: {fabrique.id} is in {expected} ({fabrique.commune_name}), "
                                f"the sheet {sheet} in {commune}: check the match")
                continue
            status = doc.get("status")
            if dates_from_list(status) and census_status(status) is None:
                problems.append(f"{where}: the sheet {sheet} cites {fabrique.id} for its status, but the list of "
                                "Fabriques dates no status: give it back the status its own source supports")
                continue
            new = updated_text(text, fabrique)
            if new != text:
                changed.append(str(sheet))
                if not args.check:
                    write_sheet(sheet, new)
    for problem in problems:
        print(problem, file=sys.stderr)
    verb = "would change" if args.check else "changed"
    print(f"{len(changed)} {'sheet' if len(changed) == 1 else 'sheets'} {verb}" + "".join(f"\n  {p}" for p in changed))
    return 1 if problems or (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
