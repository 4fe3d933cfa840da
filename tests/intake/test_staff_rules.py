"""The desk's rules, pure: who may see, change and transfer what, and which changes a request allows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from civic311_backbone.contracts import (
    Actor,
    Assigned,
    Closed,
    Cost,
    Envelope,
    Location,
    Payload,
    RequestCreated,
    StatusUpdated,
    TransferRefused,
    TransferRequested,
    new_event_id,
)
from civic311_city.loading import load_catalogue
from civic311_intake.domain.staff.commands import (
    Acknowledge,
    BadCommand,
    Close,
    NotAllowed,
    NotNow,
    RecordCost,
    Transfer,
    UpdateStatus,
    check_view,
    decide,
    decide_transfer,
)
from civic311_intake.domain.staff.members import StaffMember
from civic311_intake.domain.staff.view import StaffRequest, staff_view

PW, PARKS, ETHICS = "Public Works", "Parks and Recreation", "Ethics Office"
T0 = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # a Monday afternoon in Boston
NUMBER = "BCD-FGHJK"

agent = StaffMember("al", "Al", "agent")
pw_staff = StaffMember("ana", "Ana", "department_staff", PW)
parks_staff = StaffMember("pat", "Pat", "department_staff", PARKS)
pw_supervisor = StaffMember("sue", "Sue", "supervisor", PW)
city_supervisor = StaffMember("cy", "Cy", "supervisor")
ethics_staff = StaffMember("eve", "Eve", "department_staff", ETHICS)
admin = StaffMember("ada", "Ada", "admin")


CATALOGUE = load_catalogue()


def envelope(payload: Payload, version: int, at: datetime, actor: str = "routing") -> Envelope[Any]:
    return Envelope(
        event_id=new_event_id(),
        event_type=payload.event_type,
        schema_version=1,
        stream_id=f"request-{NUMBER}",
        stream_version=version,
        occurred_at=at,
        correlation_id=new_event_id(),
        actor=Actor(kind="service", id=actor),
        payload=payload,
    )


def request_of(*later: Payload, service_code: str = "POTHOLE", department: str = PW) -> StaffRequest:
    created = RequestCreated(
        tracking_number=NUMBER,
        service_code=service_code,
        location=Location(lat=42.36, long=-71.06),
        channel="web",
    )
    events = [
        envelope(created, 1, T0),
        envelope(Assigned(department=department, queue="Q", due_at=T0 + timedelta(days=2)), 2, T0),
    ]
    events += [envelope(p, n, T0 + timedelta(hours=n), "staff:x") for n, p in enumerate(later, start=3)]
    view = staff_view(events)
    assert view is not None
    return view


@pytest.mark.parametrize(
    ("member", "sees", "works", "transfers"),
    [
        (agent, True, False, False),
        (pw_staff, True, True, False),
        (parks_staff, False, False, False),
        (pw_supervisor, True, True, True),
        (city_supervisor, True, True, True),
        (admin, True, True, True),
    ],
)
def test_scope_of_each_role_over_a_public_works_request(
    member: StaffMember, sees: bool, works: bool, transfers: bool
) -> None:
    assert (member.may_view(PW), member.may_work(PW), member.may_transfer(PW)) == (sees, works, transfers)


def test_a_request_not_yet_assigned_is_for_agents_to_see_and_city_wide_staff_to_work() -> None:
    assert agent.may_view(None) and not agent.may_work(None)
    assert not pw_staff.may_view(None) and not pw_supervisor.may_work(None)
    assert city_supervisor.may_work(None) and admin.may_transfer(None)


def test_a_confidential_request_is_seen_only_by_its_department_and_admins() -> None:
    assert ethics_staff.may_view(ETHICS, confidential=True) and ethics_staff.may_work(
        ETHICS, confidential=True
    )
    assert admin.may_view(ETHICS, confidential=True)
    for outsider in (agent, city_supervisor, pw_supervisor, pw_staff):
        assert not outsider.may_view(ETHICS, confidential=True), outsider
        assert not outsider.may_work(ETHICS, confidential=True), outsider


def test_who_may_file_for_a_caller() -> None:
    assert [m.may_file for m in (agent, pw_staff, pw_supervisor, admin)] == [True, False, True, True]


def test_other_departments_staff_are_refused_with_the_reason() -> None:
    request = request_of()
    with pytest.raises(NotAllowed, match="department staff of Parks and Recreation may not change BCD-FGHJK"):
        decide(parks_staff, request, Acknowledge(), confidential=False)
    with pytest.raises(NotAllowed, match="may not see"):
        check_view(parks_staff, request, confidential=False)
    with pytest.raises(NotAllowed):
        decide(agent, request, UpdateStatus(status="in_progress"), confidential=False)


def test_the_staff_view_folds_notes_costs_and_the_stage() -> None:
    request = request_of(
        StatusUpdated(status="acknowledged"),
        StatusUpdated(
            status="in_progress", internal_note="needs a crew", cost=Cost(labour_hours=Decimal("1.5"))
        ),
        StatusUpdated(status="in_progress", cost=Cost(labour_hours=2, materials=Decimal("40.10"))),
    )
    assert (request.version, request.stage, request.status, request.department) == (
        5,
        "in_progress",
        "open",
        PW,
    )
    assert request.costs.labour_hours == Decimal("3.5")
    assert request.costs.materials == {"USD": Decimal("40.10")}
    assert [e.internal_note for e in request.timeline][3] == "needs a crew"
    assert request.timeline[-1].actor == "staff:x"


def test_acknowledge_once_update_then_close_and_reopen() -> None:
    fresh = request_of()
    assert decide(pw_staff, fresh, Acknowledge(public_note="seen"), confidential=False) == StatusUpdated(
        status="acknowledged", public_note="seen"
    )
    working = request_of(StatusUpdated(status="in_progress"))
    with pytest.raises(NotNow, match="already in_progress"):
        decide(pw_staff, working, Acknowledge(), confidential=False)
    with pytest.raises(NotNow, match="only a closed request can be reopened"):
        decide(pw_staff, working, UpdateStatus(status="reopened"), confidential=False)

    closed = request_of(Closed(resolution="resolved"))
    with pytest.raises(NotNow, match="is closed"):
        decide(pw_staff, closed, Close(resolution="resolved"), confidential=False)
    with pytest.raises(NotNow, match="is closed"):
        decide(pw_staff, closed, UpdateStatus(status="in_progress"), confidential=False)
    reopened = decide(
        pw_staff, closed, UpdateStatus(status="reopened", public_note="back"), confidential=False
    )
    assert reopened == StatusUpdated(status="reopened", public_note="back")


def test_a_cost_keeps_the_request_where_it_is_and_must_be_something() -> None:
    on_hold = request_of(StatusUpdated(status="on_hold"))
    recorded = decide(pw_staff, on_hold, RecordCost(cost=Cost(materials=Decimal(12))), confidential=False)
    assert isinstance(recorded, StatusUpdated)
    assert (recorded.status, recorded.cost) == ("on_hold", Cost(materials=Decimal(12)))
    fresh = decide(pw_staff, request_of(), RecordCost(cost=Cost(labour_hours=1)), confidential=False)
    assert fresh == StatusUpdated(status="in_progress", cost=Cost(labour_hours=1))
    with pytest.raises(BadCommand, match="cost"):
        decide(pw_staff, on_hold, RecordCost(cost=Cost()), confidential=False)


def test_a_duplicate_names_another_original_and_only_a_duplicate_does() -> None:
    request = request_of()
    with pytest.raises(BadCommand) as missing:
        decide(pw_staff, request, Close(resolution="duplicate"), confidential=False)
    assert missing.value.field == "duplicate_of"
    with pytest.raises(BadCommand, match="itself"):
        decide(pw_staff, request, Close(resolution="duplicate", duplicate_of=NUMBER), confidential=False)
    with pytest.raises(BadCommand, match="only for resolution duplicate"):
        decide(pw_staff, request, Close(resolution="resolved", duplicate_of="CDF-GHJKM"), confidential=False)


def test_a_transfer_is_asked_of_routing_and_shown_pending_until_routing_answers() -> None:
    request = request_of(service_code="GRAFFITI")

    asked = decide_transfer(
        pw_supervisor,
        request,
        Transfer(department=PARKS, queue=" PRK-Maintenance ", note="on park land"),
        catalogue=CATALOGUE,
        confidential=False,
    )
    to_parks = decide_transfer(
        pw_supervisor, request, Transfer(department=PARKS), catalogue=CATALOGUE, confidential=False
    )

    assert asked == TransferRequested(department=PARKS, queue="PRK-Maintenance", note="on park land")
    assert to_parks == TransferRequested(department=PARKS, queue=None)  # routing picks the queue
    pending = request_of(asked, service_code="GRAFFITI")
    assert pending.pending_transfer is not None
    assert (pending.pending_transfer.department, pending.pending_transfer.requested_by) == (PARKS, "staff:x")
    assert (pending.department, pending.timeline[-1].kind) == (PW, "transfer_requested")
    moved = request_of(
        asked, Assigned(department=PARKS, queue="PRK-Maintenance", reason="transfer", clock="restarted")
    )
    assert (moved.pending_transfer, moved.department, moved.queue) == (None, PARKS, "PRK-Maintenance")
    refused = request_of(asked, TransferRefused(department=PARKS, reason="no such queue"))
    assert (refused.pending_transfer, refused.department) == (None, PW)
    assert (refused.timeline[-1].kind, refused.timeline[-1].reason) == ("transfer_refused", "no such queue")


def test_only_supervisors_transfer_and_only_to_a_known_department() -> None:
    request = request_of()
    with pytest.raises(NotAllowed, match="only supervisors and admins transfer"):
        decide_transfer(
            pw_staff, request, Transfer(department=PARKS), catalogue=CATALOGUE, confidential=False
        )
    with pytest.raises(BadCommand, match="not a department"):
        decide_transfer(
            pw_supervisor, request, Transfer(department="Nowhere"), catalogue=CATALOGUE, confidential=False
        )
    with pytest.raises(BadCommand) as empty:
        decide_transfer(
            pw_supervisor, request, Transfer(department=" "), catalogue=CATALOGUE, confidential=False
        )
    assert empty.value.field == "department"
    for already in (Transfer(department=PW, queue="Q"), Transfer(department=PW)):
        with pytest.raises(NotNow, match="already with"):
            decide_transfer(pw_supervisor, request, already, catalogue=CATALOGUE, confidential=False)
    closed = request_of(Closed(resolution="withdrawn"))
    with pytest.raises(NotNow, match="is closed"):
        decide_transfer(
            pw_supervisor, closed, Transfer(department=PARKS), catalogue=CATALOGUE, confidential=False
        )
