"""The SLA report as of an instant: every figure, and the notes that say how it was counted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from civic311_reporting.domain import sla, trends
from civic311_reporting.domain.profile import ReportProfile
from civic311_reporting.domain.requests import RequestState


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
        }


def _notes(states: list[RequestState], profile: ReportProfile) -> tuple[str, ...]:
    duplicates = sum(s.resolution == "duplicate" for s in states)
    untimed = sum(s.due_at is None for s in states)
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
    known = [s for s in states.values() if s.created_at is not None and s.created_at <= as_of]
    return SlaReport(
        as_of=as_of,
        profile=profile,
        notes=_notes(known, profile),
        by_department=sla.sla_rows(known, sla.by_department, as_of=as_of, profile=profile),
        by_type=sla.sla_rows(known, sla.by_type, as_of=as_of, profile=profile),
        by_department_and_type=sla.sla_rows(known, sla.by_department_and_type, as_of=as_of, profile=profile),
        ageing=trends.ageing(known, as_of=as_of),
        weekly=trends.weekly(known, as_of=as_of),
        channels=trends.channel_mix(known),
        cost_by_department=trends.cost(known, sla.by_department),
        cost_by_type=trends.cost(known, sla.by_type),
        hotspots=trends.hotspots(known, cell_degrees=profile.cell_degrees),
    )
