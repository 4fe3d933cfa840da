"""Routing decisions with the shipped catalogue, rules and sample districts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from civic311_backbone.contracts import Location, RequestCreated
from civic311_city.calendar import due_at
from civic311_city.loading import load_catalogue, load_districts
from civic311_routing.adapters.rules_file import load_rules
from civic311_routing.domain.routing import Router
from tests.city.calendars import city_hall, local

NORTH = Location(lat=42.37, long=-71.10)
SOUTH = Location(lat=42.32, long=-71.02)
OUTSIDE = Location(lat=42.60, long=-71.50)
CREATED = local(2026, 1, 8, 10, 0)  # a Thursday morning


@pytest.fixture(scope="module")
def router() -> Router:
    return Router(
        catalogue=load_catalogue(), rules=load_rules(), districts=load_districts(), calendar=city_hall()
    )


def _request(
    code: str,
    where: Location = NORTH,
    description: str | None = None,
    **answers: str | list[str],
) -> RequestCreated:
    return RequestCreated(
        tracking_number="TST-0001",
        service_code=code,
        description=description,
        location=where,
        attributes=dict(answers),
        channel="web",
    )


def test_a_type_routed_by_district_goes_to_that_district_crew(router: Router) -> None:
    assigned = router.assign(_request("POTHOLE"), created_at=CREATED)
    assert (assigned.department, assigned.queue, assigned.district) == (
        "Public Works",
        "PWD-Streets-North",
        "North",
    )
    assert (assigned.priority, assigned.rule) == ("normal", "default-by-type")
    assert assigned.due_at == due_at(city_hall(), CREATED, "working_days", 2)
    assert assigned.due_at == datetime(2026, 1, 12, 15, 0, tzinfo=UTC)  # Monday 10:00 EST


def test_an_attribute_answer_raises_the_priority_and_names_the_rule(router: Router) -> None:
    assigned = router.assign(_request("POTHOLE", where=SOUTH, SIZE="large"), created_at=CREATED)
    assert (assigned.queue, assigned.priority, assigned.rule) == (
        "PWD-Streets-South",
        "high",
        "large-pothole",
    )


def test_keywords_in_the_description_route_a_burst_main_as_an_emergency(router: Router) -> None:
    request = _request("WATER_LEAK", description="Water GUSHING out of the road")
    assigned = router.assign(request, created_at=CREATED)
    assert (assigned.department, assigned.queue) == ("Water and Sewer", "WSC-Emergency")
    assert (assigned.priority, assigned.rule) == ("emergency", "water-main-burst")


def test_a_multivalue_answer_can_send_the_request_to_another_department(router: Router) -> None:
    request = _request("ILLEGAL_DUMPING", MATERIAL=["tires", "hazardous"])
    assigned = router.assign(request, created_at=CREATED)
    assert (assigned.department, assigned.queue) == ("Environment", "ENV-Hazardous-Materials")


def test_a_point_outside_every_district_goes_to_the_central_queue_and_says_so(router: Router) -> None:
    assigned = router.assign(_request("POTHOLE", where=OUTSIDE), created_at=CREATED)
    assert (assigned.queue, assigned.district) == ("PWD-Streets", None)
    assert assigned.rule == "default-by-type; outside-every-district: central queue"


def test_a_request_without_coordinates_has_no_district(router: Router) -> None:
    assigned = router.assign(
        _request("GRAFFITI", where=Location(address_string="1 City Hall Sq")), created_at=CREATED
    )
    assert (assigned.queue, assigned.district) == ("PWD-Graffiti", None)


def test_an_unknown_service_code_goes_to_triage_rather_than_nowhere(router: Router) -> None:
    assigned = router.assign(_request("NO_SUCH_TYPE"), created_at=CREATED)
    assert (assigned.department, assigned.queue, assigned.rule) == (
        "Constituent Services",
        "CS-Triage",
        "unknown-service-code",
    )
    assert assigned.due_at is None
