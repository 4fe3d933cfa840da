"""The bus handler of the request events: each one's notifications into the outbox."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

import asyncpg

from civic311_backbone.consuming import Handler
from civic311_backbone.contracts import Envelope
from civic311_backbone.store import EventStore
from civic311_notifier.application.notify import note_event


def notifier_handler(
    store: EventStore, *, supervisors: Mapping[str, Sequence[str]], digest_window: timedelta
) -> Handler:
    async def handle(envelope: Envelope[Any], conn: asyncpg.Connection) -> None:
        await note_event(envelope, conn, store=store, supervisors=supervisors, digest_window=digest_window)

    return handle
