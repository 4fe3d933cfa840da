"""Transfer decisions with the shipped catalogue, rules and sample districts: where staff asked the
request to go, and routing's Assigned (restarting or continuing the clock) or its refusal."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest

from civic311_backbone.contracts import (
    Actor,
    Assigned,
    Closed,
    Envelope,
    Location,
    Payload,
    RequestCreated,
    StatusUpdated,
    TransferRefused,
    TransferRequested,
)
from civic311_city.calendar import due_at
from civic311_city.loading import load_catalogue, load_districts
from civic311_routing.adapters.rules_file import load_rules
from civic311_routing.domain.routing import Router
from civic311_routing.domain.transfer import (
    RequestSoFar,
    decide_transfer,
    queues_of,
    request_so_far,
)
from tests.city.calendars import city_hall, local

NORTH = Location(lat=42.37, long=-71.10)
CREATED = local(2026, 1, 8, 10, 0)  # a Thursday morning
MONDAY = local(2026, 1, 12, 9, 0)
STAFF = Actor(kind="staff", id="supervisor-1")


@pytest.fixture(scope="module")
def router() -> Router:
    return Router(
        catalogue=load_catalogue(), rules=load_rules(), districts=load_districts(), calendar=city_hall()
    )


def _request(code: str) -> RequestCreated:
    return RequestCreated(tracking_number="TST-0001", service_code=code, location=NORTH, channel="phone")


def _assigned_as_new(router: Router, code: str) -> RequestSoFar:
    """A request of this type as routing assigned it on Thursday."""
    request = _request(code)
    return RequestSoFar(
        created=request, created_at=CREATED, assignment=router.assign(request, created_at=CREATED)
    )


def _transfer(department: str, queue: str | None = None, note: str | None = None) -> TransferRequested:
    return TransferRequested(department=department, queue=queue, note=note)


def _moved(answer: Assigned | TransferRefused) -> Assigned:
    assert isinstance(answer, Assigned), answer
    return answer


def _refusal(answer: Assigned | TransferRefused) -> str:
    assert isinstance(answer, TransferRefused), answer
    return answer.reason


def test_a_transfer_restarts_the_clock_when_the_type_says_so(router: Router) -> None:
    # Given graffiti assigned on Thursday (its type restarts the clock on transfer)
    graffiti = _assigned_as_new(router, "GRAFFITI")
    # When staff transfer it to Parks the next Monday
    transfer = _transfer("Parks and Recreation", "PRK-Maintenance", note="On a park wall")
    transferred = _moved(decide_transfer(router, graffiti, transfer, at=MONDAY))
    # Then ten working days count again from the transfer
    assert (transferred.reason, transferred.clock, transferred.queue) == (
        "transfer",
        "restarted",
        "PRK-Maintenance",
    )
    assert transferred.due_at == due_at(city_hall(), MONDAY, "working_days", 10)
    assert transferred.note == "On a park wall"


def test_a_transfer_keeps_the_due_time_when_the_clock_continues(router: Router) -> None:
    pothole = _assigned_as_new(router, "POTHOLE")
    transfer = _transfer("Transportation", "BTD-Markings")
    transferred = _moved(decide_transfer(router, pothole, transfer, at=local(2026, 1, 9, 9, 0)))
    assert pothole.assignment is not None
    assert (transferred.clock, transferred.due_at, transferred.department) == (
        "continued",
        pothole.assignment.due_at,
        "Transportation",
    )


def test_a_transfer_keeps_district_and_priority_and_names_no_rule(router: Router) -> None:
    pothole = _assigned_as_new(router, "POTHOLE")
    transferred = _moved(decide_transfer(router, pothole, _transfer("Transportation"), at=MONDAY))
    assert pothole.assignment is not None
    assert (transferred.district, transferred.priority, transferred.rule) == (
        pothole.assignment.district,
        pothole.assignment.priority,
        None,
    )


@pytest.mark.parametrize(
    ("code", "department", "queue"),
    [
        # another department: its first queue in the catalogue
        ("POTHOLE", "Transportation", "BTD-Signals"),
        # the type's own department: the type's own queue, its district crew's where it has those
        ("STREET_SIGN", "Transportation", "BTD-Signs"),
        ("GRAFFITI", "Public Works", "PWD-Graffiti-North"),
        # triage
        ("POTHOLE", "Constituent Services", "CS-Triage"),
    ],
)
def test_a_transfer_naming_no_queue_goes_to_the_departments_queue_for_the_type(
    router: Router, code: str, department: str, queue: str
) -> None:
    request = _assigned_as_new(router, code)
    if request.assignment is not None and request.assignment.department == department:
        # the type's own department: from elsewhere, as a request sent back to where it belongs
        request = RequestSoFar(
            created=request.created,
            created_at=CREATED,
            assignment=request.assignment.model_copy(
                update={"department": "Sanitation", "queue": "SAN-Bulk"}
            ),
        )
    assert _moved(decide_transfer(router, request, _transfer(department), at=MONDAY)).queue == queue


def test_a_request_of_an_unknown_type_leaves_triage_untimed(router: Router) -> None:
    # Given a request of a type the catalogue does not know (routing sent it to triage, untimed)
    unknown = _assigned_as_new(router, "NO_SUCH_TYPE")
    assert unknown.assignment is not None and unknown.assignment.queue == "CS-Triage"
    # When triage sends it to Public Works
    transferred = _moved(decide_transfer(router, unknown, _transfer("Public Works"), at=MONDAY))
    # Then it goes there; no type says how long it may take, so the clock continues, untimed
    assert (transferred.department, transferred.queue) == ("Public Works", "PWD-Streets")
    assert (transferred.clock, transferred.due_at) == ("continued", None)


@pytest.mark.parametrize(
    ("department", "queue"),
    [
        ("Public Works", "PWD-Streets-South"),  # a district crew's queue
        ("Water and Sewer", "WSC-Emergency"),  # a type's queue, and a rule's
        ("Water and Sewer", "WSC-Sewer-Emergency"),  # a rule's only
        ("Environment", "ENV-Hazardous-Materials"),  # a rule's own department
        ("Constituent Services", "CS-Triage"),
    ],
)
def test_a_queue_routing_knows_for_the_department_is_accepted(
    router: Router, department: str, queue: str
) -> None:
    assert queue in queues_of(router, department)
    if department in router.catalogue.departments:
        request = _assigned_as_new(router, "BARKING_DOG")
        assert (
            _moved(decide_transfer(router, request, _transfer(department, queue), at=MONDAY)).queue == queue
        )


def test_a_transfer_to_a_department_the_city_does_not_have_is_refused(router: Router) -> None:
    pothole = _assigned_as_new(router, "POTHOLE")
    answer = decide_transfer(router, pothole, _transfer("Parks", "PRK-Maintenance"), at=MONDAY)
    assert answer == TransferRefused(
        department="Parks", queue="PRK-Maintenance", reason="not a department of this city: 'Parks'"
    )


@pytest.mark.parametrize(
    ("department", "queue"),
    [
        ("Transportation", "BTD-Nowhere"),
        ("Transportation", "PWD-Streets"),  # another department's queue
        ("Public Works", "PWD-Streets-Nowhere"),  # a district the city does not have
        ("Public Works", "CS-Triage"),
    ],
)
def test_a_queue_routing_does_not_know_for_the_department_is_refused(
    router: Router, department: str, queue: str
) -> None:
    pothole = _assigned_as_new(router, "POTHOLE")
    reason = _refusal(decide_transfer(router, pothole, _transfer(department, queue), at=MONDAY))
    assert reason == f"not a queue of {department}: {queue!r}"


def test_a_transfer_of_a_closed_request_is_refused(router: Router) -> None:
    pothole = _assigned_as_new(router, "POTHOLE")
    closed = RequestSoFar(
        created=pothole.created, created_at=CREATED, assignment=pothole.assignment, closed=True
    )
    reason = _refusal(decide_transfer(router, closed, _transfer("Transportation"), at=MONDAY))
    assert reason == "TST-0001 is closed"


def test_a_transfer_to_where_the_request_already_is_is_refused(router: Router) -> None:
    pothole = _assigned_as_new(router, "POTHOLE")
    transfer = _transfer("Public Works", "PWD-Streets-North")
    reason = _refusal(decide_transfer(router, pothole, transfer, at=MONDAY))
    assert reason == "TST-0001 is already with Public Works, PWD-Streets-North"


def test_a_transfer_in_a_stream_without_a_request_is_refused(router: Router) -> None:
    reason = _refusal(decide_transfer(router, RequestSoFar(), _transfer("Transportation"), at=MONDAY))
    assert reason == "no request in this stream"


def test_without_routings_assignment_the_one_it_would_make_stands_in(router: Router) -> None:
    # Given a request whose routing Assigned is missing, when it is transferred (the clock continues)
    pothole = RequestSoFar(created=_request("POTHOLE"), created_at=CREATED)
    transferred = _moved(decide_transfer(router, pothole, _transfer("Transportation"), at=MONDAY))
    # Then the due time and district are those routing gives the new request
    assert (transferred.district, transferred.due_at) == (
        "North",
        due_at(city_hall(), CREATED, "working_days", 2),
    )


def _stream(*payloads: Payload) -> list[Envelope[Any]]:
    """The request's events as routing reads them back, in stream order."""
    return [
        Envelope[Any](
            event_id=uuid4(),
            event_type=payload.event_type,
            schema_version=1,
            stream_id="request-TRANSFER",
            stream_version=version,
            occurred_at=CREATED,
            correlation_id=uuid4(),
            actor=STAFF,
            payload=payload,
        )
        for version, payload in enumerate(payloads, start=1)
    ]


def test_the_request_so_far_is_where_its_latest_assignment_put_it() -> None:
    first = Assigned(department="Public Works", queue="PWD-Streets-North")
    moved = Assigned(department="Transportation", queue="BTD-Signals", reason="transfer")
    request = request_so_far(
        _stream(
            _request("POTHOLE"), first, _transfer("Transportation"), moved, StatusUpdated(status="on_hold")
        )
    )
    assert request == RequestSoFar(created=_request("POTHOLE"), created_at=CREATED, assignment=moved)


def test_a_request_is_closed_until_it_is_reopened() -> None:
    events = [_request("POTHOLE"), Assigned(department="Public Works", queue="PWD-Streets-North")]
    closed = [*events, Closed(resolution="resolved")]
    assert request_so_far(_stream(*closed)).closed
    assert not request_so_far(_stream(*closed, StatusUpdated(status="reopened"))).closed
