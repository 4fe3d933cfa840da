"""The checks every channel applies to a new request, against the request type's questions."""

from __future__ import annotations

import pytest

from civic311_city.catalogue import Catalogue
from civic311_intake.domain.submission import (
    MAX_DESCRIPTION,
    FieldProblem,
    Submission,
    check_submission,
    request_created,
)

CATALOGUE = Catalogue.model_validate(
    {
        "types": [
            {
                "code": "POTHOLE",
                "name": "Pothole",
                "group": "Streets",
                "department": "Public Works",
                "queue": "PWD-Streets",
                "attributes": [
                    {
                        "code": "SIZE",
                        "question": "How big?",
                        "datatype": "singlevaluelist",
                        "required": True,
                        "order": 1,
                        "values": [{"key": "small", "name": "Small"}, {"key": "large", "name": "Large"}],
                    },
                    {
                        "code": "HAZARDS",
                        "question": "Which hazards?",
                        "datatype": "multivaluelist",
                        "order": 2,
                        "values": [{"key": "glass", "name": "Glass"}, {"key": "water", "name": "Water"}],
                    },
                    {"code": "DEPTH_CM", "question": "How deep?", "datatype": "number", "order": 3},
                    {"code": "SEEN_AT", "question": "Since when?", "datatype": "datetime", "order": 4},
                    {"code": "LANE", "question": "Which lane?", "datatype": "string", "order": 5},
                ],
            },
            {
                "code": "ETHICS_CONCERN",
                "name": "Ethics concern",
                "group": "City Hall",
                "department": "Ethics",
                "queue": "ETH",
                "confidential": True,
            },
        ]
    }
)


def pothole(**overrides: object) -> Submission:
    fields: dict[str, object] = {
        "service_code": "POTHOLE",
        "channel": "web",
        "lat": 42.36,
        "long": -71.06,
        "attributes": {"SIZE": "large"},
    }
    return Submission(**{**fields, **overrides})  # type: ignore[arg-type]


def fields_of(problems: list[FieldProblem]) -> list[str]:
    return [p.field for p in problems]


def test_a_complete_submission_has_no_problems_and_becomes_the_event() -> None:
    submission = pothole(
        attributes={"SIZE": "small", "HAZARDS": ["glass", "water"], "DEPTH_CM": "12.5"},
        description="By the bus stop",
    )
    assert check_submission(CATALOGUE, submission) == []
    event = request_created(CATALOGUE, submission, "7KQ4MX28")
    assert event.tracking_number == "7KQ4MX28"
    assert event.attributes == {"SIZE": "small", "HAZARDS": ["glass", "water"], "DEPTH_CM": "12.5"}
    assert (event.location.lat, event.location.long) == (42.36, -71.06)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"service_code": "NOPE"}, "service_code"),
        ({"service_code": "ETHICS_CONCERN"}, "service_code"),
        ({"lat": None, "long": None}, "location"),
        ({"long": None}, "long"),
        ({"lat": 91.0}, "lat"),
        ({"long": float("nan")}, "long"),
        ({"description": "x" * (MAX_DESCRIPTION + 1)}, "description"),
        ({"media_url": "javascript:alert(1)"}, "media_url"),
        ({"attributes": {}}, "attribute[SIZE]"),
        ({"attributes": {"SIZE": "huge"}}, "attribute[SIZE]"),
        ({"attributes": {"SIZE": ["small", "large"]}}, "attribute[SIZE]"),
        ({"attributes": {"SIZE": "small", "HAZARDS": ["glass", "fire"]}}, "attribute[HAZARDS]"),
        ({"attributes": {"SIZE": "small", "DEPTH_CM": "deep"}}, "attribute[DEPTH_CM]"),
        ({"attributes": {"SIZE": "small", "SEEN_AT": "yesterday"}}, "attribute[SEEN_AT]"),
        ({"attributes": {"SIZE": "small", "SEEN_AT": "2026-11-20T08:00:00"}}, "attribute[SEEN_AT]"),
        ({"attributes": {"SIZE": "small", "LANE": "x" * 201}}, "attribute[LANE]"),
        ({"attributes": {"SIZE": "small", "COLOUR": "red"}}, "attribute[COLOUR]"),
    ],
)
def test_each_problem_names_its_field(overrides: dict[str, object], field: str) -> None:
    problems = check_submission(CATALOGUE, pothole(**overrides))
    assert fields_of(problems) == [field], problems


def test_an_address_alone_places_the_request() -> None:
    assert check_submission(CATALOGUE, pothole(lat=None, long=None, address_string="1 City Hall Sq")) == []
    assert check_submission(CATALOGUE, pothole(lat=None, long=None, address_id="BOS-0001")) == []


def test_a_confidential_type_is_filed_only_where_allowed() -> None:
    ethics = Submission(service_code="ETHICS_CONCERN", channel="phone", address_string="City Hall")
    assert fields_of(check_submission(CATALOGUE, ethics)) == ["service_code"]
    assert check_submission(CATALOGUE, ethics, allow_confidential=True) == []


def test_every_problem_is_reported_at_once() -> None:
    problems = check_submission(
        CATALOGUE, pothole(lat=None, long=None, attributes={}, description="x" * 5000)
    )
    assert fields_of(problems) == ["location", "description", "attribute[SIZE]"]
