"""The reporting domain imports no infrastructure, so its folds run anywhere in milliseconds."""

from __future__ import annotations

import ast
from pathlib import Path

import civic311_reporting.domain as domain

INFRASTRUCTURE = {"asyncpg", "faststream", "structlog", "nats"}


def test_no_domain_module_imports_infrastructure() -> None:
    offenders = []
    for module in Path(domain.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{module.name}: {n}" for n in names if n.split(".")[0] in INFRASTRUCTURE]

    assert offenders == []
