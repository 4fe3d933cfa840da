"""The city's business calendar and SLA due times: opening hours, holidays, time zone, DST-correct.

All arithmetic on working time is done on the city's local wall clock and converted to UTC at the end,
so a target that crosses a daylight-saving change still lands on the right local hour.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

TargetKind = Literal["calendar_hours", "calendar_days", "working_days"]
OutOfHours = Literal["next_opening", "keep_clock"]
"""Working days: how a request opened outside opening hours is treated (see `due_at`)."""
NEXT_DAY_AT = time(8, 30)

_SEARCH_DAYS = 3660
"""How far ahead to look for an open day before deciding the calendar is never open."""


@dataclass(frozen=True)
class OpeningHours:
    opens: time
    closes: time

    def __post_init__(self) -> None:
        if self.closes <= self.opens:
            raise ValueError(f"closing time {self.closes} is not after opening time {self.opens}")


@dataclass(frozen=True)
class BusinessCalendar:
    """When the city works. `week` maps a weekday (Monday 0) to its hours; a missing day is closed."""

    zone: ZoneInfo
    week: Mapping[int, OpeningHours]
    holidays: Container[date] = field(default_factory=frozenset)
    closures: Container[date] = field(default_factory=frozenset)
    """Days the operator closed (a snow day, say), beside the public holidays."""

    def __post_init__(self) -> None:
        if not self.week:
            raise ValueError("a business calendar needs opening hours on at least one weekday")

    def hours_on(self, day: date, *, holidays: bool = True) -> OpeningHours | None:
        """The opening hours of one local date, or None when the city is closed that day.

        `holidays=False` counts public holidays as ordinary days (a type whose targets ignore them);
        the operator's closures always close.
        """
        if (holidays and day in self.holidays) or day in self.closures:
            return None
        return self.week.get(day.weekday())

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        hours = self.hours_on(local.date())
        return hours is not None and hours.opens <= local.time().replace(tzinfo=None) <= hours.closes

    def next_open(self, moment: datetime, *, holidays: bool = True) -> datetime:
        """The first moment at or after `moment` when the city is open (local time)."""
        local = moment.astimezone(self.zone)
        day = local.date()
        for _ in range(_SEARCH_DAYS):
            hours = self.hours_on(day, holidays=holidays)
            if hours is not None:
                opens, closes = self._at(day, hours.opens), self._at(day, hours.closes)
                if local < opens:
                    return opens
                if local < closes:
                    return local
            day += timedelta(days=1)
        raise ValueError(f"the calendar is never open in the {_SEARCH_DAYS} days after {moment}")

    def next_working_day(self, day: date, *, holidays: bool = True) -> date:
        for _ in range(_SEARCH_DAYS):
            day += timedelta(days=1)
            if self.hours_on(day, holidays=holidays) is not None:
                return day
        raise ValueError(f"no working day in the {_SEARCH_DAYS} days after {day}")

    def _at(self, day: date, clock: time) -> datetime:
        return datetime.combine(day, clock, tzinfo=self.zone)


def due_at(
    calendar: BusinessCalendar,
    created: datetime,
    kind: TargetKind,
    amount: int,
    *,
    out_of_hours: OutOfHours = "next_opening",
    cutoff: time | None = None,
    next_day_at: time = NEXT_DAY_AT,
    holidays: bool = True,
) -> datetime:
    """When a request created at `created` is due under a target of `amount` units of `kind` (UTC).

    - calendar_hours: elapsed time, whatever the clock says (and whatever zone `created` is in).
    - calendar_days: the same local clock time `amount` days later (so 23 or 25 hours across DST).
    - working_days, out_of_hours "next_opening": the clock starts at the next open moment; the request
      is due `amount` working days later at the same local clock time, or at closing when that day
      closes earlier (a Friday half-day).
    - working_days, out_of_hours "keep_clock" (what cities' own target dates often show): the clock
      time of the open is kept whatever the opening hours; an open on a closed day moves to the next
      working day; with a `cutoff`, an open at or after it starts the next working day at `next_day_at`.
      The request is due `amount` working days later at that clock time.

    Working days are the days the calendar opens; `holidays=False` counts public holidays as working.
    """
    if amount < 0:
        raise ValueError(f"an SLA target cannot be negative: {amount}")
    if created.tzinfo is None:
        raise ValueError("creation time must be timezone-aware")
    if kind == "calendar_hours":
        # In UTC first: adding to a zoned time moves its wall clock, an hour off across a DST change.
        return created.astimezone(UTC) + timedelta(hours=amount)
    if kind == "calendar_days":
        local = created.astimezone(calendar.zone)
        wall = local.replace(tzinfo=None) + timedelta(days=amount)
        return wall.replace(tzinfo=calendar.zone).astimezone(UTC)
    if out_of_hours == "keep_clock":
        return _keeping_clock(calendar, created, amount, cutoff, next_day_at, holidays)
    start = calendar.next_open(created, holidays=holidays)
    day = start.date()
    for _ in range(amount):
        day = calendar.next_working_day(day, holidays=holidays)
    hours = calendar.hours_on(day, holidays=holidays)
    assert hours is not None  # next_open and next_working_day only return open days
    clock = min(max(start.time().replace(tzinfo=None), hours.opens), hours.closes)
    return datetime.combine(day, clock, tzinfo=calendar.zone).astimezone(UTC)


def _keeping_clock(
    calendar: BusinessCalendar,
    created: datetime,
    amount: int,
    cutoff: time | None,
    next_day_at: time,
    holidays: bool,
) -> datetime:
    local = created.astimezone(calendar.zone)
    day, clock = local.date(), local.time().replace(tzinfo=None)
    if calendar.hours_on(day, holidays=holidays) is None:
        day = calendar.next_working_day(day, holidays=holidays)
    if cutoff is not None and clock >= cutoff:
        day, clock = calendar.next_working_day(day, holidays=holidays), next_day_at
    for _ in range(amount):
        day = calendar.next_working_day(day, holidays=holidays)
    return datetime.combine(day, clock, tzinfo=calendar.zone).astimezone(UTC)
