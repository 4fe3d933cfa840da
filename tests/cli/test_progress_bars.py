"""Long analyst runs draw progress bars on stderr: when asked (or on a terminal), never in the output."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from tests.reporting.analyst_cli import civic311, point_at, replayed
from tests.reporting.boston_export import case, write_export


@pytest.fixture
def export(
    tmp_path: Path, settings: BackboneSettings, pool: asyncpg.Pool, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A small export, and the commands pointed at the test's schema (`pool` drops it afterwards)."""
    point_at(settings, monkeypatch)
    return write_export(
        tmp_path / "export.csv",
        [case(f"1010000000{n:02}", closed_dt="2011-07-02 10:00:00", ontime="ONTIME") for n in range(30)],
    )


async def test_asked_for_bars_show_the_import_the_replay_and_the_comparison_on_stderr(
    export: Path, store: EventStore
) -> None:
    imported = await civic311("import", "boston-classic", str(export), "--progress")
    await replayed(store, 30)
    reported = await civic311("report", "--as-of", "2011-08-01", "--format", "csv", "--progress")
    compared = await civic311("compare", "boston-classic", str(export), "--progress")

    assert imported.exit_code == 0, imported.output
    assert "importing" in imported.stderr
    assert "imported 30 cases" in imported.stdout
    assert "replaying events" in reported.stderr
    assert "90/90" in reported.stderr  # every event of the 30 cases folded
    assert reported.stdout.startswith("by,group,requests")  # the CSV itself has no bar in it
    assert "replaying events" in compared.stderr
    assert "agreeing: 30 (100.00%)" in compared.stdout


async def test_no_bars_when_stderr_is_not_a_terminal_or_when_refused(export: Path) -> None:
    quiet = await civic311("import", "boston-classic", str(export))
    refused = await civic311("report", "--no-progress")

    assert (quiet.exit_code, refused.exit_code) == (0, 0)
    assert "importing" not in quiet.stderr
    assert "replaying" not in refused.stderr
