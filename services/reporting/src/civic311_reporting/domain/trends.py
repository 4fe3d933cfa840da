"""The other figures of the SLA report: ageing, weekly trend, channel mix, cost, hotspots."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta

from civic311_reporting.domain.requests import RequestState
from civic311_reporting.domain.sla import Key

AGEING_BUCKETS: tuple[tuple[str, float], ...] = (
    ("0-1d", 1),
    ("1-3d", 3),
    ("3-7d", 7),
    ("7-30d", 30),
    ("30-90d", 90),
    (">90d", math.inf),
)


def ageing(states: Iterable[RequestState], *, as_of: datetime) -> dict[str, int]:
    """Requests open as of the instant, by how long they have been open."""
    counts = dict.fromkeys((name for name, _ in AGEING_BUCKETS), 0)
    for s in states:
        if s.created_at is None or s.created_at > as_of or (s.closed_at is not None and s.closed_at <= as_of):
            continue
        days = (as_of - s.created_at).total_seconds() / 86400
        counts[next(name for name, limit in AGEING_BUCKETS if days < limit)] += 1
    return counts


def week_of(instant: datetime) -> str:
    monday = instant.date() - timedelta(days=instant.weekday())
    return monday.isoformat()


def weekly(states: Iterable[RequestState], *, as_of: datetime) -> list[tuple[str, int, int]]:
    """(week starting Monday, requests created, requests closed), by UTC week."""
    created: Counter[str] = Counter()
    closed: Counter[str] = Counter()
    for s in states:
        if s.created_at is not None and s.created_at <= as_of:
            created[week_of(s.created_at)] += 1
        if s.closed_at is not None and s.closed_at <= as_of:
            closed[week_of(s.closed_at)] += 1
    return [(week, created[week], closed[week]) for week in sorted(created.keys() | closed.keys())]


def channel_mix(states: Iterable[RequestState]) -> dict[str, int]:
    return dict(Counter(s.channel or "(unknown)" for s in states).most_common())


def cost(states: Iterable[RequestState], key: Key) -> dict[str, tuple[float, float]]:
    """(labour hours, materials) per group."""
    totals: dict[str, tuple[float, float]] = {}
    for s in states:
        hours, materials = totals.get(key(s), (0.0, 0.0))
        totals[key(s)] = (hours + s.labour_hours, materials + s.materials)
    return dict(sorted(totals.items()))


def hotspots(
    states: Iterable[RequestState], *, cell_degrees: float, top: int = 20
) -> list[tuple[float, float, int]]:
    """(south-west corner latitude, longitude, count) of the busiest map cells."""
    cells: Counter[tuple[int, int]] = Counter()
    for s in states:
        if s.lat is not None and s.long is not None:
            cells[(math.floor(s.lat / cell_degrees), math.floor(s.long / cell_degrees))] += 1
    return [
        (round(i * cell_degrees, 6), round(j * cell_degrees, 6), n) for (i, j), n in cells.most_common(top)
    ]
