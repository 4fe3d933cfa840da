"""SLA calibration: which policy explains a city's own target dates, on made-up and on real cases."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import holidays
import pytest

from civic311_routing.adapters.boston_export import read_boston_2011
from civic311_routing.domain.calibration import Case, Policy, calibrate, target

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
BOSTON_2011 = DATA / "boston-311-2011H2.csv.gz"
LATE_OPENS = Policy("working_days", 2, cutoff=time(17, 0))


def test_a_late_weekday_open_starts_the_next_morning() -> None:
    # Tuesday 17:30 → clock starts Wednesday 08:30 → two working days → Friday 08:30.
    assert target(LATE_OPENS, datetime(2011, 7, 12, 17, 30), frozenset()) == datetime(2011, 7, 15, 8, 30)


def test_a_weekend_open_keeps_its_clock_time_on_the_next_working_day() -> None:
    # Saturday 10:15 → Monday 10:15 → two working days → Wednesday 10:15.
    assert target(LATE_OPENS, datetime(2011, 7, 16, 10, 15), frozenset()) == datetime(2011, 7, 20, 10, 15)


def test_a_late_weekend_open_moves_to_the_next_working_day_and_then_past_the_cut_off() -> None:
    # Saturday 18:00 → Monday 18:00, after the cut-off → Tuesday 08:30 → two working days → Thursday 08:30.
    assert target(LATE_OPENS, datetime(2011, 7, 16, 18, 0), frozenset()) == datetime(2011, 7, 21, 8, 30)


def test_holidays_count_only_when_the_policy_says_so() -> None:
    friday = datetime(2011, 9, 2, 9, 0)  # Monday 5 September 2011 was Labor Day
    closed = {date(2011, 9, 5)}
    assert target(Policy("working_days", 1), friday, closed) == datetime(2011, 9, 5, 9, 0)
    assert target(Policy("working_days", 1, holidays=True), friday, closed) == datetime(2011, 9, 6, 9, 0)


def test_calibration_finds_the_policy_behind_made_up_targets() -> None:
    # Given cases whose targets were set at two working days with a 17:00 cut-off, plus one odd case
    clocks = ((7, 5), (12, 5), (16, 45), (18, 5))
    opens = [datetime(2011, 7, day, hour, minute) for day in range(4, 30) for hour, minute in clocks]
    cases = [Case("Pothole", o, target(LATE_OPENS, o, frozenset())) for o in opens]
    cases.append(Case("Pothole", datetime(2011, 7, 5, 9, 0), datetime(2011, 8, 1, 9, 0)))
    # When calibrated, then that policy explains all but the odd case
    [found] = calibrate(cases, frozenset())
    assert found.policy == LATE_OPENS
    assert (found.cases, found.explained) == (len(cases), len(cases) - 1)


@pytest.mark.slow
@pytest.mark.skipif(not BOSTON_2011.exists(), reason=f"real data not found at {BOSTON_2011}")
def test_calibrated_policies_reproduce_boston_targets_for_the_20_largest_types() -> None:
    found = calibrate(read_boston_2011(BOSTON_2011), holidays.country_holidays("US", subdiv="MA"), top=20)
    explained = sum(p.explained for p in found) / sum(p.cases for p in found)
    assert len(found) == 20
    assert explained >= 0.95, f"only {explained:.1%} of the target dates reproduced"
