"""Given cases and the city's flags, then this agreement, these department shares and differences."""

from __future__ import annotations

from civic311_reporting.domain.comparison import compare, describe
from civic311_reporting.domain.profile import ReportProfile
from civic311_reporting.domain.requests import fold
from tests.reporting.stories import assigned, at, closed, created, fact

CITY = ReportProfile(name="city", duplicates="own_flag", export_at=at(1000))


def test_verdicts_that_match_the_city_agree_and_the_rest_are_listed_with_why() -> None:
    states = fold(
        [
            fact("a", created(), 0),
            fact("a", assigned(due_hours=48), 0),
            fact("a", closed(), 10),
            fact("b", created(), 0),
            fact("b", assigned(due_hours=48), 0),  # still open at the export: overdue
            fact("c", created(), 0),
            fact("c", assigned(due_hours=48), 0),
            fact("c", closed("duplicate"), 60),  # a duplicate keeps its own (late) flag
        ]
    )
    city = {"a": "ONTIME", "b": "OVERDUE", "c": "ONTIME", "d": ""}

    comparison = compare(states, city, as_of=at(5), profile=CITY)

    assert (comparison.cases, comparison.agreeing) == (4, 2)
    assert [(d.stream_id, d.ours, d.why.split(" ")[0]) for d in comparison.differences] == [
        ("c", False, "closed"),
        ("d", None, "the"),
    ]
    shares = comparison.departments["Public Works"]
    assert (shares.cases, shares.ours_on_time, shares.city_on_time) == (3, 1, 2)
    assert round(shares.delta_pp, 2) == -33.33
    assert "cases: 4, agreeing: 2 (50.00%)" in describe(comparison)
