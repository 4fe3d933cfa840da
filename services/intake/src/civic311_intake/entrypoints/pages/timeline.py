"""The tracking page's view of a request: where it stands among the four stages, and its history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from civic311_intake.domain.public_view import PublicRequest, TimelineEntry

STAGES = ("received", "assigned", "in_progress", "closed")
_STAGE_OF_STATUS = {
    "received": 0,
    "assigned": 1,
    "acknowledged": 1,
    "in_progress": 2,
    "on_hold": 2,
    "reopened": 2,
}


@dataclass(frozen=True)
class Stage:
    name: str
    state: str
    """done, current or upcoming"""


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    message_key: str
    department: str | None
    note: str | None


def stages(view: PublicRequest) -> list[Stage]:
    """The parcel-tracker bar: every stage before the current one is done; a closed request is all done."""
    if view.status == "closed":
        return [Stage(name, "done") for name in STAGES]
    current = _STAGE_OF_STATUS.get(view.stage, 2)
    return [
        Stage(name, "done" if index < current else "current" if index == current else "upcoming")
        for index, name in enumerate(STAGES)
    ]


def history(view: PublicRequest) -> list[HistoryEntry]:
    """The timeline, newest first, as the page words it (`timeline.<status>` messages)."""
    return [_entry(entry) for entry in reversed(view.timeline)]


def _entry(entry: TimelineEntry) -> HistoryEntry:
    return HistoryEntry(
        at=entry.at, message_key=f"timeline.{entry.status}", department=entry.department, note=entry.note
    )
