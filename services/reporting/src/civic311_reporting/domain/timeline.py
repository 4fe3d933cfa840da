"""A request's timeline, as a resident or a supervisor reads it: one line per event, in order."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from civic311_reporting.domain.facts import Fact


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime
    what: str
    detail: str


def _describe(fact: Fact) -> tuple[str, str]:
    p = fact.payload
    match fact.event_type:
        case "RequestCreated":
            return "created", f"{p.get('service_code')} via {p.get('channel')}"
        case "Assigned":
            what = "transferred" if p.get("reason") == "transfer" else "assigned"
            due = f", due {p['due_at']}" if p.get("due_at") else ""
            return what, f"{p.get('department')} / {p.get('queue')}{due}"
        case "StatusUpdated":
            return str(p.get("status")), p.get("public_note") or ""
        case "Closed":
            original = f" of {p['duplicate_of']}" if p.get("duplicate_of") else ""
            return "closed", f"{p.get('resolution')}{original}"
        case other:
            return other, ""


INTERNAL_EVENTS = frozenset({"SlaWarning"})
"""Events for staff only: supervisors' alarms never fill a resident's timeline."""


def timeline(facts: Iterable[Fact], *, internal: bool = False) -> list[TimelineEntry]:
    """The timeline of one request's events, ordered by when each thing happened (stable for ties).

    Internal notes are shown only to staff (`internal=True`).
    """
    entries = []
    for fact in facts:
        if fact.event_type in INTERNAL_EVENTS and not internal:
            continue
        what, detail = _describe(fact)
        note = fact.payload.get("internal_note") if internal else None
        entries.append(TimelineEntry(fact.occurred_at, what, f"{detail} [{note}]" if note else detail))
    return sorted(entries, key=lambda e: e.at)
