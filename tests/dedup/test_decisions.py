"""Dedup's decisions as stories: given these requests in the index, when this report comes, then..."""

from __future__ import annotations

import time

import pytest

from civic311_city import Catalogue, load_catalogue
from civic311_dedup.domain.decision import decide, related_codes
from civic311_dedup.domain.fold import fold
from civic311_dedup.domain.index import RequestIndex
from tests.dedup.support import CORNER, T0, known, later, moved, report


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def _index(*entries: object) -> RequestIndex:
    index = RequestIndex()
    for entry in entries:
        index.put(entry)  # type: ignore[arg-type]
    return index


def test_same_pothole_twenty_metres_and_minutes_apart_in_other_words_is_linked(catalogue: Catalogue) -> None:
    first = known(report("Deep pothole in front of 12 Main Street, by the bus stop"))
    second = known(
        report("big hole in the road near the bus stop, my tyre burst", place=moved(CORNER, east_m=20)),
        at=later(minutes=7),
    )
    decision = decide(second, confidential=False, catalogue=catalogue, index=_index(first))
    assert decision.outcome == "linked"
    assert decision.candidate is not None
    assert decision.candidate.original.tracking_number == first.tracking_number
    assert decision.candidate.distance_m == pytest.approx(20, abs=1)


def test_spanish_report_of_the_same_pothole_is_caught(catalogue: Catalogue) -> None:
    first = known(report("Deep pothole by the bus stop"))
    second = known(
        report("hay un bache enorme junto a la parada del autobus", place=moved(CORNER, north_m=12)),
        at=later(minutes=30),
    )
    decision = decide(second, confidential=False, catalogue=catalogue, index=_index(first))
    assert decision.outcome in ("linked", "flagged")


def test_a_different_problem_at_the_same_corner_is_not_matched(catalogue: Catalogue) -> None:
    pothole = known(report("Deep pothole by the bus stop"))
    graffiti = known(report("Graffiti on the bus shelter", code="GRAFFITI"), at=later(minutes=5))
    assert (
        decide(graffiti, confidential=False, catalogue=catalogue, index=_index(pothole)).outcome == "unique"
    )


def test_a_related_type_may_match(catalogue: Catalogue) -> None:
    assert "WATER_LEAK" in related_codes(catalogue, "WATER_MAIN_BREAK")
    assert "WATER_MAIN_BREAK" in related_codes(catalogue, "WATER_LEAK")  # either way round
    main = known(report("Water main burst, water gushing across the street", code="WATER_MAIN_BREAK"))
    leak = known(
        report(
            "water gushing across the street from a burst main",
            code="WATER_LEAK",
            place=moved(CORNER, east_m=30),
        ),
        at=later(minutes=20),
    )
    decision = decide(leak, confidential=False, catalogue=catalogue, index=_index(main))
    assert decision.outcome in ("linked", "flagged")
    assert decision.candidate is not None and "related type WATER_MAIN_BREAK" in decision.candidate.reasons


def test_too_far_or_too_long_ago_is_not_a_candidate(catalogue: Catalogue) -> None:
    first = known(report())
    far = known(report(place=moved(CORNER, north_m=300)), at=later(minutes=5))
    weeks_later = known(report(), at=later(days=61))  # the pothole's window is 60 days
    index = _index(first)
    assert decide(far, confidential=False, catalogue=catalogue, index=index).outcome == "unique"
    assert decide(weeks_later, confidential=False, catalogue=catalogue, index=index).outcome == "unique"


def test_a_closed_original_matches_only_within_its_reopen_window(catalogue: Catalogue) -> None:
    first = known(report())
    index = _index(first)
    fold(
        index,
        stream_id=first.stream_id,
        version=2,
        event_type="Closed",
        occurred_at=later(days=1),
        payload={"resolution": "resolved"},
    )
    soon = known(report(place=moved(CORNER, east_m=5)), at=later(days=3))  # reopen window: 7 days
    much_later = known(report(place=moved(CORNER, east_m=5)), at=later(days=10))
    assert decide(soon, confidential=False, catalogue=catalogue, index=index).outcome != "unique"
    assert decide(much_later, confidential=False, catalogue=catalogue, index=index).outcome == "unique"


def test_a_duplicate_is_never_an_original(catalogue: Catalogue) -> None:
    first = known(report())
    index = _index(first)
    fold(
        index,
        stream_id=first.stream_id,
        version=2,
        event_type="Closed",
        occurred_at=later(minutes=1),
        payload={"resolution": "duplicate", "duplicate_of": "7KQ-4MX28"},
    )
    again = known(report(), at=later(minutes=2))
    assert decide(again, confidential=False, catalogue=catalogue, index=index).outcome == "unique"
    fold(
        index,
        stream_id=first.stream_id,
        version=3,
        event_type="StatusUpdated",
        occurred_at=later(minutes=3),
        payload={"status": "reopened"},
    )
    assert decide(again, confidential=False, catalogue=catalogue, index=index).outcome == "linked"


def test_confidential_reports_are_never_matched_nor_indexed(catalogue: Catalogue) -> None:
    secret = report("Inspector taking bribes at the corner", code="ETHICS_CONCERN", confidential=True)
    index = RequestIndex()
    fold(
        index,
        stream_id="request-S",
        version=1,
        event_type="RequestCreated",
        occurred_at=T0,
        payload=secret.model_dump(mode="json"),
    )
    assert len(index) == 0
    pothole = known(report(), at=later(minutes=1))
    index.put(pothole)
    decision = decide(
        known(report(), at=later(minutes=2)), confidential=True, catalogue=catalogue, index=index
    )
    assert decision.outcome == "skipped" and "confidential" in decision.why


def test_matching_off_unknown_type_and_no_place_are_skipped_with_why(catalogue: Catalogue) -> None:
    index = _index(known(report(code="NOISE")))
    noise = decide(
        known(report(code="NOISE"), at=later(1)), confidential=False, catalogue=catalogue, index=index
    )
    unknown = decide(known(report(code="NOT_A_TYPE")), confidential=False, catalogue=catalogue, index=index)
    nowhere = decide(known(report(place=None)), confidential=False, catalogue=catalogue, index=index)
    assert (noise.outcome, unknown.outcome, nowhere.outcome) == ("skipped", "skipped", "skipped")
    assert "off" in noise.why and "unknown type" in unknown.why and "no place" in nowhere.why


def test_address_only_reports_are_matched_by_address_text(catalogue: Catalogue) -> None:
    first = known(report("Pothole outside the bakery", place=None, address="12 Main Street"))
    same = known(report("big pothole outside bakery", place=None, address="12 Main St"), at=later(10))
    other_number = known(
        report("pothole outside the bakery", place=None, address="120 Main Street"), at=later(10)
    )
    index = _index(first)
    assert decide(same, confidential=False, catalogue=catalogue, index=index).outcome in ("linked", "flagged")
    assert decide(other_number, confidential=False, catalogue=catalogue, index=index).outcome == "unique"


def test_a_four_thousand_character_description_is_decided_quickly(catalogue: Catalogue) -> None:
    index = _index(
        *(known(report("pothole " * 400, place=moved(CORNER, east_m=i * 0.3))) for i in range(200))
    )
    started = time.perf_counter()
    decision = decide(
        known(report("x" * 4000), at=later(5)), confidential=False, catalogue=catalogue, index=index
    )
    assert decision.compared == 200
    assert time.perf_counter() - started < 5  # bounded, not a timing target: a runaway would take minutes
