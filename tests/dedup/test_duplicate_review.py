"""Must show, the review desk: a pair dedup scores between its thresholds is in the desk's review queue,
side by side; confirming links it, rejecting keeps both open, linking and unlinking by hand work, and an
unlink reopens the duplicate and routing routes it again. Each decision is a DuplicateReviewed on the
record with who decided and why. The gateway, relay, routing and dedup run as processes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from nats.aio.client import Client as NatsClient

from civic311_backbone.contracts import Assigned, Closed, DuplicateReviewed
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from tests.dedup.support import moved
from tests.dedup.system_support import CORNER, RunningCity, running_city
from tests.support.waiting import eventually

PUBLIC_WORKS = "Public Works"


@pytest.fixture
async def city(
    settings: BackboneSettings, pool: asyncpg.Pool, store: EventStore, nats_client: NatsClient, tmp_path: Path
) -> AsyncIterator[RunningCity]:
    async with running_city(settings, pool, store, tmp_path) as running:
        yield running


async def _pairs(city: RunningCity, headers: dict[str, str], **params: str) -> list[dict[str, Any]]:
    answer = await city.client.get("/api/staff/duplicates", params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    pairs: list[dict[str, Any]] = answer.json()["pairs"]
    return pairs


async def _flagged(city: RunningCity, description: str, north_m: float) -> str:
    number = await city.report("GRAFFITI", description, moved(CORNER, north_m=north_m), email="b@example.org")
    await city.event_of(number, "DuplicateFlagged")
    return number


@pytest.mark.slow
async def test_flagged_pairs_are_reviewed_in_the_desk(city: RunningCity) -> None:
    first = await city.report("GRAFFITI", "graffiti on the wall of the school", CORNER, email="a@example.org")
    await city.event_of(first, "Assigned")
    pair = await _flagged(city, "tags on the school gate", 45)
    reviewer, staff = await city.staff("department_staff", PUBLIC_WORKS)
    _, parks = await city.staff("department_staff", "Parks and Recreation")
    _, agent = await city.staff("agent")

    [shown] = await eventually(
        lambda: _pairs(city, staff), until=lambda found: len(found) == 1, what="the pair in the queue"
    )
    assert (shown["request"]["tracking_number"], shown["original"]["tracking_number"]) == (pair, first)
    assert shown["request"]["description"] == "tags on the school gate"
    assert shown["original"]["description"] == "graffiti on the wall of the school"
    assert 0.5 < shown["score"] < 0.8 and shown["reasons"]
    assert 40 <= shown["distance_m"] <= 50 and shown["minutes_apart"] >= 0
    assert "b@example.org" not in str(shown) and "a@example.org" not in str(shown)

    # Scope: another department neither sees nor decides; an agent sees but decides nothing.
    assert await _pairs(city, parks) == []
    refused = await city.client.get(
        "/api/staff/duplicates", params={"department": PUBLIC_WORKS}, headers=parks
    )
    assert refused.status_code == 403
    why = {"reason": "same wall, same tags"}
    as_agent = await city.client.post(f"/api/staff/duplicates/{pair}/confirm", json=why, headers=agent)
    assert as_agent.status_code == 403
    unsaid = await city.client.post(
        f"/api/staff/duplicates/{pair}/confirm", json={"reason": " "}, headers=staff
    )
    assert unsaid.status_code == 422 and "reason" in unsaid.text
    stale = await city.client.post(
        f"/api/staff/duplicates/{pair}/confirm", json={**why, "expected_version": 1}, headers=staff
    )
    assert stale.status_code == 409
    assert [e.event_type for e in await city.events(pair)].count("DuplicateReviewed") == 0

    # Confirm: a DuplicateReviewed by the reviewer, carried out by dedup as a link in their name.
    confirmed = await city.client.post(f"/api/staff/duplicates/{pair}/confirm", json=why, headers=staff)
    assert confirmed.status_code == 202, confirmed.text
    [review] = await city.event_of(pair, "DuplicateReviewed")
    assert isinstance(review.payload, DuplicateReviewed)
    assert (review.payload.decision, review.payload.original, review.payload.reason) == (
        "confirmed",
        first,
        "same wall, same tags",
    )
    assert review.actor.id == reviewer
    [closed] = await city.event_of(pair, "Closed")
    assert isinstance(closed.payload, Closed) and closed.payload.duplicate_of == first
    assert closed.actor.id == reviewer
    await city.event_of(first, "FollowerAdded")
    await eventually(lambda: _pairs(city, staff), until=lambda found: found == [], what="the queue emptied")
    again = await city.client.post(f"/api/staff/duplicates/{pair}/confirm", json=why, headers=staff)
    assert again.status_code == 409

    # Reject: both stay open, the flag leaves the queue.
    other = await _flagged(city, "tags on the school gate again", 40)
    await eventually(lambda: _pairs(city, staff), until=lambda found: len(found) == 1, what="the next pair")
    rejected = await city.client.post(
        f"/api/staff/duplicates/{other}/reject", json={"reason": "the gate is the park's"}, headers=staff
    )
    assert rejected.status_code == 202, rejected.text
    await eventually(lambda: _pairs(city, staff), until=lambda found: found == [], what="the pair gone")
    assert "Closed" not in [e.event_type for e in await city.events(other)]
    assert "Closed" not in [e.event_type for e in await city.events(first)]

    # Unlink: the duplicate reopens, and routing routes it again.
    unlinked = await city.client.post(
        "/api/staff/duplicates/unlink", json={"duplicate": pair, "reason": "two walls"}, headers=staff
    )
    assert unlinked.status_code == 202, unlinked.text
    await city.event_of(pair, "StatusUpdated")
    *_, rerouted = await city.event_of(pair, "Assigned", count=2)
    assert isinstance(rerouted.payload, Assigned) and rerouted.payload.reason == "reopen"
    shown_now = await city.client.get(f"/api/staff/requests/{pair}", headers=staff)
    assert (shown_now.json()["status"], shown_now.json()["duplicate_of"]) == ("open", None)
    kinds = [entry["kind"] for entry in shown_now.json()["timeline"]]
    assert kinds.count("duplicate_reviewed") == 2 and "duplicate_flagged" in kinds

    # Link by hand: any two, with checks that say which field is wrong.
    link = {"duplicate": other, "original": first, "reason": "the same tags after all"}
    for wrong, field in (({"original": other}, "original"), ({"original": "NOT-A-NUMBER"}, "original")):
        refused_link = await city.client.post("/api/staff/duplicates/link", json=link | wrong, headers=staff)
        assert refused_link.status_code in (400, 422) and field in refused_link.text, refused_link.text
    linked = await city.client.post("/api/staff/duplicates/link", json=link, headers=staff)
    assert linked.status_code == 202, linked.text
    [closed_by_hand] = await city.event_of(other, "Closed")
    assert isinstance(closed_by_hand.payload, Closed) and closed_by_hand.payload.duplicate_of == first
    to_a_duplicate = await city.client.post(
        "/api/staff/duplicates/link",
        json={"duplicate": pair, "original": other, "reason": "chain"},
        headers=staff,
    )
    assert to_a_duplicate.status_code == 422 and "itself a duplicate" in to_a_duplicate.text
