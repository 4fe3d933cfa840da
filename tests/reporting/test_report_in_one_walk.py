"""The report counts everything in one walk over the requests; each table must still be what the
single-table functions (`sla_rows`, `trends.*`) give for the same requests."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

import pytest

from civic311_reporting.domain import sla, trends
from civic311_reporting.domain.profile import ReportProfile
from civic311_reporting.domain.report import sla_report
from civic311_reporting.domain.requests import RequestState, fold
from tests.reporting.stories import StoredFact, assigned, at, closed, created, fact, status

# ("A / B", "C") and ("A", "B / C") are one "department / type" group: "A / B / C".
DEPARTMENTS = ["Public Works", "Parks", "Transportation", "A / B", "A"]
CODES = ["POTHOLE", "GRAFFITI", "TREE", "B / C", "C"]


def history(seed: int, requests: int = 400) -> list[StoredFact]:
    """Requests of every shape: untimed, transferred, closed late or early, duplicates, reopened, costed."""
    draw = random.Random(seed)
    facts = []
    for n in range(requests):
        stream, start = f"r{n}", draw.uniform(0, 24 * 60)
        facts.append(
            fact(
                stream,
                created(
                    draw.choice(CODES),
                    draw.choice(["web", "phone", "sms"]),
                    lat=42.3 + draw.random() / 10,
                    long=-71.1 + draw.random() / 10,
                ),
                start,
            )
        )
        if draw.random() < 0.9:
            due = None if draw.random() < 0.1 else start + draw.uniform(1, 24 * 20)
            facts.append(fact(stream, assigned(draw.choice(DEPARTMENTS), due_hours=due), start))
        if draw.random() < 0.2:
            facts.append(
                fact(
                    stream,
                    assigned(draw.choice(DEPARTMENTS), due_hours=start + 300, reason="transfer"),
                    start + 5,
                )
            )
        if draw.random() < 0.7:
            end = start + draw.uniform(0.5, 24 * 30)
            duplicate = draw.random() < 0.1
            facts.append(
                fact(
                    stream, closed("duplicate" if duplicate else "resolved", hours=draw.choice([0, 1.5])), end
                )
            )
            if draw.random() < 0.1:
                facts.append(fact(stream, status("reopened", hours=0.5, materials=12.25), end + 24))
    return facts


def by_tables(states: list[RequestState], as_of: datetime, profile: ReportProfile) -> dict[str, Any]:
    known = [s for s in states if s.created_at is not None and s.created_at <= as_of]
    rows = {
        k: sla.sla_rows(known, key, as_of=as_of, profile=profile)
        for k, key in [
            ("by_department", sla.by_department),
            ("by_type", sla.by_type),
            ("by_department_and_type", sla.by_department_and_type),
        ]
    }
    return {
        **{k: [r.as_dict() for r in v] for k, v in rows.items()},
        "ageing": trends.ageing(known, as_of=as_of),
        "weekly": trends.weekly(known, as_of=as_of),
        "channels": trends.channel_mix(known),
        "cost_by_department": trends.cost(known, sla.by_department),
        "cost_by_type": trends.cost(known, sla.by_type),
        "hotspots": trends.hotspots(known, cell_degrees=profile.cell_degrees),
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(
    "profile",
    [
        ReportProfile(),
        ReportProfile(
            no_due_date="excluded", duplicates="own_flag", export_at=at(24 * 15), cell_degrees=0.02
        ),
    ],
)
def test_every_table_of_the_report_is_what_its_own_function_gives(seed: int, profile: ReportProfile) -> None:
    facts = history(seed)
    for as_of in (at(24 * 10), at(24 * 40), at(24 * 400)):
        states = fold(facts, until=as_of)

        report = sla_report(states, as_of=as_of, profile=profile)

        figures = report.as_dict()
        expected = by_tables(list(states.values()), as_of, profile)
        assert {k: figures[k] for k in ("by_department", "by_type", "by_department_and_type")} == {
            k: expected[k] for k in ("by_department", "by_type", "by_department_and_type")
        }
        assert (report.ageing, report.weekly, report.channels) == (
            expected["ageing"],
            expected["weekly"],
            expected["channels"],
        )
        assert (report.cost_by_department, report.cost_by_type) == (
            expected["cost_by_department"],
            expected["cost_by_type"],
        )
        assert report.hotspots == expected["hotspots"]
        assert "A / B / C" in [r.group for r in report.by_department_and_type]
        assert sum(r.requests for r in report.by_department) == len(
            [s for s in states.values() if s.created_at is not None and s.created_at <= as_of]
        )
