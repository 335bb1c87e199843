"""`atlas release`: a dated, versioned open-data bundle, ready to upload to data.gouv.fr as it is.

A bundle is a folder `releases/<version>/` (or `--out DIR`) holding the open data of the build
(`generator.opendata`: atlas.json, the CSV files, hubs.geojson, the sheets under `fiches/`), the
dictionary of the data as a Frictionless Data Package (`datapackage.json`: every CSV column with its
type and meaning, every file with its size and SHA-256), a README with the licence and the credits,
the data licence, the changes since the previous bundle (`CHANGELOG.md`) and `SHA256SUMS`
(`sha256sum -c SHA256SUMS` checks it). A version is never overwritten: the bundle is made in a
temporary folder beside the target, checked against its own dictionary, then renamed into place.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import re
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from generator.errors import AtlasError, InvalidAtlas
from generator.i18n import _, ngettext, number
from generator.load import load_valid_atlas
from generator.measured import scores_of
from generator.model import Atlas
from generator.opendata import (
    COLUMN_TYPES,
    DATA_DIR,
    HUB_COLUMNS,
    MEASURE_COLUMNS,
    TERRITORY_COLUMNS,
    data_outputs,
    sheet_outputs,
)
from generator.outputs import MANIFEST, Output, check_unique, write_tree
from generator.project import SHIPPED

RELEASES = "releases"
VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$")
PACKAGE = "datapackage.json"
CHECKSUMS = "SHA256SUMS"
CHANGES = "CHANGELOG.md"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
TITLE = "Atlas des territoires de demain"
CREDITS = (
    "INSEE – Code officiel géographique, populations de référence (Licence Ouverte 2.0)",
    "© IGN – ADMIN EXPRESS COG CARTO (Licence Ouverte 2.0)",
    "DILA – Annuaire de l'administration (points des mairies, Licence Ouverte 2.0)",
    "CGET (ANCT) – Mission Coworking, recensement des tiers-lieux, mise à jour du 13 juin 2019, "
    "https://github.com/anct-carto/mission_coworking (Licence Ouverte 2.0)",
    "ANCT – Carte des programmes de l'ANCT, données Fabriques de territoire, mise à jour de janvier 2024, "
    "https://github.com/anct-carto/superposeur-anct (Licence Ouverte 2.0)",
    "les producteurs des indicateurs mesurés (DREES, INSEE, Agence Bio, DGOS…), nommés dans atlas.json "
    "(clés indicators et sources)",
)
# Columns that hold numbers, dates or booleans (every other column is text); Table Schema types.
FIELD_TYPES: Mapping[str, str] = {
    **COLUMN_TYPES,  # territories.csv and hubs.csv: typed from the table of fields (opendata.COLUMN_TYPES)
    "value": "number", "year": "integer", "rank": "integer", "count": "integer", "p": "number", "score": "integer",
    "median": "number",
}
CSV_FILES = {"territories.csv": TERRITORY_COLUMNS, "hubs.csv": HUB_COLUMNS, "measures.csv": MEASURE_COLUMNS}
DESCRIPTIONS = {
    "atlas.json": "L'atlas complet : territoires, lieux, mesures, profils mesurés, partenariats, sources, vocabulaire",
    "territories.csv": "Les territoires, une ligne chacun, avec leurs scores mesurés",
    "measures.csv": "Les mesures officielles et leurs scores, une ligne par territoire et indicateur",
    "hubs.csv": "Les lieux d'innovation, une ligne chacun",
    "hubs.geojson": "Les lieux d'innovation qui ont des coordonnées (points WGS 84)",
}
MEDIA = {".json": "application/json", ".csv": "text/csv", ".geojson": "application/geo+json"}
# Fields of atlas.json records derived from other sheets or from the date (not a change of the sheet).
DERIVED = {"measured_profile", "children", "hubs", "partners_all", "status_to_check"}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---- making a bundle (values) ------------------------------------------------------------------------

def _table_schema(columns: list[tuple[str, str]]) -> dict[str, Any]:
    return {"fields": [{"name": c, "type": FIELD_TYPES.get(c, "string"), "description": meaning}
                       for c, meaning in columns],
            "missingValues": [""]}


def _package(version: str, day: date, data: list[Output]) -> dict[str, Any]:
    resources = []
    for out in data:
        name = out.path.rsplit("/", 1)[-1]
        suffix = "." + name.rsplit(".", 1)[-1]
        res: dict[str, Any] = {"name": name.replace(".", "-"), "path": name, "title": DESCRIPTIONS.get(name, name),
                               "format": suffix[1:], "mediatype": MEDIA.get(suffix, "application/octet-stream"),
                               "encoding": "utf-8", "bytes": len(out.data), "hash": f"sha256:{sha256(out.data)}"}
        if name in CSV_FILES:
            res["profile"] = "tabular-data-resource"
            res["dialect"] = {"delimiter": ",", "header": True, "lineTerminator": "\n"}
            res["schema"] = _table_schema(CSV_FILES[name])
        resources.append(res)
    return {
        "profile": "tabular-data-package", "name": "atlas-territoires-de-demain", "title": TITLE,
        "version": version, "created": day.isoformat(),
        "description": "Territoires français et lieux d'innovation, avec leurs faits datés et sourcés, "
                       "leurs mesures officielles et leur profil mesuré.",
        "licenses": [{"name": "etalab-2.0", "title": "Licence Ouverte / Open Licence version 2.0",
                      "path": LICENCE_URL}],
        "sources": [{"title": c} for c in CREDITS],
        "resources": resources,
    }


def _readme(atlas: Atlas, version: str, data: list[Output], sheets: int, has_changes: bool) -> str:
    day = atlas.as_of
    lines = [
        f"# {TITLE} — données ouvertes, version {version}", "",
        f"Édition du {day.isoformat()} : {len(atlas.territories)} territoires, {len(atlas.hubs)} lieux "
        f"d'innovation, {len(atlas.partnerships)} partenariats, {sheets} fiches sources.", "",
        "## Fichiers", "",
        "| Fichier | Contenu | Octets |", "|---|---|---|",
    ]
    for out in data:
        name = out.path.rsplit("/", 1)[-1]
        lines.append(f"| {name} | {DESCRIPTIONS.get(name, name)} | {len(out.data)} |")
    lines += [
        "| fiches/ | Les fiches YAML dont l'atlas est fait, telles quelles | |",
        f"| {PACKAGE} | Le dictionnaire des données (Frictionless Data Package : colonnes, types, sens, "
        "empreintes) | |",
        f"| {CHECKSUMS} | Empreintes SHA-256 de tous les fichiers (`sha256sum -c {CHECKSUMS}`) | |",
    ]
    if has_changes:
        lines.append(f"| {CHANGES} | Ce qui a changé depuis la version précédente | |")
    lines += ["", "## Dictionnaire des données", ""]
    for name, columns in CSV_FILES.items():
        lines += [f"### {name}", "", "| Colonne | Type | Signification |", "|---|---|---|"]
        lines += [f"| {c} | {FIELD_TYPES.get(c, 'string')} | {m} |" for c, m in columns]
        lines.append("")
    lines += [
        "Séparateur virgule, première ligne d'en-tête, UTF-8 ; une cellule vide est une valeur absente. Un texte "
        "qui commence par =, +, -, @ ou une tabulation est précédé d'une apostrophe, pour qu'un tableur ne "
        "l'exécute pas comme une formule. hubs.geojson : points [longitude, latitude] en WGS 84 (RFC 7946). "
        "atlas.json : les champs des fiches, décrits dans la référence des fiches du site.", "",
        "## Licence", "",
        f"Licence Ouverte / Open Licence version 2.0 d'Etalab ({LICENCE_URL}) : voir LICENCE.md. "
        f"Citez « {TITLE} », la date de l'édition ({day.isoformat()}) et, pour chaque chiffre, sa source "
        "d'origine, citée dans la fiche.", "",
        "## Crédits", "",
        *[f"- {c}" for c in CREDITS], "",
    ]
    return "\n".join(lines)


def bundle_outputs(atlas: Atlas, territories_dir: Path, version: str, previous: Path | None = None) -> list[Output]:
    """Every file of the bundle as values, paths relative to the bundle folder."""
    scores = scores_of(atlas)
    data = [Output(o.path.removeprefix(f"{DATA_DIR}/"), o.data, o.sources) for o in data_outputs(atlas, scores)]
    sheets = [Output(o.path.removeprefix(f"{DATA_DIR}/"), o.data, o.sources)
              for o in sheet_outputs(atlas, territories_dir)]
    outs = [*data, *sheets]
    outs.append(Output(PACKAGE, _json(_package(version, atlas.as_of, data))))
    licence = SHIPPED / "LICENCE-DONNEES.md"  # the checkout's, or the copy in the package (generator.project)
    if licence.is_file():
        outs.append(Output("LICENCE.md", licence.read_bytes()))
    if previous is not None:
        new = records(json.loads(next(o.data for o in data if o.path == "atlas.json")))
        outs.append(Output(CHANGES, changelog(read_bundle(previous), (version, atlas.as_of.isoformat(), *new))
                           .encode("utf-8")))
    outs.append(Output("README.md", _readme(atlas, version, data, len(sheets), previous is not None).encode("utf-8")))
    sums = "".join(f"{sha256(o.data)}  {o.path}\n" for o in sorted(outs, key=lambda o: o.path))
    outs.append(Output(CHECKSUMS, sums.encode("utf-8")))
    return check_unique(outs)


def _json(doc: Any) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# ---- reading and checking a bundle ---------------------------------------------------------------------

Records = tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]


def records(atlas_doc: Mapping[str, Any]) -> Records:
    """(territories by id, hubs by id) of an atlas.json document."""
    return ({t["id"]: t for t in atlas_doc.get("territories", [])}, {h["id"]: h for h in atlas_doc.get("hubs", [])})


def read_bundle(folder: Path) -> tuple[str, str, dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """(version, date, territories, hubs) of a bundle folder; AtlasError if it is not one."""
    try:
        package = json.loads((folder / PACKAGE).read_text(encoding="utf-8"))
        doc = json.loads((folder / "atlas.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise AtlasError(_("{folder} is not a release bundle ({error}); give the folder an `{command}` "
                           "wrote").format(folder=folder, error=error, command="atlas release")) from None
    return (str(package.get("version", folder.name)), str(package.get("created", "")), *records(doc))


def _check_cell(value: str, kind: str) -> bool:
    if value == "":
        return True
    try:
        if kind == "integer":
            int(value)
        elif kind == "number":
            float(value)
        elif kind == "date":
            date.fromisoformat(value)
        elif kind == "boolean":
            return value in ("true", "false")
    except ValueError:
        return False
    return True


def check_bundle(folder: Path) -> list[str]:
    """Problems of a bundle against its own dictionary and checksums (an empty list: it is sound)."""
    problems: list[str] = []
    try:
        package = json.loads((folder / PACKAGE).read_text(encoding="utf-8"))
        sums = (folder / CHECKSUMS).read_text(encoding="utf-8").splitlines()
    except (OSError, ValueError) as error:
        return [f"{folder}: {error}"]
    listed = set()
    for line in sums:
        digest, _sep, name = line.partition("  ")
        listed.add(name)
        path = folder / name
        if not path.is_file() or sha256(path.read_bytes()) != digest:
            problems.append(f"{name}: checksum does not match {CHECKSUMS}")
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {CHECKSUMS}
    problems += [f"{name}: not listed in {CHECKSUMS}" for name in sorted(present - listed)]
    for res in package.get("resources", []):
        data = (folder / res["path"]).read_bytes() if (folder / res["path"]).is_file() else b""
        if res.get("hash") != f"sha256:{sha256(data)}" or res.get("bytes") != len(data):
            problems.append(f"{res['path']}: size or hash differs from {PACKAGE}")
        if "schema" in res:
            fields = res["schema"]["fields"]
            rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
            if not rows or rows[0] != [f["name"] for f in fields]:
                problems.append(f"{res['path']}: header differs from the dictionary")
                continue
            for n, row in enumerate(rows[1:], start=2):
                if len(row) != len(fields):
                    problems.append(f"{res['path']}:{n}: {len(row)} cells, the dictionary has {len(fields)} columns")
                    continue
                for f, cell in zip(fields, row, strict=True):
                    if not _check_cell(cell, f["type"]):
                        problems.append(f"{res['path']}:{n}: {f['name']} {cell!r} is not of type {f['type']}")
        elif res["path"].endswith(("json", "geojson")):
            try:
                doc = json.loads(data)
            except ValueError as error:
                problems.append(f"{res['path']}: not JSON ({error})")
                continue
            if res["path"].endswith(".geojson") and (doc.get("type") != "FeatureCollection" or any(
                    f.get("geometry", {}).get("type") != "Point" for f in doc.get("features", []))):
                problems.append(f"{res['path']}: not a FeatureCollection of points")
    return problems


# ---- the changes between two bundles -------------------------------------------------------------------

def _changed_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    keys = (set(old) | set(new)) - DERIVED
    return sorted(k for k in keys if old.get(k) != new.get(k))


def changelog(old: tuple[str, str, dict, dict], new: tuple[str, str, dict, dict]) -> str:
    """"What changed since the last release", in French Markdown: territories and hubs added, removed, changed."""
    old_version, old_date, old_t, old_h = old
    new_version, new_date, new_t, new_h = new
    lines = [f"# Changements des données : version {new_version} ({new_date})", "",
             f"Depuis la version {old_version} ({old_date}).", ""]
    for label, before, after in (("Territoires", old_t, new_t), ("Lieux d'innovation", old_h, new_h)):
        added = sorted(set(after) - set(before))
        removed = sorted(set(before) - set(after))
        changed = [(i, _changed_fields(before[i], after[i])) for i in sorted(set(before) & set(after))]
        changed = [(i, f) for i, f in changed if f]
        lines += [f"## {label}", "",
                  f"{len(added)} ajoutés, {len(removed)} retirés, {len(changed)} modifiés.", ""]
        if added:
            lines += ["### Ajoutés", ""] + [f"- {i} — {_one_line(after[i].get('name'))}" for i in added] + [""]
        if removed:
            lines += ["### Retirés", ""] + [f"- {i} — {_one_line(before[i].get('name'))}" for i in removed] + [""]
        if changed:
            lines += ["### Modifiés", ""] + [f"- {i} — {_one_line(after[i].get('name'))} : {', '.join(f)}"
                                              for i, f in changed] + [""]
    return "\n".join(lines)


def _one_line(value: Any) -> str:
    return " ".join(str(value or "").split())


# ---- earlier bundles, for the site ---------------------------------------------------------------------

@dataclass(frozen=True)
class Release:
    version: str
    date: str
    folder: Path


def published_releases(releases_dir: Path) -> list[Release]:
    """The bundles of a releases folder, newest first (by date, then version)."""
    found = []
    if releases_dir.is_dir():
        for folder in sorted(releases_dir.iterdir()):
            if (folder.is_dir() and not folder.is_symlink() and VERSION.match(folder.name)
                    and (folder / PACKAGE).is_file()):
                try:
                    package = json.loads((folder / PACKAGE).read_text(encoding="utf-8"))
                except ValueError:
                    continue
                found.append(Release(folder.name, str(package.get("created", "")), folder))
    return sorted(found, key=lambda r: (r.date, r.version), reverse=True)


def bundle_zip(release: Release) -> bytes:
    """A bundle as one zip file, byte for byte the same for the same bundle (dated by the release)."""
    try:
        stamp = date.fromisoformat(release.date).timetuple()[:6]
    except ValueError:
        stamp = (1980, 1, 1, 0, 0, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in sorted(p for p in release.folder.rglob("*") if p.is_file() and not p.is_symlink()):
            info = zipfile.ZipInfo(f"{release.version}/{path.relative_to(release.folder).as_posix()}", stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


# ---- the command -------------------------------------------------------------------------------------------

def write_bundle(outs: list[Output], target: Path) -> None:
    """Make the bundle beside `target`, check it, then rename it into place; never over an existing one."""
    if target.exists():
        raise AtlasError(_("{folder} exists: a release is never overwritten; choose another version ({version}) "
                           "or another folder ({out})").format(folder=target, version="--version", out="--out"))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".atlas-release", dir=target.parent))
    try:
        write_tree(outs, tmp, prune=False)
        (tmp / MANIFEST).unlink(missing_ok=True)  # the writer's own list: not part of the bundle
        for path in tmp.rglob("*"):  # readable by whoever the bundle is handed to (temporaries are 0600)
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        problems = check_bundle(tmp)
        if problems:
            raise AtlasError(_("the bundle does not match its dictionary (a bug):") + "\n" + "\n".join(problems[:20]))
        os.chmod(tmp, 0o755)  # mkdtemp made it 0700
        if target.exists():
            raise AtlasError(_("{folder} was created meanwhile: a release is never overwritten").format(folder=target))
        os.rename(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_release(args: argparse.Namespace) -> int:
    """`atlas release`: validate, then write the bundle (and its changes since the previous one)."""
    territories: Path = args.territories
    if not territories.is_dir():
        raise AtlasError(_("no sheets folder {folder}; run from the repository root or pass {option}").format(
            folder=territories, option="--territories DIR"))
    try:
        atlas = load_valid_atlas(territories)
    except InvalidAtlas as error:
        print("\n".join(p.text() for p in error.report.errors), file=sys.stderr)  # every error, then why
        raise
    version = args.release_version or atlas.as_of.isoformat()
    if not VERSION.match(version):
        raise AtlasError(_("version {version!r}: use letters, digits, dots, hyphens and underscores "
                           "(for example {examples})").format(version=version, examples="2026-12-01, 1.2.0"),
                         exit_code=2)
    releases_dir = territories.absolute().parent / RELEASES
    target = args.out if args.out is not None else releases_dir / version
    previous = args.since
    if previous is None:
        earlier = [r for r in published_releases(releases_dir) if r.folder.resolve() != target.resolve()]
        previous = earlier[0].folder if earlier else None
    elif not (previous / PACKAGE).is_file():
        raise AtlasError(_("{option} {folder}: no {file} there; give the folder of an earlier release").format(
            option="--since", folder=previous, file=PACKAGE))
    outs = bundle_outputs(atlas, territories, version, previous)
    write_bundle(outs, target)
    files = ngettext("{count} file", "{count} files", len(outs)).format(count=number(len(outs)))
    if previous is not None:
        said = _("release {version}: {files} in {folder}, changes since {previous} in {changes}").format(
            version=version, files=files, folder=target, previous=previous.name, changes=CHANGES)
    else:
        said = _("release {version}: {files} in {folder}").format(version=version, files=files, folder=target)
    print(said, file=sys.stderr)
    return 0
