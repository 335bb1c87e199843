"""Type parsed nodes against the format, then check what only the whole atlas can tell.

Phase 1 (`check_sheet`, in `values`) turns one sheet's nodes into plain Python data, reporting every
problem it finds and remembering where each value was written. Phase 2 (`check_atlas`, in `atlas`)
resolves ids across sheets: parents, partners, sources, vocabulary, uniqueness, loops; `rules` holds the
rules that tie fields together and the facts' warnings. `hints` words what was found and what was meant.
Nothing here raises for bad input. The field checks come from the one table of fields (generator.fields).
"""

from __future__ import annotations

from generator.ids import SLUG, slugify
from generator.validate.atlas import check_atlas, check_id
from generator.validate.hints import describe, did_you_mean, nearest, ref_hint
from generator.validate.rules import iter_facts
from generator.validate.values import MISSING, Checked, SheetChecker, SheetData, check_sheet

__all__ = ["MISSING", "SLUG", "Checked", "SheetChecker", "SheetData", "check_atlas", "check_id", "check_sheet",
           "describe", "did_you_mean", "iter_facts", "nearest", "ref_hint", "slugify"]
