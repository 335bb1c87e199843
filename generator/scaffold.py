"""`atlas new territory|hub`: write a valid skeleton sheet, with the schema line and the optional
fields as comments (the examples and help texts of the table of fields, generator.fields), so a
contributor starts from something `atlas validate` accepts.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

from generator.addresses import POINTS_SOURCE, commune_name, read_centres
from generator.errors import AtlasError, Report
from generator.fields import HUB, TERRITORY
from generator.hub_geography import city_of, departement_code, epci_of
from generator.i18n import _
from generator.ids import RESERVED_IDS, is_id, slugify
from generator.load import build_date, shared_source_ids, vocabulary_ids
from generator.model import LEVELS, STATUSES
from generator.schema import schema_comment
from generator.sheet_nodes import Map, Scalar
from generator.sheet_parser import read_sheet
from generator.sheets import Tree, find_sheets
from generator.specs import CommuneCode, Record
from generator.validate import did_you_mean

Ask = Callable[[str], str]


def _yaml_text(value: str) -> str:
    """A string as a YAML scalar that reads back as exactly that text (always double-quoted)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _existing_ids(tree: Tree) -> tuple[set[str], set[str]]:
    terr = {f.stem for f in tree.files if f.kind == "territory" and f.stem}
    hubs = {f.stem for f in tree.files if f.kind == "hub" and f.stem}
    return terr, hubs


def _hub_types(territories: Path) -> set[str]:
    return set(vocabulary_ids(territories).get("hub_types", []))


def _need(value: str | None, label: str, ask: Ask | None, default: str | None = None) -> str:
    if value:
        return value
    if ask is None:
        raise AtlasError(_("{label} is required (give it as an option; in a terminal the command asks for it)")
                         .format(label=label), exit_code=2)
    answer = ask(f"{label}{f' [{default}]' if default else ''}{_(': ')}").strip()
    if not answer and default:
        return default
    if not answer:
        raise AtlasError(_("{label} is required").format(label=label), exit_code=2)
    return answer


def _check_new_id(ident: str, terr: set[str], hubs: set[str]) -> None:
    if not is_id(ident):
        raise AtlasError(_("'{id}' is not a valid id: use lower-case letters, digits and dashes").format(id=ident)
                         + (" " + _("(try '{id}')").format(id=slugify(ident)) if slugify(ident) else ""))
    if ident in RESERVED_IDS:
        raise AtlasError(_("the id '{id}' is reserved for the site's own pages; choose another").format(id=ident))
    if ident in terr:
        raise AtlasError(_("the id '{id}' already exists (a territory); edit that sheet or choose another id")
                         .format(id=ident))
    if ident in hubs:
        raise AtlasError(_("the id '{id}' already exists (a hub); edit that sheet or choose another id")
                         .format(id=ident))


# a code of the form of each level (the validator checks it: generator.validate.rules.CODE_FORMATS), to be replaced
CODE_EXAMPLES = {"region": '"00"', "departement": '"01"', "epci": '"000000000"', "commune": '"00000"'}


def skeleton(record: Record, given: dict[str, str], schema_line: str, examples: dict[str, str] | None = None) -> str:
    """A sheet from the table of fields: the given fields written, every other field that has an example
    as commented lines with its help text, in the format's order, so a contributor uncomments what they know.
    `examples`: examples that depend on the sheet (a code has the form of its level)."""
    lines = [schema_line]
    for name, f in record.fields.items():
        example = (examples or {}).get(name, f.example)
        if name in given:
            lines.append(f"{name}: {given[name]}")
        elif example is not None:
            first, *rest = (f"{name}:{example}" if example.startswith("\n") else f"{name}: {example}").split("\n")
            lines.append(f"# {first}".ljust(36) + f" # {f.description}")
            lines += [f"# {line}" for line in rest]
    return "\n".join([*lines, ""])


def territory_sheet(ident: str, name: str, level: str, parent: str | None, code: str | None,
                    today: str, schema_line: str) -> str:
    given = {"name": _yaml_text(name), "level": level, "updated": today}
    if code:
        given["code"] = _yaml_text(code)
    if parent:
        given["parent"] = parent
    return skeleton(TERRITORY, given, schema_line, {"code": CODE_EXAMPLES[level]} if level in CODE_EXAMPLES else None)


