"""The table of fields (generator.fields) is the one declaration of the format: everything derived from it
agrees with it, and a field added there reaches the validator, the model, the JSON Schema, the reference
page, `atlas new`, the quality checklist and the open data without another edit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import AS_OF, ROOT
from generator import fields, ids, opendata, quality, scaffold, schema, schema_reference, site_templates
from generator.load import load_atlas, load_valid_atlas
from generator.specs import Fact, Field, Integer, Record, Text


def _uncommented(text: str) -> str:
    """A skeleton of `atlas new` with every commented field written (comment marks taken off)."""
    lines = text.splitlines()
    return "\n".join([lines[0], *(line[2:] if line.startswith("# ") else line for line in lines[1:])]) + "\n"


def test_every_example_of_the_table_is_a_valid_value(atlas_copy: Path) -> None:
    """Uncomment every line of the skeletons of `atlas new`: the sheets are valid (examples are real values)."""
    territory = scaffold.territory_sheet("nouveau", "Nouveau", "epci", "doubs", None, "2025-01-10", "# schema")
    hub = scaffold.hub_sheet("Lieu", ["fab-lab"], "closed", "2025-01-10", "# schema")  # closed_in needs it
    assert territory.count("\n# ") > 10 and hub.count("\n# ") > 10
    (atlas_copy / "nouveau" / "hubs").mkdir(parents=True)
    (atlas_copy / "nouveau" / "territory.yml").write_text(_uncommented(territory), encoding="utf-8")
    # the partner placeholder names a hub that does not exist: point it at one that does
    hub_text = _uncommented(hub).replace("id-d-un-autre-lieu", "fablab-besancon")
    (atlas_copy / "nouveau" / "hubs" / "lieu.yml").write_text(hub_text, encoding="utf-8")
    atlas, report = load_atlas(atlas_copy, as_of=AS_OF)
    assert [p.text() for p in report.errors] == []
    assert atlas is not None and atlas.hubs["lieu"].website and atlas.territories["nouveau"].pillars["health"].rating


def test_reference_rows_name_every_field_of_the_table() -> None:
    """The reference page reads the table: one row per field path, with the JSON Schema's title and help text."""
    schemas = schema.json_schemas()
    for kind, title, rows in schema_reference.reference_sections():
        assert title == schemas[kind]["title"]
        paths = [r[0] for r in rows]
        assert len(paths) == len(set(paths))
        spec = fields.SHEET_SPECS[kind]
        if isinstance(spec, Record):
            for name, f in spec.fields.items():
                assert (name, f.spec.type_name, f.required) == next(r[:3] for r in rows if r[0] == name)
                description = schemas[kind]["properties"][name].get("description", "")
                assert f.description == description or not f.description
    rows = {r[0]: r for r in schema_reference.reference_sections()[1][2]}
    assert rows["status"][1] == "une valeur parmi : active, project, closed ou table"
    assert rows["figures[].label"][1:3] == ("texte", True) and rows["coordinates.precision"][2] is False


def test_ids_are_declared_once() -> None:
    assert site_templates._SLUG is ids.SLUG
    assert schema.json_schemas()["hub"]["properties"]["partners"]["items"] == {
        "type": "string", "pattern": ids.SLUG_PATTERN, "maxLength": ids.MAX_ID_LENGTH}
    assert ids.FORMAT_RESERVED_IDS < ids.RESERVED_IDS and len(ids.FORMAT_RESERVED_IDS) == 10
    assert ids.is_id("a" * 80) and not ids.is_id("a" * 81) and not ids.is_id("Rennes")
    assert ids.slugify("Saint-Étienne Métropole") == "saint-etienne-metropole"


def test_quality_checklist_and_columns_follow_the_table() -> None:
    ranked = [name for name, _ in fields.checklist(fields.HUB)]
    assert ranked[:4] == ["address", "coordinates", "website", "founded"]
    names = [c for c, _ in opendata.HUB_COLUMNS]
    declared = [n for n, f in fields.HUB.fields.items() if f.column and n != "coordinates"]
    assert [n for n in names if n in fields.HUB.fields and n != "id"] == declared
    assert fields.identity_facts() == ("status", "founded", "closed_in", "address", "coordinates")


