"""From census rows to places: which rows are one place, and what each place says (its commune,
territory folder, address, point, website and note).

The census lists some places twice, under two spellings or two postcodes (`1624 COWORKIN'LILLE` and
`1624 Cowork'in Lille`, `Start-Way` and `Start-way Bastille` at one address). Rows are one place when,
in one commune, their names fold to the same letters and digits (generator.validate.duplicates, the
check that warns about hubs listed twice), or when they give the same street address, the same website
and similar names (not `Darwin Ecosystème` and `Le Digitoire`, a place in it). Rows of one name on two
streets of one commune (`Yelloworking`, 7bis avenue Saint-Jérôme and 45 rue Roux Alpheran, Aix) stay two
places: the census lists two addresses and cannot say whether they are two spaces or one that moved, so
each note names the other. Places of one name in two arrondissements of Paris, Lyon or Marseille stay
two places; a row placed only in the city (no arrondissement) joins the one place of its name there, if
there is one. The place speaks with the words of its first row placed at its address (else its first row);
a sheet that records several listings speaks with the one it is named after (see `speaking_first`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

from generator.i18n import _, decimal
from generator.ids import slugify
from generator.imports.census_rows import (
    ADDRESS_SCORE,
    TYPES,
    Cog,
    CommuneLocator,
    Place,
    Row,
    Skip,
    normalise_website,
    postcode_of,
    reason,
    resolve_commune,
)
from generator.validate.duplicates import folded, street, website_key

OUTSIDE_KM = 1.0          # the validator's tolerance for a hub outside its territory

_STOP = frozenset({"le", "la", "les", "l", "de", "du", "des", "d", "et", "the", "and", "a", "au", "aux", "en"})


GENERIC_WORDS = frozenset({"fablab", "fab", "lab", "labs", "coworking", "cowork", "espace", "tiers", "lieu",
                      "lieux", "centre", "atelier", "maison", "pole", "space", "hub", "club", "bureau",
                      "bureaux", "numerique", "village", "ville", "association", "incubateur", "pepiniere",
                      "technopole", "plateforme", "living", "media", "medialab"})


def name_tokens(name: str) -> set[str]:
    slug = re.sub(r"(^|-)fab-lab(-|$)", r"\1fablab\2", slugify(name)).replace("co-working", "coworking")
    return {t for t in slug.split("-") if t and t not in _STOP}


def similar_names(a: str, b: str) -> bool:
    """Two names of one place: same words, or the words of one among the other's with a distinctive
    word shared, or nearly the same letters."""
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb:
        return False
    if ta == tb:
        return True
    small, large = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    if small <= large and small - GENERIC_WORDS:
        return True
    sa, sb = "".join(sorted(ta)), "".join(sorted(tb))
    return difflib.SequenceMatcher(None, "-".join(sorted(ta - GENERIC_WORDS)) or sa,
                                   "-".join(sorted(tb - GENERIC_WORDS)) or sb).ratio() >= 0.9


def _in_france_and_outline(place_point: tuple[float, float], territory_level: str, territory_code: str,
                           departement: str) -> float:
    """Distance in km from the point to its territory's outline (0 inside; the département's outline when
    the territory has none of its own)."""
    from generator import geo

    outline = geo.outline_of(territory_level, territory_code) or geo.outline_of("departement", departement)
    if outline is None:
        return 0.0
    return geo.distance_outside_km(outline, *place_point)


def _departement_at(lat: float, lon: float) -> str | None:
    from generator import geo

    return geo.departement_at(lat, lon)


def _in_france(lat: float, lon: float) -> bool:
    return _departement_at(lat, lon) is not None


def at_address(row: Row) -> bool:
    """The geocoder placed the row at its address (score at least ADDRESS_SCORE). A row without an address
    is not placed at one, whatever its score: the geocoder could only have found its postcode or commune
    (three Poitiers rows share one point, the town's, with a score of 0.98)."""
    return (bool(row.address) and row.lat is not None and row.lon is not None and row.score is not None
            and row.score >= ADDRESS_SCORE)


def speaking_first(rows: list[Row], named: str | None = None) -> list[Row]:
    """The rows of one place in file order, the first one placed at its address moved first (it gives
    the place's name, address, point and type). `named`: the name of the sheet the place was found in (a
    sheet that records several listings, merged by hand): the listing it is named after speaks when the
    census places it at its address, or when none is (a place renamed, La Serre become Les Imaginations
    Fertiles, keeps its current listing's address, and its note names the former one)."""
    rows = sorted(rows, key=lambda r: r.line)
    key = folded(named) if named else None
    own = [r for r in rows if key and folded(r.name) == key]
    placed = [r for r in rows if at_address(r) and r.address]
    first = next((r for r in own if any(r is p for p in placed)), None) \
        or (placed[0] if placed else own[0] if own else rows[0])
    return [first, *(r for r in rows if r is not first)]


def _note(rows: list[Row]) -> str:
    typo = rows[0].typo
    label = f"« {typo[0].lower()}{typo[1:]} »".replace("tiers lieux", "tiers-lieu") if typo else "sans type"
    note = f"Lieu recensé en 2019 par la Mission Coworking, {'comme ' if typo else ''}{label}"
    if len(rows) > 1:
        note += f" ; le recensement le cite {len(rows)} fois (fiches n° {', '.join(r.id for r in rows)})"
        others = []
        first_web = normalise_website(rows[0].web) if rows[0].web else None
        for r in rows[1:]:
            named = folded(r.name) != folded(rows[0].name)
            other_code = bool(r.postcode) and r.postcode != rows[0].postcode  # one street in two arrondissements
            placed = bool(r.address) and (folded(r.address) != folded(rows[0].address) or other_code)
            web = normalise_website(r.web) if r.web else None
            other_web = web is not None and first_web is not None and website_key(web) != website_key(first_web)
            if named or placed or other_web:
                where = f"au {r.address}" + (f", {r.postcode}" if other_code else "")
                others.append(", ".join(([where] if placed else []) + ([f"sous le nom « {r.name} »"] if named else [])
                                        + ([f"avec le site {web}"] if other_web else [])))
        if others:
            note += ", aussi " + " et ".join(others)
    closed = [r.id for r in rows if r.closed]
    if closed:
        note += (f" ; {'la fiche' if len(closed) == 1 else 'les fiches'} n° {', '.join(closed)} le "
                 f"{'dit' if len(closed) == 1 else 'disent'} « actuellement fermé »")
    return note


_NUMBER_WORDS = frozenset({"bis", "ter", "quater"})


def _street_name(row: Row) -> frozenset[str] | None:
    """The words of a row's street without its number (`7bis Avenue Saint-Jérôme` -> {avenue, saint,
    jerome}), or None when the row gives no numbered street."""
    words = street(row.address) if row.address else frozenset()
    if not any(any(c.isdigit() for c in w) for w in words):
        return None
    name = frozenset(w for w in words if not any(c.isdigit() for c in w) and w not in _NUMBER_WORDS)
    return name or None


def other_streets(a: Row, b: Row) -> bool:
    """Two rows that give numbered addresses on two streets (`rue du Congrès` and `rue du Congès` are one
    street misspelt; `rue de Bretagne` and `rue du Temple` are two)."""
    sa, sb = _street_name(a), _street_name(b)
    if sa is None or sb is None or sa <= sb or sb <= sa:
        return False
    return difflib.SequenceMatcher(None, " ".join(sorted(sa)), " ".join(sorted(sb))).ratio() < 0.8


def _street_key(row: Row, commune: str) -> tuple[str, frozenset[str], str] | None:
    """(commune, street words, website) of a row that gives a street number and a website."""
    words = street(row.address) if row.address else frozenset()
    website = normalise_website(row.web) if row.web else None
    if len(words) < 2 or not any(w.isdigit() for w in words) or website is None:
        return None
    return commune, words, website_key(website)


def group_rows(located: list[tuple[Row, str, str]]) -> list[tuple[list[Row], str, str]]:
    """The rows of each place, with its commune and its grouping area (an arrondissement's code, else the
    commune's), in the order of their first row. `located`: (row, commune, area) for each row kept."""
    parent = list(range(len(located)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    # rows of one name in one area: each joins the first place of that name on its street (or any, when
    # one of them gives no numbered street); a place is known by its first row giving a street
    named: dict[tuple[str, str], list[list[int]]] = {}
    at_street: dict[tuple[str, frozenset[str], str], list[int]] = {}
    for i, (row, commune, where) in enumerate(located):
        places_of_name = named.setdefault((where, folded(row.name)), [])
        for place in places_of_name:
            if not other_streets(located[place[1]][0], row):
                union(place[0], i)
                if _street_name(located[place[1]][0]) is None:
                    place[1] = i
                break
        else:
            places_of_name.append([i, i])
        address = _street_key(row, commune)
        if address is not None:
            for j in at_street.setdefault(address, []):
                if similar_names(located[j][0].name, row.name):
                    union(j, i)
            at_street[address].append(i)
    # a row placed in Paris, Lyon or Marseille without its arrondissement joins the one place of its name
    in_arrondissements: dict[tuple[str, str], set[int]] = {}
    for i, (row, commune, where) in enumerate(located):
        if where != commune:
            in_arrondissements.setdefault((commune, folded(row.name)), set()).add(find(i))
    for i, (row, commune, where) in enumerate(located):
        roots = in_arrondissements.get((commune, folded(row.name)), set()) if where == commune else set()
        if len({find(r) for r in roots}) == 1:
            union(next(iter(roots)), i)
    groups: dict[int, list[int]] = {}
    for i in range(len(located)):
        groups.setdefault(find(i), []).append(i)
    out = []
    for members in groups.values():  # roots are the smallest index: the order of the first rows
        rows = speaking_first([located[i][0] for i in members])
        first = next(i for i in members if located[i][0] is rows[0])
        out.append((rows, located[first][1], located[first][2]))
    return out


def note_namesakes(places: list[Place]) -> None:
    """Add to the note of each place the other places of its name in its area (two streets of one commune):
    the census cannot say whether they are two spaces or one that moved, so a reader learns of the other."""
    names = [dict.fromkeys((place.area, folded(r.name)) for r in place.rows) for place in places]
    by_name: dict[tuple[str, str], list[Place]] = {}
    for place, keys in zip(places, names, strict=True):
        for key in keys:
            by_name.setdefault(key, []).append(place)
    for place, keys in zip(places, names, strict=True):
        others = {id(p): p for key in keys for p in by_name[key] if p is not place}
        told = [f"au {p.rows[0].address} ({'fiche' if len(p.ids) == 1 else 'fiches'} n° {', '.join(p.ids)})"
                for p in others.values()
                if p.rows[0].address]
        if told:
            place.note += " ; le recensement cite aussi sous ce nom, dans la commune, " + (
                "un autre lieu, " if len(told) == 1 else f"{len(told)} autres lieux, ") + " et ".join(told)


PlaceMaker = Callable[[list[Row], str, str], "Place | Skip"]


def place_maker(cog: Cog, territory_of: dict[tuple[str, str], str],
                centres: dict[str, tuple[float, float]]) -> PlaceMaker:
    """A function making the place of some rows (its first row speaking) in a commune and area, or the
    Skip that says why it cannot be imported (no territory sheet)."""

    def make(rows: list[Row], commune: str, where: str) -> Place | Skip:
        first = rows[0]
        siren = cog.epci_of.get(commune)
        dep = cog.departements.get(commune, "")
        territory = territory_of.get(("epci", siren)) if siren else None
        level, code = ("epci", siren) if territory else ("departement", dep)
        if territory is None:
            territory = territory_of.get(("departement", dep))
        if territory is None:
            return Skip(first, reason(_("no territory sheet for EPCI {code} ({name}); import it first (atlas import "
                                        "--level epci)"), code=siren, name=cog.epci_names.get(siren, "?"))
                        if siren else reason(_("no territory sheet for département {code}; import it first (atlas "
                                               "import --level departement)"), code=dep))
        website = next((w for w in (normalise_website(r.web) for r in rows) if w), None)
        reports = [f"{r.line}: " + _("website {website!r} left out (not an http(s) link)").format(website=r.web)
                   for r in rows if r.web and normalise_website(r.web) is None]
        postcode = postcode_of(first.postcode)
        town = first.commune_given or cog.names.get(commune, "")
        if first.address:
            address = ", ".join(p for p in (first.address, " ".join(x for x in (postcode, town) if x)) if p)
        else:
            address = None
        point: tuple[float, float] | None = None
        precision: str | None = None
        if at_address(first):
            assert first.lat is not None and first.lon is not None
            outside = _in_france_and_outline((first.lat, first.lon), level, code, dep)
            if outside > OUTSIDE_KM:
                reports.append(f"{first.line}: " + _(
                    "address point [{lat}, {lon}] is {distance} km outside {territory}; placed at the main town of "
                    "{commune}").format(lat=first.lat, lon=first.lon, distance=decimal(outside), territory=territory,
                                        commune=cog.names.get(commune)))
            else:
                point, precision = (first.lat, first.lon), "address"
        if point is None and commune in centres:
            point, precision = centres[commune], "commune"
        return Place(
            rows=rows, commune=commune, where=cog.arrondissements.get(where) or cog.names[commune],
            territory=territory, territory_level=level, territory_code=code,
            name=first.name, types=[TYPES.get(first.typo.lower(), "tiers-lieu")], address=address,
            website=website, coordinates=point, precision=precision, note=_note(rows), reports=reports,
            centre=centres.get(commune), area=where, closed=any(r.closed for r in rows),
        )

    return make


def plan_places(rows: list[Row], cog: Cog, territory_of: dict[tuple[str, str], str],
                centres: dict[str, tuple[float, float]],
                locator: CommuneLocator | None) -> tuple[list[Place], list[Skip], list[str]]:
    """Group the rows into places with their fields; rows that cannot be imported whole are skipped."""
    skips: list[Skip] = []
    notes: list[str] = []
    located: list[tuple[Row, str, str]] = []
    for row in rows:
        if not row.name or not slugify(row.name):
            skips.append(Skip(row, reason(_("no name"))))
            continue
        if row.lat is not None and row.lon is not None and not _in_france(row.lat, row.lon):
            skips.append(Skip(row, reason(_("coordinates [{lat}, {lon}] outside France"), lat=row.lat, lon=row.lon)))
            continue
        commune, why = resolve_commune(row, cog, locator)
        if commune is None:
            skips.append(Skip(row, why))
            continue
        dep = cog.departements.get(commune)
        if row.code.strip("0") and row.departement and dep != row.departement and row.lat is not None \
                and _departement_at(row.lat, row.lon) == row.departement:
            skips.append(Skip(row, reason(_("commune code {code} ({name}, département {departement}) disagrees "
                                            "with its département {given} and its point"),
                                          code=row.code, name=cog.names[commune], departement=dep,
                                          given=row.departement)))
            continue
        # Places of the same name in two arrondissements of Paris, Lyon or Marseille are two places.
        where = row.code if row.code in cog.arrondissements else commune
        located.append((row, commune, where))
    make = place_maker(cog, territory_of, centres)
    places: list[Place] = []
    for group, commune, where in group_rows(located):
        made = make(group, commune, where)
        if isinstance(made, Skip):
            skips.extend(Skip(row, made.why) for row in group)
            continue
        places.append(made)
        if len(group) > 1:
            notes.append(_("lines {lines}: {name!r} ({commune}) listed more than once: one hub").format(
                lines=", ".join(str(r.line) for r in sorted(group, key=lambda r: r.line)), name=made.name,
                commune=cog.names.get(commune)))
    return places, skips, notes
