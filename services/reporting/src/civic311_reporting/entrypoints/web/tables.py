"""The dashboard's tables by name, each as rows of plain values: the same rows for HTML, JSON and CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from civic311_reporting.adapters.formats import COLUMNS
from civic311_reporting.domain.information_calls import Resolved
from civic311_reporting.domain.sla import SlaRow
from civic311_reporting.entrypoints.web.figures import Figures

Row = tuple[Any, ...]
SLA_FIGURES = COLUMNS[1:]  # the report's columns after the group's name


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    title: str
    columns: tuple[str, ...]
    rows: Callable[[Figures], list[Row]]


def _sla(rows: list[SlaRow]) -> list[Row]:
    return [tuple(r.as_dict()[c] for c in ("group", *SLA_FIGURES)) for r in rows]


def _sla_by_department_and_type(f: Figures) -> list[Row]:
    # The group reads "department / type"; service codes never hold " / ", so split on the last one.
    return [(*row[0].rsplit(" / ", 1), *row[1:]) for row in _sla(f.report.by_department_and_type)]


def _channels(f: Figures) -> list[Row]:
    total = sum(f.report.channels.values())
    return [(k, n, round(100 * n / total, 1)) for k, n in f.report.channels.items()]


def _costs(costs: dict[str, tuple[float, float]]) -> list[Row]:
    return [(group, round(hours, 2), round(materials, 2)) for group, (hours, materials) in costs.items()]


def _resolved(row: Resolved) -> Row:
    share = row.share
    return (
        row.topic,
        row.information_calls,
        row.requests_filed,
        None if share is None else round(100 * share, 1),
    )


RESOLVED = ("information_calls", "requests_filed", "share_pct")


def _hotspots(f: Figures) -> list[Row]:
    size = f.report.profile.cell_degrees
    return [
        (lat, long, size, f.districts.containing(lat + size / 2, long + size / 2) or "", n)
        for lat, long, n in f.cells
    ]


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "sla-by-department",
            "SLA by department",
            ("department", *SLA_FIGURES),
            lambda f: _sla(f.report.by_department),
        ),
        Table("sla-by-type", "SLA by request type", ("type", *SLA_FIGURES), lambda f: _sla(f.report.by_type)),
        Table(
            "sla-by-department-and-type",
            "SLA by department and request type",
            ("department", "type", *SLA_FIGURES),
            _sla_by_department_and_type,
        ),
        Table(
            "sla-by-district", "SLA by district", ("district", *SLA_FIGURES), lambda f: _sla(f.by_district)
        ),
        Table(
            "ageing",
            "Age of open requests",
            ("age", "open_requests"),
            lambda f: list(f.report.ageing.items()),
        ),
        Table(
            "weekly",
            "Requests created and closed per week",
            ("week_starting", "created", "closed"),
            lambda f: list(f.report.weekly),
        ),
        Table("channels", "Requests by channel", ("channel", "requests", "share_pct"), _channels),
        Table(
            "costs-by-department",
            "Cost by department",
            ("department", "labour_hours", "materials"),
            lambda f: _costs(f.report.cost_by_department),
        ),
        Table(
            "costs-by-type",
            "Cost by request type",
            ("type", "labour_hours", "materials"),
            lambda f: _costs(f.report.cost_by_type),
        ),
        Table(
            "hotspots",
            "Requests per map cell (south-west corner), busiest first",
            ("lat", "long", "cell_degrees", "district", "requests"),
            _hotspots,
        ),
        Table(
            "resolved-without-request",
            "Calls resolved without a request: information calls / (information calls + requests filed)",
            ("channel", *RESOLVED),
            lambda f: [(f.resolved.channel, *_resolved(f.resolved.overall)[1:])],
        ),
        Table(
            "resolved-without-request-by-topic",
            "Calls resolved without a request, by topic (request type, or the agent's words)",
            ("topic", *RESOLVED),
            lambda f: [_resolved(row) for row in f.resolved.by_topic],
        ),
    )
}


def _safe(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula is written as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def as_csv(table: Table, rows: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows(tuple(_safe(v) for v in row) for row in rows)
    return out.getvalue()


def as_records(table: Table, rows: list[Row]) -> list[dict[str, Any]]:
    return [dict(zip(table.columns, row, strict=True)) for row in rows]
