"""A staff transfer: routing moves the request (a new Assigned) or refuses it, with the reason on record.

Routing decides from the request as it stands when the transfer reaches it (`RequestSoFar`, a fold of
the request's stream). The new Assigned keeps the current assignment's district and priority; its due
time follows the type's `transfer_clock`: restarted from the moment staff asked, or continued.

A transfer is refused when the request is not there or is closed, when the department is neither one of
the catalogue's nor the triage department, when a queue is named that routing does not know for that
department, or when the request is already with that department and queue (an Assigned there would only
restart the clock). A request of a type the catalogue does not know is in triage, and moving it out is
what triage is for: it is accepted, and since no type says how long it may take, its clock continues
(untimed stays untimed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from civic311_backbone.contracts import (
    Assigned,
    Closed,
    Envelope,
    RequestCreated,
    StatusUpdated,
    TransferRefused,
    TransferRequested,
)
from civic311_routing.domain.routing import Router, home_queue
from civic311_routing.domain.rules import Rule


@dataclass(frozen=True)
class RequestSoFar:
    """What a transfer decision needs to know of a request."""

    created: RequestCreated | None = None
    created_at: datetime | None = None
    assignment: Assigned | None = None
    """The latest Assigned: where the request is now."""
    closed: bool = False


def request_so_far(events: Iterable[Envelope[Any]]) -> RequestSoFar:
    """The request after its events, in stream order."""
    request = RequestSoFar()
    for event in events:
        match event.payload:
            case RequestCreated() as created:
                request = replace(request, created=created, created_at=event.occurred_at)
            case Assigned() as assigned:
                request = replace(request, assignment=assigned)
            case Closed():
                request = replace(request, closed=True)
            case StatusUpdated(status="reopened"):
                request = replace(request, closed=False)
    return request


def decide_transfer(
    router: Router, request: RequestSoFar, transfer: TransferRequested, *, at: datetime
) -> Assigned | TransferRefused:
    """Where staff asked the request to go at `at`: the Assigned that moves it there, or why not."""

    def refused(reason: str) -> TransferRefused:
        return TransferRefused(department=transfer.department, queue=transfer.queue, reason=reason)

    created, created_at = request.created, request.created_at
    if created is None or created_at is None:
        return refused("no request in this stream")
    if request.closed:
        return refused(f"{created.tracking_number} is closed")
    department = transfer.department
    if department not in departments(router):
        return refused(f"not a department of this city: {department!r}")
    # Routing's Assigned of the new request comes before any transfer (one stream, one lane, in order);
    # should it be missing, the assignment routing would have made stands in for it.
    previous = request.assignment or router.assign(created, created_at=created_at)
    queue = transfer.queue.strip() if transfer.queue and transfer.queue.strip() else None
    if queue is None:
        queue = default_queue(router, created.service_code, department, district=previous.district)
    elif queue not in queues_of(router, department):
        return refused(f"not a queue of {department}: {queue!r}")
    if (previous.department, previous.queue) == (department, queue):
        return refused(f"{created.tracking_number} is already with {department}, {queue}")
    return moved(router, previous, created.service_code, department, queue, at=at, note=transfer.note)


def moved(
    router: Router,
    previous: Assigned,
    service_code: str,
    department: str,
    queue: str,
    *,
    at: datetime,
    note: str | None,
) -> Assigned:
    """The Assigned of an accepted transfer: the type says whether the SLA clock restarts or runs on."""
    request_type = router.catalogue.get(service_code)
    restart = request_type is not None and request_type.transfer_clock == "restart"
    return previous.model_copy(
        update={
            "department": department,
            "queue": queue,
            "due_at": router.due(request_type, at) if restart and request_type else previous.due_at,
            "rule": None,
            "reason": "transfer",
            "clock": "restarted" if restart else "continued",
            "note": note,
        }
    )


def departments(router: Router) -> frozenset[str]:
    """The departments routing can hand a request to."""
    return router.catalogue.departments | {router.triage.department}


def default_queue(router: Router, service_code: str, department: str, *, district: str | None) -> str:
    """Where a transfer naming no queue goes: the type's own queue (its district's, if it has those) when
    the department is the type's, the triage queue for triage, else the department's first queue."""
    own = router.catalogue.get(service_code)
    if own is not None and own.department == department:
        return home_queue(own, district)
    if department == router.triage.department:
        return router.triage.queue
    return next(t.queue for t in router.catalogue.types if t.department == department)


def queues_of(router: Router, department: str) -> frozenset[str]:
    """Every queue routing knows for a department: its types' queues (with their district variants),
    the queues the rules send its requests to, and the triage queue for the triage department."""
    queues: set[str] = set()
    for request_type in router.catalogue.types:
        if request_type.department == department:
            queues.add(request_type.queue)
            if request_type.queue_by_district:
                queues.update(home_queue(request_type, name) for name in router.districts.names)
    queues.update(
        rule.queue for rule in router.rules if rule.queue and department in _departments_of(router, rule)
    )
    if department == router.triage.department:
        queues.add(router.triage.queue)
    return frozenset(queues)


def _departments_of(router: Router, rule: Rule) -> frozenset[str]:
    """The departments a rule's queue belongs to: its own, else those of the types it applies to."""
    if rule.department is not None:
        return frozenset({rule.department})
    types = [router.catalogue.get(code) for code in rule.types] if rule.types else router.catalogue.types
    return frozenset(t.department for t in types if t is not None)
