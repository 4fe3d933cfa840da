"""What dedup needs to know of one request's own history before it acts on it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from civic311_backbone.contracts import RequestCreated


@dataclass(frozen=True)
class RequestHistory:
    created: RequestCreated | None
    closed: bool
    duplicate_of: str | None


def history(events: Iterable[tuple[str, dict[str, Any]]]) -> RequestHistory:
    """Fold (event type, payload) pairs of one stream, in order."""
    created: RequestCreated | None = None
    closed, duplicate_of = False, None
    for event_type, payload in events:
        match event_type:
            case "RequestCreated":
                created = RequestCreated.model_validate(payload)
            case "Closed":
                closed = True
                duplicate_of = (
                    payload.get("duplicate_of") if payload.get("resolution") == "duplicate" else None
                )
            case "StatusUpdated" if payload.get("status") == "reopened":
                closed, duplicate_of = False, None
    return RequestHistory(created, closed, duplicate_of)
