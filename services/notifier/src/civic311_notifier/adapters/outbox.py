"""The outbox in PostgreSQL: notifications written with the processed-event record, then worked."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg

from civic311_notifier.domain.notices import Notice, message_key

STATES = ("pending", "sent", "parked", "suppressed")
"""A notification's states: due, then settled one way or another."""


@dataclass(frozen=True)
class Pending:
    """A claimed notification, ready to be sent."""

    id: int
    event_id: UUID
    stream_id: str
    recipient: str
    channel: str
    kind: str
    language: str
    facts: dict[str, Any]
    message_key: UUID
    attempts: int
    event_at: datetime | None


async def add(
    conn: asyncpg.Connection,
    *,
    event_id: UUID,
    stream_id: str,
    event_at: datetime | None,
    notices: Sequence[Notice],
    not_before: datetime | None = None,
) -> int:
    """Write the notices of one event; one already there (same event, recipient, channel) stays as is."""
    if not notices:
        return 0
    rows = [
        (
            event_id,
            stream_id,
            n.recipient,
            n.channel,
            n.kind,
            n.language,
            json.dumps(n.facts),
            message_key(str(event_id), n.recipient, n.channel),
            event_at,
            not_before,
        )
        for n in notices
    ]
    result = await conn.fetchval(
        """WITH added AS (
               INSERT INTO notifier_outbox
                   (event_id, stream_id, recipient, channel, kind, language, facts, message_key,
                    event_at, not_before)
               SELECT e, s, r, c, k, l, f::jsonb, m, a, coalesce(nb, now())
               FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                           $7::text[], $8::uuid[], $9::timestamptz[], $10::timestamptz[])
                    AS t(e, s, r, c, k, l, f, m, a, nb)
               ON CONFLICT (event_id, recipient, channel) DO NOTHING
               RETURNING 1)
           SELECT count(*) FROM added""",
        *map(list, zip(*rows, strict=True)),
    )
    return int(result)


def _pending(row: asyncpg.Record) -> Pending:
    return Pending(
        id=row["id"],
        event_id=row["event_id"],
        stream_id=row["stream_id"],
        recipient=row["recipient"],
        channel=row["channel"],
        kind=row["kind"],
        language=row["language"],
        facts=json.loads(row["facts"]),
        message_key=row["message_key"],
        attempts=row["attempts"],
        event_at=row["event_at"],
    )


@dataclass(frozen=True)
class Claim:
    """What one claim took: the notifications to send, and how many due rows it took in all (those
    to a recipient who has unsubscribed were settled as suppressed on the way)."""

    items: list[Pending]
    taken: int


async def claim(pool: asyncpg.Pool, *, limit: int, lease: timedelta, channel: str = "email") -> Claim:
    """Take up to `limit` due notifications for this sender, out of every other sender's sight for
    `lease`; a sender that dies with them leaves them due again when the lease runs out. A message to
    someone about a request is taken only once the one before it is sent (or parked). A row whose
    recipient has unsubscribed (from this request or every one) is marked suppressed in the same
    statement instead of being handed out."""
    rows = await pool.fetch(
        """UPDATE notifier_outbox o SET not_before = now() + $2::interval, attempts = o.attempts + 1,
                  state = CASE WHEN due.silenced THEN 'suppressed' ELSE o.state END,
                  sent_at = CASE WHEN due.silenced THEN now() ELSE o.sent_at END
           FROM (SELECT n.id,
                        EXISTS (SELECT 1 FROM notifier_suppressions x
                                WHERE x.recipient = lower(n.recipient) AND x.channel = n.channel
                                  AND x.stream_id IN (n.stream_id, '')) AS silenced
                 FROM notifier_outbox n
                 WHERE state = 'pending' AND not_before <= now() AND channel = $3 AND kind <> 'sla_warning'
                   -- one request's messages to one person go out in order: each waits for the one before
                   AND NOT EXISTS (SELECT 1 FROM notifier_outbox e
                                   WHERE e.stream_id = n.stream_id AND e.recipient = n.recipient
                                     AND e.state = 'pending' AND e.id < n.id)
                 ORDER BY not_before LIMIT $1 FOR UPDATE OF n SKIP LOCKED) due
           WHERE o.id = due.id
           RETURNING o.*, due.silenced""",
        limit,
        lease,
        channel,
    )
    items = sorted((_pending(r) for r in rows if not r["silenced"]), key=lambda p: p.id)
    return Claim(items, len(rows))


