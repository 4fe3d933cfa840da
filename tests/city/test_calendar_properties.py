"""Properties of SLA due times that hold for every creation time and target."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from civic311_city.calendar import TargetKind, due_at
from tests.city.calendars import city_hall

CALENDAR = city_hall()
created_times = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
kinds = st.sampled_from(["calendar_hours", "calendar_days", "working_days"])
amounts = st.integers(min_value=0, max_value=60)


@given(created=created_times, kind=kinds, amount=amounts)
@settings(max_examples=300)
def test_due_is_never_before_creation(created: datetime, kind: TargetKind, amount: int) -> None:
    assert due_at(CALENDAR, created, kind, amount) >= created


@given(created=created_times, amount=amounts)
@settings(max_examples=300)
def test_working_day_due_is_never_inside_closed_hours(created: datetime, amount: int) -> None:
    assert CALENDAR.is_open(due_at(CALENDAR, created, "working_days", amount))


@given(created=created_times, kind=kinds, amount=amounts)
@settings(max_examples=300)
def test_due_is_monotone_in_the_target(created: datetime, kind: TargetKind, amount: int) -> None:
    assert due_at(CALENDAR, created, kind, amount) <= due_at(CALENDAR, created, kind, amount + 1)
