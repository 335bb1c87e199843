"""Derive generator/pictures/dejavu-sans-metrics.json: DejaVu Sans's widths as matplotlib lays text out.

Run once by a maintainer (after a matplotlib upgrade that changes its text layout, say); the build reads
only the committed file, so that drawing a picture never imports matplotlib to measure its words.

    python scripts/derive_font_metrics.py [--jobs N]

For each weight (normal, bold) at 100 px: the advance of every glyph of the atlas's usual characters
(ASCII, Latin-1, Œ œ Ÿ, French punctuation and spaces, €, the minus sign) and of the ligatures matplotlib
forms (ff, fi, fl, ffi, ffl), and the kerning of every pair of them that has one: the width of the pair
less the two advances, as `generator.pictures.svg` worked it out before (measured by
`TextToPath.get_text_width_height_descent`, multiples of 1/64 px). A line's width is then the sum of its
glyphs' advances and pairs' kernings, to the last bit (tests/test_charts.py checks it against matplotlib on
names of the shipped atlas); a character outside the table is measured through matplotlib as before.
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.pictures.svg import LIGATURES, METRICS_FILE, _measured_width  # noqa: E402

CHARACTERS = "".join(
    [chr(c) for c in range(0x20, 0x7F)] + [chr(c) for c in range(0xA0, 0x100)]
    + ["\u0152", "\u0153", "\u0178", "\u2009", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2018",
       "\u2019", "\u201c", "\u201d", "\u2022", "\u2026", "\u202f", "\u2030", "\u2039", "\u203a", "\u20ac",
       "\u2212"])


def _weight(bold: bool) -> dict[str, dict]:
    """The advances and the non-zero kernings of one weight."""
    glyphs = list(CHARACTERS) + list(LIGATURES)
    advance = {glyph: _measured_width(glyph, bold) for glyph in glyphs}
    kerning: dict[str, dict[str, float]] = {}
    for left in glyphs:
        for right in glyphs:
            value = _measured_width(left + right, bold) - advance[left] - advance[right]
            if value:
                kerning.setdefault(left, {})[right] = value
    return {"advance": advance, "kerning": kerning}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    from generator.versions import installed_versions

    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        normal, bold = pool.map(_weight, (False, True))
    table = {"font": "DejaVu Sans", "size": 100,
             "measured_with": f"matplotlib {installed_versions(('matplotlib',))['matplotlib']}",
             "ligatures": list(LIGATURES), "normal": normal, "bold": bold}
    METRICS_FILE.write_text(json.dumps(table, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n",
                            encoding="utf-8")
    pairs = sum(len(v) for v in normal["kerning"].values()) + sum(len(v) for v in bold["kerning"].values())
    print(f"{METRICS_FILE.relative_to(ROOT)}: {len(normal['advance'])} glyphs, {pairs} kerned pairs, "
          f"{METRICS_FILE.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
