"""A request whose address the gateway could not place goes to triage, with the reason in the rule."""

from __future__ import annotations

import pytest

from civic311_backbone.contracts import Location, RequestCreated
from civic311_city.loading import load_catalogue, load_districts
from civic311_routing.adapters.rules_file import load_rules
from civic311_routing.domain.routing import Router, Triage
from tests.city.calendars import city_hall, local

CREATED = local(2026, 1, 8, 10, 0)


@pytest.fixture(scope="module")
def router() -> Router:
    return Router(
        catalogue=load_catalogue(), rules=load_rules(), districts=load_districts(), calendar=city_hall()
    )


def _request(where: Location) -> RequestCreated:
    return RequestCreated(tracking_number="TST-0001", service_code="POTHOLE", location=where, channel="web")


@pytest.mark.parametrize(
    ("reason", "said"),
    [("not_found", "not found"), ("ambiguous", "ambiguous"), ("outside_city", "outside city")],
)
def test_an_unplaced_address_goes_to_triage_saying_why(router: Router, reason: str, said: str) -> None:
    where = Location(address_string="12 Nowhere Rd", unplaced=reason)
    assigned = router.assign(_request(where), created_at=CREATED)
    assert (assigned.department, assigned.queue, assigned.district) == (
        Triage().department,
        Triage().queue,
        None,
    )
    assert assigned.rule == f"default-by-type; address-not-placed: {said}"
    pothole = load_catalogue().get("POTHOLE")
    assert pothole is not None and assigned.due_at == router.due(pothole, CREATED) is not None


def test_a_geocoded_address_goes_to_its_district_crew(router: Router) -> None:
    where = Location(lat=42.37, long=-71.10, address_string="12 Elm Ter", geocoded="fuzzy")
    assigned = router.assign(_request(where), created_at=CREATED)
    assert (assigned.queue, assigned.district, assigned.rule) == (
        "PWD-Streets-North",
        "North",
        "default-by-type",
    )


def test_an_address_without_a_point_nor_a_reason_still_goes_to_the_central_queue(router: Router) -> None:
    assigned = router.assign(_request(Location(address_string="12 Elm Ter")), created_at=CREATED)
    assert assigned.queue == "PWD-Streets"
    assert assigned.rule == "default-by-type; outside-every-district: central queue"
