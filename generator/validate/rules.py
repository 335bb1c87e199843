"""The rules that tie fields together (a rating needs a rationale, closed_in needs status: closed...),
measures against the catalogue, official codes, hubs inside their territory, and the facts' warnings
(without a source) and notices (old), on the plain data of phase 1.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from datetime import date
from typing import Any

from generator.errors import Report
from generator.fields import SHEET_SPECS
from generator.hub_geography import ABOVE_EPCI, departement_code, epci_of, known_epci
from generator.i18n import N_, _, decimal
from generator.model import PARENT_LEVELS, is_stale
from generator.specs import CommuneCode, Fact, ListOf, MapOf, Record
from generator.validate.hints import did_you_mean, quote
from generator.validate.values import SheetData

# the official code of each level (spec: INSEE for a région, a département, a commune; SIREN for an EPCI); a
# pays (PETR, bassin de vie, établissement public territorial) has codes of several kinds, and is not checked
CODE_FORMATS: dict[str, tuple[re.Pattern[str], str]] = {
    "region": (re.compile(r"^[0-9]{2}$"), N_('a two-digit INSEE région code, e.g. "53"')),
    "departement": (re.compile(r"^(?:0[1-9]|1[0-9]|2[1-9AB]|[3-8][0-9]|9[0-5]|97[1-6])$"),
                    N_('an INSEE département code, e.g. "01", "2A" or "971"')),
    "epci": (re.compile(r"^[0-9]{9}$"), N_('a SIREN of nine digits, e.g. "243500139"')),
    "commune": (re.compile(CommuneCode.pattern), CommuneCode.expected_text),
}


def luhn_valid(digits: str) -> bool:
    """The check of a SIREN's last digit (Luhn): a digit mistyped or two neighbours swapped fail it."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = int(char) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _code_problem(level: str, code: str) -> tuple[str, str] | None:
    """What is wrong with a territory's official code for its level (message, hint), or None."""
    pattern, expected = CODE_FORMATS[level]
    if not pattern.match(code):
        others = [lv for lv, (p, _e) in CODE_FORMATS.items() if lv != level and p.match(code)]
        hint = _('"{code}" is written like the code of a territory of level {other}: check the level, or write '
                 "the code of this territory").format(code=code, other=_(" or ").join(others)) if others else \
            _("check the code in the official register (INSEE, or the SIREN for an EPCI)")
        return _("expected {expected}, found {found}").format(expected=_(expected), found=quote(code)), hint
    if level == "epci" and not luhn_valid(code):
        return (_('the SIREN "{code}" has a wrong check digit').format(code=code),
                _("check its nine digits: one may be mistyped, or two swapped"))
    return None


def check_codes(report: Report, valid_t: dict[str, SheetData]) -> set[str]:
    """An official code of the format of its level (a SIREN with its check digit for an EPCI); two territories of
    one level may not share one (a copied sheet, a wrong code). Returns the ids of the territories whose code is
    in doubt: badly written, or shared (either sheet may hold the wrong one), so that their hubs are not checked
    against an outline that may not be theirs (a copied code put 60 hubs of Bordeaux « outside » Caen)."""
    doubtful: set[str] = set()
    first: dict[tuple[str, str], SheetData] = {}
    for sheet in sorted(valid_t.values(), key=lambda s: s.display.split("/")):  # doubs before doubs-bis
        code, level = sheet.data.get("code"), sheet.data.get("level")
        if code is None or level is None:
            continue
        problem = _code_problem(level, code) if level in CODE_FORMATS else None
        if problem is not None:
            report.error(sheet.loc("code"), "code", *problem)
            doubtful.add(sheet.id)
            continue
        seen = first.setdefault((level, code), sheet)
        if seen is not sheet:
            report.error(sheet.loc("code"), "code",
                         _('the code "{code}" is already the code of {sheet} (level {level})').format(
                             code=code, sheet=seen.display, level=level),
                         _("two territories of one level cannot share an official code: "
                           "check the code, or keep one of the two sheets"))
            doubtful.update((seen.id, sheet.id))
    return doubtful


