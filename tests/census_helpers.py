"""What the tests of the census import share (test_census, test_duplicates_import): rows in the census's own
columns, the CSV they are written to, the small trees of real territories they are imported into, and the
readers of what the import wrote."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DATA = ROOT / "node_modules" / "@etalab" / "decoupage-administratif" / "data"
COLUMNS = ["ID", "NOM_TL", "ADRESSE", "CP", "COMINIT", "INSEECOM", "NOMCOM", "WEB", "TYPO", "LAT", "LONG",
           "PRECISION", "METRO", "NOMMETRO", "INSEEDEP", "INSEEREG", "NOMREG"]
COWORKING = "Tiers lieux à dominante coworking"
NEEDS_PACKAGE = pytest.mark.skipif(not (PACKAGE_DATA / "communes.json").exists(),
                                   reason="needs @etalab/decoupage-administratif (run `npm ci`)")


def census_row(id: int, name: str, code: str, *, address: str = "", cp: str = "0", commune: str = "",
               web: str = "", typo: str = COWORKING, lat: float | str = "", lon: float | str = "",
               score: float | str = "", dep: str = "") -> dict[str, str]:
    return {"ID": str(id), "NOM_TL": name, "ADRESSE": address, "CP": cp, "COMINIT": commune, "INSEECOM": code,
            "NOMCOM": commune, "WEB": web, "TYPO": typo, "LAT": str(lat), "LONG": str(lon), "PRECISION": str(score),
            "METRO": "0", "NOMMETRO": "", "INSEEDEP": dep, "INSEEREG": "", "NOMREG": ""}


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def base_tree(folder: Path, imports: list[list[str]], curated: Path, text: str) -> Path:
    """Territories imported into `folder`/territories (`atlas import` arguments each), the shipped vocabulary,
    and one hub written by hand at `curated` (relative to the tree)."""
    root = folder / "territories"
    for args in imports:
        assert main(["import", *args, "--territories", str(root)]) == 0
    shutil.copy(ROOT / "territories" / "vocabulary.yml", root / "vocabulary.yml")
    (root / curated).parent.mkdir(parents=True)
    (root / curated).write_text(text, encoding="utf-8")
    return root


def tree_copy(base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of a base tree, the build date 2026-12-01."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")  # 2026-12-01
    copy = tmp_path / "territories"
    shutil.copytree(base, copy)
    return copy


def hub_sheets(tree: Path) -> dict[str, Path]:
    return {p.stem: p for p in sorted(tree.glob("*/hubs/*.yml"))}


def load_yaml(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def snapshot(tree: Path) -> dict[str, bytes]:
    return {str(p.relative_to(tree)): p.read_bytes() for p in sorted(tree.rglob("*")) if p.is_file()}
