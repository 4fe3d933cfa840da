"""Reporting's reports per job: a linked original counts its duplicates as reports on its one job."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from civic311_reporting.domain.profile import ReportProfile
from civic311_reporting.domain.report import sla_report
from civic311_reporting.domain.requests import RequestState

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _request(number: str, *, duplicate_of: str | None = None) -> RequestState:
    state = RequestState(stream_id=f"request-{number}", tracking_number=number, service_code="POTHOLE")
    state.created_at = T0
    if duplicate_of is not None:
        state.closed_at, state.resolution, state.duplicate_of = (
            T0 + timedelta(minutes=5),
            "duplicate",
            duplicate_of,
        )
    return state


def test_ten_neighbours_reporting_one_street_light_make_one_job() -> None:
    states = [_request("LIGHT"), *(_request(f"N{i}", duplicate_of="LIGHT") for i in range(9))]
    states += [_request("HOLE"), _request("H2", duplicate_of="HOLE"), _request("ALONE")]
    report = sla_report(
        {s.stream_id: s for s in states}, as_of=T0 + timedelta(days=1), profile=ReportProfile()
    )
    assert report.jobs == {
        "reports": 13,
        "jobs": 3,
        "reports_per_job": 4.333,
        "jobs_with_duplicates": 2,
        "most_reports_on_one_job": 10,
    }
    assert report.as_dict()["jobs"]["reports_per_job"] == 4.333
