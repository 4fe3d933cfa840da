"""The real Boston 2011 export: import, replay, agree with the city's own ONTIME/OVERDUE flags, and
`report` with the mapping's profile gives `compare`'s figures on the same store."""

from __future__ import annotations

import time
from pathlib import Path

import asyncpg
import pytest

from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from civic311_reporting.adapters.importing.files import ExportFile
from civic311_reporting.adapters.importing.mapped import read_cases
from civic311_reporting.adapters.importing.mapping import load_mapping
from civic311_reporting.application.comparing import compare_export
from civic311_reporting.application.importing import import_cases
from civic311_reporting.domain.comparison import describe
from tests.reporting.analyst_cli import civic311, compared_by_department, judged_by_department, point_at
from tests.reporting.test_export import cases_read

EXPORT = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "boston-311-2011H2.csv.gz"

CLASSIC = load_mapping("boston-classic")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not EXPORT.exists(), reason=f"the shared real data is not here: {EXPORT}"),
]


async def test_our_verdicts_agree_with_the_citys_flags(
    pool: asyncpg.Pool,
    store: EventStore,
    settings: BackboneSettings,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    started = time.perf_counter()
    result = await import_cases(pool, store, read_cases(ExportFile(EXPORT), CLASSIC))
    imported_in = time.perf_counter() - started

    comparison = await compare_export(store, ExportFile(EXPORT), CLASSIC)
    print(f"\nimported {result.imported} cases, {result.events} events in {imported_in:.1f}s")
    print(describe(comparison))

    assert (result.imported, len(result.rejected)) == (58_251, 0)
    assert round(100 * comparison.agreement, 2) == 99.73
    assert comparison.by_reason == {"unflagged": 158}
    assert all(abs(d.delta_pp) <= 0.5 for d in comparison.departments.values())
    again = await import_cases(pool, store, read_cases(ExportFile(EXPORT), CLASSIC))
    assert (again.imported, again.already_there) == (0, 58_251)

    # `report` following the city's conventions (the mapping's profile) judges what `compare` judges
    point_at(settings, monkeypatch)
    expected = compared_by_department(comparison)
    assert await judged_by_department("--mapping", "boston-classic") == expected
    assert sum(judged for judged, _ in expected.values()) >= 50_000
    # and civic311's own conventions (duplicates left out, open cases judged now) give other figures
    assert await judged_by_department() != expected

    # `export` through the same mapping writes a file that reads back to the same 58,251 cases
    out = tmp_path / "boston-2011-again.csv.gz"
    exported = await civic311("export", str(out), "--mapping", "boston-classic")
    assert exported.exit_code == 0, exported.output
    assert cases_read(out) == cases_read(EXPORT)
