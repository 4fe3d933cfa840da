"""Working the text outbox: claim due texts, send each once through the SMS provider, mark it.

As with e-mail, a text is marked sent straight after the provider's answer (the only repeat window).
A provider's temporary failure is retried with the outbox's backoff (never sooner than its
Retry-After); a final refusal parks the text with the reason, and a recipient who has stopped texts
(Twilio's 21610) is suppressed for every request, so nothing more is tried.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

import asyncpg
import structlog

from civic311_backbone.service.pausing import pause
from civic311_notifier.adapters import outbox
from civic311_notifier.adapters.mail import MailLinks
from civic311_notifier.adapters.outbox import Pending
from civic311_notifier.adapters.twilio import TextDeferred, TextRefused
from civic311_notifier.application.sending import PARKED, RETRIED, SENT, SendingPolicy, retry_delay
from civic311_notifier.domain.texts import sms_text

log = structlog.get_logger(__name__)

NOT_CONFIGURED = "sms not configured"


class SmsProvider(Protocol):
    async def send(self, to: str, body: str) -> str:
        """Send one text; the provider's id of it. Raises TextRefused or TextDeferred."""
        ...

    async def close(self) -> None: ...


class TextComposer:
    def __init__(self, *, city_name: str, time_zone: str, links: MailLinks) -> None:
        self._city = city_name
        self._zone = ZoneInfo(time_zone)
        self._links = links

    def compose(self, item: Pending) -> str:
        facts = item.facts
        due_at = facts.get("due_at")
        due = f"{datetime.fromisoformat(due_at).astimezone(self._zone):%Y-%m-%d %H:%M}" if due_at else None
        link = self._links.track(
            facts.get("duplicate_of") or facts.get("tracking_number") or "", item.language
        )
        return sms_text(item.kind, item.language, facts, city=self._city, link=link, due=due)


class TextOutbox:
    """The text senders; without a provider (SMS not configured) texts are parked, visible, with why."""

    def __init__(
        self,
        *,
        pool: asyncpg.Pool,
        composer: TextComposer,
        provider: SmsProvider | None,
        policy: SendingPolicy,
    ) -> None:
        self._pool = pool
        self._composer = composer
        self._provider = provider
        self._policy = policy
        self._wake = asyncio.Event()

    def nudge(self) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        try:
            async with asyncio.TaskGroup() as senders:
                for _ in range(self._policy.senders):
                    senders.create_task(self._worker(stop))
        finally:
            if self._provider is not None:
                await self._provider.close()

    async def _worker(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self._wake.clear()  # before looking: a nudge while looking means look again
            if await self._work():
                continue
            await pause(stop, self._wake, timeout=self._policy.idle_seconds)

    async def _work(self) -> bool:
        claimed = await outbox.claim(
            self._pool, limit=self._policy.batch, lease=self._policy.lease, channel="sms"
        )
        for item in claimed.items:
            await self._send(item)
        return claimed.taken > 0

    async def _send(self, item: Pending) -> None:
        if self._provider is None:
            await self._park(item, NOT_CONFIGURED)
            return
        try:
            body = self._composer.compose(item)
        except (KeyError, ValueError) as error:
            await self._park(item, f"text not composed: {error}")
            return
        try:
            sid = await self._provider.send(item.recipient, body)
        except TextRefused as error:
            if error.stopped:
                await outbox.suppress(self._pool, recipient=item.recipient, channel="sms", stream_id="")
            await self._park(item, str(error))
            return
        except TextDeferred as error:
            await self._later(item, error)
            return
        await outbox.mark_texted(self._pool, item.id, sid)
        SENT.labels(item.kind).inc()

    async def _park(self, item: Pending, reason: str) -> None:
        await outbox.park(self._pool, [item.id], error=reason)
        PARKED.labels(item.kind).inc()
        log.error("text parked", reason=reason, id=item.id)

    async def _later(self, item: Pending, error: TextDeferred) -> None:
        if item.attempts >= self._policy.max_attempts:
            await self._park(item, f"gave up after {item.attempts} attempts: {error}")
            return
        delay = max(
            retry_delay(item.attempts, self._policy.max_delay), timedelta(seconds=error.retry_after or 0)
        )
        await outbox.retry_later(self._pool, [item.id], delay=delay, error=str(error))
        RETRIED.inc()
        log.warning("text will be retried", reason=str(error), retry_in=delay.total_seconds())
