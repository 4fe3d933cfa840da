"""Is a request on time? Closed by its due time, or still open and not past it, as of an instant."""

from __future__ import annotations

from datetime import datetime

from civic311_reporting.domain.profile import ReportProfile
from civic311_reporting.domain.requests import RequestState


def on_time(state: RequestState, as_of: datetime, profile: ReportProfile) -> bool | None:
    """The verdict, or None when the profile leaves this request out of on-time figures."""
    if state.resolution == "duplicate" and profile.duplicates == "excluded":
        return None
    if state.due_at is None:
        return True if profile.no_due_date == "on_time" else None
    if state.closed_at is not None and state.closed_at <= as_of:
        return state.closed_at <= state.due_at
    return as_of <= state.due_at


def is_overdue(state: RequestState, as_of: datetime) -> bool:
    """Open (as of the instant) and past its due time."""
    still_open = state.closed_at is None or state.closed_at > as_of
    return still_open and state.due_at is not None and state.due_at < as_of
