"""The installed versions of the libraries whose output a build keeps (the inputs' stamp, the picture cache)."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence


def installed_versions(packages: Sequence[str]) -> dict[str, str | None]:
    """The installed version of each package (None when it is not installed), as importlib.metadata.version
    gives it: read from the names of the `<name>-<version>.dist-info` folders on sys.path, first found first.
    Importing importlib.metadata and parsing each package's METADATA was 0.05 s of every build; a package
    found no such way (an .egg-info install) is asked of importlib.metadata."""
    wanted = {_normalized(name): name for name in packages}
    found: dict[str, str | None] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info") and "-" in name:
                project, _, version = name[:-len(".dist-info")].partition("-")
                package = wanted.get(_normalized(project))
                if package is not None and package not in found:
                    found[package] = version
        if len(found) == len(wanted):
            break
    missing = [name for name in packages if name not in found]
    if missing:
        from importlib import metadata

        for name in missing:
            try:
                found[name] = metadata.version(name)
            except metadata.PackageNotFoundError:
                found[name] = None
    return {name: found[name] for name in packages}


def _normalized(project: str) -> str:
    """A project's name as wheels spell it in their .dist-info folder (PEP 503, then `_`)."""
    return re.sub(r"[-_.]+", "_", project).lower()
