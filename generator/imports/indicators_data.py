"""The official files behind the measured indicators, read and summed up to the régions,
départements and EPCI of today's COG (the computing half of `atlas import --indicators`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import AtlasError
from generator.i18n import _

DATA_DIR = Path("data/indicators")


COG_DIR = Path("node_modules/@etalab/decoupage-administratif/data")


AREAS = Path(__file__).resolve().parent.parent / "geodata" / "areas.csv"


LEVELS = ("region", "departement", "epci")


LARGE_AAV_CLASSES = frozenset({"4", "5"})  # TAAV2017: aires of 700,000 inhabitants or more (5 = Paris)


MAYOTTE = "976"


NA = frozenset({"", "N/A - résultat non disponible", "nd", "nc", "n.d."})


FESTIVALS = "culture_festivals_2019.csv"  # Ministère de la Culture, festivals with an edition in 2019


CINEMAS = "cnc_cinemas_2022.csv"  # CNC, cinemas active in 2022 (metropolitan France), via data.culture.gouv.fr


LIBRARIES = "culture_bibliotheques_2024.csv"  # Ministère de la Culture, public libraries, list online in 2024


@dataclass
class Commune:
    code: str
    departement: str | None
    region: str | None
    population: int
    epci: str | None = None
    name: str = ""


@dataclass
class Inputs:
    """Everything read from the files, keyed by today's codes."""

    communes: dict[str, Commune]
    resolve: dict[str, str]                      # any known commune code -> today's commune code
    dep_region: dict[str, str]
    areas: dict[tuple[str, str], float]
    population_2016: dict[str, int]              # today's commune -> population 2016 (sum of its parts)
    split_since_2019: dict[str, str]             # today's commune -> today's commune holding its 2016 figure
    apl: list[tuple[str, float, float, float]]   # (today's commune, APL, APL < 65, population 2021)
    aav_class: dict[str, str]                    # today's commune -> TAAV2017 size class
    departement_rows: dict[str, dict[str, str]]  # INSEE Statistiques locales, by département code
    barometre: dict[tuple[str, str], float]      # (indicator, département) -> value
    msp: dict[str, float]                        # département -> maisons de santé, latest date
    itdd: dict[tuple[str, str, str], float]      # (measure, level, code) -> value
    festivals: list[str]                         # today's commune of each festival the file places in one
    cinema_screens: dict[str, int]               # today's commune -> screens of its fixed cinemas (2022)
    libraries: list[str]                         # today's commune of each open public library building


def _number(text: str | None) -> float | None:
    text = (text or "").strip()
    if text in NA:
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def _rows(path: Path, delimiter: str = ";", skip: int = 0) -> list[list[str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle, delimiter=delimiter))
    except OSError as error:
        raise AtlasError(_("{path} could not be read ({error}); the indicator files live in data/indicators/ "
                           "(see its README).").format(path=path, error=error.strerror)) from None
    return rows[skip:]


def _dep_code(text: str) -> str:
    code = text.strip()
    return code.zfill(2) if code.isdigit() and len(code) < 2 else code


def read_cog(cog_dir: Path) -> tuple[dict[str, Commune], dict[str, str], dict[str, str], dict[str, str]]:
    """Today's communes with their 2023 population and EPCI, the code resolver, département -> région,
    département -> its name."""
    def load(name: str) -> Any:
        try:
            return json.loads((cog_dir / name).read_text(encoding="utf-8"))
        except OSError:
            raise AtlasError(_("{path} not found; install the official data with `npm ci`.").format(
                path=cog_dir / name)) from None
    communes_json = load("communes.json")
    communes = {c["code"]: Commune(c["code"], c.get("departement"), c.get("region"), int(c.get("population") or 0),
                                   name=c.get("nom") or "")
                for c in communes_json if c["type"] == "commune-actuelle"}
    resolve: dict[str, str] = {code: code for code in communes}
    for c in communes_json:
        if c["type"] == "commune-actuelle":
            for old in c.get("anciensCodes") or ():
                resolve.setdefault(old, c["code"])
    for c in communes_json:
        if c["type"] in ("commune-deleguee", "commune-associee") and c.get("chefLieu") in communes:
            resolve.setdefault(c["code"], c["chefLieu"])
        elif c["type"] == "arrondissement-municipal" and c.get("commune") in communes:
            resolve.setdefault(c["code"], c["commune"])
    for e in load("epci.json"):
        for m in e.get("membres") or ():
            if m.get("code") in communes:
                communes[m["code"]].epci = e["code"]
    departements = load("departements.json")
    dep_region = {d["code"]: d["region"] for d in departements if d.get("region")}
    dep_names = {d["code"]: d["nom"] for d in departements}
    return communes, resolve, dep_region, dep_names


