"""Everything that goes into the generated docs folder, as one list of `Output` values.

Pages (generator.pages), data files and byte copies of the sheets (generator.opendata), pictures
(generator.pictures, optional), the site's CSS and script (theme/assets/) and the hand-written pages
of content/, copied as they are. `content/index.md` is not copied: it is the introduction of the
generated home page.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from generator.errors import AtlasError
from generator.i18n import _
from generator.model import Atlas
from generator.outputs import Output, _check_path, check_unique
from generator.page_cache import PageCache
from generator.pages import Pages, SiteOptions, content_intro
from generator.project import SHIPPED_CONFIG, SHIPPED_THEME, read_config
from generator.site_templates import EN_PREFIX

if TYPE_CHECKING:  # the pictures are imported when drawn (`draw_site_pictures`)
    from generator.pictures.kept import SpecBook

ROOT = Path(__file__).resolve().parent.parent
ASSETS_DIR = SHIPPED_THEME / "assets"  # the checkout's theme, or the copy in the package (generator.project)
ASSETS_PREFIX = "assets/atlas"
CONFIG_FILE = SHIPPED_CONFIG


def read_site_config(config_file: Path = CONFIG_FILE) -> dict[str, Any]:
    """mkdocs.yml as plain data, the shipped one by default (read by generator.project.read_config)."""
    return read_config(config_file)


def site_options(config: Mapping[str, Any], content_dir: Path, pdf_ids: frozenset[str] = frozenset(),
                 atlas_pdf: str | None = None, pdf_ids_en: frozenset[str] = frozenset(),
                 atlas_pdf_en: str | None = None) -> SiteOptions:
    return SiteOptions(
        repo_url=config.get("repo_url") or None,
        sheet_edit_uri=sheet_edit_uri(config),
        pdf_ids=pdf_ids,
        atlas_pdf=atlas_pdf,
        pdf_ids_en=pdf_ids_en,
        atlas_pdf_en=atlas_pdf_en,
        intro=content_intro(content_dir),
        has_contribuer=(content_dir / "contribuer.md").is_file(),
        has_methodologie=(content_dir / "methodologie.md").is_file(),
    )


def sheet_edit_uri(config: Mapping[str, Any]) -> str:
    """The path between repo_url and a sheet's path in its edit link.

    `extra.sheet_edit_uri` when set; else MkDocs' `edit_uri` (which points at content/, the folder of
    the hand-written pages) without its last folder, so one setting serves GitHub (`edit/main/content/`)
    and GitLab (`-/edit/main/content/`) alike; else `edit/main/`.
    """
    extra = config.get("extra") or {}
    if extra.get("sheet_edit_uri"):
        return str(extra["sheet_edit_uri"])
    edit_uri = str(config.get("edit_uri") or "").strip("/")
    if edit_uri.endswith("content") and "?" not in edit_uri:
        return edit_uri[: -len("content")]
    return "edit/main/"


def content_outputs(content_dir: Path) -> list[Output]:
    """The hand-written pages and their files, copied as they are (symbolic links refused)."""
    outs: list[Output] = []
    if not content_dir.is_dir():
        return outs
    for path in sorted(content_dir.rglob("*")):
        rel = path.relative_to(content_dir).as_posix()
        if any(part.startswith(".") for part in rel.split("/")):
            continue
        if path.is_symlink():
            raise AtlasError(_("{path} is a symbolic link; {folder} must hold plain files").format(
                path=path, folder="content/"))
        if not path.is_file() or rel == "index.md" or rel.startswith(EN_PREFIX):
            continue  # content/en/: the English counterparts, placed by the English edition (editions.py)
        outs.append(Output(rel, path.read_bytes(), (path.relative_to(content_dir.parent).as_posix(),)))
    return outs


def asset_outputs(assets_dir: Path = ASSETS_DIR) -> list[Output]:
    """The theme's scripts, styles, fonts and vendored libraries (with their licence files), copied as they
    are. Its Markdown files are notes for maintainers (vendor/README.md: versions, how to update): in the
    docs folder the engine would publish them as pages of the site, in English under the French layout."""
    outs = []
    for path in sorted(assets_dir.rglob("*")):
        if path.is_file() and not path.is_symlink() and path.suffix != ".md":
            rel = path.relative_to(assets_dir).as_posix()
            outs.append(Output(f"{ASSETS_PREFIX}/{rel}", path.read_bytes()))
    return outs


class SpecsKept(Protocol):
    """What a build leaves to the next one of its process (generator.build.KeptInMemory): the kept specs."""

    specs: SpecBook | None


def draw_site_pictures(atlas: Atlas, cache_dir: Path, jobs: int | None, progress: bool,
                       territories_dir: Path | None = None, specs_dir: Path = Path(".cache/specs"),
                       kept: SpecsKept | None = None,
                       save: Callable[[Callable[[], None]], None] | None = None) -> dict[str, Any]:
    """The charts and maps of the site, or none (with a warning) if the picture module is missing.

    With `territories_dir`, each picture's spec is kept with the sheets it read (in `specs_dir`, one
    index per sheets folder), so that the next build specifies again only the pictures of what changed.
    `kept` (`atlas build --watch`): the kept specs of this process's last build, taken and left for the next
    instead of read back from disk; `save`: given the kept specs' save, to run after the build (else at once).
    """
    try:
        from generator import pictures
        from generator.pictures.kept import SpecBook
    except ImportError as error:  # pages still build, without their figures
        print(_("atlas build: warning: no charts or maps ({error})").format(error=error), file=sys.stderr)
        return {}
    book = None
    if territories_dir is not None:
        book = SpecBook.following(kept.specs if kept is not None else None, atlas, territories_dir, specs_dir)
        if kept is not None:
            kept.specs = book
    return dict(pictures.draw_pictures(atlas, cache_dir=cache_dir, jobs=jobs, progress=progress, kept=book,
                                       save=save))


class PictureFile(Output):
    """A picture's file in the docs folder, its bytes asked of the picture only when the writer needs them:
    a kept picture reads its drawing from the picture cache then, and after one edit `write_tree` knows
    16,000 of the 16,300 picture files unchanged by their cache key (`PageCache.known_files`) without it."""

    def __init__(self, path: str, picture: Any) -> None:
        _check_path(path)  # the checks of `check_relative`, without making a PurePosixPath (13,800 of them)
        self.__dict__.update(path=path, sources=(), picture=picture)  # the frozen fields at once (as `KeptFile`)

    @property  # type: ignore[override]
    def data(self) -> bytes:
        return self.picture.svg

    @property
    def size(self) -> int:
        """Its length, known without reading a kept picture's drawing (`write_tree` compares it first)."""
        return self.picture.size


