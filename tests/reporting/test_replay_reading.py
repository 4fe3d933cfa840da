"""A replay may read only the payload fields the fold reads: it must then build the very same states."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import asyncpg

from civic311_backbone.contracts import Actor, new_event
from civic311_backbone.contracts.envelope import Payload
from civic311_backbone.store import EventStore
from civic311_reporting.domain.requests import apply
from civic311_reporting.replay import FOLDED, replay_states
from tests.reporting.stories import StoredFact, assigned, at, closed, created, fact, status
from tests.support.waiting import eventually

STAFF = Actor(kind="staff", id="staff-1")


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
    }


class Reading(dict[str, Any]):
    """A payload that remembers which of its fields were read."""

    seen: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        Reading.seen.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> Any:
        Reading.seen.add(key)
        return super().__getitem__(key)


def test_the_fold_reads_no_field_the_replay_leaves_in_the_database() -> None:
    for stream, life in lives().items():
        states: dict[str, Any] = {}
        for payload, hours in life:
            stored = fact(stream, payload, hours)
            Reading.seen = set()
            apply(states, StoredFact(stream, stored.event_type, stored.occurred_at, Reading(stored.payload)))

            assert Reading.seen <= set(FOLDED[stored.event_type]), stored.event_type


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
