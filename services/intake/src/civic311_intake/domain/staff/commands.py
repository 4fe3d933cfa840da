"""What a staff member asks of a request, and whether the request and their scope allow it.

Each `decide` takes the request as staff see it now, who asks and what they ask, and returns the one
event to append, or raises: `NotAllowed` (their role or department does not allow it), `NotNow` (the
request's state does not: closing it twice, updating a closed one) or `BadCommand` (a field is wrong).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from civic311_backbone.contracts import Closed, Cost, StatusUpdated, TransferRequested
from civic311_city.catalogue import Catalogue
from civic311_intake.domain.staff.members import StaffMember
from civic311_intake.domain.staff.view import StaffRequest

Resolution = Literal["resolved", "duplicate", "not_actionable", "referred", "withdrawn"]
WorkStatus = Literal["in_progress", "on_hold", "reopened"]
ACKNOWLEDGEABLE = ("received", "assigned", "reopened")


class NotAllowed(Exception):
    """The staff member's role or department scope does not allow this."""


class NotNow(Exception):
    """The request's current state does not allow this."""


class BadCommand(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, kw_only=True)
class Acknowledge:
    public_note: str | None = None
    internal_note: str | None = None


@dataclass(frozen=True, kw_only=True)
class UpdateStatus:
    status: WorkStatus
    public_note: str | None = None
    internal_note: str | None = None
    cost: Cost | None = None


@dataclass(frozen=True, kw_only=True)
class RecordCost:
    cost: Cost
    internal_note: str | None = None


@dataclass(frozen=True, kw_only=True)
class Transfer:
    department: str
    queue: str | None = None
    """None: routing picks the department's queue for the request's type."""
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class Close:
    resolution: Resolution
    duplicate_of: str | None = None
    public_note: str | None = None
    internal_note: str | None = None
    cost: Cost | None = None


Change = Acknowledge | UpdateStatus | RecordCost | Close


def check_view(member: StaffMember, request: StaffRequest, *, confidential: bool) -> None:
    if not member.may_view(request.department, confidential=confidential):
        raise NotAllowed(f"{_who(member)} may not see {_whose(request)}")


def decide(
    member: StaffMember, request: StaffRequest, change: Change, *, confidential: bool
) -> StatusUpdated | Closed:
    """The StatusUpdated or Closed that `change` makes of `request`."""
    if not member.may_work(request.department, confidential=confidential):
        raise NotAllowed(f"{_who(member)} may not change {_whose(request)}")
    reopening = isinstance(change, UpdateStatus) and change.status == "reopened"
    if reopening and request.status != "closed":
        raise NotNow(f"{request.tracking_number} is open: only a closed request can be reopened")
    if not reopening and request.status == "closed":
        raise NotNow(f"{request.tracking_number} is closed ({request.resolution}): reopen it first")
    match change:
        case Acknowledge():
            if request.stage not in ACKNOWLEDGEABLE:
                raise NotNow(f"{request.tracking_number} is already {request.stage}: nothing to acknowledge")
            return StatusUpdated(
                status="acknowledged", public_note=change.public_note, internal_note=change.internal_note
            )
        case UpdateStatus():
            return StatusUpdated(
                status=change.status,
                public_note=change.public_note,
                internal_note=change.internal_note,
                cost=change.cost,
            )
        case RecordCost():
            if change.cost.labour_hours == 0 and change.cost.materials == 0:
                raise BadCommand("cost", "give labour_hours or materials above zero")
            # A cost is a StatusUpdated that keeps the request where it is (work has begun, if it had not).
            stage = (
                request.stage
                if request.stage in ("acknowledged", "in_progress", "on_hold")
                else "in_progress"
            )
            return StatusUpdated(status=stage, internal_note=change.internal_note, cost=change.cost)
        case Close():
            return _close(request, change)


def _close(request: StaffRequest, change: Close) -> Closed:
    if change.resolution == "duplicate":
        if not change.duplicate_of:
            raise BadCommand("duplicate_of", "the tracking number of the original, for a duplicate")
        if change.duplicate_of == request.tracking_number:
            raise BadCommand("duplicate_of", "a request cannot be a duplicate of itself")
    elif change.duplicate_of:
        raise BadCommand("duplicate_of", "only for resolution duplicate")
    return Closed(
        resolution=change.resolution,
        duplicate_of=change.duplicate_of,
        public_note=change.public_note,
        internal_note=change.internal_note,
        cost=change.cost,
    )


def decide_transfer(
    member: StaffMember,
    request: StaffRequest,
    transfer: Transfer,
    *,
    catalogue: Catalogue,
    confidential: bool,
) -> TransferRequested:
    """The TransferRequested that asks routing to move `request`: routing alone decides the due time,
    and appends the Assigned (or a TransferRefused) that answers it."""
    if not member.may_transfer(request.department, confidential=confidential):
        why = ": only supervisors and admins transfer" if member.role in ("agent", "department_staff") else ""
        raise NotAllowed(f"{_who(member)} may not transfer {_whose(request)}{why}")
    if request.status == "closed":
        raise NotNow(f"{request.tracking_number} is closed ({request.resolution}): reopen it first")
    department = transfer.department.strip()
    if not department:
        raise BadCommand("department", "name the department to transfer to")
    if department not in catalogue.departments:
        raise BadCommand("department", f"not a department of this city: {department!r}")
    queue = transfer.queue.strip() if transfer.queue and transfer.queue.strip() else None
    if department == request.department and queue in (None, request.queue):
        where = f"{department}, {request.queue}" if request.queue else department
        raise NotNow(f"{request.tracking_number} is already with {where}")
    return TransferRequested(department=department, queue=queue, note=transfer.note)


def _who(member: StaffMember) -> str:
    if member.role == "agent":
        return "an agent"
    scope = member.department or "every department"
    return f"{member.role.replace('_', ' ')} of {scope}"


def _whose(request: StaffRequest) -> str:
    held = f"a request of {request.department}" if request.department else "a request not yet assigned"
    return f"{request.tracking_number} ({held})"
