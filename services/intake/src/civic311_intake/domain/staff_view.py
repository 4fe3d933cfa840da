"""What staff see of a request: everything, folded from its events.

Unlike the public view, this one carries the reporter's contact, internal notes, costs, who did what,
and the internal SLA alarms. It is only ever served behind the staff desk's sign-in and scope checks.
`version` is the number of events folded: the expected version of the next append.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from civic311_backbone.contracts import (
    Assigned,
    Closed,
    Contact,
    Cost,
    Envelope,
    Location,
    RequestCreated,
    SlaWarning,
    StatusUpdated,
    TransferRefused,
    TransferRequested,
)


class StaffTimelineEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    at: datetime
    kind: Literal[
        "created", "assigned", "status", "closed", "sla_warning", "transfer_requested", "transfer_refused"
    ]
    status: str
    actor: str
    """Who: `staff:<username>`, a service's name, or `resident`."""
    public_note: str | None = None
    internal_note: str | None = None
    department: str | None = None
    queue: str | None = None
    due_at: datetime | None = None
    clock: str | None = None
    rule: str | None = None
    cost: Cost | None = None
    reason: str | None = None
    """Why routing refused a transfer."""


class PendingTransfer(BaseModel):
    """A transfer staff asked for that routing has not answered yet (with an Assigned or a refusal)."""

    model_config = ConfigDict(frozen=True)

    department: str
    queue: str | None
    requested_by: str
    requested_at: datetime


class CostTotals(BaseModel):
    model_config = ConfigDict(frozen=True)

    labour_hours: Decimal = Decimal(0)
    materials: dict[str, Decimal] = Field(default_factory=dict, description="Materials, by currency.")


class StaffRequest(BaseModel):
    model_config = ConfigDict(frozen=True)

    tracking_number: str
    version: int
    service_code: str
    description: str | None
    location: Location
    attributes: dict[str, str | list[str]]
    media_url: str | None
    channel: str
    language: str
    contact: Contact | None
    status: Literal["open", "closed"]
    stage: str
    """received, assigned, acknowledged, in_progress, on_hold, reopened, or the closing resolution."""
    department: str | None
    queue: str | None
    priority: str | None
    district: str | None
    due_at: datetime | None
    resolution: str | None
    duplicate_of: str | None
    requested_at: datetime
    updated_at: datetime
    costs: CostTotals
    assignment: Assigned | None
    """The latest Assigned."""
    pending_transfer: PendingTransfer | None = None
    timeline: list[StaffTimelineEntry]


def staff_view(events: list[Envelope[Any]]) -> StaffRequest | None:
    """Fold a request's events into the staff view; None if the stream holds no request."""
    if not events or not isinstance(events[0].payload, RequestCreated):
        return None
    first = events[0]
    created: RequestCreated = first.payload
    state: dict[str, Any] = {
        "status": "open",
        "stage": "received",
        "resolution": None,
        "duplicate_of": None,
        "assignment": None,
        "pending_transfer": None,
        "updated_at": first.occurred_at,
    }
    timeline = [
        StaffTimelineEntry(at=first.occurred_at, kind="created", status="received", actor=_who(first))
    ]
    labour, materials = Decimal(0), dict[str, Decimal]()
    for event in events[1:]:
        entry = _apply(state, event)
        if entry is None:
            continue
        timeline.append(entry)
        if entry.cost is not None:
            labour += entry.cost.labour_hours
            currency = entry.cost.currency
            materials[currency] = materials.get(currency, Decimal(0)) + entry.cost.materials
    assignment: Assigned | None = state.pop("assignment")
    return StaffRequest(
        tracking_number=created.tracking_number,
        version=len(events),
        service_code=created.service_code,
        description=created.description,
        location=created.location,
        attributes=created.attributes,
        media_url=created.media_url,
        channel=created.channel,
        language=created.language,
        contact=created.contact,
        department=assignment.department if assignment else None,
        queue=assignment.queue if assignment else None,
        priority=assignment.priority if assignment else None,
        district=assignment.district if assignment else None,
        due_at=assignment.due_at if assignment else None,
        requested_at=first.occurred_at,
        costs=CostTotals(labour_hours=labour, materials=materials),
        assignment=assignment,
        timeline=timeline,
        **state,
    )


def _who(event: Envelope[Any]) -> str:
    return event.actor.id if event.actor.kind != "resident" else "resident"


def _apply(state: dict[str, Any], event: Envelope[Any]) -> StaffTimelineEntry | None:
    at, who = event.occurred_at, _who(event)
    match event.payload:
        case Assigned() as assigned:
            state.update(assignment=assigned, updated_at=at)
            if assigned.reason == "transfer":
                state["pending_transfer"] = None
            if state["status"] == "open":
                state["stage"] = "assigned"
            return StaffTimelineEntry(
                at=at,
                kind="assigned",
                status="assigned",
                actor=who,
                internal_note=assigned.note,
                department=assigned.department,
                queue=assigned.queue,
                due_at=assigned.due_at,
                clock=assigned.clock,
                rule=assigned.rule,
            )
        case StatusUpdated() as update:
            state.update(
                status="open", stage=update.status, resolution=None, duplicate_of=None, updated_at=at
            )
            return StaffTimelineEntry(
                at=at,
                kind="status",
                status=update.status,
                actor=who,
                public_note=update.public_note,
                internal_note=update.internal_note,
                cost=update.cost,
            )
        case Closed() as closed:
            state.update(
                status="closed",
                stage=closed.resolution,
                resolution=closed.resolution,
                duplicate_of=closed.duplicate_of,
                updated_at=at,
            )
            return StaffTimelineEntry(
                at=at,
                kind="closed",
                status=closed.resolution,
                actor=who,
                public_note=closed.public_note,
                internal_note=closed.internal_note,
                cost=closed.cost,
            )
        case TransferRequested() as asked:
            pending = PendingTransfer(
                department=asked.department, queue=asked.queue, requested_by=who, requested_at=at
            )
            state.update(pending_transfer=pending, updated_at=at)
            return StaffTimelineEntry(
                at=at,
                kind="transfer_requested",
                status="transfer requested",
                actor=who,
                internal_note=asked.note,
                department=asked.department,
                queue=asked.queue,
            )
        case TransferRefused() as refused:
            state.update(pending_transfer=None, updated_at=at)
            return StaffTimelineEntry(
                at=at,
                kind="transfer_refused",
                status="transfer refused",
                actor=who,
                department=refused.department,
                queue=refused.queue,
                reason=refused.reason,
            )
        case SlaWarning() as warning:
            return StaffTimelineEntry(
                at=at, kind="sla_warning", status=warning.stage, actor=who, due_at=warning.due_at
            )
    return None
