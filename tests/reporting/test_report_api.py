"""Every dashboard table as JSON and CSV from the running reporting process, with the same filters."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

from nats.aio.client import Client as NatsClient

from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from tests.reporting.city import NOW, Request, store_requests
from tests.reporting.reporting_process import reporting_client, row_of

# Public Works: one closed on time, one open past its due time, one open and not yet due, one late.
PUBLIC_WORKS = [
    Request("Public Works", "POTHOLE", created=10, due_after=2, closed=9, district="North"),
    Request("Public Works", "POTHOLE", created=5, due_after=2, district="East", channel="phone"),
    Request("Public Works", "STREETLIGHT", created=1, due_after=3, district="North"),
    Request("Public Works", "STREETLIGHT", created=20, due_after=1, closed=15, district="West"),
]
# Parks: one closed on time with its cost, and one duplicate of it. Routing gave them no district;
# their point lies in the East district's outline.
PARKS = [
    Request("Parks", "TREE_DAMAGE", 3, 5, closed=2, district=None, labour_hours=2.5, materials=40),
    Request("Parks", "TREE_DAMAGE", 3, 5, closed=2.9, resolution="duplicate", district=None),
]


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


async def test_sla_by_department_counts_open_overdue_and_on_time_alike_in_json_and_csv(
    store: EventStore, nats_client: NatsClient, settings: BackboneSettings, tmp_path: Path
) -> None:
    stored = await store_requests(store, PUBLIC_WORKS + PARKS)

    async with reporting_client(settings, tmp_path, seen=stored.position) as client:
        as_json = await client.get("/api/reports/sla-by-department.json")
        as_csv = await client.get("/api/reports/sla-by-department.csv")

    assert as_json.status_code == as_csv.status_code == 200
    document = as_json.json()
    works, parks = row_of(document, "department", "Public Works"), row_of(document, "department", "Parks")
    assert (works["requests"], works["open"], works["overdue"], works["judged"], works["on_time"]) == (
        4,
        2,
        1,
        4,
        2,
    )
    assert (works["on_time_pct"], works["median_hours_to_close"], works["p90_hours_to_close"]) == (
        50.0,
        24.0,
        120.0,
    )
    # The duplicate counts as a request but is left out of the on-time figures, and the notes say so.
    assert (parks["requests"], parks["judged"], parks["on_time"], parks["on_time_pct"]) == (2, 1, 1, 100.0)
    assert "1 duplicate requests are excluded from on-time figures" in document["notes"]
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert (
        as_csv.headers["content-disposition"]
        == f'attachment; filename="sla-by-department_{NOW:%Y-%m-%d}.csv"'
    )
    rows = csv_rows(as_csv.text)
    assert list(rows[0]) == document["columns"]
    assert {r["department"]: (r["requests"], r["open"], r["overdue"], r["on_time_pct"]) for r in rows} == {
        "Parks": ("2", "0", "0", "100.0"),
        "Public Works": ("4", "2", "1", "50.0"),
    }


async def test_filters_by_department_type_district_and_period_change_the_figures(
    store: EventStore, nats_client: NatsClient, settings: BackboneSettings, tmp_path: Path
) -> None:
    stored = await store_requests(store, PUBLIC_WORKS + PARKS)
    since = (NOW - timedelta(days=6)).date().isoformat()

    async with reporting_client(settings, tmp_path, seen=stored.position) as client:

        async def by_type(**filters: str) -> dict:  # type: ignore[type-arg]
            response = await client.get("/api/reports/sla-by-type.json", params=filters)
            assert response.status_code == 200, response.text
            return response.json()  # type: ignore[no-any-return]

        parks_only = await by_type(department="Parks")
        potholes = await by_type(type="POTHOLE")
        north = await by_type(district="North")
        east = await by_type(district="East")
        recent = await by_type(**{"from": since})
        recent_costs = await client.get("/api/reports/costs-by-department.csv", params={"from": since})

    assert [(r["type"], r["requests"], r["judged"]) for r in parks_only["rows"]] == [("TREE_DAMAGE", 2, 1)]
    assert parks_only["filters"] == {"department": "Parks"}
    assert [(r["type"], r["requests"], r["open"], r["overdue"]) for r in potholes["rows"]] == [
        ("POTHOLE", 2, 1, 1)
    ]
    assert {r["type"]: r["requests"] for r in north["rows"]} == {"POTHOLE": 1, "STREETLIGHT": 1}
    assert {r["type"]: r["requests"] for r in east["rows"]} == {"POTHOLE": 1, "TREE_DAMAGE": 2}
    # Created in the last six days: the pothole 5 days ago, the streetlight 1 day ago, the two Parks ones.
    assert {r["type"]: r["requests"] for r in recent["rows"]} == {
        "POTHOLE": 1,
        "STREETLIGHT": 1,
        "TREE_DAMAGE": 2,
    }
    assert csv_rows(recent_costs.text) == [
        {"department": "Parks", "labour_hours": "2.5", "materials": "40.0"},
        {"department": "Public Works", "labour_hours": "0.0", "materials": "0.0"},
    ]


async def test_a_filter_that_cannot_be_used_is_refused_naming_the_field(
    store: EventStore, nats_client: NatsClient, settings: BackboneSettings, tmp_path: Path
) -> None:
    stored = await store_requests(store, PARKS)

    async with reporting_client(settings, tmp_path, seen=stored.position) as client:
        bad_day = await client.get("/api/reports/weekly.json", params={"from": "2026-02-30"})
        backwards = await client.get(
            "/api/reports/ageing.csv", params={"from": "2026-03-10", "to": "2026-03-01"}
        )
        page = await client.get("/dashboard", params={"to": "last tuesday"})
        unknown = await client.get("/api/reports/no-such-table.json")

    assert bad_day.status_code == backwards.status_code == page.status_code == 400
    assert bad_day.json() == {
        "error": "invalid filter",
        "field": "from",
        "why": "'2026-02-30' is not a date (YYYY-MM-DD)",
    }
    assert (backwards.json()["field"], backwards.json()["why"]) == (
        "to",
        "2026-03-01 is before from (2026-03-10)",
    )
    assert page.headers["content-type"].startswith("text/html")
    assert "<strong>to</strong>: &#39;last tuesday&#39; is not a date (YYYY-MM-DD)" in page.text
    assert unknown.status_code == 404


async def test_every_table_is_in_the_openapi_document_and_answers_in_json_and_csv(
    store: EventStore, nats_client: NatsClient, settings: BackboneSettings, tmp_path: Path
) -> None:
    stored = await store_requests(store, PUBLIC_WORKS + PARKS)

    async with reporting_client(settings, tmp_path, seen=stored.position) as client:
        listed = (await client.get("/api/reports")).json()
        paths = (await client.get("/openapi.json")).json()["paths"]
        answers = {t["table"]: (await client.get(t["json"]), await client.get(t["csv"])) for t in listed}

    names = {t["table"] for t in listed}
    assert {"sla-by-department", "sla-by-type", "ageing", "weekly", "channels", "hotspots"} <= names
    assert {"costs-by-department", "costs-by-type", "sla-by-district", "sla-by-department-and-type"} <= names
    for name, (as_json, as_csv) in answers.items():
        assert f"/api/reports/{name}.json" in paths and f"/api/reports/{name}.csv" in paths
        assert as_json.status_code == as_csv.status_code == 200
        rows = csv_rows(as_csv.text)
        assert len(rows) == len(as_json.json()["rows"]) > 0, name
        assert list(rows[0]) == as_json.json()["columns"]
    channels = answers["channels"][0].json()["rows"]
    assert {r["channel"]: r["requests"] for r in channels} == {"web": 5, "phone": 1}
    ageing = {r["age"]: r["open_requests"] for r in answers["ageing"][0].json()["rows"]}
    assert (ageing["1-3d"], ageing["3-7d"]) == (1, 1)
    hotspots = answers["hotspots"][0].json()["rows"]
    assert sum(r["requests"] for r in hotspots) == 6
    assert {r["district"] for r in hotspots} >= {"North", "East", "West"}
