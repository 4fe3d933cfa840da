"""Example messages as the relay publishes them, and small readers of the generated documents."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from civic311_backbone.contracts import (
    Actor,
    Assigned,
    Closed,
    Contact,
    Cost,
    DuplicateFlagged,
    DuplicateReviewed,
    FollowerAdded,
    InformationCallLogged,
    Location,
    Payload,
    PhotoChanged,
    RequestCreated,
    SlaWarning,
    StatusUpdated,
    TransferRefused,
    TransferRequested,
    Unsubscribed,
    new_event_id,
    to_wire,
)
from civic311_backbone.contracts.events import EXAMPLE_TRACKING_NUMBER
from civic311_backbone.contracts.tracking import stream_id_for
from civic311_backbone.store import RecordedEvent

EXAMPLE_PAYLOADS: dict[str, Payload] = {
    "RequestCreated": RequestCreated(
        tracking_number=EXAMPLE_TRACKING_NUMBER,
        service_code="POTHOLE",
        description="Deep pothole by the bus stop",
        location=Location(lat=42.3601, long=-71.0589, address_string="1 City Hall Sq"),
        attributes={"SIZE": "large", "LANES": ["1", "2"]},
        channel="web",
        language="es",
        contact=Contact(first_name="Ana", email="resident@example.org"),
    ),
    "Assigned": Assigned(
        department="Public Works",
        queue="PWD-Streets-North",
        priority="high",
        due_at=datetime(2025, 3, 4, 17, 0, tzinfo=UTC),
        district="North",
        rule="default-by-type",
    ),
    "StatusUpdated": StatusUpdated(
        status="in_progress",
        public_note="Crew on the way",
        cost=Cost(labour_hours=Decimal("1.5"), materials=Decimal("42.10")),
    ),
    "Closed": Closed(
        resolution="duplicate", duplicate_of=EXAMPLE_TRACKING_NUMBER, public_note="Same pothole"
    ),
    "SlaWarning": SlaWarning(
        stage="approaching",
        due_at=datetime(2025, 3, 4, 17, 0, tzinfo=UTC),
        department="Public Works",
        queue="PWD-Streets-North",
        lead=timedelta(hours=4),
    ),
    "TransferRequested": TransferRequested(
        department="Transportation", queue="BTD-Signals", note="A signal fault, not a street light"
    ),
    "TransferRefused": TransferRefused(department="Parks", reason="not a department of this city: 'Parks'"),
    "DuplicateFlagged": DuplicateFlagged(
        original=EXAMPLE_TRACKING_NUMBER, score=0.72, distance_m=18.5, reasons=("same type", "18 m apart")
    ),
    "DuplicateReviewed": DuplicateReviewed(
        original=EXAMPLE_TRACKING_NUMBER, decision="confirmed", reason="Same pothole, same photo"
    ),
    "FollowerAdded": FollowerAdded(
        contact=Contact(email="neighbour@example.org"),
        language="es",
        reason="duplicate",
        via_tracking_number=EXAMPLE_TRACKING_NUMBER,
    ),
    "Unsubscribed": Unsubscribed(recipient="resident@example.org", channel="email", scope="request"),
    "InformationCallLogged": InformationCallLogged(
        answer_slug="holiday-collection", answer_language="es", service_code="MISSED_TRASH", channel="phone"
    ),
    "PhotoChanged": PhotoChanged(
        change="hidden",
        media_url="https://311.city.example.org/photos/5f0c8a4e9b2d4c1e8f7a6b5c4d3e2f10.jpg",
        reason="a face is recognisable",
    ),
}


def wire_message(payload: Payload, *, schema_version: int | None = None) -> dict[str, Any]:
    """The JSON the relay publishes for this payload, stored the way the store stores it."""
    now = datetime.now(UTC)
    recorded = RecordedEvent(
        global_position=42,
        event_id=new_event_id(),
        stream_id=stream_id_for(EXAMPLE_TRACKING_NUMBER),
        stream_version=1,
        event_type=payload.event_type,
        schema_version=schema_version or payload.schema_version,
        occurred_at=now,
        recorded_at=now,
        correlation_id=uuid4(),
        causation_id=uuid4(),
        actor=json.loads(Actor(kind="service", id="routing").model_dump_json()),
        payload=json.loads(payload.model_dump_json()),
    )
    message: dict[str, Any] = json.loads(to_wire(recorded))
    return message


def inline_refs(node: Any, root: Mapping[str, Any]) -> Any:
    """The node with every local `$ref` replaced by what it points to (KeyError if it points nowhere)."""
    if isinstance(node, list):
        return [inline_refs(item, root) for item in node]
    if not isinstance(node, dict):
        return node
    inlined = {key: inline_refs(value, root) for key, value in node.items() if key not in ("$ref", "$defs")}
    if "$ref" in node:
        return {**inline_refs(_pointer(root, node["$ref"]), root), **inlined}
    return inlined


def _pointer(root: Mapping[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), f"not a local reference: {ref}"
    target: Any = root
    for token in ref[2:].split("/"):
        target = target[token.replace("~1", "/").replace("~0", "~")]
    return target


def assert_headers_match(headers: Mapping[str, str] | None, schema: Mapping[str, Any]) -> None:
    """Headers are a flat object of strings: every required one is there, none is undocumented, and
    each value has the documented format or pattern."""
    assert headers is not None
    properties = schema["properties"]
    assert set(schema["required"]) <= set(headers), f"missing: {set(schema['required']) - set(headers)}"
    assert set(headers) <= set(properties), f"undocumented: {set(headers) - set(properties)}"
    for name, value in headers.items():
        documented = properties[name]
        assert documented["type"] == "string"
        if documented.get("format") == "uuid":
            UUID(value)
        if "pattern" in documented:
            assert re.search(documented["pattern"], value), f"{name}={value!r}"
        assert len(value) <= documented.get("maxLength", len(value))
