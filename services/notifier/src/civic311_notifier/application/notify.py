"""From one request event to the notifications it gives rise to, written to the outbox.

Runs inside the consumer's transaction, beside the processed-event record: the outbox rows and the
record commit together, so an event is either fully noted or not at all, and a redelivery finds it done.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

import asyncpg

from civic311_backbone.contracts import Envelope, FollowerAdded, SlaWarning, Unsubscribed
from civic311_notifier.adapters import outbox
from civic311_notifier.application.audiences import Audiences
from civic311_notifier.application.webhooks import deliveries as webhook_deliveries
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
    audiences: Audiences,
    supervisors: Mapping[str, Sequence[str]],
    digest_window: timedelta,
) -> set[str]:
    """Write the notifications of one event to the outbox; the channels to send on at once."""
    payload = envelope.payload
    if isinstance(payload, Unsubscribed):
        scope = envelope.stream_id if payload.scope == "request" else ""
        await outbox.suppress(conn, recipient=payload.recipient, channel=payload.channel, stream_id=scope)
    audience = await audiences.after(envelope, conn)
    if isinstance(payload, Unsubscribed):
        return set()
    event_at = envelope.recorded_at or envelope.occurred_at
    if isinstance(payload, SlaWarning):
        # Warnings falling due together wait a little to go out as one digest: nothing to send now.
        await outbox.add(
            conn,
            event_id=envelope.event_id,
            stream_id=envelope.stream_id,
            event_at=event_at,
            notices=supervisor_notices(envelope, audience, supervisors),
            not_before=envelope.occurred_at + digest_window,
        )
        notices = await webhook_deliveries(envelope, audience, conn)
    elif isinstance(payload, FollowerAdded):
        for address, channel in ((payload.contact.email, "email"), (payload.contact.phone, "sms")):
            if address:
                await outbox.lift_suppression(
                    conn, recipient=address, channel=channel, stream_id=envelope.stream_id
                )
        notices = follower_welcome(envelope, audience)
    else:
        notices = [*resident_notices(envelope, audience), *await webhook_deliveries(envelope, audience, conn)]
    await outbox.add(
        conn,
        event_id=envelope.event_id,
        stream_id=envelope.stream_id,
        event_at=event_at if isinstance(payload, SlaWarning) else envelope.occurred_at,
        notices=notices,
    )
    return {notice.channel for notice in notices}
