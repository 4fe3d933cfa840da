"""The architecture's import rules (.importlinter) hold for the tree, and catch a bad import.

The same contracts are run against a small fixture tree that mirrors the project's package names: clean,
it passes; with one deliberately bad import, the contract that forbids it fails and names it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / ".importlinter"
SERVICES = ("intake", "routing", "dedup", "notifier", "reporting")
LAYERS = ("__main__", "wiring", "entrypoints", "application", "adapters", "settings", "domain")
PACKAGE_LAYERS = ("entrypoints", "application", "adapters", "domain")


def lint_imports(config: Path, *, path: Path | None = None) -> subprocess.CompletedProcess[str]:
    executable = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert executable is not None, "lint-imports is not installed (import-linter, a dev dependency)"
    env = {**os.environ, "PYTHONPATH": str(path)} if path is not None else dict(os.environ)
    return subprocess.run(
        [executable, "--config", str(config), "--no-cache"],
        cwd=path or ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def write(root: Path, module: str, body: str = "") -> None:
    parts = module.split(".")
    folder = root.joinpath(*parts[:-1])
    folder.mkdir(parents=True, exist_ok=True)
    for depth in range(1, len(parts)):
        init = root.joinpath(*parts[:depth], "__init__.py")
        if not init.exists():
            init.write_text('"""fixture"""\n')
    target = folder / f"{parts[-1]}.py"
    target.write_text(f'"""fixture"""\n{body}')


def fixture_tree(root: Path) -> Path:
    """Packages named like the project's, each service with every layer, importing only downwards."""
    write(root, "civic311.cli", "import civic311_intake.wiring\n")
    write(root, "civic311_backbone.contracts.events", "import pydantic\n")
    write(root, "civic311_city.catalogue", "import civic311_backbone.contracts.events\n")
    for service in SERVICES:
        package = f"civic311_{service}"
        write(root, f"{package}.domain.model", "import civic311_city.catalogue\n")
        write(root, f"{package}.adapters.sql", f"import asyncpg\nimport {package}.domain.model\n")
        write(root, f"{package}.application.handle", f"import {package}.adapters.sql\n")
        write(root, f"{package}.entrypoints.consumer", f"import {package}.application.handle\n")
        write(root, f"{package}.settings", f"import {package}.domain.model\n")
        write(
            root, f"{package}.wiring", f"import {package}.entrypoints.consumer\nimport {package}.settings\n"
        )
        write(root, f"{package}.__main__", f"import {package}.wiring\n")
    shutil.copy(CONFIG, root / ".importlinter")
    return root


def test_the_project_keeps_every_contract() -> None:
    result = lint_imports(CONFIG)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 4 kept, 0 broken." in result.stdout


def test_the_clean_fixture_keeps_every_contract(tmp_path: Path) -> None:
    tree = fixture_tree(tmp_path)
    result = lint_imports(tree / ".importlinter", path=tree)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "body", "broken"),
    [
        pytest.param(
            "civic311_intake.domain.transfer",
            "import civic311_routing.domain.model\n",
            "No service imports another service (they meet only through events)",
            id="a-service-imports-another",
        ),
        pytest.param(
            "civic311_backbone.contracts.views",
            "import civic311_intake.domain.model\n",
            "The shared packages (backbone, city) import no service and not the launcher",
            id="the-backbone-imports-a-service",
        ),
        pytest.param(
            "civic311_routing.domain.watch",
            "import civic311_routing.adapters.sql\n",
            "Every service: entry points -> application -> adapters -> domain",
            id="a-domain-imports-an-adapter",
        ),
        pytest.param(
            "civic311_dedup.domain.scoring",
            "import structlog\n",
            "The domains and the city's configuration import no infrastructure",
            id="a-domain-imports-structlog",
        ),
        pytest.param(
            "civic311_city.loading",
            "import asyncpg\n",
            "The domains and the city's configuration import no infrastructure",
            id="the-city-imports-asyncpg",
        ),
    ],
)
def test_a_bad_import_breaks_its_contract(tmp_path: Path, module: str, body: str, broken: str) -> None:
    tree = fixture_tree(tmp_path)
    write(tree, module, body)
    result = lint_imports(tree / ".importlinter", path=tree)
    assert result.returncode != 0
    assert f"{broken} BROKEN" in result.stdout, result.stdout
    assert module in result.stdout
