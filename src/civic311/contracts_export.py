"""The event contracts as documents for other services: a JSON Schema per event, an AsyncAPI document.

Everything here is computed from the pydantic models in civic311_backbone.contracts, so the documents say
nothing the code does not. They are committed under docs/events for subscribers to read, and
`civic311 contracts export --check` fails when the committed copies no longer match the code.

The marks the models put in the schemas (`x-personal-data`, `x-internal`: see
civic311_backbone.contracts.events) are listed in the AsyncAPI description and the index, and an internal
event's channel and message carry `x-internal` too, so a subscriber drawing a public feed sees at a glance
what to leave out.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from importlib.metadata import version
from pathlib import Path
from typing import Any

from pydantic.json_schema import DEFAULT_REF_TEMPLATE

from civic311_backbone.contracts import CORE_EVENTS, Envelope, Payload, dead_letter_subject, event_subject
from civic311_backbone.relay.relay import POSITION_HEADER

JsonObject = dict[str, Any]

DEFAULT_PREFIX = "civic311"
ASYNCAPI_FILE = "asyncapi.json"
INDEX_FILE = "README.md"
SCHEMA_SUFFIX = ".schema.json"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
COMPONENT_REF_TEMPLATE = "#/components/schemas/{model}"
PERSONAL_DATA = "x-personal-data"
INTERNAL = "x-internal"

_UUID = {"type": "string", "format": "uuid"}
_DECIMAL = {"type": "string", "pattern": "^[0-9]+$"}

RELAY_HEADERS: JsonObject = {
    "type": "object",
    "description": "NATS headers the relay sets on every event it publishes.",
    "required": ["Nats-Msg-Id", POSITION_HEADER, "correlation_id"],
    "properties": {
        "Nats-Msg-Id": {
            **_UUID,
            "description": "The event_id. JetStream stores one message per id within the stream's "
            "duplicate window, so a relay that publishes again after a crash adds nothing.",
        },
        POSITION_HEADER: {
            **_DECIMAL,
            "description": "The event's global_position in the store, in decimal: increasing, not dense.",
        },
        "correlation_id": {
            **_UUID,
            "description": "The envelope's correlation_id, to trace a chain of events without parsing it.",
        },
    },
}

DEAD_LETTER_HEADERS: JsonObject = {
    "type": "object",
    "description": "Headers of a parked message: the original message's headers, its Nats-Msg-Id made "
    "unique per consumer, and why the consumer gave up.",
    "required": [
        "Nats-Msg-Id",
        "Civic311-Error",
        "Civic311-Consumer",
        "Civic311-Attempts",
        "Civic311-Original-Subject",
    ],
    "properties": {
        "Nats-Msg-Id": {
            "type": "string",
            "description": "`{event_id}:{consumer}`: parking the same message twice stores it once.",
        },
        POSITION_HEADER: RELAY_HEADERS["properties"][POSITION_HEADER],
        "correlation_id": RELAY_HEADERS["properties"]["correlation_id"],
        "Civic311-Error": {
            "type": "string",
            "maxLength": 2000,
            "description": "The last error, as Python's repr, cut to 2,000 characters.",
        },
        "Civic311-Consumer": {"type": "string", "description": "Durable name of the consumer."},
        "Civic311-Attempts": {**_DECIMAL, "description": "How many deliveries failed."},
        "Civic311-Original-Subject": {
            "type": "string",
            "description": "The subject the message was published on.",
        },
    },
}


def schema_file_name(event_type: str) -> str:
    return f"{event_type}{SCHEMA_SUFFIX}"


def envelope_schema(payload_type: type[Payload], *, ref_template: str = DEFAULT_REF_TEMPLATE) -> JsonObject:
    """The JSON Schema of one event type: the envelope carrying that payload."""
    schema: JsonObject = Envelope[payload_type].model_json_schema(  # type: ignore[valid-type]
        ref_template=ref_template
    )
    # The model takes any type name (the registry picks the payload class); on the wire it is this one.
    schema["properties"]["event_type"]["const"] = payload_type.event_type
    schema["properties"]["event_type"]["examples"] = [payload_type.event_type]
    return schema


def event_json_schema(payload_type: type[Payload]) -> JsonObject:
    """A self-contained JSON Schema document for one event type."""
    return {"$schema": JSON_SCHEMA_DIALECT, **envelope_schema(payload_type)}


def marked_fields(schemas: Mapping[str, JsonObject], mark: str) -> list[str]:
    """Every `Model.field` whose schema carries the mark."""
    return sorted(
        f"{model}.{name}"
        for model, schema in schemas.items()
        for name, field in schema.get("properties", {}).items()
        if field.get(mark) is True
    )


def personal_data_fields(schemas: Mapping[str, JsonObject]) -> list[str]:
    """Every `Model.field` whose schema is marked personal data."""
    return marked_fields(schemas, PERSONAL_DATA)


def internal_fields(schemas: Mapping[str, JsonObject]) -> list[str]:
    """Every `Model.field` whose schema is marked internal."""
    return marked_fields(schemas, INTERNAL)


def is_internal_event(payload_type: type[Payload]) -> bool:
    """The whole event is for staff only (its payload's schema is marked internal)."""
    return payload_type.model_json_schema().get(INTERNAL) is True


def _all_models() -> JsonObject:
    """Every model's schema, by name, across all event types."""
    models: JsonObject = {}
    for payload_type in CORE_EVENTS:
        models.update(envelope_schema(payload_type).get("$defs", {}))
    return models


def asyncapi_document(prefix: str = DEFAULT_PREFIX) -> JsonObject:
    """An AsyncAPI 3.0 document of the event subjects, their headers and the dead-letter subjects."""
    schemas: JsonObject = {}
    for payload_type in CORE_EVENTS:
        envelope = envelope_schema(payload_type, ref_template=COMPONENT_REF_TEMPLATE)
        for name, definition in envelope.pop("$defs", {}).items():
            if schemas.setdefault(name, definition) != definition:
                raise ValueError(f"two different models are both called {name}")
        schemas[_envelope_component(payload_type)] = envelope
    schemas["RelayHeaders"] = RELAY_HEADERS
    schemas["DeadLetterHeaders"] = DEAD_LETTER_HEADERS

    channels: JsonObject = {}
    operations: JsonObject = {}
    messages: JsonObject = {}
    for payload_type in CORE_EVENTS:
        name = payload_type.event_type
        summary = schemas[name]["description"]
        internal = {INTERNAL: True} if is_internal_event(payload_type) else {}
        channels[name] = {
            "address": event_subject(prefix, name),
            "title": name,
            "summary": summary,
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
            **internal,
        }
        operations[f"publish{name}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{name}"},
            "summary": f"The relay publishes every stored {name} event, in the store's global order.",
            "messages": [{"$ref": f"#/channels/{name}/messages/{name}"}],
        }
        messages[name] = {
            "name": name,
            "title": name,
            "summary": summary,
            "contentType": "application/json",
            "headers": {"$ref": "#/components/schemas/RelayHeaders"},
            "correlationId": {
                "description": "Shared by every event that follows from one original action.",
                "location": "$message.header#/correlation_id",
            },
            "payload": {"$ref": f"#/components/schemas/{_envelope_component(payload_type)}"},
            **internal,
        }

    channels["DeadLetter"] = {
        "address": dead_letter_subject(prefix, "{consumer}"),
        "title": "Dead letters",
        "summary": "Messages a consumer gave up on after its bounded redeliveries.",
        "description": "The original message, unchanged, with the error in its headers; captured by the "
        "JetStream stream `{STREAM_NAME}_DLQ` (CIVIC311_DLQ by default). Nothing is dropped silently: "
        "operators read, fix and republish from here. The body may hold personal data, so this stream "
        "is for operators only.",
        "parameters": {
            "consumer": {
                "description": "Durable name of the consumer that gave up.",
                "location": "$message.header#/Civic311-Consumer",
            }
        },
        "messages": {"DeadLetter": {"$ref": "#/components/messages/DeadLetter"}},
    }
    operations["parkDeadLetter"] = {
        "action": "send",
        "channel": {"$ref": "#/channels/DeadLetter"},
        "summary": "A consumer parks a message it cannot process, and acknowledges the original.",
        "messages": [{"$ref": "#/channels/DeadLetter/messages/DeadLetter"}],
    }
    messages["DeadLetter"] = {
        "name": "DeadLetter",
        "title": "Dead letter",
        "summary": "An event a consumer could not process, with the reason.",
        "contentType": "application/json",
        "headers": {"$ref": "#/components/schemas/DeadLetterHeaders"},
        "payload": {
            "oneOf": [
                {"$ref": f"#/components/schemas/{_envelope_component(payload_type)}"}
                for payload_type in CORE_EVENTS
            ]
        },
    }

    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "civic311 service-request events",
            "version": version("civic311-backbone"),
            "description": _description(prefix, schemas),
            "license": {"name": "Apache-2.0"},
        },
        "defaultContentType": "application/json",
        "servers": {
            "nats": {
                "host": "{host}",
                "protocol": "nats",
                "description": "NATS with JetStream: the server in the services' NATS_URL.",
                "variables": {
                    "host": {
                        "default": "localhost:4222",
                        "description": "host:port of the NATS server (nats:4222 inside deploy/).",
                    }
                },
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"schemas": schemas, "messages": messages},
    }


