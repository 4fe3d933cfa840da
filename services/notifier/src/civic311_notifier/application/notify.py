"""From one request event to the notifications it gives rise to, written to the outbox.

Runs inside the consumer's transaction, beside the processed-event record: the outbox rows and the
record commit together, so an event is either fully noted or not at all, and a redelivery finds it done.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

import asyncpg

from civic311_backbone.contracts import Envelope, FollowerAdded, SlaWarning, Unsubscribed, from_record
from civic311_backbone.store import EventStore
from civic311_notifier.adapters import outbox
from civic311_notifier.application.webhooks import deliveries as webhook_deliveries
from civic311_notifier.domain.audience import fold
from civic311_notifier.domain.notices import follower_welcome, resident_notices, supervisor_notices

NOTIFIED_TYPES = frozenset(
    {
        "RequestCreated",
        "Assigned",
        "StatusUpdated",
        "Closed",
        "SlaWarning",
        "FollowerAdded",
        "Unsubscribed",
    }
)
"""What the notifier reads: the facts residents hear of, the supervisors' alarm, who listens."""


async def note_event(
    envelope: Envelope[Any],
    conn: asyncpg.Connection,
    *,
    store: EventStore,
    supervisors: Mapping[str, Sequence[str]],
    digest_window: timedelta,
) -> int:
    """Write the notifications of one event to the outbox; the number written."""
    payload = envelope.payload
    if isinstance(payload, Unsubscribed):
        scope = envelope.stream_id if payload.scope == "request" else ""
        await outbox.suppress(conn, recipient=payload.recipient, channel=payload.channel, stream_id=scope)
        return 0
    records = await store.read_stream(envelope.stream_id, conn=conn)
    history = [from_record(r) for r in records if r.stream_version <= envelope.stream_version]
    audience = fold(history)
    if isinstance(payload, FollowerAdded):
        for address, channel in ((payload.contact.email, "email"), (payload.contact.phone, "sms")):
            if address:
                await outbox.lift_suppression(
                    conn, recipient=address, channel=channel, stream_id=envelope.stream_id
                )
        notices = follower_welcome(envelope, audience)
    elif isinstance(payload, SlaWarning):
        notices = supervisor_notices(envelope, audience, supervisors)
        hooks = await webhook_deliveries(envelope, audience, conn)
        await outbox.add(
            conn,
            event_id=envelope.event_id,
            stream_id=envelope.stream_id,
            event_at=envelope.recorded_at or envelope.occurred_at,
            notices=hooks,
        )
        # Warnings falling due together wait a little to go out as one digest.
        return len(hooks) + await outbox.add(
            conn,
            event_id=envelope.event_id,
            stream_id=envelope.stream_id,
            event_at=envelope.recorded_at or envelope.occurred_at,
            notices=notices,
            not_before=envelope.occurred_at + digest_window,
        )
    else:
        notices = resident_notices(envelope, audience)
    return await outbox.add(
        conn,
        event_id=envelope.event_id,
        stream_id=envelope.stream_id,
        event_at=envelope.occurred_at,
        notices=[*notices, *await webhook_deliveries(envelope, audience, conn)],
    )
