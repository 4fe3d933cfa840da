"""From stored or wire JSON to typed envelopes, upcasting old schema versions on the way.

A breaking change to a payload gets a new schema_version and an upcaster registered here, which turns
the previous version's JSON into the next; stored events are never edited.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

import orjson

from civic311_backbone.contracts.envelope import Actor, Envelope, Payload, new_event_id, utc_now
from civic311_backbone.contracts.events import CORE_EVENTS
from civic311_backbone.store.records import NewEvent, RecordedEvent

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]

PAYLOAD_TYPES: dict[str, type[Payload]] = {cls.event_type: cls for cls in CORE_EVENTS}
UPCASTERS: dict[tuple[str, int], Upcaster] = {}
"""(event_type, from_version) -> function turning that version's payload into from_version + 1."""


class UnknownEventType(ValueError):
    pass


class MissingUpcaster(LookupError):
    """A stored schema version has no upcaster to the current one: a deployment error."""


def upcast(event_type: str, schema_version: int, payload: dict[str, Any]) -> dict[str, Any]:
    """Bring a payload from its stored schema version to the current one."""
    target = PAYLOAD_TYPES[event_type].schema_version
    version = schema_version
    while version < target:
        upcaster = UPCASTERS.get((event_type, version))
        if upcaster is None:
            raise MissingUpcaster(f"no upcaster for {event_type} from schema version {version}")
        payload = upcaster(payload)
        version += 1
    return payload


def payload_type(event_type: str) -> type[Payload]:
    try:
        return PAYLOAD_TYPES[event_type]
    except KeyError:
        raise UnknownEventType(event_type) from None


def from_record(record: RecordedEvent) -> Envelope[Payload]:
    """A stored event as a typed, validated envelope."""
    cls = payload_type(record.event_type)
    return Envelope[cls].model_validate(  # type: ignore[valid-type]
        {
            "event_id": record.event_id,
            "event_type": record.event_type,
            "schema_version": cls.schema_version,
            "stream_id": record.stream_id,
            "stream_version": record.stream_version,
            "occurred_at": record.occurred_at,
            "recorded_at": record.recorded_at,
            "global_position": record.global_position,
            "correlation_id": record.correlation_id,
            "causation_id": record.causation_id,
            "actor": record.actor,
            "payload": upcast(record.event_type, record.schema_version, record.payload),
        }
    )


def to_wire(record: RecordedEvent) -> bytes:
    """The JSON a stored event is published as: the envelope, payload as stored."""
    return orjson.dumps(
        {
            "event_id": str(record.event_id),
            "event_type": record.event_type,
            "schema_version": record.schema_version,
            "stream_id": record.stream_id,
            "stream_version": record.stream_version,
            "occurred_at": record.occurred_at.isoformat(),
            "recorded_at": record.recorded_at.isoformat(),
            "global_position": record.global_position,
            "correlation_id": str(record.correlation_id),
            "causation_id": str(record.causation_id) if record.causation_id else None,
            "actor": record.actor,
            "payload": record.payload,
        }
    )


def from_wire(body: bytes) -> Envelope[Payload]:
    """A published event as a typed, validated envelope (upcast to the current schema version)."""
    return from_dict(orjson.loads(body))


def from_dict(raw: dict[str, Any]) -> Envelope[Payload]:
    """A published event, already parsed from JSON, as a typed envelope."""
    raw = dict(raw)
    cls = payload_type(raw["event_type"])
    raw["payload"] = upcast(raw["event_type"], raw["schema_version"], raw["payload"])
    raw["schema_version"] = cls.schema_version
    return Envelope[cls].model_validate(raw)  # type: ignore[valid-type]


def new_event(
    payload: Payload,
    *,
    actor: Actor,
    correlation_id: UUID | None = None,
    causation: Envelope[Any] | None = None,
    event_id: UUID | None = None,
) -> NewEvent:
    """An event to append. Caused by another event, it inherits that event's correlation id."""
    event_id = event_id or new_event_id()
    if causation is not None:
        correlation_id = correlation_id or causation.correlation_id
    return NewEvent(
        event_id=event_id,
        event_type=payload.event_type,
        schema_version=payload.schema_version,
        occurred_at=utc_now(),
        correlation_id=correlation_id or event_id,
        causation_id=causation.event_id if causation is not None else None,
        actor=actor.model_dump_json(),
        payload=payload.model_dump_json(exclude_none=False),
    )
