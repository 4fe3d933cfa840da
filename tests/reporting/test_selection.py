"""Given requests' events, then the dashboard's filters select these requests (pure folds, no servers)."""

from __future__ import annotations

from datetime import date, timedelta

from civic311_city import Districts
from civic311_city.loading import load_districts
from civic311_reporting.domain.requests import RequestState, fold
from civic311_reporting.domain.selection import Selection, choices, district_of, select
from tests.reporting.stories import T0, assigned, at, created, fact

SQUARE_WITH_A_HOLE = {
    "type": "Feature",
    "properties": {"name": "Harbour"},
    "geometry": {
        "type": "Polygon",
        "coordinates": [
            [[-71.1, 42.3], [-71.0, 42.3], [-71.0, 42.4], [-71.1, 42.4], [-71.1, 42.3]],
            [[-71.06, 42.34], [-71.04, 42.34], [-71.04, 42.36], [-71.06, 42.36], [-71.06, 42.34]],
        ],
    },
}
ISLANDS = {
    "type": "Feature",
    "properties": {"name": "Islands"},
    "geometry": {
        "type": "MultiPolygon",
        "coordinates": [
            [[[-70.9, 42.3], [-70.8, 42.3], [-70.85, 42.35], [-70.9, 42.3]]],
            [[[-71.055, 42.345], [-71.045, 42.345], [-71.045, 42.355], [-71.055, 42.345]]],
        ],
    },
}
CITY = Districts.from_geojson({"type": "FeatureCollection", "features": [SQUARE_WITH_A_HOLE, ISLANDS]})


def _unrouted_at(lat: float | None, long: float | None) -> str | None:
    """The district reporting gives a request that routing gave none, from its point."""
    return district_of(RequestState("r", lat=lat, long=long), CITY)


def test_a_point_is_in_the_district_whose_area_holds_it_outside_its_holes() -> None:
    assert _unrouted_at(42.32, -71.08) == "Harbour"
    assert _unrouted_at(42.35, -71.058) is None  # in the hole, beside the small island
    assert _unrouted_at(42.3465, -71.046) == "Islands"  # on the small island, in the hole
    assert _unrouted_at(42.31, -70.85) == "Islands"
    assert _unrouted_at(42.5, -71.05) is None
    assert _unrouted_at(None, -71.05) is None


def test_a_point_on_a_shared_border_falls_in_the_district_routing_would_give() -> None:
    sample = load_districts()  # the sample city: North and East share the meridian -71.07
    on_the_border = (42.37, -71.07)
    states = fold([fact("border", created(lat=on_the_border[0], long=on_the_border[1]), 0)])

    chosen = {
        name: sorted(select(states, Selection(district=name), as_of=at(10), districts=sample))
        for name in sample.names
    }

    assert sample.containing(*on_the_border) == "North"  # the first district in file order
    assert district_of(states["border"], sample) == "North"
    assert chosen == {"North": ["border"], "East": [], "South": [], "West": []}


def test_the_district_comes_from_routing_and_else_from_the_point() -> None:
    states = fold(
        [
            fact("routed", created(lat=42.31, long=-70.85), 0),
            fact("routed", assigned("Parks", district="Harbour"), 0),
            fact("transferred", created(lat=42.31, long=-71.08), 0),
            fact("transferred", assigned("Parks", district="Harbour"), 0),
            fact("transferred", assigned("Public Works", reason="transfer"), 1),
            fact("unrouted", created(lat=42.31, long=-70.85), 0),
        ]
    )

    harbour = select(states, Selection(district="Harbour"), as_of=at(10), districts=CITY)
    islands = select(states, Selection(district="Islands"), as_of=at(10), districts=CITY)

    assert sorted(harbour) == ["routed", "transferred"]  # routing's word wins over the point
    assert states["transferred"].district == "Harbour"  # a transfer without a district keeps it
    assert sorted(islands) == ["unrouted"]


def test_department_type_and_period_each_narrow_the_selection() -> None:
    states = fold(
        [
            fact("early-pothole", created("POTHOLE"), 0),
            fact("early-pothole", assigned("Public Works"), 0),
            fact("late-pothole", created("POTHOLE"), 72),
            fact("late-pothole", assigned("Public Works"), 72),
            fact("late-tree", created("TREE_DAMAGE"), 80),
            fact("late-tree", assigned("Parks"), 80),
            fact("future", created("POTHOLE"), 200),
        ]
    )
    day_one, day_four = T0.date(), T0.date() + timedelta(days=3)

    def chosen(**fields: object) -> list[str]:
        return sorted(select(states, Selection(**fields), as_of=at(100)))  # type: ignore[arg-type]

    assert chosen() == ["early-pothole", "late-pothole", "late-tree"]  # "future" is after as_of
    assert chosen(department="Public Works") == ["early-pothole", "late-pothole"]
    assert chosen(service_code="POTHOLE", created_from=day_four) == ["late-pothole"]
    assert chosen(created_to=day_one) == ["early-pothole"]
    assert chosen(department="Parks", service_code="POTHOLE") == []


def test_a_period_is_judged_as_of_its_last_day_s_end_unless_that_is_still_to_come() -> None:
    period = Selection(created_from=date(2026, 3, 1), created_to=date(2026, 3, 2))

    assert period.as_of(at(1000)) == at(0).replace(hour=0) + timedelta(days=1)
    assert period.as_of(at(1)) == at(1)
    assert Selection().as_of(at(5)) == at(5)


def test_the_filters_offer_every_department_type_and_district_known() -> None:
    states = fold(
        [
            fact("a", created("POTHOLE"), 0),
            fact("a", assigned("Public Works", district="North"), 0),
            fact("b", created("TREE_DAMAGE"), 0),
        ]
    )

    offered = choices(states.values(), CITY)

    assert offered.departments == ("Public Works",)
    assert offered.service_codes == ("POTHOLE", "TREE_DAMAGE")
    assert offered.districts == ("Harbour", "Islands", "North")