def read_inputs(data_dir: Path = DATA_DIR, cog_dir: Path = COG_DIR, areas_path: Path = AREAS) -> Inputs:
    communes, resolve, dep_region, dep_names = read_cog(cog_dir)

    areas: dict[tuple[str, str], float] = {}
    for row in _rows(areas_path, ",", 1):
        if len(row) >= 4 and _number(row[3]) is not None:
            areas[(row[0], row[1])] = float(row[3])

    population_2016: dict[str, int] = {}
    present_2019 = set()
    for row in _rows(data_dir / "insee_populations_2016_communes_cog2019.csv", ";", 1):
        present_2019.add(row[0])
        value = _number(row[2])
        target = resolve.get(row[0])
        if value is None or target is None:
            continue
        population_2016[target] = population_2016.get(target, 0) + int(value)
    # a commune of today that was a commune déléguée in 2019 (split off since): its 2016 inhabitants
    # were counted in the commune it was part of then
    chef_lieu_2019 = {row[0]: row[3] for row in _rows(data_dir / "insee_communes_deleguees_cog2019.csv", ";", 1)}
    split = {code: resolve.get(chef_lieu_2019.get(code, ""), "") for code in communes
             if code not in present_2019 and code not in population_2016}

    apl: list[tuple[str, float, float, float]] = []
    for row in _rows(data_dir / "drees_apl_medecins_generalistes_2023.csv", ";", 1):
        target = resolve.get(row[0])
        a, a65, pop = _number(row[2]), _number(row[3]), _number(row[5])
        if target is None or a is None or a65 is None or not pop:
            continue
        apl.append((target, a, a65, pop))

    aav_class: dict[str, str] = {}
    for row in _rows(data_dir / "insee_appartenance_communes_2023.csv", ";", 1):
        target = resolve.get(row[0])
        if target is None or not row[13].strip():
            continue
        if row[0] == target or target not in aav_class:  # a merged commune takes its chef-lieu's aire
            aav_class[target] = row[13].strip()
    for code, holder in split.items():  # split off since: the aire of the commune it was part of
        if code not in aav_class and holder in aav_class:
            aav_class[code] = aav_class[holder]

    sl = _rows(data_dir / "insee_statistiques_locales_departements.csv", ";", 2)
    header = [h.strip() for h in sl[0]]
    departement_rows = {_dep_code(r[0]): {h: v.strip() for h, v in zip(header, r, strict=False)}
                        for r in sl[1:] if r and r[0].strip()}

    barometre: dict[tuple[str, str], float] = {}
    bio_msp = (data_dir / "barometre_departements_bio_msp.csv").read_text(encoding="utf-8-sig")
    for row in csv.DictReader(io.StringIO(bio_msp)):
        value = _number(row["valeur_actuelle"])
        if value is not None:
            barometre[(row["id_indicateur"], _dep_code(row["code_departement"]))] = value

    msp: dict[str, tuple[str, float]] = {}
    maisons_sante = (data_dir / "barometre_ind-311_maisons_sante.csv").read_text(encoding="utf-8-sig")
    for row in csv.DictReader(io.StringIO(maisons_sante)):
        value = _number(row["indic_va"])
        if row["maille"] != "DEPT" or value is None:
            continue
        code = row["enforce_zone_id"][1:]
        if code not in msp or row["metric_enforce_date"] > msp[code][0]:
            msp[code] = (row["metric_enforce_date"], value)

    itdd: dict[tuple[str, str, str], float] = {}
    for name, columns in (("insee_itdd_2015_environnement.csv", {2: "valorisation", 4: "artificialisation"}),
                          ("insee_itdd_2015_economie.csv", {14: "recherche"})):
        level = None
        for row in _rows(data_dir / name):
            if len(row) > 1 and row[1] in ("REGIONS", "DEPARTEMENTS"):
                level = "region" if row[1] == "REGIONS" else "departement"
                continue
            code = _dep_code(row[0]) if row else ""
            if level is None or not code or not (code[0].isdigit() or code in ("2A", "2B")):
                continue
            for col, measure in columns.items():
                value = _number(row[col]) if col < len(row) else None
                if value is not None:
                    itdd[(measure, level, code)] = value

    festivals = read_festivals(data_dir / FESTIVALS, resolve)
    cinema_screens = read_cinemas(data_dir / CINEMAS, resolve)
    by_name = {(dep_names[c.departement], c.name): c.code for c in communes.values() if c.departement in dep_names}
    libraries = read_libraries(data_dir / LIBRARIES, resolve, by_name)

    return Inputs(communes, resolve, dep_region, areas, population_2016, split, apl, aav_class,
                  departement_rows, barometre, {k: v for k, (_, v) in msp.items()}, itdd, festivals,
                  cinema_screens, libraries)


