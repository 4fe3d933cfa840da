"""One row of the gateway's request index, from the request's one fold: its public view, plus where it is
being worked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from civic311_backbone.contracts import Envelope
from civic311_intake.domain.public_view import PublicRequest, public_view_of
from civic311_intake.domain.request import fold


@dataclass(frozen=True)
class IndexEntry:
    view: PublicRequest
    stream_version: int
    """How many of the stream's events this entry folds."""
    queue: str | None
    priority: str | None
    district: str | None
    listed: bool = False
    """Whether 'already reported?' may offer it: open, placed, not confidential, not a duplicate."""


def index_entry(events: list[Envelope[Any]], *, stream_version: int) -> IndexEntry | None:
    """Fold a request's whole stream; None if it holds no request."""
    state = fold(events)
    if state is None:
        return None
    latest = state.assignment
    return IndexEntry(
        view=public_view_of(state),
        stream_version=stream_version,
        queue=latest.queue if latest else None,
        priority=latest.priority if latest else None,
        district=latest.district if latest else None,
        listed=state.status == "open"
        and not state.created.confidential
        and state.duplicate_of is None
        and state.created.location.lat is not None
        and state.created.location.long is not None,
    )
