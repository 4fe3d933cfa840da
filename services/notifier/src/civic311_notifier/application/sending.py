"""Working the e-mail outbox: claim due notifications, send each once, mark it, retry or park.

The only window in which a message can go out twice is between the SMTP server's final reply and the
row being marked sent, so a row is marked on its own straight after that reply. A sender that dies
holding rows leaves them to the others (or to itself, restarted) when their lease runs out.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

import asyncpg
import structlog
from prometheus_client import Counter, Histogram

from civic311_backbone.contracts import utc_now
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
    batch: int = 16
    lease: timedelta = timedelta(seconds=20)
    max_attempts: int = 20
    max_delay: timedelta = timedelta(minutes=10)
    idle_seconds: float = 1.0


def retry_delay(attempts: int, max_delay: timedelta) -> timedelta:
    """Doubling from a second, capped, with up to a fifth of jitter so retries do not march together."""
    base = min(2.0 ** max(attempts - 1, 0), max_delay.total_seconds())
    return timedelta(seconds=base * random.uniform(0.8, 1.0))  # noqa: S311 - jitter, not secrecy


class EmailOutbox:
    """The e-mail senders: `senders` workers, each with its own SMTP connection."""

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
        self._marker = SentMarker(lambda ids: outbox.mark_sent(pool, ids))

    def nudge(self) -> None:
        """Something was added to the outbox: look now rather than at the next idle poll."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        senders_done = asyncio.Event()  # the marker outlives the senders: their last ids are marked
        marking = asyncio.ensure_future(self._marker.run(senders_done))
        try:
            # A task group: a sender that fails (the database went away) takes the others down with it,
            # so the runner starts a whole new set, none left behind handing ids to a finished marker.
            async with asyncio.TaskGroup() as senders:
                for _ in range(self._policy.senders):
                    senders.create_task(self._worker(stop, self._work_one))
                senders.create_task(self._worker(stop, self._work_digest))
        finally:
            senders_done.set()
            await marking

    async def _worker(self, stop: asyncio.Event, step: Callable[[MailSender], object]) -> None:
        sender = self._connect()
        try:
            while not stop.is_set():
                did = await step(sender)  # type: ignore[misc]
                if did:
                    continue
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(woken(stop, self._wake), self._policy.idle_seconds)
        finally:
            await sender.close()

    async def _work_one(self, sender: MailSender) -> bool:
        claimed = await outbox.claim(self._pool, limit=self._policy.batch, lease=self._policy.lease)
        if not claimed:
            return False
        silenced = await outbox.suppressed(self._pool, claimed)
        if silenced:
            await outbox.suppress_sent(self._pool, sorted(silenced))
        for index, item in enumerate(claimed):
            if item.id in silenced:
                continue
            try:
                message = self._composer.compose(item)
            except RenderError as error:
                await self._park([item], str(error))
                continue
            if not await self._deliver(sender, [item], message):
                # The server is away: what is left of the batch waits with it, without a try counted.
                rest = [p for p in claimed[index + 1 :] if p.id not in silenced]
                await self._later(rest, "not tried: the SMTP server was unavailable", count=False)
                return False
        return True

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


async def woken(stop: asyncio.Event, wake: asyncio.Event) -> None:
    """Return when the process stops or there is new work, whichever comes first."""
    waits = [asyncio.create_task(stop.wait()), asyncio.create_task(wake.wait())]
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()
