"""Record on hub sheets the ANCT's list of Fabriques de territoire (data/anct-fabriques-territoire-2024/).

Run by a maintainer after the match table changes; the build reads only the sheets.

    python scripts/import_fabriques_territoire.py [--territories DIR] [--matches CSV] [--check]

The ANCT's file names each Fabrique by its commune and a label that is often its carrier (an
association, a town hall), never by address or website: matching it to the atlas's places is a
judgement, kept in `matches.csv` (one row per place, with the reason) rather than made again by a
program. For each row the script checks that the Fabrique's commune is the sheet's (the arrondissements
of Paris, Lyon and Marseille count as their city, as in the ANCT's file), then adds
`fabriques-de-territoire` to the sheet's `networks`, a source naming the Fabrique's id and label in the
file, and sets `updated` (the sheet was checked against the file). A second run changes nothing.
`--check` writes nothing and exits 1 when a sheet would change (for CI or a review).

The list also dates a place: where the pair's `statut` is `oui` (the label names the place itself, not
only its carrier or another place of a consortium) and the sheet's only status is the 2019 census's
« active » (source `mission-coworking-2019`), the status becomes active in 2024 with this list as its
source; the census's note is kept after the Fabrique's id and label. A status from another source, a
closure or a project is left as it is: the list says that a place was on the ANCT's list of Fabriques
in January 2024, nothing about a place the census did not list or a person checked since.
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
CENSUS_SOURCE = "mission-coworking-2019"  # the 2019 census, whose « active » the list makes newer
YEAR = 2024  # the list describes January 2024
STATUS_NOTE = "Sur la liste des Fabriques de territoire de l'ANCT, mise à jour de janvier 2024 : "
OWN_NOTE = re.compile(re.escape(STATUS_NOTE) + r"fabt-[0-9]+ « .*? »\.(?: (.+))?$")
# arrondissements municipaux -> their city, as the ANCT's file codes Paris, Lyon and Marseille
CITIES = (("751", "75056"), ("6938", "69123"), ("132", "13055"))


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


def city_of(commune: str) -> str:
    """The commune as the ANCT's file codes it (an arrondissement municipal as its city)."""
    return next((city for prefix, city in CITIES if commune.startswith(prefix)), commune)


def citation(fabrique: Fabrique) -> CommentedMap:
    entry = CommentedMap()
    entry["title"] = f"{TITLE}{fabrique.id} « {fabrique.label} », {fabrique.commune_name}"
    entry["publisher"] = PUBLISHER
    entry["url"] = URL
    return entry


def status_fact(fabrique: Fabrique, census_note: object) -> CommentedMap:
    """The status the list gives a place of the 2019 census: active in 2024, the census's note kept."""
    fact = CommentedMap()
    fact["value"] = "active"
    fact["year"] = YEAR
    fact["source"] = SOURCE_ID
    fact["note"] = f"{STATUS_NOTE}{fabrique.id} « {fabrique.label} »." + (f" {census_note}" if census_note else "")
    return fact


def newer_status(status: object, fabrique: Fabrique) -> CommentedMap | None:
    """The status to write on a sheet paired for its status, or None to keep the sheet's: only the
    census's « active » (a 2019 listing) is replaced; one this script wrote is kept when it names the
    same Fabrique."""
    if not isinstance(status, dict):
        return None
    if str(status.get("source")) == SOURCE_ID:
        note = str(status.get("note") or "")
        mine = status.get("value") == "active" and status.get("year") == YEAR \
            and note.startswith(f"{STATUS_NOTE}{fabrique.id} « {fabrique.label} ».")
        if mine or not note.startswith(STATUS_NOTE):
            return None  # this script's status, or one a person wrote citing the list: kept
        # written for another line of the list (the pair changed): the census's note follows the label
        census_note = OWN_NOTE.match(note)
        return status_fact(fabrique, census_note.group(1) if census_note else None)
    if str(status.get("source")) != CENSUS_SOURCE or status.get("value") != "active" \
            or not isinstance(status.get("year"), int) or status["year"] >= YEAR:
        return None
    return status_fact(fabrique, status.get("note"))


def updated_text(text: str, fabrique: Fabrique, dates_status: bool = False) -> str:
    """The sheet with the network, its source and the date of the check, and the newer status when the
    pair dates it (`dates_status`); `text` itself when all are there."""
    yaml = round_trip_yaml()
    doc = yaml.load(text)
    networks = doc.get("networks")
    sources = doc.get("sources")
    wanted = citation(fabrique)
    kept = sources.get(SOURCE_ID) if isinstance(sources, dict) else None
    status = newer_status(doc.get("status"), fabrique) if dates_status else None
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
            dates = (row.get("statut") or "non").strip()
            if dates not in ("oui", "non"):
                problems.append(f"{where}: statut is « {dates} », not « oui » or « non »")
                continue
            text = sheet.read_text(encoding="utf-8")
            doc = round_trip_yaml().load(text)
            commune = doc.get("commune")
            if commune is None or city_of(str(commune)) != fabrique.commune:
                problems.append(f"{where}: {fabrique.id} is in {fabrique.commune} ({fabrique.commune_name}), "
                                f"the sheet {sheet} in {commune}: check the match")
                continue
            status = doc.get("status")
            if dates == "non" and isinstance(status, dict) and str(status.get("source")) == SOURCE_ID \
                    and str(status.get("note") or "").startswith(STATUS_NOTE):
                problems.append(f"{where}: the sheet {sheet} has its status from {fabrique.id}, which does not "
                                "date it (statut « non »): give it back its former status")
                continue
            new = updated_text(text, fabrique, dates_status=dates == "oui")
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