def _columns(path: Path, header: list[str], *names: str) -> list[int]:
    for name in names:
        if name not in header:
            raise AtlasError(_("{path}: no column {column}; the indicator files live in data/indicators/ "
                               "(see its README).").format(path=path, column=name))
    return [header.index(name) for name in names]


def read_cinemas(path: Path, resolve: Mapping[str, str]) -> dict[str, int]:
    """Today's commune -> screens of the fixed cinemas the CNC lists in it (active in 2022).

    The file lists every active establishment of metropolitan France with its commune (`code INSEE`,
    an arrondissement for Paris, Lyon and Marseille) and its screens (`écrans`, written `6.0`). The
    itinerant circuits (`genre` ITINERANT, one screen each) are left out: they show films in many
    communes, the file gives only the one they are registered in. A code the COG does not know is
    left out too.
    """
    rows = _rows(path, ";")
    header = [h.strip() for h in rows[0]] if rows else []
    code_col, screens_col, kind_col = _columns(path, header, "code INSEE", "écrans", "genre")
    out: dict[str, int] = {}
    for row in rows[1:]:
        if len(row) <= max(code_col, screens_col, kind_col) or row[kind_col].strip() != "FIXE":
            continue
        target = resolve.get(row[code_col].strip())
        screens = _number(row[screens_col])
        if target is not None and screens:
            out[target] = out.get(target, 0) + int(screens)
    return out


def read_festivals(path: Path, resolve: Mapping[str, str]) -> list[str]:
    """Today's commune of each festival of the Ministère de la Culture's list, one entry per festival.

    The file gives each festival's main commune (`code_insee_commune`). A festival without a code, or
    whose code is not a commune of the COG used (Saint-Martin), is left out: it belongs to no région,
    département or EPCI of the atlas. One code of the producer's file lost its leading zero (Bourg-en-Bresse,
    01053, written 1053): a four-digit code gets it back.
    """
    rows = _rows(path, ";")
    header = [h.strip() for h in rows[0]] if rows else []
    (column,) = _columns(path, header, "code_insee_commune")
    out = []
    for row in rows[1:]:
        code = row[column].strip() if column < len(row) else ""
        if len(code) == 4 and code.isdigit():
            code = code.zfill(5)
        target = resolve.get(code)
        if target is not None:
            out.append(target)
    return out


def read_libraries(path: Path, resolve: Mapping[str, str], by_name: Mapping[tuple[str, str], str]) -> list[str]:
    """Today's commune of each open public library building of the Ministère de la Culture's list.

    A row counts when its `type_adresse` is « Bâtiment ouvert » (administrative addresses, stores,
    bookmobiles and unknown places are left out), in its `code_insee_commune`. The Corsican rows have
    no code (64 open buildings): they are placed by their `departement` and `ville`, which name exactly
    one commune of today's COG each; a row placed by neither is left out.
    """
    rows = _rows(path, ";")
    header = [h.strip() for h in rows[0]] if rows else []
    code_col, kind_col, dep_col, town_col = _columns(path, header, "code_insee_commune", "type_adresse",
                                                     "departement", "ville")
    out = []
    for row in rows[1:]:
        if len(row) <= max(code_col, kind_col, dep_col, town_col) or row[kind_col].strip() != "Bâtiment ouvert":
            continue
        code = row[code_col].strip()
        target = resolve.get(code) if code else by_name.get((row[dep_col].strip(), row[town_col].strip()))
        if target is not None:
            out.append(target)
    return out


