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
"""

from __future__ import annotations

import argparse
import csv
import io
import json
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


def updated_text(text: str, fabrique: Fabrique) -> str:
    """The sheet with the network, its source and the date of the check; `text` itself when both are there."""
    yaml = round_trip_yaml()
    doc = yaml.load(text)
    networks = doc.get("networks")
    sources = doc.get("sources")
    wanted = citation(fabrique)
    kept = sources.get(SOURCE_ID) if isinstance(sources, dict) else None
    if networks is not None and NETWORK in networks and isinstance(kept, dict) \
            and all(kept.get(key) == value for key, value in wanted.items()):
        return text
    if networks is None:
        networks = flow_list([])
        insert_field(doc, "networks", networks)
    if NETWORK not in networks:
        networks.append(NETWORK)
    if not isinstance(sources, CommentedMap):
        sources = CommentedMap()
        insert_field(doc, "sources", sources)
    wanted["accessed"] = sheet_date()
    sources[SOURCE_ID] = wanted
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
            commune = round_trip_yaml().load(text).get("commune")
            if commune is None or city_of(str(commune)) != fabrique.commune:
                problems.append(f"{where}: {fabrique.id} is in {fabrique.commune} ({fabrique.commune_name}), "
                                f"the sheet {sheet} in {commune}: check the match")
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
