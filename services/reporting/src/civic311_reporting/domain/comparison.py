"""Our on-time verdict per case beside a city's own flag: agreement, per-department shares, differences."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from civic311_reporting.domain.profile import ReportProfile
from civic311_reporting.domain.requests import RequestState
from civic311_reporting.domain.sla import by_department
from civic311_reporting.domain.verdict import on_time

ON_TIME_FLAG = "ONTIME"


@dataclass(frozen=True, slots=True)
class Difference:
    stream_id: str
    ours: bool | None
    city: str
    why: str


@dataclass(slots=True)
class DepartmentShares:
    department: str
    cases: int = 0
    ours_on_time: int = 0
    city_on_time: int = 0

    @property
    def delta_pp(self) -> float:
        return 100 * (self.ours_on_time - self.city_on_time) / self.cases if self.cases else 0.0


@dataclass(slots=True)
class Comparison:
    cases: int = 0
    agreeing: int = 0
    departments: dict[str, DepartmentShares] = field(default_factory=dict)
    differences: list[Difference] = field(default_factory=list)

    @property
    def agreement(self) -> float:
        return self.agreeing / self.cases if self.cases else 1.0


def _why(state: RequestState, ours: bool | None, city: str, judged_at: datetime) -> str:
    if not city:
        return "the city gives no flag for this case"
    if state.created_at is None:
        return "the case is not in the store"
    if ours is None:
        return "the profile leaves this case out of on-time figures"
    if state.due_at is None:
        return "no due time (counted on time), yet the city flags it"
    if state.closed_at is None:
        return f"open, due {state.due_at:%Y-%m-%d %H:%M}Z, judged as of {judged_at:%Y-%m-%d %H:%M}Z"
    return f"closed {state.closed_at:%Y-%m-%d %H:%M}Z against due {state.due_at:%Y-%m-%d %H:%M}Z"


def compare(
    states: Mapping[str, RequestState], city: Mapping[str, str], *, as_of: datetime, profile: ReportProfile
) -> Comparison:
    """Every case the city flags, judged by us with the profile, as of the export (or `as_of`)."""
    judged_at = profile.judged_at(as_of)
    result = Comparison()
    for stream_id, flag in city.items():
        state = states.get(stream_id) or RequestState(stream_id)
        ours = on_time(state, judged_at, profile) if state.created_at is not None else None
        result.cases += 1
        if ours is not None and flag and ours == (flag == ON_TIME_FLAG):
            result.agreeing += 1
        else:
            result.differences.append(Difference(stream_id, ours, flag, _why(state, ours, flag, judged_at)))
        if ours is None or not flag:
            continue
        shares = result.departments.setdefault(by_department(state), DepartmentShares(by_department(state)))
        shares.cases += 1
        shares.ours_on_time += ours
        shares.city_on_time += flag == ON_TIME_FLAG
    return result


def describe(comparison: Comparison, *, differences: int = 20) -> str:
    """The comparison as text: agreement, one line per department, and the first differing rows."""
    width = max([14, *(len(d) + 2 for d in comparison.departments)])
    lines = [
        f"cases: {comparison.cases}, agreeing: {comparison.agreeing} ({100 * comparison.agreement:.2f}%)",
        f"{'department':<{width}}{'cases':>8}{'ours %':>9}{'city %':>9}{'delta pp':>10}",
    ]
    for d in sorted(comparison.departments.values(), key=lambda d: -d.cases):
        ours, city = 100 * d.ours_on_time / d.cases, 100 * d.city_on_time / d.cases
        lines.append(f"{d.department:<{width}}{d.cases:>8}{ours:>9.2f}{city:>9.2f}{d.delta_pp:>10.2f}")
    lines.append(f"differing cases: {len(comparison.differences)}")
    lines += [
        f"  {d.stream_id}: ours={d.ours} city={d.city or '-'}: {d.why}"
        for d in comparison.differences[:differences]
    ]
    return "\n".join(lines)
