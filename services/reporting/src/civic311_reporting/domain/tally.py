"""Every figure of the SLA report from one walk over the requests.

Walking the states once per table (nine times) cost as much as the replay that built them. Here each
request is looked at once: counted into the row of its (department, type) pair, from which the rows by
department, by type and by both are summed; the trends are counted on the way. The figures are the
same as those of `sla.sla_rows` and the `trends` functions, which remain for a single table.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from civic311_reporting.domain.profile import ReportProfile
from civic311_reporting.domain.requests import RequestState
from civic311_reporting.domain.sla import UNASSIGNED, UNKNOWN_TYPE, SlaRow, count, merged
from civic311_reporting.domain.trends import AGEING_BUCKETS

Pair = tuple[str, str]


@dataclass(slots=True)
class Tally:
    """What one walk counts; `rows`, `weekly` and the rest turn it into the report's tables."""

    pairs: dict[Pair, SlaRow] = field(default_factory=dict)
    duplicates: int = 0
    untimed: int = 0
    requests: int = 0
    originals: Counter[str] = field(default_factory=Counter)
    """Duplicates per original (its tracking number): a linked original counts its duplicates."""
    ageing: dict[str, int] = field(default_factory=lambda: dict.fromkeys((n for n, _ in AGEING_BUCKETS), 0))
    created_weeks: Counter[int] = field(default_factory=Counter)
    closed_weeks: Counter[int] = field(default_factory=Counter)
    channels: Counter[str] = field(default_factory=Counter)
    pair_costs: dict[Pair, list[float]] = field(default_factory=dict)  # [labour hours, materials]
    cells: Counter[tuple[int, int]] = field(default_factory=Counter)

    def rows(self, group: Literal["department", "type", "department/type"]) -> list[SlaRow]:
        """The SLA rows by department, by type or by both, in group order."""
        groups: dict[str, list[SlaRow]] = {}
        for (department, code), row in self.pairs.items():
            name = department if group == "department" else code if group == "type" else row.group
            groups.setdefault(name, []).append(row)
        return [merged(name, groups[name]) for name in sorted(groups)]

    def costs(self, group: Literal["department", "type"]) -> dict[str, tuple[float, float]]:
        """(labour hours, materials) by department or by type, in group order."""
        totals: dict[str, tuple[float, float]] = {}
        for (department, code), (hours, materials) in self.pair_costs.items():
            name = department if group == "department" else code
            before = totals.get(name, (0.0, 0.0))
            totals[name] = (before[0] + hours, before[1] + materials)
        return dict(sorted(totals.items()))

    def weekly(self) -> list[tuple[str, int, int]]:
        weeks = sorted(self.created_weeks.keys() | self.closed_weeks.keys())
        return [(date.fromordinal(w).isoformat(), self.created_weeks[w], self.closed_weeks[w]) for w in weeks]

    def hotspots(self, cell_degrees: float, top: int = 20) -> list[tuple[float, float, int]]:
        return [
            (round(i * cell_degrees, 6), round(j * cell_degrees, 6), n)
            for (i, j), n in self.cells.most_common(top)
        ]


def _monday(instant: datetime) -> int:
    """The ordinal of the Monday of the instant's week (its own calendar day, as `trends.week_of`)."""
    day = instant.toordinal()
    return day - (day + 6) % 7


def _age(tally: Tally, created: datetime, as_of: datetime) -> None:
    days = (as_of - created).total_seconds() / 86400
    tally.ageing[next(name for name, limit in AGEING_BUCKETS if days < limit)] += 1


def tally(states: Iterable[RequestState], *, as_of: datetime, profile: ReportProfile) -> Tally:
    """Count the requests created up to `as_of`, in one walk (its counters held in locals: it is the
    report's inner loop)."""
    result = Tally()
    judged_at, cell = profile.judged_at(as_of), profile.cell_degrees
    pairs, pair_costs, created_weeks, closed_weeks = (
        result.pairs,
        result.pair_costs,
        result.created_weeks,
        result.closed_weeks,
    )
    channels, cells = result.channels, result.cells
    duplicates = untimed = 0
    for state in states:
        created = state.created_at
        if created is None or created > as_of:
            continue
        pair = (state.department or UNASSIGNED, state.service_code or UNKNOWN_TYPE)
        row = pairs.get(pair)
        if row is None:
            row = pairs[pair] = SlaRow(f"{pair[0]} / {pair[1]}")
            pair_costs[pair] = [0.0, 0.0]
        count(row, state, as_of=as_of, judged_at=judged_at, profile=profile)
        duplicates += state.resolution == "duplicate"
        if state.resolution == "duplicate" and state.duplicate_of:
            result.originals[state.duplicate_of] += 1
        untimed += state.due_at is None
        week = _monday(created)
        created_weeks[week] = created_weeks.get(week, 0) + 1
        closed_at = state.closed_at
        if closed_at is not None and closed_at <= as_of:
            week = _monday(closed_at)
            closed_weeks[week] = closed_weeks.get(week, 0) + 1
        else:
            _age(result, created, as_of)
        channel = state.channel or "(unknown)"
        channels[channel] = channels.get(channel, 0) + 1
        if state.labour_hours or state.materials:
            costs = pair_costs[pair]
            costs[0] += state.labour_hours
            costs[1] += state.materials
        if state.lat is not None and state.long is not None:
            spot = (math.floor(state.lat / cell), math.floor(state.long / cell))
            cells[spot] = cells.get(spot, 0) + 1
    result.duplicates, result.untimed = duplicates, untimed
    result.requests = sum(row_count for row_count in created_weeks.values())
    return result
