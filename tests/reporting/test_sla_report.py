"""Given requests' events, then these SLA rows and figures."""

from __future__ import annotations

from civic311_reporting.domain.profile import ReportProfile
from civic311_reporting.domain.report import sla_report
from civic311_reporting.domain.requests import fold
from tests.reporting.stories import assigned, at, closed, created, fact, status

DEFAULT = ReportProfile()


def row(rows: list, group: str) -> dict:  # type: ignore[type-arg]
    return next(r.as_dict() for r in rows if r.group == group)


def test_closed_by_the_due_time_is_on_time_and_after_it_is_late() -> None:
    states = fold(
        [
            fact("early", created(), 0),
            fact("early", assigned(due_hours=48), 0),
            fact("early", closed(), 24),
            fact("late", created(), 0),
            fact("late", assigned(due_hours=48), 0),
            fact("late", closed(), 50),
        ]
    )

    parks = row(sla_report(states, as_of=at(100), profile=DEFAULT).by_department, "Public Works")

    assert (parks["requests"], parks["open"], parks["judged"], parks["on_time"]) == (2, 0, 2, 1)
    assert (parks["on_time_pct"], parks["median_hours_to_close"], parks["p90_hours_to_close"]) == (
        50.0,
        24.0,
        50.0,
    )


def test_an_open_request_is_on_time_until_its_due_time_passes() -> None:
    states = fold([fact("r", created(), 0), fact("r", assigned(due_hours=48), 0)])

    before = row(sla_report(states, as_of=at(47), profile=DEFAULT).by_type, "POTHOLE")
    after = row(sla_report(states, as_of=at(49), profile=DEFAULT).by_type, "POTHOLE")

    assert (before["open"], before["overdue"], before["on_time"]) == (1, 0, 1)
    assert (after["open"], after["overdue"], after["on_time"]) == (1, 1, 0)


def test_a_close_recorded_late_but_dated_in_time_counts_on_time() -> None:
    states = fold(
        [fact("r", created(), 0), fact("r", assigned(due_hours=48), 0), fact("r", closed(), 40)]
    )  # occurred at 40h, whenever the store took it

    assert row(sla_report(states, as_of=at(200), profile=DEFAULT).by_type, "POTHOLE")["on_time"] == 1


def test_a_transfer_is_judged_against_the_new_due_time_in_the_new_department() -> None:
    states = fold(
        [
            fact("r", created(), 0),
            fact("r", assigned("Parks", due_hours=24), 0),
            fact("r", assigned("Public Works", due_hours=96, reason="transfer"), 10),
            fact("r", closed(), 60),
        ]
    )
    report = sla_report(states, as_of=at(200), profile=DEFAULT)

    assert [r.group for r in report.by_department] == ["Public Works"]
    assert row(report.by_department, "Public Works")["on_time"] == 1


def test_a_reopened_request_is_open_again_and_can_become_overdue() -> None:
    states = fold(
        [
            fact("r", created(), 0),
            fact("r", assigned(due_hours=48), 0),
            fact("r", closed(), 10),
            fact("r", status("reopened"), 30),
        ]
    )

    figures = row(sla_report(states, as_of=at(60), profile=DEFAULT).by_type, "POTHOLE")

    assert (figures["open"], figures["overdue"], figures["on_time"]) == (1, 1, 0)


def test_duplicates_are_left_out_of_on_time_figures_by_default_and_the_report_says_so() -> None:
    events = [
        fact("orig", created(), 0),
        fact("orig", assigned(due_hours=48), 0),
        fact("dup", created(), 1),
        fact("dup", assigned(due_hours=1.5), 1),
        fact("dup", closed("duplicate", duplicate_of="T-1"), 5),
    ]
    states = fold(events)

    default = sla_report(states, as_of=at(10), profile=DEFAULT)
    own_flag = sla_report(states, as_of=at(10), profile=ReportProfile(duplicates="own_flag"))

    assert (row(default.by_type, "POTHOLE")["judged"], row(default.by_type, "POTHOLE")["on_time"]) == (1, 1)
    assert "1 duplicate requests are excluded from on-time figures" in default.notes
    assert (row(own_flag.by_type, "POTHOLE")["judged"], row(own_flag.by_type, "POTHOLE")["on_time"]) == (2, 1)


def test_no_due_time_counts_on_time_unless_the_profile_says_otherwise() -> None:
    states = fold([fact("r", created(), 0), fact("r", assigned(due_hours=None), 0)])

    counted = row(sla_report(states, as_of=at(500), profile=DEFAULT).by_type, "POTHOLE")
    left_out = sla_report(states, as_of=at(500), profile=ReportProfile(no_due_date="excluded"))

    assert (counted["judged"], counted["on_time"]) == (1, 1)
    assert row(left_out.by_type, "POTHOLE")["judged"] == 0


def test_open_cases_are_judged_as_of_the_export_when_the_profile_names_it() -> None:
    states = fold([fact("r", created(), 0), fact("r", assigned(due_hours=48), 0)])
    profile = ReportProfile(export_at=at(100))

    figures = row(sla_report(states, as_of=at(10), profile=profile).by_type, "POTHOLE")

    assert (figures["overdue"], figures["on_time"]) == (0, 0)


def test_ageing_weekly_channels_cost_and_hotspots() -> None:
    states = fold(
        [
            fact("a", created(channel="phone", lat=42.3601, long=-71.0589), 0),
            fact("a", status("in_progress", hours=2, materials=10), 1),
            fact("b", created(channel="web", lat=42.3605, long=-71.0581), 2),
            fact("b", closed(), 24 * 8),
            fact("c", created(channel="web", lat=42.30, long=-71.10), 24 * 5),
        ]
    )

    report = sla_report(states, as_of=at(24 * 10), profile=DEFAULT)

    assert report.ageing == {"0-1d": 0, "1-3d": 0, "3-7d": 1, "7-30d": 1, "30-90d": 0, ">90d": 0}
    assert report.weekly == [("2026-03-02", 3, 0), ("2026-03-09", 0, 1)]
    assert report.channels == {"web": 2, "phone": 1}
    assert report.cost_by_type == {"POTHOLE": (2.0, 10.0)}
    assert report.hotspots[0] == (42.36, -71.06, 2)
    assert report.as_dict()["by_type"][0]["requests"] == 3
