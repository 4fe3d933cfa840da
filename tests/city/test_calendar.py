"""SLA due times on the city's business calendar: weekends, holidays, half-days, DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from civic311_city.calendar import due_at
from tests.city.calendars import BOSTON, city_hall, local


def test_working_day_target_skips_the_weekend() -> None:
    # Given a request on a Friday morning, when it has one working day, then it is due Monday, same hour.
    assert due_at(city_hall(), local(2026, 1, 9, 9, 0), "working_days", 1) == local(2026, 1, 12, 9, 0)


def test_working_day_target_skips_a_public_holiday() -> None:
    # Monday 19 January 2026 is Martin Luther King Jr. Day.
    assert due_at(city_hall(), local(2026, 1, 16, 9, 0), "working_days", 1) == local(2026, 1, 20, 9, 0)


def test_working_day_target_skips_a_closure_the_operator_added() -> None:
    calendar = city_hall(date(2026, 1, 12))  # a snow day
    assert due_at(calendar, local(2026, 1, 9, 9, 0), "working_days", 1) == local(2026, 1, 13, 9, 0)


def test_due_on_a_friday_half_day_is_at_closing() -> None:
    # Thursday 14:00 plus one working day: Friday closes at 11:30, so that is when it is due.
    assert due_at(city_hall(), local(2026, 1, 8, 14, 0), "working_days", 1) == local(2026, 1, 9, 11, 30)


def test_request_after_hours_starts_the_clock_at_next_opening() -> None:
    assert due_at(city_hall(), local(2026, 1, 7, 18, 0), "working_days", 1) == local(2026, 1, 9, 7, 30)


def test_request_on_a_saturday_with_zero_working_days_is_due_at_monday_opening() -> None:
    assert due_at(city_hall(), local(2026, 1, 10, 12, 0), "working_days", 0) == local(2026, 1, 12, 7, 30)


def test_working_days_across_the_spring_dst_change_keep_the_local_hour() -> None:
    # Clocks go forward on Sunday 8 March 2026: 10:00 EST is 15:00 UTC, 10:00 EDT is 14:00 UTC.
    due = due_at(city_hall(), local(2026, 3, 5, 10, 0), "working_days", 2)
    assert due == datetime(2026, 3, 9, 14, 0, tzinfo=UTC)
    assert due.tzinfo is UTC


def test_calendar_days_across_dst_keep_the_wall_clock() -> None:
    created = local(2026, 3, 7, 12, 0)
    due = due_at(city_hall(), created, "calendar_days", 1)
    assert due == local(2026, 3, 8, 12, 0)
    assert due - created == timedelta(hours=23)


def test_calendar_hours_are_elapsed_time_day_or_night() -> None:
    created = local(2026, 11, 1, 0, 30)  # clocks go back at 02:00 this night
    due = due_at(city_hall(), created, "calendar_hours", 4)
    assert due - created == timedelta(hours=4)
    assert due.astimezone(BOSTON).time() == time(3, 30)  # an hour repeats: 4 elapsed, 3 on the clock


def test_negative_target_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        due_at(city_hall(), local(2026, 1, 9, 9, 0), "working_days", -1)


def test_naive_creation_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        due_at(city_hall(), datetime(2026, 1, 9, 9, 0), "calendar_days", 1)
