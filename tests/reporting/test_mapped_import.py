"""`civic311 import csv FILE --mapping M`: any city's export through a column mapping, as an analyst runs it."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from tests.reporting.analyst_cli import civic311, point_at, replayed

MAPPING = """
name = "springfield"
time_format = "%d/%m/%Y %H:%M"
time_zone = "America/Chicago"
closed_statuses = ["Done"]

[columns]
case_id = "Ticket"
opened_at = "Opened"
closed_at = "Closed"
due_at = "Due"
service_code = "Kind"
department = "Dept"
lat = "Lat"
long = "Lon"
status = "State"
channel = "Via"
resolution = "Outcome"

[channels]
App = "open311"

[resolutions]
"same as" = "duplicate"
"""
COLUMNS = ["Ticket", "Opened", "Closed", "Due", "Kind", "Dept", "Lat", "Lon", "State", "Via", "Outcome"]


def ticket(number: str, **cells: str) -> dict[str, str]:
    base = {
        "Ticket": number,
        "Opened": "01/07/2024 09:00",
        "Due": "03/07/2024 09:00",
        "Kind": "Pothole",
        "Dept": "Streets",
        "Lat": "39.78",
        "Lon": "-89.65",
        "State": "Open",
        "Via": "App",
    }
    return base | cells


def write(folder: Path, rows: list[dict[str, str]], mapping: str = MAPPING) -> tuple[Path, Path]:
    export, mapping_file = folder / "springfield.csv", folder / "springfield.toml"
    with export.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS, restval="")
        writer.writeheader()
        writer.writerows(rows)
    mapping_file.write_text(mapping)
    return export, mapping_file


async def test_rows_become_streams_refused_rows_say_line_column_and_why_and_twice_adds_nothing(
    tmp_path: Path, settings: BackboneSettings, store: EventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    export, mapping = write(
        tmp_path,
        [
            ticket("S-1", Closed="02/07/2024 10:30", State="Done", Outcome="Fixed"),
            ticket("S-2", Closed="02/07/2024 10:30", State="Done", Outcome="Same as S-1"),
            ticket("S-3", Closed="02/07/2024 10:30", State="Open", Dept="", Via="Phone"),
            ticket("S-4", Opened="July 1st"),
            ticket("S-5", Closed="30/06/2024 08:00", State="Done"),
            ticket("S-6", Kind=""),
            ticket("S-7", Lat="91.5"),
            ticket(""),
        ],
    )
    point_at(settings, monkeypatch)

    first = await civic311("import", "csv", str(export), "--mapping", str(mapping))
    second = await civic311("import", "csv", str(export), "--mapping", str(mapping))

    assert first.exit_code == 0, first.output
    assert "imported 3 cases (7 events), already there 0, rejected 5" in first.output
    assert "line 5 case S-4: Opened: not a time: 'July 1st' (expected %d/%m/%Y %H:%M)" in first.output
    assert (
        "line 6 case S-5: Closed: closed 2024-06-30 08:00:00-05:00 before opened 2024-07-01 09:00:00-05:00"
        in first.output
    )
    assert "line 7 case S-6: Kind: empty" in first.output
    assert "line 8 case S-7: Lat: 91.5 is outside -90..90" in first.output
    assert "line 9 case -: Ticket: empty" in first.output
    assert "imported 0 cases (0 events), already there 3, rejected 5" in second.output
    states = await replayed(store, 3)
    fixed, duplicate, unassigned = (states[f"request-springfield-S-{n}"] for n in (1, 2, 3))
    assert fixed.created_at == datetime(2024, 7, 1, 14, 0, tzinfo=UTC)  # 09:00 in Springfield, summer time
    assert (fixed.department, fixed.queue, fixed.channel) == ("Streets", "Streets", "open311")
    assert (fixed.due_at, fixed.closed_at) == (
        datetime(2024, 7, 3, 14, tzinfo=UTC),
        datetime(2024, 7, 2, 15, 30, tzinfo=UTC),
    )
    assert (fixed.resolution, duplicate.resolution) == ("resolved", "duplicate")
    # Not "Done": the closing time is not a closure. No department: unassigned, hence no target time.
    assert (unassigned.is_open, unassigned.department, unassigned.due_at, unassigned.channel) == (
        True,
        None,
        None,
        "import",
    )


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (('case_id = "Ticket"\n', ""), "columns.case_id: Field required"),
        (
            ("[columns]\n", '[columns]\nopend_at = "Opened"\n'),
            "columns.opend_at: Extra inputs are not permitted",
        ),
        (
            ('time_zone = "America/Chicago"', 'time_zone = "Springfield/Illinois"'),
            "time_zone: Value error, unknown time zone",
        ),
        (('App = "open311"', 'App = "carrier pigeon"'), "channels.App: Input should be"),
        (
            ('opened_at = "Opened"', 'opened_at = "Opened On"'),
            "columns.opened_at: no column 'Opened On' in springfield.csv",
        ),
        (("[columns]", "[columns"), "not valid TOML"),
    ],
)
async def test_a_bad_mapping_is_refused_naming_the_key_and_nothing_is_imported(
    change: tuple[str, str],
    named: str,
    tmp_path: Path,
    settings: BackboneSettings,
    pool: asyncpg.Pool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    export, mapping = write(tmp_path, [ticket("S-1")], MAPPING.replace(*change))
    point_at(settings, monkeypatch)

    result = await civic311("import", "csv", str(export), "--mapping", str(mapping))

    assert result.exit_code == 2
    assert "error: bad mapping:" in result.output
    assert named in result.output
    assert await pool.fetchval("SELECT count(*) FROM events") == 0


async def test_a_mapping_that_is_neither_a_file_nor_shipped_lists_the_shipped_ones(
    tmp_path: Path, settings: BackboneSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    export, _ = write(tmp_path, [ticket("S-1")])
    point_at(settings, monkeypatch)

    result = await civic311("import", "csv", str(export), "--mapping", "springfeld")

    assert result.exit_code == 2
    assert (
        "no mapping file 'springfeld' (or give one shipped: boston-classic, boston-current, nyc-311)"
        in result.output
    )


async def test_quirks_skewed_closes_kept_and_counted_zero_coordinates_missing_and_dry_run_counts_equal(
    tmp_path: Path,
    settings: BackboneSettings,
    pool: asyncpg.Pool,
    store: EventStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a close 30 s before its open (clock skew), a point at 0,0 and a close a day early
    export, mapping = write(
        tmp_path,
        [
            ticket("Q-1", Opened="01/07/2024 09:00", Closed="01/07/2024 08:59", State="Done"),
            ticket("Q-2", Lat="0", Lon="0"),
            ticket("Q-3", Closed="30/06/2024 09:00", State="Done"),
        ],
        MAPPING.replace('closed_statuses = ["Done"]', 'closed_statuses = ["done"]\nclock_skew_seconds = 90'),
    )
    point_at(settings, monkeypatch)
    # When checked (a dry run), then imported
    checked = await civic311("mapping", "check", str(export), "--mapping", str(mapping))
    imported = await civic311("import", "csv", str(export), "--mapping", str(mapping))
    # Then the dry run's counts are the import's, the skewed close is kept at the open, 0,0 is no place
    assert "would import 2 cases, refuse 1; 1 with a close a little before the open (kept)" in checked.output
    assert "imported 2 cases" in imported.output and "rejected 1" in imported.output
    assert "(clock skew, kept and closed at the open): 1" in imported.output
    states = await replayed(store, 2)
    skewed, nowhere = states["request-springfield-Q-1"], states["request-springfield-Q-2"]
    assert skewed.closed_at == skewed.created_at
    assert (nowhere.lat, nowhere.long) == (None, None)
