"""A replay may have the database cut out only the payload values the fold takes: it must then build
the very same states as a replay of whole payloads."""

from __future__ import annotations

from dataclasses import replace

import asyncpg

from civic311_backbone.contracts import Actor, Location, RequestCreated, new_event
from civic311_backbone.contracts.envelope import Payload
from civic311_backbone.store import EventStore
from civic311_reporting.application.replay import replay_states
from tests.reporting.stories import assigned, at, closed, created, status
from tests.support.waiting import eventually

STAFF = Actor(kind="staff", id="staff-1")
ADDRESS = Location(address_string="1 City Hall Sq")  # no coordinates


def lives() -> dict[str, list[tuple[Payload, float]]]:
    """Requests of every shape: timed, untimed, transferred, reopened, costed, duplicate."""
    return {
        "resolved": [(created(), 0), (assigned(due_hours=48, district="North"), 0), (closed(hours=2), 30)],
        "untimed": [
            (created("GRAFFITI", "phone", lat=42.1, long=-71.2), 0),
            (assigned("Parks", due_hours=None), 1),
        ],
        "transferred": [
            (created(), 0),
            (assigned("Parks", due_hours=24), 0),
            (assigned("Public Works", due_hours=None, reason="transfer", clock="continued"), 5),
            (status("in_progress", hours=1.5, materials=20.25), 6),
        ],
        "reopened": [(created(), 0), (assigned(), 0), (closed(), 10), (status("reopened"), 20)],
        "duplicate": [(created(), 0), (assigned(), 0), (closed("duplicate", duplicate_of="T-9"), 3)],
        "open": [(created("TREE", "sms"), 0)],
        "addressed": [
            (RequestCreated(tracking_number="T-2", service_code="TREE", location=ADDRESS, channel="web"), 0)
        ],
    }


async def test_a_replay_of_only_the_folded_fields_builds_the_same_states(
    store: EventStore, pool: asyncpg.Pool
) -> None:
    for stream, life in lives().items():
        events = [replace(new_event(p, actor=STAFF), occurred_at=at(hours)) for p, hours in life]
        await store.append(f"request-{stream}", events, expected_version=0)

    whole = await eventually(lambda: replay_states(store), until=lambda s: len(s) == len(lives()))
    folded = await replay_states(store, narrow=True)

    assert folded == whole
    assert (whole["request-transferred"].department, whole["request-transferred"].due_at) == (
        "Public Works",
        at(24),
    )
    assert (whole["request-transferred"].labour_hours, whole["request-transferred"].materials) == (1.5, 20.25)
    assert whole["request-resolved"].district == "North"
    assert whole["request-duplicate"].duplicate_of == "T-9"
    assert (whole["request-addressed"].lat, whole["request-addressed"].long) == (None, None)
