"""Importing Boston's classic export: each row a stream of events, idempotent, refused rows reported."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from civic311_backbone.store import EventStore
from civic311_reporting.adapters.importing.files import ExportFile
from civic311_reporting.adapters.importing.mapped import read_cases
from civic311_reporting.adapters.importing.mapping import load_mapping
from civic311_reporting.application.importing import import_cases
from civic311_reporting.application.replay import replay_states
from tests.reporting.boston_export import case, write_export

CLASSIC = load_mapping("boston-classic")


async def test_each_row_becomes_a_stream_and_a_second_import_adds_nothing(
    tmp_path: Path, pool: asyncpg.Pool, store: EventStore
) -> None:
    export = write_export(
        tmp_path / "export.csv",
        [
            case("101000000001", closed_dt="2011-07-02 10:00:00", closure_reason="Case Closed Case Resolved"),
            case(
                "101000000002",
                closed_dt="2011-07-03 10:00:00",
                closure_reason="Case Closed Duplicate of Existing Case ",
            ),
            case("101000000003", target_dt=""),
            case("101000000004", open_dt="not a date"),
            case("101000000005", latitude="142.0"),
        ],
    )

    first = await import_cases(pool, store, read_cases(ExportFile(export), CLASSIC), batch_size=2, writers=2)
    second = await import_cases(pool, store, read_cases(ExportFile(export), CLASSIC), batch_size=2, writers=2)

    assert (first.imported, first.events, first.already_there) == (3, 8, 0)
    assert [(r.line, r.case_id) for r in first.rejected] == [(5, "101000000004"), (6, "101000000005")]
    assert first.rejected[0].reason == "open_dt: not a time: 'not a date' (expected iso)"
    assert first.rejected[1].reason == "latitude: 142.0 is outside -90..90"
    assert (second.imported, second.events, second.already_there) == (0, 0, 3)
    states = await replay_states(store)
    assert len(states) == 3
    resolved, duplicate, untimed = (states[f"request-boston-10100000000{n}"] for n in (1, 2, 3))
    assert resolved.created_at == datetime(2011, 7, 1, 13, 0, tzinfo=UTC)  # 09:00 in Boston, summer time
    assert (resolved.department, resolved.channel, resolved.resolution) == ("PWDx", "phone", "resolved")
    assert resolved.due_at == datetime(2011, 7, 5, 13, 0, tzinfo=UTC)
    assert duplicate.resolution == "duplicate"
    assert (untimed.due_at, untimed.is_open) == (None, True)
