"""Every package a project imports at run time is one it declares, pinned, in its own pyproject.

A service that relies on a package only because another project pulls it in breaks the day that other
project stops needing it; the deploy image of one service is built from that service's declarations.
Imports guarded for typing only, and the backbone's testing and embedded extras, are left out.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PROJECTS = sorted(
    [p.parent for p in (ROOT / "services").glob("*/pyproject.toml")]
    + [p.parent for p in (ROOT / "shared").glob("*/pyproject.toml")]
    + [ROOT]
)
OPTIONAL = ("testing", "embedded")
"""Modules of the backbone that only the tests and `make run` load (their extras declare them)."""


def _source_files(project: Path) -> list[Path]:
    return [f for f in (project / "src").rglob("*.py") if not any(part in OPTIONAL for part in f.parts)]


def _runtime_imports(path: Path) -> set[str]:
    """Top-level names imported outside `if TYPE_CHECKING:` blocks."""
    tree = ast.parse(path.read_text(), filename=str(path))
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for statement in block.body
        for node in ast.walk(statement)
    }
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _declared(project: Path) -> dict[str, str]:
    """Declared distributions (canonical name) and their specifiers."""
    metadata = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    requirements = [Requirement(r) for r in metadata.get("dependencies", [])]
    return {canonicalize_name(r.name): str(r.specifier) for r in requirements}


def _own_packages(project: Path) -> set[str]:
    return {p.name for p in (project / "src").iterdir() if p.is_dir()}


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.name if p != ROOT else "launcher")
def test_every_runtime_import_is_declared_and_every_third_party_pin_exact(project: Path) -> None:
    distributions = packages_distributions()
    declared = _declared(project)
    missing: dict[str, set[str]] = {}
    for path in _source_files(project):
        for name in _runtime_imports(path) - _own_packages(project) - set(sys.stdlib_module_names):
            # The workspace's own projects are editable installs: civic311_city is civic311-city.
            found = distributions.get(name, [name] if name.startswith("civic311_") else [])
            providers = {canonicalize_name(d) for d in found}
            assert providers, f"{path.relative_to(ROOT)}: no installed distribution provides {name!r}"
            if not providers & declared.keys():
                missing.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    assert not missing, f"{project.name}: imported but not declared: {missing}"
    loose = {
        name: spec
        for name, spec in declared.items()
        if not name.startswith("civic311-") and not spec.startswith("==")
    }
    assert not loose, f"{project.name}: not pinned: {loose}"
