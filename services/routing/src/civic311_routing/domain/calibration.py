"""SLA calibration: the policy per request type that best explains a city's own target dates.

Cities set their targets from what their crews achieved; a past export with open and target times per
case says which policy each type follows. Per type this tries calendar days and working days, and for
working days how out-of-hours opens are treated (an open on a closed day moves to the next working day at
the same clock time; an open after the cut-off then starts the next working day at the morning start) and
whether public holidays count, with amounts the data itself suggests. It keeps the policy that
reproduces most target dates within a minute. Times are the city's local wall clock, as exports hold them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from civic311_city.catalogue import SlaTarget

TOLERANCE = timedelta(minutes=1)
SAMPLE = 500
"""Cases per type used to choose a policy; the chosen one is then scored on every case."""
CUTOFFS: tuple[time | None, ...] = (None, time(16, 30), time(17, 0))
MORNING = time(8, 30)


@dataclass(frozen=True)
class Case:
    type: str
    opened: datetime
    target: datetime


@dataclass(frozen=True)
class Policy:
    kind: Literal["calendar_days", "working_days"]
    amount: int
    cutoff: time | None = None
    """Working days: opens at or after this clock time start the next working day at MORNING."""
    holidays: bool = False
    """Working days: whether public holidays are closed days."""

    def describe(self) -> str:
        if self.kind == "calendar_days":
            return f"{self.amount} calendar days"
        late = f", opens after {self.cutoff:%H:%M} start next day {MORNING:%H:%M}" if self.cutoff else ""
        return f"{self.amount} working days{late}{', holidays closed' if self.holidays else ''}"

    def sla_target(self) -> SlaTarget:
        """The policy as the catalogue writes it; routing's due_at then gives the same target."""
        if self.kind == "calendar_days":
            return SlaTarget(kind="calendar_days", amount=self.amount)
        return SlaTarget(
            kind="working_days",
            amount=self.amount,
            out_of_hours="keep_clock",
            cutoff=self.cutoff,
            next_day_at=MORNING if self.cutoff is not None else None,
            holidays=self.holidays,
        )


@dataclass(frozen=True)
class TypePolicy:
    type: str
    policy: Policy
    cases: int
    explained: int

    @property
    def share(self) -> float:
        return self.explained / self.cases if self.cases else 0.0


def target(policy: Policy, opened: datetime, holidays: Container[date]) -> datetime:
    """The target date a policy gives a case opened at `opened` (local wall clock)."""
    if policy.kind == "calendar_days":
        return opened + timedelta(days=policy.amount)
    closed = holidays if policy.holidays else frozenset()
    day, clock = opened.date(), opened.time()
    if not _working(day, closed):
        day = _next_working(day, closed)
    if policy.cutoff is not None and clock >= policy.cutoff:
        day, clock = _next_working(day, closed), MORNING
    for _ in range(policy.amount):
        day = _next_working(day, closed)
    return datetime.combine(day, clock)


def calibrate(
    cases: Iterable[Case], holidays: Container[date], *, top: int | None = None
) -> list[TypePolicy]:
    """The best policy of each type (of the `top` largest types), largest type first."""
    by_type: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        by_type[case.type].append(case)
    ranked = sorted(by_type, key=lambda t: -len(by_type[t]))[:top]
    return [_best(name, by_type[name], holidays) for name in ranked]


def _best(name: str, cases: Sequence[Case], holidays: Container[date]) -> TypePolicy:
    sample = cases[:: max(1, len(cases) // SAMPLE)]

    def explained(policy: Policy, among: Sequence[Case]) -> int:
        return sum(abs(target(policy, c.opened, holidays) - c.target) <= TOLERANCE for c in among)

    best = max(_candidates(sample, holidays), key=lambda p: explained(p, sample))
    return TypePolicy(type=name, policy=best, cases=len(cases), explained=explained(best, cases))


def _candidates(cases: Sequence[Case], holidays: Container[date]) -> list[Policy]:
    days = Counter(round((c.target - c.opened) / timedelta(days=1)) for c in cases)
    policies = [Policy("calendar_days", d) for d, _ in days.most_common(3) if d >= 0]
    for with_holidays in (False, True):
        closed = holidays if with_holidays else frozenset()
        counts = Counter(_working_days_between(c.opened.date(), c.target.date(), closed) for c in cases)
        for amount, _ in counts.most_common(3):
            policies += [Policy("working_days", amount, cutoff, with_holidays) for cutoff in CUTOFFS]
    return policies


def _working(day: date, closed: Container[date]) -> bool:
    return day.weekday() < 5 and day not in closed


def _next_working(day: date, closed: Container[date]) -> date:
    day += timedelta(days=1)
    while not _working(day, closed):
        day += timedelta(days=1)
    return day


def _working_days_between(first: date, last: date, closed: Container[date]) -> int:
    count = 0
    while first < last and count < 1000:
        first = _next_working(first, closed)
        count += 1
    return count
