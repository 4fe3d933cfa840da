"""A department's queue: its open requests, soonest due first, from the gateway's request index."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg
from pydantic import BaseModel, ConfigDict

from civic311_city.catalogue import Catalogue
from civic311_intake.adapters.request_index import IndexedRequest, RequestSearch, search_requests
from civic311_intake.domain.staff.commands import BadCommand, NotAllowed
from civic311_intake.domain.staff.members import StaffMember
from civic311_intake.domain.text import text_problem

MAX_QUEUE = 500
_SCANNED = 2000
"""Open requests read from the index before the stage filter; a queue longer than this is a crisis."""


@dataclass(frozen=True, kw_only=True)
class QueueFilter:
    department: str | None = None
    """None: the member's own department (every department, for agents and city-wide staff)."""
    queue: str | None = None
    service_code: str | None = None
    stage: str | None = None
    overdue_only: bool = False
    limit: int = 200


class QueueItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    tracking_number: str
    service_code: str
    stage: str
    department: str | None
    queue: str | None
    priority: str | None
    district: str | None
    due_at: datetime | None
    overdue: bool
    address: str | None
    lat: float | None
    long: float | None
    """The public point, for the queue's map."""
    description: str | None
    requested_at: datetime
    updated_at: datetime


class Queue(BaseModel):
    department: str | None
    """None: every department the member may see."""
    requests: list[QueueItem]


def queue_department(member: StaffMember, wanted: str | None) -> str | None:
    """The department whose queue the member gets; NotAllowed outside their scope."""
    department = wanted or member.department
    if department is None:
        if member.role == "agent" or member.city_wide:
            return None
        raise NotAllowed("choose a department")
    if not member.may_view(department):
        raise NotAllowed(
            f"{member.role.replace('_', ' ')} of {member.department} may not see {department}'s queue"
        )
    return department


async def department_queue(
    pool: asyncpg.Pool, catalogue: Catalogue, member: StaffMember, wanted: QueueFilter, *, now: datetime
) -> Queue:
    for field in ("department", "queue", "service_code", "stage"):
        why = text_problem(getattr(wanted, field) or "")
        if why is not None:
            raise BadCommand(field, why)
    department = queue_department(member, wanted.department)
    found = await search_requests(
        pool,
        RequestSearch(
            statuses=["open"],
            departments=[department] if department else [],
            queue=wanted.queue or None,
            service_codes=[wanted.service_code] if wanted.service_code else [],
            overdue_at=now if wanted.overdue_only else None,
            order="due",
            limit=_SCANNED,
        ),
    )
    items = [
        _item(found_one, now)
        for found_one in found
        if (not wanted.stage or found_one.view.stage == wanted.stage)
        and _visible(catalogue, member, found_one)
    ]
    return Queue(department=department, requests=items[: min(wanted.limit, MAX_QUEUE)])


def _visible(catalogue: Catalogue, member: StaffMember, found: IndexedRequest) -> bool:
    request_type = catalogue.get(found.view.service_code)
    confidential = request_type is not None and request_type.confidential
    return member.may_view(found.view.department, confidential=confidential)


def _item(found: IndexedRequest, now: datetime) -> QueueItem:
    view = found.view
    return QueueItem(
        tracking_number=view.tracking_number,
        service_code=view.service_code,
        stage=view.stage,
        department=view.department,
        queue=found.queue,
        priority=found.priority,
        district=found.district,
        due_at=view.due_at,
        overdue=view.due_at is not None and view.due_at < now,
        address=view.address,
        lat=view.lat,
        long=view.long,
        description=view.description,
        requested_at=view.requested_at,
        updated_at=view.updated_at,
    )
