"""GET requests: what a client's filters mean, by the spec's rules and the common extensions.

- `service_request_id` (comma-separated) names requests outright; every other filter is then ignored.
  Each must be a tracking number (its check character right): a mistyped one is a 400 naming the field,
  never a search for everything; a well-formed number we never gave out finds nothing.
- `start_date`/`end_date` bound `requested_datetime` and may span at most 90 days; one alone opens a
  90-day window from (or up to) it; neither: the last 90 days, unless `updated_after`/`updated_before`
  are given (a client catching up on changes), which then bound `updated_datetime` alone.
- `page`/`page_size`: newest first, `page_size` up to 1,000 (default 50).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from civic311_backbone.contracts.tracking import InvalidTrackingNumber, parse_tracking_number
from civic311_city.catalogue import Catalogue
from civic311_intake.domain.submission import FieldProblem

MAX_SPAN = timedelta(days=90)
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
STATUSES = ("open", "closed")


@dataclass(frozen=True, kw_only=True)
class Filters:
    """The query as the client gave it (dates already parsed)."""

    service_request_id: str | None = None
    service_code: str | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None
    status: str | None = None
    updated_after: datetime | None = None
    updated_before: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class Criteria:
    """What the index must be asked: every bound in UTC, only public service codes."""

    tracking_numbers: tuple[str, ...] = ()
    service_codes: tuple[str, ...]
    statuses: tuple[str, ...] = ()
    requested_from: datetime | None = None
    requested_to: datetime | None = None
    updated_after: datetime | None = None
    updated_before: datetime | None = None


def split(text: str | None) -> list[str]:
    """A comma-separated parameter's values, blanks dropped."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def criteria(catalogue: Catalogue, filters: Filters, *, now: datetime) -> Criteria | list[FieldProblem]:
    public = tuple(t.code for t in catalogue.public())
    if split(filters.service_request_id):
        numbers = _tracking_numbers(filters.service_request_id)
        if isinstance(numbers, FieldProblem):
            return [numbers]
        return Criteria(tracking_numbers=numbers, service_codes=public)
    problems: list[FieldProblem] = []
    codes = split(filters.service_code)
    unknown = [code for code in codes if code not in public]
    if unknown:
        problems.append(
            FieldProblem("service_code", f"not a service of this jurisdiction: {', '.join(unknown)}")
        )
    statuses = split(filters.status)
    if any(s not in STATUSES for s in statuses):
        problems.append(FieldProblem("status", "open, closed, or both comma-separated"))
    bounds = {name: _utc(name, getattr(filters, name), problems) for name in _DATES}
    if problems:
        return problems
    updated = bounds["updated_after"], bounds["updated_before"]
    if updated[0] is not None and updated[1] is not None and updated[1] <= updated[0]:
        return [FieldProblem("updated_before", "must be later than updated_after")]
    window = _window(bounds["start_date"], bounds["end_date"], now=now, changes_only=updated != (None, None))
    if isinstance(window, FieldProblem):
        return [window]
    return Criteria(
        service_codes=tuple(codes) or public,
        statuses=tuple(statuses),
        requested_from=window[0],
        requested_to=window[1],
        updated_after=updated[0],
        updated_before=updated[1],
    )


_DATES = ("start_date", "end_date", "updated_after", "updated_before")


MAX_IDS = MAX_PAGE_SIZE


def _tracking_numbers(text: str | None) -> tuple[str, ...] | FieldProblem:
    """The ids in their canonical form, or the problem with the first that is no tracking number."""
    given = split(text)
    if len(given) > MAX_IDS:
        return FieldProblem("service_request_id", f"at most {MAX_IDS} tracking numbers")
    numbers: list[str] = []
    for one in given:
        try:
            numbers.append(parse_tracking_number(one))
        except InvalidTrackingNumber as wrong:
            shown = one if len(one) <= 20 and one.isprintable() else "one of them"
            return FieldProblem("service_request_id", f"{shown!r} is not a tracking number: {wrong}")
    return tuple(numbers)


def _utc(name: str, moment: datetime | None, problems: list[FieldProblem]) -> datetime | None:
    """`moment` in UTC; without an offset it is taken as UTC."""
    if moment is None:
        return None
    try:
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:
        problems.append(FieldProblem(name, "a date within the years 1 to 9999"))
        return None


def _window(
    start: datetime | None, end: datetime | None, *, now: datetime, changes_only: bool
) -> tuple[datetime | None, datetime | None] | FieldProblem:
    if start is not None and end is not None:
        if end < start:
            return FieldProblem("end_date", "must not be before start_date")
        if end - start > MAX_SPAN:
            return FieldProblem("end_date", f"at most {MAX_SPAN.days} days after start_date")
        return start, end
    try:
        if start is not None:
            return start, start + MAX_SPAN
        if end is not None:
            return end - MAX_SPAN, end
    except OverflowError:
        return start, end  # a window reaching past the year 9999 or before 1 holds no request anyway
    return (None, None) if changes_only else (now - MAX_SPAN, now)


def page_window(page: int, page_size: int) -> tuple[int, int]:
    """LIMIT and OFFSET of a page (pages count from 1)."""
    return page_size, (page - 1) * page_size
