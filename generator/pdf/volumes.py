"""The files `atlas pdf` writes: one report per territory, the atlas in volumes (one per région and
a national one), in French (`doubs.pdf`) or English (`doubs.en.pdf`: both sit in one folder), and
the order the volumes are printed in; and, from the names of the files a site publishes, which
reports its pages may link (`published`).

A WeasyPrint layout holds every page of its document in memory (about 1.5 MiB a page, 10 GB for a
national atlas printed whole), hence one volume per région.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from types import SimpleNamespace

from generator.model import Atlas
from generator.pdf.report import atlas_chapters
from generator.pdf.words import LANGS

ATLAS_FILE = "atlas.pdf"  # the national volume of the atlas
VOLUME_PREFIX = "atlas-"  # atlas-<région id>.pdf: one volume per région


def _suffix(lang: str) -> str:
    # ids are slugs (no dot), so `<id>.en.pdf` never names another territory's French report
    return ".pdf" if lang == "fr" else f".{lang}.pdf"


def report_file(territory_id: str, lang: str = "fr") -> str:
    """`<id>.pdf` for a territory's French report, `<id>.en.pdf` for its English one."""
    return f"{territory_id}{_suffix(lang)}"


def volume_file(region_id: str | None, lang: str = "fr") -> str:
    """`atlas-<région>.pdf` for a région's volume, `atlas.pdf` for the national one (`.en.pdf` in English)."""
    stem = f"{VOLUME_PREFIX}{region_id}" if region_id is not None else ATLAS_FILE.removesuffix(".pdf")
    return stem + _suffix(lang)


def volume_regions(atlas: Atlas) -> list[str]:
    """The régions that get a volume, in the atlas' order (the national volume is apart)."""
    return [region.id for region, _ in atlas_chapters(atlas) if region is not None]


def volume_rows(atlas: Atlas, lang: str = "fr") -> list[SimpleNamespace]:
    """One row per région volume for the national volume's list: file, territories, hubs."""
    rows = []
    for region, entries in atlas_chapters(atlas):
        if region is None:
            continue
        ids = {e.territory.id for e in entries}
        rows.append(SimpleNamespace(region=region, file=volume_file(region.id, lang), territories=len(ids),
                                    hubs=sum(1 for h in atlas.hubs.values() if h.territory_id in ids)))
    return rows


def output_names(atlas: Atlas, langs: Iterable[str] = LANGS) -> set[str]:
    """Every file name `atlas pdf` may write for this atlas (reports and volumes, in every language):
    what a site keeps."""
    regions = [*volume_regions(atlas), None]
    return {name for lang in langs
            for name in [report_file(t, lang) for t in atlas.territories] + [volume_file(r, lang) for r in regions]}


@dataclass(frozen=True)
class Published:
    """The reports a site publishes, as its pages link them: ids with a report, the national volume."""

    territories: frozenset[str]  # ids whose French report is published
    territories_en: frozenset[str]  # ids whose English report is published
    atlas: str | None  # file name of the French national volume, when published
    atlas_en: str | None


def published(atlas: Atlas, names: Iterable[str]) -> Published:
    """Which reports the pages may link, from the file names published (the paths `write_reports`
    returned and the reports kept from earlier runs): no folder is read here."""
    names = set(names)
    return Published(
        territories=frozenset(t for t in atlas.territories if report_file(t) in names),
        territories_en=frozenset(t for t in atlas.territories if report_file(t, "en") in names),
        atlas=ATLAS_FILE if ATLAS_FILE in names else None,
        atlas_en=volume_file(None, "en") if volume_file(None, "en") in names else None,
    )


def volume_order(atlas: Atlas) -> list[str | None]:
    """Largest volumes first, so that parallel workers finish together; the national one last."""
    sizes = {region.id: len(entries) for region, entries in atlas_chapters(atlas) if region is not None}
    return [*sorted(sizes, key=lambda r: (-sizes[r], r)), None]


def report_order(atlas: Atlas, territory_ids: list[str]) -> list[str]:
    """Territory reports largest first (by the hubs and territories they list: a région's report is about 30
    pages, an intercommunalité's 9), so that parallel workers finish together: in the atlas' order the
    largest reports (Île-de-France, Paris…) came last and one worker finished them alone."""
    def size(tid: str) -> int:
        return len(atlas.hubs_within(tid)) + len(atlas.children.get(tid, ()))

    return sorted(territory_ids, key=lambda tid: -size(tid))  # stable: ties keep the given order

