"""The routing settings: the city's calendar from the environment, and mistakes refused early."""

from __future__ import annotations

from datetime import date, time

import pytest
from pydantic import ValidationError

from civic311_city.city import build_calendar
from civic311_routing.settings import RoutingSettings

SERVERS = {"database_url": "postgresql://civic311@db/civic311", "nats_url": "nats://nats:4222"}


def _settings(**overrides: object) -> RoutingSettings:
    return RoutingSettings.model_validate({**SERVERS, **overrides})


def test_calendar_is_built_from_opening_hours_holidays_and_closures() -> None:
    settings = _settings(
        opening_hours={"mon": "08:00-17:00", "sat": "09:00-12:00"},
        closure_dates=(date(2026, 1, 5),),
    )
    calendar = build_calendar(settings)
    assert calendar.hours_on(date(2026, 1, 10)) is not None  # a Saturday
    assert calendar.hours_on(date(2026, 1, 6)) is None  # a Tuesday: not in the hours
    assert calendar.hours_on(date(2026, 1, 5)) is None  # the operator's closure
    assert calendar.hours_on(date(2026, 1, 19)) is None  # Martin Luther King Jr. Day
    hours = calendar.hours_on(date(2026, 1, 12))
    assert hours is not None and (hours.opens, hours.closes) == (time(8, 0), time(17, 0))


def test_default_week_has_a_friday_half_day() -> None:
    hours = build_calendar(_settings()).hours_on(date(2026, 1, 9))
    assert hours is not None and hours.closes == time(11, 30)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("opening_hours", {"monday": "08:00-17:00"}),
        ("opening_hours", {"mon": "8-5"}),
        ("city_time_zone", "Mars/Olympus"),
    ],
)
def test_a_malformed_setting_is_refused(field: str, value: object) -> None:
    with pytest.raises(ValidationError, match=field):
        _settings(**{field: value})