def picture_outputs(pictures: Mapping[str, Any]) -> list[Output]:
    """The pictures' files, each once: an English twin without words in its drawing shares its French file."""
    files: dict[str, Any] = {}
    for _key, pic in sorted(pictures.items()):
        files.setdefault(pic.filename, pic)
    return [PictureFile(path, pic) for path, pic in files.items()]


def publishing_outputs(pages: Pages, atlas: Atlas, territories_dir: Path,
                       site_url: str | None) -> Callable[[PageCache | None], list[Output]]:
    """The static API, the Atom feed and the data releases; the pages get the citations and the releases
    at once, the files when the returned function is called (with the page cache attached, after the
    pages: each API document whose record's reads did not change is read back).

    The page templates include `_citation.md.j2` and `_releases.md.j2` when these are defined, so
    pages made outside a site build (tests of one page) stay as they were.
    """
    from generator.citation import Citer
    from generator.release import published_releases

    releases = published_releases(territories_dir.absolute().parent / "releases")
    pages.env.globals.update(citation=Citer(atlas, site_url), releases=[
        (r.version, r.date, f"donnees/versions/atlas-{r.version}.zip") for r in releases])

    def files(cache: PageCache | None) -> list[Output]:
        from generator.api import Api
        from generator.feed import feed_outputs
        from generator.measured import scores_of
        from generator.release import bundle_zip

        scores = scores_of(atlas)
        makers = Api(atlas, scores, site_url).makers()
        if cache is None:
            outs = [make() for _path, _record, make in makers]
        else:
            common = cache.data_common(atlas, scores) + repr(site_url)
            outs = [out for path, record, make in makers
                    for out in cache.keep(f"api:{path}", common, lambda make=make: [make()], own=record)]
        outs += feed_outputs(atlas, site_url)
        return outs + [Output(f"donnees/versions/atlas-{r.version}.zip", bundle_zip(r)) for r in releases]

    return files


