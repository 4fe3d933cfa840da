"""`civic311 export FILE --mapping M` writes the store's requests in the layout the mapping reads: the
file reads back, through the same mapping, to the same cases (times, types, departments, targets,
closings and resolutions), and what residents wrote stays out of it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from civic311_reporting.adapters.importing.cases import ImportedCase
from civic311_reporting.adapters.importing.files import ExportFile
from civic311_reporting.adapters.importing.mapped import read_cases
from civic311_reporting.adapters.importing.mapping import load_mapping
from tests.reporting.analyst_cli import civic311, point_at, replayed
from tests.reporting.boston_export import case, write_export

CLASSIC = load_mapping("boston-classic")
KEPT = ("service_code", "channel", "department", "queue", "due_at", "resolution")


def cases_read(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Each case's events as the mapping reads them: type, when, and the facts an export carries."""
    read: dict[str, list[tuple[Any, ...]]] = {}
    for found in read_cases(ExportFile(path), CLASSIC):
        assert isinstance(found, ImportedCase), found
        facts = []
        for event in found.events:
            payload = json.loads(event.payload)
            place = payload.get("location") or {}
            kept = {k: payload[k] for k in KEPT if k in payload}
            facts.append((event.event_type, event.occurred_at, kept, place.get("lat"), place.get("long")))
        read[found.stream_id] = facts
    return read


@pytest.mark.parametrize("name", ["export.csv", "export.csv.gz"])
async def test_an_export_reads_back_through_its_mapping_to_the_same_cases(
    name: str, tmp_path: Path, settings: BackboneSettings, store: EventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given cases of every kind imported through the shipped mapping
    original = write_export(
        tmp_path / "boston.csv",
        [
            case("101000000001", closed_dt="2011-07-02 10:00:00", case_status="Closed", ontime="ONTIME"),
            case("101000000002", case_status="Open", case_title="Light out at 12 Elm St, call Ana 617"),
            case(
                "101000000003",
                closed_dt="2011-11-06 01:30:00",  # the hour the clocks go back: which 01:30 counts
                open_dt="2011-11-05 08:00:00",
                target_dt="2011-11-07 08:30:00",
                closure_reason="Case Closed. Case Noted. Duplicate of Existing Case",
                case_status="Closed",
            ),
            case("101000000004", target_dt="", source="Self Service", case_status="Open"),
            case(
                "101000000005",
                department="PROP",
                queue="PROP_GRAF_GraffitiRemoval",
                type="Graffiti Removal",
                latitude="",
                longitude="",
                source="Citizens Connect App",
                closed_dt="2011-07-20 10:00:00",
                case_status="Closed",
            ),
        ],
    )
    point_at(settings, monkeypatch)
    imported = await civic311("import", "csv", str(original), "--mapping", "boston-classic")
    assert "imported 5 cases" in imported.output, imported.output
    await replayed(store, 5)

    # When the analyst exports the store in the same layout
    out = tmp_path / name
    exported = await civic311("export", str(out), "--mapping", "boston-classic")

    # Then it reads back to the same cases, and a dry run takes every row
    assert exported.exit_code == 0, exported.output
    assert f"wrote 5 requests to {out}" in exported.output
    assert ExportFile(out).gzipped == name.endswith(".gz")
    assert cases_read(out) == cases_read(original)
    checked = await civic311("mapping", "check", str(out), "--mapping", "boston-classic")
    assert checked.exit_code == 0, checked.output
    assert "would import 5 cases, refuse 0;" in checked.output, checked.output
    # What the resident wrote is not in it
    text = ExportFile(out)
    rows = [row for _, row in text.rows()]
    assert all(row["case_title"] == "" and row["location"] == "" for row in rows)


async def test_a_file_that_cannot_be_written_is_one_line(
    tmp_path: Path, settings: BackboneSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    point_at(settings, monkeypatch)
    result = await civic311("export", str(tmp_path / "missing" / "out.csv"), "--mapping", "boston-classic")
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "out.csv" in result.output
    assert "Traceback" not in result.output