def check_parents_hold(report: Report, valid_t: dict[str, SheetData], doubtful: Collection[str]) -> None:
    """A warning where the official codes tell that a parent does not hold its child: a commune's code names
    its département (`25434` -> `25`), and the committed boundaries name each département's région. An EPCI's
    départements are not in the package (data/ holds only the seat's, and an EPCI may span several): not checked.
    Only codes of the right form and not shared (`doubtful`, see check_codes), and parents of a level above."""
    def code(sheet: SheetData) -> str | None:
        return None if sheet.id in doubtful or sheet.data.get("level") not in CODE_FORMATS else sheet.data.get("code")

    regions: Any = None
    by_code = {(s.data.get("level"), code(s)): s.id for s in valid_t.values() if code(s)}
    for sheet in valid_t.values():
        parent = valid_t.get(sheet.data.get("parent") or "")
        own, level = code(sheet), sheet.data.get("level")
        if parent is None or own is None:
            continue
        parent_code, parent_level = code(parent), parent.data.get("level")
        if parent_code is None or _not_in_parent_levels(level, parent_level):
            continue
        expected: str | None = None
        if level == "commune" and parent_level in ("departement", "region"):
            expected = departement_code(own)
            if parent_level == "region":
                from generator import geo  # the boundaries' file is read only when a pair needs it

                regions = regions if regions is not None else geo.regions_of_departements()
                expected = regions.get(expected)
        elif level == "departement" and parent_level == "region":
            from generator import geo

            regions = regions if regions is not None else geo.regions_of_departements()
            expected = regions.get(own)
        if expected is None or expected == parent_code:
            continue
        other = by_code.get((parent_level, expected))
        report.warning(sheet.loc("parent"), "parent",
                       _('its parent \'{parent}\' (code "{parent_code}") does not hold the code "{code}", which is in '
                         '"{expected}"').format(parent=parent.id, parent_code=parent_code, code=own, expected=expected),
                       _("write parent: {id}, or check the two codes").format(id=other) if other else
                       _('write the id of the territory of code "{expected}", or check the two codes').format(
                           expected=expected))


def _not_in_parent_levels(level: Any, parent_level: Any) -> bool:
    return level not in PARENT_LEVELS or parent_level not in PARENT_LEVELS[level]


OUTSIDE_TOLERANCE_KM = 1.0


def check_hubs_inside(report: Report, valid_t: dict[str, SheetData], valid_h: dict[str, SheetData],
                      distances: Any = None, doubtful: Collection[str] = ()) -> None:
    """A hub placed at its address must lie inside its territory's outline (where the atlas has one); not
    checked for a territory whose code is in doubt (`doubtful`, see check_codes): its own error says why.

    `distances` (generator.sheet_memo.Distances): each distance found by earlier runs, by (level, code,
    latitude, longitude), given back with `get` and noted with `[key] = distance`; when every hub's is
    known, the outlines are not read (reading them and matplotlib's paths was 0.25 s of every build)."""
    for sheet in valid_h.values():
        coords = sheet.data.get("coordinates")
        territory = valid_t.get(sheet.territory_id or "")
        if coords is None or territory is None or coords.get("precision", "address") != "address" \
                or territory.id in doubtful:
            continue
        lat, lon = coords["value"]
        key = (territory.data.get("level"), territory.data.get("code"), lat, lon)
        distance = distances.get(key) if distances is not None else None
        if distance is None:
            distance = _distance_outside(key)
            if distances is not None:
                distances[key] = distance
        if distance <= OUTSIDE_TOLERANCE_KM:
            continue
        from generator import geo  # the outlines are read only when a hub has to be checked

        outline = geo.outline_of(territory.data.get("level"), territory.data.get("code"))
        if outline is None:  # not reached: a distance above 0 comes from an outline
            continue
        name = territory.data.get("name", sheet.territory_id)
        hint = _("check the point (latitude first, then longitude), or move the sheet to the territory it is in")
        if -90 <= lon <= 90 and geo.distance_outside_km(outline, lon, lat) <= OUTSIDE_TOLERANCE_KM:
            hint = _("latitude and longitude look swapped: {point} is inside {name}").format(
                point=f"[{lon}, {lat}]", name=name)
        report.error(sheet.loc("coordinates"), "coordinates",
                     _("{point} is {distance} km outside the outline of its territory {name}").format(
                         point=f"[{lat}, {lon}]", distance=decimal(distance, 1), name=name), hint)


