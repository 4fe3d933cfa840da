"""A breaking payload change gets a new schema_version and an upcaster; stored events stay as they were."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from pydantic import Field

from civic311_backbone.contracts import Actor, Payload, from_record, from_wire, new_event, registry, to_wire
from civic311_backbone.store import EventStore
from civic311_backbone.testing.factories import new_stream_id


class NoteAddedV1(Payload):
    event_type = "NoteAdded"
    schema_version = 1
    text: str


class NoteAddedV2(Payload):
    """Version 2 split `text` into a note and the language it is written in."""

    event_type = "NoteAdded"
    schema_version = 2
    note: str
    language: str = Field(default="en")


def note_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    return {"note": payload["text"], "language": "en"}


async def test_event_stored_as_version_1_reads_as_version_2(
    store: EventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(registry.PAYLOAD_TYPES, "NoteAdded", NoteAddedV1)
    stream = new_stream_id()
    await store.append(
        stream,
        [new_event(NoteAddedV1(text="pothole filled"), actor=Actor(kind="staff", id="s1"))],
        expected_version=0,
    )
    monkeypatch.setitem(registry.PAYLOAD_TYPES, "NoteAdded", NoteAddedV2)
    monkeypatch.setitem(registry.UPCASTERS, ("NoteAdded", 1), note_v1_to_v2)

    record = (await store.read_stream(stream))[0]
    envelope = from_record(record)

    assert record.schema_version == 1, "the stored event is never edited"
    assert record.payload == {"text": "pothole filled"}
    assert envelope.schema_version == 2
    assert envelope.payload == NoteAddedV2(note="pothole filled", language="en")
    # A version-1 message on the bus is upcast the same way.
    assert from_wire(to_wire(record)).payload == NoteAddedV2(note="pothole filled")


def test_a_version_without_its_upcaster_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry.PAYLOAD_TYPES, "NoteAdded", NoteAddedV2)
    with pytest.raises(registry.MissingUpcaster, match="NoteAdded from schema version 1"):
        registry.upcast("NoteAdded", 1, orjson.loads(b'{"text": "x"}'))
