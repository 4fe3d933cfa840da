"""A department's queue over HTTP: its open requests, soonest due first, within the member's scope.

The queue reads the gateway's request index, which the gateway keeps from the bus: the relay runs too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from nats.aio.client import Client as NatsClient

from civic311_backbone.contracts import Closed, new_event, utc_now
from civic311_backbone.contracts.tracking import stream_id_for
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from civic311_backbone.testing.factories import STAFF
from tests.intake.desk_support import PARKS, PUBLIC_WORKS, RunningDesk, running_desk
from tests.support.waiting import eventually


@pytest.fixture
async def desk(
    settings: BackboneSettings, pool: asyncpg.Pool, store: EventStore, nats_client: NatsClient, tmp_path: Path
) -> AsyncIterator[RunningDesk]:
    async with running_desk(settings, pool, store, tmp_path, with_relay=True) as running:
        yield running


async def test_the_queue_is_the_departments_open_requests_soonest_due_first(desk: RunningDesk) -> None:
    now = utc_now()
    in_a_week = await desk.request_with(PUBLIC_WORKS, queue="PWD-Streets", due_at=now + timedelta(days=7))
    overdue = await desk.request_with(PUBLIC_WORKS, queue="PWD-Streets", due_at=now - timedelta(hours=3))
    untimed = await desk.request_with(PUBLIC_WORKS, service_code="GRAFFITI", queue="PWD-Graffiti")
    tomorrow = await desk.request_with(
        PUBLIC_WORKS, service_code="GRAFFITI", queue="PWD-Graffiti", due_at=now + timedelta(days=1)
    )
    closed = await desk.request_with(PUBLIC_WORKS, queue="PWD-Streets", due_at=now - timedelta(days=9))
    await desk.store.append(
        stream_id_for(closed), [new_event(Closed(resolution="resolved"), actor=STAFF)], expected_version=2
    )
    parks = await desk.request_with(PARKS, service_code="FALLEN_TREE", queue="PRK-Forestry", due_at=now)
    staff = await desk.staff("department_staff", PUBLIC_WORKS)
    agent = await desk.staff("agent")

    async def queue(headers: dict[str, str], **filters: Any) -> list[str]:
        answer = await desk.client.get("/api/staff/queue", params=filters, headers=headers)
        assert answer.status_code == 200, answer.text
        return [r["tracking_number"] for r in answer.json()["requests"]]

    everything = [overdue, parks, tomorrow, in_a_week, untimed]
    await eventually(
        lambda: queue(agent), until=lambda found: found == everything, what="every open request indexed"
    )
    acknowledged = await desk.client.post(
        f"/api/staff/requests/{tomorrow}/acknowledge", json={}, headers=staff
    )
    assert acknowledged.status_code == 200
    await eventually(lambda: queue(staff, stage="acknowledged"), until=lambda found: found == [tomorrow])

    answer = await desk.client.get("/api/staff/queue", headers=staff)
    assert answer.json()["department"] == PUBLIC_WORKS
    [first, *_] = answer.json()["requests"]
    assert (first["tracking_number"], first["overdue"], first["queue"]) == (overdue, True, "PWD-Streets")
    assert [r["tracking_number"] for r in answer.json()["requests"]] == [
        overdue,
        tomorrow,
        in_a_week,
        untimed,
    ]
    assert "contact" not in answer.text and "maria@example.org" not in answer.text
    assert await queue(staff, overdue="true") == [overdue]
    assert await queue(staff, queue="PWD-Graffiti") == [tomorrow, untimed]
    assert await queue(staff, service_code="POTHOLE") == [overdue, in_a_week]
    assert await queue(agent, department=PARKS) == [parks]

    other_department = await desk.client.get("/api/staff/queue", params={"department": PARKS}, headers=staff)
    assert other_department.status_code == 403
    assert PARKS in other_department.json()["detail"]
