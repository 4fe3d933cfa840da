"""Must show, end to end: two residents report the same pothole through the gateway, 20 m apart and in
other words; the second is closed as a duplicate of the first, says so on Open311 and on its tracking
page (naming the first's tracking number, linked), its reporter follows the first, and the first's next
status update reaches both residents' inboxes at a real SMTP server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from nats.aio.client import Client as NatsClient

from civic311_backbone.contracts import Assigned, Closed, FollowerAdded
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from tests.dedup.support import moved
from tests.dedup.system_support import CORNER, RunningCity, running_city
from tests.notifier.sink import MailSink, text_of
from tests.support.waiting import eventually


@pytest.fixture
def sink() -> Iterator[MailSink]:
    running = MailSink().start()
    yield running
    running.stop()


@pytest.fixture
async def city(
    settings: BackboneSettings,
    pool: asyncpg.Pool,
    store: EventStore,
    nats_client: NatsClient,
    tmp_path: Path,
    sink: MailSink,
) -> AsyncIterator[RunningCity]:
    async with running_city(settings, pool, store, tmp_path, mail=sink) as running:
        yield running


@pytest.mark.slow
async def test_the_second_report_of_a_pothole_is_closed_as_a_duplicate_of_the_first(
    city: RunningCity, sink: MailSink
) -> None:
    size = {"SIZE": "large"}
    first = await city.report(
        "POTHOLE",
        "Deep pothole in front of the bakery on Main Street",
        CORNER,
        email="ana@example.org",
        attributes=size,
    )
    [assigned] = await city.event_of(first, "Assigned")  # with its crew before the neighbour reports
    second = await city.report(
        "POTHOLE",
        "big hole in the road outside the bakery",
        moved(CORNER, east_m=20),
        email="ben@example.org",
        attributes=size,
    )

    [closed] = await city.event_of(second, "Closed")
    assert isinstance(closed.payload, Closed)
    assert (closed.payload.resolution, closed.payload.duplicate_of) == ("duplicate", first)
    assert closed.actor.id == "dedup"
    [follower] = await city.event_of(first, "FollowerAdded")
    assert isinstance(follower.payload, FollowerAdded)
    assert follower.payload.contact.email == "ben@example.org"
    assert (follower.payload.reason, follower.payload.via_tracking_number) == ("duplicate", second)
    assert not [e for e in await city.events(first) if e.event_type == "Closed"], "the original stays open"

    answer = await city.client.get(f"/open311/v2/requests/{second}.json", params={"extensions": "true"})
    [shown] = answer.json()
    assert shown["status"] == "closed"
    assert shown["extended_attributes"]["duplicate"] == first
    assert "ben@example.org" not in answer.text

    page = await city.client.get(f"/track/{second}")
    assert page.status_code == 200
    assert "Duplicate of" in page.text
    assert f'<a href="/track/{first}">{first}</a>' in page.text
    original_page = await city.client.get(f"/track/{first}")
    assert "ben@example.org" not in original_page.text and "follower" not in original_page.text.lower()

    # The crew's next public update on the first reaches its reporter and the neighbour who follows it.
    assert isinstance(assigned.payload, Assigned)
    _, crew = await city.staff("department_staff", assigned.payload.department)
    note = "A crew will fill the pothole on Thursday morning"
    answer = await city.client.post(
        f"/api/staff/requests/{first}/status",
        json={"status": "in_progress", "public_note": note},
        headers=crew,
    )
    assert answer.status_code == 200, answer.text

    async def told() -> dict[str, int]:
        return {
            who: sum(1 for m in sink.to(who) if note in text_of(m))
            for who in ("ana@example.org", "ben@example.org")
        }

    assert await eventually(told, until=lambda n: all(n.values()), timeout=60) == {
        "ana@example.org": 1,
        "ben@example.org": 1,
    }
