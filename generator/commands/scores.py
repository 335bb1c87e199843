"""`atlas scores --explain TERRITORY`: how each measured score of a territory was computed."""

from __future__ import annotations

from dataclasses import dataclass

from generator.commands import in_its_language
from generator.errors import AtlasError
from generator.i18n import _
from generator.load import load_valid_atlas
from generator.project import Project
from generator.scores import explain, score_atlas
from generator.validate import did_you_mean


@dataclass(frozen=True)
class Options:
    explain: str  # the territory id


@in_its_language
def run(project: Project, options: Options) -> int:
    """Print each indicator's value, rank, p and score, and the pillar scores of the territory."""
    atlas = load_valid_atlas(project.territories)
    tid = options.explain
    if tid not in atlas.territories:
        hint = did_you_mean(tid, atlas.territories) or \
            _("give the id of a territory (its folder name under territories/)")
        raise AtlasError(_("no territory '{id}' in {folder}; {hint}").format(id=tid, folder=project.territories,
                                                                            hint=hint))
    print(explain(atlas, score_atlas(atlas), tid), end="")
    return 0
