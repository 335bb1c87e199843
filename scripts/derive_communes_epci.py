"""Derive generator/geodata/communes-epci.csv: the EPCI à fiscalité propre each commune is a member of.

Run once by a maintainer, never by the build: `atlas validate` reads only the committed CSV, so it needs
neither node nor the npm package at run time.

    npm ci                                   # node_modules/@etalab/decoupage-administratif 6.0.0
    python scripts/derive_communes_epci.py   # or --epci <path to another epci.json>

Source: `data/epci.json` of the npm package @etalab/decoupage-administratif 6.0.0 (COG 2026 and the DGCL's
list of EPCI; package MIT, data Licence Ouverte 2.0): 1,255 EPCI, each with its `code` (SIREN) and its
`membres`, each member with its INSEE `code`. One row per member commune, columns `commune,epci`, sorted by
commune: 34,871 rows, every commune of a département but four islands that belong to no EPCI
(Île-de-Bréhat, Île-de-Sein, Ouessant and L'Île-d'Yeu). A municipal arrondissement of Paris, Lyon or
Marseille is not a commune: it is not in the table, and the generator reads it as its city
(generator/hub_geography.py).

The validator warns with it when a hub is filed under its département or région while its commune's EPCI
has a sheet, or under an EPCI that its commune is not a member of.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "generator" / "geodata" / "communes-epci.csv"
DECOUPAGE_EPCI = ROOT / "node_modules" / "@etalab" / "decoupage-administratif" / "data" / "epci.json"


def members(epcis: list[dict]) -> list[tuple[str, str]]:
    """(commune, EPCI SIREN) for each member of each EPCI, sorted; a commune in two EPCI is an error."""
    seen: dict[str, str] = {}
    for epci in epcis:
        for member in epci["membres"]:
            other = seen.setdefault(member["code"], epci["code"])
            if other != epci["code"]:
                raise SystemExit(f"commune {member['code']} is a member of both {other} and {epci['code']}")
    return sorted(seen.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epci", type=Path, default=DECOUPAGE_EPCI,
                        help="epci.json of @etalab/decoupage-administratif 6.0.0")
    args = parser.parse_args(argv)
    if not args.epci.exists():
        print(f"no {args.epci}: run `npm ci` first, or give --epci", file=sys.stderr)
        return 1
    epcis = json.loads(args.epci.read_text(encoding="utf-8"))
    rows = members(epcis)
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["commune", "epci"])
        writer.writerows(rows)
    print(f"{len(rows)} communes of {len(epcis)} EPCI written to {OUT.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
