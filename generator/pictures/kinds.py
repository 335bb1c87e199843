"""The registry of pictures: which function makes each picture's spec, which kind of drawing draws it.

A new chart is a spec function (in `chart_specs`, `map_specs`…), an entry in its module's `SPECS`
and `keys`, and, when it is drawn a new way, a `PictureKind` here naming its drawer (imported when a
picture of that kind is drawn); the build, the cache and the pages find it through `picture_keys` and
`picture_spec`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from generator.model import Atlas
from generator.pictures import chart_specs, choropleth, locator_specs
from generator.pictures.keys import PictureKey
from generator.pictures.spec import Spec

SpecFunction = Callable[[Atlas, PictureKey], "Spec | None"]


def _named(where: str) -> Callable[..., Any]:
    """The function `module:name` of generator.pictures, imported when first asked for."""
    module, name = where.split(":")
    return getattr(importlib.import_module(f"generator.pictures.{module}"), name)


@dataclass(frozen=True)
class PictureKind:
    """One way of drawing: the drawer and what the build must know about it.

    The drawer is named (`module:function`), not imported: a build whose pictures all come from the
    cache never imports matplotlib's pyplot, its figures or networkx (0.4 s of every regeneration)."""

    name: str
    drawer: str                # "bar_charts:draw_pillars": the function, in its module of generator.pictures
    matplotlib: bool = False   # drawn through matplotlib (in its style context); otherwise written as SVG text
    geodata: bool = False      # reads the boundaries, read once before the workers start so that they share them
    narrow: str | None = None  # the kind of its variant drawn for phones, if it has one
    narrow_data: str | None = None  # "module:function" making the variant's data, when it differs

    @property
    def module(self) -> str:
        """The dotted name of the drawer's module (what `cache.code_version` hashes, with its imports)."""
        return f"generator.pictures.{self.drawer.split(':')[0]}"

    @property
    def draw(self) -> Callable[[dict[str, Any]], bytes]:
        """The drawer, its module imported on first use."""
        return _named(self.drawer)

    @property
    def heavy(self) -> bool:
        """Drawn one at a time and first: a matplotlib map or network takes 30-300 ms, the rest about 1 ms."""
        return self.matplotlib or self.name == "choropleth"


KINDS: dict[str, PictureKind] = {kind.name: kind for kind in (
    PictureKind("pillars", "bar_charts:draw_pillars", narrow="pillars-narrow"),
    PictureKind("pillars-narrow", "bar_charts:draw_pillars_narrow"),
    PictureKind("bars", "bar_charts:draw_bars", narrow="bars-narrow"),
    PictureKind("ranking", "bar_charts:draw_ranking", narrow="bars-narrow",
                narrow_data="bar_charts:ranking_narrow_data"),
    PictureKind("bars-narrow", "bar_charts:draw_bars_narrow"),
    PictureKind("years", "bar_charts:draw_years", matplotlib=True, narrow="years-narrow"),
    PictureKind("years-narrow", "bar_charts:draw_years_narrow"),
    PictureKind("network", "networks:draw_network"),
    PictureKind("network-groups", "networks:draw_network_groups"),
    PictureKind("france", "france_maps:draw_france_map", matplotlib=True, geodata=True, narrow="france-narrow"),
    PictureKind("france-counts", "france_maps:draw_france_map", matplotlib=True, geodata=True, narrow="france-narrow"),
    PictureKind("density", "france_maps:draw_density", matplotlib=True, geodata=True, narrow="density-narrow"),
    PictureKind("france-narrow", "france_maps:draw_france_narrow", matplotlib=True, geodata=True),
    PictureKind("density-narrow", "france_maps:draw_density_narrow", matplotlib=True, geodata=True),
    PictureKind("locator", "locators:draw_locator", geodata=True, narrow="locator-narrow"),
    PictureKind("locator-narrow", "locator_narrow:draw_locator_narrow", geodata=True),
    PictureKind("choropleth", "choropleth:draw", geodata=True),
)}

# (scope, name) -> the function that makes that picture's spec; "*" stands for any name of the scope
SPECS: dict[tuple[str, str], SpecFunction] = {**chart_specs.SPECS, **locator_specs.SPECS, **choropleth.SPECS}
KEY_LISTS: tuple[Callable[[Atlas], list[PictureKey]], ...] = (chart_specs.keys, locator_specs.keys, choropleth.keys)


def spec_function(key: PictureKey) -> SpecFunction:
    """The function that makes the spec of `key`'s picture; KeyError when no family has that name."""
    found = SPECS.get((key.scope, key.name)) or SPECS.get((key.scope, "*"))
    if found is None:
        raise KeyError(key.text)
    return found


def import_drawers(kinds: Iterable[str]) -> None:
    """Import the drawers of these kinds now: before forking the workers, so that each does not import
    matplotlib's figures again (0.4 s a worker)."""
    for kind in sorted(set(kinds)):
        _named(KINDS[kind].drawer)


def narrow_spec(wide: Spec) -> Spec:
    """The variant of a picture drawn for phones: the same words, the variant's kind (and data)."""
    kind = KINDS[wide.kind]
    if kind.narrow is None:
        raise KeyError(f"no variant for phones of a {wide.kind} picture")
    data = _named(kind.narrow_data)(wide.data) if kind.narrow_data is not None else wide.data
    return replace(wide, key=PictureKey.parse(wide.key).variant.text, kind=kind.narrow, data=data)
