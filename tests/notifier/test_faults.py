"""Faults: the notifier killed (SIGKILL) again and again in a burst of updates, and the SMTP server
away for a minute. Every expected e-mail arrives, counted by Message-ID at the sink: lost must be 0;
repeated (the window between the server's reply and the row marked sent) is reported."""

from __future__ import annotations

import asyncio
import random
import time
from pathlib import Path

import pytest

from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from civic311_notifier.domain.notices import message_key
from tests.notifier.running import relay_and_notifier
from tests.notifier.sink import MailSink
from tests.notifier.stories import assigned, filed, new_request, tell, unique_address, updated
from tests.support.waiting import eventually

pytestmark = pytest.mark.slow

REQUESTS = 25
UPDATES = 500


async def _burst(store: EventStore, *, per_second: float) -> dict[str, str]:
    """REQUESTS requests, each routed, then UPDATES public updates among them at a steady pace; the
    address of each request's reporter by stream."""
    reporters: dict[str, str] = {}
    for _ in range(REQUESTS):
        address = unique_address()
        stream = await new_request(store, filed(address), assigned())
        reporters[stream] = address
    streams = list(reporters)
    for n in range(UPDATES):
        await tell(store, streams[n % REQUESTS], updated("in_progress", f"Update {n}."))
        await asyncio.sleep(1 / per_second)  # the pace of the burst, not a wait for an outcome
    return reporters


async def _expected(store: EventStore, reporters: dict[str, str]) -> set[str]:
    """The Message-ID of every e-mail the histories call for: routed, and each public update."""
    keys = set()
    for stream, address in reporters.items():
        for event in await store.read_stream(stream):
            if event.event_type in ("Assigned", "StatusUpdated"):
                keys.add(f"<{message_key(str(event.event_id), address, 'email')}@311.sample.test>")
    return keys


def _tally(sink: MailSink, expected: set[str]) -> tuple[int, int]:
    seen = sink.by_message_id()
    lost = len(expected - set(seen))
    repeated = sum(count - 1 for key, count in seen.items() if key in expected)
    return lost, repeated


async def test_sigkilled_again_and_again_in_a_burst_of_updates_nothing_is_lost(
    settings: BackboneSettings, store: EventStore, tmp_path: Path
) -> None:
    sink = MailSink().start()
    try:
        with relay_and_notifier(settings, sink, tmp_path, NOTIFIER_SEND_LEASE="PT2S") as (relay, notifier):
            await relay.wait_ready()
            await notifier.wait_ready()
            burst = asyncio.create_task(_burst(store, per_second=100))
            kills = 0
            while not burst.done() or kills < 5:
                await asyncio.sleep(random.uniform(0.3, 1.2))  # a random moment to kill it at
                notifier.kill()
                kills += 1
                notifier.start()
                await notifier.wait_ready(timeout=90)  # a start-up on two busy cores
            reporters = await burst
            expected = await _expected(store, reporters)
            assert len(expected) == REQUESTS + UPDATES
            await eventually(
                lambda: _now(_tally(sink, expected)[0]),
                until=lambda lost: lost == 0,
                timeout=120,
                what="every expected e-mail at the sink",
            )
            lost, repeated = _tally(sink, expected)
            print(
                f"\nnotifier SIGKILLed {kills} times: expected {len(expected)}, lost {lost}, repeated {repeated}"
            )
            assert kills >= 5 and lost == 0
    finally:
        sink.stop()


async def test_the_smtp_server_away_for_a_minute_loses_nothing(
    settings: BackboneSettings, store: EventStore, tmp_path: Path
) -> None:
    sink = MailSink().start()
    try:
        with relay_and_notifier(settings, sink, tmp_path, NOTIFIER_RETRY_MAX_DELAY="PT5S") as (
            relay,
            notifier,
        ):
            await relay.wait_ready()
            await notifier.wait_ready()
            sink.stop()
            outage_ends = time.monotonic() + 60
            reporters = await _burst(store, per_second=50)
            # The outage's length is the scenario itself: a minute from the stop, not a second more.
            await asyncio.sleep(max(outage_ends - time.monotonic(), 0.0))
            sink.start()
            expected = await _expected(store, reporters)
            await eventually(
                lambda: _now(_tally(sink, expected)[0]),
                until=lambda lost: lost == 0,
                timeout=120,
                what="every expected e-mail at the sink after the outage",
            )
            lost, repeated = _tally(sink, expected)
            print(f"\nSMTP server away 60 s: expected {len(expected)}, lost {lost}, repeated {repeated}")
            assert lost == 0
    finally:
        sink.stop()


async def _now(value: int) -> int:
    return value
