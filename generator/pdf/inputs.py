"""What a report is made from: the PDF variant, the territory ids, the pictures and the fonts.

Everything WeasyPrint reads comes from two folders: the theme and a private build folder holding
the pictures and the fonts (DejaVu, copied from matplotlib's own data), written here.
"""

from __future__ import annotations

import difflib
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import AtlasError
from generator.i18n import _
from generator.model import Atlas
from generator.project import SHIPPED_THEME
from generator.typography import attribute_text

THEME_DIR = SHIPPED_THEME / "pdf"  # the checkout's theme, or the copy in the package (generator.project)
DEFAULT_VARIANT = "pdf/ua-1"

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
        hint = _("; did you mean {names}?").format(names=", ".join(near)) if near else ""
        raise AtlasError(_("unknown PDF variant {variant!r}{hint} (known: {known})").format(
            variant=variant, hint=hint, known=", ".join(known)))
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
        hint = _(" (did you mean {names}?)").format(names=", ".join(near)) if near else \
            _(" (run `atlas stats` to list the territories)")
        problems.append(_("no territory with id {id!r}{hint}").format(id=tid, hint=hint))
    if problems:
        raise AtlasError("; ".join(problems))
    return out


@dataclass(frozen=True)
class PictureRef:
    """A picture written into the build folder: its relative URL, its title and its text alternative."""

    url: str
    title: str
    alt: str
    legend: str = ""  # a map's legend as HTML (generator.pictures.legend), written under it


# In the whole-atlas edition only régions and départements carry their charts and locator map: a
# WeasyPrint layout holds every page in memory (about 1.5 MiB a page), pictures take about a third of
# the pages, and a national atlas has ten times more intercommunalités than départements. Their data
# tables stay; the pictures of every territory are in its own report.
ATLAS_PICTURE_LEVELS = ("region", "departement")


# The pictures of a territory that its report shows, by their name in the picture registry
# (generator.pictures); the templates read each as `v.pictures.<name>` (`-` as `_`): a chart added
# to the reports is a name here and a line in theme/pdf.
REPORT_PICTURES = ("pillars", "locator", "hubs-by-type")


ENGLISH_PICTURES = "en"  # a picture's English twin is `en/<key>` (generator.pictures.keys.ENGLISH)


def territory_picture(territory_id: str, name: str) -> str:
    """The key of a territory's picture, as generator.pictures.PictureKey writes it (not imported here:
    the reports are made without the picture code when it is missing)."""
    return f"territory/{territory_id}/{name}"


def picture_keys(territory_ids: Sequence[str], whole_atlas: bool) -> list[str]:
    """The picture keys the reports use (generator.pictures draws them)."""
    keys = []
    for tid in territory_ids:
        keys += [territory_picture(tid, name) for name in REPORT_PICTURES]
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
    for *_faces, name in FONT_FACES:
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
        # the text alternative with the report's typography (its text nodes get it, an attribute does not)
        refs[key] = PictureRef(f"pictures/{name}", str(picture.title),
                               attribute_text(str(picture.alt), getattr(picture, "lang", "fr")), _legend(picture))
    return refs


def _legend(picture: Any) -> str:
    """A map's legend as HTML, made by the picture code, which drew it; its symbols as CSS backgrounds
    (WeasyPrint tags an inline SVG as a figure)."""
    written = getattr(picture, "legend_html", None)
    return written(pdf=True) if written is not None else ""


def _font_dir() -> Path:
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    missing = [name for *_faces, name in FONT_FACES if not (folder / name).is_file()]
    if missing:
        raise AtlasError(_("the DejaVu fonts are missing from {folder} ({files}); reinstall matplotlib").format(
            folder=folder, files=", ".join(missing)))
    return folder
