"""The reports' tables in fixed layout (theme/pdf/report.css): every table of a report or a volume is laid
out with its given column widths, and no text runs out of its cell, in French and in English, with the
fixture atlas and with the widest values a national atlas prints (a rank of four digits, "5 out of 5").
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from generator.pdf import Renderer, check_variant, prepare_build_folder
from generator.pdf.render import LONG_RUN, break_long_runs


def _layout(renderer: Renderer, source: str) -> Any:
    """The laid-out WeasyPrint document of `source`, as Renderer.render makes it (without the PDF)."""
    from generator.pdf.engine import lean_html
    from generator.typography import apply_french_spacing

    document = lean_html(string=source, base_url=renderer.build_dir.resolve().as_uri() + "/",
                         url_fetcher=renderer.fetcher)
    break_long_runs(document.etree_element)
    if renderer.lang == "fr":
        apply_french_spacing(document.etree_element)
    return document.render(stylesheets=renderer.stylesheets, font_config=renderer.fonts)


def _tables_and_overflows(document: Any) -> tuple[list[Any], list[str]]:
    """The table boxes of the document, and the texts that end beyond their table cell's content box."""
    from weasyprint.formatting_structure import boxes

    tables: list[Any] = []
    overflows: list[str] = []

    def walk(box: Any, cell: Any) -> None:
        if isinstance(box, boxes.TableBox):
            tables.append(box)
        if isinstance(box, boxes.TableCellBox):
            cell = box
        elif cell is not None and isinstance(box, boxes.TextBox):
            if box.position_x + box.width > cell.content_box_x() + cell.width + 0.5:
                overflows.append(box.text)
        for child in getattr(box, "children", None) or ():
            walk(child, cell)

    for page in document.pages:
        walk(page._page_box, None)
    return tables, overflows


@pytest.fixture(scope="module", params=["fr", "en"])
def renderer(request, fixture_atlas, tmp_path_factory) -> Renderer:
    build = tmp_path_factory.mktemp("build")
    return Renderer(fixture_atlas, build, prepare_build_folder(build, {}), check_variant(None), lang=request.param)


def test_every_table_has_its_column_widths_and_no_text_leaves_its_cell(renderer, fixture_atlas) -> None:
    region = next(t.id for t in fixture_atlas.territories.values() if t.level == "region")
    sources = [renderer.territory_html(tid) for tid in fixture_atlas.territories]
    sources += [renderer.volume_html(region), renderer.volume_html(None)]
    classes = set()
    for source in sources:
        tables, overflows = _tables_and_overflows(_layout(renderer, source))
        assert overflows == []
        assert all(table.style["table_layout"] == "fixed" for table in tables), [
            table.element.get("class") for table in tables if table.style["table_layout"] != "fixed"]
        classes |= {table.element.get("class") for table in tables}
    assert {"identity-table", "pillar-table", "indicators measured", "hub-list", "volume-list"} <= classes


@pytest.mark.parametrize("body", ["report", "atlas"])
def test_the_widest_values_fit_their_columns(renderer, body) -> None:
    # the longest score and rank a national atlas of communes prints (about 35,000 of them), in the report's
    # words and in the measured table of a report ("report") or of a volume ("atlas"): a tie on the last place
    w = renderer.words
    rank = w.rank_text(SimpleNamespace(rank=34999, count=35000, tied=2, tied_last=True))  # type: ignore[arg-type]
    assert rank.endswith(("au bas du classement", "bottom of the ranking"))
    row = (f'<tr><th scope="row">{w.pillar_label("metropolisation")}</th><td>Part</td><td>69,3 %</td>'
           f'<td class="nowrap">{w.rating(5)}</td><td class="rank">{rank}</td></tr>')
    head = "".join(f'<th scope="col">{w._(h)}</th>' for h in ("Indicateur", "Valeur", "Score", "Rang", "Valeur"))
    source = (f'<!DOCTYPE html><html lang="{renderer.lang}"><head><title>t</title></head><body class="{body}">'
              f'<table class="indicators measured"><thead><tr>{head}</tr></thead><tbody>{row}</tbody></table>'
              f"</body></html>")
    tables, overflows = _tables_and_overflows(_layout(renderer, source))
    assert len(tables) == 1 and overflows == []


