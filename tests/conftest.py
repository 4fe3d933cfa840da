"""Fixtures every test folder may use, and how `make test` spreads the suite over its workers."""

from __future__ import annotations

from collections.abc import Generator

import pytest

# Schemathesis imports most of its modules lazily, when a schema is first loaded, and pytest rewrites
# them on import (schemathesis is a pytest plugin): parsing that can meet CPython 3.11's AST depth bug
# (tests/support/collector.py) mid-run. Importing them here, before any test runs, takes that away.
import schemathesis.specs.openapi.schemas  # noqa: F401

from tests.support.collector import collector_paused

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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    """Hypothesis tests run with the garbage collector paused (tests/support/collector.py says why)."""
    if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
        with collector_paused():
            return (yield)
    return (yield)
