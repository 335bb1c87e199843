"""The GitHub workflows run commands that exist, with options the CLI accepts, and stay least-privilege.

A renamed option would otherwise be found only when a pull request's CI fails (or, for the Pages
workflow, when main stops deploying). Each `atlas ...` line of a `run:` step is parsed with the
CLI's own parser.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from generator.build import CACHE_DIR
from generator.cli import COMMANDS, make_parser

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$")


def _load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as a boolean
        data["on"] = data.pop(True)
    return data


def _steps(workflow: dict):
    for job_id, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, job, step


def _atlas_commands(script: str) -> list[list[str]]:
    """Every `atlas ...` (or `python -m generator ...`) command of a shell script, as argv."""
    script = re.sub(r"\$\{\{[^}]*\}\}", "VALUE", script).replace("\\\n", " ")
    found = []
    for line in script.splitlines():
        for part in re.split(r"&&|\|\||;|\|", line.split(" #", 1)[0]):
            words = shlex.split(part.strip())
            if words[:1] == ["atlas"]:
                found.append(words[1:])
            elif words[:3] == ["python", "-m", "generator"]:
                found.append(words[3:])
    return found


def test_there_are_workflows() -> None:
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "pages.yml"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_atlas_command_exists_with_its_options(path: Path) -> None:
    parser = make_parser()
    commands = [argv for _, _, step in _steps(_load(path)) for argv in _atlas_commands(step.get("run", ""))]
    assert commands, f"{path.name} runs no atlas command"
    for argv in commands:
        assert argv and argv[0] in COMMANDS, f"{path.name}: unknown command atlas {' '.join(argv)}"
        try:
            parser.parse_args(argv)
        except SystemExit:
            pytest.fail(f"{path.name}: `atlas {' '.join(argv)}` is refused by the CLI's parser")


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_pinned_permissions_least_and_concurrency(path: Path) -> None:
    workflow = _load(path)
    assert workflow.get("permissions") == {"contents": "read"}, "read-only by default; a job asks for more"
    assert "concurrency" in workflow and workflow["concurrency"].get("group")
    for job_id, _job, step in _steps(workflow):
        if "uses" in step:
            assert PINNED.match(step["uses"]), f"{path.name} {job_id}: {step['uses']} is not pinned to a version"
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step.get("with", {}).get("persist-credentials") is False, "no token left in .git/config"
    for job_id, job in workflow["jobs"].items():
        extra = job.get("permissions", {})
        assert set(extra) <= {"pages", "id-token", "contents"}, f"{job_id} asks for {extra}"
        if extra:
            assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in job["steps"]), \
                f"{job_id}: only the deployment job writes"


def test_pull_requests_get_annotations_schemas_tests_and_a_preview() -> None:
    ci = _load(ROOT / ".github" / "workflows" / "ci.yml")
    assert "pull_request" in ci["on"]
    runs = [step.get("run", "") for _, _, step in _steps(ci)]
    uses = [step.get("uses", "") for _, _, step in _steps(ci)]
    commands = [c for run in runs for c in _atlas_commands(run)]
    validate = make_parser().parse_args(next(c for c in commands if c[0] == "validate"))
    assert validate.format == "github" and validate.strict
    assert make_parser().parse_args(next(c for c in commands if c[0] == "schema")).check
    assert ".ci/run" in runs and any(u.startswith("actions/upload-artifact@") for u in uses)
    ci_run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    test_command = re.search(r"&& (python -m pytest[^\n#]*?)\s*(?:#|\n)", readme).group(1).strip()
    assert test_command in ci_run and "-c constraints.txt" in ci_run
    # CI runs every test: a skip fails there, and the slow tests the quick local run leaves out run there
    assert "export ATLAS_NO_SKIP=1" in ci_run and "export ATLAS_SLOW=1" in ci_run
    assert (ROOT / ".ci" / "run").stat().st_mode & 0o111


def test_main_deploys_with_the_official_pages_actions_and_pdfs() -> None:
    pages = _load(ROOT / ".github" / "workflows" / "pages.yml")
    assert pages["on"]["push"]["branches"] == ["main"]
    uses = [step.get("uses", "") for _, _, step in _steps(pages)]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    builds = [c for _, _, step in _steps(pages) for c in _atlas_commands(step.get("run", "")) if c[0] == "build"]
    assert builds and all(make_parser().parse_args(c).pdf for c in builds)
    assert pages["concurrency"]["cancel-in-progress"] is False


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_caches_are_the_ones_the_build_uses(path: Path) -> None:
    workflow = _load(path)
    for _, _, step in _steps(workflow):
        if step.get("uses", "").startswith("actions/cache@") and "pictures" in step["with"]["key"]:
            assert Path(step["with"]["path"].rstrip("/")) == CACHE_DIR.parent  # .cache/ holds .cache/pictures
        if step.get("uses", "").startswith("actions/setup-python@"):
            assert step["with"].get("cache") == "pip"


def test_dependabot_updates_pip_npm_and_actions() -> None:
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    assert config["version"] == 2
    assert {u["package-ecosystem"] for u in config["updates"]} == {"pip", "npm", "github-actions"}


def test_constraints_pin_what_pyproject_needs() -> None:
    import tomllib

    from packaging.requirements import Requirement

    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for spec in [*project["dependencies"], *(r for extra in project["optional-dependencies"].values() for r in extra)]:
        req = Requirement(spec)
        key = re.sub(r"[-_.]+", "-", req.name).lower()
        assert key in pins, f"{req.name} is not in constraints.txt (python scripts/update_constraints.py)"
        assert req.specifier.contains(pins[key], prereleases=True), f"{req.name}=={pins[key]} outside {req.specifier}"


def test_every_slow_test_named_in_conftest_exists() -> None:
    """tests/conftest.py names the slow tests; a renamed one would silently join the quick run."""
    from conftest import SLOW

    for name in sorted(SLOW):
        path, test = name.split("::")
        assert f"def {test}(" in (ROOT / path).read_text(encoding="utf-8"), f"conftest.SLOW: {name} is gone"
