"""The fixture atlas exercises every field of the format, and every shipped sheet points at its schema."""

from __future__ import annotations

import os
import re

import yaml

from conftest import FIXTURE_ATLAS, ROOT
from generator.fields import SHEET_SPECS
from generator.specs import Fact, ListOf, MapOf, Record, Spec


def _paths(spec: Spec, prefix: str = "") -> set[str]:
    """Every field path the format defines, lists and maps collapsed to `[]` and `{}`."""
    out: set[str] = set()
    if isinstance(spec, Record):
        for name, f in spec.fields.items():
            path = f"{prefix}.{name}" if prefix else name
            out.add(path)
            out |= _paths(f.spec, path)
    elif isinstance(spec, ListOf):
        out |= _paths(spec.item, prefix + "[]")
    elif isinstance(spec, MapOf):
        out |= _paths(spec.value, prefix + "{}")
    elif isinstance(spec, Fact):
        out |= _paths(Record(spec.fields()), prefix)
    return out


def _used(data, prefix: str = "", mapping_of_ids: bool = False) -> set[str]:
    out: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            name = "{}" if mapping_of_ids else key
            path = (f"{prefix}{name}" if name == "{}" else (f"{prefix}.{name}" if prefix else name))
            if name != "{}":
                out.add(path)
            out |= _used(value, path, mapping_of_ids=(key in ("sources", "hub_types", "services", "themes",
                                                                 "networks", "measures") and not mapping_of_ids))
    elif isinstance(data, list):
        for item in data:
            out |= _used(item, prefix + "[]")
    return out


def test_fixture_uses_every_field_of_the_format() -> None:
    kinds = {"territory": sorted(FIXTURE_ATLAS.glob("*/territory.yml")),
             "hub": sorted(FIXTURE_ATLAS.glob("*/hubs/*.yml")),
             "vocabulary": [FIXTURE_ATLAS / "vocabulary.yml"],
             "indicators": [FIXTURE_ATLAS / "indicators.yml"]}
    for kind, files in kinds.items():
        used: set[str] = set()
        for f in files:
            used |= _used(yaml.safe_load(f.read_text(encoding="utf-8")))
        defined = _paths(SHEET_SPECS[kind])
        # the five pillars share one format, and so do the four vocabulary lists: a field used under
        # any of them counts for all
        def as_one(paths: set[str], kind: str = kind) -> set[str]:
            if kind == "territory":
                return {re.sub(r"^pillars\.[a-z]+", "pillars.*", p) for p in paths}
            if kind == "vocabulary":
                return {re.sub(r"^(hub_types|services|themes|networks)", "*", p) for p in paths}
            if kind == "indicators":  # a map of ids: every entry has the same fields
                return {re.sub(r"^[^.]+", "*", p) for p in paths}
            return paths
        assert as_one(defined) - as_one(used) == set(), f"{kind}: fields never used by the fixture"
    sources = _used({"sources": yaml.safe_load((FIXTURE_ATLAS / "sources.yml").read_text(encoding="utf-8"))})
    assert {"sources{}.title", "sources{}.publisher", "sources{}.url", "sources{}.accessed"} <= sources


def test_every_shipped_sheet_points_at_its_schema() -> None:
    territories = ROOT / "territories"
    for path in sorted(territories.rglob("*.y*ml")):
        rel = path.relative_to(territories)
        kind = ("vocabulary" if rel.name.startswith("vocabulary") else "sources" if rel.name.startswith("sources")
                else "indicators" if rel.name.startswith("indicators")
                else "moved" if len(rel.parts) == 1 and rel.name.startswith("moved")
                else "territory" if rel.name.startswith("territory") else "hub")
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), f"{rel}: no schema line"
        target = (path.parent / first.split("=", 1)[1]).resolve()
        assert target == (ROOT / "schema" / f"{kind}.schema.json").resolve(), f"{rel}: points at {target}"
        assert os.path.isfile(target)


def test_the_fixture_has_every_kind_of_sheet() -> None:
    """moved.yml is optional; the fixture has one, so the golden tree shows a former hub address in both editions."""
    tops = {p.stem for p in FIXTURE_ATLAS.glob("*.yml")}
    assert {kind for kind in SHEET_SPECS if kind not in ("territory", "hub")} <= tops


def test_reserved_ids_are_listed_in_the_contributor_guide() -> None:
    from generator.ids import RESERVED_IDS
    guide = (ROOT / "content" / "contribuer.md").read_text(encoding="utf-8")
    assert [i for i in sorted(RESERVED_IDS) if f"`{i}`" not in guide] == []


def test_french_numbers_never_fail() -> None:
    """Any number the format accepts can be shown (huge and tiny ones in scientific notation)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from generator.formats import number, with_unit

    @settings(max_examples=300, deadline=None)
    @given(st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False)))
    def check(value) -> None:
        text = with_unit(value, "km")
        assert text and "E" not in number(value)

    check()
    assert number(462000) == "462\u202f000" and number(12.5) == "12,5"
    assert number(1e30) == "1\u202f×\u202f10³⁰" and number(0.00012) == "0,00012"


def test_negative_numbers_are_shown_with_a_minus_sign_and_kept_with_a_hyphen_in_the_data(tmp_path) -> None:
    """French typography (and English) writes a negative number with « − » (U+2212), not a hyphen: the pages of
    both editions and the numbers the pictures write; the CSV and JSON files keep `-` for the programs that
    read them. A value rounded to zero takes no sign."""
    import csv
    import io
    import json
    import shutil

    from conftest import AS_OF, FIXTURE_ATLAS
    from generator.formats import MINUS, number, with_unit
    from generator.load import load_valid_atlas
    from generator.pages import SiteOptions
    from generator.site import site_outputs

    assert number(-2.39) == f"{MINUS}2,39" and number(-2.39, lang="en") == f"{MINUS}2.39"
    assert number(-1234567) == f"{MINUS}1\u202f234\u202f567" and number(-1e-9) == f"{MINUS}1\u202f×\u202f10⁻⁹"
    assert with_unit(-2.39, "%") == f"{MINUS}2,39\u00a0%" and with_unit(-2.39, "%", "en") == f"{MINUS}2.39%"
    assert number(-0.04, 1) == "0,0" and number(-0.0) == "0" and number(-0.0, 1) == "0,0"
    tree = tmp_path / "territories"
    shutil.copytree(FIXTURE_ATLAS, tree)
    sheet = tree / "grand-besancon-metropole" / "territory.yml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("value: 2.1\n", "value: -2.1\n"), encoding="utf-8")
    atlas = load_valid_atlas(tree, as_of=AS_OF)
    content = tmp_path / "content"
    content.mkdir()
    outs = {o.path: o.data.decode("utf-8") for o in site_outputs(atlas, tree, content, SiteOptions(), pictures={},
                                                                 schemas=None)}
    for page, shown in (("territoires/grand-besancon-metropole.md", f"| {MINUS}2,1\u00a0h |"),
                        ("en/territoires/grand-besancon-metropole.md", f"| {MINUS}2.1\u00a0")):
        assert shown in outs[page], page
        assert "&#45;2" not in outs[page] and "-2,1" not in outs[page]
    figures = [i for t in json.loads(outs["donnees/atlas.json"])["territories"] if t["id"] == "grand-besancon-metropole"
               for p in t["pillars"].values() for i in p.get("indicators", ())]
    assert -2.1 in [f["value"] for f in figures]
    assert MINUS not in outs["donnees/atlas.json"] and MINUS not in outs["donnees/territories.csv"]
    assert list(csv.reader(io.StringIO(outs["donnees/territories.csv"])))