def hub_sheet(name: str, types: list[str], status: str, today: str, schema_line: str,
              source: str | None = None, year: int | None = None, commune: str | None = None,
              town_point: tuple[float, float] | None = None) -> str:
    """A hub sheet; with `source` (and `year`), its status is written as the dated, sourced fact the format
    asks for, so that the sheet passes `atlas validate --strict` as written. With `town_point`, the hub is
    placed at its commune's main town (`precision: commune`: the maps and pages say so) until its address's
    point replaces it."""
    if source:
        status = "{value: " + status + (f", year: {year}" if year else "") + f", source: {source}}}"
    given = {"name": _yaml_text(name), "types": "[" + ", ".join(types) + "]", "status": status, "updated": today}
    if commune:
        given["commune"] = f'"{commune}"'
    if town_point is not None:
        given["coordinates"] = (f"{{value: [{town_point[0]}, {town_point[1]}], precision: commune, "
                                f"source: {POINTS_SOURCE}}}")
    return skeleton(HUB, given, schema_line)


def town_point(commune: str | None, sources: set[str]) -> tuple[float, float] | None:
    """The main-town point of `commune` (generator/geodata/communes-centres.csv; an arrondissement: its city's),
    when the atlas's `sources` (the ids of its sources.yml) have the source of those points (`atlas import` writes
    it); else None."""
    if not commune or POINTS_SOURCE not in sources:
        return None
    return read_centres().get(city_of(commune))


def territories_by_code(tree: Tree) -> dict[tuple[str, str], str]:
    """(level, code) -> the id of the territory sheet that says them, for the sheets that parse (the others are
    `atlas validate`'s to report). Read with the sheets' own parser: a sheet may write its fields in any YAML
    form."""
    found: dict[tuple[str, str], str] = {}
    ignored = Report()
    for sheet in tree.files:
        node = read_sheet(sheet, ignored) if sheet.kind == "territory" and sheet.stem else None
        if not isinstance(node, Map):
            continue
        fields = {key.text: value for key, value in node.items}
        level, code = fields.get("level"), fields.get("code")
        if isinstance(level, Scalar) and isinstance(code, Scalar) and sheet.stem:
            found.setdefault((level.text, code.text), sheet.stem)
    return found


def territory_of_commune(commune: str, by_code: dict[tuple[str, str], str]) -> str | None:
    """The territory a hub of `commune` is filed under, as the contributor guide says: the commune's own sheet,
    else its EPCI's, else its département's (the pages of those above count it); None when none has a sheet."""
    for level, code in (("commune", commune), ("commune", city_of(commune)), ("epci", epci_of(commune)),
                        ("departement", departement_code(commune))):
        if code and (level, code) in by_code:
            return by_code[(level, code)]
    return None


def _hub_territory(args: argparse.Namespace, tree: Tree, terr: set[str], ask: Ask | None) -> str:
    """The territory of the new hub: the one given, else (with --commune) the one that holds the commune."""
    commune = getattr(args, "commune", None)
    if commune is None:
        return _need(args.territory, _("Territory id"), ask)
    if not re.fullmatch(CommuneCode.pattern, commune):
        raise AtlasError(_("'{code}' is not an INSEE commune code (five digits, or 2A or 2B and three digits: 44109, "
                           "2A004)").format(code=commune), exit_code=2)
    if args.territory is not None and args.id is None and args.territory not in terr:
        args.territory, args.id = None, args.territory  # `atlas new hub --commune 25056 my-hub`: the id alone
    found = territory_of_commune(commune, territories_by_code(tree))
    town = commune_name(city_of(commune))
    label = f"{commune} ({town})" if town else commune
    if args.territory is None:
        if found is None:
            raise AtlasError(_("no territory sheet holds the commune {commune}: neither the commune, its EPCI "
                               "nor its département has one; give the territory id, or create its sheet first with "
                               "atlas new territory").format(commune=label), exit_code=2)
        print(_("the commune {commune} is in the territory '{id}'").format(commune=label, id=found))
        return found
    if found is not None and found != args.territory:
        print(_("note: the commune {commune} is in the territory '{id}', which has a sheet; the contributor "
                "guide files the hub there").format(commune=label, id=found))
    return args.territory


def _status_source(args: argparse.Namespace, known: set[str], root: Path, ask: Ask | None,
                   today: int) -> tuple[str | None, int | None]:
    """The source of the new hub's status (an id of territories/sources.yml) and the year it saw that status:
    the options, else asked in a terminal; (None, None) when there is none yet."""
    source = args.source
    if source is None and ask is not None and known:
        source = ask(_("Source of the status (an id of {file}; empty if none yet): ").format(
            file=root / "sources.yml")).strip() or None
    if source is None:
        return None, None
    if source not in known:
        raise AtlasError(_("unknown source '{id}' ({hint}); add it to sources.yml first, or give the status "
                           "without --source").format(id=source, hint=did_you_mean(source, known) or _(
                               "known sources: {ids}").format(ids=", ".join(sorted(known)) or "-")), exit_code=2)
    year = args.year
    if year is None and ask is not None:
        answer = ask(_("Year that source saw the status (empty if it does not say): ")).strip()
        if answer and not answer.isdigit():
            raise AtlasError(_("the year must be a number such as 2024, not '{year}'").format(year=answer),
                             exit_code=2)
        year = int(answer) if answer else None
    if year is not None and not 1900 <= year <= today:
        raise AtlasError(_("the year the source saw the status must be between 1900 and {today}, not {year}")
                         .format(today=today, year=year), exit_code=2)
    return source, year


