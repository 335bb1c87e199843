"""Packaging hook (the rest is pyproject.toml): a wheel carries the atlas's own theme, hand-written pages,
mkdocs.yml and data licence as generator/_shipped/, so that an installed `atlas` builds any atlas repository
(generator/project.py finds them there). An editable install reads them from the checkout instead."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SHIPPED = ("theme", "content", "mkdocs.yml", "LICENCE-DONNEES.md")


class BuildWithShipped(build_py):
    """build_py, then the shipped folders and files copied beside the package's modules."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "generator" / "_shipped"
        for name in SHIPPED:
            source = HERE / name
            if source.is_dir():
                shutil.copytree(source, target / name, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns("__pycache__", ".*"))
            elif source.is_file():
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target / name)


setup(cmdclass={"build_py": BuildWithShipped})