def check_hub_communes(report: Report, valid_t: dict[str, SheetData], valid_h: dict[str, SheetData],
                       doubtful: Collection[str] = ()) -> None:
    """A hub's `commune` that its territory cannot hold: in a département's sheet, a commune of another
    département; in a commune's sheet, another commune; in an EPCI's sheet, a commune that is not one of its
    members. And a hub filed under its département or région while its commune's EPCI has a sheet (the
    contributor guide puts it under the EPCI): that EPCI's page does not count it. Warnings (the format makes
    no rule of it), since the commune decides which territories count the hub (hub_geography): a mistyped
    code moves it silently. An EPCI may lie across départements (the Métropole du Grand Paris): its hubs are
    not checked against its département. The EPCI membership table is read only when a hub needs it."""
    epcis = {t.data["code"]: t for t in valid_t.values()
             if t.data.get("level") == "epci" and t.data.get("code") and t.id not in doubtful}
    for sheet in valid_h.values():
        commune = sheet.data.get("commune")
        territory = valid_t.get(sheet.territory_id or "")
        if commune is None or territory is None or territory.id in doubtful:
            continue
        level, code = territory.data.get("level"), territory.data.get("code")
        name = territory.data.get("name", territory.id)
        hint: str | None = None
        if level in ABOVE_EPCI and epcis and (epci := epcis.get(epci_of(commune) or "")) is not None:
            message = _('the commune "{commune}" is in {epci} (sheet \'{id}\'), whose page does not count the hubs '
                        "filed under {name}").format(
                commune=commune, epci=epci.data.get("name", epci.id), id=epci.id, name=name)
            hint = _("move the sheet to territories/{id}/hubs/").format(id=epci.id)
        elif level == "departement" and code and departement_code(commune) != code:
            message = _('the commune "{commune}" is in the département {departement}, not in {name} ({code})').format(
                commune=commune, departement=departement_code(commune), name=name, code=code)
        elif level == "commune" and code and commune != code:
            message = _('the commune "{commune}" is not {name}, whose code is "{code}"').format(
                commune=commune, name=name, code=code)
        elif level == "epci" and code in known_epci() and (own := epci_of(commune)) is not None and own != code:
            # (a code no EPCI of the table holds, a former commune's or one of the four islands', is not said to be
            # outside: the table cannot tell where it belongs)
            message = _('the commune "{commune}" is not a member of {name}').format(commune=commune, name=name)
            other = epcis.get(own or "")
            if other is not None:
                hint = _("check the commune's INSEE code, or move the sheet to territories/{id}/hubs/").format(
                    id=other.id)
        else:
            continue
        report.warning(sheet.loc("commune"), "commune", message,
                       hint or _("check the commune's INSEE code, or move the sheet to the territory the hub is in"))


def _distance_outside(key: tuple[Any, Any, float, float]) -> float:
    """How far outside its territory's outline a point is, in km (0 inside, or when there is no outline)."""
    from generator import geo  # the outlines are read only when a hub has to be checked

    level, code, lat, lon = key
    outline = geo.outline_of(level, code)
    return 0.0 if outline is None else geo.distance_outside_km(outline, lat, lon)


def _value(fact: dict | None) -> Any:
    return fact.get("value") if fact is not None else None


