"""A territory as the PDF templates see it: its lists sorted and capped, its references numbered.

The view is computed before rendering, so the templates only print what it holds.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from types import SimpleNamespace

from generator import measured
from generator.model import OLD_AFTER_YEARS, PILLARS, Atlas, Hub, Territory
from generator.pdf.citations import Citations, number_brief, number_report
from generator.pdf.inputs import REPORT_PICTURES, THEME_DIR, PictureRef, territory_picture
from generator.pdf.report import CAPS, capped, hub_type_counts, pillar_rows, territory_hubs, territory_partnerships
from generator.pdf.words import Words
from generator.text import safe_url
from generator.vocabulary import sort_key


def territory_view(atlas: Atlas, territory: Territory, pictures: Mapping[str, PictureRef], depth: int = 1,
                   scores: measured.Scores | None = None, single: bool = True,
                   words: Words | None = None) -> SimpleNamespace:
    """Everything one territory's pages show, with a fresh set of numbered references.

    Long lists are capped (generator.pdf.report.CAPS): a report describes its first hubs in full and
    lists the next ones in a table; in a volume of the atlas (`single` false) a territory lists its
    own hubs in a table only (each has its full description in its territory's report). `words`
    gives the report's language (French when None).
    """
    w = words if words is not None else Words(atlas, "fr")
    tid = territory.id
    scores = scores if scores is not None else measured.scores_of(atlas)
    hubs = territory_hubs(atlas, tid)
    own_hubs = [h for h in hubs if h.territory_id == tid]
    detailed = hubs if single else own_hubs
    details = capped(detailed, CAPS.hub_details if single else 0)
    children = sorted((atlas.territories[k] for k in atlas.children.get(tid, ())),
                      key=lambda t: (sort_key(t.name), t.id))
    view = SimpleNamespace(
        territory=territory,
        prefix=f"t-{tid}",
        depth=depth,
        single=single,
        ancestors=atlas.ancestors(tid),
        children=children,
        children_rows=capped(children, CAPS.children),
        hubs=hubs,
        own_hubs=own_hubs,
        detailed=detailed,
        hub_details=details,
        hub_rows=capped(detailed, CAPS.hub_rows, start=len(details.shown)),
        missing_pillars=[w.pillar_label(k) for k in PILLARS if k not in territory.pillars],
        hub_types=hub_type_counts(atlas, hubs),
        partnerships=capped(territory_partnerships(atlas, tid), CAPS.partnerships),
        pillar_rows=pillar_rows(territory, w.pillar_label),
        parent=atlas.parent(tid),
        measured_level=measured.has_profile(atlas, territory),
        views={v.key: v for v in measured.pillar_views(atlas, scores, territory)},
        levels_word=w.levels_word(territory.level),
        pillar_descriptions={k: w.pillar_description(k) for k in PILLARS},
        coordinates=w.position(*territory.coordinates) if territory.coordinates else "",
        updated=w.long_date(territory.updated),
        old_before=atlas.as_of.year - OLD_AFTER_YEARS,  # a fact of an earlier year is old (model.year_is_old)
        credits=_credits(hubs),
        pictures=SimpleNamespace(**{name.replace("-", "_"): pictures.get(territory_picture(tid, name))
                                    for name in REPORT_PICTURES}),
    )
    # the references are numbered now, in the order the pages print the facts: templates only print
    citations = Citations(atlas, f"t-{tid}", listed_cap=CAPS.listed_sources, lang=w.lang)
    view.citations = number_report(citations, view) if single else number_brief(citations, view)
    return view


def _credits(hubs: Sequence[Hub]) -> list[tuple[str, str | None]]:
    """(credit line, address) owed for the hubs' statuses (a census reused under Licence Ouverte asks
    to be named, with a link), in the order of theme/pdf/credits.yml."""
    used: dict[str, str | None] = {}
    for h in hubs:
        source = h.status_fact.source if h.status_fact is not None else None
        if source is not None and source.shared:
            used.setdefault(source.id, safe_url(source.url) if source.url else None)
    return [(line, used[sid]) for sid, line in _credit_lines().items() if sid in used]


@functools.lru_cache(maxsize=1)
def _credit_lines() -> dict[str, str]:
    import yaml

    data = yaml.safe_load((THEME_DIR / "credits.yml").read_text(encoding="utf-8")) or {}
    return {str(k): str(v) for k, v in data.items()}