def test_a_word_longer_than_its_column_breaks_inside_its_cell(tmp_path) -> None:
    # the hostile sheet's hub name holds a 36-character word, wider than the hub list's first column
    from datetime import date

    from generator.load import load_valid_atlas

    atlas = load_valid_atlas(Path(__file__).resolve().parent / "fixtures" / "pdf_hostile", as_of=date(2025, 11, 26))
    renderer = Renderer(atlas, tmp_path, prepare_build_folder(tmp_path, {}), check_variant(None))
    tables, overflows = _tables_and_overflows(_layout(renderer, renderer.volume_html(None)))
    assert any(table.element.get("class") == "hub-list" for table in tables) and overflows == []


def _text_beyond(document: Any) -> list[str]:
    """Texts of the document that end beyond the right edge of their page's content area."""
    from weasyprint.formatting_structure import boxes

    out: list[str] = []

    def walk(box: Any, right: float) -> None:
        if isinstance(box, boxes.TextBox) and box.position_x + box.width > right + 0.5:
            out.append(box.text)
        for child in getattr(box, "children", None) or ():
            walk(child, right)

    for page in document.pages:
        root = page._page_box
        walk(root, root.content_box_x() + root.width)
    return out


def test_a_long_url_in_a_description_wraps_inside_the_margins(renderer) -> None:
    # a hub's description may hold a long address as a bare URL or as a link's text, with a part longer than
    # a line and no space, slash or hyphen to break at: it ran past the right margin
    url = "https://www.data.gouv.fr/fr/datasets/r/" + "0c2b7a3e8f1d4c6b9a5e2f7d1c3b8a6e" * 5 + "?format=csv"
    source = (f'<!DOCTYPE html><html lang="{renderer.lang}"><head><title>t</title></head><body>'
              f'<div class="description"><p>Voir {url} et <a href="{url}">{url}</a>.</p></div>'
              f'<div class="summary"><p>{"Anticonstitutionnellement" * 6}</p></div></body></html>')
    assert _text_beyond(_layout(renderer, source)) == []


def test_a_long_run_of_text_gets_places_to_break_and_addresses_tags_and_attributes_do_not() -> None:
    from xml.etree import ElementTree

    word, url = "Atelier" * 30, "https://example.org/" + "chemin/" * 20
    root = ElementTree.fromstring(f'<div><p title="{word}">{word} fin</p><td class="url"><a href="{url}">{url}</a></td>'
                           f'<span>court</span>{word}</div>')
    break_long_runs(root)
    p, td, span = root[0], root[1], root[2]
    assert p.get("title") == word and td[0].get("href") == url and td[0].text == url and span.text == "court"
    for text in (p.text, span.tail):
        assert text.replace("\u200b", "") in (word + " fin", word)
        assert max(len(run) for run in text.replace(" ", "\u200b").split("\u200b")) <= LONG_RUN


def test_a_hub_named_with_one_very_long_word_prints_in_its_column(tmp_path) -> None:
    # a stranger's hub named with one word of 5,600 letters: WeasyPrint's line breaking tried each line's length
    # anew in the hub list's narrow column, in a time growing with the square of the word (over 10 minutes);
    # with a place to break every few dozen letters, the report prints in seconds, the name whole
    import shutil
    import time
    from datetime import date

    from generator.load import load_valid_atlas

    tree = tmp_path / "territories"
    shutil.copytree(Path(__file__).resolve().parent / "fixtures" / "pdf_hostile", tree)
    sheet = tree / "terre-hostile" / "hubs" / "atelier-piege.yml"
    name = "Atelier" * 800
    sheet.write_text(f"name: {name}\n" + sheet.read_text(encoding="utf-8").split("\n", 1)[1], encoding="utf-8")
    atlas = load_valid_atlas(tree, as_of=date(2025, 11, 26))
    renderer = Renderer(atlas, tmp_path / "build", prepare_build_folder(tmp_path / "build", {}), check_variant(None))
    start = time.monotonic()
    data = renderer.territory_pdf("terre-hostile")
    assert time.monotonic() - start < 120
    import io

    from pypdf import PdfReader
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    # the name printed whole (over several pages, whose running heads and feet come between its lines)
    assert "".join(text.replace("\u200b", "").split()).count("Atelier") >= 795
