"""The share of calls resolved without a request, from the calls and requests it is counted from."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from civic311_reporting.domain.information_calls import call_of, resolved_without_request
from civic311_reporting.domain.requests import RequestState, fold
from civic311_reporting.domain.selection import Selection

MONDAY = datetime(2026, 3, 2, 9, tzinfo=UTC)


class Event:
    def __init__(self, stream_id: str, event_type: str, occurred_at: datetime, payload: dict[str, object]):
        self.stream_id, self.event_type, self.occurred_at, self.payload = (
            stream_id,
            event_type,
            occurred_at,
            payload,
        )


def phone_request(code: str, at: datetime, channel: str = "phone") -> RequestState:
    return RequestState(f"request-{code}-{at.isoformat()}", service_code=code, channel=channel, created_at=at)


def test_a_call_s_topic_is_its_request_type_else_the_agent_s_words_else_the_answer() -> None:
    assert (
        call_of(MONDAY, {"service_code": "POTHOLE", "topic": "roads", "channel": "phone"}).topic == "POTHOLE"
    )
    assert call_of(MONDAY, {"topic": "bus timetable", "channel": "walk_in"}).topic == "bus timetable"
    assert call_of(MONDAY, {"answer_slug": "water-bill", "channel": "phone"}).topic == "answer: water-bill"


def test_calls_and_phone_requests_of_the_period_give_the_share_per_topic() -> None:
    calls = [
        call_of(MONDAY, {"service_code": "MISSED_TRASH", "channel": "phone"}),
        call_of(MONDAY + timedelta(hours=1), {"service_code": "MISSED_TRASH", "channel": "phone"}),
        call_of(MONDAY, {"service_code": "MISSED_TRASH", "channel": "walk_in"}),  # another channel
        call_of(MONDAY - timedelta(days=3), {"service_code": "POTHOLE", "channel": "phone"}),  # before
    ]
    requests = [
        phone_request("MISSED_TRASH", MONDAY),
        phone_request("POTHOLE", MONDAY),
        phone_request("POTHOLE", MONDAY, channel="web"),  # not by phone
    ]
    week = Selection(created_from=date(2026, 3, 2), created_to=date(2026, 3, 8))
    found = resolved_without_request(calls, requests, week, as_of=MONDAY + timedelta(days=2))
    assert (found.overall.information_calls, found.overall.requests_filed) == (2, 2)
    assert found.overall.share == 0.5
    assert [(r.topic, r.information_calls, r.requests_filed, r.share) for r in found.by_topic] == [
        ("MISSED_TRASH", 2, 1, 2 / 3),
        ("POTHOLE", 0, 1, 0.0),
    ]
    nothing = resolved_without_request([], [], Selection(), as_of=MONDAY)
    assert nothing.overall.share is None and nothing.by_topic == []


def test_an_information_call_is_no_request_in_the_fold() -> None:
    states = fold(
        [
            Event("call-1", "InformationCallLogged", MONDAY, {"topic": "bus", "channel": "phone"}),
            Event("request-1", "RequestCreated", MONDAY, {"service_code": "POTHOLE", "channel": "phone"}),
        ]
    )
    assert list(states) == ["request-1"]
