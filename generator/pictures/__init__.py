"""Every picture of the atlas (charts and maps) as values: SVG bytes with words for who can't see them.

The site pages and the PDF reports code against `Picture`, `picture_keys` and `draw_pictures`.
The package's rooms: `keys` (a picture's key as a value), `kinds` (the registry: spec functions and
drawers), `picture` (a picture as a value: its key's spec, its drawing or where to read it), `run`
(drawing an atlas's pictures: specs kept, cache, workers), `cache`; the specs (`chart_specs`,
`network_specs`, `map_specs`, `locator_specs`, `choropleth`), the drawers written as SVG text
(`bar_charts`, `locators`, `locator_narrow`, `choropleth`, `networks` on `network_layout` and
`network_labels`) or through matplotlib (`france_maps` on `france_layers`, the years chart), and the kit
they share (`spec`, `svg`, `labels`, `mpl`, `map_style`,
`locator_kit`, `words`: a spec's words in the language of its key, so that every picture has an English
twin, `en/<key>`, for the English edition).
"""

from __future__ import annotations

from generator.pictures.cache import (
    CACHE_FORMAT,
    CACHE_KEEP_DAYS,
    _write_atomic,
    cache_key,
    code_version,
    prune_cache,
    remove_stale_files,
)
from generator.pictures.keys import NARROW, PictureKey
from generator.pictures.kinds import KINDS, PictureKind
from generator.pictures.picture import Picture, picture_keys, picture_spec, picture_specs, render
from generator.pictures.run import DrawStats, draw_pictures, last_stats
from generator.pictures.spec import Spec

__all__ = ["CACHE_FORMAT", "CACHE_KEEP_DAYS", "KINDS", "NARROW", "DrawStats", "Picture", "PictureKey", "PictureKind",
           "Spec", "_write_atomic", "cache_key", "code_version", "draw_pictures", "last_stats", "picture_keys",
           "picture_spec", "picture_specs", "prune_cache", "remove_stale_files", "render"]
