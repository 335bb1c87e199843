"""PDF reports built offline: one "état des lieux" per territory, and the whole atlas as one PDF.

The same model as the site goes through Jinja HTML templates and a print stylesheet in
`theme/pdf/`, then WeasyPrint. Everything WeasyPrint reads comes from two folders: the theme and a
private build folder holding the pictures and the fonts (DejaVu, copied from matplotlib's own
data); a restricted URL fetcher refuses anything else, so a report never touches the network.
Reports are tagged PDF/UA by default (`--pdf-variant` for PDF/A), in French, with French spacing.
"""

from __future__ import annotations

import argparse
import copyreg
import difflib
import functools
import io
import logging
import os
import pickle
import shutil
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType, SimpleNamespace
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from generator import formats, measured, status_text
from generator.citation import Citer, configured_site_url
from generator.errors import AtlasError
from generator.faults import FolderLock, remove_leftovers, temporary_name, worker_pool, workers_for_memory, writing
from generator.model import PILLAR_DESCRIPTIONS, PILLAR_LABELS, PILLARS, Atlas, Hub, Territory
from generator.pdf_report import (
    CAPS,
    Citations,
    atlas_chapters,
    capped,
    clip_text,
    hub_type_counts,
    more_text,
    pillar_rows,
    territory_hubs,
    territory_partnerships,
)
from generator.text import render_markdown, safe_url

THEME_DIR = Path(__file__).resolve().parent.parent / "theme" / "pdf"
DEFAULT_VARIANT = "pdf/ua-1"
ATLAS_FILE = "atlas.pdf"  # the national volume of the atlas
VOLUME_PREFIX = "atlas-"  # atlas-<région id>.pdf: one volume per région
WORKER_MEMORY = 1 << 30  # the peak a report may reach (issue 12: under 1 GiB); sizes the worker count
VOLUME_MEMORY = 2 << 30  # the peak a région volume may reach (issue 11: under 2 GiB per worker)

# (CSS family, weight, style, file in matplotlib's mpl-data/fonts/ttf). DejaVu: Bitstream Vera
# licence plus public-domain changes; the licence file is copied beside the fonts.
FONT_FACES: tuple[tuple[str, str, str, str], ...] = (
    ("Atlas Serif", "normal", "normal", "DejaVuSerif.ttf"),
    ("Atlas Serif", "bold", "normal", "DejaVuSerif-Bold.ttf"),
    ("Atlas Serif", "normal", "italic", "DejaVuSerif-Italic.ttf"),
    ("Atlas Serif", "bold", "italic", "DejaVuSerif-BoldItalic.ttf"),
    ("Atlas Sans", "normal", "normal", "DejaVuSans.ttf"),
    ("Atlas Sans", "bold", "normal", "DejaVuSans-Bold.ttf"),
    ("Atlas Sans", "normal", "italic", "DejaVuSans-Oblique.ttf"),
    ("Atlas Mono", "normal", "normal", "DejaVuSansMono.ttf"),
)
FONT_LICENCE = "LICENSE_DEJAVU"


# ---- inputs: variant, ids, pictures ---------------------------------------------------------------

def pdf_variants() -> tuple[str, ...]:
    """The PDF variants the installed WeasyPrint knows (`pdf/ua-1`, `pdf/a-3u`, ...)."""
    from weasyprint.pdf import VARIANTS

    return tuple(sorted(name for name in VARIANTS if name.startswith("pdf/")))  # not "debug"