async def claim_digest(pool: asyncpg.Pool, *, lease: timedelta) -> list[Pending]:
    """Every due SLA warning of one supervisor (the one whose oldest is due first): one digest."""
    rows = await pool.fetch(
        """WITH first AS (SELECT recipient FROM notifier_outbox
                          WHERE state = 'pending' AND kind = 'sla_warning' AND not_before <= now()
                          ORDER BY not_before LIMIT 1 FOR UPDATE SKIP LOCKED)
           UPDATE notifier_outbox o SET not_before = now() + $1::interval, attempts = o.attempts + 1
           FROM first
           WHERE o.recipient = first.recipient AND o.kind = 'sla_warning' AND o.state = 'pending'
           RETURNING o.*""",
        lease,
    )
    return sorted((_pending(r) for r in rows), key=lambda p: p.id)


async def mark_sent(pool: asyncpg.Pool, ids: Sequence[int]) -> None:
    await pool.execute(
        "UPDATE notifier_outbox SET state = 'sent', sent_at = now(), last_error = NULL WHERE id = ANY($1)",
        list(ids),
    )


async def retry_later(
    pool: asyncpg.Pool, ids: Sequence[int], *, delay: timedelta, error: str, counted: bool = True
) -> None:
    """Due again after `delay`; an attempt not really made (`counted` false) is given back."""
    await pool.execute(
        """UPDATE notifier_outbox SET not_before = now() + $2::interval, last_error = $3,
                  attempts = attempts - CASE WHEN $4 THEN 0 ELSE 1 END
           WHERE id = ANY($1)""",
        list(ids),
        delay,
        error[:2000],
        counted,
    )


async def park(pool: asyncpg.Pool, ids: Sequence[int], *, error: str) -> None:
    await pool.execute(
        "UPDATE notifier_outbox SET state = 'parked', last_error = $2 WHERE id = ANY($1)",
        list(ids),
        error[:2000],
    )


async def park_recipient(pool: asyncpg.Pool, recipient: str, *, channel: str, error: str) -> int:
    """Park everything still pending for one recipient (a webhook subscription that is disabled)."""
    done = await pool.fetch(
        """UPDATE notifier_outbox SET state = 'parked', last_error = $3
           WHERE recipient = $1 AND channel = $2 AND state = 'pending' RETURNING id""",
        recipient,
        channel,
        error[:2000],
    )
    return len(done)


async def unpark(pool: asyncpg.Pool, ids: Sequence[int]) -> int:
    """Send parked notifications again (an operator fixed the cause)."""
    done = await pool.fetch(
        """UPDATE notifier_outbox SET state = 'pending', attempts = 0, not_before = now()
           WHERE id = ANY($1) AND state = 'parked' RETURNING id""",
        list(ids),
    )
    return len(done)


async def listing(pool: asyncpg.Pool, *, state: str, limit: int = 100) -> list[dict[str, Any]]:
    """What operators see of the outbox: never the facts (personal data beyond the address)."""
    rows = await pool.fetch(
        """SELECT id, event_id, stream_id, recipient, channel, kind, state, attempts, not_before,
                  created_at, sent_at, last_error, provider_ref
           FROM notifier_outbox WHERE state = $1 ORDER BY id DESC LIMIT $2""",
        state,
        limit,
    )
    return [{k: (str(v) if isinstance(v, UUID | datetime) else v) for k, v in dict(r).items()} for r in rows]


async def counts(pool: asyncpg.Pool) -> dict[str, int]:
    rows = await pool.fetch("SELECT state, count(*) AS n FROM notifier_outbox GROUP BY state")
    return {r["state"]: r["n"] for r in rows}


async def suppress(
    conn: asyncpg.Connection | asyncpg.Pool, *, recipient: str, channel: str, stream_id: str
) -> None:
    await conn.execute(
        """INSERT INTO notifier_suppressions (recipient, channel, stream_id) VALUES ($1, $2, $3)
           ON CONFLICT DO NOTHING""",
        recipient.strip().lower(),
        channel,
        stream_id,
    )


async def lift_suppression(conn: asyncpg.Connection, *, recipient: str, channel: str, stream_id: str) -> None:
    await conn.execute(
        "DELETE FROM notifier_suppressions WHERE recipient = $1 AND channel = $2 AND stream_id = $3",
        recipient.strip().lower(),
        channel,
        stream_id,
    )


async def mark_texted(pool: asyncpg.Pool, item_id: int, provider_ref: str) -> None:
    await pool.execute(
        """UPDATE notifier_outbox SET state = 'sent', sent_at = now(), last_error = NULL,
                  provider_ref = $2 WHERE id = $1""",
        item_id,
        provider_ref,
    )
