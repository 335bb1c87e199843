"""territories/moved.yml: the former ids of hubs whose sheet was merged into another or renamed, each with the
id of the hub that has its sheet now (`labfab-eesab: labfab-rennes`). The file is optional: a tree without it
has no moved hubs and builds as before.

Each former id becomes the path of a small page (`hubs/<old-id>/`, and `en/hubs/<old-id>/`) that leads
readers' bookmarks and links to the kept hub's page, so phase 1 (generator.validate.values) takes only
well-formed ids, and this phase only ids that can be such a page: not reserved, not still the id of a sheet
(its page would be two pages), and leading in one step to a hub that has a sheet (no chain, no loop: a
reader is sent once, to a page that exists).
"""

from __future__ import annotations

from generator.errors import Report
from generator.i18n import _
from generator.ids import RESERVED_IDS
from generator.validate.atlas import REF_FALLBACK, _broken_sheets, _report_bad_ref
from generator.validate.hints import did_you_mean
from generator.validate.values import SheetData


def check_moved(report: Report, moved: SheetData | None, territories: list[SheetData],
                hubs: list[SheetData]) -> dict[str, str]:
    """The moved hubs that can have their page (former id -> kept hub id, in the file's order); every problem
    of the others reported, one error per line, on the id at fault: a line whose former id cannot be one is
    told so, and left out of the chains and loops (its target is not judged: the line is to be removed)."""
    if moved is None or moved.data is None:  # no file, or one that is not a map (said already)
        return {}
    sheet_of = {s.id: s.display for s in [*territories, *hubs]}
    hub_ids = {s.id for s in hubs}
    _broken_t, broken_h, _broken_vocabulary = _broken_sheets(report, [*territories, *hubs])
    for kind, node, path in moved.checked.bad_refs:  # a target that is not an id at all
        _report_bad_ref(report, moved, kind, node, path, hub_ids, _(REF_FALLBACK["hub"]))
    valid: dict[str, str] = {}
    targets: dict[str, str] = {}  # the lines whose former id can be one: chains and loops are told among them
    for old, new in moved.data.items():
        if old in RESERVED_IDS:
            report.error(moved.loc(f"{old}#key"), old, _("the id '{id}' is reserved for the site's own pages")
                         .format(id=old), _("remove this line: no hub can have had this id"))
        elif old in hub_ids or old in broken_h:
            report.error(moved.loc(f"{old}#key"), old, _("the hub '{id}' still has a sheet: {sheet}").format(
                id=old, sheet=sheet_of.get(old, old)),
                _("once what that sheet says is in '{new}', delete it; or remove this line").format(new=new))
        elif old in sheet_of:
            report.error(moved.loc(f"{old}#key"), old, _("'{id}' is the id of a territory: {sheet}").format(
                id=old, sheet=sheet_of[old]), _("moved.yml lists former ids of hubs only: remove this line"))
        else:
            targets[old] = new
    reported_loops: set[frozenset[str]] = set()
    for old, new in targets.items():
        chain = _walk(targets, old)
        if targets[chain[-1]] == old:  # the walk came back to its start: a loop
            if frozenset(chain) not in reported_loops:
                reported_loops.add(frozenset(chain))
                report.error(moved.loc(old), old, _("loop of moved ids: {chain}").format(
                    chain=" -> ".join([*chain, old])),
                    _("write, for each former id, the id of the hub that has its sheet now"))
        elif new in targets:
            end = targets[_walk(targets, new)[-1]]
            message = _("'{id}' has moved too, to '{next}': a former id leads to the hub that has its sheet now, "
                        "in one step")
            report.error(moved.loc(old), old, message.format(id=new, next=targets[new]),
                         _("write {old}: {end}").format(old=old, end=end) if end in hub_ids
                         else _("write the id of the hub that has its sheet now"))
        elif new not in hub_ids:
            if new not in broken_h:  # a broken sheet's own errors say enough
                message = _("unknown hub '{id}' ('{id}' is a territory)") if new in sheet_of else \
                    _("unknown hub '{id}'")
                report.error(moved.loc(old), old, message.format(id=new),
                             did_you_mean(new, hub_ids) or _(REF_FALLBACK["hub"]))
        else:
            valid[old] = new
    return valid


def _walk(targets: dict[str, str], start: str) -> list[str]:
    """The former ids met from `start` following the moves, in order, until the next id has not moved or was
    met already (so `targets[walk[-1]]` is where the chain ends, or the id it loops back to)."""
    chain = [start]
    while targets[chain[-1]] in targets and targets[chain[-1]] not in chain:
        chain.append(targets[chain[-1]])
    return chain
