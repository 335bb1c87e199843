"""The specs of the charts: five-pillar profiles, hubs by type and status, years, rankings.

Each chart is a `Spec` computed from the atlas (its data, title, alt text and table, in the language
of its key: `words`); it is drawn by a drawer that sees only that spec's data (`bar_charts`,
`networks`). `keys` lists the charts an atlas has and `SPECS` says which function makes each one (see `kinds`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from generator import vocabulary
from generator.homonyms import homonyms
from generator.measured import has_profile, pillar_views, scores_of
from generator.model import PILLARS, Atlas, Territory
from generator.pictures.keys import PictureKey, both
from generator.pictures.network_specs import network_spec
from generator.pictures.spec import MUTED, OKABE_ITO, STATUS_COLOURS, Spec
from generator.pictures.words import FRENCH, N_, Words
from generator.scores import Scores
from generator.status_text import TO_CHECK, status_category
from generator.vocabulary import sort_key

ATLAS_WIDE = N_("Ensemble de l'atlas")


def _scores_text(values: list[float | None], w: Words) -> str:
    return ", ".join(f"{vocabulary.pillar_label(k, w.lang)} {w.score(v)}"
                     for k, v in zip(PILLARS, values, strict=False))


def pillars_spec(atlas: Atlas, territory_id: str, scores: Scores | None = None, w: Words = FRENCH) -> Spec:
    """The measured profile of a territory (scores 1 to 5, one decimal), beside its parent's and the
    national median of its level; a pillar with fewer than two indicators is "non mesuré", never 0."""
    scores = scores if scores is not None else scores_of(atlas)
    territory = atlas.territories[territory_id]
    views = pillar_views(atlas, scores, territory)
    parent = atlas.parent(territory_id)
    own = [v.score for v in views]
    series = [{"name": territory.name, "scores": own}]
    alt = w._("%(name)s, scores mesurés des cinq piliers (de 1 à 5) : %(scores)s.", name=territory.name,
              scores=_scores_text(own, w))
    headers: tuple[str, ...] = (w._("Pilier"), territory.name)
    theirs = [v.parent_score for v in views]
    if parent is not None and scores.profile(parent.id) is not None and any(x is not None for x in theirs):
        series.append({"name": f"{parent.name} ({_level_word(parent, w)})", "scores": theirs})
        alt += " " + w._("Pour comparaison, %(name)s (%(level)s) : %(scores)s.", name=parent.name,
                         level=_level_word(parent, w), scores=_scores_text(theirs, w))
        headers += (parent.name,)
    medians = [v.median for v in views]
    if any(x is not None for x in medians):
        label = w._("Médiane des %(levels)s", levels=w.levels(territory.level))
        series.append({"name": label, "scores": medians, "median": True})
        alt += f" {label}{w._(' : ')}{_scores_text(medians, w)}."
        headers += (label,)
    rows = tuple((vocabulary.pillar_label(k, w.lang), *(w.score(s["scores"][i]) for s in series))
                 for i, k in enumerate(PILLARS))
    return Spec(
        key=PictureKey("territory", territory_id, "pillars", lang=w.lang).text, kind="pillars",
        title=w._("Profil mesuré des cinq piliers : %(name)s", name=territory.name), alt=alt,
        table_headers=headers, table_rows=rows,
        data={"labels": [vocabulary.pillar_label(k, w.lang) for k in PILLARS], "series": series,
              "words": {"scale": w._("Score mesuré (1 à 5)"), "not_measured": w._("non mesuré")}, "lang": w.lang},
    )


def _type_counts(atlas: Atlas, hub_ids: tuple[str, ...], w: Words = FRENCH) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter(t for h in hub_ids for t in atlas.hubs[h].types)
    order = list(atlas.vocabulary.hub_types)
    # the vocabulary's `en:` label in English, as on the English pages
    labelled = [(w.vocab(atlas.vocabulary, "hub_types", t), n, order.index(t) if t in order else len(order))
                for t, n in counts.items()]
    labelled.sort(key=lambda item: (-item[1], item[2], sort_key(item[0])))
    return [(label, n) for label, n, _ in labelled]


def hubs_by_type_spec(atlas: Atlas, key: str, hub_ids: tuple[str, ...], where: str, w: Words = FRENCH) -> Spec:
    """How many hubs of each type (a hub with two types counts in both)."""
    counts = _type_counts(atlas, hub_ids, w)
    several = any(len(atlas.hubs[h].types) > 1 for h in hub_ids)
    note = w._(" ; un lieu peut avoir plusieurs types") if several else ""
    listed = [f"{label} {w.number(n)}" for label, n in counts]
    alt = (w._("%(where)s, lieux d'innovation par type (%(count)s%(note)s) : ", where=where,
               count=w.nwords(len(hub_ids), "%(n)s lieu", "%(n)s lieux"), note=note)
           + w.capped(listed, "%(n)s type", "%(n)s types") + ".")
    # said in the caption too: the bars add up to more than the places (1,759 for 1,636 on the shipped atlas)
    title = (w._("Lieux d'innovation par type : %(where)s (un lieu peut avoir plusieurs types)", where=where)
             if several else w._("Lieux d'innovation par type : %(where)s", where=where))
    return Spec(
        key=key, kind="bars", title=title, alt=alt,
        table_headers=(w._("Type de lieu"), w._("Nombre de lieux")),
        table_rows=tuple((label, w.number(n)) for label, n in counts),
        data={"labels": [label for label, _ in counts], "values": [n for _, n in counts],
              "colours": [OKABE_ITO[0]] * len(counts), "xlabel": w._("Nombre de lieux"), "lang": w.lang},
    )


STATUS_CATEGORIES = ("active", TO_CHECK, "project", "closed")


def _status_label(category: str, w: Words = FRENCH) -> str:
    return w._("À vérifier (statut ancien)") if category == TO_CHECK else vocabulary.status_label(category, w.lang)


def hubs_by_status_spec(atlas: Atlas, key: str, hub_ids: tuple[str, ...], where: str, w: Words = FRENCH) -> Spec:
    """How many hubs are active, to check (an open or planned status whose source is more than five
    years old, never counted as current), in project or closed; every category shown, zeros included."""
    counts = Counter(status_category(atlas, atlas.hubs[h]) for h in hub_ids)
    parts = [f"{_status_label(s, w).lower()} {w.number(counts[s])}" for s in STATUS_CATEGORIES]
    alt = w._("%(where)s, lieux d'innovation par statut (%(count)s) : %(parts)s.", where=where,
              count=w.nwords(len(hub_ids), "%(n)s lieu", "%(n)s lieux"), parts=w.enumerate(parts))
    colours = {**STATUS_COLOURS, TO_CHECK: MUTED}
    return Spec(
        key=key, kind="bars", title=w._("Lieux d'innovation par statut : %(where)s", where=where), alt=alt,
        table_headers=(w._("Statut"), w._("Nombre de lieux")),
        table_rows=tuple((_status_label(s, w), w.number(counts[s])) for s in STATUS_CATEGORIES),
        data={"labels": [_status_label(s, w) for s in STATUS_CATEGORIES],
              "values": [counts[s] for s in STATUS_CATEGORIES],
              "colours": [colours[s] for s in STATUS_CATEGORIES], "xlabel": w._("Nombre de lieux"), "lang": w.lang},
    )


def founded_spec(atlas: Atlas, w: Words = FRENCH) -> Spec:
    """Hubs founded per year, every year between the first and the last shown (zeros included)."""
    years = Counter(h.founded for h in atlas.hubs.values() if h.founded is not None)
    unknown = sum(1 for h in atlas.hubs.values() if h.founded is None)  # counted: a rename does not make it again
    span = list(range(min(years), max(years) + 1))
    counted = [f"{y}{w._(' : ')}{w.number(years[y])}" for y in span if years[y]]
    alt = (w._("Lieux d'innovation créés par année, de %(first)s à %(last)s : ", first=span[0], last=span[-1])
           + w.capped(counted, "%(n)s année", "%(n)s années") + ".")
    if unknown:
        alt += " " + w._("%(count)s sans année de création connue.",
                         count=w.nwords(unknown, "%(n)s lieu", "%(n)s lieux"))
    # the caption says how few places the chart counts: 25 of the shipped atlas's 1,510 give their year
    title = w._("Lieux d'innovation créés par année") if not unknown else w._(
        "Lieux d'innovation créés par année (année connue pour %(known)s sur %(total)s)",
        known=w.nwords(len(atlas.hubs) - unknown, "%(n)s lieu", "%(n)s lieux"), total=w.number(len(atlas.hubs)))
    return Spec(
        key=PictureKey("home", "", "founded", lang=w.lang).text, kind="years",
        title=title, alt=alt,
        table_headers=(w._("Année"), w._("Lieux créés")),
        table_rows=tuple((str(y), w.number(years[y])) for y in span),
        data={"years": span, "values": [years[y] for y in span], "lang": w.lang,
              "words": {"ylabel": w._("Lieux créés"), "title": w._("Lieux créés par année")}},
    )


RANKING_CHART_MAX = 30  # above this, a pillar's ranking is a table and a choropleth map, not bars


def ranking_spec(atlas: Atlas, pillar: str, level: str, scores: Scores | None = None, w: Words = FRENCH) -> Spec:
    """Territories of one level ranked by their measured score on one pillar; the unmeasured named apart."""
    scores = scores if scores is not None else scores_of(atlas)
    territories = atlas.by_level(level)
    told = homonyms(atlas, w.lang)  # « CC des Quatre Rivières (Haute-Savoie) », two EPCI of that name
    measured = []
    for t in territories:
        prof = scores.profile(t.id)
        value = prof.pillars.get(pillar) if prof else None
        if value is not None:
            measured.append((value, told.get(t.id, t.name), t.id))
    measured.sort(key=lambda item: (-item[0], sort_key(item[1]), item[2]))
    ranked_ids = {r[2] for r in measured}
    unmeasured = sorted((told.get(t.id, t.name) for t in territories if t.id not in ranked_ids), key=sort_key)
    ranks: list[int] = []
    for i, (value, _, _) in enumerate(measured):
        ranks.append(ranks[-1] if i and value == measured[i - 1][0] else i + 1)
    shared = Counter(ranks)  # ties share the best rank: « 3 ex aequo »
    label = vocabulary.pillar_label(pillar, w.lang)
    what = w.levels(level)
    ranked = [f"{name} {w.score(v)}" for v, name, _ in measured]
    alt = (w._("Classement des %(levels)s selon le score mesuré du pilier %(pillar)s (de 1 à 5) : ", levels=what,
               pillar=label)
           + w.capped(ranked, "%(n)s territoire", "%(n)s territoires") + ".")
    if unmeasured:
        alt += " " + w._("Non mesurés : %(names)s.",
                         names=w.capped(unmeasured, "%(n)s territoire", "%(n)s territoires"))
    return Spec(
        key=PictureKey("pillar", pillar, level, lang=w.lang).text, kind="ranking",
        title=w._("Classement des %(levels)s : %(pillar)s (score mesuré)", levels=what, pillar=label), alt=alt,
        table_headers=(w._("Rang"), w._("Territoire"), w._("Score mesuré")),
        table_rows=tuple((f"{rank} {w._('ex aequo')}" if shared[rank] > 1 else str(rank), name, w.score(v))
                         for rank, (v, name, _) in zip(ranks, measured, strict=False)),
        data={"labels": [name for _, name, _ in measured], "values": [v for v, _, _ in measured],
              "xlabel": w._("Score mesuré (1 à 5)"), "lang": w.lang},
    )


def _level_word(territory: Territory, w: Words = FRENCH) -> str:
    if w.lang == "fr":
        return territory.level_label.lower().replace("(epci)", "(EPCI)")
    return vocabulary.level_label(territory.level, w.lang).lower().replace("(epci)", "(EPCI)")


# a territory's charts of its hubs by type and by status start at two hubs: one hub drew a single bar on a 0-1 axis,
# which its list (type and status beside its name) already says
CHARTED_FROM = 2


def keys(atlas: Atlas) -> list[PictureKey]:
    """Every chart that has something to show for this atlas (with the phone variants of those that have one)."""
    out: list[PictureKey] = []
    if atlas.hubs:
        out += both(PictureKey.home("hubs-by-type")) + both(PictureKey.home("hubs-by-status"))
    if any(h.founded is not None for h in atlas.hubs.values()):
        out += both(PictureKey.home("founded"))
    if atlas.partnerships:
        out.append(PictureKey.home("network"))
    scores = scores_of(atlas)
    for tid, t in atlas.territories.items():
        if has_profile(atlas, t):
            out += both(PictureKey("territory", tid, "pillars"))
        hubs = atlas.hubs_within(tid)
        if len(hubs) >= CHARTED_FROM:
            out += [*both(PictureKey("territory", tid, "hubs-by-type")),
                    *both(PictureKey("territory", tid, "hubs-by-status"))]
        if any(h in atlas.partners_of for h in hubs):
            out.append(PictureKey("territory", tid, "network"))
    for pillar in PILLARS:
        for level in sorted({p.level for p in scores.profiles.values() if p.pillars.get(pillar) is not None}):
            if len(atlas.by_level(level)) <= RANKING_CHART_MAX:
                out += both(PictureKey("pillar", pillar, level))
    return out


def _hubs_of(atlas: Atlas, key: PictureKey) -> tuple[tuple[str, ...], str]:
    """The hubs a chart counts and where they are: the whole atlas, or a territory and what it holds."""
    if key.scope == "home":
        return tuple(atlas.hubs), Words(key.lang)._(ATLAS_WIDE)
    return atlas.hubs_within(atlas.territories[key.subject].id), atlas.territories[key.subject].name


def _by_type(atlas: Atlas, key: PictureKey) -> Spec:
    return hubs_by_type_spec(atlas, key.text, *_hubs_of(atlas, key), w=Words(key.lang))


def _by_status(atlas: Atlas, key: PictureKey) -> Spec:
    return hubs_by_status_spec(atlas, key.text, *_hubs_of(atlas, key), w=Words(key.lang))


def _network(atlas: Atlas, key: PictureKey) -> Spec:
    hubs, where = _hubs_of(atlas, key)
    w = Words(key.lang)
    title = (w._("Réseau national des lieux d'innovation") if key.scope == "home"
             else w._("Réseau des lieux d'innovation : %(where)s", where=where))
    return network_spec(atlas, key.text, hubs, title, w)


# which function makes the spec of each chart: (scope, name), "*" for any name (a ranking's level)
SPECS: dict[tuple[str, str], Callable[[Atlas, PictureKey], Spec | None]] = {
    ("home", "hubs-by-type"): _by_type,
    ("home", "hubs-by-status"): _by_status,
    ("home", "founded"): lambda atlas, key: founded_spec(atlas, Words(key.lang)),
    ("home", "network"): _network,
    ("territory", "pillars"): lambda atlas, key: pillars_spec(atlas, atlas.territories[key.subject].id,
                                                              w=Words(key.lang)),
    ("territory", "hubs-by-type"): _by_type,
    ("territory", "hubs-by-status"): _by_status,
    ("territory", "network"): _network,
    ("pillar", "*"): lambda atlas, key: ranking_spec(atlas, key.subject, key.name, w=Words(key.lang)),
}
