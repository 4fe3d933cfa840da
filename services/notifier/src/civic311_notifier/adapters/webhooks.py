"""Webhook subscriptions in PostgreSQL, and the HTTP delivery of one signed body (httpx)."""

from __future__ import annotations

import asyncio
import email.utils
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import asyncpg
import httpx

from civic311_notifier.domain.webhooks import Subscription, private_address


def _subscription(row: asyncpg.Record) -> Subscription:
    return Subscription(
        id=str(row["id"]),
        url=row["url"],
        event_types=frozenset(row["event_types"]),
        departments=frozenset(row["departments"]),
        service_codes=frozenset(row["service_codes"]),
        personal_data=row["personal_data"],
        confidential=row["confidential"],
    )


async def add(conn: asyncpg.Pool, subscription: Subscription, secret: str) -> None:
    await conn.execute(
        """INSERT INTO notifier_webhooks
               (id, url, secret, event_types, departments, service_codes, personal_data, confidential)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""",
        UUID(subscription.id),
        subscription.url,
        secret,
        sorted(subscription.event_types),
        sorted(subscription.departments),
        sorted(subscription.service_codes),
        subscription.personal_data,
        subscription.confidential,
    )


async def active(conn: asyncpg.Connection) -> list[Subscription]:
    rows = await conn.fetch("SELECT * FROM notifier_webhooks WHERE state = 'active' ORDER BY created_at")
    return [_subscription(r) for r in rows]


async def secret_and_url(pool: asyncpg.Pool, subscription_id: str) -> tuple[str, str, str] | None:
    row = await pool.fetchrow(
        "SELECT secret, url, state FROM notifier_webhooks WHERE id = $1", UUID(subscription_id)
    )
    return None if row is None else (row["secret"], row["url"], row["state"])


async def disable(pool: asyncpg.Pool, subscription_id: str, *, reason: str) -> bool:
    done = await pool.fetchval(
        """UPDATE notifier_webhooks SET state = 'disabled', disabled_reason = $2, disabled_at = now()
           WHERE id = $1 AND state = 'active' RETURNING 1""",
        UUID(subscription_id),
        reason[:2000],
    )
    return done is not None


async def listing(pool: asyncpg.Pool) -> list[dict[str, Any]]:
    """What operators see: never the secret (it was shown once, when the subscription was made)."""
    rows = await pool.fetch(
        """SELECT w.id, w.url, w.event_types, w.departments, w.service_codes, w.personal_data,
                  w.confidential, w.state, w.disabled_reason, w.created_at, w.disabled_at,
                  count(o.*) FILTER (WHERE o.state = 'pending') AS pending,
                  count(o.*) FILTER (WHERE o.state = 'sent') AS delivered,
                  count(o.*) FILTER (WHERE o.state = 'parked') AS parked
           FROM notifier_webhooks w
           LEFT JOIN notifier_outbox o ON o.channel = 'webhook' AND o.recipient = w.id::text
           GROUP BY w.id ORDER BY w.created_at"""
    )
    return [{k: (str(v) if isinstance(v, UUID | datetime) else v) for k, v in dict(r).items()} for r in rows]


async def refused_address(url: str) -> str | None:
    """The private or loopback address this URL's host resolves to, if any (or why it resolves to none)."""
    host = urlsplit(url).hostname or ""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError as error:
        return f"{host} does not resolve ({error})"
    return private_address(str(info[4][0]) for info in infos)


@dataclass(frozen=True)
class Answer:
    status: int | None
    """None: no answer (connection refused, timeout)."""
    error: str | None = None
    retry_after: float | None = None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - time.time())


async def post(client: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str]) -> Answer:
    try:
        response = await client.post(url, content=body, headers=headers)
    except httpx.HTTPError as error:
        return Answer(None, f"{type(error).__name__}: {error}"[:500])
    if 200 <= response.status_code < 300:
        return Answer(response.status_code)
    return Answer(
        response.status_code,
        f"HTTP {response.status_code}: {response.text[:300]}",
        _retry_after(response.headers.get("retry-after")),
    )
