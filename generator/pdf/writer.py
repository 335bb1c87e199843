"""`write_reports`: the reports and volumes asked for, rendered (in parallel) and written atomically.

The paths written are returned as values, so that the build knows which reports the pages may link
without scanning the folder again.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from generator.citation import CONFIG_FILE
from generator.errors import AtlasError
from generator.faults import temporary_name, workers_for_memory, writing
from generator.i18n import _
from generator.model import Atlas
from generator.pdf.inputs import (
    ENGLISH_PICTURES,
    atlas_picture_ids,
    check_territory_ids,
    check_variant,
    draw_report_pictures,
    picture_keys,
    prepare_build_folder,
)
from generator.pdf.volumes import report_file, report_order, volume_file, volume_order, volume_regions
from generator.pdf.words import check_lang
from generator.pdf.workers import rendered

WORKER_MEMORY = 1 << 30  # the peak a report may reach (issue 12: under 1 GiB); sizes the worker count
VOLUME_MEMORY = 2 << 30  # the peak a région volume may reach (issue 11: under 2 GiB per worker)


def _write_if_changed(path: Path, data: bytes) -> None:
    from generator.outputs import write_atomic  # a temporary of its own, removed if the write fails

    if path.is_file() and path.read_bytes() == data:
        return  # unchanged: keep its timestamp
    write_atomic(path, data)


def _output_path(out_dir: Path, name: str) -> Path:
    target = (out_dir / name).resolve()
    if target.parent != out_dir.resolve():
        raise AtlasError(_("refusing to write {name!r} outside {folder}").format(name=name, folder=out_dir))
    return target


def write_reports(
    atlas: Atlas,
    out_dir: Path,
    territory_ids: Sequence[str] | None = None,
    whole_atlas: bool = True,
    variant: str | None = None,
    jobs: int | None = None,
    pictures: Mapping[str, Any] | None = None,
    scratch: Path | None = None,
    lang: str | None = None,
    config_file: Path = CONFIG_FILE,
) -> list[Path]:
    """Write `<out_dir>/<territory-id>.pdf` for each territory (all when None) and, if asked
    (`whole_atlas`), the atlas in volumes: `<out_dir>/atlas-<région>.pdf` per région and the national
    `<out_dir>/atlas.pdf`; return the paths in that order. Used by `atlas pdf` and `atlas build --pdf`.
    `lang="en"` writes the English edition beside the French one (`<id>.en.pdf`, `atlas.en.pdf`...).
    `config_file`: the mkdocs.yml whose `site_url` the reports link to (the project's; default the shipped one).

    Work is spread over `jobs` processes (default: all cores); progress goes to stderr.
    `pictures` are generator.pictures' Picture objects by key; None draws them here.
    The scratch folder (fonts, pictures, WeasyPrint's temporaries) is made beside `scratch` (a
    folder whose lock the caller holds; default `out_dir`), named after it so that the next run
    can remove it if this one is killed.
    """
    variant = check_variant(variant)
    lang = check_lang(lang)
    ids = list(atlas.territories) if territory_ids is None else check_territory_ids(atlas, territory_ids)
    volumes = volume_order(atlas) if whole_atlas else []
    clash = sorted({volume_file(r)[:-4] for r in volumes} & set(ids))
    if clash:
        raise AtlasError(_("a territory with the id {id!r} would overwrite a volume of the atlas ({file}); "
                           "rename it").format(id=clash[0], file=f"{clash[0]}.pdf"))
    # the volumes, the longest tasks, first, then the reports largest first: parallel workers then end together
    tasks: list[tuple[str, str | None]] = [("atlas", r) for r in volumes] + [
        ("territory", t) for t in report_order(atlas, ids)]
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise AtlasError(_("the output folder {folder} is a file; give a folder with {option}").format(
            folder=out_dir, option="--out DIR"))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise AtlasError(_("cannot create the output folder {folder}: {reason}").format(
            folder=out_dir, reason=error.strerror)) from None
    if not tasks:
        return []
    used = picture_keys(ids, False) + (picture_keys(atlas_picture_ids(atlas), True) if whole_atlas else [])
    used = sorted(set(used))
    # an English report shows each picture's English twin (its drawn words, title, alternative and legend
    # in English: generator.pictures.words), where the picture has one, under the French key it replaces
    twins = {f"{ENGLISH_PICTURES}/{key}": key for key in used} if lang == "en" else {}
    if pictures is None:
        pictures = draw_report_pictures(atlas, used + list(twins), jobs)
    pictures = {**pictures, **{key: pictures[twin] for twin, key in twins.items() if twin in pictures}}
    wanted = set(used)
    pictures = {key: picture for key, picture in pictures.items() if key in wanted}
    # each worker may peak near WORKER_MEMORY (VOLUME_MEMORY with volumes): no more of them than
    # the free memory holds
    workers = workers_for_memory(max(1, min(jobs or os.cpu_count() or 1, len(tasks))),
                                 VOLUME_MEMORY if volumes else WORKER_MEMORY)
    results: dict[str, Path] = {}
    beside = Path(scratch if scratch is not None else out_dir).absolute()
    with writing(beside.parent, _("the PDF scratch folder beside")):
        tmp = tempfile.mkdtemp(prefix=temporary_name(beside, "pdf"), dir=beside.parent)
    try:
        build_dir = Path(tmp)
        with writing(build_dir, _("the PDF scratch folder")):
            refs = prepare_build_folder(build_dir, pictures)
        with _Progress(len(tasks)) as advance:
            for name, data in rendered(atlas, build_dir, refs, variant, tasks, workers, lang, config_file):
                with writing(out_dir, _("the PDF folder")):
                    _write_if_changed(_output_path(out_dir, name), data)
                results[name] = out_dir / name
                advance(name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    order = [report_file(t, lang) for t in ids] + [volume_file(r, lang) for r in volume_regions(atlas) if whole_atlas] \
        + ([volume_file(None, lang)] if whole_atlas else [])
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