def _envelope_component(payload_type: type[Payload]) -> str:
    return f"{payload_type.event_type}Envelope"


def _description(prefix: str, schemas: Mapping[str, JsonObject]) -> str:
    return (
        "Every change to a service request is an event in civic311's PostgreSQL event store, one stream "
        "per request. A relay publishes each stored event, in the store's global order, on the subject of "
        f"its type. The JetStream stream CIVIC311 (STREAM_NAME) keeps `{prefix}.request.>`, so a "
        "subscriber can read from any position with a durable consumer. Delivery is at least once: "
        "deduplicate by `event_id`, which is also the `Nats-Msg-Id` header. Payload changes are "
        "additive; a breaking change gets a new `schema_version`. The schemas describe the current "
        "versions; an event stored under an older version is published as it was stored.\n\n"
        + _marks_text(schemas)
    )


def _marks_text(schemas: Mapping[str, JsonObject]) -> str:
    """What the two marks mean, and where they are now."""
    internal_events = [cls.event_type for cls in CORE_EVENTS if is_internal_event(cls)]
    return (
        f"**Personal data.** Fields marked `{PERSONAL_DATA}: true` in the schemas (now: "
        f"{', '.join(personal_data_fields(schemas)) or 'none'}) are a resident's personal data. They "
        "travel to the services that need them and must never be exposed publicly: not in a public feed, "
        "page, API answer, export or log line.\n\n"
        f"**Internal.** Fields marked `{INTERNAL}: true` (now: {', '.join(internal_fields(schemas)) or 'none'}) "
        "are for staff only: a public feed, map, page or API answer shows the event without them. An "
        f"event whose payload, channel and message are marked `{INTERNAL}: true` (now: "
        f"{', '.join(internal_events) or 'none'}) is for staff only as a whole: leave it out. A request "
        "whose `RequestCreated.confidential` is true is left out of everything public altogether."
    )


