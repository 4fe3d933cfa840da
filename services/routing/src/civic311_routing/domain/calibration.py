"""SLA calibration: the policy per request type that best explains a city's own target dates.

Cities set their targets from what their crews achieved; a past export with open and target times per
case says which policy each type follows. The policies tried are exactly those routing can run: every
`SlaTarget` shape (calendar hours, calendar days, working days starting at the next opening hour or
keeping the open's clock, with cut-offs and next-day starts, with or without public holidays), scored
with routing's own `due_at` on the city's business calendar (its weekday hours and holidays), so a
policy pasted into the catalogue gives routing's due time the very target scored here.

Per type the simplest policy that explains the most cases (to the minute) wins; the alternatives are
kept with what each explains, and the cases the winner misses are grouped by why. Reading is streamed
in two passes (`cases` is called twice): the first keeps a bounded sample per type to propose policies,
the second scores the best few on every case, so memory does not grow with the file. Scoring runs on a
`Remembering` copy of the calendar (the same days, each day's hours and next working day looked up
once), so a working-days target costs dictionary look-ups instead of a holiday search per day.

What no policy explains is named by why (`why_missed`). On Boston's 2011 export most of the rest is
not a policy at all: targets a few minutes earlier than any rule of the recorded open gives (an
agent's form, opened before the case was saved, started the clock), targets reset by hand to another
clock time, and targets months away.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from civic311_city.calendar import BusinessCalendar, OpeningHours, due_at
from civic311_city.catalogue import SlaTarget

TOLERANCE = timedelta(minutes=1)
SAMPLE = 150
"""Cases per type kept to propose and rank policies; the best few are then scored on every case."""
ALTERNATIVES = 4
"""Policies per type scored on every case (the winner among them, the rest shown beside it)."""
CUTOFFS = (time(16, 0), time(16, 30), time(17, 0))
NEXT_DAY_AT = (time(8, 0), time(8, 30))


@dataclass(frozen=True)
class Remembering(BusinessCalendar):
    """The same calendar, remembering each day's hours and next working day: a calibration run asks
    the same few hundred days millions of times. Short-lived (one run), so the memory stays small."""

    _hours: dict[tuple[date, bool], OpeningHours | None] = field(
        default_factory=dict, compare=False, repr=False
    )
    _next: dict[tuple[date, bool], date] = field(default_factory=dict, compare=False, repr=False)

    def hours_on(self, day: date, *, holidays: bool = True) -> OpeningHours | None:
        key = (day, holidays)
        if key not in self._hours:
            self._hours[key] = super().hours_on(day, holidays=holidays)
        return self._hours[key]

    def next_working_day(self, day: date, *, holidays: bool = True) -> date:
        key = (day, holidays)
        found = self._next.get(key)
        if found is None:
            found = self._next[key] = super().next_working_day(day, holidays=holidays)
        return found


def remembering(calendar: BusinessCalendar) -> Remembering:
    if isinstance(calendar, Remembering):
        return calendar
    return Remembering(calendar.zone, calendar.week, calendar.holidays, calendar.closures)


@dataclass(frozen=True)
class Case:
    type: str
    opened: datetime
    target: datetime
    """Both aware instants."""


def describe(policy: SlaTarget) -> str:
    if policy.kind == "calendar_hours":
        return f"{policy.amount} calendar hours"
    if policy.kind == "calendar_days":
        return f"{policy.amount} calendar days"
    text = f"{policy.amount} working days"
    if policy.out_of_hours == "next_opening":
        text += ", clock starts at the next opening hour"
    elif policy.cutoff is not None:
        start = policy.next_day_at or time(8, 30)
        text += f", opens after {policy.cutoff:%H:%M} start next day {start:%H:%M}"
    return text + ("" if policy.holidays else ", holidays worked")


def complexity(policy: SlaTarget) -> int:
    """Fewer moving parts first: hours and days, then working days, then clock rules and holidays."""
    score = {"calendar_hours": 0, "calendar_days": 1, "working_days": 2}[policy.kind]
    if policy.kind == "working_days":
        score += {"next_opening": 1, "keep_clock": 0}[policy.out_of_hours]
        score += 2 * (policy.cutoff is not None) + (policy.next_day_at is not None) + (not policy.holidays)
    return score


@dataclass(frozen=True)
class Alternative:
    policy: SlaTarget
    explained: int


@dataclass(frozen=True)
class TypePolicy:
    type: str
    policy: SlaTarget
    cases: int
    explained: int
    alternatives: tuple[Alternative, ...] = ()
    misses: Mapping[str, int] = field(default_factory=dict)
    """Why the chosen policy's target differs from the city's, grouped."""

    @property
    def share(self) -> float:
        return self.explained / self.cases if self.cases else 0.0


def matches(policy: SlaTarget, case: Case, calendar: BusinessCalendar) -> bool:
    return abs(target(policy, case.opened, calendar) - case.target) <= TOLERANCE


def target(policy: SlaTarget, opened: datetime, calendar: BusinessCalendar) -> datetime:
    """Routing's due time for a case opened at `opened`."""
    return due_at(
        calendar,
        opened,
        policy.kind,
        policy.amount,
        out_of_hours=policy.out_of_hours,
        cutoff=policy.cutoff,
        next_day_at=policy.next_day_at or time(8, 30),
        holidays=policy.holidays,
    )


