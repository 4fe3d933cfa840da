"""Our on-time verdict per case beside a city's own flag: agreement, per-department shares, differences.

Every difference carries a reason (one of REASONS) and a sentence saying why, with its times in the
city's zone and their offset. Department shares are given twice: over the cases both sides judge, and
over every case either side judges (ours including the cases the city left unflagged, the city's
including the cases we refused or left out).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

from civic311_reporting.domain.profile import ReportProfile
from civic311_reporting.domain.requests import RequestState
from civic311_reporting.domain.sla import by_department
from civic311_reporting.domain.verdict import on_time

ON_TIME_FLAG = "ONTIME"
REASONS = {
    "unflagged": "the city gives no flag",
    "not_imported": "not in the store (refused at import)",
    "left_out": "the profile leaves it out of on-time figures",
    "no_due_time": "no due time (counted on time), yet the city flags it",
    "open": "open at the judging instant",
    "closed": "closed, judged against its due time",
}


@dataclass(frozen=True, slots=True)
class Difference:
    stream_id: str
    ours: bool | None
    city: str
    why: str
    reason: str = "closed"
    department: str = ""


@dataclass(slots=True)
class DepartmentShares:
    department: str
    cases: int = 0
    ours_on_time: int = 0
    city_on_time: int = 0
    ours_all: int = 0
    """Cases we judge, the unflagged among them."""
    ours_all_on_time: int = 0
    city_all: int = 0
    """Cases the city flags, those we refused or left out among them."""
    city_all_on_time: int = 0

    @property
    def delta_pp(self) -> float:
        return 100 * (self.ours_on_time - self.city_on_time) / self.cases if self.cases else 0.0


@dataclass(slots=True)
class Comparison:
    cases: int = 0
    agreeing: int = 0
    departments: dict[str, DepartmentShares] = field(default_factory=dict)
    differences: list[Difference] = field(default_factory=list)
    zone: tzinfo = UTC

    @property
    def agreement(self) -> float:
        return self.agreeing / self.cases if self.cases else 1.0

    @property
    def by_reason(self) -> Counter[str]:
        return Counter(d.reason for d in self.differences)


def local(moment: datetime, zone: tzinfo) -> str:
    """An instant in the city's zone with its offset: 2011-07-05 11:39-04:00."""
    return moment.astimezone(zone).isoformat(sep=" ", timespec="minutes")


def _why(
    state: RequestState, ours: bool | None, city: str, judged_at: datetime, zone: tzinfo
) -> tuple[str, str]:
    if not city:
        return "unflagged", "the city gives no flag for this case"
    if state.created_at is None:
        return "not_imported", "the case is not in the store"
    if ours is None:
        return "left_out", "the profile leaves this case out of on-time figures"
    if state.due_at is None:
        return "no_due_time", REASONS["no_due_time"]
    due = local(state.due_at, zone)
    if state.closed_at is None or state.closed_at > judged_at:
        return "open", f"open, due {due}, judged as of {local(judged_at, zone)}"
    return "closed", f"closed {local(state.closed_at, zone)} against due {due}"


def compare(
    states: Mapping[str, RequestState],
    city: Mapping[str, str],
    *,
    as_of: datetime,
    profile: ReportProfile,
    zone: tzinfo = UTC,
    city_departments: Mapping[str, str] | None = None,
) -> Comparison:
    """Every case the city lists, judged by us with the profile, as of the export (or `as_of`).

    `city_departments` (the export's department per case) places the cases not in the store."""
    judged_at = profile.judged_at(as_of)
    result = Comparison(zone=zone)
    for stream_id, flag in city.items():
        state = states.get(stream_id) or RequestState(stream_id)
        known = state.created_at is not None
        ours = on_time(state, judged_at, profile) if known else None
        department = (
            by_department(state) if known else (city_departments or {}).get(stream_id) or "(not imported)"
        )
        result.cases += 1
        if ours is not None and flag and ours == (flag == ON_TIME_FLAG):
            result.agreeing += 1
        else:
            reason, why = _why(state, ours, flag, judged_at, zone)
            result.differences.append(Difference(stream_id, ours, flag, why, reason, department))
        shares = result.departments.setdefault(department, DepartmentShares(department))
        if ours is not None:
            shares.ours_all += 1
            shares.ours_all_on_time += ours
        if flag:
            shares.city_all += 1
            shares.city_all_on_time += flag == ON_TIME_FLAG
        if ours is None or not flag:
            continue
        shares.cases += 1
        shares.ours_on_time += ours
        shares.city_on_time += flag == ON_TIME_FLAG
    return result


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.2f}" if whole else "-"


def describe(comparison: Comparison, *, differences: int | None = 20) -> str:
    """The comparison as text: agreement, the differences by reason, one line per department (over the
    cases both judge, then over all either judges), and the first `differences` differing rows (all
    with None)."""
    width = max([14, *(len(d) + 2 for d in comparison.departments)])
    lines = [
        f"cases: {comparison.cases}, agreeing: {comparison.agreeing} ({100 * comparison.agreement:.2f}%)",
        f"differing cases: {len(comparison.differences)}"
        + "".join(f"\n  {n:>7} {REASONS[r]}" for r, n in comparison.by_reason.most_common()),
        f"{'department':<{width}}{'cases':>8}{'ours %':>9}{'city %':>9}{'delta pp':>10}"
        f"{'all ours':>10}{'ours %':>9}{'all city':>10}{'city %':>9}",
    ]
    for d in sorted(comparison.departments.values(), key=lambda d: (-d.cases, d.department)):
        lines.append(
            f"{d.department:<{width}}{d.cases:>8}{_pct(d.ours_on_time, d.cases):>9}"
            f"{_pct(d.city_on_time, d.cases):>9}{d.delta_pp:>10.2f}"
            f"{d.ours_all:>10}{_pct(d.ours_all_on_time, d.ours_all):>9}"
            f"{d.city_all:>10}{_pct(d.city_all_on_time, d.city_all):>9}"
        )
    lines.append("('all': ours with the cases the city left unflagged, the city's with those we refused)")
    shown = comparison.differences if differences is None else comparison.differences[:differences]
    if shown:
        lines.append(f"differences (first {len(shown)} of {len(comparison.differences)}):")
    lines += [f"  {d.stream_id}: ours={d.ours} city={d.city or '-'}: {d.why}" for d in shown]
    return "\n".join(lines)
