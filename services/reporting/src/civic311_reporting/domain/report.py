"""The SLA report as of an instant: every figure, and the notes that say how it was counted."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from civic311_reporting.domain import sla
from civic311_reporting.domain.profile import ReportProfile
from civic311_reporting.domain.requests import RequestState
from civic311_reporting.domain.tally import tally


@dataclass(frozen=True, slots=True)
class SlaReport:
    as_of: datetime
    profile: ReportProfile
    notes: tuple[str, ...]
    by_department: list[sla.SlaRow]
    by_type: list[sla.SlaRow]
    by_department_and_type: list[sla.SlaRow]
    ageing: dict[str, int]
    weekly: list[tuple[str, int, int]]
    channels: dict[str, int]
    cost_by_department: dict[str, tuple[float, float]]
    cost_by_type: dict[str, tuple[float, float]]
    hotspots: list[tuple[float, float, int]]
    jobs: dict[str, float] | None = None
    """Reports per job: every report counted, a duplicate as a report on its original's job."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "profile": self.profile.model_dump(mode="json"),
            "notes": list(self.notes),
            "by_department": [r.as_dict() for r in self.by_department],
            "by_type": [r.as_dict() for r in self.by_type],
            "by_department_and_type": [r.as_dict() for r in self.by_department_and_type],
            "ageing": self.ageing,
            "weekly": [{"week": w, "created": c, "closed": d} for w, c, d in self.weekly],
            "channels": self.channels,
            "cost_by_department": {
                k: {"labour_hours": h, "materials": m} for k, (h, m) in self.cost_by_department.items()
            },
            "cost_by_type": {
                k: {"labour_hours": h, "materials": m} for k, (h, m) in self.cost_by_type.items()
            },
            "hotspots": [{"lat": a, "long": b, "requests": n} for a, b, n in self.hotspots],
            "jobs": self.jobs,
        }


def _notes(duplicates: int, untimed: int, profile: ReportProfile) -> tuple[str, ...]:
    notes = [f"profile: {profile.name}"]
    if profile.duplicates == "excluded":
        notes.append(f"{duplicates} duplicate requests are excluded from on-time figures")
    else:
        notes.append(f"{duplicates} duplicate requests are judged on their own dates")
    counted = "count as on time" if profile.no_due_date == "on_time" else "are excluded from on-time figures"
    notes.append(f"{untimed} requests without a due time {counted}")
    if profile.export_at is not None:
        notes.append(f"open requests are judged as of the export, {profile.export_at.isoformat()}")
    return tuple(notes)


def sla_report(states: Mapping[str, RequestState], *, as_of: datetime, profile: ReportProfile) -> SlaReport:
    """The report over the requests created up to `as_of` (the states should be folded up to it)."""
    counted = tally(states.values(), as_of=as_of, profile=profile)
    return SlaReport(
        as_of=as_of,
        profile=profile,
        notes=_notes(counted.duplicates, counted.untimed, profile),
        by_department=counted.rows("department"),
        by_type=counted.rows("type"),
        by_department_and_type=counted.rows("department/type"),
        ageing=counted.ageing,
        weekly=counted.weekly(),
        channels=dict(counted.channels.most_common()),
        cost_by_department=counted.costs("department"),
        cost_by_type=counted.costs("type"),
        hotspots=counted.hotspots(profile.cell_degrees),
        jobs=_jobs(counted.requests, counted.duplicates, counted.originals),
    )


def _jobs(reports: int, duplicates: int, originals: Counter[str]) -> dict[str, float]:
    jobs = reports - duplicates
    return {
        "reports": reports,
        "jobs": jobs,
        "reports_per_job": round(reports / jobs, 3) if jobs else 0.0,
        "jobs_with_duplicates": len(originals),
        "most_reports_on_one_job": 1 + max(originals.values(), default=0),
    }
