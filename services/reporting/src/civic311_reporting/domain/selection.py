"""Which requests a report covers: a department, a type, a district and a period of creation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from civic311_city import Districts
from civic311_reporting.domain.requests import RequestState

LAST_INSTANT = datetime.max.replace(tzinfo=UTC)
"""Where a period ending on the last day there is (9999-12-31) ends: no later instant can be written."""


@dataclass(frozen=True, slots=True)
class Selection:
    """Empty fields select everything. Dates are UTC days, both ends included."""

    department: str | None = None
    service_code: str | None = None
    district: str | None = None
    created_from: date | None = None
    created_to: date | None = None

    def as_of(self, now: datetime) -> datetime:
        """The instant the figures are judged at: the end of the period, or now if that is earlier."""
        end = self.end()
        return now if end is None else min(now, end)

    def start(self) -> datetime | None:
        return None if self.created_from is None else datetime.combine(self.created_from, time(), UTC)

    def end(self) -> datetime | None:
        """The first instant after the period (the last there is, for a period to 9999-12-31)."""
        if self.created_to is None:
            return None
        if self.created_to == date.max:
            return LAST_INSTANT
        return datetime.combine(self.created_to + timedelta(days=1), time(), UTC)


NO_DISTRICTS = Districts(())


def district_of(state: RequestState, districts: Districts) -> str | None:
    """The district routing gave the request, else the one the city's districts put its point in
    (the same test routing makes, so a point on a border falls on the same side)."""
    return state.district or districts.containing(state.lat, state.long)


def select(
    states: Mapping[str, RequestState],
    selection: Selection,
    *,
    as_of: datetime,
    districts: Districts = NO_DISTRICTS,
) -> dict[str, RequestState]:
    """The requests created in the period (by `as_of` at the latest) that match every given field."""
    start, end = selection.start(), selection.end()
    chosen = {}
    for stream_id, state in states.items():
        created = state.created_at
        if created is None or created > as_of:
            continue
        if (start is not None and created < start) or (end is not None and created >= end):
            continue
        if selection.department is not None and state.department != selection.department:
            continue
        if selection.service_code is not None and state.service_code != selection.service_code:
            continue
        if selection.district is not None and district_of(state, districts) != selection.district:
            continue
        chosen[stream_id] = state
    return chosen


@dataclass(frozen=True, slots=True)
class Choices:
    """What the filters can be set to: the values present in the requests, and every district."""

    departments: tuple[str, ...]
    service_codes: tuple[str, ...]
    districts: tuple[str, ...]


def choices(states: Iterable[RequestState], districts: Districts = NO_DISTRICTS) -> Choices:
    departments: set[str | None] = set()
    codes: set[str | None] = set()
    names: set[str | None] = set(districts.names)
    for state in states:
        departments.add(state.department)
        codes.add(state.service_code)
        names.add(state.district)
    return Choices(
        tuple(sorted(d for d in departments if d)),
        tuple(sorted(c for c in codes if c)),
        tuple(sorted(d for d in names if d)),
    )
