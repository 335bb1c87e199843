"""PDF reports built offline: one "état des lieux" per territory, and the atlas in volumes.

The same model as the site goes through Jinja HTML templates and a print stylesheet in
`theme/pdf/`, then WeasyPrint. The rooms, in the order a report is made:

- `inputs`: the PDF variant, the territory ids, the pictures and the fonts a report reads;
- `volumes`: the files `atlas pdf` writes (reports, one volume per région, the national volume);
- `report`: the atlas' order, a territory's lists, the caps that bound a report's length;
- `views`: a territory as the templates see it; `citations`: its references, numbered before rendering;
- `templates`: the Jinja environment; `render`: HTML to tagged PDF; `fetcher`: the offline URL fetcher;
- `workers`: rendering in parallel processes; `writer`: `write_reports`; `command`: `atlas pdf`.

WeasyPrint itself is imported only when a report is rendered.
"""

from __future__ import annotations

from generator.pdf.command import run_pdf
from generator.pdf.inputs import (
    ATLAS_PICTURE_LEVELS,
    DEFAULT_VARIANT,
    THEME_DIR,
    PictureRef,
    atlas_picture_ids,
    check_territory_ids,
    check_variant,
    draw_report_pictures,
    pdf_variants,
    picture_keys,
    prepare_build_folder,
)
from generator.pdf.render import Renderer
from generator.pdf.volumes import ATLAS_FILE, output_names, volume_file, volume_regions, volume_rows
from generator.pdf.workers import dump_atlas
from generator.pdf.writer import write_reports

__all__ = [
    "ATLAS_FILE", "ATLAS_PICTURE_LEVELS", "DEFAULT_VARIANT", "THEME_DIR", "PictureRef", "Renderer",
    "atlas_picture_ids", "check_territory_ids", "check_variant", "draw_report_pictures", "dump_atlas",
    "output_names", "pdf_variants", "picture_keys", "prepare_build_folder", "run_pdf", "volume_file",
    "volume_regions", "volume_rows", "write_reports",
]
