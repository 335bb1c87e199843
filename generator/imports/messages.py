"""The lines the three imports print alike: what happens to a file, the counts of the summaries with
their plurals, the dry-run mark and the words inside a change ("(absent)", "(removed)").

Each message is written out whole (no verb glued to a path), so that the catalog holds sentences a
translator can turn into French; paths, field names and ids stay placeholders.
"""

from __future__ import annotations

from pathlib import Path

from generator.i18n import _, ngettext, number


def change_line(path: Path | str, action: str, dry_run: bool, **values: object) -> str:
    """`path: create`, `path: set <change>` or `path: add source <id>`; `would ...` in a dry run."""
    if action == "create":
        message = _("{path}: would create") if dry_run else _("{path}: create")
    elif action == "set":
        message = _("{path}: would set {change}") if dry_run else _("{path}: set {change}")
    elif action == "add source":
        message = _("{path}: would add source {id}") if dry_run else _("{path}: add source {id}")
    else:  # pragma: no cover - a programming error
        raise ValueError(f"unknown action {action!r}")
    return message.format(path=path, **values)


def counted(outcome: str, count: int, dry_run: bool) -> str:
    """`3 created` (`3 to create` in a dry run), `1 updated`, `5 unchanged`, `1 merged into an existing
    sheet`: one count of a summary of territories or hubs (French: masculine, 0 and 1 singular)."""
    n = number(count)
    if outcome == "created":
        text = ngettext("{count} to create", "{count} to create", count) if dry_run else \
            ngettext("{count} created", "{count} created", count)
    elif outcome == "updated":
        text = ngettext("{count} to update", "{count} to update", count) if dry_run else \
            ngettext("{count} updated", "{count} updated", count)
    elif outcome == "merged":
        text = ngettext("{count} to merge into an existing sheet", "{count} to merge into existing sheets",
                        count) if dry_run else \
            ngettext("{count} merged into an existing sheet", "{count} merged into existing sheets", count)
    elif outcome == "unchanged":
        text = ngettext("{count} unchanged", "{count} unchanged", count)
    else:  # pragma: no cover - a programming error
        raise ValueError(f"unknown outcome {outcome!r}")
    return text.format(count=n)


def dry_run_mark(dry_run: bool) -> str:
    """What ends a summary line of a dry run."""
    return _(" (dry run: nothing written)") if dry_run else ""


def absent() -> str:
    """The old value of a field a sheet did not have, in a change line."""
    return _("(absent)")


def removed() -> str:
    """The new value of a field an import takes out of a sheet, in a change line."""
    return _("(removed)")
