"""What the end-of-session review of the fifth session found in the pictures, held by tests: a legend's words
are escaped as every sheet text in raw HTML; a cache key read back from a kept index names a file of the
cache only when it is a key; the measured text widths are kept per version of the code that measures them;
a partner from elsewhere is drawn with the legend's grey edge, not its type's light colour."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from generator.pictures import cache, legend, networks, picture, svg
from generator.pictures.spec import MUTED


def test_a_legend_label_from_a_sheet_stays_text_in_raw_html() -> None:
    html = legend.legend_html([("circle #0072B2", "{{ x }} <b>*a*</b> $b$ | c")])
    assert "<b>" not in html and "{{" not in html and "*a*" not in html and "$b$" not in html
    assert "&lt;b&gt;" in html and "&#123;&#123; x &#125;&#125;" in html


def test_a_kept_cache_key_that_is_not_a_key_reads_nothing(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    planted = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>'
    (tmp_path / "outside.svg").write_bytes(planted)  # beside the cache, reached by ../outside
    (tmp_path / "outside.json").write_bytes(b"{}")
    assert cache._from_cache(cache_dir, "../outside") is None
    assert picture._kept_svg(cache_dir, "../outside") is None
    good = hashlib.sha256(b"a picture").hexdigest()
    (cache_dir / f"{good}.svg").write_bytes(planted)
    (cache_dir / f"{good}.json").write_bytes(b"{}")
    assert cache._from_cache(cache_dir, good) == planted and picture._kept_svg(cache_dir, good) == planted
    assert not cache.is_digest(good.upper()) and not cache.is_digest(good[:-1]) and not cache.is_digest(None)


def test_the_measured_widths_are_kept_per_version_of_the_measuring_code(tmp_path: Path) -> None:
    name = cache._measures_path(tmp_path).name
    code = hashlib.sha256(Path(svg.__file__).read_bytes()).hexdigest()[:16]
    assert re.fullmatch(rf"\.measures-[^-]+-{code}\.pickle", name), name


def test_a_partner_from_elsewhere_has_the_legends_grey_edge_whatever_its_type() -> None:
    for colour in ("#F0E442", "#56B4E9", "#E69F00"):  # yellow, sky blue, orange: under 3:1 on white
        node = networks._node("^", 10.0, 10.0, colour, True)
        assert f'stroke="{MUTED}"' in node and 'fill="#ffffff"' in node and colour not in node
    own = networks._node("^", 10.0, 10.0, "#F0E442", False)
    assert 'fill="#F0E442"' in own
