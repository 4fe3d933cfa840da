"""Runs `civic311 ...` as an analyst does, against the test's own schema, from an async test."""

from __future__ import annotations

import asyncio
import json

import pytest
from typer.testing import CliRunner, Result

from civic311.cli import app
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from civic311_backbone.testing.plugin import settings_env
from civic311_reporting.application.replay import replay_states
from civic311_reporting.domain.comparison import Comparison
from civic311_reporting.domain.requests import RequestState
from tests.support.waiting import eventually


def point_at(settings: BackboneSettings, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in settings_env(settings).items():
        monkeypatch.setenv(key, value)


async def civic311(*args: str) -> Result:
    """The command runs its own event loop, so it runs in a thread beside the test's loop."""
    return await asyncio.to_thread(lambda: CliRunner().invoke(app, list(args)))


async def replayed(store: EventStore, requests: int) -> dict[str, RequestState]:
    """The replay once it sees `requests` requests: a replay reads only below the oldest running write
    transaction, and other tests' transactions may still be running in the same database."""
    return await eventually(
        lambda: replay_states(store), until=lambda states: len(states) >= requests, what="the replay"
    )


async def judged_by_department(*options: str) -> dict[str, tuple[int, int]]:
    """`civic311 report OPTIONS --format json`: each department's judged and on-time counts."""
    reported = await civic311("report", *options, "--format", "json")
    assert reported.exit_code == 0, reported.output
    return {r["group"]: (r["judged"], r["on_time"]) for r in json.loads(reported.output)["by_department"]}


def compared_by_department(comparison: Comparison) -> dict[str, tuple[int, int]]:
    """What compare judged of our cases, all of them, per department: report's figures to match."""
    return {
        d.department: (d.ours_all, d.ours_all_on_time) for d in comparison.departments.values() if d.ours_all
    }
