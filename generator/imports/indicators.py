"""`atlas import --indicators`: the official measures of every région, département and EPCI.

Reads the official files copied in data/indicators/ (see its README for producer, vintage and
provenance) and writes `measures` into the territory sheets, in catalogue order, by a round-trip
YAML edit that keeps every other field (like `atlas import`); a second run changes nothing.

Commune files are aggregated to the territories of today's COG (@etalab/decoupage-administratif
6.0.0: communes, their populations de référence 2023 and the members of each EPCI):

- a commune code of an older COG is mapped to today's commune (codes listed in `anciensCodes`,
  communes déléguées and associées -> their chef-lieu, arrondissements -> their commune);
- APL: mean of the communes' APL weighted by the population the DREES computed it on (2021);
- AAV: population share (2023 populations) of communes in aires of 700,000 inhabitants or more;
- population change: sums of populations 2016 and 2023 over the same communes, then the ratio;
- density: population 2023 over the IGN area of generator/geodata/areas.csv;
- festivals: the Ministère de la Culture's festivals counted in their main commune, summed over the
  territory's communes, per 100,000 inhabitants (2023 populations); none listed is 0, the list being
  national;
- cinema screens: the CNC's fixed cinemas of 2022 (itinerant circuits left out), their screens summed
  over the territory's communes, per 100,000 inhabitants (2023 populations); metropolitan France only,
  0 where there is none;
- public libraries: the Ministère de la Culture's library buildings open to the public, counted in
  their commune (the Corsican rows, which have no code, by their town and département), per 100,000
  inhabitants (2023 populations); 0 where none is listed, the list being national.

Département files give a value per département; counts are divided by population, and summed
before dividing for a région. A figure the producer does not give is absent, never zero.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from generator.errors import AtlasError
from generator.i18n import _, ngettext, number
from generator.imports.indicators_data import AREAS, COG_DIR, DATA_DIR, LEVELS, compute, read_inputs
from generator.imports.messages import absent, change_line, dry_run_mark, removed
from generator.imports.sheet_yaml import mark_checked, not_sources_map, round_trip_yaml, sheet_date, write_sheet
from generator.imports.territory_sheets import scan_existing

# Shared sources the catalogue cites; added to territories/sources.yml when missing.
SOURCES: dict[str, dict[str, str]] = {
    "drees-apl-2023": {
        "title": "Accessibilité potentielle localisée (APL) aux médecins généralistes 2023, "
                 "par commune (population 2021)",
        "publisher": "DREES",
    },
    "insee-bpe-2024": {
        "title": "Base permanente des équipements 2024 (médecins généralistes, services d'urgences) et estimations de "
                 "population au 1er janvier 2025, export Statistiques locales par département",
        "publisher": "INSEE",
    },
    "insee-rp-2022": {
        "title": "Recensement de la population 2022 : diplômes et modes de transport domicile-travail, export "
                 "Statistiques locales par département",
        "publisher": "INSEE",
    },
    "insee-esperance-vie-2024": {
        "title": "Espérance de vie à la naissance des femmes et des hommes 2024, "
                 "export Statistiques locales par département",
        "publisher": "INSEE",
    },
    "dgos-maisons-sante-2023": {
        "title": "Maisons de santé pluriprofessionnelles en fonctionnement, décembre 2023 (baromètre des résultats de "
                 "l'action publique, indicateur IND-311)",
        "publisher": "DGOS, CNAM ; DITP",
    },
    "agence-bio-2021": {
        "title": "Surface agricole cultivée en agriculture biologique au 31 décembre 2021, par département (baromètre "
                 "des résultats de l'action publique)",
        "publisher": "Agence Bio ; Etalab",
    },
    "barometre-agroecologie-2021": {
        "title": "Nombre d'agriculteurs engagés dans une démarche certifiée de transition agro-écologique au "
                 "31 décembre 2021, par département (baromètre des résultats de l'action publique)",
        "publisher": "Etalab (baromètre des résultats de l'action publique)",
    },
    "culture-bibliotheques-2024": {
        "title": "Les bibliothèques des collectivités territoriales, adresses et données d'activité (« Adresses des "
                 "bibliothèques publiques »), liste en ligne en 2024, par commune",
        "publisher": "Ministère de la Culture",
        "url": "https://www.data.gouv.fr/datasets/adresses-des-bibliotheques-publiques-2",
    },
    "culture-festivals-2019": {
        "title": "Liste des festivals en France (cartographie nationale des festivals ayant eu lieu en 2019, Deps-doc, "
                 "France Festivals, Cepel, 2022), par commune principale de déroulement",
        "publisher": "Ministère de la Culture",
        "url": "https://www.data.gouv.fr/datasets/liste-des-festivals-en-france",
    },
    "cnc-cinemas-2022": {
        "title": "Établissements cinématographiques, liste et localisation des établissements actifs au 31 décembre "
                 "2022 (écrans, fauteuils, entrées), par commune",
        "publisher": "CNC ; Ministère de la Culture (data.culture.gouv.fr)",
        "url": "https://data.culture.gouv.fr/explore/dataset/etablissements-cinematographiques/information/",
    },
    "insee-aav2020-cog2023": {
        "title": "Table d'appartenance géographique des communes au 1er janvier 2023 : aires d'attraction des villes "
                 "2020 et leur tranche de taille",
        "publisher": "INSEE",
    },
    "insee-populations-2016-2023": {
        "title": "Populations légales 2016 (en vigueur au 1er janvier 2019) et populations de référence 2023 "
                 "(en vigueur au 1er janvier 2026), population municipale des communes",
        "publisher": "INSEE",
        "url": "https://www.insee.fr/fr/statistiques/3677855",
    },
    "insee-itdd-2015": {
        "title": "Indicateurs territoriaux de développement durable, données détaillées (années 2012 à 2014)",
        "publisher": "INSEE, SOeS",
    },
}




def read_catalogue(territories: Path) -> dict[str, dict]:
    path = territories / "indicators.yml"
    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8-sig"))
    except OSError:
        raise AtlasError(_("{path} not found: the catalogue of indicators is needed to know which measures to "
                           "write.").format(path=path)) from None
    if not isinstance(data, dict):
        raise AtlasError(_("{path}: the top level must be a map of indicator ids to entries; run `atlas validate`.")
                         .format(path=path))
    return data


def wanted(catalogue: Mapping[str, dict], level: str, values: Mapping[str, float]) -> dict[str, float]:
    """The measures a sheet of `level` gets: catalogue entries with a source, listing the level, in catalogue order."""
    return {iid: values[iid] for iid, entry in catalogue.items()
            if iid in values and "derived" not in entry and level in (entry.get("levels") or ())}


def _already(text: str, measures: Mapping[str, float], owned: frozenset[str]) -> bool:
    """True when the sheet's measures are already these, in this order: no round-trip parse needed.

    ruamel's round-trip loader is ten times slower than libyaml's safe loader; at national scale the
    second run of the import would spend ten seconds re-reading sheets it leaves untouched.
    """
    try:
        import yaml as pyyaml

        doc = pyyaml.load(text, Loader=getattr(pyyaml, "CSafeLoader", pyyaml.SafeLoader))
    except Exception:  # noqa: BLE001 - any doubt: take the careful path
        return False
    old = doc.get("measures") if isinstance(doc, dict) else None
    if not isinstance(old, dict):
        return not measures and old is None
    mine = [k for k in old if k in owned]
    if mine != list(measures):
        return False
    return all((old[k].get("value") if isinstance(old[k], dict) else old[k]) == v and type(v) is type(
        old[k].get("value") if isinstance(old[k], dict) else old[k]) for k, v in measures.items())


def update_measures(text: str, measures: Mapping[str, float], owned: frozenset[str]) -> tuple[str, list[str]]:
    """Set `measures` of a sheet; ids the import owns and no longer measures are removed, others kept."""
    if _already(text, measures, owned):
        return text, []
    yaml = round_trip_yaml()
    doc = yaml.load(text)
    if not isinstance(doc, CommentedMap):
        raise AtlasError(_("the sheet's top level is not a map"))
    old = doc.get("measures")
    old_map = old if isinstance(old, dict) else {}
    new = CommentedMap()
    for iid, value in measures.items():
        previous = old_map.get(iid)
        if isinstance(previous, dict) and previous.get("value") == value:
            new[iid] = previous  # a contributor's note or source on the same figure is kept
        else:
            new[iid] = value
    for iid, value in old_map.items():
        if iid not in new and iid not in owned:
            new[iid] = value
    changes = []
    for iid in new:
        if iid not in old_map:
            changes.append(f"measures.{iid}: {absent()} -> {new[iid]}")
        elif old_map[iid] != new[iid] and not (isinstance(old_map[iid], dict) and new[iid] is old_map[iid]):
            changes.append(f"measures.{iid}: {old_map[iid]} -> {new[iid]}")
    for iid in old_map:
        if iid not in new:
            changes.append(f"measures.{iid}: {old_map[iid]} -> {removed()}")
    if list(old_map) != list(new) and not changes:
        changes.append(_("measures: put in catalogue order"))
    if not changes:
        return text, []
    if not new:
        del doc["measures"]
    elif "measures" in doc:
        doc["measures"] = new
    else:
        keys = list(doc.keys())
        after = [k for k in ("pillars", "summary", "coordinates", "area_km2", "population", "parent", "code")
                 if k in doc]
        position = keys.index(after[0]) + 1 if after else len(keys)
        doc.insert(position, "measures", new)
    mark_checked(doc)
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue(), changes


def ensure_sources(territories: Path, needed: set[str], dry_run: bool, today: date) -> list[str]:
    """Add the shared sources the catalogue cites to territories/sources.yml when missing."""
    path = territories / "sources.yml"
    yaml = round_trip_yaml()
    text = path.read_text(encoding="utf-8-sig") if path.is_file() else ""
    doc = yaml.load(text) if text.strip() else CommentedMap()
    if not isinstance(doc, CommentedMap):
        raise AtlasError(not_sources_map(path))
    added = [sid for sid in sorted(needed) if sid not in doc and sid in SOURCES]
    for sid in added:
        entry = CommentedMap(SOURCES[sid])
        entry["accessed"] = date.fromordinal(today.toordinal())
        doc[sid] = entry
    if added and not dry_run:
        out = io.StringIO()
        yaml.dump(doc, out)
        write_sheet(path, out.getvalue())
    return added




def run_import_indicators(args: argparse.Namespace) -> int:
    """Fill `measures` in every région, département and EPCI sheet; print what changed."""

    territories: Path = args.territories
    dry_run = bool(getattr(args, "dry_run", False))
    data_dir = getattr(args, "indicators_data", None) or DATA_DIR
    cog_dir = getattr(args, "data", None) or COG_DIR
    catalogue = read_catalogue(territories)
    values = compute(read_inputs(data_dir, cog_dir, AREAS))
    existing, _ids = scan_existing(territories)
    owned = frozenset(iid for iid, entry in catalogue.items() if "derived" not in entry)
    added = ensure_sources(territories, {str(e["source"]) for e in catalogue.values() if "source" in e},
                           dry_run, sheet_date())
    for sid in added:
        print(change_line(territories / "sources.yml", "add source", dry_run, id=sid))
    updated = unchanged = 0
    coverage: dict[tuple[str, str], int] = {}
    sheets = 0
    for (level, code), ex in sorted(existing.items(), key=lambda kv: str(kv[1].path)):
        if level not in LEVELS:
            continue
        sheets += 1
        measures = wanted(catalogue, level, values.get((level, code), {}))
        for iid in measures:
            coverage[(level, iid)] = coverage.get((level, iid), 0) + 1
        text = ex.path.read_text(encoding="utf-8-sig")
        try:
            new_text, changes = update_measures(text, measures, owned)
        except AtlasError as error:
            raise AtlasError(f"{ex.path}: {error}") from None
        if changes:
            updated += 1
            if not dry_run:
                write_sheet(ex.path, new_text)
            for change in changes:
                print(change_line(ex.path, "set", dry_run, change=change))
        else:
            unchanged += 1
    for (level, iid), n in sorted(coverage.items(),
                                  key=lambda kv: (LEVELS.index(kv[0][0]), list(catalogue).index(kv[0][1]))):
        print(ngettext("note: {level} {id}: {count} sheet measured", "note: {level} {id}: {count} sheets measured",
                       n).format(level=level, id=iid, count=number(n)), file=sys.stderr)
    counts = {"sheets": ngettext("{count} sheet", "{count} sheets", sheets).format(count=number(sheets)),
              "updated": number(updated), "unchanged": number(unchanged)}
    # one sentence, its plural chosen by the updates: the French agrees "mise(s) à jour" with "fiches"
    # (feminine), which the territories' counts (masculine) cannot share
    print((ngettext("indicators: {sheets} of régions, départements and EPCI, {updated} to update, "
                    "{unchanged} unchanged",
                    "indicators: {sheets} of régions, départements and EPCI, {updated} to update, "
                    "{unchanged} unchanged", updated) if dry_run else
           ngettext("indicators: {sheets} of régions, départements and EPCI, {updated} updated, {unchanged} unchanged",
                    "indicators: {sheets} of régions, départements and EPCI, {updated} updated, {unchanged} unchanged",
                    updated)).format(**counts) + dry_run_mark(dry_run))
    return 0