def index_markdown(prefix: str = DEFAULT_PREFIX) -> str:
    """docs/events/README.md: the subjects at a glance, for people."""
    rows = [
        f"| `{event_subject(prefix, cls.event_type)}` | {cls.event_type}: "
        f"{' '.join((cls.__doc__ or '').split())} | [{schema_file_name(cls.event_type)}]"
        f"({schema_file_name(cls.event_type)}) |"
        for cls in CORE_EVENTS
    ]
    dead_letter = dead_letter_subject(prefix, "{consumer}")
    return "\n".join(
        [
            "# civic311 events",
            "",
            "Generated by `civic311 contracts export` from the pydantic models in "
            "`shared/backbone/src/civic311_backbone/contracts`; do not edit by hand. "
            "`civic311 contracts export --check` fails when these files are stale.",
            "",
            "| subject | event | JSON Schema of the message |",
            "|---|---|---|",
            *rows,
            f"| `{dead_letter}` | a message the consumer gave up on, unchanged, with the error in "
            "headers | one of the above |",
            "",
            f"Headers on every event: `Nats-Msg-Id` (= `event_id`), `{POSITION_HEADER}` (= "
            "`global_position`), `correlation_id`. On a dead letter also `Civic311-Error`, "
            "`Civic311-Consumer`, `Civic311-Attempts` and `Civic311-Original-Subject`.",
            "",
            f"[{ASYNCAPI_FILE}]({ASYNCAPI_FILE}) is the AsyncAPI 3.0 document of all of it.",
            "",
            _marks_text(_all_models()),
            "",
        ]
    )


def render_documents(prefix: str = DEFAULT_PREFIX) -> dict[str, str]:
    """Every document, by file name, as the exact text to write."""
    documents = {schema_file_name(cls.event_type): _json_text(event_json_schema(cls)) for cls in CORE_EVENTS}
    documents[ASYNCAPI_FILE] = _json_text(asyncapi_document(prefix))
    documents[INDEX_FILE] = index_markdown(prefix)
    return documents


def stale_documents(out_dir: Path, documents: Mapping[str, str]) -> list[str]:
    """What in out_dir differs from the documents: `name (missing|differs|no longer generated)`."""
    stale = []
    for name, text in documents.items():
        path = out_dir / name
        if not path.is_file():
            stale.append(f"{name} (missing)")
        elif path.read_text(encoding="utf-8") != text:
            stale.append(f"{name} (differs)")
    stale.extend(
        f"{path.name} (no longer generated)"
        for path in sorted(out_dir.glob(f"*{SCHEMA_SUFFIX}"))
        if path.name not in documents
    )
    return stale


def export_documents(out_dir: Path, *, check: bool) -> int:
    """Write the documents into out_dir, or with check only compare them. The exit code."""
    documents = render_documents()
    if check:
        stale = stale_documents(out_dir, documents)
        if stale:
            print(f"{out_dir} does not match the event contracts in the code:", file=sys.stderr)
            for line in stale:
                print(f"  {line}", file=sys.stderr)
            print(f"Run: civic311 contracts export {out_dir}", file=sys.stderr)
            return 1
        print(f"{out_dir}: up to date ({len(documents)} files)")
        return 0
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in documents.items():
        (out_dir / name).write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {len(documents)} files to {out_dir}")
    for line in stale_documents(out_dir, documents):
        print(f"  delete by hand: {line}", file=sys.stderr)
    return 0


def _json_text(document: JsonObject) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
