"""One row of the gateway's request index: the public view, plus where the request is being worked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from civic311_backbone.contracts import Assigned, Envelope
from civic311_intake.domain.public_view import PublicRequest, public_view


@dataclass(frozen=True)
class IndexEntry:
    view: PublicRequest
    stream_version: int
    """How many of the stream's events this entry folds."""
    queue: str | None
    priority: str | None
    district: str | None


def index_entry(events: list[Envelope[Any]], *, stream_version: int) -> IndexEntry | None:
    """Fold a request's whole stream; None if it holds no request."""
    view = public_view(events)
    if view is None:
        return None
    latest = next((e.payload for e in reversed(events) if isinstance(e.payload, Assigned)), None)
    return IndexEntry(
        view=view,
        stream_version=stream_version,
        queue=latest.queue if latest else None,
        priority=latest.priority if latest else None,
        district=latest.district if latest else None,
    )