EARLY = "minutes early: the clock started 1-60 minutes before the recorded open (a form opened first)"
LATE = "minutes late: 1-60 minutes after the policy's (set by hand, or from another clock)"
BEFORE_OPEN = "the city's target is before the open"
FAR = "far from the policy (more than 60 days: a target the city reset)"
OTHER_DAY = "same clock time, another day (another amount, or a holiday counted otherwise)"
ON_THE_HOUR = "on a whole or half hour, another day (set by hand, or another start rule)"
OTHER_CLOCK = "another clock time (set by hand, or another start rule)"
REASONS = (EARLY, LATE, BEFORE_OPEN, FAR, OTHER_DAY, ON_THE_HOUR, OTHER_CLOCK)


def why_missed(policy: SlaTarget, case: Case, calendar: BusinessCalendar) -> str:
    """One of REASONS: how the city's target differs from the policy's."""
    ours = target(policy, case.opened, calendar)
    gap = case.target - ours
    if case.target < case.opened:
        return BEFORE_OPEN
    if -timedelta(hours=1) <= gap < timedelta(0):
        return EARLY
    if timedelta(0) < gap <= timedelta(hours=1):
        return LATE
    if abs(gap) > timedelta(days=60):
        return FAR
    off_days = abs(gap.total_seconds()) % 86400
    if min(off_days, 86400 - off_days) <= TOLERANCE.total_seconds():
        return OTHER_DAY
    wall = case.target.astimezone(calendar.zone)
    if wall.minute in (0, 30) and wall.second == 0:
        return ON_THE_HOUR
    return OTHER_CLOCK


def _sampled(cases: Iterable[Case], seed: int) -> tuple[Counter[str], dict[str, list[Case]]]:
    """Counts per type and a uniform sample of at most SAMPLE cases of each (reservoir sampling)."""
    counts: Counter[str] = Counter()
    samples: dict[str, list[Case]] = {}
    pick = random.Random(seed)  # noqa: S311  (a reproducible sample, not a secret)
    for case in cases:
        counts[case.type] += 1
        kept = samples.setdefault(case.type, [])
        if len(kept) < SAMPLE:
            kept.append(case)
        elif (slot := pick.randrange(counts[case.type])) < SAMPLE:
            kept[slot] = case
    return counts, samples


def _working_days(case: Case, calendar: BusinessCalendar, holidays: bool) -> int:
    day, last = case.opened.astimezone(calendar.zone).date(), case.target.astimezone(calendar.zone).date()
    count = 0
    while day < last and count < 1000:
        day = calendar.next_working_day(day, holidays=holidays)
        count += 1
    return count


