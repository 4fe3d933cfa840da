"""What an analyst relies on beyond the import itself: `report` with the city's profile gives the
figures `compare` gives on the same store; a column written with a wrong offset is read in the zone
the mapping gives; duplicate wordings match in any case; sentinel dates mean no date; compare lists
every difference on request and writes them all; the dry run counts what the import then does."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path

import asyncpg
import pytest

from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from civic311_reporting.adapters.importing.mapping import load_mapping
from civic311_reporting.entrypoints import cli
from tests.reporting.analyst_cli import (
    civic311,
    compared_by_department,
    judged_by_department,
    point_at,
    replayed,
)
from tests.reporting.boston_export import case, write_export
from tests.reporting.test_mapped_import import MAPPING, ticket, write

CLASSIC = load_mapping("boston-classic")


def _boston_mix(folder: Path) -> Path:
    """Closed on time and late, open (judged at the export), untimed, a duplicate late on its own
    dates, one left unflagged by the city, one the city calls on time closed after its target, in two
    departments."""
    return write_export(
        folder / "boston.csv",
        [
            case("101000000001", closed_dt="2011-07-02 10:00:00", ontime="ONTIME", case_status="Closed"),
            case("101000000002", closed_dt="2011-07-09 10:00:00", ontime="OVERDUE", case_status="Closed"),
            case("101000000003", ontime="OVERDUE", case_status="Open"),
            case("101000000004", target_dt="", ontime="ONTIME", case_status="Open"),
            case(
                "101000000005",
                closed_dt="2011-07-08 10:00:00",
                closure_reason="Case Closed. Case Noted. DUPLICATE CRM 101000000002",
                ontime="OVERDUE",
                case_status="Closed",
            ),
            case("101000000006", closed_dt="2011-07-03 10:00:00", ontime="", case_status="Closed"),
            case("101000000008", closed_dt="2011-07-06 10:00:00", ontime="ONTIME", case_status="Closed"),
            case(
                "101000000007",
                department="PROP",
                queue="PROP_GRAF_GraffitiRemoval",
                type="Graffiti Removal",
                closed_dt="2011-07-20 10:00:00",
                ontime="OVERDUE",
                case_status="Closed",
            ),
        ],
    )


async def test_report_with_the_city_s_profile_gives_compare_s_figures_on_the_same_store(
    tmp_path: Path,
    settings: BackboneSettings,
    pool: asyncpg.Pool,
    store: EventStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given Boston's cases imported through the shipped mapping
    export = _boston_mix(tmp_path)
    point_at(settings, monkeypatch)
    imported = await civic311("import", "csv", str(export), "--mapping", "boston-classic")
    assert "imported 8 cases" in imported.output, imported.output
    await replayed(store, 8)
    assert CLASSIC.profile is not None
    profile = tmp_path / "profile.toml"
    profile.write_text(
        "\n".join(
            f'{key} = "{value}"'
            for key, value in CLASSIC.profile.model_dump(mode="json").items()
            if isinstance(value, str)
        )
    )
    # When compared, and reported with the mapping's profile and with the same profile as a file
    compared = await asyncio.to_thread(cli.comparison, settings, export, CLASSIC)
    by_mapping = await judged_by_department("--mapping", "boston-classic")
    by_profile = await judged_by_department("--profile", str(profile))
    plain = await judged_by_department()
    # Then the report's judged cases and on-time counts per department are compare's "all ours"
    expected = compared_by_department(compared)
    assert by_mapping == by_profile == expected == {"PWDx": (7, 3), "PROP": (1, 0)}
    # and civic311's own conventions (duplicates left out) differ, as they should
    assert plain["PWDx"][0] == 6


async def test_compare_lists_as_many_differences_as_asked_and_writes_them_all(
    tmp_path: Path,
    settings: BackboneSettings,
    pool: asyncpg.Pool,
    store: EventStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    export = _boston_mix(tmp_path)
    point_at(settings, monkeypatch)
    await civic311("import", "boston-classic", str(export))
    await replayed(store, 8)
    out = tmp_path / "differences.csv"
    one = await civic311("compare", "boston-classic", str(export), "--differences", "1")
    every = await civic311(
        "compare", "csv", str(export), "--mapping", "boston-classic", "--differences", "-1"
    )
    written = await civic311(
        "compare", "boston-classic", str(export), "--differences", "0", "--out", str(out)
    )
    # The case the city left unflagged and the one it calls on time though closed late
    assert "differing cases: 2" in every.output, every.output
    assert "differences (first 1 of 2):" in one.output
    assert "differences (first 2 of 2):" in every.output
    assert "differences (first" not in written.output
    assert f"wrote 2 differences to {out}" in written.output
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {(r["stream_id"], r["reason"], r["ours"], r["city"]) for r in rows} == {
        ("request-boston-101000000006", "unflagged", "ONTIME", ""),
        ("request-boston-101000000008", "closed", "OVERDUE", "ONTIME"),
    }
    assert all(r["department"] == "PWDx" and r["why"] for r in rows)


@pytest.mark.parametrize(
    "text",
    [
        "Case Closed. Case Resolved. duplicate case",
        "Case Noted. DUPLICATE CRM 101000000002",
        "Case Invalid. Duplicate Of Existing Case",
        "this is a duplicate of 42",
    ],
)
def test_duplicate_wordings_match_in_any_case(text: str) -> None:
    assert CLASSIC.resolution_of(text) == "duplicate"


def test_a_resolution_that_only_mentions_a_case_is_not_a_duplicate() -> None:
    assert CLASSIC.resolution_of("Case Closed. Case Resolved. fixed the light") == "resolved"


async def test_duplicate_wordings_are_imported_as_duplicates(
    tmp_path: Path,
    settings: BackboneSettings,
    pool: asyncpg.Pool,
    store: EventStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    export = _boston_mix(tmp_path)
    point_at(settings, monkeypatch)
    await civic311("import", "boston-classic", str(export))
    states = await replayed(store, 8)
    assert states["request-boston-101000000005"].resolution == "duplicate"
    assert states["request-boston-101000000002"].resolution == "resolved"


ISO = MAPPING.replace('time_format = "%d/%m/%Y %H:%M"', 'time_format = "iso"')


async def test_a_column_written_with_a_wrong_offset_is_read_in_the_zone_the_mapping_gives(
    tmp_path: Path,
    settings: BackboneSettings,
    pool: asyncpg.Pool,
    store: EventStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given opens written "+00:00" that are Chicago's wall clock, and targets written correctly
    export, mapping = write(
        tmp_path,
        [ticket("Z-1", Opened="2024-07-01T09:00:00+00:00", Due="2024-07-03T14:00:00+00:00")],
        ISO.replace("[columns]", '[column_time_zones]\nOpened = "America/Chicago"\n\n[columns]'),
    )
    point_at(settings, monkeypatch)
    await civic311("import", "csv", str(export), "--mapping", str(mapping))
    state = (await replayed(store, 1))["request-springfield-Z-1"]
    # Then the open is 09:00 in Chicago (14:00 UTC), the target as written
    assert state.created_at is not None and state.due_at is not None
    assert state.created_at.isoformat() == "2024-07-01T14:00:00+00:00"
    assert state.due_at.isoformat() == "2024-07-03T14:00:00+00:00"


async def test_sentinel_dates_and_missing_values_mean_no_date(
    tmp_path: Path,
    settings: BackboneSettings,
    pool: asyncpg.Pool,
    store: EventStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    export, mapping = write(
        tmp_path,
        [
            ticket("S-1", Closed="01/01/1900 00:00", State="Done"),
            ticket("S-2", Due="01/01/1900 00:00"),
            ticket("S-3", Due="N/A", Dept="N/A"),
        ],
        MAPPING.replace(
            'closed_statuses = ["Done"]',
            'closed_statuses = ["Done"]\nmissing_times = ["01/01/1900 00:00"]\nmissing_values = ["N/A"]\n'
            'default_department = "Streets"',
        ),
    )
    point_at(settings, monkeypatch)
    imported = await civic311("import", "csv", str(export), "--mapping", str(mapping))
    assert "imported 3 cases" in imported.output and "rejected 0" in imported.output, imported.output
    states = await replayed(store, 3)
    never_closed, untimed, blank = (states[f"request-springfield-S-{n}"] for n in (1, 2, 3))
    assert never_closed.closed_at is None and never_closed.due_at is not None
    assert untimed.due_at is None
    assert blank.due_at is None and blank.department == "Streets"


def test_the_dry_run_counts_what_the_import_does(
    tmp_path: Path, settings: BackboneSettings, pool: asyncpg.Pool
) -> None:
    export, mapping_file = write(
        tmp_path,
        [
            ticket("D-1"),
            ticket("D-2", Kind=""),
            ticket("D-3", Opened="yesterday"),
            ticket("D-4", Lat="91"),
            ticket("D-5", Closed="30/06/2024 09:00", State="Done"),
            ticket("D-6", Opened="01/07/2024 09:01", Closed="01/07/2024 09:00", State="Done"),
            ticket("D-7", Outcome="Same as D-1", Closed="02/07/2024 09:00", State="Done"),
            ticket(""),
        ],
        MAPPING.replace('closed_statuses = ["Done"]', 'closed_statuses = ["Done"]\nclock_skew_seconds = 90'),
    )
    mapping = load_mapping(mapping_file)
    checked = cli.check(export, mapping)
    imported = cli.import_mapped(settings, export, mapping)
    assert checked.cases == imported.imported == 3
    assert [(r.line, r.column) for r in checked.rejected] == [(r.line, r.column) for r in imported.rejected]
    assert len(checked.rejected) == 5
    assert checked.skewed == imported.skewed == 1
    assert checked.duplicates == 1
