"""The notes `atlas import` writes into sheets, in English for the English edition and reports.

Most notes of the shipped sheets are the importer's own words, not a contributor's: each territory's area and
population (« Superficie des contours communaux IGN réunis… », « Population municipale : somme des populations
municipales de ses communes membres (COG 2026) ») and each census place's status (« Lieu recensé en 2019 par la
Mission Coworking, comme « tiers-lieu à dominante coworking » »). The English edition showed them in French on
every territory page and on 1,200 hub pages. `english` reads a note back into the parts the importer wrote and
says it in English; a note it does not read whole (a contributor's, or one edited by hand) stays French. It also
reads the one note the curated sheets write in a fixed form, a hub placed at its commune's town hall.
The importers write their notes from the French words here, so that both stay in step.
"""

from __future__ import annotations

import re

AREA_NOTE = ("Superficie des contours communaux IGN réunis, calculée sur l'ellipsoïde ; "
             "comprend les eaux intérieures aux communes (lacs, estuaires)")
POPULATION_SUM_NOTE = "Population municipale : somme des populations municipales de ses communes (COG 2026)"
COLLECTIVITY_POPULATION_NOTE = "Population municipale"  # a collectivité d'outre-mer's, as INSEE's page gives it
EPCI_POPULATION_NOTE = ("Population municipale : somme des populations municipales de ses communes membres "
                        "(COG 2026)")

_AREA_EN = ("Area of the IGN municipal outlines combined, computed on the ellipsoid; includes the inland waters of "
            "the municipalities (lakes, estuaries)")
_POPULATION = re.compile(r"Population municipale : somme des populations municipales de ses communes"
                         r"(?P<members> membres)? \(COG (?P<year>\d{4})\)")
_CENSUS = re.compile(r"Lieu recensé en (?P<year>\d{4}) par la Mission Coworking, "
                     r"(?:comme (?P<kind>« [^«»]* »)|sans type)")
_TWICE = re.compile(r" ; le recensement le cite (?P<n>\d+) fois \(fiches n° (?P<ids>\d+(?:, \d+)*)\)")
_CLOSED = re.compile(r" ; (?:la fiche n° (?P<one>\d+) le dit|les fiches n° (?P<many>\d+(?:, \d+)*) le disent) "
                     r"« actuellement fermé »")
# the other listings of a place the census lists twice, as census_places._note joins them
_OTHER_WORDS = ((", aussi au ", ", also at "), (", aussi sous le nom « ", ", also under the name « "),
                (", aussi avec le site ", ", also with the website "), (" et au ", " and at "),
                (" et sous le nom « ", " and under the name « "), (" et avec le site ", " and with the website "),
                (", sous le nom « ", ", under the name « "), (", avec le site ", ", with the website "))


_NAMESAKES = " ; le recensement cite aussi sous ce nom, dans la commune, "
_NAMESAKE = re.compile(r"au (?P<address>.+?) \((?:fiche n° (?P<one>\d+)|fiches n° (?P<many>\d+(?:, \d+)*))\)")


# a hub placed at its commune's town hall (the point `atlas new hub --commune` gives), in the words the curated
# sheets use for it: « placé à la mairie de Nîmes, aucune source lue ne donnant la position du lieu » (96 sheets)
_TOWN_HALL = re.compile(r"placé à la mairie (?P<of>de |d'|d’|du |des )(?P<place>[^,;]+), aucune source lue ne "
                        r"donnant (?P<what>la position|les coordonnées|le point exact) du lieu")
_TOWN_HALL_WHAT = {"la position": "its position", "les coordonnées": "its coordinates",
                   "le point exact": "its exact point"}
_ARTICLE = {"du ": "Le ", "des ": "Les "}  # « mairie du Havre »: Le Havre

_QUOTED = re.compile(r"« [^«»]* »")


def quotes_marked_french(escaped: str) -> str:
    """An English note already escaped for where it goes (Markdown, HTML), with the census's words it quotes
    (« tiers-lieu à dominante coworking ») marked French for screen readers and the tagged PDF."""
    return _QUOTED.sub(r'<span lang="fr">\g<0></span>', escaped)


def english(note: str) -> str | None:
    """The English of a note the importer wrote, or None for any other note (shown in French)."""
    if note == AREA_NOTE:
        return _AREA_EN
    if note == COLLECTIVITY_POPULATION_NOTE:
        return "Municipal population"
    hall = _TOWN_HALL.fullmatch(note)
    if hall:
        place = _ARTICLE.get(hall["of"], "") + hall["place"]
        return f"placed at the town hall of {place}, no source read giving {_TOWN_HALL_WHAT[hall['what']]}"
    found = _POPULATION.fullmatch(note)
    if found:
        whose = "its member municipalities" if found["members"] else "its municipalities"
        return f"Municipal population: sum of the municipal populations of {whose} (COG {found['year']})"
    listing, namesakes = note.split(_NAMESAKES, 1) if _NAMESAKES in note else (note, None)
    said = _listing(listing)
    if said is None or namesakes is None:
        return said
    told = _namesakes(namesakes)
    return None if told is None else said + "; under this name the census also lists, in the same municipality, " + told


def _listing(note: str) -> str | None:
    """A census place's status note as census_places._note writes it: the listing, the other listings of a place
    listed twice, the listings that said it closed."""
    found = _CENSUS.match(note)
    if not found:
        return None
    said = f"Listed in {found['year']} by the Mission Coworking" + (
        f" as {found['kind']}" if found["kind"] else ", without a type")
    rest = note[found.end():]
    twice = _TWICE.match(rest)
    if twice:
        said += f"; the census lists it {twice['n']} times (entries no. {twice['ids']})"
        rest = rest[twice.end():]
        closed = _CLOSED.search(rest)
        others, rest = (rest[:closed.start()], rest[closed.start():]) if closed else (rest, "")
        if others:
            if not others.startswith(", aussi "):
                return None
            for french, words in _OTHER_WORDS:
                others = others.replace(french, words)
            said += others
    if not rest:
        return said
    closed = _CLOSED.fullmatch(rest)
    if closed is None:
        return None
    return said + (f"; entry no. {closed['one']} says" if closed["one"] else f"; entries no. {closed['many']} say") \
        + " « actuellement fermé » (currently closed)"


def _namesakes(text: str) -> str | None:
    """« un autre lieu, au 12 rue X (fiche n° 3) » / « 2 autres lieux, au … et au … », in English."""
    count, _, places = text.partition(", ")
    if count == "un autre lieu":
        count = "another place"
    elif count.endswith(" autres lieux") and count.split()[0].isdigit():
        count = f"{count.split()[0]} other places"
    else:
        return None
    told = []
    for place in places.split(" et au "):
        found = _NAMESAKE.fullmatch(place if place.startswith("au ") else "au " + place)
        if found is None:
            return None
        told.append(f"at {found['address']} (" + (f"entry no. {found['one']}" if found["one"]
                                                   else f"entries no. {found['many']}") + ")")
    return f"{count}, " + " and ".join(told)
