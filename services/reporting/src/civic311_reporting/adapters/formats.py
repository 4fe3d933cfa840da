"""The SLA report as a text table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from typing import Literal

from civic311_reporting.domain.report import SlaReport
from civic311_reporting.domain.sla import SlaRow

Format = Literal["table", "csv", "json"]
COLUMNS = (
    "group",
    "requests",
    "open",
    "overdue",
    "judged",
    "on_time",
    "on_time_pct",
    "median_hours_to_close",
    "p90_hours_to_close",
)


def _sections(report: SlaReport) -> list[tuple[str, list[SlaRow]]]:
    return [
        ("department", report.by_department),
        ("type", report.by_type),
        ("department/type", report.by_department_and_type),
    ]


def as_csv(report: SlaReport) -> str:
    """One row per group of every grouping, the grouping in the first column."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("by", *COLUMNS))
    for name, rows in _sections(report):
        for row in rows:
            figures = row.as_dict()
            writer.writerow((name, *(figures[c] for c in COLUMNS)))
    return out.getvalue()


def _cell(value: object) -> str:
    return "-" if value is None else str(value)


def as_table(report: SlaReport) -> str:
    """A terminal-width summary: notes, SLA by department, ageing and channels."""
    lines = [f"SLA report as of {report.as_of.isoformat()}", *(f"  note: {n}" for n in report.notes), ""]
    header = ("department", "requests", "open", "overdue", "on time %", "median h", "p90 h")
    lines.append(f"{header[0]:<28}" + "".join(f"{h:>10}" for h in header[1:]))
    for row in report.by_department:
        f = row.as_dict()
        values = (f["requests"], f["open"], f["overdue"], f["on_time_pct"])
        tail = (f["median_hours_to_close"], f["p90_hours_to_close"])
        lines.append(f"{row.group[:27]:<28}" + "".join(f"{_cell(v):>10}" for v in (*values, *tail)))
    lines += ["", "ageing of open requests: " + ", ".join(f"{k} {v}" for k, v in report.ageing.items())]
    lines.append("channels: " + ", ".join(f"{k} {v}" for k, v in report.channels.items()))
    return "\n".join(lines) + "\n"


def render(report: SlaReport, fmt: Format) -> str:
    if fmt == "json":
        return json.dumps(report.as_dict(), indent=2) + "\n"
    if fmt == "csv":
        return as_csv(report)
    return as_table(report)
