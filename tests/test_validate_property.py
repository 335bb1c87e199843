"""Property: whatever a stranger writes in a sheet, the validator answers with its own report.

Hypothesis feeds arbitrary text, arbitrary bytes and arbitrary YAML values into the fields of valid
sheets; `load_atlas` must return (atlas or None, report) and never raise.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import AS_OF, FIXTURE_ATLAS
from generator import i18n
from generator.load import load_atlas

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30), st.dates().map(str),
    st.sampled_from(["yes", "NO", "on", "01", "08105", "1:20", "0x1F", ".nan", "-.inf", "~", "2025-02-30",
                     "javascript:alert(1)", "{{ 7*7 }}", "<script>x</script>", "4/5", "12,5", "<<", "&a", "*a"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)), max_leaves=12)
TERRITORY_FIELDS = ["name", "level", "code", "parent", "population", "area_km2", "coordinates", "summary",
                    "pillars", "sources", "updated", "contributors", "en", "id", "populaton"]
HUB_FIELDS = ["name", "types", "status", "founded", "closed_in", "address", "coordinates", "website",
              "services", "themes", "pillars", "networks", "partners", "figures", "description", "sources",
              "updated", "en", "id"]


def _tree(tmp: Path) -> Path:
    root = tmp / "territories"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(FIXTURE_ATLAS, root)
    return root


def _check(root: Path) -> None:
    atlas, report = load_atlas(root, as_of=AS_OF)
    assert (atlas is None) == bool(report.errors)
    for problem in report.problems:
        assert problem.message and problem.location.file


@SETTINGS
@given(text=st.text(max_size=400))
def test_arbitrary_text_as_a_sheet(tmp_path_factory, text: str) -> None:
    root = _tree(tmp_path_factory.mktemp("t"))
    try:
        (root / "pays-horloger" / "territory.yml").write_text(text, encoding="utf-8")
    except UnicodeEncodeError:  # lone surrogates cannot be saved as UTF-8 by any editor
        return
    _check(root)


@SETTINGS
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes_as_a_sheet(tmp_path_factory, data: bytes) -> None:
    root = _tree(tmp_path_factory.mktemp("b"))
    (root / "pays-horloger" / "hubs" / "tiers-lieu-projet.yml").write_bytes(data)
    _check(root)


@SETTINGS
@given(field=st.sampled_from(TERRITORY_FIELDS), value=values)
def test_arbitrary_value_in_a_territory_field(tmp_path_factory, field: str, value) -> None:
    root = _tree(tmp_path_factory.mktemp("v"))
    sheet = root / "grand-besancon-metropole" / "territory.yml"
    data = yaml.safe_load(sheet.read_text(encoding="utf-8"))
    data[field] = value
    sheet.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _check(root)


@SETTINGS
@given(field=st.sampled_from(HUB_FIELDS), value=values)
def test_arbitrary_value_in_a_hub_field(tmp_path_factory, field: str, value) -> None:
    root = _tree(tmp_path_factory.mktemp("h"))
    sheet = root / "grand-besancon-metropole" / "hubs" / "fablab-besancon.yml"
    data = yaml.safe_load(sheet.read_text(encoding="utf-8"))
    data[field] = value
    sheet.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _check(root)


@SETTINGS
@given(pillar=st.sampled_from(["health", "identity", "santé"]), field=st.sampled_from(
    ["rating", "rationale", "summary", "indicators", "en", "x"]), value=values)
def test_arbitrary_value_in_a_pillar(tmp_path_factory, pillar: str, field: str, value) -> None:
    root = _tree(tmp_path_factory.mktemp("p"))
    sheet = root / "grand-besancon-metropole" / "territory.yml"
    data = yaml.safe_load(sheet.read_text(encoding="utf-8"))
    data["pillars"].setdefault(pillar, {})[field] = value
    sheet.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _check(root)


def test_alias_bomb_is_refused_quickly(tmp_path) -> None:
    root = _tree(tmp_path)
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9))
    (root / "pays-horloger" / "territory.yml").write_text(bomb, encoding="utf-8")
    with i18n.using("en"):  # the messages are counted by their English words
        atlas, report = load_atlas(root, as_of=AS_OF)
    assert atlas is None
    messages = [p.message for p in report.errors]
    # every anchor and alias is reported once; nothing is expanded
    assert messages.count("anchor '&a' is not allowed") == 1
    assert sum(m.startswith("alias '*") for m in messages) == 36
    assert sum(m.startswith("anchor '&") for m in messages) == 10
