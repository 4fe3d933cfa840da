"""SLA due times given a zoned (non-UTC) creation time equal those given the same instant in UTC,
across the daylight-saving changes (routing passes UTC; analysts' tools pass the city's local time)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from civic311_city.calendar import BusinessCalendar, OpeningHours, due_at

BOSTON = ZoneInfo("America/New_York")
WEEKDAYS = BusinessCalendar(
    zone=BOSTON, week=dict.fromkeys(range(5), OpeningHours(time(7, 30), time(16, 30)))
)
SPRING = datetime(2024, 3, 9, 12, 0, tzinfo=BOSTON)  # clocks go forward on 10 March at 02:00
AUTUMN = datetime(2024, 11, 2, 12, 0, tzinfo=BOSTON)  # and back on 3 November at 02:00


@pytest.mark.parametrize("created", [SPRING, AUTUMN])
def test_calendar_hours_are_elapsed_hours_whatever_the_zone_given(created: datetime) -> None:
    due = due_at(WEEKDAYS, created, "calendar_hours", 48)
    assert due - created == timedelta(hours=48)
    assert due == due_at(WEEKDAYS, created.astimezone(UTC), "calendar_hours", 48)


def test_48_hours_across_spring_forward_end_an_hour_later_on_the_wall_clock() -> None:
    due = due_at(WEEKDAYS, SPRING, "calendar_hours", 48)
    assert due.astimezone(BOSTON) == datetime(2024, 3, 11, 13, 0, tzinfo=BOSTON)


@pytest.mark.parametrize("created", [SPRING, AUTUMN])
@pytest.mark.parametrize(
    ("kind", "amount", "options"),
    [
        ("calendar_days", 2, {}),
        ("working_days", 2, {}),
        ("working_days", 2, {"out_of_hours": "keep_clock"}),
        ("working_days", 2, {"out_of_hours": "keep_clock", "cutoff": time(11, 0)}),
    ],
)
def test_every_kind_gives_the_same_instant_for_a_zoned_or_a_utc_creation(
    created: datetime, kind: str, amount: int, options: dict[str, object]
) -> None:
    zoned = due_at(WEEKDAYS, created, kind, amount, **options)  # type: ignore[arg-type]
    utc = due_at(WEEKDAYS, created.astimezone(UTC), kind, amount, **options)  # type: ignore[arg-type]
    assert zoned == utc
    assert zoned.tzinfo is UTC


def test_calendar_days_keep_the_local_clock_across_the_change() -> None:
    due = due_at(WEEKDAYS, AUTUMN, "calendar_days", 2)
    assert due.astimezone(BOSTON) == datetime(2024, 11, 4, 12, 0, tzinfo=BOSTON)
    assert due - AUTUMN == timedelta(hours=49)


def test_a_working_day_target_lands_on_a_working_day() -> None:
    due = due_at(WEEKDAYS, SPRING, "working_days", 1).astimezone(BOSTON)
    assert due.date() == date(2024, 3, 12) and due.time() == time(7, 30)
