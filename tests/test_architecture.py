"""Imports go one way: from the sheets to the model, then to the outputs, then to the commands.

A module may import only modules of a lower layer; page, chart and PDF code never import each other
(they meet in `build`, through the model and the pictures). A new module must be placed here.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

LAYERS: list[set[str]] = [
    {"catalogs",  # the .po files read with Babel (command line, site, PDF)
     "versions"},  # the installed libraries' versions (the inputs' stamp, the picture cache)
    {"i18n"},  # the language of the command line's messages: everything that speaks may use it
    {"errors", "formats", "text", "typography", "equal_area", "__init__", "ids",
     "collector",  # collector: how often the cyclic garbage collector runs (a build, a drawing, the PDFs)
     "hub_geography",  # which territories a hub is inside (by its commune's département)
     "addresses",  # the town of a hub's address (its card, its row in the list of places)
     "import_notes"},  # the notes `atlas import` writes in sheets, and their English
    {"vocabulary"},  # the words of the atlas in French and English (terms, plurals, ratings, sort order)
    {"sheet_nodes"},  # a sheet's values as read, with where each was written
    {"yaml_problems"},  # what libyaml says of a sheet (or mkdocs.yml) it cannot read, in plain words at the mistake
    {"project"},  # where an atlas is: its folders, its configuration, the theme (its own or the shipped one)
    {"model", "outputs", "site_templates", "faults",
     "file_states",  # file_states: a file's state and the hash of its bytes, known once per process
     "kept_pickles",  # kept_pickles: the caches' files read back as plain values only (pictures' specs, pages)
     "watcher"},  # watcher: the files a contributor saves, followed (atlas serve, atlas build --watch)
    {"scores", "specs",  # specs: the kinds of value of the sheet format
     "folder_changes"},  # the docs folder followed between the watch's builds (inotify)
    {"atlas_reads"},  # what an output read from the atlas, recorded (kept pictures' specs, shared pages)
    {"measured", "status_text", "citation", "fields",  # derived once per atlas; fields: the format
     "homonyms"},  # territories of one name told apart (by level, by département) in every list
    {"atlas_records",  # atlas.json and its records (open data, the static API, the page cache)
     "page_store"},  # the page cache's index on disk: a small index, shards, postings
    {"schema", "schema_reference", "sheets", "quality", "geo", "opendata", "feed", "views"},
    {"validate", "api", "explore", "sheet_parser"},  # sheet_parser: one sheet read as untrusted YAML
    {"page_kept",  # what the page cache keeps by what it read: shared pages, data files, atlas.json's records
     "sheet_memo",  # each sheet as last read and checked (atlas serve in memory, the build on disk)
     "page_code",  # the page cache's hash of the code that renders the pages
     "page_figures",  # a chart or map placed on a page (page_parts.PageBase's)
     "page_records"},  # atlas.json's records kept by what they read (the page cache's)
    {"load", "pictures", "search", "page_parts", "page_cache",
     "html_whitespace"},  # page_cache: the sheet pages kept (site's); html_whitespace: the built pages squeezed
    {"page_indexes", "page_pillars", "page_reference"},  # groups of site pages on page_parts, gathered by pages
    {"scaffold", "pages", "release"},
    {"editions"},  # the English edition: the page kinds again, in English, under en/
    {"pdf", "site", "imports"},  # imports: the package of `atlas import` (territories, census, indicators)
    {"engine", "serve_engine"},  # serve_engine: MkDocs' server for `atlas serve`, the site kept in memory
    {"build_stamp"},  # the inputs' stamp that lets an unchanged generation be skipped
    {"build"},
    {"serve", "watch"},  # watch: `atlas build --watch`, the builds of one process
    {"commands"},  # one module per command, typed functions over a Project (what tests call)
    {"cli"},  # reads the arguments into a Project and a command's options
    {"__main__"},
]
APART = [({"pages", "editions", "page_parts", "page_figures", "page_indexes", "page_pillars", "page_reference",
           "site_templates", "opendata", "atlas_records"}, {"pdf", "pictures"}),
         ({"site"}, {"pdf"}),  # the site draws its pictures (pictures) but never reads the PDF code
         ({"geo", "pictures"}, {"pages", "page_parts", "editions", "site", "pdf"}),
         ({"pdf"}, {"pages", "page_parts", "editions", "site"})]  # pdf draws its pictures too


def _imports(path: Path) -> set[str]:
    """The modules and packages of generator/ that a module, or every module of a package, imports."""
    deps: set[str] = set()
    for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module == "generator":
                    deps |= {a.name for a in node.names}
                elif node.module.startswith("generator."):
                    deps.add(node.module.split(".")[1])
            elif isinstance(node, ast.Import):
                deps |= {a.name.split(".")[1] for a in node.names if a.name.startswith("generator.")}
    return deps - {path.stem}  # a package's modules import each other


def _modules() -> list[Path]:
    """The modules of generator/ and its packages (a package is placed as a whole)."""
    top = ROOT / "generator"
    return sorted([*top.glob("*.py"), *(p.parent for p in top.glob("*/__init__.py"))], key=lambda p: p.stem)


def test_imports_go_one_way() -> None:
    layer_of = {name: i for i, layer in enumerate(LAYERS) for name in layer}
    modules = _modules()
    unplaced = [m.stem for m in modules if m.stem not in layer_of]
    assert unplaced == [], f"place these modules in a layer of tests/test_architecture.py: {unplaced}"
    wrong = [f"{m.stem} -> {dep}" for m in modules for dep in sorted(_imports(m))
             if dep in layer_of and layer_of[dep] >= layer_of[m.stem]]
    assert wrong == []


def test_pages_charts_and_pdf_stay_apart() -> None:
    for group, forbidden in APART:
        for name in group:
            path = ROOT / "generator" / f"{name}.py"
            path = path if path.exists() else path.with_suffix("")
            if path.exists():
                assert _imports(path) & forbidden == set(), f"{name} imports {_imports(path) & forbidden}"


def test_mkdocs_yml_is_read_in_one_place() -> None:
    """One reading of mkdocs.yml (generator.project.read_config): `Project.site_config` and
    `site.read_site_config` once each had their own, with their own messages to keep alike."""
    readers = sorted(str(path.relative_to(ROOT / "generator")) for path in (ROOT / "generator").rglob("*.py")
                     if "is not a YAML map of MkDocs settings" in path.read_text(encoding="utf-8"))
    assert readers == ["project.py"]
    # nor a YAML reading of its own beside the name of the file (the PDFs' site address had one)
    parsing = sorted(str(path.relative_to(ROOT / "generator")) for path in (ROOT / "generator").rglob("*.py")
                     if "safe_load(" in (code := path.read_text(encoding="utf-8"))
                     and any(name in code for name in ("mkdocs.yml", "CONFIG_FILE", "config_file")))
    assert parsing == ["project.py"]
