"""Write a France-scale territories tree for benchmarks: the 18 régions, 101 départements and 1,255 EPCI
of the INSEE COG (from @etalab/decoupage-administratif in node_modules/) plus synthetic hubs.

The hubs are synthetic (names "Lieu synthétique N"): this tree measures the generator, it is never
published. Each hub sits in its EPCI, at the main town of one of its member communes
(generator/geodata/communes-centres.csv): one in three with `precision: commune` at that very point,
the others a few hundred metres away, as an address would be, so the tree passes validation; half of
the statuses dated 2019 (old, "à vérifier"), as the census's are.
With --communes, every commune of the COG too (under its EPCI), for the commune-scale build.
With --measures, the régions, départements and EPCI carry the atlas's measured indicators
(territories/indicators.yml and their sources) with synthetic values, so that their pages have a measured
profile, its pillars chart and the pillars' maps, as the shipped atlas's do (the hubs stay the same).
Usage: python benchmarks/make_france_tree.py OUT_DIR [--hubs 4000] [--communes] [--measures]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import shutil
import unicodedata
from pathlib import Path

ATLAS = Path(__file__).resolve().parent.parent / "territories"
CENTRES = Path(__file__).resolve().parent.parent / "generator" / "geodata" / "communes-centres.csv"
DATA = Path(__file__).resolve().parent.parent / "node_modules" / "@etalab" / "decoupage-administratif" / "data"
TYPES = ["fab-lab", "living-lab", "media-lab", "coworking", "tiers-lieu", "incubator", "accelerator",
         "food-lab", "djersen"]
SERVICES = ["incubation", "acceleration", "prototyping", "training", "coworking-space", "events"]
THEMES = ["e-sante", "medtech", "food-tech", "agriculture", "energie", "mobilite", "culture", "numerique"]
NETWORKS = ["french-tech", "enoll", "fab-foundation", "rfflabs", "france-tiers-lieux"]


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:70].strip("-")


def q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def vocabulary() -> str:
    out = []
    for name, ids in (("hub_types", TYPES), ("services", SERVICES), ("themes", THEMES), ("networks", NETWORKS)):
        out.append(f"{name}:")
        for i in ids:
            out += [f"  {i}:", f"    label: {q(i.replace('-', ' ').title())}"]
    return "\n".join(out) + "\n"


def measured(out: Path, seed: int) -> dict[str, list[str]]:
    """Copy the atlas's indicators and the sources they cite into the tree; return, per level, the
    indicators measured at that level (their values are drawn by `measures`)."""
    import yaml

    (out / "indicators.yml").write_bytes((ATLAS / "indicators.yml").read_bytes())
    indicators = yaml.safe_load((ATLAS / "indicators.yml").read_text(encoding="utf-8"))
    indicators = {iid: i for iid, i in indicators.items() if "derived" not in i}  # the atlas computes those
    cited = {i["source"] for i in indicators.values()}
    sources = yaml.safe_load((ATLAS / "sources.yml").read_text(encoding="utf-8"))
    with (out / "sources.yml").open("a", encoding="utf-8") as handle:
        handle.write(yaml.safe_dump({k: v for k, v in sources.items() if k in cited}, allow_unicode=True,
                                    sort_keys=True, width=1000))
    by_level: dict[str, list[str]] = {}
    for iid, indicator in indicators.items():
        for level in indicator["levels"]:
            by_level.setdefault(level, []).append(iid)
    return by_level


def measures(ids: list[str], rng: random.Random) -> str:
    """A `measures:` block of synthetic values (0 to 100) for these indicators."""
    return "measures:\n" + "".join(f"  {iid}: {round(rng.uniform(0, 100), 2)}\n" for iid in ids) if ids else ""


def write_tree(out: Path, hubs: int, seed: int = 7, communes: bool = False, with_measures: bool = False
               ) -> tuple[int, int]:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / "vocabulary.yml").write_text(vocabulary(), encoding="utf-8")
    (out / "sources.yml").write_text("insee-cog-2026:\n  title: Code officiel géographique 2026\n"
                                     "  publisher: INSEE\n  url: https://www.insee.fr/fr/information/2560452\n",
                                     encoding="utf-8")
    regions = [r for r in json.loads((DATA / "regions.json").read_text()) if r.get("zone") in ("metro", "drom")]
    deps = [d for d in json.loads((DATA / "departements.json").read_text()) if d.get("zone") in ("metro", "drom")]
    epcis = json.loads((DATA / "epci.json").read_text())
    cog_communes = json.loads((DATA / "communes.json").read_text())  # not `communes`: that is the option
    dep_of_commune = {c["code"]: c.get("departement") for c in cog_communes if c.get("type") == "commune-actuelle"}
    ids: dict[str, str] = {}

    def new_id(base: str, suffix: str) -> str:
        ident = slug(base)
        if ident in ids.values() or ident in ("index", "search", "data", "pdf"):
            ident = f"{ident}-{suffix}"
        return ident

    sheets: list[tuple[str, str]] = []
    for r in regions:
        ids["r" + r["code"]] = rid = new_id(r["nom"], "region")
        sheets.append((rid, f"name: {q(r['nom'])}\nlevel: region\ncode: {q(r['code'])}\nupdated: 2026-01-15\n"))
    for d in deps:
        ids["d" + d["code"]] = did = new_id(d["nom"], "departement")
        sheets.append((did, f"name: {q(d['nom'])}\nlevel: departement\ncode: {q(d['code'])}\n"
                            f"parent: {ids['r' + d['region']]}\nupdated: 2026-01-15\n"))
    epci_ids = []
    with CENTRES.open(encoding="utf-8", newline="") as handle:
        centres = {row["code"]: (float(row["lat"]), float(row["lon"])) for row in csv.DictReader(handle)}
    members: dict[str, list[tuple[str, tuple[float, float]]]] = {}
    for e in epcis:
        ids["e" + e["code"]] = eid = new_id(e["nom"], e["code"])
        dep = dep_of_commune.get(e["membres"][0]["code"]) if e.get("membres") else None
        parent = ids.get("d" + dep) if dep else None
        body = (f"name: {q(e['nom'])}\nlevel: epci\ncode: {q(e['code'])}\n"
                + (f"parent: {parent}\n" if parent else "")
                + f"population:\n  value: {e['populationMunicipale']}\n  year: 2023\n  source: insee-cog-2026\n"
                + "pillars:\n  health:\n    rating: " + str(rng.randint(0, 5))
                + "\n    rationale: Évaluation synthétique pour le banc d'essai.\nupdated: 2026-01-15\n")
        sheets.append((eid, body))
        located = [(m["code"], centres[m["code"]]) for m in e.get("membres", []) if m["code"] in centres]
        if located:
            epci_ids.append(eid)
            members[eid] = located
    if communes:  # every commune of the COG under its EPCI (its département when it has none)
        epci_of = {m["code"]: ids["e" + e["code"]] for e in epcis for m in e.get("membres", [])}
        for c in sorted((c for c in cog_communes if c.get("type") == "commune-actuelle"), key=lambda c: c["code"]):
            parent = epci_of.get(c["code"]) or ids.get("d" + str(c.get("departement")))
            if parent is None:
                continue
            ids["c" + c["code"]] = cid = new_id(c["nom"], c["code"])
            body = f"name: {q(c['nom'])}\nlevel: commune\ncode: {q(c['code'])}\nparent: {parent}\n"
            if c.get("population"):
                body += f"population:\n  value: {c['population']}\n  year: 2023\n  source: insee-cog-2026\n"
            sheets.append((cid, body + "updated: 2026-01-15\n"))
    if with_measures:  # drawn apart from the hubs' generator, so that the hubs are the same either way
        by_level, draws = measured(out, seed), random.Random(seed + 1)
        sheets = [(tid, body.replace("updated: 2026-01-15\n", measures(by_level.get(
            re.search(r"^level: (\w+)$", body, re.M).group(1), []), draws) + "updated: 2026-01-15\n"))  # type: ignore[union-attr]
            for tid, body in sheets]
    for tid, body in sheets:
        (out / tid).mkdir()
        (out / tid / "territory.yml").write_text(
            "# yaml-language-server: $schema=../../schema/territory.schema.json\n" + body, encoding="utf-8")
    hub_ids = [f"lieu-synthetique-{i:04d}" for i in range(hubs)]
    for i, hid in enumerate(hub_ids):
        tid = rng.choice(epci_ids)
        partners = sorted(set(rng.sample(hub_ids[:i], k=min(i, rng.randint(0, 2)))))
        commune, (lat, lon) = rng.choice(members[tid])
        if i % 3 == 0:
            where = (f"commune: {q(commune)}\ncoordinates:\n  value: [{lat:.4f}, {lon:.4f}]\n"
                     "  precision: commune\n  source: site\n")
        else:
            lat, lon = lat + rng.uniform(-0.002, 0.002), lon + rng.uniform(-0.002, 0.002)
            where = f"commune: {q(commune)}\ncoordinates: {{value: [{lat:.4f}, {lon:.4f}], source: site}}\n"
        body = (f"name: Lieu synthétique {i}\ntypes: [{rng.choice(TYPES)}]\n"
                f"status: {{value: active, year: {2019 if i % 2 else 2025}, source: site}}\n"
                f"founded: {rng.randint(2005, 2025)}\n{where}"
                f"services: [{', '.join(rng.sample(SERVICES, 2))}]\nthemes: [{rng.choice(THEMES)}]\n"
                f"networks: [{rng.choice(NETWORKS)}]\n"
                + (f"partners: [{', '.join(partners)}]\n" if partners else "")
                + "figures:\n  - label: Membres\n    value: " + str(rng.randint(5, 500))
                + "\n    year: 2024\n    source: site\n"
                + "description: |\n  Un lieu *synthétique* pour mesurer le générateur.\n"
                + "sources:\n  site:\n    title: Page synthétique\n    url: https://example.org/\n"
                + "updated: 2026-01-15\n")
        folder = out / tid / "hubs"
        folder.mkdir(exist_ok=True)
        (folder / f"{hid}.yml").write_text(body, encoding="utf-8")
    return len(sheets), hubs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--hubs", type=int, default=4000)
    parser.add_argument("--communes", action="store_true", help="add the ~35,000 communes (issue 11 part 7)")
    parser.add_argument("--measures", action="store_true",
                        help="give the régions, départements and EPCI synthetic measured indicators")
    args = parser.parse_args()
    territories, hubs = write_tree(args.out, args.hubs, communes=args.communes, with_measures=args.measures)
    print(f"{territories} territories, {hubs} hubs in {args.out}")


if __name__ == "__main__":
    main()
