"""What a resident sees of a request's events: each public change once, and nothing internal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

from civic311_backbone.contracts import (
    Actor,
    Assigned,
    Envelope,
    Location,
    RequestCreated,
    SlaWarning,
    StatusUpdated,
)
from civic311_backbone.contracts.envelope import Payload
from civic311_backbone.contracts.events import Cost
from civic311_intake.domain.public_view import public_view

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
STAFF = Actor(kind="staff", id="staff:ana")


def events(*payloads: Payload) -> list[Envelope[Any]]:
    return [
        Envelope[Any](
            event_id=uuid4(),
            stream_id="request-TEST",
            stream_version=version,
            event_type=payload.event_type,
            schema_version=payload.schema_version,
            occurred_at=START + timedelta(hours=version),
            correlation_id=uuid4(),
            actor=STAFF,
            payload=payload,
        )
        for version, payload in enumerate(payloads, start=1)
    ]


def test_a_cost_recorded_without_a_note_and_an_internal_alarm_are_not_news_to_the_resident() -> None:
    view = public_view(
        events(
            RequestCreated(
                tracking_number="TEST",
                service_code="POTHOLE",
                location=Location(lat=42.3, long=-71.1),
                channel="web",
            ),
            Assigned(department="Public Works", queue="PWD-Streets"),
            StatusUpdated(status="in_progress", public_note="Crew on the way"),
            StatusUpdated(status="in_progress", cost=Cost(labour_hours=Decimal("1.5"))),
            SlaWarning(
                stage="approaching", due_at=START + timedelta(days=2), department="Public Works", queue="Q"
            ),
            StatusUpdated(status="in_progress", public_note="Asphalt ordered"),
        )
    )

    assert view is not None
    assert [(e.status, e.note) for e in view.timeline] == [
        ("received", None),
        ("assigned", None),
        ("in_progress", "Crew on the way"),
        ("in_progress", "Asphalt ordered"),
    ]
    assert view.updated_at == START + timedelta(hours=6)
