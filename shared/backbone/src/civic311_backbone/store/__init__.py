"""The append-only PostgreSQL event store."""

from civic311_backbone.store.errors import EventIdReused, EventStoreError, WrongExpectedVersion
from civic311_backbone.store.event_store import EventStore, PayloadFieldKind
from civic311_backbone.store.migrator import bundled_migrations, migrate
from civic311_backbone.store.pool import create_pool, notify_channel
from civic311_backbone.store.records import AppendResult, EventFact, NewEvent, RecordedEvent

__all__ = [
    "AppendResult",
    "EventFact",
    "EventIdReused",
    "EventStore",
    "EventStoreError",
    "NewEvent",
    "PayloadFieldKind",
    "RecordedEvent",
    "WrongExpectedVersion",
    "bundled_migrations",
    "create_pool",
    "migrate",
    "notify_channel",
]