def check_variant(variant: str | None) -> str:
    """The variant to use, or a clear error naming the nearest known ones."""
    variant = variant or DEFAULT_VARIANT
    known = pdf_variants()
    if variant not in known:
        near = difflib.get_close_matches(variant, known, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise AtlasError(f"unknown PDF variant {variant!r}{hint} (known: {', '.join(known)})")
    return variant


def check_territory_ids(atlas: Atlas, ids: Sequence[str]) -> list[str]:
    """The ids in the given order without repeats; an unknown id is an error with "did you mean"."""
    out: list[str] = []
    problems: list[str] = []
    for tid in ids:
        if tid in atlas.territories:
            if tid not in out:
                out.append(tid)
            continue
        near = difflib.get_close_matches(tid, list(atlas.territories), n=3, cutoff=0.6)
        by_name = [t.id for t in atlas.territories.values() if t.name.casefold() == tid.casefold()]
        near = list(dict.fromkeys(by_name + near))
        hint = f" (did you mean {', '.join(near)}?)" if near else " (run `atlas stats` to list the territories)"
        problems.append(f"no territory with id {tid!r}{hint}")
    if problems:
        raise AtlasError("; ".join(problems))
    return out


@dataclass(frozen=True)
class PictureRef:
    """A picture written into the build folder: its relative URL, its title and its text alternative."""

    url: str
    title: str
    alt: str


# In the whole-atlas edition only régions and départements carry their charts and locator map: a
# WeasyPrint layout holds every page in memory (about 1.5 MiB a page), pictures take about a third of
# the pages, and a national atlas has ten times more intercommunalités than départements. Their data
# tables stay; the pictures of every territory are in its own report.
ATLAS_PICTURE_LEVELS = ("region", "departement")


def picture_keys(territory_ids: Sequence[str], whole_atlas: bool) -> list[str]:
    """The picture keys the reports use (generator.pictures draws them)."""
    keys = []
    for tid in territory_ids:
        keys += [f"territory/{tid}/pillars", f"territory/{tid}/locator", f"territory/{tid}/hubs-by-type"]
    if whole_atlas:
        keys.append("home/map")
    return keys


def atlas_picture_ids(atlas: Atlas) -> list[str]:
    """The territories whose pictures the whole-atlas edition shows (see ATLAS_PICTURE_LEVELS)."""
    return [tid for tid, t in atlas.territories.items() if t.level in ATLAS_PICTURE_LEVELS]


def draw_report_pictures(atlas: Atlas, keys: Sequence[str], jobs: int | None) -> dict[str, Any]:
    """Charts and maps for the reports, or none when the pictures module is not there.

    The reports carry their data tables anyway, so a missing picture costs an illustration, not
    information.
    """
    try:
        from generator.pictures import draw_pictures
        from generator.pictures import picture_keys as existing_keys
    except ModuleNotFoundError as error:
        if error.name not in ("generator.pictures",):
            raise
        return {}
    existing = set(existing_keys(atlas))  # e.g. no hubs-by-type chart for a territory without hubs
    wanted = [key for key in keys if key in existing]
    if not wanted:
        return {}
    return dict(draw_pictures(atlas, keys=wanted, jobs=jobs, progress=True))


def _picture_file(key: str) -> str:
    name = "".join(c if c.isalnum() or c in "-_" else "--" for c in key)
    return f"{name[:150]}.svg"


def prepare_build_folder(folder: Path, pictures: Mapping[str, Any]) -> dict[str, PictureRef]:
    """Write the fonts (with their licence) and the pictures WeasyPrint may read, return the refs."""
    fonts = folder / "fonts"
    fonts.mkdir(parents=True, exist_ok=True)
    source = _font_dir()
    for *_, name in FONT_FACES:
        shutil.copyfile(source / name, fonts / name)
    if (source / FONT_LICENCE).is_file():
        shutil.copyfile(source / FONT_LICENCE, fonts / FONT_LICENCE)
    refs: dict[str, PictureRef] = {}
    folder_pictures = folder / "pictures"
    folder_pictures.mkdir(exist_ok=True)
    for key in sorted(pictures):
        picture = pictures[key]
        name = _picture_file(key)
        (folder_pictures / name).write_bytes(picture.svg)
        refs[key] = PictureRef(f"pictures/{name}", str(picture.title), str(picture.alt))
    return refs


def _font_dir() -> Path:
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    missing = [name for *_, name in FONT_FACES if not (folder / name).is_file()]
    if missing:
        raise AtlasError(f"the DejaVu fonts are missing from {folder} ({', '.join(missing)}); reinstall matplotlib")
    return folder


# ---- volumes of the whole atlas -------------------------------------------------------------------

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


def _volume_order(atlas: Atlas) -> list[str | None]:
    """Largest volumes first, so that parallel workers finish together; the national one last."""
    sizes = {region.id: len(entries) for region, entries in atlas_chapters(atlas) if region is not None}
    return [*sorted(sizes, key=lambda r: (-sizes[r], r)), None]


# ---- the model as the templates see it -----------------------------------------------------------

def _coordinates(lat: float, lon: float) -> str:
    ns = "N" if lat >= 0 else "S"
    ew = "E" if lon >= 0 else "O"
    return (f"{formats.number(abs(lat), 4)}°{formats.NBSP}{ns}, "
            f"{formats.number(abs(lon), 4)}°{formats.NBSP}{ew}")


def territory_view(atlas: Atlas, territory: Territory, pictures: Mapping[str, PictureRef], depth: int = 1,
                   scores: measured.Scores | None = None, single: bool = True) -> SimpleNamespace:
    """Everything one territory's pages show, with a fresh set of numbered references.

    Long lists are capped (generator.pdf_report.CAPS): a report describes its first hubs in full and
    lists the next ones in a table; in a volume of the atlas (`single` false) a territory lists its
    own hubs in a table only (each has its full description in its territory's report).
    """
    tid = territory.id
    scores = scores if scores is not None else measured.scores_of(atlas)
    hubs = territory_hubs(atlas, tid)
    own_hubs = [h for h in hubs if h.territory_id == tid]
    detailed = hubs if single else own_hubs
    details = capped(detailed, CAPS.hub_details if single else 0)
    children = sorted((atlas.territories[k] for k in atlas.children.get(tid, ())),
                      key=lambda t: (t.name.casefold(), t.id))
    return SimpleNamespace(
        territory=territory,
        prefix=f"t-{tid}",
        depth=depth,
        single=single,
        citations=Citations(atlas, f"t-{tid}", listed_cap=CAPS.listed_sources),
        ancestors=atlas.ancestors(tid),
        children=children,
        children_rows=capped(children, CAPS.children),
        hubs=hubs,
        own_hubs=own_hubs,
        detailed=detailed,
        hub_details=details,
        hub_rows=capped(detailed, CAPS.hub_rows, start=len(details.shown)),
        missing_pillars=[PILLAR_LABELS[k] for k in PILLARS if k not in territory.pillars],
        hub_types=hub_type_counts(atlas, hubs),
        partnerships=capped(territory_partnerships(atlas, tid), CAPS.partnerships),
        pillar_rows=pillar_rows(territory),
        parent=atlas.parent(tid),
        measured_level=measured.has_profile(atlas, territory),
        views={v.key: v for v in measured.pillar_views(atlas, scores, territory)},
        levels_word=measured.levels_word(territory.level),
        pillar_descriptions=PILLAR_DESCRIPTIONS,
        coordinates=_coordinates(*territory.coordinates) if territory.coordinates else "",
        updated=formats.long_date(territory.updated),
        old_before=atlas.as_of.year - 5,
        credits=_credits(hubs),
        pictures=SimpleNamespace(
            pillars=pictures.get(f"territory/{tid}/pillars"),
            locator=pictures.get(f"territory/{tid}/locator"),
            hubs_by_type=pictures.get(f"territory/{tid}/hubs-by-type"),
        ),
    )


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


def _environment(atlas: Atlas) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(THEME_DIR)),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.do"],
    )
    citer = Citer(atlas, configured_site_url())

    def page_path(item: Territory | Hub) -> str:
        return citer.territory(item).path if isinstance(item, Territory) else citer.hub(item).path

    def site_link(item: Territory | Hub) -> Markup:
        """"voir le site" and the page's address (a link when the site's address is configured)."""
        path = page_path(item)
        if citer.site_url:
            url = citer.site_url + path
            return Markup('<a href="{0}">voir le site</a>, <span class="url">{0}</span>').format(url)
        return Markup('voir le site, page <span class="url">{0}</span>').format(path)

    def more(rest: int, kind: str, item: Territory | Hub) -> Markup:
        """The line after a capped list: `12 autres pôles : voir le site, page territoires/x/`."""
        if rest <= 0:
            return Markup("")
        return Markup('<p class="more">{0} : {1}</p>').format(more_text(rest, kind), site_link(item))

    def md_clipped(text: str | None, item: Territory | Hub) -> Markup:
        """A Markdown field, cut past CAPS.text_chars with a line saying where the whole text is."""
        clipped, rest = clip_text(text, CAPS.text_chars)
        html = Markup(render_markdown(clipped))
        if rest:
            html += Markup('<p class="more">Texte abrégé ({0} caractères de plus) : {1}</p>').format(
                formats.number(rest), site_link(item))
        return html

    env.filters["md"] = md_clipped
    env.globals.update(
        citation=citer,  # theme/pdf/_citation.html.j2
        caps=CAPS,
        capped=capped,
        more=more,
        more_text=more_text,
        site_link=site_link,
        vocab=atlas.vocabulary.label,
        territory_name=lambda tid: atlas.territories[tid].name if tid in atlas.territories else tid,
        hub_count=lambda tid: len(atlas.hubs_within(tid)),
        pillar_label=lambda key: PILLAR_LABELS.get(key, key),
        safe_url=safe_url,
        long_date=formats.long_date,
        number=formats.number,
        counted=lambda n, one, many: f"{formats.number(n)} {one if n == 1 else many}",
        score_text=measured.score_text,
        score_out_of=measured.score_out_of,
        rank_text=measured.rank_text,
        value_text=measured.value_text,
        level_word=measured.level_word,
        levels_word=measured.levels_word,
        of_level=measured.of_level,
        status_long=lambda h: status_text.status_long(atlas, h),
        year_fact=status_text.year_fact,
    )
    return env


