"""Dedup and the notifier together, end to end: when a neighbour's report is linked to the first one as
its duplicate, a status update on the first reaches both residents' inboxes, once each."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from nats.aio.client import Client as NatsClient

from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from tests.dedup.support import moved
from tests.dedup.system_support import CORNER, running_city
from tests.notifier.running import notifier_env
from tests.notifier.sink import MailSink, text_of
from tests.support.processes import ServiceProcess
from tests.support.waiting import eventually

NOTE = "A crew will fill it on Thursday."


@pytest.fixture
def sink() -> Iterator[MailSink]:
    running = MailSink().start()
    yield running
    running.stop()


@pytest.mark.slow
async def test_a_status_update_on_the_original_reaches_its_reporter_and_the_duplicates(
    settings: BackboneSettings,
    pool: asyncpg.Pool,
    store: EventStore,
    nats_client: NatsClient,
    sink: MailSink,
    tmp_path: Path,
) -> None:
    async with running_city(settings, pool, store, tmp_path) as city:
        notifier = ServiceProcess("civic311_notifier", {}, tmp_path, name="notifier")
        notifier.env.update(notifier_env(settings, sink))
        notifier.env["NOTIFIER_PUBLIC_URL"] = notifier.url
        notifier.start()
        try:
            await notifier.wait_ready()
            # Given two residents' reports of one pothole, the second linked to the first by dedup
            size = {"SIZE": "large"}
            first = await city.report(
                "POTHOLE", "Deep pothole by the bakery", CORNER, email="ana@example.org", attributes=size
            )
            await city.event_of(first, "Assigned")
            second = await city.report(
                "POTHOLE",
                "big hole in the road outside the bakery",
                moved(CORNER, east_m=20),
                email="ben@example.org",
                attributes=size,
            )
            await city.event_of(second, "Closed")
            await city.event_of(first, "FollowerAdded")

            # When staff of Public Works update the first with a note for the residents
            _, headers = await city.staff("supervisor", "Public Works")
            answer = await city.client.post(
                f"/api/staff/requests/{first}/status",
                json={"status": "in_progress", "public_note": NOTE},
                headers=headers,
            )
            assert answer.status_code == 200, answer.text

            # Then each resident gets one e-mail with that note, and nobody else is written to
            def told(address: str) -> list[str]:
                return [text_of(m) for m in sink.to(address) if NOTE in text_of(m)]

            async def both_told() -> tuple[int, int]:
                return len(told("ana@example.org")), len(told("ben@example.org"))

            await eventually(both_told, until=lambda counts: counts == (1, 1), what="both residents told")
            recipients = {str(m["To"]).lower() for m in sink.messages}
            assert recipients == {"ana@example.org", "ben@example.org"}
            assert all(second in body or first in body for body in told("ben@example.org"))
            assert sum(sink.by_message_id().values()) == len(sink.by_message_id()), "no e-mail twice"
        finally:
            notifier.stop()
