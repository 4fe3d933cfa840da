"""What the projections read from an event: the store's RecordedEvent fits this shape as it is."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol


class Fact(Protocol):
    """One stored event, with its payload as decoded JSON (no pydantic on the replay path)."""

    @property
    def stream_id(self) -> str: ...

    @property
    def event_type(self) -> str: ...

    @property
    def occurred_at(self) -> datetime: ...

    @property
    def payload(self) -> dict[str, Any]: ...
