"""The picture registry names its drawers instead of importing them (issue 11, target 2): a build whose
pictures all come from the cache must not pay for matplotlib's figures, pyplot or networkx, and the
cache keys must hash the same drawing code as when the drawers were imported up front."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import AS_OF, FIXTURE_ATLAS, ROOT
from generator.load import load_valid_atlas
from generator.pictures import KINDS, draw_pictures, picture_spec
from generator.pictures.cache import _imported_modules, code_version

HEAVY = ("matplotlib.pyplot", "matplotlib.figure", "networkx")


def test_each_kind_names_the_module_its_drawer_lives_in() -> None:
    for kind in KINDS.values():
        assert kind.draw.__module__ == kind.module, kind.name
        assert kind.module in _imported_modules(kind.module)  # what code_version hashes starts there
    assert code_version("network") != code_version("pillars")  # per kind: networks.py is not a chart's code


def _imported_after(code: str, cwd: Path) -> set[str]:
    script = f"import sys\n{code}\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", script], cwd=cwd, capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_the_registry_and_a_build_from_the_cache_import_no_drawing_library(tmp_path: Path) -> None:
    assert _imported_after("import generator.build, generator.pictures", ROOT) == set()
    cache = tmp_path / "cache"
    atlas = load_valid_atlas(FIXTURE_ATLAS, as_of=AS_OF)
    drawn = draw_pictures(atlas, cache_dir=cache, jobs=1, progress=False)
    kinds = {picture_spec(atlas, key).kind for key in drawn}
    assert {"network", "france", "years"} <= kinds and all(KINDS[kind].matplotlib for kind in ("years", "france"))
    again = (f"from generator.load import load_valid_atlas\nfrom generator.pictures import draw_pictures\n"
             f"import datetime\natlas = load_valid_atlas({str(FIXTURE_ATLAS)!r}, as_of=datetime.date.fromisoformat("
             f"{AS_OF.isoformat()!r}))\npictures = draw_pictures(atlas, cache_dir=__import__('pathlib').Path("
             f"{str(cache)!r}), jobs=1, progress=False)\nassert len(pictures) == {len(drawn)}")
    assert _imported_after(again, ROOT) == set()
