"""What the SMS and e-mail channel tests share: reading tracking numbers and what was filed."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from civic311_backbone.contracts.tracking import stream_id_for
from civic311_backbone.store import EventStore, RecordedEvent

TRACKING_NUMBER = re.compile(r"\b[2-9B-DF-HJ-NP-TV-X]{3}-[2-9B-DF-HJ-NP-TV-X]{5}\b")


async def requests_filed(store: EventStore) -> list[RecordedEvent]:
    """Every RequestCreated in this test's store (its own schema)."""
    start, end = datetime(2000, 1, 1, tzinfo=UTC), datetime.now(UTC) + timedelta(days=1)
    return [e async for e in store.read_between(start, end) if e.event_type == "RequestCreated"]


async def filed(store: EventStore, tracking_number: str) -> dict[str, Any]:
    """The RequestCreated payload of the request with this tracking number."""
    [created] = await store.read_stream(stream_id_for(tracking_number))
    assert created.event_type == "RequestCreated"
    return created.payload
