"""Working the e-mail outbox: claim due notifications, send each once, mark it, retry or park.

One claimer takes due rows from the outbox in batches (one statement for many rows, which it also
checks against the unsubscribed in one more) and queues them for `senders` SMTP connections, each
sending one message at a time: the connections work side by side while the database sees one claim
per batch instead of one per message. The claimer takes rows only while the queue has room, so a
claimed row waits a few messages' time, well within its lease; one that waited longer is left to be
claimed again rather than sent late, when another sender may have it.

The only window in which a message can go out twice is between the SMTP server's final reply and the
row being marked sent: after each reply the connection hands the row's id to one marker that marks
every id handed over since its last statement, in one UPDATE. A sender that dies holding rows leaves
them to the others (or to itself, restarted) when their lease runs out.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

import asyncpg
import structlog
from prometheus_client import Counter, Histogram

from civic311_backbone.contracts import utc_now
from civic311_backbone.service.pausing import pause
from civic311_notifier.adapters import outbox
from civic311_notifier.adapters.mail import MailComposer, RenderError
from civic311_notifier.adapters.mime import Outgoing
from civic311_notifier.adapters.outbox import Pending
from civic311_notifier.adapters.smtp import Refused, Unavailable
from civic311_notifier.application.marking import SentMarker

log = structlog.get_logger(__name__)

SENT = Counter("civic311_notifier_sent", "Notifications accepted by the SMTP server", ["kind"])
PARKED = Counter("civic311_notifier_parked", "Notifications parked with a reason", ["kind"])
RETRIED = Counter("civic311_notifier_retried", "Sending attempts that will be made again")
EVENT_TO_ACCEPTED = Histogram(
    "civic311_notifier_event_to_accepted_seconds",
    "From the event's occurrence to its e-mail accepted by the SMTP server",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300),
)

_DIGESTS = uuid.UUID("0e6f6a55-9d87-4f55-8f0e-2b8c3c7b5d11")


class MailSender(Protocol):
    async def send(self, message: Outgoing) -> None: ...
    async def close(self) -> None: ...


@dataclass(frozen=True)
class SendingPolicy:
    senders: int = 8
    """Connections (or, for texts, requests) sending at once, each one message at a time."""
    batch: int = 16
    """At most this many rows per claim (texts and webhooks, claimed by each of their workers)."""
    lease: timedelta = timedelta(seconds=20)
    max_attempts: int = 20
    max_delay: timedelta = timedelta(minutes=10)
    idle_seconds: float = 1.0


def retry_delay(attempts: int, max_delay: timedelta) -> timedelta:
    """Doubling from a second, capped, with up to a fifth of jitter so retries do not march together."""
    base = min(2.0 ** max(attempts - 1, 0), max_delay.total_seconds())
    return timedelta(seconds=base * random.uniform(0.8, 1.0))  # noqa: S311 - jitter, not secrecy


@dataclass(frozen=True)
class _Claimed:
    item: Pending
    at: float
    """When it was claimed (this process's monotonic clock)."""


class EmailOutbox:
    """The e-mail senders: one claimer feeding `senders` SMTP connections, and the SLA digests."""

    def __init__(
        self,
        *,
        pool: asyncpg.Pool,
        composer: MailComposer,
        connect: Callable[[], MailSender],
        policy: SendingPolicy,
    ) -> None:
        self._pool = pool
        self._composer = composer
        self._connect = connect
        self._policy = policy
        self._wake = asyncio.Event()
        self._room = asyncio.Event()
        self._queue: asyncio.Queue[_Claimed | None] = asyncio.Queue()
        # Two messages waiting per connection: enough that none waits for the claimer, few enough
        # that none waits long (a claimed row is another sender's once its lease runs out).
        self._depth = 2 * policy.senders
        self._fresh_for = policy.lease.total_seconds() / 2
        # A message marked sent lets the next one to the same person about the same request go:
        # the claimer looks again at once rather than at its next idle poll.
        self._marker = SentMarker(lambda ids: outbox.mark_sent(pool, ids), marked=self.nudge)

    def nudge(self) -> None:
        """Something was added to the outbox: look now rather than at the next idle poll."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        senders_done = asyncio.Event()  # the marker outlives the senders: their last ids are marked
        marking = asyncio.ensure_future(self._marker.run(senders_done))
        self._queue = asyncio.Queue()
        try:
            # A task group: a part that fails (the database went away) takes the others down with it,
            # so the runner starts a whole new set, none left behind handing ids to a finished marker.
            async with asyncio.TaskGroup() as parts:
                parts.create_task(self._claimer(stop))
                for _ in range(self._policy.senders):
                    parts.create_task(self._connection())
                parts.create_task(self._digests(stop))
        finally:
            senders_done.set()
            await marking

    async def _claimer(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                room = self._depth - self._queue.qsize()
                if room <= self._depth // 2:  # wait until the connections have taken half of it
                    self._room.clear()
                    await pause(stop, self._room, timeout=self._policy.idle_seconds)
                    continue
                self._wake.clear()  # a nudge from now on means rows this claim may not see
                if await self._claim(room) < room:  # nothing more due: until a nudge or the idle poll
                    await pause(stop, self._wake, timeout=self._policy.idle_seconds)
        finally:
            waiting = self._drain()
            for _ in range(self._policy.senders):
                self._queue.put_nowait(None)  # each connection's last message: stop
            # Given back at once rather than at the end of their lease, if the database lets us.
            with contextlib.suppress(asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError):
                await self._later(waiting, "not tried: the notifier was stopping", count=False)

    async def _claim(self, limit: int) -> int:
        """Queue what is due (up to `limit` rows); how many rows were taken."""
        claimed = await outbox.claim(self._pool, limit=limit, lease=self._policy.lease)
        now = time.monotonic()
        for item in claimed.items:
            self._queue.put_nowait(_Claimed(item, now))
        return claimed.taken

    def _taken(self) -> None:
        if self._queue.qsize() <= self._depth // 2:
            self._room.set()

    async def _connection(self) -> None:
        sender = self._connect()
        try:
            while (claimed := await self._queue.get()) is not None:
                self._taken()
                item = claimed.item
                if time.monotonic() - claimed.at > self._fresh_for:
                    continue  # waited too long: left to whoever claims it when its lease runs out
                try:
                    message = self._composer.compose(item)
                except RenderError as error:
                    await self._park([item], str(error))
                    continue
                if not await self._deliver(sender, [item], message):
                    # The server is away: what is queued waits with it, without a try counted.
                    await self._give_back_queued()
        finally:
            await sender.close()

    def _drain(self) -> list[Pending]:
        waiting: list[Pending] = []
        while not self._queue.empty():
            claimed = self._queue.get_nowait()
            if claimed is None:
                self._queue.put_nowait(None)  # stopping: the sentinels stay for the connections
                break
            waiting.append(claimed.item)
        self._room.set()
        return waiting

    async def _give_back_queued(self) -> None:
        await self._later(self._drain(), "not tried: the SMTP server was unavailable", count=False)

    async def _digests(self, stop: asyncio.Event) -> None:
        """SLA warnings wait out their digest window (`not_before`), so polling finds them in time."""
        sender = self._connect()
        try:
            while not stop.is_set():
                if not await self._work_digest(sender):
                    await pause(stop, timeout=self._policy.idle_seconds)
        finally:
            await sender.close()

    async def _work_digest(self, sender: MailSender) -> bool:
        claimed = await outbox.claim_digest(self._pool, lease=self._policy.lease)
        if not claimed:
            return False
        key = str(uuid.uuid5(_DIGESTS, ",".join(str(p.message_key) for p in claimed)))
        try:
            message = self._composer.compose_digest(claimed, key)
        except RenderError as error:
            await self._park(claimed, str(error))
            return True
        return await self._deliver(sender, claimed, message)

    async def _deliver(self, sender: MailSender, items: list[Pending], message: Outgoing) -> bool:
        """Send one message for these rows; False when the server is unavailable (they wait)."""
        try:
            await sender.send(message)
        except Refused as error:
            await self._park(items, str(error))
            return True
        except Unavailable as error:
            await self._later(items, str(error), count=True)
            return False
        self._marker.sent([p.id for p in items])
        now = utc_now()
        for item in items:
            SENT.labels(item.kind).inc()
            if item.event_at is not None:
                EVENT_TO_ACCEPTED.observe((now - item.event_at).total_seconds())
        return True

    async def _park(self, items: list[Pending], reason: str) -> None:
        await outbox.park(self._pool, [p.id for p in items], error=reason)
        for item in items:
            PARKED.labels(item.kind).inc()
        log.error("notification parked", reason=reason, ids=[p.id for p in items])

    async def _later(self, items: list[Pending], reason: str, *, count: bool) -> None:
        if not items:
            return
        worst = max(p.attempts for p in items)
        if count and worst >= self._policy.max_attempts:
            await self._park(items, f"gave up after {worst} attempts: {reason}")
            return
        delay = retry_delay(worst, self._policy.max_delay)
        await outbox.retry_later(self._pool, [p.id for p in items], delay=delay, error=reason, counted=count)
        RETRIED.inc(len(items))
        log.warning("notifications will be retried", reason=reason, retry_in=delay.total_seconds())
