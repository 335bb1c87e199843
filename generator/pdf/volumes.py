"""The files `atlas pdf` writes: one report per territory, the atlas in volumes (one per région and
a national one), and the order the volumes are printed in.

A WeasyPrint layout holds every page of its document in memory (about 1.5 MiB a page, 10 GB for a
national atlas printed whole), hence one volume per région.
"""

from __future__ import annotations

from types import SimpleNamespace

from generator.model import Atlas
from generator.pdf.report import atlas_chapters

ATLAS_FILE = "atlas.pdf"  # the national volume of the atlas
VOLUME_PREFIX = "atlas-"  # atlas-<région id>.pdf: one volume per région


def volume_file(region_id: str | None) -> str:
    """`atlas-<région>.pdf` for a région's volume, `atlas.pdf` for the national one."""
    return f"{VOLUME_PREFIX}{region_id}.pdf" if region_id is not None else ATLAS_FILE


def volume_regions(atlas: Atlas) -> list[str]:
    """The régions that get a volume, in the atlas' order (the national volume is apart)."""
    return [region.id for region, _ in atlas_chapters(atlas) if region is not None]


def volume_rows(atlas: Atlas) -> list[SimpleNamespace]:
    """One row per région volume for the national volume's list: file, territories, hubs."""
    rows = []
    for region, entries in atlas_chapters(atlas):
        if region is None:
            continue
        ids = {e.territory.id for e in entries}
        rows.append(SimpleNamespace(region=region, file=volume_file(region.id), territories=len(ids),
                                    hubs=sum(1 for h in atlas.hubs.values() if h.territory_id in ids)))
    return rows


def output_names(atlas: Atlas) -> set[str]:
    """Every file name `atlas pdf` may write for this atlas (reports and volumes): what a site keeps."""
    return ({f"{t}.pdf" for t in atlas.territories} | {ATLAS_FILE}
            | {volume_file(r) for r in volume_regions(atlas)})


def volume_order(atlas: Atlas) -> list[str | None]:
    """Largest volumes first, so that parallel workers finish together; the national one last."""
    sizes = {region.id: len(entries) for region, entries in atlas_chapters(atlas) if region is not None}
    return [*sorted(sizes, key=lambda r: (-sizes[r], r)), None]
