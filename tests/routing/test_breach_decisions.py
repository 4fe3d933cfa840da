"""Breach warnings, the pure part: what routing watches, and when a supervisor is told."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from civic311_backbone.contracts import (
    Actor,
    Assigned,
    Closed,
    Envelope,
    Location,
    Payload,
    RequestCreated,
    StatusUpdated,
)
from civic311_routing.domain.breach import (
    Watch,
    breach_warning,
    concerns_watch,
    follow,
    next_warning_at,
    warning_due,
    warning_event_id,
    warning_moment,
)

STREAM = "request-BREACH01"
DUE = datetime(2026, 1, 12, 15, 0, tzinfo=UTC)
LEAD = timedelta(hours=4)
STAFF = Actor(kind="staff", id="supervisor-1")


def _event(version: int, payload: Payload) -> Envelope[Any]:
    return Envelope[Any](
        event_id=uuid4(),
        event_type=payload.event_type,
        schema_version=1,
        stream_id=STREAM,
        stream_version=version,
        occurred_at=datetime(2026, 1, 8, 15, 0, tzinfo=UTC),
        correlation_id=uuid4(),
        actor=STAFF,
        payload=payload,
    )


def _assigned(due_at: datetime | None = DUE, **changes: Any) -> Assigned:
    fields = {"department": "Public Works", "queue": "PWD-Streets-North", "due_at": due_at, **changes}
    return Assigned.model_validate(fields)


def _fold(*payloads: Payload) -> Watch | None:
    watch = None
    for version, payload in enumerate(payloads, start=2):
        watch = follow(watch, _event(version, payload)) or watch
    return watch


def _watched(warned: Any = None, *, open_: bool = True) -> Watch:
    return Watch(STREAM, 2, open_, DUE, "Public Works", "PWD-Streets-North", warned)


def test_an_assignment_with_a_due_time_is_watched() -> None:
    watch = _fold(_assigned())
    assert watch is not None
    assert (watch.open, watch.due_at, watch.queue, watch.warned) == (True, DUE, "PWD-Streets-North", None)


def test_nothing_is_due_before_the_lead() -> None:
    assert warning_due(_watched(), now=DUE - LEAD - timedelta(seconds=1), lead=LEAD) is None


def test_inside_the_lead_the_supervisor_is_told_it_is_approaching() -> None:
    assert warning_due(_watched(), now=DUE - LEAD, lead=LEAD) == "approaching"


def test_approaching_is_told_once_then_breached_at_the_due_time() -> None:
    watch = _watched("approaching")
    assert warning_due(watch, now=DUE - timedelta(seconds=1), lead=LEAD) is None
    assert warning_due(watch, now=DUE, lead=LEAD) == "breached"
    assert warning_due(_watched("breached"), now=DUE + timedelta(days=3), lead=LEAD) is None


def test_a_request_found_past_its_due_time_is_only_told_breached() -> None:
    assert warning_due(_watched(), now=DUE + timedelta(hours=1), lead=LEAD) == "breached"


def test_a_closed_request_gets_no_warning() -> None:
    watch = _fold(_assigned(), Closed(resolution="resolved"))
    assert watch is not None and not watch.open
    assert warning_due(watch, now=DUE + timedelta(hours=1), lead=LEAD) is None
    assert next_warning_at(watch, lead=LEAD) is None


def test_an_assignment_delivered_after_the_close_does_not_reopen_the_watch() -> None:
    # Given the Closed (version 3) was folded first, when the Assigned (version 2) arrives late,
    closed = follow(None, _event(3, Closed(resolution="resolved")))
    assert closed is not None
    # then nothing changes
    assert follow(closed, _event(2, _assigned())) is None


def test_a_reopened_request_is_watched_again() -> None:
    watch = _fold(_assigned(), Closed(resolution="resolved"), StatusUpdated(status="reopened"))
    assert watch is not None and watch.open
    assert warning_due(watch, now=DUE, lead=LEAD) == "breached"


def test_a_transfer_with_a_new_due_time_is_warned_afresh() -> None:
    # Given a request that has breached, when staff transfer it and the clock restarts
    later = DUE + timedelta(days=5)
    watch = follow(_watched("breached"), _event(3, _assigned(later, reason="transfer", clock="restarted")))
    # then the new due time gets its own warnings
    assert watch is not None
    assert (watch.due_at, watch.warned) == (later, None)
    assert warning_due(watch, now=later - LEAD, lead=LEAD) == "approaching"


def test_a_transfer_that_continues_the_clock_keeps_the_warnings_already_given() -> None:
    # Given the approaching warning was given, when staff transfer the request and the clock continues
    transfer = _assigned(None, reason="transfer", clock="continued", queue="BTD-Markings")
    watch = follow(_watched("approaching"), _event(3, transfer))
    # then the new queue is watched, with the same due time, and only the breach is still to come
    assert watch is not None
    assert (watch.queue, watch.due_at, watch.warned) == ("BTD-Markings", DUE, "approaching")
    assert next_warning_at(watch, lead=LEAD) == DUE


def test_imported_history_is_not_watched() -> None:
    assert _fold(_assigned(reason="import")) is None


def test_an_untimed_assignment_gets_no_warning() -> None:
    watch = _fold(_assigned(None))
    assert watch is not None
    assert warning_due(watch, now=DUE + timedelta(days=300), lead=LEAD) is None


def test_the_warning_says_what_a_supervisor_needs() -> None:
    warning = breach_warning(_watched(), "approaching", lead=LEAD)
    assert (warning.stage, warning.due_at, warning.department, warning.queue, warning.lead) == (
        "approaching",
        DUE,
        "Public Works",
        "PWD-Streets-North",
        LEAD,
    )
    assert breach_warning(_watched("approaching"), "breached", lead=LEAD).lead is None


def test_warning_ids_are_the_same_for_the_same_deadline_and_stage_only() -> None:
    first = warning_event_id(STREAM, DUE, "approaching")
    assert first == warning_event_id(STREAM, DUE.astimezone(), "approaching")
    assert first != warning_event_id(STREAM, DUE, "breached")
    assert first != warning_event_id(STREAM, DUE + timedelta(minutes=1), "approaching")
    assert first != warning_event_id("request-OTHER", DUE, "approaching")


def test_the_watcher_is_woken_only_by_what_can_bring_a_warning_forward() -> None:
    assert warning_moment(_event(2, _assigned()), lead=LEAD) == DUE - LEAD
    assert warning_moment(_event(3, StatusUpdated(status="reopened")), lead=LEAD) is None
    never = warning_moment(_event(3, Closed(resolution="resolved")), lead=LEAD)
    assert never is not None and never > DUE + timedelta(days=365 * 1000)
    assert warning_moment(_event(3, StatusUpdated(status="in_progress")), lead=LEAD) == never
    assert (
        warning_moment(
            _event(
                1,
                RequestCreated(
                    tracking_number="T-1",
                    service_code="POTHOLE",
                    location=Location(lat=42.36, long=-71.06),
                    channel="web",
                ),
            ),
            lead=LEAD,
        )
        == never
    )


def test_only_what_can_change_a_watch_is_looked_at() -> None:
    looked_at = [
        concerns_watch(_event(3, payload))
        for payload in (
            _assigned(),
            _assigned(reason="import"),
            Closed(resolution="resolved"),
            StatusUpdated(status="reopened"),
            StatusUpdated(status="in_progress"),
        )
    ]
    assert looked_at == [True, False, True, True, False]
