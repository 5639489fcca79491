"""constraints.txt pins what `make` installs; pyproject.toml says what the code accepts. A pin outside
its range would make pip fail on a fresh machine, and a dependency without a pin would float to
whatever version is newest that day (a new Babel changed its Spanish plural rules under us)."""

from __future__ import annotations

import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from .conftest import REPO


def pins() -> dict[str, str]:
    lines = (REPO / "constraints.txt").read_text().splitlines()
    pairs = (line.split("==") for line in lines if line and not line.startswith("#"))
    return {canonicalize_name(name): version for name, version in pairs}


def test_every_dependency_is_pinned_within_the_range_pyproject_accepts() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    required = [
        Requirement(spec)
        for spec in [*project["dependencies"], *project["optional-dependencies"]["test"]]
    ]
    pinned = pins()
    for requirement in required:
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement.name} has no line in constraints.txt"
        assert requirement.specifier.contains(pinned[name]), (
            f"constraints.txt pins {requirement.name} {pinned[name]}, pyproject.toml wants "
            f"{requirement.specifier}"
        )
