"""The analysts' command line, run as an analyst runs it: `civic311 report`, on a real store."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from civic311.cli import app
from civic311_backbone.contracts import Actor, Assigned, new_event
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from civic311_backbone.testing.factories import new_stream_id, request_created
from civic311_backbone.testing.plugin import settings_env
from tests.reporting.analyst_cli import replayed


async def test_report_replays_the_store_and_prints_csv(
    store: EventStore, settings: BackboneSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = new_stream_id()
    await store.append(
        stream,
        [
            request_created(),
            new_event(
                Assigned(department="Public Works", queue="PWD-Streets"),
                actor=Actor(kind="service", id="routing"),
            ),
        ],
        expected_version=0,
    )
    for key, value in settings_env(settings).items():
        monkeypatch.setenv(key, value)

    result = await _invoke(["report", "--format", "csv"])

    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert any("Public Works" in row for row in rows), result.output


async def test_report_without_a_database_says_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    result = await _invoke(["report"])
    assert result.exit_code == 2
    assert "DATABASE_URL" in result.output


async def _invoke(args: list[str]):  # type: ignore[no-untyped-def]

    # The command runs its own event loop, so it runs in a thread beside the test's loop.
    return await asyncio.to_thread(CliRunner().invoke, app, args)


async def test_as_of_is_the_city_s_midnight_unless_an_offset_is_given(
    store: EventStore, settings: BackboneSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a request filed at 22:00 in Boston on 30 June (02:00 on 1 July in UTC)
    filed_at = datetime(2011, 7, 1, 2, 0, tzinfo=UTC)
    events = [
        replace(request_created(), occurred_at=filed_at),
        replace(
            new_event(
                Assigned(department="Public Works", queue="PWD-Streets"),
                actor=Actor(kind="service", id="routing"),
            ),
            occurred_at=filed_at + timedelta(minutes=1),
        ),
    ]
    await store.append(new_stream_id(), events, expected_version=0)
    await replayed(store, 1)  # past the horizon other workers' open transactions may hold back
    for key, value in settings_env(settings).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("CITY_TIME_ZONE", "America/New_York")

    async def departments(as_of: str) -> set[str]:
        result = await _invoke(["report", "--as-of", as_of, "--format", "json"])
        assert result.exit_code == 0, result.output
        return {row["group"] for row in json.loads(result.output)["by_department"]}

    # Then "as of 1 July" is Boston's midnight, after it; midnight UTC is before it
    assert "Public Works" in await departments("2011-07-01")
    assert "Public Works" not in await departments("2011-07-01T00:00:00+00:00")
    assert "Public Works" not in await departments("2011-06-30T21:59:00")
