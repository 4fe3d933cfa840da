"""The analysts' functions behind `civic311`: import a file, then a report as of an instant."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from civic311_backbone.settings import BackboneSettings
from civic311_reporting.adapters.importing.mapping import load_mapping
from civic311_reporting.entrypoints import cli
from tests.reporting.boston_export import case, write_export


def test_import_then_report_as_of_an_instant_in_every_format(
    tmp_path: Path, settings: BackboneSettings, pool: asyncpg.Pool
) -> None:
    export = write_export(
        tmp_path / "export.csv",
        [
            case("101000000001", closed_dt="2011-07-02 10:00:00"),  # on time
            case("101000000002", closed_dt="2011-07-09 10:00:00"),  # late
            case("101000000003", open_dt="2011-07-20 09:00:00", target_dt="2011-07-25 09:00:00"),
        ],
    )

    imported = cli.import_mapped(settings, export, load_mapping("boston-classic"))
    as_of = datetime(2011, 7, 6, tzinfo=UTC)
    table = cli.report(settings, as_of=as_of, fmt="table")
    rows = list(csv.DictReader(io.StringIO(cli.report(settings, as_of=as_of, fmt="csv"))))
    document = json.loads(cli.report(settings, as_of=as_of, fmt="json"))

    assert imported.imported == 3
    assert "SLA report as of 2011-07-06T00:00:00+00:00" in table
    assert "0 duplicate requests are excluded from on-time figures" in table
    department = next(r for r in rows if r["by"] == "department")
    # As of 6 July: the third case does not exist yet, the second is open and overdue.
    assert (department["group"], department["requests"], department["open"], department["overdue"]) == (
        "PWDx",
        "2",
        "1",
        "1",
    )
    assert document["by_department"][0]["on_time_pct"] == 50.0
