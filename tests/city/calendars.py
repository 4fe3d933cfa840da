"""The business calendar the routing tests work with: a Boston-like city hall."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import holidays

from civic311_city.calendar import BusinessCalendar, OpeningHours

BOSTON = ZoneInfo("America/New_York")
FULL_DAY = OpeningHours(time(7, 30), time(16, 30))
HALF_DAY = OpeningHours(time(7, 30), time(11, 30))


def city_hall(*closures: date) -> BusinessCalendar:
    """Mon-Thu 07:30-16:30, Fri 07:30-11:30, Massachusetts holidays, plus the operator's closures."""
    return BusinessCalendar(
        zone=BOSTON,
        week={0: FULL_DAY, 1: FULL_DAY, 2: FULL_DAY, 3: FULL_DAY, 4: HALF_DAY},
        holidays=holidays.country_holidays("US", subdiv="MA"),
        closures=frozenset(closures),
    )


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A local Boston wall-clock time."""
    return datetime(year, month, day, hour, minute, tzinfo=BOSTON)
