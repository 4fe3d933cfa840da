"""Webhooks: subscribing, the deliveries an event gives rise to, and working them from the outbox.

A delivery is an outbox row (channel "webhook", recipient the subscription's id, facts the body),
written in the consumer's transaction like an e-mail, so an event is delivered to each subscription
once, and a crash loses none. Senders POST it signed; a 2xx marks it sent, a 410 disables the
subscription (and parks what it had pending), anything else is tried again on the schedule (the
receiver's Retry-After first) until the schedule is spent, then parked with its last error.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import structlog

from civic311_backbone.contracts import Envelope
from civic311_backbone.service.pausing import pause
from civic311_notifier.adapters import outbox
from civic311_notifier.adapters import webhooks as store
from civic311_notifier.adapters.outbox import Pending
from civic311_notifier.domain.audience import Audience
from civic311_notifier.domain.notices import Notice
from civic311_notifier.domain.webhooks import (
    STANDARD_SCHEDULE,
    SUBSCRIBABLE,
    Subscription,
    body_of,
    new_secret,
    next_delay,
    signed_headers,
)

log = structlog.get_logger(__name__)


class RefusedSubscription(ValueError):
    """A subscription that cannot be made: the field and why."""

    def __init__(self, field: str, why: str) -> None:
        super().__init__(f"{field}: {why}")
        self.field = field


async def subscribe(
    pool: asyncpg.Pool, wanted: Subscription, *, allow_private: bool
) -> tuple[Subscription, str]:
    """Record a subscription; its secret, returned here only (it is never shown again)."""
    unknown = sorted(wanted.event_types - SUBSCRIBABLE)
    if unknown or not wanted.event_types:
        raise RefusedSubscription(
            "event_types", f"choose among {', '.join(sorted(SUBSCRIBABLE))} (not {', '.join(unknown)})"
        )
    if not allow_private:
        refused = await store.refused_address(wanted.url)
        if refused is not None:
            raise RefusedSubscription(
                "url", f"resolves to {refused}, which is not a public address (WEBHOOK_ALLOW_PRIVATE)"
            )
    secret = new_secret()
    made = replace(wanted, id=str(uuid.uuid4()))
    await store.add(pool, made, secret)
    return made, secret


async def deliveries(envelope: Envelope[Any], audience: Audience, conn: asyncpg.Connection) -> list[Notice]:
    """The webhook deliveries of one event: one per active subscription that wants it."""
    if envelope.event_type not in SUBSCRIBABLE:
        return []
    department = getattr(envelope.payload, "department", None) or audience.department
    found = []
    raw: dict[str, Any] | None = None  # the envelope as JSON, only once a subscription wants it
    for subscription in await store.active(conn):
        if not subscription.wants(
            envelope.event_type,
            department=department,
            service_code=audience.service_code,
            confidential=audience.confidential,
        ):
            continue
        raw = raw if raw is not None else envelope.model_dump(mode="json")
        body = body_of(raw, type(envelope.payload), personal_data=subscription.personal_data)
        found.append(Notice("webhook", subscription.id, "webhook", "en", body))
    return found


@dataclass(frozen=True)
class WebhookPolicy:
    senders: int = 4
    batch: int = 16
    schedule: Sequence[float] = STANDARD_SCHEDULE
    timeout_seconds: float = 15.0
    lease: timedelta = timedelta(seconds=60)
    allow_private: bool = False
    idle_seconds: float = 1.0


class WebhookOutbox:
    """The webhook senders: claim due deliveries, POST them signed, mark, retry, disable or park."""

    def __init__(self, *, pool: asyncpg.Pool, policy: WebhookPolicy) -> None:
        self._pool = pool
        self._policy = policy
        self._wake = asyncio.Event()

    def nudge(self) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        timeout = httpx.Timeout(self._policy.timeout_seconds)
        # Redirects are not followed: a public URL must not lead the notifier to a private one.
        # A task group: a worker that fails (the database went away) takes the others down with it.
        async with (
            httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client,
            asyncio.TaskGroup() as workers,
        ):
            for _ in range(self._policy.senders):
                workers.create_task(self._worker(stop, client))

    async def _worker(self, stop: asyncio.Event, client: httpx.AsyncClient) -> None:
        while not stop.is_set():
            self._wake.clear()  # before looking: a nudge while looking means look again
            claimed = await outbox.claim(
                self._pool, limit=self._policy.batch, lease=self._policy.lease, channel="webhook"
            )
            for item in claimed.items:
                await self._deliver(client, item)
            if claimed.taken:
                continue
            await pause(stop, self._wake, timeout=self._policy.idle_seconds)

    async def _deliver(self, client: httpx.AsyncClient, item: Pending) -> None:
        found = await store.secret_and_url(self._pool, item.recipient)
        if found is None or found[2] != "active":
            await outbox.park(self._pool, [item.id], error="the subscription is disabled or gone")
            return
        secret, url, _ = found
        if not self._policy.allow_private:
            refused = await store.refused_address(url)
            if refused is not None:  # checked again at each delivery: DNS may have changed since
                await self._failed(item, f"url resolves to {refused}, not a public address", None)
                return
        body = json.dumps(item.facts, separators=(",", ":")).encode()
        headers = signed_headers(secret, f"msg_{item.message_key.hex}", int(time.time()), body)
        answer = await store.post(client, url, body, headers)
        if answer.error is None:
            await outbox.mark_sent(self._pool, [item.id])
        elif answer.status == 410:
            reason = f"the receiver answered 410 Gone at {url}"
            await store.disable(self._pool, item.recipient, reason=reason)
            await outbox.park_recipient(self._pool, item.recipient, channel="webhook", error=reason)
            log.warning("webhook subscription disabled", subscription=item.recipient, reason=reason)
        else:
            await self._failed(item, answer.error, answer.retry_after)

    async def _failed(self, item: Pending, error: str, retry_after: float | None) -> None:
        delay = next_delay(item.attempts, self._policy.schedule, retry_after)
        if delay is None:
            await outbox.park(self._pool, [item.id], error=f"gave up after {item.attempts} attempts: {error}")
            log.error("webhook delivery parked", id=item.id, error=error)
            return
        await outbox.retry_later(self._pool, [item.id], delay=timedelta(seconds=delay), error=error)
