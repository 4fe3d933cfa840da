"""Who listens to each request, kept folded in memory so that an event costs no read of its stream.

The audience after a request's event `v` is a fold of the stream's events 1..v (`domain/audience.py`).
The stream is append-only, so that fold never changes once made: it is kept per stream with its
version, and the next event of the stream is applied to it. Only a stream not seen lately (or whose
events in between another instance handled) is read from the store, and then only the events after
the version kept. A fold of recorded events, not of the notifier's own effects, so a rolled-back
transaction leaves nothing wrong behind.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import asyncpg

from civic311_backbone.contracts import Envelope, from_record
from civic311_backbone.store import EventStore
from civic311_notifier.domain.audience import Audience, apply

KEPT_STREAMS = 20_000
"""Requests whose audience is kept (the most recently used ones); the others are read again if needed."""


class Audiences:
    def __init__(self, store: EventStore, *, kept: int = KEPT_STREAMS) -> None:
        self._store = store
        self._kept = kept
        self._known: OrderedDict[str, tuple[int, Audience]] = OrderedDict()

    async def after(self, envelope: Envelope[Any], conn: asyncpg.Connection) -> Audience:
        """The request's audience with every event up to this one applied (read on `conn`)."""
        stream, version = envelope.stream_id, envelope.stream_version
        known_version, audience = self._known.get(stream, (0, Audience()))
        if known_version >= version:  # an earlier event again (a redelivery): fold from the start
            known_version, audience = 0, Audience()
        if known_version < version - 1:
            records = await self._store.read_stream(stream, from_version=known_version + 1, conn=conn)
            for record in records:
                if record.stream_version < version:
                    audience = apply(audience, from_record(record))
        audience = apply(audience, envelope)
        self._keep(stream, version, audience)
        return audience

    def _keep(self, stream: str, version: int, audience: Audience) -> None:
        if self._known.get(stream, (0, None))[0] > version:
            return  # a later fold is kept already
        self._known[stream] = (version, audience)
        self._known.move_to_end(stream)
        while len(self._known) > self._kept:
            self._known.popitem(last=False)
