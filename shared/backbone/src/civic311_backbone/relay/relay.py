"""Publish every stored event to JetStream, in global order, exactly once.

Exactly once on the bus comes from three things together: events are published in pages and the
checkpoint moves only after JetStream acknowledged the whole page; each message carries
Nats-Msg-Id = event_id, so JetStream drops a re-publish inside its duplicate window; and on start the
relay reads back the tail of the stream to skip whatever it had published after its last checkpoint,
which also covers a restart after the window has passed. One relay is active at a time: it holds a
PostgreSQL advisory lock on its own connection; a second copy waits on that lock as a standby.

An outage of NATS is ridden out here (the page is published again until acknowledged, one warning
per outage); an outage of PostgreSQL ends `run` with the connection's error, and the runner starts it
again on a new connection once the store answers: the lock is taken again, the checkpoint read again,
and the stream's tail read again, so nothing is skipped and nothing is published twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import zlib
from dataclasses import dataclass, field
from uuid import UUID

import asyncpg
import structlog
from nats.js import JetStreamContext
from nats.js.api import PubAck
from nats.js.errors import NotFoundError
from prometheus_client import Counter, Gauge

from civic311_backbone.contracts import event_subject, to_wire
from civic311_backbone.relay.checkpoints import load_checkpoint, save_checkpoint
from civic311_backbone.relay.jetstream import ensure_stream
from civic311_backbone.service.outage import Outage, backoff
from civic311_backbone.service.pausing import pause
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore, RecordedEvent

log = structlog.get_logger(__name__)

PUBLISHED = Counter("civic311_relay_published_events", "Events the relay published and JetStream acked")
ACTIVE = Gauge("civic311_relay_active", "1 while this relay holds the lock and publishes")
POSITION = Gauge("civic311_relay_position", "Global position of the last event published")

POSITION_HEADER = "Civic311-Global-Position"


@dataclass
class RelayStatus:
    """What the health endpoint reports."""

    active: bool = False
    position: int = 0
    published: int = 0
    errors: int = 0
    last_error: str | None = field(default=None)


class Relay:
    def __init__(
        self,
        *,
        store: EventStore,
        js: JetStreamContext,
        settings: BackboneSettings,
        name: str = "relay",
        page_size: int = 1000,
        poll_interval: float = 1.0,
        ack_timeout: float = 10.0,
        linger: float = 0.003,
    ) -> None:
        self._store = store
        self._js = js
        self._settings = settings
        self._name = name
        self._page_size = page_size
        self._poll_interval = poll_interval
        self._ack_timeout = ack_timeout
        self._linger = linger
        self._woken = asyncio.Event()
        self.status = RelayStatus()

    @property
    def lock_key(self) -> int:
        key = f"civic311.relay.{self._settings.database_schema}.{self._settings.stream_name}"
        return zlib.crc32(key.encode())

    async def run(self, conn: asyncpg.Connection, stop: asyncio.Event) -> None:
        """Wait to become the active relay, then publish until `stop` is set.

        `conn` is a dedicated connection: it holds the advisory lock, listens for appends and writes
        the checkpoint, so a relay that lost its connection (and with it the lock) cannot go on.
        """
        while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", self.lock_key):
            log.info("another relay is active; standing by")
            if await pause(stop, timeout=2.0):
                return
        self.status.active = True
        ACTIVE.set(1)
        await conn.add_listener(self._store.notify_channel, self._on_notify)
        try:
            await ensure_stream(self._js, self._settings)
            position = await load_checkpoint(conn, self._name)
            published_after = await self._published_after(position)
            log.info("relay active", position=position, published_after_checkpoint=len(published_after))
            while not stop.is_set():
                self._woken.clear()
                page = await self._store.read_page(after=position, limit=self._page_size)
                if not page:
                    await self._wait_for_appends(stop)
                    continue
                if not await self._publish(page, skip=published_after, stop=stop):
                    return  # stopped while the bus was unreachable; the checkpoint did not move
                position = page[-1].global_position
                await save_checkpoint(conn, self._name, position)
                self.status.position = position
                self.status.published += len(page)
                PUBLISHED.inc(len(page))
                POSITION.set(position)
                if len(page) < self._page_size and not self._woken.is_set():
                    # Caught up: nothing more to read until an append commits and wakes us (or the
                    # poll interval passes), rather than a read that finds nothing, once per page.
                    await self._wait_for_appends(stop)
        finally:
            self.status.active = False
            ACTIVE.set(0)
            if not conn.is_closed():  # a lost connection took the listener (and the lock) with it
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(
                        conn.remove_listener(self._store.notify_channel, self._on_notify), 2.0
                    )

    async def _wait_for_appends(self, stop: asyncio.Event) -> None:
        """Until an append wakes the relay (or the poll interval passes), then `linger` more: the
        appends of the next few milliseconds go out in the same page, for one read, one publish
        round and one checkpoint between them (as a producer's linger does)."""
        await pause(stop, self._woken, timeout=self._poll_interval)
        if self._linger and self._woken.is_set() and not stop.is_set():
            await asyncio.sleep(self._linger)

    def _on_notify(self, *_: object) -> None:
        self._woken.set()

    async def _publish(self, page: list[RecordedEvent], *, skip: set[UUID], stop: asyncio.Event) -> bool:
        """Publish a page and wait for every ack; on failure retry the whole page (JetStream dedups).

        Returns False if told to stop before the page was acknowledged."""
        outage = Outage("relay publishing")
        while True:
            futures: list[asyncio.Future[PubAck]] = []
            try:
                for event in page:
                    if event.event_id not in skip:
                        futures.append(await self._publish_one(event))
                if not await self._acked(futures, stop):
                    return False
                outage.ended()
                return True
            except Exception as error:  # any failure: retry the page after a backoff
                for future in futures:
                    future.cancel()
                self.status.errors += 1
                self.status.last_error = repr(error)
                outage.began(error, position=page[0].global_position)
                if await pause(stop, timeout=backoff(outage.attempts)):
                    return False

    async def _acked(self, futures: list[asyncio.Future[PubAck]], stop: asyncio.Event) -> bool:
        """Wait for every ack (at most `ack_timeout`, which raises); False if told to stop first, so
        that SIGTERM while NATS is away stops the relay at once (the checkpoint has not moved)."""
        acks: asyncio.Future[object] = asyncio.ensure_future(asyncio.gather(*futures))
        stopping: asyncio.Future[object] = asyncio.ensure_future(stop.wait())
        try:
            done, _ = await asyncio.wait(
                {acks, stopping}, timeout=self._ack_timeout, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            stopping.cancel()
        if acks in done:
            acks.result()
            return True
        acks.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await acks
        if stop.is_set():
            return False
        raise TimeoutError(f"JetStream did not acknowledge {len(futures)} events in {self._ack_timeout} s")

    async def _publish_one(self, event: RecordedEvent) -> asyncio.Future[PubAck]:
        return await self._js.publish_async(
            event_subject(self._settings.subject_prefix, event.event_type),
            to_wire(event),
            headers={
                "Nats-Msg-Id": str(event.event_id),
                POSITION_HEADER: str(event.global_position),
                "correlation_id": str(event.correlation_id),
            },
        )

    async def _published_after(self, checkpoint: int) -> set[UUID]:
        """Event ids already in the stream beyond our checkpoint (published before a crash)."""
        try:
            info = await self._js.stream_info(self._settings.stream_name)
        except NotFoundError:
            return set()
        found: set[UUID] = set()
        sequence = info.state.last_seq
        floor = max(info.state.first_seq, sequence - 4 * self._page_size)
        while sequence >= floor and sequence > 0:
            try:
                msg = await self._js.get_msg(self._settings.stream_name, sequence)
            except NotFoundError:
                sequence -= 1
                continue
            headers = msg.headers or {}
            if int(headers.get(POSITION_HEADER, "0")) <= checkpoint:
                break
            found.add(UUID(headers["Nats-Msg-Id"]))
            sequence -= 1
        return found
