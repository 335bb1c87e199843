"""Where an atlas is: its sheets, pages, configuration, theme, output and cache folders, its language.

A `Project` is made once, by the command line (`atlas -C DIR ...`, else the current folder) or by a
test, and handed to the commands (generator.commands). An atlas repository needs only its sheets:
what it lacks (hand-written pages, mkdocs.yml, theme) is the atlas's own, shipped with the package,
so an installed `atlas` builds any atlas repository, not only the checkout it came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.errors import AtlasError, Location
from generator.i18n import _
from generator.yaml_problems import PARSER, explain

PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLED = PACKAGE_DIR / "_shipped"  # theme/, content/ and mkdocs.yml copied into a wheel (setup.py)


def shipped_dir() -> Path:
    """The folder of the atlas's own theme, pages and mkdocs.yml: inside the package when it was
    installed from a wheel, else the checkout the package lives in (an editable install)."""
    return BUNDLED if (BUNDLED / "theme").is_dir() else PACKAGE_DIR.parent


SHIPPED = shipped_dir()
SHIPPED_THEME = SHIPPED / "theme"
SHIPPED_CONFIG = SHIPPED / "mkdocs.yml"  # the checkout's, or the copy in the package

# editors' leftovers beside a sheet being edited: a backup (`fiche.yml~`: Emacs, Vim, gedit), an autosave
# (`#fiche.yml#`: Emacs), a safe write's copies (`fiche.yml___jb_tmp___`: JetBrains)
EDITOR_LEFTOVERS = ("~", "___jb_tmp___", "___jb_old___")


def editor_leftover(name: str) -> bool:
    """Whether `name` is a file an editor leaves beside the one it saves: no change of the atlas to follow,
    and no stray file to report (it would stop every build of a contributor's copy for a file they did not
    make)."""
    return name.endswith(EDITOR_LEFTOVERS) or (len(name) > 1 and name[0] == "#" and name[-1] == "#")


def set_aside(name: str) -> bool:
    """Whether an entry of the sheets folder is left out of the atlas: a name the contributor set aside
    (`_notes.md`, `.git`) or an editor's leftover."""
    return name.startswith((".", "_")) or editor_leftover(name)


def _own_or_shipped(own: Path, name: str) -> Path:
    return own if own.exists() else SHIPPED / name


def read_config(config_file: Path) -> dict[str, Any]:
    """mkdocs.yml as plain data, as it is (it is ours: no `!ENV` or Python tags, read with the safe loader);
    the one reading of it, for a project (`Project.site_config`) and for the shipped file
    (generator.site.read_site_config). A mistake in it is told as a sheet's is (generator.yaml_problems):
    at its line and column, in the language in use, with a fix to try."""
    try:
        text = config_file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise AtlasError(_("cannot read {file}: it is not UTF-8 text; save it as UTF-8").format(
            file=config_file)) from None
    except OSError as error:
        raise AtlasError(_("cannot read {file}: {error}; check that the file exists and is plain YAML").format(
            file=config_file, error=error.strerror or error)) from None
    try:
        data = yaml.safe_load(text)
    except yaml.constructor.ConstructorError as error:  # a tag: `!!python/name:` or `!ENV` as other sites have
        mark = error.problem_mark
        where = Location(str(config_file), mark.line + 1, mark.column + 1) if mark else Location(str(config_file))
        tag = (error.problem or "").rpartition(" ")[2].strip("'").replace("tag:yaml.org,2002:", "!!")
        raise AtlasError(_("{where}: the tag {tag} cannot be used here: the atlas reads mkdocs.yml as plain "
                           "YAML, without tags; remove the tag and write the setting as plain text").format(
            where=where, tag=tag)) from None
    except yaml.MarkedYAMLError as error:
        where, problem, hint = explain(error, text, str(config_file), PARSER)
        raise AtlasError(_("{where}: {problem} (hint: {hint})").format(
            where=where, problem=problem, hint=hint)) from None
    except yaml.YAMLError as error:  # the reader's: a control character
        raise AtlasError(_("cannot read {file}: {error}; check that the file exists and is plain YAML").format(
            file=config_file, error=error)) from None
    if not isinstance(data, dict):
        raise AtlasError(_("{file} is not a YAML map of MkDocs settings").format(file=config_file))
    return data


@dataclass(frozen=True)
class Project:
    """The folders of one atlas. Paths stay as given (relative ones read from the working folder), so
    that messages name `territories/doubs/territory.yml` as the contributor wrote it."""

    root: Path
    territories: Path
    content: Path
    config_file: Path
    theme: Path
    docs_dir: Path
    site_dir: Path
    cache: Path  # the build's caches (pictures, inputs' stamps); generator.build still writes .cache/ of
    # the working folder, which is the root when the CLI runs (`atlas -C DIR`)
    lang: str | None = None  # fr or en for the messages; None: ATLAS_LANG, else French

    @classmethod
    def at(cls, root: Path | str | None = None, *, territories: Path | None = None, content: Path | None = None,
           config_file: Path | None = None, theme: Path | None = None, docs_dir: Path | None = None,
           site_dir: Path | None = None, cache: Path | None = None, lang: str | None = None) -> Project:
        """The atlas in `root` (default: the working folder); each folder may be given instead.

        The hand-written pages, mkdocs.yml and the theme are the repository's when it has them, else
        the ones shipped with the package.
        """
        base = Path(root) if root is not None else Path()
        return cls(
            root=base,
            territories=territories if territories is not None else base / "territories",
            content=content if content is not None else _own_or_shipped(base / "content", "content"),
            config_file=config_file if config_file is not None else _own_or_shipped(base / "mkdocs.yml",
                                                                                    "mkdocs.yml"),
            theme=theme if theme is not None else _own_or_shipped(base / "theme", "theme"),
            docs_dir=docs_dir if docs_dir is not None else base / "build" / "docs",
            site_dir=site_dir if site_dir is not None else base / "site",
            cache=cache if cache is not None else base / ".cache",
            lang=lang,
        )

    def site_config(self) -> dict[str, Any]:
        """mkdocs.yml as plain data, its theme's custom_dir made absolute: the project's own folder when
        it has it, else the same folder of the theme in use (a repository without theme/ gets the
        shipped overrides)."""
        data = read_config(self.config_file)
        theme = dict(data.get("theme") or {})
        custom = theme.get("custom_dir")
        if isinstance(custom, str) and not Path(custom).is_absolute():
            beside = self.config_file.parent / custom
            parts = Path(custom).parts
            if not beside.is_dir() and parts[:1] == ("theme",):
                beside = self.theme.joinpath(*parts[1:])
            theme["custom_dir"] = str(beside.resolve())
            data["theme"] = theme
        return data