def next_command(path: Path, root: Path, strict: bool) -> str:
    """The `atlas validate` command to run on a new sheet, with the --territories folder it was written in."""
    words = ["atlas", "validate"] + (["--strict"] if strict else [])
    if Path(root) != Path("territories"):
        words += ["--territories", str(root)]
    return shlex.join([*words, str(path)])


def run_new(args: argparse.Namespace, ask: Ask | None = None) -> int:
    """Write territories/<id>/territory.yml or territories/<territory>/hubs/<id>.yml; refuse an existing id."""
    if ask is None and sys.stdin.isatty():
        ask = input
    root: Path = args.territories
    if not root.is_dir():
        raise AtlasError(_("the territories folder '{folder}' does not exist (give it with --territories DIR)")
                         .format(folder=root))
    tree = find_sheets(root)  # walked once: the ids, and the territories' codes for --commune
    terr, hubs = _existing_ids(tree)
    today = build_date().isoformat()
    schema_dir = root.absolute().parent / "schema"
    source = None
    if args.kind == "territory":
        name = _need(args.name, _("Name (official, with accents)"), ask)
        ident = _need(args.id, _("Id"), ask, default=slugify(name))
        _check_new_id(ident, terr, hubs)
        level = _need(args.level, _("Level ({levels})").format(levels=", ".join(LEVELS)), ask)
        if level not in LEVELS:
            raise AtlasError(_("unknown level '{level}': one of {levels}").format(
                level=level, levels=", ".join(LEVELS)), exit_code=2)
        parent = args.parent
        if parent is None and ask is not None:
            parent = ask(_("Parent territory id (empty for none): ")).strip() or None
        if parent and parent not in terr:
            raise AtlasError(_("unknown parent territory '{id}'").format(id=parent)
                             + (" " + did_you_mean(parent, terr) if did_you_mean(parent, terr) else ""))
        code = args.code
        path = root / ident / "territory.yml"
        body = territory_sheet(ident, name, level, parent, code, today,
                               schema_comment("territory", path.absolute(), schema_dir))
    else:
        territory = _hub_territory(args, tree, terr, ask)
        if territory not in terr:
            raise AtlasError(_("unknown territory '{id}'").format(id=territory) + " "
                             + (did_you_mean(territory, terr) or _("(create it first with atlas new territory)")))
        name = _need(args.name, _("Name"), ask)
        ident = _need(args.id, _("Id"), ask, default=slugify(name))
        _check_new_id(ident, terr, hubs)
        types = args.types or [t.strip() for t in
                               _need(None, _("Types (comma-separated vocabulary ids)"), ask).split(",")]
        status = args.status or (ask(_("Status (active, project, closed) [active]: ")).strip() if ask else "") \
            or "active"
        if status not in STATUSES:
            raise AtlasError(_("unknown status '{status}': one of {statuses}").format(
                status=status, statuses=", ".join(STATUSES)), exit_code=2)
        known = _hub_types(root)
        for t in types:
            if t not in known:
                hint = did_you_mean(t, known) or _("known types: {types}").format(types=", ".join(sorted(known)))
                raise AtlasError(_("unknown hub type '{id}' ({hint}); add it to vocabulary.yml first if it is new")
                                 .format(id=t, hint=hint), exit_code=2)
        known_sources = shared_source_ids(root)  # read once: the status's source, the points' source
        source, year = _status_source(args, known_sources, root, ask, build_date().year)
        path = root / territory / "hubs" / f"{ident}.yml"
        commune = getattr(args, "commune", None)
        body = hub_sheet(name, types, status, today, schema_comment("hub", path.absolute(), schema_dir),
                         source, year, commune, town_point(commune, known_sources))
    if path.exists():
        raise AtlasError(_("{path} already exists").format(path=path))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    if args.kind == "hub" and not source:
        # the format wants the status sourced: the sheet warns until it is (and fails --strict, as in CI)
        print(_("wrote {path}; its status has no source yet: add one (--source ID, or status: {{value: {status}, "
                "year: <year a source saw it>, source: <id>}}), fill the sheet in, then run: {command}").format(
                    path=path, status=status, command=next_command(path, root, strict=True)))
    else:
        print(_("wrote {path}; fill it in, then run: {command}").format(
            path=path, command=next_command(path, root, strict=True)))
    return 0