def check_rules(report: Report, sheet: SheetData, as_of: date, indicators: dict[str, dict]) -> None:
    data = sheet.data
    if sheet.kind == "territory":
        for key, pillar in (data.get("pillars") or {}).items():
            if "rating" in pillar and not (pillar.get("rationale") or "").strip():
                path = f"pillars.{key}.rating"
                report.error(sheet.loc(path), path, _("a rating needs a rationale"),
                             _("add pillars.{key}.rationale: why this rating, or remove the rating").format(key=key))
        refused = _check_measures(report, sheet, indicators)
    else:
        refused = set()
        status, closed_in, founded = (_value(data.get(k)) for k in ("status", "closed_in", "founded"))
        if closed_in is not None and status is not None and status != "closed":
            report.error(sheet.loc("closed_in"), "closed_in",
                         _("closed_in is set but status is '{status}'").format(status=status),
                         _("set status: closed, or remove closed_in"))
        if closed_in is not None and founded is not None and closed_in < founded:
            report.error(sheet.loc("closed_in"), "closed_in",
                         _("closed in {closed_in}, before it was founded ({founded})").format(
                             closed_in=closed_in, founded=founded), _("check both years"))
        if data.get("status", {}).get("_bare"):
            report.warning(sheet.loc("status"), "status", _("status without a source"),
                           _("write status: {{value: {status}, year: <year a source saw it>, source: <id>}}").format(
                               status=status))
    check_dates(report, sheet, as_of)
    for path, fact in iter_facts(data, sheet.kind, indicators):
        if path in refused:  # a measure refused above: its error says enough (no "without a source" beside it)
            continue
        loc = fact.get("_loc") or sheet.loc(path)
        year_loc = sheet.checked.locations.get(f"{path}.year")  # None: a bare measure's year, the catalogue's
        if year_loc is not None and is_future_year(fact.get("year"), as_of):
            report.warning(year_loc, f"{path}.year", future_year_message(fact["year"], as_of), _(FUTURE_YEAR_HINT))
        if "source" not in fact:
            report.warning(loc, path, _("fact without a source"),
                           _("add source: <id> (a source of this sheet or of territories/sources.yml)"))
        year = fact.get("year")
        if is_stale(path, fact["value"], year, as_of):  # the one rule of old facts (model.is_stale)
            if path == "status":
                report.notice(loc, path, _("status '{status}' last seen by a source in {year}, more than "
                                           "five years ago: shown as to be checked").format(
                                  status=fact["value"], year=year), _("find a recent source and update year"))
            else:
                report.notice(loc, path,
                              _("fact from {year}, more than five years old: shown as old").format(year=year),
                              _("update it with a recent figure, or keep it marked as old"))


# what a date or a year after the build's day says, and what to try (spec: `updated` is when the sheet was last
# checked, a fact's `year` the year the figure describes or a source saw the status; neither can be to come)
FUTURE_YEAR_HINT = N_("write the year the figure describes or a source saw it; a target for a later year is not "
                      "a fact: say it in the note")


def is_future_year(year: Any, as_of: date) -> bool:
    return isinstance(year, int) and not isinstance(year, bool) and year > as_of.year


def future_year_message(year: int, as_of: date) -> str:
    return _("the year {year} is after the current year ({current})").format(year=year, current=as_of.year)


ACCESSED_FIX = N_("write the day the source was read (YYYY-MM-DD), at the latest today")


def check_dates(report: Report, sheet: SheetData, as_of: date) -> None:
    """A warning for a date after today (`as_of`, the build's day: SOURCE_DATE_EPOCH's when set): the sheet's
    `updated` and its sources' `accessed`, days that have passed by definition. A month and a day swapped
    (2025-12-03 for 2025-03-12) is the likely slip: the hint says so when the swapped date is a past one."""
    dated = [("updated", sheet.data.get("updated"),
              N_("write the day the sheet was last checked (YYYY-MM-DD), at the latest today"))]
    dated += [(f"sources.{sid}.accessed", source.get("accessed"), ACCESSED_FIX)
              for sid, source in (sheet.data.get("sources") or {}).items() if isinstance(source, dict)]
    _check_days(report, sheet, dated, as_of)


def check_shared_source_dates(report: Report, shared: SheetData, as_of: date) -> None:
    """check_dates for territories/sources.yml: each shared source's `accessed` after today, at its line."""
    _check_days(report, shared, [(f"{sid}.accessed", source.get("accessed"), ACCESSED_FIX)
                                 for sid, source in shared.data.items() if isinstance(source, dict)], as_of)


