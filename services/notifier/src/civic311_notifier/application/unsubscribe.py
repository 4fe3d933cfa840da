"""A resident stops hearing: at once (the suppression list) and on the record (Unsubscribed)."""

from __future__ import annotations

import uuid
from typing import Literal

import asyncpg

from civic311_backbone.contracts import Actor, Unsubscribed, new_event
from civic311_backbone.store import EventStore
from civic311_notifier.adapters import outbox
from civic311_notifier.domain.links import LinkClaims, resident_ref

_UNSUBSCRIBES = uuid.UUID("a1d6c1a0-4a7e-4a8e-8e0c-63f0d7d3b311")

Scope = Literal["request", "all"]


async def unsubscribe(
    claims: LinkClaims, scope: Scope, *, pool: asyncpg.Pool, store: EventStore, secret: bytes
) -> None:
    """Suppress first, so that not one more message leaves once this returns, then record the choice;
    the same link used twice records it once."""
    channel: Literal["email", "sms"] = "sms" if claims.channel == "sms" else "email"
    await outbox.suppress(
        pool,
        recipient=claims.recipient,
        channel=channel,
        stream_id=claims.stream_id if scope == "request" else "",
    )
    event_id = uuid.uuid5(
        _UNSUBSCRIBES, f"{claims.stream_id}/{claims.recipient.lower()}/{channel}/{scope}/{claims.event_id}"
    )
    event = new_event(
        Unsubscribed(recipient=claims.recipient, channel=channel, scope=scope),
        actor=Actor(kind="resident", id=resident_ref(claims.recipient, secret)),
        event_id=event_id,
    )
    await store.append(claims.stream_id, [event], expected_version=None)
