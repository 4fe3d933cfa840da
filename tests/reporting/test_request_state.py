"""Given a request's events, then this current state."""

from __future__ import annotations

from civic311_reporting.domain.requests import fold
from tests.reporting.stories import assigned, at, closed, created, fact, status


def test_a_new_request_is_open_with_its_type_channel_and_place() -> None:
    state = fold([fact("r1", created("GRAFFITI", "phone"), 0)])["r1"]

    assert (state.service_code, state.channel, state.status, state.is_open) == (
        "GRAFFITI",
        "phone",
        "open",
        True,
    )
    assert (state.lat, state.long, state.created_at) == (42.3601, -71.0589, at(0))


def test_an_assignment_sets_department_queue_and_due_time() -> None:
    state = fold([fact("r1", created(), 0), fact("r1", assigned("Parks", due_hours=72), 0.1)])["r1"]

    assert (state.department, state.queue, state.due_at) == ("Parks", "Parks-queue", at(72))


def test_a_transfer_moves_the_request_and_keeps_the_clock_when_told_to() -> None:
    states = fold(
        [
            fact("r1", created(), 0),
            fact("r1", assigned("Parks", due_hours=72), 0.1),
            fact("r1", assigned("Public Works", due_hours=None, reason="transfer", clock="continued"), 5),
        ]
    )

    assert (states["r1"].department, states["r1"].due_at, states["r1"].transfers) == (
        "Public Works",
        at(72),
        1,
    )


def test_a_close_records_resolution_time_and_cost() -> None:
    state = fold(
        [
            fact("r1", created(), 0),
            fact("r1", status("in_progress", hours=1.5, materials=20), 2),
            fact("r1", closed(hours=0.5), 3),
        ]
    )["r1"]

    assert (state.status, state.closed_at, state.resolution) == ("closed", at(3), "resolved")
    assert (state.labour_hours, state.materials) == (2.0, 20.0)


def test_a_reopen_after_close_makes_the_request_open_again() -> None:
    state = fold([fact("r1", created(), 0), fact("r1", closed(), 3), fact("r1", status("reopened"), 10)])[
        "r1"
    ]

    assert (state.status, state.is_open, state.resolution, state.reopened) == ("reopened", True, None, 1)


def test_a_duplicate_keeps_the_link_to_its_original() -> None:
    state = fold([fact("r2", created(), 0), fact("r2", closed("duplicate", duplicate_of="T-1"), 0.2)])["r2"]

    assert (state.resolution, state.duplicate_of) == ("duplicate", "T-1")


def test_a_close_that_arrives_before_the_creation_is_still_counted() -> None:
    state = fold([fact("r1", closed(), 3), fact("r1", created(), 0)])["r1"]

    assert (state.closed_at, state.created_at, state.service_code) == (at(3), at(0), "POTHOLE")


def test_replay_to_an_instant_ignores_what_happened_after_it() -> None:
    facts = [fact("r1", created(), 0), fact("r1", closed(), 30), fact("r2", created(), 40)]

    states = fold(facts, until=at(24))

    assert list(states) == ["r1"]
    assert states["r1"].is_open
