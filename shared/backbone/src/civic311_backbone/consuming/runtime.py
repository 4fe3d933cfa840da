"""How every service consumes events: durable, at-least-once delivery, exactly-once effects.

A message is acknowledged only after the handler's effect committed. The handler runs inside a
transaction that also records the event as processed by this consumer, so a redelivery (after a crash
between commit and ack, say) finds the record and changes nothing; a handler whose effect is
idempotent by itself may go without (`ConsumerSpec.idempotent`). An exception rolls the transaction
back and asks JetStream to deliver again after a backoff (FastStream's default policy since 0.6 would
terminate the message instead, so the ack policy is MANUAL and this module decides). After
`max_attempts` failed deliveries the message is parked on the dead-letter subject with its error.
An outage of PostgreSQL or NATS is no fault of the message: such failures are delivered again (with a
capped backoff) for as long as the outage lasts, are not counted towards parking, and are logged once
per outage, not once per message.

Handling one message at a time would make a consumer's rate the inverse of one handler's round trips
to the database. Messages are therefore handed to `lanes` workers, chosen by the event's stream: the
events of one request are handled one after another, in order, while different requests proceed
side by side. A consumer may also let a lane take the events waiting in it together (`batch`): one
transaction, one processed-events statement and one commit for all of them, which is what a backlog
costs most; a handler that fails rolls the batch back, and its events are then handled one at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import zlib
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import asyncpg
import structlog
from faststream import AckPolicy
from faststream.nats import ConsumerConfig, JStream, NatsBroker
from faststream.nats.annotations import NatsMessage
from prometheus_client import Counter
from pydantic import ValidationError

from civic311_backbone.contracts import (
    Envelope,
    dead_letter_subject,
    from_dict,
    from_wire,
    stream_subjects,
)
from civic311_backbone.service.outage import Outage, backoff, is_outage
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore

log = structlog.get_logger(__name__)

HANDLED = Counter("civic311_consumer_handled_events", "Events whose effect committed", ["consumer"])
RETRIED = Counter("civic311_consumer_retried_events", "Deliveries that failed and were NAKed", ["consumer"])
PARKED = Counter(
    "civic311_consumer_parked_events", "Messages parked on the dead-letter subject", ["consumer"]
)

MAX_ACK_PENDING = 256
"""Messages a consumer may hold unacknowledged (in its lanes, or waiting for them) at a time."""

_OUTAGE_MEMORY = 4 * MAX_ACK_PENDING

Handler = Callable[[Envelope[Any], asyncpg.Connection], Awaitable[None]]
"""Apply one event's effect using the given connection, inside the consumer's transaction."""

AfterCommit = Callable[[Envelope[Any]], Awaitable[None]]


@dataclass(frozen=True)
class ConsumerSpec:
    name: str
    """Durable consumer name; also the key of its processed-event records."""
    handler: Handler
    event_types: Collection[str] | None = None
    """Event types to handle; others are acknowledged untouched. None: all."""
    max_attempts: int = 5
    backoff_seconds: tuple[float, ...] = field(default=(0.2, 1.0, 5.0, 15.0))
    ack_wait_seconds: float = 30.0
    """How long JetStream waits for an ack before delivering again (a consumer that died)."""
    idempotent: bool = False
    """The handler's effect is idempotent by itself (an upsert that only ever moves forward, say): no
    processed-event record is kept and no transaction is opened for it; the handler gets a pooled
    connection and each of its statements commits on its own. Three round trips and a row fewer per
    event; use it only where applying an event twice, or two of a stream's events at once in two
    instances, leaves the same result."""
    lanes: int = 4
    """How many events are handled at once; the events of one stream always in one lane, in order.
    Each lane holds one pooled connection while it handles an event: keep it below DB_POOL_MAX_SIZE."""
    batch: int = 1
    """At most this many of the events already waiting in a lane are handled in one transaction
    (never waited for: a lone event goes at once). For a handler whose transaction is short and does
    not append (an append held open longer holds back the relay). Ignored when `idempotent`."""


Delivery = tuple[Envelope[Any], NatsMessage]


class EventConsumer:
    """One durable JetStream consumer of the events stream, wired to a handler."""

    def __init__(
        self,
        *,
        spec: ConsumerSpec,
        pool: asyncpg.Pool,
        store: EventStore,
        settings: BackboneSettings,
        after_commit: AfterCommit | None = None,
    ) -> None:
        self.spec = spec
        self._pool = pool
        self._store = store
        self._settings = settings
        self._after_commit = after_commit
        self._broker: NatsBroker | None = None
        self._lanes: list[asyncio.Queue[Delivery]] = []
        self._workers: list[asyncio.Task[None]] = []
        self._stopping = False
        self._outage = Outage(f"consumer {spec.name}")
        self._outage_deliveries: dict[UUID, int] = {}
        """Deliveries of a message that failed on an outage, by event id: they are not its fault."""
        self.handled = 0

    def subscribe(self, broker: NatsBroker) -> None:
        """Register the durable push consumer on the broker (before the broker starts)."""
        self._broker = broker
        broker.subscriber(
            stream_subjects(self._settings.subject_prefix)[0],
            stream=JStream(self._settings.stream_name, declare=False),
            # Pushed, not pulled: a pull consumer asks the server for each handful of messages, which
            # at a live rate is a request per message, and costs more CPU per message. The
            # queue group names the durable consumer and lets several instances of a service share
            # it; the server holds back once `max_ack_pending` messages are unacknowledged.
            queue=self.spec.name,
            config=ConsumerConfig(
                ack_wait=self.spec.ack_wait_seconds, max_deliver=-1, max_ack_pending=MAX_ACK_PENDING
            ),
            ack_policy=AckPolicy.MANUAL,
            title=f"{self.spec.name}: request events",
        )(self._on_message)

    async def stop(self, *, grace_seconds: float = 5.0) -> None:
        """Take no more messages; let the lanes finish what they hold (what is left is redelivered)."""
        self._stopping = True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*(lane.join() for lane in self._lanes)), grace_seconds)
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)

    async def _on_message(self, body: Any) -> None:
        # The message from FastStream's context, not as an injected `NatsMessage` argument: that
        # injection costs a thread-pool hop and a task group per message (a sixth of a consumer's CPU).
        assert self._broker is not None
        msg: NatsMessage = self._broker.context.get_local("message")
        if self._stopping:
            await msg.nack()  # another instance (or this one, restarted) takes it at once
            return
        wanted = self.spec.event_types
        if wanted is not None and isinstance(body, dict) and body.get("event_type") not in wanted:
            await msg.ack()  # not this consumer's: no need to validate it
            return
        try:
            # FastStream has parsed the JSON already; anything else is a poison message.
            envelope = from_dict(body) if isinstance(body, dict) else from_wire(msg.body)
        except Exception as error:
            await self._park(msg, error, attempts=_deliveries(msg))
            return
        if wanted is not None and envelope.event_type not in wanted:
            await msg.ack()
            return
        # A full lane makes this wait, and with it the pulling of more messages.
        await self._lane_for(envelope.stream_id).put((envelope, msg))

    def _lane_for(self, stream_id: str) -> asyncio.Queue[Delivery]:
        if not self._lanes:
            self._lanes = [asyncio.Queue(maxsize=16) for _ in range(max(1, self.spec.lanes))]
            self._workers = [
                asyncio.create_task(self._work(lane), name=f"{self.spec.name}-lane-{i}")
                for i, lane in enumerate(self._lanes)
            ]
        return self._lanes[zlib.crc32(stream_id.encode()) % len(self._lanes)]

    async def _work(self, lane: asyncio.Queue[Delivery]) -> None:
        most = 1 if self.spec.idempotent else max(1, self.spec.batch)
        while True:
            batch = [await lane.get()]
            while len(batch) < most and not lane.empty():
                batch.append(lane.get_nowait())
            try:
                if len(batch) == 1:
                    await self._handle(*batch[0])
                else:
                    await self._handle_batch(batch)
            except Exception as error:
                # Acking or NAKing failed (the connection is gone): JetStream redelivers after ack_wait.
                if is_outage(error):
                    self._outage.began(error, consumer=self.spec.name)
                else:
                    log.exception("could not settle a message", consumer=self.spec.name)
            finally:
                for _ in batch:
                    lane.task_done()

    async def _handle(self, envelope: Envelope[Any], msg: NatsMessage) -> None:
        with structlog.contextvars.bound_contextvars(**envelope.metadata(), consumer=self.spec.name):
            try:
                appends_before = self._store.appends_in_transactions
                applied = await self._apply(envelope)
            except Exception as error:
                await self._retry_or_park(envelope, msg, error)
                return
            await self._settled([(envelope, msg)], applied=1 if applied else 0, appends_before=appends_before)

    async def _handle_batch(self, batch: list[Delivery]) -> None:
        try:
            appends_before = self._store.appends_in_transactions
            applied = await self._apply_batch([envelope for envelope, _ in batch])
        except Exception as error:
            if is_outage(error):
                for envelope, msg in batch:
                    await self._retry_or_park(envelope, msg, error)
                return
            # One of them failed and the batch rolled back: each on its own now, so that only the
            # failing event is delivered again (and counted towards parking).
            for envelope, msg in batch:
                await self._handle(envelope, msg)
            return
        await self._settled(batch, applied=applied, appends_before=appends_before)

    async def _settled(self, deliveries: list[Delivery], *, applied: int, appends_before: int) -> None:
        """The deliveries' effects committed (`applied` of them for the first time): acknowledge them."""
        if self._outage.ongoing:
            self._outage.ended(consumer=self.spec.name)
        if applied:
            if self._store.appends_in_transactions != appends_before:
                self._store.wake_followers()  # the handler appended: let the relay know
            self.handled += applied
            HANDLED.labels(self.spec.name).inc(applied)
        for envelope, msg in deliveries:
            self._outage_deliveries.pop(envelope.event_id, None)
            if self._after_commit is not None:
                await self._after_commit(envelope)
            await msg.ack()

    async def _apply(self, envelope: Envelope[Any]) -> bool:
        if self.spec.idempotent:
            async with self._pool.acquire() as conn:
                await self.spec.handler(envelope, conn)
            return True
        return await self._apply_batch([envelope]) == 1

    async def _apply_batch(self, envelopes: list[Envelope[Any]]) -> int:
        """Events of one lane in one transaction, each recorded as processed and handled unless it was
        already; how many were handled for the first time."""
        async with self._pool.acquire() as conn, conn.transaction():
            fresh = await conn.fetch(
                """INSERT INTO processed_events (consumer, event_id) SELECT $1, unnest($2::uuid[])
                   ON CONFLICT DO NOTHING RETURNING event_id""",
                self.spec.name,
                [envelope.event_id for envelope in envelopes],
            )
            first_time = {row["event_id"] for row in fresh}
            for envelope in envelopes:
                with structlog.contextvars.bound_contextvars(**envelope.metadata(), consumer=self.spec.name):
                    if envelope.event_id not in first_time:
                        log.info("already processed; acknowledging again")
                        continue
                    first_time.discard(envelope.event_id)  # the same message twice in one batch: once
                    await self.spec.handler(envelope, conn)
        return len(fresh)

    async def _retry_or_park(self, envelope: Envelope[Any], msg: NatsMessage, error: Exception) -> None:
        if is_outage(error):
            # The store (or the bus) is away: not this message's fault. It is delivered again until the
            # outage ends, however long that takes, and these deliveries do not count towards parking.
            seen = self._outage_deliveries.get(envelope.event_id, 0) + 1
            if len(self._outage_deliveries) >= _OUTAGE_MEMORY:
                self._outage_deliveries.clear()  # forgetting only means counting a few more attempts
            self._outage_deliveries[envelope.event_id] = seen
            self._outage.began(error, consumer=self.spec.name)
            RETRIED.labels(self.spec.name).inc()
            await msg.nack(delay=backoff(seen, first=0.5, most=10.0))
            return
        attempts = _deliveries(msg) - self._outage_deliveries.get(envelope.event_id, 0)
        if attempts >= self.spec.max_attempts:
            self._outage_deliveries.pop(envelope.event_id, None)
            await self._park(msg, error, attempts=attempts)
            return
        delay = self.spec.backoff_seconds[min(max(attempts, 1), len(self.spec.backoff_seconds)) - 1]
        log.warning(
            "handler failed; will be redelivered",
            error=describe(error),
            attempt=attempts,
            retry_in=delay,
        )
        RETRIED.labels(self.spec.name).inc()
        await msg.nack(delay=delay)

    async def _park(self, msg: NatsMessage, error: Exception, *, attempts: int) -> None:
        """Move the message to the dead-letter subject (durably), then let JetStream forget it."""
        subject = dead_letter_subject(self._settings.subject_prefix, self.spec.name)
        headers = {
            **{k: v for k, v in (msg.headers or {}).items() if isinstance(v, str)},
            "Civic311-Error": describe(error)[:2000],
            "Civic311-Consumer": self.spec.name,
            "Civic311-Attempts": str(attempts),
            "Civic311-Original-Subject": msg.raw_message.subject,
        }
        # Parking twice (a crash right after parking) stores it once.
        headers["Nats-Msg-Id"] = f"{headers.get('Nats-Msg-Id', msg.message_id)}:{self.spec.name}"
        assert self._broker is not None
        await self._broker.connection.jetstream().publish(subject, msg.body, headers=headers)
        PARKED.labels(self.spec.name).inc()
        log.error(
            "message parked on the dead-letter subject",
            error=describe(error),
            attempts=attempts,
            subject=subject,
        )
        await msg.ack()


def describe(error: Exception) -> str:
    """The error as the dead-letter header carries it: a validation error without the input values,
    which may hold a resident's personal data."""
    if isinstance(error, ValidationError):
        details = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors(include_input=False)
        )
        return f"ValidationError: {details}"
    return repr(error)


def _deliveries(msg: NatsMessage) -> int:
    metadata = msg.raw_message.metadata
    return int(metadata.num_delivered or 1)
