"""SLA rows: open, overdue, on-time share and time to close, grouped by department and/or type."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from civic311_reporting.domain.profile import ReportProfile
from civic311_reporting.domain.requests import RequestState
from civic311_reporting.domain.verdict import is_overdue, on_time

Key = Callable[[RequestState], str]
UNASSIGNED, UNKNOWN_TYPE = "(unassigned)", "(unknown)"


def by_department(state: RequestState) -> str:
    return state.department or UNASSIGNED


def by_type(state: RequestState) -> str:
    return state.service_code or UNKNOWN_TYPE


def percentile(sorted_values: list[float], share: float) -> float | None:
    """Nearest-rank percentile of values already sorted."""
    if not sorted_values:
        return None
    return sorted_values[max(math.ceil(share * len(sorted_values)) - 1, 0)]


@dataclass(slots=True)
class SlaRow:
    group: str
    requests: int = 0
    open: int = 0
    overdue: int = 0
    judged: int = 0
    on_time: int = 0
    hours_to_close: list[float] = field(default_factory=list, repr=False)

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.judged if self.judged else None

    def close_hours(self, share: float) -> float | None:
        return percentile(sorted(self.hours_to_close), share)

    def as_dict(self) -> dict[str, object]:
        share = self.on_time_share
        median, p90 = self.close_hours(0.5), self.close_hours(0.9)
        return {
            "group": self.group,
            "requests": self.requests,
            "open": self.open,
            "overdue": self.overdue,
            "judged": self.judged,
            "on_time": self.on_time,
            "on_time_pct": None if share is None else round(100 * share, 2),
            "median_hours_to_close": None if median is None else round(median, 1),
            "p90_hours_to_close": None if p90 is None else round(p90, 1),
        }


def count(
    row: SlaRow, state: RequestState, *, as_of: datetime, judged_at: datetime, profile: ReportProfile
) -> None:
    """One request into its group's row: open means open as of `as_of`; the verdict is as of `judged_at`."""
    row.requests += 1
    closed_at = state.closed_at
    if closed_at is None or closed_at > as_of:
        row.open += 1
        row.overdue += is_overdue(state, as_of)
    elif state.created_at is not None:
        row.hours_to_close.append((closed_at - state.created_at).total_seconds() / 3600)
    verdict = on_time(state, judged_at, profile)
    if verdict is not None:
        row.judged += 1
        row.on_time += verdict


def merged(group: str, rows: Iterable[SlaRow]) -> SlaRow:
    """One row summing several (the rows of a department's types, say)."""
    total = SlaRow(group)
    for row in rows:
        total.requests += row.requests
        total.open += row.open
        total.overdue += row.overdue
        total.judged += row.judged
        total.on_time += row.on_time
        total.hours_to_close += row.hours_to_close
    return total


def sla_rows(
    states: Iterable[RequestState], key: Key, *, as_of: datetime, profile: ReportProfile
) -> list[SlaRow]:
    """One row per group, in group order. Open means open as of `as_of`; verdicts use the profile."""
    rows: dict[str, SlaRow] = {}
    judged_at = profile.judged_at(as_of)
    for state in states:
        group = key(state)
        row = rows.get(group)
        if row is None:
            row = rows[group] = SlaRow(group)
        count(row, state, as_of=as_of, judged_at=judged_at, profile=profile)
    return [rows[g] for g in sorted(rows)]


def by_department_and_type(state: RequestState) -> str:
    return f"{by_department(state)} / {by_type(state)}"
