"""`atlas pdf`: the command's own part (options, lock, summary)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.errors import AtlasError
from generator.faults import FolderLock, remove_leftovers
from generator.i18n import _, decimal, ngettext, number
from generator.pdf.inputs import check_territory_ids, check_variant
from generator.pdf.writer import write_reports


def run_pdf(args: argparse.Namespace) -> int:
    """`atlas pdf [TERRITORY...] [--atlas] [--lang en]`: territory reports (all when none is named) and/or
    the atlas, in French, or in English with `--lang en` given to the command line (`<id>.en.pdf`,
    beside the French files; ATLAS_LANG alone changes the messages, not the reports)."""
    from generator.load import load_valid_atlas

    variant = check_variant(args.pdf_variant)
    if args.jobs is not None and args.jobs < 1:
        raise AtlasError(_("{option} must be at least 1").format(option="--jobs"))
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

    with interruptible(_("the PDF reports")), FolderLock(Path(args.out)).acquire() as _lock:
        remove_leftovers(Path(args.out), say, inside=True)
        paths = write_reports(atlas, args.out, ids, whole_atlas=args.atlas, variant=variant, jobs=args.jobs,
                              lang=getattr(args, "lang", None), config_file=args.config)
    size = sum(p.stat().st_size for p in paths)
    print(ngettext("{count} PDF written to {folder} ({size} MB, {variant})",
                   "{count} PDF written to {folder} ({size} MB, {variant})", len(paths)).format(
        count=number(len(paths)), folder=args.out, size=decimal(size / 1e6), variant=variant), file=sys.stderr)
    return 0
