"""NOLA's "resolved without a Service Request" as a figure: agents log information calls through the
gateway's desk API, other callers' requests are filed by phone, and the dashboard and its API show the
calls resolved without a request, overall and per topic, with the counts beside the share: from the
start-up replay of the store, then live from the bus."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import asyncpg
import httpx

from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from civic311_backbone.testing.plugin import settings_env
from tests.intake.desk_support import RunningDesk
from tests.reporting.reporting_process import reporting_client, row_of
from tests.support.processes import ServiceProcess, gateway_client
from tests.support.waiting import eventually

HOLIDAYS = {
    "title": "Trash and recycling collection on holidays",
    "body": "When a holiday falls on a weekday, pickup is one day later for the rest of that week.",
    "service_codes": ["MISSED_TRASH", "MISSED_RECYCLING"],
}
POTHOLE = {"service_code": "POTHOLE", "address_string": "12 Elm St", "attributes": {"SIZE": "medium"}}
MISSED = {
    "service_code": "MISSED_TRASH",
    "address_string": "40 Oak St",
    "attributes": {"SET_OUT_TIME": "2026-03-02T07:00:00-05:00", "ITEMS": ["trash"]},
}


@asynccontextmanager
async def gateway_and_relay(
    settings: BackboneSettings, pool: asyncpg.Pool, store: EventStore, log_dir: Path
) -> AsyncIterator[RunningDesk]:
    """The gateway (its desk API) and the relay that brings its events to the bus, as processes."""
    env = settings_env(settings)
    relay = ServiceProcess("civic311_backbone.relay", env, log_dir).start()
    try:
        async with gateway_client(env, log_dir) as client:
            await relay.wait_ready(timeout=60)
            yield RunningDesk(client=client, store=store, pool=pool)
    finally:
        relay.stop()


async def log_call(desk: RunningDesk, agent: dict[str, str], **call: Any) -> dict[str, Any]:
    logged = await desk.client.post("/api/staff/information-calls", headers=agent, json=call)
    assert logged.status_code in (200, 201), logged.text
    answer: dict[str, Any] = logged.json()
    return answer


async def file_request(
    desk: RunningDesk, agent: dict[str, str], channel: str, request: dict[str, Any]
) -> None:
    filed = await desk.client.post("/api/staff/requests", headers=agent, json=request | {"channel": channel})
    assert filed.status_code == 201, filed.text


async def report(client: httpx.AsyncClient, table: str, **filters: str) -> dict[str, Any]:
    answer = await client.get(f"/api/reports/{table}.json", params=filters)
    assert answer.status_code == 200, answer.text
    document: dict[str, Any] = answer.json()
    return document


def counts(row: dict[str, Any]) -> tuple[int, int, float | None]:
    return row["information_calls"], row["requests_filed"], row["share_pct"]


async def test_the_dashboard_shows_the_calls_resolved_without_a_request(
    settings: BackboneSettings, pool: asyncpg.Pool, store: EventStore, tmp_path: Path
) -> None:
    async with gateway_and_relay(settings, pool, store, tmp_path) as desk:
        admin, agent = await desk.staff("admin"), await desk.staff("agent")
        written = await desk.client.put(
            "/api/staff/answers/holiday-collection/en", headers=admin, json=HOLIDAYS | {"expected_version": 0}
        )
        assert written.status_code == 200, written.text
        await desk.client.put("/api/staff/answers/holiday-collection/es", headers=admin, json=HOLIDAYS)

        holiday = {"answer_slug": "holiday-collection", "answer_language": "en"}
        retried = await log_call(desk, agent, call_id=str(uuid4()), **holiday)
        await log_call(desk, agent, call_id=retried["call_id"], **holiday)  # a retry: the same call
        await log_call(desk, agent, **holiday)
        await log_call(
            desk,
            agent,
            answer_slug="holiday-collection",
            answer_language="es",
            service_code="MISSED_RECYCLING",
        )
        await log_call(desk, agent, service_code="POTHOLE")
        await log_call(desk, agent, topic="bus timetable", channel="walk_in")  # not a phone call
        for request in (POTHOLE, POTHOLE, MISSED):
            await file_request(desk, agent, "phone", request)
        await file_request(desk, agent, "walk_in", POTHOLE)  # not by phone
        # Where the store stands: every append above has committed (a read through the store's gap-safe
        # horizon may stop short of them while another test's transaction is open in the cluster).
        position = await pool.fetchval("SELECT max(global_position) FROM events")

        async with reporting_client(settings, tmp_path, seen=position) as reporting:
            # From the start-up replay of the store
            overall = await report(reporting, "resolved-without-request")
            assert [(r["channel"], *counts(r)) for r in overall["rows"]] == [("phone", 4, 3, 57.1)]
            by_topic = await report(reporting, "resolved-without-request-by-topic")
            assert {r["topic"]: counts(r) for r in by_topic["rows"]} == {
                "MISSED_TRASH": (2, 1, 66.7),
                "POTHOLE": (1, 2, 33.3),
                "MISSED_RECYCLING": (1, 0, 100.0),
            }

            # Live from the bus: one more call answered
            await log_call(desk, agent, service_code="POTHOLE")
            await eventually(
                lambda: report(reporting, "resolved-without-request"),
                until=lambda d: counts(d["rows"][0]) == (5, 3, 62.5),
                what="the new call on the dashboard's API",
            )
            pothole = await report(reporting, "resolved-without-request-by-topic", type="POTHOLE")
            assert [counts(r) for r in pothole["rows"]] == [(2, 2, 50.0)]
            tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
            later = await report(reporting, "resolved-without-request", **{"from": tomorrow})
            assert counts(later["rows"][0]) == (0, 0, None)

            # The page, as a manager reads it
            page = await reporting.get("/dashboard")
            assert page.status_code == 200
            kpi = page.text.split('id="kpi-resolved"', 1)[1].split("</li>", 1)[0]
            assert "62.5%" in kpi and "5 answered, 3 filed by phone" in kpi
            table = page.text.split('id="table-resolved-without-request-by-topic"', 1)[1].split("</table>")[0]
            assert '<th scope="row">Pothole</th>' in table and "<td>50.0</td>" in table
            status = (await reporting.get("/api/projections")).json()
            assert status["information_calls"] == 6 and status["requests"] == 4
            assert row_of(by_topic, "topic", "MISSED_TRASH")["share_pct"] == 66.7
