"""Fixtures every test folder may use, and how `make test` spreads the suite over its workers."""

from __future__ import annotations

import pytest

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