def _pages_of(atlas: Atlas, territories_dir: Path, options: SiteOptions, pictures: Mapping[str, Any],
              schemas: Mapping[str, dict] | None,
              site_url: str | None) -> tuple[Pages, Callable[[PageCache | None], list[Output]]]:
    """The French edition's page maker as a site build sets it up (the measured profile, the citations and
    releases), with the function that makes the publishing files (`publishing_outputs`)."""
    from generator.measured import scores_of

    pages = Pages(atlas, options, pictures, schemas, scores_of(atlas))  # the measured profile, derived once
    return pages, publishing_outputs(pages, atlas, territories_dir, site_url)  # before the pages: citations


def site_outputs(atlas: Atlas, territories_dir: Path, content_dir: Path, options: SiteOptions,
                 pictures: Mapping[str, Any],
                 schemas: Mapping[str, dict] | None = None,
                 progress: Callable[[int, int], None] | None = None,
                 wanted: Callable[[str, set[str]], bool] | None = None,
                 site_url: str | None = None, cache: PageCache | None = None,
                 english: bool = True, jobs: int | None = 1,
                 pages_done: Callable[[list[Output]], None] | None = None) -> list[Output]:
    """Every file of the generated docs folder; two files with one path are an error.

    `wanted` (see `Pages.all_pages`) leaves out the territory and hub pages it refuses. With `cache`,
    a territory or hub page whose inputs are those of its last rendering is taken as it was.
    `pages_done` is given the (French) pages as soon as they are made, before the data files and the
    English edition (`atlas serve` writes them at once, for its engine to render meanwhile).
    """
    from generator import opendata

    pages, published = _pages_of(atlas, territories_dir, options, pictures, schemas, site_url)
    scores = pages.scores
    pages.jobs = jobs = max(1, jobs if jobs is not None else (os.cpu_count() or 1))  # for many sheet pages
    if cache is None:
        data = opendata.data_outputs(atlas, scores)
        outs = pages.all_pages(progress, wanted)
        if pages_done is not None:
            pages_done(outs)
    else:
        cache.begin(territories_dir)
        cache.pictures_source = pictures  # what the editions' pictures are taken from (PageCache.unchanged)
        outs = cache.complete(pages.all_pages(progress, cache.attach(pages, site_url, wanted)))
        common = cache.data_common(atlas, scores)  # each data file kept while what it read is unchanged
        from generator.page_records import KeptRecords

        if pages_done is not None:
            pages_done(outs)
        data = [out for path, make in opendata.data_makers(atlas, scores, lambda path: KeptRecords(cache, path, common))
                for out in cache.keep(f"data:{path}", common, lambda make=make: [make()])]
    sheets = opendata.sheet_outputs(atlas, territories_dir, cache.kept_copy if cache is not None else None)
    outs.append(pages.opendata_page(data, len(sheets)))
    outs += data
    outs += sheets
    outs += published(cache)
    outs += picture_outputs(pictures)
    outs += asset_outputs()
    outs += content_outputs(content_dir)
    from generator.editions import english_outputs  # the English edition, under en/ (owner E)

    if english:  # `atlas serve` after a save leaves it out: the preview shows the French edition
        outs += english_outputs(atlas, options, pictures, schemas, scores, outs, wanted, cache, site_url, jobs,
                                content_dir)
    return check_unique(outs)


def sheet_pages_alone(atlas: Atlas, territories_dir: Path, content_dir: Path, config: Mapping[str, Any],
                      pictures: Mapping[str, Any], todo: Sequence[tuple[str, str]]) -> list[Output]:
    """The territory ("t") and hub ("h") pages of `todo` made alone, as `site_outputs` makes them for the
    preview (same options, citations and releases, no PDF): `atlas serve` writes the saved sheets' own pages
    before the lists and indexes that name them."""
    pages, _files = _pages_of(atlas, territories_dir, site_options(config, content_dir), pictures, load_schemas(),
                              config.get("site_url") or None)
    return pages.sheet_pages(todo)


def load_schemas() -> dict[str, dict] | None:
    """The JSON Schemas of the sheets, for the fact-sheet reference page (None if unavailable)."""
    try:
        from generator.schema import json_schemas
    except ImportError:
        return None
    return json_schemas()
