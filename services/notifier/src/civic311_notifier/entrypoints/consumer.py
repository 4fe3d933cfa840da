"""The bus handler of the request events: each one's notifications into the outbox, and after the
commit a nudge to the senders of the channels it wrote to (the others are not disturbed)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any
from uuid import UUID

import asyncpg

from civic311_backbone.consuming import Handler
from civic311_backbone.consuming.runtime import AfterCommit
from civic311_backbone.contracts import Envelope
from civic311_backbone.store import EventStore
from civic311_notifier.application.audiences import Audiences
from civic311_notifier.application.notify import note_event

_REMEMBERED = 4096
"""Events whose channels wait for their commit; more means some rolled back and will come again."""


def notifier_handler(
    store: EventStore,
    *,
    supervisors: Mapping[str, Sequence[str]],
    digest_window: timedelta,
    nudge: Mapping[str, Callable[[], None]],
) -> tuple[Handler, AfterCommit]:
    """The handler, and what to do once its transaction committed: wake the senders it gave work."""
    audiences = Audiences(store)
    written: dict[UUID, set[str]] = {}

    async def handle(envelope: Envelope[Any], conn: asyncpg.Connection) -> None:
        channels = await note_event(
            envelope, conn, audiences=audiences, supervisors=supervisors, digest_window=digest_window
        )
        if len(written) >= _REMEMBERED:
            written.clear()  # only nudges are forgotten: the senders' idle poll finds the rows
        written[envelope.event_id] = channels

    async def committed(envelope: Envelope[Any]) -> None:
        for channel in written.pop(envelope.event_id, ()):
            nudge[channel]()

    return handle, committed