def candidates(sample: list[Case], calendar: BusinessCalendar) -> list[SlaTarget]:
    """Every policy shape routing runs, with the amounts the sample suggests."""
    hours = Counter(round((c.target - c.opened) / timedelta(hours=1)) for c in sample)
    days = Counter(round((c.target - c.opened) / timedelta(days=1)) for c in sample)
    policies = [SlaTarget(kind="calendar_hours", amount=h) for h, _ in hours.most_common(2) if h >= 0]
    policies += [SlaTarget(kind="calendar_days", amount=d) for d, _ in days.most_common(3) if d >= 0]
    for holidays in (True, False):
        counts = Counter(_working_days(c, calendar, holidays) for c in sample)
        for amount, _ in counts.most_common(3):
            base = {"kind": "working_days", "amount": amount} | ({} if holidays else {"holidays": False})
            policies.append(SlaTarget.model_validate(base))
            policies.append(SlaTarget.model_validate(base | {"out_of_hours": "keep_clock"}))
            for cutoff in CUTOFFS:
                for start in NEXT_DAY_AT:
                    extra = {} if start == time(8, 30) else {"next_day_at": start}
                    policies.append(
                        SlaTarget.model_validate(
                            base | {"out_of_hours": "keep_clock", "cutoff": cutoff} | extra
                        )
                    )
    unique: dict[str, SlaTarget] = {p.model_dump_json(exclude_unset=True): p for p in policies}
    return list(unique.values())


def _ranked(policies: list[SlaTarget], sample: list[Case], calendar: BusinessCalendar) -> list[SlaTarget]:
    scored = [(sum(matches(p, c, calendar) for c in sample), p) for p in policies]
    scored.sort(key=lambda s: (-s[0], complexity(s[1])))
    return [p for _, p in scored[:ALTERNATIVES]]


def calibrate(
    cases: Callable[[], Iterable[Case]],
    calendar: BusinessCalendar,
    *,
    top: int | None = None,
    progress: Callable[[int], None] | None = None,
    seed: int = 311,
) -> list[TypePolicy]:
    """The best policy of each type (of the `top` largest types), largest type first."""
    calendar = remembering(calendar)
    counts, samples = _sampled(cases(), seed)
    ranked = [name for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))][:top]
    proposals = {
        name: _ranked(candidates(samples[name], calendar), samples[name], calendar) for name in ranked
    }
    return score(cases, proposals, calendar, progress=progress)


def score(
    cases: Callable[[], Iterable[Case]],
    proposals: Mapping[str, list[SlaTarget]],
    calendar: BusinessCalendar,
    *,
    progress: Callable[[int], None] | None = None,
) -> list[TypePolicy]:
    """Each type's proposed policies scored on every case of it (`calibrate --check` with one each);
    the first of the most explaining, simplest first, is the type's policy."""
    calendar = remembering(calendar)
    totals: Counter[str] = Counter()
    explained: dict[str, list[int]] = {name: [0] * len(p) for name, p in proposals.items()}
    for done, case in enumerate(cases(), start=1):
        policies = proposals.get(case.type)
        if policies is None:
            continue
        totals[case.type] += 1
        tally = explained[case.type]
        for index, policy in enumerate(policies):
            tally[index] += matches(policy, case, calendar)
        if progress is not None and done % 1000 == 0:
            progress(done)
    chosen: dict[str, SlaTarget] = {}
    results: dict[str, TypePolicy] = {}
    for name, policies in proposals.items():
        if not policies:
            continue
        order = sorted(range(len(policies)), key=lambda i: (-explained[name][i], complexity(policies[i])))
        best = policies[order[0]]
        chosen[name] = best
        alternatives = tuple(Alternative(policies[i], explained[name][i]) for i in order[1:])
        results[name] = TypePolicy(name, best, totals[name], explained[name][order[0]], alternatives)
    misses: dict[str, Counter[str]] = {name: Counter() for name in chosen}
    for case in cases():
        held = chosen.get(case.type)
        if held is not None and not matches(held, case, calendar):
            misses[case.type][why_missed(held, case, calendar)] += 1
    found = [
        TypePolicy(r.type, r.policy, r.cases, r.explained, r.alternatives, dict(misses[r.type].most_common()))
        for r in results.values()
    ]
    return sorted(found, key=lambda r: (-r.cases, r.type))
