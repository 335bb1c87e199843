"""One invalid sheet per rule of the format, each with the exact message and location expected.

Each file in tests/fixtures/invalid/ says where it goes in a copy of the fixture atlas (`# target:`)
and the exact error lines it must produce (`# expect:`); `{file}` is that target, `{root}` the
territories folder. Only errors are compared; the list must match exactly, nothing more.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import AS_OF, FIXTURES
from generator.load import load_atlas

CASES = sorted((FIXTURES / "invalid").iterdir())


def _header(path: Path) -> tuple[str, list[str]]:
    target, expect = "", []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# target: "):
            target = line[len("# target: "):]
        elif line.startswith("# expect: "):
            expect.append(line[len("# expect: "):])
    return target, expect


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_invalid_sheet(case: Path, atlas_copy: Path) -> None:
    target, expected = _header(case)
    assert target and expected, f"{case.name} needs '# target:' and '# expect:' lines"
    dest = atlas_copy / target
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(case.read_bytes())
    atlas, report = load_atlas(atlas_copy, as_of=AS_OF)
    assert atlas is None
    lines = [p.text() for p in report.errors]
    want = [e.format(file=f"territories/{target}", root="territories") for e in expected]
    assert lines == want


def _write(atlas_copy: Path, rel: str, data: bytes) -> str:
    dest = atlas_copy / rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(data)
    return f"territories/{rel}"


VALID_HUB = "name: H\ntypes: [tiers-lieu]\nstatus: project\nupdated: 2025-01-05\n"


def _errors(atlas_copy: Path) -> list[str]:
    atlas, report = load_atlas(atlas_copy, as_of=AS_OF)
    assert atlas is None
    return [p.text() for p in report.errors]


def test_nul_byte(atlas_copy: Path) -> None:
    f = _write(atlas_copy, "pays-horloger/hubs/h.yml", b"name: A\x00B\n" + VALID_HUB.encode()[8:])
    assert _errors(atlas_copy) == [
        f"{f}:1:8: control character U+0000 in the sheet "
        "(hint: remove it; only tab, carriage return and newline are allowed)"]


def test_bidi_override(atlas_copy: Path) -> None:
    f = _write(atlas_copy, "pays-horloger/hubs/h.yml", ("name: ab\u202ecd\n" + VALID_HUB[8:]).encode())
    assert _errors(atlas_copy) == [
        f"{f}:1:9: invisible or bidirectional-override character U+202E in the sheet "
        "(hint: remove it (it can hide what the text says))"]


def test_invalid_utf8(atlas_copy: Path) -> None:
    f = _write(atlas_copy, "pays-horloger/hubs/h.yml", b"name: Caf\xe9\n" + VALID_HUB.encode()[8:])
    assert _errors(atlas_copy) == [f"{f}:1:10: invalid UTF-8 (byte 0xe9) (hint: save the file as UTF-8)"]


def test_too_large(atlas_copy: Path) -> None:
    body = VALID_HUB.encode() + b"description: |\n" + b"  " + b"x" * (1024 * 1024) + b"\n"
    f = _write(atlas_copy, "pays-horloger/hubs/h.yml", body)
    assert _errors(atlas_copy) == [
        f"{f}: the sheet is {len(body):,} bytes; the limit is 1 MiB (1,048,576 bytes) "
        "(hint: split the text or move long content elsewhere)"]


def test_symlink_refused(atlas_copy: Path) -> None:
    link = atlas_copy / "pays-horloger" / "hubs" / "lien.yml"
    link.symlink_to(atlas_copy / "doubs" / "hubs" / "incubateur-ferme.yml")
    assert _errors(atlas_copy) == [
        "territories/pays-horloger/hubs/lien.yml: symbolic links are not allowed in the territories folder "
        "(hint: replace the link with the file itself)"]


def test_folder_where_hub_sheet_should_be(atlas_copy: Path) -> None:
    (atlas_copy / "pays-horloger" / "hubs" / "dossier.yml").mkdir()
    assert _errors(atlas_copy) == [
        "territories/pays-horloger/hubs/dossier.yml: a folder where a hub sheet should be "
        "(hint: a hub is one file: hubs/<hub-id>.yml)"]


def test_bom_and_crlf_accepted(atlas_copy: Path) -> None:
    text = VALID_HUB.replace("\n", "\r\n").encode()
    _write(atlas_copy, "pays-horloger/hubs/h.yml", b"\xef\xbb\xbf" + text)
    atlas, report = load_atlas(atlas_copy, as_of=AS_OF)
    assert report.errors == []
    assert atlas is not None and atlas.hubs["h"].name == "H"


def test_all_errors_of_all_sheets_in_one_run(atlas_copy: Path) -> None:
    _write(atlas_copy, "pays-horloger/hubs/a.yml", b"name: A\ntypes: [fablab]\nstatus: yes\nupdated: 2025-01-05\n")
    _write(atlas_copy, "doubs/hubs/b.yml", b"nme: B\ntypes: [tiers-lieu]\nstatus: project\nupdated: 2025-01-05\n")
    lines = _errors(atlas_copy)
    assert len(lines) == 4  # unknown type, status, unknown field, missing name
    assert lines == sorted(lines, key=lambda s: (s.split(":")[0], int(s.split(":")[1]) if s.split(":")[1].isdigit() else 0))


def test_several_problems_in_one_sheet_each_reported_once(atlas_copy: Path) -> None:
    f = _write(atlas_copy, "pays-horloger/territory.yml", (
        "name: &n Pays horloger\n"      # 1 anchor
        "level: pays\n"
        "level: epci\n"                 # 3 duplicate key
        "code: 01\n"                    # 4 YAML 1.1 octal
        "parent: *n\n"                  # 5 alias (its value is not checked again)
        "summary: !ENV HOME\n"          # 6 tag
        "updated: 2025-01-05\n"
        "populaton: 3\n"                # 8 unknown field
    ).encode())
    assert _errors(atlas_copy) == [
        f"{f}:1:7: anchor '&n' is not allowed (hint: sheets are plain data: remove the anchor)",
        f"{f}:3:1: duplicate key 'level' (first written at line 2) "
        "(hint: keep one of the two; YAML would silently drop the first)",
        f'{f}:4:7: code: expected text, found 01 (hint: quote it: code: "01")',
        f"{f}:5:9: alias '*n' is not allowed (hint: sheets are plain data: write the value again instead of an alias)",
        f"{f}:6:10: tag '!ENV' is not allowed (hint: remove the tag; quote the value if it is text)",
        f"{f}:8:1: populaton: unknown field 'populaton' (hint: did you mean 'population'?)",
    ]


def test_control_and_bidi_characters_written_as_escapes(atlas_copy: Path) -> None:
    f = _write(atlas_copy, "pays-horloger/hubs/h.yml",
               b'name: "Dou\\0bs"\ntypes: [tiers-lieu]\nstatus: project\naddress: "rue \\u202E evil"\n'
               b'description: "ligne\\tune\\nligne deux"\nupdated: 2025-01-05\n')
    assert _errors(atlas_copy) == [
        f"{f}:1:7: control character U+0000 written as an escape in a quoted value "
        "(hint: remove the escape; only \\t and \\n are allowed)",
        f"{f}:4:10: invisible or bidirectional-override character U+202E written as an escape in a quoted value "
        "(hint: remove the escape; only \\t and \\n are allowed)",
    ]
