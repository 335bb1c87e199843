"""The atlas shipped in territories/ and content/: valid, real, sourced, and as large as promised.

It is what a newcomer builds first, so these tests keep it so: `validate --strict` finds nothing at
all, the counts the product promises hold, every fact cites a source, and the hand-written pages are
there.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from generator.load import load_valid_atlas
from generator.model import PILLARS, Atlas

ROOT = Path(__file__).resolve().parent.parent
TERRITORIES = ROOT / "territories"
CONTENT = ROOT / "content"
PACKAGE_DATA = ROOT / "node_modules" / "@etalab" / "decoupage-administratif" / "data"
OVERSEAS_REGIONS = {"01", "02", "03", "04", "06"}
# Mayotte's latest census in the package is 2017: `atlas import` leaves it out (more than five years
# before the build date), so its région and département sheets have no population.
AGED_CENSUS = {("region", "06"), ("departement", "976")}


@pytest.fixture(scope="module")
def atlas() -> Atlas:
    return load_valid_atlas(TERRITORIES)


def test_validate_strict_finds_nothing() -> None:
    """No error and no warning at all, "old fact" included.

    Historical figures (a founding surface, a vote) are told in the descriptions and rationales,
    indicators describe recent years, and the import leaves out an aged census (Mayotte, 2017).
    """
    proc = subprocess.run([sys.executable, "-m", "generator", "validate", "--strict", "--format", "json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert json.loads(proc.stdout) == []
    assert proc.returncode == 0, proc.stderr


def test_official_identity_of_the_whole_country(atlas: Atlas) -> None:
    levels = Counter(t.level for t in atlas.territories.values())
    assert levels["region"] == 18
    assert levels["departement"] == 101
    for t in atlas.by_level("departement"):
        assert t.parent_id and atlas.territories[t.parent_id].level == "region", t.id
    for t in atlas.territories.values():
        mayotte = t.level == "epci" and t.parent_id and atlas.territories[t.parent_id].code == "976"
        if (t.level, t.code) in AGED_CENSUS or mayotte:
            assert t.population is None, t.id
        elif t.level in ("region", "departement", "epci"):
            assert t.code and t.population and t.population.year and t.population.source, t.id


@pytest.mark.skipif(not PACKAGE_DATA.is_dir(), reason="npm package not installed (run `npm ci`)")
def test_every_metropole_and_communaute_urbaine_has_a_sheet(atlas: Atlas) -> None:
    epci = json.loads((PACKAGE_DATA / "epci.json").read_text(encoding="utf-8"))
    wanted = {e["code"] for e in epci if e["type"] in ("METRO", "MET69", "CU")}
    have = {t.code for t in atlas.by_level("epci")}
    assert wanted <= have


@pytest.mark.skipif(not PACKAGE_DATA.is_dir(), reason="npm package not installed (run `npm ci`)")
def test_identity_is_in_sync_with_the_package() -> None:
    """Re-importing every level changes nothing: the sheets say what the official data says."""
    for level in ("region", "departement", "epci", "commune"):
        proc = subprocess.run([sys.executable, "-m", "generator", "import", "--level", level, "--dry-run",
                               "--lang", "en",  # the words asserted below are the English ones (French by default)
                               *(("--epci-types", "METRO,MET69,CU,CA,CC") if level == "epci" else ()),
                               *(("--departement", "978") if level == "commune" else ())],
                              cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        assert " would set " not in proc.stdout and ", 0 to update, " in proc.stdout, proc.stdout[:2000]


def _fully_curated(atlas: Atlas) -> list[str]:
    """Territories whose five pillars all have a rating, a rationale, a summary and sourced indicators."""
    out = []
    for t in atlas.territories.values():
        pillars = [t.pillars.get(k) for k in PILLARS]
        if all(p and p.rating is not None and p.rationale and p.summary and p.indicators
               and all(f.label and f.source for f in p.indicators) for p in pillars):
            out.append(t.id)
    return out


def test_curated_depth(atlas: Atlas) -> None:
    curated = _fully_curated(atlas)
    assert len(curated) >= 8, curated
    kinds: Counter[str] = Counter()
    types = {}
    if PACKAGE_DATA.is_dir():
        types = {e["code"]: e["type"] for e in json.loads((PACKAGE_DATA / "epci.json").read_text(encoding="utf-8"))}
    for tid in curated:
        t = atlas.territories[tid]
        if t.level == "region":
            kinds["overseas" if t.code in OVERSEAS_REGIONS else "region"] += 1
        elif t.code and t.code.startswith("97"):
            kinds["overseas"] += 1
        elif t.level == "epci":
            epci_type = types.get(t.code or "")
            if not epci_type:  # without the package, the name tells the kind of EPCI
                epci_type = "CC" if t.name.startswith("CC ") else "CA" if t.name.startswith(("CA ", "CU ")) \
                    else "METRO"
            kinds["metropole" if epci_type in ("METRO", "MET69") else
                  "rural" if epci_type == "CC" else "agglomeration"] += 1
        elif t.level == "pays":
            kinds["rural"] += 1
        else:
            kinds[t.level] += 1
    assert kinds["metropole"] >= 2, kinds
    assert kinds["agglomeration"] >= 2, kinds
    assert kinds["rural"] >= 2, kinds
    assert kinds["overseas"] >= 1, kinds
    assert kinds["region"] >= 1, kinds


def test_ratings_are_in_range_and_explained(atlas: Atlas) -> None:
    for t in atlas.territories.values():
        for p in t.pillars.values():
            if p.rating is not None:
                assert 0 <= p.rating <= 5 and p.rationale and p.rationale.strip(), (t.id, p.key)


def test_real_hubs(atlas: Atlas) -> None:
    """Curated hubs (with sources of their own, besides the ANCT's list of Fabriques that a script cites on
    census places) are described; every hub's status is dated and sourced; the places of the 2019 census
    say so, with its year, the list of Fabriques naming them or not (it dates no status: Le WIP, on it, had
    closed)."""
    listed = {"anct-fabriques-territoire-2024"}  # scripts/import_fabriques_territoire.py's citation
    curated = [h for h in atlas.hubs.values() if set(h.sources) - listed]
    assert len(curated) >= 40
    assert len(atlas.hubs) >= 1450  # about 1,500: the census's places, each once (1,493 hubs in December 2026)
    assert len(atlas.hubs_by_territory) >= 12
    used = {ty for h in atlas.hubs.values() for ty in h.types}
    assert set(atlas.vocabulary.hub_types) <= used, set(atlas.vocabulary.hub_types) - used
    for h in curated:
        assert all(s.url and s.url.startswith(("http://", "https://")) for s in h.sources.values()), h.id
        assert h.description, h.id
    for h in atlas.hubs.values():
        assert h.status_fact is not None and h.status_fact.source is not None, h.id
        assert h.status_fact.source.id not in listed, h.id  # a list of labelled places, not of open ones
        if not set(h.sources) - listed:
            assert h.status_fact.source.id == "mission-coworking-2019" and h.status_fact.year == 2019, h.id


def test_hubs_on_the_map(atlas: Atlas) -> None:
    """At least 97 % of hubs have coordinates (commune precision allowed), each sourced."""
    placed = [h for h in atlas.hubs.values() if h.coordinates is not None]
    assert len(placed) >= 0.97 * len(atlas.hubs), (len(placed), len(atlas.hubs))
    assert all(h.coordinates_fact is not None and h.coordinates_fact.source for h in placed)
    assert {h.precision for h in placed} == {"address", "commune"}


def test_no_old_status_presented_as_current(atlas: Atlas) -> None:
    """A census place (2019) is never current: more than five years before the build date, its status is
    "to be checked"."""
    census = [h for h in atlas.hubs.values() if h.status_fact and h.status_fact.year == 2019
              and h.status != "closed"]
    assert census and all(atlas.status_is_old(h) for h in census)


def _folded(text: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", plain.casefold())


# words of a place's name that do not name it: articles, and the kinds of place every name may hold
_GENERIC = frozenset({"les", "des", "fab", "lab", "labs", "fablab", "living", "tiers", "lieu", "lieux", "espace",
                      "coworking", "numerique", "itinerant"})


def test_partnerships_are_explained(atlas: Atlas) -> None:
    """Partnerships only where a source says so: one side's description names the other (a word of its name
    that is neither an article nor a kind of place, accents and case aside)."""
    assert atlas.partnerships

    def names(description: str | None, other: str) -> bool:
        words = {w for w in _folded(other).split() if len(w) >= 4 and w not in _GENERIC}
        return bool(words) and bool(words & set(_folded(description or "").split()))

    for a, b in atlas.partnerships:
        ha, hb = atlas.hubs[a], atlas.hubs[b]
        assert names(ha.description, hb.name) or names(hb.description, ha.name), (a, b)


def test_every_fact_is_sourced(atlas: Atlas) -> None:
    facts = list(atlas.facts())
    assert facts
    unsourced = [(owner.id, path) for owner, path, fact in facts if fact.source is None]
    assert unsourced == []


def test_vocabulary_is_explained(atlas: Atlas) -> None:
    for name in ("hub_types", "services", "themes", "networks"):
        entries = atlas.vocabulary.list(name)
        assert entries, name
        for entry in entries.values():
            assert entry.label.strip() and entry.description and len(entry.description) > 20, (name, entry.id)
    assert "djersen" in atlas.vocabulary.hub_types
    assert "Jeunes Entreprises Régionales" in (atlas.vocabulary.hub_types["djersen"].description or "")
    for entry in atlas.vocabulary.networks.values():
        if entry.url:
            assert entry.url.startswith(("http://", "https://"))


@pytest.mark.parametrize("page", ["index.md", "a-propos.md", "methodologie.md", "contribuer.md", "licences.md"])
def test_content_pages(page: str) -> None:
    text = (CONTENT / page).read_text(encoding="utf-8")
    h1 = [line for line in text.splitlines() if line.startswith("# ")]
    assert len(h1) == 1, page
    # links to the hand-written pages, or to the reference pages the generator writes (checked by the strict build)
    for target in re.findall(r"\]\(([^)#]+\.md)[^)]*\)", text):
        assert (CONTENT / target).is_file() or target.startswith("reference/"), (page, target)
    assert "{{" not in text and "!!!" not in text


def test_the_licences_page_credits_every_producer_of_the_indicator_catalogue() -> None:
    """Every producer that a catalogue indicator's source names (« CNC ; Ministère de la Culture », « DGOS, CNAM ;
    DITP ») is credited on the licences page of both editions: the page once left out the Ministère de la Culture
    and the CNC, whose files give three indicators."""
    import yaml

    catalogue = yaml.safe_load((TERRITORIES / "indicators.yml").read_text(encoding="utf-8"))
    sources = yaml.safe_load((TERRITORIES / "sources.yml").read_text(encoding="utf-8"))
    producers = set()
    for entry in catalogue.values():
        if entry.get("source"):
            publisher = re.sub(r"\([^)]*\)", "", sources[entry["source"]]["publisher"])
            producers |= {name.strip() for name in re.split(r"[;,]", publisher) if name.strip()}
    assert {"INSEE", "Ministère de la Culture", "CNC"} <= producers
    for page in (CONTENT / "licences.md", CONTENT / "en" / "licences.md"):
        text = " ".join(page.read_text(encoding="utf-8").split())
        assert [p for p in sorted(producers) if p not in text and p.replace("Ministère", "ministère") not in text] \
            == [], page


def test_contributor_guide_names_the_commands() -> None:
    text = (CONTENT / "contribuer.md").read_text(encoding="utf-8")
    for command in ("atlas new territory", "atlas new hub", "atlas validate", "atlas serve", "atlas import"):
        assert command in text, command


def test_a_place_the_census_says_is_closed_is_shown_closed_with_the_year(atlas: Atlas) -> None:
    """L'Atelier du 9 is listed twice by the 2019 census, once as « (Actuellement fermé) »: closed as seen in
    2019, never « à vérifier (en activité en 2019) », and the page says when it was seen closed."""
    from generator.status_text import status_long, status_short
    from generator.views import Words

    hub = atlas.hubs["l-atelier-du-9"]
    assert hub.status == "closed" and hub.status_year == 2019 and hub.closed_in is None
    assert status_long(atlas, hub) == status_short(atlas, hub) == "Fermé (constaté en 2019)"  # cards as its page
    assert Words(atlas, "en").status_long(hub) == "Closed (observed in 2019)"


def test_la_station_seen_in_2020_by_an_article_is_not_said_recensee(atlas: Atlas) -> None:
    """La Station (Saint-Omer): its status comes from a France 3 article of 2020, not from the census, so its page
    says « En activité en 2020 — à vérifier », while a place seen only by the census stays « Recensé … »."""
    from generator.imports.census_rows import CENSUS_SOURCE, CITATION_ID
    from generator.status_text import CENSUS_SOURCES, status_long
    from generator.views import Words

    assert {CENSUS_SOURCE, CITATION_ID} == CENSUS_SOURCES  # the ids the importer and curated sheets cite it by
    station = atlas.hubs["la-station"]
    assert station.status_fact is not None and station.status_fact.source.id == "france3-la-station-2020"
    assert status_long(atlas, station) == "En activité en 2020 — à vérifier"
    assert Words(atlas, "en").status_long(station) == "Active in 2020 — to be checked"
    listed = next(h for h in atlas.hubs.values() if h.status_fact and h.status_fact.source
                  and h.status_fact.source.id == CENSUS_SOURCE and h.status == "active")
    assert status_long(atlas, listed) == "Recensé en activité en 2019 — à vérifier"
    assert Words(atlas, "en").status_long(listed) == "Listed as active in 2019 — to be checked"


def test_every_note_the_importer_wrote_reads_in_english(atlas: Atlas) -> None:
    """The English edition says the importer's notes in English (generator.import_notes): each note of the shipped
    sheets that starts as the importer writes one must be read whole, else the English pages show it in French."""
    from generator import import_notes

    starts = ("Lieu recensé en ", "Population municipale", "Superficie des contours communaux IGN")
    notes = [fact.note for _owner, _path, fact in atlas.facts() if fact.note and fact.note.startswith(starts)]
    assert len(notes) > 3000
    assert [note for note in notes if import_notes.english(note) is None] == []
