"""Hubs listed twice: two hub sheets of one territory that may describe one place.

Readers saw places twice in the atlas (a census listing one place under two spellings, a curated hub
and a census place of the same name). Two hubs of one territory are flagged when their names fold to
the same letters and digits (accents, case, spaces and punctuation aside, a leading French article
too) and nothing tells them apart: branches of one brand are distinct places, told apart by their
commune or their address, so two sheets with different communes, or with two addresses on different
streets, are never flagged (`bd` and `boulevard`, `av.` and `avenue` are one street). Two hubs at one
address with one website are flagged as well, whatever their names. A warning, never an error: the
contributor decides (merge the sheets, or give each its own address). The import of the census matches
places with the same keys (generator.imports).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache

from generator.errors import Report
from generator.i18n import _
from generator.validate.values import SheetData

ARTICLES = frozenset({"le", "la", "les", "l"})
_STREET_STOP = frozenset({"de", "du", "des", "d", "la", "le", "les", "l", "et"})
# a street's kind abbreviated, read as the word it shortens: `50 bd Gambetta` and `50 boulevard Gambetta`, `3 av.
# Christophe Colomb` and `3 avenue Christophe Colomb` are one street (the census writes both forms)
STREET_KINDS = {"bd": "boulevard", "bld": "boulevard", "blvd": "boulevard", "bvd": "boulevard",
                "av": "avenue", "ave": "avenue"}


_NOT_WORD = re.compile(r"[^0-9a-z]+")


def words(text: str) -> list[str]:
    """The words of a text without accents, case folded (letters and digits only)."""
    if not text.isascii():
        text = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae").replace("ß", "ss")
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return [w for w in _NOT_WORD.split(text.lower()) if w]


def folded(text: str) -> str:
    """`1624 COWORKIN'LILLE` and `1624 Cowork'in Lille` -> `1624coworkinlille`: accents removed, case
    folded, only letters and digits kept."""
    return "".join(words(text))


@lru_cache(maxsize=20_000)
def name_keys(name: str) -> frozenset[str]:
    """The folded name, and the same without a leading article (`Le Troquet`, `Troquet`); empty for a
    name with no letter or digit. Kept for the names seen last: the check runs at each load of the atlas,
    5,400 names on a France-scale tree, each folded again (a sixth of the cross-sheet checks of a watch build)."""
    parts = words(name)
    keys = {"".join(parts)}
    if len(parts) > 1 and parts[0] in ARTICLES:
        keys.add("".join(parts[1:]))
    return frozenset(k for k in keys if k)


def street(address: str) -> frozenset[str]:
    """The words of an address before its postcode and town (`12 ter rue des Tours, 59000 Lille` ->
    {12, ter, rue, tours}), small words left out, a street's kind written out (`bd.` -> `boulevard`)."""
    head = address.rsplit(",", 1)[0] if "," in address else address
    head = re.sub(r"\b[0-9]{5}\b.*$", "", head)
    return frozenset(STREET_KINDS.get(w, w) for w in words(head) if w not in _STREET_STOP)


