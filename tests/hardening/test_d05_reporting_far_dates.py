"""Defect 5: a far date (9999-12-31) made reporting raise OverflowError, a 500 in plain text. Every page
and table answers a far or early date as a selection like any other (nothing falls outside the years)."""

from __future__ import annotations

from pathlib import Path

from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from tests.reporting.city import Request, store_requests
from tests.reporting.reporting_process import reporting_client


async def test_far_and_early_dates_answer_every_table(
    settings: BackboneSettings, store: EventStore, tmp_path: Path
) -> None:
    stored = await store_requests(store, [Request("Public Works"), Request("Parks", closed=1)])
    async with reporting_client(settings, tmp_path, seen=stored.position) as client:
        tables = [t["json"] for t in (await client.get("/api/reports")).json()]
        tables += [t.replace(".json", ".csv") for t in tables]
        for query in (
            {"to": "9999-12-31"},
            {"from": "9999-12-31"},
            {"from": "0001-01-01"},
            {"from": "0001-01-01", "to": "9999-12-31"},
            {"from": "9999-12-31", "to": "9999-12-31"},
            {"to": "0001-01-01"},
        ):
            for path in ["/dashboard", *tables]:
                answer = await client.get(path, params=query)
                assert answer.status_code in (200, 400), (path, query, answer.status_code, answer.text[:300])
                if answer.status_code == 400 and path.startswith("/api/"):
                    assert answer.json()["field"] in ("from", "to")
        everything = await client.get(tables[0], params={"to": "9999-12-31"})
        assert everything.status_code == 200
        assert everything.json()["rows"], everything.text
