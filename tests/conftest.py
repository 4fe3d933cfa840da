"""Fixtures every test folder may use, and how `make test` spreads the suite over its workers."""

from __future__ import annotations

import pytest

# Schemathesis imports most of its modules lazily, when a schema is first loaded; pytest rewrites them
# on import (schemathesis is a pytest plugin), and CPython 3.11.7's compiler can fail that with
# "AST constructor recursion depth mismatch" when the import happens deep in an async test's stack.
# Importing them here, at the top of the stack, takes that away.
import schemathesis.specs.openapi.schemas  # noqa: F401

pytest_plugins = ["tests.support.browser"]

ONE_AT_A_TIME = (
    "tests/embedded/",
    "tests/system/test_make_run.py",
    "tests/faults/",
    "tests/backbone/test_outage.py",
)
"""Tests that start embedded servers or the whole system, or kill a server: under `make test`'s
workers (pytest-xdist, `--dist loadgroup`) they run one after another on one worker, beside the rest,
so two of them never fight over the machine's cores or its embedded servers' system user."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid.startswith(ONE_AT_A_TIME):
            item.add_marker(pytest.mark.xdist_group("one-at-a-time"))
