"""The real exports of Boston's current case system and of New York City, imported as an analyst does.

Boston's current export carries the city's own on-time flag: every case we import must agree with it,
and `report` with the mapping's profile gives `compare`'s figures on the same store.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

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

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
BOSTON = DATA / "boston-311-2025-08_2026-02.csv"
NYC = DATA / "nyc-311-2023-02-28.csv"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (BOSTON.exists() and NYC.exists()), reason=f"the shared real data is not here: {DATA}"
    ),
]


def rejected_lines(output: str) -> list[str]:
    return re.findall(r"^  line \d+ case .*$", output, flags=re.MULTILINE)


async def test_boston_current_imports_once_and_agrees_with_the_citys_flags(
    settings: BackboneSettings, store: EventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    point_at(settings, monkeypatch)

    first = await civic311("import", "boston-current", str(BOSTON))
    again = await civic311("import", "boston-current", str(BOSTON))
    await replayed(store, 5463)
    comparison = await civic311("compare", "boston-current", str(BOSTON))
    print(f"\n{first.output}\n{comparison.output}")

    assert first.exit_code == 0, first.output
    assert "imported 5463 cases (15016 events), already there 0, rejected 10" in first.output
    # The ten refused rows have no request type (closed as "Call taker mistake" and the like).
    assert len(rejected_lines(first.output)) == 10
    assert all(line.endswith("service_name: empty") for line in rejected_lines(first.output))
    assert "imported 0 cases (0 events), already there 5463, rejected 10" in again.output
    # 5,463 of the file's 5,473 cases agree; the 10 others are the refused rows, not in the store.
    assert "cases: 5473, agreeing: 5463 (99.82%)" in comparison.output
    assert comparison.output.count("the case is not in the store") == 10

    # `report` following the city's conventions (the mapping's profile) judges what `compare` judges
    compared = await asyncio.to_thread(cli.comparison, settings, BOSTON, load_mapping("boston-current"))
    expected = compared_by_department(compared)
    assert await judged_by_department("--mapping", "boston-current") == expected
    assert sum(judged for judged, _ in expected.values()) >= 5000


async def test_nyc_imports_through_the_shipped_mapping(
    settings: BackboneSettings, store: EventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    point_at(settings, monkeypatch)

    first = await civic311("import", "csv", str(NYC), "--mapping", "nyc-311")
    again = await civic311("import", "csv", str(NYC), "--mapping", "nyc-311")
    print(f"\n{first.output}")

    assert first.exit_code == 0, first.output
    assert "imported 4997 cases (14411 events), already there 0, rejected 2" in first.output
    # Two rows close on New Year's Day or 1 February, before they were opened on 28 February.
    # Printed in the city's zone with the offset and the seconds.
    assert [line.split(": ", 1)[1].split(" (")[0] for line in rejected_lines(first.output)] == [
        "Closed Date: closed 2023-01-01 01:00:00-05:00 before opened 2023-02-28 23:45:00-05:00",
        "Closed Date: closed 2023-02-01 01:04:12-05:00 before opened 2023-02-28 23:44:59-05:00",
    ]
    assert "already there 4997" in again.output
    states = await replayed(store, 4997)
    assert len(states) == 4997
    duplicates = [s for s in states.values() if s.resolution == "duplicate"]
    closed = [s for s in states.values() if not s.is_open]
    # 313 resolution texts say duplicate (or an earlier complaint); 3 of those cases are not closed yet.
    assert (len(duplicates), len(closed)) == (310, 4417)
    assert {s.department for s in states.values()} >= {"HPD", "NYPD", "DOT", "DSNY"}
