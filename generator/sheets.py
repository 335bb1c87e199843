"""Find the sheets of a territories folder and parse each into nodes that keep line and column.

Sheets come from strangers: the walk never follows a symbolic link, the parser refuses tags other
than the plain YAML ones, anchors, aliases, merge keys, duplicate keys, non-string keys, more than one
document and deep nesting, and no YAML value is typed here: every scalar keeps the text that was
written and whether it was quoted, so `validate` can type it against the format (YAML 1.1's `01`,
`yes` and `2025-01-10` surprises are caught there). This is the only module that reads sheet files.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import Location, Problem, Report
from generator.i18n import _
from generator.project import set_aside

SHEET_SUFFIXES = (".yml", ".yaml")


@dataclass
class SheetFile:
    """A file found under the territories folder, with its role in the atlas."""

    path: Path            # real path on disk
    display: str          # how messages name it
    kind: str             # "territory" | "hub" | "vocabulary" | "sources" | "indicators" | "moved"
    territory_id: str | None = None
    stem: str | None = None   # id from the folder or file name
    where: str = ""           # the absolute path, as os.path.abspath gives it ("" when not known)

    def absolute(self) -> str:
        """`where`, worked out when the walk did not say it (the inputs' stamp and the sheet memo ask for it
        at each build: 5,400 abspath calls on a France-scale tree)."""
        return self.where or os.path.abspath(self.path)


@dataclass
class Tree:
    """Everything found by the walk: sheets to parse, and problems with the layout itself."""

    files: list[SheetFile] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    cwd: Path = field(default_factory=Path.cwd)  # the working folder, once per walk (messages' paths)
    # each sheet's os.stat by absolute path, when the caller took them already (the build's inputs signature):
    # the sheet memo then does not ask again
    states: dict[str, os.stat_result] = field(default_factory=dict)
    walked: tuple[Problem, ...] = ()  # what the walk itself found out of place (the load adds the sheets' own)
    _listed: set[str] | None = field(default=None, repr=False, compare=False)  # the sheets' absolute paths

    def again(self, root: str, touched: Iterable[str]) -> Tree | None:
        """This listing for a build after the files `touched` (paths relative to the folder walked, whose absolute
        path is `root`; the watch's follower names them, generator.folder_changes) changed, when none changes what
        a walk would find: each is a sheet listed here and still a plain file (saved again: looked at anew), a
        path that is gone and was not listed (an editor's temporary file) or a name the walk leaves out. The other
        sheets' states are this listing's. None: walk again (always after a walk that found entries out of place,
        whose removal is no change of a listed sheet)."""
        if self.walked:
            return None
        listed = self._listed
        if listed is None:
            listed = self._listed = {sheet.absolute() for sheet in self.files}
        states = dict(self.states)
        for path in touched:
            if any(set_aside(part) for part in path.split("/")):
                continue
            where = os.path.join(root, *path.split("/"))
            if where in listed:
                try:
                    status = os.lstat(where)
                except OSError:
                    return None
                if not stat.S_ISREG(status.st_mode):
                    return None
                states[where] = status
            elif os.path.lexists(where):
                return None
        tree = Tree(list(self.files), Report(), self.cwd, states)
        tree._listed = listed
        return tree


def display_path(path: Path, cwd: Path | None = None) -> str:
    """A path as messages show it: relative to the working folder (`cwd`: its absolute path, when the
    caller knows it already) when inside it, else absolute."""
    where = path if path.is_absolute() else (cwd or Path.cwd()) / path
    try:
        return where.relative_to(cwd or Path.cwd()).as_posix()
    except ValueError:
        return where.as_posix()


# the sheets of the atlas as a whole, at the top of the territories folder (moved.yml: the hubs whose sheet
# was merged into another or renamed, old id -> kept id, so that their former pages lead to the kept one)
TOP_SHEETS: tuple[str, ...] = ("vocabulary", "sources", "indicators", "moved")


def _is_sheet_name(name: str) -> bool:
    return name.endswith(SHEET_SUFFIXES)


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0]


def find_sheets(root: Path) -> Tree:
    """Walk `root` without following links; classify every entry or report it as stray."""
    tree = Tree()
    report = tree.report
    shown = display_path(root, tree.cwd)  # how messages name the folder; its files' names are built on it
    base = os.path.abspath(root)  # the absolute paths of its entries are built on it, as their shown names

    def stray(path: Path, why: str, hint: str) -> None:
        report.error(Location(display_path(path, tree.cwd)), "", why, hint)

    for entry in _listing(root, stray, _("replace the link with the file or folder itself")):
        if entry.is_dir(follow_symlinks=False):
            _walk_territory(entry, _under(shown, entry.name), tree, stray, os.path.join(base, entry.name))
        elif entry.is_file(follow_symlinks=False) and _stem(entry.name) in TOP_SHEETS \
                and _is_sheet_name(entry.name):
            tree.files.append(SheetFile(Path(entry.path), _under(shown, entry.name), _stem(entry.name),
                                        where=os.path.join(base, entry.name)))
        else:
            stray(Path(entry.path), _("unexpected file in the territories folder"),
                  _("only vocabulary.yml, sources.yml, indicators.yml, moved.yml and one folder per territory "
                    "belong here; prefix the name with '_' or '.' to keep a file that is not a sheet"))
    for kind in TOP_SHEETS:
        found = [f for f in tree.files if f.kind == kind]
        if len(found) > 1:
            for f in found[1:]:
                stray(f.path, _("two {kind} files").format(kind=kind),
                      _("keep one of {files}").format(files=", ".join(x.display for x in found)))
            tree.files = [f for f in tree.files if f.kind != kind or f is found[0]]
    tree.walked = tuple(report.problems)
    return tree


def _under(shown: str, name: str) -> str:
    """How messages name `name` in a folder they name `shown` (what `display_path` gives, without making
    and comparing two Path objects for each of the national atlas's 4,700 entries)."""
    return name if shown == "." else f"{shown}/{name}"


def _listing(folder: Path | str, stray, link_hint: str) -> Iterator[os.DirEntry]:
    """A folder's entries in name order, without ignored names; symbolic links are reported and skipped."""
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if set_aside(entry.name):
            continue
        if entry.is_symlink():
            stray(Path(entry.path), _("symbolic links are not allowed in the territories folder"), link_hint)
            continue
        yield entry


def _walk_territory(folder: os.DirEntry, shown: str, tree: Tree, stray, where: str) -> None:
    territory_id = folder.name
    sheet: tuple[Path, str, str] | None = None
    for entry in _listing(folder.path, stray, _("replace the link with the file or folder itself")):
        if entry.name in ("territory.yml", "territory.yaml"):
            if not entry.is_file(follow_symlinks=False):
                stray(Path(entry.path), _("a folder where the territory sheet should be"),
                      _("territory.yml must be a file"))
            elif sheet is not None:
                stray(Path(entry.path), _("two territory sheets in one folder"),
                      _("keep only {name}").format(name=sheet[0].name))
            else:
                sheet = (Path(entry.path), _under(shown, entry.name), f"{where}/{entry.name}")
        elif entry.name == "hubs" and entry.is_dir(follow_symlinks=False):
            hubs_shown, hubs_where = _under(shown, entry.name), f"{where}/{entry.name}"
            for hub in _listing(entry.path, stray, _("replace the link with the file itself")):
                if hub.is_dir(follow_symlinks=False):
                    stray(Path(hub.path), _("a folder where a hub sheet should be"),
                          _("a hub is one file: hubs/<hub-id>.yml"))
                elif _is_sheet_name(hub.name):
                    tree.files.append(SheetFile(Path(hub.path), _under(hubs_shown, hub.name), "hub",
                                                territory_id, _stem(hub.name), f"{hubs_where}/{hub.name}"))
                else:
                    stray(Path(hub.path), _("unexpected file in a hubs folder"),
                          _("hub sheets end in .yml or .yaml; prefix other files with '_' or '.'"))
        else:
            stray(Path(entry.path), _("unexpected entry in a territory folder"),
                  _("a territory folder holds territory.yml and a hubs/ folder only"))
    if sheet is None and not any(os.path.lexists(os.path.join(folder.path, name))
                                 for name in ("territory.yml", "territory.yaml")):
        # (a territory.yml that is a link or a folder has its own error)
        stray(Path(folder.path), _("territory folder without a territory.yml"),
              _("add territory.yml (atlas new territory ...) or remove the folder"))
    elif sheet is not None:
        tree.files.insert(0, SheetFile(sheet[0], sheet[1], "territory", territory_id, territory_id, sheet[2]))