@pytest.fixture
def new_hub_fields(monkeypatch: pytest.MonkeyPatch) -> Record:
    """The table with two fields added to hubs, as a contributor would add them: one entry each."""
    added = Record({
        **fields.HUB.fields,
        "opening_hours": Field(Text(nonblank=True), False, "Horaires d'ouverture", "Horaires", "Opening hours",
                               example="Du lundi au vendredi", quality=11, column="horaires d'ouverture"),
        "visitors": Field(Fact(Integer(0)), False, "Visiteurs par an", "Visiteurs", "Visitors", example="1200"),
    })
    for module in (fields, schema_reference, scaffold, quality):
        if hasattr(module, "HUB"):
            monkeypatch.setattr(module, "HUB", added)
    monkeypatch.setitem(fields.SHEET_SPECS, "hub", added)  # type: ignore[index]
    import generator.load
    monkeypatch.setattr(generator.load, "HUB", added)
    monkeypatch.setattr(opendata, "HUB_TABLE", opendata.columns(added, opendata.HUB_TABLE[:1], {
        "name": [c for c in opendata.HUB_TABLE if c.name == "territory"],
        "status": [c for c in opendata.HUB_TABLE if c.name == "status_to_check"]}, {
        "partners": next(c for c in opendata.HUB_TABLE if c.name == "partners").value}))
    return added


def test_a_field_added_to_the_table_reaches_every_output(new_hub_fields: Record, atlas_copy: Path) -> None:
    sheet = atlas_copy / "doubs" / "hubs" / "incubateur-ferme.yml"
    text = sheet.read_text(encoding="utf-8")
    sheet.write_text(text + "opening_hours: Le mardi\nvisitors: {value: 300, year: 2012}\n", encoding="utf-8")
    atlas, report = load_atlas(atlas_copy, as_of=AS_OF)
    assert atlas is not None, [p.text() for p in report.errors]
    hub = atlas.hubs["incubateur-ferme"]
    assert hub.opening_hours == "Le mardi" and hub.visitors.value == 300 and hub.visitors.year == 2012
    assert atlas.hubs["fablab-besancon"].opening_hours is None
    assert ("visitors", hub.visitors) in list(hub.facts())
    warnings = [p.text() for p in report.warnings + report.notices if "visitors" in p.text()]
    assert len(warnings) == 2  # a fact without a source, and an old one: the facts' rules apply to it
    assert "horaires" not in quality.hub_quality(atlas, hub).missing
    assert "horaires" in quality.hub_quality(atlas, atlas.hubs["fablab-besancon"]).missing
    header, *rows = opendata.hubs_csv(atlas).decode().splitlines()
    assert header.split(",")[-1] == "opening_hours" and any(r.endswith(",Le mardi") for r in rows)
    record = json.loads(opendata.atlas_json(atlas))["hubs"]
    assert next(h for h in record if h["id"] == "incubateur-ferme")["visitors"] == {"value": 300, "year": 2012}
    hub_schema = schema.json_schemas()["hub"]["properties"]
    assert hub_schema["opening_hours"] == {"type": "string", "pattern": r"\S", "description": "Horaires d'ouverture"}
    rows = {r[0]: r for _, _, section in schema_reference.reference_sections() for r in section}
    assert rows["visitors.year"][1] == "entier" and rows["opening_hours"][3] == "Horaires d'ouverture"
    assert "# opening_hours: Du lundi au vendredi" in scaffold.hub_sheet("X", ["fab-lab"], "active", "2025-01-01", "#")
    sheet.write_text(text + "visitors: beaucoup\n", encoding="utf-8")
    atlas, report = load_atlas(atlas_copy, as_of=AS_OF)
    assert atlas is None and [p.message for p in report.errors] == [
        'attendu : un entier d\'au moins 0, trouvé : "beaucoup"']


def test_the_shipped_schema_files_are_the_tables() -> None:
    from generator.load import vocabulary_ids
    for name, body in schema.schema_files(vocabulary_ids(ROOT / "territories")).items():
        assert (ROOT / "schema" / name).read_bytes() == body, f"schema/{name} is stale: run atlas schema"


def test_model_is_built_from_the_table(fixture_atlas) -> None:
    """Every field of a territory or hub sheet lands on the model (an attribute, or extra)."""
    atlas = load_valid_atlas(ROOT / "tests" / "fixtures" / "atlas", as_of=AS_OF)
    assert atlas == fixture_atlas
    for record, items in ((fields.TERRITORY, atlas.territories.values()), (fields.HUB, atlas.hubs.values())):
        for name, f in record.fields.items():
            if name in ("id",):
                continue
            assert all(hasattr(item, f.attr or name) for item in items), name
        assert all(item.extra == {} for item in items)


def test_every_sheet_field_has_its_labels() -> None:
    for kind in ("territory", "hub"):
        for name, f in fields.SHEET_SPECS[kind].fields.items():  # type: ignore[union-attr]
            assert f.label and f.label_en and f.description, (kind, name)
    assert fields.label("hub", "website") == "Site web" and fields.label("hub", "website", "en") == "Website"
    assert [n for n, f in fields.TERRITORY.fields.items() if f.translatable] == ["summary"]
    assert list(fields.TERRITORY.fields["en"].spec.fields) == ["summary"]  # type: ignore[attr-defined]
    assert list(fields.HUB.fields["en"].spec.fields) == ["description"]  # type: ignore[attr-defined]