def _check_days(report: Report, sheet: SheetData, dated: list[tuple[str, Any, str]], as_of: date) -> None:
    """A warning at each (path, day, fix) whose day is after `as_of`."""
    for path, day, fix in dated:
        if not isinstance(day, date) or day <= as_of:
            continue
        hint = _(fix)
        swapped = _swapped(day)
        if swapped is not None and swapped <= as_of:
            hint += _("; month and day swapped? {swapped}").format(swapped=swapped.isoformat())
        report.warning(sheet.loc(path), path, _("the date {date} is after today ({today})").format(
            date=day.isoformat(), today=as_of.isoformat()), hint)


def _swapped(day: date) -> date | None:
    """`day` with its month and day swapped, when that is another valid date."""
    if day.day > 12 or day.day == day.month:
        return None
    try:
        return day.replace(month=day.day, day=day.month)
    except ValueError:
        return None


def check_catalogue_years(report: Report, catalogue: SheetData, as_of: date) -> None:
    """The catalogue's default years (a bare measure's): one after the current year, said once, at the entry."""
    for iid, entry in catalogue.data.items():
        if isinstance(entry, dict) and is_future_year(entry.get("year"), as_of):
            report.warning(catalogue.loc(f"{iid}.year"), f"{iid}.year", future_year_message(entry["year"], as_of),
                           _(FUTURE_YEAR_HINT))


def _check_measures(report: Report, sheet: SheetData, indicators: dict[str, dict]) -> set[str]:
    """Each measure against the catalogue; the paths of the measures refused. A sheet whose level is missing or
    unknown (its own error says so) has its measures' levels left unchecked: no level to name, none to blame."""
    level = sheet.data.get("level")
    refused: set[str] = set()
    for iid in sheet.data.get("measures") or {}:
        path = f"measures.{iid}"
        entry = indicators.get(iid)
        if entry is not None and ("levels" not in entry or ("source" in entry and "derived" in entry)):
            continue  # the catalogue entry's own error (its levels unreadable, or source and derived) says it
        if entry is not None and "derived" not in entry and (level is None or level in entry["levels"]):
            continue
        refused.add(path)
        if entry is None:
            report.error(sheet.loc(path + "#key"), path, _("unknown indicator '{id}'").format(id=iid),
                         did_you_mean(iid, indicators) or _("use an id of territories/indicators.yml"))
        elif "derived" in entry:
            report.error(sheet.loc(path + "#key"), path,
                         _("the indicator '{id}' is computed by the atlas").format(id=iid),
                         _("remove this measure: the atlas derives it from the sheets"))
        else:
            report.error(sheet.loc(path + "#key"), path,
                         _("the indicator '{id}' is not measured for the level {level} (levels: {levels})").format(
                             id=iid, level=level, levels=", ".join(entry.get("levels", ()))),
                         _("remove the measure, or add {level} to its levels in territories/indicators.yml").format(
                             level=level))
    return refused


def iter_facts(data: dict, kind: str, indicators: dict[str, dict] | None = None) -> Iterable[tuple[str, dict]]:
    """The facts of a checked sheet (plain data) with their field paths, found through the format's table
    (generator.fields). A bare measure takes its source and year from the catalogue; a bare hub identity
    field is a plain value, not a fact."""
    yield from _facts(SHEET_SPECS[kind], data, "", indicators or {})  # type: ignore[arg-type]


def _facts(record: Record, data: dict, prefix: str, indicators: dict[str, dict]) -> Iterable[tuple[str, dict]]:
    for name, value in data.items():
        f = record.fields.get(name)
        if f is None:
            continue
        path, spec = f"{prefix}{name}", f.spec
        if isinstance(spec, Fact):
            if not (spec.identity and value.get("_bare")):
                yield path, value
        elif isinstance(spec, ListOf) and isinstance(spec.item, Fact):
            for i, fact in enumerate(value):
                yield f"{path}[{i}]", fact
        elif isinstance(spec, MapOf) and isinstance(spec.value, Fact):  # measures: catalogue id -> fact
            for iid, fact in value.items():
                entry = indicators.get(iid, {})
                yield f"{path}.{iid}", {**{k: entry[k] for k in ("source", "year") if k in entry}, **fact}
        elif isinstance(spec, Record):
            yield from _facts(spec, value, f"{path}.", indicators)
