"""One module per `atlas` command, each a typed function `run(project, options) -> exit code`.

The command line (generator.cli) only reads its arguments into a `Project` and the command's
`Options`, then calls `run`; tests and scripts call the same functions directly. Commands whose work
lives in a product package (build, serve, pdf, new, import, release) hand it the `argparse.Namespace`
it still reads, made here from the typed values by `legacy_args`.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from generator import i18n
from generator.project import Project

Run = TypeVar("Run", bound=Callable[..., int])

# command -> its module; imported only when the command runs, so that `atlas validate` does not pay
# for matplotlib or WeasyPrint
MODULES: dict[str, str] = {
    "validate": "generator.commands.validate",
    "schema": "generator.commands.schema",
    "new": "generator.commands.new",
    "stats": "generator.commands.stats",
    "build": "generator.commands.build",
    "serve": "generator.commands.serve",
    "pdf": "generator.commands.pdf",
    "import": "generator.commands.import_sheets",
    "scores": "generator.commands.scores",
    "release": "generator.commands.release",
}


def options_from(values: Any, options_type: type[Any]) -> Any:
    """The options dataclass filled from an object with the same attribute names (argparse's result);
    attributes it lacks keep their defaults."""
    names = {f.name for f in dataclasses.fields(options_type)}
    return options_type(**{name: getattr(values, name) for name in names if hasattr(values, name)})


def legacy_args(project: Project, options: Any, **extra: Any) -> argparse.Namespace:
    """The project's folders and the options as one namespace, for the code that still reads one."""
    return argparse.Namespace(
        territories=project.territories, content_dir=project.content, config=project.config_file,
        lang=project.lang, **dataclasses.asdict(options), **extra)


def in_its_language(run: Run) -> Run:
    """A command's `run` speaks the project's language (Project.lang) when it has one, as `--lang` does on
    the command line; without one, the language chosen around the call (ATLAS_LANG, else French)."""
    @functools.wraps(run)
    def speaking(project: Project, *args: Any, **kwargs: Any) -> int:
        if project.lang is None:
            return run(project, *args, **kwargs)
        with i18n.using(project.lang):
            return run(project, *args, **kwargs)
    return speaking  # type: ignore[return-value]
