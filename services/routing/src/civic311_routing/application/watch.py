"""Fold one of a request's events into its watch: load, follow in the domain, write if unchanged."""

from __future__ import annotations

from typing import Any

import asyncpg

from civic311_backbone.contracts import Assigned, Envelope
from civic311_routing.adapters.watching import load_watch, save_watch
from civic311_routing.domain.breach import concerns_watch, follow
from civic311_routing.domain.routing import ROUTING

WATCH_ATTEMPTS = 5
"""Reads and writes of one watch before giving up (and letting the message be delivered again): a write
loses only to another writer of the same watch (the breach watcher marking a warning given)."""


class WatchContended(RuntimeError):
    pass


async def fold_into_watch(envelope: Envelope[Any], conn: asyncpg.Connection) -> None:
    """Bring the request's watch up to this event, each write one statement (see adapters.watching)."""
    if not concerns_watch(envelope):
        return
    match envelope.payload:
        case Assigned(reason="routing") if envelope.actor == ROUTING:
            # Routing's Assigned of a new request is almost always the request's first watched event:
            # write its watch as a new row without reading first; only if a row is there already,
            # read and fold.
            first = follow(None, envelope)
            if first is not None and await save_watch(conn, first, previous=None):
                return
    for _ in range(WATCH_ATTEMPTS):
        watch = await load_watch(conn, envelope.stream_id)
        changed = follow(watch, envelope)
        if changed is None or await save_watch(conn, changed, previous=watch):
            return
    raise WatchContended(f"the watch of {envelope.stream_id} kept changing while it was written")