# ---- rendering ------------------------------------------------------------------------------------

class Renderer:
    """One per process: templates, stylesheets, fonts and the fetcher are loaded once and reused."""

    def __init__(self, atlas: Atlas, build_dir: Path, pictures: Mapping[str, PictureRef], variant: str,
                 scores: measured.Scores | None = None) -> None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        from generator.pdf_fetcher import LocalFetcher

        # WeasyPrint's errors (a refused URL, an image that can't be read) stay visible; its
        # warnings about CSS it ignores are noise for the people building reports.
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        self.atlas = atlas
        self.scores = scores if scores is not None else measured.scores_of(atlas)
        self.build_dir = build_dir
        self.pictures = dict(pictures)
        self.variant = variant
        self.env = _environment(atlas)
        self.fetcher = LocalFetcher([THEME_DIR, build_dir])
        self.fonts = FontConfiguration()
        faces = "\n".join(
            f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: {style}; '
            f'src: url("fonts/{name}"); }}'
            for family, weight, style, name in FONT_FACES
        )
        self.stylesheets = [
            CSS(string=faces, base_url=_dir_url(build_dir), url_fetcher=self.fetcher, font_config=self.fonts),
            CSS(filename=str(THEME_DIR / "report.css"), url_fetcher=self.fetcher, font_config=self.fonts),
        ]

    def _page(self, template: str, **context: Any) -> str:
        as_of = self.atlas.as_of
        return self.env.get_template(template).render(
            edition=formats.long_date(as_of), as_of_iso=as_of.isoformat(), **context)

    def territory_html(self, territory_id: str) -> str:
        """The HTML of one territory's report (escaped, before French spacing)."""
        territory = self.atlas.territories[territory_id]
        view = territory_view(self.atlas, territory, self.pictures, scores=self.scores)
        level = territory.level_label.lower() if territory.level != "epci" else "intercommunalité"
        return self._page(
            "territory.html.j2",
            v=view,
            title=f"{territory.name} — état des lieux",
            description=f"État des lieux de {territory.name} ({level}) dans l’atlas des territoires de demain",
            body_class="report",
        )

    def volume_html(self, region_id: str | None) -> str:
        """The HTML of one volume of the atlas: a région's (`region_id`) or the national one (None).

        A WeasyPrint layout holds every page of its document in memory, so the whole atlas of a
        national edition (about 1.5 MiB a page, 10 GB at 1,375 territories) is printed as one
        volume per région, each a tagged PDF of its own with its outline, plus a national volume:
        the map, the list of volumes and the territories that have no région.
        """
        chapters = []
        no_pictures: dict[str, PictureRef] = {}
        all_chapters = atlas_chapters(self.atlas)
        for region, entries in all_chapters:
            if (region.id if region is not None else None) != region_id:
                continue
            views = [territory_view(self.atlas, e.territory,
                                    self.pictures if e.territory.level in ATLAS_PICTURE_LEVELS else no_pictures,
                                    e.depth, self.scores, single=False) for e in entries]
            if region is not None:
                chapters.append(SimpleNamespace(region=region, id=f"t-{region.id}", title=region.name,
                                                views=views, toc_views=views[1:]))
            else:
                chapters.append(SimpleNamespace(region=None, id="autres-territoires", title="Autres territoires",
                                                views=views, toc_views=views))
        # the cover counts what the volume covers: its région, or the whole atlas for the national one
        covered = [e.territory for r, entries in all_chapters for e in entries
                   if region_id is None or (r is not None and r.id == region_id)]
        ids = {t.id for t in covered}
        hub_ids = {h.id for h in self.atlas.hubs.values() if h.territory_id in ids}
        counts = SimpleNamespace(
            territories=len(covered), hubs=len(hub_ids),
            partnerships=sum(1 for a, b in self.atlas.partnerships if a in hub_ids or b in hub_ids),
            without_pictures=sum(t.level not in ATLAS_PICTURE_LEVELS for t in covered))
        region = self.atlas.territories[region_id] if region_id is not None else None
        title = "Atlas des territoires de demain" + (f" — {region.name}" if region else "")
        return self._page(
            "atlas.html.j2",
            chapters=chapters,
            counts=counts,
            region=region,
            volumes=[] if region else volume_rows(self.atlas),
            home_map=None if region else self.pictures.get("home/map"),
            title=title,
            description=(f"L’atlas des territoires de demain, volume {region.name} : territoires, pôles "
                         "d’innovation et partenariats" if region else
                         "L’atlas des territoires de demain, volume national : carte, volumes régionaux "
                         "et territoires hors région"),
            body_class="atlas",
        )

    def atlas_html(self) -> str:
        """The national volume (see volume_html)."""
        return self.volume_html(None)

    def render(self, source: str) -> bytes:
        """HTML -> PDF bytes, with French spacing applied to the parsed text nodes only."""
        from weasyprint import HTML

        from generator.typography import apply_french_spacing

        document = HTML(string=source, base_url=_dir_url(self.build_dir), url_fetcher=self.fetcher)
        apply_french_spacing(document.etree_element)
        return document.write_pdf(
            stylesheets=self.stylesheets,
            font_config=self.fonts,
            pdf_variant=self.variant,
            pdf_tags=True,  # tagged in every variant: PDF/A-3u is archival, not accessible, on its own
        )

    def territory_pdf(self, territory_id: str) -> bytes:
        return self.render(self.territory_html(territory_id))

    def atlas_pdf(self) -> bytes:
        return self.render(self.atlas_html())

    def volume_pdf(self, region_id: str | None) -> bytes:
        return self.render(self.volume_html(region_id))