def _summed(communes: Mapping[str, Commune], counts: Iterable[tuple[str, int]]) -> dict[tuple[str, str], int]:
    """Counts per commune (a festival, a library: 1 each; a commune's cinema screens) summed into each territory
    the commune belongs to, keyed as `_groups` keys them."""
    out: dict[tuple[str, str], int] = {}
    for code, n in counts:
        for key in _groups(communes[code]):
            out[key] = out.get(key, 0) + n
    return out


def _groups(c: Commune) -> Iterable[tuple[str, str]]:
    if c.region:
        yield ("region", c.region)
    if c.departement:
        yield ("departement", c.departement)
    if c.epci:
        yield ("epci", c.epci)


def _add(sums: dict, key: tuple[str, str], *values: float) -> None:
    current = sums.setdefault(key, [0.0] * len(values))
    for i, v in enumerate(values):
        current[i] += v


def _in_mayotte(key: tuple[str, str], communes_of: Mapping[tuple[str, str], list[Commune]]) -> bool:
    return any(c.departement == MAYOTTE for c in communes_of.get(key, ()))


def compute(inputs: Inputs) -> dict[tuple[str, str], dict[str, float]]:
    """(level, code) -> {indicator id: value}, for every région, département and EPCI the files measure."""
    out: dict[tuple[str, str], dict[str, float]] = {}

    def put(key: tuple[str, str], iid: str, value: float | None) -> None:
        if value is not None:
            out.setdefault(key, {})[iid] = value

    communes_of: dict[tuple[str, str], list[Commune]] = {}
    for c in inputs.communes.values():
        for key in _groups(c):
            communes_of.setdefault(key, []).append(c)

    # APL: population-weighted means
    sums: dict[tuple[str, str], list[float]] = {}
    for code, a, a65, pop in inputs.apl:
        for key in _groups(inputs.communes[code]):
            _add(sums, key, a * pop, a65 * pop, pop)
    for key, (sa, sa65, sp) in sums.items():
        put(key, "apl-medecins-generalistes", round(sa / sp, 2))
        put(key, "apl-medecins-generalistes-moins-65-ans", round(sa65 / sp, 2))

    # AAV: population share of communes in aires of 700,000+
    sums = {}
    for code, cls in inputs.aav_class.items():
        c = inputs.communes[code]
        for key in _groups(c):
            _add(sums, key, c.population if cls in LARGE_AAV_CLASSES else 0, c.population)
    for key, (big, total) in sums.items():
        if total > 0:
            put(key, "part-population-grandes-aires", round(100 * big / total, 1))

    # density and population change, over today's communes
    # a commune split off since 2019 breaks the 2016 sums of the territories its former commune is not in
    broken: set[tuple[str, str]] = set()
    for code, holder in inputs.split_since_2019.items():
        mine = set(_groups(inputs.communes[code]))
        theirs = set(_groups(inputs.communes[holder])) if holder in inputs.communes else set()
        broken |= mine ^ theirs
    festivals = _summed(inputs.communes, ((code, 1) for code in inputs.festivals))
    libraries = _summed(inputs.communes, ((code, 1) for code in inputs.libraries))
    screens = _summed(inputs.communes, inputs.cinema_screens.items())
    for key, members in communes_of.items():
        if key[0] not in LEVELS or _in_mayotte(key, communes_of):
            continue  # Mayotte: the 2023 figure is the 2017 census, and there is no 2016 one
        pop23 = sum(c.population for c in members)
        area = inputs.areas.get(key)
        if area and pop23:
            put(key, "densite-population", round(pop23 / area, 1))
        if pop23:  # the list covers the whole country: a territory none of its festivals is in has 0
            put(key, "festivals-pour-100000", round(1e5 * festivals.get(key, 0) / pop23, 2))
            put(key, "bibliotheques-pour-100000", round(1e5 * libraries.get(key, 0) / pop23, 2))
        if pop23 and not any((c.departement or "").startswith(("97", "98")) for c in members):
            # the CNC's list covers metropolitan France only, all of it: a territory without a cinema has 0
            put(key, "ecrans-cinema-pour-100000", round(1e5 * screens.get(key, 0) / pop23, 2))
        pop16 = sum(inputs.population_2016.get(c.code, 0) for c in members)
        if pop16 and key not in broken:
            put(key, "evolution-population-2016-2023", round(100 * (pop23 / pop16 - 1), 2))

    # département files
    counts: dict[str, dict[str, float]] = {}
    for dep, row in inputs.departement_rows.items():
        key = ("departement", dep)
        estimate = _number(row.get("Estimations de population 2025"))
        gps = _number(row.get("Médecin généraliste (en nombre) 2024"))
        er = _number(row.get("Urgences (en nombre) 2024"))
        msp = inputs.msp.get(dep)
        agro = inputs.barometre.get(("nb-agriculteurs-agro-eco", dep))
        if estimate:
            put(key, "medecins-generalistes-pour-10000", None if gps is None else round(1e4 * gps / estimate, 2))
            put(key, "services-urgences-pour-100000", None if er is None else round(1e5 * er / estimate, 2))
            put(key, "maisons-sante-pour-100000", None if msp is None else round(1e5 * msp / estimate, 2))
            put(key, "agriculteurs-agroecologie-pour-10000", None if agro is None else round(1e4 * agro / estimate, 2))
            region = inputs.dep_region.get(dep)
            if region:
                r = counts.setdefault(region, {})
                for name, value in (("gps", gps), ("er", er), ("msp", msp), ("pop", estimate)):
                    if value is None:
                        r[f"!{name}"] = 1.0  # one département without the figure: the région has none
                    else:
                        r[name] = r.get(name, 0.0) + value
                r["deps"] = r.get("deps", 0.0) + 1
        put(key, "part-actifs-transports-en-commun",
            _number(row.get("Part des actifs occupés de 15 ans ou plus  les transports en commun 2022")))
        put(key, "esperance-vie-femmes", _number(row.get("Espérance de vie des femmes à la naissance 2024")))
        put(key, "esperance-vie-hommes", _number(row.get("Espérance de vie des hommes à la naissance 2024")))
        put(key, "part-diplomes-bac5",
            _number(row.get("Part des diplômés d'un BAC+5 ou plus dans la pop. non scolarisée de 15 ans ou + 2022")))
        put(key, "part-diplomes-bac2",
            _number(row.get("Part des diplômés d'un BAC+2 dans la pop. non scolarisée de 15 ans ou + 2022")))
        put(key, "part-actifs-velo", _number(row.get("Part des actifs occ 15 ans ou plus vélo pour travailler 2022")))
        put(key, "part-surface-agricole-bio", inputs.barometre.get(("surface-agriculture-biologique", dep)))
    deps_per_region: dict[str, int] = {}
    for region in inputs.dep_region.values():
        deps_per_region[region] = deps_per_region.get(region, 0) + 1
    for region, r in counts.items():
        if r.get("deps") != deps_per_region.get(region) or r.get("!pop") or not r.get("pop"):
            continue
        key = ("region", region)
        for name, iid, per in (("gps", "medecins-generalistes-pour-10000", 1e4),
                               ("er", "services-urgences-pour-100000", 1e5),
                               ("msp", "maisons-sante-pour-100000", 1e5)):
            if not r.get(f"!{name}"):
                put(key, iid, round(per * r[name] / r["pop"], 2))

    for (measure, level, code), value in inputs.itdd.items():
        iid = {"valorisation": "taux-valorisation-dechets-menagers",
               "artificialisation": "part-surfaces-artificialisees",
               "recherche": "effort-recherche-developpement"}[measure]
        put((level, code), iid, round(value, 2))
    return out
