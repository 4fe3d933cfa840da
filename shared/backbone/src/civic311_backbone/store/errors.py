"""Errors the event store raises, named for what went wrong."""

from __future__ import annotations


class EventStoreError(Exception):
    """Base of the event store's errors."""


class WrongExpectedVersion(EventStoreError):
    """The stream moved on since the caller read it. Reload the stream, decide again, retry."""

    def __init__(self, stream_id: str, expected: int | None, actual: int | None) -> None:
        super().__init__(f"stream {stream_id!r} is at version {actual}, not the expected {expected}")
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual


class EventIdReused(EventStoreError):
    """Some of the event ids are already stored, but not as this same append: a caller's bug."""