def _dir_url(folder: Path) -> str:
    return folder.resolve().as_uri() + "/"


# ---- parallel work --------------------------------------------------------------------------------

def _proxy(mapping: dict) -> MappingProxyType:
    return MappingProxyType(mapping)


def dump_atlas(atlas: Any) -> bytes:
    """The atlas (or the atlas and its scores) as bytes for worker processes (read-only mappings are
    not picklable on their own)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = copyreg.dispatch_table.copy()
    pickler.dispatch_table[MappingProxyType] = lambda m: (_proxy, (dict(m),))
    pickler.dump(atlas)
    return buffer.getvalue()


_WORKER: Renderer | None = None


def _init_worker(atlas_bytes: bytes, build_dir: str, pictures: dict[str, PictureRef], variant: str) -> None:
    global _WORKER
    # WeasyPrint's font configuration makes a temporary folder that a pool worker never removes (its
    # finalizer does not run when the worker exits): keep it inside the build folder, which is removed
    scratch = Path(build_dir) / f"tmp-{os.getpid()}"
    scratch.mkdir(exist_ok=True)
    tempfile.tempdir = str(scratch)
    atlas, scores = pickle.loads(atlas_bytes)  # scored once in the parent, never again per worker
    _WORKER = Renderer(atlas, Path(build_dir), pictures, variant, scores)


def _work(task: tuple[str, str | None]) -> tuple[str, bytes]:
    assert _WORKER is not None
    kind, tid = task
    if kind == "atlas":
        return volume_file(tid), _WORKER.volume_pdf(tid)
    return f"{tid}.pdf", _WORKER.territory_pdf(tid)  # type: ignore[arg-type]


def _write_if_changed(path: Path, data: bytes) -> None:
    from generator.outputs import write_atomic  # a temporary of its own, removed if the write fails

    if path.is_file() and path.read_bytes() == data:
        return  # unchanged: keep its timestamp
    write_atomic(path, data)


def _output_path(out_dir: Path, name: str) -> Path:
    target = (out_dir / name).resolve()
    if target.parent != out_dir.resolve():
        raise AtlasError(f"refusing to write {name!r} outside {out_dir}")
    return target


def _rendered(atlas: Atlas, build_dir: Path, refs: dict[str, PictureRef], variant: str,
              tasks: list[tuple[str, str | None]], workers: int) -> Iterator[tuple[str, bytes]]:
    """(file name, PDF bytes) for each task, as they finish: in this process or in `workers` processes."""
    global _WORKER
    if workers == 1:
        previous, _WORKER = _WORKER, Renderer(atlas, build_dir, refs, variant)
        try:
            for task in tasks:
                yield _work(task)
        finally:
            _WORKER = previous
        return
    # workers die with this process, and are stopped at once on an error or a signal
    scored = dump_atlas((atlas, measured.scores_of(atlas)))  # scored once here, never again per worker
    with worker_pool(workers, _init_worker, (scored, str(build_dir), refs, variant)) as pool:
        pending: set[Future] = {pool.submit(_work, task) for task in tasks}  # the atlas, the longest, first
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
        finally:
            for future in pending:
                future.cancel()


def write_reports(
    atlas: Atlas,
    out_dir: Path,
    territory_ids: Sequence[str] | None = None,
    whole_atlas: bool = True,
    variant: str | None = None,
    jobs: int | None = None,
    pictures: Mapping[str, Any] | None = None,
    scratch: Path | None = None,
) -> list[Path]:
    """Write `<out_dir>/<territory-id>.pdf` for each territory (all when None) and, if asked
    (`whole_atlas`), the atlas in volumes: `<out_dir>/atlas-<région>.pdf` per région and the national
    `<out_dir>/atlas.pdf`; return the paths in that order. Used by `atlas pdf` and `atlas build --pdf`.

    Work is spread over `jobs` processes (default: all cores); progress goes to stderr.
    `pictures` are generator.pictures' Picture objects by key; None draws them here.
    The scratch folder (fonts, pictures, WeasyPrint's temporaries) is made beside `scratch` (a
    folder whose lock the caller holds; default `out_dir`), named after it so that the next run
    can remove it if this one is killed.
    """
    variant = check_variant(variant)
    ids = list(atlas.territories) if territory_ids is None else check_territory_ids(atlas, territory_ids)
    volumes = _volume_order(atlas) if whole_atlas else []
    clash = sorted({volume_file(r)[:-4] for r in volumes} & set(ids))
    if clash:
        raise AtlasError(f"a territory with the id {clash[0]!r} would overwrite a volume of the atlas "
                         f"({clash[0]}.pdf); rename it")
    # the volumes, the longest tasks, first: parallel workers then end together
    tasks: list[tuple[str, str | None]] = [("atlas", r) for r in volumes] + [("territory", t) for t in ids]
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise AtlasError(f"the output folder {out_dir} is a file; give a folder with --out DIR")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise AtlasError(f"cannot create the output folder {out_dir}: {error.strerror}") from None
    if not tasks:
        return []
    used = picture_keys(ids, False) + (picture_keys(atlas_picture_ids(atlas), True) if whole_atlas else [])
    used = sorted(set(used))
    if pictures is None:
        pictures = draw_report_pictures(atlas, used, jobs)
    pictures = {key: picture for key, picture in pictures.items() if key in set(used)}
    # each worker may peak near WORKER_MEMORY (VOLUME_MEMORY with volumes): no more of them than
    # the free memory holds
    workers = workers_for_memory(max(1, min(jobs or os.cpu_count() or 1, len(tasks))),
                                 VOLUME_MEMORY if volumes else WORKER_MEMORY)
    results: dict[str, Path] = {}
    beside = Path(scratch if scratch is not None else out_dir).absolute()
    with writing(beside.parent, "the PDF scratch folder beside"):
        tmp = tempfile.mkdtemp(prefix=temporary_name(beside, "pdf"), dir=beside.parent)
    try:
        build_dir = Path(tmp)
        with writing(build_dir, "the PDF scratch folder"):
            refs = prepare_build_folder(build_dir, pictures)
        with _Progress(len(tasks)) as advance:
            for name, data in _rendered(atlas, build_dir, refs, variant, tasks, workers):
                with writing(out_dir, "the PDF folder"):
                    _write_if_changed(_output_path(out_dir, name), data)
                results[name] = out_dir / name
                advance(name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    order = [f"{t}.pdf" for t in ids] + [volume_file(r) for r in volume_regions(atlas) if whole_atlas] \
        + ([ATLAS_FILE] if whole_atlas else [])
    return [results[name] for name in order]


class _Progress:
    """A rich progress bar on stderr (silent when stderr is not a terminal).

    It is redrawn when a report is done, never by a timer thread: worker processes are forked
    (the platform default on Linux), and forking while another thread holds a lock can deadlock.
    """

    def __init__(self, total: int) -> None:
        self.total = total

    def __enter__(self):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        console = Console(stderr=True)
        self.progress = Progress(
            TextColumn("PDF"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TextColumn("{task.description}"), console=console, disable=not console.is_terminal,
            auto_refresh=False,
        )
        self.progress.__enter__()
        self.task = self.progress.add_task("", total=self.total)
        return self.advance

    def advance(self, name: str) -> None:
        self.progress.update(self.task, advance=1, description=name, refresh=True)

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(*exc)


# ---- command --------------------------------------------------------------------------------------

def run_pdf(args: argparse.Namespace) -> int:
    """`atlas pdf [TERRITORY...] [--atlas]`: territory reports (all when none is named) and/or the atlas."""
    from generator.load import load_valid_atlas

    variant = check_variant(args.pdf_variant)
    if args.jobs is not None and args.jobs < 1:
        raise AtlasError("--jobs must be at least 1")
    atlas = load_valid_atlas(args.territories)
    if args.ids:
        ids: list[str] | None = check_territory_ids(atlas, args.ids)
    elif args.atlas:
        ids = []
    else:
        ids = None
    from generator.faults import interruptible

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    with interruptible("the PDF reports"), FolderLock(Path(args.out)).acquire() as _lock:
        remove_leftovers(Path(args.out), say, inside=True)
        paths = write_reports(atlas, args.out, ids, whole_atlas=args.atlas, variant=variant, jobs=args.jobs)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} PDF written to {args.out} ({size / 1e6:.1f} MB, {variant})", file=sys.stderr)
    return 0