def same_street(a: frozenset[str], b: frozenset[str]) -> bool:
    """One address's words all among the other's, a number and a street word included (`12 rue des
    Tours` is `12 ter rue des Tours`)."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return len(small) >= 2 and any(w.isdigit() for w in small) and small <= large


@lru_cache(maxsize=20_000)
def website_key(url: str) -> str:
    """A website without its scheme, `www.`, case of the host and trailing slash."""
    rest = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip(), flags=re.I)
    host, _sep, path = rest.partition("/")
    host = host.lower().removeprefix("www.")
    return f"{host}/{path}".rstrip("/")


def _value(field: object) -> str | None:
    value = field.get("value") if isinstance(field, dict) else field
    return str(value) if value not in (None, "") else None


@dataclass(frozen=True)
class Listing:
    """What tells two listings of places apart: name keys, commune, street, website."""

    keys: frozenset[str]
    commune: str | None
    street: frozenset[str] | None
    website: str | None

    @classmethod
    def of(cls, name: str, commune: str | None, address: str | None, website: str | None) -> Listing:
        return cls(name_keys(name), commune or None, street(address) if address else None,
                   website_key(website) if website else None)

    def told_apart(self, other: Listing) -> bool:
        """Two communes, or two addresses on different streets: two places (branches of a brand)."""
        if self.commune and other.commune and self.commune != other.commune:
            return True
        if self.street is None or other.street is None or same_street(self.street, other.street):
            return False
        # `Rue Porte de Paris` and `2 rue porte de Paris`: one street, one of them without its number
        small, large = (self.street, other.street) if len(self.street) <= len(other.street) else \
            (other.street, self.street)
        return any(w.isdigit() for w in small) or not small <= large

    def same_address_and_website(self, other: Listing) -> bool:
        return (self.street is not None and other.street is not None and same_street(self.street, other.street)
                and self.website is not None and self.website == other.website
                and not (self.commune and other.commune and self.commune != other.commune))

    def one_place(self, other: Listing) -> str | None:
        """Why the two may be one place ("name" or "address"), or None."""
        if self.keys & other.keys and not self.told_apart(other):
            return "name"
        return "address" if self.same_address_and_website(other) else None


class _Hub:
    """What the check compares of one hub sheet (its listing made only for a hub that has a name key or a
    website in common with another: the check runs at every load of the atlas)."""

    def __init__(self, sheet: SheetData) -> None:
        self.sheet = sheet
        self.keys = name_keys(str(sheet.data.get("name") or ""))
        website = sheet.data.get("website")
        self.website = website_key(website) if isinstance(website, str) and website else None

    @cached_property
    def listing(self) -> Listing:
        data = self.sheet.data
        address = _value(data.get("address"))
        return Listing(self.keys, _value(data.get("commune")), street(address) if address else None, self.website)


def likely_duplicates(hubs: Iterable[SheetData]) -> list[tuple[SheetData, SheetData, str]]:
    """Pairs of hubs of one territory that may be one place, with why: "name" or "address". Each pair
    once, the first sheet by path first; sorted by path."""
    by_territory: dict[str, list[_Hub]] = defaultdict(list)
    for sheet in hubs:
        by_territory[sheet.territory_id or ""].append(_Hub(sheet))
    pairs: list[tuple[SheetData, SheetData, str]] = []
    for group in by_territory.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda h: h.sheet.display)
        by_key: dict[str, list[int]] = defaultdict(list)
        by_site: dict[str, list[int]] = defaultdict(list)
        for i, hub in enumerate(group):
            for key in hub.keys:
                by_key[key].append(i)
            if hub.website:
                by_site[hub.website].append(i)
        seen: set[tuple[int, int]] = set()
        for members in by_key.values():
            for x, i in enumerate(members):
                for j in members[x + 1:]:
                    if (i, j) not in seen and not group[i].listing.told_apart(group[j].listing):
                        seen.add((i, j))
                        pairs.append((group[i].sheet, group[j].sheet, "name"))
        for members in by_site.values():
            for x, i in enumerate(members):
                for j in members[x + 1:]:
                    if (i, j) not in seen and group[i].listing.same_address_and_website(group[j].listing):
                        seen.add((i, j))
                        pairs.append((group[i].sheet, group[j].sheet, "address"))
    return sorted(pairs, key=lambda p: (p[0].display, p[1].display))


def check_duplicates(report: Report, hubs: Iterable[SheetData]) -> None:
    """A warning on the second sheet of each pair, naming the first, with what to do."""
    for first, second, why in likely_duplicates(hubs):
        if why == "name":
            message = _("this hub and {other} have the same name in one territory: they may be one place "
                        "listed twice").format(other=first.display)
        else:
            message = _("this hub and {other} have the same address and website: they may be one place "
                        "listed twice").format(other=first.display)
        hint = (_("if it is one place, keep one sheet (its sources, and the census IDs of both) and delete the "
                  "other; if they are two places (branches of one brand), give each its own address") if why == "name"
                else _("if it is one place, keep one sheet (its sources, and the census IDs of both) and delete the "
                       "other; if they are two places at one address, give each the website of its own"))
        report.warning(second.loc("name"), "name", message, hint)
