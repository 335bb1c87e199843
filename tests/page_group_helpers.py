"""What the tests of the page cache's groups share: the fixture copied with its Fablab renamed (the atlas before
and after), and the shared pages of one kind made while noting the groups the page cache is asked for."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from generator.load import load_valid_atlas
from generator.pages import SHARED_KINDS, Pages

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "atlas"
FABLAB = Path("grand-besancon-metropole") / "hubs" / "fablab-besancon.yml"


def renamed_fablab(tmp_path: Path, new_name: str) -> tuple[Any, Any]:
    """The fixture atlas, then the same with « Fablab de Besançon » renamed `new_name` (a copy in tmp_path)."""
    sheets = tmp_path / "territories"
    shutil.copytree(FIXTURE, sheets)
    before = load_valid_atlas(sheets)
    hub = sheets / FABLAB
    hub.write_text(hub.read_text(encoding="utf-8").replace("name: Fablab de Besançon", f"name: {new_name}"),
                   encoding="utf-8")
    return before, load_valid_atlas(sheets)


def groups_asked(pages: Pages, kind_name: str) -> tuple[list[Any], list[str]]:
    """The shared pages of the kind `kind_name`, made through a page cache that keeps nothing, and the names
    of the groups it was asked for (`kind:member`)."""
    asked: list[str] = []

    def kind_cache(kind: Any, member: str = "", make: Any = None) -> list[Any]:
        asked.append(f"{kind.name}:{member}" if member else kind.name)
        return list(make() if make is not None else kind.build(pages))

    pages.kind_cache = kind_cache
    (kind,) = [k for k in SHARED_KINDS if k.name == kind_name]
    try:
        return pages.shared_pages(kind), asked
    finally:
        pages.kind_cache = None
