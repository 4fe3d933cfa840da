"""Each event's JSON Schema describes the message the relay really publishes for it."""

from __future__ import annotations

from typing import Any

import pytest

from civic311.contracts_export import (
    event_json_schema,
    internal_fields,
    is_internal_event,
    personal_data_fields,
)
from civic311_backbone.contracts import CORE_EVENTS, Payload, from_dict
from tests.contracts.support import EXAMPLE_PAYLOADS, wire_message

EVENT_TYPES = [pytest.param(cls, id=cls.event_type) for cls in CORE_EVENTS]


def validator(schema: dict[str, Any]) -> Any:
    """A JSON Schema 2020-12 validator that checks formats too (uuid, date-time)."""
    jsonschema = pytest.importorskip(
        "jsonschema", reason="jsonschema is not installed (a dev dependency: jsonschema==4.26.0)"
    )
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_every_core_event_has_an_example() -> None:
    assert set(EXAMPLE_PAYLOADS) == {cls.event_type for cls in CORE_EVENTS}


@pytest.mark.parametrize("payload_type", EVENT_TYPES)
def test_the_envelope_carries_its_own_payload(payload_type: type[Payload]) -> None:
    schema = event_json_schema(payload_type)
    name = payload_type.event_type

    assert schema["properties"]["payload"]["$ref"] == f"#/$defs/{name}"
    own = payload_type.model_json_schema()
    own.pop("$defs", None)
    assert schema["$defs"][name] == own
    assert schema["properties"]["event_type"]["const"] == name
    assert {"event_id", "stream_id", "correlation_id", "actor", "payload"} <= set(schema["required"])


@pytest.mark.parametrize("payload_type", EVENT_TYPES)
def test_the_schema_accepts_the_message_the_relay_publishes(payload_type: type[Payload]) -> None:
    message = wire_message(EXAMPLE_PAYLOADS[payload_type.event_type])

    errors = list(validator(event_json_schema(payload_type)).iter_errors(message))

    assert errors == []


@pytest.mark.parametrize("payload_type", EVENT_TYPES)
def test_the_example_messages_are_what_subscribers_read(payload_type: type[Payload]) -> None:
    """Without the schema: the example is a real wire message, that civic311's own reader accepts."""
    example = EXAMPLE_PAYLOADS[payload_type.event_type]

    envelope = from_dict(wire_message(example))

    assert envelope.payload == example


def test_the_schema_rejects_another_event_type_and_a_broken_payload() -> None:
    check = validator(event_json_schema(CORE_EVENTS[0]))
    assigned = wire_message(EXAMPLE_PAYLOADS["Assigned"])
    no_tracking_number = wire_message(EXAMPLE_PAYLOADS["RequestCreated"])
    del no_tracking_number["payload"]["tracking_number"]
    bad_event_id = {**wire_message(EXAMPLE_PAYLOADS["RequestCreated"]), "event_id": "not-a-uuid"}

    assert not check.is_valid(assigned)
    assert not check.is_valid(no_tracking_number)
    assert not check.is_valid(bad_event_id)


def test_the_residents_contact_is_marked_personal_data() -> None:
    schema = event_json_schema(CORE_EVENTS[0])

    assert personal_data_fields(schema["$defs"]) == ["RequestCreated.contact"]
    assert schema["$defs"]["Contact"]["x-personal-data"] is True


def test_what_a_public_feed_must_not_show_is_marked_internal() -> None:
    models: dict[str, Any] = {}
    for cls in CORE_EVENTS:
        models.update(event_json_schema(cls)["$defs"])

    assert internal_fields(models) == [
        "Assigned.note",
        "Assigned.rule",
        "Closed.cost",
        "Closed.internal_note",
        "DuplicateReviewed.reason",
        "PhotoChanged.reason",
        "StatusUpdated.cost",
        "StatusUpdated.internal_note",
        "TransferRequested.note",
    ]
    assert [cls.event_type for cls in CORE_EVENTS if is_internal_event(cls)] == ["SlaWarning"]
    assert models["SlaWarning"]["x-internal"] is True


@pytest.mark.parametrize("payload_type", EVENT_TYPES)
def test_the_marks_carry_the_x_prefix_of_a_schema_extension(payload_type: type[Payload]) -> None:
    """A custom keyword without `x-` is one a validator or a code generator may take for its own."""
    keys = set(_keys(event_json_schema(payload_type)))

    assert not keys & {"personal_data", "internal", "personal"}
    assert all(not key.startswith("x-") or key in {"x-personal-data", "x-internal"} for key in keys)


def _keys(node: Any) -> list[str]:
    """Every keyword in a schema, below properties' names too (but not inside examples or defaults)."""
    if isinstance(node, list):
        return [key for item in node for key in _keys(item)]
    if not isinstance(node, dict):
        return []
    keys = []
    for key, value in node.items():
        if key in ("examples", "default", "const", "enum"):
            keys.append(key)
        elif key in ("properties", "$defs"):
            keys.extend(k for v in value.values() for k in _keys(v))
        else:
            keys.extend([key, *_keys(value)])
    return keys
